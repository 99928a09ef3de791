#pragma once
/// `phylane tdr`: the step TDR/TDT impedance profile of a channel (a configured route or a Touchstone
/// file taken as the whole link): reflected step rho(t) of S11 (2-port) or of SDD11 and SCC11
/// (4-port, mixed mode), Z(t) = Z_ref (1 + rho) / (1 - rho), the transmitted step of S21/SDD21, on a
/// time axis and a distance axis; with a pulse width W also the pulse TDR/TDT, the responses to a
/// rectangular pulse of width W with the same edges: p(t) = s(t) - s(t - W), computed as the step
/// response of S(f) (1 - exp(-j 2 pi f W)) (Agilent AN 1287-12: the pulse as the difference of two
/// steps). Documented in docs/tdr.md. Tested by: tests/workflows/tdr_test.cpp
/// (exact lines), tests/io/tdr_measured_test.cpp (shared measured files), tests/app/tdr_command_test.cpp.
#include <optional>
#include <string>
#include <vector>

#include "channels/link.hpp"
#include "solvers/step_response.hpp"

namespace phylane::workflows {

struct TdrRequest {
  /// 10-90 % rise time of the incident edge [s], > 0; unset: the larger of 20 ps and the fastest
  /// edge the data support (1.238 / f_end for data ending at f_end: the Gaussian edge is 1 % there).
  std::optional<double> rise_time_s;
  solvers::EdgeShape edge = solvers::EdgeShape::gaussian;
  /// Distance axis (one way, distance = v t / 2): from the route's physical length [m] (v = length /
  /// thru delay) when > 0, else from an effective permittivity (v = c0 / sqrt(eps_eff)) when > 0,
  /// else from the config's trace lengths, else eps_eff = 4 (an assumption the answer states).
  double route_length_m = 0.0;
  double eps_eff = 0.0;
  /// Pulse TDR/TDT as well: the width of the incident rectangular pulse (between the 50 % points
  /// of its two edges) [s], finite and > 0; unset: the step only.
  std::optional<double> pulse_width_s;
};

/// One reflected profile: the reflected step and the impedance it implies.
struct TdrProfile {
  std::string mode;              ///< "single-ended", "differential" or "common"
  double reference_ohm = 0.0;    ///< Z_ref of the port (2-port: port 1's; 4-port: 2 z0 or z0 / 2)
  std::vector<double> rho;       ///< reflected step on time_s
  std::vector<double> impedance_ohm;  ///< Z_ref (1 + rho) / (1 - rho); +inf where rho >= 1
  std::vector<double> pulse_rho;      ///< reflected pulse, in units of the incident pulse's height (pulse requested)
};

struct TdrAnswer {
  std::vector<double> time_s;      ///< from 0 to the end of the record (round trip + 10 rise times + 0.5 ns)
  std::vector<double> distance_m;  ///< v t / 2
  TdrProfile profile;              ///< differential (4-port) or single-ended (2-port)
  std::optional<TdrProfile> common;  ///< common mode of a 4-port
  std::vector<double> tdt;         ///< transmitted step (S21 / SDD21) on time_s
  std::vector<double> pulse_tdt;   ///< transmitted pulse (S21 / SDD21) on time_s (pulse requested)
  std::vector<double> common_tdt;        ///< transmitted common-mode step (SCC21) of a 4-port
  std::vector<double> common_pulse_tdt;  ///< transmitted common-mode pulse (SCC21) (4-port, pulse requested)
  double pulse_width_s = 0.0;      ///< as used (0: step only)
  double rise_time_s = 0.0;        ///< as used
  solvers::EdgeShape edge = solvers::EdgeShape::gaussian;
  double fastest_rise_time_s = 0.0;  ///< the fastest edge the data support (0 for a modelled channel)
  double band_top_hz = 0.0;        ///< the data are 0 above it (their end plus the band-limit taper; +inf for a model)
  double thru_delay_s = 0.0;       ///< phase-slope delay of S21 / SDD21 (channels::term_delay_s)
  double velocity_m_per_s = 0.0;   ///< of the distance axis
  std::string distance_basis;      ///< how the velocity was obtained, in words
  double dt_s = 0.0;               ///< time step
};

/// The TDR/TDT of a copper or composed channel (a Touchstone file as the whole link is composed).
/// Throws std::invalid_argument for another kind of channel or a bad request (rise time, length or
/// eps_eff not finite and > 0 when given, a pulse width not finite and > 0).
TdrAnswer tdr(const channels::Link& link, const TdrRequest& request);

}  // namespace phylane::workflows
