// The maximum-rate search (issue target: under 0.5 s for one copper and one optical link), NRZ
// and PAM4 compared, both cores (one modulation each); and the reach search on the copper link.
#include <benchmark/benchmark.h>

#include "io/config.hpp"
#include "workflows/link_search.hpp"
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

void BM_reach_copper_pcie5_route(benchmark::State& state) {
  const auto cfg = io::load_preset("pcie5-server");
  const double baud = cfg.signalling->spec.symbol_rate_baud;
  const auto st = workflows::stretchable(cfg, "", 4.0 * baud);
  solvers::ReachOptions opt;
  opt.min_length_m = st.base_length_m / 100;
  opt.max_length_m = st.base_length_m * 100;
  opt.min_eye_height_v = cfg.signalling->min_eye_height_for(2);
  opt.min_eye_width_ui = cfg.signalling->min_eye_width_for(2);
  double reach = 0.0;
  for (auto _ : state) {
    auto eye = [&](double len) {
      auto s = cfg.signalling->at(baud, 2);
      s.samples_per_ui = 16;
      s.refine_candidates = 1;
      return solvers::analyze_eye(st.at(len).h, s);
    };
    reach = solvers::find_max_reach(eye, opt).max_length_m;
    benchmark::DoNotOptimize(reach);
  }
  state.counters["reach_in"] = reach / 0.0254;
}
BENCHMARK(BM_reach_copper_pcie5_route)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
