// Issue 14, points 6 and 7: inputs outside a line model's range, or outside the lengths and rates
// the engines compute, are refused when the config is read, with the file, line, key, value and
// the allowed range; inside, long lines report finite losses.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/config.hpp"
#include "phy/units.hpp"
#include "tests/support/input_text.hpp"
#include "workflows/loss.hpp"
#include "workflows/rate.hpp"

using namespace phylane;
using namespace phylane::io;
using test::replace_first;

namespace {

// The fr4-consumer breakout: 5 mil pair, 5 mil apart, 1.9 mil thick, on 3 mil of FR-4. Line 8 is
// the thickness, line 9 the height.
const std::string kMicrostrip = R"toml([channel]
type = "copper"
[[channel.segments]]
geometry = "coupled_microstrip"
length = "1 in"
width = "5 mil"
spacing = "5 mil"
thickness = "1.9 mil"
height = "3 mil"
material = "fr-4"
foil = "standard"
)toml";

const std::string kSignal = "[signal]\nrate = \"32 GT/s\"\nmodulation = \"nrz\"\n";

}  // namespace

TEST_CASE("A line outside its model's range is refused with the ratio, the value and the range",
          "[io][config][validity][regression]") {
  REQUIRE(test::config_errors(kMicrostrip).empty());
  // Issue 14: 10 mm of copper on a 4 mil substrate gave Zdiff = -13.9 ohm and -52 ps/in.
  const std::string thick = replace_first(replace_first(kMicrostrip, "\"1.9 mil\"", "\"10 mm\""), "\"3 mil\"", "\"4 mil\"");
  const std::string e = test::config_errors(thick);
  CHECK_THAT(e, Catch::Contains("t.toml:8:13: channel.segments[1].thickness = \"10 mm\": thickness/height = 98.43 "
                                "is outside the coupled_microstrip model's range 0 ... 1"));
  CHECK_THAT(e, Catch::Contains("thickness/spacing = 78.74 is outside the coupled_microstrip model's range 0 ... 0.5"));
  // At 50 mil it was 79.1 ps/in, faster than light.
  CHECK_THAT(test::config_errors(replace_first(thick, "\"4 mil\"", "\"50 mil\"")), Catch::Contains("thickness/height = 7.874"));
  // Each model's own ratios: spacing of the pair, Dk of a material, width of a single strip.
  CHECK_THAT(test::config_errors(replace_first(kMicrostrip, "spacing = \"5 mil\"", "spacing = \"40 mil\"")),
             Catch::Contains("channel.segments[1].spacing = \"40 mil\": spacing/height = 13.33 is outside the "
                             "coupled_microstrip model's range 0.1 ... 10 (Kirschning-Jansen 1984)"));
  CHECK_THAT(test::config_errors(replace_first(kMicrostrip, "material = \"fr-4\"", "dk = 25\ndf = 0.001\nat = \"1 GHz\"")),
             Catch::Contains("channel.segments[1].dk = 25: dk = 25.22 is outside the coupled_microstrip model's range 1 ... 18"));
  const std::string single = replace_first(replace_first(kMicrostrip, "\"coupled_microstrip\"", "\"microstrip\""),
                                           "spacing = \"5 mil\"\n", "");
  REQUIRE(test::config_errors(single).empty());
  CHECK_THAT(test::config_errors(replace_first(single, "width = \"5 mil\"", "width = \"0.2 mil\"")),
             Catch::Contains("width/height = 0.06667 is outside the microstrip model's range 0.1 ... 100"));
  // A forced closed-form coupled stripline outside Cohn's thick-strip range names the way out.
  const std::string strip = "[channel]\n" + test::coupled_stripline_segment("1 in") + "field_solver = \"closed-form\"\nthickness = \"2 mil\"\n";
  CHECK_THAT(test::config_errors(strip), Catch::Contains("thickness/spacing = 0.2857 is outside the coupled_stripline model's "
                                               "range 0 ... 0.2") && Catch::Contains("field_solver = \"bem\" has no such limit"));
}

TEST_CASE("Lengths beyond 1 km and rates outside 1 MBd ... 1000 GBd are refused up front",
          "[io][config][validity][regression]") {
  const std::string base = "[channel]\n" + test::coupled_stripline_segment("10 in") + kSignal;
  REQUIRE(test::config_errors(base).empty());
  CHECK_THAT(test::config_errors(replace_first(base, "\"10 in\"", "\"1e30 m\"")),
             Catch::Contains("t.toml:4:10: channel.segments[1].length = \"1e30 m\": must be a positive length up to 1 km"));
  CHECK(test::config_errors(replace_first(base, "\"10 in\"", "\"1 km\"")).empty());
  CHECK_THAT(test::config_errors(replace_first(base, "\"32 GT/s\"", "\"1e30 Gb/s\"")),
             Catch::Contains("signal.rate = \"1e30 Gb/s\": the symbol rate must be from 1 MBd to 1000 GBd"));
  CHECK_THAT(test::config_errors(replace_first(base, "\"32 GT/s\"", "\"1e-30 Gb/s\"")),
             Catch::Contains("signal.rate = \"1e-30 Gb/s\": the symbol rate must be from 1 MBd to 1000 GBd"));
  // PAM4 halves the symbol rate: 2000 Gb/s PAM4 is 1000 GBd, inside.
  CHECK(test::config_errors(replace_first(replace_first(base, "\"32 GT/s\"", "\"2000 Gb/s\""), "\"nrz\"", "\"pam4\"")).empty());
}

TEST_CASE("100 m and 1 km of trace report finite losses that grow with length",
          "[io][config][validity][regression]") {
  // Issue 14: at 100 m the total was NaN (cosh(gamma l) overflowed). The matched-line part is
  // proportional to length; the total must equal it plus a bounded mismatch term.
  double per_m = 0.0;
  for (const char* len : {"1 m", "100 m", "1 km"}) {
    INFO(len);
    const Config c = load_config_text("[channel]\n" + test::coupled_stripline_segment(len), "t.toml");
    workflows::LossRequest rq;
    rq.report_freqs_hz = {16e9};
    rq.points = 2;
    rq.fmax_hz = 20e9;
    const auto a = workflows::loss(c, rq);
    REQUIRE(a.analysis);
    REQUIRE(a.analysis->at_report.size() == 1);
    const auto& b = a.analysis->at_report[0];
    const double matched = b.conductor_db + b.roughness_db + b.dielectric_db;
    CHECK(std::isfinite(b.total_db));
    const double length_m = c.copper()->total_length_m();
    if (per_m == 0.0) per_m = matched / length_m;
    CHECK(matched / length_m == Approx(per_m).epsilon(1e-9));
    // Mismatch of a near-matched line (100 ohm pair, 100 ohm ports) is a fraction of a dB.
    CHECK(std::abs(b.total_db - matched) < 0.5);
  }
}

TEST_CASE("Rate and length flags of the searches are checked against the same ranges before searching",
          "[io][config][validity][regression]") {
  const Config c = load_config_text("[channel]\n" + test::coupled_stripline_segment("10 in") + kSignal, "t.toml");
  workflows::ReachRequest rq;
  rq.rate = channels::LineRate{2e12, channels::RateUnit::bit};
  CHECK_THROWS_WITH(workflows::check_reach(c, rq),
                    Catch::Contains("--rate = 2000 Gb/s: the symbol rate must be from 1 MBd to 1000 GBd"));
  rq.rate = channels::LineRate{1e-21, channels::RateUnit::bit};
  CHECK_THROWS_WITH(workflows::check_reach(c, rq), Catch::Contains("--rate = 1e-30 Gb/s"));
  rq.rate.reset();
  rq.max_length_m = 2000.0;
  CHECK_THROWS_WITH(workflows::check_reach(c, rq), Catch::Contains("--max = 2000") && Catch::Contains("at most 1 km"));
  rq.max_length_m.reset();
  CHECK_NOTHROW(workflows::check_reach(c, rq));
  workflows::MaxRateRequest mq;
  mq.max_rate = channels::LineRate{5e12, channels::RateUnit::bit};
  CHECK_THROWS_WITH(workflows::check_max_rate(c, mq), Catch::Contains("--max = 5000 Gb/s"));
}
