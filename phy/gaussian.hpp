#pragma once
/// The Gaussian tail function Q and its inverse, as used by the eye and BER engines.
/// Q(z) = P(X > z) for X ~ N(0, 1) = 0.5 erfc(z / sqrt 2)
/// (Proakis, Digital Communications, 5th ed., eq. 2.3-10 and 2.3-11).
/// Relative accuracy is that of std::erfc (a few ulp) for all z where Q(z) is a normal double
/// (z < 37.5). Tested by: tests/solvers/signalling_test.cpp "[solvers][eye]".
/// (phy/photoreceiver.hpp has its own copy for the optical receiver model; this one is the
/// solvers' and carries the inverse with tail accuracy down to 1e-300.)
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace phylane::phy {

/// Q(z) = 0.5 erfc(z / sqrt 2): the probability that a standard normal variable exceeds z.
inline double q_function(double z) { return 0.5 * std::erfc(z * 0.70710678118654752440); }

/// Standard normal density phi(z) = exp(-z^2/2) / sqrt(2 pi).
inline double normal_pdf(double z) { return 0.39894228040143267794 * std::exp(-0.5 * z * z); }

/// Inverse of Q: the z with Q(z) = p, for p in (0, 1); z > 0 for p < 0.5.
/// Newton's method on ln Q(z) - ln p (well conditioned in the far tail, where Q itself is tiny),
/// started from the asymptotic z0 = sqrt(-2 ln(p sqrt(2 pi))) and converged to 1e-14 relative.
/// Throws std::invalid_argument if p is not in (0, 1).
inline double q_inverse(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("q_inverse: p = " + std::to_string(p) + " must be in (0, 1)");
  if (p > 0.5) return -q_inverse(1.0 - p);
  if (p == 0.5) return 0.0;
  // Start: the asymptotic tail inverse, clamped to be positive for p near 0.5.
  const double l = -2.0 * std::log(p * 2.5066282746310002);
  double z = l > 1.0 ? std::sqrt(l - std::log(l)) : 0.5;
  const double lp = std::log(p);
  for (int it = 0; it < 100; ++it) {
    const double q = q_function(z);
    // d/dz ln Q(z) = -phi(z) / Q(z)
    const double g = -normal_pdf(z) / q;
    const double step = (std::log(q) - lp) / g;
    z -= step;
    if (std::abs(step) <= 1e-14 * std::max(1.0, std::abs(z))) break;
  }
  return z;
}

}  // namespace phylane::phy
