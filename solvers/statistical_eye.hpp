#pragma once
/// Statistical (PDF-based) eye of an equalized pulse response: the BER map over sampling phase and
/// decision threshold, eye heights and widths at a target BER, the optimal sampling phase and
/// thresholds, bathtubs, a COM-style margin and the limiting impairment.
///
/// Method: the received sample at phase t is y = a_0 h_0(t) + sum_{n != 0} a_n h_n(t) + noise, with
/// h_n(t) the pulse sampled one UI apart. The ISI term is a sum of independent discrete variables,
/// so its PDF is the convolution of the per-cursor PDFs; the error probability at a threshold is
/// the tail of that PDF convolved with the Gaussian noise. Sources: B. K. Casper et al., "An
/// accurate and efficient analysis method for multi-Gb/s chip-to-chip signaling schemes", Symp. VLSI
/// Circuits 2002 (ISI PDF by convolution of per-cursor PDFs, noise and jitter folded in);
/// A. Sanders, M. Resso, J. D'Ambrosia, "Channel compliance testing utilizing novel statistical eye
/// methodology", DesignCon 2004 (the statistical eye as BER contours over phase and voltage);
/// IEEE 802.3-2022 Annex 93A, 93A.1.6-93A.1.7 (COM: DFE, jitter through the pulse slope, A_s,
/// A_ni, crosstalk). See docs/eye.md for the definitions in full and the accuracy measured.
///
/// Crosstalk (93A-33, 93A-44): an aggressor's samples at its own sampling phase add
/// sum_n b_n x_n to y, with b_n independent of the victim's symbols and of each other, each
/// equiprobable on the same M levels; they are discrete variables like the ISI cursors (same
/// convolution, same folding of the small ones), with no jitter and no DFE.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "solvers/pulse.hpp"
#include "solvers/signalling.hpp"

#include "channels/transceiver.hpp"

namespace phylane::solvers {

/// Gaussian noise at the sampler, already integrated over the receiver bandwidth by the caller.
struct EyeNoise {
  double sigma_v = 0.0;  ///< rms noise [V], > 0 (unless sigma_per_level_v is given)
  /// Optional level-dependent rms noise [V], one per symbol level, lowest level first, each > 0
  /// (optical receivers: signal-dependent shot and beat noise). When not empty it replaces sigma_v
  /// and must have exactly M entries.
  std::vector<double> sigma_per_level_v;
};

using channels::TxJitter;

/// Decision-feedback equalizer (IEEE 802.3-2022 93A.1.6, eqs. 93A-26, 93A-27). Tap j (j = 1 ...
/// taps) is set to the j-th post-cursor at the chosen sampling phase, clipped to its limit:
/// b_j = clip(A h_j(t_s), tap_min_v[j-1], tap_max_v[j-1]) [V per unit normalised symbol]; the
/// residual (A h_j - b_j) stays as ISI at every phase. The range may be asymmetric (93A-26 has
/// separate b_min(n) and b_max(n)). Decisions are assumed correct (error propagation is not
/// modelled).
struct DfeSpec {
  int taps = 0;  ///< number of post-cursor taps, >= 0
  /// Range of each tap [V]: both empty = unconstrained, else `taps` values each with
  /// tap_min_v[j] <= tap_max_v[j] (infinite bounds allowed).
  std::vector<double> tap_min_v;
  std::vector<double> tap_max_v;
  /// The ranges the equalizer search uses (channels::DfeLimits: h0 clip(h/h0, min_rel, max_rel),
  /// then the absolute clamp +-max_abs_v) in volts for main cursor h0 [V], so that the eye clips
  /// every tap where the search clipped it.
  static DfeSpec limited(int taps, const channels::DfeLimits& limits, double h0_v);
};

/// What is transmitted and what impairs it (the assumptions of the link).
struct StatEyeSpec {
  Signalling signalling;
  EyeNoise noise;
  TxJitter jitter;
  DfeSpec dfe;
  /// Crosstalk cursors [V], each finite: the aggressors' pulse samples at the decision point, one
  /// UI apart at each aggressor's own phase (93A-33), for an aggressor symbol of unit value (already
  /// in volts at the aggressor's amplitude: NOT scaled by signalling.amplitude_v). The same at every
  /// victim phase; every entry is an independent symbol a_n x_n, a_n equiprobable on the M levels
  /// (93A-44); never cancelled by the DFE and not moved by jitter. Empty (or all 0) = none.
  std::vector<double> crosstalk_v;
};

/// How the eye is computed and reported. Defaults suit a BER map down to 1e-20 with 1e-3 relative
/// accuracy at 1e-15 (docs/eye.md, "Accuracy").
struct StatEyeOptions {
  /// Phases per UI of the map, >= 1; 0 = pulse.samples_per_ui. Phases are t = (j - P/2) / P UI,
  /// j = 0 ... P-1 (integer division), relative to the main cursor: [-0.5, 0.5) with 0 included.
  /// Off-sample phases interpolate the pulse (Catmull-Rom cubic).
  int phases_per_ui = 0;
  /// Voltage axis half-range [V], >= 0; 0 = auto: 1.2 x A x the largest main cursor over phases.
  double voltage_max_v = 0.0;
  /// Voltage axis points, odd, >= 3: v_i = -max + 2 max i / (points - 1) (0 is on the axis).
  int voltage_points = 257;
  double target_ber = 1e-12;  ///< in (ber_floor, 0.1]
  /// If set, the target is a symbol error ratio (in (0, 0.1]) and the BER target is SER / log2 M.
  std::optional<double> target_ser;
  /// Smallest BER represented, in [1e-300, 1e-3]; the map is clamped to it.
  double ber_floor = 1e-20;
  /// ISI grid step = (smallest rms Gaussian noise of any level) / this, in [2, 1000]. With the
  /// 8-point moment-preserving split used for off-grid atoms the tail error scales as
  /// (z / this)^8 (docs/eye.md).
  double grid_points_per_sigma = 16.0;
  /// Cap on the ISI grid length per phase, >= 1024. When the noise is so small that the grid
  /// would be longer, the step grows and the tail accuracy drops (result.grid_capped).
  std::size_t max_grid_points = std::size_t{1} << 16;
  /// Relative tail error allowed when small cursors are folded into the Gaussian noise (by their
  /// variance; the error is the fourth-cumulant Edgeworth term at the BER floor), in [0, 1e-2].
  double fold_tolerance = 2e-5;
  /// Rank candidates only: with a DFE (the phase then comes from pass 1), the map is built at the
  /// chosen phase alone and the result holds margin_db, the eyes' signal_v, noise_interference_v
  /// and margin_db, best_phase_*, main_cursor_v and dfe_taps_v, each equal to the full eye's; every
  /// other field is unset. Without a DFE it changes nothing but the omitted fields.
  bool margin_only = false;
  /// Pass 1's result from an earlier margin_only run of the same pulse and spec
  /// (StatEyeResult::best_phase_index): with a DFE, the taps are adapted at this phase and pass 1
  /// is skipped. -1 = none.
  int dfe_phase_hint = -1;
  /// Pass 1 visits every phase instead of every fourth one and the neighbours of the best
  /// (statistical_eye.cpp, coarse_to_fine_phase). The result is the same wherever the worst eye's
  /// height (or, all closed, the BER) has one peak over the phase; kept for tests and checks.
  bool every_phase = false;
  /// Threads for the map's phases (pass 2), >= 1; the result does not depend on it. A caller that
  /// already runs eyes side by side keeps 1.
  int workers = 1;
  /// A sampling point chosen by another rule (e.g. COM's, com_anchor_index: eye_analysis with
  /// EyeSampling::com): the sample index of the record, in [0, pulse.samples_v.size()), or -1
  /// (none: the tallest worst eye). When set, the phase axis is the UI centred on that sample
  /// (phase_ui still relative to pulse.main_index: [s - 1/2, s + 1/2) UI with s = (index -
  /// main_index) / samples_per_ui, so a point more than 1/2 UI from the peak is inside it), the
  /// decision phase is that sample (best_phase_ui = s), the DFE taps are adapted there (pass 1 and
  /// dfe_phase_hint are not used) and the widths are read around it.
  long sampling_index = -1;
};

enum class EyeStatus { open, closed };
std::string to_string(EyeStatus s);

/// The terms of A_ni the closure breakdown removes in turn; crosstalk only when the spec has some.
enum class Impairment { isi, noise, jitter, crosstalk };
std::string to_string(Impairment i);

/// One eye k (between levels k and k+1, lowest first) at the optimal sampling phase.
struct EyeOpening {
  /// Decision threshold minimising this eye's error probability [V]; where that minimum is below
  /// the BER floor (not resolvable), the centre of the eye's opening at the floor.
  double threshold_v = 0.0;
  double height_v = 0.0;  ///< vertical opening at the target BER [V]; 0 if closed
  /// Horizontal opening at the target BER along threshold_v [UI]; 0 if closed. Limited to the
  /// one-UI phase axis.
  double width_ui = 0.0;
  double log10_ber = 0.0;  ///< the map at (optimal phase, threshold_v)
  double signal_v = 0.0;   ///< A_s: half the level spacing at the main cursor, A h_0 / (M - 1) [V]
  /// A_ni: the amplitude of ISI + noise + jitter at which, with the threshold midway between the
  /// levels, this eye's error probability equals the target [V] (93A.1.7, eq. 93A-47 ff.).
  double noise_interference_v = 0.0;
  double margin_db = 0.0;  ///< 20 log10(A_s / A_ni); > 0 iff open at the target midway
};

/// Which impairment limits the eye: A_ni of the worst eye with each term removed in turn. The
/// limiting term is the one whose removal lowers A_ni the most (ties: isi, noise, jitter,
/// crosstalk in that order; crosstalk competes only when StatEyeSpec::crosstalk_v has a non-zero
/// entry).
struct ClosureBreakdown {
  double a_ni_v = 0.0;                 ///< all terms [V]
  double a_ni_without_isi_v = 0.0;     ///< residual ISI cursors set to zero (jitter slopes kept)
  double a_ni_without_noise_v = 0.0;   ///< Gaussian noise removed (a 1e-3 A_s numerical floor kept)
  double a_ni_without_jitter_v = 0.0;  ///< RJ and DJ removed
  /// Crosstalk cursors removed [V]; = a_ni_v when there is no crosstalk.
  double a_ni_without_crosstalk_v = 0.0;
  Impairment limiting = Impairment::noise;
};

struct StatEyeResult {
  EyeStatus status = EyeStatus::closed;
  std::string reason;  ///< why the eye is closed (empty when open)

  int levels = 2;
  double target_ber = 0.0;        ///< the BER target used
  std::vector<double> phase_ui;   ///< P phases [UI] relative to the main cursor
  std::vector<double> voltage_v;  ///< V thresholds [V]
  /// The BER map, P x V, row-major by phase: log10_ber[p * V + i]. For a threshold v at phase p,
  /// let eye k be the eye whose levels' nominal means l_k A h_0, l_{k+1} A h_0 bracket v (outside
  /// the outer levels: the nearest eye). With Y_k the received sample when level k is sent,
  ///   P_k(v) = 1/2 [ P(Y_k > v) + P(Y_{k+1} < v) ]
  /// is the probability of a wrong decision across this threshold, given that one of the two
  /// adjacent levels is sent; each eye uses its own lower and upper symbol distributions. The map
  /// is the BER a link whose M-1 eyes all looked like this one would have:
  ///   BER = 2 (M-1) / (M log2 M) P_k(v)   (SER = (2/M) sum_k P_k, Gray: BER = SER / log2 M),
  /// clamped below at ber_floor. For NRZ the map is P_0 itself. At phases where the main cursor
  /// is <= 0 the eye is meaningless and the map is 1/2 of that scale.
  std::vector<double> log10_ber;
  double log10_ber_at(std::size_t phase, std::size_t volt) const { return log10_ber[phase * voltage_v.size() + volt]; }

  std::size_t best_phase_index = 0;
  /// Optimal sampling phase: the largest worst-eye height at the target; ties by the largest
  /// worst-eye width; all phases closed: the smallest BER. With a DFE the phase is chosen with the
  /// taps adapted at every phase (a first, coarser pass; ties: the middle of the tied run) and the
  /// map is then computed with the taps fixed at that phase.
  double best_phase_ui = 0.0;
  double main_cursor_v = 0.0;              ///< A h_0 at the optimal phase [V]
  std::vector<double> worst_eye_height_v;  ///< per phase: the smallest eye height at the target [V]

  std::vector<EyeOpening> eyes;  ///< M-1 eyes, lowest first
  double height_v = 0.0;         ///< smallest eye height [V]
  double width_ui = 0.0;         ///< smallest eye width [UI]
  double margin_db = 0.0;        ///< smallest margin [dB]
  /// BER at the optimal phase with every eye at its optimal threshold: the mean of the eyes' map
  /// values there, = ber_from_ser(ser). Not resolved below ber_floor, and reported as the floor then.
  double ber = 0.0;
  double ser = 0.0;  ///< the same as a symbol error ratio, ser_from_ber(ber)

  std::vector<double> vertical_bathtub_log10_ber;  ///< the map's column at the optimal phase (over voltage_v)
  std::vector<std::vector<double>> horizontal_bathtub_log10_ber;  ///< [eye][phase] at the eye's threshold_v

  ClosureBreakdown closure;
  std::vector<double> dfe_taps_v;  ///< b_j [V], j = 1 ... taps
  /// rms of the crosstalk at the sampler, sqrt(sigma_X^2 sum x_n^2) over StatEyeSpec::crosstalk_v
  /// (93A-29, 93A-34) [V]; 0 without crosstalk.
  double crosstalk_sigma_v = 0.0;

  // Numerics (at the optimal phase): for reporting the accuracy actually achieved.
  double grid_step_v = 0.0;  ///< ISI grid step
  double grid_step_over_sigma = 0.0;
  int cursors_exact = 0;     ///< cursors convolved on the grid (crosstalk cursors included)
  int cursors_folded = 0;    ///< small cursors folded into the Gaussian by variance (crosstalk included)
  bool grid_capped = false;  ///< max_grid_points limited the step at some phase
  /// Phases pass 1 (the DFE's phase choice) visited: all of them, or fewer when the coarse-to-fine
  /// search applied (StatEyeOptions::every_phase); 0 without a DFE or with dfe_phase_hint.
  int pass1_phases = 0;
};

/// The statistical eye of `pulse` under `spec`.
/// Expected outcomes (a closed eye) are reported through status/reason. Throws
/// std::invalid_argument naming the parameter for a bad pulse, spec or option.
/// Tested by: tests/solvers/statistical_eye_test.cpp "[solvers][eye]".
StatEyeResult statistical_eye(const PulseResponse& pulse, const StatEyeSpec& spec, const StatEyeOptions& options = {});

}  // namespace phylane::solvers
