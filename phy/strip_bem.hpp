#pragma once
/// Two-dimensional electrostatic boundary-element (method-of-moments) solver for the cross-section
/// of printed lines: strips in a homogeneous stripline, and zero-thickness strips on a grounded
/// dielectric slab (microstrip). It is an independent numerical reference for the closed-form line
/// models (phy/stripline.hpp, phy/microstrip.hpp) and an optional accurate solver.
///
/// Method: piecewise-constant surface charge on straight boundary segments (all four faces of a
/// thick strip; one row for a zero-thickness strip, carrying the charge of both faces), point
/// collocation at segment midpoints, the Green's function of the layered medium so that only the
/// strips are discretised. Segment integrals are exact where the kernel is singular: the
/// logarithms of the source and of its nearest images are integrated in closed form, the smooth
/// remainder by Gauss-Legendre quadrature; the microstrip image series is integrated term by
/// term in closed form. Segments are graded towards every edge and corner (cosine spacing)
/// because the charge density is singular there. Dense LU (Eigen); a mirror-symmetric strip set
/// (a symmetric pair) is solved as even and odd problems on half the unknowns.
/// Method, convergence and accuracy: docs/field_solver.md. Tested by: tests/phy/strip_bem_test.cpp.
#include <vector>

#include <Eigen/Dense>

namespace phylane::phy::bem {

/// A strip of rectangular cross-section (or a zero-thickness strip when thickness_m == 0).
struct Strip {
  double x_center_m = 0.0;   ///< horizontal position of the strip's centre [m]
  double width_m = 0.0;      ///< width [m], > 0
  double y_bottom_m = 0.0;   ///< height of the bottom face above the lower ground plane [m]
  double thickness_m = 0.0;  ///< thickness [m], >= 0 (0 = infinitely thin strip)
};

/// Discretisation of the boundary. With the defaults, doubling segments_per_strip changes self
/// and mode (even/odd) capacitances by less than 3e-5 and mutual ones by less than 6e-5 (w/b,
/// w/h <= 10; wider strips converge more slowly, 1e-4 at w/h = 1000), and a call takes 0.3-5 ms
/// (measured: tests/phy/strip_bem_test.cpp, docs/field_solver.md).
struct Options {
  /// Segments across the width of each strip (on each horizontal face of a thick strip),
  /// cosine-spaced so that they shrink towards both edges. >= 4; even when richardson is set.
  int segments_per_strip = 48;
  /// Each vertical face of a thick strip gets segments_per_strip * max(side_fraction, t/w)
  /// segments (at least 2), cosine-spaced towards both corners. > 0.
  double side_fraction = 0.25;
  /// Richardson extrapolation: solve with segments_per_strip/2 and segments_per_strip (nested
  /// meshes) and return (4 C_N - C_N/2)/3, which removes the leading N^-2 discretisation error.
  bool richardson = true;
  /// Solve a strip set that is its own mirror image about x = 0 (every strip has a partner with
  /// the opposite x_center_m and bitwise-equal other dimensions, e.g. a symmetric pair) as even and
  /// odd problems on half the unknowns: the same discretisation, half the matrix fill and a quarter
  /// of the LU work, results equal to the general path within ~1e-15 (docs/field_solver.md).
  /// false forces the general path.
  bool use_symmetry = true;
};

/// Potential [V] at (x, y) of a line charge of 1 C/m at (x_src, y_src) between grounded planes
/// y = 0 and y = b, homogeneous dielectric eps_r (0 < y, y_src < b):
///   phi = 1/(4 pi eps) ln[(cosh(pi dx/b) - cos(pi (y + y_src)/b))
///                         / (cosh(pi dx/b) - cos(pi (y - y_src)/b))],  dx = x - x_src,
/// the closed-form sum of the image series (+q at y_src + 2nb, -q at -y_src + 2nb), obtained with
/// prod_n [u^2 + (v - 2 pi n)^2] ~ cosh u - cos v = 2 |sinh((u + i v)/2)|^2 from the product
/// formula of sin (Abramowitz & Stegun 4.3.89); the classic two-dimensional image result (e.g.
/// W. R. Smythe, Static and Dynamic Electricity, McGraw-Hill). Checked against a direct image sum
/// in the tests. Evaluated without overflow for any |dx| (an e^{-pi|dx|/b} form far away).
double stripline_green(double x, double y, double x_src, double y_src, double b_m, double eps_r);

/// Potential [V] on the air-dielectric interface of a microstrip substrate (grounded slab of
/// height h and relative permittivity eps_r, air above) at horizontal distance dx from a line
/// charge of 1 C/m lying on the same interface:
///   phi = 1/(2 pi eps0 (1 + eps_r)) sum_{m>=0} K^m ln[(dx^2 + (2(m+1)h)^2) / (dx^2 + (2mh)^2)],
///   K = (1 - eps_r)/(1 + eps_r),
/// from the spectral form phi~(k) = 1/(eps0 |k| (1 + eps_r coth(|k| h))) expanded in powers of
/// K e^{-2|k|h}. Source: T. G. Bryant and J. A. Weiss, "Parameters of microstrip transmission
/// lines and of coupled pairs of microstrip lines", IEEE Trans. MTT-16(12), 1968, pp. 1021-1027;
/// P. Silvester, "TEM wave properties of microstrip transmission lines", Proc. IEE 115(1), 1968.
/// Summed directly until the terms are below 1e-17 of the first. 1 <= eps_r <= 1000, dx != 0.
double microstrip_green(double dx_m, double h_m, double eps_r);

/// Maxwell capacitance matrix [F/m] (C_ii > 0, C_ij <= 0, charge on strip i = sum_j C_ij V_j) of
/// the strips in a homogeneous dielectric eps_r (1 <= eps_r <= 1000) between ground planes y = 0
/// and y = b. Every strip must lie strictly between the planes and the strips must not overlap.
/// Throws std::invalid_argument naming the strip, the field and the rule otherwise.
Eigen::MatrixXd stripline_capacitance(const std::vector<Strip>& strips, double b_m, double eps_r,
                                      const Options& opt = {});

/// Maxwell capacitance matrix [F/m] of zero-thickness strips lying on the top surface (y = h) of a
/// grounded dielectric slab (relative permittivity eps_r, 1 <= eps_r <= 1000, height h), air
/// above. Each strip must have thickness_m == 0 and y_bottom_m == h_m; strips must not overlap.
Eigen::MatrixXd microstrip_capacitance(const std::vector<Strip>& strips, double h_m, double eps_r,
                                       const Options& opt = {});

/// Characteristic impedance [ohm] and effective relative permittivity of one quasi-TEM mode,
/// from the capacitance with the dielectric C and with vacuum C_air:
///   Z0 = 1/(c0 sqrt(C C_air)), eps_eff = C / C_air.
struct LineResult {
  double z0_ohm = 0.0;
  double eps_eff = 0.0;
};
/// Even mode (both strips at +1 V, C = C11 + C12) and odd mode (+1 V / -1 V, C = C11 - C12) of a
/// symmetric pair; Z0 is the impedance of one strip in that mode (Zdiff = 2 odd.z0_ohm).
struct PairResult {
  LineResult even, odd;
};

/// Single stripline: strip of width w and thickness t (>= 0), h_below of dielectric between its
/// bottom face and the lower plane and h_above between its top face and the upper plane
/// (b = h_below + t + h_above). All lengths in metres, > 0 except t.
LineResult stripline_single(double w, double t, double h_below, double h_above, double eps_r,
                            const Options& opt = {});
/// Edge-coupled symmetric stripline pair, edge-to-edge gap s > 0, otherwise as stripline_single.
PairResult stripline_pair(double w, double s, double t, double h_below, double h_above,
                          double eps_r, const Options& opt = {});
/// Zero-thickness microstrip of width w on a substrate of height h.
LineResult microstrip_single(double w, double h, double eps_r, const Options& opt = {});
/// Zero-thickness edge-coupled symmetric microstrip pair, gap s.
PairResult microstrip_pair(double w, double s, double h, double eps_r, const Options& opt = {});

namespace detail {
/// Integral over the segment from (ax, ay) to (bx, by) of stripline_green with observation point
/// (x, y), per unit surface charge density: the potential [V] of 1 C/m^2 on that segment. Exposed
/// for tests.
double stripline_segment_potential(double x, double y, double ax, double ay, double bx, double by,
                                   double b_m, double eps_r);
/// Potential [V] on the interface at x of 1 C/m^2 on the interface segment [x1, x2] of a
/// microstrip substrate (the integral of microstrip_green), as computed by the solver (series
/// integrated term by term, tail summed by a precomputed expansion). Exposed for tests.
double microstrip_segment_potential(double x, double x1, double x2, double h_m, double eps_r);
}  // namespace detail

}  // namespace phylane::phy::bem
