#pragma once
/// Quality checks of S-parameters, returned as reports (values, never prints): passivity,
/// reciprocity, causality, and passivity enforcement. Thresholds and methods: docs/sparams.md
/// "Checks". Tested by: tests/io/network_checks_test.cpp.
#include <cstddef>
#include <vector>

#include "channels/network.hpp"

namespace phylane::channels {

/// Passivity: a network is passive when it never returns more power than it receives, i.e. when
/// the largest singular value of S is <= 1 at every frequency (power waves: delivered power is
/// a^H (I - S^H S) a >= 0 for all a). Source: Pozar, Microwave Engineering 4th ed., sec. 4.3
/// (lossless: S^H S = I); IEEE P370-2020 (passivity of S-parameter data).
struct PassivityReport {
  std::vector<double> sigma_max;  ///< largest singular value of S at each frequency
  double worst = 0.0;             ///< max over frequency of sigma_max
  double worst_freq_hz = 0.0;     ///< where it occurs
  std::size_t worst_index = 0;
  double tolerance = 0.0;         ///< the tolerance used
  std::size_t violations = 0;     ///< frequencies with sigma_max > 1 + tolerance
  bool passive() const { return violations == 0; }
};
/// tolerance >= 0: slack above 1 not counted as a violation. Default 1e-6: well above the rounding
/// of computed networks (~1e-15) and of 16-digit files, well below any physical excess (a VNA's
/// calibration error on a thru is ~1e-3).
PassivityReport check_passivity(const Network& net, double tolerance = 1e-6);

/// Reciprocity: S = S^T for networks of reciprocal media (no ferrites, no active parts).
/// Source: Pozar 4th ed., sec. 4.3.
struct ReciprocityReport {
  double worst_absolute = 0.0;     ///< max |S_ij - S_ji| over all i < j and frequencies
  double worst_relative = 0.0;     ///< max |S_ij - S_ji| / max(|S_ij|, |S_ji|) over the terms
                                   ///< whose larger magnitude is >= floor
  double worst_freq_hz = 0.0;      ///< frequency of worst_relative
  int worst_i = 0, worst_j = 0;    ///< 0-based ports of worst_relative
  double floor = 0.0;              ///< the magnitude floor used
  double tolerance = 0.0;          ///< the tolerance used
  bool reciprocal() const { return worst_relative <= tolerance; }
};
/// floor: terms smaller than this (both directions) are compared only absolutely; default 1e-3
/// (-60 dB, about where measured crosstalk reaches a VNA's noise floor and a relative figure
/// means nothing). tolerance: relative asymmetry accepted; default 1e-6 for computed networks
/// (measured data typically show 1e-3 .. 1e-2; pass a looser value for them).
ReciprocityReport check_reciprocity(const Network& net, double floor = 1e-3, double tolerance = 1e-6);

/// How check_causality transforms a transmission term to the time domain.
struct CausalityOptions {
  int to_port = 1;    ///< the term S[to_port][from_port], 0-based (default S21)
  int from_port = 0;
  /// Uniform grid spacing [Hz], > 0, or 0: the data's smallest spacing, reduced if needed so that
  /// the period 1/df is at least 20 times the term's group delay (room for the response's tail).
  double df_hz = 0.0;
  /// Gaussian window exp(-(f/fw)^2) applied before the inverse transform [Hz], or 0: a third of the
  /// last data frequency (the window is then e^-9 = 1.2e-4 at the band edge, so cutting the data
  /// there rings at that level only).
  double window_hz = 0.0;
  /// Time before the arrival that is not counted as precursor [s], or 0: 1.5 / window_hz, where the
  /// window's own (symmetric, hence acausal) Gaussian spread exp(-(pi fw t)^2) has fallen below
  /// 1e-9 of its peak.
  double guard_s = 0.0;
  /// The arrival is the first time |h(t)| reaches this fraction of its peak, in (0, 1).
  /// Default 0.02: above the time-domain floor of measured data (~1e-3 of the peak), below the
  /// small early paths real channels have (peters_01_0605_B1 S21 shows one of 2.4 % arriving
  /// 0.6 ns before the main path, which a later threshold would count as precursor).
  double arrival_fraction = 0.02;
  /// Energy fraction above which the term is reported acausal (precursor or negative-time
  /// energy), > 0. Default 3e-5. Measured with the defaults (docs/sparams.md has the table):
  /// causal Djordjevic-Sarkar striplines 0.3 .. 1 m < 3e-8; the 13 measured channels of
  /// ../shared/data/touchstone (S21, S43, SDD21) 5e-8 .. 1.2e-5; striplines with a constant loss
  /// tangent 0.02: 0.5 m 1.8e-4, 1 m 2.8e-4, 0.3 m 1.1e-4 seen to 40 GHz but 2.5e-5 (missed) seen
  /// only to 15 GHz, where its acausal spread (~L sqrt(Dk) Df / (2 c) = 20 ps) is below the
  /// time resolution.
  double limit = 3e-5;
};

/// What check_causality found.
struct CausalityReport {
  int to_port = 1, from_port = 0;
  double df_hz = 0.0, window_hz = 0.0, guard_s = 0.0;  ///< the values used
  double group_delay_s = 0.0;     ///< term_delay_s of the term (phase slope, see resample.hpp)
  double arrival_s = 0.0;         ///< first arrival (|h| reaches arrival_fraction of its peak)
  double precursor_energy = 0.0;  ///< energy of h(t) for 0 <= t < arrival - guard, / total
  double negative_time_energy = 0.0;  ///< energy of h(t) for t < -guard, / total
  double limit = 0.0;
  bool causal() const { return precursor_energy <= limit && negative_time_energy <= limit; }
};

/// Causality of one transmission term from its impulse response.
/// Method: the term goes to a uniform grid from DC (to_uniform_grid: DC extrapolated, data
/// interpolated, nothing added beyond the data), is multiplied by the Gaussian window
/// W(f) = exp(-(f/fw)^2), zero-padded to twice the band and transformed by an inverse FFT of the
/// Hermitian spectrum (real h(t), period 1/df, times >= period/2 read as negative). The arrival
/// t_a is where |h| first reaches arrival_fraction of its peak; the precursor is the energy of h
/// between the excitation (t = 0) and t_a - guard, and the energy at t < -guard is reported
/// separately, wherever the arrival is (a causal response has neither; the negative-time figure
/// also collects the numerical floor of DC extrapolation and of the period's wrap-around). Both
/// are fractions of the total energy.
/// A causal response has nothing before its front except the window's own Gaussian spread, which
/// the guard covers; a response violating the Kramers-Kronig relations, e.g. a line whose
/// dielectric has a frequency-independent loss tangent (a Lorentzian pulse centred on the delay,
/// with algebraic tails on both sides), has energy well before its arrival.
/// Why the arrival and not the group delay: in a causal dispersive line the front (carried by the
/// highest frequencies) precedes the group delay, so energy between them is legitimate. Why an
/// amplitude threshold and not the step response's 10 % point: a causal early path (crosstalk,
/// leakage) holding less than 10 % of the step would be counted as precursor. The limits of the
/// method: an acausal spread shorter than the window's time resolution (~1/(pi fw)) is invisible,
/// and an early path above arrival_fraction moves the arrival to it.
/// Sources: IEEE Std 370-2020 (P370), which asks S-parameter data to be checked for causality in
/// the time domain; A. R. Djordjevic et al., IEEE Trans. EMC 43(4), 2001 (a constant loss tangent
/// is not causal; the time-domain precursor is its symptom). Throws std::invalid_argument for bad
/// ports or options, a term that is zero, or fewer than 4 frequencies.
CausalityReport check_causality(const Network& net, const CausalityOptions& options = {});

/// What enforce_passivity changed.
struct PassivityEnforcement {
  Network network;                     ///< the corrected network
  std::size_t frequencies_changed = 0;  ///< frequencies where some singular value was > 1
  double largest_sigma_before = 0.0;    ///< max over frequency of sigma_max before
  double largest_change = 0.0;          ///< max over frequency of ||S' - S||_2 (= sigma_max - 1 there)
  double largest_relative_change = 0.0; ///< max over frequency of ||S' - S||_F / ||S||_F
};

/// Passivity enforcement by singular-value clipping: at each frequency S = U Sigma V^H, every
/// singular value above 1 is set to 1, S' = U Sigma' V^H. This is the closest passive matrix in
/// the 2-norm at that frequency (Eckart-Young-Mirsky); it keeps S symmetric when S is (for a
/// symmetric S, U and conj(V) differ only by phases that commute with Sigma). It does not make
/// the data causal, and a large change means the data are wrong rather than slightly noisy: read
/// largest_change. Source: C. Eckart, G. Young, "The approximation of one matrix by another of
/// lower rank", Psychometrika 1(3), 1936, with L. Mirsky, Q. J. Math. 11, 1960 (the nearest
/// matrix with bounded singular values in unitarily invariant norms).
PassivityEnforcement enforce_passivity(const Network& net);

}  // namespace phylane::channels
