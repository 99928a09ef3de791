#include "solvers/com_receiver.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"

namespace phylane::solvers {

std::vector<int> com_floating_dfe_taps(std::span<const double> post, double cursor_v, const ComFloatingDfe& f) {
  if (f.n_bf < 1 || f.n_bg < 1 || f.n_b < 0 || f.n_f - f.n_b < f.n_bf * f.n_bg)
    throw std::invalid_argument("COM floating DFE: N_bg = " + std::to_string(f.n_bg) + " groups of N_bf = " +
                                std::to_string(f.n_bf) + " taps must fit between N_b + 1 = " + std::to_string(f.n_b + 1) +
                                " and N_f = " + std::to_string(f.n_f));
  const std::size_t bf = static_cast<std::size_t>(f.n_bf), bg = static_cast<std::size_t>(f.n_bg);
  const std::size_t len = static_cast<std::size_t>(f.n_f - f.n_b);
  // The gain of a group starting at window position s (tap N_b + 1 + s): the ISI energy its taps
  // remove when each is limited to bmaxg h(0). A negative cursor removes nothing.
  std::vector<double> gain(len - bf + 1, 0.0);
  for (std::size_t s = 0; s < gain.size(); ++s)
    for (std::size_t i = s; i < s + bf; ++i) {
      const std::size_t n = static_cast<std::size_t>(f.n_b) + i;  // post index of tap n + 1
      const double h = n < post.size() ? std::abs(post[n]) : 0.0;
      const double rest = cursor_v >= 0.0 ? std::max(0.0, h - f.bmaxg * cursor_v) : h;
      gain[s] += h * h - rest * rest;
    }
  // Zeroing a start position beyond the gains' end extends them with zeros, as the reference
  // code's array assignment does (such a start then sorts after every real one of equal gain).
  auto zero = [&](std::size_t s) {
    if (s >= gain.size()) gain.resize(s + 1, 0.0);
    gain[s] = 0.0;
  };
  std::vector<std::size_t> order;
  auto sort_desc = [&] {  // descending, ties in index order (a stable sort, as the reference's)
    order.resize(gain.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return gain[a] > gain[b]; });
  };
  auto before = [&](std::size_t s) {  // starts less than one group before s (overlapping it)
    std::vector<std::size_t> v;
    for (std::size_t t = s >= bf - 1 ? s - (bf - 1) : 0; t < s; ++t) v.push_back(t);
    return v;
  };
  std::vector<std::size_t> taps;  // window positions of every chosen tap
  auto taken = [&](std::size_t v) { return std::find(taps.begin(), taps.end(), v) != taps.end(); };
  auto take = [&](std::size_t s) {
    for (std::size_t i = 0; i < bf; ++i) taps.push_back(s + i);
  };
  long next = -1;  // a start exactly one group before a chosen one, taken as the next group
  for (std::size_t k = 0; k < bg; ++k) {
    sort_desc();
    if (k == 0) {
      // The shortcut: the (N_bg - 1) N_bf + 1 strongest starts are exactly the first ones.
      const std::size_t n_top = (bg - 1) * bf + 1;
      std::vector<std::size_t> top(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_top));
      std::sort(top.begin(), top.end());
      bool first_ones = true;
      for (std::size_t i = 0; i < n_top; ++i) first_ones = first_ones && top[i] == i;
      if (first_ones) {
        taps.clear();
        for (std::size_t i = 0; i < bg * bf; ++i) taps.push_back(i);
        break;
      }
    }
    if (next >= 0) {
      const std::size_t s = static_cast<std::size_t>(next);
      next = -1;
      take(s);
      for (std::size_t i = 0; i < bf; ++i) zero(s + i);
      for (std::size_t t : before(s)) zero(t);
      continue;
    }
    std::size_t s = order[0];
    if (k + 1 == bg) {  // the last group: the strongest start
      take(s);
      break;
    }
    std::vector<std::size_t> bad;
    bool again = true, first = true;
    for (std::size_t loops = 0; again && loops <= gain.size(); ++loops) {
      again = false;
      bad.clear();
      for (std::size_t t : before(s))
        if (!taken(t)) bad.push_back(t);
      const long good = static_cast<long>(s) - static_cast<long>(bf);  // one group before s
      if (bad.empty()) break;
      if (!first) sort_desc();
      first = false;
      // Scan the ranking to the first start that is neither s's group nor overlapping it before
      // it, or to the start exactly one group before s.
      std::size_t ii = order.size() - 1;
      bool found_good = false;
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (static_cast<long>(order[i]) == good) {
          found_good = true;
          ii = i;
          break;
        }
        const bool in_check = std::find(bad.begin(), bad.end(), order[i]) != bad.end() || (order[i] >= s && order[i] < s + bf);
        if (!in_check) {
          ii = i;
          break;
        }
      }
      std::size_t bad_rank = order.size();
      for (std::size_t t : bad)
        bad_rank = std::min(bad_rank, static_cast<std::size_t>(std::find(order.begin(), order.end(), t) - order.begin()));
      if (!found_good && bad_rank < ii) {
        // An overlapping start outranks every free one: drop s, try the next strongest.
        again = true;
        zero(s);
        s = order[1];
      }
      if (found_good) next = good;
    }
    for (std::size_t i = 0; i < bf; ++i) zero(s + i);
    take(s);
    for (std::size_t t : bad) zero(t);
  }
  std::vector<int> out;
  for (std::size_t t : taps) out.push_back(f.n_b + 1 + static_cast<int>(t));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<double> com_rx_ffe_force(std::span<const double> h, const ComRxFfeSpec& spec, bool dfe, double b1_max) {
  const int t = spec.taps();
  if (spec.n_pre < 0 || spec.n_post < 0 || h.size() != static_cast<std::size_t>(2 * t + 1))
    throw std::invalid_argument("COM Rx FFE: tap counts >= 0 and 2 T + 1 pulse samples are required");
  auto at = [&](int k) { return h[static_cast<std::size_t>(k + t)]; };  // h(k), |k| <= T
  const std::size_t n = static_cast<std::size_t>(t);
  // Row j + n_pre: sum_i c_i h(j + n_pre - i) = f(j), j = -n_pre ... n_post.
  std::vector<double> a(n * (n + 1));  // [row][col], the last column the forcing vector
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t i = 0; i < n; ++i) a[r * (n + 1) + i] = at(static_cast<int>(r) - static_cast<int>(i));
    a[r * (n + 1) + n] = 0.0;
  }
  const std::size_t cur = static_cast<std::size_t>(spec.n_pre);
  a[cur * (n + 1) + n] = at(0);
  if (dfe && spec.n_post > 0) {
    const double h1 = at(1);
    a[(cur + 1) * (n + 1) + n] = std::min(b1_max * at(0), std::abs(h1)) * (h1 > 0.0 ? 1.0 : h1 < 0.0 ? -1.0 : 0.0);
  }
  // Gaussian elimination with partial pivoting.
  double scale = 0.0;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(a[r * (n + 1) + i]));
  if (!(scale > 0.0)) return {};
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r * (n + 1) + col]) > std::abs(a[piv * (n + 1) + col])) piv = r;
    if (!(std::abs(a[piv * (n + 1) + col]) > 1e-13 * scale)) return {};
    if (piv != col)
      for (std::size_t i = 0; i <= n; ++i) std::swap(a[piv * (n + 1) + i], a[col * (n + 1) + i]);
    for (std::size_t r = col + 1; r < n; ++r) {
      const double q = a[r * (n + 1) + col] / a[col * (n + 1) + col];
      if (q == 0.0) continue;
      for (std::size_t i = col; i <= n; ++i) a[r * (n + 1) + i] -= q * a[col * (n + 1) + i];
    }
  }
  std::vector<double> c(n);
  for (std::size_t r = n; r-- > 0;) {
    double s = a[r * (n + 1) + n];
    for (std::size_t i = r + 1; i < n; ++i) s -= a[r * (n + 1) + i] * c[i];
    c[r] = s / a[r * (n + 1) + r];
  }
  if (!(c[cur] != 0.0) || !std::isfinite(c[cur])) return {};
  const double c0 = c[cur];
  for (double& v : c) v /= c0;  // unit cursor tap (the reference's RXFFE_TAP_CONSTRAINT default)
  if (spec.step != 0.0)
    for (double& v : c) v = std::floor(std::abs(v / spec.step)) * spec.step * (v > 0.0 ? 1.0 : v < 0.0 ? -1.0 : 0.0);
  return c;
}

bool com_rx_ffe_legal(std::span<const double> c, const ComRxFfeSpec& spec) {
  const std::size_t cur = static_cast<std::size_t>(spec.n_pre);
  if (c.size() != static_cast<std::size_t>(spec.taps())) throw std::invalid_argument("COM Rx FFE: wrong number of taps");
  if (c[cur] < spec.main_cursor_min) return false;
  if (spec.n_post > 0) {
    if (std::abs(c[cur + 1]) > spec.post_tap1_max) return false;
    for (std::size_t i = cur + 2; i < c.size(); ++i)
      if (std::abs(c[i]) > spec.tapn_max) return false;
  }
  if (spec.n_pre > 0) {
    if (std::abs(c[cur - 1]) > spec.pre_tap1_max) return false;
    for (std::size_t i = 0; i + 1 < cur; ++i)
      if (std::abs(c[i]) > spec.tapn_max) return false;
  }
  return true;
}

TxFfe com_cascade_ffe(const TxFfe& a, std::span<const double> rx, int rx_pre) {
  const std::vector<double> at = a.taps.empty() ? std::vector<double>{1.0} : a.taps;
  TxFfe out;
  out.n_pre = a.n_pre + rx_pre;
  out.taps.assign(at.size() + rx.size() - 1, 0.0);
  for (std::size_t i = 0; i < at.size(); ++i)
    for (std::size_t j = 0; j < rx.size(); ++j) out.taps[i + j] += at[i] * rx[j];
  return out;
}

void com_apply_fir(const PulseResponse& in, const TxFfe& fir, PulseResponse& out) {
  out = in;
  const long m = static_cast<long>(in.samples_per_ui), nx = static_cast<long>(in.samples_v.size());
  std::fill(out.samples_v.begin(), out.samples_v.end(), 0.0);
  for (std::size_t t = 0; t < fir.taps.size(); ++t) {
    const double c = fir.taps[t];
    if (c == 0.0) continue;
    const long shift = (static_cast<long>(t) - fir.n_pre) * m;  // out[i] += c in[i - shift]
    for (long i = std::max(0L, shift); i < std::min(nx, nx + shift); ++i)
      out.samples_v[static_cast<std::size_t>(i)] += c * in.samples_v[static_cast<std::size_t>(i - shift)];
  }
}

double ComRaisedCosine::response(double f_hz) const {
  if (!on() || f_hz < start_hz) return 1.0;
  if (f_hz > end_hz) return 0.0;
  return 0.5 * (1.0 + std::cos(phy::pi * (f_hz - start_hz) / (end_hz - start_hz)));
}

std::vector<double> com_noise_autocorrelation(double eta0, const RxFilter& rx, const Ctle& ctle, double fmax_hz,
                                              double f_b_baud, int lags, const ComRaisedCosine& rc) {
  if (!(eta0 >= 0.0) || !(fmax_hz > 0.0) || !(f_b_baud > 0.0) || lags < 1)
    throw std::invalid_argument("COM noise autocorrelation: eta_0 >= 0, fmax > 0, f_b > 0 and lags >= 1 are required");
  std::vector<double> r(static_cast<std::size_t>(lags), 0.0);
  if (eta0 == 0.0) return r;
  // 8-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun Table 25.4).
  static constexpr std::array<double, 4> x{0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                           0.9602898564975363};
  static constexpr std::array<double, 4> w{0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                           0.1012285362903763};
  // Panels f_b/64 wide (a lag of d UI oscillates d times per f_b), 32 per lowest corner below 8
  // corners, where the CTLE's low-frequency pole/zero shapes the integrand.
  double corner = f_b_baud;
  for (const channels::RationalFilter* rf : {&rx.rational(), &ctle.rational()}) {
    for (const auto& z : rf->zeros_hz())
      if (std::abs(z) > 0.0) corner = std::min(corner, std::abs(z));
    for (const auto& p : rf->poles_hz())
      if (std::abs(p) > 0.0) corner = std::min(corner, std::abs(p));
  }
  auto panel = [&](double a, double b) {
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    for (std::size_t q = 0; q < 8; ++q) {
      const double f = mid + (q < 4 ? -x[q] : x[q - 4]) * half, wq = w[q % 4] * half;
      double g = eta0 * std::norm(rx.response(f) * ctle.response(f)) * wq;
      if (rc.on()) g *= rc.response(f) * rc.response(f);
      const double ph = 2.0 * phy::pi * f / f_b_baud;
      for (int d = 0; d < lags; ++d) r[static_cast<std::size_t>(d)] += g * std::cos(ph * d);
    }
  };
  if (rc.on()) fmax_hz = std::min(fmax_hz, rc.end_hz);  // 0 above
  const double f_fine = std::min(fmax_hz, 8.0 * corner), fine = corner / 32.0, coarse = f_b_baud / 64.0;
  double f = 0.0;
  if (fine < coarse)
    for (; f < f_fine; f = std::min(f_fine, f + fine)) panel(f, std::min(f_fine, f + fine));
  for (; f < fmax_hz; f = std::min(fmax_hz, f + coarse)) panel(f, std::min(fmax_hz, f + coarse));
  return r;
}

}  // namespace phylane::solvers
