#include "channels/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

// Cubic splines through (x_i, y_i) with not-a-knot end conditions (the third derivative is
// continuous at the second and the second-to-last points), so that the error is O(h^4) up to
// the ends, where a natural spline (zero curvature at the ends) would be O(h^2). Second
// derivatives from the tridiagonal system by the Thomas algorithm. Source: C. de Boor, A
// Practical Guide to Splines, rev. ed., Springer 2001, ch. IV (not-a-knot); W. H. Press et al.,
// Numerical Recipes, 3rd ed., sec. 3.3 (the tridiagonal system). 3 points: natural; fewer: linear.
// The system depends on the abscissae only: it is eliminated once and then solved for every
// term's real and imaginary parts (2 P^2 right-hand sides of one network).
class SplineSystem {
 public:
  explicit SplineSystem(const std::vector<double>& x) : x_(x) {
    const std::size_t n = x_.size();
    if (n < 3) return;
    const std::size_t u = n - 2;
    lo_.assign(u, 0.0);
    di_.assign(u, 0.0);
    up_.assign(u, 0.0);
    w_.assign(u, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double h0 = x_[i] - x_[i - 1], h1 = x_[i + 1] - x_[i];
      lo_[i - 1] = h0 / 6.0;
      di_[i - 1] = (h0 + h1) / 3.0;
      up_[i - 1] = h1 / 6.0;
    }
    if (n >= 4) {
      // m_0 = ((h0 + h1) m_1 - h0 m_2) / h1 folded into the first row, likewise at the end.
      const double h0 = x_[1] - x_[0], h1 = x_[2] - x_[1];
      di_[0] += lo_[0] * (h0 + h1) / h1;
      up_[0] -= lo_[0] * h0 / h1;
      const double g0 = x_[n - 1] - x_[n - 2], g1 = x_[n - 2] - x_[n - 3];
      di_[u - 1] += up_[u - 1] * (g0 + g1) / g1;
      lo_[u - 1] -= up_[u - 1] * g0 / g1;
    }
    for (std::size_t i = 1; i < u; ++i) {
      w_[i] = lo_[i] / di_[i - 1];
      di_[i] -= w_[i] * up_[i - 1];
    }
  }
  /// Second derivatives of the splines through `cols` data sets at once, stored row-major (value
  /// k of set c at [k * cols + c]): y (n rows) in, m (n rows) out. Every set is eliminated with
  /// the same operations as a set on its own would be; the sets are independent, so the
  /// elimination's chain of divisions runs for all of them side by side.
  void solve_columns(const double* y, double* m, std::size_t cols) const {
    const std::size_t n = x_.size();
    if (n < 3) {  // linear: no curvature
      std::fill(m, m + n * cols, 0.0);
      return;
    }
    const std::size_t u = n - 2;
    // Row i of m (1 <= i <= n - 2) holds the right-hand side of unknown i until it is solved.
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double h0 = x_[i] - x_[i - 1], h1 = x_[i + 1] - x_[i];
      const double* y0 = y + (i - 1) * cols;
      const double* y1 = y0 + cols;
      const double* y2 = y1 + cols;
      double* r = m + i * cols;
      for (std::size_t c = 0; c < cols; ++c) r[c] = (y2[c] - y1[c]) / h1 - (y1[c] - y0[c]) / h0;
    }
    for (std::size_t i = 1; i < u; ++i) {
      double* prev = m + i * cols;
      double* r = prev + cols;
      for (std::size_t c = 0; c < cols; ++c) r[c] -= w_[i] * prev[c];
    }
    {
      double* r = m + u * cols;
      for (std::size_t c = 0; c < cols; ++c) r[c] = r[c] / di_[u - 1];
    }
    for (std::size_t i = u - 1; i >= 1; --i) {
      double* r = m + i * cols;
      const double* next = r + cols;
      for (std::size_t c = 0; c < cols; ++c) r[c] = (r[c] - up_[i - 1] * next[c]) / di_[i - 1];
    }
    if (n >= 4) {
      const double h0 = x_[1] - x_[0], h1 = x_[2] - x_[1];
      const double g0 = x_[n - 1] - x_[n - 2], g1 = x_[n - 2] - x_[n - 3];
      for (std::size_t c = 0; c < cols; ++c) {
        m[c] = ((h0 + h1) * m[cols + c] - h0 * m[2 * cols + c]) / h1;
        m[(n - 1) * cols + c] = ((g0 + g1) * m[(n - 2) * cols + c] - g0 * m[(n - 3) * cols + c]) / g1;
      }
    } else {  // 3 points: natural ends
      std::fill(m, m + cols, 0.0);
      std::fill(m + (n - 1) * cols, m + n * cols, 0.0);
    }
  }

 private:
  const std::vector<double>& x_;
  std::vector<double> lo_, di_, up_, w_;
};

std::size_t interval_of(const std::vector<double>& x, double f) {
  if (x.size() < 2) return 0;
  auto it = std::upper_bound(x.begin(), x.end(), f);
  std::size_t i = it == x.begin() ? 0 : static_cast<std::size_t>(it - x.begin()) - 1;
  return std::min(i, x.size() - 2);
}

cplx rotate(cplx v, double f, double tau) {
  const double ph = 2.0 * phy::pi * f * tau;
  return v * cplx(std::cos(ph), std::sin(ph));
}

// The weighted least-squares delay of term_delay_s for one term given contiguously: S at the
// frequencies f (n points), with |S| and arg S already computed (each is needed more than once
// while a network is prepared).
double trace_delay_s(const double* f, const double* mag, const double* phase, std::size_t n) {
  double peak = 0.0;
  for (std::size_t k = 0; k < n; ++k) peak = std::max(peak, mag[k]);
  if (!(peak > 0.0)) return 0.0;
  // Weighted least squares of the unwrapped phase phi = c - omega tau over the qualifying points.
  // The unwrapping's whole turns come from the wrapped phases' steps between qualifying points
  // (arg S - arg S_prev, the same step as the unwrapped phases', whose offsets cancel), so each
  // point's rounding is independent of the offset accumulated before it: the loop no longer
  // waits on a division and a rounding per point (on a 6,400-point 4-port, 3 of the 6 ms of
  // preparing its splines). Byte-identical outputs on every measured file checked.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  double prev_raw = 0.0, offset = 0.0;
  bool first = true;
  std::size_t used = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (mag[k] < 1e-3 * peak) continue;
    double ph = phase[k];
    if (!first) offset -= 2.0 * phy::pi * std::round((ph - prev_raw) / (2.0 * phy::pi));
    prev_raw = ph;
    ph += offset;
    first = false;
    const double w = mag[k] * mag[k], x = 2.0 * phy::pi * f[k];
    sw += w;
    sx += w * x;
    sy += w * ph;
    sxx += w * x * x;
    sxy += w * x * ph;
    ++used;
  }
  if (used < 2) return 0.0;
  const double den = sw * sxx - sx * sx;
  if (!(den > 0.0)) return 0.0;
  return -(sw * sxy - sx * sy) / den;
}

// One term S_ij of a network copied out contiguously, with its magnitudes and phases; reused for
// every term (no allocation per term).
struct TermTrace {
  std::vector<cplx> v;
  std::vector<double> mag, phase;
  // Fills positions [offset, offset + n) from term (i, j) of net.
  void gather(const Network& net, int i, int j, std::size_t offset) {
    const std::size_t n = net.size();
    v.resize(offset + n);
    mag.resize(offset + n);
    phase.resize(offset + n);
    for (std::size_t k = 0; k < n; ++k) {
      const cplx s = net.s(k, i, j);
      v[offset + k] = s;
      mag[offset + k] = std::abs(s);
      phase[offset + k] = std::arg(s);
    }
  }
};

// Every term of a network prepared for interpolation (resample's method): its delay removed, and
// the spline second derivatives of the real and imaginary parts of the remainder. Stored point-major
// (all terms of point i together) so that one frequency reads one contiguous stretch.
class TermSplines {
 public:
  /// Empty splines on the abscissae f for a ports-port network; set_term fills each term, then
  /// finish() solves for the second derivatives.
  TermSplines(std::vector<double> f, int ports)
      : f_(std::move(f)), ports_(ports) {
    const std::size_t n = f_.size(), terms = static_cast<std::size_t>(ports_ * ports_);
    tau_.resize(terms);
    y_.resize(2 * n * terms);
    m_.resize(2 * n * terms);
  }
  /// Every term of net, each with its delay term_delay_s.
  explicit TermSplines(const Network& net) : TermSplines(net.freq_hz(), net.ports()) {
    TermTrace trace;
    for (int j = 0; j < ports_; ++j)
      for (int i = 0; i < ports_; ++i) {
        trace.gather(net, i, j, 0);
        set_term(i, j, trace.v.data(), trace_delay_s(f_.data(), trace.mag.data(), trace.phase.data(), f_.size()));
      }
    finish();
  }
  /// Term (i, j) from its values v at every abscissa, with delay tau removed before the spline.
  void set_term(int i, int j, const cplx* v, double tau) {
    const std::size_t n = f_.size(), terms = tau_.size();
    const std::size_t t = static_cast<std::size_t>(j * ports_ + i);  // column-major, as Network stores
    tau_[t] = tau;
    for (std::size_t k = 0; k < n; ++k) {
      const cplx r = rotate(v[k], f_[k], tau);
      const std::size_t at = 2 * (k * terms + t);
      y_[at] = r.real();
      y_[at + 1] = r.imag();
    }
  }
  /// Term (i, j)'s delay [s].
  double tau_s(int i, int j) const { return tau_[static_cast<std::size_t>(j * ports_ + i)]; }
  /// The splines' second derivatives, once every term is set.
  void finish() {
    SplineSystem(f_).solve_columns(y_.data(), m_.data(), 2 * tau_.size());
  }
  const std::vector<double>& freq_hz() const { return f_; }
  /// The interpolated S-matrix at x (clamped to the data) into out (column-major, ports^2 values).
  void at(double x, cplx* out) const {
    const double lo = f_.front(), hi = f_.back();
    x = std::clamp(x, lo, hi);
    const std::size_t terms = tau_.size();
    const std::size_t n = f_.size();
    if (n == 1) {
      for (std::size_t t = 0; t < terms; ++t) out[t] = rotate(cplx(y_[2 * t], y_[2 * t + 1]), x, -tau_[t]);
      return;
    }
    const std::size_t i = interval_of(f_, x);
    const double h = f_[i + 1] - f_[i];
    const double t1 = (x - f_[i]) / h, u = 1.0 - t1;
    const double c0 = (u * u * u - u) * h * h / 6.0, c1 = (t1 * t1 * t1 - t1) * h * h / 6.0;
    const double* y0 = &y_[2 * i * terms];
    const double* y1 = y0 + 2 * terms;
    const double* m0 = &m_[2 * i * terms];
    const double* m1 = m0 + 2 * terms;
    for (std::size_t t = 0; t < terms; ++t) {
      const double re = u * y0[2 * t] + t1 * y1[2 * t] + (c0 * m0[2 * t] + c1 * m1[2 * t]);
      const double im = u * y0[2 * t + 1] + t1 * y1[2 * t + 1] + (c0 * m0[2 * t + 1] + c1 * m1[2 * t + 1]);
      out[t] = tau_[t] == 0.0 ? cplx(re, im) : rotate(cplx(re, im), x, -tau_[t]);
    }
  }

 private:
  std::vector<double> f_;
  int ports_;
  std::vector<double> tau_;
  std::vector<double> y_, m_;  // [point][term][re, im]
};

}  // namespace

double term_delay_s(const Network& net, int to_port, int from_port) {
  if (to_port < 0 || from_port < 0 || to_port >= net.ports() || from_port >= net.ports())
    throw std::invalid_argument("term_delay_s: port index out of range");
  TermTrace trace;
  trace.gather(net, to_port, from_port, 0);
  return trace_delay_s(net.freq_hz().data(), trace.mag.data(), trace.phase.data(), net.size());
}

Network resample(const Network& net, std::span<const double> new_freq_hz) {
  const auto& f = net.freq_hz();
  if (net.size() == 0) throw std::invalid_argument("resample: the network has no frequencies");
  const double lo = f.front(), hi = f.back();
  const double slack = 1e-12 * std::max(hi, 1.0);
  for (std::size_t k = 0; k < new_freq_hz.size(); ++k) {
    const double x = new_freq_hz[k];
    if (!(x >= lo - slack && x <= hi + slack))
      throw std::invalid_argument("resample: frequency " + phy::number_text(x, 9) + " Hz is outside the data (" + phy::number_text(lo, 9) + " .. " +
                                  phy::number_text(hi, 9) + " Hz); extrapolate_to_dc / to_uniform_grid extend the range");
    if (k > 0 && !(x > new_freq_hz[k - 1]))
      throw std::invalid_argument("resample: new frequencies must be strictly increasing (index " + std::to_string(k) + ")");
  }
  Network out(std::vector<double>(new_freq_hz.begin(), new_freq_hz.end()), net.ports(), net.z0_ohm());
  out.name = net.name;
  const TermSplines splines(net);
  for (std::size_t k = 0; k < new_freq_hz.size(); ++k) splines.at(new_freq_hz[k], out.s(k).data());
  return out;
}

namespace {

// The DC fit of extrapolate_to_dc: Re S' = c0 + c2 f^2 + c4 f^4 over the lowest `points` points,
// factorised once per network (the abscissae are shared by every term).
class DcFit {
 public:
  DcFit(const Network& net, int points)
      : m_(static_cast<Eigen::Index>(std::min<std::size_t>(static_cast<std::size_t>(points), net.size()))) {
    const Eigen::Index order = m_ >= 5 ? 3 : m_ >= 2 ? 2 : 1;  // c0, c2 f^2, c4 f^4
    const double fs = net.freq_hz()[static_cast<std::size_t>(m_ - 1)];  // scale for conditioning
    Eigen::MatrixXd a(m_, order);
    for (Eigen::Index r = 0; r < m_; ++r) {
      const double x = net.freq_hz()[static_cast<std::size_t>(r)] / fs;
      double p = 1.0;
      for (Eigen::Index c = 0; c < order; ++c, p *= x * x) a(r, c) = p;
    }
    qr_ = a.colPivHouseholderQr();
    y_.resize(m_);
  }
  /// S(0) of one term from its values v at the network's frequencies f and its delay tau.
  cplx dc(const cplx* v, const double* f, double tau) {
    for (Eigen::Index r = 0; r < m_; ++r) {
      const auto k = static_cast<std::size_t>(r);
      y_(r) = rotate(v[k], f[k], tau).real();
    }
    return cplx(qr_.solve(y_)(0), 0.0);
  }

 private:
  Eigen::Index m_;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr_;
  Eigen::VectorXd y_;
};

void check_dc_options(const Network& net, const DcExtrapolationOptions& options) {
  if (net.size() == 0) throw std::invalid_argument("extrapolate_to_dc: the network has no frequencies");
  if (options.points < 2)
    throw std::invalid_argument("extrapolate_to_dc: points = " + std::to_string(options.points) + " must be >= 2");
}

}  // namespace

Network extrapolate_to_dc(const Network& net, const DcExtrapolationOptions& options) {
  check_dc_options(net, options);
  if (net.freq_hz().front() == 0.0) return net;
  std::vector<double> freqs{0.0};
  freqs.insert(freqs.end(), net.freq_hz().begin(), net.freq_hz().end());
  Network out(freqs, net.ports(), net.z0_ohm());
  out.name = net.name;
  for (std::size_t k = 0; k < net.size(); ++k) out.s(k + 1) = net.s(k);
  DcFit fit(net, options.points);
  TermTrace trace;
  for (int i = 0; i < net.ports(); ++i)
    for (int j = 0; j < net.ports(); ++j) {
      trace.gather(net, i, j, 0);
      const double tau = trace_delay_s(net.freq_hz().data(), trace.mag.data(), trace.phase.data(), net.size());
      out.s(0, i, j) = fit.dc(trace.v.data(), net.freq_hz().data(), tau);
    }
  return out;
}

struct BandLimitedNetwork::Impl {
  int ports = 0;
  std::vector<double> z0;
  std::string name;
  std::optional<TermSplines> splines;  // of the data with a DC point
  double f_end = 0.0, taper_hz = 0.0, tau_s = 0.0;
  Eigen::MatrixXcd last;    // S(f_end)
};

BandLimitedNetwork::BandLimitedNetwork(const Network& net, const BandLimitOptions& options) {
  if (!(options.taper_hz >= 0.0))
    throw std::invalid_argument("to_uniform_grid: taper = " + phy::number_text(options.taper_hz, 9) + " Hz must be >= 0");
  if (net.size() == 0) throw std::invalid_argument("to_uniform_grid: the network has no frequencies");
  auto impl = std::make_shared<Impl>();
  impl->ports = net.ports();
  impl->z0 = net.z0_ohm();
  impl->name = net.name;
  // The network of extrapolate_to_dc(net) (the data with a DC point in front, when they have none)
  // prepared term by term without forming it: each term is gathered once, with its magnitudes and
  // phases, which serve its delay without the DC point (for the DC fit), its delay with it (the
  // splines) and the choice of the main path below.
  const bool add_dc = net.freq_hz().front() != 0.0;
  const std::size_t lead = add_dc ? 1 : 0;
  std::vector<double> freqs;
  freqs.reserve(net.size() + lead);
  if (add_dc) freqs.push_back(0.0);
  freqs.insert(freqs.end(), net.freq_hz().begin(), net.freq_hz().end());
  const DcExtrapolationOptions dc_options;
  std::optional<DcFit> fit;
  if (add_dc) fit.emplace(net, dc_options.points);
  impl->splines.emplace(freqs, net.ports());
  TermSplines& splines = *impl->splines;
  // Each term: gathered once, with its magnitudes and phases, which serve its delay without the DC
  // point (for the DC fit), its delay with it (the splines) and its sum |S| (the main path below).
  // Terms are independent: they are prepared in two tasks of whole columns j, so that in the
  // point-major layout (column-major terms within a point) each task writes its own stretch of
  // every point and the two share a cache line at most at their boundary.
  const int ports = net.ports();
  const std::size_t terms = static_cast<std::size_t>(ports * ports);
  std::vector<double> mag_sum(terms, 0.0);  // per term i * ports + j
  const std::size_t tasks = ports > 1 ? 2 : 1;
  auto prepare = [&](std::size_t task) {
    const int j0 = static_cast<int>(task) * ports / static_cast<int>(tasks);
    const int j1 = static_cast<int>(task + 1) * ports / static_cast<int>(tasks);
    std::optional<DcFit> own = fit;  // its solve uses a buffer of its own
    TermTrace trace;
    for (int j = j0; j < j1; ++j)
      for (int i = 0; i < ports; ++i) {
        trace.gather(net, i, j, lead);
        if (add_dc) {
          const double tau = trace_delay_s(net.freq_hz().data(), trace.mag.data() + 1, trace.phase.data() + 1, net.size());
          trace.v[0] = own->dc(trace.v.data() + 1, net.freq_hz().data(), tau);
          trace.mag[0] = std::abs(trace.v[0]);
          trace.phase[0] = std::arg(trace.v[0]);
        }
        splines.set_term(i, j, trace.v.data(),
                         trace_delay_s(freqs.data(), trace.mag.data(), trace.phase.data(), freqs.size()));
        double sum = 0.0;
        for (double m : trace.mag) sum += m;
        mag_sum[static_cast<std::size_t>(i * ports + j)] = sum;
      }
  };
  if (options.for_each && tasks > 1)
    options.for_each(tasks, prepare);
  else
    for (std::size_t t = 0; t < tasks; ++t) prepare(t);
  // Band-limit strategy (see to_uniform_grid): common linear phase of the main path, the
  // transmission term of largest sum |S| (first of equals, rows before columns), raised-cosine taper.
  int ti = 0, tj = 0;
  double best = -1.0;
  for (int i = 0; i < ports; ++i)
    for (int j = 0; j < ports; ++j) {
      if (i == j && ports > 1) continue;
      const double sum = mag_sum[static_cast<std::size_t>(i * ports + j)];
      if (sum > best) {
        best = sum;
        ti = i;
        tj = j;
      }
    }
  splines.finish();
  impl->tau_s = splines.tau_s(ti, tj);
  impl->f_end = freqs.back();
  impl->taper_hz = options.taper_hz > 0.0 ? options.taper_hz : 0.1 * impl->f_end;
  impl->last = net.s(net.size() - 1);
  impl_ = std::move(impl);
}

int BandLimitedNetwork::ports() const { return impl_->ports; }
const std::vector<double>& BandLimitedNetwork::z0_ohm() const { return impl_->z0; }
double BandLimitedNetwork::data_end_hz() const { return impl_->f_end; }
double BandLimitedNetwork::zero_above_hz() const { return impl_->f_end + impl_->taper_hz; }

Network BandLimitedNetwork::evaluate(std::span<const double> freq_hz) const {
  const Impl& m = *impl_;
  for (std::size_t k = 0; k < freq_hz.size(); ++k)
    if (!(freq_hz[k] >= 0.0) || !std::isfinite(freq_hz[k]))
      throw std::invalid_argument("network: frequency " + phy::number_text(freq_hz[k], 9) + " Hz must be finite and >= 0");
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), m.ports, m.z0);
  out.name = m.name;
  for (std::size_t k = 0; k < freq_hz.size(); ++k) {
    const double f = freq_hz[k];
    if (f <= m.f_end * (1.0 + 1e-12)) {
      m.splines->at(f, out.s(k).data());
    } else if (const double x = f - m.f_end; x < m.taper_hz) {
      const double w = 0.5 * (1.0 + std::cos(phy::pi * x / m.taper_hz));
      out.s(k) = m.last * (w * rotate(cplx(1.0, 0.0), x, -m.tau_s));
    }  // else 0: the network's constructor zeroes S
  }
  return out;
}

Network to_uniform_grid(const Network& net, double df_hz, double fmax_hz, const BandLimitOptions& options) {
  if (!(df_hz > 0.0) || !std::isfinite(df_hz))
    throw std::invalid_argument("to_uniform_grid: df = " + phy::number_text(df_hz, 9) + " Hz must be > 0");
  if (!(fmax_hz >= df_hz) || !std::isfinite(fmax_hz))
    throw std::invalid_argument("to_uniform_grid: fmax = " + phy::number_text(fmax_hz, 9) + " Hz must be >= df (" + phy::number_text(df_hz, 9) + " Hz)");
  const BandLimitedNetwork band_limited(net, options);
  const auto count = static_cast<std::size_t>(std::floor(fmax_hz / df_hz * (1.0 + 1e-12))) + 1;
  std::vector<double> grid(count);
  for (std::size_t k = 0; k < count; ++k) grid[k] = df_hz * static_cast<double>(k);
  return band_limited.evaluate(grid);
}

}  // namespace phylane::channels
