#include "phy/strip_bem.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "phy/constants.hpp"
#include "phy/gauss_legendre.hpp"
#include "phy/number_text.hpp"

namespace phylane::phy::bem {

namespace {

// ----------------------------------------------------------------------------------------------
// Validation

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("strip_bem: " + what);
}

void require_positive(double v, const char* fn, const char* name) {
  require(std::isfinite(v) && v > 0.0,
          std::string(fn) + ": " + name + " = " + phy::number_text(v) + " must be finite and > 0");
}

void require_eps_r(double eps_r, const char* fn) {
  require(std::isfinite(eps_r) && eps_r >= 1.0 && eps_r <= 1000.0,
          std::string(fn) + ": eps_r = " + phy::number_text(eps_r) + " must be in [1, 1000]");
}

void require_options(const Options& opt, const char* fn) {
  require(opt.segments_per_strip >= 4 && (!opt.richardson || opt.segments_per_strip % 2 == 0),
          std::string(fn) + ": Options.segments_per_strip = " +
              std::to_string(opt.segments_per_strip) +
              " must be >= 4, and even when Options.richardson is set");
  require(std::isfinite(opt.side_fraction) && opt.side_fraction > 0.0,
          std::string(fn) + ": Options.side_fraction = " + phy::number_text(opt.side_fraction) +
              " must be finite and > 0");
}

std::string strip_field(const char* fn, std::size_t i, const char* field, double v) {
  return std::string(fn) + ": strips[" + std::to_string(i) + "]." + field + " = " + phy::number_text(v);
}

void require_strip_shape(const Strip& s, std::size_t i, const char* fn) {
  require(std::isfinite(s.x_center_m), strip_field(fn, i, "x_center_m", s.x_center_m) +
                                           " must be finite");
  require(std::isfinite(s.width_m) && s.width_m > 0.0,
          strip_field(fn, i, "width_m", s.width_m) + " must be finite and > 0");
  require(std::isfinite(s.thickness_m) && s.thickness_m >= 0.0,
          strip_field(fn, i, "thickness_m", s.thickness_m) + " must be finite and >= 0");
  require(std::isfinite(s.y_bottom_m), strip_field(fn, i, "y_bottom_m", s.y_bottom_m) +
                                           " must be finite");
}

// Two strips overlap unless they are separated horizontally or vertically. Zero-thickness strips
// at the same height with disjoint x ranges are separate; touching strips are rejected.
void require_disjoint(const std::vector<Strip>& strips, const char* fn) {
  for (std::size_t i = 0; i < strips.size(); ++i)
    for (std::size_t j = i + 1; j < strips.size(); ++j) {
      const Strip& a = strips[i];
      const Strip& b = strips[j];
      const bool apart_x = a.x_center_m + 0.5 * a.width_m < b.x_center_m - 0.5 * b.width_m ||
                           b.x_center_m + 0.5 * b.width_m < a.x_center_m - 0.5 * a.width_m;
      const bool apart_y = a.y_bottom_m + a.thickness_m < b.y_bottom_m ||
                           b.y_bottom_m + b.thickness_m < a.y_bottom_m;
      require(apart_x || apart_y, std::string(fn) + ": strips[" + std::to_string(i) +
                                      "] and strips[" + std::to_string(j) +
                                      "] overlap or touch; strips must be separated");
    }
}

// A stripline's cross-section through its strip: copper thickness t >= 0, the dielectric below and
// above it > 0, and eps_r.
void require_stripline_stack(double t, double h_below, double h_above, double eps_r, const char* fn) {
  require(std::isfinite(t) && t >= 0.0, std::string(fn) + ": t = " + phy::number_text(t) + " must be >= 0");
  require_positive(h_below, fn, "h_below");
  require_positive(h_above, fn, "h_above");
  require_eps_r(eps_r, fn);
}

// The checks every solver makes on its arguments, in order: the plane distance `dist_name` =
// dist_m > 0, eps_r, the options, at least one strip, each strip's shape and then its placement
// (the solver's own rule, `placement(strip, index)`), and no two strips touching.
template <class Placement>
void require_problem(const char* fn, const std::vector<Strip>& strips, const char* dist_name, double dist_m,
                     double eps_r, const Options& opt, Placement placement) {
  require_positive(dist_m, fn, dist_name);
  require_eps_r(eps_r, fn);
  require_options(opt, fn);
  require(!strips.empty(), std::string(fn) + ": strips must not be empty");
  for (std::size_t i = 0; i < strips.size(); ++i) {
    require_strip_shape(strips[i], i, fn);
    placement(strips[i], i);
  }
  require_disjoint(strips, fn);
}

// ----------------------------------------------------------------------------------------------
// Quadrature and closed-form segment integrals

const GaussLegendre<8>& gauss8() {
  static const GaussLegendre<8> rule;
  return rule;
}
const GaussLegendre<4>& gauss4() {
  static const GaussLegendre<4> rule;
  return rule;
}

// Antiderivative in s of ln(s^2 + d^2), d >= 0: s ln(s^2 + d^2) - 2 s + 2 d atan(s/d).
double log_antiderivative(double s, double d) {
  if (s == 0.0) return 0.0;
  const double r2 = s * s + d * d;
  const double atan_term = d > 0.0 ? 2.0 * d * std::atan(s / d) : 0.0;
  return s * std::log(r2) - 2.0 * s + atan_term;
}

// Exact integral over the straight segment A -> B (arc length) of ln |P - Q|^2.
double log_segment_integral(double px, double py, double ax, double ay, double bx, double by) {
  const double len = std::hypot(bx - ax, by - ay);
  const double tx = (bx - ax) / len;
  const double ty = (by - ay) / len;
  // position of A along the segment, measured from the foot of the perpendicular from P
  const double s1 = (ax - px) * tx + (ay - py) * ty;
  const double d = std::abs((ax - px) * ty - (ay - py) * tx);
  return log_antiderivative(s1 + len, d) - log_antiderivative(s1, d);
}

// ----------------------------------------------------------------------------------------------
// Stripline kernel, in coordinates scaled by pi/b (planes at Y = 0 and Y = pi):
//   k(u, v0, v1) = ln[(cosh u - cos v1) / (cosh u - cos v0)],
// u = X - X', v0 = Y - Y', v1 = Y + Y', so that the potential of a line charge q is
// q k / (4 pi eps).

// cosh u - cos v = 2 (sinh^2(u/2) + sin^2(v/2)): no cancellation near u = v = 0.
double half_cosh_minus_cos(double sh2, double v) {
  const double s = std::sin(0.5 * v);
  return sh2 + s * s;
}

// The full kernel; far away (|u| > 18) cosh u - cos v = (e^u / 2)(1 - 2 cos v e^-u + e^-2u), so
// the ratio is formed from the bracketed factors without overflow.
double stripline_kernel(double u, double v0, double v1) {
  const double au = std::abs(u);
  if (au > 18.0) {
    const double e = std::exp(-au);
    return std::log1p(e * (e - 2.0 * std::cos(v1))) - std::log1p(e * (e - 2.0 * std::cos(v0)));
  }
  const double sh = std::sinh(0.5 * u);
  const double sh2 = sh * sh;
  return std::log(half_cosh_minus_cos(sh2, v1) / half_cosh_minus_cos(sh2, v0));
}

// The kernel less its three logarithmic singularities that can come near the strips (the source
// at v0 = 0 and its images at v1 = 0 and v1 = 2 pi):
//   r(u, v0, v1) = k + ln(u^2 + v0^2) - ln(u^2 + v1^2) - ln(u^2 + (2 pi - v1)^2),
// analytic in the region of the strips (the next images are >= pi away). For |u| <= 1 it is
// formed as a ratio of small quantities, each accurate to rounding, from the half-angle values
// sh = sinh(u/2), s0 = sin(v0/2), s1 = sin(v1/2), which the caller supplies (along a horizontal
// segment v0 and v1 are the same at every node, along a vertical one u is); only called with
// them for |u| <= 1, the full kernel otherwise (stripline_remainder_apart).
double stripline_remainder(double u, double v0, double v1, double sh, double s0, double s1) {
  const double u2 = u * u;
  const double r0 = u2 + v0 * v0;
  const double ra = u2 + v1 * v1;
  const double rb = u2 + (2.0 * pi - v1) * (2.0 * pi - v1);
  const double sh2 = sh * sh;
  const double a1 = sh2 + s1 * s1;
  // a0 / r0 -> 1/4 as r0 -> 0 (the collocation point of a self term is never a Gauss node, but
  // guard the limit anyway).
  const double a0_over_r0 = r0 > 1e-280 ? (sh2 + s0 * s0) / r0 : 0.25;
  return std::log(a1 / (ra * rb * a0_over_r0));
}

// r(u, v0, v1) for |u| > 1, where no singularity is near.
double stripline_remainder_apart(double u, double v0, double v1) {
  const double u2 = u * u;
  const double rb = u2 + (2.0 * pi - v1) * (2.0 * pi - v1);
  return stripline_kernel(u, v0, v1) + std::log((u2 + v0 * v0) / ((u2 + v1 * v1) * rb));
}

// An observation point in scaled coordinates with the functions of it that every segment integral
// uses, computed once per point.
struct Observer {
  Observer(double x, double y)
      : px(x), py(y), s(std::sin(0.5 * y)), c(std::cos(0.5 * y)), e_plus(std::exp(0.5 * x)),
        e_minus(std::exp(-0.5 * x)) {}
  double px, py;
  double s, c;             // sin, cos of py/2
  double e_plus, e_minus;  // exp(+-px/2)
};

// exp((px - xc)/2) is formed as the product of exp(px/2) and exp(-xc/2) while |px| and |2 xc| are
// below this bound (factors < e^250, far from overflow); the far_integral comment has the error.
constexpr double exp_product_range = 500.0;

// One boundary segment in scaled coordinates, with its far-field quadrature nodes precomputed.
// integral() returns the integral over the segment (arc length) of the stripline kernel k seen
// from an observation point.
class StriplineSegment {
 public:
  StriplineSegment(double ax, double ay, double bx, double by)
      : ax_(ax), ay_(ay), bx_(bx), by_(by), len_(std::hypot(bx - ax, by - ay)) {
    // Quadrature panels no longer than 0.5: the kernel's singularities other than the three
    // treated in closed form are >= pi away, so Gauss-Legendre converges geometrically.
    panels_ = std::max(1, static_cast<int>(std::ceil(len_ / 0.5)));
    const double hx = (bx - ax) / panels_;
    const double hy = (by - ay) / panels_;
    const double half = 0.5 * len_ / panels_;
    const double xc = 0.5 * (ax + bx);
    e_plus_ = std::exp(0.5 * xc);
    e_minus_ = std::exp(-0.5 * xc);
    const auto& g = gauss4();
    for (int p = 0; p < panels_; ++p)
      for (std::size_t k = 0; k < g.x.size(); ++k) {
        const double f = p + 0.5 + 0.5 * g.x[k];
        const double x = ax + f * hx;
        const double y = ay + f * hy;
        far_.push_back({x, y, g.w[k] * half, std::sinh(0.5 * (x - xc)), std::cosh(0.5 * (x - xc)),
                        std::sin(0.5 * y), std::cos(0.5 * y)});
      }
  }

  double integral(const Observer& o) const {
    const double px = o.px;
    const double py = o.py;
    const double mx = 0.5 * (ax_ + bx_);
    const double my = 0.5 * (ay_ + by_);
    const double dx = px - mx;
    // squared distance to the segment's midpoint and to those of its two nearest images
    const double dx2 = dx * dx;
    const double d2_min = std::min({dx2 + (py - my) * (py - my), dx2 + (py + my) * (py + my),
                                    dx2 + (2.0 * pi - py - my) * (2.0 * pi - py - my)});
    if (d2_min > 16.0 * len_ * len_) return far_integral(o);
    // Near: the three logarithms in closed form (image segments reflected in Y = 0 and Y = pi),
    // the analytic remainder by 8-point Gauss per panel (error < 1e-15 relative).
    const auto& g = gauss8();
    const double hx = (bx_ - ax_) / panels_;
    const double hy = (by_ - ay_) / panels_;
    // Every strip face is horizontal (hy == 0: qy == ay_ at every node, bitwise) or vertical
    // (hx == 0: qx == ax_), so the half-angle sines of v0, v1 or the sinh of u are computed once
    // per segment, with the same values as at each node.
    const bool horizontal = hy == 0.0;
    const bool vertical = hx == 0.0;
    const double s0_face = horizontal ? std::sin(0.5 * (py - ay_)) : 0.0;
    const double s1_face = horizontal ? std::sin(0.5 * (py + ay_)) : 0.0;
    const double sh_face = vertical ? std::sinh(0.5 * (px - ax_)) : 0.0;
    double sum = 0.0;
    for (int p = 0; p < panels_; ++p)
      for (std::size_t k = 0; k < g.x.size(); ++k) {
        const double f = p + 0.5 + 0.5 * g.x[k];
        const double u = px - (ax_ + f * hx);
        const double qy = ay_ + f * hy;
        const double v0 = py - qy;
        const double v1 = py + qy;
        if (std::abs(u) > 1.0) {
          sum += g.w[k] * stripline_remainder_apart(u, v0, v1);
          continue;
        }
        const double sh = vertical ? sh_face : std::sinh(0.5 * u);
        const double s0 = horizontal ? s0_face : std::sin(0.5 * v0);
        const double s1 = horizontal ? s1_face : std::sin(0.5 * v1);
        sum += g.w[k] * stripline_remainder(u, v0, v1, sh, s0, s1);
      }
    return sum * 0.5 * len_ / panels_ - log_segment_integral(px, py, ax_, ay_, bx_, by_) +
           log_segment_integral(px, py, ax_, -ay_, bx_, -by_) +
           log_segment_integral(px, py, ax_, 2.0 * pi - ay_, bx_, 2.0 * pi - by_);
  }

 private:
  struct FarNode {
    double x, y, w;
    double sh, ch;  // sinh, cosh of (x - xc)/2, xc the segment's mid abscissa
    double s, c;    // sin, cos of y/2
  };

  // Far: every singularity is > 3.5 segment lengths from the segment, so 4-point Gauss is
  // accurate to ~1e-10 relative (Bernstein ellipse rho > 15, error ~ rho^-8). The kernel is
  // k = ln[(sinh^2(u/2) + sin^2(v1/2)) / (sinh^2(u/2) + sin^2(v0/2))] with the half-angle
  // functions of u = px - x and v = py -+ y formed by addition theorems from precomputed node
  // values and exp((px - xc)/2) as the product of the point's and the segment's exponentials (no
  // exp per pair; relative error 2 ulp, as good as a direct exp for the cancellation in sinh): no
  // cancellation worse than 1e-16 / distance. The 4-point rule's nodes come in pairs of equal
  // weight, so one log serves a pair.
  double far_integral(const Observer& o) const {
    const double px = o.px;
    const double py = o.py;
    const double s = o.s;
    const double c = o.c;
    const double half_dx = 0.5 * (px - 0.5 * (ax_ + bx_));
    double sum = 0.0;
    if (std::abs(half_dx) > 20.0) {
      // Strips > 13 plate spacings apart: the kernel is ~e^-40, evaluated directly.
      for (const FarNode& n : far_) sum += n.w * stripline_kernel(px - n.x, py - n.y, py + n.y);
      return sum;
    }
    const bool products = std::abs(px) < exp_product_range && std::abs(ax_ + bx_) < exp_product_range;
    const double e = products ? o.e_plus * e_minus_ : std::exp(half_dx);
    const double inv_e = products ? o.e_minus * e_plus_ : 1.0 / e;
    const double sh_d = 0.5 * (e - inv_e);
    const double ch_d = 0.5 * (e + inv_e);
    auto ratio = [&](const FarNode& n) {
      const double shu = sh_d * n.ch - ch_d * n.sh;  // sinh((px - x)/2)
      const double s0 = s * n.c - c * n.s;           // sin((py - y)/2)
      const double s1 = s * n.c + c * n.s;           // sin((py + y)/2)
      const double shu2 = shu * shu;
      return (shu2 + s1 * s1) / (shu2 + s0 * s0);
    };
    for (std::size_t q = 0; q < far_.size(); q += 4) {
      sum += far_[q].w * std::log(ratio(far_[q]) * ratio(far_[q + 3])) +
             far_[q + 1].w * std::log(ratio(far_[q + 1]) * ratio(far_[q + 2]));
    }
    return sum;
  }

  double ax_, ay_, bx_, by_, len_;
  double e_plus_ = 1.0, e_minus_ = 1.0;  // exp(+-xc/2), xc the mid abscissa
  int panels_ = 1;
  std::vector<FarNode> far_;
};

// ----------------------------------------------------------------------------------------------
// Microstrip interface kernel, lengths in units of h (images at heights a_m = 2 m):
//   g(X) = sum_{m>=0} K^m ln[(X^2 + a_{m+1}^2)/(X^2 + a_m^2)],
// and its antiderivative H(X) = sum_m K^m [P(X; a_{m+1}) - P(X; a_m)],
// P(X; a) = int_0^X ln(x^2 + a^2) dx.
// The integral over a segment [X1, X2] seen from X is H(X - X1) - H(X - X2).
//
// The series converges like |K|^m / m, slowly for high eps_r (K = -0.82 at eps_r = 9.8 needs ~190
// terms). For m >= m0 with |X| <= a_m0 / 3, P(X; a) = X ln a^2 + sum_j c_j X^{2j+1} / a^{2j},
// c_j = (-1)^{j+1} / (j (2j+1)), so the tail sum_{m>=m0} is a short power series in (X/a_m0)^2
// whose coefficients depend only on m0 and K: they are tabulated once per (eps_r, largest |X|).
class MicrostripSeries {
 public:
  static constexpr int tail_order = 18;  // (1/9)^18 / (18 * 37) < 1e-19

  MicrostripSeries(double eps_r, double max_abs_x) : k_((1.0 - eps_r) / (1.0 + eps_r)) {
    const double ak = std::abs(k_);
    // Terms beyond `terms_` are below 1e-17 of the leading one.
    terms_ = ak == 0.0 ? 1 : static_cast<int>(std::ceil(std::log(1e-17) / std::log(ak))) + 1;
    m0_max_ = std::min(terms_ - 1, tail_start(max_abs_x));
    if (m0_max_ < 1) return;
    // T_j(m) = sum_{m' >= m} K^m' ((m'+1)^-2j - m'^-2j), T_0(m) = sum K^m' ln((m'+1)^2/m'^2),
    // accumulated from the far end; tail coefficients U_j(m0) = m0^2j T_j(m0).
    std::array<double, tail_order + 1> t{};
    u_.assign(static_cast<std::size_t>((m0_max_ + 1) * (tail_order + 1)), 0.0);
    for (int m = terms_ - 1; m >= 1; --m) {
      const double km = std::pow(k_, m);
      const double inv_hi = 1.0 / ((m + 1.0) * (m + 1.0));
      const double inv_lo = 1.0 / (static_cast<double>(m) * m);
      t[0] += km * 2.0 * std::log1p(1.0 / m);
      double p_hi = 1.0;
      double p_lo = 1.0;
      for (int j = 1; j <= tail_order; ++j) {
        p_hi *= inv_hi;
        p_lo *= inv_lo;
        t[static_cast<std::size_t>(j)] += km * (p_hi - p_lo);
      }
      if (m <= m0_max_) {
        double scale = 1.0;
        const double m2 = static_cast<double>(m) * m;
        for (int j = 0; j <= tail_order; ++j) {
          u_[index(m, j)] = scale * t[static_cast<std::size_t>(j)];
          scale *= m2;
        }
      }
    }
  }

  // Interface potential kernel itself, plain summation (used for microstrip_green).
  double kernel(double x) const {
    double sum = 0.0;
    double km = 1.0;
    const double x2 = x * x;
    for (int m = 0; m < terms_; ++m) {
      const double a0 = 2.0 * m;
      const double a1 = 2.0 * (m + 1);
      sum += km * std::log((x2 + a1 * a1) / (x2 + a0 * a0));
      km *= k_;
    }
    return sum;
  }

  double antiderivative(double x) const {
    if (x == 0.0) return 0.0;
    const int m0 = tail_start(std::abs(x));
    if (m0 > m0_max_) return direct(x, terms_);
    return direct(x, m0) + tail(x, m0);
  }

 private:
  static int tail_start(double abs_x) {
    return std::max(1, static_cast<int>(std::ceil(1.5 * abs_x)));
  }
  std::size_t index(int m0, int j) const {
    return static_cast<std::size_t>(m0 * (tail_order + 1) + j);
  }
  // Summation by parts, one P per image height:
  // sum_{m<n} K^m [P(a_{m+1}) - P(a_m)]
  //   = -P(a_0) + sum_{m=1}^{n-1} (K^{m-1} - K^m) P(a_m) + K^{n-1} P(a_n)
  double direct(double x, int n) const {
    double sum = -log_antiderivative(x, 0.0);
    double km1 = 1.0;  // K^{m-1}
    for (int m = 1; m < n; ++m) {
      sum += km1 * (1.0 - k_) * log_antiderivative(x, 2.0 * m);
      km1 *= k_;
    }
    return sum + km1 * log_antiderivative(x, 2.0 * n);
  }
  double tail(double x, int m0) const {
    const double rho = (x / (2.0 * m0)) * (x / (2.0 * m0));
    double sum = u_[index(m0, 0)];
    double rj = 1.0;
    for (int j = 1; j <= tail_order; ++j) {
      rj *= rho;
      const double c = (j % 2 == 1 ? 1.0 : -1.0) / (j * (2.0 * j + 1.0));
      sum += c * rj * u_[index(m0, j)];
    }
    return x * sum;
  }

  double k_;
  int terms_ = 1;
  int m0_max_ = 0;
  std::vector<double> u_;
};

// ----------------------------------------------------------------------------------------------
// Discretisation

struct Segment {
  double ax, ay, bx, by;
  double length;
  int strip;
};

// Cosine-spaced fraction i/n of an interval, refined towards both ends.
double cosine_fraction(int i, int n) { return 0.5 * (1.0 - std::cos(pi * i / n)); }

void add_face(std::vector<Segment>& out, double ax, double ay, double bx, double by, int n,
              int strip) {
  for (int i = 0; i < n; ++i) {
    const double f0 = cosine_fraction(i, n);
    const double f1 = cosine_fraction(i + 1, n);
    Segment s{ax + f0 * (bx - ax), ay + f0 * (by - ay), ax + f1 * (bx - ax), ay + f1 * (by - ay),
              0.0, strip};
    s.length = std::hypot(s.bx - s.ax, s.by - s.ay);
    out.push_back(s);
  }
}

// Segment counts of one refinement level: `base` across each width, the sides in proportion to
// their length (at least side_fraction of the width's count), all multiplied by `factor`, so that
// factor 2 halves every segment of factor 1 (cosine meshes nest).
std::vector<Segment> discretise(const std::vector<Strip>& strips, int base, double side_fraction,
                                int factor) {
  std::vector<Segment> segs;
  for (std::size_t i = 0; i < strips.size(); ++i) {
    const Strip& s = strips[i];
    const int id = static_cast<int>(i);
    const double x0 = s.x_center_m - 0.5 * s.width_m;
    const double x1 = s.x_center_m + 0.5 * s.width_m;
    const double y0 = s.y_bottom_m;
    const int nw = base * factor;
    if (s.thickness_m == 0.0) {
      add_face(segs, x0, y0, x1, y0, nw, id);
      continue;
    }
    const double y1 = s.y_bottom_m + s.thickness_m;
    const double side = base * std::max(side_fraction, s.thickness_m / s.width_m);
    const int nt = std::max(2, static_cast<int>(std::ceil(side))) * factor;
    add_face(segs, x0, y0, x1, y0, nw, id);  // bottom
    add_face(segs, x1, y0, x1, y1, nt, id);  // right
    add_face(segs, x1, y1, x0, y1, nw, id);  // top
    add_face(segs, x0, y1, x0, y0, nt, id);  // left
  }
  return segs;
}

// The segments' orbits under reflections of the boundary onto itself that keep every segment on
// its own strip and leave the collocation matrix unchanged: A(g(i), g(j)) = A(i, j) for each such
// map g. The right-hand sides (1 V on one strip, 0 on the others) are then invariant too, so the
// unique charge density is: sigma(g(i)) = sigma(i). Summing the columns of each orbit and keeping
// one row per orbit gives the same densities from a system that has one unknown per orbit, which
// needs only those rows of A (half, or a quarter, of the matrix fill) and an LU of half (a
// quarter) the size: an eighth (1/64) of the work. The reduction of a symmetric problem to its
// fully symmetric subspace (e.g. A. Bossavit, "Boundary value problems with symmetry and their
// approximation by finite elements", SIAM J. Appl. Math. 53(5), 1993).
struct Orbits {
  std::vector<std::size_t> rep;       // a representative segment (the least index) of each orbit
  std::vector<std::size_t> orbit_of;  // the orbit of each segment
};

// p with segs[p[i]] the image of segs[i] under `reflect` (either end order, each coordinate to
// within tol) on the same strip, or none when the boundary is not its own image strip by strip.
template <class Reflect>
std::optional<std::vector<std::size_t>> reflected_indices(const std::vector<Segment>& segs, Reflect reflect,
                                                         double tol) {
  auto close = [tol](double x0, double y0, double x1, double y1) {
    return std::abs(x0 - x1) <= tol && std::abs(y0 - y1) <= tol;
  };
  std::vector<std::size_t> p(segs.size());
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto [rax, ray] = reflect(segs[i].ax, segs[i].ay);
    const auto [rbx, rby] = reflect(segs[i].bx, segs[i].by);
    const auto it = std::find_if(segs.begin(), segs.end(), [&](const Segment& s) {
      return s.strip == segs[i].strip && ((close(s.ax, s.ay, rax, ray) && close(s.bx, s.by, rbx, rby)) ||
                                          (close(s.ax, s.ay, rbx, rby) && close(s.bx, s.by, rax, ray)));
    });
    if (it == segs.end()) return std::nullopt;
    p[i] = static_cast<std::size_t>(it - segs.begin());
  }
  return p;
}

// The orbits of the segments under the reflections of the boundary that the kernel shares:
// x -> 2a - x about the middle a of the boundary's extent when `mirror_x` (every kernel here is
// even in x - x'; not for the even/odd matrices of level_capacitance, whose image half lies
// elsewhere), and y -> y_mirror - y when given (the stripline kernel keeps its value under
// y -> b - y of both points: cosh u - cos v1 and cos v0 are unchanged by v0 -> -v0,
// v1 -> 2 pi - v1), each only when `allowed`. Ends matched to 1e-12 of allowed.scale: the
// cosine-spaced ends of mirrored segments differ by rounding only. No reflection: one orbit per
// segment.
// The reflections a solver may use (Options.use_symmetry): y_mirror = b for the stripline's planes,
// none for microstrip; scale a length of the problem (b or h) for the matching tolerance.
struct Reflections {
  bool use = false;
  std::optional<double> y_mirror;
  double scale = 1.0;
};

Orbits segment_orbits(const std::vector<Segment>& segs, bool mirror_x, const Reflections& allowed) {
  const double tol = 1e-12 * allowed.scale;
  const std::optional<double> y_mirror = allowed.use ? allowed.y_mirror : std::nullopt;
  std::vector<std::vector<std::size_t>> maps;
  if (mirror_x && allowed.use) {
    double lo = segs.front().ax, hi = lo;
    for (const Segment& s : segs) {
      lo = std::min({lo, s.ax, s.bx});
      hi = std::max({hi, s.ax, s.bx});
    }
    const double a = 0.5 * (lo + hi);
    if (auto p = reflected_indices(segs, [a](double x, double y) { return std::pair{2.0 * a - x, y}; }, tol))
      maps.push_back(std::move(*p));
  }
  if (y_mirror) {
    const double b = *y_mirror;
    if (auto p = reflected_indices(segs, [b](double x, double y) { return std::pair{x, b - y}; }, tol))
      maps.push_back(std::move(*p));
  }
  if (maps.size() == 2) {  // the product of the two reflections completes the group
    std::vector<std::size_t> both(segs.size());
    for (std::size_t i = 0; i < segs.size(); ++i) both[i] = maps[1][maps[0][i]];
    maps.push_back(std::move(both));
  }
  Orbits o;
  o.orbit_of.resize(segs.size());
  for (std::size_t i = 0; i < segs.size(); ++i) {
    std::size_t least = i;
    for (const auto& m : maps) least = std::min(least, m[i]);
    if (least == i) {
      o.orbit_of[i] = o.rep.size();
      o.rep.push_back(i);
    } else {
      o.orbit_of[i] = o.orbit_of[least];  // least < i: assigned already
    }
  }
  return o;
}

// The reduced matrix B(r, s) = sum over the orbit s of A(rep r, j), from the representative rows
// of A (orbits.rep.size() x segments).
Eigen::MatrixXd orbit_columns(const Eigen::MatrixXd& rows, const Orbits& orbits) {
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(rows.rows(), static_cast<Eigen::Index>(orbits.rep.size()));
  for (Eigen::Index j = 0; j < rows.cols(); ++j)
    b.col(static_cast<Eigen::Index>(orbits.orbit_of[static_cast<std::size_t>(j)])) += rows.col(j);
  return b;
}

// Solves A sigma = 1 V on strip i, 0 elsewhere, for every i and sums the charge on each strip:
// C(k, i) = charge on strip k [C/m] with 1 V on strip i. A is the orbit-reduced matrix (one row
// and one unknown per orbit of `orbits`; an orbit's segments carry the same density).
Eigen::MatrixXd maxwell_matrix(const Eigen::MatrixXd& a, const std::vector<Segment>& segs, const Orbits& orbits,
                               std::size_t n_strips) {
  const Eigen::Index n = static_cast<Eigen::Index>(orbits.rep.size());
  const Eigen::Index ns = static_cast<Eigen::Index>(n_strips);
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(n, ns);
  for (Eigen::Index r = 0; r < n; ++r) rhs(r, segs[orbits.rep[static_cast<std::size_t>(r)]].strip) = 1.0;
  const Eigen::MatrixXd sigma = a.partialPivLu().solve(rhs);
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(ns, ns);
  for (std::size_t k = 0; k < segs.size(); ++k) {
    const Segment& s = segs[k];
    c.row(s.strip) += s.length * sigma.row(static_cast<Eigen::Index>(orbits.orbit_of[k]));
  }
  return c;
}

// A strip set that is its own mirror image about x = 0, as pairs: strip right[k] (x_center > 0)
// and strip left[k], its exact reflection (same width, height and thickness, x_center negated).
struct MirrorPairs {
  std::vector<std::size_t> right, left;
};

// The pairing when every strip has an exact mirror partner (bitwise-equal dimensions; a strip on
// x = 0 is its own image and is left to the general path), none otherwise. The strips are
// disjoint, so a partner is unique.
std::optional<MirrorPairs> mirror_pairs(const std::vector<Strip>& strips) {
  MirrorPairs pairs;
  for (std::size_t i = 0; i < strips.size(); ++i) {
    const Strip& a = strips[i];
    if (!(a.x_center_m > 0.0)) continue;
    const auto partner = std::find_if(strips.begin(), strips.end(), [&a](const Strip& b) {
      return b.x_center_m == -a.x_center_m && b.width_m == a.width_m &&
             b.y_bottom_m == a.y_bottom_m && b.thickness_m == a.thickness_m;
    });
    if (partner == strips.end()) return std::nullopt;
    pairs.right.push_back(i);
    pairs.left.push_back(static_cast<std::size_t>(partner - strips.begin()));
  }
  if (2 * pairs.right.size() != strips.size()) return std::nullopt;
  return pairs;
}

// Maxwell matrix of one refinement level (segment counts multiplied by `factor`), from
// `matrix_for(obs, src, rows)`, the potential at the midpoint of segment obs[rows[r]] of unit
// charge density on each segment of src. With Options.use_symmetry, reflections of the boundary
// onto itself (segment_orbits) reduce the system to one unknown per orbit: a strip centred
// between the stripline planes (and a single strip, about its own axis) needs the rows of half
// (a quarter) of its segments.
//
// A mirror-symmetric set is solved on the right half only (even/odd mode decomposition; the method
// of images for a symmetry plane: C. R. Paul, Analysis of Multiconductor Transmission Lines, 2nd
// ed., Wiley 2008, on symmetric lines; R. F. Harrington, Field Computation by Moment Methods,
// Macmillan 1968). The left half's segments are the reflections of the right half's, so with
// charge density +sigma (even) or -sigma (odd) on the reflection of every right segment the
// potential at a right collocation point is (A_direct +- A_image) sigma. Solving
// with 1 V on right strip j gives the charges E(i, j) = C(r_i, r_j) + C(r_i, l_j) (even) and
// O(i, j) = C(r_i, r_j) - C(r_i, l_j) (odd), so C(r_i, r_j) = (E + O)/2 and C(r_i, l_j) =
// (E - O)/2; reflection gives C(l_i, l_j) = C(r_i, r_j) and C(l_i, r_j) = C(r_i, l_j). Half the
// matrix entries and two LU factorisations of half the size (1/4 the work) for the same
// discretisation as the general path, whose left segments equal these reflections up to the
// rounding of the cosine spacing; the two paths agree to ~1e-15 (tests/phy/strip_bem_test.cpp).
template <class MatrixFor>
Eigen::MatrixXd level_capacitance(const std::vector<Strip>& strips,
                                  const std::optional<MirrorPairs>& mirror, int base,
                                  double side_fraction, int factor, const Reflections& reflections,
                                  MatrixFor& matrix_for) {
  if (!mirror) {
    const auto segs = discretise(strips, base, side_fraction, factor);
    const Orbits orbits = segment_orbits(segs, true, reflections);
    return maxwell_matrix(orbit_columns(matrix_for(segs, segs, orbits.rep), orbits), segs, orbits, strips.size());
  }
  const std::size_t half = mirror->right.size();
  std::vector<Strip> right;
  for (std::size_t k : mirror->right) right.push_back(strips[k]);
  const auto segs = discretise(right, base, side_fraction, factor);
  // Reflections traversed from the image of b to the image of a, so that horizontal faces run
  // towards +x as on every strip of the general path (the microstrip integral relies on it).
  std::vector<Segment> image = segs;
  for (Segment& s : image) s = Segment{-s.bx, s.by, -s.ax, s.ay, s.length, s.strip};
  // The right half's own reflection y -> b - y, when it has one, is shared by its image (the two
  // reflections commute), so the orbits index the image segments as well.
  const Orbits orbits = segment_orbits(segs, false, reflections);
  const Eigen::MatrixXd a_direct = orbit_columns(matrix_for(segs, segs, orbits.rep), orbits);
  const Eigen::MatrixXd a_image = orbit_columns(matrix_for(segs, image, orbits.rep), orbits);
  const Eigen::MatrixXd even = maxwell_matrix(a_direct + a_image, segs, orbits, half);
  const Eigen::MatrixXd odd = maxwell_matrix(a_direct - a_image, segs, orbits, half);
  Eigen::MatrixXd c(strips.size(), strips.size());
  for (std::size_t i = 0; i < half; ++i)
    for (std::size_t j = 0; j < half; ++j) {
      const auto ei = static_cast<Eigen::Index>(i);
      const auto ej = static_cast<Eigen::Index>(j);
      const double same = 0.5 * (even(ei, ej) + odd(ei, ej));
      const double across = 0.5 * (even(ei, ej) - odd(ei, ej));
      const auto ri = static_cast<Eigen::Index>(mirror->right[i]);
      const auto rj = static_cast<Eigen::Index>(mirror->right[j]);
      const auto li = static_cast<Eigen::Index>(mirror->left[i]);
      const auto lj = static_cast<Eigen::Index>(mirror->left[j]);
      c(ri, rj) = same;
      c(li, lj) = same;
      c(ri, lj) = across;
      c(li, rj) = across;
    }
  return c;
}

// Capacitance matrix from `matrix_for(obs, src, rows)` (see level_capacitance). With Richardson
// extrapolation the discretisation error, which falls as N^-2 for piecewise-constant charge with
// midpoint collocation on cosine-graded meshes (measured: docs/field_solver.md), is removed to
// leading order from the nested N/2 and N solutions: C = (4 C_N - C_{N/2}) / 3.
template <class MatrixFor>
Eigen::MatrixXd solve_capacitance(const std::vector<Strip>& strips, const Options& opt,
                                  Reflections reflections, MatrixFor&& matrix_for) {
  const std::optional<MirrorPairs> mirror = opt.use_symmetry ? mirror_pairs(strips) : std::nullopt;
  reflections.use = opt.use_symmetry;
  if (!opt.richardson)
    return level_capacitance(strips, mirror, opt.segments_per_strip, opt.side_fraction, 1,
                             reflections, matrix_for);
  const int base = opt.segments_per_strip / 2;
  const Eigen::MatrixXd c_coarse =
      level_capacitance(strips, mirror, base, opt.side_fraction, 1, reflections, matrix_for);
  const Eigen::MatrixXd c_fine =
      level_capacitance(strips, mirror, base, opt.side_fraction, 2, reflections, matrix_for);
  return (4.0 * c_fine - c_coarse) / 3.0;
}

LineResult line_result(double c, double c_air) {
  return {1.0 / (c0 * std::sqrt(c * c_air)), c / c_air};
}

PairResult pair_result(const Eigen::MatrixXd& c, const Eigen::MatrixXd& c_air) {
  // Symmetric pair: average the two (numerically slightly different) mutual terms.
  const double c11 = 0.5 * (c(0, 0) + c(1, 1));
  const double c12 = 0.5 * (c(0, 1) + c(1, 0));
  const double a11 = 0.5 * (c_air(0, 0) + c_air(1, 1));
  const double a12 = 0.5 * (c_air(0, 1) + c_air(1, 0));
  return {line_result(c11 + c12, a11 + a12), line_result(c11 - c12, a11 - a12)};
}

}  // namespace

// ------------------------------------------------------------------------------------------------

double stripline_green(double x, double y, double x_src, double y_src, double b_m, double eps_r) {
  const double sc = pi / b_m;
  return stripline_kernel(sc * (x - x_src), sc * (y - y_src), sc * (y + y_src)) /
         (4.0 * pi * eps0 * eps_r);
}

double microstrip_green(double dx_m, double h_m, double eps_r) {
  const MicrostripSeries series(eps_r, 0.0);
  return series.kernel(dx_m / h_m) / (2.0 * pi * eps0 * (1.0 + eps_r));
}

namespace detail {

double stripline_segment_potential(double x, double y, double ax, double ay, double bx, double by,
                                   double b_m, double eps_r) {
  const double sc = pi / b_m;
  const StriplineSegment seg(sc * ax, sc * ay, sc * bx, sc * by);
  return seg.integral(Observer(sc * x, sc * y)) / sc /
         (4.0 * pi * eps0 * eps_r);
}

double microstrip_segment_potential(double x, double x1, double x2, double h_m, double eps_r) {
  const double xs = x / h_m;
  const double x1s = x1 / h_m;
  const double x2s = x2 / h_m;
  const MicrostripSeries series(eps_r, std::max(std::abs(xs - x1s), std::abs(xs - x2s)));
  return h_m * (series.antiderivative(xs - x1s) - series.antiderivative(xs - x2s)) /
         (2.0 * pi * eps0 * (1.0 + eps_r));
}

}  // namespace detail

Eigen::MatrixXd stripline_capacitance(const std::vector<Strip>& strips, double b_m, double eps_r,
                                      const Options& opt) {
  constexpr const char* fn = "stripline_capacitance";
  require_problem(fn, strips, "b_m", b_m, eps_r, opt, [&](const Strip& s, std::size_t i) {
    require(s.y_bottom_m > 0.0, strip_field(fn, i, "y_bottom_m", s.y_bottom_m) +
                                    " must be > 0 (above the lower plane)");
    require(s.y_bottom_m + s.thickness_m < b_m,
            std::string(fn) + ": strips[" + std::to_string(i) +
                "] top y_bottom_m + thickness_m = " +
                phy::number_text(s.y_bottom_m + s.thickness_m) + " must be < b_m = " + phy::number_text(b_m));
  });

  const double sc = pi / b_m;
  // matrix_for(obs, src, rows): the rows `rows` of the collocation matrix (observation segments
  // obs[rows[r]], every source segment).
  auto matrix_for = [sc](const std::vector<Segment>& obs, const std::vector<Segment>& src,
                         const std::vector<std::size_t>& rows) {
    std::vector<StriplineSegment> scaled;
    scaled.reserve(src.size());
    for (const Segment& s : src) scaled.emplace_back(sc * s.ax, sc * s.ay, sc * s.bx, sc * s.by);
    Eigen::MatrixXd a(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(src.size()));
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      const Segment& o = obs[rows[static_cast<std::size_t>(i)]];
      const Observer p(sc * 0.5 * (o.ax + o.bx), sc * 0.5 * (o.ay + o.by));
      for (Eigen::Index j = 0; j < a.cols(); ++j) a(i, j) = scaled[static_cast<std::size_t>(j)].integral(p);
    }
    return a;
  };
  // a holds the scaled-length integrals of k; potential per unit charge density is
  // a / sc / (4 pi eps), hence C = (4 pi eps sc) * (charge for the matrix a).
  return (4.0 * pi * eps0 * eps_r * sc) * solve_capacitance(strips, opt, Reflections{true, b_m, b_m}, matrix_for);
}

Eigen::MatrixXd microstrip_capacitance(const std::vector<Strip>& strips, double h_m, double eps_r,
                                       const Options& opt) {
  constexpr const char* fn = "microstrip_capacitance";
  require_problem(fn, strips, "h_m", h_m, eps_r, opt, [&](const Strip& s, std::size_t i) {
    require(s.thickness_m == 0.0, strip_field(fn, i, "thickness_m", s.thickness_m) +
                                      " must be 0 (zero-thickness strips only)");
    require(std::abs(s.y_bottom_m - h_m) <= 1e-9 * h_m,
            strip_field(fn, i, "y_bottom_m", s.y_bottom_m) + " must equal h_m = " + phy::number_text(h_m) +
                " (strips lie on the substrate surface)");
  });

  double lo = strips.front().x_center_m - 0.5 * strips.front().width_m;
  double hi = strips.front().x_center_m + 0.5 * strips.front().width_m;
  for (const Strip& s : strips) {
    lo = std::min(lo, s.x_center_m - 0.5 * s.width_m);
    hi = std::max(hi, s.x_center_m + 0.5 * s.width_m);
  }
  const MicrostripSeries series(eps_r, (hi - lo) / h_m);
  auto matrix_for = [&series, h_m](const std::vector<Segment>& obs, const std::vector<Segment>& src,
                                   const std::vector<std::size_t>& rows) {
    // H(X_obs - X_node) for every collocation point and segment end (ends shared by adjacent
    // segments are evaluated twice: simplicity over a 2x saving).
    Eigen::MatrixXd a(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(src.size()));
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      const Segment& o = obs[rows[static_cast<std::size_t>(i)]];
      const double px = 0.5 * (o.ax + o.bx) / h_m;
      for (Eigen::Index j = 0; j < a.cols(); ++j) {
        const Segment& s = src[static_cast<std::size_t>(j)];
        a(i, j) = series.antiderivative(px - s.ax / h_m) - series.antiderivative(px - s.bx / h_m);
      }
    }
    return a;
  };
  // potential per unit density = h a / (2 pi eps0 (1 + eps_r))
  return (2.0 * pi * eps0 * (1.0 + eps_r) / h_m) *
         solve_capacitance(strips, opt, Reflections{true, std::nullopt, h_m}, matrix_for);
}

LineResult stripline_single(double w, double t, double h_below, double h_above, double eps_r,
                            const Options& opt) {
  constexpr const char* fn = "stripline_single";
  require_positive(w, fn, "w");
  require_stripline_stack(t, h_below, h_above, eps_r, fn);
  const double b = h_below + t + h_above;
  // Homogeneous medium: C(eps_r) = eps_r C(1), one solve.
  const double c_air = stripline_capacitance({Strip{0.0, w, h_below, t}}, b, 1.0, opt)(0, 0);
  return line_result(eps_r * c_air, c_air);
}

PairResult stripline_pair(double w, double s, double t, double h_below, double h_above,
                          double eps_r, const Options& opt) {
  constexpr const char* fn = "stripline_pair";
  require_positive(w, fn, "w");
  require_positive(s, fn, "s");
  require_stripline_stack(t, h_below, h_above, eps_r, fn);
  const double b = h_below + t + h_above;
  const double xc = 0.5 * (w + s);
  const Eigen::MatrixXd c_air = stripline_capacitance(
      {Strip{-xc, w, h_below, t}, Strip{xc, w, h_below, t}}, b, 1.0, opt);
  return pair_result(eps_r * c_air, c_air);
}

LineResult microstrip_single(double w, double h, double eps_r, const Options& opt) {
  constexpr const char* fn = "microstrip_single";
  require_positive(w, fn, "w");
  require_positive(h, fn, "h");
  require_eps_r(eps_r, fn);
  const std::vector<Strip> strips{Strip{0.0, w, h, 0.0}};
  const double c_air = microstrip_capacitance(strips, h, 1.0, opt)(0, 0);
  const double c = eps_r == 1.0 ? c_air : microstrip_capacitance(strips, h, eps_r, opt)(0, 0);
  return line_result(c, c_air);
}

PairResult microstrip_pair(double w, double s, double h, double eps_r, const Options& opt) {
  constexpr const char* fn = "microstrip_pair";
  require_positive(w, fn, "w");
  require_positive(s, fn, "s");
  require_positive(h, fn, "h");
  require_eps_r(eps_r, fn);
  const double xc = 0.5 * (w + s);
  const std::vector<Strip> strips{Strip{-xc, w, h, 0.0}, Strip{xc, w, h, 0.0}};
  const Eigen::MatrixXd c_air = microstrip_capacitance(strips, h, 1.0, opt);
  const Eigen::MatrixXd c = eps_r == 1.0 ? c_air : microstrip_capacitance(strips, h, eps_r, opt);
  return pair_result(c, c_air);
}

}  // namespace phylane::phy::bem
