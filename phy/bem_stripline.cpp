#include "phy/bem_stripline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/strip_bem.hpp"

namespace phylane::phy {

namespace {

void require_positive(double v, const char* name) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw std::invalid_argument(std::string("stripline (field solver): ") + name + " = " + std::to_string(v) +
                                " m must be > 0");
}

// Self and mutual vacuum capacitance [F/m] of the strip (or pair) for given dimensions.
struct AirCapacitance {
  double self = 0.0;    // C11
  double mutual = 0.0;  // C12 (<= 0); 0 for a single strip
};

// Process-wide cache of solved cross-sections, keyed by the exact dimensions (bit patterns), so a
// sweep over lengths or materials solves each cross-section once. Bounded: cleared when full.
AirCapacitance solve_cached(double w, double t, double h1, double h2, double s, bool pair) {
  using Key = std::array<double, 6>;
  static std::mutex mutex;
  static std::map<Key, AirCapacitance> cache;
  const Key key{w, t, h1, h2, pair ? s : 0.0, pair ? 1.0 : 0.0};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  const double b = h1 + t + h2;
  std::vector<bem::Strip> strips;
  if (pair) {
    const double pitch = w + s;
    strips.push_back({-0.5 * pitch, w, h1, t});
    strips.push_back({0.5 * pitch, w, h1, t});
  } else {
    strips.push_back({0.0, w, h1, t});
  }
  const Eigen::MatrixXd c = bem::stripline_capacitance(strips, b, 1.0);
  AirCapacitance out;
  out.self = c(0, 0);
  out.mutual = pair ? 0.5 * (c(0, 1) + c(1, 0)) : 0.0;
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() > 20000) cache.clear();
  cache.emplace(key, out);
  return out;
}

}  // namespace

BemStripline::BemStripline(const StriplineDims& d, LineMode mode) : d_(d), mode_(mode) {
  require_positive(d_.width_m, "width");
  require_positive(d_.thickness_m, "thickness");
  require_positive(d_.height_below_m, "height_below");
  require_positive(d_.height_above_m, "height_above");
  require_positive(d_.plane_thickness_m, "plane_thickness");
  if (mode_ != LineMode::single_ended) require_positive(d_.spacing_m, "spacing");
}

double BemStripline::air_capacitance_f_per_m(const Recession& r) const {
  // Receding walls: every strip face moves inward by r.strip_m (width and thickness shrink by
  // 2 r.strip_m, the gap grows by 2 r.strip_m, the strip stays centred in its own height), and
  // each plane moves away by r.plane_m.
  const double w = d_.width_m - 2.0 * r.strip_m;
  const double t = d_.thickness_m - 2.0 * r.strip_m;
  const double h1 = d_.height_below_m + r.strip_m + r.plane_m;
  const double h2 = d_.height_above_m + r.strip_m + r.plane_m;
  const double s = d_.spacing_m + 2.0 * r.strip_m;
  const bool pair = mode_ != LineMode::single_ended;
  const AirCapacitance c = solve_cached(w, t, h1, h2, s, pair);
  switch (mode_) {
    case LineMode::single_ended: return c.self;
    case LineMode::differential: return 0.5 * (c.self - c.mutual);  // C_odd / 2
    case LineMode::common: return 2.0 * (c.self + c.mutual);        // 2 C_even
  }
  return c.self;
}

EvenOdd BemStripline::air_even_odd() const {
  const bool pair = mode_ != LineMode::single_ended;
  const AirCapacitance c =
      solve_cached(d_.width_m, d_.thickness_m, d_.height_below_m, d_.height_above_m, d_.spacing_m, pair);
  return {1.0 / (c0 * (c.self + c.mutual)), 1.0 / (c0 * (c.self - c.mutual))};
}

double BemStripline::strip_dc_factor_per_m2() const {
  const double one = 1.0 / (d_.width_m * d_.thickness_m);
  switch (mode_) {
    case LineMode::single_ended: return one;
    case LineMode::differential: return 2.0 * one;
    case LineMode::common: return 0.5 * one;
  }
  return one;
}

std::vector<ValidityLimit> BemStripline::validity(double dk) const {
  const double b = d_.height_below_m + d_.thickness_m + d_.height_above_m;
  return {
      {"width/plane spacing", "width", d_.width_m / b, 0.0, 1000.0,
       "boundary-element solver, convergence measured to w/b = 1000"},
      {"dk", "dk", dk, 1.0, 1000.0, "boundary-element solver"},
  };
}

double BemStripline::smallest_dimension_m() const {
  double m = std::min({d_.width_m, d_.thickness_m, d_.height_below_m, d_.height_above_m});
  if (mode_ != LineMode::single_ended) m = std::min(m, d_.spacing_m);
  return m;
}

}  // namespace phylane::phy
