#pragma once
/// Channel Operating Margin, IEEE 802.3-2022 Annex 93A (docs/com.md): for one package case of a
/// COM parameter sheet (solvers/com_parameters.hpp), the reference transmitter and receiver are
/// optimised for the channel by the figure of merit (93A-36) and COM = 20 log10(A_s / A_ni) is
/// computed from the PDFs of ISI, jitter, noise and crosstalk (93A.1.7).
///
/// Built on the eye engine: the pulse responses come from PulseResponseEngine (one prepared
/// spectrum per path; the CTLE settings of a family as G p_a + p_b, two IFFTs per path and grid:
/// AffineCtle), the CTLE, Rx filter and Tx edge are the models
/// of channels/filters.hpp (93A-22, 93A-20, 93A-46), the noise is integrated_noise_sigma_v
/// (93A-35), the Tx FFE is TxFfe (93A-21), crosstalk energies per FFE setting (with an Rx FFE) from
/// CrosstalkFfeEnergy (93A-33) and candidates are ranked by CandidateRanking. What is COM's own:
/// the sampling-point rule (com_cursor_index), the PDF construction on COM's voltage grid
/// (ComPmf, 93A-39 ... 93A-45), the pulse as the reference code's running sum of M impulse
/// samples (com_box_sum_ratio) and, without an Rx FFE, the FOM's crosstalk as a sum over the
/// spectra (the reference code 4.15's get_xtlk_noise), each as the reference code does it.
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]".
#include <complex>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "channels/resample.hpp"
#include "solvers/com_parameters.hpp"
#include "solvers/com_receiver.hpp"
#include "solvers/equalizer.hpp"
#include "solvers/pulse_response.hpp"

namespace phylane::solvers {

/// What a path of a COM case is: the victim's thru, or a far-end or near-end aggressor.
enum class ComPathKind { thru, fext, next };
std::string to_string(ComPathKind k);

/// What the package cases of a path share (com_path_transfer): the channel between the boards on
/// each frequency grid it was asked for. Thread-safe.
struct ComPathCache;
std::shared_ptr<ComPathCache> make_com_path_cache();

/// One channel of a COM case: its differential 2-port (SDD11, SDD21, SDD12, SDD22) referenced to
/// 2 R_0, prepared for evaluation at any frequency (inside the data by interpolation, extrapolated
/// to DC, band-limited above the data: channels/resample.hpp). Copies share one ComPathCache.
/// data_hz: the data's own frequencies. Given (the thru's), com_case evaluates each path's H21
/// with the Tx/Rx filters there and continues it onto the pulse grid as the IEEE reference code
/// 4.15 does (com_reference_continuation, solvers/com_sparam_interp.hpp), and integrates sigma_N
/// up to the thru's last data frequency as 4.15 sums it; empty, the pulses come from the
/// band-limited network with the filters on the whole grid, and sigma_N from the whole grid.
/// A path's SDD: the measured 2-port at its own frequencies and its band-limited interpolant
/// (channels::BandLimitedNetwork, ~1 ms for a 4,000-point file), which is built on first use when
/// the data are given: a continued path is evaluated at its data frequencies, where the data
/// themselves are taken (the interpolant would return them to within rounding), so a thru never
/// needs it. Copies share the data and the interpolant; thread-safe.
class ComSdd {
 public:
  /// The data; the interpolant is built when first needed (band_limited()).
  explicit ComSdd(channels::Network data);
  /// An interpolant alone (no data at their own frequencies: every evaluation interpolates).
  ComSdd(channels::BandLimitedNetwork band_limited);  // NOLINT: converting, as a ComPath member
  /// The data at their own frequencies; null when built from an interpolant alone.
  const channels::Network* data() const;
  /// Above this the interpolant is 0 (BandLimitedNetwork::zero_above_hz, without building it).
  double zero_above_hz() const;
  const channels::BandLimitedNetwork& band_limited() const;
  channels::Network evaluate(std::span<const double> freq_hz) const { return band_limited().evaluate(freq_hz); }

 private:
  struct State;
  std::shared_ptr<State> state_;
};

struct ComPath {
  ComPathKind kind = ComPathKind::thru;
  ComSdd sdd;
  std::string name;
  std::shared_ptr<ComPathCache> cache = make_com_path_cache();
  std::vector<double> data_hz{};
};

/// H21 of a path in package case `case_number` (1-based), eq. (93A-19) without the filters:
/// (the channel and its boards do not depend on the case: evaluated once per frequency grid in
/// path.cache for every case and kept while the path lives)
/// the transmitter's package (z_p (TX), (FEXT) or (NEXT) by path kind; none when INC_PACKAGE is
/// false), the board (Include PCB: a line of board_Z_c over z_bp of that role, 93A-12 ... 93A-14
/// with the board_tl coefficients), the channel, the receiver's board and package, between the
/// terminations R_d (93A-17; IDEAL_TX_TERM / IDEAL_RX_TERM: matched), as (93A-18).
/// packages (optional): the package 2-ports kept per package, side and frequency grid, for the
/// paths of one case that share them (the thru's and the FEXT aggressors' transmitter package,
/// every path's receiver package); the same values as evaluating them for each path.
struct ComPackageCache;
std::shared_ptr<ComPackageCache> make_com_package_cache();
TransferFunction com_path_transfer(const ComParameters& p, int case_number, const ComPath& path,
                                   std::shared_ptr<ComPackageCache> packages = {});
/// Evaluates into path.cache ahead of com_case the path's channel (with its boards) on its data
/// frequencies, which com_case asks for first in every package case. Changes no value.
void com_prepare_channel(const ComParameters& p, const ComPath& path);
/// Evaluates into `packages` ahead of com_case the package 2-ports of case `case_number` that
/// com_path_transfer asks for on the frequencies f (a path's data frequencies, where com_case
/// continues each path): the transmitter's package of each kind in `kinds` and the receiver's.
/// Needs no path, so it can run while the paths are prepared. Changes no value.
/// With `only`, the packages of that side alone (the two sides can be prepared side by side).
void com_prepare_packages(const ComParameters& p, int case_number, std::span<const ComPathKind> kinds,
                          const std::vector<double>& f, ComPackageCache& packages,
                          std::optional<channels::ComPackageSide> only = std::nullopt);

/// The reference code's pulse against the exact one, per frequency: 4.15 (COM_FD_to_TD, then its
/// optimize_fom) forms the pulse as the running sum of M samples of its impulse response,
/// p(n) = sum_{k=0}^{M-1} h(n - k) (filter(ones(1, M), 1, ...)), where phylane's pulse engine
/// convolves with the exact 1-UI rectangle. The M-sample box has the spectrum
/// dt e^{-j pi f (M-1) dt} sin(pi f M dt) / sin(pi f dt), the rectangle UI sinc(f UI) e^{-j pi f UI};
/// their ratio, returned here, is e^{+j pi f dt} (pi f dt) / sin(pi f dt) with dt = UI / M: a
/// half-sample advance (the box's samples sit dt/2 ahead of the rectangle's) and a magnitude
/// 1 + (pi f dt)^2 / 6 + ... (1.0016 at f = f_b with M = 32, pi/2 at f = 1/(2 dt)). COM multiplies
/// every path's transfer function by it, so its pulses are the reference code's samples.
/// @param freq_hz  frequency [Hz], 0 <= f < 1/dt
/// @param dt_s     sample spacing UI / M [s], > 0
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]" (the engine's pulse of a Gaussian
/// channel against the M-sample sum of its sampled impulse response).
std::complex<double> com_box_sum_ratio(double freq_hz, double dt_s);

/// COM's sampling point (ts_anchor = 0), the IEEE reference code 4.15's cursor_sample_index
/// (its default CDR "MM"): with A_p = pulse_v[peak_index], the last upward crossing of 0.01 A_p
/// in [peak - 4 M, peak] (the last j with sign(y(j+1) - 0.01 A_p) - sign(y(j) - 0.01 A_p) >= 1,
/// sign(0) = 0; j is the sample before the crossing), then among t = j ... j + 2 M the first
/// sample of least |y(t - M) - max(y(t + M) - b1_max y(t), 0)| (the Mueller-Muller condition
/// 93A-25 with the first DFE tap at its limit b_max(1); 0 without a DFE). No crossing: nullopt
/// (the reference code skips such a setting). Throws std::invalid_argument when the samples the
/// rule reads (from the crossing - M to peak + 3 M) leave the record.
std::optional<std::size_t> com_cursor_index(std::span<const double> pulse_v, std::size_t peak_index,
                                            int samples_per_ui, double b1_max);

/// The anchored sampling point of the reference code (its ts_anchor): 0, com_cursor_index (the
/// Mueller-Muller rule, nullopt without a crossing); 1, the peak itself; 2, the sample i in
/// [peak - M, peak + M] of the largest rise over one UI, y(i) - y(i - M) (ties: the first). The
/// sheet's sample_adjustment [min max] then offsets it by each itick in min ... max, every offset
/// ranked as a candidate (the reference's itick sweep, |itick| ascending). Throws
/// std::invalid_argument for another ts_anchor or a record too short around the peak.
std::optional<std::size_t> com_anchor_index(std::span<const double> pulse_v, std::size_t peak_index,
                                            int samples_per_ui, int ts_anchor, double b1_max);

/// The sum of the squared jitter slopes (93A-28) of the FFE output y(i) = sum_t c_t x(i - a_t M)
/// (a_t = t - n_pre, x zero outside the record) over every UI-spaced sample of one phase inside
/// the record, i = phase + k M with 1 <= i <= N - 2: h_J(i) = (y(i + 1) - y(i - 1)) M / 2, every
/// pre-cursor, the cursor and the whole tail, no amplitude floor, as the IEEE reference code 4.15
/// (OptFom_Calc_Noise: sbr(sampling_offset -+ 1 : M : end)). The sum does not depend on which
/// UI of the phase is the cursor: sum_{t,u} c_t c_u R_p(|t - u|) with R_p the lag products of the
/// phase's slope lane of x (built once per phase used), less the few filtered slopes that fall
/// outside [1, N - 2] at the record's ends (computed directly). Equal to the direct sum to rounding.
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]".
class ComSlopeSums {
 public:
  /// x must outlive the queries; FIR filters of at most max_taps taps.
  void reset(std::span<const double> x, int samples_per_ui, int max_taps);
  /// sum h_J(i)^2 [V^2] for the FIR `ffe` at the given phase (0 <= phase < M).
  double sum(const TxFfe& ffe, std::size_t phase);

 private:
  double slope(long i) const;  // (x(i + 1) - x(i - 1)) M / 2, x zero outside the record
  std::span<const double> x_;
  int m_ = 1, max_taps_ = 1;
  std::vector<std::vector<double>> lags_;  // per phase: R_p(0 .. max_taps - 1), empty until used
  std::vector<double> lane_;
};

/// A probability mass function on COM's voltage grid: p[i] is the probability of the value
/// (i + lo) * step_v.
struct ComPmf {
  double step_v = 1.0;
  long lo = 0;
  std::vector<double> p{1.0};
  double value(std::size_t i) const { return (static_cast<double>(i) + static_cast<double>(lo)) * step_v; }
};

/// The PMF of sum_n a_n h_n, the a_n independent and equiprobable on the L levels
/// -1, -1 + 2/(L-1), ..., 1 (93A-39, 93A-40), each term's values rounded to the grid (step_v > 0).
ComPmf com_symbol_pmf(std::span<const double> h_v, int levels, double step_v);
/// A Gaussian of rms sigma_v >= 0 sampled on the grid out to +-8 sigma and normalised (93A-42);
/// sigma 0 gives a delta.
ComPmf com_gaussian_pmf(double sigma_v, double step_v);
/// The PMF of the sum of independent variables (93A-43 ... 93A-45). Same step required.
ComPmf convolve(const ComPmf& a, const ComPmf& b);
/// A_ni (93A.1.7): minus the lowest grid value at which the cumulative probability reaches
/// der0 (0 < der0 < 1).
double com_noise_interference_v(const ComPmf& pmf, double der0);

/// What com_eye needs besides the pulse: the reference code 4.15's COM_eye_width inputs.
struct ComEyeSpec {
  int samples_per_ui = 32;        ///< M of the pulse record
  int samples_for_c2m = 100;      ///< S: contour samples per UI (the pulse is interpolated to UI / S)
  int levels = 2;                 ///< L
  double r_lm = 1.0;              ///< R_LM
  double step_v = 1e-5;           ///< COM's PDF grid step [V]
  double der0 = 1e-5;             ///< DER_0
  std::vector<double> b_min, b_max;  ///< the DFE's limits per tap (b(n) h0 clipped to them), N_b taps
  double sigma_rj_ui = 0.0, a_dd_ui = 0.0;  ///< sigma_RJ, A_DD [UI]
  double sigma_n_v = 0.0, sigma_tx_v = 0.0; ///< sigma_N (93A-35) and sigma_TX (93A-30) at the chosen setting [V]
  double t_o_mui = 0.0;           ///< T_O [mUI]: the VEO window (0: none)
};

/// The eye at DER_0 over one UI, as the IEEE reference code 4.15 estimates it (COM_eye_width,
/// with get_pdf_full, find_eye_width; its EW and T_O options): the equalised pulse is linearly
/// interpolated to S = samples_for_c2m samples per UI about the sampling point; the DFE cancels
/// b(n) h0 (clipped, 93A-26) over the whole UI of each post-cursor n (the UI from half a UI before
/// it), the cursor's UI is removed; for each of the S phases of the UI (the sampling point at the
/// centre sample) the PDF of the residual ISI of every UI but the record's first and last
/// (93A-39, 93A-40), the crosstalk PDF, a Gaussian of sigma_RJ sigma_X |h_J|, sigma_N and
/// sigma_TX out to 2 Q(DER_0) sigma, and the dual-Dirac PDF of A_DD h_J (h_J the phase's slopes,
/// 93A-28) are convolved (93A-41 ... 93A-45) and shifted to each level's signal R_LM h(t) a_l.
/// Each eye (between levels l and l + 1) is bounded by the lowest value of the upper level and the
/// highest of the lower level whose two-sided tail probability min(CDF, 1 - CDF) exceeds DER_0.
struct ComEye {
  /// EW_UI_est per eye (L - 1 values, lowest eye first): the left plus right width at the eye's
  /// mid level (crossings linearly interpolated between contour samples), floored to whole
  /// contour samples, / S [UI]
  std::vector<double> ew_ui;
  /// With t_o_mui > 0 (the reference's C2M VEO): the phases within +-floor(T_O/1000 S) samples of
  /// the centre are pooled (rectangle weights, the reference's default Histogram_Window_Weight),
  /// and VEO is the least opening over the eyes of the pooled PDFs' bounds [V]; 0 without.
  double veo_v = 0.0;
  /// The contour of the eye with the least opening at the centre: per phase its top and bottom [V].
  std::vector<double> top_v, bottom_v;
};

/// com_eye: pulse_v the victim's equalised pulse (CTLE, Tx and Rx FFE, no DFE), M samples per UI,
/// cursor its sampling point; crosstalk the aggressors' PDF on the COM grid (a delta without).
/// Throws std::invalid_argument when the window or the DFE's span leaves the record or the UI.
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]" (an eye with no ISI: widths against
/// the closed form) and tests/io/com_reference_code_test.cpp (against 4.15 under Octave).
ComEye com_eye(std::span<const double> pulse_v, std::size_t cursor, const ComPmf& crosstalk, const ComEyeSpec& spec);

/// The ISI and jitter sums of COM's figure of merit (93A.1.6) for one pulse through the CTLE and
/// many Tx FFE settings, without filtering the record per setting (the search asks for thousands
/// per CTLE). At the cursor's phase the FFE output's UI-spaced samples are
///   y(n) = sum_t c_t x(cursor + (n - a_t) M),  a_t = t - n_pre (x zero outside the record),
/// linear in the taps, so the ISI beyond the DFE (n > N_b) is the quadratic form
/// sum_{t,u} c_t c_u sum_n x_p(q + n - a_t) x_p(q + n - a_u) of the phase's UI-spaced samples x_p;
/// its inner sums are differences of suffix sums of lagged products, built once per phase used
/// (summed from the record's end, so the small tail is not a difference of large numbers). The
/// pre-cursors (n < 0, every one back to the record's start, as the reference code's FOM) and the
/// DFE's cursors (clipped: not quadratic, 93A-26, 93A-27) are formed per setting: y(n) in one pass
/// per tap over the phase's UI-spaced samples. The jitter slopes: ComSlopeSums. Equal to the
/// direct sums to rounding (y(n) as apply_tx_ffe's).
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]".
class ComFomSums {
 public:
  /// x: the pulse through the CTLE (no Tx FFE), samples_per_ui >= 1 per UI; FFE settings with at
  /// most n_pre pre-cursor and n_post post-cursor taps; cursors in [cursor_from, cursor_to) and
  /// n_b DFE taps (>= 0) expected (others are answered too, more slowly). x must outlive the queries.
  void reset(std::span<const double> x, int samples_per_ui, int n_pre, int n_post, std::size_t cursor_from,
             std::size_t cursor_to, int n_b);

  /// The FFE output y(i) = sum_t c_t x(i - a_t M) at samples i in [from, to) into out (its storage
  /// reused), x zero outside the record.
  void window(const TxFfe& ffe, long from, long to, std::vector<double>& out) const;

  struct Sums {
    /// sum over n != 0 of r(n)^2, r(n) = y(n) - b(n) h0 for 1 <= n <= N_b, else y(n): every
    /// pre-cursor from the record's start (n = -1 .. -floor(cursor / M)) and every post-cursor
    double isi_v2 = 0.0;
    /// isi_v2 is only the pre-cursors and the ISI beyond the DFE (n < 0 and n > N_b), already
    /// above isi_budget_v2: the setting cannot win, the rest was not computed.
    bool pruned = false;
  };
  /// The sums for the Tx FFE `ffe` with the cursor at sample `cursor` of the record (y(0) = h0 > 0,
  /// at least one UI after the record start), n up to the last with cursor + n M + 1 inside the
  /// record. b(n) = clamp(y(n)/h0, b_min[n-1], b_max[n-1]) for n = 1 .. N_b = b_max.size()
  /// (b_min.size() == N_b).
  /// With `floating` (802.3ck floating DFE taps; N_b = b_max.size() is then its N_f): the limits
  /// of taps floating->n_b + 1 .. N_f are 0 except at the groups com_floating_dfe_taps places for
  /// this setting's y(n), where they are -+bmaxg (the reference code's use_bmax/use_bmin).
  /// isi_budget_v2: when the pre-cursors and the ISI beyond the DFE alone exceed it, the result
  /// is `pruned`.
  /// Throws std::invalid_argument for an FFE with more taps than reset allowed.
  Sums evaluate(const TxFfe& ffe, std::size_t cursor, double h0, std::span<const double> b_min,
                std::span<const double> b_max, const ComFloatingDfe* floating = nullptr,
                double isi_budget_v2 = std::numeric_limits<double>::infinity());

 private:
  // Of the suffix sums S_d(j) = sum_{i >= j} x_p(i) x_p(i + d) only those the expected cursors
  // ask for are kept (the ISI sum starts N_b + 1 UI after the cursor and ends at the record's
  // end): a whole table per phase was megabytes of first-touched memory per pulse. They are
  // accumulated for all phases at once (x is [UI][phase]: contiguous across phases), each phase's
  // sum in the same order as alone.
  struct Phase {
    bool lane_built = false;
    std::size_t k = 0;             // UI-spaced samples of the phase inside the record
    std::size_t filled = 0;        // lane entries j < filled are in place (all: k + off_)
    std::vector<double> lane;      // lane[off_ + j] = x(j M + phase), zero outside the record
  };
  /// The phase's lane with at least its entries j < upto in place (the rest of the lane is filled
  /// as later calls need it: a FOM reads only the pre-cursors and the DFE's span).
  const Phase& lane(std::size_t phase, std::size_t upto);
  void build_suffix();
  double suffix(std::size_t phase, std::size_t lag, std::size_t j) const;  // S_lag(j) of the phase
  std::size_t near_lo_ = 0, near_n_ = 0, end_lo_ = 0, end_n_ = 0;
  std::vector<double> near_, end_;  // [lag][j - near_lo_ or j - end_lo_][phase]
  std::span<const double> x_;
  long off_ = 0;
  int m_ = 1, n_pre_ = 0, n_post_ = 0, n_b_ = 0;
  std::size_t cursor_from_ = 0, cursor_to_ = 0;
  std::vector<Phase> phases_;
  std::vector<double> y_;          // y(n) of the last query
  std::vector<double> lim_lo_, lim_hi_;  // the DFE limits with floating taps placed
};

/// The PDFs COM's A_ni is read from (93A.1.7), each on COM's voltage grid (step_v = 1.1 A_s /
/// min(1000, 1.1 A_s / 10 uV)) and summing to 1: at the chosen setting and sampling point.
struct ComPdfs {
  ComPmf isi;        ///< residual ISI after the DFE (93A-39, 93A-40)
  ComPmf jitter;     ///< dual-Dirac jitter, A_DD times the jitter slopes (93A-32's DD part)
  ComPmf noise;      ///< the Gaussian of sigma_TX, sigma_RJ and sigma_N (93A-41, 93A-42)
  ComPmf crosstalk;  ///< all aggressors convolved (93A-44); a delta at 0 without any
  ComPmf total;      ///< their convolution (93A-43 ... 93A-45), A_ni = com_noise_interference_v(total, DER_0)
};

/// What COM's A_ni at one sampling point needs besides the pulse (93A.1.7).
struct ComCursorSpec {
  int samples_per_ui = 32;        ///< M of the pulse record, >= 1
  int levels = 2;                 ///< L, >= 2
  double r_lm = 1.0;              ///< R_LM (A_s = R_LM h(0) / (L - 1))
  double der0 = 1e-5;             ///< DER_0, in (0, 1)
  double a_dd_ui = 0.0, sigma_rj_ui = 0.0;  ///< A_DD, sigma_RJ [UI], >= 0
  double sigma_tx_v = 0.0;        ///< sigma_TX (93A-30) at this point [V], >= 0
  double sigma_n_v = 0.0;         ///< sigma_N (93A-35) [V], >= 0
  /// The DFE's limits per tap relative to h(0) (93A-26: b(n) = clamp(h(n)/h(0), b_min, b_max)),
  /// N_b = b_max.size() taps (b_min.size() == N_b; +-infinity for an unlimited tap).
  std::vector<double> b_min, b_max;
};

/// COM at one sampling point and its figures (93A.1.7).
struct ComCursorResult {
  double h0_v = 0.0;     ///< h(0) = pulse_v[cursor] [V]
  double a_s_v = 0.0;    ///< A_s = R_LM h(0) / (L - 1) [V]
  double a_ni_v = 0.0;   ///< A_ni at DER_0 [V]
  double com_db = 0.0;   ///< 20 log10(A_s / A_ni)
  double step_v = 0.0;   ///< the voltage grid's step: y_max / min(floor(y_max / 10 uV), 1000), y_max = 1.1 A_s
  std::vector<double> dfe;  ///< b(1) ... b(N_b) (93A-26)
  /// rms of the residual ISI (every UI of the cursor's phase but the record's first and last),
  /// random and dual-Dirac jitter over the record's UI-spaced slopes (93A-32) [V]
  double sigma_isi_v = 0.0, sigma_rj_v = 0.0, sigma_dd_v = 0.0;
  ComPdfs pdfs;
};

/// COM's A_ni at sample `cursor` of pulse_v (the equalised pulse, no DFE, M samples per UI), as
/// com_case computes it for its chosen setting (the IEEE reference code 4.15's get_pdf): on the
/// grid of ComCursorResult::step_v, the PMFs (com_symbol_pmf) of the residual ISI after the
/// clipped DFE (93A-26, 93A-27; every UI-spaced sample of the cursor's phase but those in the
/// record's first and last UI, pre-cursors included; 93A-39, 93A-40), of the dual-Dirac jitter
/// A_DD h_J(n) (93A-28, every UI-spaced slope with 1 <= i <= N - 2), of a Gaussian of
/// sigma_TX^2 + sigma_RJ^2 + sigma_N^2 (93A-41, 93A-42, sigma_RJ = sigma_RJ_ui sigma_X (sum
/// h_J^2)^(1/2)) and of each aggressor's samples (93A-44: crosstalk_v[k], its UI-spaced samples at
/// its own phase), samples below 1e-3 y_max left out (Note 2 of 93A.1.7.1), convolved
/// (93A-43 ... 93A-45); A_ni = com_noise_interference_v(total, DER_0). Used by com_case and by the
/// statistical eye's COM PDF option (eye_analysis, EyePdf::com).
/// Throws std::invalid_argument for a cursor outside [M, N - M), h(0) <= 0 or a bad spec.
/// Tested by: tests/solvers/com_test.cpp "[solvers][com]" and, through com_case, against 4.15.
ComCursorResult com_at_cursor(std::span<const double> pulse_v, std::size_t cursor, const ComCursorSpec& spec,
                              std::span<const std::vector<double>> crosstalk_v = {});

/// The equalizer COM chose for a case.
struct ComEqualizer {
  double g_dc_db = 0.0;          ///< CTLE g_DC [dB]
  double g_dc2_db = 0.0;         ///< g_DC2 (802.3ck g_DC_HP) [dB]; 0 without
  TxFfe tx_ffe;                  ///< c(-n) ... c(0) ... c(n)
  std::vector<double> dfe;       ///< b(1) ... b(N_b), (93A-26)
  /// The Rx FFE (ffe_pre_tap_len, ffe_post_tap_len): n_pre = ffe_pre_tap_len, taps with a unit
  /// cursor tap; empty taps without one.
  TxFfe rx_ffe;
  std::vector<int> floating_taps;    ///< the floating DFE taps' numbers n (N_b < n <= N_f), ascending
  std::vector<double> floating_b;    ///< their coefficients b(n), within +-bmaxg
  /// Floating Rx FFE taps (802.3dj, N_bg with an Rx FFE): the post-cursor numbers n of the taps
  /// placed, ascending; their weights are rx_ffe.taps[n_pre + n] (rx_ffe then spans n_pre + 1 + N_f
  /// taps, 0 where no tap).
  std::vector<int> rx_ffe_floating_taps;
};

/// The result of one package case.
struct ComCaseResult {
  int package_case = 1;          ///< 1-based, as z_p select
  double com_db = 0.0;           ///< 20 log10(A_s / A_ni)
  double a_s_v = 0.0;            ///< A_s = R_LM h(0) / (L - 1)
  double a_ni_v = 0.0;           ///< A_ni at DER_0
  /// Vertical eye opening at DER_0 [V], the IEEE reference code 4.15's VEO_mV: 2 (A_s - A_ni)
  /// (negative when the eye is closed, COM < 0 dB); with PMD_type C2M and T_O > 0 the windowed
  /// opening of com_eye, and then A_ni = 2 A_s - VEO and COM = 20 log10(2 A_s / A_ni) as 4.15.
  double veo_v = 0.0;
  /// With EW (or PMD_type C2M): the eye width estimate per eye, EW_UI_est (com_eye) [UI]; empty without.
  std::vector<double> ew_ui;
  /// VEO_window_mUI: the T_O VEO was taken over [mUI] when the eye was estimated (0 at the
  /// sampling point); negative when EW is off (the reference reports it empty).
  double veo_window_mui = -1.0;
  double fom_db = 0.0;           ///< the figure of merit (93A-36) of the chosen equalizer
  ComEqualizer equalizer;
  double cursor_ui = 0.0;        ///< sampling point relative to the equalised pulse's peak [UI]
  double h0_v = 0.0;             ///< main cursor [V]
  /// The rms terms at the chosen setting [V]: ISI after the DFE, Tx noise (93A-30), random and
  /// dual-Dirac jitter (93A-32 parts), receiver noise (93A-35), crosstalk.
  double sigma_isi_v = 0.0, sigma_tx_v = 0.0, sigma_rj_v = 0.0, sigma_dd_v = 0.0, sigma_n_v = 0.0,
         sigma_xt_v = 0.0;
  std::size_t candidates = 0;    ///< CTLE x Tx FFE settings ranked
  PulseResponse pulse;           ///< the victim's equalised pulse (CTLE and Tx FFE, no DFE)
  ComPdfs pdfs;                  ///< the PDFs at the chosen setting (the HDF5 file's)
};

/// COM of one package case. thru.kind must be thru; aggressors fext or next. With an Rx FFE
/// (ffe_pre_tap_len, ffe_post_tap_len) its taps are chosen per CTLE and Tx FFE candidate by zero
/// forcing (com_rx_ffe_force) at the candidate's sampling point, candidates whose taps break the
/// limits are skipped, and the Rx FFE then filters the victim, the crosstalk (FEXT after the Tx
/// FFE, NEXT alone) and the receiver noise; with N_bg > 0 the DFE spans N_f taps, the floating
/// groups placed per candidate (com_floating_dfe_taps). Parameters the engine does not yet honour
/// (floating taps with an Rx FFE, ffe_backoff, ts_anchor other than 0-2, a sample_adjustment
/// without 0, RX_CALIBRATION, TDR_W_TXPKG, SHOW_BRD) throw std::invalid_argument naming them. ERL and ICN are computed beside the cases (solvers/com_erl.hpp, solvers/com_icn.hpp).
/// packages: the case's package cache (com_prepare_packages may have filled it); empty: one of
/// its own when there are aggressors.
ComCaseResult com_case(const ComParameters& p, int case_number, const ComPath& thru,
                       std::span<const ComPath> aggressors, PulseResponseEngine& engine,
                       std::shared_ptr<ComPackageCache> packages = {});

/// The sheet's features com_case refuses (empty when it can run): one text per parameter.
std::vector<std::string> com_unsupported(const ComParameters& p);

}  // namespace phylane::solvers
