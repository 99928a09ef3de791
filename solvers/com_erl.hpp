#pragma once
/// TDR and Effective Return Loss (ERL) of a channel's ports, IEEE 802.3 Annex 93A.5 (added by
/// IEEE 802.3cd-2018, amended by 802.3ck), as the IEEE reference code computes them (its get_TDR,
/// com_ieee8023_93a 4.x; docs/com.md "ERL and TDR" lists where phylane differs):
///
///  1. The port's reflection with the other port terminated, both ports renormalised from the data's
///     2 R_0 to 2 Z_t: Gamma = S'_pp of S' = (S - r I)(I - r S)^-1, r = (2 Z_t - 2 R_0)/(2 Z_t + 2 R_0)
///     (com_tdr_reflection).
///  2. The TDR source and receiver at the data frequencies: Gamma(f) H_t(f) H_r(f) with the Gaussian
///     edge H_t = exp(-2 (pi f T_r / 1.6832)^2) (93A-46 squared: the reference code's TDR edge,
///     T_r = TR_TDR) delayed by 500 ps + 3 T_r so the edge is causal, the receiver filter (93A-20,
///     4th-order Butterworth at f_r f_b; TDR_Butterworth) and optionally the raised-cosine taper from
///     f_r f_b to f_b (Tukey_Window).
///  3. Its impulse response as the reference code's s21_to_impulse_DC makes it: continued from the
///     data onto 0 ... M f_b / 2 by its interp_Sparam (ComSparamInterp, com_sparam_interp.hpp) at
///     about the data's frequency step, one inverse FFT, cut after the last sample above 1e-5 of the
///     peak; kept from t = T_r to the record's end, N UI after the fixture delay T_fx (N = 0:
///     TDR_duration times the time of the peak of the thru's SDD21 impulse response through the
///     Butterworth filter at 0.75 f_b, plus 500 ps: get_RAW_FIR). The step response rho(t) (running
///     sum) gives the TDR impedance 2 Z_t (1 + rho)/(1 - rho); the reflection pulse response PTDR(t)
///     is the response to a 1-UI rectangle (the sum of M consecutive impulse samples).
///  4. Gating and weighting (93A.5: the reflection weighting R_eff = PTDR G_loss G_rr): zero before
///     t_0 = T_fx + 3 T_r; from t_0 to t_k = t_0 + (N_bx + 1) UI, G_loss = 10^(beta_x (t - t_k)/20)
///     (beta_x > 0 and N_bx > 0) and G_rr = (1 + rho_x) rho_x exp(-(x - N_bx - 1)^2/(1 + N_bx)^2),
///     x = (t - t_0)/UI (Grr 0 or 1), or G_rr = rho_x (Grr 2, 802.3ck); after t_k 1 (Grr 1, 2) or
///     (1 + rho_x) rho_x (Grr 0).
///  5. ERL: of the M sampling phases, the one whose UI-spaced samples of R_eff have the largest
///     norm; the PDF of sum_n a_n R_eff(n), a_n on the L levels (93A-39, 93A-40; samples within one
///     bin of 0 dropped, bin = 10 x "PDF bin size"); ERL = -20 log10 |y| at the lowest y whose
///     cumulative probability reaches DER_0. No reflection at all gives ERL = +infinity.
/// Tested by: tests/solvers/com_erl_test.cpp "[solvers][com][erl]" and, against 4.15 itself,
/// tests/io/com_reference_code_test.cpp "TDR and ERL against the IEEE reference code 4.15".
#include <array>
#include <complex>
#include <span>
#include <vector>

#include "channels/network.hpp"
#include "solvers/com_parameters.hpp"

namespace phylane::solvers {

/// Step 1: the reflection at port `port` (0 or 1) of the 2-port S (referenced to z_data_ohm on both
/// ports) renormalised to z_new_ohm on both ports.
std::complex<double> com_tdr_reflection(const std::array<std::array<std::complex<double>, 2>, 2>& s, int port,
                                        double z_data_ohm, double z_new_ohm);

/// Step 4: the weight G_loss(t) G_rr(t) at each time t_s[i] [s] for fixture delay t_fx_s: the
/// reference code's gate (first index with t >= t_0 to the first with t > t_k, inclusive; before
/// it 0, after it the Grr mode's constant).
std::vector<double> com_erl_weight(std::span<const double> t_s, const ComParameters& p, double t_fx_s);

/// Step 5: ERL [dB] of a weighted reflection pulse R_eff (M samples per UI); +infinity when no
/// sample reaches the PDF's bin. best_phase receives the chosen phase (0 .. M - 1).
double com_erl_db(std::span<const double> weighted_pulse, const ComParameters& p, int* best_phase = nullptr);

/// One port's TDR and ERL.
struct ComTdrPort {
  int port = 1;                          ///< 1: the thru's input (Tx side), 2: its output (Rx side)
  double fixture_delay_s = 0.0;          ///< T_fx used
  std::vector<double> t_s;               ///< sample times from T_r [s]
  std::vector<double> tdr_ohm;           ///< TDR impedance 2 Z_t (1 + rho)/(1 - rho)
  std::vector<double> reflection_pulse;  ///< PTDR(t): reflection of a 1-UI pulse
  std::vector<double> weighted_pulse;    ///< R_eff(t) = PTDR G_loss G_rr
  double z_port_ohm = 0.0;               ///< average TDR impedance from 3 T_r, weights exp(-(t - t_1)/T_k)
  double erl_db = 0.0;                   ///< ERL (+infinity: no reflection)
  int best_phase = 0;                    ///< sampling phase of the ERL (0 .. M - 1)
};

/// TDR and ERL of both ports of a channel's differential 2-port `sdd` as measured (the data
/// frequencies, referenced to 2 R_0; at least 3 points, 52 when the first is above DC).
/// Throws std::invalid_argument for a 2-port that is not one, too few points, or a reflection the
/// reference code's interpolation refuses (its phase rising on average).
std::vector<ComTdrPort> com_tdr_erl(const ComParameters& p, const channels::Network& sdd);

}  // namespace phylane::solvers
