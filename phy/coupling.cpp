#include "phy/coupling.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <sstream>
#include <stdexcept>

#include "phy/constants.hpp"

namespace phylane::phy {

namespace {

using cplx = std::complex<double>;

// 1D overlap of f1 = exp(-a1 x^2) and f2 = exp(-a2 (x - d)^2 + j b x):
// integral f1 f2* dx = sqrt(pi / s) exp((2 a2* d - j b)^2 / (4 s) - a2* d^2), s = a1 + a2*.
// Normalised by integral |f|^2 = sqrt(pi / (2 Re a)).
double overlap_1d(cplx a1, cplx a2, double d, double b) {
  const cplx a2c = std::conj(a2);
  const cplx s = a1 + a2c;
  const cplx lin = 2.0 * a2c * d - cplx(0.0, b);
  const cplx integral = std::sqrt(pi / s) * std::exp(lin * lin / (4.0 * s) - a2c * d * d);
  return std::norm(integral) / (std::sqrt(pi / (2 * a1.real())) * std::sqrt(pi / (2 * a2.real())));
}

}  // namespace

double gaussian_coupling_efficiency(double w1, double w2, double wavelength_m, const Misalignment& m) {
  if (!(w1 > 0) || !(w2 > 0) || !(wavelength_m > 0) || !(m.gap_m >= 0) || !(m.gap_index >= 1.0)) {
    std::ostringstream os;
    os << "Gaussian coupling: mode radii (" << w1 << ", " << w2 << ") m and wavelength " << wavelength_m
       << " m must be > 0, gap " << m.gap_m << " m >= 0 and gap index " << m.gap_index << " >= 1";
    throw std::invalid_argument(os.str());
  }
  const double k = 2 * pi * m.gap_index / wavelength_m;
  const double zr = pi * m.gap_index * w1 * w1 / wavelength_m;
  // Launched field after the gap: exp(-j k x^2 / (2 q)), q = gap + j z_R (Siegman, Lasers, ch. 17).
  const cplx q(m.gap_m, zr);
  const cplx a1 = cplx(0.0, 1.0) * k / (2.0 * q);
  const cplx a2 = 1.0 / (w2 * w2);
  // The receiver is offset by d and tilted by theta relative to the launched beam's axis.
  const double ex = overlap_1d(a1, a2, m.lateral_m, k * std::sin(m.tilt_rad));
  const double ey = overlap_1d(a1, a2, 0.0, 0.0);
  return ex * ey;
}

namespace {

// Index i with centre(i) <= t < centre(i + 1) on a node list, clamped; fraction in [0, 1].
void locate(const Mode& m, bool along_x, double t, int& i, double& f) {
  const int n = along_x ? m.nx : m.ny;
  auto centre = [&](int k) { return along_x ? m.x(k) : m.y(k); };
  if (t <= centre(0)) {
    i = 0;
    f = 0.0;
    return;
  }
  if (t >= centre(n - 1)) {
    i = std::max(0, n - 2);
    f = n > 1 ? 1.0 : 0.0;
    return;
  }
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (centre(mid) <= t) lo = mid;
    else hi = mid;
  }
  i = lo;
  f = (t - centre(lo)) / (centre(lo + 1) - centre(lo));
}

// Field of a mode at (x, y), unfolding mirror edges (dominant even, minor odd about a mirror);
// zero outside the window.
void field_at(const Mode& m, double x, double y, cplx& dominant, cplx& minor) {
  double sign = 1.0;
  const double x0 = m.x_nodes.front(), y0 = m.y_nodes.front();
  if (m.mirrors_x && x < x0) {
    x = 2 * x0 - x;
    sign = -sign;
  }
  if (m.mirrors_y && y < y0) {
    y = 2 * y0 - y;
    sign = -sign;
  }
  dominant = minor = 0.0;
  if (x < x0 || x > m.x_nodes.back() || y < y0 || y > m.y_nodes.back()) return;
  int i = 0, j = 0;
  double fx = 0, fy = 0;
  locate(m, true, x, i, fx);
  locate(m, false, y, j, fy);
  const int i1 = std::min(i + 1, m.nx - 1), j1 = std::min(j + 1, m.ny - 1);
  auto bilinear = [&](const std::vector<cplx>& v) {
    auto at = [&](int a, int b) { return v[static_cast<std::size_t>(b * m.nx + a)]; };
    return (1 - fx) * (1 - fy) * at(i, j) + fx * (1 - fy) * at(i1, j) + (1 - fx) * fy * at(i, j1) + fx * fy * at(i1, j1);
  };
  dominant = bilinear(m.field);
  minor = sign * bilinear(m.minor);
}

}  // namespace

double mode_overlap_efficiency(const Mode& a, const Mode& b, double offset_x_m, double offset_y_m) {
  // The unfolding below takes the dominant field even about a mirror edge.
  if (a.antisymmetric || b.antisymmetric)
    throw std::invalid_argument("mode overlap: a mode solved with an antimirror edge (odd about it) cannot be unfolded here");
  cplx overlap = 0.0;
  double na = 0.0, nb = 0.0;
  const int copies_x = a.mirrors_x ? 2 : 1, copies_y = a.mirrors_y ? 2 : 1;
  const double x0 = a.x_nodes.front(), y0 = a.y_nodes.front();
  for (int cy = 0; cy < copies_y; ++cy)
    for (int cx = 0; cx < copies_x; ++cx)
      for (int j = 0; j < a.ny; ++j)
        for (int i = 0; i < a.nx; ++i) {
          const auto p = static_cast<std::size_t>(j * a.nx + i);
          const double x = cx ? 2 * x0 - a.x(i) : a.x(i), y = cy ? 2 * y0 - a.y(j) : a.y(j);
          const double sign = ((cx + cy) % 2) ? -1.0 : 1.0;
          const cplx ad = a.field[p], am = sign * a.minor[p];
          cplx bd, bm;
          field_at(b, x - offset_x_m, y - offset_y_m, bd, bm);
          const double da = a.cell_area(i, j);
          overlap += (ad * std::conj(bd) + am * std::conj(bm)) * da;
          na += (std::norm(ad) + std::norm(am)) * da;
          // b's norm on its own grid (unfolded): the shifted samples would miss what leaves a's window.
        }
  for (int j = 0; j < b.ny; ++j)
    for (int i = 0; i < b.nx; ++i) {
      const auto p = static_cast<std::size_t>(j * b.nx + i);
      nb += (std::norm(b.field[p]) + std::norm(b.minor[p])) * b.cell_area(i, j);
    }
  nb *= std::pow(2.0, b.mirrors_x + b.mirrors_y);
  return std::norm(overlap) / (na * nb);
}

}  // namespace phylane::phy
