#pragma once
/// Microstrips: a strip (or an edge-coupled pair) on a dielectric substrate over one ground plane,
/// air above. The field is partly in air, so the line is inhomogeneous: its effective permittivity
/// lies between 1 and eps_r and rises with frequency (dispersion).
///
/// Z0 dispersion convention. phylane builds every line from L_ext = mu0 eps0 / C_air (fixed) and
/// C(f) = C_air eps_eff(f) (phy/transmission_line.hpp), so the characteristic impedance of the
/// lossless line is Z0(f) = sqrt(L/C) = Z_air / sqrt(eps_eff(f)): it FALLS slowly with frequency
/// as eps_eff(f) rises. That is the voltage-current definition of a quasi-TEM line with a
/// frequency-dependent capacitance. It is not the power-current Z0(f) of R. H. Jansen and
/// M. Kirschning ("Arguments and an accurate model for the power-current formulation of microstrip
/// characteristic impedance", AEU 37(3/4), 1983, pp. 108-112), which RISES with frequency. The two
/// agree at f = 0; for w/h = 0.5..2 and eps_r = 4.3..9.8 they differ by <= 0.7 % up to
/// fn = f h = 2 GHz mm, 0.7-3 % at 5 GHz mm and 3-9 % at 10 GHz mm (docs/microstrip.md).
/// phylane keeps the voltage-current form because it is the one consistent with a passive,
/// reciprocal RLGC model whose L does not depend on the dielectric.
#include "phy/line_geometry.hpp"
#include "phy/stripline.hpp"

namespace phylane::phy {

// ---------------------------------------------------------------------------------------------
// Single microstrip: Hammerstad & Jensen (static), Kirschning & Jansen (dispersion).
//
// All free functions take SI lengths [m]; t = 0 means a zero-thickness strip. Preconditions
// (w > 0, h > 0, t >= 0, eps_r >= 1, freq_hz >= 0) throw std::invalid_argument.
// ---------------------------------------------------------------------------------------------

/// Characteristic impedance with vacuum everywhere [ohm]:
///   Z01(u) = (eta0 / (2 pi)) ln[ f(u)/u + sqrt(1 + (2/u)^2) ],
///   f(u) = 6 + (2 pi - 6) exp[-(30.666/u)^0.7528],
/// at the thickness-corrected width u1 = w/h + du1 (see microstrip_eps_eff_static).
/// Source: E. Hammerstad and O. Jensen, "Accurate models for microstrip computer-aided design",
/// IEEE MTT-S Int. Microwave Symp. Digest, 1980, pp. 407-409 (and du1 of their eq. 6). Stated accuracy
/// of Z01: 0.01 % for u <= 1, 0.03 % for u <= 1000 (zero thickness, against conformal mapping).
/// Tested by: tests/phy/microstrip_test.cpp "[microstrip][reference]" (against phy/strip_bem.hpp).
double microstrip_z0_air(double w, double h, double t);

/// Static effective permittivity [-], Hammerstad & Jensen 1980 with their thickness correction:
///   eps_eff(u, eps_r) = (eps_r + 1)/2 + ((eps_r - 1)/2) (1 + 10/u)^(-a(u) b(eps_r)),
///   a(u) = 1 + (1/49) ln[(u^4 + (u/52)^2) / (u^4 + 0.432)] + (1/18.7) ln[1 + (u/18.1)^3],
///   b(eps_r) = 0.564 [(eps_r - 0.9)/(eps_r + 3)]^0.053                       (H&J eqs. 3-5)
///   du1 = (t/pi) ln[1 + 4e / (t coth^2(sqrt(6.517 u)))]        (t = t/h)     (H&J eq. 6)
///   dur = (1/2) [1 + sech(sqrt(eps_r - 1))] du1                               (H&J eq. 7)
///   u1 = u + du1, ur = u + dur
///   eps_eff = eps_eff(ur, eps_r) [Z01(u1) / Z01(ur)]^2            (H&J, thick-strip form)
/// Valid (H&J): 0.01 <= w/h <= 100, eps_r <= 128; stated accuracy 0.2 % (zero thickness).
/// (Equation numbers 3-7 as cited by wcalc's libwcalc/coupled_microstrip.c; the paper was not
/// available here.)
double microstrip_eps_eff_static(double w, double h, double t, double eps_r);

/// Static characteristic impedance [ohm] = Z01(ur) / sqrt(eps_eff(ur, eps_r)) (H&J), which
/// equals microstrip_z0_air(w, h, t) / sqrt(microstrip_eps_eff_static(w, h, t, eps_r)).
double microstrip_z0(double w, double h, double t, double eps_r);

/// Effective permittivity at freq_hz with dispersion [-]:
///   eps_eff(fn) = eps_r - (eps_r - eps_eff(0)) / (1 + P(fn)),
///   P = P1 P2 [(0.1844 + P3 P4) fn]^1.5763,
///   P1 = 0.27488 + [0.6315 + 0.525 / (1 + 0.0157 fn)^20] u - 0.065683 exp(-8.7513 u),
///   P2 = 0.33622 [1 - exp(-0.03442 eps_r)],
///   P3 = 0.0363 exp(-4.6 u) {1 - exp[-(fn/38.7)^4.97]},
///   P4 = 1 + 2.751 {1 - exp[-(eps_r/15.916)^8]},
/// fn = f h in GHz mm, u = w/h, eps_eff(0) from microstrip_eps_eff_static (with thickness).
/// Source: M. Kirschning and R. H. Jansen, "Accurate model for effective dielectric constant of
/// microstrip with validity up to millimetre-wave frequencies", Electronics Letters 18(6), 1982,
/// pp. 272-273. Valid 0.1 <= u <= 100, 1 <= eps_r <= 20, h/lambda0 <= 0.13 (fn <= ~39 GHz mm);
/// stated accuracy 0.6 %.
double microstrip_eps_eff_dispersive(double w, double h, double t, double eps_r, double freq_hz);

/// Dimensions of a microstrip or an edge-coupled microstrip pair.
struct MicrostripDims {
  double width_m = 0.0;            ///< strip width, > 0
  double thickness_m = 0.0;        ///< strip thickness, > 0
  double height_m = 0.0;           ///< substrate height, ground plane to strip bottom, > 0
  double plane_thickness_m = 0.0;  ///< copper thickness of the ground plane, > 0
  double spacing_m = 0.0;          ///< edge-to-edge gap of a coupled pair, > 0 (coupled only)
};

/// Single-ended microstrip (no solder mask, no cover). Static Z0 and eps_eff by Hammerstad &
/// Jensen 1980, dispersion of eps_eff by Kirschning & Jansen 1982 (see the free functions above).
///
/// Wheeler factors come from LineGeometry::wheeler_factors() on air_capacitance_f_per_m(r), with
/// the walls receded as: strip w -> w - 2 ds, t -> t - 2 ds, h -> h + ds; plane h -> h + dp.
/// Tested by: tests/phy/microstrip_test.cpp
class Microstrip final : public LineGeometry {
 public:
  explicit Microstrip(const MicrostripDims& d);
  std::string_view kind() const override { return "microstrip"; }
  LineMode mode() const override { return LineMode::single_ended; }
  /// C_air = 1 / (c0 Z01(u1)) of the receded geometry [F/m].
  double air_capacitance_f_per_m(const Recession& r) const override;
  using LineGeometry::air_capacitance_f_per_m;
  /// 1 + q(f) (eps_r - 1), q(f) = (eps_eff(f) - 1)/(eps' - 1) the filling factor of the real part
  /// eps' = Re(eps_r) (static H&J + K&J dispersion). Applied to the complex eps_r this gives the
  /// classical microstrip dielectric attenuation
  ///   alpha_d = k0 eps_r (eps_eff - 1) tan(delta) / (2 sqrt(eps_eff) (eps_r - 1))
  /// (Pozar, Microwave Engineering, 4th ed., eq. 3.198). Requires Re(eps_r) >= 1.
  std::complex<double> effective_permittivity(double freq_hz,
                                              std::complex<double> eps_r) const override;
  /// Validity: 0.1 <= w/h <= 100 (Hammerstad & Jensen state 0.01 ... 100 for the static model,
  /// Kirschning & Jansen 1982 0.1 ... 100 for the dispersion used with it), 1 <= dk <= 20 (K&J 1982;
  /// H&J allow 128). Neither paper states a range for the thickness correction; phylane accepts
  /// t/h <= 1 and t/w <= 2, where Z01 with vacuum agrees with the boundary-element solver
  /// (phy/strip_bem.hpp) within 1.0 % (docs/transmission_lines.md has the table).
  std::vector<ValidityLimit> validity(double dk) const override;
  /// 1/(w t) [1/m^2].
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.plane_thickness_m; }
  /// min(w, t, h) [m].
  double smallest_dimension_m() const override;
  const MicrostripDims& dims() const { return d_; }

 private:
  MicrostripDims d_;
};

// ---------------------------------------------------------------------------------------------
// Edge-coupled microstrip pair: Kirschning & Jansen 1984.
// ---------------------------------------------------------------------------------------------

/// Even- and odd-mode characteristic impedances and effective permittivities of a symmetric pair.
struct CoupledMicrostripModes {
  EvenOdd z0_ohm;             ///< Z0e, Z0o [ohm]
  double eps_eff_even = 0.0;  ///< [-]
  double eps_eff_odd = 0.0;   ///< [-]
};

/// Even/odd impedances of the pair with vacuum everywhere [ohm] (K&J 1984 eqs. 8-9 at eps_r = 1):
///   Z0e_air = Z01(ue) / (1 - Z01(ue) Q4(ue, g) / eta0),
///   Z0o_air = Z01(uo) / (1 - Z01(uo) Q10(uo, g) / eta0),   g = s/h,
/// with Z01 of Hammerstad & Jensen and the thickness-corrected widths ue, uo below taken with
/// eps_r = 1. Source and Q1..Q10: see coupled_microstrip_even_odd.
EvenOdd coupled_microstrip_z0_air(double w, double s, double h, double t);

/// Static even/odd Z0 and eps_eff of an edge-coupled microstrip pair.
/// Zero thickness: M. Kirschning and R. H. Jansen, "Accurate wide-range design equations for the
/// frequency-dependent characteristic of parallel coupled microstrip lines", IEEE Trans. MTT-32(1),
/// 1984, pp. 83-90, with the correction published in IEEE Trans. MTT-33(3), 1985, p. 288, which
/// concerns the odd-mode eq. (4): the corrected form below is the one D. McMahill's wcalc
/// (libwcalc/coupled_microstrip.c) marks as including it; Qucs and KiCad use the same form.
///   even: eps_eff,e(0) = (eps_r + 1)/2 + ((eps_r - 1)/2) (1 + 10/v)^(-a(v) b(eps_r)),
///         v = u (20 + g^2)/(10 + g^2) + g exp(-g), a, b of Hammerstad & Jensen          (eq. 3)
///   odd:  eps_eff,o(0) = [(eps_r + 1)/2 + a_o - eps_eff(0)] exp(-c_o g^d_o) + eps_eff(0),
///         a_o = 0.7287 [eps_eff(0) - (eps_r + 1)/2] [1 - exp(-0.179 u)],
///         b_o = 0.747 eps_r / (0.15 + eps_r), c_o = b_o - (b_o - 0.207) exp(-0.414 u),
///         d_o = 0.593 + 0.694 exp(-0.562 u)                                 (eq. 4, corrected)
///   Z0e = Z0(0) sqrt(eps_eff(0)/eps_eff,e(0)) / [1 - (Z0(0)/eta0) sqrt(eps_eff(0)) Q4]   (eq. 8)
///   Z0o = Z0(0) sqrt(eps_eff(0)/eps_eff,o(0)) / [1 - (Z0(0)/eta0) sqrt(eps_eff(0)) Q10]  (eq. 9)
///   Q1 = 0.8695 u^0.194, Q2 = 1 + 0.7519 g + 0.189 g^2.31,
///   Q3 = 0.1975 + [16.6 + (8.4/g)^6]^-0.387 + (1/241) ln[g^10 / (1 + (g/3.4)^10)],
///   Q4 = (2 Q1/Q2) / [exp(-g) u^Q3 + (2 - exp(-g)) u^-Q3],
///   Q5 = 1.794 + 1.14 ln[1 + 0.638/(g + 0.517 g^2.43)],
///   Q6 = 0.2305 + (1/281.3) ln[g^10 / (1 + (g/5.8)^10)] + (1/5.1) ln(1 + 0.598 g^1.154),
///   Q7 = (10 + 190 g^2)/(1 + 82.3 g^3), Q8 = exp[-6.5 - 0.95 ln(g) - (g/0.15)^5],
///   Q9 = ln(Q7) (Q8 + 1/16.5), Q10 = Q4 - (Q5/Q2) exp[Q6 ln(u) u^-Q9]
/// where Z0(0), eps_eff(0) are the zero-thickness single-line values of Hammerstad & Jensen.
/// Since Z0(0) sqrt(eps_eff(0)) = Z01(u), this is Z0e = Z0e_air / sqrt(eps_eff,e(0)), likewise odd.
///
/// Thickness t > 0: the even/odd-mode width corrections of R. H. Jansen, "High-speed computation
/// of single and coupled microstrip parameters including dispersion, high-order modes, loss and
/// finite strip thickness", IEEE Trans. MTT-26(2), 1978, pp. 75-82 (form as implemented in
/// transcalc/KiCad pcb_calculator c_microstrip.cpp, which cites that paper):
///   ue = u + du [1 - 0.5 exp(-0.69 du/dt)],  uo = ue + dt,  dt = (t/h) / (eps_r g),
/// with du the single-line width correction of Hammerstad & Jensen (du1 for eps_r = 1, dur for the
/// dielectric; see microstrip_eps_eff_static). As for the single line, the air impedances use the
/// eps_r = 1 widths and eps_eff,mode = eps_eff,mode(u_mode,r) [Z_air,mode(u_mode,1)/Z_air,mode(u_mode,r)]^2,
/// so that Z0,mode = K&J at the dielectric-corrected width. (Qucs mscoupled.cpp uses
/// dt = 2 t h/(eps_r s), twice the transcalc/KiCad value used here; the paper was not available to
/// settle it. Against the boundary-element solver with vacuum (phy/strip_bem.hpp, thick strips,
/// 0.5 <= u <= 3, 0.5 <= g <= 2, t/h <= 0.35) the form used here errs by at most -2.3 % on Z0e
/// and +4.6 % on Z0o (+2.7 % for t/s <= 0.2); the Qucs form by 0.9 % and -10 %. With a dielectric
/// the thickness correction is unverified: docs/microstrip.md.)
///
/// Validity (K&J): 0.1 <= u <= 10, 0.1 <= g <= 10, 1 <= eps_r <= 18. Stated accuracy: eps_eff,e
/// 0.7 %, eps_eff,o 0.5 %, Z0e and Z0o 0.6 % (zero thickness, against their spectral-domain data).
/// Tested by: tests/phy/microstrip_test.cpp "[coupled_microstrip]".
CoupledMicrostripModes coupled_microstrip_even_odd(double w, double s, double h, double t,
                                                   double eps_r);

/// Even/odd modes at freq_hz: eps_eff,mode(f) = eps_r - (eps_r - eps_eff,mode(0)) / (1 + F_mode),
///   F_e = P1 P2 [(P3 P4 + 0.1844 P7) fn]^1.5763,
///   F_o = P1 P2 [(P3 P4 + 0.1844) fn P15]^1.5763,
///   P1..P4 as for the single line (microstrip_eps_eff_dispersive),
///   P5 = 0.334 exp[-3.3 (eps_r/15)^3] + 0.746, P6 = P5 exp[-(fn/18)^0.368],
///   P7 = 1 + 4.069 P6 g^0.479 exp(-1.347 g^0.595 - 0.17 g^2.5),
///   P8 = 0.7168 [1 + 1.076/(1 + 0.0576 (eps_r - 1))],
///   P9 = P8 - 0.7913 {1 - exp[-(fn/20)^1.424]} atan[2.481 (eps_r/8)^0.946],
///   P10 = 0.242 (eps_r - 1)^0.55,
///   P11 = 0.6366 [exp(-0.3401 fn) - 1] atan[1.263 (u/3)^1.629],
///   P12 = P9 + (1 - P9)/(1 + 1.183 u^1.376),  P13 = 1.695 P10/(0.414 + 1.605 P10),
///   P14 = 0.8928 + 0.1072 {1 - exp[-0.42 (fn/20)^3.215]},
///   P15 = |1 - 0.8928 (1 + P11) P12 exp(-P13 g^1.092) / P14|
/// (K&J 1984, eqs. 5-7), and Z0,mode(f) = Z_air,mode / sqrt(eps_eff,mode(f)) (the phylane convention
/// in the header comment, not K&J's eqs. 10-11). Stated accuracy of the eps_eff dispersion:
/// 1.4 % for fn <= 25 GHz mm.
CoupledMicrostripModes coupled_microstrip_even_odd(double w, double s, double h, double t,
                                                   double eps_r, double freq_hz);

/// Edge-coupled microstrip pair, differential mode (Zdiff = 2 Z0o, C_diff = C_odd/2,
/// strip factor 2/(w t)) or common mode (Zcm = Z0e/2, C_cm = 2 C_even, strip factor 1/(2 w t)).
/// Wheeler recession: every face of each strip recedes (w - 2 ds, t - 2 ds, s + 2 ds, h + ds), the
/// plane by dp (h + dp). Tested by: tests/phy/microstrip_test.cpp "[coupled_microstrip]".
class CoupledMicrostrip final : public LineGeometry {
 public:
  CoupledMicrostrip(const MicrostripDims& d, LineMode mode);
  std::string_view kind() const override { return "coupled_microstrip"; }
  LineMode mode() const override { return mode_; }
  double air_capacitance_f_per_m(const Recession& r) const override;
  using LineGeometry::air_capacitance_f_per_m;
  /// 1 + q_mode(f) (eps_r - 1) with the filling factor of the mode (odd for differential, even for
  /// common) from K&J 1984 static values and dispersion. Requires Re(eps_r) >= 1.
  std::complex<double> effective_permittivity(double freq_hz,
                                              std::complex<double> eps_r) const override;
  /// Validity (K&J 1984): 0.1 <= s/h <= 10, 1 <= dk <= 18, and 0.8 <= w/h <= 10: K&J state
  /// 0.1 ... 10, but below w/h = 0.7 the odd mode's vacuum inductance, with Jansen's thickness
  /// correction, falls as the walls recede (Wheeler strip factor down to -0.08 h^-1 at w/h = 0.1,
  /// t/h = 0.06), i.e. a negative conductor loss; 0.8 keeps a margin. The thickness
  /// correction (Jansen 1978) comes with no stated range; phylane accepts t/h <= 1 and t/s <= 0.5,
  /// where the even/odd impedances with vacuum agree with the boundary-element solver within
  /// 4.3 % (even) and 5.3 % (odd); beyond, the odd-mode width correction t/(eps_r s) grows without
  /// bound (at t/s = 2000 it makes Zdiff negative).
  std::vector<ValidityLimit> validity(double dk) const override;
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.plane_thickness_m; }
  /// min(w, t, h, s) [m].
  double smallest_dimension_m() const override;
  /// Even/odd impedances with vacuum [ohm] of the real geometry.
  EvenOdd air_even_odd() const;
  const MicrostripDims& dims() const { return d_; }

 private:
  MicrostripDims d_;
  LineMode mode_;
};

}  // namespace phylane::phy
