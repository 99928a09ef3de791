#include "phy/optics.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/name_table.hpp"

namespace phylane::phy {

double responsivity_a_per_w(double quantum_efficiency, double wavelength_m) {
  if (!(quantum_efficiency > 0.0 && quantum_efficiency <= 1.0))
    throw std::invalid_argument("responsivity: quantum efficiency must be in (0, 1]");
  if (!(wavelength_m > 0.0)) throw std::invalid_argument("responsivity: wavelength must be > 0");
  return quantum_efficiency * q_e * wavelength_m / (h_planck * c0);
}

double oma_w(double average_power_w, double extinction_ratio) {
  if (!(extinction_ratio > 1.0)) throw std::invalid_argument("OMA: extinction ratio must be > 1 (> 0 dB)");
  return 2.0 * average_power_w * (extinction_ratio - 1.0) / (extinction_ratio + 1.0);
}

double extinction_ratio_penalty_db(double r) {
  if (!(r > 1.0)) throw std::invalid_argument("extinction-ratio penalty: ratio must be > 1");
  return 10.0 * std::log10((r + 1.0) / (r - 1.0));
}

constexpr EnumName<ModulatorKind> kModulatorKinds[] = {
    {ModulatorKind::mach_zehnder, "mach-zehnder"}, {ModulatorKind::microring, "microring"},
    {ModulatorKind::electro_absorption, "electro-absorption"}};
constexpr EnumName<ResponseShape> kResponseShapes[] = {
    {ResponseShape::single_pole, "single-pole"}, {ResponseShape::second_order, "second-order"},
    {ResponseShape::skin_effect, "skin-effect"}};

std::string_view to_string(ModulatorKind k) { return name_of(kModulatorKinds, k); }

std::optional<ModulatorKind> parse_modulator_kind(std::string_view s) { return value_named(kModulatorKinds, s); }

std::string_view to_string(ResponseShape s) { return name_of(kResponseShapes, s); }

std::optional<ResponseShape> parse_response_shape(std::string_view s) { return value_named(kResponseShapes, s); }

std::complex<double> eo_response(ResponseShape shape, double f3db, double f, double q) {
  if (!(f3db > 0.0)) throw std::invalid_argument("EO response: bandwidth must be > 0");
  using cd = std::complex<double>;
  switch (shape) {
    case ResponseShape::single_pole: return 1.0 / cd(1.0, f / f3db);
    case ResponseShape::second_order: {
      if (!(q > 0.0)) throw std::invalid_argument("EO response: Q must be > 0");
      // |H(x)|^2 = 1 / ((1 - x^2)^2 + x^2/Q^2), x = f/f0. Solve |H|^2 = 1/2 for x^2:
      // x^4 + (1/Q^2 - 2) x^2 - 1 = 0  ->  x^2 = [(2 - 1/Q^2) + sqrt((2 - 1/Q^2)^2 + 4)] / 2.
      const double b = 2.0 - 1.0 / (q * q);
      const double x3 = std::sqrt(0.5 * (b + std::sqrt(b * b + 4.0)));
      const double f0 = f3db / x3;
      const double x = f / f0;
      return 1.0 / cd(1.0 - x * x, x / q);
    }
    case ResponseShape::skin_effect: {
      // |H| = exp(-a sqrt f) = 1/sqrt(2) at f3db; the (1 + j) makes it minimum phase (causal).
      const double a = 0.5 * std::log(2.0) / std::sqrt(f3db);
      const double s = a * std::sqrt(f);
      return std::exp(cd(-s, -s));
    }
  }
  return 1.0;
}

double beta2_s2_per_m(double wavelength_m, double d) { return -d * wavelength_m * wavelength_m / (2.0 * pi * c0); }

double fiber_dispersion_response(double wavelength_m, double d, double length_m, double f, double alpha) {
  const double theta = pi * wavelength_m * wavelength_m * d * length_m * f * f / c0;
  // Wang & Petermann (1992): H = sqrt(1 + alpha^2) cos(theta + atan(alpha)).
  return std::sqrt(1.0 + alpha * alpha) * std::cos(theta + std::atan(alpha));
}

double dispersion_limited_length_m(double bit_rate_bps, double wavelength_m, double d) {
  const double b2 = std::abs(beta2_s2_per_m(wavelength_m, d));
  if (b2 == 0.0) return INFINITY;
  // B sqrt(|beta2| L) = 1/4  ->  L = 1 / (16 B^2 |beta2|)
  return 1.0 / (16.0 * bit_rate_bps * bit_rate_bps * b2);
}

double coupler_loss_db(double il0_db, double bw_1db_m, double centre_m, double wavelength_m) {
  if (!(bw_1db_m > 0.0)) return il0_db;
  const double x = 2.0 * (wavelength_m - centre_m) / bw_1db_m;
  return il0_db + x * x;
}

}  // namespace phylane::phy
