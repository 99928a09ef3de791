#pragma once
/// Two-port network algebra in ABCD (chain) form, and conversion to S-parameters.
#include <cmath>
#include <complex>

namespace phylane::channels {

using cplx = std::complex<double>;

/// ABCD (transmission) matrix of a two-port at one frequency: [V1; I1] = [A B; C D] [V2; I2] with
/// I1 flowing into port 1 and I2 flowing out of port 2, so cascading is matrix multiplication.
/// Source: Pozar, Microwave Engineering, 4th ed., sec. 4.4.
struct Abcd {
  cplx a{1.0, 0.0}, b{0.0, 0.0}, c{0.0, 0.0}, d{1.0, 0.0};

  static Abcd identity() { return {}; }
  /// Uniform line of propagation constant gamma [1/m], characteristic impedance z0 [ohm] and
  /// length [m]: [cosh gl, z0 sinh gl; sinh gl / z0, cosh gl] (Pozar Table 4.1).
  static Abcd line(cplx gamma, cplx z0, double length_m) {
    // cosh and sinh from one exponential e^{gl} = e^{al} (cos bl + j sin bl) and its reciprocal.
    const double ea = std::exp(gamma.real() * length_m);
    const double inv = 1.0 / ea;
    const double b = gamma.imag() * length_m;
    const double c = std::cos(b), s = std::sin(b);
    const cplx ch(0.5 * (ea + inv) * c, 0.5 * (ea - inv) * s);
    const cplx sh(0.5 * (ea - inv) * c, 0.5 * (ea + inv) * s);
    return {ch, z0 * sh, sh / z0, ch};
  }
  /// Series impedance z [ohm]: [1 z; 0 1].
  static Abcd series(cplx z) { return {{1.0, 0.0}, z, {0.0, 0.0}, {1.0, 0.0}}; }
  /// Shunt admittance y [S]: [1 0; y 1].
  static Abcd shunt(cplx y) { return {{1.0, 0.0}, {0.0, 0.0}, y, {1.0, 0.0}}; }
};

/// Cascade: the network `x` followed by `y`.
inline Abcd operator*(const Abcd& x, const Abcd& y) {
  return {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c,
          x.c * y.b + x.d * y.d};
}

/// S-parameters of a two-port referenced to real port impedances z1 (port 1) and z2 (port 2),
/// as power waves, so |S21|^2 is the transducer power gain from a z1 source into a z2 load.
struct S2 {
  cplx s11, s12, s21, s22;
};

/// Cascade of two 2-ports' S-parameters referenced alike at the junction, `a` followed by `b`:
/// the Redheffer star product for N = 1,
///   S11 = A11 + A12 B11 A21 / (1 - B11 A22),  S12 = A12 B12 / (1 - B11 A22),
///   S21 = B21 A21 / (1 - A22 B11),            S22 = B22 + B21 A22 B12 / (1 - A22 B11),
/// evaluated in the order of channels/network_ops.hpp cascade() (one division per junction).
/// Source: R. Redheffer, J. Math. Phys. 41, 1962 (see cascade()).
inline S2 star(const S2& a, const S2& b) {
  const cplx x = 1.0 / (1.0 - b.s11 * a.s22);
  const cplx xb11 = x * b.s11;
  const cplx b21y = b.s21 * (1.0 + a.s22 * xb11);
  return {a.s11 + a.s12 * (xb11 * a.s21), a.s12 * (x * b.s12), b21y * a.s21, b.s22 + (b21y * a.s22) * b.s12};
}

/// ABCD -> S for real reference impedances.
/// Source: D. A. Frickey, "Conversions between S, Z, Y, h, ABCD, and T parameters which are valid
/// for complex source and load impedances", IEEE Trans. MTT-42(2), 1994, Table I.
S2 to_s(const Abcd& m, double z1_ohm, double z2_ohm);

}  // namespace phylane::channels
