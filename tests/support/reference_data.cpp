#include "tests/support/reference_data.hpp"

namespace phylane::test {

std::optional<std::filesystem::path> reference_file(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(PHYLANE_REFERENCE_DATA) / relative;
  if (!std::filesystem::exists(p)) return std::nullopt;
  return p;
}

std::filesystem::path source_file(const std::string& relative) {
  return std::filesystem::path(PHYLANE_SOURCE_DIR) / relative;
}

std::filesystem::path phylane_binary() { return std::filesystem::path(PHYLANE_BINARY); }

}  // namespace phylane::test
