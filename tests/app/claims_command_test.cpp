// `phylane claims` end to end: the table, --compact, --json, -o with units on every dataset, and
// exit code 2 with nothing written for a bad claim file.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
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

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

struct Walk {
  std::vector<std::string> datasets;
  std::vector<std::string> without_units;
};

herr_t visit(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* w = static_cast<Walk*>(data);
  hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
  if (obj < 0) return 0;
  if (H5Iget_type(obj) == H5I_DATASET) {
    w->datasets.emplace_back(name);
    if (H5Aexists(obj, "units") <= 0) w->without_units.emplace_back(name);
  }
  H5Oclose(obj);
  return 0;
}

}  // namespace

TEST_CASE("phylane claims prints the table and the details of each claim", "[app][claims]") {
  const auto dir = temp_dir("claims_table");
  write(dir + "/small.toml", kSmall);
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
  Walk w;
  H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &w);
  CHECK(w.datasets.size() > 100);
  CHECK(w.without_units.empty());
  for (const char* ds : {"id", "verdict", "text", "claim/pcie5-per-lane/claimed", "claim/pcie5-per-lane/test/1/value"}) {
    INFO(ds);
    CHECK(std::find(w.datasets.begin(), w.datasets.end(), std::string(ds)) != w.datasets.end());
  }
  CHECK(H5Aexists(f, "claims_toml") > 0);
  H5Fclose(f);
  fs::remove_all(dir);
}

TEST_CASE("A bad claim file exits with code 2, names file:line:col and writes nothing", "[app][claims][errors]") {
  const auto dir = temp_dir("claims_bad");
  std::string bad = kSmall;
  bad.replace(bad.find("claimed = \"32 GT/s\""), 19, "claimed = \"32 GHz\"");
  write(dir + "/bad.toml", bad);
  const auto r = run_phylane("claims bad.toml -o out.h5", dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:7:11: claim[1].claimed = \"32 GHz\"") && Catch::Contains("data rate"));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(dir + "/out.h5"));
  CHECK_FALSE(fs::exists(dir + "/out.h5.tmp"));
  const auto m = run_phylane("claims missing.toml", dir);
  CHECK(m.exit_code == 2);
  CHECK_THAT(m.err, Catch::Contains("cannot open the claim file"));
  const auto e = run_phylane("claims --preset nope", dir);
  CHECK(e.exit_code == 2);
  CHECK_THAT(e.err, Catch::Contains("photonic-vs-pcie"));
  fs::remove_all(dir);
}
