#include "workflows/link_capacity.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include <stdexcept>
#include "workflows/link_search.hpp"
#include "solvers/eye_analysis.hpp"

namespace phylane::workflows {

LinkCapacity link_capacity(const channels::Link& link, const LinkCapacityOptions& opt) {
  const double band = opt.bandwidth_hz > 0.0 ? opt.bandwidth_hz : 100e9;
  return link_capacity(link, search_channel(link, band), link.optical() ? link.optical() : nullptr, opt);
}

LinkCapacity link_capacity(const channels::Link& link, const channels::TransferFunction& h, const channels::OpticalLink* optical,
                           const LinkCapacityOptions& opt) {
  if (!link.signalling) throw std::invalid_argument(link.source + ": capacity needs a [signal] section (transmitter and noise); see docs/eye.md");
  if (opt.points < 2) throw std::invalid_argument("capacity: points = " + std::to_string(opt.points) + " must be >= 2");
  if (opt.bandwidth_hz < 0.0) throw std::invalid_argument("capacity: the bandwidth must be > 0");
  LinkCapacity out;
  channels::EyeLinkSpec spec = link.signalling->spec;
  const bool is_optical = optical != nullptr;
  if (is_optical) solvers::set_optical_levels(*optical, spec);
  const double a = spec.tx_amplitude_v;
  const double m = spec.levels;
  out.tx_power_v2 = a * a;
  out.pam_power_v2 = a * a * (m + 1.0) / (3.0 * (m - 1.0));

  double band = opt.bandwidth_hz;
  double white_psd = 0.0;
  if (is_optical) {
    const double bn = optical->receiver_noise_bandwidth_hz();
    const double sigma = *std::max_element(spec.sigma_per_level_v.begin(), spec.sigma_per_level_v.end());
    white_psd = sigma * sigma / bn;
    if (band == 0.0) band = 3.0 * bn;
    out.assumptions.push_back("optical noise: the largest level's variance (" + std::to_string(sigma * 1e3) +
                              " mV rms) spread white over the receiver noise bandwidth at the decision point, "
                              "against the whole link's response: conservative (signal-dependent shot and RIN "
                              "noise taken at the top level everywhere)");
    out.assumptions.push_back("power: A^2 with A = half the received OMA swing at the decision point");
  } else {
    if (spec.noise_psd_v2_per_hz > 0.0) {
      white_psd = spec.noise_psd_v2_per_hz;
      out.assumptions.push_back("noise: [rx] noise_psd, white, at the receiver input");
    } else if (spec.noise_rms_v > 0.0) {
      white_psd = spec.noise_rms_v * spec.noise_rms_v / (0.5 * spec.symbol_rate_baud);
      out.assumptions.push_back("noise: [rx] noise_rms spread white over the Nyquist band of the configured rate");
    } else {
      throw std::invalid_argument(link.source + ": capacity needs receiver noise ([rx] noise_psd or noise_rms); without it the bound is infinite");
    }
    if (band == 0.0) band = 100e9;
    out.assumptions.push_back("power: A^2 with A = [tx] swing / 2, the largest average power of a peak-limited driver");
  }
  out.bandwidth_hz = band;
  out.snr_ceiling_db = spec.tx_snr_db >= 1e8 ? std::numeric_limits<double>::infinity() : spec.tx_snr_db;
  if (std::isfinite(out.snr_ceiling_db))
    out.assumptions.push_back("transmitter SNR " + std::to_string(out.snr_ceiling_db) + " dB caps every frequency's SNR");

  const auto n = static_cast<std::size_t>(opt.points);
  const double df = band / static_cast<double>(n);
  std::vector<double> f(n);
  for (std::size_t k = 0; k < n; ++k) f[k] = (static_cast<double>(k) + 0.5) * df;
  std::vector<std::complex<double>> hv(n);
  h(f, hv);
  // An optical channel's H stops at the photodiode: the receiver is its Rx filter (at the
  // configured rate), part of the link's response here as the noise is referred to its output.
  if (is_optical)
    for (std::size_t k = 0; k < n; ++k) hv[k] *= spec.rx_filter.response(f[k]);
  out.gain2.resize(n);
  for (std::size_t k = 0; k < n; ++k) out.gain2[k] = std::norm(hv[k]);
  out.noise_psd.assign(n, white_psd);
  const double ceiling = std::isfinite(out.snr_ceiling_db) ? std::pow(10.0, out.snr_ceiling_db / 10.0)
                                                            : std::numeric_limits<double>::infinity();
  out.result = solvers::water_filling_capacity(f, out.gain2, out.noise_psd, df, out.tx_power_v2, ceiling);
  return out;
}

double CapacityAnswer::fraction() const {
  if (!rate || !rate->result.found || !(capacity.result.capacity_bps > 0.0)) return 0.0;
  return rate->result.max_rate_bps / capacity.result.capacity_bps;
}

CapacityAnswer capacity(const channels::Link& link, const LinkCapacityOptions& options,
                        const std::optional<MaxRateRequest>& rate) {
  CapacityAnswer out;
  out.capacity = link_capacity(link, options);
  if (rate) out.rate = max_rate(link, *rate);
  return out;
}

}  // namespace phylane::workflows
