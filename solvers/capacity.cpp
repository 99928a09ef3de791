#include "solvers/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace phylane::solvers {

CapacityResult water_filling_capacity(const std::function<double(double)>& gain2,
                                      const std::function<double(double)>& noise_psd, double tx_power,
                                      double bandwidth_hz, int points) {
  if (!(bandwidth_hz > 0.0)) throw std::invalid_argument("capacity: bandwidth must be > 0");
  if (points < 2) throw std::invalid_argument("capacity: points must be >= 2");
  const double df = bandwidth_hz / points;
  const auto n = static_cast<std::size_t>(points);
  std::vector<double> f(n), g(n), nn(n);
  for (std::size_t k = 0; k < n; ++k) {
    f[k] = (static_cast<double>(k) + 0.5) * df;  // midpoint rule
    g[k] = gain2(f[k]);
    nn[k] = noise_psd(f[k]);
  }
  return water_filling_capacity(std::move(f), g, nn, df, tx_power);
}

CapacityResult water_filling_capacity(std::vector<double> freq_hz, const std::vector<double>& gain2,
                                      const std::vector<double>& noise_psd, double df_hz, double tx_power,
                                      double snr_ceiling) {
  if (!(tx_power > 0.0)) throw std::invalid_argument("capacity: transmit power must be > 0");
  if (!(df_hz > 0.0)) throw std::invalid_argument("capacity: cell width must be > 0");
  if (!(snr_ceiling > 0.0)) throw std::invalid_argument("capacity: the SNR ceiling must be > 0");
  const std::size_t n = freq_hz.size();
  if (n < 2 || gain2.size() != n || noise_psd.size() != n)
    throw std::invalid_argument("capacity: need >= 2 cells and one gain and noise value per cell");
  CapacityResult r;
  r.freq_hz = std::move(freq_hz);
  std::vector<double> inv_gain(n);  // N(f) / |H(f)|^2: the "floor" the water fills over
  for (std::size_t k = 0; k < n; ++k) {
    if (!(noise_psd[k] > 0.0)) throw std::invalid_argument("capacity: noise PSD must be > 0 at every frequency");
    inv_gain[k] = gain2[k] > 0.0 ? noise_psd[k] / gain2[k] : INFINITY;
  }
  const double bandwidth_hz = df_hz * static_cast<double>(n);
  auto power_at = [&](double mu) {
    double p = 0.0;
    for (double v : inv_gain) p += std::max(0.0, mu - v);
    return p * df_hz;
  };
  double lo = 0.0, hi = *std::min_element(inv_gain.begin(), inv_gain.end()) + tx_power / bandwidth_hz;
  if (!std::isfinite(hi)) throw std::invalid_argument("capacity: the channel passes nothing in the band");
  while (power_at(hi) < tx_power) hi *= 2.0;
  for (int i = 0; i < 300 && (hi - lo) > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (power_at(mid) < tx_power ? lo : hi) = mid;
  }
  const double mu = 0.5 * (lo + hi);
  r.water_level = mu;
  r.tx_psd.resize(n);
  r.snr.resize(n);
  const double inv_ceiling = std::isinf(snr_ceiling) ? 0.0 : 1.0 / snr_ceiling;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = std::max(0.0, mu - inv_gain[k]);
    r.tx_psd[k] = s;
    double snr = std::isfinite(inv_gain[k]) ? s / inv_gain[k] : 0.0;
    if (snr > 0.0 && inv_ceiling > 0.0) snr = 1.0 / (1.0 / snr + inv_ceiling);
    r.snr[k] = snr;
    r.capacity_bps += std::log2(1.0 + snr) * df_hz;
    if (s > 0.0) r.used_bandwidth_hz += df_hz;
  }
  return r;
}

}  // namespace phylane::solvers
