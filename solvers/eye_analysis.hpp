#pragma once
/// The whole eye analysis of a link: channel response -> pulse response with Tx/Rx filters ->
/// equalizer search (CTLE x Tx FFE, DFE at its clipped optimum) -> statistical eye at the chosen
/// settings. Works for copper (noise PSD at the receiver input, shaped by the Rx filter and CTLE)
/// and optical links (level-dependent noise at the decision point) alike.
#include <optional>
#include <string>
#include <vector>

#include "channels/optical_link.hpp"
#include "solvers/equalizer.hpp"
#include "solvers/filters.hpp"
#include "solvers/pulse_response.hpp"
#include "solvers/statistical_eye.hpp"

namespace phylane::solvers {

/// Everything that sets the eye besides the channel. Units SI; defaults documented per field.
struct EyeLinkSpec {
  double symbol_rate_baud = 0.0;     ///< > 0
  int levels = 2;                    ///< PAM-M, >= 2
  double tx_amplitude_v = 0.5;       ///< A: peak symbol value at the transmitter (half the p-p swing) [V]
  int samples_per_ui = 32;
  int record_ui = 64;                ///< pulse-response record kept [UI]
  int precursor_ui = 8;
  TxEdgeFilter tx_edge;              ///< rise-time filter
  RxFilter rx_filter;                ///< receiver front end (none for optical: PD x TIA are in H)
  std::vector<Ctle> ctle;            ///< candidates; empty = no CTLE
  std::vector<TapRange> ffe_pre;     ///< Tx FFE search ranges; empty = none
  std::vector<TapRange> ffe_post;
  double ffe_main_min = 0.0;
  int dfe_taps = 0;
  DfeLimits dfe_limits;              ///< relative and absolute tap limits (empty: unconstrained)
  double noise_psd_v2_per_hz = 0.0;  ///< one-sided, at the receiver input (copper)
  double noise_rms_v = 0.0;          ///< fixed rms noise at the decision point; > 0 overrides the PSD
  std::vector<double> sigma_per_level_v;  ///< optical: noise at the decision point per level, lowest first
  TxJitter jitter;
  /// Transmitter SNR (COM SNR_TX) [dB]; >= 1e8 = off. Its noise h(0)^2 10^{-SNR_TX/10} (93A-30)
  /// enters both the fast SNR and the statistical eye's Gaussian.
  double tx_snr_db = 1e9;
  double target_ber = 1e-12;
  /// The best candidates by the fast SNR that are re-ranked by the statistical eye's margin.
  int refine_candidates = 6;
};

struct EyeAnalysis {
  PulseResult unequalized;           ///< channel + Tx edge + Rx filter, no CTLE/FFE
  EqualizerResult equalizer;         ///< search result: chosen CTLE, FFE, DFE, candidates
  StatEyeResult eye;                 ///< at the chosen settings
  /// rms noise at the sampler used (max over levels for optics): the receiver's, and the
  /// transmitter's h(0) 10^{-SNR_TX/20} (93A-30) when tx_snr_db is set, added in power
  double noise_sigma_v = 0.0;
  double channel_dc_gain = 0.0;
};

/// Runs the analysis. Throws std::invalid_argument for bad specifications; a closed eye is a
/// result (eye.status), not an error. Tested by: tests/solvers/eye_analysis_test.cpp
EyeAnalysis analyze_eye(const TransferFunction& channel, const EyeLinkSpec& spec);

/// The eye of a user-supplied pulse response (already at the decision point, e.g. exported by
/// another tool): Tx FFE searched in time over the spec's ranges, DFE and statistical eye as for
/// any channel; no Rx filter or CTLE (they need a frequency response: give an impulse response
/// instead). noise_sigma_v is the rms noise at the decision point.
EyeAnalysis analyze_eye_pulse(const PulseResponse& pulse, const EyeLinkSpec& spec, double noise_sigma_v);

/// H(f) of a sampled impulse response h[n] (n >= 0, step dt_s): H(f) = dt sum_n h[n] e^{-j 2 pi f n dt}
/// (the discrete-time Fourier transform scaled to continuous time; exact for a response band-limited
/// below 1/(2 dt)). Evaluated directly, O(N) per frequency.
TransferFunction impulse_transfer_function(std::vector<double> h, double dt_s);

/// The electrical-equivalent response of an optical link as a TransferFunction (1 at DC).
TransferFunction optical_transfer_function(const channels::OpticalLink& link);

/// Fills an EyeLinkSpec's amplitude and level-dependent noise for an optical link at M levels:
/// A = Z_T R OMA / 2 (peak symbol value around the mean), sigma_k = Z_T sigma_i(P_k).
void set_optical_levels(const channels::OpticalLink& link, EyeLinkSpec& spec);

}  // namespace phylane::solvers
