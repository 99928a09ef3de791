#include "phy/cross_section_dimension.hpp"

#include <stdexcept>
#include <string>

#include "phy/bem_stripline.hpp"
#include "phy/microstrip.hpp"
#include "phy/number_text.hpp"
#include "phy/stripline.hpp"

namespace phylane::phy {

std::string_view to_string(CrossSectionDimension d) {
  switch (d) {
    case CrossSectionDimension::width: return "width";
    case CrossSectionDimension::spacing: return "spacing";
    case CrossSectionDimension::height: return "height";
  }
  return "";
}

std::optional<CrossSectionDimension> parse_cross_section_dimension(std::string_view text) {
  for (auto d : {CrossSectionDimension::width, CrossSectionDimension::spacing, CrossSectionDimension::height})
    if (text == to_string(d)) return d;
  return std::nullopt;
}

namespace {

[[noreturn]] void no_spacing(const LineGeometry& g) {
  throw std::invalid_argument("a " + std::string(g.kind()) + " has no spacing (only coupled geometries do)");
}

double get(const StriplineDims& d, CrossSectionDimension which) {
  switch (which) {
    case CrossSectionDimension::width: return d.width_m;
    case CrossSectionDimension::spacing: return d.spacing_m;
    case CrossSectionDimension::height: return d.height_below_m;
  }
  return 0.0;
}

double get(const MicrostripDims& d, CrossSectionDimension which) {
  switch (which) {
    case CrossSectionDimension::width: return d.width_m;
    case CrossSectionDimension::spacing: return d.spacing_m;
    case CrossSectionDimension::height: return d.height_m;
  }
  return 0.0;
}

StriplineDims set(StriplineDims d, CrossSectionDimension which, double v) {
  switch (which) {
    case CrossSectionDimension::width: d.width_m = v; break;
    case CrossSectionDimension::spacing: d.spacing_m = v; break;
    case CrossSectionDimension::height: {
      const double ratio = d.height_above_m / d.height_below_m;
      d.height_below_m = v;
      d.height_above_m = v * ratio;
      break;
    }
  }
  return d;
}

MicrostripDims set(MicrostripDims d, CrossSectionDimension which, double v) {
  switch (which) {
    case CrossSectionDimension::width: d.width_m = v; break;
    case CrossSectionDimension::spacing: d.spacing_m = v; break;
    case CrossSectionDimension::height: d.height_m = v; break;
  }
  return d;
}

}  // namespace

double dimension_m(const LineGeometry& g, CrossSectionDimension d) {
  if (d == CrossSectionDimension::spacing && g.mode() == LineMode::single_ended) no_spacing(g);
  if (const auto* s = dynamic_cast<const Stripline*>(&g)) return get(s->dims(), d);
  if (const auto* s = dynamic_cast<const CoupledStripline*>(&g)) return get(s->dims(), d);
  if (const auto* s = dynamic_cast<const BemStripline*>(&g)) return get(s->dims(), d);
  if (const auto* s = dynamic_cast<const Microstrip*>(&g)) return get(s->dims(), d);
  if (const auto* s = dynamic_cast<const CoupledMicrostrip*>(&g)) return get(s->dims(), d);
  throw std::invalid_argument("cross-section dimension: unknown geometry " + std::string(g.kind()));
}

std::shared_ptr<const LineGeometry> with_dimension(const LineGeometry& g, CrossSectionDimension d, double v) {
  if (!(v > 0.0)) throw std::invalid_argument(std::string(to_string(d)) + " = " + number_text(v) + " m must be > 0");
  if (d == CrossSectionDimension::spacing && g.mode() == LineMode::single_ended) no_spacing(g);
  if (const auto* s = dynamic_cast<const Stripline*>(&g)) return std::make_shared<Stripline>(set(s->dims(), d, v));
  if (const auto* s = dynamic_cast<const CoupledStripline*>(&g))
    return std::make_shared<CoupledStripline>(set(s->dims(), d, v), s->mode());
  if (const auto* s = dynamic_cast<const BemStripline*>(&g))
    return std::make_shared<BemStripline>(set(s->dims(), d, v), s->mode());
  if (const auto* s = dynamic_cast<const Microstrip*>(&g)) return std::make_shared<Microstrip>(set(s->dims(), d, v));
  if (const auto* s = dynamic_cast<const CoupledMicrostrip*>(&g))
    return std::make_shared<CoupledMicrostrip>(set(s->dims(), d, v), s->mode());
  throw std::invalid_argument("cross-section dimension: unknown geometry " + std::string(g.kind()));
}

}  // namespace phylane::phy
