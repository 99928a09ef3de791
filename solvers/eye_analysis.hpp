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

/// One crosstalk aggressor (IEEE 802.3-2022 Annex 93A.1.6-93A.1.7: the FEXT and NEXT paths of
/// COM): the transfer function from the aggressor's transmitter to the victim's receiver input
/// (differential, same reference as the victim channel) and the aggressor's drive. Its pulse
/// goes through the same Tx edge filter, Tx FFE, Rx filter and CTLE as the victim's (93A.1.6);
/// its symbols are independent of the victim's and equiprobable on the same M levels.
struct CrosstalkAggressor {
  std::string name;               ///< for reports
  TransferFunction path;          ///< aggressor Tx -> victim Rx input
  /// true: the aggressor's transfer function is path(f) x H(f), H the victim channel given to
  /// analyze_eye (a coupling relative to the victim, e.g. weak-coupling FEXT, which follows the
  /// victim's delay removal and length changes); false: path(f) alone.
  bool times_victim = false;
  double tx_amplitude_v = 0.0;    ///< peak symbol value of the aggressor's transmitter [V] (COM A_fe, A_ne), > 0
  /// true: the aggressor's transmitter uses the victim's Tx FFE (FEXT: far-end transmitters set
  /// like the victim's, as COM does); false: no Tx FFE (NEXT: COM's near-end aggressor).
  bool victim_tx_ffe = true;
};

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
  /// Crosstalk aggressors (copper); empty = none. Not allowed with optical levels.
  std::vector<CrosstalkAggressor> crosstalk;
  /// Transmitter SNR (COM SNR_TX) [dB]; >= 1e8 = off. Its noise h(0)^2 10^{-SNR_TX/10} (93A-30)
  /// enters both the fast SNR and the statistical eye's Gaussian.
  double tx_snr_db = 1e9;
  double target_ber = 1e-12;
  /// The best candidates by the fast SNR that are re-ranked by the statistical eye's margin.
  int refine_candidates = 6;
};

/// What one aggressor contributes at the chosen equalizer settings (its pulse through the
/// victim's CTLE and Tx FFE, sampled at its own best phase, 93A-33).
struct CrosstalkContribution {
  std::string name;           ///< CrosstalkAggressor::name
  /// The aggressor's sampling phase relative to the peak of its own equalised pulse, in
  /// [-1/2, 1/2) UI (0: sampled at its peak). COM takes no timing relation to the victim.
  double phase_ui = 0.0;
  double sigma_v = 0.0;       ///< rms at the sampler, sqrt(sigma_X^2 sum_n h(n)^2) (93A-29, 93A-34) [V]
  double peak_v = 0.0;        ///< largest |h(n)| among its samples at that phase [V]
};

struct EyeAnalysis {
  PulseResult unequalized;           ///< channel + Tx edge + Rx filter, no CTLE/FFE
  EqualizerResult equalizer;         ///< search result: chosen CTLE, FFE, DFE, candidates
  StatEyeResult eye;                 ///< at the chosen settings
  /// rms noise at the sampler used (max over levels for optics): the receiver's, and the
  /// transmitter's h(0) 10^{-SNR_TX/20} (93A-30) when tx_snr_db is set, added in power
  double noise_sigma_v = 0.0;
  double channel_dc_gain = 0.0;
  /// One entry per EyeLinkSpec::crosstalk aggressor, in that order (empty without crosstalk).
  /// Their samples are the eye's StatEyeSpec::crosstalk_v; eye.crosstalk_sigma_v is the total.
  std::vector<CrosstalkContribution> crosstalk;
};

/// Runs the analysis. Throws std::invalid_argument for bad specifications; a closed eye is a
/// result (eye.status), not an error. Tested by: tests/solvers/eye_analysis_test.cpp
///
/// Crosstalk (spec.crosstalk, copper only: std::invalid_argument with optical levels or a fixed
/// noise_rms_v, an empty path or an amplitude <= 0): each aggressor's pulse is computed with the
/// victim's pulse options but its own amplitude (tx_swing_v = tx_amplitude_v), on the victim's
/// FFT grid, and goes through every candidate's CTLE and Tx FFE (93A.1.6). The equalizer search
/// adds sigma_XT^2 of each candidate to the fast SNR (93A-36); the statistical eyes of the chosen
/// and the re-ranked candidates convolve all of each aggressor's samples at its best phase
/// (93A-33, 93A-44). Tested by: tests/solvers/crosstalk_test.cpp
EyeAnalysis analyze_eye(const TransferFunction& channel, const EyeLinkSpec& spec);

/// The eye of a user-supplied pulse response (already at the decision point, e.g. exported by
/// another tool): Tx FFE searched in time over the spec's ranges, DFE and statistical eye as for
/// any channel; no Rx filter or CTLE (they need a frequency response: give an impulse response
/// instead). noise_sigma_v is the rms noise at the decision point. Crosstalk is not supported
/// here (std::invalid_argument if spec.crosstalk is not empty): its paths need the same filters.
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
