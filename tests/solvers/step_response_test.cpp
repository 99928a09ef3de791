// Step response (TDR/TDT) of a term on a uniform grid: level, timing and edge against closed forms.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include "phy/constants.hpp"
#include "solvers/step_response.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

// A delayed reflection g e^{-j 2 pi f tau} on 0, df, ... fmax.
std::vector<std::complex<double>> delayed(double g, double tau, double df, double fmax) {
  std::vector<std::complex<double>> s;
  for (double f = 0.0; f <= fmax; f += df) s.push_back(g * std::polar(1.0, -2.0 * phy::pi * f * tau));
  return s;
}

double value_at(const StepResponse& r, double t) {
  const double x = (t - r.start_time_s) / r.dt_s;
  const auto i = static_cast<std::size_t>(std::floor(x));
  const double u = x - static_cast<double>(i);
  return r.values[i] * (1.0 - u) + r.values[i + 1] * u;
}

// Time at which the rising step first crosses `level` (linear interpolation between samples).
double crossing(const StepResponse& r, double level) {
  for (std::size_t i = 1; i < r.values.size(); ++i)
    if (r.values[i - 1] < level && r.values[i] >= level)
      return r.start_time_s + r.dt_s * (static_cast<double>(i - 1) + (level - r.values[i - 1]) / (r.values[i] - r.values[i - 1]));
  return NAN;
}

}  // namespace

TEST_CASE("The step of a delayed reflection settles at its level, centred on the delay, with the asked rise time",
          "[solvers][tdr][reference]") {
  const double g = 0.2, tau = 1e-9, df = 1e9 / 16.0;
  for (auto shape : {EdgeShape::gaussian, EdgeShape::ramp_10_90}) {
    const StepEdge edge{shape, 30e-12};
    const auto r = step_response(delayed(g, tau, df, edge.band_hz()), df, edge, 1e-12);
    // Before the arrival 0, after it g: the running sum of a band-limited impulse is exact up to the
    // truncation of E beyond band_hz (1e-6 for the Gaussian; the ramp's sinc tail 1/(pi 20) there,
    // averaging out: measured 2e-4 of g).
    const double tol = shape == EdgeShape::gaussian ? 1e-6 : 5e-4;
    CHECK(std::abs(value_at(r, 0.5e-9)) < tol * g);
    CHECK(std::abs(value_at(r, 2e-9) - g) < tol * g);
    // Zero-phase edge: the 50 % point at the delay; 10-90 % = the rise time (within a tenth of dt,
    // the interpolation between samples).
    CHECK(std::abs(crossing(r, 0.5 * g) - tau) < 0.1e-12);
    CHECK(std::abs(crossing(r, 0.9 * g) - crossing(r, 0.1 * g) - 30e-12) < (shape == EdgeShape::gaussian ? 0.1e-12 : 0.6e-12));
  }
}

TEST_CASE("The step settles at the DC value and edges parse by name", "[solvers][tdr][unit]") {
  const double df = 1e8;
  std::vector<std::complex<double>> s(200, {0.0, 0.0});
  s[0] = 0.3;  // a term that is 0.3 at DC and 0 elsewhere on the grid
  const auto r = step_response(s, df, StepEdge{EdgeShape::gaussian, 50e-12}, 5e-12);
  // Its impulse response is the constant 0.3 df over the period: the step grows linearly to 0.3.
  const double period = 1.0 / df;
  CHECK(value_at(r, 0.5 * period + r.start_time_s) == Approx(0.15).margin(1e-9));
  CHECK(parse_edge_shape("gaussian") == EdgeShape::gaussian);
  CHECK(parse_edge_shape("10-90") == EdgeShape::ramp_10_90);
  CHECK_FALSE(parse_edge_shape("ramp"));
  CHECK_THROWS_WITH(step_response(std::vector<std::complex<double>>{{0.1, 0.5}, {0.0, 0.0}}, df, StepEdge{}, 1e-12),
                    Catch::Contains("must be real"));
}
