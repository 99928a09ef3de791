#include "phy/line_geometry.hpp"

#include "phy/constants.hpp"
#include "phy/name_table.hpp"

namespace phylane::phy {

constexpr EnumName<LineMode> kLineModes[] = {
    {LineMode::single_ended, "single-ended"}, {LineMode::differential, "differential"}, {LineMode::common, "common"}};

std::string_view to_string(LineMode m) { return name_of(kLineModes, m); }

double LineGeometry::external_inductance_h_per_m() const {
  return mu0 * eps0 / air_capacitance_f_per_m();
}

double LineGeometry::air_impedance_ohm() const { return 1.0 / (c0 * air_capacitance_f_per_m()); }

std::vector<ValidityLimit> LineGeometry::violations(double dk) const {
  std::vector<ValidityLimit> out;
  for (auto& v : validity(dk))
    if (!v.ok()) out.push_back(std::move(v));
  return out;
}

WheelerFactors LineGeometry::wheeler_factors() const {
  // Wheeler (1942): R = (Rs / mu0) * dL/dn, n the recession of the walls. The closed forms are
  // smooth in their dimensions, so a central difference with a step of 1e-4 of the smallest
  // feature has truncation error ~1e-8 and rounding error ~1e-12 (relative).
  const double h = wheeler_step_m();
  auto l_ext = [&](const Recession& r) { return mu0 * eps0 / air_capacitance_f_per_m(r); };
  WheelerFactors w;
  w.strip_per_m = (l_ext({h, 0.0}) - l_ext({-h, 0.0})) / (2.0 * h) / mu0;
  w.plane_per_m = (l_ext({0.0, h}) - l_ext({0.0, -h})) / (2.0 * h) / mu0;
  return w;
}

}  // namespace phylane::phy
