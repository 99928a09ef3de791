#pragma once
/// Reading and writing whole files in tests: inputs written for a command, outputs and reference
/// files read back.
#include <filesystem>
#include <string>

namespace phylane::test {

/// The whole content of the file, byte for byte; "" when it cannot be opened.
std::string read_text_file(const std::filesystem::path& path);

/// Writes `text` to `path`, replacing any file there.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace phylane::test
