#include "solvers/com_icn.hpp"

#include <cmath>
#include <numbers>
#include <vector>

namespace phylane::solvers {

double com_icn_weight(double f_hz, double f_b_baud, double f_t_hz, double f_r_hz) {
  const double x = std::numbers::pi * f_hz / f_b_baud;
  const double sinc = x == 0.0 ? 1.0 : std::sin(x) / x;
  const double t = f_hz / f_t_hz, r = f_hz / f_r_hz;
  return sinc * sinc / (1.0 + t * t * t * t) / (1.0 + std::pow(r, 8));
}

ComIcn com_icn(const ComParameters& p, std::span<const ComPath> aggressors) {
  ComIcn out;
  const double df = p.delta_f_hz;
  const double f1 = p.f_1_hz.value_or(p.f_min_hz.value_or(0.0));
  const double f2 = p.f_2_hz.value_or(p.f_b_baud);
  // Grid points: the last at or below f_1, the first at or above f_2 (the reference code's
  // find(f <= f1, 'last') and find(f >= f2, 'first')).
  const auto n1 = static_cast<std::size_t>(std::floor(f1 / df * (1.0 + 1e-12)));
  const auto n2 = static_cast<std::size_t>(std::ceil(f2 / df * (1.0 - 1e-12)));
  std::vector<double> f;
  for (std::size_t n = n1; n <= n2; ++n) f.push_back(static_cast<double>(n) * df);
  out.f_1_hz = f.front();
  out.f_2_hz = f.back();
  const double f_t = p.f_v * p.f_b_baud, f_r = p.f_r * p.f_b_baud;
  std::vector<double> w(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) w[i] = com_icn_weight(f[i], p.f_b_baud, f_t, f_r);
  double fext = 0.0, next = 0.0;
  for (const ComPath& a : aggressors) {
    if (a.kind == ComPathKind::thru) continue;
    const bool is_fext = a.kind == ComPathKind::fext;
    const double amp = is_fext ? p.a_ft_v.value_or(p.a_fe_v) : p.a_nt_v.value_or(p.a_ne_v);
    const channels::Network s = a.sdd.evaluate(f);
    double sum = 0.0;
    for (std::size_t i = 0; i < f.size(); ++i) sum += w[i] * std::norm(s.s(i, 1, 0));
    (is_fext ? fext : next) += amp * amp * sum;
  }
  const double scale = 2.0 * df / p.f_b_baud;
  out.fext_icn_v = std::sqrt(scale * fext);
  out.next_icn_v = std::sqrt(scale * next);
  out.icn_v = std::sqrt(scale * (fext + next));
  return out;
}

}  // namespace phylane::solvers
