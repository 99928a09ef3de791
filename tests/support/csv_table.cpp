#include "tests/support/csv_table.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace phylane::test {

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

CsvTable read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  INFO(path.string());
  REQUIRE(in.good());
  CsvTable t;
  std::string line;
  std::getline(in, line);
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) t.header.push_back(cell);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) {
      double v = 0;
      const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      REQUIRE(r.ec == std::errc());
      row.push_back(v);
    }
    REQUIRE(row.size() == t.header.size());
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace phylane::test
