#pragma once
/// Pulse response of a link from its transfer function H(f): the received waveform of one isolated
/// transmitted symbol, sampled at samples_per_ui points per unit interval, computed by one inverse
/// real FFT (FFTW) on a frequency grid chosen so the impulse response cannot wrap around.
///
/// Model. The transmitter sends a rectangle of one UI and height A (the swing convention: a
/// symbol of value +1 leaves the transmitter at +A volts, -1 at -A; A is the peak amplitude,
/// half the peak-to-peak swing, e.g. COM's A_v), starting at t = 0. It passes through
///   X(f) = A * R(f) * H_tx(f) * H(f) * H_rx(f) * H_ctle(f),
///   R(f) = UI sinc(f UI) e^{-j pi f UI}        (exact spectrum of the 1-UI rectangle on [0, UI))
/// and p(t) = integral X(f) e^{j 2 pi f t} df is sampled at dt = UI / samples_per_ui.
///
/// Grid and window rules (docs/pulse_and_equalizers.md has the reasoning):
///  1. fmax = samples_per_ui * baud / 2 (the Nyquist frequency of the samples); bins k = 0..N/2 at
///     f_k = k df with df = 1 / (N dt): the period is T = N dt.
///  2. The channel delay d is estimated as the median group delay -d(arg H)/d(omega), measured by
///     a 1e-4*baud finite difference at 16 frequencies from 0.05 to 0.5 baud (robust to the
///     ripple of reflections; exact for a pure delay), unless given.
///  2b. The bulk delay is removed before the transform: H(f) e^{+j 2 pi f tau} with
///     tau = dt floor(max(0, d - precursor_ui UI) / dt), a whole number of samples, so the samples
///     fall at the same times as they would with the delay kept (only the period, hence the FFT,
///     shrinks: a 43 in backplane's 6 ns flight is 160 UI at 25.8 GBd that no longer has to fit in
///     the period). start_time_s adds tau back.
///  3. N is the smallest even 2^a 3^b 5^c with
///     N dt >= max(d - tau + record + margin, 2 d + record, min_period), margin = max(16 UI, record / 4):
///     the record, and the first echo (reflected at both ends, 2 d after the main arrival) inside
///     the period, ahead of or in the wrap witness, not folded onto the record. The witness assumes
///     the tail decays beyond it; later echoes are smaller by the round trip's loss and reflections.
///  4. DC bin: H(0) must be real (|Im| <= 1e-9 |H(0)| + 1e-12) and its real part is used; the
///     Nyquist bin's real part is used (the symmetric band-limited convention; for even
///     samples_per_ui R(fmax) = 0 anyway).
///  5. After the IFFT the peak sample is the main cursor. The record starts precursor_ui UI before
///     it and holds record_ui UI (read circularly, so times before t = 0, where the zero-phase Tx
///     edge filter puts part of the rising edge, come from the end of the period).
///  6. Wrap-around check: the tail folds back as p(t + T) onto the record, at most as large as the
///     tail at any earlier time. The witness is the third quarter of the gap between record end
///     and record start (circularly: from gap/2 to 3 gap/4 after the record end, >= 1 UI long),
///     which holds the tail at times before T + record start and stays gap/4 >= 4 UI clear of the
///     record start, where a zero-phase (non-causal) Tx edge puts its lead. Its largest |sample|
///     must be <= wrap_tolerance times the peak |sample|; otherwise N is doubled (to the next
///     2^a 3^b 5^c; H is then evaluated only at the new odd bins) and the check repeated, up to
///     max_fft_size (then std::runtime_error with the measured ratio). For a tail that decays
///     monotonically the aliasing error in the record is then below ~2 wrap_tolerance of the peak
///     (the folds p(t + mT), m >= 1, are each below the witness; a t^{-3/2} skin-effect tail sums
///     to < 2x the first). An amplitude criterion rather than an energy fraction: it maps directly
///     to the error of a sample, independently of the witness length and the pulse width.
///  6b. Relative to the record. The record drops the tail after its end; with tail_end the largest
///     |sample| of the record's last 4 UI over the peak, the witness passes at
///     max(wrap_tolerance, min(tail_end / record_ui, 1e-3)) (wrap_relative_to_record): summed over
///     the record at one sample per UI, as an eye phase sees it, the folds are then below the one UI
///     of tail the record already leaves out. A channel whose pulse has decayed by the record's end
///     (a modelled line) keeps wrap_tolerance; tabulated data ringing at 1e-5 out to their 1/df
///     (measured backplanes and cables, whose records end on tails of 0.4-3 % of the peak) stop
///     doubling once the folds are that small.
///  8. Negligible bins (passive_channel only). With |H| <= 1, |X(f)| <= B(f) = A |H_tx(f)| |H_rx(f)| / (pi f)
///     (|R(f)| <= 1/(pi f)). The highest bins whose bound sums to 2 df sum B <= 1e-12 A can move no
///     sample by more than 1e-12 A (times the CTLE's gain there, <= 1 for COM's CTLEs): H is not
///     evaluated there and X is 0. At 32 samples per UI with a 0.2 UI Tx edge that is over half
///     the grid of a modelled channel.
///  8b. Bins above zero_above_hz (a channel that is exactly 0 there, e.g. Touchstone data tapered
///     to 0 above their band) are not evaluated either: X is 0 there whatever H's evaluation
///     would cost (a 40 GHz file at 32 samples per UI: a third of the bins rule 8 keeps).
///  7. Split for slow tails. When the first witness fails, the pulse is split as p = p_A + p_B with
///     X = X (1 - W) + X W, W(f) = exp(-(f/f_g)^2 / 2), f_g = baud / 32 (0 above 7.5 f_g). In time
///     p_B = p * g is the pulse smoothed by a Gaussian of sigma = 5.1 UI: it carries the slow tail
///     (skin effect, dielectric, DC extrapolation of measured data: tails of 1e-3 of the peak after
///     100 UI that need periods of thousands of UI), while p_A = p - p_B keeps the fast part and
///     decays within a short period. p_A is transformed on the short grid (rule 3, doubled by its
///     own witness); p_B on a long period (first 8 short periods, doubled by its witness, the same
///     rule 6 on its own gap) sampled only every decim samples (>= 4 per UI, decim | samples_per_ui;
///     p_B's band ends at 0.23 baud) and interpolated between by six-point Lagrange (error < 1e-8
///     of p_B). Each part meets the wrap tolerance, so the sum is within ~2 wrap_tolerance of the
///     exact pulse, as without the split; H is evaluated on the short grid and at the long grid's
///     low bins instead of the whole long grid (a 43 in backplane: 3 k + 2 k points instead of
///     20 k, a 1.2 k point FFT instead of 368 k per CTLE).
///
/// Accuracy. The result is exactly the band-limited (|f| <= fmax) pulse: the only approximation
/// is dropping X beyond fmax. For physical channels (line loss, Tx edge and Rx filters) that is
/// below 1e-12; a channel that only rolls off as 1/f (a bare RC) leaves an error of at most
/// 2 A f_c / (pi fmax) at the two kinks of its pulse, decaying as 1/n^2 away from them.
///
/// Threading: one PulseResponseEngine per thread. FFTW plans are created through
/// fftw_planner_mutex(), which every FFTW user in phylane must take around plan creation and
/// destruction (the FFTW planner is not thread-safe; executing plans is).
/// Tested by: tests/solvers/pulse_response_test.cpp "[solvers][pulse]".
#include <complex>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "channels/transfer_function.hpp"
#include "channels/filters.hpp"
#include "solvers/pulse.hpp"

namespace phylane::solvers {

// The channel's H(f) and the one way each kind of channel produces it live in channels/.
using channels::TransferFunction;
using channels::composed_transfer_function;
using channels::copper_transfer_function;
// The Tx and Rx filter models (channels/filters.hpp), used by every engine here.
using channels::com_ck_ctle_family;
using channels::com_ctle_family;
using channels::Ctle;
using channels::CtleType;
using channels::integrated_noise_sigma_v;
using channels::integrated_noise_sigmas_v;
using channels::NoisePsd;
using channels::parse_rx_filter_type;
using channels::RationalFilter;
using channels::RxFilter;
using channels::RxFilterType;
using channels::to_string;
using channels::TxEdgeFilter;

struct PulseResponseOptions {
  double symbol_rate_baud = 0.0;  ///< symbols per second [Bd], > 0
  int samples_per_ui = 32;        ///< >= 2, even
  double tx_swing_v = 1.0;        ///< peak amplitude A of symbol +1 at the transmitter [V], > 0
  TxEdgeFilter tx_edge;           ///< Tx edge (rise-time) filter; default none
  RxFilter rx_filter;             ///< receiver front-end filter; default none
  Ctle ctle;                      ///< CTLE; default none
  int record_ui = 100;            ///< record length [UI], >= 2
  int precursor_ui = 8;           ///< UI kept before the main cursor, 1 <= precursor_ui < record_ui
  double wrap_tolerance = 1e-5;   ///< largest witness sample / peak allowed (rule 6), (0, 1)
  /// Rule 6b: the witness may also reach (tail at the record's end) / record_ui, up to 1e-3:
  /// the folds then add less to the record than the one UI of tail it already leaves out.
  /// false: wrap_tolerance alone.
  bool wrap_relative_to_record = true;
  double delay_s = -1.0;          ///< channel delay [s]; < 0: estimated (rule 2)
  double min_period_s = 0.0;      ///< lower bound on the FFT period [s], >= 0
  std::size_t max_fft_size = std::size_t{1} << 24;  ///< cap on N, >= 64
  /// |H(f)| <= 1 everywhere (a passive channel's S21): H is not evaluated where rule 8 bounds the
  /// spectrum below 1e-12 of the Tx amplitude. false: H on every bin.
  bool passive_channel = false;
  /// H(f) is exactly 0 above this frequency [Hz] (rule 8b: a channel whose Touchstone data are
  /// tapered to 0 above their band, ComposedChannel::zero_above_hz); H is not evaluated there.
  /// > 0; infinity: H on every bin rule 8 keeps.
  double zero_above_hz = std::numeric_limits<double>::infinity();
};

/// A pulse response and how it was computed.
struct PulseResult {
  PulseResponse pulse;            ///< main_index = precursor_ui * samples_per_ui (the peak)
  /// Time of samples_v[0] after the start of the transmitted 1-UI rectangle [s] (may be < 0).
  double start_time_s = 0.0;
  double delay_estimate_s = 0.0;  ///< the delay used to size the grid [s]
  std::size_t fft_size = 0;       ///< N
  double freq_step_hz = 0.0;      ///< df = 1 / period
  double period_s = 0.0;          ///< T = N dt
  double wrap_amplitude_ratio = 0.0;  ///< largest witness |sample| / peak on the final grid (rule 6)
  double wrap_energy_fraction = 0.0;  ///< witness energy / energy of the period (diagnostic)
  int doublings = 0;              ///< period doublings (and the split of rule 7) this call needed
  double low_band_period_s = 0.0; ///< rule 7: period of the low band's transform [s]; 0 when not split
  double dc_gain = 0.0;           ///< H(0) H_ctle(0) (H_tx(0) = H_rx(0) = 1)
};

class PulseResponseEngine;

/// A CTLE family whose members are affine in one gain g at fixed poles:
///   H_g(f) = (g a(f) + b(f)) / d(f),  a(f) = sum_k a_k (j f)^k,  b(f) = sum_k b_k (j f)^k,
///   d(f) = prod_i (1 - j f / p_i)  (RationalFilter's denominator),
/// so every member's pulse is g p_a + p_b (the transform is linear): PulseResponseEngine computes
/// p_a and p_b once per channel and grid, and each member as their combination.
struct AffineCtle {
  std::vector<double> a, b;                    ///< coefficients of (j f)^0, (j f)^1, ...
  std::vector<std::complex<double>> poles_hz;  ///< Re < 0, in the order of the family's Ctle
  /// IEEE 802.3 Annex 93A eq. (93A-22), Ctle::com: (G + j f/f_z) / ((1 + j f/f_p1)(1 + j f/f_p2))
  /// with g = G = 10^{g_DC/20}: a = 1, b = j f / f_z.
  static AffineCtle com(double f_z_hz, double f_p1_hz, double f_p2_hz);
  /// The 802.3ck form (Ctle::com_ck) at a fixed G2 = 10^{g_DC2/20}, g = G:
  /// a = G2 + j f/f_LF, b = (j f/f_z)(G2 + j f/f_LF), poles -f_p1, -f_p2, -f_LF.
  static AffineCtle com_ck(double g_dc2_db, double f_z_hz, double f_p1_hz, double f_p2_hz, double f_lf_hz);
  /// The family of a Ctle of type com or com_ck (its member is g = 10^{g_DC/20}); nullopt for
  /// other types.
  static std::optional<AffineCtle> family_of(const Ctle& ctle);
  bool operator==(const AffineCtle&) const = default;
};

/// The channel evaluated on a grid, with everything but the CTLE applied:
/// A R(f) H_tx(f) H(f) H_rx(f) at f_k = k df, k = 0..N/2. Made by PulseResponseEngine::prepare;
/// reused for many CTLE settings (one multiply and one IFFT each). The engine may enlarge the grid
/// (rule 6), re-evaluating H through the stored TransferFunction.
class ChannelSpectrum {
 public:
  const PulseResponseOptions& options() const { return opt_; }
  std::size_t fft_size() const { return n_; }
  double freq_step_hz() const { return df_; }
  double fmax_hz() const { return 0.5 * opt_.samples_per_ui * opt_.symbol_rate_baud; }
  double delay_estimate_s() const { return delay_s_; }
  double removed_delay_s() const { return removed_delay_s_; }  ///< rule 2b
  std::span<const double> freq_hz() const { return f_; }
  std::span<const std::complex<double>> spectrum() const { return x_; }  ///< [V/Hz]

 private:
  friend class PulseResponseEngine;
  TransferFunction h_;
  PulseResponseOptions opt_;
  std::size_t n_ = 0;
  double df_ = 0.0, delay_s_ = 0.0;
  std::size_t used_bins_ = 0;  // bins 0 .. used_bins_ - 1 hold every nonzero x_
  std::size_t evaluated_bins_ = 0;  // H evaluated on bins [0, evaluated_bins_) (rule 8: the rest 0)
  // X df (1 - W) / D(f) for the CTLE poles last used, on this grid (a CTLE family shares its poles).
  std::vector<std::complex<double>> x_over_den_;
  std::vector<std::complex<double>> den_poles_;
  std::size_t den_n_ = 0;
  // Rule 7 (split): the low band on the long period of low_n_ * decim_ samples.
  bool split_ = false;
  std::size_t decim_ = 1;      // fine samples per sample of the low band's transform
  std::vector<double> high_w_; // 1 - W(f_k) on the short grid
  std::size_t low_n_ = 0;      // size of the low band's transform (coarse samples per long period)
  double low_df_ = 0.0;
  std::vector<double> low_f_;
  std::vector<std::complex<double>> low_h_;  // H e^{+j 2 pi f tau} at low_f_
  std::vector<std::complex<double>> low_x_;  // X W at low_f_
  double removed_delay_s_ = 0.0;  // rule 2b: hraw_ and x_ are H(f) e^{+j 2 pi f tau}
  std::vector<double> f_;
  std::vector<std::complex<double>> hraw_;  // H(f_k) as returned by h_, times e^{+j 2 pi f_k tau}
  std::vector<std::complex<double>> x_;
  std::size_t version_ = 0;  // changes whenever the grid, the split or the low band changes
  // The two pulses of an AffineCtle family over the period (and the low band's, when split) on
  // the grid of version aff_version_.
  AffineCtle aff_;
  std::size_t aff_version_ = 0;
  bool aff_valid_ = false, aff_low_valid_ = false;
  std::vector<double> aff_t_a_, aff_t_b_, aff_low_a_, aff_low_b_;
  std::vector<double> aff_v_a_, aff_v_b_;  // split: the whole pulses a and b (high + low band)
};

/// Owns FFTW plans (one per transform size, created once, reused by every later call of that
/// size) and scratch buffers. Not copyable; movable. Not for concurrent use: one per thread.
class PulseResponseEngine {
 public:
  PulseResponseEngine();
  ~PulseResponseEngine();
  PulseResponseEngine(const PulseResponseEngine&) = delete;
  PulseResponseEngine& operator=(const PulseResponseEngine&) = delete;
  PulseResponseEngine(PulseResponseEngine&&) noexcept;
  PulseResponseEngine& operator=(PulseResponseEngine&&) noexcept;

  /// The pulse response with opt.ctle. Throws std::invalid_argument on bad options (naming the
  /// field, value and rule) or a complex H(0), std::runtime_error when no period up to
  /// max_fft_size passes the wrap-around check.
  PulseResult compute(const TransferFunction& h, const PulseResponseOptions& opt);
  /// Evaluates the channel on the grid of rules 1-3 (opt.ctle is ignored here).
  ChannelSpectrum prepare(const TransferFunction& h, const PulseResponseOptions& opt);
  /// The pulse response of a prepared channel with the given CTLE (may enlarge its grid). A com or
  /// com_ck CTLE goes through its AffineCtle family (below): an equalizer search over g_DC then
  /// costs two transforms per family and channel instead of one per setting.
  PulseResult compute(ChannelSpectrum& spectrum, const Ctle& ctle);
  /// The same for the member g of an AffineCtle family, as g p_a + p_b: the first call for a
  /// family (and each call after the grid grew) transforms a and b, later ones only combine
  /// them. The grid decisions (rules 6, 7) are taken on the combination, so the result equals
  /// compute(spectrum, member) to rounding; the spectrum keeps 2 N doubles for the family (4 N when split).
  PulseResult compute(ChannelSpectrum& spectrum, const AffineCtle& family, double g);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  // The loop of rules 5-7: bands() gives the pulse on s's current grid (see Bands in the .cpp);
  // dc_response is H_ctle(0).
  struct Bands;
  PulseResult run(ChannelSpectrum& s, const std::function<Bands()>& bands, double dc_response);
  // total[0 .. n) += the low band (coarse samples low, split only) interpolated to the short
  // period's samples at their times (rule 7).
  void add_low_band(const ChannelSpectrum& s, const double* low, double* total);
  // The transforms of one CTLE on s's current grid, into the engine's buffers: the short period's
  // (split: the high part) and the low band's. The numerator is rational's own, or the
  // polynomial in j f when poly is given (rational then gives the denominator only).
  const double* transform_high(ChannelSpectrum& s, const RationalFilter& rational, const std::vector<double>* poly);
  const double* transform_low(ChannelSpectrum& s, const RationalFilter& rational, const std::vector<double>* poly);
  void evaluate(ChannelSpectrum& s, std::size_t n);
  void evaluate_low(ChannelSpectrum& s, std::size_t coarse_n);
  static void split_weights(ChannelSpectrum& s);
};

/// Smallest even 2^a 3^b 5^c >= n (n >= 1).
std::size_t next_fft_size(std::size_t n);

/// The lock every FFTW user in phylane takes around fftw_plan_* and fftw_destroy_plan.
std::mutex& fftw_planner_mutex();

}  // namespace phylane::solvers
