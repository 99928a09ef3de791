// Twinax cable segments in configs (geometry = "twinax", docs/cable.md): the keys, their
// diagnostics, and the cable lane preset's reach.
#include <catch2/catch.hpp>

#include <complex>
#include <string>

#include "io/config.hpp"
#include "phy/twinax.hpp"
#include "phy/units.hpp"
#include "tests/support/input_text.hpp"
#include "workflows/rate.hpp"

using namespace phylane;
using namespace phylane::io;
using test::replace_first;

namespace {

// 1 m of the preset's 26 AWG cable. Line 6 is the gauge, line 7 the spacing, line 8 the shield.
const std::string kCable = R"toml([channel]
type = "copper"
[[channel.segments]]
geometry = "twinax"
length = "1 m"
gauge = "26 AWG"
spacing = "1.122 mm"
shield_diameter = "2.245 mm"
shield_conductivity = "37.7 MS/m"
dk = 2.08
df = 0.0004
at = "10 GHz"
)toml";

std::complex<double> s21(const Config& c, double f) { return c.copper()->s_params(f).s21; }

}  // namespace

TEST_CASE("A twinax segment by gauge equals the same by diameter, and every gauge spelling is read",
          "[io][config][twinax][unit]") {
  const Config by_gauge = load_config_text(kCable, "t.toml");
  REQUIRE(by_gauge.copper());
  CHECK(by_gauge.segments[0].geometry == "twinax");
  // ASTM B258: 26 AWG = 0.005 in x 92^(10/39); written out to 0.1 nm it gives the same line.
  const std::string mm = std::to_string(phy::awg_diameter_m(26) * 1e3);
  const Config by_d = load_config_text(replace_first(kCable, "gauge = \"26 AWG\"", "diameter = \"" + mm + " mm\""), "t.toml");
  CHECK(std::abs(s21(by_gauge, 26.5625e9) - s21(by_d, 26.5625e9)) < 1e-6);
  for (const char* g : {"\"AWG 26\"", "\"26awg\"", "26"}) {
    INFO(g);
    const Config c = load_config_text(replace_first(kCable, "\"26 AWG\"", g), "t.toml");
    CHECK(s21(c, 26.5625e9) == s21(by_gauge, 26.5625e9));
  }
  // The resolved config reads back to the same cable.
  const Config again = load_config_text(by_gauge.resolved_toml, "resolved.toml");
  CHECK(s21(again, 26.5625e9) == s21(by_gauge, 26.5625e9));
}

TEST_CASE("Twinax keys are checked with file, line, key, value and what is allowed", "[io][config][twinax][unit]") {
  REQUIRE(test::config_errors(kCable).empty());
  CHECK_THAT(test::config_errors(replace_first(kCable, "\"26 AWG\"", "\"26 gauge\"")),
             Catch::Contains("t.toml:6:9: channel.segments[1].gauge = \"26 gauge\": must be an AWG gauge such as "
                             "\"26 AWG\" (0000 ... 56 AWG), or give diameter instead"));
  CHECK_THAT(test::config_errors(replace_first(kCable, "\"26 AWG\"", "\"60 AWG\"")), Catch::Contains("gauge = \"60 AWG\""));
  CHECK_THAT(test::config_errors(replace_first(kCable, "gauge = \"26 AWG\"", "gauge = \"26 AWG\"\ndiameter = \"0.4 mm\"")),
             Catch::Contains("diameter") && Catch::Contains("give either gauge or diameter, not both"));
  CHECK_THAT(test::config_errors(replace_first(kCable, "gauge = \"26 AWG\"\n", "")),
             Catch::Contains("channel.segments[1].gauge") && Catch::Contains("the conductor's gauge (\"26 AWG\") or its diameter"));
  CHECK_THAT(test::config_errors(replace_first(kCable, "gauge = \"26 AWG\"", "gauge = \"26 AWG\"\nwidth = \"5 mil\"")),
             Catch::Contains("width") && Catch::Contains("applies to printed lines"));
  // Outside the closed form's range: s/d = 0.7 mm / 0.405 mm = 1.73 < 2.
  CHECK_THAT(test::config_errors(replace_first(kCable, "\"1.122 mm\"", "\"0.7 mm\"")),
             Catch::Contains("t.toml:7:11: channel.segments[1].spacing = \"0.7 mm\": spacing/conductor diameter = "
                             "1.729 is outside the twinax model's range 2 ... 10"));
  CHECK_THAT(test::config_errors(replace_first(kCable, "\"2.245 mm\"", "\"2 mm\"")),
             Catch::Contains("t.toml:8:19: channel.segments[1].shield_diameter = \"2 mm\": spacing/shield diameter = "
                             "0.561 is outside the twinax model's range 0 ... 0.5"));
  // A wire through the shield cannot be built at all.
  CHECK_THAT(test::config_errors(replace_first(kCable, "\"2.245 mm\"", "\"1.4 mm\"")), Catch::Contains("touches the shield"));
  // The common mode's thin-wire form needs wires further apart (s/d >= 5).
  CHECK_THAT(test::config_errors(replace_first(kCable, "type = \"copper\"", "type = \"copper\"\nmode = \"common\"")),
             Catch::Contains("spacing/conductor diameter = 2.771 is outside the twinax model's range 5 ... 10"));
}

TEST_CASE("The 802.3ck CR1-class cable lane reaches the 2 m objective with 26 AWG twinax",
          "[io][config][twinax][reach][regression]") {
  // Expected before running (docs/cable.md): IEEE 802.3ck-2022 sets a 2 m passive copper cable
  // objective for 100GBASE-CR1 (106.25 Gb/s PAM4), and shipped passive 100G-per-lane DACs use 26 AWG
  // up to 3 m (NVIDIA MCP7Y10-Nxxx product specification: "30AWG is used for 1 & 1.5-meter lengths
  // and thicker 26AWG for 2-3-meters"). phylane gives 3.77 m with this preset's short (3 in) host
  // boards and ideal connectors (docs/cable.md says why it is above the band); the check is the
  // objective, and that the search stretches the cable (not a board trace).
  const Config cfg = load_preset("cr1-ck-2m-26awg");
  workflows::ReachRequest rq;
  rq.min_length_m = 0.2;
  rq.max_length_m = 8.0;
  rq.curve_loss = false;
  const auto a = workflows::reach(cfg, rq);
  CHECK_THAT(a.element, Catch::Contains("twinax cable"));
  REQUIRE(a.result.found);
  CHECK(a.result.max_length_m >= 2.0);
  CHECK(a.result.max_length_m == Approx(3.77).margin(0.05));
}
