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

double DfeLimits::feedback(int tap, double v, double h0) const {
  return clip(v, h0, min_for(tap), max_for(tap), abs_for(tap));
}

std::string to_string(EyeSampling s) {
  switch (s) {
    case EyeSampling::tallest: return "tallest";
    case EyeSampling::com: return "com";
    case EyeSampling::com_peak: return "com-peak";
    case EyeSampling::com_rise: return "com-rise";
  }
  return "?";
}

std::string to_string(EyePdf p) { return p == EyePdf::com ? "com" : "statistical"; }

}  // namespace phylane::channels
