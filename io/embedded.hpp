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

}  // namespace phylane::io
