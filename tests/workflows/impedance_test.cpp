// Solving a cross-section dimension for a target impedance: hits the target, agrees with the exact
// conformal-map stripline, refuses unreachable targets with the reachable range.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "channels/link.hpp"
#include "phy/bem_stripline.hpp"
#include "phy/constants.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "workflows/impedance.hpp"

using namespace phylane;
using phy::units::inch;
using phy::units::mil;

namespace {

// K(k) by the arithmetic-geometric mean: K = pi / (2 AGM(1, sqrt(1 - k^2))) (Abramowitz & Stegun 17.6).
double ellip_k(double k) {
  double a = 1.0, b = std::sqrt(1.0 - k * k);
  for (int i = 0; i < 40; ++i) {
    const double an = 0.5 * (a + b);
    b = std::sqrt(a * b);
    a = an;
  }
  return phy::pi / (2.0 * a);
}

// Exact Z0 of a zero-thickness centred stripline (conformal map; Cohn 1954, Pozar 4th ed. eq. 3.179's
// source): Z0 = (eta0 / (4 sqrt(er))) K(k') / K(k), k = sech(pi w / (2 b)), k' = tanh(pi w / (2 b)).
double exact_stripline_z0(double w, double b, double er) {
  const double x = phy::pi * w / (2.0 * b);
  const double eta0 = 376.730313668;
  return eta0 / (4.0 * std::sqrt(er)) * ellip_k(1.0 / std::cosh(x)) / ellip_k(std::tanh(x));
}

channels::Link link_with(std::shared_ptr<const phy::LineGeometry> g, double dk, double sigma) {
  phy::TransmissionLine tl(std::move(g), phy::Dielectric::constant(dk, 0.0), {sigma, {}, {}});
  channels::Link l;
  l.source = "test.toml";
  l.channel = channels::CopperChannel({{"route", 4 * inch, tl}}, 50, 50);
  return l;
}

}  // namespace

TEST_CASE("The solved stripline width gives the target and agrees with the exact conformal map",
          "[workflows][impedance][reference]") {
  // A thin centred strip (t = 0.002 mil in b = 10 mil) of a lossless line: the exact zero-thickness
  // solution applies up to the strip's thickness. Both phylane models: closed form and the field solver.
  const phy::StriplineDims d{5 * mil, 0.002 * mil, 5 * mil, 5 * mil, 0.0, 1.0 * mil};
  const double b = 10.002 * mil;
  for (bool bem : {false, true}) {
    INFO((bem ? "field solver" : "closed form"));
    std::shared_ptr<const phy::LineGeometry> g;
    if (bem) g = std::make_shared<phy::BemStripline>(d, phy::LineMode::single_ended);
    else g = std::make_shared<phy::Stripline>(d);
    for (double target : {40.0, 50.0, 60.0}) {
      workflows::ImpedanceRequest r;
      r.target_ohm = target;
      r.freqs_hz = {10e9};
      const auto a = workflows::solve_impedance(link_with(g, 3.5, 1e30), r);
      CHECK(std::abs(a.impedance_ohm - target) < 1e-3);  // issue 16 asks 0.5 ohm; Brent stops at 1e-4
      // The exact Z0 at the solved width: within 0.2 % (the strip's 2e-4 b thickness widens it
      // electrically by ~0.2 % of w, lowering Z0 by ~0.1 % against zero thickness; measured 0.05 %
      // at 40 ohm to 0.09 % at 60 ohm, both models, which agree with each other to 0.005 %).
      const double exact = exact_stripline_z0(a.solved_m, b, 3.5);
      INFO("target " << target << " width " << a.solved_m / mil << " mil, exact Z0 there " << exact);
      CHECK(std::abs(exact / target - 1.0) < 0.002);
    }
  }
}

TEST_CASE("A pair's spacing and width are solved for a target Zdiff", "[workflows][impedance][property]") {
  const phy::StriplineDims d{5 * mil, 0.6 * mil, 5 * mil, 5 * mil, 7 * mil, 1.2 * mil};
  const auto link = link_with(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential), 3.6, 5.8e7);
  for (auto dim : {phy::CrossSectionDimension::width, phy::CrossSectionDimension::spacing, phy::CrossSectionDimension::height}) {
    workflows::ImpedanceRequest r;
    r.solve = dim;
    r.target_ohm = 85.0;
    r.freqs_hz = {4e9, 16e9};
    const auto a = workflows::solve_impedance(link, r);
    CHECK(std::abs(a.impedance_ohm - 85.0) < 1e-3);
    CHECK(a.mode == phy::LineMode::differential);
    REQUIRE(a.loss_db_per_m.size() == 2);
    CHECK(a.loss_db_per_m[1] > a.loss_db_per_m[0]);
    CHECK(a.delay_s_per_m == Approx(std::sqrt(3.6) / phy::c0).epsilon(0.01));
  }
}

TEST_CASE("An unreachable target and a spacing of a single line are refused with the reachable range",
          "[workflows][impedance][unit]") {
  const phy::StriplineDims d{5 * mil, 0.6 * mil, 5 * mil, 5 * mil, 0.0, 1.2 * mil};
  const auto link = link_with(std::make_shared<phy::BemStripline>(d, phy::LineMode::single_ended), 3.6, 5.8e7);
  workflows::ImpedanceRequest r;
  r.target_ohm = 2.0;
  r.freqs_hz = {10e9};
  CHECK_THROWS_WITH(workflows::solve_impedance(link, r),
                    Catch::Contains("--target 2 ohm cannot be reached") && Catch::Contains("spans") && Catch::Contains("ohm at"));
  r.target_ohm = 50.0;
  r.solve = phy::CrossSectionDimension::spacing;
  CHECK_THROWS_WITH(workflows::solve_impedance(link, r), Catch::Contains("spacing applies to coupled"));
  r.solve = phy::CrossSectionDimension::width;
  r.segment = 3;
  CHECK_THROWS_WITH(workflows::solve_impedance(link, r), Catch::Contains("--segment 4") && Catch::Contains("1 ... 1"));
}
