#include "workflows/waveguide.hpp"

#include <algorithm>

namespace phylane::workflows {

namespace {

phy::ModeSolverOptions quarter_window(const WaveguideRequest& r) {
  phy::ModeSolverOptions o;
  // 1.5 wavelengths of cladding beyond the core: the field of a weakly guiding strip (SiN 800 x
  // 300 nm: decay 3.4/um) has fallen by e^-7 there, a Si wire's by e^-12; cells grow to 8x the
  // core's (measured effect on the Si strip's n_eff: +0.1 %, docs/optical_physics.md).
  const double margin = 1.5 * r.wavelength_m;
  o.x_max_m = 0.5 * r.width_m + margin;
  o.y_max_m = 0.5 * r.height_m + margin;
  o.dx_m = o.dy_m = r.mesh_m;
  o.x_min = o.y_min = phy::Boundary::mirror;
  o.fine_x_max_m = 0.5 * r.width_m;  // core faces on mesh lines (needed by the scattering)
  o.fine_y_max_m = 0.5 * r.height_m;
  o.growth = 1.15;
  o.max_cell_factor = 8;
  return o;
}

}  // namespace

WaveguideResult analyze_waveguide(const WaveguideRequest& r) {
  const phy::CrossSection cs{phy::Medium::of(r.cladding),
                             {phy::Shape::rectangle(-0.5 * r.width_m, 0.5 * r.width_m, -0.5 * r.height_m,
                                                    0.5 * r.height_m, phy::Medium::of(r.core))}};
  const double n_core = phy::refractive_index(r.core, r.wavelength_m);
  const double n_clad = phy::refractive_index(r.cladding, r.wavelength_m);
  WaveguideResult out;
  const std::size_t total = (r.quasi_tm ? 2 : 1) + r.bend_radii_m.size();
  std::size_t done = 0;
  auto finished_one = [&] {
    if (r.hooks.progress) r.hooks.progress(++done, total);
  };
  for (auto pol : {phy::Polarization::quasi_te, phy::Polarization::quasi_tm}) {
    if (pol == phy::Polarization::quasi_tm && !r.quasi_tm) continue;
    r.hooks.throw_if_stopped();
    auto o = quarter_window(r);
    o.polarization = pol;
    WaveguideMode m;
    m.polarization = pol;
    m.mode = phy::solve_mode(cs, r.wavelength_m, o);
    if (r.group_index) m.n_g = phy::group_index(cs, r.wavelength_m, o, m.mode);
    m.effective_area_m2 = phy::effective_area_m2(m.mode);
    m.mode_field_diameter_m = phy::mode_field_diameter_m(m.mode);
    m.confinement = phy::confinement_factor(m.mode, cs.shapes[0]);
    m.scattering = phy::surface_scattering(m.mode, cs.shapes[0], n_core, n_clad, r.sidewall, r.top);
    out.modes.push_back(std::move(m));
    finished_one();
  }
  for (double radius : r.bend_radii_m) {
    r.hooks.throw_if_stopped();
    auto o = quarter_window(r);
    // A bend has no mirror plane across x: the full width, the inner side short of the centre of
    // curvature, a PML on both x edges kept off the core (a quarter of the outer margin, at most
    // half the inner gap).
    const double margin = o.x_max_m - 0.5 * r.width_m;
    o.x_min = phy::Boundary::zero_field;
    o.x_min_m = -std::min(o.x_max_m, 0.5 * r.width_m + 0.75 * (radius - 0.5 * r.width_m));
    o.fine_x_min_m = -0.5 * r.width_m;
    o.pml_thickness_m = std::min(0.25 * margin, 0.5 * (-o.x_min_m - 0.5 * r.width_m));
    out.bends.push_back(phy::bend_loss(cs, r.wavelength_m, o, radius));
    finished_one();
  }
  return out;
}

}  // namespace phylane::workflows
