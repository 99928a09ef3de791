// Micro-ring resonators against their analytic properties.
#include <catch2/catch.hpp>

#include <cmath>

#include "phy/constants.hpp"
#include "phy/ring.hpp"
#include "phy/units.hpp"

using namespace phylane::phy;

namespace {

// A 5 um radius Si ring (n_eff 2.445, n_g 4.18 from tests/phy/mode_solver_test.cpp's strip).
RingResonator si_ring(double r1, double r2, double loss_db_per_cm) {
  RingResonator r;
  r.length_m = 2 * pi * 5e-6;
  r.n_eff = 2.445;
  r.n_g = 4.18;
  r.loss_db_per_m = loss_db_per_cm * 100;
  r.self_coupling = r1;
  r.drop_self_coupling = r2;
  return r;
}

// The same ring described at its resonance nearest 1550 nm (the closed forms take lambda there).
RingResonator centred(RingResonator r) {
  const double l0 = ring_resonance_m(r, 1550e-9);
  r.n_eff = r.n_eff - (r.n_g - r.n_eff) * (l0 - r.reference_wavelength_m) / r.reference_wavelength_m;
  r.reference_wavelength_m = l0;
  return r;
}

}  // namespace

TEST_CASE("A lossless add-drop ring conserves power at every wavelength", "[phy][ring][property]") {
  // Through + drop = 1 when a = 1 (lossless couplers and ring): the identity follows from
  // |t|^2 + |d|^2 of the coupled-mode transfer matrices, not from the formulas' form. Rounding only.
  for (double r1 : {0.8, 0.95, 0.99})
    for (double r2 : {0.8, 0.97, 1.0}) {
      const auto ring = si_ring(r1, r2, 0.0);
      for (int k = 0; k <= 400; ++k) {
        const double l = 1540e-9 + k * 0.05e-9;
        const auto t = ring_response(ring, l);
        CHECK(t.through + t.drop == Approx(1.0).margin(1e-12));
      }
    }
  // With loss the sum falls below 1 on resonance.
  const auto lossy = si_ring(0.95, 0.95, 3.0);
  const double l0 = ring_resonance_m(lossy, 1550e-9);
  const auto t = ring_response(lossy, l0);
  CHECK(t.through + t.drop < 0.99);
}

TEST_CASE("FSR and loaded Q equal the values measured on the computed spectrum", "[phy][ring][reference]") {
  // FSR: half the distance between the resonances either side of lambda_0 (phase condition solved
  // numerically) equals lambda_0^2 / (n_g L); the one-sided spacing would differ by FSR/lambda
  // (1.2 %), the symmetric one only at second order (measured 0.01 %; margin 0.1 %).
  const auto ring = centred(si_ring(0.97, 0.97, 2.0));
  const double l0 = ring.reference_wavelength_m;
  const double l_up = ring_resonance_m(ring, l0 + ring_fsr_m(ring));
  const double l_down = ring_resonance_m(ring, l0 - ring_fsr_m(ring));
  CHECK(0.5 * (l_up - l_down) == Approx(ring_fsr_m(ring)).epsilon(1e-3));
  // Loaded Q: the -3 dB points of the drop port found by bisection on the exact response.
  const double peak = ring_response(ring, l0).drop;
  auto half = [&](double dir) {
    double lo = l0, hi = l0 + dir * 0.5 * ring_fsr_m(ring);
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      (ring_response(ring, mid).drop > 0.5 * peak ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  const double fwhm = half(1.0) - half(-1.0);
  // The closed form is the Lorentzian limit (FWHM << FSR); here FWHM/FSR = 0.02, measured
  // difference 0.03 %.
  CHECK(fwhm == Approx(ring_fwhm_m(ring)).epsilon(2e-3));
  CHECK(ring_loaded_q(ring) == Approx(l0 / fwhm).epsilon(2e-3));
}

TEST_CASE("All-pass extinction at critical coupling is infinite and equals the closed form elsewhere",
          "[phy][ring][reference]") {
  auto ring = si_ring(0.98, 1.0, 3.0);
  const double a = round_trip_amplitude(ring);
  const double l0 = ring_resonance_m(ring, 1550e-9);
  const double t_min = ring_response(ring, l0).through;
  const double t_max = ring_response(ring, l0 + 0.5 * ring_fsr_m(ring)).through;
  CHECK(ring_extinction_db(ring) == Approx(units::power_ratio_to_db(t_max / t_min)).epsilon(1e-6));
  ring.self_coupling = a;  // critical coupling: r = a
  CHECK(ring_response(ring, ring_resonance_m(ring, 1550e-9)).through < 1e-20);
}

TEST_CASE("Demux crosstalk at 200 GHz spacing equals the Lorentzian value", "[phy][ring][reference]") {
  // An add-drop ring of 2.5 um radius (FSR 36 nm, r1 = r2 = 0.97, loaded Q of a few thousand) at 1550 nm; its neighbour
  // 200 GHz away (1.6 nm) leaks T_drop(lambda_0 + dlambda)/T_drop(lambda_0) into the drop port.
  // The exact (Airy) response differs from the Lorentzian 1/(1 + (2 Q df/f)^2) by
  // 4 sin^2(phi/2) against phi^2 at the offset's phase phi = 2 pi dlambda/FSR: measured 0.03 dB
  // here 0.026 dB (0.1 dB for a 5 um ring); margin 0.05 dB.
  auto small = si_ring(0.97, 0.97, 2.0);
  small.length_m = 2 * pi * 2.5e-6;
  const auto ring = centred(small);
  const double l0 = ring.reference_wavelength_m;
  const double f0 = c0 / l0, df = 200e9;
  const double l_adj = c0 / (f0 - df);
  const double exact = units::power_ratio_to_db(ring_response(ring, l_adj).drop / ring_response(ring, l0).drop);
  CHECK(exact == Approx(lorentzian_crosstalk_db(ring_loaded_q(ring), f0, df)).margin(0.05));
  CHECK(exact < -10.0);
}
