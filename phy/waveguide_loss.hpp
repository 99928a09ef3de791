#pragma once
/// Loss mechanisms of an integrated waveguide computed from its mode: interface-roughness
/// scattering (Payne-Lacey), absorption weighted by confinement, and bend radiation with the
/// bend-straight transition.
#include <complex>
#include <vector>

#include "phy/mode_solver.hpp"

namespace phylane::phy {

/// Interface roughness with an exponential autocorrelation R(u) = sigma^2 exp(-|u|/L_c).
struct InterfaceRoughness {
  double sigma_m = 0.0;               ///< rms deviation of the interface [m], >= 0
  double correlation_length_m = 0.0;  ///< L_c [m], > 0 when sigma > 0
};

/// Scattering loss of a symmetric slab's TE0 mode with both interfaces rough, Payne and Lacey's
/// closed form for exponential autocorrelation:
///   alpha = sigma^2 / (k0 sqrt(2) d^4 n1) * g(V) * f_e(x, gamma),
///   g = U^2 V^2 / (1 + W),  f_e = x {[(1 + x^2)^2 + 2 x^2 gamma^2]^(1/2) + 1 - x^2}^(1/2)
///                                 / [(1 + x^2)^2 + 2 x^2 gamma^2]^(1/2),
///   x = W L_c / d, gamma = n2 V / (n1 W sqrt(Delta)), Delta = (n1^2 - n2^2) / (2 n1^2),
/// d the half thickness, U, V, W the slab's normalised parameters (U tan U = W).
/// Source: F. P. Payne, J. P. R. Lacey, "A theoretical analysis of scattering loss from planar
/// optical waveguides", Opt. Quantum Electron. 26, 977 (1994) (exponential-autocorrelation result).
/// @return power attenuation [1/m]. Tested by: tests/phy/waveguide_loss_test.cpp (equals the
/// radiation-integral form, both interfaces, to 1e-9).
double payne_lacey_slab_loss_per_m(double n_core, double n_clad, double half_thickness_m, double wavelength_m,
                                   const InterfaceRoughness& r);

/// One rough interface in Payne and Lacey's radiation-integral form (Payne & Lacey 1994; the
/// closed form above is twice this, one term per interface, with the TE slab's phi):
///   alpha = phi^2 (n1^2 - n2^2)^2 k0^3 / (4 pi n1) * integral_0^pi R~(beta - n2 k0 cos theta) dtheta,
/// R~(Omega) = 2 sigma^2 L_c / (1 + L_c^2 Omega^2) the roughness spectrum, phi^2 [1/m] the modal
/// intensity at the interface over the intensity integrated across the guide.
double interface_scattering_per_m(double phi2_per_m, double n_core, double n_clad, double beta_per_m,
                                  double wavelength_m, const InterfaceRoughness& r);

/// InterfaceRoughness scattering of a rectangular core's mode, face by face. Each rough face is a
/// sheet of polarisation eps0 (n1^2 - n2^2) E delta(z) (delta the random displacement) radiating
/// into the homogeneous cladding (the volume-current method: T. Barwicz, H. A. Haus, J. Lightwave
/// Technol. 23, 2719 (2005)); its far field over all directions, with the roughness spectrum at
/// beta - n2 k0 cos(theta), over the mode power (n_eff / 2 eta0) integral |E_t|^2 gives the loss.
/// The field normal to a face is discontinuous there and enters as sqrt|E_in E_out| (the
/// boundary-perturbation weight of S. G. Johnson et al., "Perturbation theory for Maxwell's
/// equations with shifting material boundaries", Phys. Rev. E 65, 066611 (2002), sec. II), each
/// side extrapolated to the face. A face that spans the window (a slab's) uses Payne and Lacey's
/// 2D radiation integral, the 3D result's limit for an infinitely wide face (tested: an 8 um wide
/// face is within 0.4 % of it), times n1 / n_eff. The core's faces must lie on mesh lines
/// (std::invalid_argument otherwise); E_z is not included (small at a quasi-TE wire's sidewalls).
struct SurfaceScattering {
  double sidewalls_per_m = 0.0;  ///< both vertical faces [1/m]
  double top_bottom_per_m = 0.0; ///< both horizontal faces [1/m]
};
SurfaceScattering surface_scattering(const Mode& mode, const Shape& core, double n_core, double n_clad,
                                     const InterfaceRoughness& sidewall, const InterfaceRoughness& top);

/// Radiation and transition loss of a circular bend of a waveguide.
struct BendLoss {
  double radius_m = 0.0;
  std::complex<double> n_eff;           ///< of the bend mode (angular constant / R, at the centre line)
  double radiation_db_per_90deg = 0.0;  ///< 10 log10(e) 2 k0 |Im n_eff| (pi R / 2)
  double transition_db = 0.0;           ///< straight-bend mode mismatch at one junction
  double total_db_per_90deg = 0.0;      ///< radiation + two junctions
};

/// Bend loss from the leaky mode of the bend's cylindrical frame (see solve_mode, with a PML)
/// and the straight-to-bend junction loss -10 log10 |<E_s, E_b>|^2 / (<E_s, E_s> <E_b, E_b>)
/// (the overlap of the two modes' transverse fields; D. Marcuse, Light Transmission Optics,
/// 2nd ed., 1982, sec. 9.5, transition loss of a curved guide). `window` must span the guide in x
/// with zero_field edges and a PML (mirror allowed in y); its bend_radius_m is ignored.
/// Refuses (std::invalid_argument) a radius below the straight mode's half mode-field width.
/// Tested by: tests/phy/waveguide_loss_test.cpp (monotone in R; a Si wire against Vlasov & McNab's
/// measured bend loss) and tests/phy/mode_solver_test.cpp (a bent slab against its exact radial equation).
BendLoss bend_loss(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& window, double radius_m);

/// Propagation loss from absorbing media weighted by the mode's confinement in each:
/// alpha = sum_i Gamma_i alpha_i (first-order perturbation, e.g. K. Okamoto, Fundamentals of
/// Optical Waveguides, 2nd ed., 2006, sec. 1.6; exact for a uniform loss).
double absorption_per_m(const Mode& mode, const std::vector<Shape>& regions, const std::vector<double>& alpha_per_m);

}  // namespace phylane::phy
