// The `phylane loss` command end to end: outputs, exit codes, no partial files.
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

const std::string kConfig = "name = \"cli test\"\n[channel]\n" + coupled_stripline_segment("10 in");

}  // namespace

TEST_CASE("phylane loss runs the default preset and prints the breakdown", "[app][loss]") {
  const auto r = run_phylane("loss");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Channel insertion loss") && Catch::Contains("SDD21") &&
                        Catch::Contains("conductor") && Catch::Contains("roughness") &&
                        Catch::Contains("dielectric") && Catch::Contains("mismatch"));
  CHECK(r.err.empty());
}

TEST_CASE("phylane loss --json prints units in field names and no non-finite numbers", "[app][loss]") {
  const auto r = run_phylane("loss --preset megtron6-backplane --json --freq '12.89 GHz'");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.front() == '{');
  CHECK_THAT(r.out, Catch::Contains("\"insertion_loss_db\"") && Catch::Contains("\"freq_hz\": 1.289e+10") &&
                        Catch::Contains("\"loss_db_per_in\"") && Catch::Contains("\"total_delay_s\""));
  CHECK(r.out.find("null") == std::string::npos);
  CHECK(r.out.find("nan") == std::string::npos);
}

TEST_CASE("phylane loss -o writes a self-describing HDF5 file", "[app][loss][hdf5]") {
  const auto dir = temp_dir("h5");
  write_text_file(dir + "/link.toml", kConfig);
  const auto r = run_phylane("loss link.toml -o out.h5 --points 200", dir);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(dir + "/out.h5"));
  CHECK_FALSE(fs::exists(dir + "/out.h5.tmp"));
  hid_t f = H5Fopen((dir + "/out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  CHECK(read_string_attribute(f, "command") == "loss");
  CHECK_THAT(read_string_attribute(f, "config"), Catch::Contains("[materials.megtron-6]"));
  CHECK_FALSE(read_string_attribute(f, "phylane_version").empty());
  for (const char* ds : {"/frequency_hz", "/insertion_loss_db", "/breakdown/conductor_db", "/breakdown/roughness_db",
                         "/breakdown/dielectric_db", "/breakdown/mismatch_db", "/s21", "/segments/00/r_ohm_per_m",
                         "/segments/00/c_f_per_m", "/report/insertion_loss_db"}) {
    INFO(ds);
    hid_t d = H5Dopen2(f, ds, H5P_DEFAULT);
    REQUIRE(d >= 0);
    CHECK_FALSE(read_string_attribute(d, "units").empty());
    hid_t space = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    if (std::string(ds).find("report") == std::string::npos) CHECK(dims[0] == 200);
    H5Sclose(space);
    H5Dclose(d);
  }
  H5Fclose(f);
  fs::remove_all(dir);
}

TEST_CASE("Bad input exits with code 2, names file, key and value, and writes nothing", "[app][loss][errors]") {
  const auto dir = temp_dir("bad");
  const auto r = run_rejected_file("loss", replace_first(kConfig, "\"10 in\"", "\"-3 in\""), dir);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:5:10: channel.segments[1].length = \"-3 in\": must be a positive length"));

  const auto r2 = run_rejected("loss --freq '5 parsecs'");
  CHECK_THAT(r2.err, Catch::Contains("--freq \"5 parsecs\"") && Catch::Contains("not a unit of frequency"));

  const auto r3 = run_rejected("loss does-not-exist.toml");
  CHECK_THAT(r3.err, Catch::Contains("does-not-exist.toml: cannot open"));

  run_rejected("loss --bogus");

  const auto r5 = run_rejected("loss --preset nope");
  CHECK_THAT(r5.err, Catch::Contains("unknown preset"));
  fs::remove_all(dir);
}

TEST_CASE("phylane materials and presets list the library", "[app][info]") {
  const auto m = run_phylane("materials");
  CHECK(m.exit_code == 0);
  CHECK_THAT(m.out, Catch::Contains("megtron-6") && Catch::Contains("hvlp"));
  const auto p = run_phylane("presets --json");
  CHECK(p.exit_code == 0);
  CHECK_THAT(p.out, Catch::Contains("pcie5-server"));
}

TEST_CASE("phylane eye runs the default preset and writes its eye to HDF5", "[app][eye]") {
  const auto dir = temp_dir("eye");
  const auto r = run_phylane("eye -o eye.h5", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Eye at BER 1e-12") && Catch::Contains("CTLE") && Catch::Contains("DFE") &&
                        Catch::Contains("limiting term"));
  hid_t f = H5Fopen((dir + "/eye.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  for (const char* ds : {"/eye/log10_ber", "/eye/phase_ui", "/eye/voltage_v", "/pulse/equalized/v",
                         "/pulse/unequalized/v", "/eye/bathtub_vertical_log10_ber", "/equalizer/tx_ffe_taps"}) {
    INFO(ds);
    hid_t d = H5Dopen2(f, ds, H5P_DEFAULT);
    REQUIRE(d >= 0);
    CHECK_FALSE(read_string_attribute(d, "units").empty());
    H5Dclose(d);
  }
  H5Fclose(f);
  const auto j = run_phylane("eye --json");
  CHECK(j.exit_code == 0);
  CHECK_THAT(j.out, Catch::Contains("\"eye_height_v\"") && Catch::Contains("\"margin_db\""));
  const auto bad = run_rejected("eye --preset fr4-consumer");
  CHECK_THAT(bad.err, Catch::Contains("needs a [signal] section"));
  fs::remove_all(dir);
}

TEST_CASE("phylane sparams writes the composed channel and phylane check reports on it", "[app][sparams]") {
  const auto dir = temp_dir("sp");
  const auto w = run_phylane("sparams -o route.s4p --points 300", dir);
  REQUIRE(w.exit_code == 0);
  REQUIRE(fs::exists(dir + "/route.s4p"));
  const auto c = run_phylane("check route.s4p --freq '16 GHz' --json", dir);
  CHECK(c.exit_code == 0);  // a modelled channel is passive, reciprocal and causal
  CHECK_THAT(c.out, Catch::Contains("\"passive\": true") && Catch::Contains("\"causal\": true") &&
                        Catch::Contains("\"loss_db\""));
  const auto bad = run_rejected("sparams -o route.s2p", dir);
  CHECK_THAT(bad.err, Catch::Contains("name the file *.s4p"));
  run_rejected("check nowhere.s4p", dir);
  write_text_file(dir + "/broken.s2p", "# GHz S RI R 50\n1 0.1 0 0.9 0 0.9 0\n");
  const auto broken = run_rejected("check broken.s2p", dir);
  CHECK_THAT(broken.err, Catch::Contains("broken.s2p:2"));
  fs::remove_all(dir);
}

TEST_CASE("loss and check report return loss and mode conversion of a 4-port, loss its crosstalk paths",
          "[app][loss][ports]") {
  const auto dir = temp_dir("ports");
  REQUIRE(run_phylane("sparams --preset pcie5-server -o ch.s4p", dir).exit_code == 0);
  const auto loss = run_phylane("loss ch.s4p --freq '16 GHz' --freq '8 GHz' --json -o l.h5", dir);
  REQUIRE(loss.exit_code == 0);
  CHECK(json_number(loss.out, "sdd11_db") < -3.0);
  CHECK_THAT(loss.out, Catch::Contains("\"sdd22_db\"") && Catch::Contains("\"scd21_db\"") && Catch::Contains("\"sdc21_db\""));
  hid_t f = H5Fopen((dir + "/l.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto rl = read_doubles(f, "/report/sdd11_db");
  REQUIRE(rl.size() == 2);
  // The same SDD11 at 16 GHz in the JSON and the HDF5 file.
  CHECK(rl[0] == Approx(json_number(loss.out, "sdd11_db")).epsilon(1e-12));
  CHECK(read_doubles(f, "/report/scd21_db").size() == 2);
  H5Fclose(f);
  // check: the figures from the file itself, at its own 85-ohm reference (16 GHz is a point of the
  // file's grid), equal the modelled route's at its 85-ohm terminations (`loss` on the file takes
  // the default 100-ohm terminations instead).
  const auto check = run_phylane("check ch.s4p --freq '16 GHz' --json", dir);
  REQUIRE(check.exit_code <= 3);
  CHECK_THAT(check.out, Catch::Contains("\"return_loss_and_conversion\""));
  const auto model = run_phylane("loss --preset pcie5-server --freq '16 GHz' --json");
  CHECK(json_number(check.out, "sdd11_db") == Approx(json_number(model.out, "sdd11_db")).margin(1e-6));
  const auto text = run_phylane("check ch.s4p --freq '16 GHz'", dir);
  CHECK_THAT(text.out, Catch::Contains("SDD11") && Catch::Contains("SCD21"));
  // A link with [[crosstalk]]: its NEXT and FEXT paths at the report frequencies.
  const auto xt = run_phylane("loss --preset kr1-ck-28db --freq '13.28 GHz' --json");
  REQUIRE(xt.exit_code == 0);
  CHECK(json_number(xt.out, "coupling_db") < -20.0);
  CHECK_THAT(run_phylane("loss --preset kr1-ck-28db --freq '13.28 GHz'").out, Catch::Contains("Crosstalk"));
  fs::remove_all(dir);
}
