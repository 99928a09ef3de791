#include "workflows/system.hpp"

namespace phylane::workflows {

std::string_view to_string(LaneDirection d) { return d == LaneDirection::each ? "each" : "shared"; }

double LinkSpec::lanes_per_direction() const {
  return direction == LaneDirection::each ? static_cast<double>(lanes) : 0.5 * lanes;
}

}  // namespace phylane::workflows
