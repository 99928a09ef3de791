// Passivity, reciprocity and causality checks, and passivity enforcement. References: exact
// singular values of chosen matrices, phylane's own line models with a causal
// (Djordjevic-Sarkar) and an acausal (constant loss tangent) dielectric, the analytic arrival of a
// windowed pure delay, and measured Touchstone files.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <random>

#include "channels/copper_channel.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "io/touchstone.hpp"
#include "phy/constants.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "tests/support/frequency.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

using test::grid;

// The 0.5 m centred stripline of tests/phy/transmission_line_test.cpp "causal impulse response",
// between terminations equal to its impedance, sampled every 10 MHz from 10 MHz to 40 GHz.
Network stripline_network(const phy::Dielectric& diel) {
  phy::StriplineDims d{5 * phy::units::mil, 0.6 * phy::units::mil, 5 * phy::units::mil, 5 * phy::units::mil, 0.0,
                       1.2 * phy::units::mil};
  phy::TransmissionLine tl(std::make_shared<phy::Stripline>(d), diel, {5.8e7, {}, {}});
  const double z = tl.impedance_ohm(1e9);
  CopperChannel ch({{"line", 0.5, tl}}, z, z);
  return network_from_channel(ch, grid(10e6, 40e9, 10e6));
}

// A 2-port thru with transmission t(f) and no reflection: singular values |t|, |t|.
Network thru(const std::vector<double>& f, const std::function<cplx(double)>& t) {
  Network n(f, 2, {50.0});
  for (std::size_t k = 0; k < n.size(); ++k) n.s(k, 0, 1) = n.s(k, 1, 0) = t(f[k]);
  return n;
}

}  // namespace

TEST_CASE("A thru with |S21| = 1.05 is reported non-passive where and by how much", "[channels][checks][reference]") {
  // S = [[0, t], [t, 0]] has singular values |t|: 1.05 exactly above 5 GHz, 0.9 below.
  // Tolerance 1e-15: one SVD of a 2x2 matrix.
  const auto f = grid(1e9, 10e9, 1e9);
  const Network n = thru(f, [](double x) { return std::polar(x > 5e9 ? 1.05 : 0.9, -1e-10 * x); });
  const auto r = check_passivity(n);
  CHECK_FALSE(r.passive());
  CHECK(r.violations == 5);  // 6..10 GHz
  CHECK(std::abs(r.worst - 1.05) < 1e-15);
  CHECK(r.worst_freq_hz == 6e9);
  CHECK(std::abs(r.sigma_max[0] - 0.9) < 1e-15);
}

TEST_CASE("Singular values of known matrices are exact, and a lossless network is passive", "[channels][checks][unit]") {
  // [[0.6, 0.8], [0.8, -0.6]] is real orthogonal (lossless): sigma = 1, within the default 1e-6.
  Network n({1e9, 2e9}, 2, {50.0});
  n.s(0) << 0.6, 0.8, 0.8, -0.6;
  n.s(1) << 0.3, 0.0, 0.0, cplx(0.0, 0.5);
  const auto r = check_passivity(n);
  CHECK(r.passive());
  CHECK(std::abs(r.sigma_max[0] - 1.0) < 1e-15);
  CHECK(std::abs(r.sigma_max[1] - 0.5) < 1e-15);
  CHECK_THROWS_WITH(check_passivity(n, -1.0), Catch::Contains("tolerance"));
}

TEST_CASE("Modelled lines are passive and reciprocal", "[channels][checks][property]") {
  // CopperChannel is reciprocal by construction (S12 = S21 (AD - BC), AD - BC = cosh^2 - sinh^2 = 1),
  // but AD - BC is computed from terms of size |cosh gl|^2 ~ 1 / |S21|^2 ~ 1e6 (|S21| down to 1e-3
  // above the floor), so it is 1 to ~1e-10: the tolerance 1e-8.
  const Network n = stripline_network(phy::Dielectric::djordjevic_sarkar(4.0, 0.02, 1e9));
  const auto p = check_passivity(n);
  CHECK(p.passive());
  CHECK(p.worst < 1.0);
  const auto r = check_reciprocity(n);
  CHECK(r.reciprocal());
  CHECK(r.worst_relative < 1e-8);
}

TEST_CASE("Reciprocity reports the relative asymmetry and ignores terms below the floor", "[channels][checks][unit]") {
  // S12 = 0.9 S21: relative asymmetry exactly 0.1 (to rounding, 1e-15). A 1e-5 one-way
  // crosstalk term is below the 1e-3 floor: counted absolutely only.
  Network n({1e9, 2e9}, 3, {50.0});
  for (std::size_t k = 0; k < 2; ++k) {
    n.s(k, 1, 0) = cplx(0.5, 0.2);
    n.s(k, 0, 1) = 0.9 * cplx(0.5, 0.2);
    n.s(k, 2, 0) = 1e-5;
  }
  const auto r = check_reciprocity(n);
  CHECK(std::abs(r.worst_relative - 0.1) < 1e-15);
  CHECK(r.worst_i == 0);
  CHECK(r.worst_j == 1);
  CHECK(std::abs(r.worst_absolute - 0.1 * std::abs(cplx(0.5, 0.2))) < 1e-15);
  CHECK_FALSE(r.reciprocal());
  Network x({1e9}, 3, {50.0});
  x.s(0, 2, 0) = 1e-5;
  const auto rx = check_reciprocity(x);
  CHECK(rx.worst_relative == 0.0);
  CHECK(rx.worst_absolute == 1e-5);
}

TEST_CASE("A line with a constant loss tangent is flagged acausal and the Djordjevic-Sarkar line passes",
          "[channels][checks][causality]") {
  // tests/phy/transmission_line_test.cpp measures, with the exact H(f) from DC, a Gaussian window
  // and a causal high-pass, precursor energy ~5e-3 (constant Df) and ~1e-12 (DS). Here the same
  // 0.5 m line goes through the black-box route (sampled 10 MHz .. 40 GHz, DC extrapolated,
  // arrival from the response itself): measured 1.8e-4 and 5e-9; the default limit 3e-5 sits
  // between with a factor 6 on the acausal side and 6000 on the causal side.
  const auto acausal = check_causality(stripline_network(phy::Dielectric::constant(4.0, 0.02)));
  const auto causal = check_causality(stripline_network(phy::Dielectric::djordjevic_sarkar(4.0, 0.02, 1e9)));
  INFO("precursor energy: constant Df " << acausal.precursor_energy << ", DS " << causal.precursor_energy);
  CHECK_FALSE(acausal.causal());
  CHECK(acausal.precursor_energy > 1e-4);
  CHECK(causal.causal());
  CHECK(causal.precursor_energy < 1e-7);
  CHECK(causal.negative_time_energy < 1e-6);
  // The delay: L sqrt(Dk) / c = 3.34 ns for both; the DS arrival precedes its group delay.
  CHECK(causal.group_delay_s == Approx(0.5 * 2.0 / phy::c0).epsilon(0.02));  // Dk(f) of DS varies ~2 % in band
  CHECK(causal.arrival_s < causal.group_delay_s);
}

TEST_CASE("The arrival of a windowed pure delay is where its Gaussian reaches the threshold", "[channels][checks][reference]") {
  // H = exp(-j w tau) on 0 .. 20 GHz: h(t) = Gaussian window response exp(-(pi fw (t - tau))^2)
  // (band-limited), which reaches 2 % of its peak at tau - sqrt(ln 50) / (pi fw). Tolerance: the
  // sample spacing 1 / (4 fmax) = 12.5 ps (sub-sample interpolation is linear).
  const double tau = 2e-9;
  const Network n = thru(grid(0.0, 20e9, 20e6), [=](double f) { return std::polar(1.0, -2 * phy::pi * f * tau); });
  const auto r = check_causality(n);
  const double expected = tau - std::sqrt(std::log(50.0)) / (phy::pi * r.window_hz);
  CHECK(std::abs(r.arrival_s - expected) < 12.5e-12);
  CHECK(std::abs(r.group_delay_s - tau) < 1e-15);
  CHECK(r.causal());
}

TEST_CASE("A time advance is acausal: its energy is at negative time", "[channels][checks][property]") {
  const double tau = 2e-9;
  const Network n = thru(grid(0.0, 20e9, 20e6), [=](double f) { return std::polar(0.5, +2 * phy::pi * f * tau); });
  const auto r = check_causality(n);
  CHECK(r.arrival_s < 0.0);
  CHECK(r.negative_time_energy > 0.99);  // everything but the window's tail
  CHECK_FALSE(r.causal());
}

TEST_CASE("Measured backplane channels pass the causality check", "[channels][checks][causality][data]") {
  // Real channels (measured/simulated by others, ../shared/data/README.md). With the defaults the
  // 13 files' S21, S43 and SDD21 show precursor and negative-time energies of 5e-8 .. 1.2e-5
  // (docs/sparams.md table), below the default limit 3e-5.
  for (const char* name : {"touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", "touchstone/peters_01_0605_B1_thru.s4p",
                           "touchstone/CABLE1_TX_pair.s4p"}) {
    PHYLANE_REFERENCE_OR_SKIP(path, name, continue);
    INFO(name);
    const Network se = io::read_touchstone(*path);
    const auto s21 = check_causality(se);
    CHECK(s21.causal());
    CHECK(check_causality(to_mixed_mode(se, PortOrder::pairs_12_34)).causal());  // SDD21
  }
}

TEST_CASE("A 2.4 % early path in the B1 thru sets the arrival instead of counting as precursor",
          "[channels][checks][causality][data]") {
  // peters_01_0605_B1 S21 has, besides its main path (group delay 2.27 ns), a path of ~2.4 %
  // amplitude arriving at ~1.5 ns (S43 has none). The arrival threshold (2 %) takes it as the
  // arrival, so the report stays causal.
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/peters_01_0605_B1_thru.s4p", return);
  const Network se = io::read_touchstone(*path);
  const auto s21 = check_causality(se);
  CHECK(s21.arrival_s < 1.7e-9);
  CHECK(s21.group_delay_s > 2.2e-9);
  CausalityOptions s43;
  s43.to_port = 3;
  s43.from_port = 2;
  CHECK(check_causality(se, s43).arrival_s > 2.0e-9);
}

TEST_CASE("Causality options are validated", "[channels][checks][unit]") {
  const Network n = thru(grid(0.0, 1e9, 1e8), [](double) { return cplx(0.5, 0.0); });
  CausalityOptions o;
  o.to_port = 2;
  CHECK_THROWS_WITH(check_causality(n, o), Catch::Contains("S[2][0]") && Catch::Contains("2-port"));
  o = {};
  o.arrival_fraction = 1.5;
  CHECK_THROWS_WITH(check_causality(n, o), Catch::Contains("arrival_fraction") && Catch::Contains("(0, 1)"));
  o = {};
  o.limit = 0.0;
  CHECK_THROWS_WITH(check_causality(n, o), Catch::Contains("limit"));
}

TEST_CASE("Passivity enforcement clips singular values to 1 and reports the change", "[channels][checks][property]") {
  // The 1.05 thru becomes a lossless thru (sigma = 1, change 0.05); frequencies already passive
  // are untouched (bit for bit). Tolerance 1e-15 (one SVD and its reconstruction).
  const auto f = grid(1e9, 10e9, 1e9);
  const Network n = thru(f, [](double x) { return std::polar(x > 5e9 ? 1.05 : 0.9, -1e-10 * x); });
  const auto e = enforce_passivity(n);
  CHECK(e.frequencies_changed == 5);
  CHECK(std::abs(e.largest_sigma_before - 1.05) < 1e-15);
  CHECK(std::abs(e.largest_change - 0.05) < 1e-15);
  CHECK(std::abs(e.largest_relative_change - 0.05 / 1.05) < 1e-15);
  const auto after = check_passivity(e.network, 1e-15);
  CHECK(after.passive());
  for (std::size_t k = 0; k < 5; ++k) CHECK((e.network.s(k) - n.s(k)).cwiseAbs().maxCoeff() == 0.0);
  CHECK(std::abs(e.network.s(9, 1, 0) - std::polar(1.0, -1e-10 * 10e9)) < 1e-15);
}

TEST_CASE("Passivity enforcement keeps a reciprocal network reciprocal", "[channels][checks][property]") {
  // A random symmetric 4-port scaled to sigma_max = 1.2: after clipping, sigma_max = 1 and
  // S = S^T to rounding (1e-14). Reference: the Takagi form S = U Sigma U^T of a symmetric matrix.
  std::mt19937 rng(21);
  std::normal_distribution<double> g(0.0, 1.0);
  Network n({1e9, 2e9, 3e9}, 4, {50.0});
  for (std::size_t k = 0; k < n.size(); ++k) {
    Eigen::MatrixXcd x(4, 4);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) x(i, j) = cplx(g(rng), g(rng));
    x = (x + x.transpose()).eval();
    n.s(k) = x * (1.2 / Eigen::JacobiSVD<Eigen::MatrixXcd>(x).singularValues()(0));
  }
  const auto e = enforce_passivity(n);
  CHECK(e.frequencies_changed == 3);
  CHECK(check_passivity(e.network, 1e-14).passive());
  CHECK(check_reciprocity(e.network, 0.0, 1e-12).reciprocal());
}
