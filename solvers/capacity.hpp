#pragma once
/// Shannon capacity of a frequency-selective channel with additive Gaussian noise, with the
/// transmit power distributed by water-filling.
#include <functional>
#include <span>
#include <vector>

namespace phylane::solvers {

struct CapacityResult {
  double capacity_bps = 0.0;        ///< C = Int log2(1 + S(f) |H(f)|^2 / N(f)) df
  double water_level = 0.0;         ///< mu [V^2/Hz]: S(f) = max(0, mu - N(f)/|H(f)|^2)
  double used_bandwidth_hz = 0.0;   ///< measure of the band where S(f) > 0
  std::vector<double> freq_hz;      ///< the grid used
  std::vector<double> tx_psd;       ///< S(f) [V^2/Hz] on the grid
  std::vector<double> snr;          ///< S |H|^2 / N on the grid
};

/// Water-filling capacity over [0, bandwidth_hz] on a uniform grid of `points` midpoints.
/// gain2(f) = |H(f)|^2 (>= 0), noise_psd(f) = one-sided noise PSD at the receiver [V^2/Hz] (> 0),
/// tx_power = total transmit power [V^2] (> 0). Source: T. M. Cover, J. A. Thomas, Elements of
/// Information Theory, 2nd ed., Wiley 2006, sec. 9.5 (parallel Gaussian channels, water-filling)
/// and sec. 9.3 (band-limited channel C = B log2(1 + P/(N0 B))). The water level is found by
/// bisection so that Int S df = tx_power to 1e-12 relative.
/// Tested by: tests/solvers/capacity_test.cpp (flat channel: B log2(1 + SNR) exactly).
CapacityResult water_filling_capacity(const std::function<double(double)>& gain2,
                                      const std::function<double(double)>& noise_psd, double tx_power,
                                      double bandwidth_hz, int points = 4000);

}  // namespace phylane::solvers
