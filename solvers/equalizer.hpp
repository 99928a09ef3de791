#pragma once
/// Equalizers on a pulse response: the transmitter's FFE (a UI-spaced FIR), the DFE tap values a
/// receiver would converge to, a COM-style SNR figure of merit, and an optimiser that picks the
/// CTLE setting, the Tx FFE taps and the DFE taps together.
///
/// Coordination with the statistical eye (solvers/statistical_eye.*): dfe_taps() returns, per
/// post-cursor n = 1..n_taps, the voltage taps_v[n-1] that the DFE subtracts n UI after a symbol
/// of value +1 (scaled by the decided symbol value for other levels). The eye engine applies them
/// by replacing the post-cursor h(n) with residual_v[n-1] = h(n) - taps_v[n-1] (correct past
/// decisions assumed), sampling at DfeResult::cursor_index.
/// Documented in docs/pulse_and_equalizers.md. Tested by: tests/solvers/equalizer_test.cpp
/// "[solvers][equalizer]".
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

#include "channels/filters.hpp"
#include "solvers/pulse.hpp"
#include "solvers/pulse_response.hpp"

#include "channels/transceiver.hpp"

namespace phylane::solvers {

// ------------------------------------------------------------------------------------------------
// Tx FFE

/// Transmitter FFE: taps c[-n_pre] .. c[0] .. c[n_post], one UI apart. The transmitted waveform for
/// symbols a_m is sum_m a_m sum_k c[k] rect(t - (m + k) UI), so the equalised pulse is
/// sum_k c[k] p(t - k UI) (a pre-cursor tap, k < 0, advances a copy of the pulse).
/// Swing normalisation: sum_k |c[k]| = 1, so the largest transmitted level stays at the swing A
/// (the driver's peak amplitude does not grow with equalisation, as in IEEE 802.3 Annex 93A.1.6,
/// c(0) = 1 - sum of |other taps|); equalisation lowers the low-frequency level instead.
struct TxFfe {
  int n_pre = 0;              ///< pre-cursor taps, >= 0
  std::vector<double> taps;   ///< n_pre + 1 + n_post values; empty means {1} (no equalisation)

  /// c[0] = 1 - sum |pre| - sum |post|; pre[0] is c[-1], post[0] is c[1]. Throws
  /// std::invalid_argument if c[0] would be <= 0.
  static TxFfe from_side_taps(const std::vector<double>& pre, const std::vector<double>& post);
  int n_post() const;
  double main_tap() const;
  /// sum of |c[k]| over k != 0 (how much equalisation).
  double side_weight() const;
};

/// The pulse after the Tx FFE: out[i] = sum_k c[k] in[i - k samples_per_ui], samples outside the
/// record taken as 0 (the record should start early enough that the pre-cursor region is ~0 and
/// extend past the tail). main_index is unchanged. Throws std::invalid_argument unless
/// sum |c| = 1 within 1e-9 and c has n_pre + 1 + n_post >= 1 entries with n_pre >= 0.
PulseResponse apply_tx_ffe(const PulseResponse& pulse, const TxFfe& ffe);
/// The same into `out` (its storage reused: no allocation once sized).
void apply_tx_ffe(const PulseResponse& pulse, const TxFfe& ffe, PulseResponse& out);

// ------------------------------------------------------------------------------------------------
// DFE

using channels::DfeLimits;

struct DfeResult {
  std::size_t cursor_index = 0;    ///< sample of PulseResponse::samples_v used as the main cursor
  double main_cursor_v = 0.0;      ///< h(0) [V]
  std::vector<double> cursors_v;   ///< post-cursors h(1..n_taps) before the DFE [V] (0 past the record)
  std::vector<double> taps_v;      ///< DFE feedback for post-cursor n = 1..n_taps [V], clipped
  std::vector<double> taps_rel;    ///< b(n) = taps_v / h(0)
  std::vector<double> residual_v;  ///< h(n) - taps_v: what the eye engine keeps of each post-cursor [V]
};

/// The clipped zero-forcing DFE at sampling phase `cursor_index`: taps_v[n-1] = h(0) clip(h(n)/h(0)).
/// Throws std::invalid_argument if cursor_index is outside the record, n_taps < 0, or h(0) <= 0
/// while limits are finite (the ratio is undefined).
DfeResult dfe_taps(const PulseResponse& pulse, std::size_t cursor_index, int n_taps,
                   const DfeLimits& limits = {});

// ------------------------------------------------------------------------------------------------
// COM-style SNR

/// Inputs of the fast figure of merit.
struct SnrOptions {
  int levels = 2;              ///< PAM-L, >= 2 (symbols equally spaced in [-1, 1])
  int dfe_taps = 0;            ///< DFE taps, >= 0
  DfeLimits dfe_limits;
  double a_dd_ui = 0.0;        ///< dual-Dirac deterministic jitter A_DD [UI], >= 0
  double sigma_rj_ui = 0.0;    ///< random jitter sigma_RJ [UI], >= 0
  /// Tx SNR [dB] (COM SNR_TX: sigma_TX^2 = h(0)^2 10^{-SNR_TX/10}); infinity = no Tx noise.
  double tx_snr_db = std::numeric_limits<double>::infinity();
};

struct SnrResult {
  double snr_db = 0.0;          ///< 10 log10(signal^2 / (isi^2 + noise^2 + jitter^2 + tx^2 + crosstalk^2))
  std::size_t cursor_index = 0;
  double signal_v = 0.0;        ///< A_s = h(0) / (L - 1): half the inner eye's opening [V]
  double isi_sigma_v = 0.0;
  double noise_sigma_v = 0.0;
  double jitter_sigma_v = 0.0;
  double tx_noise_sigma_v = 0.0;
  double crosstalk_sigma_v = 0.0;  ///< the caller's sigma_XT [V]
};

/// COM-style SNR (IEEE 802.3 Annex 93A.1.6, the figure of merit of eq. (93A-36)) at the best
/// sampling phase within +-UI/2 of pulse.main_index:
///   signal     A_s = h(0) / (L-1)
///   ISI        sigma_ISI^2 = sigma_X^2 sum_{n != 0} h_res(n)^2, h_res = h minus the clipped DFE
///              for n = 1..dfe_taps (93A-26, 93A-27, 93A-31), every cursor of the record
///   level var. sigma_X^2 = (L^2 - 1) / (3 (L-1)^2)                                     (93A-29)
///   jitter     sigma_J^2 = (A_DD^2 + sigma_RJ^2) sigma_X^2 sum_n h_J(n)^2, h_J(n) the slope at
///              cursor n in V/UI, (h(+1 sample) - h(-1 sample)) samples_per_ui / 2  (93A-28, 93A-32)
///   noise      noise_sigma_v (the caller's sigma_N, e.g. integrated_noise_sigma_v)     (93A-35)
///   Tx noise   sigma_TX^2 = h(0)^2 10^{-SNR_TX/10}                                    (93A-30)
///   crosstalk  crosstalk_sigma_v, the caller's sigma_XT (93A-34; e.g. from crosstalk_phase or
///              CrosstalkFfeEnergy: it does not depend on the victim's phase), >= 0, finite
/// A Gaussian-sum stand-in for COM's PDF convolution: fast, and monotone in the same things.
/// Phases with h(0) <= 0 are skipped; if all are, snr_db = -infinity. An interference of exactly
/// zero is floored at 1e-15 A_s (snr_db <= 300 dB).
SnrResult com_snr(const PulseResponse& pulse, double noise_sigma_v, const SnrOptions& opt,
                  double crosstalk_sigma_v = 0.0);

/// com_snr of apply_tx_ffe(pulse, ffe) for many Tx FFE settings, without filtering the record per
/// setting (the FFE x CTLE search asks for thousands). At each phase c the FFE output's UI-spaced
/// samples are y(m) = sum_j c_j p(m - k_j UI), linear in the taps, so the ISI sum of 93A-31 over the
/// cursors outside the DFE and the slope sum of 93A-32 are quadratic forms c^T I_c c and c^T S_c c
/// whose matrices are summed once per pulse; cursors under a clipped DFE (not quadratic) are formed
/// per setting, one dot product each. Equal to apply_tx_ffe + com_snr up to rounding (1e-12 dB in
/// tests/solvers/equalizer_test.cpp). Taps beyond max_pre / max_post are refused.
/// The optimiser's ranking of equalizer candidates, used by every search: a higher objective wins;
/// within 1e-9 relative of the best, less equalisation wins (lower CTLE peaking, then a smaller FFE
/// side weight). NaN objectives never win.
class CandidateRanking {
 public:
  /// True if this candidate beats every one offered before; it then becomes the best.
  bool offer(double objective, double peaking_db, double side_weight);

 private:
  bool have_ = false;
  double objective_ = 0.0, peaking_db_ = 0.0, side_weight_ = 0.0;
};

class FfeSnrTable {
 public:
  FfeSnrTable(const PulseResponse& pulse, int max_pre, int max_post, const SnrOptions& opt);
  /// phase_hint (optional): on entry the index of a phase likely to be best (e.g. the previous
  /// setting's), on return this setting's best. It only prunes phases that cannot win; the result
  /// is the same with or without it, bit for bit.
  SnrResult evaluate(const TxFfe& ffe, double noise_sigma_v, double crosstalk_sigma_v = 0.0,
                     std::size_t* phase_hint = nullptr) const;

 private:
  struct Phase {
    std::size_t index = 0;            // sample of the pulse
    std::vector<double> cursor;       // u_c: y(c) = c . u_c
    std::vector<double> isi;          // I_c, t x t
    std::vector<double> slope;        // S_c, t x t
    std::vector<int> dfe_tap;         // clipped DFE: tap n of each kept cursor
    std::vector<double> dfe_cursors;  // and its u vector (t each)
  };
  void add_outer(std::vector<double>& m, const std::vector<double>& v) const;
  SnrOptions opt_;
  std::size_t main_index_ = 0;
  int max_pre_ = 0;
  std::size_t t_ = 0;
  std::vector<Phase> phases_;
};

// ------------------------------------------------------------------------------------------------
// Crosstalk (IEEE 802.3-2022 Annex 93A.1.6: each aggressor sampled at its own best phase)

/// An aggressor's sampling phase and the energy there.
struct CrosstalkPhase {
  std::size_t phase = 0;   ///< m in [0, samples_per_ui): the samples m, m + M, m + 2M, ... of the record
  double energy_v2 = 0.0;  ///< sum_n h(m + n M)^2 [V^2]
};

/// The phase of an aggressor's pulse (at the decision point, equalised like the victim's) with the
/// largest energy sum_n h(m + n M)^2 over the whole record, m = 0 ... M-1 (93A-33); ties go to
/// the smallest m. Its crosstalk variance is sigma_X^2 energy_v2 (93A-29, 93A-34). Throws
/// std::invalid_argument for an empty record or samples_per_ui < 1.
CrosstalkPhase crosstalk_phase(const PulseResponse& aggressor);

/// crosstalk_phase of apply_tx_ffe(pulse, ffe) for many FFE settings without applying them: the
/// energy of phase m after the FFE is the quadratic form sum_{k,l} c_k c_l G_m(k, l) with the Gram
/// matrix G_m(k, l) = sum_n x_m[n - k] x_m[n - l], n over the record's samples of that phase and
/// x_m zero outside the record (exactly apply_tx_ffe's truncation at both ends). G is built once
/// per pulse (M (K+1) K / 2 record sweeps, K = the taps' span); each query then costs
/// ~M K^2 / 2 multiply-adds. Agrees with crosstalk_phase(apply_tx_ffe(...)) to rounding.
class CrosstalkFfeEnergy {
 public:
  CrosstalkFfeEnergy() = default;
  /// For FFEs with at most n_pre pre-cursor and n_post post-cursor taps (>= 0).
  CrosstalkFfeEnergy(const PulseResponse& aggressor, int n_pre, int n_post);
  void reset(const PulseResponse& aggressor, int n_pre, int n_post);
  /// The best phase (93A-33) and its energy after `ffe`. Throws std::invalid_argument if ffe has
  /// more pre- or post-cursor taps than the Gram matrices were built for.
  CrosstalkPhase best(const TxFfe& ffe) const;

 private:
  int phases_ = 0, n_pre_ = 0, span_ = 1;
  std::vector<double> gram_;  // [pair (a, b), a <= b, row-major upper triangle][phase]; a = tap + n_pre
};

// ------------------------------------------------------------------------------------------------
// Optimiser

using channels::TapRange;

/// A user figure of merit, larger is better: the equalised pulse (CTLE and FFE applied) and the
/// DFE at the phase the fast SNR chose. E.g. the statistical eye's margin.
using EqualizerObjective = std::function<double(const PulseResponse&, const DfeResult&)>;

struct EqualizerSearchOptions {
  std::vector<Ctle> ctle;          ///< CTLE candidates; empty = {Ctle::none()}
  std::vector<TapRange> ffe_pre;   ///< ranges of c[-1], c[-2], ...; empty = no pre-cursor taps
  std::vector<TapRange> ffe_post;  ///< ranges of c[1], c[2], ...
  double ffe_main_min = 0.0;       ///< skip combinations with c[0] < this (COM's c0_min), [0, 1)
  SnrOptions snr;                  ///< fast objective; also sets the DFE (taps, limits)
  /// One-sided input-referred noise PSD at the receiver input [V^2/Hz], >= 0, integrated through
  /// the Rx filter and each CTLE up to fmax (integrated_noise_sigma_v).
  double noise_psd_v2_per_hz = 0.0;
  EqualizerObjective objective;    ///< ranks candidates when set; otherwise snr_db does
  /// Crosstalk aggressors, each prepared on the same engine with the victim's options except
  /// tx_swing_v = the aggressor's amplitude (not owned; non-null; the engine may enlarge their
  /// grids). Per CTLE each one's pulse is computed once; per candidate its best-phase energy after
  /// the candidate's Tx FFE (CrosstalkFfeEnergy, 93A-33) gives sigma_XT^2 = sigma_X^2 sum_k E_k
  /// (93A-29, 93A-34), which com_snr adds to the interference (93A-36).
  std::vector<ChannelSpectrum*> crosstalk;
  /// Per aggressor (empty: all true): whether its transmitter uses the candidate's Tx FFE (FEXT:
  /// the far-end transmitters are set like the victim's) or none (NEXT: COM sends the near-end
  /// aggressor through no Tx FFE, its settings belonging to another link).
  std::vector<bool> crosstalk_tx_ffe;
};

struct EqualizerCandidate {
  std::size_t ctle_index = 0;     ///< into EqualizerSearchOptions::ctle
  TxFfe ffe;
  std::size_t cursor_index = 0;   ///< phase chosen by the fast SNR
  double snr_db = 0.0;
  double objective = 0.0;         ///< = snr_db unless a user objective is set
  double crosstalk_sigma_v = 0.0; ///< sigma_XT of this setting [V] (0 without aggressors)
};

struct EqualizerResult {
  std::vector<EqualizerCandidate> candidates;  ///< every candidate: CTLE-major, FFE grid order
  std::size_t best = 0;                        ///< index into candidates
  Ctle ctle;                                   ///< the chosen settings
  TxFfe ffe;
  PulseResult pulse;   ///< the chosen equalised pulse (CTLE and FFE) and its grid
  DfeResult dfe;       ///< the DFE at the chosen phase
  SnrResult snr;       ///< the fast SNR breakdown of the chosen setting
  std::vector<double> noise_sigma_v;  ///< per CTLE candidate
};

/// Exhaustive search over CTLE x Tx FFE, with the clipped DFE always at its optimum. Per CTLE
/// setting one multiply and one IFFT on the prepared spectrum; FFE applied in time; the phase
/// picked by com_snr. Ties (objective within 1e-9 relative) go to less equalisation: lower CTLE
/// peaking first, then smaller FFE side weight. The FFE grid contains c = {1} iff every range
/// includes 0. Throws std::invalid_argument on bad ranges or if no FFE combination satisfies
/// ffe_main_min.
EqualizerResult optimize_equalizer(PulseResponseEngine& engine, ChannelSpectrum& spectrum,
                                   const EqualizerSearchOptions& opt);
/// Convenience: prepares the channel with its own engine (opt.ctle of the pulse options ignored).
EqualizerResult optimize_equalizer(const TransferFunction& h, const PulseResponseOptions& pulse_opt,
                                   const EqualizerSearchOptions& opt);

/// The FFE grid the optimiser enumerates (exposed for plots and tests): the cartesian product of
/// the ranges, c[-1] outermost, filtered by c[0] >= main_min and c[0] > 0.
std::vector<TxFfe> ffe_grid(const std::vector<TapRange>& pre, const std::vector<TapRange>& post,
                            double main_min = 0.0);

}  // namespace phylane::solvers
