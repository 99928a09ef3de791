#pragma once
/// Guided modes of a dielectric waveguide cross-section by finite differences: the full-vector
/// transverse-E eigenproblem on a uniform Yee mesh, optionally for a bent waveguide in its
/// cylindrical frame with perfectly matched layers, solved by shift-invert inverse iteration with
/// Eigen's sparse LU.
#include <complex>
#include <optional>
#include <string_view>
#include <vector>

#include "phy/optical_materials.hpp"

namespace phylane::phy {

/// A medium: a material whose index follows its dispersion formula, or a fixed index.
struct Medium {
  std::optional<OpticalMaterial> material;
  double index = 1.0;  ///< used when material is empty
  double index_at(double wavelength_m) const {
    return material ? refractive_index(*material, wavelength_m) : index;
  }
  static Medium of(OpticalMaterial m) { return Medium{m, 0.0}; }
  static Medium fixed(double n) { return Medium{std::nullopt, n}; }
};

/// A region of the cross-section: an axis-aligned rectangle or a disk [m]. Later shapes are drawn
/// over earlier ones.
struct Shape {
  enum class Kind { rectangle, disk };
  Kind kind = Kind::rectangle;
  double x_min_m = 0, x_max_m = 0, y_min_m = 0, y_max_m = 0;  ///< rectangle
  double centre_x_m = 0, centre_y_m = 0, radius_m = 0;        ///< disk
  Medium medium;
  static Shape rectangle(double x0, double x1, double y0, double y1, Medium m) {
    return Shape{Kind::rectangle, x0, x1, y0, y1, 0, 0, 0, m};
  }
  static Shape disk(double cx, double cy, double r, Medium m) { return Shape{Kind::disk, 0, 0, 0, 0, cx, cy, r, m}; }
  bool contains(double x, double y) const;
};

/// A waveguide cross-section: shapes over a background (cladding) medium.
struct CrossSection {
  Medium background;
  std::vector<Shape> shapes;
};

/// The dominant transverse field component of the wanted mode. It sets the symmetry of a mirror
/// edge (E_x even about x = const is an electric wall there, E_y even a magnetic wall) and the
/// component reported as Mode::field.
enum class Polarization { quasi_te, quasi_tm };  ///< E_x dominant / E_y dominant
std::string_view to_string(Polarization p);

/// Boundary condition on one edge of the computational window.
///  zero_field: the tangential field vanishes at the edge, for windows large enough that the
///              guided field has decayed there;
///  mirror:     (x_min or y_min only) the dominant field is even about the edge, a symmetry plane
///              of the guide and of the mode, so a symmetric guide needs half or a quarter window;
///  antimirror: (x_min or y_min only) the dominant field is odd about the edge (the other wall of
///              the pair: magnetic where mirror is electric and vice versa), for the modes of a
///              symmetric guide that are antisymmetric about that plane (a coupler's odd supermode).
///              It selects a symmetry class, not a polarisation: the class also holds the other
///              polarisation's even modes (a slab's quasi-TE antimirror finds TM0, not TE1);
///  periodic:   (both edges of an axis) the window repeats; one cell across a periodic axis
///              makes the guide uniform along it (a slab).
enum class Boundary { zero_field, mirror, antimirror, periodic };

/// Mesh, window, boundaries and what to solve for. Lengths in metres.
struct ModeSolverOptions {
  double x_min_m = 0, x_max_m = 0, y_min_m = 0, y_max_m = 0;  ///< computational window
  double dx_m = 0, dy_m = 0;  ///< cell size [m], > 0 (inside the fine region if one is given)
  /// Fine region: cells are dx x dy inside it and grow by `growth` per cell outside it, up to
  /// max_cell_factor times the fine size (a graded mesh: the evanescent tail needs far fewer cells
  /// than the core). Empty (max <= min) or growth <= 1: uniform mesh.
  double fine_x_min_m = 0, fine_x_max_m = 0, fine_y_min_m = 0, fine_y_max_m = 0;
  double growth = 1.0;
  double max_cell_factor = 4.0;
  Boundary x_min = Boundary::zero_field, x_max = Boundary::zero_field;
  Boundary y_min = Boundary::zero_field, y_max = Boundary::zero_field;
  Polarization polarization = Polarization::quasi_te;
  /// Bend radius of the guide's centre line x = 0, bending in the x direction (centre of curvature
  /// at x = -R); 0 for a straight guide. A bend needs pml_thickness_m > 0 on both x edges.
  double bend_radius_m = 0.0;
  /// Thickness of the perfectly matched layer inside each x edge [m] (0: none).
  double pml_thickness_m = 0.0;
  /// Sub-cell samples per axis used to average n^2 over each cell (>= 1).
  int subpixel = 8;
  /// Guess of the mode's effective index; 0 means the largest index in the window (the
  /// fundamental mode: the eigenvalue nearest the shift is the largest).
  double n_eff_guess = 0.0;
  double tolerance = 1e-10;  ///< Arnoldi residual relative to the Ritz value at convergence
  int max_iterations = 20;   ///< Arnoldi restarts (each 20 solves)
};

/// A solved mode. field(i, j) is the dominant transverse E component at the centre of cell (i, j),
/// minor(i, j) the other one, both normalised so the dominant one peaks at modulus 1; cells
/// indexed i along x (fastest), j along y. ex/ey hold the components at their own Yee positions:
/// E_x at (centre of cell i, node y_j), E_y at (node x_i, centre of cell j) (index j * nx + i).
struct Mode {
  std::complex<double> n_eff;  ///< Im < 0 for a leaky (bent) mode: loss = 2 k0 |Im n_eff|
  /// Re n_eff above the cladding (background) index. False: the eigenvector is a radiation or
  /// window mode (the guide is cut off, or the window too small) and the figures are not a mode's.
  bool guided = false;
  double wavelength_m = 0;
  int nx = 0, ny = 0;
  std::vector<double> x_nodes, y_nodes;  ///< cell edges [m] (nx + 1 and ny + 1 of them)
  int mirrors_x = 0, mirrors_y = 0;      ///< mirror or antimirror edges (0 or 1) per axis
  bool antisymmetric = false;            ///< an antimirror edge: the dominant field is odd about it
  std::vector<std::complex<double>> field, minor, ex, ey;
  std::vector<std::complex<double>> solution;  ///< the eigenvector as solved (a start for nearby solves)
  std::vector<double> eps;  ///< cell-averaged n^2 (without the bend transformation)
  int iterations = 0;  ///< linear solves used by the eigen iteration
  std::complex<double> at(int i, int j) const { return field[static_cast<std::size_t>(j * nx + i)]; }
  double x(int i) const { return 0.5 * (x_nodes[static_cast<std::size_t>(i)] + x_nodes[static_cast<std::size_t>(i) + 1]); }
  double y(int j) const { return 0.5 * (y_nodes[static_cast<std::size_t>(j)] + y_nodes[static_cast<std::size_t>(j) + 1]); }
  double cell_area(int i, int j) const {
    return (x_nodes[static_cast<std::size_t>(i) + 1] - x_nodes[static_cast<std::size_t>(i)]) *
           (y_nodes[static_cast<std::size_t>(j) + 1] - y_nodes[static_cast<std::size_t>(j)]);
  }
  /// Power attenuation of a leaky mode [1/m]: alpha = 2 k0 |Im n_eff|.
  double leakage_per_m() const;
};

/// Solves the fundamental (or the mode nearest n_eff_guess) of the full-vector eigenproblem for
/// the transverse electric field on a Yee mesh (Z. Zhu, T. G. Brown, "Full-vectorial
/// finite-difference analysis of microstructured optical fibers", Opt. Express 10(17), 853
/// (2002)): with forward differences U on E, backward V on H, H_z = j(U_x E_y - U_y E_x)/k0 and
/// E_z from the z component of Ampere's law eliminated,
///   beta^2 E_x = k0 A + U_x C,  beta^2 E_y = -k0 B + U_y C,
///   A = k0 eps_x E_x - V_y (U_x E_y - U_y E_x)/k0,  B = -k0 eps_y E_y - V_x (U_x E_y - U_y E_x)/k0,
///   C = eps_z^-1 (V_x A - V_y B)/k0.
/// Each eps component is averaged over a cell around its Yee point, harmonically across and
/// arithmetically along the interfaces it is normal to (exact for layered media; keeps second-order
/// convergence at axis-aligned interfaces). A bend of radius R is solved in its cylindrical frame
/// (x = r - R, y, s = R theta), which Maxwell's equations see as a straight guide of anisotropic
/// eps' = eps (h, h, 1/h) and mu' = (h, h, 1/h) along (x, y, z), h = r/R = 1 + x/R (the metric of
/// orthogonal coordinates, e.g. A. J. Ward, J. B. Pendry, "Refraction and geometry in Maxwell's
/// equations", J. Mod. Opt. 43, 773 (1996)); with mu the equations above become
/// beta^2 E_x = k0 mu_y A + U_x C, beta^2 E_y = -k0 mu_x B + U_y C and the curl in A, B divided by
/// mu_z. It is exact, where the linearised conformal map n^2 (1 + x/R)^2 (M. Heiblum, J. H. Harris,
/// IEEE J. Quantum Electron. 11, 75 (1975)) underestimates the radiation of micron bends many
/// times (tests: a bent slab against its exact radial equation). beta = nu/R, nu the angular
/// propagation constant: n_eff refers to the radius of x = 0. The radiation is absorbed
/// by a PML, d/dx -> (1/s) d/dx with s = 1 - j 5 (d/L)^2 (complex coordinate stretching: W. C. Chew,
/// W. H. Weedon, Microw. Opt. Technol. Lett. 7(13), 599 (1994)). The eigenvalue nearest the shift
/// (k0 n_guess)^2 is found by shift-invert Arnoldi on (A - shift I)^-1 with one sparse LU.
/// Throws std::invalid_argument for an empty window, a non-positive cell, a bend without PML, a
/// mesh too coarse to resolve the shapes (a shape narrower than two cells) or an inverted index
/// contrast (no shape above the cladding index). A cut-off guide is a result: Mode::guided false.
/// Tested by: tests/phy/mode_solver_test.cpp (slab TE/TM dispersion roots, fibre LP01 Bessel root,
/// 500 x 220 nm Si strip against published n_eff and n_g).
Mode solve_mode(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt);

/// The mode of (cs, wavelength_m, opt) that continues `like`, a mode solved on the same mesh
/// (another wavelength, a bend of the same guide): shift at like's n_eff, Arnoldi started from its
/// eigenvector and the Ritz pair most parallel to it kept (mode tracking; a bend's radiation and
/// PML modes crowd the shift).
Mode solve_mode_like(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt, const Mode& like);

/// Group index n_g = n_eff - lambda dn_eff/dlambda from two more solves at lambda +- step with the
/// materials' dispersion included (central difference, error O(step^2); 10 nm changes n_g of a Si
/// strip by < 1e-4).
double group_index(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt, const Mode& mode,
                   double step_m = 10e-9);

/// Effective mode area A_eff = (integral |E_t|^2)^2 / integral |E_t|^4 over the whole (mirrored)
/// cross-section [m^2] (G. P. Agrawal, Nonlinear Fiber Optics, 5th ed., eq. 2.3.29).
double effective_area_m2(const Mode& mode);
/// Mode-field diameter of the Gaussian with the same effective area: A_eff = pi w^2, MFD = 2 w.
double mode_field_diameter_m(const Mode& mode);
/// Fraction of integral |E_t|^2 inside a shape (the confinement factor of that region).
double confinement_factor(const Mode& mode, const Shape& region);

}  // namespace phylane::phy
