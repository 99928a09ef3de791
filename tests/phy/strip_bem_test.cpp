// Boundary-element (method-of-moments) solver for printed-line cross-sections, phy/strip_bem.hpp.
//
// Independent references used here:
//  - the Green's functions against their own definitions: a direct image sum (stripline) and a
//    numerical inverse Fourier transform of the spectral form (microstrip);
//  - exact conformal-mapping solutions: Cohn 1954 (zero-thickness stripline), Cohn 1955
//    (zero-thickness edge-coupled stripline), computed here with std::comp_ellint_1;
//  - the parallel-plate limit of a wide strip;
//  - Hammerstad & Jensen 1980's published formulas with their stated accuracy (vacuum microstrip
//    Z01 0.01 %, eps_eff 0.2 %);
//  - a spectral-domain Galerkin solution of the microstrip (a different numerical method, written
//    below: Chebyshev charge basis with the edge condition, Yamashita & Mittra 1968).
// Then the closed forms of phy/stripline.hpp are measured against the solver; their deviations
// are tabulated in docs/field_solver.md and asserted here with a tolerance a little above what was
// measured.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "phy/constants.hpp"
#include "phy/gauss_legendre.hpp"
#include "phy/strip_bem.hpp"
#include "phy/stripline.hpp"

using namespace phylane::phy;

namespace {

double rel_err(double x, double ref) { return std::abs(x / ref - 1.0); }

// Integral of f over [s0, s1] for f with an integrable (logarithmic) singularity at s0 only:
// geometrically graded panels towards s0, 12-point Gauss on each. The panels stop 2^-40 of the
// interval short of s0 (closer, s0 + offset would round to s0); the piece left out is ~1e-10 of
// a logarithmic integral.
double integrate_graded(const std::function<double(double)>& f, double s0, double s1) {
  static const GaussLegendre<12> g;
  double sum = 0.0;
  double hi = 1.0;
  for (int k = 0; k < 40; ++k) {
    const double lo = 0.5 * hi;
    for (std::size_t q = 0; q < g.x.size(); ++q) {
      const double t = lo + (hi - lo) * 0.5 * (1.0 + g.x[q]);
      sum += g.w[q] * 0.5 * (hi - lo) * f(s0 + t * (s1 - s0));
    }
    hi = lo;
  }
  return sum * (s1 - s0);
}

// Zero-thickness centred stripline, vacuum (Cohn 1954): Z0 = (eta0/4) K(k)/K(k'), k = sech(pi w/2b).
double cohn_stripline_z0(double w, double b) {
  const double x = pi * w / (2.0 * b);
  return eta0 / 4.0 * std::comp_ellint_1(1.0 / std::cosh(x)) / std::comp_ellint_1(std::tanh(x));
}

// Zero-thickness edge-coupled centred stripline, vacuum (Cohn 1955, eqs. 1-4):
// Z = (eta0/4) K(k')/K(k), ke = tanh(pi w/2b) tanh(pi (w+s)/2b), ko = tanh(pi w/2b) coth(pi (w+s)/2b).
EvenOdd cohn_coupled_z0(double w, double s, double b) {
  const double a = std::tanh(pi * w / (2.0 * b));
  const double c = std::tanh(pi * (w + s) / (2.0 * b));
  auto z = [](double k) {
    return eta0 / 4.0 * std::comp_ellint_1(std::sqrt((1.0 - k) * (1.0 + k))) / std::comp_ellint_1(k);
  };
  return {z(a * c), z(a / c)};
}

// Hammerstad & Jensen, "Accurate models for microstrip computer-aided design", IEEE MTT-S Int.
// Microwave Symp. Digest 1980, pp. 407-409: vacuum impedance of a zero-thickness microstrip, u = w/h,
// eq. (1)-(2) (stated accuracy 0.01 % for u <= 1, 0.03 % for u <= 1000), and the static eps_eff,
// eqs. (3)-(5) (stated 0.2 % for eps_r <= 128, 0.01 <= u <= 100).
double hj_z01(double u) {
  const double f = 6.0 + (2.0 * pi - 6.0) * std::exp(-std::pow(30.666 / u, 0.7528));
  return eta0 / (2.0 * pi) * std::log(f / u + std::sqrt(1.0 + 4.0 / (u * u)));
}
double hj_eps_eff(double u, double eps_r) {
  const double u4 = std::pow(u, 4.0);
  const double a = 1.0 + std::log((u4 + std::pow(u / 52.0, 2.0)) / (u4 + 0.432)) / 49.0 +
                   std::log(1.0 + std::pow(u / 18.1, 3.0)) / 18.7;
  const double b = 0.564 * std::pow((eps_r - 0.9) / (eps_r + 3.0), 0.053);
  return (eps_r + 1.0) / 2.0 + (eps_r - 1.0) / 2.0 * std::pow(1.0 + 10.0 / u, -a * b);
}

// Spectral-domain Galerkin capacitance [F/m] of a zero-thickness microstrip of width w on a
// grounded slab (h, eps_r): the method of E. Yamashita and R. Mittra, "Variational method for the
// analysis of microstrip lines", IEEE Trans. MTT-16(4), 1968, pp. 251-256, with the Chebyshev
// basis that carries the edge singularity (T. Itoh and R. Mittra, IEEE Trans. MTT-21(7), 1973):
// rho(x) = sum_n a_n T_2n(x/a) / sqrt(1 - (x/a)^2), a = w/2, whose Fourier transform is
// a pi (-1)^n J_2n(k a) (Abramowitz & Stegun 9.1.21). With the interface Green's function
// G(k) = 1 / (eps0 k (1 + eps_r coth(k h))), Galerkin testing against the same basis gives
// C = pi [I^-1]_00, I_mn = int_0^inf G(k) J_2m(ka) J_2n(ka) dk. The k integral runs to K = 1000/a
// by Gauss-Legendre on quarter periods; beyond, G = 1/(eps0 (1 + eps_r) k) (exponentially exact)
// and J_2m J_2n ~ (-1)^(m-n) / (pi k a) + oscillation, whose integral is added in closed form.
// Four basis functions and K = 1000/a agree with six and 4000/a to 1e-7.
double sda_microstrip_capacitance(double w, double h, double eps_r) {
  constexpr int nb = 4;
  const double a = 0.5 * w;
  const double panel = pi / (4.0 * a);
  const int panels = static_cast<int>(std::ceil(1000.0 / a / panel));
  const double k_max = panels * panel;
  static const GaussLegendre<8> g;
  Eigen::MatrixXd im = Eigen::MatrixXd::Zero(nb, nb);
  std::vector<double> j(nb);
  for (int p = 0; p < panels; ++p)
    for (std::size_t q = 0; q < g.x.size(); ++q) {
      const double k = (p + 0.5 + 0.5 * g.x[q]) * panel;
      const double wt = g.w[q] * 0.5 * panel;
      const double gk = 1.0 / (eps0 * k * (1.0 + eps_r / std::tanh(k * h)));
      for (int m = 0; m < nb; ++m) j[static_cast<std::size_t>(m)] = std::cyl_bessel_j(2.0 * m, k * a);
      for (int m = 0; m < nb; ++m)
        for (int n = 0; n < nb; ++n)
          im(m, n) += wt * gk * j[static_cast<std::size_t>(m)] * j[static_cast<std::size_t>(n)];
    }
  for (int m = 0; m < nb; ++m)
    for (int n = 0; n < nb; ++n)
      im(m, n) += ((m - n) % 2 == 0 ? 1.0 : -1.0) / (eps0 * (1.0 + eps_r) * pi * a * k_max);
  Eigen::VectorXd e0 = Eigen::VectorXd::Zero(nb);
  e0(0) = 1.0;
  return pi * im.partialPivLu().solve(e0)(0);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---- Green's functions and segment integrals ---------------------------------------------------

TEST_CASE("The N-point Gauss-Legendre rule integrates polynomials up to degree 2N - 1 exactly",
          "[phy][bem][quadrature]") {
  // Integral of x^k over [-1, 1] = 2 / (k + 1) for even k, 0 for odd k; the solver uses N = 4 and
  // 8, the reference quadrature here 8, 10 and 12. Degree 2N is no longer exact.
  auto check = [](const auto& g, int n) {
    INFO(n << " points");
    for (int k = 0; k <= 2 * n; ++k) {
      double sum = 0.0;
      for (std::size_t q = 0; q < g.x.size(); ++q) sum += g.w[q] * std::pow(g.x[q], k);
      const double exact = k % 2 == 0 ? 2.0 / (k + 1) : 0.0;
      INFO("x^" << k);
      if (k < 2 * n) CHECK(std::abs(sum - exact) < 1e-14);
      else CHECK(std::abs(sum - exact) > 1e-8);  // the error term, 1.8e-7 (N = 12) to 0.012 (N = 4)
    }
  };
  check(GaussLegendre<4>(), 4);
  check(GaussLegendre<8>(), 8);
  check(GaussLegendre<10>(), 10);
  check(GaussLegendre<12>(), 12);
}

TEST_CASE("The stripline Green's function equals the direct sum of its images and vanishes on "
          "both planes",
          "[phy][bem][reference]") {
  // Images of a line charge q at (x', y') between grounded planes y = 0, y = b: +q at y' + 2nb,
  // -q at -y' + 2nb (n integer), potential -(q / 2 pi eps) ln r each. Summed symmetrically over
  // |n| <= N = 4000; the +-n terms together fall as -y y' / (n b)^2 (expanding the logarithms in
  // 1/n), whose tail beyond N is added as -y y'/b^2 (1/N - 1/(2N^2) + 1/(6N^3)), leaving O(N^-3).
  // Tolerance 1e-9 relative: that remainder, ~1e-10 (at dx = 1.5 b, where the potential is
  // 100 times smaller than near the source).
  const double b = 1e-3, eps_r = 3.0;
  const double eps = eps0 * eps_r;
  auto image_sum = [&](double x, double y, double xs, double ys) {
    constexpr int n_max = 4000;
    const double dx2 = (x - xs) * (x - xs);
    double sum = 0.0;
    for (int n = -n_max; n <= n_max; ++n) {
      const double yp = ys + 2.0 * n * b;
      const double yn = -ys + 2.0 * n * b;
      sum += 0.5 * std::log((dx2 + (y - yn) * (y - yn)) / (dx2 + (y - yp) * (y - yp)));
    }
    const double nn = n_max;
    sum -= y * ys / (b * b) * (1.0 / nn - 0.5 / (nn * nn) + 1.0 / (6.0 * nn * nn * nn));
    return sum / (2.0 * pi * eps);
  };
  struct Point {
    double x, y, xs, ys;
  };
  for (const Point& p : {Point{0.1e-3, 0.5e-3, 0.0, 0.5e-3}, Point{0.02e-3, 0.1e-3, 0.0, 0.12e-3},
                         Point{0.3e-3, 0.95e-3, -0.2e-3, 0.9e-3}, Point{1.5e-3, 0.3e-3, 0.0, 0.7e-3},
                         Point{-0.5e-3, 0.02e-3, 0.1e-3, 0.97e-3}}) {
    const double g = bem::stripline_green(p.x, p.y, p.xs, p.ys, b, eps_r);
    INFO("x " << p.x << " y " << p.y << " x' " << p.xs << " y' " << p.ys);
    CHECK(rel_err(g, image_sum(p.x, p.y, p.xs, p.ys)) < 1e-9);
    // Reciprocity G(r, r') = G(r', r); 1e-14 (rounding).
    CHECK(rel_err(bem::stripline_green(p.xs, p.ys, p.x, p.y, b, eps_r), g) < 1e-14);
  }
  // Zero on both planes (exactly, up to rounding of cos at the plane: 1e-12 of the value 1 b away).
  const double scale = bem::stripline_green(0.0, 0.5e-3, 0.0, 0.5e-3 + 0.5e-3 * 0.5, b, eps_r);
  CHECK(std::abs(bem::stripline_green(0.2e-3, 0.0, 0.0, 0.4e-3, b, eps_r)) < 1e-12 * scale);
  CHECK(std::abs(bem::stripline_green(0.2e-3, b, 0.0, 0.4e-3, b, eps_r)) < 1e-12 * scale);
  // Far away the closed form is evaluated without overflow and tends to the leading term
  // (1/(4 pi eps)) 4 sin(pi y/b) sin(pi y'/b) e^(-pi |dx| / b); the next term is e^(-2 pi dx/b)
  // smaller (< 1e-40 here), so 1e-12 is rounding.
  for (double dx_b : {15.0, 40.0, 200.0}) {
    const double y = 0.3e-3, ys = 0.6e-3;
    const double lead = 4.0 * std::sin(pi * y / b) * std::sin(pi * ys / b) *
                        std::exp(-pi * dx_b) / (4.0 * pi * eps);
    const double g = bem::stripline_green(dx_b * b, y, 0.0, ys, b, eps_r);
    CHECK(std::isfinite(g));
    if (lead > 0.0) CHECK(rel_err(g, lead) < 1e-12);
    else CHECK(g == 0.0);
  }
  CHECK(bem::stripline_green(1e3 * b, 0.3e-3, 0.0, 0.6e-3, b, eps_r) == 0.0);
}

TEST_CASE("The microstrip interface Green's function equals the numerical inverse of its "
          "spectral form",
          "[phy][bem][reference]") {
  // phi(x) = (1/pi) int_0^inf phit(k) cos(k x) dk, phit = 1/(eps0 k (1 + eps_r coth(k h))): the
  // charge on the interface of air (above) and a grounded slab (below). Split off
  // S(k) = (1 - e^(-2kh)) / (eps0 (1 + eps_r) k), whose transform is
  // ln((x^2 + 4h^2)/x^2) / (2 pi eps0 (1 + eps_r)) (Frullani-type integral, Gradshteyn & Ryzhik
  // 3.951); phit - S decays like e^(-2kh) and is integrated by Gauss-Legendre up to kh = 30.
  // Tolerance 1e-9 relative: quadrature and the series' truncation are both below 1e-12.
  const double h = 0.2e-3;
  static const GaussLegendre<10> g;
  for (double eps_r : {1.0, 4.3, 9.8, 100.0}) {
    for (double x_h : {0.05, 0.5, 1.0, 3.0, 10.0}) {
      const double x = x_h * h;
      const double panel = 0.05 / h;
      double integral = 0.0;
      for (int p = 0; p < 600; ++p)
        for (std::size_t q = 0; q < g.x.size(); ++q) {
          const double k = (p + 0.5 + 0.5 * g.x[q]) * panel;
          const double phit = 1.0 / (eps0 * k * (1.0 + eps_r / std::tanh(k * h)));
          const double s = -std::expm1(-2.0 * k * h) / (eps0 * (1.0 + eps_r) * k);
          integral += g.w[q] * 0.5 * panel * (phit - s) * std::cos(k * x);
        }
      const double ref = std::log((x * x + 4.0 * h * h) / (x * x)) / (2.0 * pi * eps0 * (1.0 + eps_r)) +
                         integral / pi;
      INFO("eps_r " << eps_r << ", x/h " << x_h);
      CHECK(rel_err(bem::microstrip_green(x, h, eps_r), ref) < 1e-9);
    }
  }
}

TEST_CASE("Segment integrals equal brute-force quadrature of the Green's functions, self terms "
          "included",
          "[phy][bem][unit]") {
  // The solver integrates the log singularities in closed form and the rest by Gauss rules
  // (stripline) or term by term with a tabulated tail (microstrip); here the same integrals are
  // done by graded Gauss quadrature of the point Green's functions, split at the singular point.
  // Tolerance 1e-9 relative: both sides are accurate to ~1e-12.
  const double b = 1e-3, eps_r = 2.0;
  struct Seg {
    double px, py, ax, ay, bx, by;
  };
  // self term (horizontal, observation at the midpoint); self term of a vertical segment near the
  // lower plane; a point beside a segment close to the upper plane; a far pair (fast path).
  for (const Seg& s : {Seg{0.1e-3, 0.4e-3, 0.0, 0.4e-3, 0.2e-3, 0.4e-3},
                       Seg{0.0, 0.035e-3, 0.0, 0.02e-3, 0.0, 0.05e-3},
                       Seg{0.05e-3, 0.97e-3, 0.0, 0.98e-3, 0.04e-3, 0.98e-3},
                       Seg{0.6e-3, 0.5e-3, 0.0, 0.45e-3, 0.01e-3, 0.45e-3}}) {
    const double len = std::hypot(s.bx - s.ax, s.by - s.ay);
    auto g_at = [&](double t) {  // t in [0, 1] along the segment
      return bem::stripline_green(s.px, s.py, s.ax + t * (s.bx - s.ax), s.ay + t * (s.by - s.ay),
                                  b, eps_r);
    };
    // split at the foot of the perpendicular (the singular point when P is on the segment)
    const double t0 = std::clamp(((s.px - s.ax) * (s.bx - s.ax) + (s.py - s.ay) * (s.by - s.ay)) /
                                     (len * len),
                                 0.0, 1.0);
    double ref = 0.0;
    if (t0 > 0.0) ref += integrate_graded([&](double t) { return g_at(t); }, t0, 0.0) * -1.0;
    if (t0 < 1.0) ref += integrate_graded([&](double t) { return g_at(t); }, t0, 1.0);
    ref *= len;
    const double got =
        bem::detail::stripline_segment_potential(s.px, s.py, s.ax, s.ay, s.bx, s.by, b, eps_r);
    INFO("P (" << s.px << ", " << s.py << ")");
    CHECK(rel_err(got, ref) < 1e-9);
  }

  const double h = 0.1e-3;
  struct Micro {
    double x, x1, x2;
  };
  // self term; an adjacent segment; a segment 10 h away (tabulated tail of the image series)
  for (double er : {1.0, 4.3, 9.8, 100.0}) {
    for (const Micro& m : {Micro{0.05e-3, 0.0, 0.1e-3}, Micro{0.0, 0.01e-3, 0.3e-3},
                           Micro{1.0e-3, -0.05e-3, 0.05e-3}, Micro{-0.7e-3, 0.2e-3, 0.45e-3}}) {
      auto f = [&](double xs) { return bem::microstrip_green(m.x - xs, h, er); };
      double ref = 0.0;
      if (m.x > m.x1 && m.x < m.x2) {
        ref = integrate_graded(f, m.x, m.x2) - integrate_graded(f, m.x, m.x1);
      } else if (m.x <= m.x1) {
        ref = integrate_graded(f, m.x1, m.x2);
      } else {
        ref = -integrate_graded(f, m.x2, m.x1);
      }
      INFO("eps_r " << er << ", x " << m.x << ", [" << m.x1 << ", " << m.x2 << "]");
      CHECK(rel_err(bem::detail::microstrip_segment_potential(m.x, m.x1, m.x2, h, er), ref) < 1e-9);
    }
  }
}

// ---- convergence -------------------------------------------------------------------------------

TEST_CASE("Doubling the segments changes every capacitance by less than 1e-4 at the default "
          "setting",
          "[phy][bem][property]") {
  // Default: 48 segments across each strip, Richardson-extrapolated from 24 and 48. Measured
  // largest relative changes against 96 segments: self and mode capacitances 2.5e-5 (thick
  // strips, whose corners converge more slowly than N^-2), 1.4e-5 (thin), 1.3e-5 (microstrip);
  // mutual capacitances 5.5e-5 (thick pair, gap 0.2 b) and 2.7e-5 (thin pair). The issue asks
  // for < 1e-4.
  bem::Options fine;
  fine.segments_per_strip = 96;
  const double b = 1e-3;
  auto check_matrix = [](const Eigen::MatrixXd& c, const Eigen::MatrixXd& c_fine) {
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
      for (Eigen::Index j = 0; j < c.cols(); ++j) {
        INFO("C(" << i << ", " << j << ") " << c(i, j) << " vs " << c_fine(i, j));
        CHECK(rel_err(c(i, j), c_fine(i, j)) < 1e-4);
      }
    }
    if (c.rows() == 2) {  // the two mode capacitances
      CHECK(rel_err(c(0, 0) + c(0, 1), c_fine(0, 0) + c_fine(0, 1)) < 1e-4);
      CHECK(rel_err(c(0, 0) - c(0, 1), c_fine(0, 0) - c_fine(0, 1)) < 1e-4);
    }
  };
  SECTION("single strips in stripline, thin and thick") {
    for (double w_b : {0.1, 1.0, 5.0}) {
      const std::vector<bem::Strip> s{{0.0, w_b * b, 0.5 * b, 0.0}};
      check_matrix(bem::stripline_capacitance(s, b, 1.0), bem::stripline_capacitance(s, b, 1.0, fine));
    }
    for (double t_b : {0.05, 0.25}) {
      for (double w_b : {0.2, 2.0}) {
        const std::vector<bem::Strip> s{{0.0, w_b * b, 0.5 * (1.0 - t_b) * b, t_b * b}};
        INFO("w/b " << w_b << ", t/b " << t_b);
        check_matrix(bem::stripline_capacitance(s, b, 1.0),
                     bem::stripline_capacitance(s, b, 1.0, fine));
      }
    }
  }
  SECTION("coupled pairs in stripline, thin with a narrow gap and thick offset") {
    const std::vector<bem::Strip> thin{{-0.275e-3, 0.5e-3, 0.5e-3, 0.0},
                                       {0.275e-3, 0.5e-3, 0.5e-3, 0.0}};
    check_matrix(bem::stripline_capacitance(thin, b, 1.0),
                 bem::stripline_capacitance(thin, b, 1.0, fine));
    const std::vector<bem::Strip> thick{{-0.35e-3, 0.5e-3, 0.3e-3, 0.05e-3},
                                        {0.35e-3, 0.5e-3, 0.3e-3, 0.05e-3}};
    check_matrix(bem::stripline_capacitance(thick, b, 1.0),
                 bem::stripline_capacitance(thick, b, 1.0, fine));
  }
  SECTION("microstrip, single and coupled, on eps_r = 9.8") {
    const double h = 0.25e-3;
    for (double u : {0.1, 1.0, 10.0}) {
      const std::vector<bem::Strip> s{{0.0, u * h, h, 0.0}};
      INFO("w/h " << u);
      check_matrix(bem::microstrip_capacitance(s, h, 9.8),
                   bem::microstrip_capacitance(s, h, 9.8, fine));
    }
    const std::vector<bem::Strip> pair{{-0.25e-3, 0.25e-3, h, 0.0}, {0.25e-3, 0.25e-3, h, 0.0}};
    check_matrix(bem::microstrip_capacitance(pair, h, 9.8),
                 bem::microstrip_capacitance(pair, h, 9.8, fine));
  }
}

TEST_CASE("A mirror-symmetric strip set solved on half the unknowns equals the general solution",
          "[phy][bem][symmetry]") {
  // The even/odd path (Options.use_symmetry) uses the same discretisation as the general path up
  // to the rounding of the reflected segment ends, so the two Maxwell matrices agree to rounding:
  // measured |C_ij - C_ij(general)| <= 1.4e-15 C_ii (thin, thick and offset pairs, two pairs,
  // microstrip) and pair impedances equal to 1e-15; 1e-12 asserted.
  bem::Options general;
  general.use_symmetry = false;
  const double b = 1e-3;
  auto check_same = [](const Eigen::MatrixXd& c, const Eigen::MatrixXd& c_general) {
    REQUIRE(c.rows() == c_general.rows());
    for (Eigen::Index i = 0; i < c.rows(); ++i)
      for (Eigen::Index j = 0; j < c.cols(); ++j) {
        INFO("C(" << i << ", " << j << ") " << c(i, j) << " vs " << c_general(i, j));
        CHECK(std::abs(c(i, j) - c_general(i, j)) < 1e-12 * c_general(i, i));
      }
  };
  const std::vector<std::vector<bem::Strip>> stripline_sets{
      {{-0.275e-3, 0.5e-3, 0.5e-3, 0.0}, {0.275e-3, 0.5e-3, 0.5e-3, 0.0}},
      {{0.35e-3, 0.5e-3, 0.3e-3, 0.05e-3}, {-0.35e-3, 0.5e-3, 0.3e-3, 0.05e-3}},
      {{-0.0635e-3, 0.1e-3, 0.08e-3, 0.0175e-3}, {0.0635e-3, 0.1e-3, 0.08e-3, 0.0175e-3}},
      {{-1.2e-3, 0.3e-3, 0.2e-3, 0.1e-3},
       {-0.3e-3, 0.4e-3, 0.5e-3, 0.03e-3},
       {0.3e-3, 0.4e-3, 0.5e-3, 0.03e-3},
       {1.2e-3, 0.3e-3, 0.2e-3, 0.1e-3}}};
  for (const auto& s : stripline_sets) {
    INFO(s.size() << " strips, first at x = " << s.front().x_center_m);
    check_same(bem::stripline_capacitance(s, b, 3.0), bem::stripline_capacitance(s, b, 3.0, general));
  }
  const double h = 0.25e-3;
  const std::vector<bem::Strip> micro_pair{{-0.25e-3, 0.25e-3, h, 0.0}, {0.25e-3, 0.25e-3, h, 0.0}};
  check_same(bem::microstrip_capacitance(micro_pair, h, 9.8),
             bem::microstrip_capacitance(micro_pair, h, 9.8, general));
  // Pair results (as used by stripline_pair) without Richardson extrapolation as well.
  bem::Options plain;
  plain.richardson = false;
  bem::Options plain_general = plain;
  plain_general.use_symmetry = false;
  const bem::PairResult p = bem::stripline_pair(0.5e-3, 0.2e-3, 0.035e-3, 0.4e-3, 0.3e-3, 3.5, plain);
  const bem::PairResult q =
      bem::stripline_pair(0.5e-3, 0.2e-3, 0.035e-3, 0.4e-3, 0.3e-3, 3.5, plain_general);
  CHECK(rel_err(p.even.z0_ohm, q.even.z0_ohm) < 1e-12);
  CHECK(rel_err(p.odd.z0_ohm, q.odd.z0_ohm) < 1e-12);
}

// ---- zero-thickness stripline: exact solutions --------------------------------------------------

TEST_CASE("Zero-thickness centred stripline matches Cohn's exact solution within 1e-4 for w/b "
          "0.1 to 5",
          "[phy][bem][reference]") {
  // S. B. Cohn, "Characteristic impedance of the shielded-strip transmission line", IRE Trans.
  // MTT-2(2), 1954: Z0 = (eta0 / (4 sqrt(eps_r))) K(k)/K(k'), k = sech(pi w / 2b), evaluated with
  // std::comp_ellint_1. The issue asks for 0.1 %; measured 2.3e-6 (w/b 0.1) to 1.6e-5 (w/b 5), so
  // 1e-4 is asserted. phylane's stripline_z0_air_zero_thickness implements the same formula with
  // its own AGM: against std::comp_ellint_1 measured 6.4e-12 (1e-10 asserted), and so against the
  // solver within the solver's 1e-4 (was 0.5 %).
  const double b = 1.5e-3, eps_r = 4.0;
  for (double w_b : {0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 5.0}) {
    const bem::LineResult r = bem::stripline_single(w_b * b, 0.0, 0.5 * b, 0.5 * b, eps_r);
    INFO("w/b " << w_b << ": " << r.z0_ohm);
    CHECK(rel_err(r.z0_ohm, cohn_stripline_z0(w_b * b, b) / std::sqrt(eps_r)) < 1e-4);
    CHECK(rel_err(stripline_z0_air_zero_thickness(w_b * b, b), cohn_stripline_z0(w_b * b, b)) < 1e-10);
    CHECK(rel_err(stripline_z0_air_zero_thickness(w_b * b, b) / std::sqrt(eps_r), r.z0_ohm) < 1e-4);
    // homogeneous medium: eps_eff is eps_r exactly (1e-14: rounding)
    CHECK(rel_err(r.eps_eff, eps_r) < 1e-14);
  }
}

TEST_CASE("Zero-thickness edge-coupled stripline matches Cohn's exact even and odd impedances "
          "within 2e-4",
          "[phy][bem][reference]") {
  // S. B. Cohn, "Shielded coupled-strip transmission line", IRE Trans. MTT-3(5), 1955, eqs. (1)-(4),
  // evaluated with std::comp_ellint_1. The issue asks for 0.2 %; measured at most 7.3e-5 (odd mode,
  // s/b = 0.05, w/b = 2: the narrowest gap relative to the segments), so 2e-4 is asserted.
  // phylane's coupled_stripline_z0_air_zero_thickness (its own AGM) against the same exact forms:
  // measured 4.4e-15, 1e-12 asserted; against the solver 2e-4 as above (was 1 %).
  const double b = 1e-3;
  for (double w_b : {0.2, 0.5, 1.0, 2.0}) {
    for (double s_b : {0.05, 0.1, 0.2, 0.5, 1.0}) {
      const bem::PairResult r = bem::stripline_pair(w_b * b, s_b * b, 0.0, 0.5 * b, 0.5 * b, 1.0);
      const EvenOdd exact = cohn_coupled_z0(w_b * b, s_b * b, b);
      const EvenOdd ours = coupled_stripline_z0_air_zero_thickness(w_b * b, s_b * b, b);
      INFO("w/b " << w_b << ", s/b " << s_b << ": even " << r.even.z0_ohm << ", odd "
                  << r.odd.z0_ohm);
      CHECK(rel_err(r.even.z0_ohm, exact.even) < 2e-4);
      CHECK(rel_err(r.odd.z0_ohm, exact.odd) < 2e-4);
      CHECK(rel_err(ours.even, exact.even) < 1e-12);
      CHECK(rel_err(ours.odd, exact.odd) < 1e-12);
      CHECK(rel_err(ours.even, r.even.z0_ohm) < 2e-4);
      CHECK(rel_err(ours.odd, r.odd.z0_ohm) < 2e-4);
    }
  }
}

TEST_CASE("A wide strip's capacitance grows at the parallel-plate rate 4 eps/b with a constant "
          "edge fringe",
          "[phy][bem][reference]") {
  // Centred thin strip, width w >> b: two parallel-plate capacitors eps w/(b/2) plus the fringe of
  // two edges, which no longer depends on w once the edges are several b apart:
  // C/eps = 4 w/b + (8/pi) ln 2 + O(e^(-pi w/b)) (the wide-strip limit of Cohn's K(k)/K(k'),
  // K(k) -> pi/2, K(k') -> ln(4/k); the same (2/pi) ln 2 per edge face as phylane's
  // fringe_capacitance(0)). The slope is parallel-plate physics alone. Tolerances: 1e-4 of the
  // slope (the solver's error, measured 2.5e-5 on the difference) and 5e-4 of the fringe
  // constant (measured 2.5e-4 at w/b = 6, the absolute error of C growing with w).
  const double b = 1e-3, eps_r = 2.5;
  const double eps = eps0 * eps_r;
  auto c = [&](double w) {
    return bem::stripline_capacitance({bem::Strip{0.0, w, 0.5 * b, 0.0}}, b, eps_r)(0, 0);
  };
  const double c4 = c(4.0 * b);
  const double c6 = c(6.0 * b);
  CHECK(rel_err((c6 - c4) / eps, 8.0) < 1e-4);
  CHECK(rel_err(c4 / eps - 16.0, 8.0 / pi * std::log(2.0)) < 5e-4);
  CHECK(rel_err(c6 / eps - 24.0, 8.0 / pi * std::log(2.0)) < 5e-4);
}

TEST_CASE("Capacitance matrices are symmetric, have negative mutual terms and are diagonally "
          "dominant",
          "[phy][bem][property]") {
  // Reciprocity makes the exact Maxwell matrix symmetric; the collocation matrix is not, so
  // |C12 - C21| measures the discretisation error: measured 9e-7 (stripline) and 1.3e-6
  // (microstrip) of the smallest diagonal term, 1e-5 asserted. Every strip sends some flux to the
  // planes, so each row sum is > 0 and C_ii > sum_j |C_ij|.
  const double b = 1e-3;
  const std::vector<bem::Strip> strip_set{{-1.0e-3, 0.5e-3, 0.3e-3, 0.05e-3},
                                          {0.0, 0.3e-3, 0.5e-3, 0.0},
                                          {0.8e-3, 0.8e-3, 0.2e-3, 0.2e-3}};
  const double h = 1e-3;
  const std::vector<bem::Strip> micro_set{{-1.0e-3, 0.5e-3, h, 0.0},
                                          {0.0, 0.3e-3, h, 0.0},
                                          {1.2e-3, 1.5e-3, h, 0.0}};
  for (const Eigen::MatrixXd& c : {bem::stripline_capacitance(strip_set, b, 3.0),
                                   bem::microstrip_capacitance(micro_set, h, 9.8)}) {
    const double c_min = c.diagonal().minCoeff();
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
      CHECK(c(i, i) > 0.0);
      double off = 0.0;
      for (Eigen::Index j = 0; j < c.cols(); ++j) {
        if (j == i) continue;
        CHECK(c(i, j) < 0.0);
        CHECK(std::abs(c(i, j) - c(j, i)) < 1e-5 * c_min);
        off += std::abs(c(i, j));
      }
      CHECK(c(i, i) > off);
    }
  }
}

// ---- phylane's closed forms against the solver (deviations tabulated in docs/field_solver.md) ---

TEST_CASE("Thick centred stripline: phylane's stripline_z0_air is within 0.5 % of the solver for "
          "t/b 0.05 to 0.25",
          "[phy][bem][reference]") {
  // stripline_z0_air = Cohn's exact t = 0 value times Wheeler's (1978) thickness ratio; Wheeler
  // quotes 0.5 % for his formula. Measured: at most -0.41 % (t/b 0.25, w/b 1); Wheeler's formula
  // alone at most -0.71 %. 0.5 % asserted.
  const double b = 1e-3;
  for (double t_b : {0.05, 0.1, 0.15, 0.2, 0.25}) {
    for (double w_b : {0.2, 0.5, 1.0, 2.0}) {
      const double h = 0.5 * (1.0 - t_b) * b;
      const double z = bem::stripline_single(w_b * b, t_b * b, h, h, 1.0).z0_ohm;
      INFO("t/b " << t_b << ", w/b " << w_b << ": solver " << z);
      CHECK(rel_err(stripline_z0_air(w_b * b, b, t_b * b), z) < 5e-3);
    }
  }
}

TEST_CASE("Offset stripline: phylane's parallel-combination Stripline deviates from the solver by "
          "the tabulated amounts",
          "[phy][bem][reference]") {
  // Stripline treats an offset strip as the parallel combination of two centred striplines of
  // spacings 2 h_below + t and 2 h_above + t (Wadell 1991). The deviation (closed form / solver
  // - 1) grows with the offset and as the strip narrows: it is exact only for the centred strip
  // and overestimates Z0 by up to 9 % for a narrow strip close to one plane. Each row asserts
  // |deviation| below a tolerance a little above the measured value (measured in the comment).
  struct Row {
    double w_b, t_b, hb_b, tol;  // h_above = b - t - h_below
  };
  const std::vector<Row> rows{
      {0.2, 0.02, 0.30, 0.022},  {0.2, 0.02, 0.20, 0.052},  {0.2, 0.02, 0.10, 0.093},  // +2.0, +5.0, +9.1 %
      {0.5, 0.02, 0.30, 0.018},  {0.5, 0.02, 0.20, 0.040},  {0.5, 0.02, 0.10, 0.063},  // +1.7, +3.8, +6.1 %
      {1.0, 0.02, 0.30, 0.013},  {1.0, 0.02, 0.20, 0.027},  {1.0, 0.02, 0.10, 0.040},  // +1.2, +2.5, +3.8 %
      {2.0, 0.02, 0.30, 0.008},  {2.0, 0.02, 0.20, 0.016},  {2.0, 0.02, 0.10, 0.023},  // +0.7, +1.5, +2.1 %
      {0.2, 0.05, 0.30, 0.018},  {0.2, 0.05, 0.20, 0.045},  {0.2, 0.05, 0.10, 0.080},  // +1.7, +4.3, +7.8 %
      {1.0, 0.05, 0.30, 0.010},  {1.0, 0.05, 0.20, 0.023},  {1.0, 0.05, 0.10, 0.036},  // +0.9, +2.2, +3.4 %
      {0.2, 0.10, 0.30, 0.013},  {0.2, 0.10, 0.20, 0.035},  {0.2, 0.10, 0.10, 0.061},  // +1.2, +3.4, +5.9 %
      {1.0, 0.10, 0.30, 0.007},  {1.0, 0.10, 0.20, 0.018},  {1.0, 0.10, 0.10, 0.029},  // +0.6, +1.7, +2.8 %
      {2.0, 0.10, 0.30, 0.005},  {2.0, 0.10, 0.20, 0.012},  {2.0, 0.10, 0.10, 0.018},  // +0.4, +1.1, +1.7 %
  };
  const double b = 1e-3;
  for (const Row& r : rows) {
    StriplineDims d;
    d.width_m = r.w_b * b;
    d.thickness_m = r.t_b * b;
    d.height_below_m = r.hb_b * b;
    d.height_above_m = (1.0 - r.t_b - r.hb_b) * b;
    d.plane_thickness_m = 17e-6;
    const double z = bem::stripline_single(d.width_m, d.thickness_m, d.height_below_m,
                                           d.height_above_m, 1.0)
                         .z0_ohm;
    const double closed = Stripline(d).air_impedance_ohm();
    INFO("w/b " << r.w_b << ", t/b " << r.t_b << ", h_below/b " << r.hb_b << ": closed " << closed
                << ", solver " << z << ", deviation " << closed / z - 1.0);
    CHECK(rel_err(closed, z) < r.tol);
  }
}

TEST_CASE("Thick edge-coupled stripline: Cohn's thick-strip correction deviates from the solver "
          "by the tabulated amounts",
          "[phy][bem][reference]") {
  // coupled_stripline_z0_air (Cohn 1955 eqs. 13-16) is stated for s/t >= 5 (and Cohn's fringe
  // decomposition assumes w/(b - t) >= 0.35). Measured deviations (closed / solver - 1), odd mode
  // high and even mode low: within its range (s/t >= 5, w/b >= 0.5) at most 2.3 % (odd, w/b 0.5,
  // t/b 0.1, s/t 5); for w/b = 0.2 up to 3.8 % at s/t = 5; and far outside its range (s/t <= 2)
  // 8 % to 55 %. Each row asserts both modes below its tolerance, a little above the measured
  // larger of the two (in the comment).
  struct Row {
    double w_b, s_b, t_b, tol;
  };
  const std::vector<Row> rows{
      // t/b = 0.05
      {0.2, 0.1, 0.05, 0.17},   {0.2, 0.2, 0.05, 0.082},  {0.2, 0.5, 0.05, 0.023},  {0.2, 1.0, 0.05, 0.0055},  // 16.3, 7.9, 2.1, 0.41 %
      {0.5, 0.1, 0.05, 0.12},   {0.5, 0.2, 0.05, 0.053},  {0.5, 0.5, 0.05, 0.014},  {0.5, 1.0, 0.05, 0.003},   // 11.4, 5.1, 1.2, 0.21 %
      {1.0, 0.1, 0.05, 0.086},  {1.0, 0.2, 0.05, 0.037},  {1.0, 0.5, 0.05, 0.009},  {1.0, 1.0, 0.05, 0.0025},  // 8.3, 3.5, 0.76, 0.17 %
      // t/b = 0.1
      {0.2, 0.1, 0.10, 0.31},   {0.2, 0.2, 0.10, 0.15},   {0.2, 0.5, 0.10, 0.040},  {0.2, 1.0, 0.10, 0.008},   // 30.4, 14.5, 3.8, 0.68 %
      {0.5, 0.1, 0.10, 0.22},   {0.5, 0.2, 0.10, 0.10},   {0.5, 0.5, 0.10, 0.025},  {0.5, 1.0, 0.10, 0.005},   // 21.7, 9.7, 2.3, 0.41 %
      {1.0, 0.1, 0.10, 0.16},   {1.0, 0.2, 0.10, 0.069},  {1.0, 0.5, 0.10, 0.016},  {1.0, 1.0, 0.10, 0.0045},  // 15.8, 6.7, 1.4, 0.34 %
      // t/b = 0.2
      {0.2, 0.1, 0.20, 0.56},   {0.2, 0.2, 0.20, 0.27},   {0.2, 0.5, 0.20, 0.069},  {0.2, 1.0, 0.20, 0.013},   // 55.3, 26.1, 6.7, 1.17 %
      {0.5, 0.1, 0.20, 0.41},   {0.5, 0.2, 0.20, 0.18},   {0.5, 0.5, 0.20, 0.043},  {0.5, 1.0, 0.20, 0.010},   // 40.1, 17.9, 4.1, 0.89 %
      {1.0, 0.1, 0.20, 0.30},   {1.0, 0.2, 0.20, 0.13},   {1.0, 0.5, 0.20, 0.028},  {1.0, 1.0, 0.20, 0.0085},  // 29.4, 12.5, 2.6, 0.74 %
  };
  const double b = 1e-3;
  for (const Row& r : rows) {
    const double h = 0.5 * (1.0 - r.t_b) * b;
    const bem::PairResult p = bem::stripline_pair(r.w_b * b, r.s_b * b, r.t_b * b, h, h, 1.0);
    const EvenOdd closed = coupled_stripline_z0_air(r.w_b * b, r.s_b * b, b, r.t_b * b);
    INFO("w/b " << r.w_b << ", s/b " << r.s_b << ", t/b " << r.t_b << ": even " << closed.even
                << " vs " << p.even.z0_ohm << " (" << closed.even / p.even.z0_ohm - 1.0
                << "), odd " << closed.odd << " vs " << p.odd.z0_ohm << " ("
                << closed.odd / p.odd.z0_ohm - 1.0 << ")");
    CHECK(rel_err(closed.even, p.even.z0_ohm) < r.tol);
    CHECK(rel_err(closed.odd, p.odd.z0_ohm) < r.tol);
  }
}

// ---- microstrip -----------------------------------------------------------------------------------

TEST_CASE("Zero-thickness microstrip in vacuum matches Hammerstad and Jensen's Z01 within 1.5e-4 "
          "for w/h 0.05 to 20",
          "[phy][bem][reference]") {
  // H&J 1980 eq. (1)-(2), stated to be within 0.01 % of the exact value for u <= 1 and 0.03 % for
  // u <= 1000. Measured: 1.5e-6 to 3.6e-6 for u <= 2 (the solver's own error), -3.7e-5 at u = 5,
  // 9.3e-5 at u = 20 (H&J's fit error). The issue asks for 0.1 %; 1.5e-4 asserted.
  const double h = 0.3e-3;
  for (double u : {0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0}) {
    const bem::LineResult r = bem::microstrip_single(u * h, h, 1.0);
    INFO("w/h " << u << ": " << r.z0_ohm << " vs " << hj_z01(u));
    CHECK(rel_err(r.z0_ohm, hj_z01(u)) < 1.5e-4);
    CHECK(r.eps_eff == 1.0);
  }
}

TEST_CASE("Microstrip capacitance on eps_r 1, 4.3 and 9.8 matches a spectral-domain Galerkin "
          "solution within 3e-5",
          "[phy][bem][reference]") {
  // Two different numerical methods on the same problem: point-collocated boundary elements with
  // the image-series Green's function here, a Chebyshev/edge-condition Galerkin solution in the
  // Fourier domain (sda_microstrip_capacitance above, converged to 1e-7). Measured 2.7e-6 to
  // 1.0e-5 (largest at w/h = 5, eps_r = 9.8); 3e-5 asserted.
  const double h = 0.5e-3;
  for (double u : {0.5, 2.0, 5.0}) {
    for (double eps_r : {1.0, 4.3, 9.8}) {
      const double c = bem::microstrip_capacitance({bem::Strip{0.0, u * h, h, 0.0}}, h, eps_r)(0, 0);
      const double ref = sda_microstrip_capacitance(u * h, h, eps_r);
      INFO("w/h " << u << ", eps_r " << eps_r << ": " << c / eps0 << " vs " << ref / eps0
                  << " eps0");
      CHECK(rel_err(c, ref) < 3e-5);
    }
  }
}

TEST_CASE("Microstrip eps_eff on eps_r 4.3 and 9.8 is within 0.25 % of Hammerstad and Jensen's "
          "published fit",
          "[phy][bem][reference]") {
  // H&J 1980 eqs. (3)-(5), stated accuracy 0.2 % (eps_r <= 128, 0.01 <= u <= 100). Measured
  // deviations (solver / H&J - 1): eps_r 4.3: +0.03 % to +0.18 % (largest at u = 5); eps_r 9.8:
  // -0.07 % to +0.21 % (u = 5). The u = 5 value sits just past H&J's stated 0.2 % -- the solver
  // agrees with the independent spectral-domain solution there to 1e-5 (test above), so it is
  // H&J's fit error. 0.25 % asserted; Z0 = Z01(u)/sqrt(eps_eff) follows within 0.12 %.
  const double h = 0.5e-3;
  for (double eps_r : {4.3, 9.8}) {
    for (double u : {0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0}) {
      const bem::LineResult r = bem::microstrip_single(u * h, h, eps_r);
      const double ee = hj_eps_eff(u, eps_r);
      INFO("eps_r " << eps_r << ", w/h " << u << ": eps_eff " << r.eps_eff << " vs " << ee);
      CHECK(rel_err(r.eps_eff, ee) < 2.5e-3);
      CHECK(rel_err(r.z0_ohm, hj_z01(u) / std::sqrt(ee)) < 1.2e-3);
      CHECK(r.eps_eff > 1.0);
      CHECK(r.eps_eff < eps_r);
    }
  }
}

TEST_CASE("An offset stripline whose upper plane recedes tends to the vacuum microstrip",
          "[phy][bem][property]") {
  // The two solvers' Green's functions are independent (hyperbolic closed form vs image series);
  // with vacuum both describe a strip at height h over a plane once the upper plane is far.
  // The upper plane's influence falls as (h/H)^2: measured 1e-4 at H = 100 h, 2e-6 at H = 1000 h.
  // 2e-5 asserted at H = 1000 h.
  const double h = 0.1e-3;
  for (double u : {0.5, 2.0}) {
    const double z_strip = bem::stripline_single(u * h, 0.0, h, 1000.0 * h, 1.0).z0_ohm;
    const double z_micro = bem::microstrip_single(u * h, h, 1.0).z0_ohm;
    CHECK(rel_err(z_strip, z_micro) < 2e-5);
  }
}

TEST_CASE("Coupled microstrip: odd below single below even, both tending to the single line as the "
          "gap grows",
          "[phy][bem][property]") {
  // Coupling lowers the odd-mode and raises the even-mode impedance; far apart both become the
  // single line (the residual falls roughly as (h/s)^2: measured 0.16 % at s = 20 h on eps_r 4.3,
  // 0.3 % asserted there). The odd mode keeps more field in the air gap: eps_eff odd < even.
  const double h = 0.2e-3, w = 0.35e-3, eps_r = 4.3;
  const bem::LineResult single = bem::microstrip_single(w, h, eps_r);
  double last_gap = 0.0;
  for (double s_h : {0.2, 1.0, 5.0, 20.0}) {
    const bem::PairResult p = bem::microstrip_pair(w, s_h * h, h, eps_r);
    INFO("s/h " << s_h);
    CHECK(p.odd.z0_ohm < single.z0_ohm);
    CHECK(p.even.z0_ohm > single.z0_ohm);
    CHECK(p.odd.eps_eff < p.even.eps_eff);
    const double gap = p.even.z0_ohm - p.odd.z0_ohm;
    if (last_gap > 0.0) CHECK(gap < last_gap);
    last_gap = gap;
    if (s_h == 20.0) {
      CHECK(rel_err(p.odd.z0_ohm, single.z0_ohm) < 3e-3);
      CHECK(rel_err(p.even.z0_ohm, single.z0_ohm) < 3e-3);
    }
  }
}

TEST_CASE("A thick strip tends to the zero-thickness strip as its thickness vanishes",
          "[phy][bem][property]") {
  // The thick-strip discretisation (four faces) must join the thin one (one row carrying both
  // faces' charge), and the drop of Z0 with thickness must follow Wheeler's thickness ratio
  // (which carries the t ln t fringe of a thin edge) in the thin limit. Measured differences of
  // the relative drop from Wheeler's: 6e-6 (t/b 1e-3), 3.1e-5 (1e-4), 3.2e-5 (1e-5), 2.2e-5
  // (1e-6: the solver's error when the faces are far closer than its segments are long).
  // 5e-5 asserted.
  const double b = 1e-3, w = 0.5e-3;
  const double z0 = bem::stripline_single(w, 0.0, 0.5 * b, 0.5 * b, 1.0).z0_ohm;
  for (double t_b : {1e-3, 1e-4, 1e-5, 1e-6}) {
    const double t = t_b * b;
    const double zt = bem::stripline_single(w, t, 0.5 * (b - t), 0.5 * (b - t), 1.0).z0_ohm;
    const double wheeler_drop = 1.0 - stripline_z0_air(w, b, t) / stripline_z0_air(w, b, 0.0);
    INFO("t/b " << t_b << ": drop " << 1.0 - zt / z0 << " vs Wheeler " << wheeler_drop);
    CHECK(zt < z0);
    CHECK(std::abs((1.0 - zt / z0) - wheeler_drop) < 5e-5);
  }
}

// ---- input validation -----------------------------------------------------------------------------

TEST_CASE("Invalid input throws invalid_argument naming the field, the value and the rule",
          "[phy][bem][unit]") {
  const double b = 1e-3;
  CHECK_THAT(message_of([&] {
               bem::stripline_capacitance({bem::Strip{0.0, -1e-3, 0.5e-3, 0.0}}, b, 1.0);
             }),
             Catch::Contains("strips[0].width_m") && Catch::Contains("-0.001") &&
                 Catch::Contains("> 0"));
  CHECK_THAT(message_of([&] {
               bem::stripline_capacitance({bem::Strip{0.0, 1e-4, 0.5e-3, 0.6e-3}}, b, 1.0);
             }),
             Catch::Contains("strips[0]") && Catch::Contains("0.0011") &&
                 Catch::Contains("< b_m"));
  CHECK_THAT(message_of([&] {
               bem::stripline_capacitance({bem::Strip{0.0, 1e-4, 0.0, 0.0}}, b, 1.0);
             }),
             Catch::Contains("strips[0].y_bottom_m"));
  CHECK_THAT(message_of([&] {
               bem::stripline_capacitance({bem::Strip{0.0, 1e-4, 0.5e-3, 0.0},
                                           bem::Strip{0.05e-3, 1e-4, 0.5e-3, 0.0}},
                                          b, 1.0);
             }),
             Catch::Contains("strips[0] and strips[1] overlap"));
  CHECK_THAT(message_of([&] {
               bem::stripline_capacitance({bem::Strip{0.0, 1e-4, 0.5e-3, 0.0}}, b, 0.5);
             }),
             Catch::Contains("eps_r = 0.5") && Catch::Contains("[1, 1000]"));
  CHECK_THAT(message_of([&] { bem::stripline_capacitance({}, b, 1.0); }),
             Catch::Contains("strips must not be empty"));
  CHECK_THAT(message_of([&] {
               bem::microstrip_capacitance({bem::Strip{0.0, 1e-4, 1e-4, 1e-5}}, 1e-4, 4.0);
             }),
             Catch::Contains("strips[0].thickness_m") && Catch::Contains("must be 0"));
  CHECK_THAT(message_of([&] {
               bem::microstrip_capacitance({bem::Strip{0.0, 1e-4, 0.0, 0.0}}, 1e-4, 4.0);
             }),
             Catch::Contains("strips[0].y_bottom_m") && Catch::Contains("must equal h_m"));
  bem::Options odd;
  odd.segments_per_strip = 31;
  CHECK_THAT(message_of([&] { bem::microstrip_single(1e-4, 1e-4, 4.0, odd); }),
             Catch::Contains("segments_per_strip = 31") && Catch::Contains("even"));
  CHECK_THAT(message_of([&] { bem::stripline_single(0.0, 0.0, 1e-4, 1e-4, 4.0); }),
             Catch::Contains("stripline_single: w = 0"));
  CHECK_THAT(message_of([&] { bem::microstrip_pair(1e-4, -1e-5, 1e-4, 4.0); }),
             Catch::Contains("microstrip_pair: s = -1e-05"));
  // Without Richardson extrapolation any count >= 4 is accepted.
  bem::Options plain;
  plain.segments_per_strip = 31;
  plain.richardson = false;
  CHECK(bem::microstrip_single(1e-4, 1e-4, 4.0, plain).z0_ohm > 0.0);
}
