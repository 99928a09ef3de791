// The Network container and its S <-> Z/Y conversions.
#include <catch2/catch.hpp>

#include "channels/network.hpp"

using namespace phylane::channels;

TEST_CASE("A series resistor's S-parameters convert to its known Z and Y matrices", "[channels][network][reference]") {
  // Series R between two 50-ohm ports: S11 = R/(R + 100), S21 = 100/(R + 100) (Pozar 4th ed.,
  // sec. 4.3). Its Y matrix is (1/R)[1 -1; -1 1]; its Z matrix does not exist (singular Y).
  const double r = 30.0;
  Eigen::MatrixXcd s(2, 2);
  s << r / (r + 100), 100 / (r + 100), 100 / (r + 100), r / (r + 100);
  const auto y = s_to_y(s, {50.0, 50.0});
  CHECK(std::abs(y(0, 0) - 1.0 / r) < 1e-14);
  CHECK(std::abs(y(0, 1) + 1.0 / r) < 1e-14);
  CHECK((y_to_s(y, {50.0, 50.0}) - s).norm() < 1e-14);
}

TEST_CASE("A shunt resistor's Z matrix round-trips through S with unequal references", "[channels][network][reference]") {
  // Shunt R: Z = R [1 1; 1 1]. Reference impedances 50 and 75 ohm.
  const double r = 40.0;
  Eigen::MatrixXcd z(2, 2);
  z << r, r, r, r;
  const auto s = z_to_s(z, {50.0, 75.0});
  CHECK((s_to_z(s, {50.0, 75.0}) - z).norm() < 1e-12);
  // Power-wave S21 of a shunt admittance Y between Z1 and Z2 (from its ABCD [1 0; Y 1], Frickey
  // 1994): 2 sqrt(Z1 Z2) / (Z1 + Z2 + Y Z1 Z2).
  const double y = 1.0 / r;
  CHECK(std::abs(s(1, 0) - 2.0 * std::sqrt(50.0 * 75.0) / (50.0 + 75.0 + y * 50.0 * 75.0)) < 1e-14);
  // Lossy but with a lossless mode (equal port voltages draw no current): sigma_max = 1.
  Eigen::JacobiSVD<Eigen::MatrixXcd> svd(s);
  CHECK(svd.singularValues()(0) <= 1.0 + 1e-12);
}

TEST_CASE("Networks refuse bad grids and references with the problem named", "[channels][network][unit]") {
  CHECK_THROWS_WITH(Network({1e9, 1e9}, 2, {50.0}), Catch::Contains("strictly increasing"));
  CHECK_THROWS_WITH(Network({1e9}, 2, {50.0, -5.0}), Catch::Contains("must be > 0"));
  CHECK_THROWS_WITH(Network({1e9}, 3, {50.0, 50.0}), Catch::Contains("2 reference impedances for 3 ports"));
  Network n({1e9, 2e9}, 2, {50.0});
  n.s(1, 1, 0) = {0.5, 0.25};
  CHECK(n.trace(1, 0)[1] == std::complex<double>(0.5, 0.25));
  CHECK(n.s(1)(1, 0) == std::complex<double>(0.5, 0.25));
}
