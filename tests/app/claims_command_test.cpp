// `phylane claims` end to end: the table, --compact, --json, -o with units on every dataset, and
// exit code 2 with nothing written for a bad claim file.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/io/hdf5_read.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

// Two cheap claims (standard figures only), one that holds and one that does not.
const char* const kSmall = R"(source = "test"
title = "two claims"
[[claim]]
id = "gen5-rate"
text = "PCIe 5.0 runs 32 GT/s per lane"
quantity = "per_lane_rate"
claimed = "32 GT/s"
[[claim.test]]
label = "PCIe 5.0 line rate"
measure = "lane_rate"
standard = "pcie5"
[[claim]]
id = "gen5-budget"
text = "PCIe 5.0 allows 20 dB at Nyquist"
quantity = "loss"
claimed = "20 dB"
tolerance = 0.1
[[claim.test]]
label = "PCIe 5.0 loss budget"
measure = "standard"
standard = "pcie5"
figure = "channel_loss_budget"
)";

}  // namespace

TEST_CASE("phylane claims prints the table and the details of each claim", "[app][claims]") {
  const auto dir = temp_dir("claims_table");
  write_text_file(dir + "/small.toml", kSmall);
  const auto r = run_phylane("claims small.toml", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("2 claims: 1 hold, 1 do not hold, 0 cannot tell"));
  CHECK_THAT(r.out, Catch::Contains("id") && Catch::Contains("claim") && Catch::Contains("claimed") &&
                        Catch::Contains("computed") && Catch::Contains("verdict"));
  CHECK_THAT(r.out, Catch::Contains("gen5-rate") && Catch::Contains("holds") && Catch::Contains("gen5-budget") &&
                        Catch::Contains("does not hold") && Catch::Contains("36 dB"));
  CHECK_THAT(r.out, Catch::Contains("data/standards/pcie.toml [pcie5] channel_loss_budget = \"36 dB\""));
  const auto c = run_phylane("claims small.toml --compact", dir);
  REQUIRE(c.exit_code == 0);
  CHECK_THAT(c.out, Catch::Contains("gen5-budget") && Catch::Contains("claimed ~20 dB +-10%"));
  CHECK(c.out.find("data/standards") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("phylane claims on the shipped file writes JSON and HDF5 with units on every dataset", "[app][claims]") {
  const auto dir = temp_dir("claims_h5");
  const auto r = run_phylane("claims --json -o claims.h5", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"source\": \"claims:photonic-vs-pcie\"") && Catch::Contains("\"id\": \"pcie5-per-lane\"") &&
                        Catch::Contains("\"verdict\": \"does not hold\"") && Catch::Contains("\"units\": \"b/s\"") &&
                        Catch::Contains("\"assumptions\""));
  CHECK(r.out.find("nan") == std::string::npos);
  REQUIRE(fs::exists(dir + "/claims.h5"));
  hid_t f = H5Fopen((dir + "/claims.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto all = list_datasets(f);
  CHECK(all.size() > 100);
  for (const auto& d : all) {
    INFO(d.path);
    CHECK(d.units.has_value());
  }
  for (const char* ds : {"id", "verdict", "text", "claim/pcie5-per-lane/claimed", "claim/pcie5-per-lane/test/1/value"}) {
    INFO(ds);
    CHECK(std::any_of(all.begin(), all.end(), [&](const DatasetUnits& d) { return d.path == ds; }));
  }
  CHECK(H5Aexists(f, "claims_toml") > 0);
  H5Fclose(f);
  fs::remove_all(dir);
}

TEST_CASE("A bad claim file exits with code 2, names file:line:col and writes nothing", "[app][claims][errors]") {
  const auto dir = temp_dir("claims_bad");
  const auto r = run_rejected_file("claims", replace_first(kSmall, "claimed = \"32 GT/s\"", "claimed = \"32 GHz\""), dir);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:7:11: claim[1].claimed = \"32 GHz\"") && Catch::Contains("data rate"));
  const auto m = run_rejected("claims missing.toml", dir);
  CHECK_THAT(m.err, Catch::Contains("cannot open the claim file"));
  const auto e = run_rejected("claims --preset nope", dir);
  CHECK_THAT(e.err, Catch::Contains("photonic-vs-pcie"));
  fs::remove_all(dir);
}
