#pragma once
/// The device package of IEEE 802.3 Channel Operating Margin (COM): Annex 93A.1.2 of IEEE Std
/// 802.3-2022, as amended by 802.3ck (die ladder with series inductance L_s and bump capacitance
/// C_b, package line of several segments). COM adds this package between the channel and each
/// device; its values come from a COM parameter sheet (solvers/com_parameters.hpp).
///
/// Everything here is a differential 2-port written the way Annex 93A writes it: the S-parameters
/// are referenced to 2 R_0 (R_0 = 50 ohm: a 100-ohm differential reference); the capacitances and
/// the inductance are per line (a shunt C per line is a differential C/2, a series L per line a
/// differential 2 L), the line impedance Z_c is differential. Equivalently, the odd-mode half
/// circuit referenced to R_0 with the same C and L and a line of Z_c / 2.
#include <complex>
#include <span>
#include <vector>

#include "channels/network.hpp"
#include "channels/two_port.hpp"

namespace phylane::channels {

/// Loss and delay of the package (or board) transmission line per unit length, Table 93A-3
/// (`package_tl_gamma0_a1_a2`, `package_tl_tau`) in SI:
///   gamma(f) = gamma0 + a1 (1 + j) sqrt(f) + f [a2 (1 - j (2/pi) ln(f / 1 GHz)) + j 2 pi tau]
/// (93A-9 ... 93A-11, whose f is in GHz; the ln term is referenced to 1 GHz here).
struct ComLineLoss {
  double gamma0_per_m = 0.0;       ///< gamma_0 [1/m], >= 0 (sheet: 1/mm)
  double a1_per_m_sqrt_hz = 0.0;   ///< a_1 [1/(m sqrt(Hz))], >= 0 (sheet: sqrt(ns)/mm)
  double a2_s_per_m = 0.0;         ///< a_2 [s/m], >= 0 (sheet: ns/mm)
  double tau_s_per_m = 0.0;        ///< tau, the delay [s/m], > 0 for a line (sheet: ns/mm)
};

/// One segment of the package line: differential characteristic impedance and length.
struct ComLineSegment {
  double z_c_ohm = 0.0;  ///< Z_c [ohm], > 0 (differential; 93A-12 compares it with 2 R_0)
  double length_m = 0.0; ///< z_p [m], >= 0
};

/// One device package from the die to the ball (Figure 93A-2 with the 802.3ck die ladder):
/// for each die section i a shunt C_d[i] then a series L_s[i]; the bump C_b; the line segments
/// in order from the die; the ball/pad C_p. Zero values drop the element.
struct ComPackage {
  double r0_ohm = 50.0;             ///< R_0 [ohm], > 0
  std::vector<double> c_d_f;        ///< C_d per die section [F], >= 0 (one section before 802.3dj)
  std::vector<double> l_s_h;        ///< L_s per die section [H], >= 0; empty, or as many as c_d_f
  double c_b_f = 0.0;               ///< C_b [F], >= 0
  ComLineLoss line;                 ///< line loss and delay
  std::vector<ComLineSegment> segments;  ///< from the die outwards; empty: no line
  double c_p_f = 0.0;               ///< C_p [F], >= 0
};

/// Which way the package 2-port faces: port 1 at the die (a transmitter's package, whose port 2
/// meets the channel) or port 1 at the ball (a receiver's: channel into port 1, die at port 2).
enum class ComPackageSide { tx, rx };

/// Shunt capacitance C per line, (93A-8): S11 = S22 = -j w C R_0 / (2 + j w C R_0),
/// S21 = S12 = 2 / (2 + j w C R_0). Tested by: tests/channels/com_package_test.cpp
S2 com_shunt_capacitance_s(double c_f, double r0_ohm, double freq_hz);
/// Series inductance L per line (the 802.3ck die's L_s, in the same reference):
/// S11 = S22 = j w L / (2 R_0 + j w L), S21 = S12 = 2 R_0 / (2 R_0 + j w L).
S2 com_series_inductance_s(double l_h, double r0_ohm, double freq_hz);
/// Propagation constant gamma(f) [1/m] of (93A-9 ... 93A-11); gamma(0) = gamma0 as the reference
/// code takes it (the ln f term has no limit at DC).
cplx com_line_gamma(const ComLineLoss& loss, double freq_hz);
/// A line segment, (93A-12 ... 93A-14): rho = (Z_c - 2 R_0) / (Z_c + 2 R_0),
/// S11 = S22 = rho (1 - e^{-2 gamma z}) / (1 - rho^2 e^{-2 gamma z}),
/// S21 = S12 = (1 - rho^2) e^{-gamma z} / (1 - rho^2 e^{-2 gamma z}).
S2 com_line_s(const ComLineLoss& loss, const ComLineSegment& segment, double r0_ohm, double freq_hz);
/// Cascade of two 2-ports with the same reference (93A-15's combination of S-parameters):
/// `first` then `second`.
S2 com_cascade(const S2& first, const S2& second);
/// The whole package at one frequency, port 1 at the die for `tx`, at the ball for `rx`.
/// Throws std::invalid_argument naming a negative or non-finite value.
S2 com_package_s(const ComPackage& package, double freq_hz, ComPackageSide side);
/// The same at every frequency of freq_hz into out (as many), the package checked once.
void com_package_s(const ComPackage& package, std::span<const double> freq_hz, ComPackageSide side, std::span<S2> out);
/// The package on a frequency grid as a 2-port Network referenced to 2 R_0 at both ports.
Network com_package_network(const ComPackage& package, std::span<const double> freq_hz, ComPackageSide side);
/// One line of the package: the odd-mode half circuit (the same C and L per line, the line at
/// Z_c / 2), whose S-parameters referenced to R_0 are those of com_package_network referenced to
/// 2 R_0. As a block on each line of a pair (channels/elements.hpp identical_pair_modes) its
/// differential mode is the 93A package; its common mode is the same circuit (the package lines
/// uncoupled, which Annex 93A does not define).
Network com_package_line_network(const ComPackage& package, std::span<const double> freq_hz, ComPackageSide side);

/// Reflection coefficient of a device termination R_d against R_0 (93A-17):
/// Gamma = (R_d - R_0) / (R_d + R_0).
double com_termination_reflection(double r_d_ohm, double r0_ohm);
/// Voltage transfer function of a 2-port between a source of reflection coefficient gamma1 and
/// a load of gamma2 (93A-18): H21 = S21 (1 - G1)(1 + G2) / (1 - S11 G1 - S22 G2 - S12 S21 G1 G2
/// + S11 S22 G1 G2). With G1 = G2 = 0 it is S21.
cplx com_terminated_h21(const S2& s, double gamma1, double gamma2);

}  // namespace phylane::channels
