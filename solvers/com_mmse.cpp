#include "solvers/com_mmse.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace phylane::solvers {

namespace {

// Solves a x = y in place (a: n x n row-major, overwritten; y becomes x) by Gaussian elimination
// with partial pivoting. False when a pivot falls below 1e-14 of the largest entry (singular to
// working precision).
bool solve_dense(std::vector<double>& a, std::vector<double>& y) {
  const std::size_t n = y.size();
  double scale = 0.0;
  for (double v : a) scale = std::max(scale, std::abs(v));
  if (!(scale > 0.0)) return false;
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[piv * n + col])) piv = r;
    if (!(std::abs(a[piv * n + col]) > 1e-14 * scale)) return false;
    if (piv != col) {
      for (std::size_t i = 0; i < n; ++i) std::swap(a[piv * n + i], a[col * n + i]);
      std::swap(y[piv], y[col]);
    }
    for (std::size_t r = col + 1; r < n; ++r) {
      const double q = a[r * n + col] / a[col * n + col];
      if (q == 0.0) continue;
      for (std::size_t i = col; i < n; ++i) a[r * n + i] -= q * a[col * n + i];
      y[r] -= q * y[col];
    }
  }
  for (std::size_t r = n; r-- > 0;) {
    double s = y[r];
    for (std::size_t i = r + 1; i < n; ++i) s -= a[r * n + i] * y[i];
    y[r] = s / a[r * n + r];
  }
  for (double v : y)
    if (!std::isfinite(v)) return false;
  return true;
}

// The FFE w (nw taps) for fixed DFE taps bf (nb), unit cursor: [R -h0; h0' 0] [w; l] = [h0 +
// H_b' bf; 1] (a and y: scratch). False when the system is singular (w untouched).
bool solve_fixed_dfe(const double* rr, const double* h0, const double* hb, const double* bf, std::size_t nw,
                     std::size_t nb, std::vector<double>& a, std::vector<double>& y, std::vector<double>& w) {
  const std::size_t n2 = nw + 1;
  a.assign(n2 * n2, 0.0);
  y.assign(n2, 0.0);
  for (std::size_t i = 0; i < nw; ++i) {
    for (std::size_t j = 0; j < nw; ++j) a[i * n2 + j] = rr[i * nw + j];
    a[i * n2 + nw] = -h0[i];
    a[nw * n2 + i] = h0[i];
    y[i] = h0[i];
    for (std::size_t k = 0; k < nb; ++k) y[i] += hb[k * nw + i] * bf[k];
  }
  y[nw] = 1.0;
  if (!solve_dense(a, y)) return false;
  w.assign(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(nw));
  return true;
}

// The mean squared error of an FFE w (nw taps) with DFE taps b (nb), unit cursor, normalised:
// e = w' R w + 1 + b' b - 2 w' h0 - 2 (H_b w)' b, R row-major nw x nw, H_b row-major nb x nw.
double mse_of(const double* rr, const double* h0, const double* hb, const double* w, const double* b, std::size_t nw,
              std::size_t nb) {
  double quad = 0.0, lin = 0.0, cross = 0.0, bb = 0.0;
  for (std::size_t i = 0; i < nw; ++i) {
    double ri = 0.0;
    for (std::size_t j = 0; j < nw; ++j) ri += rr[i * nw + j] * w[j];
    quad += w[i] * ri;
    lin += w[i] * h0[i];
  }
  for (std::size_t k = 0; k < nb; ++k) {
    double hw = 0.0;
    for (std::size_t j = 0; j < nw; ++j) hw += hb[k * nw + j] * w[j];
    cross += hw * b[k];
    bb += b[k] * b[k];
  }
  return quad + 1.0 + bb - 2.0 * lin - 2.0 * cross;
}

}  // namespace

void com_lag_products(std::span<const double> v, int lags, std::vector<double>& s) {
  if (lags < 1) throw std::invalid_argument("COM lag products: lags >= 1 required");
  s.assign(static_cast<std::size_t>(lags), 0.0);
  const std::size_t n = v.size();
  for (std::size_t l = 0; l < s.size() && l < n; ++l) {
    double acc = 0.0;
    for (std::size_t k = 0; k + l < n; ++k) acc += v[k] * v[k + l];
    s[l] = acc;
  }
}

void com_filtered_autocorrelation(std::span<const double> s, const TxFfe& fir, int lags, std::vector<double>& r) {
  const std::vector<double> one{1.0};
  const std::vector<double>& c = fir.taps.empty() ? one : fir.taps;
  const long nt = static_cast<long>(c.size());
  if (lags < 1 || static_cast<long>(s.size()) < lags + nt - 1)
    throw std::invalid_argument("COM filtered autocorrelation: lags >= 1 and lags + taps - 1 lag products required");
  r.assign(static_cast<std::size_t>(lags), 0.0);
  for (long d = 0; d < lags; ++d) {
    double acc = 0.0;
    for (long t = 0; t < nt; ++t) {
      if (c[static_cast<std::size_t>(t)] == 0.0) continue;
      for (long u = 0; u < nt; ++u)
        acc += c[static_cast<std::size_t>(t)] * c[static_cast<std::size_t>(u)] * s[static_cast<std::size_t>(std::labs(d + t - u))];
    }
    r[static_cast<std::size_t>(d)] = acc;
  }
}

ComMmseResult com_rx_ffe_mmse(std::span<const double> h, std::size_t cursor, std::span<const double> noise_r,
                              double var_x, double r_lm, int levels, const ComMmseSpec& spec,
                              std::span<const double> h_lags) {
  const int nw_i = spec.taps();
  if (spec.n_pre < 0 || spec.n_post < 0 || nw_i < 2 || spec.b_min.size() != spec.b_max.size() ||
      noise_r.size() < static_cast<std::size_t>(nw_i) || cursor >= h.size() || !(var_x > 0.0) || levels < 2)
    throw std::invalid_argument("COM MMSE Rx FFE: tap counts >= 0 (at least 2 taps), b_min and b_max of one length, " +
                                std::to_string(nw_i) + " noise lags, a cursor inside h, var_x > 0 and L >= 2 required");
  const std::size_t nw = static_cast<std::size_t>(nw_i), nb = spec.b_max.size(), dw = static_cast<std::size_t>(spec.n_pre);
  const long nh = static_cast<long>(h.size());
  // Row k of the full convolution matrix is h(k - j), j = 0 .. Nw - 1; the cursor row is
  // d = cursor + d_w (the FFE's pre-cursor taps delay the output by d_w UI).
  const long d = static_cast<long>(cursor + dw);
  auto hv = [&](long k) { return k >= 0 && k < nh ? h[static_cast<std::size_t>(k)] : 0.0; };
  std::vector<double> h0(nw), hb(nb * nw);  // hb[n][j] = H(d + 1 + n, j)
  for (std::size_t j = 0; j < nw; ++j) {
    h0[j] = hv(d - static_cast<long>(j));
    for (std::size_t n = 0; n < nb; ++n) hb[n * nw + j] = hv(d + 1 + static_cast<long>(n) - static_cast<long>(j));
  }
  // R = H^T H + R_n / sigma_X^2: H^T H is Toeplitz in the autocorrelation of h.
  std::vector<double> shh;
  if (h_lags.empty()) com_lag_products(h, nw_i, shh);
  else if (h_lags.size() >= nw) shh.assign(h_lags.begin(), h_lags.begin() + static_cast<std::ptrdiff_t>(nw));
  else throw std::invalid_argument("COM MMSE Rx FFE: h_lags needs " + std::to_string(nw) + " lag products");
  std::vector<double> rr(nw * nw);
  for (std::size_t i = 0; i < nw; ++i)
    for (std::size_t j = 0; j < nw; ++j) {
      const std::size_t l = i > j ? i - j : j - i;
      rr[i * nw + j] = shh[l] + noise_r[l] / var_x;
    }

  ComMmseResult out;
  // 1. The joint solution.
  const std::size_t n1 = nw + nb + 1;
  std::vector<double> a(n1 * n1, 0.0), y(n1, 0.0);
  for (std::size_t i = 0; i < nw; ++i) {
    for (std::size_t j = 0; j < nw; ++j) a[i * n1 + j] = rr[i * nw + j];
    for (std::size_t n = 0; n < nb; ++n) {
      a[i * n1 + nw + n] = -hb[n * nw + i];
      a[(nw + n) * n1 + i] = -hb[n * nw + i];
    }
    a[i * n1 + nw + nb] = -h0[i];
    a[(nw + nb) * n1 + i] = h0[i];
    y[i] = h0[i];
  }
  for (std::size_t n = 0; n < nb; ++n) a[(nw + n) * n1 + nw + n] = 1.0;
  y[nw + nb] = 1.0;
  if (!solve_dense(a, y)) return out;
  std::vector<double> w(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(nw));
  std::vector<double> b(y.begin() + static_cast<std::ptrdiff_t>(nw), y.begin() + static_cast<std::ptrdiff_t>(nw + nb));

  auto clamp_b = [&](const std::vector<double>& v) {
    std::vector<double> o(nb);
    for (std::size_t n = 0; n < nb; ++n) o[n] = std::min(spec.b_max[n], std::max(spec.b_min[n], v[n]));
    return o;
  };
  // w for a fixed DFE: [R -h0^T; h0 0] [w; l] = [h0^T + Hb^T b; 1].
  auto solve_fixed_b = [&](const std::vector<double>& bf, std::vector<double>& wo) {
    std::vector<double> a2, y2;
    return solve_fixed_dfe(rr.data(), h0.data(), hb.data(), bf.data(), nw, nb, a2, y2, wo);
  };
  // The FFE limits relative to the cursor tap (1 at the cursor itself: it is never limited).
  std::vector<double> wmax(nw, spec.tapn_max);
  if (spec.n_pre >= 1) wmax[dw - 1] = spec.pre_tap1_max;
  if (spec.n_post >= 1) wmax[dw + 1] = spec.post_tap1_max;
  wmax[dw] = 1.0;
  auto limit_w = [&](const std::vector<double>& v) {
    std::vector<double> o(nw);
    const double wc = v[dw];
    for (std::size_t i = 0; i < nw; ++i) {
      const double lo = i == dw ? wc : -wmax[i] * wc, hi = wmax[i] * wc;
      o[i] = std::min(hi, std::max(lo, v[i]));
    }
    return o;
  };

  // 2. The DFE limits.
  std::vector<double> blim = clamp_b(b);
  if (nb > 0 && blim != b && !solve_fixed_b(blim, w)) return out;
  // 3. The FFE limits.
  std::vector<double> wlim = limit_w(w);
  if (wlim != w) {
    double g = 0.0;
    for (std::size_t j = 0; j < nw; ++j) g += h0[j] * wlim[j];
    if (!(g != 0.0)) return out;
    for (double& v : wlim) v /= g;  // unit equalised cursor
    if (nb > 0) {
      for (std::size_t n = 0; n < nb; ++n) {
        double s = 0.0;
        for (std::size_t j = 0; j < nw; ++j) s += hb[n * nw + j] * wlim[j];
        b[n] = s;
      }
      blim = clamp_b(b);
    }
    std::vector<double> wl;
    if (!solve_fixed_b(blim, wl)) return out;
    w = limit_w(wl);
  }
  if (!(w[dw] != 0.0) || !std::isfinite(w[dw])) return out;

  // 4. The taps, the MSE and the figure of merit.
  out.mse = mse_of(rr.data(), h0.data(), hb.data(), w.data(), b.data(), nw, nb);
  if (!(out.mse > 0.0)) return out;
  out.fom_db = 20.0 * std::log10(r_lm / (levels - 1) / out.mse);
  out.w = w;
  out.c = w;
  for (double& v : out.c) v /= w[dw];
  out.b = blim;
  out.solved = true;
  return out;
}

ComMmseResult com_rx_ffe_mmse_floating(std::span<const double> h, std::size_t cursor, std::span<const double> noise_r,
                                       double var_x, double r_lm, int levels, const ComMmseSpec& spec,
                                       const ComMmseFloating& floating, std::span<const double> h_lags) {
  const int nfix_i = spec.taps();
  const int nw_i = spec.n_pre + 1 + floating.n_max;
  if (spec.n_pre < 0 || spec.n_post < 0 || nfix_i < 2 || spec.b_min.size() != spec.b_max.size() ||
      floating.n_bg < 1 || floating.n_bf < 1 || floating.n_max < spec.n_post + floating.n_bf ||
      !(floating.bmaxg >= 0.0) || noise_r.size() < static_cast<std::size_t>(nw_i) || cursor >= h.size() ||
      !(var_x > 0.0) || levels < 2)
    throw std::invalid_argument("COM MMSE Rx FFE with floating taps: tap counts >= 0 (at least 2 fixed taps), N_bg, N_bf >= 1, "
                                "N_f >= ffe_post_tap_len + N_bf, bmaxg >= 0, b_min and b_max of one length, " +
                                std::to_string(nw_i) + " noise lags, a cursor inside h, var_x > 0 and L >= 2 required");
  const std::size_t nw = static_cast<std::size_t>(nw_i), nfix = static_cast<std::size_t>(nfix_i);
  const std::size_t nb = spec.b_max.size(), dw = static_cast<std::size_t>(spec.n_pre);
  const long nh = static_cast<long>(h.size());
  const long d = static_cast<long>(cursor + dw);
  auto hv = [&](long k) { return k >= 0 && k < nh ? h[static_cast<std::size_t>(k)] : 0.0; };
  std::vector<double> shh;
  if (h_lags.empty()) com_lag_products(h, nw_i, shh);
  else if (h_lags.size() >= nw) shh.assign(h_lags.begin(), h_lags.begin() + static_cast<std::ptrdiff_t>(nw));
  else throw std::invalid_argument("COM MMSE Rx FFE with floating taps: h_lags needs " + std::to_string(nw) + " lag products");
  // The limits of the fixed taps (as com_rx_ffe_mmse), the floating ones +-bmaxg.
  std::vector<double> wmax_fix(nfix, spec.tapn_max);
  if (spec.n_pre >= 1) wmax_fix[dw - 1] = spec.pre_tap1_max;
  if (spec.n_post >= 1) wmax_fix[dw + 1] = spec.post_tap1_max;
  wmax_fix[dw] = 1.0;

  struct Solved {
    bool ok = false;
    std::vector<double> w, blim;
    double e = 0.0, fom = 0.0;
  };
  std::vector<double> a, y, rr, h0, hb;
  // MMSE_FOM of the reference code for the columns `cols` (tap indices, the fixed ones first).
  auto solve = [&](const std::vector<std::size_t>& cols) {
    Solved out;
    const std::size_t n = cols.size();
    rr.assign(n * n, 0.0);
    h0.assign(n, 0.0);
    hb.assign(nb * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t l = cols[i] > cols[j] ? cols[i] - cols[j] : cols[j] - cols[i];
        rr[i * n + j] = shh[l] + noise_r[l] / var_x;
      }
      h0[i] = hv(d - static_cast<long>(cols[i]));
      for (std::size_t k = 0; k < nb; ++k) hb[k * n + i] = hv(d + 1 + static_cast<long>(k) - static_cast<long>(cols[i]));
    }
    // 1. [R -Hb^T; -Hb I] z = [h0^T; 0].
    const std::size_t n1 = n + nb;
    a.assign(n1 * n1, 0.0);
    y.assign(n1, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) a[i * n1 + j] = rr[i * n + j];
      for (std::size_t k = 0; k < nb; ++k) {
        a[i * n1 + n + k] = -hb[k * n + i];
        a[(n + k) * n1 + i] = -hb[k * n + i];
      }
      y[i] = h0[i];
    }
    for (std::size_t k = 0; k < nb; ++k) a[(n + k) * n1 + n + k] = 1.0;
    if (!solve_dense(a, y)) return out;
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += h0[i] * y[i];
    if (!(s != 0.0) || !std::isfinite(s)) return out;
    std::vector<double> w(n), b(nb), blim(nb);
    for (std::size_t i = 0; i < n; ++i) w[i] = y[i] / s;
    for (std::size_t k = 0; k < nb; ++k) {
      b[k] = y[n + k] / s;
      blim[k] = std::min(spec.b_max[k], std::max(spec.b_min[k], b[k]));
    }
    // 2. The DFE limits.
    if (nb > 0 && blim != b && !solve_fixed_dfe(rr.data(), h0.data(), hb.data(), blim.data(), n, nb, a, y, w))
      return out;
    // 3. The FFE limits, relative to the cursor tap (column dw: the fixed taps come first).
    const double wc = w[dw];
    std::vector<double> wl(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double lim = i < nfix ? wmax_fix[i] : floating.bmaxg;
      const double lo = i == dw ? wc : -lim * wc, hi = lim * wc;
      wl[i] = std::min(hi, std::max(lo, w[i]));
    }
    if (wl != w) {
      double g = 0.0;
      for (std::size_t i = 0; i < n; ++i) g += h0[i] * wl[i];
      if (!(g != 0.0)) return out;
      for (double& v : wl) v /= g;
      for (std::size_t k = 0; k < nb; ++k) {
        double bk = 0.0;
        for (std::size_t i = 0; i < n; ++i) bk += hb[k * n + i] * wl[i];
        blim[k] = std::min(spec.b_max[k], std::max(spec.b_min[k], bk));
      }
    }
    // 4. The MSE and the FOM.
    out.e = mse_of(rr.data(), h0.data(), hb.data(), wl.data(), blim.data(), n, nb);
    if (!(out.e > 0.0) || !std::isfinite(out.e) || !(wl[dw] != 0.0)) return out;
    out.fom = 20.0 * std::log10(r_lm / (levels - 1) / std::sqrt(var_x * out.e));
    out.w = std::move(wl);
    out.blim = std::move(blim);
    out.ok = true;
    return out;
  };

  // The greedy placement (FOM_rxffe_floating_taps): starts l = 1 ... max_isi on post-cursors
  // n_post + l ... n_post + l + n_bf - 1.
  const int bf = floating.n_bf;
  const int max_isi = floating.n_max - spec.n_post - bf + 1;
  std::vector<int> valid;
  for (int l = 1; l <= max_isi; ++l) valid.push_back(l);
  std::vector<int> chosen;  // post-cursor numbers of the floating taps placed
  std::vector<std::size_t> cols;
  for (int g = 0; g < floating.n_bg && !valid.empty(); ++g) {
    double best = -std::numeric_limits<double>::infinity();
    std::size_t best_k = valid.size();
    for (std::size_t k = 0; k < valid.size(); ++k) {
      std::vector<int> taps = chosen;
      for (int t = 0; t < bf; ++t) taps.push_back(spec.n_post + valid[k] + t);
      std::sort(taps.begin(), taps.end());
      cols.resize(nfix);
      for (std::size_t i = 0; i < nfix; ++i) cols[i] = i;
      for (int t : taps) cols.push_back(dw + static_cast<std::size_t>(t));
      const Solved sv = solve(cols);
      if (sv.ok && sv.fom > best) {
        best = sv.fom;
        best_k = k;
      }
    }
    if (best_k == valid.size()) break;  // no start gives a solvable system
    const int start = valid[best_k];
    for (int t = 0; t < bf; ++t) chosen.push_back(spec.n_post + start + t);
    // The reference removes the list entries best_k ... best_k + n_bf - 1 (positions, not values)
    // and the starts start - n_bf + 1 ... start - 1 that overlap the group.
    valid.erase(valid.begin() + static_cast<std::ptrdiff_t>(best_k),
                valid.begin() + static_cast<std::ptrdiff_t>(std::min(valid.size(), best_k + static_cast<std::size_t>(bf))));
    for (int v = start - bf + 1; v <= start - 1; ++v)
      if (auto it = std::find(valid.begin(), valid.end(), v); it != valid.end()) valid.erase(it);
  }
  std::sort(chosen.begin(), chosen.end());
  cols.resize(nfix);
  for (std::size_t i = 0; i < nfix; ++i) cols[i] = i;
  for (int t : chosen) cols.push_back(dw + static_cast<std::size_t>(t));
  const Solved sv = solve(cols);
  ComMmseResult out;
  if (!sv.ok) return out;
  out.w.assign(nw, 0.0);
  for (std::size_t i = 0; i < cols.size(); ++i) out.w[cols[i]] = sv.w[i];
  out.c = out.w;
  for (double& v : out.c) v /= sv.w[dw];
  out.b = sv.blim;
  out.mse = sv.e;
  out.fom_db = sv.fom;
  out.floating_taps = chosen;
  out.solved = true;
  return out;
}

}  // namespace phylane::solvers
