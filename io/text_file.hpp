#pragma once
/// Text result files (Touchstone, fitted materials and configs) written whole or not at all.
#include <filesystem>
#include <string>

namespace phylane::io {

/// Writes `text` to `file` through `file`.tmp renamed into place, so that a failure leaves no
/// partial file (the temporary is removed). Throws std::runtime_error naming the file.
void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace phylane::io
