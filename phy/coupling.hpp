#pragma once
/// Coupling between two modes: Gaussian-beam closed forms for misalignment and mode-size
/// mismatch, and the numerical overlap of solved modes.
#include "phy/mode_solver.hpp"

namespace phylane::phy {

/// Misalignment of the receiving mode relative to the launching one (both Gaussian, circular,
/// waists at their faces).
struct Misalignment {
  double lateral_m = 0.0;  ///< offset of the axes [m]
  double tilt_rad = 0.0;   ///< angle between the axes [rad], in the plane of the offset
  double gap_m = 0.0;      ///< axial separation of the two waists [m]
  double gap_index = 1.0;  ///< refractive index of the gap (1: air, about 1.45: index gel)
};

/// Power coupling efficiency of two circular Gaussian modes of 1/e^2 intensity radii w1 (launch)
/// and w2 (receive): the overlap |<E1, E2>|^2 / (<E1, E1> <E2, E2>) evaluated in closed form. The
/// launched beam propagates across the gap (complex beam parameter q = gap + j z_R,
/// z_R = pi n w1^2 / lambda), the tilt is a linear phase k n theta x, the offset a shift; the
/// Gaussian integral factorises in x and y. Special cases (each tested):
///   size mismatch: (2 w1 w2 / (w1^2 + w2^2))^2;  offset: exp(-2 d^2 / (w1^2 + w2^2)) times that;
///   tilt, w1 = w2 = w: exp(-(pi n w theta / lambda)^2);  gap, w1 = w2 = w:
///   1 / (1 + (lambda D / (2 pi n w^2))^2).
/// Sources: W. B. Joyce, B. C. DeLoach, "Alignment of Gaussian beams", Appl. Opt. 23(23), 4187
/// (1984); D. Marcuse, "Loss analysis of single-mode fiber splices", Bell Syst. Tech. J. 56(5),
/// 703 (1977) (offset, tilt and gap losses of Gaussian-approximated fibre modes).
/// Tested by: tests/phy/coupling_test.cpp (a numerical 2D overlap written in the test, within
/// 0.01 dB; the G.652 1 um offset case; the overlap of solved fibre modes).
double gaussian_coupling_efficiency(double w1_m, double w2_m, double wavelength_m, const Misalignment& m = {});

/// Overlap efficiency of two solved modes, |integral E_a . E_b*|^2 / (integral |E_a|^2 integral
/// |E_b|^2) over the transverse E (dominant and minor components), with mode b shifted by
/// (offset_x_m, offset_y_m). Mode a's window is unfolded across its mirror edges; mode b is
/// interpolated bilinearly at the shifted cell centres (and unfolded likewise). Throws
/// std::invalid_argument for a mode solved with an antimirror edge (Mode::antisymmetric).
double mode_overlap_efficiency(const Mode& a, const Mode& b, double offset_x_m = 0.0, double offset_y_m = 0.0);

}  // namespace phylane::phy
