// Material fit (Dk, Df, roughness of a known cross-section) to per-length loss: synthetic fit-back.
// Two lengths of a line phylane models from known Dk, Df and roughness (the issue 16 acceptance:
// fitted back within 2 %), starting from another laminate and foil.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "channels/copper_channel.hpp"
#include "channels/link.hpp"
#include "channels/network_ops.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "workflows/length_fit.hpp"
#include "workflows/material_fit.hpp"

using namespace phylane;
using namespace phylane::channels;
using phy::units::inch;
using phy::units::mil;

namespace {

std::shared_ptr<const phy::LineGeometry> pair_geometry() {
  // A 5-6-5 mil differential stripline, 5 mil of dielectric above and below.
  const phy::StriplineDims d{5 * mil, 0.6 * mil, 5 * mil, 5 * mil, 6 * mil, 1.2 * mil};
  return std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential);
}

phy::TransmissionLine line(double dk, double df, const phy::Roughness& r) {
  return phy::TransmissionLine(pair_geometry(), phy::Dielectric::djordjevic_sarkar(dk, df, 10e9), {5.8e7, r, r});
}

std::vector<double> grid() {
  std::vector<double> f;
  for (double x = 50e6; x <= 40e9 + 1; x += 50e6) f.push_back(x);
  return f;
}

// The line of length L between terminations at its impedance at 10 GHz (residual reflections of
// the frequency-dependent Z0 included), measured as a 2-port of its mode.
workflows::MeasuredLength measured(const phy::TransmissionLine& l, double length_m) {
  const double z0 = l.impedance_ohm(10e9);
  const CopperChannel ch({{"line", length_m, l}}, z0, z0);
  workflows::MeasuredLength m;
  m.network = network_from_channel(ch, grid());
  m.length_m = length_m;
  m.name = std::to_string(length_m / inch) + " in";
  return m;
}

// The cross-section config the fit starts from: the same geometry on another laminate and foil.
channels::Link cross_section(const phy::Roughness& start) {
  channels::Link link;
  link.source = "cross-section.toml";
  link.channel = CopperChannel({{"trace", 1 * inch, line(3.9, 0.012, start)}}, 100.0, 100.0);
  return link;
}

double parameter(const workflows::MaterialFit& f, const std::string& name) {
  for (const auto& p : f.parameters)
    if (p.name == name) return p.value;
  FAIL("no parameter " << name);
  return 0.0;
}

}  // namespace

TEST_CASE("Dk, Df and Huray roughness of two modelled lengths are fitted back within 2 %", "[workflows][fit][property]") {
  const phy::Roughness truth{phy::RoughnessModel::huray, 0.0, 0.45e-6, 2.2, 1.0};
  const auto truth_line = line(3.45, 0.0065, truth);
  const auto lengths = workflows::fit_lengths({measured(truth_line, 4 * inch), measured(truth_line, 10 * inch)});
  const auto f = workflows::fit_material(lengths, {4 * inch, 10 * inch}, cross_section({phy::RoughnessModel::huray, 0.0, 1e-6, 1.0, 1.0}), 0);
  INFO(f.reason);
  CHECK(f.converged);
  CHECK(f.dk == Approx(3.45).epsilon(0.02));
  CHECK(f.df == Approx(0.0065).epsilon(0.02));
  CHECK(parameter(f, "nodule_radius") == Approx(0.45e-6).epsilon(0.02));
  CHECK(parameter(f, "surface_ratio") == Approx(2.2).epsilon(0.02));
  // The fitted line reproduces the per-length loss (the residual reflections alone stay).
  CHECK(f.max_relative_error < 0.01);
  CHECK(f.freq_hz.front() >= 1e9);
}

TEST_CASE("Dk, Df and Hammerstad rq are fitted back within 2 %, from two lengths or from one", "[workflows][fit][property]") {
  const phy::Roughness truth{phy::RoughnessModel::hammerstad, 0.8e-6};
  const auto truth_line = line(3.7, 0.009, truth);
  const auto start = cross_section({phy::RoughnessModel::hammerstad, 0.3e-6});
  const auto two = workflows::fit_material(
      workflows::fit_lengths({measured(truth_line, 3 * inch), measured(truth_line, 9 * inch)}), {3 * inch, 9 * inch}, start, 0);
  INFO(two.reason);
  CHECK(two.converged);
  CHECK(two.dk == Approx(3.7).epsilon(0.02));
  CHECK(two.df == Approx(0.009).epsilon(0.02));
  CHECK(parameter(two, "rq") == Approx(0.8e-6).epsilon(0.02));
  // One length, launches lossless (the terminations match the line): the same parameters.
  const auto one = workflows::fit_material(workflows::single_length_loss(measured(truth_line, 9 * inch), 0.0), {9 * inch},
                                           start, 0);
  INFO(one.reason);
  CHECK(one.converged);
  CHECK(one.dk == Approx(3.7).epsilon(0.02));
  CHECK(one.df == Approx(0.009).epsilon(0.02));
  CHECK(parameter(one, "rq") == Approx(0.8e-6).epsilon(0.02));
}

TEST_CASE("Material fit refuses a link without trace segments and a segment out of range", "[workflows][fit][unit]") {
  const auto truth_line = line(3.7, 0.009, {});
  const auto lengths = workflows::fit_lengths({measured(truth_line, 3 * inch), measured(truth_line, 9 * inch)});
  channels::Link none;
  none.source = "optical.toml";
  CHECK_THROWS_WITH(workflows::fit_material(lengths, {3 * inch, 9 * inch}, none, 0),
                    Catch::Contains("optical.toml") && Catch::Contains("no trace segment"));
  CHECK_THROWS_WITH(workflows::fit_material(lengths, {3 * inch, 9 * inch}, cross_section({}), 1),
                    Catch::Contains("--segment 2") && Catch::Contains("1 trace segment"));
  CHECK_THROWS_WITH(workflows::single_length_loss(measured(truth_line, 3 * inch), -1.0), Catch::Contains("--launch-loss"));
}

TEST_CASE("A material fit that runs out of iterations is returned unconverged with the reason", "[workflows][fit][unit]") {
  const phy::Roughness truth{phy::RoughnessModel::hammerstad, 0.8e-6};
  const auto truth_line = line(3.7, 0.009, truth);
  workflows::MaterialFitOptions o;
  o.max_iterations = 1;
  const auto f = workflows::fit_material(workflows::fit_lengths({measured(truth_line, 3 * inch), measured(truth_line, 9 * inch)}),
                                         {3 * inch, 9 * inch}, cross_section({phy::RoughnessModel::hammerstad, 0.3e-6}), 0, o);
  CHECK_FALSE(f.converged);
  CHECK_THAT(f.reason, Catch::Contains("iteration limit"));
}
