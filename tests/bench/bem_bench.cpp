// The boundary-element field solver (phy/strip_bem.hpp) on the cross-sections of the stripline
// sweeps (issue 13: data/sweeps/stripline-lhs.toml spent ~90 % of its time here; BemStripline
// solves each line's cross-section five times, nominal and four receded for Wheeler's rule).
// A differential pair through the mirror-symmetric (even/odd) path and through the general path,
// and a single strip. Figures: docs/field_solver.md. Run: make bench.
#include <benchmark/benchmark.h>

#include <vector>

#include "phy/strip_bem.hpp"
#include "phy/units.hpp"

using namespace phylane;
using phy::units::mil;

namespace {

// A pcie5-server-like edge-coupled stripline: w 5 mil, gap 7 mil, t 0.7 mil, 4.5 mil either side.
constexpr double w = 5 * mil;
constexpr double gap = 7 * mil;
constexpr double t = 0.7 * mil;
constexpr double h = 4.5 * mil;

std::vector<phy::bem::Strip> pair() {
  const double xc = 0.5 * (w + gap);
  return {{-xc, w, h, t}, {xc, w, h, t}};
}

void solve(benchmark::State& state, const std::vector<phy::bem::Strip>& strips,
           const phy::bem::Options& opt) {
  for (auto _ : state) {
    const Eigen::MatrixXd c = phy::bem::stripline_capacitance(strips, 2.0 * h + t, 1.0, opt);
    benchmark::DoNotOptimize(c.data());
  }
}

void BM_BemPairSymmetric(benchmark::State& state) { solve(state, pair(), {}); }
BENCHMARK(BM_BemPairSymmetric)->Unit(benchmark::kMillisecond);

void BM_BemPairGeneral(benchmark::State& state) {
  phy::bem::Options opt;
  opt.use_symmetry = false;
  solve(state, pair(), opt);
}
BENCHMARK(BM_BemPairGeneral)->Unit(benchmark::kMillisecond);

void BM_BemSingle(benchmark::State& state) { solve(state, {{0.0, w, h, t}}, {}); }
BENCHMARK(BM_BemSingle)->Unit(benchmark::kMillisecond);

}  // namespace
