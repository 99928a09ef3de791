// Waveguide loss mechanisms: Payne-Lacey scattering, confinement-weighted absorption and bends.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/units.hpp"
#include "phy/waveguide_loss.hpp"
#include "tests/support/bisect.hpp"

using namespace phylane::phy;
using phylane::test::bisect;

TEST_CASE("Payne-Lacey closed form equals its radiation integral over both interfaces", "[phy][waveguide_loss][reference]") {
  // Independent route: the TE0 slab mode solved here (U tan U = W by bisection), its normalised
  // interface intensity phi^2(d) = W U^2 / (d V^2 (1 + W)) (from integral phi^2 = 1 over the
  // cos / exp profile), and Payne & Lacey's radiation integral
  // phi^2 (n1^2 - n2^2)^2 k0^3 / (4 pi n1) int_0^pi R~(beta - n2 k0 cos t) dt per interface,
  // R~ = 2 sigma^2 Lc / (1 + Lc^2 Omega^2), by Simpson's rule. Measured agreement 1e-10.
  struct Row {
    double n1, n2, d, sigma, lc, lambda;
  };
  const Row rows[] = {{3.476, 1.444, 0.25e-6, 10e-9, 50e-9, 1.55e-6},
                      {3.476, 1.444, 0.25e-6, 2e-9, 100e-9, 1.55e-6},
                      {1.996, 1.444, 0.5e-6, 3e-9, 200e-9, 1.55e-6},
                      {1.50, 1.45, 2e-6, 20e-9, 1e-6, 1.31e-6}};
  for (const auto& r : rows) {
    const double k0 = 2 * pi / r.lambda, v = k0 * r.d * std::sqrt(r.n1 * r.n1 - r.n2 * r.n2);
    const double u = bisect([&](double x) { return x * std::tan(x) - std::sqrt(v * v - x * x); }, 1e-9,
                            std::min(v, pi / 2) - 1e-12);
    const double w = std::sqrt(v * v - u * u), beta = std::sqrt(std::pow(r.n1 * k0, 2) - std::pow(u / r.d, 2));
    const double phi2 = w * u * u / (r.d * v * v * (1 + w));
    const int n = 20000;  // Simpson, even number of intervals
    double s = 0;
    for (int i = 0; i <= n; ++i) {
      const double t = pi * i / n, om = beta - r.n2 * k0 * std::cos(t);
      const double f = 2 * r.sigma * r.sigma * r.lc / (1 + r.lc * r.lc * om * om);
      s += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    s *= pi / n / 3;
    const double per_interface = phi2 * std::pow(r.n1 * r.n1 - r.n2 * r.n2, 2) * std::pow(k0, 3) / (4 * pi * r.n1) * s;
    CHECK(payne_lacey_slab_loss_per_m(r.n1, r.n2, r.d, r.lambda, {r.sigma, r.lc}) ==
          Approx(2 * per_interface).epsilon(1e-8));
  }
}

TEST_CASE("Surface scattering from a solved slab mode equals Payne-Lacey's closed form", "[phy][waveguide_loss][reference]") {
  // The 2D solver's slab (periodic x, one cell) with rough top and bottom faces: the face-by-face
  // estimate on the solved mode must reproduce the closed form (the tangential E is continuous
  // there, so this checks the normalisation and the mirror bookkeeping), up to the power
  // normalisation: the mode power is (n_eff / 2 eta0) integral |E|^2 where Payne and Lacey set
  // n_eff = n1 (weak guidance), so the estimate is the closed form times n1 / n_eff. Measured
  // 7e-6 relative at 2 nm cells; margin 1 % (the cell-centre sampling of a coarser mesh).
  const double n1 = 3.476, n2 = 1.444, d = 110e-9, lambda = 1550e-9;
  const CrossSection cs{Medium::fixed(n2), {Shape::rectangle(-1, 1, -d, d, Medium::fixed(n1))}};
  ModeSolverOptions o;
  o.x_max_m = o.dx_m = 2e-9;
  o.x_min = o.x_max = Boundary::periodic;
  o.y_max_m = 2.2e-6;
  o.dy_m = 2e-9;
  o.y_min = Boundary::mirror;
  const auto m = solve_mode(cs, lambda, o);
  const InterfaceRoughness r{5e-9, 50e-9};
  const auto s = surface_scattering(m, cs.shapes[0], n1, n2, {}, r);
  CHECK(s.top_bottom_per_m == Approx(payne_lacey_slab_loss_per_m(n1, n2, d, lambda, r) * n1 / m.n_eff.real()).epsilon(0.01));
  CHECK(s.sidewalls_per_m == 0.0);
}

TEST_CASE("A wide face radiates as Payne-Lacey's 2D interface, a wire's sidewall far less",
          "[phy][waveguide_loss][reference]") {
  // The 3D volume-current far field of a face (surface_scattering on a strip) must tend to the 2D
  // radiation integral as the face widens: the top and bottom faces of an 8 um wide, 220 nm Si
  // strip against the slab's closed form times n1 / n_eff (the slab test above). Measured -0.34 %
  // (16 um: -0.08 %); margin 1 %.
  const double n1 = 3.476, n2 = 1.444, d = 110e-9, lambda = 1550e-9, half_width = 4e-6;
  const InterfaceRoughness r{5e-9, 50e-9};
  const CrossSection cs{Medium::fixed(n2), {Shape::rectangle(-half_width, half_width, -d, d, Medium::fixed(n1))}};
  ModeSolverOptions o;
  o.x_max_m = half_width + 1e-6;
  o.dx_m = 50e-9;
  o.y_max_m = 1.5e-6;
  o.dy_m = 2.5e-9;
  o.x_min = o.y_min = Boundary::mirror;
  o.fine_x_max_m = half_width;
  o.fine_y_max_m = d;
  o.growth = 1.1;
  o.max_cell_factor = 16;
  const auto m = solve_mode(cs, lambda, o);
  const auto s = surface_scattering(m, cs.shapes[0], n1, n2, {}, r);
  // The slab's n_eff (the wide strip's lateral confinement lowers its own by 6e-4).
  ModeSolverOptions so;
  so.x_max_m = so.dx_m = 2e-9;
  so.x_min = so.x_max = Boundary::periodic;
  so.y_max_m = 1.5e-6;
  so.dy_m = 2.5e-9;
  so.y_min = Boundary::mirror;
  const CrossSection slab{Medium::fixed(n2), {Shape::rectangle(-1, 1, -d, d, Medium::fixed(n1))}};
  const double n_slab = solve_mode(slab, lambda, so).n_eff.real();
  CHECK(s.top_bottom_per_m == Approx(payne_lacey_slab_loss_per_m(n1, n2, d, lambda, r) * n1 / n_slab).epsilon(0.01));
}

TEST_CASE("Si strip sidewall scattering against Lee et al.'s measured loss", "[phy][waveguide_loss][published]") {
  // K. K. Lee et al., Opt. Lett. 26, 1888 (2001) (abstract): a 0.5 um wide Si/SiO2 strip loses
  // 32 dB/cm made conventionally and 0.8 dB/cm after oxidation smoothing; Appl. Phys. Lett. 77,
  // 1617 (2000): 200 nm thick Si, 1.54 um. The roughness reported with these losses is taken as
  // sigma = 10 nm and 2 nm, L_c = 50 nm (as quoted with the measurement in the literature; not
  // read from the papers' text in this work: docs/optical_physics.md). Measured (sidewalls only,
  // 3D volume-current far field, 5 nm cells): 22.1 and 0.88 dB/cm, i.e. the measurements are
  // 1.45x and 0.91x the model; within the factor 1.5 the issue asks. Mesh: 22.3 / 22.1 / 21.95
  // dB/cm at 10 / 5 / 2.5 nm cells.
  const double lambda = 1540e-9;
  const double n_si = refractive_index(OpticalMaterial::silicon, lambda), n_ox = refractive_index(OpticalMaterial::silica, lambda);
  const CrossSection cs{Medium::of(OpticalMaterial::silica),
                        {Shape::rectangle(-250e-9, 250e-9, -100e-9, 100e-9, Medium::of(OpticalMaterial::silicon))}};
  ModeSolverOptions o;
  o.x_max_m = 1.3e-6;
  o.y_max_m = 1.1e-6;
  o.dx_m = o.dy_m = 5e-9;
  o.x_min = o.y_min = Boundary::mirror;
  o.fine_x_max_m = 250e-9;
  o.fine_y_max_m = 100e-9;
  o.growth = 1.15;
  o.max_cell_factor = 8;
  const auto m = solve_mode(cs, lambda, o);
  struct Point {
    double sigma, measured_db_per_cm;
  };
  for (const Point p : {Point{10e-9, 32.0}, Point{2e-9, 0.8}}) {
    const auto s = surface_scattering(m, cs.shapes[0], n_si, n_ox, {p.sigma, 50e-9}, {});
    const double model = units::nepers_to_db(0.5 * s.sidewalls_per_m) / 100;
    INFO("sigma " << p.sigma * 1e9 << " nm: model " << model << " dB/cm, measured " << p.measured_db_per_cm);
    CHECK(p.measured_db_per_cm / model < 1.5);
    CHECK(model / p.measured_db_per_cm < 1.5);
  }
  // Quadratic in sigma (first-order perturbation theory).
  const auto s10 = surface_scattering(m, cs.shapes[0], n_si, n_ox, {10e-9, 50e-9}, {});
  const auto s2 = surface_scattering(m, cs.shapes[0], n_si, n_ox, {2e-9, 50e-9}, {});
  CHECK(s2.sidewalls_per_m == Approx(s10.sidewalls_per_m / 25).epsilon(1e-9));
  // A mesh that misses the core's faces is refused.
  auto coarse = o;
  coarse.dx_m = coarse.dy_m = 10e-9;
  coarse.fine_x_max_m = 305e-9;  // 30 cells of 10.17 nm: no node at 250 nm
  const auto mc = solve_mode(cs, lambda, coarse);
  CHECK_THROWS_WITH(surface_scattering(mc, cs.shapes[0], n_si, n_ox, {10e-9, 50e-9}, {}), Catch::Contains("not on a mesh line"));
}

TEST_CASE("Absorption weighted by confinement: a uniformly lossy guide loses the material's loss",
          "[phy][waveguide_loss][property]") {
  const CrossSection cs{Medium::of(OpticalMaterial::silica),
                        {Shape::rectangle(-250e-9, 250e-9, -110e-9, 110e-9, Medium::of(OpticalMaterial::silicon))}};
  ModeSolverOptions o;
  o.x_max_m = 1.3e-6;
  o.y_max_m = 1.1e-6;
  o.dx_m = o.dy_m = 20e-9;
  o.x_min = o.y_min = Boundary::mirror;
  o.growth = 1.0;
  const auto m = solve_mode(cs, 1550e-9, o);
  const Shape everywhere = Shape::rectangle(-1, 1, -1, 1, Medium::fixed(1.0));
  CHECK(absorption_per_m(m, {everywhere}, {10.0}) == Approx(10.0).epsilon(1e-12));
  const double core_only = absorption_per_m(m, {cs.shapes[0]}, {10.0});
  CHECK(core_only == Approx(10.0 * confinement_factor(m, cs.shapes[0])).epsilon(1e-12));
  CHECK_THROWS_AS(absorption_per_m(m, {everywhere}, {}), std::invalid_argument);
}

namespace {
// A Si wire of the given width x 220 nm in SiO2, solved in the bend's cylindrical frame on 20 nm
// cells (mirror at y = 0); bent_at() fits the window and keeps the inner PML at most half the
// inner cladding gap, off the core.
struct SiWireBend {
  explicit SiWireBend(double width_m)
      : half_width(0.5 * width_m),
        cs{Medium::of(OpticalMaterial::silica),
           {Shape::rectangle(-half_width, half_width, -110e-9, 110e-9, Medium::of(OpticalMaterial::silicon))}} {
    o.x_max_m = 2e-6;
    o.y_max_m = 1.4e-6;
    o.dx_m = o.dy_m = 20e-9;
    o.y_min = Boundary::mirror;
    o.fine_x_min_m = -half_width;
    o.fine_x_max_m = half_width;
    o.fine_y_max_m = 110e-9;
    o.growth = 1.15;
    o.max_cell_factor = 4;
  }
  BendLoss bent_at(double radius) {
    o.x_min_m = -0.9 * radius;
    o.pml_thickness_m = std::min(0.6e-6, 0.5 * (0.9 * radius - half_width));
    return bend_loss(cs, 1550e-9, o, radius);
  }
  double half_width;
  CrossSection cs;
  ModeSolverOptions o;
};
}  // namespace

TEST_CASE("Bend radiation loss falls monotonically with radius, small radii are refused",
          "[phy][waveguide_loss][property]") {
  // 450 x 220 nm Si wire in SiO2 at 1550 nm, cylindrical frame with the PML kept off the core
  // (inner PML at most half the inner cladding gap). Measured radiation loss: 0.114, 0.0090 and
  // 8.5e-4 dB/90 deg at R = 1, 1.5, 2 um; the junction (mode-mismatch) loss 0.40, 0.13, 0.066 dB
  // (docs/optical_physics.md).
  SiWireBend wire(450e-9);
  double previous_rad = 1e9, previous_total = 1e9;
  for (double radius : {1e-6, 1.5e-6, 2e-6}) {
    const auto b = wire.bent_at(radius);
    INFO("R = " << radius << ": radiation " << b.radiation_db_per_90deg << " dB, junction " << b.transition_db);
    CHECK(b.radiation_db_per_90deg < previous_rad);
    CHECK(b.total_db_per_90deg < previous_total);
    CHECK(b.n_eff.imag() < 0);  // leaky, not gaining
    previous_rad = b.radiation_db_per_90deg;
    previous_total = b.total_db_per_90deg;
  }
  CHECK(previous_rad < 1e-3);
  wire.o.x_min_m = -0.1e-6;
  wire.o.pml_thickness_m = 0.6e-6;
  CHECK_THROWS_WITH(bend_loss(wire.cs, 1550e-9, wire.o, 0.15e-6), Catch::Contains("below the mode's half width"));
}

TEST_CASE("Si wire bend loss against Vlasov & McNab's measurement, the junctions bound it from above",
          "[phy][waveguide_loss][published]") {
  // Y. A. Vlasov, S. J. McNab, "Losses in single-mode silicon-on-insulator strip waveguides and
  // bends", Opt. Express 12, 1622 (2004), abstract and sec. 4: 445 x 220 nm strip, TE, 1.5 um,
  // 0.086 +- 0.005 dB per 90 deg bend at R = 1 um and 0.013 +- 0.005 dB at R = 2 um. Modelled
  // here in SiO2 above and below, 1550 nm, 20 nm cells. Measured: radiation 0.122 dB at 1 um
  // (1.42x the measurement: within the factor 2 the issue asks), 9.8e-4 dB at 2 um (13x below
  // it); radiation plus two straight-bend junctions 0.93 and 0.133 dB (10.8x and 10x above). The
  // measurement at 2 um lies between radiation alone and radiation with both junctions, as it
  // must for any layout of these bends; at 1 um it is within 2x of radiation alone.
  SiWireBend wire(445e-9);
  const auto r1 = wire.bent_at(1e-6), r2 = wire.bent_at(2e-6);
  INFO("R = 1 um: radiation " << r1.radiation_db_per_90deg << ", total " << r1.total_db_per_90deg << "; R = 2 um: radiation "
                              << r2.radiation_db_per_90deg << ", total " << r2.total_db_per_90deg);
  const double measured_1 = 0.086, measured_2 = 0.013;
  CHECK(r1.radiation_db_per_90deg / measured_1 > 0.5);
  CHECK(r1.radiation_db_per_90deg / measured_1 < 2.0);
  CHECK(r2.radiation_db_per_90deg < measured_2);
  CHECK(r2.total_db_per_90deg > measured_2);
  CHECK(r1.total_db_per_90deg > measured_1);
}
