#include "phy/fiber.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace phylane::phy {

double fiber_attenuation_db_per_km(double wavelength_m, const FiberAttenuationModel& m) {
  if (!(wavelength_m >= 1200e-9 && wavelength_m <= 1700e-9)) {
    std::ostringstream os;
    os << "fibre attenuation: wavelength " << wavelength_m * 1e9 << " nm is outside the model's 1200-1700 nm";
    throw std::invalid_argument(os.str());
  }
  const double l_um = wavelength_m * 1e6;
  const double rayleigh = m.rayleigh_db_km_um4 / std::pow(l_um, 4);
  const double ir = m.ir_a_db_per_km * std::exp(-m.ir_b_um / l_um);
  const double oh = m.oh_peak_db_per_km * std::exp(-std::pow((wavelength_m * 1e9 - m.oh_centre_nm) / m.oh_width_nm, 2));
  return rayleigh + m.excess_db_per_km + ir + oh;
}

}  // namespace phylane::phy
