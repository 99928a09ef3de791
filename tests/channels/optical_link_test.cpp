// The optical link: budget, levels, response and noise.
#include <catch2/catch.hpp>

#include <cmath>

#include "channels/optical_link.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

OpticalLink link_with(double waveguide_m, double fiber_m, double d = 0.0) {
  Laser laser;
  laser.power_w = phy::units::dbm_to_watts(10.0);
  laser.wavelength_m = 1.31e-6;
  Modulator mod;
  mod.insertion_loss_db = 4.0;
  mod.extinction_ratio_db = 5.0;
  Receiver rx;
  rx.front_end.responsivity_a_per_w = 0.8;
  rx.front_end.tia_noise_a_per_rthz = 12e-12;
  std::vector<PathElement> path = {
      make_coupler("tx coupler", 1.5, 0.0, 1.31e-6, 1.31e-6),
      make_waveguide("bus", 150.0, waveguide_m, 4, 0.02, 2, 0.1),
      make_fiber("fiber", 0.35e-3, fiber_m, d, 2, 0.3, 1, 0.05),
      make_wdm("demux", "demux", 2.0, -25.0),
      make_coupler("rx coupler", 1.5, 0.0, 1.31e-6, 1.31e-6),
  };
  return OpticalLink(laser, mod, path, rx);
}

}  // namespace

TEST_CASE("The budget's element losses sum exactly to the end-to-end loss", "[channels][optical][property]") {
  const auto link = link_with(0.02, 3.0);
  const auto b = link.budget();
  double sum = 0.0;
  for (std::size_t i = 2; i < b.size(); ++i) sum += b[i].loss_db;
  CHECK(sum == Approx(link.path_loss_db()).epsilon(1e-14));
  CHECK(b.back().power_dbm == Approx(phy::units::watts_to_dbm(link.received_average_power_w())).epsilon(1e-12));
  CHECK(b[1].power_dbm - b.back().power_dbm == Approx(link.path_loss_db()).epsilon(1e-12));
}

TEST_CASE("A waveguide twice as long loses twice the dB", "[channels][optical][property]") {
  const auto w1 = make_waveguide("w", 200.0, 0.01, 0, 0.0, 0, 0.0);
  const auto w2 = make_waveguide("w", 200.0, 0.02, 0, 0.0, 0, 0.0);
  CHECK(w2.loss_db == Approx(2.0 * w1.loss_db).epsilon(1e-14));
  CHECK(w1.loss_db == Approx(2.0).epsilon(1e-14));  // 2 dB/cm x 1 cm
  // And the link's received power drops by exactly that difference.
  CHECK(phy::units::watts_to_dbm(link_with(0.01, 1.0).received_average_power_w()) -
            phy::units::watts_to_dbm(link_with(0.02, 1.0).received_average_power_w()) ==
        Approx(1.5).epsilon(1e-12));  // 150 dB/m x 1 cm
}

TEST_CASE("Received levels reproduce the average power, OMA and extinction ratio", "[channels][optical][reference]") {
  const auto link = link_with(0.01, 2.0);
  const double p0 = link.level_power_w(0, 2), p1 = link.level_power_w(1, 2);
  CHECK(0.5 * (p0 + p1) == Approx(link.received_average_power_w()).epsilon(1e-14));
  CHECK(p1 - p0 == Approx(link.received_oma_w()).epsilon(1e-14));
  CHECK(p1 / p0 == Approx(phy::units::db_to_power_ratio(5.0)).epsilon(1e-14));
  // PAM4: equally spaced in power between the outer levels.
  CHECK(link.level_power_w(1, 4) - link.level_power_w(0, 4) == Approx((p1 - p0) / 3.0).epsilon(1e-12));
}

TEST_CASE("The receiver's noise bandwidth of a Butterworth TIA is (pi/4)/sin(pi/4) f3dB", "[channels][optical][reference]") {
  // Equivalent noise bandwidth of an n-th order Butterworth: f3dB (pi/(2n))/sin(pi/(2n)) (e.g.
  // Motchenbacher & Connelly, Low-Noise Electronic System Design, 1993, ch. 1). Photodiode made
  // very fast so the TIA alone sets it; tolerance 1e-4 (numerical integral and residual pole).
  Laser laser;
  Modulator mod;
  Receiver rx;
  rx.front_end.responsivity_a_per_w = 1.0;
  rx.front_end.tia_noise_a_per_rthz = 1e-11;
  rx.pd_bandwidth_hz = 1e14;
  rx.tia_bandwidth_hz = 25e9;
  rx.tia_q = 1.0 / std::sqrt(2.0);
  const OpticalLink link(laser, mod, {}, rx);
  CHECK(link.receiver_noise_bandwidth_hz() == Approx(25e9 * (phy::pi / 4) / std::sin(phy::pi / 4)).epsilon(1e-4));
  // The default TIA, second-order Bessel-Thomson (Q = 1/sqrt 3): Int_0^inf df / ((1 - x^2)^2 +
  // x^2/Q^2) = (pi/2) Q f0 (residues), with its 3-dB point at x^2 = (sqrt 5 - 1)/2, so
  // f0 = f3dB / 0.786151 and the noise bandwidth is 1.15360 f3dB.
  rx.tia_q = 1.0 / std::sqrt(3.0);
  const OpticalLink bessel(laser, mod, {}, rx);
  const double f0 = 25e9 / std::sqrt((std::sqrt(5.0) - 1.0) / 2.0);
  CHECK(bessel.receiver_noise_bandwidth_hz() == Approx(phy::pi / 2.0 / std::sqrt(3.0) * f0).epsilon(1e-4));
}

TEST_CASE("Level noise grows with the level: a one is noisier than a zero", "[channels][optical][property]") {
  const auto link = link_with(0.01, 2.0);
  CHECK(link.level_noise_v(1, 2) > link.level_noise_v(0, 2));
  CHECK(link.level_noise_v(3, 4) > link.level_noise_v(2, 4));
}

TEST_CASE("The link response is 1 at DC and dispersion enters once for the total D L", "[channels][optical][unit]") {
  const auto a = link_with(0.01, 10e3, 17e-6);
  CHECK(std::abs(a.response(0.0)) == Approx(1.0).epsilon(1e-12));
  CHECK(a.total_dispersion_s_per_m() == Approx(17e-6 * 10e3).epsilon(1e-14));
}

TEST_CASE("Bad optical parameters are refused with the parameter named", "[channels][optical][unit]") {
  Laser laser;
  Modulator mod;
  mod.extinction_ratio_db = 0.0;
  Receiver rx;
  rx.front_end.responsivity_a_per_w = 1.0;
  rx.front_end.tia_noise_a_per_rthz = 1e-11;
  CHECK_THROWS_WITH(OpticalLink(laser, mod, {}, rx), Catch::Contains("extinction ratio"));
  mod.extinction_ratio_db = 5.0;
  rx.front_end.responsivity_a_per_w = -1.0;
  CHECK_THROWS_WITH(OpticalLink(laser, mod, {}, rx), Catch::Contains("responsivity"));
}
