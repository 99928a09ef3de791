// Transmitter noise (COM SNR_TX, IEEE 802.3 Annex 93A eq. (93A-30)) in the statistical eye of
// analyze_eye / analyze_eye_pulse: checked against closed forms on an ISI-free pulse.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "solvers/eye_analysis.hpp"

using namespace phylane::solvers;

namespace {

// One cursor of height h0 [V], nothing else: no ISI, no jitter slope at the main cursor's phase.
PulseResponse single_cursor(double h0) {
  PulseResponse p;
  p.symbol_rate_baud = 53.125e9;
  p.samples_per_ui = 8;
  p.samples_v.assign(16 * 8, 0.0);
  p.main_index = 8 * 8;
  p.samples_v[p.main_index] = h0;
  return p;
}

EyeLinkSpec spec(int levels, double tx_snr_db) {
  EyeLinkSpec s;
  s.symbol_rate_baud = 53.125e9;
  s.levels = levels;
  s.samples_per_ui = 8;
  s.target_ber = 1e-6;
  s.tx_snr_db = tx_snr_db;
  return s;
}

}  // namespace

TEST_CASE("Tx noise enters the statistical eye as h(0) 10^(-SNR_TX/20) rms (93A-30)", "[solvers][eye][reference]") {
  // Closed forms: the only impairment is Gaussian noise of sigma = sqrt(sigma_N^2 + sigma_TX^2),
  // sigma_TX = h0 10^{-SNR_TX/20}. NRZ: BER at the centre Q(h0/sigma); margin 20 log10(h0 /
  // (z sigma)), z = Q^{-1}(1e-6) = 4.753424308822899. Values from scipy.stats.norm (isf, sf).
  SECTION("NRZ, Tx noise alone") {
    const auto a = analyze_eye_pulse(single_cursor(0.1), spec(2, 14.0), 0.0);
    CHECK(a.noise_sigma_v == Approx(0.1 * std::pow(10.0, -0.7)).epsilon(1e-12));
    // 20 log10(10^0.7 / 4.753424308822899) = 0.4598683 dB; the eye's root-finding and Q table are
    // good to ~1e-6 relative in amplitude, i.e. ~1e-5 dB.
    CHECK(a.eye.margin_db == Approx(0.4598683437887394).margin(1e-4));
    // Q(10^0.7) = 2.6951481e-7; the map is exact to ~1e-5 relative (docs/eye.md).
    CHECK(a.eye.ber == Approx(2.6951481173667145e-07).epsilon(1e-4));
  }
  SECTION("NRZ, Tx and Rx noise add in power") {
    const auto a = analyze_eye_pulse(single_cursor(0.1), spec(2, 14.0), 0.01);
    const double sigma = std::hypot(0.01, 0.1 * std::pow(10.0, -0.7));
    CHECK(a.noise_sigma_v == Approx(sigma).epsilon(1e-12));
    // 20 log10(0.1 / (4.753424308822899 x 0.0223183)) = -0.5133596 dB
    CHECK(a.eye.margin_db == Approx(-0.5133595932982139).margin(1e-4));
  }
  SECTION("PAM4: the Tx noise scales with the main cursor, not the level spacing") {
    // h0 = 0.3 V: A_s = h0/3 = 0.1 V; sigma_TX = 0.3 x 10^{-26/20} = 0.0150356 V. The per-eye
    // target is 1e-6 / (2 (M-1) / (M log2 M)) = 1.333e-6, z = Q^{-1}(1.333e-6) = 4.694954:
    // margin 20 log10(0.1 / (4.694954 x 0.0150356)) = 3.0249480 dB.
    const auto a = analyze_eye_pulse(single_cursor(0.3), spec(4, 26.0), 0.0);
    CHECK(a.noise_sigma_v == Approx(0.015035617008818166).epsilon(1e-12));
    CHECK(a.eye.margin_db == Approx(3.0249479915851167).margin(1e-4));
  }
  SECTION("no Tx SNR: no Tx noise") {
    const auto a = analyze_eye_pulse(single_cursor(0.1), spec(2, 1e9), 0.01);
    CHECK(a.noise_sigma_v == 0.01);
    // 20 log10(0.1 / (4.753424308822899 x 0.01)) = 6.4599 dB
    CHECK(a.eye.margin_db == Approx(20.0 * std::log10(0.1 / (4.753424308822899 * 0.01))).margin(1e-4));
  }
}
