#pragma once
/// One dimension of a line's cross-section read and changed, the rest kept: what a solve for a
/// target impedance (workflows/impedance.hpp) varies. Works on every geometry phylane builds
/// (Stripline, CoupledStripline, BemStripline, Microstrip, CoupledMicrostrip), keeping the model
/// (closed form or field solver) and the mode. Tested by: tests/workflows/impedance_test.cpp.
#include <memory>
#include <optional>
#include <string_view>

#include "phy/line_geometry.hpp"

namespace phylane::phy {

/// width: the strip width; spacing: the edge-to-edge gap of a coupled pair; height: the dielectric
/// between the strip and its plane(s) (a stripline's height_below and height_above scaled together,
/// so an offset strip keeps its offset ratio; the value is height_below).
enum class CrossSectionDimension { width, spacing, height };
std::string_view to_string(CrossSectionDimension d);
/// Parses "width", "spacing", "height"; std::nullopt otherwise.
std::optional<CrossSectionDimension> parse_cross_section_dimension(std::string_view text);

/// The dimension's value in `g` [m]. Throws std::invalid_argument for spacing of a single line or
/// a geometry of another type.
double dimension_m(const LineGeometry& g, CrossSectionDimension d);
/// A copy of `g` with the dimension set to value_m (> 0), the same model and mode. Throws as
/// dimension_m, and for value_m <= 0.
std::shared_ptr<const LineGeometry> with_dimension(const LineGeometry& g, CrossSectionDimension d, double value_m);

}  // namespace phylane::phy
