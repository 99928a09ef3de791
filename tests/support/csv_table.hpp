#pragma once
/// Reading the reference CSV files under tests/reference/ (a header line of column names, then
/// rows of numbers, comma separated).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace phylane::test {

struct CsvTable {
  std::vector<std::string> header;         ///< the column names
  std::vector<std::vector<double>> rows;   ///< one entry per column each
  /// Index of the column `name`; the test fails when there is none.
  std::size_t column(const std::string& name) const;
};

/// Reads a CSV file; blank lines are skipped. Each number is read with std::from_chars (the
/// correctly rounded double of its decimal); the test fails when the file is missing, a cell is not
/// a number or a row has another number of cells than the header.
CsvTable read_csv(const std::filesystem::path& path);

}  // namespace phylane::test
