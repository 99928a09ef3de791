#pragma once
#include <string_view>
namespace phylane::io {
/// The phylane version (from CMake's project version).
std::string_view phylane_version();
}  // namespace phylane::io
