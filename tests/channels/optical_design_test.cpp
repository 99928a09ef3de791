// Couplers and rings of an optical link given by their design: Gaussian-overlap couplers, ring
// demultiplexers and ring modulators, against closed forms written here.
#include <catch2/catch.hpp>

#include <cmath>

#include "channels/optical_link.hpp"
#include "phy/constants.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {
double db(double ratio) { return 10.0 * std::log10(ratio); }
}  // namespace

TEST_CASE("An edge coupler's loss is the Gaussian size-mismatch and offset closed forms plus its excess",
          "[channels][optical][reference]") {
  // 3 um chip mode to a 9.2 um SMF mode at 1310 nm, 1 um offset, 0.4 dB excess. Closed forms
  // (Marcuse 1977): size mismatch (2 w1 w2 / (w1^2 + w2^2))^2, offset exp(-2 d^2 / (w1^2 + w2^2)).
  GaussianCouplerDesign d;
  d.chip_mfd_m = 3e-6;
  d.fiber_mfd_m = 9.2e-6;
  d.misalignment.lateral_m = 1e-6;
  d.own_loss_db = 0.4;
  const double w1 = 1.5e-6, w2 = 4.6e-6, s = w1 * w1 + w2 * w2;
  const double size = std::pow(2 * w1 * w2 / s, 2), offset = std::exp(-2 * 1e-12 / s);
  const auto e = make_gaussian_coupler("edge", d, 1310e-9);
  CHECK(e.kind == "coupler");
  CHECK(e.loss_db == Approx(-db(size * offset) + 0.4).margin(1e-9));
  CHECK_THAT(e.detail, Catch::Contains("mode mismatch") && Catch::Contains("misalignment"));
  // Matched modes, aligned: only the coupler's own loss.
  d.chip_mfd_m = 9.2e-6;
  d.misalignment = {};
  d.kind = "grating";
  d.own_loss_db = 2.0;
  CHECK(make_gaussian_coupler("gc", d, 1310e-9).loss_db == Approx(2.0).margin(1e-12));
}

TEST_CASE("A ring demux's drop loss is the on-resonance add-drop closed form, its crosstalk the Lorentzian",
          "[channels][optical][reference]") {
  // 5 um Si ring, n_g 4.2, 3 dB/cm, kappa^2 = 0.05 both buses, 1310 nm.
  RingDesign d{5e-6, 4.2, 300.0, 0.05, 0.05};
  const double L = 2 * phy::pi * d.radius_m;
  const double a = std::pow(10.0, -300.0 * L / 20.0);
  const double r = std::sqrt(0.95);
  // Bogaerts et al. 2012 at phi = 2 pi m: T_drop = kappa1^2 kappa2^2 a / (1 - r1 r2 a)^2.
  const double drop = 0.05 * 0.05 * a / std::pow(1 - r * r * a, 2);
  const auto e = make_ring_demux("demux", d, 1310e-9, 200e9);
  CHECK(e.kind == "demux");
  CHECK(e.loss_db == Approx(-db(drop)).margin(1e-9));
  // Loaded Q from the closed form FWHM = (1 - r1 r2 a) lambda^2 / (pi n_g L sqrt(r1 r2 a)).
  const double fwhm = (1 - r * r * a) * 1310e-9 * 1310e-9 / (phy::pi * 4.2 * L * std::sqrt(r * r * a));
  const double q = 1310e-9 / fwhm;
  const double f = phy::c0 / 1310e-9;
  const double lorentz = db(1.0 / (1.0 + std::pow(2 * q * 200e9 / f, 2)));
  // The add-drop response one spacing away, phase offset 2 pi n_g L df / c, over its peak
  // (Bogaerts et al. 2012: 1 / (1 + F sin^2(dphi / 2)), F = 4 r1 r2 a / (1 - r1 r2 a)^2).
  const double dphi = 2 * phy::pi * 4.2 * L * 200e9 / phy::c0;
  const double finesse_f = 4 * r * r * a / std::pow(1 - r * r * a, 2);
  const double airy = db(1.0 / (1.0 + finesse_f * std::pow(std::sin(dphi / 2), 2)));
  INFO("exact " << e.crosstalk_db << " dB, Airy " << airy << " dB, Lorentzian " << lorentz << " dB");
  // Measured: -20.400 dB against -20.401 dB (Airy; the ring's dispersion is first order in
  // wavelength, not frequency) and -20.51 dB (Lorentzian: sin x < x one spacing out, 1/11 of the FSR).
  CHECK(e.crosstalk_db == Approx(airy).margin(1e-3));
  CHECK(e.crosstalk_db == Approx(lorentz).margin(0.15));
  CHECK(e.crosstalk_db < -10.0);
  // Lossless, symmetric: all the channel's power drops.
  d.loss_db_per_m = 0.0;
  CHECK(make_ring_demux("lossless", d, 1310e-9, 200e9).loss_db == Approx(0.0).margin(1e-9));
  d.drop_power_coupling = 0.0;
  CHECK_THROWS_AS(make_ring_demux("all-pass", d, 1310e-9, 200e9), std::invalid_argument);
}

TEST_CASE("A ring modulator's static IL and ER follow the all-pass response at the two detunings",
          "[channels][optical][reference]") {
  // All-pass ring: T(phi) = (a^2 - 2 r a cos phi + r^2) / (1 - 2 a r cos phi + (r a)^2) (Bogaerts
  // et al. 2012), with the detuning's phase phi = 2 pi n_g L delta / lambda^2 to first order.
  const RingDesign d{5e-6, 4.3, 3000.0, 0.02, 0.0};
  const double L = 2 * phy::pi * d.radius_m, lambda = 1310e-9;
  const double a = std::pow(10.0, -3000.0 * L / 20.0), r = std::sqrt(0.98);
  auto through = [&](double delta) {
    const double c = std::cos(2 * phy::pi * 4.3 * L * delta / (lambda * lambda));
    return (a * a - 2 * r * a * c + r * r) / (1 - 2 * a * r * c + r * r * a * a);
  };
  const double detuning = 0.02e-9, shift = 0.04e-9;
  const auto m = ring_modulator_figures(d, lambda, detuning, shift);
  INFO("IL " << m.insertion_loss_db << " vs " << -db(through(detuning + shift)) << ", ER " << m.extinction_ratio_db << " vs " << db(through(detuning + shift) / through(detuning)));
  // Measured: IL 1.7537 vs 1.7539 dB, ER 5.6142 vs 5.6142 dB (1.3e-4 dB: the first-order phase
  // against the exact resonance shift).
  CHECK(m.insertion_loss_db == Approx(-db(through(detuning + shift))).margin(2e-3));
  CHECK(m.extinction_ratio_db == Approx(db(through(detuning + shift) / through(detuning))).margin(2e-3));
  CHECK(m.extinction_ratio_db > 0.0);
  // Further from the resonance at the "1" level: less loss.
  CHECK(ring_modulator_figures(d, lambda, detuning, 2 * shift).insertion_loss_db < m.insertion_loss_db);
  CHECK_THROWS_AS(ring_modulator_figures(d, lambda, detuning, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(ring_modulator_figures(RingDesign{5e-6, 4.3, 3000.0, 0.02, 0.02}, lambda, 0.0, shift), std::invalid_argument);
}
