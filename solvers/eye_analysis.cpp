#include "solvers/eye_analysis.hpp"

#include <algorithm>
#include <complex>
#include <limits>
#include <memory>
#include <mutex>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "phy/units.hpp"
#include "solvers/com.hpp"
#include "solvers/parallel.hpp"
#include "solvers/signalling.hpp"

namespace phylane::solvers {

namespace {

// Transmitter noise at the sampler [V rms]: IEEE 802.3 Annex 93A eq. (93A-30),
// sigma_TX^2 = h(0)^2 10^{-SNR_TX/10}, with h(0) the main cursor at the sampling phase (as in
// com_snr, solvers/equalizer.cpp). 0 when the spec has no Tx SNR.
double tx_noise_sigma_v(const EyeLinkSpec& spec, double main_cursor_v) {
  if (!(spec.tx_snr_db < 1e8)) return 0.0;
  return std::abs(main_cursor_v) * std::sqrt(1.0 / phy::units::db_to_power_ratio(spec.tx_snr_db));
}

// The statistical eye's Gaussian noise: the receiver's (sigma, or one per level) and the
// transmitter's (93A-30), independent, so their variances add (93A-35 sums the noise terms the
// same way). The Tx term enters the margin exactly as COM's does, not only the fast SNR.
// `level_gain` scales optical per-level noise by the CTLE's noise gain (sampler_noise_gains).
StatEyeSpec stat_spec(const EyeLinkSpec& spec, double sigma, double level_gain, const DfeResult& dfe,
                      std::vector<double> crosstalk_v = {}) {
  StatEyeSpec es;
  es.crosstalk_v = std::move(crosstalk_v);
  es.signalling.levels = spec.levels;
  es.signalling.amplitude_v = 1.0;
  const double tx = tx_noise_sigma_v(spec, dfe.main_cursor_v);
  if (!spec.sigma_per_level_v.empty()) {
    es.noise.sigma_per_level_v = spec.sigma_per_level_v;
    for (double& s : es.noise.sigma_per_level_v) s = std::hypot(level_gain * s, tx);
  } else {
    es.noise.sigma_v = std::max(std::hypot(sigma, tx), 1e-12);
  }
  es.jitter = spec.jitter;
  es.dfe = DfeSpec::limited(spec.dfe_taps, spec.dfe_limits, dfe.main_cursor_v);
  return es;
}

// The victim's H(f) remembered at every frequency it was evaluated at, so that aggressors defined
// relative to it (CrosstalkAggressor::times_victim) reuse those values on the same FFT grid
// instead of evaluating the channel again (a composed channel's evaluation is the costly part of a
// pulse response). Values are returned exactly as the channel gave them; a frequency not seen is
// evaluated (and remembered). Kept sorted by frequency: the engine asks for ascending grids, so a
// lookup is a merge-like walk, not a hash per bin.
struct ResponseCache {
  const TransferFunction* channel = nullptr;
  std::vector<std::pair<double, std::complex<double>>> values;  // ascending, unique frequencies
  std::mutex mutex;  // the pulse engine evaluates a large grid on two threads

  void record(std::span<const double> f, std::span<const std::complex<double>> h) {
    std::lock_guard<std::mutex> lock(mutex);
    record_locked(f, h);
  }
  void record_locked(std::span<const double> f, std::span<const std::complex<double>> h) {
    const auto old = static_cast<std::ptrdiff_t>(values.size());
    for (std::size_t k = 0; k < f.size(); ++k) values.emplace_back(f[k], h[k]);
    auto by_f = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(values.begin() + old, values.end(), by_f))
      std::stable_sort(values.begin() + old, values.end(), by_f);
    std::inplace_merge(values.begin(), values.begin() + old, values.end(), by_f);
    values.erase(std::unique(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                 values.end());
  }
  void lookup(std::span<const double> f, std::span<std::complex<double>> h) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<double> miss_f;
    std::vector<std::size_t> miss_k;
    auto it = values.begin();
    for (std::size_t k = 0; k < f.size(); ++k) {
      // Walk forward a few entries from the last hit (ascending grids), else binary search.
      int steps = 0;
      while (it != values.end() && it->first < f[k] && steps < 4) {
        ++it;
        ++steps;
      }
      if (it == values.end() || it->first < f[k] || (it != values.begin() && std::prev(it)->first >= f[k]))
        it = std::lower_bound(values.begin(), values.end(), f[k],
                              [](const auto& a, double x) { return a.first < x; });
      if (it != values.end() && it->first == f[k]) {
        h[k] = it->second;
      } else {
        miss_f.push_back(f[k]);
        miss_k.push_back(k);
      }
    }
    if (miss_f.empty()) return;
    std::vector<std::complex<double>> mh(miss_f.size());
    (*channel)(miss_f, mh);
    record_locked(miss_f, mh);
    for (std::size_t j = 0; j < miss_k.size(); ++j) h[miss_k[j]] = mh[j];
  }
};

// Noise given at the sampler (noise_rms_v, sigma_per_level_v) is the receiver's white input noise
// after the receiver's own filters (EyeLinkSpec::sampler_noise_shape x rx_filter). A CTLE C
// between them and the sampler passes it as it passes the signal, so its rms is multiplied by
//   g_C = sqrt( Int_0^fmax S(f) |H_rx C|^2 df / Int_0^fmax S(f) |H_rx|^2 df ),  S = |H_n|^2,
// the input-referred PSD integrated through the filters as COM does for eta_0 (IEEE 802.3
// Annex 93A eq. 93A-35); a flat CTLE of gain G gives g = G exactly, so it changes no SNR.
std::vector<double> sampler_noise_gains(const EyeLinkSpec& spec, const std::vector<Ctle>& ctles, double fmax_hz) {
  const channels::NoisePsd shape = spec.sampler_noise_shape ? spec.sampler_noise_shape : channels::NoisePsd([](double) { return 1.0; });
  const double ref = channels::integrated_noise_sigma_v(shape, spec.rx_filter, Ctle::none(), fmax_hz);
  if (!(ref > 0.0) || !std::isfinite(ref))
    throw std::invalid_argument("eye: the receiver's noise shaping integrates to " + std::to_string(ref) +
                                " over 0 ... fmax; it must be finite and > 0");
  std::vector<double> g = channels::integrated_noise_sigmas_v(shape, spec.rx_filter, ctles, fmax_hz);
  for (double& x : g) x /= ref;
  return g;
}

// The equalizer search with a noise fixed at the sampler: each CTLE searched on its own with the
// white input PSD that gives its sampler noise sigma[c] through the Rx filter and that CTLE (so the
// search's SNR, phase and DFE see the noise), merged with optimize_equalizer's rules (objective,
// ties within 1e-9 relative to less CTLE peaking, then to a smaller FFE side weight).
EqualizerResult search_sampler_noise(PulseResponseEngine& engine, ChannelSpectrum& spectrum,
                                     const EqualizerSearchOptions& eo, const std::vector<Ctle>& ctles,
                                     const std::vector<double>& sigma) {
  EqualizerResult out;
  CandidateRanking ranking;
  const double fmax = spectrum.fmax_hz();
  for (std::size_t ci = 0; ci < ctles.size(); ++ci) {
    EqualizerSearchOptions one = eo;
    one.ctle = {ctles[ci]};
    const double unit = channels::integrated_noise_sigma_v(1.0, spectrum.options().rx_filter, ctles[ci], fmax);
    one.noise_psd_v2_per_hz = unit > 0.0 ? (sigma[ci] / unit) * (sigma[ci] / unit) : 0.0;
    EqualizerResult r = optimize_equalizer(engine, spectrum, one);
    const std::size_t offset = out.candidates.size();
    for (auto c : r.candidates) {
      c.ctle_index = ci;
      out.candidates.push_back(std::move(c));
    }
    const auto& b = r.candidates[r.best];
    if (ranking.offer(b.objective, ctles[ci].peaking_db(), b.ffe.side_weight())) {
      out.best = offset + r.best;
      out.ctle = r.ctle;
      out.ffe = r.ffe;
      out.pulse = std::move(r.pulse);
      out.dfe = r.dfe;
      out.snr = r.snr;
    }
  }
  out.noise_sigma_v = sigma;
  return out;
}

// com_sampling_index of a pulse on which COM's rule finds no point (no 1 % rise within 4 UI
// before the peak): the reference code skips such a setting; the eye ranks it last and, chosen
// all the same, reports the eye closed (no_com_point).
constexpr long kNoComPoint = -2;

// COM's sampling point on an equalised pulse (EyeLinkSpec::sampling; com_anchor_index with the
// peak as 4.15 takes it, the largest sample); -1 with the tallest-eye rule, kNoComPoint without one.
long com_sampling_index(const PulseResponse& p, const EyeLinkSpec& spec) {
  if (spec.sampling == channels::EyeSampling::tallest) return -1;
  const auto& y = p.samples_v;
  const auto peak = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());  // the first largest
  const int anchor = spec.sampling == channels::EyeSampling::com ? 0 : spec.sampling == channels::EyeSampling::com_peak ? 1 : 2;
  const double b1 = spec.dfe_taps > 0 ? spec.dfe_limits.max_for(1) : 0.0;  // (93A-25) with b(1) at its limit
  const std::optional<std::size_t> i = com_anchor_index(y, peak, p.samples_per_ui, anchor, b1);
  return i ? static_cast<long>(*i) : kNoComPoint;
}

// The eye's sampling index for statistical_eye: a COM point, or -1 (the tallest eye).
long eye_index(long idx) { return idx >= 0 ? idx : -1; }

// A chosen pulse without a COM point: the statistical eye's figures (at its tallest eye) are kept
// for the map, and the eye is reported closed with the reason (an expected outcome, not an error:
// the rate and reach searches go on).
void no_com_point(EyeAnalysis& out, const EyeLinkSpec& spec) {
  out.eye.status = EyeStatus::closed;
  out.eye.reason = "sampling = \"" + channels::to_string(spec.sampling) +
                   "\": the equalised pulse has no rise through 1 % of its peak within 4 UI before it, so COM's rule "
                   "gives no sampling point (the map and figures are the statistical eye's at its tallest eye)";
}

// COM's margin at sample idx of the equalised pulse (EyePdf::com): com_at_cursor with the eye's
// noise, jitter, DFE limits (relative, the absolute clamp as a relative limit at this h(0)) and
// crosstalk samples, A_ni at the target's per-threshold error probability (COM's DER_0).
EyeComFigures com_margin(const PulseResponse& p, long idx, const EyeLinkSpec& spec, double sigma_n_v,
                         const std::vector<double>& crosstalk_v) {
  EyeComFigures f;
  f.sampling_index = idx;
  const double h0 = p.samples_v[static_cast<std::size_t>(idx)];
  ComCursorSpec cs;
  cs.samples_per_ui = p.samples_per_ui;
  cs.levels = spec.levels;
  // COM's DER_0 is a per-threshold error probability, P(N < -A_ni); the eye's target is a Gray
  // BER whose per-threshold probability is P_k = BER / (2 (M - 1) / (M log2 M)) (statistical_eye.hpp).
  const int m = spec.levels;
  cs.der0 = spec.target_ber / (2.0 * (m - 1) / (m * bits_per_symbol(m)));
  cs.a_dd_ui = 0.5 * spec.jitter.dj_pp_ui;
  cs.sigma_rj_ui = spec.jitter.rj_rms_ui;
  cs.sigma_tx_v = tx_noise_sigma_v(spec, h0);
  cs.sigma_n_v = sigma_n_v;
  for (int j = 1; j <= spec.dfe_taps; ++j) {
    const double a = h0 > 0.0 ? spec.dfe_limits.abs_for(j) / h0 : std::numeric_limits<double>::infinity();
    cs.b_min.push_back(std::max(spec.dfe_limits.min_for(j), -a));
    cs.b_max.push_back(std::min(spec.dfe_limits.max_for(j), a));
  }
  std::vector<std::vector<double>> xt;
  if (!crosstalk_v.empty()) xt.push_back(crosstalk_v);
  const ComCursorResult r = com_at_cursor(p.samples_v, static_cast<std::size_t>(idx), cs, xt);
  f.pdf = true;
  f.a_s_v = r.a_s_v;
  f.a_ni_v = r.a_ni_v;
  f.margin_db = r.com_db;
  f.step_v = r.step_v;
  f.sigma_isi_v = r.sigma_isi_v;
  f.sigma_tx_v = cs.sigma_tx_v;
  f.sigma_rj_v = r.sigma_rj_v;
  f.sigma_dd_v = r.sigma_dd_v;
  f.sigma_n_v = sigma_n_v;
  return f;
}

// The eye's sampling point in `com` and, with pdf = com, COM's margin in the eye's place.
void finish_com(EyeAnalysis& out, long idx, const EyeLinkSpec& spec, double sigma_n_v, const std::vector<double>& xt) {
  if (idx == kNoComPoint) no_com_point(out, spec);
  if (idx < 0) return;
  const PulseResponse& p = out.equalizer.pulse.pulse;
  const auto peak = static_cast<std::size_t>(std::max_element(p.samples_v.begin(), p.samples_v.end()) - p.samples_v.begin());
  if (spec.pdf == channels::EyePdf::com) {
    out.com = com_margin(p, idx, spec, sigma_n_v, xt);
    out.com.statistical_margin_db = out.eye.margin_db;
    out.eye.margin_db = out.com.margin_db;
    for (auto& e : out.eye.eyes) {
      e.noise_interference_v = out.com.a_ni_v;
      e.margin_db = out.com.margin_db;
    }
  }
  out.com.sampling_index = idx;
  out.com.sampling_ui = (static_cast<double>(idx) - static_cast<double>(peak)) / p.samples_per_ui;
}

void validate_sampling(const EyeLinkSpec& spec) {
  if (spec.pdf == channels::EyePdf::com && spec.sampling == channels::EyeSampling::tallest)
    throw std::invalid_argument("eye: pdf = \"com\" needs a COM sampling rule (sampling = \"com\", \"com-peak\" or "
                                "\"com-rise\"), not \"tallest\"");
  if (spec.pdf == channels::EyePdf::com && !spec.sigma_per_level_v.empty())
    throw std::invalid_argument("eye: pdf = \"com\" takes one Gaussian noise (93A-41); it is not allowed with "
                                "level-dependent (optical) noise");
}

void validate_crosstalk(const EyeLinkSpec& spec) {
  if (spec.crosstalk.empty()) return;
  if (!spec.sigma_per_level_v.empty() || spec.noise_rms_v > 0.0)
    throw std::invalid_argument(
        "eye: crosstalk (" + std::to_string(spec.crosstalk.size()) +
        " aggressors) needs a copper link whose noise is a PSD at the receiver input; it is not "
        "allowed with optical levels (sigma_per_level_v) or a fixed noise_rms_v");
  for (std::size_t i = 0; i < spec.crosstalk.size(); ++i) {
    const auto& x = spec.crosstalk[i];
    const std::string at = "eye: crosstalk[" + std::to_string(i) + "] (\"" + x.name + "\")";
    if (!x.path) throw std::invalid_argument(at + ".path is empty");
    if (!(x.tx_amplitude_v > 0.0) || !std::isfinite(x.tx_amplitude_v)) {
      std::ostringstream os;
      os << at << ".tx_amplitude_v = " << x.tx_amplitude_v << " V must be a finite amplitude > 0";
      throw std::invalid_argument(os.str());
    }
  }
}

}  // namespace


void set_optical_levels(const channels::OpticalLink& link, EyeLinkSpec& spec) {
  // A receiver that follows the rate is rebuilt at the spec's rate (noise and filter together).
  std::optional<channels::OpticalLink> at_rate;
  if (link.receiver().follows_rate()) at_rate.emplace(link.at_symbol_rate(spec.symbol_rate_baud));
  const channels::OpticalLink& l = at_rate ? *at_rate : link;
  const double zt = l.receiver().transimpedance_ohm;
  const double r = l.receiver().front_end.responsivity_a_per_w;
  spec.tx_amplitude_v = 0.5 * zt * r * l.received_oma_w();
  spec.sigma_per_level_v.clear();
  for (int k = 0; k < spec.levels; ++k) spec.sigma_per_level_v.push_back(l.level_noise_v(k, spec.levels));
  spec.noise_psd_v2_per_hz = 0.0;
  // The noise is white at the photodiode and shaped by the receiver filter alone.
  spec.rx_filter = l.receiver_filter();
  spec.sampler_noise_shape = nullptr;
}

EyeAnalysis analyze_eye(const TransferFunction& channel, const EyeLinkSpec& spec) {
  if (!(spec.symbol_rate_baud > 0.0)) throw std::invalid_argument("eye: symbol rate must be > 0");
  if (spec.levels < 2) throw std::invalid_argument("eye: levels must be >= 2");
  if (!(spec.tx_amplitude_v > 0.0)) throw std::invalid_argument("eye: transmit amplitude must be > 0");
  if (spec.dfe_taps < 0) throw std::invalid_argument("eye: DFE taps must be >= 0");
  if (!spec.sigma_per_level_v.empty() && static_cast<int>(spec.sigma_per_level_v.size()) != spec.levels)
    throw std::invalid_argument("eye: one noise value per level is needed");
  validate_crosstalk(spec);
  validate_sampling(spec);

  EyeAnalysis out;
  PulseResponseOptions po;
  po.symbol_rate_baud = spec.symbol_rate_baud;
  po.samples_per_ui = spec.samples_per_ui;
  po.tx_swing_v = spec.tx_amplitude_v;
  po.tx_edge = spec.tx_edge;
  po.rx_filter = spec.rx_filter;
  po.record_ui = spec.record_ui;
  po.precursor_ui = spec.precursor_ui;
  po.passive_channel = spec.passive_channel;
  po.zero_above_hz = spec.zero_above_hz;

  PulseResponseEngine engine;
  // Aggressors relative to the victim read its H(f) from a cache filled while the victim's grid is
  // evaluated (the same values; without such aggressors the channel is used directly).
  const bool relative = std::any_of(spec.crosstalk.begin(), spec.crosstalk.end(),
                                    [](const CrosstalkAggressor& x) { return x.times_victim; });
  const auto cache = relative ? std::make_shared<ResponseCache>() : nullptr;
  if (cache) cache->channel = &channel;
  ChannelSpectrum spectrum =
      cache ? engine.prepare(
                  [&channel, cache](std::span<const double> f, std::span<std::complex<double>> h) {
                    channel(f, h);
                    cache->record(f, h);
                  },
                  po)
            : engine.prepare(channel, po);
  out.unequalized = engine.compute(spectrum, Ctle::none());
  out.channel_dc_gain = out.unequalized.dc_gain;

  // Crosstalk aggressors: the victim's pulse options with the aggressor's amplitude. Each sizes its
  // own FFT grid (a short NEXT path needs far fewer points than a long victim); one relative to the
  // victim has the victim's delay, hence its first grid, and its doublings are sub-grids of the
  // victim's, so every H(f) it needs is already in the cache.
  std::vector<ChannelSpectrum> aggressors;
  aggressors.reserve(spec.crosstalk.size());
  for (std::size_t i = 0; i < spec.crosstalk.size(); ++i) {
    const auto& x = spec.crosstalk[i];
    PulseResponseOptions pa = po;
    pa.tx_swing_v = x.tx_amplitude_v;
    pa.passive_channel = false;  // a coupling model (e.g. FEXT rising 20 dB/decade) is not bounded by 1
    // A path relative to the victim (victim H x coupling) is 0 where the victim is; another is not.
    if (!x.times_victim) pa.zero_above_hz = std::numeric_limits<double>::infinity();
    // The wrap-around check relative to the aggressor's own peak, which is far below the victim's:
    // 1e-3 of it is still ~1e-5 of the victim's signal or less. (A high-pass NEXT path at a low
    // rate has a small peak next to the ripple of its tabulated spectrum.)
    // Paths relative to the victim keep its tolerance (and so its grids).
    if (!x.times_victim) pa.wrap_tolerance = std::max(po.wrap_tolerance, 1e-3);
    // A path relative to the victim travels with it: the victim's delay, so the same delay removal
    // and the same grid (every H(f) it needs is then in the cache).
    if (x.times_victim) pa.delay_s = spectrum.delay_estimate_s();
    // The engine's errors (a complex H(0), a response that does not decay) name the aggressor.
    auto named = [&](const std::string& what) { return "eye: crosstalk[" + std::to_string(i) + "] (\"" + x.name + "\"): " + what; };
    try {
      if (x.times_victim) {
        aggressors.push_back(engine.prepare(
            [path = x.path, cache](std::span<const double> f, std::span<std::complex<double>> h) {
              path(f, h);
              std::vector<std::complex<double>> v(f.size());
              cache->lookup(f, v);
              for (std::size_t k = 0; k < f.size(); ++k) h[k] *= v[k];
            },
            pa));
      } else {
        aggressors.push_back(engine.prepare(x.path, pa));
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(named(e.what()));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(named(e.what()));
    }
  }
  // The aggressors' samples at the decision point for one equalizer setting: each one's pulse
  // through the CTLE and Tx FFE, sampled at its best phase (93A-33), every cursor kept (93A-44).
  const double var_x = pam_level_variance(spec.levels);  // 93A-29
  auto crosstalk_at = [&](const Ctle& ctle, const TxFfe& ffe, std::vector<CrosstalkContribution>& report) {
    std::vector<double> xs;
    report.clear();
    PulseResponse w;
    for (std::size_t a = 0; a < aggressors.size(); ++a) {
      apply_tx_ffe(engine.compute(aggressors[a], ctle).pulse, spec.crosstalk[a].victim_tx_ffe ? ffe : TxFfe{}, w);
      const CrosstalkPhase ph = crosstalk_phase(w);
      const std::size_t spu = static_cast<std::size_t>(w.samples_per_ui);
      CrosstalkContribution c;
      c.name = spec.crosstalk[a].name;
      std::size_t imax = 0;
      for (std::size_t i = 1; i < w.samples_v.size(); ++i)
        if (std::abs(w.samples_v[i]) > std::abs(w.samples_v[imax])) imax = i;
      long d = static_cast<long>(ph.phase) - static_cast<long>(imax % spu);
      if (d < 0) d += static_cast<long>(spu);
      if (2 * d >= static_cast<long>(spu)) d -= static_cast<long>(spu);
      c.phase_ui = static_cast<double>(d) / static_cast<double>(spu);
      for (std::size_t i = ph.phase; i < w.samples_v.size(); i += spu) {
        xs.push_back(w.samples_v[i]);
        c.peak_v = std::max(c.peak_v, std::abs(w.samples_v[i]));
      }
      c.sigma_v = std::sqrt(var_x * ph.energy_v2);  // 93A-34, one aggressor
      report.push_back(std::move(c));
    }
    return xs;
  };

  // Noise at the sampler: copper noise PSD shaped per CTLE inside the search. A noise given at the
  // sampler (optical levels, or an explicit rms) is that of the receiver without CTLE: each CTLE
  // candidate scales it by its noise gain (sampler_noise_gains); the largest level's sigma drives
  // the fast SNR of optical links.
  const bool optical = !spec.sigma_per_level_v.empty() || spec.noise_rms_v > 0.0;
  const double optical_sigma =
      !spec.sigma_per_level_v.empty()
          ? *std::max_element(spec.sigma_per_level_v.begin(), spec.sigma_per_level_v.end())
          : spec.noise_rms_v;
  const std::vector<Ctle> ctles = spec.ctle.empty() ? std::vector<Ctle>{Ctle::none()} : spec.ctle;
  std::vector<double> noise_gain(ctles.size(), 1.0);
  if (optical) noise_gain = sampler_noise_gains(spec, ctles, spectrum.fmax_hz());

  EqualizerSearchOptions eo;
  eo.ctle = spec.ctle;
  eo.ffe_pre = spec.ffe_pre;
  eo.ffe_post = spec.ffe_post;
  eo.ffe_main_min = spec.ffe_main_min;
  eo.snr.levels = spec.levels;
  eo.snr.dfe_taps = spec.dfe_taps;
  eo.snr.dfe_limits = spec.dfe_limits;
  eo.snr.a_dd_ui = 0.5 * spec.jitter.dj_pp_ui;
  eo.snr.sigma_rj_ui = spec.jitter.rj_rms_ui;
  eo.snr.tx_snr_db = spec.tx_snr_db >= 1e8 ? std::numeric_limits<double>::infinity() : spec.tx_snr_db;
  if (!optical) eo.noise_psd_v2_per_hz = spec.noise_psd_v2_per_hz;
  for (auto& a : aggressors) eo.crosstalk.push_back(&a);
  for (const auto& x : spec.crosstalk) eo.crosstalk_tx_ffe.push_back(x.victim_tx_ffe);
  if (optical) {
    std::vector<double> sigma;
    for (double g : noise_gain) sigma.push_back(g * optical_sigma);
    out.equalizer = search_sampler_noise(engine, spectrum, eo, ctles, sigma);
  } else {
    out.equalizer = optimize_equalizer(engine, spectrum, eo);
  }

  // Statistical eye at the chosen settings. The fast SNR ranks every candidate; the statistical
  // eye's margin then decides among the best few (spec.refine_candidates), so the result
  // maximises the margin the eye engine reports, not only its Gaussian proxy.
  auto& eq = out.equalizer;
  auto sigma_for = [&](std::size_t ctle_index) {
    return ctle_index < eq.noise_sigma_v.size() ? eq.noise_sigma_v[ctle_index] : 0.0;
  };
  StatEyeOptions so;
  so.target_ber = spec.target_ber;
  so.phases_per_ui = spec.samples_per_ui;
  std::size_t best_ctle = eq.candidates.empty() ? 0 : eq.candidates[eq.best].ctle_index;
  std::vector<double> xt_v;
  if (!aggressors.empty()) xt_v = crosstalk_at(eq.ctle, eq.ffe, out.crosstalk);
  // A COM sampling rule: the point and the DFE there (93A-26) instead of the search's cursor.
  const long best_idx = com_sampling_index(eq.pulse.pulse, spec);
  if (best_idx >= 0) eq.dfe = dfe_taps(eq.pulse.pulse, static_cast<std::size_t>(best_idx), spec.dfe_taps, spec.dfe_limits);
  const StatEyeSpec best_spec = stat_spec(spec, sigma_for(best_ctle), noise_gain[best_ctle], eq.dfe, std::move(xt_v));
  out.noise_sigma_v = std::hypot(sigma_for(best_ctle), tx_noise_sigma_v(spec, eq.dfe.main_cursor_v));
  const bool com_pdf = spec.pdf == channels::EyePdf::com;
  if (!(spec.refine_candidates > 1 && eq.candidates.size() > 1)) {
    StatEyeOptions one = so;
    one.sampling_index = eye_index(best_idx);
    out.eye = statistical_eye(eq.pulse.pulse, best_spec, one);
    finish_com(out, best_idx, spec, sigma_for(best_ctle), best_spec.crosstalk_v);
    return out;
  }
  std::vector<std::size_t> order(eq.candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(spec.refine_candidates), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::size_t a, std::size_t b) { return eq.candidates[a].objective > eq.candidates[b].objective; });
  // The candidates' pulses, DFEs and crosstalk samples on this thread (the engine keeps one
  // spectrum and its FFT plans); then every candidate's margin on both cores
  // (StatEyeOptions::margin_only: pass 1 and the map at the DFE's phase alone, the same margin as
  // its whole eye bit for bit); then the choice in rank order as one thread would make it (the
  // SNR winner unless another beats its margin by more than 1e-9 dB); then the chosen one's whole
  // eye, from the phase its pass 1 found, its phases on both cores.
  struct Refine {
    std::size_t idx = 0;
    Ctle ctle = Ctle::none();
    PulseResult pr;
    DfeResult dfe;
    double sigma = 0.0;
    std::vector<CrosstalkContribution> report;
    StatEyeSpec eye_spec;
    StatEyeResult eye;
    long sampling_index = -1;  // a COM sampling rule's point (-1: the tallest eye; kNoComPoint)
    double com_margin_db = 0.0;  // pdf = com: the margin that ranks
  };
  std::vector<Refine> jobs(1);
  jobs.reserve(k + 1);
  jobs[0].idx = eq.best;  // the SNR winner, first: its pulse, DFE and crosstalk are the search's
  jobs[0].ctle = eq.ctle;
  jobs[0].sigma = sigma_for(best_ctle);
  jobs[0].eye_spec = best_spec;
  jobs[0].sampling_index = best_idx;
  for (std::size_t r = 0; r < k; ++r) {
    const std::size_t idx = order[r];
    if (idx == eq.best) continue;
    const auto& c = eq.candidates[idx];
    Refine j;
    j.idx = idx;
    j.ctle = eo.ctle.empty() ? Ctle::none() : eo.ctle[c.ctle_index];
    j.pr = engine.compute(spectrum, j.ctle);
    PulseResponse work;
    apply_tx_ffe(j.pr.pulse, c.ffe, work);
    j.pr.pulse = std::move(work);
    j.sigma = sigma_for(c.ctle_index);
    j.sampling_index = com_sampling_index(j.pr.pulse, spec);
    j.dfe = dfe_taps(j.pr.pulse, j.sampling_index >= 0 ? static_cast<std::size_t>(j.sampling_index) : c.cursor_index,
                     spec.dfe_taps, spec.dfe_limits);
    std::vector<double> xs;
    if (!aggressors.empty()) xs = crosstalk_at(j.ctle, c.ffe, j.report);
    j.eye_spec = stat_spec(spec, j.sigma, noise_gain[c.ctle_index], j.dfe, std::move(xs));
    jobs.push_back(std::move(j));
  }
  auto pulse_of = [&](const Refine& j) -> const PulseResponse& { return j.idx == eq.best ? eq.pulse.pulse : j.pr.pulse; };
  StatEyeOptions rank = so;
  rank.margin_only = true;
  ParallelOptions po2;
  po2.workers = 2;
  // pdf = com: COM's margin at each candidate's point ranks them (no statistical eye needed).
  parallel_for(
      jobs.size(),
      [&](std::size_t i, int) {
        auto& j = jobs[i];
        if (com_pdf) {
          if (j.sampling_index >= 0)
            j.com_margin_db = com_margin(pulse_of(j), j.sampling_index, spec, j.sigma, j.eye_spec.crosstalk_v).margin_db;
          return;
        }
        StatEyeOptions o = rank;
        o.sampling_index = eye_index(j.sampling_index);
        j.eye = statistical_eye(pulse_of(j), j.eye_spec, o);
      },
      po2);
  // A candidate without a COM point ranks last (the reference code skips such a setting).
  auto margin_of = [&](const Refine& j) {
    if (j.sampling_index == kNoComPoint) return -std::numeric_limits<double>::infinity();
    return com_pdf ? j.com_margin_db : j.eye.margin_db;
  };
  Refine* winner = &jobs.front();
  double best_margin = margin_of(*winner);
  for (auto& j : jobs)
    if (margin_of(j) > best_margin + 1e-9) {
      best_margin = margin_of(j);
      winner = &j;
    }
  auto& j = *winner;
  StatEyeOptions whole = so;
  if (j.sampling_index < 0 && !com_pdf) whole.dfe_phase_hint = static_cast<int>(j.eye.best_phase_index);
  whole.sampling_index = eye_index(j.sampling_index);
  whole.workers = 2;
  out.eye = statistical_eye(pulse_of(j), j.eye_spec, whole);
  if (j.idx != eq.best) {
    const auto& c = eq.candidates[j.idx];
    out.crosstalk = std::move(j.report);
    out.noise_sigma_v = std::hypot(j.sigma, tx_noise_sigma_v(spec, j.dfe.main_cursor_v));
    eq.best = j.idx;
    eq.ctle = j.ctle;
    eq.ffe = c.ffe;
    eq.snr = com_snr(j.pr.pulse, j.sigma, eo.snr, c.crosstalk_sigma_v);
    eq.pulse = std::move(j.pr);
    eq.dfe = j.dfe;
  }
  finish_com(out, j.sampling_index, spec, j.sigma, j.eye_spec.crosstalk_v);
  return out;
}

EyeAnalysis analyze_eye_pulse(const PulseResponse& pulse, const EyeLinkSpec& spec, double noise_sigma_v) {
  if (pulse.samples_v.size() < 4) throw std::invalid_argument("eye: the pulse response needs at least 4 samples");
  if (!(pulse.symbol_rate_baud > 0.0) || pulse.samples_per_ui < 1)
    throw std::invalid_argument("eye: the pulse response needs a symbol rate and samples per UI");
  if (!spec.ctle.empty())
    throw std::invalid_argument("eye: a CTLE needs a frequency response; give an impulse response instead of a pulse");
  if (!spec.crosstalk.empty())
    throw std::invalid_argument("eye: crosstalk (" + std::to_string(spec.crosstalk.size()) +
                                " aggressors) needs the channel's frequency response; give an impulse response "
                                "instead of a pulse");
  validate_sampling(spec);
  EyeAnalysis out;
  out.unequalized.pulse = pulse;
  out.noise_sigma_v = noise_sigma_v;
  SnrOptions so;
  so.levels = spec.levels;
  so.dfe_taps = spec.dfe_taps;
  so.dfe_limits = spec.dfe_limits;
  so.a_dd_ui = 0.5 * spec.jitter.dj_pp_ui;
  so.sigma_rj_ui = spec.jitter.rj_rms_ui;
  so.tx_snr_db = spec.tx_snr_db >= 1e8 ? std::numeric_limits<double>::infinity() : spec.tx_snr_db;
  // Tx FFE applied in time over the requested grid, ranked by the COM-style SNR.
  auto& eq = out.equalizer;
  const auto grid = ffe_grid(spec.ffe_pre, spec.ffe_post, spec.ffe_main_min);
  PulseResponse work;
  double best = -INFINITY;
  for (const auto& ffe : grid.empty() ? std::vector<TxFfe>{TxFfe{}} : grid) {
    apply_tx_ffe(pulse, ffe, work);
    const SnrResult snr = com_snr(work, noise_sigma_v, so);
    EqualizerCandidate c;
    c.ffe = ffe;
    c.cursor_index = snr.cursor_index;
    c.snr_db = c.objective = snr.snr_db;
    if (snr.snr_db > best) {
      best = snr.snr_db;
      eq.best = eq.candidates.size();
      eq.ffe = ffe;
      eq.snr = snr;
      eq.pulse.pulse = work;
    }
    eq.candidates.push_back(c);
  }
  eq.ctle = Ctle::none();
  eq.noise_sigma_v = {noise_sigma_v};
  const long idx = com_sampling_index(eq.pulse.pulse, spec);
  eq.dfe = dfe_taps(eq.pulse.pulse, idx >= 0 ? static_cast<std::size_t>(idx) : eq.snr.cursor_index, spec.dfe_taps,
                    spec.dfe_limits);
  StatEyeOptions opt;
  opt.target_ber = spec.target_ber;
  opt.phases_per_ui = pulse.samples_per_ui;
  opt.sampling_index = eye_index(idx);
  out.eye = statistical_eye(eq.pulse.pulse, stat_spec(spec, noise_sigma_v, 1.0, eq.dfe), opt);
  out.noise_sigma_v = std::hypot(noise_sigma_v, tx_noise_sigma_v(spec, eq.dfe.main_cursor_v));
  finish_com(out, idx, spec, noise_sigma_v, {});
  return out;
}


}  // namespace phylane::solvers
