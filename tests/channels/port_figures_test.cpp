// Return loss and mode conversion of a pair against the closed forms of an unbalanced pair.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "channels/network_ops.hpp"
#include "channels/port_figures.hpp"

using namespace phylane::channels;

namespace {
double db(std::complex<double> s) { return 20.0 * std::log10(std::abs(s)); }
}  // namespace

TEST_CASE("An unbalanced uncoupled pair converts (a - b)/2 and reflects (rA + rB)/2", "[channels][ports][reference]") {
  // Lines A (1 -> 2) and B (3 -> 4), uncoupled, thrus a and b, input reflections rA and rB, output
  // reflections 0. With a_d = (a_P - a_N)/sqrt2, a_c = (a_P + a_N)/sqrt2 (Bockelman & Eisenstadt 1995):
  // SDD11 = (rA + rB)/2, SDD21 = (a + b)/2, SCD21 = SDC21 = (a - b)/2.
  const std::complex<double> a = std::polar(0.8, -1.0), b = std::polar(0.7, -1.2);
  const std::complex<double> ra(0.10, 0.02), rb(0.04, -0.03);
  Network se({1e9, 2e9}, 4, {50.0});
  for (std::size_t k = 0; k < 2; ++k) {
    se.s(k, 1, 0) = se.s(k, 0, 1) = a;
    se.s(k, 3, 2) = se.s(k, 2, 3) = b;
    se.s(k, 0, 0) = ra;
    se.s(k, 2, 2) = rb;
  }
  const auto p = port_figures(to_mixed_mode(se, PortOrder::pairs_12_34));
  REQUIRE(p.size() == 2);
  CHECK(p[0].mixed_mode);
  // Rounding of the 4x4 transformation only.
  CHECK(p[0].s11_db == Approx(db((ra + rb) / 2.0)).margin(1e-12));
  CHECK(p[0].scd21_db == Approx(db((a - b) / 2.0)).margin(1e-12));
  CHECK(p[0].sdc21_db == Approx(db((a - b) / 2.0)).margin(1e-12));
  CHECK(p[0].s22_db == -6000.0);  // no output reflection: S = 0, floored at 1e-300 as insertion loss is
}

TEST_CASE("Figures at named frequencies interpolate inside the data and are NaN outside", "[channels][ports][unit]") {
  Network two({1e9, 2e9, 3e9}, 2, {50.0});
  for (std::size_t k = 0; k < 3; ++k) {
    two.s(k, 0, 0) = 0.1;
    two.s(k, 1, 1) = 0.2;
    two.s(k, 1, 0) = two.s(k, 0, 1) = 0.9;
  }
  const std::vector<double> f = {2.5e9, 5e9, 1e9};
  const auto p = port_figures_at(two, f);
  REQUIRE(p.size() == 3);
  CHECK(p[0].s11_db == Approx(20.0 * std::log10(0.1)).margin(1e-9));  // constant data: exact
  CHECK(std::isnan(p[1].s11_db));
  CHECK(p[1].freq_hz == 5e9);
  CHECK(p[2].s22_db == Approx(20.0 * std::log10(0.2)).margin(1e-12));
  CHECK_FALSE(p[0].mixed_mode);
  CHECK(std::isnan(p[0].scd21_db));
}
