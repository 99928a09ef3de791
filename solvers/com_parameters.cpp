#include "solvers/com_parameters.hpp"

#include <stdexcept>
#include <string>

namespace phylane::solvers {

channels::ComPackage com_package(const ComParameters& p, int case_number, ComPackageRole role) {
  const std::size_t cases = p.package_cases();
  if (case_number < 1 || static_cast<std::size_t>(case_number) > cases)
    throw std::invalid_argument("COM package case " + std::to_string(case_number) + " must be between 1 and " +
                                std::to_string(cases) + " (the columns of z_p)");
  const int side = role == ComPackageRole::rx ? 1 : 0;
  channels::ComPackage pkg;
  pkg.r0_ohm = p.r0_ohm;
  pkg.c_d_f = p.c_d_f[side];
  pkg.l_s_h = p.l_s_h[side];
  pkg.c_b_f = p.c_b_f[side];
  pkg.c_p_f = p.c_p_f[side];
  pkg.line = p.package_line;
  const auto& lengths = p.z_p_m[static_cast<std::size_t>(role)][static_cast<std::size_t>(case_number - 1)];
  if (lengths.size() != p.package_z_c_ohm.size())
    throw std::invalid_argument("COM package: " + std::to_string(lengths.size()) + " z_p segments but " +
                                std::to_string(p.package_z_c_ohm.size()) + " package_Z_c rows");
  for (std::size_t i = 0; i < lengths.size(); ++i)
    pkg.segments.push_back({p.package_z_c_ohm[i][static_cast<std::size_t>(side)], lengths[i]});
  return pkg;
}

}  // namespace phylane::solvers
