#include "solvers/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace phylane::solvers {

CapacityResult water_filling_capacity(const std::function<double(double)>& gain2,
                                      const std::function<double(double)>& noise_psd, double tx_power,
                                      double bandwidth_hz, int points) {
  if (!(tx_power > 0.0)) throw std::invalid_argument("capacity: transmit power must be > 0");
  if (!(bandwidth_hz > 0.0)) throw std::invalid_argument("capacity: bandwidth must be > 0");
  if (points < 2) throw std::invalid_argument("capacity: points must be >= 2");
  CapacityResult r;
  const double df = bandwidth_hz / points;
  const auto n = static_cast<std::size_t>(points);
  r.freq_hz.resize(n);
  std::vector<double> inv_gain(n);  // N(f) / |H(f)|^2: the "floor" the water fills over
  for (std::size_t k = 0; k < n; ++k) {
    const double f = (static_cast<double>(k) + 0.5) * df;  // midpoint rule
    r.freq_hz[k] = f;
    const double g = gain2(f), nn = noise_psd(f);
    if (!(nn > 0.0)) throw std::invalid_argument("capacity: noise PSD must be > 0 at every frequency");
    inv_gain[k] = g > 0.0 ? nn / g : INFINITY;
  }
  auto power_at = [&](double mu) {
    double p = 0.0;
    for (double v : inv_gain) p += std::max(0.0, mu - v);
    return p * df;
  };
  double lo = 0.0, hi = *std::min_element(inv_gain.begin(), inv_gain.end()) + tx_power / bandwidth_hz;
  while (power_at(hi) < tx_power) hi *= 2.0;
  for (int i = 0; i < 300 && (hi - lo) > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (power_at(mid) < tx_power ? lo : hi) = mid;
  }
  const double mu = 0.5 * (lo + hi);
  r.water_level = mu;
  r.tx_psd.resize(n);
  r.snr.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double s = std::max(0.0, mu - inv_gain[k]);
    r.tx_psd[k] = s;
    r.snr[k] = std::isfinite(inv_gain[k]) ? s / inv_gain[k] : 0.0;
    r.capacity_bps += std::log2(1.0 + r.snr[k]) * df;
    if (s > 0.0) r.used_bandwidth_hz += df;
  }
  return r;
}

}  // namespace phylane::solvers
