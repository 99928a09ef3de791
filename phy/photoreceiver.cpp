#include "phy/photoreceiver.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/gaussian.hpp"
#include "phy/units.hpp"

namespace phylane::phy {

double Photoreceiver::thermal_density_a_per_rthz() const {
  if (tia_noise_a_per_rthz > 0.0 || !(feedback_resistance_ohm > 0.0)) return tia_noise_a_per_rthz;
  const double f = units::db_to_power_ratio(noise_figure_db);
  return std::sqrt(4.0 * k_b * temperature_k * f / feedback_resistance_ohm);
}

double Photoreceiver::thermal_rms_a() const { return thermal_density_a_per_rthz() * std::sqrt(noise_bandwidth_hz); }

double Photoreceiver::shot_rms_a(double p_w) const {
  return std::sqrt(2.0 * q_e * (responsivity_a_per_w * p_w + dark_current_a) * noise_bandwidth_hz);
}

double Photoreceiver::rin_rms_a(double p_w) const {
  if (rin_db_per_hz < -400.0) return 0.0;
  const double i = responsivity_a_per_w * p_w;
  return std::sqrt(units::db_to_power_ratio(rin_db_per_hz) * noise_bandwidth_hz) * i;
}

double Photoreceiver::noise_rms_a(double p_w) const {
  const double th = thermal_rms_a(), sh = shot_rms_a(p_w), ri = rin_rms_a(p_w);
  return std::sqrt(th * th + sh * sh + ri * ri);
}

void Photoreceiver::validate() const {
  auto bad = [](const std::string& m) { throw std::invalid_argument("photoreceiver: " + m); };
  if (!(responsivity_a_per_w > 0.0)) bad("responsivity must be > 0 A/W");
  if (!(dark_current_a >= 0.0)) bad("dark current must be >= 0");
  if (!(tia_noise_a_per_rthz >= 0.0)) bad("TIA noise density must be >= 0");
  if (!(feedback_resistance_ohm >= 0.0)) bad("feedback resistance must be >= 0");
  if (!(noise_bandwidth_hz > 0.0)) bad("noise bandwidth must be > 0");
  if (!(temperature_k > 0.0)) bad("temperature must be > 0 K");
}

double ook_ber(double i1, double i0, double s1, double s0) {
  if (!(s1 + s0 > 0.0)) throw std::invalid_argument("ook_ber: total noise must be > 0");
  const double q = (i1 - i0) / (s1 + s0);
  return 0.5 * std::erfc(q / std::sqrt(2.0));
}

double ook_sensitivity_w(const Photoreceiver& rx, double r, double target_ber) {
  rx.validate();
  if (!(r > 1.0)) throw std::invalid_argument("sensitivity: extinction ratio must be > 1 (> 0 dB)");
  if (!(target_ber > 0.0 && target_ber < 0.5)) throw std::invalid_argument("sensitivity: target BER must be in (0, 0.5)");
  const double qt = q_inverse(target_ber);
  // g(P) = R (P1 - P0) / (sigma1 + sigma0) - Qt, increasing in P until RIN dominates.
  auto g = [&](double p) {
    const double p1 = 2.0 * p * r / (r + 1.0), p0 = 2.0 * p / (r + 1.0);
    return rx.responsivity_a_per_w * (p1 - p0) / (rx.noise_rms_a(p1) + rx.noise_rms_a(p0)) - qt;
  };
  double lo = 1e-15, hi = 1e-12;
  while (g(hi) < 0.0) {
    lo = hi;
    hi *= 2.0;
    if (hi > 10.0)
      throw std::invalid_argument("sensitivity: the target BER is not reachable at any power (RIN floor or "
                                  "extinction ratio too low)");
  }
  if (g(lo) > 0.0) return lo;
  for (int i = 0; i < 200 && (hi - lo) > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (g(mid) < 0.0) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace phylane::phy
