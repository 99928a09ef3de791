#pragma once
/// Helpers shared by tests: where the external reference data is, and repository paths.
#include <filesystem>
#include <optional>
#include <string>

namespace phylane::test {

/// Path of a file under the external reference-data folder (PHYLANE_REFERENCE_DATA, normally
/// ../shared/data), or std::nullopt when the folder or file is absent: tests then WARN and skip.
std::optional<std::filesystem::path> reference_file(const std::string& relative);

/// Absolute path of a file in this repository.
std::filesystem::path source_file(const std::string& relative);

/// Path of the built phylane executable.
std::filesystem::path phylane_binary();

}  // namespace phylane::test

/// Declares `var` = reference_file(relative); when the reference data is absent, says so (WARN:
/// the skip is visible in the test output) and runs `action` (return, or continue in a loop).
#define PHYLANE_REFERENCE_OR_SKIP(var, relative, action)                      \
  const auto var = ::phylane::test::reference_file(relative);                 \
  if (!var) {                                                                 \
    WARN("reference data absent (../shared/data), skipped: " << (relative)); \
    action;                                                                   \
  }                                                                           \
  static_assert(true, "")
