#pragma once
/// Element blocks of a link, each as a Network on a frequency grid (and, for 2-ports, as a chain
/// matrix at one frequency): ideal line sections, vias (barrel, pads, stub, back-drilling),
/// AC-coupling capacitors, lumped series/shunt R, L, C, pi and tee package/connector models, and
/// terminations with pad capacitance. Differential forms are built from two single-ended lines
/// (uncoupled_pair) or from the two mode circuits of a symmetric pair (from_modes).
/// Every equation is from Pozar, Microwave Engineering, 4th ed.: ABCD matrices of series and shunt
/// elements and of lines (sec. 4.4, Table 4.1), input impedance of a terminated lossy line
/// (sec. 2.7), reflection coefficient of a load (sec. 2.3). Tested by: tests/channels/elements_test.cpp.
#include <functional>
#include <span>
#include <vector>

#include "channels/network.hpp"
#include "channels/network_ops.hpp"
#include "channels/two_port.hpp"

namespace phylane::channels {

/// An ideal TEM line section: real characteristic impedance, fixed delay, and optional skin-effect
/// loss with its causal phase. gamma l = alpha(f) (1 + j) + j 2 pi f delay with
/// alpha(f) = loss_np(ref) sqrt(f / ref): the internal impedance of a good conductor is
/// R_s (1 + j), so skin loss comes with an equal excess phase (Pozar sec. 1.7, 2.7), which keeps
/// the response causal (exp(-k sqrt(j omega)) is the causal diffusion kernel).
struct IdealLine {
  double z0_ohm = 50.0;          ///< characteristic impedance [ohm], > 0
  double delay_s = 0.0;          ///< one-way delay [s], >= 0
  double loss_db_at_ref = 0.0;   ///< matched insertion loss at ref_freq_hz [dB], >= 0
  double ref_freq_hz = 1e9;      ///< [Hz], > 0
};
/// Chain matrix of the section at freq_hz (>= 0). Throws std::invalid_argument for bad fields.
Abcd ideal_line_abcd(const IdealLine& line, double freq_hz);

/// A plated through-hole via, single-ended: entry pad -> barrel down to the exit layer -> the
/// signal leaves on that layer; the barrel continues below as an open stub ending at a bottom pad.
///   ABCD = Y(pad) * line(barrel) * Y(pad + stub),  Y_stub = Y0 (Y_L + Y0 tanh gl) / (Y0 + Y_L tanh gl)
/// with Y_L = j w C_end the stub-end pad (Pozar sec. 2.7, in admittance form). A lossless open stub
/// (C_end = 0) shorts the signal at its quarter-wave frequency f = 1 / (4 stub delay)
/// = v / (4 L_stub). Back-drilling removes most of the stub: use backdrilled().
struct Via {
  double z0_ohm = 50.0;               ///< barrel characteristic impedance [ohm], > 0
  double delay_s_per_m = 0.0;         ///< barrel delay per length, sqrt(eps_eff)/c0 [s/m], > 0
  double barrel_length_m = 0.0;       ///< entry pad to the exit layer [m], >= 0
  double stub_length_m = 0.0;         ///< barrel below the exit layer [m], >= 0
  double pad_capacitance_f = 0.0;     ///< excess capacitance of the entry pad and of the exit-layer pad, each [F], >= 0
  double stub_end_capacitance_f = 0.0;  ///< pad at the bottom of the stub [F], >= 0
  double loss_db_per_m_at_ref = 0.0;  ///< barrel skin loss [dB/m] at ref_freq_hz (see IdealLine), >= 0
  double ref_freq_hz = 1e9;           ///< [Hz], > 0

  /// The same via back-drilled to leave residual_stub_m (>= 0, typically 0.1-0.25 mm) of stub,
  /// without the bottom pad.
  Via backdrilled(double residual_stub_m) const;
};
Abcd via_abcd(const Via& via, double freq_hz);
/// 2-port on the grid, both ports referenced to z0_ohm (> 0).
Network via(const Via& v, std::span<const double> freq_hz, double z0_ohm = 50.0);
/// A differential via pair as a single-ended 4-port in `order`, from the per-line via `each`
/// (whose z0_ohm is ignored) and the pair's odd- and even-mode impedances: the differential
/// mode is a via of impedance 2 z_odd with pad capacitances halved (two pads in series), the
/// common mode one of z_even / 2 with them doubled (in parallel). No mode conversion
/// (a symmetric pair). Ports referenced to z0_ohm each.
Network via_pair(const Via& each, double z_odd_ohm, double z_even_ohm, std::span<const double> freq_hz,
                 double z0_ohm = 50.0, PortOrder order = PortOrder::pairs_12_34);

/// A symmetric pair block by its mode circuits, without mode conversion: the differential-mode
/// 2-port (references 2 z0) and the common-mode one (references z0 / 2). `common` is empty (no
/// ports) when it was not asked for: a chain of such blocks carries its differential signal
/// through the differential circuits alone (channels/composed_channel.hpp).
struct ModeNetworks {
  Network differential, common;
};
/// via_pair's mode circuits (via_pair is from_modes of them), referenced to 2 z0 and z0 / 2.
ModeNetworks via_pair_modes(const Via& each, double z_odd_ohm, double z_even_ohm, std::span<const double> freq_hz,
                            double z0_ohm = 50.0, bool with_common = true);
/// The mode circuits of two identical uncoupled lines, each the 2-port `each` (references z0):
/// both modes see the same S-parameters, at references 2 z0 (differential) and z0 / 2 (common)
/// (Bockelman & Eisenstadt 1995: with no coupling S_dd = S_cc = S of one line).
ModeNetworks identical_pair_modes(Network each, bool with_common = true);

/// Series impedance z(f) between port 1 and port 2 (ABCD [1 z; 0 1]); z may be infinite (an open
/// at DC: S11 = S22 = 1, S21 = 0). References z1, z2 (> 0).
Network series_element(std::span<const double> freq_hz, const std::function<cplx(double)>& z_of_f,
                       double z1_ohm = 50.0, double z2_ohm = 50.0);
/// Shunt admittance y(f) to ground (ABCD [1 0; y 1]); y may be infinite (a short: S11 = S22 = -1).
Network shunt_element(std::span<const double> freq_hz, const std::function<cplx(double)>& y_of_f,
                      double z1_ohm = 50.0, double z2_ohm = 50.0);
Network series_resistor(std::span<const double> freq_hz, double r_ohm, double z0_ohm = 50.0);
Network series_inductor(std::span<const double> freq_hz, double l_h, double z0_ohm = 50.0);
Network series_capacitor(std::span<const double> freq_hz, double c_f, double z0_ohm = 50.0);
Network shunt_resistor(std::span<const double> freq_hz, double r_ohm, double z0_ohm = 50.0);
Network shunt_inductor(std::span<const double> freq_hz, double l_h, double z0_ohm = 50.0);
Network shunt_capacitor(std::span<const double> freq_hz, double c_f, double z0_ohm = 50.0);

/// An AC-coupling capacitor: series C with its equivalent series resistance and inductance,
/// Z = ESR + j w ESL + 1 / (j w C); self-resonant at 1 / (2 pi sqrt(ESL C)).
struct AcCapacitor {
  double c_f = 100e-9;      ///< > 0
  double esr_ohm = 0.0;     ///< >= 0
  double esl_h = 0.0;       ///< >= 0
};
Network ac_capacitor(const AcCapacitor& cap, std::span<const double> freq_hz, double z0_ohm = 50.0);

/// Pi model of a package or connector: shunt C1, series R + j w L, shunt C2.
struct PiModel {
  double c1_f = 0.0, r_ohm = 0.0, l_h = 0.0, c2_f = 0.0;  ///< each >= 0
};
/// Tee model: series R1 + j w L1, shunt C, series R2 + j w L2.
struct TeeModel {
  double r1_ohm = 0.0, l1_h = 0.0, c_f = 0.0, r2_ohm = 0.0, l2_h = 0.0;  ///< each >= 0
};
Abcd pi_abcd(const PiModel& m, double freq_hz);
Abcd tee_abcd(const TeeModel& m, double freq_hz);
Network pi_network(const PiModel& m, std::span<const double> freq_hz, double z0_ohm = 50.0);
Network tee_network(const TeeModel& m, std::span<const double> freq_hz, double z0_ohm = 50.0);

/// 2-port of an ideal line section on the grid (ports referenced to z0_ohm).
Network ideal_line(const IdealLine& line, std::span<const double> freq_hz, double z0_ohm = 50.0);
/// Any 2-port given by its chain matrix at each frequency.
Network network_from_abcd(std::span<const double> freq_hz, const std::function<Abcd(double)>& abcd_of_f,
                          double z1_ohm = 50.0, double z2_ohm = 50.0);

/// A termination as a 1-port: resistance r_ohm (> 0) in parallel with its pad capacitance
/// (>= 0) to ground: Y_L = 1/R + j w C, S11 = (1 - Y_L z0) / (1 + Y_L z0) (Pozar sec. 2.3).
Network termination(std::span<const double> freq_hz, double r_ohm, double pad_capacitance_f, double z0_ohm = 50.0);
/// A differential termination as a 2-port (port 1 = line P, port 2 = line N): r_diff_ohm (> 0)
/// between the lines and pad_capacitance_f (>= 0) from each line to ground,
/// Y = [[1/R + j w C, -1/R], [-1/R, 1/R + j w C]], converted with y_to_s.
Network differential_termination(std::span<const double> freq_hz, double r_diff_ohm, double pad_capacitance_f,
                                 double z0_ohm = 50.0);

/// Two uncoupled lines as one single-ended 4-port in `order`: line A (positive) is `a`, line B
/// is `b` (2-ports on the same grid). The differential form of any per-line element (AC caps,
/// lumped parts, a package pin per line).
Network uncoupled_pair(const Network& a, const Network& b, PortOrder order = PortOrder::pairs_12_34);
/// A symmetric pair from its mode circuits: `differential` (2-port, side 1 -> side 2, references
/// 2 z0) and `common` (2-port, references z0/2), without mode conversion, as the single-ended
/// 4-port in `order` (from_mixed_mode; references of the common mode other than a quarter of
/// the differential ones are renormalised exactly first).
Network from_modes(const Network& differential, const Network& common, PortOrder order = PortOrder::pairs_12_34);

}  // namespace phylane::channels
