#pragma once
/// Shannon capacity of a frequency-selective channel with additive Gaussian noise, with the
/// transmit power distributed by water-filling.
#include <functional>
#include <limits>
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

/// The same on given samples: freq_hz the midpoints of equal cells of width df_hz, gain2 and
/// noise_psd at them. `snr_ceiling` (> 0, linear; infinity = none) caps the SNR of every cell as
/// a signal-proportional impairment does (a transmitter's SNR_TX, IEEE 802.3 93A-30): the
/// capacity integrand becomes log2(1 + 1 / (1/snr + 1/ceiling)); the water-filling itself is the
/// classical one (with a ceiling it is then a lower bound on the optimum allocation's capacity,
/// which is itself bounded by B log2(1 + ceiling)).
CapacityResult water_filling_capacity(std::vector<double> freq_hz, const std::vector<double>& gain2,
                                      const std::vector<double>& noise_psd, double df_hz, double tx_power,
                                      double snr_ceiling = std::numeric_limits<double>::infinity());

}  // namespace phylane::solvers
