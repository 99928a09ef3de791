#pragma once
/// Parametric crosstalk paths for when no measured FEXT/NEXT S-parameters are at hand: the
/// weak-coupling forms of coupled transmission-line theory, each with one coupling level. They
/// feed CrosstalkAggressor (solvers/eye_analysis.hpp); measured paths come from Touchstone files
/// instead (io/crosstalk_reader.cpp). docs/crosstalk.md.
///
/// Sources: C. R. Paul, "Analysis of Multiconductor Transmission Lines", 2nd ed., Wiley 2008, the
/// chapter on crosstalk in three-conductor lines, its weak-coupling (inductive-capacitive coupling)
/// approximation for electrically matched lines; E. Bogatin, "Signal and Power Integrity -
/// Simplified", 2nd ed., Prentice Hall 2010, ch. 10 (saturated NEXT K_b, FEXT proportional to the
/// coupled length over the rise time); D. M. Pozar, "Microwave Engineering", 4th ed.,
/// Wiley 2012, sec. 7.6 (the coupled-line coupler, whose exact coupling for TEM lines the tests
/// compare with).
#include <complex>
#include <span>
#include <vector>

#include "solvers/pulse_response.hpp"

namespace phylane::solvers {

/// Far-end crosstalk relative to the victim's own transfer function (use with
/// CrosstalkAggressor::times_victim = true): for weakly coupled, matched lines the far-end voltage
/// is the derivative of the through signal scaled by the coupling,
///   H_FEXT(f) = -j (f / f_ref) k_f H_thru(f),
/// i.e. |H_FEXT / H_thru| rises 20 dB/decade and equals k_f at f_ref (Paul, weak coupling:
/// V_FE = (l/2)(C_m Z_0 - L_m / Z_0) dV_thru/dt; in modal terms, (1/2)(e^{-j beta_e l} -
/// e^{-j beta_o l}) to first order in beta_e - beta_o, negative when the even mode is the slower,
/// as in microstrip). level_ratio = k_f (> 0, amplitude), f_ref_hz > 0. Returns the factor
/// -j (f / f_ref) k_f.
TransferFunction fext_relative(double level_ratio, double f_ref_hz);

/// Near-end crosstalk of a coupled section with one-way delay tau, weakly coupled and matched:
///   H_NEXT(f) = K_b (1 - e^{-j 4 pi f tau}),
/// which saturates at K_b for edges shorter than the round trip 2 tau and vanishes at DC (Paul,
/// weak coupling: V_NE = K_b [V(t) - V(t - 2 tau)], K_b = (1/4)(C_m / C + L_m / L); Pozar 7.6: the
/// coupled-line coupler C = j k sin(theta) / (sqrt(1-k^2) cos(theta) + j sin(theta)) ->
/// (k/2)(1 - e^{-j 2 theta}) for small k, theta = 2 pi f tau, so K_b = k / 2).
/// level_ratio = K_b (> 0), delay_s = tau > 0. The lines' loss over the section is neglected; a
/// path to and from the section is multiplied in by the caller.
TransferFunction next_section(double level_ratio, double delay_s);

/// The product of transfer functions, evaluated at the same frequencies.
TransferFunction product(std::vector<TransferFunction> factors);

/// h(f)^2, h evaluated once per frequency (a NEXT path's route, taken there and back).
TransferFunction squared(TransferFunction h);

}  // namespace phylane::solvers
