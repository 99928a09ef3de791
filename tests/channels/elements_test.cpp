// Element blocks against closed forms: series/shunt elements (Pozar 4th ed., sec. 4.4 with
// Frickey's ABCD -> S), the quarter-wave notch of an open stub, a matched delay line, the
// reflection of a terminated port (Pozar sec. 2.3), and mode decompositions of differential forms.
#include <catch2/catch.hpp>

#include <cmath>

#include "channels/elements.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"
#include "tests/support/frequency.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

using test::grid;

cplx jw(double f, double x) { return {0.0, 2 * phy::pi * f * x}; }

double max_diff(const Network& a, const Network& b) {
  REQUIRE(a.ports() == b.ports());
  double d = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) d = std::max(d, (a.s(k) - b.s(k)).cwiseAbs().maxCoeff());
  return d;
}

// A via with a 1 mm stub in a Dk 3.6 board: v = c / sqrt(3.6).
Via board_via() {
  Via v;
  v.z0_ohm = 45.0;
  v.delay_s_per_m = std::sqrt(3.6) / phy::c0;
  v.barrel_length_m = 1.2e-3;
  v.stub_length_m = 1.0e-3;
  return v;
}

}  // namespace

TEST_CASE("A series capacitor transmits 2 z0 / (2 z0 + 1/(j w C)) and is an open at DC", "[channels][elements][reference]") {
  // Series impedance Z between equal references z0: S21 = 2 z0 / (2 z0 + Z), S11 = Z / (2 z0 + Z)
  // (Pozar 4th ed., Table 4.1 ABCD [1 Z; 0 1] with the ABCD -> S conversion of sec. 4.4).
  // Tolerance 1e-15 (one complex division).
  const auto f = grid(0.0, 20e9, 1e8);
  const double c = 100e-9, z0 = 50.0;
  const Network n = series_capacitor(f, c, z0);
  CHECK(n.s(0, 0, 0) == cplx(1.0, 0.0));
  CHECK(n.s(0, 1, 0) == cplx(0.0, 0.0));
  for (std::size_t k = 1; k < n.size(); ++k) {
    const cplx z = 1.0 / jw(f[k], c);
    CHECK(std::abs(n.s(k, 1, 0) - 2 * z0 / (2 * z0 + z)) < 1e-15);
    CHECK(std::abs(n.s(k, 0, 0) - z / (2 * z0 + z)) < 1e-15);
  }
}

TEST_CASE("Lumped series and shunt R, L, C follow their closed forms", "[channels][elements][reference]") {
  // Shunt admittance Y: S21 = 2 / (2 + Y z0), S11 = -Y z0 / (2 + Y z0) (Pozar Table 4.1, sec. 4.4).
  // Tolerance 1e-15.
  const auto f = grid(1e8, 20e9, 7e8);
  const double z0 = 50.0;
  auto series_check = [&](const Network& n, const std::function<cplx(double)>& z) {
    for (std::size_t k = 0; k < n.size(); ++k) {
      CHECK(std::abs(n.s(k, 1, 0) - 2 * z0 / (2 * z0 + z(f[k]))) < 1e-15);
      CHECK(std::abs(n.s(k, 0, 0) - z(f[k]) / (2 * z0 + z(f[k]))) < 1e-15);
    }
  };
  auto shunt_check = [&](const Network& n, const std::function<cplx(double)>& y) {
    for (std::size_t k = 0; k < n.size(); ++k) {
      CHECK(std::abs(n.s(k, 1, 0) - 2.0 / (2.0 + y(f[k]) * z0)) < 1e-15);
      CHECK(std::abs(n.s(k, 0, 0) + y(f[k]) * z0 / (2.0 + y(f[k]) * z0)) < 1e-15);
    }
  };
  series_check(series_resistor(f, 12.0), [](double) { return cplx(12.0, 0.0); });
  series_check(series_inductor(f, 1e-9), [](double x) { return jw(x, 1e-9); });
  shunt_check(shunt_resistor(f, 200.0), [](double) { return cplx(1.0 / 200.0, 0.0); });
  shunt_check(shunt_capacitor(f, 0.3e-12), [](double x) { return jw(x, 0.3e-12); });
  shunt_check(shunt_inductor(f, 5e-9), [](double x) { return 1.0 / jw(x, 5e-9); });
  // A shunt inductor at DC is a short: S11 = -1, S21 = 0.
  const std::vector<double> dc{0.0};
  const Network s = shunt_inductor(dc, 5e-9);
  CHECK(s.s(0, 0, 0) == cplx(-1.0, 0.0));
  CHECK(s.s(0, 1, 0) == cplx(0.0, 0.0));
  CHECK_THROWS_WITH(series_capacitor(f, 0.0), Catch::Contains("c_f") && Catch::Contains("> 0"));
}

TEST_CASE("An AC-coupling capacitor is resistive at its self-resonance", "[channels][elements][reference]") {
  // Z = ESR + j w ESL + 1/(j w C) is real (= ESR) at f = 1 / (2 pi sqrt(ESL C)): S21 = 2 z0/(2 z0 + ESR).
  // Tolerance 1e-12 (the reactances cancel from ~6e-4 ohm each at 1e-16 relative; S21 error is
  // that divided by 2 z0, far below; 1e-12 leaves room for the resonance frequency's rounding).
  const AcCapacitor cap{100e-9, 0.05, 0.4e-9};
  const double f0 = 1.0 / (2 * phy::pi * std::sqrt(cap.esl_h * cap.c_f));
  const std::vector<double> f{f0};
  const Network n = ac_capacitor(cap, f);
  CHECK(std::abs(n.s(0, 1, 0) - 100.0 / (100.0 + 0.05)) < 1e-12);
}

TEST_CASE("An open via stub notches the transmission at v / (4 L_stub)", "[channels][elements][reference]") {
  // A lossless open stub's input admittance j Y0 tan(beta l) is infinite at beta l = pi/2: the
  // stub shorts the line at f = 1 / (4 tau_stub) = v / (4 L) (Pozar sec. 2.3-2.7, quarter-wave
  // line). v = c / sqrt(3.6), L = 1 mm: 39.5 GHz. At that frequency |S21| is zero to rounding
  // (tan(pi/2) evaluates to ~1e16: |S21| < 1e-12); 2 % either side it is well away from zero.
  const Via v = board_via();
  const double notch = 1.0 / (4.0 * v.delay_s_per_m * v.stub_length_m);
  const std::vector<double> f{0.98 * notch, notch, 1.02 * notch};
  const Network n = via(v, f);
  CHECK(std::abs(n.s(1, 1, 0)) < 1e-12);
  CHECK(std::abs(n.s(0, 1, 0)) > 0.05);
  CHECK(std::abs(n.s(2, 1, 0)) > 0.05);
  // The minimum on a fine grid sits at the analytic notch (grid step 10 MHz).
  const auto fine = grid(30e9, 45e9, 10e6);
  const Network m = via(v, fine);
  std::size_t best = 0;
  for (std::size_t k = 0; k < m.size(); ++k)
    if (std::abs(m.s(k, 1, 0)) < std::abs(m.s(best, 1, 0))) best = k;
  CHECK(std::abs(fine[best] - notch) <= 5e6);
}

TEST_CASE("Back-drilling moves the stub notch out of band", "[channels][elements][property]") {
  // 1 mm stub: notch at 39.5 GHz; back-drilled to 0.2 mm: at 198 GHz. Below 40 GHz the drilled
  // via's |S21| stays above 0.9 (a 45-ohm, 1.2 mm barrel and a 0.2 mm stub: < 1 dB), while the
  // full stub's drops below 0.1 near its notch.
  const Via full = board_via();
  const Via drilled = full.backdrilled(0.2e-3);
  CHECK(drilled.stub_length_m == 0.2e-3);
  CHECK(drilled.stub_end_capacitance_f == 0.0);
  const auto f = grid(1e9, 40e9, 1e8);
  const Network a = via(full, f), b = via(drilled, f);
  double min_full = 1.0, min_drilled = 1.0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    min_full = std::min(min_full, std::abs(a.s(k, 1, 0)));
    min_drilled = std::min(min_drilled, std::abs(b.s(k, 1, 0)));
  }
  CHECK(min_full < 0.1);
  CHECK(min_drilled > 0.9);
}

TEST_CASE("A via without pads or stub, matched to its barrel, is a pure delay", "[channels][elements][reference]") {
  // z0 = barrel impedance, no pads, no stub, no loss: S21 = exp(-j w tau), S11 = 0 (tolerance 1e-15).
  Via v = board_via();
  v.stub_length_m = 0.0;
  const auto f = grid(0.0, 50e9, 1e9);
  const Network n = via(v, f, v.z0_ohm);
  const double tau = v.delay_s_per_m * v.barrel_length_m;
  for (std::size_t k = 0; k < n.size(); ++k) {
    CHECK(std::abs(n.s(k, 1, 0) - std::polar(1.0, -2 * phy::pi * f[k] * tau)) < 1e-15);
    CHECK(std::abs(n.s(k, 0, 0)) < 1e-15);
  }
}

TEST_CASE("Pad capacitances of a zero-length via add as one shunt capacitor", "[channels][elements][reference]") {
  // Barrel and stub of zero length: two pads of C in parallel, S21 = 2 / (2 + j w 2C z0).
  // Tolerance 1e-15.
  Via v = board_via();
  v.barrel_length_m = 0.0;
  v.stub_length_m = 0.0;
  v.pad_capacitance_f = 0.15e-12;
  const auto f = grid(1e9, 40e9, 3e9);
  const Network n = via(v, f);
  for (std::size_t k = 0; k < n.size(); ++k)
    CHECK(std::abs(n.s(k, 1, 0) - 2.0 / (2.0 + jw(f[k], 0.3e-12) * 50.0)) < 1e-15);
}

TEST_CASE("An ideal line's skin loss is its stated dB at the reference frequency, and it is causal",
          "[channels][elements][reference]") {
  // Matched: |S21| = exp(-alpha), alpha = loss_db / 8.686 sqrt(f / f_ref); the phase carries the
  // equal skin-effect excess alpha (causal sqrt(j w) kernel). Tolerances 1e-12 dB and 1e-12 rad
  // (phases up to 380 rad).
  // And the causality check sees a causal response (precursor below its default limit).
  const IdealLine line{50.0, 2e-9, 3.0, 10e9};
  const auto f = grid(0.0, 30e9, 10e6);
  const Network n = ideal_line(line, f);
  for (std::size_t k = 0; k < n.size(); k += 250) {
    const double alpha = phy::units::db_to_nepers(3.0) * std::sqrt(f[k] / 10e9);
    CHECK(std::abs(-phy::units::amplitude_ratio_to_db(std::abs(n.s(k, 1, 0))) - phy::units::nepers_to_db(alpha)) < 1e-12);
    CHECK(std::abs(std::remainder(std::arg(n.s(k, 1, 0)) + alpha + 2 * phy::pi * f[k] * 2e-9, 2 * phy::pi)) < 1e-12);
  }
  CHECK(check_causality(n).causal());
}

TEST_CASE("Pi and tee models equal the cascade of their parts", "[channels][elements][property]") {
  // Two methods: the model's chain-matrix product versus the S-domain star product of the
  // individual lumped networks. Tolerance 1e-14.
  const auto f = grid(1e8, 30e9, 1e9);
  const PiModel pi{0.2e-12, 0.5, 0.8e-9, 0.3e-12};
  const std::vector<Network> pi_parts{shunt_capacitor(f, pi.c1_f),
                                      series_element(f, [&](double x) { return pi.r_ohm + jw(x, pi.l_h); }),
                                      shunt_capacitor(f, pi.c2_f)};
  CHECK(max_diff(pi_network(pi, f), cascade(pi_parts)) < 1e-14);
  const TeeModel tee{0.2, 0.4e-9, 0.5e-12, 0.3, 0.6e-9};
  const std::vector<Network> tee_parts{series_element(f, [&](double x) { return tee.r1_ohm + jw(x, tee.l1_h); }),
                                       shunt_capacitor(f, tee.c_f),
                                       series_element(f, [&](double x) { return tee.r2_ohm + jw(x, tee.l2_h); })};
  CHECK(max_diff(tee_network(tee, f), cascade(tee_parts)) < 1e-14);
  // A lossless LC model is lossless: |S11|^2 + |S21|^2 = 1 (1e-14).
  const Network lossless = pi_network({0.2e-12, 0.0, 0.8e-9, 0.2e-12}, f);
  for (std::size_t k = 0; k < f.size(); ++k)
    CHECK(std::abs(std::norm(lossless.s(k, 0, 0)) + std::norm(lossless.s(k, 1, 0)) - 1.0) < 1e-14);
}

TEST_CASE("A termination with pad capacitance reflects (1 - Y z0)/(1 + Y z0)", "[channels][elements][reference]") {
  // Load Y = 1/R + j w C (Pozar sec. 2.3: Gamma = (Z_L - z0)/(Z_L + z0)). Matched R = z0 and
  // no pad: Gamma = 0 exactly. Tolerance 1e-15.
  const auto f = grid(0.0, 40e9, 2e9);
  const Network t = termination(f, 47.0, 0.2e-12);
  REQUIRE(t.ports() == 1);
  for (std::size_t k = 0; k < f.size(); ++k) {
    const cplx zl = 1.0 / (1.0 / 47.0 + jw(f[k], 0.2e-12));
    CHECK(std::abs(t.s(k, 0, 0) - (zl - 50.0) / (zl + 50.0)) < 1e-15);
  }
  const Network m = termination(f, 50.0, 0.0);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(m.s(k, 0, 0) == cplx(0.0, 0.0));
}

TEST_CASE("A differential termination reflects by mode as R_diff || C/2 and C x 2", "[channels][elements][reference]") {
  // Differential mode (reference 2 z0) sees R_diff in parallel with the two pads in series (C/2);
  // common mode (reference z0/2) sees the two pads in parallel (2C) and no R. The mode reflections
  // of a 2-port (P, N) are Sdd11 = (S11 - S12 - S21 + S22)/2, Scc11 = (S11 + S12 + S21 + S22)/2
  // (Bockelman & Eisenstadt 1995). Tolerance 1e-15.
  const auto f = grid(1e8, 40e9, 2e9);
  const double r = 100.0, c = 0.25e-12, z0 = 50.0;
  const Network t = differential_termination(f, r, c, z0);
  for (std::size_t k = 0; k < f.size(); ++k) {
    const cplx sdd = 0.5 * (t.s(k, 0, 0) - t.s(k, 0, 1) - t.s(k, 1, 0) + t.s(k, 1, 1));
    const cplx scc = 0.5 * (t.s(k, 0, 0) + t.s(k, 0, 1) + t.s(k, 1, 0) + t.s(k, 1, 1));
    const cplx zd = 1.0 / (1.0 / r + jw(f[k], c / 2));
    const cplx zc = 1.0 / jw(f[k], 2 * c);
    CHECK(std::abs(sdd - (zd - 2 * z0) / (zd + 2 * z0)) < 1e-15);
    CHECK(std::abs(scc - (zc - z0 / 2) / (zc + z0 / 2)) < 1e-15);
  }
}

TEST_CASE("An uncoupled pair's mixed-mode response is the single line's in both modes", "[channels][elements][property]") {
  // Two identical uncoupled lines: Sdd = Scc = the line's S (references 2 z0 and z0/2 scale
  // the line's reference by the same factor as its mode impedance), no mode conversion.
  // Tolerance 1e-15.
  const auto f = grid(1e8, 20e9, 1e9);
  const Network cap = ac_capacitor({100e-9, 0.02, 0.3e-9}, f);
  for (auto order : {PortOrder::pairs_12_34, PortOrder::pairs_13_24}) {
    const Network mm = to_mixed_mode(uncoupled_pair(cap, cap, order), order);
    for (std::size_t k = 0; k < f.size(); ++k) {
      CHECK(std::abs(mm.s(k, 1, 0) - cap.s(k, 1, 0)) < 1e-15);  // Sdd21
      CHECK(std::abs(mm.s(k, 3, 2) - cap.s(k, 1, 0)) < 1e-15);  // Scc21
      CHECK(std::abs(mm.s(k, 0, 0) - cap.s(k, 0, 0)) < 1e-15);  // Sdd11
      CHECK(std::abs(mm.s(k, 2, 0)) < 1e-15);                   // Scd11
    }
  }
}

TEST_CASE("The mode circuits of an identical pair rebuild the uncoupled pair", "[channels][elements][property]") {
  // identical_pair_modes relabels the line's S-parameters to the mode references; from_modes of
  // them must give the 4-port that places the two lines side by side (uncoupled_pair), an
  // independent construction. Without the common mode, that network is left empty.
  const auto f = grid(1e8, 20e9, 1e9);
  const Network cap = ac_capacitor({100e-9, 0.02, 0.3e-9}, f);
  const ModeNetworks m = identical_pair_modes(cap);
  CHECK(max_diff(from_modes(m.differential, m.common, PortOrder::pairs_13_24),
                 uncoupled_pair(cap, cap, PortOrder::pairs_13_24)) < 1e-15);
  CHECK(m.differential.z0_ohm() == std::vector<double>{100.0, 100.0});
  CHECK(m.common.z0_ohm() == std::vector<double>{25.0, 25.0});
  CHECK(identical_pair_modes(cap, false).common.ports() == 0);
  CHECK_THROWS_WITH(identical_pair_modes(uncoupled_pair(cap, cap)), Catch::Contains("needs a 2-port"));
}

TEST_CASE("A via pair with equal odd and even impedances is two uncoupled vias", "[channels][elements][property]") {
  // z_odd = z_even = z: no coupling. Two independent constructions: the mode route of via_pair
  // (differential 2 z with C/2 pads, common z/2 with 2C pads, from_modes) and two single-ended
  // vias placed side by side. Tolerance 1e-14.
  Via each = board_via();
  each.pad_capacitance_f = 0.1e-12;
  each.stub_end_capacitance_f = 0.05e-12;
  const auto f = grid(1e8, 40e9, 1e9);
  const Network pair = via_pair(each, each.z0_ohm, each.z0_ohm, f);
  const Network single = via(each, f);
  CHECK(max_diff(pair, uncoupled_pair(single, single)) < 1e-14);
}

TEST_CASE("A coupled via pair's differential mode is the via of impedance 2 z_odd", "[channels][elements][property]") {
  // Coupled (z_odd 42, z_even 52): SDD21 of the single-ended 4-port equals the single-ended via
  // built with 2 z_odd, C/2 pads, referenced to 100 ohm. Tolerance 1e-14.
  Via each = board_via();
  each.pad_capacitance_f = 0.1e-12;
  const auto f = grid(1e8, 40e9, 1e9);
  const Network pair = via_pair(each, 42.0, 52.0, f, 50.0, PortOrder::pairs_12_34);
  Via d = each;
  d.z0_ohm = 84.0;
  d.pad_capacitance_f = 0.05e-12;
  const Network dv = via(d, f, 100.0);
  const auto sdd = sdd21(pair, PortOrder::pairs_12_34);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(std::abs(sdd[k] - dv.s(k, 1, 0)) < 1e-14);
}
