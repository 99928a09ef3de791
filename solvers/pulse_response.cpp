#include "solvers/pulse_response.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"
#include "phy/units.hpp"
#include "solvers/parallel.hpp"
#include "solvers/real_fft.hpp"
#include "solvers/simd.hpp"

namespace phylane::solvers {

using cplx = std::complex<double>;

std::mutex& fftw_planner_mutex() {
  static std::mutex m;
  return m;
}

std::size_t next_fft_size(std::size_t n) {
  if (n < 2) return 2;
  std::size_t best = 0;
  // Enumerate 2^a 3^b 5^c (a >= 1) around n; at most a few hundred candidates.
  for (std::size_t p5 = 1; p5 < 2 * n; p5 *= 5)
    for (std::size_t p35 = p5; p35 < 2 * n; p35 *= 3) {
      std::size_t v = 2 * p35;
      while (v < n) v *= 2;
      if (best == 0 || v < best) best = v;
    }
  return best;
}

namespace {

void validate(const PulseResponseOptions& o) {
  auto bad = [](const std::string& field, double v, const char* rule) {
    throw std::invalid_argument("pulse response: " + field + " = " + phy::number_text(v) + " " + rule);
  };
  if (!(o.symbol_rate_baud > 0.0) || !std::isfinite(o.symbol_rate_baud))
    bad("symbol_rate_baud", o.symbol_rate_baud, "must be a finite rate > 0");
  if (o.samples_per_ui < 2 || o.samples_per_ui % 2 != 0)
    bad("samples_per_ui", o.samples_per_ui, "must be even and >= 2");
  if (!(o.tx_swing_v > 0.0) || !std::isfinite(o.tx_swing_v))
    bad("tx_swing_v", o.tx_swing_v, "must be a finite amplitude > 0");
  if (o.record_ui < 2) bad("record_ui", o.record_ui, "must be >= 2");
  if (o.precursor_ui < 1 || o.precursor_ui >= o.record_ui)
    bad("precursor_ui", o.precursor_ui, "must be >= 1 and < record_ui");
  if (!(o.wrap_tolerance > 0.0 && o.wrap_tolerance < 1.0))
    bad("wrap_tolerance", o.wrap_tolerance, "must be in (0, 1)");
  if (!std::isfinite(o.delay_s)) bad("delay_s", o.delay_s, "must be finite (< 0 to estimate)");
  if (!(o.min_period_s >= 0.0) || !std::isfinite(o.min_period_s))
    bad("min_period_s", o.min_period_s, "must be finite and >= 0");
  if (!(o.zero_above_hz > 0.0)) bad("zero_above_hz", o.zero_above_hz, "must be > 0 (infinity: H is nowhere known to be 0)");
  if (o.max_fft_size < 64) bad("max_fft_size", static_cast<double>(o.max_fft_size), "must be >= 64");
  const double rec = static_cast<double>(o.record_ui) * o.samples_per_ui;
  if (rec * 1.25 > static_cast<double>(o.max_fft_size))
    bad("record_ui", o.record_ui, "times samples_per_ui (plus margin) exceeds max_fft_size");
}

// Rule 6b's ceiling on the relative wrap tolerance: a record that ends on a tail above 1e-3 x
// record_ui of the peak still gets its folds held to 1e-3 of the peak.
constexpr double wrap_relative_cap = 1e-3;

// Rule 3: the part of the period beyond delay + record [UI].
double margin_ui(const PulseResponseOptions& o) { return std::max(16.0, 0.25 * o.record_ui); }

// Rule 2: median group delay over 0.05..0.5 baud (clipped to fmax), 1e-4 baud finite difference.
double estimate_delay(const TransferFunction& h, const PulseResponseOptions& o) {
  constexpr int m = 16;
  const double fmax = 0.5 * o.samples_per_ui * o.symbol_rate_baud;
  const double delta = 1e-4 * o.symbol_rate_baud;
  std::vector<double> f(2 * m);
  for (int i = 0; i < m; ++i) {
    const double fi = std::min(o.symbol_rate_baud * (0.05 + 0.45 * i / (m - 1)), fmax - delta);
    f[static_cast<std::size_t>(2 * i)] = fi;
    f[static_cast<std::size_t>(2 * i + 1)] = fi + delta;
  }
  std::vector<cplx> v(f.size());
  h(f, v);
  std::vector<double> tau;
  for (int i = 0; i < m; ++i) {
    const cplx a = v[static_cast<std::size_t>(2 * i)], b = v[static_cast<std::size_t>(2 * i + 1)];
    if (std::abs(a) == 0.0 || std::abs(b) == 0.0 || !std::isfinite(std::abs(a)) || !std::isfinite(std::abs(b)))
      continue;
    tau.push_back(-std::arg(b / a) / (2.0 * phy::pi * delta));
  }
  if (tau.empty()) return 0.0;
  std::nth_element(tau.begin(), tau.begin() + static_cast<std::ptrdiff_t>(tau.size() / 2), tau.end());
  return std::max(0.0, tau[tau.size() / 2]);
}

// H on a grid. A large grid is split into its even and odd bins (each still ascending, each spread
// over the whole band, so the halves cost the same even where a band-limited channel is 0 above
// some frequency) evaluated on two cores: the channel's evaluation is most of a pulse response.
// Transfer functions are const and thread-safe (the rate search and sweeps already call them
// from several threads). Inside a task of a parallel region (COM's package cases, the modulations
// of a rate search, sweep cases) the cores are taken: one thread.
void evaluate_h(const TransferFunction& h, std::span<const double> f, std::span<cplx> out) {
  constexpr std::size_t parallel_from = 1024;
  if (f.size() < parallel_from || inside_parallel_region() || parallel_workers(0, 2) < 2) {
    h(f, out);
    return;
  }
  std::array<std::vector<double>, 2> fs;
  std::array<std::vector<cplx>, 2> hs;
  for (std::size_t part = 0; part < 2; ++part) {
    for (std::size_t k = part; k < f.size(); k += 2) fs[part].push_back(f[k]);
    hs[part].resize(fs[part].size());
  }
  ParallelOptions po;
  po.workers = 2;
  parallel_for(2, [&](std::size_t part, int) { h(fs[part], hs[part]); }, po);
  for (std::size_t k = 0; k < f.size(); ++k) out[k] = hs[k % 2][k / 2];
}

// Rule 2b: H(f) e^{+j 2 pi f tau}, the removed bulk delay tau put back as a time shift of the
// record (PulseResult::start_time_s). Along a run of equally spaced f (the pulse grid, or its odd
// bins after a doubling) the rotation advances by a fixed step, recomputed exactly every 256
// points and wherever the spacing changes, as the rectangle's spectrum in evaluate(): one complex
// product per bin instead of a sincos of a large argument (the difference is of the order of the
// rounding of that argument, ~1e-12 relative; every eye output on the KR4-style channels and the
// presets moved by < 1 nV or < 3e-9 relative, max rates not at all, COM's outputs by < 5e-12).
void remove_delay(std::span<const double> f, std::span<cplx> h, double tau) {
  if (tau == 0.0) return;
  const double w = 2.0 * phy::pi * tau;
  cplx rot, step;
  double d = 0.0;
  std::size_t run = 0;  // points since the rotation was last computed exactly; 0: never
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (run == 0 || run == 256 || std::abs((f[k] - f[k - 1]) - d) > 1e-9 * d) {
      rot = std::polar(1.0, w * f[k]);
      // The spacing over the block ahead (each f[k] is rounded: one difference would carry its
      // rounding into every step of the block).
      const std::size_t j = std::min(k + 256, f.size() - 1);
      d = j > k ? (f[j] - f[k]) / static_cast<double>(j - k) : 0.0;
      step = std::polar(1.0, w * d);
      run = 1;
    } else {
      rot *= step;
      ++run;
    }
    h[k] *= rot;
  }
}

// Rule 7: the low band whose pulse is computed on the long period, W(f) = exp(-(f/f_g)^2 / 2) with
// f_g = baud / 32 (in time a Gaussian of sigma = 32/(2 pi) = 5.1 UI), taken as 0 above 7.5 f_g
// (W < 7e-13 there).
double low_band_sigma_hz(const PulseResponseOptions& o) { return o.symbol_rate_baud / 32.0; }
double low_band_weight(double f, double fg) {
  const double x = f / fg;
  return x > 7.5 ? 0.0 : std::exp(-0.5 * x * x);
}

// A R(f) H_tx(f) H(f) H_rx(f) at one frequency (rule 1's spectrum), R exact (the rectangle).
cplx spectrum_at(const PulseResponseOptions& o, double f, cplx h) {
  if (h == 0.0) return 0.0;
  const double ui = 1.0 / o.symbol_rate_baud;
  const double x = phy::pi * f * ui;
  const cplx rect = f == 0.0 ? cplx(ui, 0.0) : ui * (1.0 - std::polar(1.0, -2.0 * x)) / cplx(0.0, 2.0 * x);
  return h * (o.tx_swing_v * rect * o.tx_edge.response(f) * o.rx_filter.response(f));
}

// Six-point Lagrange interpolation of a periodic sequence v (size m) between its samples, at
// positions c + r/d (c integer, 0 <= r < d): exact for quintics; the low band's pulse is sampled
// >= 10 times faster than its bandwidth, where the error is below 1e-8 of its amplitude. The
// weights depend only on r, so they are computed once per d.
class PeriodicLagrange6 {
 public:
  explicit PeriodicLagrange6(std::size_t d) : d_(d), w_(6 * d) {
    for (std::size_t r = 0; r < d; ++r) {
      const double u = static_cast<double>(r) / static_cast<double>(d);
      for (int a = -2; a <= 3; ++a) {
        double w = 1.0;
        for (int b = -2; b <= 3; ++b)
          if (b != a) w *= (u - b) / static_cast<double>(a - b);
        w_[6 * r + static_cast<std::size_t>(a + 2)] = w;
      }
    }
  }
  std::size_t decimation() const { return d_; }
  /// Adds v at the fine positions t0, t0 + 1, ..., t0 + count - 1 to out[0 .. count) (fine
  /// position t = c d + r, r in [0, d): v_c on a sample, else sum_a w_a(r) v_{c-2+a}, a = 0 ... 5,
  /// indices modulo m; without a division or a wrap per sample).
  void add(const double* v, std::size_t m, std::ptrdiff_t t0, std::size_t count, double* out,
           std::vector<double>& scratch) const {
    std::vector<double> unused;  // add_affine's second pulse: none
    add_affine(v, nullptr, 1.0, m, t0, count, out, scratch, unused);
  }
  /// Adds g a(t) + b(t) (a(t) alone without b) at the fine positions t0 ... t0 + count - 1 to
  /// out[0 .. count), a(t) and b(t) each interpolated as add() describes.
  void add_affine(const double* a, const double* b, double g, std::size_t m, std::ptrdiff_t t0, std::size_t count,
                  double* out, std::vector<double>& scratch_a, std::vector<double>& scratch_b) const {
    if (count == 0) return;
    const auto d = static_cast<std::ptrdiff_t>(d_);
    const auto mm = static_cast<std::ptrdiff_t>(m);
    auto floor_div = [d](std::ptrdiff_t x) { return x >= 0 ? x / d : -((-x + d - 1) / d); };
    const std::ptrdiff_t c_first = floor_div(t0) - 2;
    const std::ptrdiff_t c_last = floor_div(t0 + static_cast<std::ptrdiff_t>(count) - 1) + 3;
    const auto span = static_cast<std::size_t>(c_last - c_first + 1);
    scratch_a.resize(span);
    scratch_b.resize(b ? span : 0);
    for (std::ptrdiff_t c = c_first; c <= c_last; ++c) {
      const auto k = static_cast<std::size_t>(((c % mm) + mm) % mm);
      scratch_a[static_cast<std::size_t>(c - c_first)] = a[k];
      if (b) scratch_b[static_cast<std::size_t>(c - c_first)] = b[k];
    }
    auto value = [](const double* x, const double* w) {  // x[2] on a sample, else the weighted sum
      if (!w) return x[2];
      double sum = 0.0;
      for (int i = 0; i < 6; ++i) sum += w[i] * x[i];
      return sum;
    };
    std::ptrdiff_t c = floor_div(t0), r = t0 - c * d;
    for (std::size_t k = 0; k < count; ++k) {
      const auto at = static_cast<std::size_t>(c - 2 - c_first);
      const double* w = r == 0 ? nullptr : &w_[6 * static_cast<std::size_t>(r)];
      const double la = value(&scratch_a[at], w);
      out[k] += b ? g * la + value(&scratch_b[at], w) : la;
      if (++r == d) {
        r = 0;
        ++c;
      }
    }
  }

 private:
  std::size_t d_;
  std::vector<double> w_;
};

}  // namespace

struct PulseResponseEngine::Impl {
  // The record's transforms and the low band's (rule 7) apart: both are read after both ran.
  std::map<std::size_t, std::unique_ptr<InverseRealFft>> plans, low_plans;
  std::vector<double> total;    // p_A + p_B over the short period (rule 7)
  std::vector<double> scratch;  // the low band's samples around a stretch being interpolated
  std::vector<double> scratch_b;  // the same of a CTLE family's second pulse
  std::unique_ptr<PeriodicLagrange6> interpolation;  // weights for the last decimation (rule 7)
  const PeriodicLagrange6& interpolator(std::size_t d) {
    if (!interpolation || interpolation->decimation() != d) interpolation = std::make_unique<PeriodicLagrange6>(d);
    return *interpolation;
  }
  static InverseRealFft& get(std::map<std::size_t, std::unique_ptr<InverseRealFft>>& m, std::size_t n) {
    auto it = m.find(n);
    if (it == m.end()) it = m.emplace(n, std::make_unique<InverseRealFft>(n)).first;
    return *it->second;
  }
  InverseRealFft& plan(std::size_t n) { return get(plans, n); }
  InverseRealFft& low_plan(std::size_t n) { return get(low_plans, n); }
};

PulseResponseEngine::PulseResponseEngine() : impl_(std::make_unique<Impl>()) {}
PulseResponseEngine::~PulseResponseEngine() = default;
PulseResponseEngine::PulseResponseEngine(PulseResponseEngine&&) noexcept = default;
PulseResponseEngine& PulseResponseEngine::operator=(PulseResponseEngine&&) noexcept = default;


namespace {
// Rule 8: the first bin from which the spectrum of a passive channel is negligible (nb: none);
// rule 8b: no later than the first bin above zero_above_hz, where H is 0 (one bin of margin for
// rounding).
std::size_t negligible_from(const PulseResponseOptions& o, double df, std::size_t nb) {
  std::size_t k = nb;
  if (o.passive_channel) {
    const double budget = 1e-12 * o.tx_swing_v;
    // Bin k - 1's share of the tail bound.
    auto share = [&](std::size_t kk) {
      const double f = df * static_cast<double>(kk - 1);
      return 2.0 * df * (o.tx_swing_v * std::abs(o.tx_edge.response(f)) * std::abs(o.rx_filter.response(f)) / (phy::pi * f));
    };
    // Rule 8b's bin alone over the budget: the walk down from the top would stop at it or above
    // it (the tail before it is >= 0), and rule 8b below keeps it, so the walk is skipped (the
    // same bin; on a measured channel's 103,680-point grid it was 46,000 filter evaluations).
    const double band_bin = std::isfinite(o.zero_above_hz) ? std::floor(o.zero_above_hz / df) + 2.0 : 0.0;
    if (band_bin >= 3.0 && band_bin < static_cast<double>(nb) && !(share(static_cast<std::size_t>(band_bin)) <= budget))
      return static_cast<std::size_t>(band_bin);
    double tail = 0.0;
    while (k > 2) {
      const double b2 = share(k);
      if (!(tail + b2 <= budget)) break;
      tail += b2;
      --k;
    }
  }
  if (std::isfinite(o.zero_above_hz)) {
    const double last = std::floor(o.zero_above_hz / df) + 2.0;  // bins 0 ... floor(f0 / df) + 1
    if (last < static_cast<double>(k)) k = std::max<std::size_t>(static_cast<std::size_t>(last), 2);
  }
  return k;
}
}  // namespace

void PulseResponseEngine::evaluate(ChannelSpectrum& s, std::size_t n) {
  const auto& o = s.opt_;
  const double ui = 1.0 / o.symbol_rate_baud;
  const double dt = ui / o.samples_per_ui;
  const std::size_t nb = n / 2 + 1;
  const double df = 1.0 / (static_cast<double>(n) * dt);
  const std::size_t needed = negligible_from(o, df, nb);  // H on bins [0, needed) only (rule 8)
  // A doubled grid (the usual case after a failed wrap check) contains the old one at its even
  // bins: H is evaluated only at the odd bins, so a run of doublings costs one final-grid sweep.
  const bool doubled = s.n_ != 0 && n == 2 * s.n_;
  if (doubled) {
    // The new odd bins, and any even bin the old grid left out (rule 8) but this one needs.
    std::vector<double> fo;
    std::vector<std::size_t> ko;
    for (std::size_t k = 1; k < needed; ++k)
      if (k % 2 == 1 || k / 2 >= s.evaluated_bins_) {
        fo.push_back(df * static_cast<double>(k));
        ko.push_back(k);
      }
    std::vector<cplx> ho(fo.size());
    evaluate_h(s.h_, fo, ho);
    remove_delay(fo, ho, s.removed_delay_s_);
    std::vector<cplx> h(nb);
    for (std::size_t k = 0; k < needed; k += 2)
      if (k / 2 < s.evaluated_bins_) h[k] = s.hraw_[k / 2];
    for (std::size_t i = 0; i < ho.size(); ++i) h[ko[i]] = ho[i];
    s.hraw_ = std::move(h);
  } else {
    s.hraw_.assign(nb, cplx(0.0, 0.0));
    std::vector<double> f(needed);
    for (std::size_t k = 0; k < needed; ++k) f[k] = df * static_cast<double>(k);
    evaluate_h(s.h_, f, std::span<cplx>(s.hraw_.data(), needed));
    remove_delay(f, std::span<cplx>(s.hraw_.data(), needed), s.removed_delay_s_);
  }
  s.n_ = n;
  s.df_ = df;
  s.evaluated_bins_ = needed;
  s.f_.resize(nb);
  s.x_.resize(nb);
  for (std::size_t k = 0; k < nb; ++k) s.f_[k] = df * static_cast<double>(k);
  const cplx h0 = s.hraw_[0];
  if (!std::isfinite(h0.real()) || std::abs(h0.imag()) > 1e-9 * std::abs(h0) + 1e-12)
    throw std::invalid_argument("pulse response: H(0) = (" + phy::number_text(h0.real()) + ", " + phy::number_text(h0.imag()) +
                                ") must be real (a real impulse response has a real DC gain)");
  // Exact spectrum of the rectangle [0, UI): R = UI sinc(x) e^{-jx} = UI (1 - e^{-j2x}) / (j2x),
  // x = pi f UI. e^{-j2x} advances by a fixed rotation per bin; it is recomputed exactly every
  // 256 bins so the recurrence's rounding cannot accumulate (error < 1e-13).
  const cplx step = std::polar(1.0, -2.0 * phy::pi * df * ui);
  cplx rot(1.0, 0.0);
  for (std::size_t k = 0; k < needed; ++k) {
    const double f = s.f_[k];
    const cplx hk = s.hraw_[k];
    if (!std::isfinite(hk.real()) || !std::isfinite(hk.imag()))
      throw std::invalid_argument("pulse response: H(" + phy::number_text(f) + " Hz) is not finite");
    if (k % 256 == 0) rot = std::polar(1.0, -2.0 * phy::pi * f * ui);
    const double x = phy::pi * f * ui;
    const cplx rect = k == 0 ? cplx(ui, 0.0) : ui * (1.0 - rot) / cplx(0.0, 2.0 * x);
    rot *= step;
    s.x_[k] = hk == 0.0 ? cplx(0.0, 0.0) : hk * (o.tx_swing_v * rect * o.tx_edge.response(f) * o.rx_filter.response(f));
  }
  std::fill(s.x_.begin() + static_cast<std::ptrdiff_t>(needed), s.x_.end(), cplx(0.0, 0.0));  // H = 0 there (rules 8, 8b)
  s.x_[0] = cplx(s.x_[0].real(), 0.0);
  // A band-limited channel (Touchstone data, zero above their taper) leaves most bins 0 at high
  // samples per UI: the per-CTLE loop stops at the last nonzero one.
  s.used_bins_ = nb;
  while (s.used_bins_ > 1 && s.x_[s.used_bins_ - 1] == 0.0) --s.used_bins_;
  ++s.version_;
  if (s.split_) split_weights(s);
}

void PulseResponseEngine::split_weights(ChannelSpectrum& s) {
  s.den_n_ = 0;  // the kept X (1 - W) / D changes
  ++s.version_;
  const double fg = low_band_sigma_hz(s.opt_);
  s.high_w_.resize(s.f_.size());
  for (std::size_t k = 0; k < s.f_.size(); ++k) s.high_w_[k] = 1.0 - low_band_weight(s.f_[k], fg);
}

void PulseResponseEngine::evaluate_low(ChannelSpectrum& s, std::size_t coarse_n) {
  const auto& o = s.opt_;
  const double dt = 1.0 / (o.symbol_rate_baud * o.samples_per_ui);
  const std::size_t long_n = coarse_n * s.decim_;
  const double df = 1.0 / (static_cast<double>(long_n) * dt);
  const double fg = low_band_sigma_hz(o);
  const auto bins = static_cast<std::size_t>(std::floor(7.5 * fg / df)) + 1;
  const bool doubled = s.low_n_ != 0 && coarse_n == 2 * s.low_n_;
  std::vector<double> f;
  std::vector<std::size_t> at;
  std::vector<cplx> h(bins);
  for (std::size_t j = 0; j < bins; ++j) {
    if (doubled && j % 2 == 0 && j / 2 < s.low_h_.size()) {
      h[j] = s.low_h_[j / 2];
      continue;
    }
    f.push_back(df * static_cast<double>(j));
    at.push_back(j);
  }
  std::vector<cplx> hv(f.size());
  evaluate_h(s.h_, f, hv);
  remove_delay(f, hv, s.removed_delay_s_);
  for (std::size_t i = 0; i < at.size(); ++i) h[at[i]] = hv[i];
  s.low_n_ = coarse_n;
  s.low_df_ = df;
  s.low_h_ = std::move(h);
  s.low_f_.resize(bins);
  s.low_x_.resize(bins);
  for (std::size_t j = 0; j < bins; ++j) {
    s.low_f_[j] = df * static_cast<double>(j);
    const cplx hj = s.low_h_[j];
    if (!std::isfinite(hj.real()) || !std::isfinite(hj.imag()))
      throw std::invalid_argument("pulse response: H(" + phy::number_text(s.low_f_[j]) + " Hz) is not finite");
    s.low_x_[j] = spectrum_at(o, s.low_f_[j], hj) * low_band_weight(s.low_f_[j], fg);
  }
  s.low_x_[0] = cplx(s.low_x_[0].real(), 0.0);
  ++s.version_;
}

ChannelSpectrum PulseResponseEngine::prepare(const TransferFunction& h, const PulseResponseOptions& opt) {
  validate(opt);
  if (!h) throw std::invalid_argument("pulse response: the transfer function is empty");
  ChannelSpectrum s;
  s.h_ = h;
  s.opt_ = opt;
  s.delay_s_ = opt.delay_s >= 0.0 ? opt.delay_s : estimate_delay(h, opt);
  const double ui = 1.0 / opt.symbol_rate_baud;
  const double dt = ui / opt.samples_per_ui;
  // Rule 2b: all but precursor_ui of the delay is removed, in whole samples, so the period spans the
  // record rather than the flight time and the samples fall at the same times as without removal.
  s.removed_delay_s_ = dt * std::floor(std::max(0.0, s.delay_s_ - opt.precursor_ui * ui) / dt);
  // Rule 3: the record and its margin after what is left of the delay, and the first echo (the
  // wave reflected at both ends arrives 2 d after the main one) inside the period, where the wrap
  // witness sees it rather than folding onto the record.
  const double period = std::max({s.delay_s_ - s.removed_delay_s_ + (opt.record_ui + margin_ui(opt)) * ui,
                                  2.0 * s.delay_s_ + opt.record_ui * ui, opt.min_period_s});
  const std::size_t n = next_fft_size(static_cast<std::size_t>(std::ceil(period / dt)));
  if (n > opt.max_fft_size)
    throw std::runtime_error("pulse response: the channel delay " + phy::number_text(s.delay_s_) +
                             " s plus the record needs an FFT of " + std::to_string(n) +
                             " points, more than max_fft_size = " + std::to_string(opt.max_fft_size));
  evaluate(s, n);
  return s;
}

PulseResult PulseResponseEngine::compute(const TransferFunction& h, const PulseResponseOptions& opt) {
  auto s = prepare(h, opt);
  return compute(s, opt.ctle);
}

namespace {
// (j f)^k polynomial with real coefficients c_0, c_1, ... (Horner).
cplx polynomial_jf(const std::vector<double>& c, double f) {
  cplx v(0.0, 0.0);
  const cplx jf(0.0, f);
  for (std::size_t k = c.size(); k-- > 0;) v = v * jf + c[k];
  return v;
}
}  // namespace

AffineCtle AffineCtle::com(double f_z_hz, double f_p1_hz, double f_p2_hz) {
  // The poles in Ctle::com's order, so the family shares its members' kept X / D.
  return {{1.0}, {0.0, 1.0 / f_z_hz}, {cplx(-f_p1_hz, 0.0), cplx(-f_p2_hz, 0.0)}};
}

AffineCtle AffineCtle::com_ck(double g_dc2_db, double f_z_hz, double f_p1_hz, double f_p2_hz, double f_lf_hz) {
  const double g2 = phy::units::db_to_amplitude_ratio(g_dc2_db);  // as Ctle::com_ck
  // (G + j f/f_z)(G2 + j f/f_LF) = G (G2 + j f/f_LF) + (j f/f_z) G2 + (j f)^2 / (f_z f_LF).
  return {{g2, 1.0 / f_lf_hz},
          {0.0, g2 / f_z_hz, 1.0 / (f_z_hz * f_lf_hz)},
          {cplx(-f_p1_hz, 0.0), cplx(-f_p2_hz, 0.0), cplx(-f_lf_hz, 0.0)}};
}

const double* PulseResponseEngine::transform_high(ChannelSpectrum& s, const RationalFilter& rational,
                                                  const std::vector<double>* poly) {
  const std::size_t n = s.n_;
  InverseRealFft& p = impl_->plan(n);
  const std::size_t nb = n / 2 + 1;
  // p[n] = df sum_k X_k e^{j 2 pi k n / N} over the two-sided band; FFTW's c2r is that sum.
  // Split (rule 7): the high part X (1 - W) only.
  const std::size_t used = std::min(s.used_bins_, nb);
  // The CTLE's denominator is shared by its family: X df (1 - W) / D is kept per pole set and grid,
  // so each candidate multiplies by its numerator only.
  if (s.den_n_ != n || s.x_over_den_.size() != used || s.den_poles_ != rational.poles_hz()) {
    s.x_over_den_.resize(used);
    for (std::size_t k = 0; k < used; ++k) {
      cplx x = s.x_[k] * s.df_ / rational.denominator(s.f_[k]);
      if (s.split_) x *= s.high_w_[k];
      s.x_over_den_[k] = x;
    }
    s.den_poles_ = rational.poles_hz();
    s.den_n_ = n;
  }
  for (std::size_t k = 0; k < used; ++k) {
    const cplx x = s.x_over_den_[k] * (poly ? polynomial_jf(*poly, s.f_[k]) : rational.numerator(s.f_[k]));
    p.spectrum()[k] = x;
  }
  std::fill(p.spectrum() + used, p.spectrum() + nb, cplx(0.0, 0.0));
  // The imaginary parts of the DC and Nyquist bins are dropped (the symmetric convention).
  return p.execute();
}

const double* PulseResponseEngine::transform_low(ChannelSpectrum& s, const RationalFilter& rational,
                                                 const std::vector<double>* poly) {
  InverseRealFft& q = impl_->low_plan(s.low_n_);
  const std::size_t mb = s.low_n_ / 2 + 1;
  std::fill(q.spectrum(), q.spectrum() + mb, cplx(0.0, 0.0));
  for (std::size_t j = 0; j < s.low_x_.size() && j < mb; ++j) {
    const double f = s.low_f_[j];
    const cplx h = (poly ? polynomial_jf(*poly, f) : rational.numerator(f)) / rational.denominator(f);
    const cplx x = s.low_x_[j] * h * s.low_df_;
    q.spectrum()[j] = x;
  }
  return q.execute();  // the imaginary parts of the DC and Nyquist bins are dropped
}

std::optional<AffineCtle> AffineCtle::family_of(const Ctle& ctle) {
  switch (ctle.type()) {
    case channels::CtleType::com:
      return com(ctle.f_z_hz(), ctle.f_p1_hz(), ctle.f_p2_hz());
    case channels::CtleType::com_ck:
      return com_ck(ctle.g_dc2_db(), ctle.f_z_hz(), ctle.f_p1_hz(), ctle.f_p2_hz(), ctle.f_lf_hz());
    default:
      return std::nullopt;
  }
}

// The pulse on the current grid as g a + b (b null: a alone), over the short period: its high part
// (the whole pulse when not split) and the whole pulse, and, when split, the low band's coarse
// samples over the long period.
struct PulseResponseEngine::Bands {
  double g = 1.0;
  const double *high_a = nullptr, *high_b = nullptr;
  const double *total_a = nullptr, *total_b = nullptr;
  const double *low_a = nullptr, *low_b = nullptr;
};

namespace {
// Samples [0, n - negative_zone) of the short period are at times >= 0, the rest at negative times
// (see run()).
std::size_t negative_zone_samples(const PulseResponseOptions& o) {
  return static_cast<std::size_t>(0.5 * margin_ui(o)) * static_cast<std::size_t>(o.samples_per_ui);
}
}  // namespace

void PulseResponseEngine::add_low_band(const ChannelSpectrum& s, const double* low, double* total) {
  // time_of: samples [0, n - negative_zone) are at t >= 0, the rest at negative times.
  const std::size_t n = s.n_, nz = negative_zone_samples(s.opt_);
  const PeriodicLagrange6& interpolate = impl_->interpolator(s.decim_);
  interpolate.add(low, s.low_n_, 0, n - nz, total, impl_->scratch);
  interpolate.add(low, s.low_n_, -static_cast<std::ptrdiff_t>(nz), nz, total + (n - nz), impl_->scratch);
}

PulseResult PulseResponseEngine::compute(ChannelSpectrum& s, const Ctle& ctle) {
  if (const auto family = AffineCtle::family_of(ctle))
    return compute(s, *family, phy::units::db_to_amplitude_ratio(ctle.g_dc_db()));
  const RationalFilter& rational = ctle.rational();
  auto bands = [&] {
    Bands b;
    b.high_a = b.total_a = transform_high(s, rational, nullptr);
    if (s.split_) {
      b.low_a = transform_low(s, rational, nullptr);
      auto& tot = impl_->total;
      tot.assign(b.high_a, b.high_a + s.n_);
      add_low_band(s, b.low_a, tot.data());
      b.total_a = tot.data();
    }
    return b;
  };
  return run(s, bands, ctle.response(0.0).real());
}

PulseResult PulseResponseEngine::compute(ChannelSpectrum& s, const AffineCtle& family, double g) {
  const RationalFilter den(1.0, {}, family.poles_hz);
  // The family's two pulses are transformed once per grid (and, when split, the whole pulses
  // high + low formed once); each member only combines them, inside run()'s passes.
  auto bands = [&] {
    if (!(s.aff_ == family) || s.aff_version_ != s.version_) {
      s.aff_ = family;
      s.aff_version_ = s.version_;
      s.aff_valid_ = s.aff_low_valid_ = false;
    }
    const std::size_t n = s.n_;
    if (!s.aff_valid_) {
      const double* pa = transform_high(s, den, &family.a);
      s.aff_t_a_.assign(pa, pa + n);
      const double* pb = transform_high(s, den, &family.b);
      s.aff_t_b_.assign(pb, pb + n);
      s.aff_valid_ = true;
    }
    if (s.split_ && !s.aff_low_valid_) {
      const std::size_t m = s.low_n_;
      const double* la = transform_low(s, den, &family.a);
      s.aff_low_a_.assign(la, la + m);
      const double* lb = transform_low(s, den, &family.b);
      s.aff_low_b_.assign(lb, lb + m);
      s.aff_v_a_ = s.aff_t_a_;
      add_low_band(s, s.aff_low_a_.data(), s.aff_v_a_.data());
      s.aff_v_b_ = s.aff_t_b_;
      add_low_band(s, s.aff_low_b_.data(), s.aff_v_b_.data());
      s.aff_low_valid_ = true;
    }
    Bands b;
    b.g = g;
    b.high_a = s.aff_t_a_.data();
    b.high_b = s.aff_t_b_.data();
    b.total_a = s.split_ ? s.aff_v_a_.data() : b.high_a;
    b.total_b = s.split_ ? s.aff_v_b_.data() : b.high_b;
    if (s.split_) {
      b.low_a = s.aff_low_a_.data();
      b.low_b = s.aff_low_b_.data();
    }
    return b;
  };
  const double dc = (g * polynomial_jf(family.a, 0.0) + polynomial_jf(family.b, 0.0)).real();
  return run(s, bands, dc);
}

namespace {
// Over x_i = g a_i + b_i (x_i = a_i without b), i < n (n >= 1): the largest and smallest x_i and
// sum x_i^2, in four lanes each (the energy is a diagnostic: only its rounding depends on the
// lanes; the extremes do not).
template <bool Affine>
inline void scan_lanes(const double* a, const double* b, double g, std::size_t n, double& vmax, double& vmin,
                       double& energy) {
  auto x_at = [&](std::size_t i) {
    if constexpr (Affine)
      return g * a[i] + b[i];
    else
      return a[i];
  };
  double hi = x_at(0), lo = hi, e = 0.0;
  std::size_t i = 0;
#if defined(__GNUC__)
  typedef double v4 __attribute__((vector_size(32)));
  v4 vhi = {hi, hi, hi, hi}, vlo = vhi, ve = {0.0, 0.0, 0.0, 0.0};
  for (; i + 4 <= n; i += 4) {
    v4 x;
    std::memcpy(&x, a + i, sizeof x);
    if constexpr (Affine) {
      v4 y;
      std::memcpy(&y, b + i, sizeof y);
      x = g * x + y;
    }
    vhi = x > vhi ? x : vhi;
    vlo = x < vlo ? x : vlo;
    ve += x * x;
  }
  hi = std::max(std::max(vhi[0], vhi[1]), std::max(vhi[2], vhi[3]));
  lo = std::min(std::min(vlo[0], vlo[1]), std::min(vlo[2], vlo[3]));
  e = (ve[0] + ve[1]) + (ve[2] + ve[3]);
#endif
  for (; i < n; ++i) {
    const double x = x_at(i);
    hi = x > hi ? x : hi;
    lo = x < lo ? x : lo;
    e += x * x;
  }
  vmax = hi;
  vmin = lo;
  energy = e;
}

PHYLANE_SIMD_CLONES void scan_period(const double* a, const double* b, double g, std::size_t n, double& vmax,
                                     double& vmin, double& energy) {
  if (b)
    scan_lanes<true>(a, b, g, n, vmax, vmin, energy);
  else
    scan_lanes<false>(a, b, g, n, vmax, vmin, energy);
}
}  // namespace

PulseResult PulseResponseEngine::run(ChannelSpectrum& s, const std::function<Bands()>& bands, double dc_response) {
  const auto& o = s.opt_;
  const std::size_t spu = static_cast<std::size_t>(o.samples_per_ui);
  const std::size_t rec = static_cast<std::size_t>(o.record_ui) * spu;
  const std::size_t pre = static_cast<std::size_t>(o.precursor_ui) * spu;
  const double dt = 1.0 / (o.symbol_rate_baud * o.samples_per_ui);
  PulseResult r;
  for (;;) {
    const std::size_t n = s.n_;
    const Bands b = bands();
    const double g = b.g;
    // The pulse (split: its high part p_A) at sample i of the short period, and the whole pulse.
    auto high_at = [&](std::size_t i) { return b.high_b ? g * b.high_a[i] + b.high_b[i] : b.high_a[i]; };
    auto total_at = [&](std::size_t i) { return b.total_b ? g * b.total_a[i] + b.total_b[i] : b.total_a[i]; };

    // The peak is at t >= 0 (near the delay, which the period exceeds by record + margin) unless it
    // sits in the last half margin of the period, taken as negative times: only a non-causal H
    // (a time advance) can put it there.
    const std::size_t negative_zone = negative_zone_samples(o);
    auto time_of = [&](std::size_t i) {
      return i >= n - negative_zone ? static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(n)
                                    : static_cast<std::ptrdiff_t>(i);
    };
    // Rule 7: the low part p_B on the long period, every decim_ samples, interpolated between.
    const std::size_t low_m = s.split_ ? s.low_n_ : 0;
    const PeriodicLagrange6& interpolate = impl_->interpolator(s.decim_);
    // The largest and smallest sample and the energy in one vectorised pass, then the peak: the
    // first sample equal to the largest (the same products and sums, so the same doubles).
    double vmax = 0.0, vmin = 0.0, total = 0.0;
    scan_period(b.total_a, b.total_b, g, n, vmax, vmin, total);
    std::size_t peak = 0;
    while (peak + 1 < n && total_at(peak) != vmax) ++peak;
    const std::size_t gap = n - rec;
    const std::ptrdiff_t peak_signed = time_of(peak);
    const std::ptrdiff_t start = peak_signed - static_cast<std::ptrdiff_t>(pre);
    auto wrap = [nn = static_cast<std::ptrdiff_t>(n)](std::ptrdiff_t i) {
      return static_cast<std::size_t>(((i % nn) + nn) % nn);
    };
    // Witness: the third quarter of the gap after the record end (rule 6). It ends gap/4 >= 4 UI
    // before the record start, so the non-causal lead of a zero-phase filter just before the record
    // is not mistaken for a tail; its samples are the tail at times earlier than the folded tail
    // p(t + T) that reaches the record, hence an upper bound on it for a decaying tail. Split: the
    // tail of p_A on the short period; p_B's on the long one below.
    const std::ptrdiff_t end = start + static_cast<std::ptrdiff_t>(rec);
    const std::size_t w = std::max(spu, gap / 4);
    double witness = 0.0, witness_max = 0.0;
    for (std::size_t i = 0, j = wrap(end + static_cast<std::ptrdiff_t>(gap / 2)); i < w; ++i) {
      const double x = high_at(j);
      witness += x * x;
      witness_max = std::max(witness_max, std::abs(x));
      if (++j == n) j = 0;
    }
    const double fraction = total > 0.0 ? witness / total : 0.0;
    const double peak_abs = std::max(std::abs(vmax), std::abs(vmin));
    const double ratio = peak_abs > 0.0 ? witness_max / peak_abs : 0.0;
    // Rule 6b: the tail the record itself leaves out, the largest |sample| of its last 4 UI.
    double tail_end = 0.0;
    if (o.wrap_relative_to_record) {
      const std::size_t last = std::min(rec, 4 * spu);
      for (std::size_t i = rec - last; i < rec; ++i)
        tail_end = std::max(tail_end, std::abs(total_at(wrap(start + static_cast<std::ptrdiff_t>(i)))));
      tail_end = peak_abs > 0.0 ? tail_end / peak_abs : 0.0;
    }
    const double tolerance =
        std::max(o.wrap_tolerance, std::min(tail_end / static_cast<double>(o.record_ui), wrap_relative_cap));
    double low_ratio = 0.0;
    if (s.split_) {
      const std::size_t long_n = s.low_n_ * s.decim_;
      const std::size_t gap_l = long_n - rec;
      const auto d = static_cast<std::ptrdiff_t>(s.decim_);
      const std::ptrdiff_t from = end + static_cast<std::ptrdiff_t>(gap_l / 2);
      const std::ptrdiff_t to = from + static_cast<std::ptrdiff_t>(std::max(spu, gap_l / 4));
      const auto mm = static_cast<std::ptrdiff_t>(low_m);
      double low_max = 0.0;
      const std::ptrdiff_t c0 = (from + d - 1) / d;
      auto k = static_cast<std::size_t>(((c0 % mm) + mm) % mm);  // then wrapped, not divided
      for (std::ptrdiff_t c = c0; c * d < to; ++c) {
        low_max = std::max(low_max, std::abs(b.low_b ? g * b.low_a[k] + b.low_b[k] : b.low_a[k]));
        if (++k == low_m) k = 0;
      }
      low_ratio = peak_abs > 0.0 ? low_max / peak_abs : 0.0;
    }
    if (ratio <= tolerance && low_ratio <= tolerance) {
      r.pulse.symbol_rate_baud = o.symbol_rate_baud;
      r.pulse.samples_per_ui = o.samples_per_ui;
      // The record read circularly from the period, in at most two contiguous stretches (each a
      // loop the compiler vectorises; a push_back per sample kept the vector's end in memory and
      // was most of this function's time in COM, whose record is 1500 UI), the low band added
      // after where the spectrum is split.
      r.pulse.samples_v.resize(rec);
      double* out = r.pulse.samples_v.data();
      const std::ptrdiff_t nn = static_cast<std::ptrdiff_t>(n);
      const std::size_t j0 = static_cast<std::size_t>(((start % nn) + nn) % nn);
      for (std::size_t i = 0, j = j0; i < rec;) {
        const std::size_t len = std::min(rec - i, n - j);
        const double* a = b.high_a + j;
        if (b.high_b) {
          const double* bb = b.high_b + j;
          for (std::size_t k = 0; k < len; ++k) out[i + k] = g * a[k] + bb[k];
        } else {
          std::copy(a, a + len, out + i);
        }
        i += len;
        j = 0;
      }
      if (s.split_)
        interpolate.add_affine(b.low_a, b.low_b, g, low_m, start, rec, out, impl_->scratch, impl_->scratch_b);
      r.pulse.main_index = pre;
      r.start_time_s = static_cast<double>(start) * dt + s.removed_delay_s_;
      r.delay_estimate_s = s.delay_s_;
      r.fft_size = n;
      r.freq_step_hz = s.df_;
      r.period_s = static_cast<double>(n) * dt;
      r.low_band_period_s = s.split_ ? static_cast<double>(s.low_n_ * s.decim_) * dt : 0.0;
      r.wrap_energy_fraction = fraction;
      r.wrap_amplitude_ratio = std::max(ratio, low_ratio);
      r.dc_gain = s.x_[0].real() / (o.tx_swing_v / o.symbol_rate_baud) * dc_response;
      return r;
    }
    if (ratio > tolerance && !s.split_) {
      // Rule 7: the slow part of the tail goes to the low band's long period instead of doubling
      // the whole grid; the short period keeps the fast part, and is doubled only if that is slow.
      s.split_ = true;
      s.decim_ = 1;
      for (std::size_t d = spu / 4; d >= 2; --d)
        if (spu % d == 0) {
          s.decim_ = d;
          break;
        }
      split_weights(s);
      evaluate_low(s, next_fft_size((8 * n + s.decim_ - 1) / s.decim_));
      ++r.doublings;
      continue;
    }
    if (ratio > tolerance) {
      const std::size_t n2 = next_fft_size(2 * n);
      if (n2 > o.max_fft_size)
        throw std::runtime_error(
            "pulse response: the impulse response does not decay within the period: the tail in the "
            "wrap witness reaches " + phy::number_text(ratio) + " of the peak, more than the wrap tolerance " + phy::number_text(tolerance) +
            " at N = " + std::to_string(n) + " (period " + phy::number_text(static_cast<double>(n) * dt) +
            " s); doubling would exceed max_fft_size = " + std::to_string(o.max_fft_size));
      evaluate(s, n2);
    } else {
      const std::size_t m2 = next_fft_size(2 * s.low_n_);
      if (m2 > o.max_fft_size)
        throw std::runtime_error(
            "pulse response: the impulse response's slow tail does not decay within the low band's period: it reaches " +
            phy::number_text(low_ratio) + " of the peak, more than the wrap tolerance " + phy::number_text(tolerance) +
            " at a period of " + phy::number_text(static_cast<double>(s.low_n_ * s.decim_) * dt) +
            " s; doubling would exceed max_fft_size = " + std::to_string(o.max_fft_size));
      evaluate_low(s, m2);
    }
    ++r.doublings;
  }
}

}  // namespace phylane::solvers
