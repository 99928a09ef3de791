#pragma once
/// The 802.3ck/dj receiver pieces of COM beyond the 802.3bj receiver (docs/com.md "Rx FFE" and
/// "Floating DFE taps"), as the IEEE reference code (com_ieee8023_93a_*.m) computes them:
///
/// - floating DFE tap groups (802.3ck: N_bg groups of N_bf taps anywhere from tap N_b + 1 to N_f,
///   each coefficient limited to bmaxg): placed where the bmaxg-limited taps remove the most ISI
///   energy, by the reference code's group search (its findbankloc/floatingDFE);
/// - the receiver FFE (ffe_pre_tap_len, ffe_post_tap_len) chosen by zero forcing per Tx FFE and
///   CTLE candidate (the reference code's `force`, its FFE_OPT_METHOD other than MMSE), its tap
///   limits (RXFFE_Illegal), and the noise it filters (93A-35 with the FFE's response).
/// Tested by: tests/solvers/com_receiver_test.cpp "[solvers][com]".
#include <span>
#include <vector>

#include "solvers/equalizer.hpp"
#include "solvers/pulse_response.hpp"

namespace phylane::solvers {

/// Floating DFE groups (N_bg > 0). Taps are numbered as the DFE's: tap n cancels h(n), n >= 1.
struct ComFloatingDfe {
  int n_b = 0;        ///< N_b: fixed taps 1 .. N_b (limits b_max/b_min)
  int n_f = 0;        ///< N_f: the last tap a group may reach
  int n_bf = 0;       ///< N_bf: taps per group (>= 1)
  int n_bg = 0;       ///< N_bg: groups (>= 1)
  double bmaxg = 0.2; ///< bmaxg: |b(n)| limit of a floating tap (>= 0)
};

/// The floating taps for the post-cursors h(1) ... : post[n - 1] = h(n) (at least N_f values;
/// fewer are read as zeros), cursor h(0) = cursor_v. The reference code's search over the group
/// start positions s in N_b + 1 ... N_f - N_bf + 1: each start's gain is the ISI energy a group
/// there would remove, sum over its taps of h^2 - max(0, |h| - bmaxg h(0))^2; per group the start
/// of the largest gain (ties to the earlier) wins, with the reference code's rules for groups
/// that would overlap a chosen one (a start less than N_bf before a chosen group is dropped, a
/// start exactly N_bf before is taken next) and its shortcut (when the (N_bg - 1) N_bf + 1 best
/// starts are the first ones, the groups are N_b + 1 ... N_b + N_bg N_bf). Returns the N_bg N_bf
/// tap numbers, ascending. Throws std::invalid_argument when the groups cannot fit
/// (N_f - N_b < N_bg N_bf) or a count is below 1.
std::vector<int> com_floating_dfe_taps(std::span<const double> post, double cursor_v, const ComFloatingDfe& f);

/// A receiver FFE: taps[cmx] is the cursor tap; tap i weights the input (i - cmx) UI later
/// (y(t) = sum_i c_i x(t - (i - cmx) UI), the reference code's FFE()).
struct ComRxFfeSpec {
  int n_pre = 0, n_post = 0;             ///< ffe_pre_tap_len, ffe_post_tap_len
  double main_cursor_min = 1.0;          ///< ffe_main_cursor_min
  double pre_tap1_max = 0.7, post_tap1_max = 0.7, tapn_max = 0.7;  ///< ffe_*_max
  double step = 0.0;                     ///< ffe_tap_step_size (0: continuous)
  int taps() const { return n_pre + n_post + 1; }
};

/// The zero-forcing Rx FFE of the reference code (`force`): for the UI samples h(k) of the pulse
/// at the cursor's phase, k = -T ... T (h[k + T]; T = taps(), zeros outside the record), the taps
/// c solving sum_i c_i h(j - i + n_pre) = f(j) for j = -n_pre ... n_post: f(0) = h(0), f(1) =
/// sign(h(1)) min(b1_max h(0), |h(1)|) when the DFE has a first tap (dfe) and n_post > 0, else 0
/// (the DFE takes that post-cursor), all others 0; then scaled to a unit cursor tap and, with a
/// step, each tap rounded towards zero to a multiple of it. Empty when the system is singular.
std::vector<double> com_rx_ffe_force(std::span<const double> h, const ComRxFfeSpec& spec, bool dfe, double b1_max);

/// The reference code's tap limits (RXFFE_Illegal): false when the cursor tap is below
/// main_cursor_min, |c(1)| above post_tap1_max, |c(-1)| above pre_tap1_max, or any further tap
/// above tapn_max.
bool com_rx_ffe_legal(std::span<const double> c, const ComRxFfeSpec& spec);

/// Two UI-spaced filters in cascade (Tx FFE, then Rx FFE with rx_pre taps before its cursor):
/// their convolution, n_pre = a.n_pre + rx_pre.
TxFfe com_cascade_ffe(const TxFfe& a, std::span<const double> rx, int rx_pre);

/// out[i] = sum_t c_t in[i - (t - n_pre) M], samples outside the record 0 (apply_tx_ffe without
/// its sum |c| = 1 requirement: an Rx FFE has a unit cursor tap). main_index unchanged.
void com_apply_fir(const PulseResponse& in, const TxFfe& fir, PulseResponse& out);

/// The receiver noise's autocorrelation at UI lags through the Rx filter and CTLE (93A-35 with an
/// Rx FFE: sigma_N^2 = eta_0 int |H_r H_ctf H_ffe|^2 df = sum_{i,j} c_i c_j r(|i - j|)):
/// r(d) = eta_0 int_0^fmax |H_r(f) H_ctf(f)|^2 cos(2 pi d f / f_b) df, d = 0 ... lags - 1 (with
/// rc on, H_r times rc's response, and the integral ends at rc.end_hz).
/// 8-point Gauss-Legendre panels, f_b/64 wide (narrower below 8x the lowest filter corner).
/// The raised-cosine Rx filter of the reference code 4.x (its Raised_Cosine, Tukey_Window between
/// RC_Start and RC_end): 1 below start_hz, (1 + cos(pi (f - start) / (end - start))) / 2 between,
/// 0 above end_hz. off(): end_hz <= start_hz, no filter (H = 1).
struct ComRaisedCosine {
  double start_hz = 0.0, end_hz = 0.0;
  bool on() const { return end_hz > start_hz; }
  double response(double f_hz) const;
};

std::vector<double> com_noise_autocorrelation(double eta0_v2_per_hz, const RxFilter& rx, const Ctle& ctle,
                                              double fmax_hz, double f_b_baud, int lags,
                                              const ComRaisedCosine& rc = {});

}  // namespace phylane::solvers
