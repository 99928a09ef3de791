#include "solvers/equalizer.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "phy/units.hpp"

namespace phylane::solvers {

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

// Taps vector of an FFE, with the empty-means-{1} convention resolved.
struct TapView {
  int n_pre;
  const double* c;
  std::size_t size;
};

TapView view(const TxFfe& f) {
  static const double one = 1.0;
  if (f.taps.empty()) return {0, &one, 1};
  return {f.n_pre, f.taps.data(), f.taps.size()};
}

void validate_ffe(const TxFfe& f) {
  if (f.taps.empty()) return;
  if (f.n_pre < 0 || static_cast<std::size_t>(f.n_pre) >= f.taps.size())
    throw std::invalid_argument("Tx FFE: n_pre = " + std::to_string(f.n_pre) + " must be in 0.." +
                                std::to_string(f.taps.size() - 1) + " (taps has " +
                                std::to_string(f.taps.size()) + " entries including c[0])");
  double s = 0.0;
  for (double c : f.taps) {
    if (!std::isfinite(c)) throw std::invalid_argument("Tx FFE: taps must be finite");
    s += std::abs(c);
  }
  if (std::abs(s - 1.0) > 1e-9)
    throw std::invalid_argument("Tx FFE: sum of |taps| = " + num(s) +
                                " must be 1 (swing normalisation: the peak output stays at the swing)");
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Tx FFE

TxFfe TxFfe::from_side_taps(const std::vector<double>& pre, const std::vector<double>& post) {
  double side = 0.0;
  for (double c : pre) side += std::abs(c);
  for (double c : post) side += std::abs(c);
  const double c0 = 1.0 - side;
  if (!(c0 > 0.0))
    throw std::invalid_argument("Tx FFE: sum of |side taps| = " + num(side) +
                                " leaves c[0] = " + num(c0) + "; it must be < 1");
  TxFfe f;
  f.n_pre = static_cast<int>(pre.size());
  f.taps.assign(pre.rbegin(), pre.rend());
  f.taps.push_back(c0);
  f.taps.insert(f.taps.end(), post.begin(), post.end());
  return f;
}

int TxFfe::n_post() const {
  return taps.empty() ? 0 : static_cast<int>(taps.size()) - n_pre - 1;
}

double TxFfe::main_tap() const {
  return taps.empty() ? 1.0 : taps[static_cast<std::size_t>(n_pre)];
}

double TxFfe::side_weight() const {
  double s = 0.0;
  for (std::size_t i = 0; i < taps.size(); ++i)
    if (static_cast<int>(i) != n_pre) s += std::abs(taps[i]);
  return s;
}

void apply_tx_ffe(const PulseResponse& pulse, const TxFfe& ffe, PulseResponse& out) {
  validate_ffe(ffe);
  const TapView v = view(ffe);
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(pulse.samples_v.size());
  const std::ptrdiff_t spu = pulse.samples_per_ui;
  out.symbol_rate_baud = pulse.symbol_rate_baud;
  out.samples_per_ui = pulse.samples_per_ui;
  out.main_index = pulse.main_index;
  out.samples_v.assign(pulse.samples_v.size(), 0.0);
  const double* in = pulse.samples_v.data();
  double* o = out.samples_v.data();
  for (std::size_t j = 0; j < v.size; ++j) {
    const double c = v.c[j];
    if (c == 0.0) continue;
    // Tap k = j - n_pre delays the pulse by k UI: out[i] += c in[i - k spu].
    const std::ptrdiff_t shift = (static_cast<std::ptrdiff_t>(j) - v.n_pre) * spu;
    const std::ptrdiff_t i0 = std::max<std::ptrdiff_t>(0, shift);
    const std::ptrdiff_t i1 = std::min(len, len + shift);
    for (std::ptrdiff_t i = i0; i < i1; ++i) o[i] += c * in[i - shift];
  }
}

PulseResponse apply_tx_ffe(const PulseResponse& pulse, const TxFfe& ffe) {
  PulseResponse out;
  apply_tx_ffe(pulse, ffe, out);
  return out;
}

// ------------------------------------------------------------------------------------------------
// DFE

double DfeLimits::max_for(int tap) const {
  if (max_rel.empty()) return std::numeric_limits<double>::infinity();
  return max_rel[std::min(static_cast<std::size_t>(tap - 1), max_rel.size() - 1)];
}

double DfeLimits::min_for(int tap) const {
  if (min_rel.empty()) return -max_for(tap);
  return min_rel[std::min(static_cast<std::size_t>(tap - 1), min_rel.size() - 1)];
}

double DfeLimits::abs_for(int tap) const {
  if (max_abs_v.empty()) return std::numeric_limits<double>::infinity();
  return max_abs_v[std::min(static_cast<std::size_t>(tap - 1), max_abs_v.size() - 1)];
}

// Clipped DFE feedback (93A-26), then the absolute full-scale clamp.
double DfeLimits::feedback(int tap, double v, double h0) const {
  const double lo = min_for(tap), hi = max_for(tap);
  double fb = (std::isinf(hi) && std::isinf(lo)) ? v : h0 * std::clamp(v / h0, lo, hi);
  const double a = abs_for(tap);
  if (std::isfinite(a)) fb = std::clamp(fb, -a, a);
  return fb;
}

namespace {

void validate_limits(const DfeLimits& l) {
  for (std::size_t i = 0; i < l.max_rel.size(); ++i)
    if (!(l.max_rel[i] >= 0.0))
      throw std::invalid_argument("DFE limits: max_rel[" + std::to_string(i) + "] = " + num(l.max_rel[i]) +
                                  " must be >= 0");
  if (!l.min_rel.empty() && l.max_rel.empty())
    throw std::invalid_argument("DFE limits: min_rel is given without max_rel");
  for (std::size_t i = 0; i < l.max_abs_v.size(); ++i)
    if (!(l.max_abs_v[i] >= 0.0))
      throw std::invalid_argument("DFE limits: max_abs_v[" + std::to_string(i) + "] = " + num(l.max_abs_v[i]) +
                                  " V must be >= 0");
  for (std::size_t i = 0; i < l.min_rel.size(); ++i) {
    const double mx = l.max_for(static_cast<int>(i) + 1);
    if (!(l.min_rel[i] <= mx))
      throw std::invalid_argument("DFE limits: min_rel[" + std::to_string(i) + "] = " + num(l.min_rel[i]) +
                                  " must be <= max_rel = " + num(mx));
  }
}

}  // namespace

DfeResult dfe_taps(const PulseResponse& pulse, std::size_t cursor_index, int n_taps,
                   const DfeLimits& limits) {
  const auto& p = pulse.samples_v;
  if (cursor_index >= p.size())
    throw std::invalid_argument("DFE: cursor_index = " + std::to_string(cursor_index) +
                                " must be inside the record of " + std::to_string(p.size()) + " samples");
  if (n_taps < 0) throw std::invalid_argument("DFE: n_taps = " + std::to_string(n_taps) + " must be >= 0");
  validate_limits(limits);
  DfeResult r;
  r.cursor_index = cursor_index;
  r.main_cursor_v = p[cursor_index];
  const bool limited = limits.limited();
  if (!limits.max_rel.empty() && !(r.main_cursor_v > 0.0) && n_taps > 0)
    throw std::invalid_argument("DFE: main cursor h(0) = " + num(r.main_cursor_v) +
                                " V must be > 0 for relative tap limits");
  const std::size_t spu = static_cast<std::size_t>(pulse.samples_per_ui);
  for (int n = 1; n <= n_taps; ++n) {
    const std::size_t i = cursor_index + static_cast<std::size_t>(n) * spu;
    const double h = i < p.size() ? p[i] : 0.0;
    const double fb = limited ? limits.feedback(n, h, r.main_cursor_v) : h;
    r.cursors_v.push_back(h);
    r.taps_v.push_back(fb);
    r.taps_rel.push_back(r.main_cursor_v != 0.0 ? fb / r.main_cursor_v : 0.0);
    r.residual_v.push_back(h - fb);
  }
  return r;
}

// ------------------------------------------------------------------------------------------------
// COM-style SNR

SnrResult com_snr(const PulseResponse& pulse, double noise_sigma_v, const SnrOptions& opt) {
  if (opt.levels < 2) throw std::invalid_argument("COM SNR: levels = " + std::to_string(opt.levels) + " must be >= 2");
  if (opt.dfe_taps < 0)
    throw std::invalid_argument("COM SNR: dfe_taps = " + std::to_string(opt.dfe_taps) + " must be >= 0");
  if (!(opt.a_dd_ui >= 0.0) || !(opt.sigma_rj_ui >= 0.0))
    throw std::invalid_argument("COM SNR: a_dd_ui = " + num(opt.a_dd_ui) + " and sigma_rj_ui = " +
                                num(opt.sigma_rj_ui) + " must be >= 0");
  if (!(noise_sigma_v >= 0.0))
    throw std::invalid_argument("COM SNR: noise_sigma_v = " + num(noise_sigma_v) + " must be >= 0");
  if (std::isnan(opt.tx_snr_db)) throw std::invalid_argument("COM SNR: tx_snr_db must not be NaN");
  validate_limits(opt.dfe_limits);
  const auto& p = pulse.samples_v;
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(p.size());
  const std::ptrdiff_t spu = pulse.samples_per_ui;
  if (spu < 2 || len < 3) throw std::invalid_argument("COM SNR: the pulse needs samples_per_ui >= 2 and 3 samples");
  const double l = opt.levels;
  const double var_x = (l * l - 1.0) / (3.0 * (l - 1.0) * (l - 1.0));  // 93A-29
  const double jit2 = opt.a_dd_ui * opt.a_dd_ui + opt.sigma_rj_ui * opt.sigma_rj_ui;
  const double tx_ratio = std::isinf(opt.tx_snr_db) ? 0.0 : 1.0 / phy::units::db_to_power_ratio(opt.tx_snr_db);
  const bool limited = opt.dfe_limits.limited();

  SnrResult best;
  best.snr_db = -std::numeric_limits<double>::infinity();
  best.cursor_index = pulse.main_index;
  best.noise_sigma_v = noise_sigma_v;
  const std::ptrdiff_t centre = static_cast<std::ptrdiff_t>(pulse.main_index);
  for (std::ptrdiff_t c = centre - spu / 2; c < centre + spu / 2; ++c) {
    if (c < 1 || c > len - 2) continue;
    const double h0 = p[static_cast<std::size_t>(c)];
    if (!(h0 > 0.0)) continue;
    double isi2 = 0.0, slope2 = 0.0;
    for (std::ptrdiff_t m = c % spu; m < len; m += spu) {
      if (m >= 1 && m <= len - 2) {
        const double s = (p[static_cast<std::size_t>(m + 1)] - p[static_cast<std::size_t>(m - 1)]) * 0.5 *
                         static_cast<double>(spu);  // V/UI, 93A-28
        slope2 += s * s;
      }
      if (m == c) continue;
      double v = p[static_cast<std::size_t>(m)];
      const std::ptrdiff_t n = (m - c) / spu;
      if (n >= 1 && n <= opt.dfe_taps) {
        const int tap = static_cast<int>(n);
        v -= limited ? opt.dfe_limits.feedback(tap, v, h0) : v;
      }
      isi2 += v * v;
    }
    const double signal = h0 / (l - 1.0);
    const double var_isi = var_x * isi2;                      // 93A-31
    const double var_j = jit2 * var_x * slope2;               // 93A-32
    const double var_tx = h0 * h0 * tx_ratio;                 // 93A-30
    double interference = var_isi + var_j + var_tx + noise_sigma_v * noise_sigma_v;
    interference = std::max(interference, 1e-30 * signal * signal);
    const double snr = phy::units::power_ratio_to_db(signal * signal / interference);  // 93A-36
    if (snr > best.snr_db) {
      best.snr_db = snr;
      best.cursor_index = static_cast<std::size_t>(c);
      best.signal_v = signal;
      best.isi_sigma_v = std::sqrt(var_isi);
      best.jitter_sigma_v = std::sqrt(var_j);
      best.tx_noise_sigma_v = std::sqrt(var_tx);
    }
  }
  return best;
}

// ------------------------------------------------------------------------------------------------
// Optimiser

namespace {

std::vector<double> range_values(const TapRange& r, const std::string& name) {
  if (!std::isfinite(r.min) || !std::isfinite(r.max) || !std::isfinite(r.step) || r.step < 0.0 ||
      r.max < r.min || (r.step == 0.0 && r.max != r.min))
    throw std::invalid_argument("FFE grid: " + name + " = {min " + num(r.min) + ", max " + num(r.max) +
                                ", step " + num(r.step) +
                                "}: needs finite min <= max and step > 0 (or step = 0 with min = max)");
  std::vector<double> v;
  if (r.step == 0.0) return {r.min};
  const int n = static_cast<int>(std::floor((r.max - r.min) / r.step + 1e-9));
  if (n > 10000) throw std::invalid_argument("FFE grid: " + name + " has more than 10000 values");
  for (int i = 0; i <= n; ++i) {
    double x = r.min + i * r.step;
    if (std::abs(x) < 1e-12 * r.step) x = 0.0;  // keep an exact 0 on the grid
    v.push_back(x);
  }
  return v;
}

}  // namespace

std::vector<TxFfe> ffe_grid(const std::vector<TapRange>& pre, const std::vector<TapRange>& post,
                            double main_min) {
  if (!(main_min >= 0.0 && main_min < 1.0))
    throw std::invalid_argument("FFE grid: ffe_main_min = " + num(main_min) + " must be in [0, 1)");
  std::vector<std::vector<double>> axes;
  for (std::size_t i = 0; i < pre.size(); ++i) axes.push_back(range_values(pre[i], "ffe_pre[" + std::to_string(i) + "]"));
  for (std::size_t i = 0; i < post.size(); ++i)
    axes.push_back(range_values(post[i], "ffe_post[" + std::to_string(i) + "]"));
  std::vector<TxFfe> out;
  std::vector<std::size_t> idx(axes.size(), 0);
  std::vector<double> pv(pre.size()), qv(post.size());
  for (;;) {
    double side = 0.0;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const double x = axes[a][idx[a]];
      side += std::abs(x);
      if (a < pre.size()) pv[a] = x; else qv[a - pre.size()] = x;
    }
    const double c0 = 1.0 - side;
    if (c0 > 0.0 && c0 >= main_min - 1e-12) out.push_back(TxFfe::from_side_taps(pv, qv));
    // Odometer: the last axis turns fastest, c[-1] (the first) slowest.
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < axes[a].size()) break;
      idx[a] = 0;
      if (a == 0) return out;
    }
    if (axes.empty()) return out;
  }
}

EqualizerResult optimize_equalizer(PulseResponseEngine& engine, ChannelSpectrum& spectrum,
                                   const EqualizerSearchOptions& opt) {
  if (!(opt.noise_psd_v2_per_hz >= 0.0) || !std::isfinite(opt.noise_psd_v2_per_hz))
    throw std::invalid_argument("equalizer search: noise_psd_v2_per_hz = " + num(opt.noise_psd_v2_per_hz) +
                                " must be finite and >= 0");
  std::vector<Ctle> ctles = opt.ctle;
  if (ctles.empty()) ctles.push_back(Ctle::none());
  const auto ffes = ffe_grid(opt.ffe_pre, opt.ffe_post, opt.ffe_main_min);
  if (ffes.empty())
    throw std::invalid_argument("equalizer search: no Tx FFE combination has c[0] >= ffe_main_min = " +
                                num(opt.ffe_main_min));

  EqualizerResult res;
  res.candidates.reserve(ctles.size() * ffes.size());
  const RxFilter& rx = spectrum.options().rx_filter;
  for (const auto& c : ctles)
    res.noise_sigma_v.push_back(integrated_noise_sigma_v(opt.noise_psd_v2_per_hz, rx, c, spectrum.fmax_hz()));

  PulseResponse scratch;
  bool have_best = false;
  double best_obj = 0.0, best_peak = 0.0, best_side = 0.0;
  for (std::size_t ci = 0; ci < ctles.size(); ++ci) {
    const PulseResult pr = engine.compute(spectrum, ctles[ci]);
    for (const auto& f : ffes) {
      apply_tx_ffe(pr.pulse, f, scratch);
      const SnrResult s = com_snr(scratch, res.noise_sigma_v[ci], opt.snr);
      EqualizerCandidate cand;
      cand.ctle_index = ci;
      cand.ffe = f;
      cand.cursor_index = s.cursor_index;
      cand.snr_db = s.snr_db;
      cand.objective = s.snr_db;
      if (opt.objective) {
        const DfeResult d = dfe_taps(scratch, s.cursor_index, opt.snr.dfe_taps, opt.snr.dfe_limits);
        cand.objective = opt.objective(scratch, d);
      }
      const double peak = ctles[ci].peaking_db(), side = f.side_weight();
      bool better = !have_best;
      if (have_best && !std::isnan(cand.objective)) {
        const double tol = 1e-9 * std::max(1.0, std::abs(best_obj));
        if (cand.objective > best_obj + tol) better = true;
        else if (cand.objective >= best_obj - tol)
          better = peak < best_peak - 1e-9 || (std::abs(peak - best_peak) <= 1e-9 && side < best_side - 1e-12);
      }
      if (better && !std::isnan(cand.objective)) {
        have_best = true;
        best_obj = cand.objective;
        best_peak = peak;
        best_side = side;
        res.best = res.candidates.size();
      }
      res.candidates.push_back(std::move(cand));
    }
  }
  const EqualizerCandidate& b = res.candidates[res.best];
  res.ctle = ctles[b.ctle_index];
  res.ffe = b.ffe;
  res.pulse = engine.compute(spectrum, res.ctle);
  res.pulse.pulse = apply_tx_ffe(res.pulse.pulse, res.ffe);
  res.snr = com_snr(res.pulse.pulse, res.noise_sigma_v[b.ctle_index], opt.snr);
  res.dfe = dfe_taps(res.pulse.pulse, res.snr.cursor_index, opt.snr.dfe_taps, opt.snr.dfe_limits);
  return res;
}

EqualizerResult optimize_equalizer(const TransferFunction& h, const PulseResponseOptions& pulse_opt,
                                   const EqualizerSearchOptions& opt) {
  PulseResponseEngine engine;
  auto spectrum = engine.prepare(h, pulse_opt);
  return optimize_equalizer(engine, spectrum, opt);
}

}  // namespace phylane::solvers
