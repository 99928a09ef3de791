#include "solvers/equalizer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "phy/units.hpp"
#include "phy/number_text.hpp"
#include "solvers/parallel.hpp"
#include "solvers/thread_start.hpp"

namespace phylane::solvers {

namespace {

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
    throw std::invalid_argument("Tx FFE: sum of |taps| = " + phy::number_text(s) +
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
    throw std::invalid_argument("Tx FFE: sum of |side taps| = " + phy::number_text(side) +
                                " leaves c[0] = " + phy::number_text(c0) + "; it must be < 1");
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


namespace {

void validate_limits(const DfeLimits& l) {
  for (std::size_t i = 0; i < l.max_rel.size(); ++i)
    if (!(l.max_rel[i] >= 0.0))
      throw std::invalid_argument("DFE limits: max_rel[" + std::to_string(i) + "] = " + phy::number_text(l.max_rel[i]) +
                                  " must be >= 0");
  if (!l.min_rel.empty() && l.max_rel.empty())
    throw std::invalid_argument("DFE limits: min_rel is given without max_rel");
  for (std::size_t i = 0; i < l.max_abs_v.size(); ++i)
    if (!(l.max_abs_v[i] >= 0.0))
      throw std::invalid_argument("DFE limits: max_abs_v[" + std::to_string(i) + "] = " + phy::number_text(l.max_abs_v[i]) +
                                  " V must be >= 0");
  for (std::size_t i = 0; i < l.min_rel.size(); ++i) {
    const double mx = l.max_for(static_cast<int>(i) + 1);
    if (!(l.min_rel[i] <= mx))
      throw std::invalid_argument("DFE limits: min_rel[" + std::to_string(i) + "] = " + phy::number_text(l.min_rel[i]) +
                                  " must be <= max_rel = " + phy::number_text(mx));
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
    throw std::invalid_argument("DFE: main cursor h(0) = " + phy::number_text(r.main_cursor_v) +
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

namespace {

void check_snr_sigmas(double noise_sigma_v, double crosstalk_sigma_v) {
  if (!(noise_sigma_v >= 0.0))
    throw std::invalid_argument("COM SNR: noise_sigma_v = " + phy::number_text(noise_sigma_v) + " must be >= 0");
  if (!(crosstalk_sigma_v >= 0.0) || !std::isfinite(crosstalk_sigma_v))
    throw std::invalid_argument("COM SNR: crosstalk_sigma_v = " + phy::number_text(crosstalk_sigma_v) + " must be finite and >= 0");
}

void check_snr_inputs(double noise_sigma_v, const SnrOptions& opt, double crosstalk_sigma_v) {
  if (opt.levels < 2) throw std::invalid_argument("COM SNR: levels = " + std::to_string(opt.levels) + " must be >= 2");
  if (opt.dfe_taps < 0)
    throw std::invalid_argument("COM SNR: dfe_taps = " + std::to_string(opt.dfe_taps) + " must be >= 0");
  if (!(opt.a_dd_ui >= 0.0) || !(opt.sigma_rj_ui >= 0.0))
    throw std::invalid_argument("COM SNR: a_dd_ui = " + phy::number_text(opt.a_dd_ui) + " and sigma_rj_ui = " +
                                phy::number_text(opt.sigma_rj_ui) + " must be >= 0");
  check_snr_sigmas(noise_sigma_v, crosstalk_sigma_v);
  if (std::isnan(opt.tx_snr_db)) throw std::invalid_argument("COM SNR: tx_snr_db must not be NaN");
  validate_limits(opt.dfe_limits);
}

void check_snr_pulse(const PulseResponse& pulse) {
  if (pulse.samples_per_ui < 2 || pulse.samples_v.size() < 3)
    throw std::invalid_argument("COM SNR: the pulse needs samples_per_ui >= 2 and 3 samples");
}

// The terms of 93A-36 other than the ISI and slope sums, common to com_snr and FfeSnrTable.
struct SnrTerms {
  double l, var_x, jit2, tx_ratio;
  explicit SnrTerms(const SnrOptions& opt)
      : l(opt.levels),
        var_x((l * l - 1.0) / (3.0 * (l - 1.0) * (l - 1.0))),  // 93A-29
        jit2(opt.a_dd_ui * opt.a_dd_ui + opt.sigma_rj_ui * opt.sigma_rj_ui),
        tx_ratio(std::isinf(opt.tx_snr_db) ? 0.0 : 1.0 / phy::units::db_to_power_ratio(opt.tx_snr_db)) {}
  // signal^2 / interference (93A-36 before the logarithm). Non-decreasing in h0's share and
  // non-increasing in isi2 and slope2 in floating point too (sums of non-negative terms, a max and
  // a division are monotone), so ratio(h0, isi2_lower, 0, ...) bounds every phase whose ISI sum
  // is at least isi2_lower from above.
  double ratio(double h0, double isi2, double slope2, double noise_sigma_v, double crosstalk_sigma_v) const {
    const double signal = h0 / (l - 1.0);
    const double var_isi = var_x * isi2;         // 93A-31
    const double var_j = jit2 * var_x * slope2;  // 93A-32
    const double var_tx = h0 * h0 * tx_ratio;    // 93A-30
    // sigma_XT^2 (93A-34) last: with no crosstalk the sum is bit-identical to the one without it.
    double interference = var_isi + var_j + var_tx + noise_sigma_v * noise_sigma_v + crosstalk_sigma_v * crosstalk_sigma_v;
    interference = std::max(interference, 1e-30 * signal * signal);
    return signal * signal / interference;
  }
  // Keeps the phase in `best` if its SNR beats the best so far.
  // best_ratio: the ratio behind best.snr_db (-1 before any). 10 log10 is non-decreasing, so a
  // ratio not above it cannot raise snr_db: the logarithm is taken only for one that is.
  void offer(SnrResult& best, double& best_ratio, std::size_t c, double h0, double isi2, double slope2,
             double noise_sigma_v, double crosstalk_sigma_v) const {
    const double r = ratio(h0, isi2, slope2, noise_sigma_v, crosstalk_sigma_v);
    if (!(r > best_ratio)) return;
    const double signal = h0 / (l - 1.0);
    const double var_isi = var_x * isi2;                      // 93A-31
    const double var_j = jit2 * var_x * slope2;               // 93A-32
    const double var_tx = h0 * h0 * tx_ratio;                 // 93A-30
    const double snr = phy::units::power_ratio_to_db(r);
    if (snr > best.snr_db) {
      best_ratio = r;
      best.snr_db = snr;
      best.cursor_index = c;
      best.signal_v = signal;
      best.isi_sigma_v = std::sqrt(var_isi);
      best.jitter_sigma_v = std::sqrt(var_j);
      best.tx_noise_sigma_v = std::sqrt(var_tx);
    }
  }
};

SnrResult empty_best(std::size_t main_index, double noise_sigma_v, double crosstalk_sigma_v) {
  SnrResult best;
  best.snr_db = -std::numeric_limits<double>::infinity();
  best.cursor_index = main_index;
  best.noise_sigma_v = noise_sigma_v;
  best.crosstalk_sigma_v = crosstalk_sigma_v;
  return best;
}

}  // namespace

SnrResult com_snr(const PulseResponse& pulse, double noise_sigma_v, const SnrOptions& opt, double crosstalk_sigma_v) {
  check_snr_inputs(noise_sigma_v, opt, crosstalk_sigma_v);
  check_snr_pulse(pulse);
  const auto& p = pulse.samples_v;
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(p.size());
  const std::ptrdiff_t spu = pulse.samples_per_ui;
  const SnrTerms terms(opt);
  const bool limited = opt.dfe_limits.limited();

  SnrResult best = empty_best(pulse.main_index, noise_sigma_v, crosstalk_sigma_v);
  double best_ratio = -1.0;
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
    terms.offer(best, best_ratio, static_cast<std::size_t>(c), h0, isi2, slope2, noise_sigma_v, crosstalk_sigma_v);
  }
  return best;
}

// ------------------------------------------------------------------------------------------------
// COM SNR of many Tx FFE settings on one pulse

FfeSnrTable::FfeSnrTable(const PulseResponse& pulse, int max_pre, int max_post, const SnrOptions& opt)
    : opt_(opt), main_index_(pulse.main_index), max_pre_(max_pre) {
  check_snr_pulse(pulse);
  check_snr_inputs(0.0, opt, 0.0);  // the options once; each setting's sigmas in evaluate
  if (max_pre < 0 || max_post < 0)
    throw std::invalid_argument("FFE SNR table: max_pre = " + std::to_string(max_pre) + " and max_post = " +
                                std::to_string(max_post) + " must be >= 0");
  const auto& p = pulse.samples_v;
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(p.size());
  const std::ptrdiff_t spu = pulse.samples_per_ui;
  t_ = static_cast<std::size_t>(max_pre + 1 + max_post);
  const bool limited = opt.dfe_limits.limited();
  // The FFE's input sample i, 0 outside the record (apply_tx_ffe's convention).
  auto in = [&](std::ptrdiff_t i) { return i >= 0 && i < len ? p[static_cast<std::size_t>(i)] : 0.0; };
  std::vector<double> u(t_), d(t_);
  const std::ptrdiff_t centre = static_cast<std::ptrdiff_t>(pulse.main_index);
  for (std::ptrdiff_t c = centre - spu / 2; c < centre + spu / 2; ++c) {
    if (c < 1 || c > len - 2) continue;
    Phase ph;
    ph.index = static_cast<std::size_t>(c);
    ph.cursor.resize(t_);
    ph.isi.assign(t_ * t_, 0.0);
    ph.slope.assign(t_ * t_, 0.0);
    for (std::ptrdiff_t m = c % spu; m < len; m += spu) {
      // Slot j is the tap delaying the pulse by k = j - max_pre UI: y(m) = sum_j c_j in(m - k spu).
      for (std::size_t j = 0; j < t_; ++j) {
        const std::ptrdiff_t shift = (static_cast<std::ptrdiff_t>(j) - max_pre) * spu;
        u[j] = in(m - shift);
        d[j] = (in(m + 1 - shift) - in(m - 1 - shift)) * 0.5 * static_cast<double>(spu);  // 93A-28
      }
      if (m >= 1 && m <= len - 2) add_outer(ph.slope, d);
      if (m == c) {
        ph.cursor = u;
        continue;
      }
      const std::ptrdiff_t n = (m - c) / spu;
      if (n >= 1 && n <= opt.dfe_taps) {
        // Under the DFE: an unlimited DFE cancels the cursor; a clipped one is not quadratic in the
        // taps, so its cursor is kept and formed per setting.
        if (limited) {
          ph.dfe_tap.push_back(static_cast<int>(n));
          ph.dfe_cursors.insert(ph.dfe_cursors.end(), u.begin(), u.end());
        }
        continue;
      }
      add_outer(ph.isi, u);
    }
    phases_.push_back(std::move(ph));
  }
}

void FfeSnrTable::add_outer(std::vector<double>& m, const std::vector<double>& v) const {
  for (std::size_t i = 0; i < t_; ++i)
    for (std::size_t j = 0; j < t_; ++j) m[i * t_ + j] += v[i] * v[j];
}

SnrResult FfeSnrTable::evaluate(const TxFfe& ffe, double noise_sigma_v, double crosstalk_sigma_v,
                                std::size_t* phase_hint) const {
  check_snr_sigmas(noise_sigma_v, crosstalk_sigma_v);
  validate_ffe(ffe);
  const TapView v = view(ffe);
  if (v.n_pre > max_pre_ || static_cast<int>(v.size) - v.n_pre - 1 > static_cast<int>(t_) - max_pre_ - 1)
    throw std::invalid_argument("FFE SNR table: the FFE has more taps than the table was built for");
  // The FFE's taps in the table's slots; at most a few dozen taps, on the stack.
  constexpr std::size_t max_slots = 64;
  if (t_ > max_slots) throw std::invalid_argument("FFE SNR table: more than 64 FFE taps");
  std::array<double, max_slots> c{};
  for (std::size_t i = 0; i < v.size; ++i) c[static_cast<std::size_t>(max_pre_ - v.n_pre) + i] = v.c[i];
  auto quad = [&](const std::vector<double>& m) {
    double q = 0.0;
    for (std::size_t i = 0; i < t_; ++i) {
      if (c[i] == 0.0) continue;
      double r = 0.0;
      for (std::size_t j = 0; j < t_; ++j) r += m[i * t_ + j] * c[j];
      q += c[i] * r;
    }
    return q;
  };
  auto dot = [&](const double* u) {
    double y = 0.0;
    for (std::size_t j = 0; j < t_; ++j) y += c[j] * u[j];
    return y;
  };
  const SnrTerms terms(opt_);
  // The DFE taps' limits, looked up once per setting rather than per phase and tap.
  constexpr int max_looked_up = 64;
  std::array<double, max_looked_up> lim_lo, lim_hi, lim_abs;
  const int looked_up = std::min(opt_.dfe_taps, max_looked_up);
  for (int n = 1; n <= looked_up; ++n) {
    const auto i = static_cast<std::size_t>(n - 1);
    lim_lo[i] = opt_.dfe_limits.min_for(n);
    lim_hi[i] = opt_.dfe_limits.max_for(n);
    lim_abs[i] = opt_.dfe_limits.abs_for(n);
  }
  auto isi2_with_dfe = [&](const Phase& ph, double h0, double isi2) {
    for (std::size_t k = 0; k < ph.dfe_tap.size(); ++k) {
      const double y = dot(ph.dfe_cursors.data() + k * t_);
      const int tap = ph.dfe_tap[k];
      const auto i = static_cast<std::size_t>(tap - 1);
      const double fb = tap <= looked_up ? channels::DfeLimits::clip(y, h0, lim_lo[i], lim_hi[i], lim_abs[i])
                                         : opt_.dfe_limits.feedback(tap, y, h0);
      const double r = y - fb;
      isi2 += r * r;
    }
    return isi2;
  };
  // Pruning that cannot change the result: the hinted phase's SNR is a floor under this setting's
  // best, and a phase whose bound without its DFE residual (>= 0) stays below that floor by more
  // than rounding cannot be the best (nor tie with it), so its DFE sums are skipped. The phases
  // still run in their order, so ties resolve as without the hint; the hinted phase's sums are
  // computed once and reused there.
  const std::size_t seed = phase_hint && *phase_hint < phases_.size() ? *phase_hint : phases_.size();
  double floor_ratio = 0.0, seed_isi2 = 0.0, seed_slope2 = 0.0;
  if (seed < phases_.size()) {
    const Phase& ph = phases_[seed];
    const double h0 = dot(ph.cursor.data());
    if (h0 > 0.0) {
      seed_isi2 = isi2_with_dfe(ph, h0, std::max(0.0, quad(ph.isi)));
      seed_slope2 = std::max(0.0, quad(ph.slope));
      floor_ratio = (1.0 - 1e-12) * terms.ratio(h0, seed_isi2, seed_slope2, noise_sigma_v, crosstalk_sigma_v);
    }
  }
  SnrResult best = empty_best(main_index_, noise_sigma_v, crosstalk_sigma_v);
  double best_ratio = -1.0;
  std::size_t best_phase = phases_.size();
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const Phase& ph = phases_[i];
    const double h0 = dot(ph.cursor.data());
    if (!(h0 > 0.0)) continue;
    const double before = best.snr_db;
    if (i == seed) {
      terms.offer(best, best_ratio, ph.index, h0, seed_isi2, seed_slope2, noise_sigma_v, crosstalk_sigma_v);
    } else {
      const double isi2_outside = std::max(0.0, quad(ph.isi));
      const double slope2 = std::max(0.0, quad(ph.slope));
      if (terms.ratio(h0, isi2_outside, slope2, noise_sigma_v, crosstalk_sigma_v) < floor_ratio) continue;
      terms.offer(best, best_ratio, ph.index, h0, isi2_with_dfe(ph, h0, isi2_outside), slope2, noise_sigma_v,
                  crosstalk_sigma_v);
    }
    if (best.snr_db != before) best_phase = i;
  }
  if (phase_hint && best_phase < phases_.size()) *phase_hint = best_phase;
  return best;
}

// ------------------------------------------------------------------------------------------------
// Crosstalk

CrosstalkPhase crosstalk_phase(const PulseResponse& aggressor) {
  const auto& p = aggressor.samples_v;
  if (p.empty()) throw std::invalid_argument("crosstalk phase: the aggressor's pulse has no samples");
  if (aggressor.samples_per_ui < 1)
    throw std::invalid_argument("crosstalk phase: samples_per_ui = " + std::to_string(aggressor.samples_per_ui) +
                                " must be >= 1");
  const std::size_t spu = static_cast<std::size_t>(aggressor.samples_per_ui);
  CrosstalkPhase best;
  best.energy_v2 = -1.0;
  // 93A-33: the phase m maximising sum_n h(m + n M)^2.
  for (std::size_t m = 0; m < spu; ++m) {
    double e = 0.0;
    for (std::size_t i = m; i < p.size(); i += spu) e += p[i] * p[i];
    if (e > best.energy_v2) best = {m, e};
  }
  return best;
}

CrosstalkFfeEnergy::CrosstalkFfeEnergy(const PulseResponse& aggressor, int n_pre, int n_post) {
  reset(aggressor, n_pre, n_post);
}

void CrosstalkFfeEnergy::reset(const PulseResponse& aggressor, int n_pre, int n_post) {
  const auto& p = aggressor.samples_v;
  if (p.empty()) throw std::invalid_argument("crosstalk FFE energy: the aggressor's pulse has no samples");
  if (aggressor.samples_per_ui < 1)
    throw std::invalid_argument("crosstalk FFE energy: samples_per_ui = " + std::to_string(aggressor.samples_per_ui) +
                                " must be >= 1");
  if (n_pre < 0 || n_post < 0)
    throw std::invalid_argument("crosstalk FFE energy: n_pre = " + std::to_string(n_pre) + " and n_post = " +
                                std::to_string(n_post) + " must be >= 0");
  phases_ = aggressor.samples_per_ui;
  n_pre_ = n_pre;
  span_ = n_pre + n_post + 1;
  const std::size_t np = static_cast<std::size_t>(phases_);
  gram_.assign(static_cast<std::size_t>(span_ * (span_ + 1) / 2) * np, 0.0);
  const std::ptrdiff_t spu = phases_;
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(p.size());
  std::size_t pair = 0;
  for (std::ptrdiff_t a = 0; a < span_; ++a)
    for (std::ptrdiff_t b = a; b < span_; ++b, ++pair) {
      // Taps k = a - n_pre, l = b - n_pre: G_m(k, l) = sum_{n = 0}^{cnt-1} x[n - k] x[n - l] with
      // x[n] = p[m + n M] (n = 0 ... cnt-1, the record's samples of phase m): the output samples n
      // that apply_tx_ffe keeps (inside the record), x zero outside it.
      const std::ptrdiff_t k = a - n_pre, l = b - n_pre;
      double* g = gram_.data() + pair * np;
      for (std::ptrdiff_t m = 0; m < spu; ++m) {
        const std::ptrdiff_t cnt = m < len ? (len - 1 - m) / spu + 1 : 0;
        const double* x = p.data() + m;
        const std::ptrdiff_t n0 = std::max<std::ptrdiff_t>({0, k, l});
        const std::ptrdiff_t n1 = std::min({cnt, cnt + k, cnt + l});
        double acc = 0.0;
        for (std::ptrdiff_t n = n0; n < n1; ++n) acc += x[(n - k) * spu] * x[(n - l) * spu];
        g[m] = acc;
      }
    }
}

CrosstalkPhase CrosstalkFfeEnergy::best(const TxFfe& ffe) const {
  const TapView v = view(ffe);
  const int n_post = static_cast<int>(v.size) - v.n_pre - 1;
  if (v.n_pre > n_pre_ || n_post > span_ - n_pre_ - 1)
    throw std::invalid_argument("crosstalk FFE energy: an FFE with " + std::to_string(v.n_pre) + " pre- and " +
                                std::to_string(n_post) + " post-cursor taps exceeds the " + std::to_string(n_pre_) +
                                " and " + std::to_string(span_ - n_pre_ - 1) + " it was built for");
  // E_m = sum_{k,l} c_k c_l G_m(k, l) = sum_{k <= l} w_kl G_m(k, l), w = c_k^2 or 2 c_k c_l: the
  // energy of phase m after the FFE. Phases innermost (contiguous: vectorised), 8 at a time.
  const std::size_t np = static_cast<std::size_t>(phases_);
  const std::size_t off = static_cast<std::size_t>(n_pre_ - v.n_pre);  // Gram index of tap 0 of ffe
  const std::size_t sp = static_cast<std::size_t>(span_);
  auto pair_index = [sp](std::size_t a, std::size_t b) { return a * sp - a * (a - 1) / 2 + (b - a); };  // a <= b
  CrosstalkPhase best;
  best.energy_v2 = -1.0;
  constexpr std::size_t kBlock = 8;
  for (std::size_t m0 = 0; m0 < np; m0 += kBlock) {
    const std::size_t nb = std::min(kBlock, np - m0);
    double e[kBlock] = {};
    for (std::size_t i = 0; i < v.size; ++i) {
      const double ci = v.c[i];
      if (ci == 0.0) continue;
      for (std::size_t j = i; j < v.size; ++j) {
        const double cj = v.c[j];
        if (cj == 0.0) continue;
        const double w = (j == i ? 1.0 : 2.0) * ci * cj;
        const double* g = gram_.data() + pair_index(i + off, j + off) * np + m0;
        for (std::size_t t = 0; t < nb; ++t) e[t] += w * g[t];
      }
    }
    // 93A-33: the phase with the most energy (ties: the first).
    for (std::size_t t = 0; t < nb; ++t)
      if (e[t] > best.energy_v2) best = {m0 + t, e[t]};
  }
  best.energy_v2 = std::max(best.energy_v2, 0.0);
  return best;
}

// ------------------------------------------------------------------------------------------------
// Optimiser

namespace {

std::vector<double> range_values(const TapRange& r, const std::string& name) {
  if (!std::isfinite(r.min) || !std::isfinite(r.max) || !std::isfinite(r.step) || r.step < 0.0 ||
      r.max < r.min || (r.step == 0.0 && r.max != r.min))
    throw std::invalid_argument("FFE grid: " + name + " = {min " + phy::number_text(r.min) + ", max " + phy::number_text(r.max) +
                                ", step " + phy::number_text(r.step) +
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
    throw std::invalid_argument("FFE grid: ffe_main_min = " + phy::number_text(main_min) + " must be in [0, 1)");
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

bool CandidateRanking::offer(double objective, double peaking_db, double side_weight) {
  if (std::isnan(objective)) return false;
  bool better = !have_;
  if (have_) {
    const double tol = 1e-9 * std::max(1.0, std::abs(objective_));
    if (objective > objective_ + tol) better = true;
    else if (objective >= objective_ - tol)
      better = peaking_db < peaking_db_ - 1e-9 ||
               (std::abs(peaking_db - peaking_db_) <= 1e-9 && side_weight < side_weight_ - 1e-12);
  }
  if (!better) return false;
  have_ = true;
  objective_ = objective;
  peaking_db_ = peaking_db;
  side_weight_ = side_weight;
  return true;
}

EqualizerResult optimize_equalizer(PulseResponseEngine& engine, ChannelSpectrum& spectrum,
                                   const EqualizerSearchOptions& opt) {
  if (!(opt.noise_psd_v2_per_hz >= 0.0) || !std::isfinite(opt.noise_psd_v2_per_hz))
    throw std::invalid_argument("equalizer search: noise_psd_v2_per_hz = " + phy::number_text(opt.noise_psd_v2_per_hz) +
                                " must be finite and >= 0");
  std::vector<Ctle> ctles = opt.ctle;
  if (ctles.empty()) ctles.push_back(Ctle::none());
  const auto ffes = ffe_grid(opt.ffe_pre, opt.ffe_post, opt.ffe_main_min);
  if (ffes.empty())
    throw std::invalid_argument("equalizer search: no Tx FFE combination has c[0] >= ffe_main_min = " +
                                phy::number_text(opt.ffe_main_min));

  // Crosstalk aggressors: prepared like the victim (same grid step and samples per UI).
  const auto& vo = spectrum.options();
  for (std::size_t a = 0; a < opt.crosstalk.size(); ++a) {
    const ChannelSpectrum* x = opt.crosstalk[a];
    if (!x) throw std::invalid_argument("equalizer search: crosstalk[" + std::to_string(a) + "] is null");
    const auto& xo = x->options();
    if (xo.samples_per_ui != vo.samples_per_ui || xo.symbol_rate_baud != vo.symbol_rate_baud)
      throw std::invalid_argument("equalizer search: crosstalk[" + std::to_string(a) +
                                  "] must be prepared with the victim's symbol_rate_baud and samples_per_ui");
  }
  int max_pre = 0, max_post = 0;
  for (const auto& f : ffes) {
    max_pre = std::max(max_pre, f.taps.empty() ? 0 : f.n_pre);
    max_post = std::max(max_post, f.n_post());
  }
  const double levels = opt.snr.levels;
  const double var_x = (levels * levels - 1.0) / (3.0 * (levels - 1.0) * (levels - 1.0));  // 93A-29
  std::vector<CrosstalkFfeEnergy> xt(opt.crosstalk.size());

  EqualizerResult res;
  res.candidates.reserve(ctles.size() * ffes.size());
  const RxFilter& rx = spectrum.options().rx_filter;
  const double noise_fmax = spectrum.fmax_hz();
  auto noise = [&] { res.noise_sigma_v = channels::integrated_noise_sigmas_v(opt.noise_psd_v2_per_hz, rx, ctles, noise_fmax); };

  if (!opt.crosstalk_tx_ffe.empty() && opt.crosstalk_tx_ffe.size() != opt.crosstalk.size())
    throw std::invalid_argument("equalizer search: crosstalk_tx_ffe has " + std::to_string(opt.crosstalk_tx_ffe.size()) +
                                " entries for " + std::to_string(opt.crosstalk.size()) + " aggressors");
  auto with_ffe = [&](std::size_t a) { return opt.crosstalk_tx_ffe.empty() || opt.crosstalk_tx_ffe[a]; };
  // One CTLE's pulses (the engine's work: the victim's and each aggressor's through the CTLE).
  struct CtlePulses {
    std::size_t ci = 0;
    PulseResult victim;
    std::vector<PulseResponse> aggressors;
  };
  auto pulses_of = [&](std::size_t ci) {
    CtlePulses c;
    c.ci = ci;
    c.victim = engine.compute(spectrum, ctles[ci]);
    for (std::size_t a = 0; a < opt.crosstalk.size(); ++a)
      c.aggressors.push_back(engine.compute(*opt.crosstalk[a], ctles[ci]).pulse);
    return c;
  };
  // Every Tx FFE setting's candidate for one CTLE, in grid order (the ranking takes them in CTLE
  // then grid order below, whichever thread formed them).
  auto candidates_of = [&](const CtlePulses& c, std::vector<CrosstalkFfeEnergy>& energy, PulseResponse& scratch) {
    const std::size_t ci = c.ci;
    const PulseResult& pr = c.victim;
    // Without a caller's objective each setting needs only its SNR: quadratic forms on the cursor
    // samples instead of filtering the whole record per setting.
    std::optional<FfeSnrTable> table;
    if (!opt.objective) table.emplace(pr.pulse, max_pre, max_post, opt.snr);
    std::size_t phase_hint = static_cast<std::size_t>(-1);  // the last setting's best phase (a hint)
    // Each aggressor's pulse through this CTLE, once; the FFE enters through its Gram matrices.
    for (std::size_t a = 0; a < energy.size(); ++a) energy[a].reset(c.aggressors[a], max_pre, max_post);
    // Aggressors without Tx FFE: one energy per CTLE setting.
    std::vector<double> fixed_e(energy.size(), 0.0);
    for (std::size_t a = 0; a < energy.size(); ++a)
      if (!with_ffe(a)) fixed_e[a] = energy[a].best(TxFfe{}).energy_v2;
    std::vector<EqualizerCandidate> out;
    out.reserve(ffes.size());
    for (const auto& f : ffes) {
      // sigma_XT^2 = sigma_X^2 sum_k max_m E_k,m (93A-33, 93A-34), each aggressor at its own phase.
      double xt_sigma = 0.0;
      if (!energy.empty()) {
        double e = 0.0;
        for (std::size_t a = 0; a < energy.size(); ++a)
          e += with_ffe(a) ? energy[a].best(f).energy_v2 : fixed_e[a];
        xt_sigma = std::sqrt(var_x * e);
      }
      if (!table) apply_tx_ffe(pr.pulse, f, scratch);
      const SnrResult s = table ? table->evaluate(f, res.noise_sigma_v[ci], xt_sigma, &phase_hint)
                                : com_snr(scratch, res.noise_sigma_v[ci], opt.snr, xt_sigma);
      EqualizerCandidate cand;  // its ffe is set in the merge below (no allocation on two threads)
      cand.ctle_index = ci;
      cand.crosstalk_sigma_v = xt_sigma;
      cand.cursor_index = s.cursor_index;
      cand.snr_db = s.snr_db;
      cand.objective = s.snr_db;
      if (opt.objective) {
        const DfeResult d = dfe_taps(scratch, s.cursor_index, opt.snr.dfe_taps, opt.snr.dfe_limits);
        cand.objective = opt.objective(scratch, d);
      }
      out.push_back(std::move(cand));
    }
    return out;
  };
  std::vector<std::vector<EqualizerCandidate>> per_ctle(ctles.size());
  // The engine's pulses on this thread, CTLE after CTLE (its grid may grow at any of them), while
  // a second thread forms the candidates of each CTLE whose pulses are ready; once every pulse is
  // formed this thread forms candidates too. (The candidates, 200-2000 SNRs per CTLE, are most of
  // the search once the grid is settled.) Not with a caller's objective (it may not be
  // thread-safe), nor inside a parallel region, nor on one core.
  // The second thread integrates the CTLEs' noise first (every candidate needs it), beside the
  // first pulse.
  // Without a thread to spare (std::system_error), the search runs on this thread alone.
  const bool overlap = !opt.objective && ctles.size() > 1 && !inside_parallel_region() && parallel_workers(0, 2) >= 2;
  auto on_one_thread = [&] {
    noise();
    PulseResponse scratch;
    for (std::size_t ci = 0; ci < ctles.size(); ++ci) per_ctle[ci] = candidates_of(pulses_of(ci), xt, scratch);
  };
  if (!overlap) {
    on_one_thread();
  } else {
    std::mutex m;
    std::condition_variable cv;
    std::deque<CtlePulses> queue;
    bool produced = false, noise_ready = false;
    std::exception_ptr failed;
    // Takes the next CTLE's pulses and forms its candidates until none is left (and, when `wait`,
    // none will come); false when a candidate failed (the first error is kept).
    auto consume = [&](std::vector<CrosstalkFfeEnergy>& energy, PulseResponse& scratch, bool wait) {
      for (;;) {
        CtlePulses c;
        {
          std::unique_lock<std::mutex> lock(m);
          if (wait) cv.wait(lock, [&] { return !queue.empty() || produced || failed; });
          if (failed) return false;
          if (queue.empty()) return true;
          c = std::move(queue.front());
          queue.pop_front();
        }
        try {
          per_ctle[c.ci] = candidates_of(c, energy, scratch);
        } catch (...) {
          std::lock_guard<std::mutex> lock(m);
          if (!failed) failed = std::current_exception();
          return false;
        }
      }
    };
    std::thread worker;
    try {
      worker = start_thread_elsewhere([&] {
        try {
          noise();
        } catch (...) {
          std::lock_guard<std::mutex> lock(m);
          failed = std::current_exception();
        }
        {
          std::lock_guard<std::mutex> lock(m);
          noise_ready = true;
        }
        cv.notify_all();
        std::vector<CrosstalkFfeEnergy> own(xt.size());
        PulseResponse scratch;
        consume(own, scratch, true);
      });
    } catch (const std::system_error&) {
      on_one_thread();
    }
    if (worker.joinable()) {
      auto finish = [&] {
        {
          std::lock_guard<std::mutex> lock(m);
          produced = true;
        }
        cv.notify_all();
      };
      try {
        for (std::size_t ci = 0; ci < ctles.size(); ++ci) {
          CtlePulses c = pulses_of(ci);
          std::lock_guard<std::mutex> lock(m);
          if (failed) break;
          queue.push_back(std::move(c));
          cv.notify_one();
        }
        finish();
        {
          std::unique_lock<std::mutex> lock(m);
          cv.wait(lock, [&] { return noise_ready; });
        }
        PulseResponse scratch;
        consume(xt, scratch, false);
      } catch (...) {
        finish();
        worker.join();
        throw;
      }
      worker.join();
      if (failed) std::rethrow_exception(failed);
    }
  }
  CandidateRanking ranking;
  for (std::size_t ci = 0; ci < ctles.size(); ++ci)
    for (std::size_t fi = 0; fi < per_ctle[ci].size(); ++fi) {
      EqualizerCandidate& cand = per_ctle[ci][fi];
      cand.ffe = ffes[fi];
      if (ranking.offer(cand.objective, ctles[ci].peaking_db(), cand.ffe.side_weight())) res.best = res.candidates.size();
      res.candidates.push_back(std::move(cand));
    }
  const EqualizerCandidate& b = res.candidates[res.best];
  res.ctle = ctles[b.ctle_index];
  res.ffe = b.ffe;
  res.pulse = engine.compute(spectrum, res.ctle);
  res.pulse.pulse = apply_tx_ffe(res.pulse.pulse, res.ffe);
  res.snr = com_snr(res.pulse.pulse, res.noise_sigma_v[b.ctle_index], opt.snr, b.crosstalk_sigma_v);
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
