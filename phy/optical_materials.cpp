#include "phy/optical_materials.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace phylane::phy {

std::string_view to_string(OpticalMaterial m) {
  switch (m) {
    case OpticalMaterial::silicon: return "Si";
    case OpticalMaterial::silica: return "SiO2";
    case OpticalMaterial::silicon_nitride: return "Si3N4";
    case OpticalMaterial::indium_phosphide: return "InP";
    case OpticalMaterial::pmma: return "PMMA";
  }
  return "?";
}

std::optional<OpticalMaterial> parse_optical_material(std::string_view s) {
  for (auto m : {OpticalMaterial::silicon, OpticalMaterial::silica, OpticalMaterial::silicon_nitride,
                 OpticalMaterial::indium_phosphide, OpticalMaterial::pmma})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

std::string_view optical_material_names() { return "Si, SiO2, Si3N4, InP, PMMA"; }

WavelengthRange validity_range(OpticalMaterial m) {
  switch (m) {
    case OpticalMaterial::silicon: return {1.2e-6, 14e-6};
    case OpticalMaterial::silica: return {0.21e-6, 3.71e-6};
    case OpticalMaterial::silicon_nitride: return {0.31e-6, 5.504e-6};
    case OpticalMaterial::indium_phosphide: return {0.95e-6, 10e-6};
    case OpticalMaterial::pmma: return {0.42e-6, 1.62e-6};
  }
  return {0.0, 0.0};
}

namespace {

// One Sellmeier term B lambda^2 / (lambda^2 - C^2), lambda and C in um.
double term(double l2, double b, double c_um) { return b * l2 / (l2 - c_um * c_um); }

}  // namespace

double refractive_index(OpticalMaterial m, double wavelength_m) {
  const auto r = validity_range(m);
  if (!(wavelength_m >= r.min_m && wavelength_m <= r.max_m)) {
    std::ostringstream os;
    os << "refractive index of " << to_string(m) << ": wavelength " << wavelength_m * 1e9
       << " nm is outside the range of its dispersion formula, " << r.min_m * 1e9 << "-" << r.max_m * 1e9 << " nm";
    throw std::invalid_argument(os.str());
  }
  const double l = wavelength_m * 1e6;
  const double l2 = l * l;
  double n2 = 0.0;
  switch (m) {
    case OpticalMaterial::silicon: {
      // Li 1980, 293 K.
      const double l1 = 1.1071;
      n2 = 11.6858 + 0.939816 / l2 + 0.00810461 * l1 * l1 / (l2 - l1 * l1);
      break;
    }
    case OpticalMaterial::silica:  // Malitson 1965
      n2 = 1.0 + term(l2, 0.6961663, 0.0684043) + term(l2, 0.4079426, 0.1162414) + term(l2, 0.8974794, 9.896161);
      break;
    case OpticalMaterial::silicon_nitride:  // Luke et al. 2015
      n2 = 1.0 + term(l2, 3.0249, 0.1353406) + term(l2, 40314.0, 1239.842);
      break;
    case OpticalMaterial::indium_phosphide:  // Pettit & Turner 1965
      n2 = 7.255 + term(l2, 2.316, 0.6263) + term(l2, 2.765, 32.935);
      break;
    case OpticalMaterial::pmma:  // Beadie et al. 2015: the poles are given as C^2 [um^2]
      n2 = 1.0 + term(l2, 0.99654, std::sqrt(0.00787)) + term(l2, 0.18964, std::sqrt(0.02191)) +
           term(l2, 0.00411, std::sqrt(3.85727));
      break;
  }
  return std::sqrt(n2);
}

double material_group_index(OpticalMaterial m, double wavelength_m) {
  const auto r = validity_range(m);
  const double h = 1e-9;
  // One-sided at the ends of the fit so the range rule is the same as refractive_index's.
  const double lo = std::max(r.min_m, wavelength_m - h);
  const double hi = std::min(r.max_m, wavelength_m + h);
  const double n = refractive_index(m, wavelength_m);
  const double dn = (refractive_index(m, hi) - refractive_index(m, lo)) / (hi - lo);
  return n - wavelength_m * dn;
}

}  // namespace phylane::phy
