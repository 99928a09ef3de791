// The IEEE 802.3ck KR1 acceptance case (issue 6): the kr1-ck-28db preset's channel loss, its
// approximation of the COM reference package, the 802.3ck CTLE config (ctle = "com-ck"), and its
// maximum PAM4 rate. docs/rate_and_reach.md "The IEEE 802.3ck KR1 case".
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "workflows/link_search.hpp"
#include "solvers/max_rate.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;

namespace {

const io::Config& preset() {
  static const io::Config c = io::load_preset("kr1-ck-28db");
  return c;
}

double loss_db(const channels::ComposedChannel& ch, double f_hz) {
  const std::vector<double> f = {f_hz};
  return -20.0 * std::log10(std::abs(ch.transfer(f)[0]));
}

// The composed channel with its bulk delay removed (estimated up to fmax_hz, the top of the PAM4
// rates evaluated here) and tabulated at 20 MHz to keep these tests fast (`phylane maxrate`
// evaluates this modelled channel exactly): echoes in this channel are under 5 ns and attenuated by
// more than 30 dB, so linear interpolation between grid points changes the pulse by far less than
// the eye's resolution.
channels::TransferFunction tabulated_channel(const io::Config& cfg, double fmax_hz) {
  auto c = std::make_shared<const channels::ComposedChannel>(*cfg.composed());
  channels::TransferFunction h = [c](std::span<const double> f, std::span<std::complex<double>> out) {
    const auto t = c->transfer(f);
    std::copy(t.begin(), t.end(), out.begin());
  };
  return solvers::tabulated_on_demand(h, 20e6, fmax_hz);
}

std::string errors_of(const std::string& text) {
  return test::input_errors([&] { io::load_config_text(text, "t.toml"); });
}

// A 10-inch route (tests/support/input_text.hpp) with a PAM4 signal; [rx] is last, so that a
// test appends its receiver keys.
const std::string kLink = "name = \"ck rx\"\n[channel]\n" + test::coupled_stripline_segment("10 in") + R"([signal]
rate = "106.25 Gb/s"
modulation = "pam4"
[rx]
)";

// The preset with its package lines at another length (COM's package cases).
io::Config preset_with_package(const std::string& length) {
  std::string text(*io::embedded_file("presets/kr1-ck-28db.toml"));
  for (std::size_t at = text.find("length = \"31 mm\""); at != std::string::npos; at = text.find("length = \"31 mm\"", at))
    text.replace(at, 16, "length = \"" + length + "\"");
  return io::load_config_text(text, "kr1-ck-28db.toml");
}

// Compares the preset's Tx die + package (blocks 0-3) with the exact 93A model in `csv`.
void check_package(const io::Config& cfg, const std::string& csv, double tol_above_nyquist_db) {
  REQUIRE(cfg.composed());
  const auto& b = cfg.composed()->blocks();
  REQUIRE(b.size() > 4);
  REQUIRE(b[0].name == "Tx die and bump");
  REQUIRE(b[3].name == "Tx package ball");
  const channels::ComposedChannel pkg(true, {b[0], b[1], b[2], b[3]}, cfg.composed()->driver_ohm(),
                                      cfg.composed()->receiver_ohm());
  std::ifstream in(test::source_file(csv));
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  int rows = 0;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    double f = 0.0, ref = 0.0;
    char comma = 0;
    ss >> f >> comma >> ref;
    INFO(csv << ": f = " << f / 1e9 << " GHz, 93A " << ref << " dB");
    // Tolerance: 0.35 dB up to the PAM4 Nyquist frequency (the band that sets the eye); above it
    // the stripline stand-in's loss and the pads' resonance differ more from 93A.
    CHECK(loss_db(pkg, f) == Approx(ref).margin(f <= 26.6e9 ? 0.35 : tol_above_nyquist_db));
    ++rows;
  }
  CHECK(rows == 9);
}

}  // namespace

TEST_CASE("The KR1 preset's channel loses 28 dB at 26.5625 GHz ball to ball", "[io][kr1][reference]") {
  const auto& cfg = preset();
  REQUIRE(cfg.composed());
  const auto& b = cfg.composed()->blocks();
  REQUIRE(b.size() == 21u);
  REQUIRE(b[4].name == "Tx BGA via");
  REQUIRE(b[16].name == "Rx BGA via");
  // IEEE 802.3ck 100GBASE-KR1 channel objective: 28 dB at the PAM4 Nyquist frequency 26.5625 GHz
  // (data/standards/ethernet.toml [kr1_ck]) between the package balls (TP0 to TP5); COM adds its
  // reference packages to that.
  const channels::ComposedChannel board(true, std::vector<channels::ChannelBlock>(b.begin() + 4, b.begin() + 17),
                                        cfg.composed()->driver_ohm(), cfg.composed()->receiver_ohm());
  CHECK(loss_db(board, 26.5625e9) == Approx(28.0).margin(0.25));
  // It is a backplane-class loss curve: roughly half the Nyquist loss at half the frequency.
  CHECK(loss_db(board, 13.28125e9) == Approx(15.5).margin(1.5));
  // Die to die with the 31-mm packages: 28 dB plus 2 x 4.76 dB (93A's loss of one die + package,
  // tests/reference/com_package/ck_kr_package_31mm_il.csv) = 37.5 dB, less what the mismatches
  // at the joints do not add.
  CHECK(loss_db(*cfg.composed(), 26.5625e9) == Approx(37.5).margin(1.0));
}

TEST_CASE("The preset's die and package follow the 802.3ck COM package model of Annex 93A",
          "[io][kr1][reference]") {
  // Reference: tests/reference/com_package/com_package_93a.py evaluates C_d - L_s - C_b, the
  // 93A-9...14 package line (z_p at 87.5 ohm, 1.8 mm at 92.5 ohm) and C_p exactly; the preset
  // approximates the line by lossy coupled striplines (phylane has no 93A line block). Both of
  // COM's package cases: the preset's 31 mm and 12 mm.
  check_package(preset(), "tests/reference/com_package/ck_kr_package_31mm_il.csv", 1.1);
  check_package(preset_with_package("12 mm"), "tests/reference/com_package/ck_kr_package_il.csv", 0.75);
}

TEST_CASE("ctle = com-ck is the 802.3ck CTLE family and follows the rate", "[io][kr1][unit]") {
  const io::Config c = io::load_config_text(kLink + "ctle = \"com-ck\"\n", "t.toml");
  REQUIRE(c.signalling);
  const auto& s = c.signalling->spec;
  // Defaults: g_DC -20...0 dB x g_DC2 -6...0 dB in 1 dB steps (802.3ck COM tables).
  REQUIRE(s.ctle.size() == 21u * 7u);
  CHECK(c.signalling->ctle_search);
  // 93A-22 as amended by 802.3ck, written out: (G + j f/f_z)(G2 + j f/f_LF) /
  // ((1 + j f/f_p1)(1 + j f/f_p2)(1 + j f/f_LF)), f_z = f_p1 = f_b/2.5, f_p2 = f_b, f_LF = f_b/80.
  auto ck = [](double gdc, double gdc2, double fb, double f) {
    using C = std::complex<double>;
    const C j(0.0, 1.0);
    const double g = std::pow(10.0, gdc / 20.0), g2 = std::pow(10.0, gdc2 / 20.0);
    const double fz = fb / 2.5, fp1 = fb / 2.5, fp2 = fb, flf = fb / 80.0;
    return (g + j * f / fz) * (g2 + j * f / flf) / ((1.0 + j * f / fp1) * (1.0 + j * f / fp2) * (1.0 + j * f / flf));
  };
  const double fb = 53.125e9;
  // g_DC2 is the outer loop, least equalization first: index 0 is (-20, -6), the last (0, 0).
  for (double f : {1e8, 6.64e8, 5e9, 26.5625e9}) {
    CHECK(std::abs(s.ctle.front().response(f) - ck(-20.0, -6.0, fb, f)) < 1e-12);
    CHECK(std::abs(s.ctle[22].response(f) - ck(-19.0, -5.0, fb, f)) < 1e-12);
  }
  // At another rate the corners follow it (the reference receiver scaled to the rate).
  const auto s2 = c.signalling->at(2.0 * fb, 4);
  REQUIRE(s2.ctle.size() == s.ctle.size());
  for (double f : {1e9, 30e9}) CHECK(std::abs(s2.ctle[22].response(2.0 * f) - s.ctle[22].response(f)) < 1e-12);
  // Explicit corners stay fixed.
  const io::Config fixed = io::load_config_text(
      kLink + "ctle = \"com-ck\"\nctle_gdc = [\"-9 dB\"]\nctle_gdc2 = [\"-3 dB\"]\nctle_flf = \"1 GHz\"\n", "t.toml");
  REQUIRE(fixed.signalling->spec.ctle.size() == 1u);
  CHECK_FALSE(fixed.signalling->ctle_search);
  const auto f2 = fixed.signalling->at(2.0 * fb, 4);
  // With f_LF fixed at 1 GHz the low-frequency pair stays put while f_z, f_p1, f_p2 double: at DC
  // the gain is G G2 either way.
  CHECK(std::abs(f2.ctle[0].response(0.0)) == Approx(std::pow(10.0, -12.0 / 20.0)).epsilon(1e-12));
  CHECK(std::abs(fixed.signalling->spec.ctle[0].response(0.0)) == Approx(std::pow(10.0, -12.0 / 20.0)).epsilon(1e-12));
}

TEST_CASE("The 802.3ck CTLE keys are validated like the others", "[io][kr1][errors]") {
  CHECK_THAT(errors_of(kLink + "ctle = \"com\"\nctle_gdc2 = [\"-3 dB\"]\n"),
             Catch::Contains("rx.ctle_gdc2") && Catch::Contains("applies to ctle = \"com-ck\""));
  CHECK_THAT(errors_of(kLink + "ctle_flf = \"1 GHz\"\n"),
             Catch::Contains("rx.ctle_flf") && Catch::Contains("set ctle = \"com\", \"com-ck\" or \"generic\""));
  CHECK_THAT(errors_of(kLink + "ctle = \"com-kr\"\n"), Catch::Contains("none, com, com-ck, generic"));
  CHECK_THAT(errors_of(kLink + "ctle = \"com-ck\"\nctle_gdc2 = { from = \"0 dB\", to = \"-6 dB\" }\n"),
             Catch::Contains("rx.ctle_gdc2") && Catch::Contains("empty range"));
}

TEST_CASE("The KR1 preset carries PAM4 near the 802.3ck design rate of 106.25 Gb/s", "[io][kr1][regression]") {
  const auto& cfg = preset();
  REQUIRE(cfg.signalling);
  // The eye exactly as `phylane maxrate` evaluates it (workflows::search_eye: the preset's Tx and Rx
  // following the rate, 16 samples per UI), on the channel tabulated once up to 8 x 75 GBd.
  const channels::TransferFunction h = tabulated_channel(cfg, 600e9);
  const solvers::EyeAtRate eye_at = workflows::search_eye(cfg, h);
  const double required = cfg.signalling->required_margin_db;
  const auto m = [&](double rate_bps) { return eye_at(rate_bps / 2.0, 4).eye.margin_db; };
  // 802.3ck sets this channel loss for 106.25 Gb/s PAM4 at COM = 3 dB (phylane's margin 3.45 dB,
  // the preset's required_margin), with crosstalk and the binding one of COM's two package cases,
  // which the preset has (31 mm; FEXT at -35 dB, NEXT at an assumed -50 dB). So at 106.25 Gb/s the
  // margin should just meet the requirement. Measured: 3.50 dB (+0.05 dB). Around it the margin
  // ripples by ~0.15 dB with the rate (4.37, 4.00, 3.89, 3.50, 3.63, 3.52, 3.26, 3.06 dB at 100,
  // 102, 104, 106.25, 108, 109, 110, 111 Gb/s), so the tolerance is 0.3 dB; and the rate where the
  // margin crosses the requirement (measured ~109.5 Gb/s, +3 %; `phylane maxrate` 108.6 Gb/s) lies
  // within -4 % ... +4.5 % of 106.25 Gb/s: met at 102, failed at 111 Gb/s (was -6 % ... +11 %).
  // Three evaluations instead of a search: this test must stay fast.
  CHECK(m(106.25e9) == Approx(required).margin(0.3));
  CHECK(m(102e9) >= required);
  const double m111 = m(111e9);
  CHECK(m111 < required);
  // Without the aggressors the lane is clearly faster: crosstalk is what the search now sees
  // (measured +0.69 dB at 111 Gb/s).
  io::Config quiet = cfg;
  quiet.signalling->spec.crosstalk.clear();
  const solvers::EyeAtRate quiet_at = workflows::search_eye(quiet, h);
  CHECK(quiet_at(111e9 / 2.0, 4).eye.margin_db > m111 + 0.5);
}

// The rate search evaluates its NRZ and PAM4 eyes on two threads; the eyes must not depend on which
// ran first or alongside (the NEXT path through the Rx connector is tabulated on demand: a table
// rebuilt coarser when an NRZ eye at 115 GBd asked for 920 GHz moved a PAM4 margin by 4e-3 dB and
// the maximum rate in the 12th digit from run to run). Bit for bit: the same PAM4 eye on a fresh
// preset, after the NRZ eye, and while it runs.
TEST_CASE("A kr1 rate-search eye does not depend on the eyes evaluated before or beside it", "[kr1][determinism]") {
  struct Search {
    io::Config cfg = io::load_preset("kr1-ck-28db");
    channels::TransferFunction h = workflows::search_channel(cfg, 115e9);
    solvers::EyeAtRate eye = workflows::search_eye(cfg, h);
  };
  auto same = [](const solvers::EyeAnalysis& x, const solvers::EyeAnalysis& y) {
    CHECK(x.eye.margin_db == y.eye.margin_db);
    CHECK(x.eye.height_v == y.eye.height_v);
    CHECK(x.equalizer.best == y.equalizer.best);
    CHECK(x.equalizer.dfe.taps_v == y.equalizer.dfe.taps_v);
    REQUIRE(x.crosstalk.size() == y.crosstalk.size());
    for (std::size_t i = 0; i < x.crosstalk.size(); ++i) CHECK(x.crosstalk[i].sigma_v == y.crosstalk[i].sigma_v);
  };
  const Search fresh, after, beside;
  const solvers::EyeAnalysis alone = fresh.eye(57.5e9, 4);
  REQUIRE(alone.crosstalk.size() == 2);
  after.eye(115e9, 2);
  same(after.eye(57.5e9, 4), alone);
  std::thread nrz([&] { beside.eye(115e9, 2); });
  const solvers::EyeAnalysis pam4 = beside.eye(57.5e9, 4);
  nrz.join();
  same(pam4, alone);
}
