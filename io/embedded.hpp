#pragma once
/// Files of data/ compiled into the binary (material library, presets), by path relative to data/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::io {

/// Contents of an embedded file, e.g. embedded_file("materials/dielectrics.toml").
std::optional<std::string_view> embedded_file(std::string_view path);
/// Paths of embedded files whose path starts with `prefix` (e.g. "presets/"), sorted.
std::vector<std::string> embedded_paths(std::string_view prefix);
/// Names of the embedded TOML files of a folder, without folder and ".toml": ("presets") ->
/// {"dr4-400g-lane", "pcie5-server", ...}, sorted.
std::vector<std::string> embedded_toml_names(std::string_view folder);
/// The embedded data/<folder>/<name>.toml that a user named (a preset, a system, a claim file).
/// When there is none, throws InputError: `unknown <what> "<as_written>"; did you mean "<the
/// closest name>"? (<list_label>: <every name of the folder>)`; as_written defaults to name.
std::string_view embedded_toml(std::string_view folder, const std::string& name, std::string_view what,
                               std::string_view list_label, std::string_view as_written = {});

}  // namespace phylane::io
