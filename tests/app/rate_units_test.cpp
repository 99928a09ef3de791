// One rate vocabulary at every entry point (DESIGN.md "Conventions", channels/modulation.hpp):
// Bd is the symbol rate; b/s and T/s (PCIe transfers) are the line bit rate per lane. The
// reference is PCI Express Base Specification 6.0: 64 GT/s is 32 GBd PAM4, 64 Gb/s per lane.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

// A short PAM4 link (2 in of the 85-ohm route, 2-tap DFE, BER 1e-6): its eye takes a fraction of
// a second, so every entry point can be run on it. RATE and MOD are replaced per case.
const char* const kSignal = R"([signal]
rate = "RATE"
modulation = "MOD"
target_ber = 1e-6
[tx]
swing = "0.8 V"
rise_time = "10 ps"
[rx]
noise_psd = "5.2e-8 V^2/GHz"
dfe_taps = 2
)";

std::string link_text(const std::string& rate, const std::string& mod) {
  return "name = \"short PAM4 route\"\n" + fr408hr_route_channel("2 in") +
         replace_first(replace_first(kSignal, "RATE", rate), "MOD", mod);
}

}  // namespace

TEST_CASE("A config's PAM4 rate of 64 GT/s is 32 GBd and 64 Gb/s, 32 GBd is 64 Gb/s", "[app][rates][eye]") {
  const auto dir = temp_dir("rates_eye");
  write_text_file(dir + "/gt.toml", link_text("64 GT/s", "pam4"));
  write_text_file(dir + "/gbd.toml", link_text("32 GBd", "pam4"));
  write_text_file(dir + "/gbps.toml", link_text("64 Gb/s", "pam4"));
  for (const char* file : {"gt.toml", "gbd.toml", "gbps.toml"}) {
    INFO(file);
    const auto r = run_phylane(std::string("eye ") + file + " --json", dir);
    REQUIRE(r.exit_code == 0);
    CHECK(json_number(r.out, "symbol_rate_baud") == 32e9);
    CHECK(json_number(r.out, "data_rate_bps") == 64e9);
    CHECK(json_text(r.out, "modulation") == "pam4");
  }
  // The text summary prints both rates.
  const auto t = run_phylane("eye gt.toml", dir);
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("PAM4 32 GBd (64 Gb/s)"));
  fs::remove_all(dir);
}

TEST_CASE("reach --rate takes the same vocabulary: 64 GT/s and 32 GBd with PAM4 are both 32 GBd, 64 Gb/s",
          "[app][rates][reach]") {
  const auto dir = temp_dir("rates_reach");
  // The config is NRZ at 10 Gb/s; the options set the rate and modulation of the search.
  write_text_file(dir + "/link.toml", link_text("10 Gb/s", "nrz"));
  for (const char* rate : {"64 GT/s", "32 GBd", "64 Gb/s"}) {
    INFO(rate);
    const auto r = run_phylane(std::string("reach link.toml --modulation pam4 --min '1.5 in' --max '2.5 in' --json --rate '") +
                                   rate + "'",
                               dir);
    REQUIRE(r.exit_code == 0);
    CHECK(json_number(r.out, "rate_bps") == 64e9);
    CHECK(json_number(r.out, "symbol_rate_baud") == 32e9);
    CHECK(json_text(r.out, "modulation") == "pam4");
  }
  fs::remove_all(dir);
}

TEST_CASE("maxrate bounds in GBd are symbol rates of the one modulation searched", "[app][rates][maxrate]") {
  const auto dir = temp_dir("rates_maxrate");
  write_text_file(dir + "/link.toml", link_text("64 GT/s", "pam4"));
  const auto r = run_phylane("maxrate link.toml --modulation pam4 --min '16 GBd' --max '20 GBd' --json", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(json_number(r.out, "min_rate_bps") == 32e9);
  CHECK(json_number(r.out, "max_rate_searched_bps") == 40e9);
  // With two modulations a symbol rate is ambiguous: refused, nothing written.
  const auto bad = run_rejected("maxrate link.toml --modulation nrz,pam4 --max '40 GBd' -o x.h5", dir);
  CHECK_THAT(bad.err, Catch::Contains("--max") && Catch::Contains("symbol rate"));
  CHECK_FALSE(fs::exists(dir + "/x.h5"));
  fs::remove_all(dir);
}

TEST_CASE("A system file's 64 GT/s lane carries 64 Gb/s, 32 GBd with modulation pam4 too", "[app][rates][throughput]") {
  const auto dir = temp_dir("rates_system");
  auto system = [](const std::string& rate_lines) {
    return "title = \"rates\"\n[[link]]\nname = \"pcie6\"\nlanes = 1\n" + rate_lines +
           "\nencoding = \"none\"\nalpha = \"0 s\"\n[workload]\nparameters = 1e9\nbytes_per_parameter = 1\ndevices = [2]\n";
  };
  write_text_file(dir + "/gt.toml", system("rate = \"64 GT/s\""));
  write_text_file(dir + "/gbd.toml", system("rate = \"32 GBd\"\nmodulation = \"pam4\""));
  write_text_file(dir + "/gbd_alone.toml", system("rate = \"32 GBd\""));
  for (const char* file : {"gt.toml", "gbd.toml"}) {
    INFO(file);
    const auto r = run_phylane(std::string("throughput ") + file + " --json", dir);
    REQUIRE(r.exit_code == 0);
    CHECK(json_number(r.out, "lane_rate_bps") == 64e9);
  }
  const auto bad = run_rejected("throughput gbd_alone.toml --json", dir);
  CHECK_THAT(bad.err, Catch::Contains("rate = \"32 GBd\"") && Catch::Contains("is a symbol rate") &&
                          Catch::Contains("modulation"));
  fs::remove_all(dir);
}

TEST_CASE("A sweep axis over the rate uses the config's vocabulary", "[app][rates][sweep]") {
  const auto dir = temp_dir("rates_sweep");
  write_text_file(dir + "/link.toml", link_text("10 Gb/s", "pam4"));
  write_text_file(dir + "/sweep.toml", R"(name = "rates"
base = "link.toml"
[[axis]]
key = "signal.rate"
values = ["64 GT/s", "32 GBd", "64 Gb/s"]
[outputs]
scalars = ["eye.symbol_rate_baud", "eye.data_rate_bps"]
)");
  const auto r = run_phylane("sweep sweep.toml -o rates.h5", dir);
  REQUIRE(r.exit_code == 0);
  hid_t f = H5Fopen((dir + "/rates.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  for (const auto& [name, want] : {std::pair<std::string, double>{"/outputs/eye.symbol_rate_baud", 32e9},
                                   std::pair<std::string, double>{"/outputs/eye.data_rate_bps", 64e9}}) {
    INFO(name);
    hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    REQUIRE(d >= 0);
    std::vector<double> v(3);
    REQUIRE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    for (double x : v) CHECK(x == want);
    H5Dclose(d);
  }
  H5Fclose(f);
  fs::remove_all(dir);
}
