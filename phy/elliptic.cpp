#include "phy/elliptic.hpp"

#include <cmath>
#include <stdexcept>

#include "phy/constants.hpp"

namespace phylane::phy {

double agm(double a, double b) {
  if (!(a >= 0.0 && b >= 0.0)) throw std::invalid_argument("agm: arguments must be >= 0");
  if (a == 0.0 || b == 0.0) return 0.0;
  for (int i = 0; i < 64; ++i) {
    const double an = 0.5 * (a + b);
    const double bn = std::sqrt(a * b);
    a = an;
    b = bn;
    if (std::abs(a - b) <= 1e-16 * a) break;
  }
  return 0.5 * (a + b);
}

double elliptic_k_from_complement(double kp) { return pi / (2.0 * agm(1.0, kp)); }

double elliptic_k(double k) {
  if (!(k >= 0.0 && k < 1.0)) throw std::invalid_argument("elliptic_k: modulus must be in [0, 1)");
  return elliptic_k_from_complement(std::sqrt((1.0 - k) * (1.0 + k)));
}

double elliptic_k_ratio(double k, double kp) { return agm(1.0, k) / agm(1.0, kp); }

}  // namespace phylane::phy
