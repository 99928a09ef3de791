#pragma once
/// Photoreceiver noise: photodiode shot and dark-current noise, TIA thermal noise, laser RIN,
/// all as functions of the received optical level (a "1" is noisier than a "0").
/// Currents in A, powers in W, noise densities one-sided.
#include <vector>

#include "phy/gaussian.hpp"

namespace phylane::phy {

/// Receiver front end referred to the photodiode output (the TIA input).
struct Photoreceiver {
  double responsivity_a_per_w = 0.0;  ///< > 0
  double dark_current_a = 0.0;        ///< >= 0
  /// Input-referred current noise density of the TIA [A/sqrt(Hz)], >= 0. When it is 0 and
  /// feedback_resistance_ohm > 0 it is computed as sqrt(4 k T F / Rf) (thermal noise of the
  /// feedback resistor times the amplifier noise figure F).
  double tia_noise_a_per_rthz = 0.0;
  double feedback_resistance_ohm = 0.0;
  double noise_figure_db = 0.0;       ///< amplifier noise figure (only with the feedback form)
  double temperature_k = 300.0;
  double rin_db_per_hz = -1e9;        ///< laser relative intensity noise, e.g. -145 dB/Hz (-1e9: none)
  /// Noise bandwidth of the receiver [Hz]: Int |H_rx(f)|^2 df / |H_rx(0)|^2, e.g. pi/2 f3dB for a
  /// single pole, ~1.03 f3dB for a 4th-order Bessel-Thomson (computed by the caller).
  double noise_bandwidth_hz = 0.0;

  /// Input-referred thermal current noise density actually used [A/sqrt(Hz)].
  double thermal_density_a_per_rthz() const;
  /// Total noise current rms [A] when the received power is p_w:
  ///   sigma^2 = i_th^2 B + 2 q (R P + I_d) B + RIN (R P)^2 B.
  /// Sources: thermal and shot noise, G. P. Agrawal, Fiber-Optic Communication Systems, 4th ed.,
  /// 2010, ch. 4 (eqs. 4.4.4-4.4.9: sigma_s^2 = 2 q (I_p + I_d) B, sigma_T^2 = (4 k T / R_L) F_n B);
  /// RIN: ch. 4 / 5 (sigma_I^2 = RIN I_p^2 B for a one-sided RIN spectrum flat over B).
  /// Tested by: tests/phy/photoreceiver_test.cpp.
  double noise_rms_a(double p_w) const;
  /// Each term separately [A rms], for breakdowns.
  double thermal_rms_a() const;
  double shot_rms_a(double p_w) const;
  double rin_rms_a(double p_w) const;
  /// Throws std::invalid_argument naming the bad field.
  void validate() const;
};

/// The Gaussian Q function and its inverse are in phy/gaussian.hpp.

/// Bit-error ratio of on-off keying with a decision threshold placed optimally between two
/// Gaussian levels I1 > I0 with noise sigma1, sigma0: BER = 0.5 erfc(Q / sqrt 2),
/// Q = (I1 - I0) / (sigma1 + sigma0). Source: S. D. Personick, "Receiver design for digital fiber
/// optic communication systems", Bell Syst. Tech. J. 52(6), 1973; Agrawal 2010, ch. 4 (eqs.
/// 4.5.9-4.5.10). Tested by: tests/phy/photoreceiver_test.cpp.
double ook_ber(double i1_a, double i0_a, double sigma1_a, double sigma0_a);

/// Received average optical power [W] at which OOK with extinction ratio r (linear, > 1) reaches
/// the target BER, with shot and RIN noise depending on the level: solves
/// R (P1 - P0) = Q (sigma(P1) + sigma(P0)) for P_avg = (P1 + P0)/2, P1 = 2 P r/(r + 1),
/// P0 = 2 P/(r + 1), Q = Q^-1(BER), by bracketing and bisection to 1e-12 relative.
/// Throws std::invalid_argument if the target cannot be reached (RIN floor).
double ook_sensitivity_w(const Photoreceiver& rx, double extinction_ratio, double target_ber);

}  // namespace phylane::phy
