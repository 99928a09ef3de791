#pragma once
/// Striplines: a strip (or an edge-coupled pair) in a homogeneous dielectric between two planes.
#include "phy/line_geometry.hpp"

namespace phylane::phy {

/// Even- and odd-mode characteristic impedances of a symmetric coupled pair [ohm].
struct EvenOdd {
  double even = 0.0;
  double odd = 0.0;
};

/// Zero-thickness centred stripline, exact conformal-mapping solution:
///   Z0 = (eta0 / (4 sqrt(eps_r))) K(k)/K(k'),  k = sech(pi w / (2 b)), k' = tanh(pi w / (2 b)).
/// Source: S. B. Cohn, "Characteristic impedance of the shielded-strip transmission line",
/// IRE Trans. MTT-2(2), 1954, pp. 52-57. Tested by: tests/phy/stripline_test.cpp (against a
/// boundary-element solution).
/// @param w, b  strip width and plane-to-plane spacing [m], > 0.  @return Z0 [ohm] with vacuum.
double stripline_z0_air_zero_thickness(double w, double b);

/// Wheeler's closed form for a centred stripline of finite thickness t (0 <= t < b), with vacuum:
///   Z0 = (eta0/(4 pi)) ln{1 + (4/(pi W)) [8/(pi W) + sqrt((8/(pi W))^2 + 6.27)]},
///   W = w/(b-t) + dw/(b-t),
///   dw/(b-t) = x/(pi(1-x)) {1 - 0.5 ln[(x/(2-x))^2 + (0.0796 x / (w/b + 1.1 x))^m]},
///   m = 2 / (1 + (2/3) x/(1-x)), x = t/b.
/// Source: H. A. Wheeler, "Transmission-line properties of a strip line between parallel planes",
/// IEEE Trans. MTT-26(11), 1978, pp. 866-876 (quoted accuracy 0.5 %).
double stripline_z0_air_wheeler(double w, double b, double t);

/// Centred stripline of thickness t with vacuum: the exact zero-thickness value corrected for
/// thickness by Wheeler's ratio Z_W(t)/Z_W(0), so that t -> 0 is exact.
double stripline_z0_air(double w, double b, double t);

/// Zero-thickness edge-coupled centred stripline, exact (vacuum):
///   Z0e = (eta0/4) K(ke')/K(ke), ke = tanh(pi w/(2b)) tanh(pi (w+s)/(2b)),
///   Z0o = (eta0/4) K(ko')/K(ko), ko = tanh(pi w/(2b)) coth(pi (w+s)/(2b)).
/// Source: S. B. Cohn, "Shielded coupled-strip transmission line", IRE Trans. MTT-3(5), 1955,
/// pp. 29-38, eqs. (1)-(4).
EvenOdd coupled_stripline_z0_air_zero_thickness(double w, double s, double b);

/// Edge-coupled centred stripline of thickness t (vacuum), Cohn's thick-strip correction:
///   1/Z0e(t) = 1/Z0(t) - (Cf(t)/Cf(0)) (1/Z0(0) - 1/Z0e(0)),
///   1/Z0o(t) = 1/Z0(t) + (Cf(t)/Cf(0)) (1/Z0o(0) - 1/Z0(0)),
///   Cf(t)/eps = (2/pi) ln((2b-t)/(b-t)) - (t/(pi b)) ln(t (2b-t)/(b-t)^2)  (fringe of a thick edge).
/// Source: Cohn 1955 (above), eqs. (13)-(16); also B. C. Wadell, Transmission Line Design Handbook,
/// Artech House 1991, ch. 3. Measured against the boundary-element solver: within 2.3 % for
/// s/t >= 5 and w/b >= 0.5, 3.8 % at w/b = 0.2, and 8-55 % (odd mode) for s/t <= 2; config
/// files therefore solve coupled striplines with BemStripline unless told otherwise.
EvenOdd coupled_stripline_z0_air(double w, double s, double b, double t);

/// Dimensions of a (possibly offset, possibly coupled) stripline.
struct StriplineDims {
  double width_m = 0.0;          ///< strip width, > 0
  double thickness_m = 0.0;      ///< strip thickness, > 0
  double height_below_m = 0.0;   ///< dielectric between strip bottom and lower plane, > 0
  double height_above_m = 0.0;   ///< dielectric between strip top and upper plane, > 0
  double spacing_m = 0.0;        ///< edge-to-edge gap of a coupled pair, > 0 (coupled only)
  double plane_thickness_m = 0.0;  ///< copper thickness of the planes, > 0
};

/// Single-ended stripline, centred (h_below = h_above) or offset. An offset strip is treated as
/// the parallel combination of two centred striplines of spacings 2 h_below + t and 2 h_above + t
/// (each half sees one plane), i.e. C = (C1 + C2)/2: exact for the centred case and for wide
/// strips, but it overestimates Z0 as the strip nears one plane: +2 % at h_below = 0.3 b, +5 % at
/// 0.2 b, +9 % at 0.1 b for w/b = 0.2 (measured against the boundary-element solver,
/// tests/phy/strip_bem_test.cpp). Config files therefore use BemStripline for offset strips unless
/// told otherwise. Source of the approximation: Wadell 1991, ch. 3 (asymmetric stripline).
class Stripline final : public LineGeometry {
 public:
  explicit Stripline(const StriplineDims& d);
  std::string_view kind() const override { return "stripline"; }
  LineMode mode() const override { return LineMode::single_ended; }
  double air_capacitance_f_per_m(const Recession& r) const override;
  std::complex<double> effective_permittivity(double, std::complex<double> eps_r) const override {
    return eps_r;
  }
  bool homogeneous() const override { return true; }
  /// Validity: t/b <= 0.25 (Wheeler 1978's thickness correction), and the nearer plane at least
  /// 0.3 b from the strip (min(h_below, h_above)/b >= 0.3, where the offset combination errs by
  /// +2 % against the boundary-element solver). Cohn's zero-thickness form is exact for any w/b.
  std::vector<ValidityLimit> validity(double dk) const override;
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.plane_thickness_m; }
  double smallest_dimension_m() const override;
  const StriplineDims& dims() const { return d_; }

 private:
  StriplineDims d_;
};

/// Edge-coupled stripline pair (broadside-aligned strips at the same height), differential or
/// common mode. Offset handled as for Stripline, mode by mode.
class CoupledStripline final : public LineGeometry {
 public:
  CoupledStripline(const StriplineDims& d, LineMode mode);
  std::string_view kind() const override { return "coupled_stripline"; }
  LineMode mode() const override { return mode_; }
  double air_capacitance_f_per_m(const Recession& r) const override;
  std::complex<double> effective_permittivity(double, std::complex<double> eps_r) const override {
    return eps_r;
  }
  bool homogeneous() const override { return true; }
  /// Validity: those of Stripline, plus t/s <= 0.2 and w/b >= 0.2, where Cohn's thick-strip
  /// correction agrees with the boundary-element solver within 3.8 % (see
  /// coupled_stripline_z0_air; for s/t <= 2 it errs by 8-55 %), and w/b <= 8: wider, the even
  /// mode's complementary modulus sqrt(1 - k_e^2) is lost to rounding (Wheeler factor -0.001 at
  /// w/b = 10, NaN at 13).
  std::vector<ValidityLimit> validity(double dk) const override;
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.plane_thickness_m; }
  double smallest_dimension_m() const override;
  /// Even/odd impedances with vacuum [ohm] of the real geometry.
  EvenOdd air_even_odd() const;
  const StriplineDims& dims() const { return d_; }

 private:
  EvenOdd even_odd(const Recession& r) const;
  StriplineDims d_;
  LineMode mode_;
};

}  // namespace phylane::phy
