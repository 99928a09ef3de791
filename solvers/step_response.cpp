#include "solvers/step_response.hpp"

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"
#include "solvers/pulse_response.hpp"
#include "solvers/real_fft.hpp"

namespace phylane::solvers {

namespace {
// 2 Phi^-1(0.9): the 10-90 % rise time of a Gaussian edge over its sigma.
constexpr double rise_10_90_per_sigma = 2.5631031310892007;
// A linear ramp's 10-90 % time is 0.8 of its duration.
constexpr double ramp_10_90_fraction = 0.8;
}  // namespace

std::string_view to_string(EdgeShape e) { return e == EdgeShape::gaussian ? "gaussian" : "10-90"; }

std::optional<EdgeShape> parse_edge_shape(std::string_view text) {
  if (text == "gaussian") return EdgeShape::gaussian;
  if (text == "10-90") return EdgeShape::ramp_10_90;
  return std::nullopt;
}

double StepEdge::response(double f) const {
  if (shape == EdgeShape::gaussian) {
    const double w = 2.0 * phy::pi * f * rise_time_s / rise_10_90_per_sigma;
    return std::exp(-0.5 * w * w);
  }
  const double x = phy::pi * f * rise_time_s / ramp_10_90_fraction;
  return x == 0.0 ? 1.0 : std::sin(x) / x;
}

double StepEdge::lead_s() const {
  return shape == EdgeShape::gaussian ? 5.0 * rise_time_s / rise_10_90_per_sigma
                                      : 0.5 * rise_time_s / ramp_10_90_fraction;
}

double StepEdge::band_hz() const {
  // Gaussian: exp(-w^2/2) = 1e-6 at w = sqrt(2 ln 1e6) = 5.257.
  return shape == EdgeShape::gaussian ? 5.257 / (2.0 * phy::pi * rise_time_s / rise_10_90_per_sigma)
                                      : 20.0 / (rise_time_s / ramp_10_90_fraction);
}

StepResponse step_response(std::span<const std::complex<double>> term, double df_hz, const StepEdge& edge,
                           double max_dt_s) {
  if (!(df_hz > 0.0) || !std::isfinite(df_hz))
    throw std::invalid_argument("step response: df = " + phy::number_text(df_hz) + " Hz must be finite and > 0");
  if (term.size() < 2) throw std::invalid_argument("step response: the term needs at least two frequencies (DC and one more)");
  if (!(max_dt_s > 0.0) || !std::isfinite(max_dt_s))
    throw std::invalid_argument("step response: max_dt = " + phy::number_text(max_dt_s) + " s must be finite and > 0");
  if (!(edge.rise_time_s > 0.0) || !std::isfinite(edge.rise_time_s))
    throw std::invalid_argument("step response: rise time = " + phy::number_text(edge.rise_time_s) + " s must be finite and > 0");
  const std::complex<double> s0 = term[0];
  if (!std::isfinite(s0.real()) || std::abs(s0.imag()) > 1e-9 * std::abs(s0) + 1e-12)
    throw std::invalid_argument("step response: S(0) = (" + phy::number_text(s0.real()) + ", " + phy::number_text(s0.imag()) +
                                ") must be real (a real impulse response has a real DC value)");
  const std::size_t k_last = term.size() - 1;
  const double period = 1.0 / df_hz;
  const std::size_t n = next_fft_size(std::max<std::size_t>(2 * k_last, static_cast<std::size_t>(std::ceil(period / max_dt_s))));
  const std::size_t nb = n / 2 + 1;
  const double dt = period / static_cast<double>(n);

  InverseRealFft fft(n);
  std::complex<double>* freq = fft.spectrum();
  // The inverse real transform sums the two-sided spectrum from the half given: X_k = S(f_k) E(f_k) df gives h(n dt).
  for (std::size_t k = 0; k < nb; ++k) {
    std::complex<double> x(0.0, 0.0);
    if (k <= k_last) {
      const double f = df_hz * static_cast<double>(k);
      x = term[k] * (edge.response(f) * df_hz);
    }
    freq[k] = x;
  }
  // The imaginary parts of the DC and Nyquist bins are dropped (the symmetric convention).
  const double* time = fft.execute();

  StepResponse r;
  r.dt_s = dt;
  const auto lead = std::min(n / 2, static_cast<std::size_t>(std::ceil(edge.lead_s() / dt)) + 4);
  r.start_time_s = -static_cast<double>(lead) * dt;
  r.values.resize(n);
  // Trapezoidal running sum from t = -lead (sample n - lead of the period) through one period.
  double sum = 0.0, prev = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double h = time[(i + n - lead) % n];
    if (i > 0) sum += 0.5 * (prev + h);
    prev = h;
    r.values[i] = sum * dt;
  }
  return r;
}

}  // namespace phylane::solvers
