#pragma once
/// The KR4-style lane (tests/reference/engine_equivalence/kr4_style.toml.in) around a measured
/// 4-port channel: the engine-equivalence test and the eye benchmark evaluate the same link.
#include <filesystem>
#include <string>

namespace phylane::test {

/// The config text of the KR4-style lane with the channel read from `s4p`: the template's @FILE@
/// becomes the file's path and @NAME@ its stem.
std::string kr4_style_config(const std::filesystem::path& s4p);

}  // namespace phylane::test
