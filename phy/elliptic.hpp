#pragma once
/// Complete elliptic integrals of the first kind, as needed by conformal-mapping line formulas.

namespace phylane::phy {

/// Arithmetic-geometric mean of a, b >= 0 (quadratic convergence); 0 when either is 0.
double agm(double a, double b);

/// Complete elliptic integral of the first kind K(k) = pi / (2 AGM(1, k')), modulus 0 <= k < 1.
/// Source: Abramowitz & Stegun, Handbook of Mathematical Functions, 17.6.
/// Pass the complementary modulus kp = sqrt(1 - k^2) when it is known more accurately than
/// 1 - k^2 allows (k close to 1). Tested by: tests/phy/elliptic_test.cpp
double elliptic_k(double k);
double elliptic_k_from_complement(double kp);

/// K(k)/K(k') for a modulus pair with k^2 + k'^2 = 1, both given so neither loses precision:
/// K(k)/K(k') = AGM(1, k) / AGM(1, k').
double elliptic_k_ratio(double k, double kp);

}  // namespace phylane::phy
