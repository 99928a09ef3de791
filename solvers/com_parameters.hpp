#pragma once
/// A Channel Operating Margin (COM) parameter set: the values of an IEEE 802.3 COM configuration
/// sheet (the spreadsheet that drives the IEEE reference code; Annex 93A, Tables 93A-1, 93A-3 and
/// 92-12, and the amendments' additions). io/com_sheet.hpp reads them from a TOML sheet whose keys
/// are the spreadsheet's parameter names. Every field is in SI (Hz, Bd, F, H, m, ohm, s, V, V^2/Hz,
/// as its suffix says; dB, UI and ratios as named); its comment gives the sheet's name and the
/// sheet's unit, which the reader converts from. Per-side pairs are {Tx, Rx}, as the sheet's
/// "[TX RX]".
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "channels/com_package.hpp"

namespace phylane::solvers {

/// Which package of a case: the victim transmitter's, a NEXT or FEXT aggressor transmitter's, or
/// the receiver's (the sheet's z_p (TX), z_p (NEXT), z_p (FEXT), z_p (RX)).
enum class ComPackageRole { tx, next, fext, rx };

struct ComParameters {
  std::string name;    ///< sheet title ([sheet] name)
  std::string source;  ///< where the values come from ([sheet] source)

  // Table 93A-1: signalling, frequency grid
  double f_b_baud = 0.0;                ///< f_b [GBd]
  std::optional<double> f_min_hz;       ///< f_min [GHz]: lowest frequency the channel data should start at
  double delta_f_hz = 0.0;              ///< Delta_f [GHz]: frequency step
  int levels = 2;                       ///< L
  int samples_per_ui = 32;              ///< M

  // Device and package (93A.1.2), per side {Tx, Rx}
  std::array<std::vector<double>, 2> c_d_f;   ///< C_d [nF], one per die section ("[TX RX]" or "[TX ; RX]" rows)
  std::array<std::vector<double>, 2> l_s_h;   ///< L_s [nH], as C_d (802.3ck/dj); empty when not given
  std::array<double, 2> c_b_f{};              ///< C_b [nF] (802.3ck/dj); 0 when not given
  std::array<double, 2> c_p_f{};              ///< C_p [nF]
  double r0_ohm = 50.0;                       ///< R_0 [Ohm]
  std::array<double, 2> r_d_ohm{};            ///< R_d [Ohm]
  std::vector<int> z_p_select;                ///< z_p select: package cases to run, 1-based
  /// z_p (TX), (NEXT), (FEXT), (RX) [mm]: [case][segment] (the sheet's columns are cases, its
  /// rows segments); every role has the same number of cases and segments.
  std::array<std::vector<std::vector<double>>, 4> z_p_m;
  /// package_Z_c [Ohm]: [segment] {Tx, Rx} (sheet rows are segments, columns Tx and Rx).
  std::vector<std::array<double, 2>> package_z_c_ohm;
  channels::ComLineLoss package_line;         ///< package_tl_gamma0_a1_a2, package_tl_tau

  // Board (Table 92-12; used when Include PCB)
  bool include_pcb = false;                   ///< Include PCB
  channels::ComLineLoss board_line;           ///< board_tl_gamma0_a1_a2, board_tl_tau
  double board_z_c_ohm = 109.8;               ///< board_Z_c [Ohm]
  std::array<double, 4> z_bp_m{};             ///< z_bp (TX), (NEXT), (FEXT), (RX) [mm]

  // Transmitter
  double c0_min = 0.0;                        ///< c(0): minimum main tap
  /// c(-k) and c(k) [min:step:max] lists, by tap index (-4 ... -1, 1 ... 3); c(0) is c0_min.
  std::map<int, std::vector<double>> tx_taps;
  double a_v_v = 0.0, a_fe_v = 0.0, a_ne_v = 0.0;  ///< A_v, A_fe, A_ne [V]
  double snr_tx_db = 0.0;                     ///< SNR_TX [dB]
  double r_lm = 1.0;                          ///< R_LM
  double t_r_s = 8e-12;                       ///< T_r [ns] (reference default 0.008 ns)
  bool force_tr = false;                      ///< FORCE_TR

  // Receiver
  double f_r = 0.75;                          ///< f_r [*fb]: receiver filter -3 dB point / f_b
  std::vector<double> g_dc_db;                ///< g_DC [dB] values
  std::vector<double> g_dc_hp_db;             ///< g_DC_HP [dB] values (802.3ck); empty: none
  double f_z_hz = 0.0, f_p1_hz = 0.0, f_p2_hz = 0.0;  ///< f_z, f_p1, f_p2 [GHz]
  std::optional<double> f_hp_pz_hz;           ///< f_HP_PZ [GHz] (802.3ck low-frequency pole/zero)
  std::string ctle_type;                      ///< CTLE_type ("" when not given; CL93 or CL120d)
  /// Raised_Cosine: the reference code 4.x's raised-cosine Rx filter, H = 1 below RC_Start,
  /// (1 + cos(pi (f - RC_Start) / (RC_end - RC_Start))) / 2 up to RC_end, 0 above; in cascade with
  /// the Butterworth (93A-20) unless Butterworth is false.
  bool raised_cosine = false;
  double rc_start_hz = 0.0, rc_end_hz = 0.0;  ///< RC_Start, RC_end [Hz] (defaults f_b/2, f_r f_b)
  bool butterworth = true;                    ///< Butterworth: the 93A-20 filter (reference default on)
  int local_search = 0;                       ///< Local Search (> 0 honoured only for a one-setting grid)
  int n_b = 0;                                ///< N_b: DFE taps
  std::vector<double> b_max;                  ///< b_max(1), b_max(2..N_b): N_b limits
  std::vector<double> b_min;                  ///< b_min(1), b_min(2..N_b): N_b limits (default -b_max)
  /// N_bg, N_bf, N_f: floating DFE taps (N_bg groups of N_bf taps within taps N_b + 1 .. N_f);
  /// N_bg = 0: none. Reference defaults: N_bf 6, N_f = N_b (the reader sets it).
  int n_bg = 0, n_bf = 6, n_f = 0;
  double bmaxg = 0.2;                         ///< bmaxg: |b| limit of a floating tap (reference default 0.2)
  int ffe_pre_tap_len = 0, ffe_post_tap_len = 0;  ///< Rx FFE taps before / after the cursor (0, 0: none)
  double ffe_main_cursor_min = 1.0;           ///< ffe_main_cursor_min (reference default 1)
  double ffe_pre_tap1_max = 0.7, ffe_post_tap1_max = 0.7, ffe_tapn_max = 0.7;  ///< Rx FFE tap limits
  double ffe_tap_step_size = 0.0;             ///< ffe_tap_step_size: 0 continuous
  int ffe_backoff = 0;                        ///< ffe_backoff (refused when not 0)
  /// FFE_OPT_METHOD: how the Rx FFE is chosen. "ZF" when the sheet does not say (the zero
  /// forcing of the reference code 3.x, its `force`); "MMSE" the 802.3dj MMSE (solvers/com_mmse.hpp;
  /// the reference code 4.x's default). No effect without an Rx FFE.
  bool ffe_mmse = false;

  // Noise, jitter, detector
  double sigma_rj_ui = 0.0;                   ///< sigma_RJ [UI]
  double a_dd_ui = 0.0;                       ///< A_DD [UI]
  double eta_0_v2_per_hz = 0.0;               ///< eta_0 [V^2/GHz]
  double der_0 = 0.0;                         ///< DER_0
  double pass_threshold_db = 3.0;             ///< COM Pass threshold [dB]
  int ts_anchor = 0;                          ///< ts_anchor: sampling-point rule
  std::array<int, 2> sample_adjustment{};     ///< sample_adjustment [samples]

  // Operational switches of the reference code
  std::array<int, 4> port_order{1, 3, 2, 4};  ///< Port Order
  bool inc_package = true, ideal_tx_term = false, ideal_rx_term = false;
  bool include_ctle = true, include_tx_rx_filter = true, rx_calibration = false;
  double sigma_bbn_step_v = 5e-3;             ///< Sigma BBN step [V]
  bool erl = false, tdr = false;              ///< ERL, TDR
  bool erl_only = false;                      ///< ERL_ONLY: the TDR and ERL of the thru alone, no COM (workflows::com)
  bool tdr_w_txpkg = false, show_brd = false; ///< TDR_W_TXPKG, SHOW_BRD (refused when true)
  /// EW: estimate the eye width at DER_0 (com_eye); PMD_type C2M sets it, as the reference code 4.15.
  bool eye_width = false;
  /// PMD_type: C2M (chip-to-module) makes VEO (and COM) the windowed eye opening of com_eye when
  /// t_o_mui > 0, as the reference code 4.15; C2C (the default) the eye at the sampling point.
  bool c2m = false;
  /// T_O (alias T_h) [mUI]: VEO's time window +-T_O about the eye's centre (with PMD_type C2M only;
  /// 0: VEO = 2 (A_s - A_ni)). Kept in mUI: the window is floor(T_O / 1000 samples_for_C2M) samples.
  double t_o_mui = 0.0;
  int samples_for_c2m = 100;                  ///< samples_for_C2M: eye-contour samples per UI (reference default 100)

  // TDR and ERL (Annex 93A.5; the reference code's get_TDR); used when TDR or ERL
  double tr_tdr_s = 8e-12;                    ///< TR_TDR [ns]: Gaussian edge of the TDR source
  int tdr_n_ui = 0;                           ///< N: TDR/ERL record [UI] after the fixture; 0: from the thru's delay
  double tdr_duration = 5.0;                  ///< TDR_duration: record (N = 0) in thru delays
  double beta_x_db_per_s = 0.0;               ///< beta_x [Hz]: G_loss slope (dB per second of t - t_k)
  double rho_x = 0.618;                       ///< rho_x: permitted reflection of a line external to the DUT
  std::array<double, 2> fixture_delay_s{-1.0, -1.0};  ///< fixture delay time [s] per port; -1: unset (reference default)
  int n_bx = 0;                               ///< N_bx [UI] (the reader defaults it to N_b)
  double z_t_ohm = 50.0;                      ///< Z_t [Ohm]: single-ended TDR source reference (the reader defaults R_0)
  int grr = 1;                                ///< Grr (0, 1: Gaussian G_rr of 93A.5; 2: G_rr = rho_x); Gx = 1 sets 2
  double erl_pass_threshold_db = 0.0;         ///< ERL Pass threshold [dB]
  bool tdr_butterworth = true;                ///< TDR_Butterworth: the Rx filter (93A-20) in the TDR
  bool tukey_window = false;                  ///< Tukey_Window: raised-cosine taper f_r f_b ... f_b in the TDR
  double pdf_bin_size_v = 1e-5;               ///< PDF bin size [V]; ERL's PDF uses 10 times it
  double t_k_s = 0.6e-9;                      ///< T_k [ns]: span of the TDR's port-impedance average

  // ICN (integrated crosstalk noise; the reference code's FD_Processing, 93A-57 weighting)
  std::optional<double> a_ft_v, a_nt_v;       ///< A_ft, A_nt [V]; default A_fe, A_ne
  std::optional<double> f_1_hz, f_2_hz;       ///< f_1, f_2 [GHz]; default f_min (else 0), f_b
  std::optional<double> f_2_ild_hz;          ///< f_2_ILD [GHz]: end of the IL fit of the ILD (solvers/com_il_fit.hpp); default f_2
  double f_v = 4.0;                           ///< f_v [*fb]: transition-rate corner of the ICN weighting

  /// Number of package cases the sheet defines (columns of z_p).
  std::size_t package_cases() const { return z_p_m[0].size(); }
};

/// The package of one role in package case `case_number` (1-based, as in z_p select): C_d, L_s and
/// C_b of the Tx side for tx/next/fext, of the Rx side for rx; the line segments of that case with
/// package_Z_c; C_p; R_0. Throws std::invalid_argument for a case number outside 1..package_cases().
/// Tested by: tests/io/com_sheet_test.cpp
channels::ComPackage com_package(const ComParameters& p, int case_number, ComPackageRole role);

}  // namespace phylane::solvers
