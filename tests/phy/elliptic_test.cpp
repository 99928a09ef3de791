#include <catch2/catch.hpp>

#include <cmath>

#include "phy/elliptic.hpp"

using namespace phylane::phy;

TEST_CASE("Complete elliptic integral by AGM equals the standard library's", "[phy][elliptic][reference]") {
  // std::comp_ellint_1 (C++17 special functions, an independent implementation) as reference.
  // 1e-12: both are accurate to a few ulps, but near k = 1 K(k) ~ ln(4/k') amplifies the rounding
  // of k itself; 1e-9 at k = 0.999999.
  for (double k : {0.0, 0.1, 0.5, 0.9, 0.99}) {
    CHECK(elliptic_k(k) == Approx(std::comp_ellint_1(k)).epsilon(1e-12));
    const double kp = std::sqrt(1 - k * k);
    if (kp > 0 && k > 0)
      CHECK(elliptic_k_ratio(k, kp) == Approx(std::comp_ellint_1(k) / std::comp_ellint_1(kp)).epsilon(1e-12));
  }
  CHECK(elliptic_k(0.999999) == Approx(std::comp_ellint_1(0.999999)).epsilon(1e-9));
}
