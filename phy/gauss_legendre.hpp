#pragma once
/// The N-point Gauss-Legendre rule on [-1, 1]: integral of f ~ sum_i w[i] f(x[i]), exact for
/// polynomials of degree up to 2N - 1. The nodes are the zeros of the Legendre polynomial P_N,
/// found by Newton iteration on the three-term recurrence from the guess cos(pi (i + 3/4) /
/// (N + 1/2)); the weights are 2 / ((1 - x^2) P_N'(x)^2) (Abramowitz & Stegun 25.4.29).
/// Used by the boundary-element solver (phy/strip_bem.cpp) and its tests' reference quadrature.
/// Tested by: tests/phy/strip_bem_test.cpp "[phy][bem][quadrature]".
#include <array>
#include <cmath>
#include <cstddef>

#include "phy/constants.hpp"

namespace phylane::phy {

template <int N>
struct GaussLegendre {
  std::array<double, N> x{};  ///< nodes, descending
  std::array<double, N> w{};  ///< weights
  GaussLegendre() {
    for (int i = 0; i < N; ++i) {
      double z = std::cos(pi * (i + 0.75) / (N + 0.5));
      double dp = 1.0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1.0;
        double p1 = z;
        for (int k = 2; k <= N; ++k) {
          const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = N * (z * p1 - p0) / (z * z - 1.0);
        const double dz = p1 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-16) break;
      }
      x[static_cast<std::size_t>(i)] = z;
      w[static_cast<std::size_t>(i)] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
  }
};

}  // namespace phylane::phy
