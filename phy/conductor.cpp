#include "phy/conductor.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"

namespace phylane::phy {

double copper_conductivity(double temperature_c, double sigma20) {
  if (!(temperature_c >= -100.0 && temperature_c <= 300.0))
    throw std::invalid_argument("copper_conductivity: temperature " + std::to_string(temperature_c) +
                                " degC outside -100 ... 300 degC");
  if (!(sigma20 > 0.0)) throw std::invalid_argument("copper_conductivity: sigma20 must be > 0");
  return sigma20 /
         (1.0 + copper_temperature_coefficient * (temperature_c - copper_reference_temperature_c));
}

double copper_conductivity(double temperature_c) {
  return copper_conductivity(temperature_c, copper_conductivity_iacs);
}

double skin_depth_m(double freq_hz, double sigma, double mu_r) {
  return 1.0 / std::sqrt(pi * freq_hz * mu0 * mu_r * sigma);
}

double surface_resistance_ohm(double freq_hz, double sigma, double mu_r) {
  return std::sqrt(pi * freq_hz * mu0 * mu_r / sigma);
}


}  // namespace phylane::phy
