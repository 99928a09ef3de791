#include "channels/transceiver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace phylane::channels {

double DfeLimits::max_for(int tap) const {
  if (max_rel.empty()) return std::numeric_limits<double>::infinity();
  return max_rel[std::min(static_cast<std::size_t>(tap - 1), max_rel.size() - 1)];
}

double DfeLimits::min_for(int tap) const {
  if (min_rel.empty()) return -max_for(tap);
  return min_rel[std::min(static_cast<std::size_t>(tap - 1), min_rel.size() - 1)];
}

double DfeLimits::abs_for(int tap) const {
  if (max_abs_v.empty()) return std::numeric_limits<double>::infinity();
  return max_abs_v[std::min(static_cast<std::size_t>(tap - 1), max_abs_v.size() - 1)];
}

// Clipped DFE feedback (93A-26), then the absolute full-scale clamp.
double DfeLimits::feedback(int tap, double v, double h0) const {
  const double lo = min_for(tap), hi = max_for(tap);
  double fb = (std::isinf(hi) && std::isinf(lo)) ? v : h0 * std::clamp(v / h0, lo, hi);
  const double a = abs_for(tap);
  if (std::isfinite(a)) fb = std::clamp(fb, -a, a);
  return fb;
}

}  // namespace phylane::channels
