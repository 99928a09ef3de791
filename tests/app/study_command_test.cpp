// `phylane study` end to end: table, JSON, HDF5 in a new folder, and bad input (exit 2, no file).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

void write_study(const std::string& dir, const std::string& extra = "") {
  write_text_file(dir + "/s.toml", R"(name = "two links"
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
)" + extra);
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
  const auto a = run_rejected("study s.toml -o bad.h5", dir);
  CHECK_THAT(a.err, Catch::Contains("s.toml") && Catch::Contains("bogus"));
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));

  run_rejected("study missing.toml -o bad.h5", dir);
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));

  write_study(dir);
  write_text_file(dir + "/s.toml", replace_first(read_text_file(dir + "/s.toml"), "name = \"optics\"",
                                                "name = \"optics\"\nelement = \"nope\""));
  const auto c = run_rejected("study s.toml -o bad.h5", dir);
  CHECK_THAT(c.err, Catch::Contains("optics") && Catch::Contains("nope"));
  CHECK_FALSE(fs::exists(dir + "/bad.h5"));
}

TEST_CASE("phylane study marks a rate at the transceiver's symbol-rate ceiling in its table", "[app][study]") {
  const auto dir = temp_dir("study_ceiling");
  write_text_file(dir + "/s.toml", R"(name = "ceiling"
[reach]
from = "3 m"
to = "10 m"
points = 2
[[link]]
name = "wdm ring"
preset = "cpo-microring"
modulations = ["nrz"]
max_symbol_rate = "32 GBd"
symbol_rate_source = "interconnect_options.toml [wdm_ring_driver_class]"
lanes = 16
[workload]
parameters = 70e9
devices = [8]
)");
  const auto r = run_phylane("study s.toml --no-claims -o out.h5", dir);
  REQUIRE(r.exit_code == 0);
  // The legend says what the mark means; both lengths stop at 32 GBd x log2(2) = 32 Gb/s NRZ.
  CHECK_THAT(r.out, Catch::Contains("best \"*\": the rate is the transceiver's symbol-rate ceiling"));
  CHECK_THAT(r.out, Catch::Contains("32.0       -  NRZ*"));
}
