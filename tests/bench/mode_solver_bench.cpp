// Waveguide mode solver: the 500 x 220 nm Si strip at 1550 nm on the mesh that meets the issue's
// accuracy (tests/phy/mode_solver_test.cpp: n_eff 2.4451, n_g 4.182 against published 2.4449 and
// 4.197). Issue 17's target: one solve <= 0.5 s.
#include <benchmark/benchmark.h>

#include "phy/mode_solver.hpp"
#include "phy/ring_coupling.hpp"

using namespace phylane;

namespace {

phy::CrossSection strip() {
  return {phy::Medium::of(phy::OpticalMaterial::silica),
          {phy::Shape::rectangle(-250e-9, 250e-9, -110e-9, 110e-9, phy::Medium::of(phy::OpticalMaterial::silicon))}};
}

phy::ModeSolverOptions mesh() {
  phy::ModeSolverOptions o;
  o.x_max_m = 1.3e-6;
  o.y_max_m = 1.1e-6;
  o.dx_m = o.dy_m = 12.5e-9;
  o.x_min = o.y_min = phy::Boundary::mirror;
  o.fine_x_max_m = 375e-9;
  o.fine_y_max_m = 220e-9;
  o.growth = 1.15;
  o.max_cell_factor = 4;
  return o;
}

void BM_mode_solve_si_strip(benchmark::State& state) {
  const auto cs = strip();
  const auto o = mesh();
  for (auto _ : state) benchmark::DoNotOptimize(phy::solve_mode(cs, 1550e-9, o).n_eff);
}
BENCHMARK(BM_mode_solve_si_strip)->Unit(benchmark::kMillisecond);

void BM_mode_solve_si_strip_with_group_index(benchmark::State& state) {
  const auto cs = strip();
  const auto o = mesh();
  for (auto _ : state) {
    const auto m = phy::solve_mode(cs, 1550e-9, o);
    benchmark::DoNotOptimize(phy::group_index(cs, 1550e-9, o, m));
  }
}
BENCHMARK(BM_mode_solve_si_strip_with_group_index)->Unit(benchmark::kMillisecond);

}  // namespace

// A ring's bus coupling from its gap (phy::ring_bus_coupling), as read from a config with
// `gap = ...`: 500 x 220 nm Si wires in SiO2, 200 nm gap, R 5 um, 1550 nm, the default 12.5 nm
// mesh. Issue 17: a gap read from the config should cost <= 1 s.
void BM_ring_bus_coupling_si_wire(benchmark::State& state) {
  const phy::StripGuide g{phy::Medium::of(phy::OpticalMaterial::silicon), phy::Medium::of(phy::OpticalMaterial::silica),
                          500e-9, 220e-9, 12.5e-9};
  for (auto _ : state) benchmark::DoNotOptimize(phy::ring_bus_coupling(g, 200e-9, 5e-6, 1550e-9).power_coupling);
}
BENCHMARK(BM_ring_bus_coupling_si_wire)->Unit(benchmark::kMillisecond)->Iterations(1);
