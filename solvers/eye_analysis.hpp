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
#include "channels/filters.hpp"
#include "solvers/pulse_response.hpp"
#include "solvers/statistical_eye.hpp"

#include "channels/transceiver.hpp"

namespace phylane::solvers {

using channels::CrosstalkAggressor;

using channels::EyeLinkSpec;

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

/// COM's figures of an eye with a COM sampling rule or COM's PDFs (EyeLinkSpec::sampling, pdf).
struct EyeComFigures {
  /// The sampling point: a sample of equalizer.pulse.pulse (-1 with the tallest-eye rule), and
  /// its time relative to that pulse's peak [UI] (negative: before it).
  long sampling_index = -1;
  double sampling_ui = 0.0;
  /// EyePdf::com: COM's A_s, A_ni and margin 20 log10(A_s / A_ni) at that point (93A.1.7,
  /// solvers::com_at_cursor; eye.margin_db and every eye's noise_interference_v and margin_db
  /// are these), the PDF grid's step and the rms terms [V]; all 0 with EyePdf::statistical.
  bool pdf = false;
  double a_s_v = 0.0, a_ni_v = 0.0, margin_db = 0.0, step_v = 0.0;
  double sigma_isi_v = 0.0, sigma_tx_v = 0.0, sigma_rj_v = 0.0, sigma_dd_v = 0.0, sigma_n_v = 0.0;
  /// The stat eye's own margin at the same point, which pdf = com replaces [dB].
  double statistical_margin_db = 0.0;
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
  EyeComFigures com;  ///< with EyeLinkSpec::sampling other than tallest (and pdf = com)
};

/// Runs the analysis. Throws std::invalid_argument for bad specifications; a closed eye is a
/// result (eye.status), not an error. Tested by: tests/solvers/eye_analysis_test.cpp
///
/// Noise at the sampler (spec.noise_rms_v, spec.sigma_per_level_v) is the receiver's without CTLE,
/// white at its input and shaped by spec.sampler_noise_shape x spec.rx_filter; each CTLE candidate
/// scales it by sqrt(Int |H C|^2 df / Int |H|^2 df) over 0 ... the engine's band edge (93A-35), and
/// equalizer.noise_sigma_v holds it per candidate (optics: the largest level's), which the COM SNR
/// includes.
///
/// Crosstalk (spec.crosstalk, copper only: std::invalid_argument with optical levels or a fixed
/// noise_rms_v, an empty path or an amplitude <= 0): each aggressor's pulse is computed with the
/// victim's pulse options but its own amplitude (tx_swing_v = tx_amplitude_v), on the victim's
/// FFT grid, and goes through every candidate's CTLE and Tx FFE (93A.1.6). The equalizer search
/// adds sigma_XT^2 of each candidate to the fast SNR (93A-36); the statistical eyes of the chosen
/// and the re-ranked candidates convolve all of each aggressor's samples at its best phase
/// (93A-33, 93A-44). Tested by: tests/solvers/crosstalk_test.cpp
///
/// With a COM sampling rule (spec.sampling, channels::EyeSampling) every statistical eye (the
/// chosen candidate's and the re-ranked ones') samples at COM's point of its equalised pulse
/// (solvers::com_anchor_index; b_max(1) = spec.dfe_limits' first relative limit, 0 without a
/// DFE), its DFE adapted there (93A-26); the equalizer search's fast SNR still ranks candidates at
/// its own cursor. With spec.pdf = com the margin at that point is COM's (solvers::com_at_cursor:
/// A_ni where the noise's CDF reaches the target's per-threshold error probability P_k = BER /
/// (2 (M - 1) / (M log2 M)) (COM's DER_0; NRZ: the BER), sigma_N the receiver noise at the sampler, sigma_TX
/// of 93A-30, the crosstalk samples of the eye), it re-ranks the candidates and replaces the eye's
/// margin_db and A_ni (EyeAnalysis::com); the map, heights, widths, BER and closure breakdown stay
/// the statistical eye's at that point. std::invalid_argument for pdf = com with the tallest-eye
/// rule or with optical levels. A candidate whose pulse has no COM sampling point (no rise
/// through 1 % of its peak within 4 UI before it) ranks last, as the reference code skips it; when
/// the chosen one has none, the eye is the statistical eye's at its tallest eye, reported closed
/// with that reason (eye.status, eye.reason). Tested by: tests/solvers/eye_com_test.cpp
EyeAnalysis analyze_eye(const TransferFunction& channel, const EyeLinkSpec& spec);

/// The eye of a user-supplied pulse response (already at the decision point, e.g. exported by
/// another tool): Tx FFE searched in time over the spec's ranges, DFE and statistical eye as for
/// any channel; no Rx filter or CTLE (they need a frequency response: give an impulse response
/// instead). noise_sigma_v is the rms noise at the decision point. Crosstalk is not supported
/// here (std::invalid_argument if spec.crosstalk is not empty): its paths need the same filters.
EyeAnalysis analyze_eye_pulse(const PulseResponse& pulse, const EyeLinkSpec& spec, double noise_sigma_v);

using channels::impulse_transfer_function;
using channels::optical_transfer_function;

/// Fills an EyeLinkSpec's amplitude and level-dependent noise for an optical link at M levels and
/// spec.symbol_rate_baud: A = Z_T R OMA / 2 (peak symbol value around the mean), sigma_k =
/// Z_T sigma_i(P_k), and the receiver (photodiode x TIA, channels::receiver_filter) as the Rx
/// filter, which the channel optical_transfer_function leaves out and which shapes the noise a
/// CTLE's noise gain is taken over. A receiver that follows the rate is taken at the spec's rate
/// (OpticalLink::at_symbol_rate): its bandwidths and so its integrated noise scale with it.
void set_optical_levels(const channels::OpticalLink& link, EyeLinkSpec& spec);

}  // namespace phylane::solvers
