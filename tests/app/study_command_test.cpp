// `phylane study` end to end: table, JSON, HDF5 in a new folder, and bad input (exit 2, no file).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
namespace fs = std::filesystem;

namespace {

void write_study(const std::string& dir, const std::string& extra = "") {
  std::ofstream(dir + "/s.toml") << R"(name = "two links"
[reach]
from = "2 cm"
to = "20 cm"
points = 2
[[link]]
name = "board x16"
preset = "pcie5-server"
lanes = 16
encoding = "128b130b"
alpha = "5.7 us"
[[link]]
name = "optics"
preset = "cpo-microring"
lanes = 16
alpha = "5.7 us"
[workload]
parameters = 70e9
devices = [8, 64]
)" << extra;
}

}  // namespace

TEST_CASE("phylane study prints the table, writes HDF5 and says how to plot it", "[app][study]") {
  const auto dir = temp_dir("study");
  write_study(dir);
  const auto r = run_phylane("study s.toml --no-claims -o out/study.h5", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("board x16") && Catch::Contains("optics") && Catch::Contains("n=64"));
  CHECK_THAT(r.out, Catch::Contains("notebooks/study.ipynb"));
  CHECK(fs::exists(dir + "/out/study.h5"));

  const auto j = run_phylane("study s.toml --no-claims --json -o -", dir);
  REQUIRE(j.exit_code == 0);
  CHECK_THAT(j.out, Catch::Contains("\"max_rate_nrz_bps\"") && Catch::Contains("\"sync_time_s\"") &&
                        Catch::Contains("\"units_convention\""));
}

TEST_CASE("phylane study rejects bad input with exit code 2 and writes nothing", "[app][study]") {
  const auto dir = temp_dir("study_bad");
  write_study(dir, "bogus = 1\n");
  const auto a = run_phylane("study s.toml -o bad.h5", dir);
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.err, Catch::Contains("s.toml") && Catch::Contains("bogus"));
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));

  const auto b = run_phylane("study missing.toml -o bad.h5", dir);
  CHECK(b.exit_code == 2);
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));

  write_study(dir);
  std::string text;
  {
    std::ifstream in(dir + "/s.toml");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("name = \"optics\""), 15, "name = \"optics\"\nelement = \"nope\"");
  std::ofstream(dir + "/s.toml") << text;
  const auto c = run_phylane("study s.toml -o bad.h5", dir);
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Catch::Contains("optics") && Catch::Contains("nope"));
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));
}
