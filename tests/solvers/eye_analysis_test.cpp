// The eye analysis end to end: channel -> pulse -> equalizer search -> statistical eye.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "channels/copper_channel.hpp"
#include "channels/optical_link.hpp"
#include "phy/photoreceiver.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "solvers/eye_analysis.hpp"

using namespace phylane;
using namespace phylane::solvers;
using phy::units::inch;
using phy::units::mil;

namespace {

channels::CopperChannel stripline_channel(double length_in) {
  phy::StriplineDims d{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  phy::Roughness r{phy::RoughnessModel::hammerstad, 0.6e-6};
  phy::TransmissionLine tl(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential),
                           phy::Dielectric::djordjevic_sarkar(3.68, 0.0092, 2e9), {5.8e7, r, r});
  return channels::CopperChannel({{"trace", length_in * inch, tl}}, 85.0, 85.0);
}

EyeLinkSpec pcie5_like() {
  EyeLinkSpec s;
  s.symbol_rate_baud = 32e9;
  s.levels = 2;
  s.tx_amplitude_v = 0.4;
  s.rx_filter = RxFilter::butterworth(4, 24e9);
  s.ctle = com_ctle_family(32e9, -12.0, 0.0, 2.0);
  s.dfe_taps = 3;
  s.noise_psd_v2_per_hz = 5.2e-17;  // 5.2e-8 V^2/GHz
  s.target_ber = 1e-12;
  return s;
}

}  // namespace

TEST_CASE("Eye height falls monotonically as the trace gets longer", "[solvers][eye][property]") {
  double prev = 1e9;
  for (double len : {2.0, 6.0, 10.0, 14.0, 18.0}) {
    const auto a = analyze_eye(copper_transfer_function(stripline_channel(len)), pcie5_like());
    INFO(len << " in: height " << a.eye.height_v);
    CHECK(a.eye.height_v < prev);
    prev = a.eye.height_v;
  }
}

TEST_CASE("An ISI-free optical OOK link reaches the textbook BER with level-dependent noise",
          "[solvers][eye][optical][reference]") {
  // A link far faster than its symbol rate has no ISI; the statistical eye's BER at the optimum
  // threshold must equal 0.5 erfc(Q/sqrt 2), Q = (I1 - I0)/(sigma1 + sigma0) (Personick 1973)
  // evaluated from the same levels and noise by hand. An 8-ps Gaussian Tx edge keeps the
  // spectrum inside the simulation bandwidth (without it the band-limited 1-UI pulse peaks 2 %
  // high). Tolerance 1e-3: measured 1e-5; the exact optimum threshold differs from Personick's
  // by a hair when sigma1 != sigma0.
  channels::Laser laser;
  laser.power_w = phy::units::dbm_to_watts(0.0);
  laser.rin_db_per_hz = -160.0;
  channels::Modulator mod;
  mod.extinction_ratio_db = 6.0;
  mod.bandwidth_hz = 200e9;
  channels::Receiver rx;
  rx.front_end.responsivity_a_per_w = 0.8;
  rx.front_end.tia_noise_a_per_rthz = 40e-12;
  rx.pd_bandwidth_hz = 200e9;
  rx.tia_bandwidth_hz = 150e9;
  const channels::OpticalLink link(laser, mod, {channels::make_loss("loss", "path", 9.0)}, rx);
  EyeLinkSpec s;
  s.symbol_rate_baud = 10e9;
  s.levels = 2;
  s.target_ber = 1e-6;
  s.tx_edge = TxEdgeFilter::gaussian(8e-12);
  set_optical_levels(link, s);
  const auto a = analyze_eye(optical_transfer_function(link), s);
  const auto fe = link.front_end();
  const double p0 = link.level_power_w(0, 2), p1 = link.level_power_w(1, 2);
  const double expected = phy::ook_ber(0.8 * p1, 0.8 * p0, fe.noise_rms_a(p1), fe.noise_rms_a(p0));
  INFO("stat eye BER " << a.eye.ber << ", hand " << expected);
  REQUIRE(expected > 1e-12);
  CHECK(a.eye.ber == Approx(expected).epsilon(1e-3));
}

TEST_CASE("A closed eye is a result, not an error", "[solvers][eye][unit]") {
  auto s = pcie5_like();
  s.ctle.clear();
  s.dfe_taps = 0;
  const auto a = analyze_eye(copper_transfer_function(stripline_channel(60.0)), s);
  CHECK(a.eye.status == EyeStatus::closed);
  CHECK_FALSE(a.eye.reason.empty());
}

TEST_CASE("A pulse response given directly gives the same eye as the channel it came from", "[solvers][eye][pulse]") {
  // Independent routes to the same eye: (a) the channel through the pulse engine and equalizer
  // search (no CTLE), (b) the engine's unequalized pulse handed over as a user pulse. Same FFE
  // grid, DFE and noise: the eyes agree to rounding.
  auto s = pcie5_like();
  s.ctle.clear();
  s.ffe_post = {{-0.2, 0.0, 0.05}};
  s.noise_rms_v = 1e-3;
  const auto h = copper_transfer_function(stripline_channel(10.0));
  const auto direct = analyze_eye(h, s);
  const auto given = analyze_eye_pulse(direct.unequalized.pulse, s, 1e-3);
  CHECK(given.eye.height_v == Approx(direct.eye.height_v).epsilon(1e-9));
  CHECK(given.equalizer.ffe.taps == direct.equalizer.ffe.taps);
  auto with_ctle = s;
  with_ctle.ctle = com_ctle_family(32e9, -6.0, 0.0, 3.0);
  CHECK_THROWS_WITH(analyze_eye_pulse(direct.unequalized.pulse, with_ctle, 1e-3), Catch::Contains("impulse response"));
}

TEST_CASE("A sampled impulse response becomes the channel's transfer function", "[solvers][eye][pulse][reference]") {
  // RC low-pass, tau = 10 ps: h(t) = exp(-t/tau)/tau sampled every 0.2 ps for 400 ps gives
  // H(f) = 1/(1 + j 2 pi f tau) to O(dt/tau) = 2 % (rectangle-rule DTFT; half-sample offset).
  // Checked at 1-10 GHz against the closed form, and the eyes within 3 %.
  const double tau = 10e-12, dt = 0.2e-12;
  std::vector<double> hs;
  for (int n = 0; n < 2000; ++n) hs.push_back(std::exp(-(n + 0.5) * dt / tau) / tau);
  const auto h = impulse_transfer_function(hs, dt);
  const std::vector<double> f = {0.0, 1e9, 5e9, 10e9};
  std::vector<std::complex<double>> out(f.size());
  h(f, out);
  for (std::size_t k = 0; k < f.size(); ++k) {
    const std::complex<double> exact = 1.0 / std::complex<double>(1.0, 2 * M_PI * f[k] * tau);
    CHECK(std::abs(out[k] - exact) < 0.02 * std::abs(exact));
  }
  const TransferFunction rc = [tau](std::span<const double> ff, std::span<std::complex<double>> o) {
    for (std::size_t k = 0; k < ff.size(); ++k) o[k] = 1.0 / std::complex<double>(1.0, 2 * M_PI * ff[k] * tau);
  };
  EyeLinkSpec s;
  s.symbol_rate_baud = 25e9;
  s.tx_amplitude_v = 0.4;
  s.noise_rms_v = 2e-3;
  s.tx_edge = TxEdgeFilter::gaussian(10e-12);
  const auto a = analyze_eye(h, s), b = analyze_eye(rc, s);
  CHECK(a.eye.height_v == Approx(b.eye.height_v).epsilon(0.03));
}
