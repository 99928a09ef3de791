// `phylane maxrate` and `phylane reach` end to end: outputs, criterion, exit codes, no partial files.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
namespace fs = std::filesystem;

TEST_CASE("phylane maxrate compares NRZ and PAM4 and writes HDF5 with the eye at the maximum", "[app][maxrate]") {
  const auto dir = temp_dir("maxrate");
  const auto r = run_phylane("maxrate --preset dr4-400g-lane -o rate.h5", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("NRZ") && Catch::Contains("PAM4") && Catch::Contains("best:") &&
                        Catch::Contains("Margin vs rate"));
  REQUIRE(fs::exists(dir + "/rate.h5"));
  hid_t f = H5Fopen((dir + "/rate.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  for (const char* ds : {"/nrz/curve/rate_bps", "/nrz/curve/margin_db", "/pam4/curve/meets", "/pam4/at_max/eye/log10_ber",
                         "/pam4/at_max/pulse/equalized/v"}) {
    INFO(ds);
    hid_t d = H5Dopen2(f, ds, H5P_DEFAULT);
    REQUIRE(d >= 0);
    CHECK(H5Aexists(d, "units") > 0);
    H5Dclose(d);
  }
  H5Fclose(f);
  const auto j = run_phylane("maxrate --preset dr4-400g-lane --json --modulation pam4");
  REQUIRE(j.exit_code == 0);
  CHECK_THAT(j.out, Catch::Contains("\"best_modulation\": \"pam4\"") && Catch::Contains("\"curve\""));
  CHECK(j.out.find("nan") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("phylane reach reports the longest length and the loss-versus-length table", "[app][reach]") {
  const auto r = run_phylane("reach --preset dr4-400g-lane --min '100 m' --max '50 km' --json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"max_length_m\"") && Catch::Contains("\"loss_db\"") &&
                        Catch::Contains("fiber"));
}

TEST_CASE("Bad search options exit with code 2 and write nothing", "[app][maxrate][errors]") {
  const auto dir = temp_dir("maxrate_bad");
  const auto a = run_phylane("maxrate --min '5 GHz' -o out.h5", dir);
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.err, Catch::Contains("--min \"5 GHz\"") && Catch::Contains("not a unit of data rate"));
  const auto b = run_phylane("maxrate --modulation qam16 -o out.h5", dir);
  CHECK(b.exit_code == 2);
  CHECK_THAT(b.err, Catch::Contains("nrz, pam4, pam8"));
  const auto c = run_phylane("reach --element 9 -o out.h5", dir);
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Catch::Contains("no such element") && Catch::Contains("2 (main route)"));
  const auto d = run_phylane("maxrate --preset fr4-consumer");
  CHECK(d.exit_code == 2);
  CHECK_THAT(d.err, Catch::Contains("[signal]"));
  CHECK_FALSE(fs::exists(dir + "/out.h5"));
  fs::remove_all(dir);
}
