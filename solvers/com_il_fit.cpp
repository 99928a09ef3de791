#include "solvers/com_il_fit.hpp"

#include "solvers/com_icn.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace phylane::solvers {

double ComIlFit::at(double f_hz) const {
  const double g = f_hz / 1e9;
  return a_db[0] + a_db[1] * std::sqrt(g) + a_db[2] * g + a_db[3] * g * g;
}

ComIlFit com_il_fit(std::span<const double> f_hz, std::span<const double> s21_abs, std::size_t lo, std::size_t hi) {
  if (f_hz.size() != s21_abs.size() || hi >= f_hz.size() || hi < lo + 3)
    throw std::invalid_argument("fitted insertion loss: needs at least 4 frequency points (got " +
                                std::to_string(hi >= lo ? hi - lo + 1 : 0) + ")");
  const auto n = static_cast<Eigen::Index>(hi - lo + 1);
  // Rows |S21| [1 sqrt(f) f f^2], right-hand side |S21| IL (93A.3's weighted matrix and vector);
  // f in GHz, which leaves the fit as it is and keeps the columns of comparable size. Solved by
  // QR rather than the normal equations 4.15 forms (the same fit: they agree to 1e-6 dB on the
  // shared channels, docs/com.md).
  Eigen::MatrixXd a(n, 4);
  Eigen::VectorXd b(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t k = lo + static_cast<std::size_t>(r);
    const double w = s21_abs[k], g = f_hz[k] / 1e9;
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("fitted insertion loss: |S21| = " + std::to_string(w) + " at " +
                                  std::to_string(g) + " GHz; the fit needs a finite |S21| >= 0");
    if (k > lo && !(f_hz[k] > f_hz[k - 1]))
      throw std::invalid_argument("fitted insertion loss: frequencies must increase");
    a(r, 0) = w;
    a(r, 1) = w * std::sqrt(g);
    a(r, 2) = w * g;
    a(r, 3) = w * g * g;
    // A point where |S21| = 0 weighs nothing: its row is 0 (the limit of w log w as w -> 0), as
    // if it were left out.
    b(r) = w > 0.0 ? w * (-20.0 * std::log10(w)) : 0.0;
  }
  const Eigen::Vector4d x = a.colPivHouseholderQr().solve(b);
  ComIlFit out;
  out.f_lo_hz = f_hz[lo];
  out.f_hi_hz = f_hz[hi];
  out.points = static_cast<std::size_t>(n);
  for (int i = 0; i < 4; ++i) out.a_db[static_cast<std::size_t>(i)] = x(i);
  return out;
}

double com_fom_ild_db(const ComParameters& p, std::span<const double> f_hz, std::span<const double> s21_abs,
                      std::size_t lo, const ComIlFit& fit) {
  const std::size_t hi = lo + fit.points - 1;
  if (fit.points < 2 || f_hz.size() != s21_abs.size() || hi >= f_hz.size() || f_hz[lo] != fit.f_lo_hz ||
      f_hz[hi] != fit.f_hi_hz)
    throw std::invalid_argument("FOM_ILD: the fit's points are not the data's points from index " + std::to_string(lo));
  const double f_b = p.f_b_baud, f_t = p.f_v * f_b, f_r = p.f_r * f_b;
  const std::size_t last = f_hz.size() - 1;
  double sum = 0.0;
  for (std::size_t k = lo; k <= hi; ++k) {
    if (!(s21_abs[k] > 0.0)) continue;
    const double df = k == 0      ? f_hz[1] - f_hz[0]
                      : k == last ? f_hz[last] - f_hz[last - 1]
                                  : 0.5 * (f_hz[k + 1] - f_hz[k - 1]);
    const double ild = -20.0 * std::log10(s21_abs[k]) - fit.at(f_hz[k]);
    sum += df * com_icn_weight(f_hz[k], f_b, f_t, f_r) * ild * ild;  // (93A-56), W of (93A-57)
  }
  return std::sqrt(sum / f_b);
}

ComFittedIl com_fitted_il(const ComParameters& p, const channels::Network& sdd) {
  if (sdd.ports() != 2) throw std::invalid_argument("fitted insertion loss: needs a differential 2-port");
  const std::vector<double>& f = sdd.freq_hz();
  std::vector<double> m(f.size());
  for (std::size_t k = 0; k < f.size(); ++k) m[k] = std::abs(sdd.s(k, 1, 0));
  if (f.size() < 4) throw std::invalid_argument("fitted insertion loss: needs at least 4 frequency points");
  // 4.15's indices: the first point at or above f (else the last), the last at or below f (else
  // the first).
  auto first_at_or_above = [&](double x) {
    const auto it = std::lower_bound(f.begin(), f.end(), x);
    return it == f.end() ? f.size() - 1 : static_cast<std::size_t>(it - f.begin());
  };
  auto last_at_or_below = [&](double x) {
    const auto it = std::upper_bound(f.begin(), f.end(), x);
    return it == f.begin() ? std::size_t{0} : static_cast<std::size_t>(it - f.begin()) - 1;
  };
  const double f_b = p.f_b_baud, nyq = 0.5 * f_b;
  const double f_1 = p.f_1_hz.value_or(p.f_min_hz.value_or(0.0));
  const double f_2 = p.f_2_hz.value_or(f_b);
  const double f_2_ild = p.f_2_ild_hz.value_or(f_2);
  ComFittedIl out;
  out.whole = com_il_fit(f, m, 0, f.size() - 1);
  if (f[first_at_or_above(f_2)] >= nyq && nyq >= f.front() && nyq <= f.back()) {
    // interp1 of the fit's values at the data's points.
    const std::size_t k = std::min(last_at_or_below(nyq), f.size() - 2);
    const double t = (nyq - f[k]) / (f[k + 1] - f[k]);
    out.il_db_at_nyquist = (1.0 - t) * out.whole.at(f[k]) + t * out.whole.at(f[k + 1]);
  }
  const std::size_t lo = last_at_or_below(f_1), hi = first_at_or_above(f_2_ild);
  if (hi < lo + 3)
    throw std::invalid_argument("fitted insertion loss: f_1 to f_2_ILD holds fewer than 4 of the data's frequency points");
  out.ild = com_il_fit(f, m, lo, hi);
  out.il_db_at_f_2_ild = out.ild.at(f[hi]);
  out.fom_ild_db = com_fom_ild_db(p, f, m, lo, out.ild);
  return out;
}

}  // namespace phylane::solvers
