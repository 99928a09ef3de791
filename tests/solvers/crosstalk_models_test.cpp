// Parametric crosstalk paths (solvers/crosstalk_models.hpp) against exact coupled-line results:
// Pozar's coupled-line coupler for NEXT, the modal (even/odd) solution for FEXT.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <span>
#include <stdexcept>
#include <vector>

#include "solvers/crosstalk_models.hpp"
#include "tests/support/frequency.hpp"

using namespace phylane;
using cplx = std::complex<double>;

namespace {
constexpr double kPi = 3.14159265358979323846;

using phylane::test::eval;
}  // namespace

TEST_CASE("NEXT of a coupled section is Pozar's coupled-line coupler to first order in k",
          "[solvers][crosstalk][reference]") {
  // D. M. Pozar, Microwave Engineering, 4th ed., sec. 7.6: a TEM coupled-line section of
  // electrical length theta between matched ports couples V3/V1 = j k sin(theta) /
  // (sqrt(1 - k^2) cos(theta) + j sin(theta)), k = (Z0e - Z0o) / (Z0e + Z0o). The weak-coupling
  // NEXT K_b (1 - e^{-j 2 theta}) with K_b = k / 2 is its limit; the difference is O(k^2).
  const double tau = 50e-12;
  for (double k : {0.002, 0.02}) {
    const auto h = solvers::next_section(k / 2.0, tau);
    for (double f : {0.1e9, 1e9, 3e9, 5e9, 7.3e9, 12e9, 26.5625e9}) {
      const double th = 2.0 * kPi * f * tau;
      const cplx exact = cplx(0.0, k * std::sin(th)) / (std::sqrt(1.0 - k * k) * std::cos(th) + cplx(0.0, std::sin(th)));
      INFO("k = " << k << ", f = " << f / 1e9 << " GHz");
      CHECK(std::abs(eval(h, f) - exact) <= 0.5 * k * k * std::abs(exact) + 1e-15);
    }
    // Saturation: the largest |NEXT| is 2 K_b at theta = 90 deg (f = 1 / (4 tau)); none at DC.
    CHECK(std::abs(eval(h, 1.0 / (4.0 * tau))) == Approx(k).epsilon(1e-12));
    CHECK(std::abs(eval(h, 0.0)) == 0.0);
  }
}

TEST_CASE("FEXT relative to the thru is the modal difference of an inhomogeneous pair to first order",
          "[solvers][crosstalk][reference]") {
  // Weakly coupled lines whose even and odd modes travel with delays tau_e and tau_o (an
  // inhomogeneous dielectric: microstrip's even mode is the slower): with matched modal
  // terminations the far-end voltage is (1/2)(e^{-j w tau_e} - e^{-j w tau_o}) and the thru
  // (1/2)(e^{-j w tau_e} + e^{-j w tau_o}) (C. R. Paul, Analysis of Multiconductor Transmission
  // Lines, modal decomposition). Their ratio is -j tan(w (tau_e - tau_o) / 2).
  const double te = 1.0e-9 + 0.6e-12, to = 1.0e-9 - 0.6e-12, fref = 26.5625e9;
  auto ratio = [&](double f) { return cplx(0.0, -std::tan(kPi * f * (te - to))); };
  const double level = std::abs(ratio(fref));
  const auto h = solvers::fext_relative(level, fref);
  for (double f : {0.5e9, 5e9, 13.28e9, 26.5625e9, 40e9}) {
    INFO("f = " << f / 1e9 << " GHz");
    const cplx got = eval(h, f), want = ratio(f);
    // first order in w (tau_e - tau_o) / 2 <= 0.15 here: tan x / x - 1 ~ x^2 / 3
    CHECK(std::abs(got - want) <= 0.02 * std::abs(want));
    CHECK(std::arg(got) == Approx(std::arg(want)).margin(1e-12));
  }
}

TEST_CASE("Parametric crosstalk rejects non-positive levels and delays", "[solvers][crosstalk][unit]") {
  CHECK_THROWS_AS(solvers::fext_relative(0.0, 1e9), std::invalid_argument);
  CHECK_THROWS_AS(solvers::fext_relative(0.01, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(solvers::next_section(0.01, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(solvers::next_section(NAN, 1e-12), std::invalid_argument);
  CHECK_THROWS_AS(solvers::product({}), std::invalid_argument);
}

TEST_CASE("A product of paths multiplies them frequency by frequency", "[solvers][crosstalk][unit]") {
  const auto a = solvers::next_section(0.01, 40e-12);
  const auto b = solvers::fext_relative(0.02, 10e9);
  const auto p = solvers::product({a, b, a});
  for (double f : {1e9, 9e9}) CHECK(std::abs(eval(p, f) - eval(a, f) * eval(b, f) * eval(a, f)) < 1e-18);
}

TEST_CASE("A squared path is the path there and back: twice the phase, the square of the gain",
          "[solvers][crosstalk][unit]") {
  // A lossy delay a e^{-j 2 pi f tau}: squared, a^2 e^{-j 4 pi f tau} (closed form).
  const double a = 0.7, tau = 123e-12;
  const channels::TransferFunction h = [&](std::span<const double> f, std::span<cplx> out) {
    for (std::size_t k = 0; k < f.size(); ++k) out[k] = a * std::polar(1.0, -2.0 * kPi * f[k] * tau);
  };
  const auto s = solvers::squared(h);
  for (double f : {0.0, 1e9, 13.28125e9, 40e9}) {
    const cplx want = a * a * std::polar(1.0, -4.0 * kPi * f * tau);
    CHECK(std::abs(eval(s, f) - want) < 1e-15);
  }
}
