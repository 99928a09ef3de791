#pragma once
/// Moving S-parameters between frequency grids: interpolation, extrapolation to DC, and the
/// uniform grid from DC that time-domain work (FFT) needs, with a documented strategy for data that
/// stops below the bandwidth asked for. Details and reasoning: docs/sparams.md "Resampling".
/// Tested by: tests/io/resample_test.cpp.
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "channels/network.hpp"

namespace phylane::channels {

/// Delay [s] of one S-parameter term from its unwrapped phase: the least-squares slope
/// tau = -(d phase / d omega) over the points where |S| is at least 1e-3 of its largest value,
/// each weighted by |S|^2 (so that the noise floor does not steer it). 0 when fewer than two points
/// qualify. It is what the interpolation removes before interpolating, and the phase slope used to
/// continue a term beyond the data (to_uniform_grid).
double term_delay_s(const Network& net, int to_port, int from_port);

/// S-parameters interpolated onto new_freq_hz (each within [first, last] frequency of `net`,
/// strictly increasing; throws std::invalid_argument otherwise; use extrapolate_to_dc /
/// to_uniform_grid to go beyond).
/// Method, per term S_ij: remove its delay (term_delay_s) by S e^{+j 2 pi f tau}, interpolate the
/// real and imaginary parts of the now slowly varying remainder with a natural cubic spline, and
/// restore the delay. Why not re/im directly: a term rotating by ~0.5 rad between points (a 1 m
/// channel at 10 MHz steps) loses ~3 % of its magnitude between points under linear re/im
/// interpolation. Why not magnitude and unwrapped phase: unwrapping fails where |S| is in the
/// noise floor, and a term passing through zero has a phase jump of pi that magnitude/phase
/// interpolation turns into a spurious swing. The delay-removed re/im spline is exact for a pure
/// delay times any cubic, continuous with continuous derivative, and needs no unwrapping of the
/// data themselves (only the delay estimate does, and an error there costs accuracy, not
/// continuity).
Network resample(const Network& net, std::span<const double> new_freq_hz);

/// How extrapolate_to_dc chooses the DC point.
struct DcExtrapolationOptions {
  /// Number of lowest-frequency points fitted, >= 2 (fewer if the network has fewer). Default 5:
  /// with c0, c2, c4 that leaves two degrees of freedom against measurement noise; more points
  /// reach further from DC and, measured on a stripline and on the Whisper backplane, bias the
  /// transmission further (docs/sparams.md).
  int points = 5;
};

/// The network with a DC point (f = 0) added in front; a copy when it already starts at DC.
/// The DC value of every term is real (the impulse response is real, so S(-f) = conj S(f) and
/// Im S(0) = 0; IEEE P370-2020 requires and its reference code computes a real DC point by the
/// conjugate-symmetric extension S(-f) = conj S(f) of the lowest points, interpolated to f = 0,
/// keeping the real part). Here: the term's delay is removed first (S' = S e^{j 2 pi f tau},
/// tau = term_delay_s), because a long channel's phase can turn by more than a radian between DC
/// and the first measured point and no low-order fit follows that; S'(f) is then conjugate
/// symmetric and smooth, so Re S' is even in f: a least-squares fit of Re S' = c0 + c2 f^2 + c4 f^4
/// (c4 only with >= 5 points) over the lowest `points` points gives S(0) = c0. The sign of a
/// transmission term therefore follows the data's real part (phase -> 0 or pi), and |S21(0)| of
/// a thru comes out close to 1 - (its DC loss). The value is not clipped: a DC point with
/// |S| > 1 would show a problem in the data, which check_passivity then reports.
/// Accuracy: the loss of a line falls steeply between DC and the skin-effect onset (a few MHz to
/// tens of MHz), which data starting above it cannot show; the even fit then overestimates the
/// DC loss. Measured: 10 in stripline from 50 MHz, S21(0) low by 6e-3; the 42.8" Whisper
/// backplane from 10 MHz, SDD21(0) low by 0.034 (tests/io/resample_test.cpp).
/// Throws std::invalid_argument for an empty network.
Network extrapolate_to_dc(const Network& net, const DcExtrapolationOptions& options = {});

/// What to_uniform_grid does above the last measured frequency.
struct BandLimitOptions {
  /// Width of the raised-cosine taper beyond the last data point [Hz], >= 0;
  /// 0 = 10 % of the last data frequency.
  double taper_hz = 0.0;
  /// Runs task(0) ... task(count - 1), each once, possibly at the same time: the executor of a
  /// layer above (solvers::parallel_for, which channels/ cannot call). BandLimitedNetwork prepares
  /// its terms in such tasks; empty: in order on the calling thread. The result does not depend on it.
  std::function<void(std::size_t count, const std::function<void(std::size_t)>& task)> for_each;
};

/// A network prepared once for evaluation at any frequencies >= 0, in any order: inside the data as
/// resample() gives it, below the first point from the DC point of extrapolate_to_dc, above the last
/// point by the band-limit strategy of to_uniform_grid (exactly 0 above zero_above_hz()). The DC
/// point, each term's delay and the splines are computed at construction, so a Touchstone block asked
/// for many grids (each pulse response, rate or length of a question) pays for them once.
/// Copies share the prepared data (immutable). Tested by tests/io/resample_test.cpp.
class BandLimitedNetwork {
 public:
  explicit BandLimitedNetwork(const Network& net, const BandLimitOptions& options = {});
  int ports() const;
  const std::vector<double>& z0_ohm() const;
  double data_end_hz() const;   ///< the last data frequency f_end [Hz]
  double zero_above_hz() const; ///< f_end + taper [Hz]: every S_ij is 0 above it
  /// The network at freq_hz (each finite and >= 0; throws std::invalid_argument otherwise).
  Network evaluate(std::span<const double> freq_hz) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

/// S-parameters on the uniform grid 0, df, 2 df, ... up to fmax_hz (the last point is the largest
/// multiple of df not above fmax_hz * (1 + 1e-12)), as needed by an inverse FFT. df_hz > 0,
/// fmax_hz >= df_hz.
/// - A network without a DC point gets one from extrapolate_to_dc.
/// - Within the data: resample().
/// - Above the last data frequency f_end (band-limit strategy): the data are continued with a
///   common linear phase and tapered to zero,
///     S(f) = S(f_end) w(f) e^{-j 2 pi (f - f_end) tau},  w = (1 + cos(pi (f - f_end)/taper))/2
///   for f_end < f < f_end + taper and S = 0 beyond, tau being the delay of the largest
///   transmission term (of S11 for a 1-port). One scalar factor of modulus w <= 1 multiplies the
///   whole matrix, so the largest singular value never exceeds that of S(f_end): the extension
///   is passive whenever the data are, continuous in value, and keeps the phase slope of the
///   main path. It adds no invented loss model: above f_end the response is simply cut off
///   smoothly, which the user sees as the data's bandwidth. The alternative (fitting a loss slope
///   and extrapolating |S|) invents physics and can break passivity for reflections.
Network to_uniform_grid(const Network& net, double df_hz, double fmax_hz, const BandLimitOptions& options = {});

}  // namespace phylane::channels
