// The `phylane fit` command end to end: JSON and HDF5 from two lengths phylane writes, bad input.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "tests/io/hdf5_read.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

std::string config(const std::string& length) {
  return R"(name = "fit test"
[channel]
[[channel.segments]]
geometry = "coupled_stripline"
length = ")" + length + R"("
width = "5 mil"
spacing = "7 mil"
height = "5 mil"
material = "megtron-6"
foil = "hvlp"
)";
}

}  // namespace

TEST_CASE("phylane fit of two lengths phylane wrote gives a per-inch loss, bad input exits 2", "[app][fit]") {
  const auto dir = temp_dir("fit");
  write_text_file(dir + "/a.toml", config("4 in"));
  write_text_file(dir + "/b.toml", config("10 in"));
  REQUIRE(run_phylane("sparams a.toml -o a.s4p", dir).exit_code == 0);
  REQUIRE(run_phylane("sparams b.toml -o b.s4p", dir).exit_code == 0);
  const auto j = run_phylane("fit a.s4p b.s4p --lengths '4 in,10 in' --json -o fit.h5", dir);
  REQUIRE(j.exit_code == 0);
  CHECK(json_text(j.out, "quantity") == "SDD21");
  CHECK(json_number(j.out, "eps_eff") > 3.0);
  CHECK_THAT(j.out, Catch::Contains("\"line_loss_db_per_m\": [") && Catch::Contains("\"line_conditioning\": ["));
  REQUIRE(fs::exists(dir + "/fit.h5"));
  hid_t h = H5Fopen((dir + "/fit.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(h >= 0);
  const auto freq = read_doubles(h, "/frequency_hz");
  CHECK(read_doubles(h, "/line_loss_db_per_m").size() == freq.size());
  CHECK(read_doubles(h, "/line_conditioning").size() == freq.size());
  H5Fclose(h);
  const auto t = run_phylane("fit a.s4p b.s4p --lengths '4 in,10 in'", dir);
  CHECK_THAT(t.out, Catch::Contains("SDD21 per length") && Catch::Contains("dB/in"));
  struct Case {
    std::string args, says;
  };
  write_text_file(dir + "/c.toml", R"(name = "single"
[channel]
[[channel.segments]]
geometry = "stripline"
length = "8 in"
width = "5 mil"
height = "5 mil"
material = "megtron-6"
foil = "hvlp"
)");
  REQUIRE(run_phylane("sparams c.toml -o c.s2p", dir).exit_code == 0);
  const Case cases[] = {
      {"fit a.s4p b.s4p --lengths '10 in,4 in' -o out.h5", "lengths must increase"},
      {"fit a.s4p b.s4p --lengths '4 in' -o out.h5", "1 length for 2 files"},
      {"fit a.s4p b.s4p --lengths '4 in,-1 in' -o out.h5", "--lengths \"-1 in\""},
      {"fit a.s4p c.s2p --lengths '4 in,8 in' -o out.h5", "all lengths must be measured alike"},
      {"fit b.s4p a.s4p --lengths '4 in,10 in' -o out.h5", "not a physical"},
      {"fit a.s4p nowhere.s4p --lengths '4 in,10 in' -o out.h5", "nowhere.s4p"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_rejected(c.args, dir);
    CHECK_THAT(r.err, Catch::Contains(c.says) || Catch::Contains("slower than light"));
    CHECK_FALSE(fs::exists(dir + "/out.h5"));
  }
  fs::remove_all(dir);
}

TEST_CASE("phylane fit --cross-section fits MEGTRON 6 and HVLP back from a FR-4 start, and the written config predicts "
          "30 in", "[app][fit]") {
  const auto dir = temp_dir("fit-material");
  write_text_file(dir + "/a.toml", config("4 in"));
  write_text_file(dir + "/b.toml", config("10 in"));
  write_text_file(dir + "/truth30.toml", config("30 in"));
  REQUIRE(run_phylane("sparams a.toml -o a.s4p", dir).exit_code == 0);
  REQUIRE(run_phylane("sparams b.toml -o b.s4p", dir).exit_code == 0);
  // The same cross-section on another laminate and foil: the fit starts there.
  std::string cs = config("1 in");
  cs.replace(cs.find("megtron-6"), 9, "fr-4");
  cs.replace(cs.find("\"hvlp\""), 6, "\"standard\"");
  write_text_file(dir + "/cs.toml", cs);
  const auto j = run_phylane("fit a.s4p b.s4p --lengths '4 in,10 in' --cross-section cs.toml --json "
                             "--write-material mat.toml --write-config fitted30.toml --config-length '30 in' --material-id board-a", dir);
  REQUIRE(j.exit_code == 0);
  // MEGTRON 6 at 10 GHz is Dk 3.55, Df 0.004 (data/materials), HVLP rq 0.25 um, fitted with
  // Hammerstad (the standard foil's model, as HVLP's): back within 2 % (issue 16). The 100 ohm
  // ports do not match the line, which ripples the plain difference by up to 2 %; the line-line
  // loss is free of it, so the fit is exact (measured: Dk -5e-7, Df +1.5e-6, rq -1.3e-6 relative;
  // the line-line loss within 7e-8, the plain difference within 1.96 %).
  CHECK(json_text(j.out, "basis") == "line-line");
  CHECK(json_number(j.out, "dk") == Approx(3.55).epsilon(1e-4));
  CHECK(json_number(j.out, "df") == Approx(0.004).epsilon(1e-4));
  CHECK(json_text(j.out, "roughness_model") == "hammerstad");
  CHECK(json_number(j.out, "max_relative_error") < 1e-4);
  CHECK(json_number(j.out, "difference_max_relative_error") < 0.025);
  const std::string mat = read_text_file(dir + "/mat.toml");
  CHECK_THAT(mat, Catch::Contains("[materials.board-a]") && Catch::Contains("[foils.board-a]") &&
                      Catch::Contains("model = \"hammerstad\"") && Catch::Contains("rq = "));
  // Reach from measurement in one step: the written config, its segment set to 30 in by
  // --config-length, loses what the true line does.
  const std::string fitted = read_text_file(dir + "/fitted30.toml");
  CHECK_THAT(fitted, Catch::Contains("material = 'board-a'") && Catch::Contains("[materials.board-a]") &&
                         Catch::Contains("length = '30 in'"));
  const auto predicted = run_phylane("loss fitted30.toml --json", dir);
  const auto truth = run_phylane("loss truth30.toml --json", dir);
  REQUIRE(predicted.exit_code == 0);
  REQUIRE(truth.exit_code == 0);
  // The channel insertion loss (the first in the JSON, at 1 GHz): within 1 % (measured 0.02 %).
  CHECK(json_number(predicted.out, "insertion_loss_db") == Approx(json_number(truth.out, "insertion_loss_db")).epsilon(0.01));
  fs::remove_all(dir);
}

TEST_CASE("phylane fit --cross-section: one file with its launches, and bad input exits 2 with nothing written", "[app][fit]") {
  const auto dir = temp_dir("fit-material-bad");
  write_text_file(dir + "/b.toml", config("10 in"));
  REQUIRE(run_phylane("sparams b.toml -o b.s4p", dir).exit_code == 0);
  write_text_file(dir + "/cs.toml", config("1 in"));
  // One file, the launches lossless (ports at the line, which is near 100 ohm): the loss per inch is the file's over 10 in.
  const auto one = run_phylane("fit b.s4p --lengths '10 in' --cross-section cs.toml --launch-loss '0 dB' --json", dir);
  REQUIRE(one.exit_code == 0);
  CHECK(json_number(one.out, "dk") == Approx(3.55).epsilon(0.02));
  write_text_file(dir + "/ts.toml", "[channel]\ntype = \"touchstone\"\nfile = \"b.s4p\"\n");
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {"fit b.s4p --lengths '10 in' -o out.h5", "one file given"},
      {"fit b.s4p --lengths '10 in' --cross-section ts.toml -o out.h5", "no trace segment"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --segment 2 -o out.h5", "--segment 2"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --segment 0 -o out.h5", "--segment 0"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --roughness rough -o out.h5", "--roughness \"rough\""},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --launch-loss '-1 dB' -o out.h5", "--launch-loss"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --material-id 'My Board' -o out.h5", "--material-id"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --fit-from '30 GHz' --fit-to '20 GHz' -o out.h5", "--fit-to"},
      {"fit b.s4p --lengths '10 in' --segment 1 -o out.h5", "needs --cross-section"},
      {"fit b.s4p --lengths '10 in' --cross-section missing.toml -o out.h5", "missing.toml"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --weighting log -o out.h5", "--weighting \"log\""},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --config-length '30 in' -o out.h5", "give --write-config"},
      {"fit b.s4p --lengths '10 in' --cross-section cs.toml --write-config f.toml --config-length '-3 in' -o out.h5",
       "--config-length \"-3 in\""},
      {"fit b.s4p --lengths '10 in' --from-difference -o out.h5", "needs --cross-section"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_rejected(c.args, dir);
    CHECK_THAT(r.err, Catch::Contains(c.says));
    CHECK_FALSE(fs::exists(dir + "/out.h5"));
  }
  fs::remove_all(dir);
}
