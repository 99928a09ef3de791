#pragma once
/// The power coupling of a ring's bus coupler from its gap: supermodes of the two-guide
/// cross-section give the coupling per length at each gap, integrated along the bent gap.
#include <vector>

#include "phy/mode_solver.hpp"

namespace phylane::phy {

/// A rectangular strip waveguide: core of width x height in a uniform cladding; `mesh_m` is the
/// cell size over the cores and the gap (graded outside).
struct StripGuide {
  Medium core;
  Medium cladding;
  double width_m = 0.0;
  double height_m = 0.0;
  double mesh_m = 12.5e-9;
};

/// Coupling per length of two identical parallel strips at an edge-to-edge gap from their even
/// and odd quasi-TE supermodes (each the fundamental mode of a quarter window whose x = 0 edge,
/// the pair's symmetry plane, is a mirror or an antimirror): kappa = pi (n_even - n_odd) / lambda (coupled-mode theory of
/// identical guides, power exchanged as sin^2(kappa L); A. Yariv, IEEE J. Quantum Electron. 9,
/// 919 (1973); W. Bogaerts et al., "Silicon microring resonators", Laser Photonics Rev. 6, 47
/// (2012), sec. 3).
struct SupermodeCoupling {
  double gap_m = 0.0;
  double n_even = 0.0, n_odd = 0.0;
  double kappa_per_m = 0.0;
};
/// Throws std::invalid_argument for a gap narrower than two mesh cells or not positive, and
/// std::runtime_error if the odd supermode is not found (a gap so wide the splitting is below
/// the solver's resolution).
SupermodeCoupling supermode_coupling(const StripGuide& g, double gap_m, double wavelength_m);

/// A ring's bus coupler (point-coupling approximation): a straight bus tangent to a ring of
/// radius R (centre line) at minimum gap g0 sees the gap g(z) = g0 + z^2 / (2R) (the circle's
/// sagitta, R - sqrt(R^2 - z^2), to second order); the coupled amplitude phase is
/// Theta = integral kappa(g(z)) dz and the power coupling kappa^2 = sin^2 Theta, the self-coupling
/// r = cos Theta (lossless: r^2 + kappa^2 = 1). kappa(g) is solved at three gaps g0, g0 + dg,
/// g0 + 2 dg (dg = 2.3 / the guide's cladding decay constant, a fall of kappa by about e^-4.6 over
/// the span) and ln kappa interpolated by the parabola through them; beyond, its end tangent (or
/// the last interval's chord if that tangent does not fall).
/// Bogaerts et al. 2012, sec. 3.2 (coupling of a ring to a bus, integrated along the gap).
struct RingBusCoupling {
  std::vector<SupermodeCoupling> samples;  ///< kappa at the solved gaps (three)
  double decay_per_m = 0.0;  ///< gamma of kappa ~ exp(-gamma g) between the first and last sample
  double phase_rad = 0.0;    ///< Theta
  double power_coupling = 0.0;  ///< sin^2 Theta
  /// kappa [1/m] at a gap >= g0 from the samples (the interpolation the integral uses).
  double kappa_per_m_at(double gap_m) const;
};
/// Throws std::invalid_argument for a radius not larger than the core width or a bad gap (see
/// supermode_coupling). Tested by tests/phy/ring_coupling_test.cpp: the closed form of a pure
/// exponential, nine solved gaps (interpolation error), and 3D FDTD of 500 x 220 nm Si half-rings
/// from the SiEPIC EBeam PDK (within 12 %). About 0.6 s CPU at 12.5 nm cells.
RingBusCoupling ring_bus_coupling(const StripGuide& g, double gap_m, double radius_m, double wavelength_m);

}  // namespace phylane::phy
