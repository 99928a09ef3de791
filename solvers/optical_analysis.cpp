#include "solvers/optical_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "phy/units.hpp"

namespace phylane::solvers {

namespace {

// The link with `extra_db` more path loss.
channels::OpticalLink with_extra_loss(const channels::OpticalLink& link, double extra_db) {
  auto path = link.path();
  if (extra_db != 0.0) path.push_back(channels::make_loss("loss", "sensitivity search", 0.0));
  auto laser = link.laser();
  // Scale the laser instead of adding a negative loss: levels scale linearly with power.
  laser.power_w *= phy::units::db_to_power_ratio(-extra_db);
  return channels::OpticalLink(laser, link.modulator(), path, link.receiver());
}

// How far the eye of the equalized pulse (shape fixed) of `ref`, scaled to `link`'s received
// levels, is inside the target: log10(target BER) - log10(BER), > 0 when it meets the target. The
// BER is the statistical eye's at its optimum sampling phase with every eye at its optimum
// decision threshold (StatEyeResult::ber), not at the midway threshold of the COM margin: with
// level-dependent noise (shot, RIN) the optimum threshold sits where the two Gaussian tails are
// balanced, Q = (I1 - I0)/(sigma1 + sigma0) (S. D. Personick, Bell Syst. Tech. J. 52(6), 1973;
// Agrawal 2010, eqs. 4.5.9-4.5.10), which is what a receiver's threshold adaptation finds.
double ber_excess_at(const channels::OpticalLink& link, const EyeLinkSpec& base, const EyeAnalysis& ref,
                     double ref_amplitude, double ref_sigma_max, bool isi_free) {
  EyeLinkSpec s = base;
  set_optical_levels(link, s);
  const double scale = s.tx_amplitude_v / ref_amplitude;
  PulseResponse p = ref.equalizer.pulse.pulse;
  for (double& v : p.samples_v) v *= scale;
  if (isi_free) {
    // Only the main cursor: the same signal and noise without intersymbol interference.
    const double h0 = p.samples_v[p.main_index];
    std::fill(p.samples_v.begin(), p.samples_v.end(), 0.0);
    p.samples_v[p.main_index] = h0;
  }
  StatEyeSpec es;
  es.signalling.levels = s.levels;
  es.signalling.amplitude_v = 1.0;
  // The CTLE chosen for `ref` scales the receiver noise as it did there (its noise gain).
  const auto& eq = ref.equalizer;
  const double gain = eq.noise_sigma_v.empty() ? 1.0
                      : eq.noise_sigma_v[eq.candidates.empty() ? 0 : eq.candidates[eq.best].ctle_index] / ref_sigma_max;
  es.noise.sigma_per_level_v = s.sigma_per_level_v;
  for (double& v : es.noise.sigma_per_level_v) v *= gain;
  es.jitter = s.jitter;
  es.dfe = DfeSpec::limited(s.dfe_taps, s.dfe_limits, ref.equalizer.dfe.main_cursor_v * scale);
  StatEyeOptions so;
  so.target_ber = s.target_ber;
  so.phases_per_ui = s.samples_per_ui;
  const StatEyeResult eye = statistical_eye(p, es, so);
  return std::log10(s.target_ber) - std::log10(std::max(eye.ber, 1e-300));
}

// Sensitivity of one link variant: OMA [W] at the photodiode where the BER at the optimum
// thresholds crosses the target.
double sensitivity_of(const channels::OpticalLink& link, const EyeLinkSpec& spec, bool isi_free = false) {
  EyeLinkSpec s = spec;
  set_optical_levels(link, s);
  const EyeAnalysis ref = analyze_eye(optical_transfer_function(link), s);
  const double a0 = s.tx_amplitude_v;
  const double sig0 = *std::max_element(s.sigma_per_level_v.begin(), s.sigma_per_level_v.end());
  auto m = [&](double extra_db) { return ber_excess_at(with_extra_loss(link, extra_db), spec, ref, a0, sig0, isi_free); };
  // Bracket: the BER rises as power falls (extra loss grows). RIN can floor it.
  double lo = -30.0, hi = 60.0;
  if (m(lo) <= 0.0) return -1.0;  // even 30 dB more power does not reach the target
  if (m(hi) > 0.0) hi = 120.0;
  for (int i = 0; i < 60 && hi - lo > 2e-3; ++i) {  // to 0.002 dB
    const double mid = 0.5 * (lo + hi);
    (m(mid) > 0.0 ? lo : hi) = mid;
  }
  const double extra = 0.5 * (lo + hi);
  return link.received_oma_w() * phy::units::db_to_power_ratio(-extra);
}

}  // namespace

double optical_sensitivity_oma_w(const channels::OpticalLink& link, const EyeLinkSpec& spec) {
  return sensitivity_of(link, spec);
}

OpticalAnalysis analyze_optical(const channels::OpticalLink& link, const EyeLinkSpec& spec, int wavelengths,
                                double bit_rate_bps) {
  if (wavelengths < 1) throw std::invalid_argument("optical analysis: wavelengths must be >= 1");
  OpticalAnalysis a;
  EyeLinkSpec s = spec;
  set_optical_levels(link, s);
  a.eye = analyze_eye(optical_transfer_function(link), s);
  a.received_oma_dbm = phy::units::watts_to_dbm(link.received_oma_w());
  a.received_average_dbm = phy::units::watts_to_dbm(link.received_average_power_w());
  const double sens = sensitivity_of(link, spec);
  if (sens <= 0.0) {
    a.reachable = false;
    a.reason = "no received power meets the target BER (noise that grows with the signal, e.g. RIN, sets a floor)";
  } else {
    a.sensitivity_oma_dbm = phy::units::watts_to_dbm(sens);
    const double r = link.extinction_ratio();
    a.sensitivity_average_dbm = phy::units::watts_to_dbm(sens * (r + 1.0) / (2.0 * (r - 1.0)));
  }
  // WDM crosstalk: incoherent adjacent-channel power adds to the "0" level; power penalty
  // -10 log10(1 - X) with X the total crosstalk fraction (Agrawal, Fiber-Optic Communication
  // Systems, 4th ed., ch. 6, heterowavelength linear crosstalk). Two neighbours per channel.
  double xt = 0.0;
  for (const auto& e : link.path())
    if ((e.kind == "mux" || e.kind == "demux") && e.crosstalk_db > -200.0)
      xt += (wavelengths > 1 ? 2.0 : 0.0) * phy::units::db_to_power_ratio(e.crosstalk_db);
  a.penalties.crosstalk_db = xt < 1.0 ? -10.0 * std::log10(1.0 - xt) : INFINITY;
  if (a.reachable) {
    a.link_margin_db = a.received_oma_dbm - a.sensitivity_oma_dbm - a.penalties.crosstalk_db;
    a.max_channel_loss_db = link.path_loss_db() + a.link_margin_db;
    // Penalties: the sensitivity change when one impairment is removed.
    auto oma_dbm = [&](const channels::OpticalLink& l) {
      const double w = sensitivity_of(l, spec);
      return w > 0.0 ? phy::units::watts_to_dbm(w) : INFINITY;
    };
    {  // extinction ratio, in average power: at the link's ER vs 30 dB
      auto mod = link.modulator();
      mod.extinction_ratio_db = 30.0;
      const channels::OpticalLink ideal(link.laser(), mod, link.path(), link.receiver());
      const double r30 = phy::units::db_to_power_ratio(30.0);
      const double avg30 = oma_dbm(ideal) + 10.0 * std::log10((r30 + 1.0) / (2.0 * (r30 - 1.0)));
      a.penalties.extinction_ratio_db = a.sensitivity_average_dbm - avg30;
    }
    {  // ISI (with jitter's slope term): the same pulse reduced to its main cursor, same noise
      const double w = sensitivity_of(link, spec, true);
      a.penalties.isi_db = w > 0.0 ? a.sensitivity_oma_dbm - phy::units::watts_to_dbm(w) : 0.0;
    }
    {  // RIN
      auto laser = link.laser();
      laser.rin_db_per_hz = -400.0;
      const channels::OpticalLink quiet(laser, link.modulator(), link.path(), link.receiver());
      a.penalties.rin_db = a.sensitivity_oma_dbm - oma_dbm(quiet);
    }
    {  // dispersion
      auto path = link.path();
      bool any = false;
      for (auto& e : path)
        if (e.dispersion_s_per_m2 != 0.0) {
          e.dispersion_s_per_m2 = 0.0;
          any = true;
        }
      if (any) {
        const channels::OpticalLink nodisp(link.laser(), link.modulator(), path, link.receiver());
        a.penalties.dispersion_db = a.sensitivity_oma_dbm - oma_dbm(nodisp);
      }
    }
  }
  {  // noise per level at the decision point (with the CTLE's noise gain), noise bandwidth, Q
    const auto& eq = a.eye.equalizer;
    const double top = *std::max_element(s.sigma_per_level_v.begin(), s.sigma_per_level_v.end());
    const double gain = eq.noise_sigma_v.empty() ? 1.0 : eq.noise_sigma_v[eq.candidates[eq.best].ctle_index] / top;
    for (double v : s.sigma_per_level_v) a.noise_per_level_v.push_back(gain * v);
    a.receiver = link.receiver_bandwidth(s.symbol_rate_baud);
    a.noise_bandwidth_hz = a.receiver.noise_bandwidth_hz;
    const double spacing = 2.0 * a.eye.eye.main_cursor_v / (s.levels - 1);
    for (int k = 0; k + 1 < s.levels; ++k)
      a.q_per_eye.push_back(spacing / (a.noise_per_level_v[static_cast<std::size_t>(k)] +
                                       a.noise_per_level_v[static_cast<std::size_t>(k + 1)]));
    a.q_factor = *std::min_element(a.q_per_eye.begin(), a.q_per_eye.end());
  }
  a.wavelengths = wavelengths;
  a.lane_rate_bps = bit_rate_bps > 0.0 ? bit_rate_bps : s.symbol_rate_baud * std::log2(static_cast<double>(s.levels));
  a.aggregate_rate_bps = a.lane_rate_bps * wavelengths;
  a.energy_per_bit_j = link.electrical_power_w() / a.lane_rate_bps;
  return a;
}

}  // namespace phylane::solvers
