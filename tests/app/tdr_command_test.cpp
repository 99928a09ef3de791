// The `phylane tdr` command end to end: a config's profile, JSON and HDF5 outputs, bad input.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "tests/io/hdf5_read.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

// A 100-ohm-class pair terminated in its own reference.
const std::string kConfig = "name = \"tdr test\"\n[channel]\n" + coupled_stripline_segment("4 in");

}  // namespace

TEST_CASE("phylane tdr of a config prints a differential profile and writes JSON and HDF5", "[app][tdr]") {
  const auto dir = temp_dir("tdr");
  write_text_file(dir + "/link.toml", kConfig);
  const auto text = run_phylane("tdr link.toml --rise-time '25 ps'", dir);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("differential step") && Catch::Contains("Zdiff") && Catch::Contains("Zcm") &&
                           Catch::Contains("the config's trace length"));
  const auto json = run_phylane("tdr link.toml --json --edge 10-90 -o tdr.h5", dir);
  REQUIRE(json.exit_code == 0);
  CHECK(json_text(json.out, "mode") == "differential");
  CHECK(json_text(json.out, "edge") == "10-90");
  CHECK(json_number(json.out, "rise_time_s") == Approx(20e-12).epsilon(1e-12));  // the default for a model
  CHECK_THAT(json.out, Catch::Contains("\"time_s\": [") && Catch::Contains("\"distance_m\": [") &&
                           Catch::Contains("\"impedance_ohm\": [") && Catch::Contains("\"common_mode\": {"));
  hid_t f = H5Fopen((dir + "/tdr.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto t = read_doubles(f, "/time_s");
  const auto z = read_doubles(f, "/impedance_ohm");
  const auto d = read_doubles(f, "/distance_m");
  REQUIRE(t.size() == z.size());
  REQUIRE(t.size() == d.size());
  // The far end is 4 in away on the distance axis derived from the config's length.
  CHECK(d.back() > 4 * 0.0254);
  H5Fclose(f);
  // The pulse TDR/TDT: text columns, JSON arrays in both modes and HDF5 datasets.
  const auto ptext = run_phylane("tdr link.toml --pulse '50 ps'", dir);
  REQUIRE(ptext.exit_code == 0);
  CHECK_THAT(ptext.out, Catch::Contains("pulse of 50.0 ps") && Catch::Contains("pulse R") && Catch::Contains("pulse T"));
  const auto pjson = run_phylane("tdr link.toml --pulse '50 ps' --json -o pulse.h5", dir);
  REQUIRE(pjson.exit_code == 0);
  CHECK(json_number(pjson.out, "pulse_width_s") == Approx(50e-12).epsilon(1e-12));
  CHECK_THAT(pjson.out, Catch::Contains("\"pulse_rho\": [") && Catch::Contains("\"pulse_tdt\": ["));
  hid_t g = H5Fopen((dir + "/pulse.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(g >= 0);
  const auto pt = read_doubles(g, "/time_s");
  CHECK(read_doubles(g, "/pulse_rho").size() == pt.size());
  CHECK(read_doubles(g, "/pulse_tdt").size() == pt.size());
  CHECK(read_doubles(g, "/common_mode/pulse_rho").size() == pt.size());
  CHECK(read_doubles(g, "/common_mode/pulse_tdt").size() == pt.size());
  CHECK(read_doubles(g, "/common_mode/tdt").size() == pt.size());
  H5Fclose(g);
  fs::remove_all(dir);
}

TEST_CASE("phylane tdr rejects bad options with exit code 2 and writes nothing", "[app][tdr][errors]") {
  const auto dir = temp_dir("tdr_bad");
  write_text_file(dir + "/link.toml", kConfig);
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {"tdr link.toml --rise-time '-3 ps' -o out.h5", "--rise-time \"-3 ps\": must be a time > 0"},
      {"tdr link.toml --rise-time '20 GHz' -o out.h5", "--rise-time \"20 GHz\""},
      {"tdr link.toml --edge ramp -o out.h5", "--edge \"ramp\": must be one of gaussian, 10-90"},
      {"tdr link.toml --length '-4 in' -o out.h5", "--length \"-4 in\""},
      {"tdr link.toml --eps-eff 0.5 -o out.h5", "--eps-eff 0.5: must be a permittivity >= 1"},
      {"tdr link.toml --eps-eff 3 --length '4 in' -o out.h5", "either --length or --eps-eff"},
      {"tdr missing.s4p -o out.h5", "missing.s4p"},
      {"tdr link.toml --pulse '0 ps' -o out.h5", "--pulse \"0 ps\": must be a pulse width > 0"},
      {"tdr link.toml --pulse '5 GHz' -o out.h5", "--pulse \"5 GHz\""},
      {"tdr --preset dr4-400g-lane -o out.h5", "the TDR needs a copper channel"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_rejected(c.args, dir);
    CHECK_THAT(r.err, Catch::Contains(c.says));
    CHECK_FALSE(fs::exists(dir + "/out.h5"));
    CHECK_FALSE(fs::exists(dir + "/out.h5.tmp"));
  }
  fs::remove_all(dir);
}
