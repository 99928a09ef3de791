#pragma once
/// The waveguide question: the modes of a rectangular strip waveguide, their indices, size and
/// confinement, the loss per length by mechanism, and the bend loss over a range of radii
/// (docs/optical_physics.md). Plain values in, plain values out.
#include <vector>

#include "phy/mode_solver.hpp"
#include "phy/optical_materials.hpp"
#include "phy/waveguide_loss.hpp"
#include "workflows/run_hooks.hpp"

namespace phylane::workflows {

struct WaveguideRequest {
  phy::OpticalMaterial core = phy::OpticalMaterial::silicon;
  phy::OpticalMaterial cladding = phy::OpticalMaterial::silica;
  double width_m = 500e-9;
  double height_m = 220e-9;
  double wavelength_m = 1550e-9;
  double mesh_m = 12.5e-9;  ///< cell size over the core (graded outside it)
  phy::InterfaceRoughness sidewall;
  phy::InterfaceRoughness top;
  std::vector<double> bend_radii_m;  ///< quasi-TE bend loss at each radius
  bool quasi_tm = true;     ///< also solve the quasi-TM mode
  bool group_index = true;  ///< n_g (two more solves per mode)
  /// Progress after each mode and each bend radius (done, modes + radii); the stop flag is read
  /// before each (solvers::SearchInterrupted).
  RunHooks hooks;
};

struct WaveguideMode {
  phy::Polarization polarization = phy::Polarization::quasi_te;
  phy::Mode mode;
  double n_g = 0.0;
  double effective_area_m2 = 0.0;
  double mode_field_diameter_m = 0.0;
  double confinement = 0.0;  ///< fraction of |E_t|^2 in the core
  phy::SurfaceScattering scattering;
};

struct WaveguideResult {
  std::vector<WaveguideMode> modes;  ///< quasi-TE, then quasi-TM
  std::vector<phy::BendLoss> bends;  ///< quasi-TE, one per requested radius
};

/// Solves both polarisations on a quarter window (symmetric cladding) with margins of 1.5
/// wavelengths, computes n_g, size, confinement and roughness scattering of each, and the bend
/// loss of the quasi-TE mode at each radius (full-width window with a PML). Throws
/// std::invalid_argument for a radius below the mode's half width (phy::bend_loss).
WaveguideResult analyze_waveguide(const WaveguideRequest& request);

}  // namespace phylane::workflows
