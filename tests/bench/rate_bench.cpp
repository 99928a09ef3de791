// The maximum-rate search (issue target: under 0.5 s for one copper and one optical link), NRZ
// and PAM4 compared, both cores (one modulation each); and the reach search on copper links.
#include <benchmark/benchmark.h>

#include "io/config.hpp"
#include "workflows/link_search.hpp"
#include "workflows/rate.hpp"
#include "solvers/max_rate.hpp"

using namespace phylane;

namespace {

void max_rate(benchmark::State& state, const char* preset) {
  const auto cfg = io::load_preset(preset);
  solvers::MaxRateOptions opt;
  opt.min_eye_height_by_levels = cfg.signalling->min_eye_height_by_levels;
  opt.min_eye_width_by_levels = cfg.signalling->min_eye_width_by_levels;
  double rate = 0.0;
  for (auto _ : state) {
    // Channel set-up is part of what a user waits for.
    const auto h = workflows::search_channel(cfg, opt.max_rate_bps);
    const auto r = solvers::find_max_rate(workflows::search_eye(cfg, h), opt);
    rate = r.max_rate_bps;
    state.counters["found"] = r.found ? 1.0 : 0.0;
    state.counters["modulations"] = static_cast<double>(r.per_modulation.size());
    benchmark::DoNotOptimize(rate);
  }
  state.counters["max_rate_Gbps"] = rate / 1e9;
}

void BM_maxrate_copper_pcie5_route(benchmark::State& state) { max_rate(state, "pcie5-server"); }
BENCHMARK(BM_maxrate_copper_pcie5_route)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_maxrate_optical_dr4_lane(benchmark::State& state) { max_rate(state, "dr4-400g-lane"); }
BENCHMARK(BM_maxrate_optical_dr4_lane)->Unit(benchmark::kMillisecond)->UseRealTime();

// The reach search as `phylane reach` runs it (workflows::reach: loss slope, bracket, two lengths
// per round on the two cores). Issue 13 targets: kr1-ck-28db <= 5 s (the former upward scan took
// 17 eyes, 18-36 s). Counters: the answer and the eyes evaluated.
void reach(benchmark::State& state, const char* preset) {
  const auto cfg = io::load_preset(preset);
  double length = 0.0, eyes = 0.0;
  for (auto _ : state) {
    const auto a = workflows::reach(cfg, {});
    length = a.result.max_length_m;
    eyes = static_cast<double>(a.result.curve.size());
  }
  state.counters["reach_m"] = length;
  state.counters["eyes"] = eyes;
}

void BM_reach_copper_pcie5_route(benchmark::State& state) { reach(state, "pcie5-server"); }
BENCHMARK(BM_reach_copper_pcie5_route)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_reach_pcie5_cem_link(benchmark::State& state) { reach(state, "pcie5-cem-link"); }
BENCHMARK(BM_reach_pcie5_cem_link)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_reach_kr1_ck_28db(benchmark::State& state) { reach(state, "kr1-ck-28db"); }
BENCHMARK(BM_reach_kr1_ck_28db)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
