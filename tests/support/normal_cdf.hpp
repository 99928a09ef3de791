#pragma once
/// The standard normal CDF for tests, written from its definition with std::erfc, independently
/// of phy/gaussian.hpp (which the code under test uses).
#include <cmath>

namespace phylane::test {

/// Phi(x) = P(X <= x) for X ~ N(0, 1) = 0.5 erfc(-x / sqrt 2).
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace phylane::test
