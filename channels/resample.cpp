#include "channels/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

// Cubic spline through (x_i, y_i) with not-a-knot end conditions (the third derivative is
// continuous at the second and the second-to-last points), so that the error is O(h^4) up to
// the ends, where a natural spline (zero curvature at the ends) would be O(h^2). Second
// derivatives from the tridiagonal system by the Thomas algorithm. Source: C. de Boor, A
// Practical Guide to Splines, rev. ed., Springer 2001, ch. IV (not-a-knot); W. H. Press et al.,
// Numerical Recipes, 3rd ed., sec. 3.3 (the tridiagonal system). 3 points: natural; fewer: linear.
class Spline {
 public:
  Spline(const std::vector<double>& x, std::vector<double> y) : x_(x), y_(std::move(y)), m_(x.size(), 0.0) {
    const std::size_t n = x_.size();
    if (n < 3) return;
    // Unknowns m_1 .. m_{n-2}; row i: a m_{i-1} + b m_i + c m_{i+1} = r.
    const std::size_t u = n - 2;
    std::vector<double> lo(u, 0.0), di(u, 0.0), up(u, 0.0), rhs(u, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double h0 = x_[i] - x_[i - 1], h1 = x_[i + 1] - x_[i];
      lo[i - 1] = h0 / 6.0;
      di[i - 1] = (h0 + h1) / 3.0;
      up[i - 1] = h1 / 6.0;
      rhs[i - 1] = (y_[i + 1] - y_[i]) / h1 - (y_[i] - y_[i - 1]) / h0;
    }
    const bool not_a_knot = n >= 4;
    if (not_a_knot) {
      // m_0 = ((h0 + h1) m_1 - h0 m_2) / h1 folded into the first row, likewise at the end.
      const double h0 = x_[1] - x_[0], h1 = x_[2] - x_[1];
      di[0] += lo[0] * (h0 + h1) / h1;
      up[0] -= lo[0] * h0 / h1;
      const double g0 = x_[n - 1] - x_[n - 2], g1 = x_[n - 2] - x_[n - 3];
      di[u - 1] += up[u - 1] * (g0 + g1) / g1;
      lo[u - 1] -= up[u - 1] * g0 / g1;
    }
    for (std::size_t i = 1; i < u; ++i) {
      const double w = lo[i] / di[i - 1];
      di[i] -= w * up[i - 1];
      rhs[i] -= w * rhs[i - 1];
    }
    m_[u] = rhs[u - 1] / di[u - 1];
    for (std::size_t i = u - 1; i >= 1; --i) m_[i] = (rhs[i - 1] - up[i - 1] * m_[i + 1]) / di[i - 1];
    if (not_a_knot) {
      const double h0 = x_[1] - x_[0], h1 = x_[2] - x_[1];
      m_[0] = ((h0 + h1) * m_[1] - h0 * m_[2]) / h1;
      const double g0 = x_[n - 1] - x_[n - 2], g1 = x_[n - 2] - x_[n - 3];
      m_[n - 1] = ((g0 + g1) * m_[n - 2] - g0 * m_[n - 3]) / g1;
    }
  }
  /// Value at x, given the index i of the interval [x_i, x_{i+1}] that holds it.
  double at(double x, std::size_t i) const {
    const std::size_t n = x_.size();
    if (n == 1) return y_[0];
    const double h = x_[i + 1] - x_[i];
    const double t = (x - x_[i]) / h, u = 1.0 - t;
    return u * y_[i] + t * y_[i + 1] + ((u * u * u - u) * m_[i] + (t * t * t - t) * m_[i + 1]) * h * h / 6.0;
  }

 private:
  const std::vector<double>& x_;
  std::vector<double> y_;
  std::vector<double> m_;
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

}  // namespace

double term_delay_s(const Network& net, int to_port, int from_port) {
  if (to_port < 0 || from_port < 0 || to_port >= net.ports() || from_port >= net.ports())
    throw std::invalid_argument("term_delay_s: port index out of range");
  const auto& f = net.freq_hz();
  double peak = 0.0;
  for (std::size_t k = 0; k < net.size(); ++k) peak = std::max(peak, std::abs(net.s(k, to_port, from_port)));
  if (!(peak > 0.0)) return 0.0;
  // Weighted least squares of the unwrapped phase phi = c - omega tau over the qualifying points.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  double prev = 0.0, offset = 0.0;
  bool first = true;
  std::size_t used = 0;
  for (std::size_t k = 0; k < net.size(); ++k) {
    const cplx v = net.s(k, to_port, from_port);
    const double mag = std::abs(v);
    if (mag < 1e-3 * peak) continue;
    double ph = std::arg(v);
    if (!first) {
      double step = ph + offset - prev;
      offset -= 2.0 * phy::pi * std::round(step / (2.0 * phy::pi));
    }
    ph += offset;
    prev = ph;
    first = false;
    const double w = mag * mag, x = 2.0 * phy::pi * f[k];
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
  std::vector<std::size_t> interval(new_freq_hz.size());
  for (std::size_t k = 0; k < new_freq_hz.size(); ++k) interval[k] = interval_of(f, new_freq_hz[k]);
  std::vector<double> re(net.size()), im(net.size());
  for (int i = 0; i < net.ports(); ++i)
    for (int j = 0; j < net.ports(); ++j) {
      const double tau = term_delay_s(net, i, j);
      for (std::size_t k = 0; k < net.size(); ++k) {
        const cplx v = rotate(net.s(k, i, j), f[k], tau);
        re[k] = v.real();
        im[k] = v.imag();
      }
      const Spline sr(f, re), si(f, im);
      for (std::size_t k = 0; k < new_freq_hz.size(); ++k) {
        const double x = std::clamp(new_freq_hz[k], lo, hi);
        out.s(k, i, j) = rotate(cplx(sr.at(x, interval[k]), si.at(x, interval[k])), x, -tau);
      }
    }
  return out;
}

Network extrapolate_to_dc(const Network& net, const DcExtrapolationOptions& options) {
  if (net.size() == 0) throw std::invalid_argument("extrapolate_to_dc: the network has no frequencies");
  if (options.points < 2)
    throw std::invalid_argument("extrapolate_to_dc: points = " + std::to_string(options.points) + " must be >= 2");
  if (net.freq_hz().front() == 0.0) return net;
  std::vector<double> freqs{0.0};
  freqs.insert(freqs.end(), net.freq_hz().begin(), net.freq_hz().end());
  Network out(freqs, net.ports(), net.z0_ohm());
  out.name = net.name;
  for (std::size_t k = 0; k < net.size(); ++k) out.s(k + 1) = net.s(k);

  const auto m = static_cast<Eigen::Index>(std::min<std::size_t>(static_cast<std::size_t>(options.points), net.size()));
  const Eigen::Index order = m >= 5 ? 3 : m >= 2 ? 2 : 1;  // c0, c2 f^2, c4 f^4
  const double fs = net.freq_hz()[static_cast<std::size_t>(m - 1)];  // scale for conditioning
  Eigen::MatrixXd a(m, order);
  for (Eigen::Index r = 0; r < m; ++r) {
    const double x = net.freq_hz()[static_cast<std::size_t>(r)] / fs;
    double p = 1.0;
    for (Eigen::Index c = 0; c < order; ++c, p *= x * x) a(r, c) = p;
  }
  const auto qr = a.colPivHouseholderQr();
  Eigen::VectorXd y(m);
  for (int i = 0; i < net.ports(); ++i)
    for (int j = 0; j < net.ports(); ++j) {
      const double tau = term_delay_s(net, i, j);
      for (Eigen::Index r = 0; r < m; ++r) {
        const auto k = static_cast<std::size_t>(r);
        y(r) = rotate(net.s(k, i, j), net.freq_hz()[k], tau).real();
      }
      out.s(0, i, j) = cplx(qr.solve(y)(0), 0.0);
    }
  return out;
}

Network to_uniform_grid(const Network& net, double df_hz, double fmax_hz, const BandLimitOptions& options) {
  if (!(df_hz > 0.0) || !std::isfinite(df_hz))
    throw std::invalid_argument("to_uniform_grid: df = " + phy::number_text(df_hz, 9) + " Hz must be > 0");
  if (!(fmax_hz >= df_hz) || !std::isfinite(fmax_hz))
    throw std::invalid_argument("to_uniform_grid: fmax = " + phy::number_text(fmax_hz, 9) + " Hz must be >= df (" + phy::number_text(df_hz, 9) + " Hz)");
  if (!(options.taper_hz >= 0.0))
    throw std::invalid_argument("to_uniform_grid: taper = " + phy::number_text(options.taper_hz, 9) + " Hz must be >= 0");
  if (net.size() == 0) throw std::invalid_argument("to_uniform_grid: the network has no frequencies");
  const Network src = extrapolate_to_dc(net);
  const double f_end = src.freq_hz().back();
  const auto count = static_cast<std::size_t>(std::floor(fmax_hz / df_hz * (1.0 + 1e-12))) + 1;
  std::vector<double> grid(count);
  for (std::size_t k = 0; k < count; ++k) grid[k] = df_hz * static_cast<double>(k);
  std::size_t inside = 0;
  while (inside < count && grid[inside] <= f_end * (1.0 + 1e-12)) ++inside;

  Network out(grid, src.ports(), src.z0_ohm());
  out.name = src.name;
  const Network in_band = resample(src, std::span<const double>(grid.data(), inside));
  for (std::size_t k = 0; k < inside; ++k) out.s(k) = in_band.s(k);
  if (inside == count) return out;

  // Band-limit strategy (see header): common linear phase of the main path, raised-cosine taper.
  int ti = 0, tj = 0;
  double best = -1.0;
  for (int i = 0; i < src.ports(); ++i)
    for (int j = 0; j < src.ports(); ++j) {
      if (i == j && src.ports() > 1) continue;
      double sum = 0.0;
      for (std::size_t k = 0; k < src.size(); ++k) sum += std::abs(src.s(k, i, j));
      if (sum > best) {
        best = sum;
        ti = i;
        tj = j;
      }
    }
  const double tau = term_delay_s(src, ti, tj);
  const double taper = options.taper_hz > 0.0 ? options.taper_hz : 0.1 * f_end;
  const Eigen::MatrixXcd last = src.s(src.size() - 1);
  for (std::size_t k = inside; k < count; ++k) {
    const double x = grid[k] - f_end;
    const double w = x < taper ? 0.5 * (1.0 + std::cos(phy::pi * x / taper)) : 0.0;
    out.s(k) = last * (w * rotate(cplx(1.0, 0.0), x, -tau));
  }
  return out;
}

}  // namespace phylane::channels
