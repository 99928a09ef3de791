// Issue 13's whole questions as benchmarks: the equalized eye of the KR4-style lane around each
// measured 4-port channel (tests/reference/engine_equivalence/kr4_style.toml.in; skipped when
// ../shared/data is absent), the kr1-ck-28db preset's eye and max rate, and the pcie5-cem-link
// reach. Each iteration includes loading the link (reading the Touchstone file, preparing its
// splines), as a user's process does. Whole-process timings are in the closing notes.
#include <benchmark/benchmark.h>

#include "io/config.hpp"
#include "tests/support/kr4_style_config.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/eye.hpp"
#include "workflows/rate.hpp"

using namespace phylane;

namespace {

void measured_eye(benchmark::State& state, const char* file) {
  const auto path = test::reference_file(std::string("touchstone/") + file + ".s4p");
  if (!path) {
    state.SkipWithError("reference data absent (../shared/data)");
    return;
  }
  const std::string text = test::kr4_style_config(*path);
  double margin = 0.0;
  for (auto _ : state) {
    const auto link = io::load_config_text(text, std::string(file) + ".toml");
    margin = workflows::eye(link).analysis.eye.margin_db;
    benchmark::DoNotOptimize(margin);
  }
  state.counters["margin_dB"] = margin;
}

}  // namespace

BENCHMARK_CAPTURE(measured_eye, whisper_meg6, "TEC_Whisper42p8in_Meg6_THRU_C8C9")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(measured_eye, whisper_nelco6, "TEC_Whisper42p8in_Nelco6_THRU_C8C9")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(measured_eye, smt_io_10in, "TEC_SMT_IO_42GHz_Thru_B5B6_10in")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(measured_eye, smt_io_4in, "TEC_SMT_IO_42GHz_Thru_B5B6_4in")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(measured_eye, peters_b1, "peters_01_0605_B1_thru")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(measured_eye, cable1, "CABLE1_TX_pair")->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_eye_kr1_ck_28db(benchmark::State& state) {
  const auto link = io::load_preset("kr1-ck-28db");
  for (auto _ : state) benchmark::DoNotOptimize(workflows::eye(link).analysis.eye.margin_db);
}
BENCHMARK(BM_eye_kr1_ck_28db)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

static void BM_maxrate_kr1_ck_28db(benchmark::State& state) {
  const auto link = io::load_preset("kr1-ck-28db");
  for (auto _ : state) benchmark::DoNotOptimize(workflows::max_rate(link).result.max_rate_bps);
}
BENCHMARK(BM_maxrate_kr1_ck_28db)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

static void BM_reach_pcie5_cem_link(benchmark::State& state) {
  const auto link = io::load_preset("pcie5-cem-link");
  for (auto _ : state) benchmark::DoNotOptimize(workflows::reach(link).result.max_length_m);
}
BENCHMARK(BM_reach_pcie5_cem_link)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
