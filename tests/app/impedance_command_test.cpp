// The `phylane impedance` command end to end: the solved width in JSON and text, bad input.
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

const std::string kConfig = "name = \"impedance test\"\n[channel]\n" + coupled_stripline_segment("10 in");

}  // namespace

TEST_CASE("phylane impedance solves a pair's width for a target Zdiff", "[app][impedance]") {
  const auto dir = temp_dir("impedance");
  write_text_file(dir + "/link.toml", kConfig);
  const auto j = run_phylane("impedance link.toml --target '85 ohm' --solve width --json", dir);
  REQUIRE(j.exit_code == 0);
  CHECK(std::abs(json_number(j.out, "zdiff_ohm") - 85.0) < 0.5);
  CHECK(json_number(j.out, "width_m") > 0.0);
  CHECK(json_text(j.out, "solved") == "width");
  CHECK(json_number(j.out, "loss_db_per_in") > 0.0);
  // The solved width put back into the config gives the target by `phylane loss` too.
  const double w_mil = json_number(j.out, "width_m") / 0.0254e-3;
  std::string cfg = kConfig;
  cfg.replace(cfg.find("width = \"5 mil\""), 15, "width = \"" + std::to_string(w_mil) + " mil\"");
  write_text_file(dir + "/solved.toml", cfg);
  const auto loss = run_phylane("loss solved.toml --json --freq '" + std::to_string(json_number(j.out, "impedance_freq_hz")) + " Hz'", dir);
  REQUIRE(loss.exit_code == 0);
  CHECK(std::abs(json_number(loss.out, "impedance_ohm") - 85.0) < 0.01);
  const auto t = run_phylane("impedance link.toml --target '90 ohm' --solve spacing", dir);
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("spacing = ") && Catch::Contains("Zdiff = 90.000 ohm"));
  fs::remove_all(dir);
}

TEST_CASE("phylane impedance refuses bad input and unreachable targets with exit code 2", "[app][impedance][errors]") {
  const auto dir = temp_dir("impedance_bad");
  write_text_file(dir + "/link.toml", kConfig);
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {"impedance link.toml --target '85 GHz' --solve width", "--target \"85 GHz\""},
      {"impedance link.toml --target '-5 ohm' --solve width", "must be an impedance > 0"},
      {"impedance link.toml --target '85 ohm' --solve length", "--solve \"length\": must be one of width, spacing, height"},
      {"impedance link.toml --target '85 ohm' --solve width --segment 2", "--segment 2"},
      {"impedance link.toml --target '85 ohm' --solve width --segment 0", "--segment 0: must be 1 or more"},
      {"impedance link.toml --target '3 ohm' --solve width", "cannot be reached"},
      {"impedance --preset dr4-400g-lane --target '85 ohm' --solve width", "no trace segment"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_rejected(c.args, dir);
    CHECK_THAT(r.err, Catch::Contains(c.says));
  }
  fs::remove_all(dir);
}
