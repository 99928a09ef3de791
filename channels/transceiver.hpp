#pragma once
/// The transmitter, the receiver and the signalling of a link at one symbol rate: everything that
/// sets the eye besides the channel (EyeLinkSpec), and the pieces it is made of (Tx FFE tap
/// ranges, DFE limits, Tx jitter, crosstalk aggressors). Plain values: the engines that use them
/// are in solvers/ (equalizer search, statistical eye); the filters' responses are in
/// channels/filters.hpp. A Link (channels/link.hpp) makes one of these at any rate.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "channels/filters.hpp"
#include "channels/transfer_function.hpp"

namespace phylane::channels {

/// Candidate values of one FFE tap: min, min + step, ... <= max (+1e-9 step). step > 0, or
/// step = 0 with min = max (a fixed tap).
struct TapRange {
  double min = 0.0, max = 0.0, step = 0.0;
};

/// Limits on the DFE taps relative to the main cursor, per tap n = 1, 2, ...: the tap ratio
/// b(n) = taps_v[n-1] / h(0) is clipped to [min_rel[n-1], max_rel[n-1]] (IEEE 802.3 Annex 93A
/// eq. (93A-26)). A list shorter than the number of taps repeats its last value; empty max_rel
/// means unlimited; empty min_rel means -max_rel. max_abs_v adds an absolute magnitude limit
/// [V] per tap (a DAC's full scale; +inf = none), with the same repeat-last rule: the feedback
/// is the relative clip, then clamped to [-max_abs_v, +max_abs_v].
struct DfeLimits {
  std::vector<double> max_rel;
  std::vector<double> min_rel;
  std::vector<double> max_abs_v;
  double max_for(int tap) const;  ///< tap = 1, 2, ...
  double min_for(int tap) const;
  double abs_for(int tap) const;  ///< +inf when max_abs_v is empty
  bool limited() const { return !max_rel.empty() || !min_rel.empty() || !max_abs_v.empty(); }
  /// The feedback the tap applies to post-cursor value v [V] with main cursor h0 [V].
  double feedback(int tap, double v, double h0) const;
  /// feedback() with the tap's limits already looked up (lo = min_for, hi = max_for, a =
  /// abs_for), for loops that apply the same taps many times: the relative clip (93A-26), then
  /// the absolute full-scale clamp.
  static double clip(double v, double h0, double lo, double hi, double a) {
    double fb = (std::isinf(hi) && std::isinf(lo)) ? v : h0 * std::clamp(v / h0, lo, hi);
    if (std::isfinite(a)) fb = std::clamp(fb, -a, a);
    return fb;
  }
};

/// Transmitter jitter, converted to amplitude through the slope of the pulse response
/// (IEEE 802.3-2022 93A.1.6 (c)-(e), eqs. 93A-28, 93A-31, 93A-40). Every symbol's pulse is
/// displaced in time by its own jitter tau_n, independent from symbol to symbol, and the sample
/// moves by a_n h'_n tau_n (linearised; h'_n is the central-difference slope, eq. 93A-28).
struct TxJitter {
  double rj_rms_ui = 0.0;  ///< random jitter, rms [UI], in [0, 0.5)
  /// Dual-Dirac deterministic jitter, peak-to-peak [UI], in [0, 1): each symbol is displaced by
  /// +dj_pp/2 or -dj_pp/2 with equal probability (COM's A_DD is this Dirac offset dj_pp/2).
  double dj_pp_ui = 0.0;
};

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

/// Where the statistical eye samples (docs/eye.md, "Sampling rule and COM's PDFs"): `tallest`,
/// the phase whose worst eye is tallest at the target (with a DFE, its taps adapted at every phase);
/// `com`, COM's sampling point on the equalised pulse (IEEE 802.3 Annex 93A, the reference code
/// 4.15's cursor_sample_index: the Mueller-Muller condition 93A-25 with b(1) at its limit b_max(1),
/// after the last rise through 1 % of the peak; solvers::com_cursor_index), the DFE adapted there
/// (93A-26); `com_peak`, the peak itself and `com_rise`, the largest rise over one UI (COM's
/// ts_anchor 1 and 2, solvers::com_anchor_index).
enum class EyeSampling { tallest, com, com_peak, com_rise };
/// The eye's margin and A_ni (docs/eye.md): `statistical`, the statistical eye's own (its
/// grid, folding and Gaussian; any target); `com`, COM's PDF construction at the sampling point
/// (93A.1.7: solvers::com_at_cursor, A_ni at the target's per-threshold error probability, DER_0).
enum class EyePdf { statistical, com };
std::string to_string(EyeSampling s);
std::string to_string(EyePdf p);

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
  /// Noise given at the decision point (noise_rms_v, sigma_per_level_v) is white at the receiver
  /// input, shaped there by the receiver: |H_n(f)|^2 of that shaping besides rx_filter (empty = 1;
  /// optical links have it all in rx_filter). Each CTLE candidate C scales it by
  /// sqrt(Int |H_n H_rx C|^2 df / Int |H_n H_rx|^2 df) (solvers/eye_analysis.hpp).
  NoisePsd sampler_noise_shape;
  TxJitter jitter;
  /// Crosstalk aggressors (copper); empty = none. Not allowed with optical levels.
  std::vector<CrosstalkAggressor> crosstalk;
  /// Transmitter SNR (COM SNR_TX) [dB]; >= 1e8 = off. Its noise h(0)^2 10^{-SNR_TX/10} (93A-30)
  /// enters both the fast SNR and the statistical eye's Gaussian.
  double tx_snr_db = 1e9;
  double target_ber = 1e-12;
  /// The best candidates by the fast SNR that are re-ranked by the statistical eye's margin.
  int refine_candidates = 6;
  /// |H(f)| <= 1 at every frequency (S21 or SDD21 of a passive channel between its terminations):
  /// the pulse engine then leaves out the bins where the Tx edge and Rx filters alone bound the
  /// pulse's spectrum below 1e-12 of the Tx amplitude (docs/pulse_and_equalizers.md, rule 8).
  bool passive_channel = false;
  /// Sampling rule and margin construction of the statistical eye (EyeSampling, EyePdf); the
  /// defaults are the statistical eye's own. EyePdf::com needs a COM sampling rule.
  EyeSampling sampling = EyeSampling::tallest;
  EyePdf pdf = EyePdf::statistical;
  /// The channel's H(f) is exactly 0 above this frequency [Hz] (Touchstone data tapered to 0
  /// above their band: Link::zero_above_hz); the pulse engine does not evaluate it there (rule 8b).
  double zero_above_hz = std::numeric_limits<double>::infinity();
};

}  // namespace phylane::channels
