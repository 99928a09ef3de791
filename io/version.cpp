#include "io/version.hpp"
namespace phylane::io {
std::string_view phylane_version() { return PHYLANE_VERSION; }
}  // namespace phylane::io
