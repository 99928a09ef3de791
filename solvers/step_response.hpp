#pragma once
/// Step response of one S-parameter term (time-domain reflectometry and transmission, TDR/TDT):
/// the response to a unit step whose edge is shaped by a rise-time filter, computed by one inverse
/// real FFT (FFTW) of the term sampled on a uniform grid from DC. docs/tdr.md has the reasoning.
///
/// Model. The incident wave is a unit step u(t) filtered by the zero-phase edge filter E(f), so the
/// response is
///   r(t) = integral_{-inf}^{t} h(t') dt',   h(t) = integral S(f) E(f) e^{j 2 pi f t} df,
/// h being the band-limited impulse response of the term (S(-f) = conj S(f)). With the term given at
/// f_k = k df (k = 0 .. K, S(0) real) the period is T = 1/df and h is sampled at dt = T/N by the
/// inverse real FFT of X_k = S(f_k) E(f_k) df (bins above K zero, N >= 2 K). The step is the
/// trapezoidal running sum r_n = dt (h_0 / 2 + h_1 + ... + h_{n-1} + h_n / 2), started `lead` before
/// t = 0 (the zero-phase edge starts before t = 0; those samples sit at the end of the period). The sum of h
/// over one period is S(0): the step settles at the DC value, as it must.
///
/// Edges (rise time t_r measured 10-90 % in both):
///  - gaussian: E(f) = exp(-(2 pi f sigma)^2 / 2), the step's edge is the error function of standard
///    deviation sigma = t_r / (2 Phi^-1(0.9)) = t_r / 2.5631 (a Gaussian filter's 10-90 % rise
///    time is 2 x 1.2816 sigma).
///  - ramp_10_90: a linear ramp of duration t_r / 0.8 (its 10-90 % time is t_r), centred on t = 0:
///    E(f) = sinc(pi f T_ramp) = sin(pi f T_ramp) / (pi f T_ramp) (the rectangle of width T_ramp the
///    ramp is the integral of). Not band-limited (|E| ~ 1/f): ringing at the band edge shows when
///    the data stop before ~5/T_ramp.
/// Source: the step-response TDR of a frequency-domain measurement (the inverse transform of the
/// windowed reflection, integrated to a step), Agilent application note 1287-12 "Time domain
/// analysis using a network analyzer" (2012). Tested by: tests/solvers/step_response_test.cpp "[solvers][tdr]".
#include <complex>
#include <span>
#include <string_view>
#include <optional>
#include <vector>

namespace phylane::solvers {

/// The shape of the incident step's edge.
enum class EdgeShape { gaussian, ramp_10_90 };
/// "gaussian", "10-90".
std::string_view to_string(EdgeShape e);
/// Parses "gaussian" or "10-90"; std::nullopt otherwise.
std::optional<EdgeShape> parse_edge_shape(std::string_view text);

/// The incident edge: a shape and its 10-90 % rise time [s] (> 0).
struct StepEdge {
  EdgeShape shape = EdgeShape::gaussian;
  double rise_time_s = 20e-12;
  /// E(f), real and even (zero phase), E(0) = 1.
  double response(double freq_hz) const;
  /// How long before t = 0 the edge starts [s]: 5 sigma (Gaussian, E < 3e-7 beyond) or half
  /// the ramp.
  double lead_s() const;
  /// The frequency above which the edge's spectrum is negligible (Gaussian: E < 1e-6, f = 5.26 /
  /// (2 pi sigma)) or, for the ramp, 20 / T_ramp (its tenth sidelobe) [Hz].
  double band_hz() const;
};

/// The step response r(t) at t_n = start_time_s + n dt_s.
struct StepResponse {
  double start_time_s = 0.0;  ///< time of values[0] [s] (<= 0: -lead, rounded to samples)
  double dt_s = 0.0;
  std::vector<double> values;  ///< one period, from start_time_s
};

/// The step response of a term given at f_k = k df_hz, k = 0 .. term.size() - 1 (term[0] is the DC
/// value; its imaginary part must be within 1e-9 |S(0)| + 1e-12 of 0). The time step is the largest
/// dt = 1/(N df) <= max_dt_s, N the smallest even 2^a 3^b 5^c with N >= 2 (term.size() - 1).
/// Throws std::invalid_argument for df_hz <= 0, fewer than two bins, max_dt_s <= 0, a bad edge or a
/// complex DC value.
StepResponse step_response(std::span<const std::complex<double>> term, double df_hz, const StepEdge& edge,
                           double max_dt_s);

}  // namespace phylane::solvers
