// Conductor loss: skin depth, surface resistance, temperature, internal impedance.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <utility>

#include "phy/conductor.hpp"
#include "phy/constants.hpp"

using namespace phylane::phy;

namespace {

// Exact internal impedance per length of a round wire of radius a (Ramo, Whinnery & Van Duzer,
// Fields and Waves in Communication Electronics, 3rd ed., eq. 5.13(7)):
//   Z = (T / (2 pi a sigma)) J0(T a) / J1(T a),  T = (1 - j)/delta,
// evaluated with complex power series (converges for |T a| up to ~30, enough for the transition).
std::complex<double> bessel_j(int order, std::complex<double> z) {
  std::complex<double> term = std::pow(z / 2.0, order);
  for (int k = 1; k <= order; ++k) term /= static_cast<double>(k);
  std::complex<double> sum = term;
  const std::complex<double> q = -(z * z) / 4.0;
  for (int k = 1; k < 400; ++k) {
    term *= q / (static_cast<double>(k) * static_cast<double>(k + order));
    sum += term;
    if (std::abs(term) < 1e-18 * std::abs(sum)) break;
  }
  return sum;
}

std::complex<double> round_wire_exact(double f, double a, double sigma) {
  const double delta = skin_depth_m(f, sigma);
  const std::complex<double> t = std::complex<double>(1.0, -1.0) / delta;
  return t / (2.0 * pi * a * sigma) * bessel_j(0, t * a) / bessel_j(1, t * a);
}

}  // namespace

TEST_CASE("Skin depth of copper at 1 GHz is 2.09 um", "[phy][conductor][reference]") {
  // Reference 2.09 um: the textbook copper skin depth delta = 0.066/sqrt(f) m (f in Hz) and the
  // issue's acceptance figure. Tolerance 0.5 % as the issue requires.
  CHECK(skin_depth_m(1e9, copper_conductivity_iacs) == Approx(2.09e-6).epsilon(0.005));
}

TEST_CASE("Surface resistance of copper follows Rs = 2.61e-7 sqrt(f) ohm", "[phy][conductor][reference]") {
  // Textbook copper surface resistance Rs = 2.61e-7 sqrt(f) ohm (e.g. Pozar 4th ed., sec. 1.7),
  // 8.25 mOhm at 1 GHz. The 2.61e-7 is given to 3 digits: tolerance 0.5 %.
  for (double f : {1e8, 1e9, 1e10, 5e10})
    CHECK(surface_resistance_ohm(f, copper_conductivity_iacs) == Approx(2.61e-7 * std::sqrt(f)).epsilon(0.005));
  // Rs = 1/(sigma delta) identically.
  CHECK(surface_resistance_ohm(3e9, 5e7) == Approx(1.0 / (5e7 * skin_depth_m(3e9, 5e7))).epsilon(1e-12));
}

TEST_CASE("Copper conductivity falls with temperature by the IACS coefficient", "[phy][conductor][reference]") {
  // NIST Handbook 100: resistivity of annealed copper rises 0.393 %/K at 20 degC.
  CHECK(copper_conductivity(20.0) == Approx(5.8001e7).epsilon(1e-4));
  // Independent: the recommended resistivity of pure copper (R. A. Matula, J. Phys. Chem. Ref. Data
  // 8(4), 1979, p. 1147, as tabulated in the CRC Handbook, "Electrical resistivity of pure metals":
  // 1.543, 1.678, 1.725, 2.063, 2.402 uOhm cm at 273, 293, 300, 350, 400 K) plus, by Matthiessen's
  // rule, the temperature-independent residual of annealed commercial copper, 1.7241 - 1.678
  // uOhm cm at 293 K. Measured: within 0.033 % from 0 to 127 degC; tolerance 0.1 % (the table's
  // 4 digits are 0.03-0.06 %).
  const double rho_residual = 1.7241 - 1.678;
  for (auto [kelvin, rho_pure] : {std::pair{273.15, 1.543}, {300.0, 1.725}, {350.0, 2.063}, {400.0, 2.402}}) {
    INFO("T = " << kelvin << " K");
    CHECK(copper_conductivity(kelvin - 273.15) == Approx(1e8 / (rho_pure + rho_residual)).epsilon(1e-3));
  }
  CHECK(copper_conductivity(-40.0) > copper_conductivity(20.0));
  CHECK_THROWS_AS(copper_conductivity(500.0), std::invalid_argument);
}

TEST_CASE("Internal impedance is the DC resistance at DC and the surface impedance at high frequency",
          "[phy][conductor][property]") {
  const double sigma = copper_conductivity_iacs;
  const double a = 50e-6;                        // round wire radius
  const double rdc = 1.0 / (sigma * pi * a * a);  // DC resistance per length
  const double g = 1.0 / (2.0 * pi * a);          // 1/perimeter
  CHECK(internal_impedance_per_m(0.0, rdc, g, sigma).real() == Approx(rdc).epsilon(1e-12));
  // Low-frequency internal inductance of a round wire: mu0/(8 pi) (Ramo et al., sec. 5.13).
  const double w = 2.0 * pi * 1.0;  // 1 Hz: deep in the DC regime
  CHECK(internal_impedance_per_m(w, rdc, g, sigma).imag() / w == Approx(mu0 / (8.0 * pi)).epsilon(1e-6));
  // Far in the skin-effect regime: Z -> (1 + j) Rs / (2 pi a), with the roughness factor applied.
  const double f = 1e11;
  const auto z = internal_impedance_per_m(2 * pi * f, rdc, g, sigma, {1.5, 1.5});
  CHECK(z.real() == Approx(1.5 * surface_resistance_ohm(f, sigma) * g).epsilon(1e-4));
  CHECK(z.imag() == Approx(1.5 * surface_resistance_ohm(f, sigma) * g).epsilon(1e-4));
}

TEST_CASE("Internal impedance tracks the exact round-wire Bessel solution through the transition",
          "[phy][conductor][reference]") {
  // The square-root blend matches both limits exactly; in the transition (delta ~ radius) the
  // exact solution (Bessel functions) differs. Measured worst case over a/delta = 0.1 ... 20:
  // 6.4 % in R and 10.3 % in the internal reactance. Asserted at 7 % and 11 %: a worse blend (or
  // a bare sqrt(f) resistance, which is wrong by 100 % or more below a/delta ~ 2) fails.
  const double sigma = copper_conductivity_iacs;
  const double a = 20e-6;
  const double rdc = 1.0 / (sigma * pi * a * a);
  const double g = 1.0 / (2.0 * pi * a);
  double worst_r = 0, worst_x = 0;
  for (double ratio = 0.1; ratio <= 20.0; ratio *= 1.1) {
    const double delta = a / ratio;
    const double f = 1.0 / (pi * mu0 * sigma * delta * delta);
    const auto exact = round_wire_exact(f, a, sigma);
    const auto model = internal_impedance_per_m(2 * pi * f, rdc, g, sigma);
    worst_r = std::max(worst_r, std::abs(model.real() / exact.real() - 1.0));
    worst_x = std::max(worst_x, std::abs(model.imag() / exact.imag() - 1.0));
  }
  INFO("worst R error " << worst_r << ", worst X error " << worst_x);
  CHECK(worst_r < 0.07);
  CHECK(worst_x < 0.11);
}
