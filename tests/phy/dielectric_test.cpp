// Dielectric models: the Djordjevic-Sarkar wideband Debye model and constant Dk/Df.
#include <catch2/catch.hpp>

#include <cmath>

#include "phy/constants.hpp"
#include "phy/dielectric.hpp"

using namespace phylane::phy;

namespace {

// Real part predicted by the Kramers-Kronig relation from the imaginary part alone:
//   eps'(w) - eps_inf = (2/pi) Int_0^inf [w' eps''(w') - w eps''(w)] / (w'^2 - w^2) dw'
// (the subtracted term removes the principal-value singularity; its own integral is zero).
// Integrated on a logarithmic grid with the trapezoid rule. Source: Jackson, Classical
// Electrodynamics, 3rd ed., eq. 7.120.
double kk_real_part(const Dielectric& d, double f) {
  const double e2f = -d.permittivity(f).imag();
  double sum = 0.0;
  const double u0 = std::log(1e-4), u1 = std::log(1e17);
  const int n = 400000;
  const double du = (u1 - u0) / n;
  for (int i = 0; i <= n; ++i) {
    const double fp = std::exp(u0 + (i + 0.5) * du);  // offset grid never hits fp == f exactly
    const double e2 = -d.permittivity(fp).imag();
    const double integrand = (fp * e2 - f * e2f) / (fp * fp - f * f) * fp;  // d f' = f' du
    sum += integrand * ((i == 0 || i == n) ? 0.5 : 1.0);
  }
  return d.eps_inf() + 2.0 / pi * sum * du;
}

}  // namespace

TEST_CASE("Djordjevic-Sarkar fit reproduces Dk and Df at the reference frequency", "[phy][dielectric][unit]") {
  const auto d = Dielectric::djordjevic_sarkar(3.7, 0.004, 10e9);
  CHECK(d.dk(10e9) == Approx(3.7).epsilon(1e-12));
  CHECK(d.df(10e9) == Approx(0.004).epsilon(1e-12));
}

TEST_CASE("Djordjevic-Sarkar Dk falls with frequency and Df is nearly flat between the corners",
          "[phy][dielectric][property]") {
  const auto d = Dielectric::djordjevic_sarkar(4.2, 0.02, 1e9);
  double prev = d.dk(1e6);
  for (double f = 2e6; f < 1e11; f *= 2) {
    CHECK(d.dk(f) < prev);
    prev = d.dk(f);
  }
  // The hallmark of the model: Df within +-10 % of the fitted value over 1 MHz ... 100 GHz
  // (Djordjevic et al. 2001, fig. 2: a wideband Debye spectrum has near-constant loss tangent).
  for (double f = 1e6; f <= 1e11; f *= 10) CHECK(d.df(f) == Approx(0.02).epsilon(0.10));
  CHECK(d.eps_inf() < d.dk(1e11));
  CHECK(d.dk(0.0) == Approx(d.eps_inf() + d.delta_eps()).epsilon(1e-9));
}

TEST_CASE("Djordjevic-Sarkar permittivity satisfies the Kramers-Kronig relations", "[phy][dielectric][reference]") {
  // A causal model: its real part must follow from its imaginary part. Tolerance 1e-4 relative to
  // the dispersion eps' - eps_inf: the quadrature error of the log-grid integral is ~1e-6.
  const auto d = Dielectric::djordjevic_sarkar(3.6, 0.008, 10e9);
  for (double f : {1e6, 1e8, 1e9, 1e10, 5e10}) {
    const double dispersive = d.dk(f) - d.eps_inf();
    const double kk = kk_real_part(d, f) - d.eps_inf();
    INFO("f = " << f);
    CHECK(kk == Approx(dispersive).epsilon(1e-4));
  }
}

TEST_CASE("Constant Dk/Df holds both values at every frequency", "[phy][dielectric][unit]") {
  const auto d = Dielectric::constant(3.0, 0.001);
  for (double f : {0.0, 1e6, 1e12}) {
    CHECK(d.dk(f) == 3.0);
    CHECK(d.df(f) == Approx(0.001).epsilon(1e-12));
  }
}

TEST_CASE("Dielectric parameters out of range are rejected", "[phy][dielectric][unit]") {
  CHECK_THROWS_AS(Dielectric::constant(0.5, 0.01), std::invalid_argument);
  CHECK_THROWS_AS(Dielectric::djordjevic_sarkar(3.7, 1.5, 1e9), std::invalid_argument);
  CHECK_THROWS_AS(Dielectric::djordjevic_sarkar(3.7, 0.01, 1e13), std::invalid_argument);
  // A loss so high that the fit needs eps_inf < 1 is refused rather than made unphysical.
  CHECK_THROWS_WITH(Dielectric::djordjevic_sarkar(1.2, 0.5, 1e9), Catch::Contains("eps_inf"));
}
