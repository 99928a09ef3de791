// The eye analysis end to end: channel -> pulse -> equalizer search -> statistical eye.
#include <catch2/catch.hpp>

#include <algorithm>
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

namespace {

// A DR4-like optical receiver (PIN 45 GHz, TIA 30 GHz, 18 pA/sqrt(Hz), 2 kohm) at 53.125 GBd.
channels::OpticalLink dr4_like_link() {
  channels::Laser laser;
  laser.power_w = phy::units::dbm_to_watts(0.0);
  laser.rin_db_per_hz = -145.0;
  channels::Modulator mod;
  mod.extinction_ratio_db = 4.5;
  mod.bandwidth_hz = 38e9;
  channels::Receiver rx;
  rx.front_end.responsivity_a_per_w = 0.8;
  rx.front_end.tia_noise_a_per_rthz = 18e-12;
  rx.pd_bandwidth_hz = 45e9;
  rx.tia_bandwidth_hz = 30e9;
  rx.tia_q = 1.0 / std::sqrt(2.0);  // Butterworth, as the reference below
  rx.transimpedance_ohm = 2000.0;
  return channels::OpticalLink(laser, mod, {channels::make_loss("loss", "path", 6.0)}, rx);
}

EyeLinkSpec dr4_like_spec(const channels::OpticalLink& link) {
  EyeLinkSpec s;
  s.symbol_rate_baud = 53.125e9;
  s.levels = 4;
  s.target_ber = 2.4e-4;
  s.tx_edge = TxEdgeFilter::gaussian(9e-12);
  set_optical_levels(link, s);
  return s;
}

}  // namespace

TEST_CASE("A CTLE on an optical link passes the receiver's white input noise as it passes the signal",
          "[solvers][eye][optical][reference]") {
  // The receiver noise is white at the photodiode/TIA input and shaped by the photodiode pole and
  // the 2nd-order Butterworth TIA; a CTLE after them shapes it further. Independent value: the
  // noise power gain of the CTLE (zero 10 GHz, poles 30 and 60 GHz, 0 dB at DC) by Simpson's rule
  // on |H_pd|^2 = 1/(1 + (f/45G)^2), |H_tia|^2 = 1/(1 + (f/30G)^4) up to the engine's band edge
  // (32 samples/UI: 850 GHz): 3.875 dB. Tolerance 0.005 dB (the two quadratures agree to 1e-4 dB).
  const auto link = dr4_like_link();
  auto s = dr4_like_spec(link);
  const Ctle peaking = Ctle::generic(0.0, {10e9}, {30e9, 60e9});
  s.ctle = {Ctle::none(), peaking};
  const auto a = analyze_eye(optical_transfer_function(link), s);
  REQUIRE(a.equalizer.noise_sigma_v.size() == 2);
  auto h2 = [](double f, bool ctle) {
    const double pd = 1.0 / (1.0 + (f / 45e9) * (f / 45e9));
    const double x = f / 30e9;
    const double tia = 1.0 / (1.0 + x * x * x * x);
    const double c = (1.0 + (f / 10e9) * (f / 10e9)) / ((1.0 + (f / 30e9) * (f / 30e9)) * (1.0 + (f / 60e9) * (f / 60e9)));
    return pd * tia * (ctle ? c : 1.0);
  };
  const double fmax = 0.5 * 32 * 53.125e9;
  const int n = 200000;  // even
  double with = 0.0, without = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    with += w * h2(fmax * i / n, true);
    without += w * h2(fmax * i / n, false);
  }
  const double expected_db = 10.0 * std::log10(with / without);
  const double got_db = 20.0 * std::log10(a.equalizer.noise_sigma_v[1] / a.equalizer.noise_sigma_v[0]);
  INFO("noise gain of the CTLE: " << got_db << " dB, by hand " << expected_db << " dB");
  CHECK(expected_db == Approx(3.875).margin(0.01));
  CHECK(got_db == Approx(expected_db).margin(0.005));
  // The CTLE without CTLE noise: sigma of the "none" candidate is the largest level's noise.
  CHECK(a.equalizer.noise_sigma_v[0] ==
        Approx(*std::max_element(s.sigma_per_level_v.begin(), s.sigma_per_level_v.end())).epsilon(1e-9));
}

TEST_CASE("A flat-gain CTLE changes neither the margin, the BER nor the SNR of a link with noise at the sampler",
          "[solvers][eye][optical][property]") {
  // A flat +20 dB "CTLE" multiplies the signal and the receiver noise alike: nothing may change.
  const Ctle flat = Ctle::generic(20.0, {20e9}, {20e9});
  REQUIRE(std::abs(flat.response(1e9)) == Approx(10.0).epsilon(1e-12));
  SECTION("optical levels") {
    const auto link = dr4_like_link();
    auto s = dr4_like_spec(link);
    const auto plain = analyze_eye(optical_transfer_function(link), s);
    s.ctle = {flat};
    const auto boosted = analyze_eye(optical_transfer_function(link), s);
    CHECK(boosted.eye.margin_db == Approx(plain.eye.margin_db).margin(1e-6));
    CHECK(boosted.eye.ber == Approx(plain.eye.ber).epsilon(1e-6));
    CHECK(boosted.equalizer.snr.snr_db == Approx(plain.equalizer.snr.snr_db).margin(1e-6));
    CHECK(boosted.noise_sigma_v == Approx(10.0 * plain.noise_sigma_v).epsilon(1e-9));
  }
  SECTION("copper noise_rms") {
    auto s = pcie5_like();
    s.ctle.clear();
    s.noise_rms_v = 2e-3;
    const auto h = copper_transfer_function(stripline_channel(6.0));
    const auto plain = analyze_eye(h, s);
    s.ctle = {flat};
    const auto boosted = analyze_eye(h, s);
    CHECK(boosted.eye.margin_db == Approx(plain.eye.margin_db).margin(1e-6));
    CHECK(boosted.equalizer.snr.snr_db == Approx(plain.equalizer.snr.snr_db).margin(1e-6));
  }
}

TEST_CASE("The reported COM SNR includes the receiver noise: an independent computation from the exported pulse",
          "[solvers][eye][optical][reference]") {
  // IEEE 802.3 Annex 93A eq. 93A-36 from the exported equalized pulse p and the exported noise
  // sigma (no DFE, no jitter, no Tx noise): at each phase t within half a UI of the main cursor,
  // SNR(t) = (h0/(M-1))^2 / (sigma_X^2 sum_{n != 0} h_n^2 + sigma^2), sigma_X^2 = (M^2-1)/(3 (M-1)^2),
  // and the reported value is the largest. The noise makes it differ from the ISI-only value.
  const auto link = dr4_like_link();
  auto s = dr4_like_spec(link);
  const auto a = analyze_eye(optical_transfer_function(link), s);
  const auto& p = a.equalizer.pulse.pulse;
  const double sigma = a.noise_sigma_v;
  const int spu = p.samples_per_ui;
  const double m = 4.0, var_x = (m * m - 1.0) / (3.0 * (m - 1.0) * (m - 1.0));
  auto snr_at = [&](double noise) {
    double best = -1e300;
    for (int c = static_cast<int>(p.main_index) - spu / 2; c < static_cast<int>(p.main_index) + spu / 2; ++c) {
      double isi = 0.0;
      for (int k = c % spu; k < static_cast<int>(p.samples_v.size()); k += spu)
        if (k != c) isi += p.samples_v[static_cast<std::size_t>(k)] * p.samples_v[static_cast<std::size_t>(k)];
      const double sig = p.samples_v[static_cast<std::size_t>(c)] / (m - 1.0);
      best = std::max(best, 10.0 * std::log10(sig * sig / (var_x * isi + noise * noise)));
    }
    return best;
  };
  INFO("reported " << a.equalizer.snr.snr_db << " dB, by hand " << snr_at(sigma) << " dB, ISI only " << snr_at(0.0));
  CHECK(a.equalizer.snr.snr_db == Approx(snr_at(sigma)).margin(1e-9));
  CHECK(snr_at(0.0) > snr_at(sigma) + 0.5);
}
