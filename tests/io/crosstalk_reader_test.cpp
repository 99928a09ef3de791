// [[crosstalk]] in a config (io/crosstalk_reader.cpp, docs/crosstalk.md): what each entry becomes,
// and the errors for bad entries.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "solvers/crosstalk_models.hpp"
#include "tests/support/frequency.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using cplx = std::complex<double>;

namespace {

// The victim: a 10-inch "route" and a 3-inch "card" (tests/support/input_text.hpp), PAM4 at
// 53.125 GBd from a 0.8 V transmitter.
const std::string kLink = "name = \"victim\"\n[channel]\n" + test::coupled_stripline_segment("10 in", "route") +
                          test::coupled_stripline_segment("3 in", "card") + R"([signal]
rate = "53.125 GBd"
modulation = "pam4"
[tx]
swing = "0.8 V"
[rx]
)";

std::string errors_of(const std::string& text) {
  return test::input_errors([&] { io::load_config_text(text, "t.toml"); });
}

using phylane::test::eval;

}  // namespace

TEST_CASE("A parametric FEXT entry is a victim-relative path at its level", "[io][crosstalk][unit]") {
  const auto c = io::load_config_text(kLink + R"(
[[crosstalk]]
kind = "fext"
count = 3
level = "-35 dB"
at = "26.5625 GHz"
)", "t.toml");
  REQUIRE(c.signalling);
  const auto& x = c.signalling->spec.crosstalk;
  REQUIRE(x.size() == 3);
  CHECK(x[0].name == "fext 1 #1");
  CHECK(x[2].name == "fext 1 #3");
  for (const auto& a : x) {
    CHECK(a.times_victim);
    CHECK(a.tx_amplitude_v == Approx(0.4));  // the victim's swing by default, peak = half of it
    CHECK(std::abs(eval(a.path, 26.5625e9)) == Approx(std::pow(10.0, -35.0 / 20.0)).epsilon(1e-12));
    CHECK(std::abs(eval(a.path, 2.65625e9)) == Approx(std::pow(10.0, -55.0 / 20.0)).epsilon(1e-12));
  }
  // The resolved config records the defaults it used.
  CHECK(c.resolved_toml.find("swing = '0.8 V'") != std::string::npos);
}

TEST_CASE("A parametric NEXT entry runs the victim's route from `through` in and out", "[io][crosstalk][unit]") {
  const auto c = io::load_config_text(kLink + R"(
[[crosstalk]]
name = "near"
kind = "next"
level = "-40 dB"
coupled_delay = "50 ps"
through = "card"
swing = "1.2 V"
)", "t.toml");
  REQUIRE(c.signalling);
  REQUIRE(c.copper());
  const auto& x = c.signalling->spec.crosstalk;
  REQUIRE(x.size() == 1);
  CHECK(x[0].name == "near");
  CHECK_FALSE(x[0].times_victim);
  CHECK(x[0].tx_amplitude_v == Approx(0.6));
  // The route from "card" on is the 3-in segment alone between the victim's terminations.
  const channels::CopperChannel card({c.copper()->segments()[1]}, c.copper()->driver_ohm(), c.copper()->receiver_ohm());
  const auto route = channels::copper_transfer_function(card);
  const auto section = solvers::next_section(0.01, 50e-12);
  for (double f : {1e9, 5e9, 13.3e9}) {
    const cplx want = eval(route, f) * eval(section, f) * eval(route, f);
    // the path is tabulated on a 10 MHz grid with its bulk delay removed: compare magnitudes
    CHECK(std::abs(eval(x[0].path, f)) == Approx(std::abs(want)).epsilon(2e-3));
  }
}

TEST_CASE("A measured crosstalk path is the file's SDD21 between the victim's terminations",
          "[io][crosstalk][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/peters_01_0605_B1_thru.s4p", return);
  // The file read as an aggressor path and as the victim channel itself must agree (the same
  // mixed-mode conversion and terminations); scikit-rf's SDD21 of this file is checked elsewhere
  // (tests/io/skrf_reference_test.cpp). The file's thrus are 1 -> 2 and 3 -> 4 (12-34): the victim
  // channel in another order is refused (tests/io/touchstone_ports_test.cpp).
  const std::string cfg = std::string(R"(name = "measured"
[channel]
type = "touchstone"
file = ")") + file->string() + R"("
port_order = "12-34"
[signal]
rate = "25 GBd"
[rx]
[[crosstalk]]
kind = "fext"
file = ")" + file->string() + R"("
port_order = "12-34"
)";
  const auto c = io::load_config_text(cfg, "t.toml");
  REQUIRE(c.composed());
  REQUIRE(c.signalling->spec.crosstalk.size() == 1);
  const auto& a = c.signalling->spec.crosstalk[0];
  CHECK_FALSE(a.times_victim);
  for (double f : {1e9, 6e9, 12.5e9}) {
    const std::vector<double> fs{f};
    CHECK(std::abs(eval(a.path, f)) == Approx(std::abs(c.composed()->transfer(fs)[0])).epsilon(3e-3));
  }
}

TEST_CASE("Bad crosstalk entries are reported with the key, the value and what is allowed", "[io][crosstalk][errors]") {
  const std::string base(kLink);
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nlevel = \"-30 dB\"\nat = \"1 GHz\"\n"),
             Catch::Contains("crosstalk[1].kind") && Catch::Contains("fext, next"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"xext\"\n"), Catch::Contains("must be one of: fext, next"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"fext\"\nlevel = \"-30 dB\"\n"),
             Catch::Contains("crosstalk[1].at") && Catch::Contains("missing"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"fext\"\nlevel = \"10 dB\"\nat = \"1 GHz\"\n"),
             Catch::Contains("crosstalk[1].level"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"next\"\nlevel = \"-40 dB\"\ncoupled_delay = \"50 ps\"\nthrough = \"nowhere\"\n"),
             Catch::Contains("crosstalk[1].through") && Catch::Contains("\"route\", \"card\""));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"next\"\nlevel = \"-40 dB\"\ncoupled_delay = \"50 ps\"\nat = \"1 GHz\"\n"),
             Catch::Contains("crosstalk[1].at") && Catch::Contains("fext"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"fext\"\nfile = \"missing.s4p\"\n"),
             Catch::Contains("crosstalk[1].file") && Catch::Contains("missing.s4p"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"fext\"\nlevel = \"-30 dB\"\nat = \"1 GHz\"\ncount = 0\n"),
             Catch::Contains("crosstalk[1].count"));
  CHECK_THAT(errors_of(base + "[[crosstalk]]\nkind = \"fext\"\nlevel = \"-30 dB\"\nat = \"1 GHz\"\nlevle = 3\n"),
             Catch::Contains("level"));
  // Crosstalk needs a copper victim with a [signal] section.
  const std::string no_signal = base.substr(0, base.find("[signal]"));
  CHECK_THAT(errors_of(no_signal + "[[crosstalk]]\nkind = \"fext\"\nlevel = \"-30 dB\"\nat = \"1 GHz\"\n"),
             Catch::Contains("crosstalk") && Catch::Contains("[signal]"));
}
