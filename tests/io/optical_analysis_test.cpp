// Optical links through the eye: sensitivity, penalties, DR4 envelope, dispersion limit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "channels/optical_link.hpp"
#include "io/config.hpp"
#include "io/eye_output.hpp"
#include "phy/optics.hpp"
#include "phy/photoreceiver.hpp"
#include "phy/units.hpp"
#include "solvers/optical_analysis.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

channels::OpticalLink simple_link(double wavelength_m, double fiber_m, double dispersion, double tia_noise,
                                  double bandwidth_hz) {
  channels::Laser laser;
  laser.power_w = phy::units::dbm_to_watts(3.0);
  laser.wavelength_m = wavelength_m;
  laser.rin_db_per_hz = -400.0;
  channels::Modulator mod;
  mod.extinction_ratio_db = 10.0;
  mod.bandwidth_hz = bandwidth_hz;
  channels::Receiver rx;
  rx.front_end.responsivity_a_per_w = 0.8;
  rx.front_end.tia_noise_a_per_rthz = tia_noise;
  rx.pd_bandwidth_hz = bandwidth_hz;
  rx.tia_bandwidth_hz = bandwidth_hz;
  std::vector<channels::PathElement> path;
  if (fiber_m > 0) path.push_back(channels::make_fiber("fiber", 0.0, fiber_m, dispersion, 0, 0.0, 0, 0.0));
  return channels::OpticalLink(laser, mod, path, rx);
}

EyeLinkSpec nrz(double baud, double ber) {
  EyeLinkSpec s;
  s.symbol_rate_baud = baud;
  s.levels = 2;
  s.target_ber = ber;
  s.tx_edge = TxEdgeFilter::gaussian(0.2 / baud);
  return s;
}

}  // namespace

TEST_CASE("The eye-based sensitivity of an ISI-free thermal-limited OOK link equals the closed form",
          "[solvers][optical][reference]") {
  // A link 10x faster than its symbol rate has negligible ISI; with shot noise small next to the
  // thermal noise, the OMA where BER = 1e-9 follows from Personick's Q (phy::ook_sensitivity_w,
  // Agrawal ch. 4). Tolerance 0.1 dB: the residual ISI and the optimal vs Personick threshold.
  const auto link = simple_link(1.31e-6, 0.0, 0.0, 30e-12, 100e9);
  const double eye_oma = optical_sensitivity_oma_w(link, nrz(10e9, 1e-9));
  const double r = link.extinction_ratio();
  const double closed_avg = phy::ook_sensitivity_w(link.front_end(), r, 1e-9);
  const double closed_oma = phy::oma_w(closed_avg, r);
  CHECK(10 * std::log10(eye_oma / closed_oma) == Approx(0.0).margin(0.1));
}

TEST_CASE("The DR4-like preset lands within the IEEE 400GBASE-DR4 envelope", "[solvers][optical][reference]") {
  // IEEE 802.3 clause 124 limits (data/standards/optical.toml [dr4_400g]): transmitter OMA
  // -0.8 ... 4.2 dBm, channel insertion loss <= 3 dB, receiver sensitivity (OMA) <= -4.4 dBm at
  // the pre-FEC BER 2.4e-4. The preset's receiver is unstressed (no TDECQ/SECQ stress), so it
  // beats the limit; the link must then close with margin over the 3-dB channel.
  const auto cfg = io::load_preset("dr4-400g-lane");
  REQUIRE(cfg.optical());
  REQUIRE(cfg.signalling);
  const auto& link = *cfg.optical();
  const double tx_oma_dbm = phy::units::watts_to_dbm(phy::oma_w(link.launch_average_power_w(), link.extinction_ratio()));
  CHECK(tx_oma_dbm >= -0.8);
  CHECK(tx_oma_dbm <= 4.2);
  CHECK(link.path_loss_db() <= 3.0);
  CHECK(link.modulator().extinction_ratio_db >= 3.5);
  const auto a = analyze_optical(link, cfg.signalling->spec, 1, cfg.signalling->data_rate_bps);
  REQUIRE(a.reachable);
  INFO("sensitivity " << a.sensitivity_oma_dbm << " dBm OMA, margin " << a.link_margin_db << " dB");
  CHECK(a.sensitivity_oma_dbm <= -4.4);
  CHECK(a.sensitivity_oma_dbm >= -12.0);  // a physically plausible PIN-TIA receiver at 53 GBd
  CHECK(a.link_margin_db > 0.0);
  CHECK(a.max_channel_loss_db > 3.0);
  CHECK(a.eye.eye.status == EyeStatus::open);
}

TEST_CASE("At 1550 nm the eye closes with fiber length at the rate the dispersion limit predicts, at 1310 nm it does not",
          "[solvers][optical][reference]") {
  // Chirp-free NRZ at 10 Gb/s tolerates about 1000 ps/nm of accumulated dispersion for a 1-dB
  // penalty (about 60 km of G.652 fiber at 17 ps/(nm km)), the figure commonly quoted for
  // externally modulated 10G links; accepted 800-1300 ps/nm. The Gaussian-pulse criterion
  // B sqrt(|beta2| L) = 1/4 (Agrawal 2010, ch. 2) is a broadening rule that is conservative for
  // NRZ by about 2x: phylane's 1-dB length must lie between 1x and 3x it. And the limit scales
  // as 1/B^2: doubling the rate divides the length by 4 within 20 %.
  const double d1550 = 17e-6;
  auto one_db_length = [&](double rate) {
    auto penalty = [&](double len) {
      const auto s = nrz(rate, 1e-9);
      const double with = optical_sensitivity_oma_w(simple_link(1.55e-6, len, d1550, 10e-12, 4 * rate), s);
      const double without = optical_sensitivity_oma_w(simple_link(1.55e-6, len, 0.0, 10e-12, 4 * rate), s);
      return 10 * std::log10(with / without);
    };
    double lo = 1e3, hi = 400e3;
    for (int i = 0; i < 12; ++i) {  // geometric bisection to 0.07 %
      const double mid = std::sqrt(lo * hi);
      (penalty(mid) < 1.0 ? lo : hi) = mid;
    }
    return std::sqrt(lo * hi);
  };
  const double l10 = one_db_length(10e9);
  const double textbook = phy::dispersion_limited_length_m(10e9, 1.55e-6, d1550);
  INFO("1-dB length at 10 Gb/s: " << l10 / 1e3 << " km, textbook " << textbook / 1e3 << " km");
  CHECK(l10 * 17e-6 * 1e3 > 800.0);  // accumulated dispersion D L in ps/nm (1 ps/nm = 1e-3 s/m)
  CHECK(l10 * 17e-6 * 1e3 < 1300.0);
  CHECK(l10 > 1.0 * textbook);
  CHECK(l10 < 3.0 * textbook);
  const double l20 = one_db_length(20e9);
  CHECK(l10 / l20 == Approx(4.0).epsilon(0.2));
  // 1310 nm, near G.652's zero-dispersion wavelength (|D| <= 1 ps/(nm km) within a few nm of it):
  // 100 km at 10 Gb/s is far inside the limit (~690 km) and costs under 0.1 dB.
  const auto s = nrz(10e9, 1e-9);
  const double far = optical_sensitivity_oma_w(simple_link(1.31e-6, 100e3, 1e-6, 10e-12, 40e9), s);
  const double near = optical_sensitivity_oma_w(simple_link(1.31e-6, 100e3, 0.0, 10e-12, 40e9), s);
  CHECK(10 * std::log10(far / near) == Approx(0.0).margin(0.1));
}

namespace {

// Independent optimum-threshold two-Gaussian OOK sensitivity (Personick 1973; Agrawal 2010,
// sec. 4.5-4.6) written out here: levels I_k = R P_k, P1 = 2 P r/(r+1), P0 = 2 P/(r+1), noise
// sigma_k^2 = (i_th^2 + 2 q (I_k + I_d) + RIN I_k^2) B, B = Int |H_pd H_tia|^2 df by Simpson's
// rule on the closed-form magnitudes (single-pole photodiode, 2nd-order Butterworth TIA); the BER
// minimised over the threshold v, BER = 1/2 [Q((v - I0)/s0) + Q((I1 - v)/s1)], by golden section;
// the average power solved for the target BER by bisection.
struct TwoGaussian {
  double responsivity, dark_a, thermal_a_per_rthz, rin_per_hz, bandwidth_b;
  double sigma(double i) const {
    return std::sqrt((thermal_a_per_rthz * thermal_a_per_rthz + 2.0 * 1.602176634e-19 * (i + dark_a) +
                      rin_per_hz * i * i) * bandwidth_b);
  }
  static double qfunc(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }
  double ber(double p_avg, double r) const {
    const double i1 = responsivity * 2.0 * p_avg * r / (r + 1.0), i0 = responsivity * 2.0 * p_avg / (r + 1.0);
    const double s1 = sigma(i1), s0 = sigma(i0);
    auto f = [&](double v) { return 0.5 * (qfunc((v - i0) / s0) + qfunc((i1 - v) / s1)); };
    double a = i0, b = i1;
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    for (int k = 0; k < 200; ++k) {
      const double c = b - g * (b - a), d = a + g * (b - a);
      (std::log(f(c)) < std::log(f(d)) ? b : a) = (std::log(f(c)) < std::log(f(d)) ? d : c);
    }
    return f(0.5 * (a + b));
  }
  double sensitivity_avg_w(double r, double target) const {
    double lo = 1e-9, hi = 1.0;  // geometric bisection on log BER
    for (int k = 0; k < 200; ++k) {
      const double mid = std::sqrt(lo * hi);
      (ber(mid, r) > target ? lo : hi) = mid;
    }
    return std::sqrt(lo * hi);
  }
};

// Photodiode pole x second-order TIA 1 / (1 - x^2 + j x/Q), x = f/f0, f0 from the TIA's 3-dB point:
// (1 - y)^2 + y/Q^2 = 2 with y = (f_tia/f0)^2 (Q = 1/sqrt 2: f0 = f_tia, |H|^2 = 1/(1 + x^4)).
double simpson_noise_bandwidth(double f_pd, double f_tia, double q) {
  const double b = 1.0 / (q * q) - 2.0;
  const double f0 = f_tia / std::sqrt(0.5 * (-b + std::sqrt(b * b + 4.0)));
  const double fmax = 40.0 * std::min(f_pd, f_tia);
  const int n = 400000;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double f = fmax * i / n, x = f / f0;
    const double h2 = 1.0 / (1.0 + (f / f_pd) * (f / f_pd)) / ((1.0 - x * x) * (1.0 - x * x) + x * x / (q * q));
    sum += ((i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0)) * h2;
  }
  return sum * fmax / n / 3.0;
}

}  // namespace

TEST_CASE("Sensitivity is at the optimum decision threshold: thermal-, shot- and RIN-dominated OOK",
          "[solvers][optical][reference]") {
  // ISI-free links (200/150 GHz photodiode/TIA at 10 GBd, 8-ps Gaussian edge): the eye-based
  // sensitivity must equal the optimum-threshold two-Gaussian one within 0.05 dB in each noise
  // regime. With shot or RIN noise sigma1 > sigma0 and the midway threshold is not the optimum.
  struct Case {
    const char* name;
    double tia, rin_db, er_db;
  };
  const Case cases[] = {{"thermal", 40e-12, -400.0, 6.0}, {"shot", 0.1e-12, -400.0, 10.0}, {"RIN", 4e-12, -132.0, 10.0}};
  for (const auto& c : cases) {
    channels::Laser laser;
    laser.power_w = phy::units::dbm_to_watts(3.0);
    laser.rin_db_per_hz = c.rin_db;
    channels::Modulator mod;
    mod.extinction_ratio_db = c.er_db;
    mod.bandwidth_hz = 200e9;
    channels::Receiver rx;
    rx.front_end.responsivity_a_per_w = 0.8;
    rx.front_end.dark_current_a = 5e-9;
    rx.front_end.tia_noise_a_per_rthz = c.tia;
    rx.pd_bandwidth_hz = 200e9;
    rx.tia_bandwidth_hz = 150e9;
    rx.tia_q = 1.0 / std::sqrt(2.0);  // Butterworth, as the reference's noise bandwidth
    const channels::OpticalLink link(laser, mod, {}, rx);
    EyeLinkSpec s;
    s.symbol_rate_baud = 10e9;
    s.levels = 2;
    s.target_ber = 1e-9;
    s.tx_edge = TxEdgeFilter::gaussian(8e-12);
    const double eye_oma = optical_sensitivity_oma_w(link, s);
    const TwoGaussian tg{0.8, 5e-9, c.tia, c.rin_db < -400.0 ? 0.0 : std::pow(10.0, c.rin_db / 10.0),
                         simpson_noise_bandwidth(200e9, 150e9, 1.0 / std::sqrt(2.0))};
    const double r = std::pow(10.0, c.er_db / 10.0);
    const double avg = tg.sensitivity_avg_w(r, 1e-9);
    const double ref_oma = 2.0 * avg * (r - 1.0) / (r + 1.0);
    // Which term dominates the "1" level's noise at the sensitivity (the regime is as named).
    const double i1 = 0.8 * 2.0 * avg * r / (r + 1.0);
    const double th2 = c.tia * c.tia, sh2 = 2.0 * 1.602176634e-19 * (i1 + 5e-9), ri2 = tg.rin_per_hz * i1 * i1;
    INFO(c.name << ": eye " << phy::units::watts_to_dbm(eye_oma) << " dBm OMA, two-Gaussian "
                << phy::units::watts_to_dbm(ref_oma) << " dBm; noise^2 th " << th2 << " shot " << sh2 << " RIN " << ri2);
    const double largest = std::max({th2, sh2, ri2});
    CHECK(largest == (c.name[0] == 't' ? th2 : c.name[0] == 's' ? sh2 : ri2));
    CHECK(10.0 * std::log10(eye_oma / ref_oma) == Approx(0.0).margin(0.005));
  }
}

TEST_CASE("The optical eye JSON gives the noise per level, the noise bandwidth and Q", "[solvers][optical][json]") {
  // DR4 preset (photodiode 45 GHz, TIA 30 GHz, the default Bessel Q = 1/sqrt 3): the noise
  // bandwidth equals the Simpson integral of
  // the closed-form |H_pd H_tia|^2 written here (1e-4: the code's trapezoid rule); each eye's Q is
  // the exported level spacing over the exported noise of its two levels; the JSON carries them.
  const auto cfg = io::load_preset("dr4-400g-lane");
  const auto& link = *cfg.optical();
  const auto a = analyze_optical(link, cfg.signalling->spec, 1, cfg.signalling->data_rate_bps);
  CHECK(a.noise_bandwidth_hz == Approx(simpson_noise_bandwidth(45e9, 30e9, 1.0 / std::sqrt(3.0))).epsilon(1e-4));
  REQUIRE(a.noise_per_level_v.size() == 4);
  REQUIRE(a.q_per_eye.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(a.noise_per_level_v[k + 1] > a.noise_per_level_v[k]);  // shot and RIN grow with the level
    const double q = (2.0 * a.eye.eye.main_cursor_v / 3.0) / (a.noise_per_level_v[k] + a.noise_per_level_v[k + 1]);
    CHECK(a.q_per_eye[k] == Approx(q).epsilon(1e-12));
  }
  CHECK(a.q_factor == Approx(a.q_per_eye[2]).epsilon(1e-12));
  std::ostringstream os;
  io::write_eye_json(os, cfg, a.eye, &a);
  for (const char* key : {"\"noise_per_level_v\"", "\"noise_bandwidth_hz\"", "\"q_per_eye\"", "\"q_factor\"", "\"sensitivity_criterion\""})
    CHECK_THAT(os.str(), Catch::Contains(key));
}
