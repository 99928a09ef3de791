#pragma once
/// The MMSE receiver FFE of 802.3dj COM (docs/com.md "Rx FFE by MMSE"): the Rx FFE taps and the DFE
/// taps that jointly minimise the mean squared error at the detector, given the UI-spaced pulse at
/// the sampling phase and the autocorrelation of the noise at the FFE's input (receiver noise, Tx
/// noise, jitter and crosstalk), with the tap limits applied as the IEEE reference code
/// (com_ieee8023_93a 4.x, its function MMSE; the model of the 802.3dj draft's Annex 178A as
/// presented in Healey and Hegde, "Reference receiver framework for 200G/lane electrical interfaces
/// and PHYs", IEEE P802.3dj, Jan. 2024).
///
/// Model: the equaliser output for symbol x(0) is z = w^T y - b^T x_dfe, y the FFE's input
/// (y_k = sum_n h(n) x(k - n) + noise); with unit-power-normalised symbols (variance sigma_X^2)
/// the normalised MSE is
///   e(w, b) = w^T R w + 1 + b^T b - 2 w^T h0 - 2 w^T Hb^T b,   R = H^T H + R_n / sigma_X^2,
/// H the full convolution matrix of h (column j: h delayed j UI), h0 its row at the cursor (the
/// FFE's d_w pre-cursor taps delay it by d_w UI), Hb its N_b rows after the cursor, R_n the noise
/// autocorrelation at UI lags [V^2] (a Toeplitz matrix). Minimised subject to h0 w = 1 (unit
/// cursor at the FFE's output) by the Lagrange system
///   [ R   -Hb^T  -h0^T ] [w]   [h0^T]
///   [ -Hb   I      0   ] [b] = [ 0  ]
///   [ h0    0      0   ] [l]   [ 1  ]
/// Tested by: tests/solvers/com_mmse_test.cpp "[solvers][com]".
#include <span>
#include <vector>

#include "solvers/equalizer.hpp"

namespace phylane::solvers {

/// The limits of an MMSE Rx FFE and its DFE.
struct ComMmseSpec {
  int n_pre = 0, n_post = 0;           ///< ffe_pre_tap_len, ffe_post_tap_len (>= 0, not both 0)
  double pre_tap1_max = 0.7, post_tap1_max = 0.7, tapn_max = 0.7;  ///< ffe_*_max (>= 0)
  std::vector<double> b_min, b_max;    ///< DFE limits b(1..N_b), relative to the cursor (same length)
  int taps() const { return n_pre + 1 + n_post; }
};

struct ComMmseResult {
  bool solved = false;        ///< false: a linear system was singular (the candidate is dropped)
  std::vector<double> w;      ///< the FFE taps as solved and limited (h0 w ~ 1), [n_pre + 1 + n_post]
  std::vector<double> c;      ///< w scaled to a unit cursor tap (the reference code's C)
  std::vector<double> b;      ///< the DFE taps within b_min .. b_max (b_lim)
  /// The normalised MSE e(w, b) of the reference code: its b is the unlimited DFE solution
  /// (the joint solve's, or Hb w after the FFE limits), not b_lim (docs/com.md).
  double mse = 0.0;
  /// The reference code's figure of merit 20 log10(R_LM / (L - 1) / mse) [dB] (mse, a power, in a
  /// voltage ratio: kept as the reference computes it; it ranks the same as any decreasing
  /// function of mse).
  double fom_db = 0.0;
  /// With floating taps (com_rx_ffe_mmse_floating): the post-cursor numbers n of the floating
  /// taps, ascending (their taps are w[n_pre + n]); empty otherwise.
  std::vector<int> floating_taps;
};

/// Floating Rx FFE taps (802.3dj; the reference code 4.x's Floating_RXFFE, sheet keys N_bg, N_bf,
/// N_f, bmaxg): besides its n_pre + 1 + n_post fixed taps the FFE has n_bg groups of n_bf
/// consecutive taps placed on post-cursors n_post + 1 ... n_max, each limited to +-bmaxg times
/// the cursor tap.
struct ComMmseFloating {
  int n_bg = 0;         ///< N_bg: groups (>= 1)
  int n_bf = 6;         ///< N_bf: taps per group (>= 1)
  int n_max = 0;        ///< N_f: the last post-cursor a floating tap may take (>= n_post + n_bf)
  double bmaxg = 0.2;   ///< bmaxg: |tap| limit relative to the cursor tap
};

/// The MMSE Rx FFE for one sampling point. h: the UI-spaced samples of the pulse (after the Tx
/// FFE and CTLE) at the sampling phase, h[cursor] the sample at the sampling point, every sample
/// of the record before and after it; noise_r: R_n(d), d = 0 ... taps() - 1 [V^2]; var_x =
/// sigma_X^2 (93A-29). Steps, as the reference code:
///  1. solve the Lagrange system above for w, b;
///  2. b_lim = clamp(b, b_min, b_max); if it differs, w is re-solved with b fixed at b_lim:
///     [R -h0^T; h0 0] [w; l] = [h0^T + Hb^T b_lim; 1];
///  3. w_lim(i) = min(wmax(i) w_c, max(wmin(i) w_c, w(i))), w_c the cursor tap, wmax/wmin
///     +-ffe_pre_tap1_max / ffe_post_tap1_max next to the cursor, +-ffe_tapn_max beyond, 1 at it;
///     if it differs: w_lim /= h0 w_lim, b = Hb w_lim, b_lim = clamp(b), w re-solved as in 2 and
///     limited once more as in 3;
///  4. c = w / w_c; mse and fom_db as ComMmseResult says.
/// The tap step, ffe_main_cursor_min and ffe_backoff play no part (the reference's MMSE path
/// neither quantises nor checks the taps). h_lags (optional): the lag products of the whole
/// sequence, com_lag_products(h_all, taps()); h may then be only the samples from cursor - n_post
/// to cursor + n_pre + N_b (the rows of h0 and Hb), the others being unused. Throws
/// std::invalid_argument for inconsistent sizes.
ComMmseResult com_rx_ffe_mmse(std::span<const double> h, std::size_t cursor, std::span<const double> noise_r,
                              double var_x, double r_lm, int levels, const ComMmseSpec& spec,
                              std::span<const double> h_lags = {});

/// The MMSE Rx FFE with floating taps, as the reference code 4.x (com_ieee8023_93a 4.15, its
/// functions MMSE, FOM_rxffe_floating_taps and MMSE_FOM; RXFFE FLOAT CTL = FOM, its default).
/// The FFE spans Nw = n_pre + 1 + n_max taps (tap j multiplies h(cursor + n_pre - j)); a tap set
/// (the fixed taps and the floating ones chosen) is solved on its columns of H alone:
///  1. [R -Hb^T; -Hb I] z = [h0^T; 0], s = h0 z_w, w = z_w / s, b = z_b / s (the Lagrange solution
///     of ComMmseResult's system, written as the reference writes it);
///  2. b_lim = clamp(b, b_min, b_max); if it differs, w from [R -h0^T; h0 0] [w; l] =
///     [h0^T + Hb^T b_lim; 1];
///  3. w_lim(i) = min(wmax(i) w_c, max(wmin(i) w_c, w(i))) with the fixed taps' limits of
///     com_rx_ffe_mmse and +-bmaxg for floating taps; if it differs: w_lim /= h0 w_lim and
///     b_lim = clamp(Hb w_lim) (no re-solve);
///  4. sigma_e = sqrt(sigma_X^2 e), e = w^T R w + 1 + b_lim^T b_lim - 2 w^T h0^T - 2 w^T Hb^T b_lim,
///     FOM = 20 log10(R_LM / (L - 1) / sigma_e).
/// The groups are placed greedily: for group g = 1 ... n_bg every start l still free on
/// post-cursors n_post + 1 ... n_max - n_bf + 1 is tried with the groups already placed, the best
/// FOM (first of equals) wins; the chosen start's list entries (this and the next n_bf - 1 of
/// the remaining list) and the n_bf - 1 starts before it are removed. If no start is left, fewer
/// groups are placed. The chosen set is solved once more (steps 1-4) for the result: w and c
/// over the whole span (0 where no tap), b = b_lim, mse = e, fom_db = FOM, floating_taps.
/// h: as com_rx_ffe_mmse, holding at least cursor - n_max ... cursor + n_pre + N_b; noise_r and
/// h_lags (optional, the lag products of the whole sequence): Nw lags. Throws
/// std::invalid_argument for inconsistent sizes or n_max < n_post + n_bf.
ComMmseResult com_rx_ffe_mmse_floating(std::span<const double> h, std::size_t cursor, std::span<const double> noise_r,
                                       double var_x, double r_lm, int levels, const ComMmseSpec& spec,
                                       const ComMmseFloating& floating, std::span<const double> h_lags = {});

/// s[l] = sum_k v(k) v(k + l), l = 0 ... lags - 1 (v zero outside its span): the full
/// autocorrelation of a UI-spaced sequence.
void com_lag_products(std::span<const double> v, int lags, std::vector<double>& s);

/// The autocorrelation at UI lags d = 0 ... lags - 1 of v filtered by the UI-spaced FIR `fir`
/// (y(k) = sum_t c_t v(k - t)), from v's own: r(d) = sum_{t,u} c_t c_u s(|d + t - u|). s must
/// hold at least lags + fir.taps.size() - 1 values (empty taps: y = v).
void com_filtered_autocorrelation(std::span<const double> s, const TxFfe& fir, int lags, std::vector<double>& r);

}  // namespace phylane::solvers
