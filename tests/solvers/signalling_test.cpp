// PAM signalling helpers and the Gaussian Q function used by the statistical eye.
#include "solvers/signalling.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

#include "phy/gaussian.hpp"

using namespace phylane::solvers;
using phylane::phy::q_function;
using phylane::phy::q_inverse;

TEST_CASE("Q matches tabulated values of the Gaussian tail", "[solvers][eye][reference]") {
  // Abramowitz & Stegun, Handbook of Mathematical Functions, table 26.1 (1 - P(x)), and the
  // familiar link-budget pairs Q(7.034) = 1e-12, Q(7.941) = 1e-15.
  CHECK(q_function(0.0) == Approx(0.5).epsilon(1e-15));
  CHECK(q_function(1.0) == Approx(0.158655253931457).epsilon(1e-13));
  CHECK(q_function(3.0) == Approx(1.349898031630095e-3).epsilon(1e-13));
  CHECK(q_function(6.0) == Approx(9.865876450376946e-10).epsilon(1e-12));
  CHECK(q_function(-2.0) == Approx(1.0 - 0.02275013194817921).epsilon(1e-14));
  CHECK(q_inverse(1e-12) == Approx(7.034483825).epsilon(1e-9));
  CHECK(q_inverse(1e-15) == Approx(7.941345326).epsilon(1e-9));
}

TEST_CASE("The inverse Q function inverts Q from 0.9 down to 1e-300", "[solvers][eye][property]") {
  for (double p : {0.9, 0.5, 0.3, 1e-3, 1e-9, 1e-15, 1e-20, 1e-50, 1e-100, 1e-300})
    CHECK(q_function(q_inverse(p)) == Approx(p).epsilon(1e-12));
  CHECK_THROWS_AS(q_inverse(0.0), std::invalid_argument);
  CHECK_THROWS_AS(q_inverse(1.0), std::invalid_argument);
}

TEST_CASE("PAM levels are equally spaced in [-1, 1] with the COM symbol variance", "[solvers][eye][unit]") {
  const auto l4 = pam_levels(4);
  REQUIRE(l4.size() == 4);
  CHECK(l4[0] == -1.0);
  CHECK(l4[1] == Approx(-1.0 / 3.0));
  CHECK(l4[3] == 1.0);
  // IEEE 802.3-2022 eq. 93A-29: sigma_X^2 = (L^2 - 1) / (3 (L - 1)^2).
  for (int m : {2, 3, 4, 8}) {
    double v = 0.0;
    for (double x : pam_levels(m)) v += x * x / m;
    CHECK(pam_level_variance(m) == Approx(v).epsilon(1e-14));
    CHECK(pam_level_variance(m) == Approx((m * m - 1.0) / (3.0 * (m - 1.0) * (m - 1.0))).epsilon(1e-14));
  }
  CHECK_THROWS_AS(pam_levels(1), std::invalid_argument);
}

TEST_CASE("Gray coding changes one bit between adjacent levels and round-trips", "[solvers][eye][unit]") {
  for (unsigned i = 0; i < 255; ++i) {
    CHECK(std::popcount(gray_encode(i) ^ gray_encode(i + 1)) == 1);
    CHECK(gray_decode(gray_encode(i)) == i);
  }
}

TEST_CASE("SER and BER convert through log2 M and the AWGN PAM formula is Proakis 4.3-5", "[solvers][eye][unit]") {
  CHECK(ber_from_ser(3e-6, 4) == Approx(1.5e-6));
  CHECK(ser_from_ber(1e-12, 2) == Approx(1e-12));
  CHECK(ber_from_ser(1e-6, 8) == Approx(1e-6 / 3.0));
  CHECK(pam_ser_awgn(2, 0.1, 0.01) == Approx(q_function(10.0)).epsilon(1e-14));
  CHECK(pam_ser_awgn(4, 0.1, 0.02) == Approx(1.5 * q_function(5.0)).epsilon(1e-14));
}
