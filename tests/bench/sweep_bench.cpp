// Parameter sweeps (issue 7): a 10,000-case loss sweep and a 1,000-case eye sweep on 1 and 2
// threads, results written to HDF5 as in `phylane sweep`. The speed-up 1 -> 2 threads is the
// ratio of the cases_per_s counters (target >= 1.8) on an otherwise idle machine. Validation (every case's config loaded once
// before the run) is measured separately.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "io/embedded.hpp"
#include "io/sweep.hpp"
#include "io/sweep_run.hpp"
#include "io/sweep_store.hpp"

using namespace phylane;

namespace {

// 100 lengths x 4 laminates x 25 temperatures = 10,000 cases of the PCIe 5.0 route.
const char* kLossSweep = R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[1].length"
from = "1 in"
to = "30 in"
steps = 100
[[axis]]
key = "channel.segments[1].material"
values = ["fr4", "fr408hr", "megtron4", "megtron6"]
[[axis]]
key = "channel.temperature"
from = "0 degC"
to = "96 degC"
steps = 25
[outputs]
scalars = ["loss.insertion_loss_db@16 GHz", "loss.insertion_loss_db@8 GHz", "loss.dielectric_db@16 GHz"]
)";

// 50 lengths x 4 DFE tap counts x 5 rates = 1,000 eyes of the PCIe 5.0 route with its
// equalization fixed (a CTLE and FFE search per case would multiply the cost by ~2).
const char* kEyeSweep = R"(base = "fixed-eq.toml"
[[axis]]
key = "channel.segments[1].length"
from = "2 in"
to = "20 in"
steps = 50
[[axis]]
key = "rx.dfe_taps"
from = 0
to = 3
steps = 4
[[axis]]
key = "signal.rate"
values = ["16 GT/s", "20 GT/s", "25 GT/s", "28 GT/s", "32 GT/s"]
[outputs]
scalars = ["eye.margin_db", "eye.eye_height_v", "eye.eye_width_ui"]
)";

std::string fixed_eq_base() {
  std::string t(*io::embedded_file("presets/pcie5-server.toml"));
  auto replace_line = [&t](const std::string& key, const std::string& line) {
    const auto at = t.find("\n" + key + " = ");
    const auto end = t.find('\n', at + 1);
    t.replace(at + 1, end - at - 1, line);
  };
  replace_line("ffe_pre", "ffe_pre = [-0.1]");
  replace_line("ffe_post", "ffe_post = [-0.2]");
  replace_line("ctle_gdc", "ctle_gdc = [\"-8 dB\"]");
  return t;
}

io::Sweep make(const char* text, bool eye) {
  const auto dir = std::filesystem::temp_directory_path();
  return eye ? io::load_sweep_text(text, "bench.toml", dir, fixed_eq_base()) : io::load_sweep_text(text, "bench.toml", dir);
}

// CPU seconds used by the whole process so far (all threads).
double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

void run(benchmark::State& state, const io::Sweep& s) {
  const auto file = std::filesystem::temp_directory_path() / ("phylane_sweep_bench_" + std::to_string(::getpid()) + ".h5");
  const int threads = static_cast<int>(state.range(0));
  std::size_t cases = 0;
  const double cpu0 = process_cpu_s();
  for (auto _ : state) {
    auto store = io::SweepStore::create(file, s);
    io::SweepRunOptions opt;
    opt.jobs = threads;
    const auto sum = io::run_sweep_cases(s, store->missing_cases(), *store, opt);
    store->close();
    cases += sum.computed;
    state.counters["failed"] = static_cast<double>(sum.failed);
  }
  state.counters["cases_per_s"] = benchmark::Counter(static_cast<double>(cases), benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
  // On a machine shared with other work the wall-clock rate understates the speed-up; the rate
  // per CPU second shows whether threads add overhead (equal for 1 and 2 threads: none).
  state.counters["cases_per_cpu_s"] = static_cast<double>(cases) / (process_cpu_s() - cpu0);
  std::filesystem::remove(file);
}

void BM_sweep_loss_10k(benchmark::State& state) {
  static const io::Sweep s = make(kLossSweep, false);
  run(state, s);
}
BENCHMARK(BM_sweep_loss_10k)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void BM_sweep_eye_1k(benchmark::State& state) {
  static const io::Sweep s = make(kEyeSweep, true);
  run(state, s);
}
BENCHMARK(BM_sweep_eye_1k)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void BM_sweep_validate_loss_10k(benchmark::State& state) {
  static const io::Sweep s = make(kLossSweep, false);
  for (auto _ : state) io::validate_sweep(s, static_cast<int>(state.range(0)));
  state.counters["cases_per_s"] =
      benchmark::Counter(static_cast<double>(s.case_count() * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_sweep_validate_loss_10k)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// data/sweeps/stripline-lhs.toml as `phylane sweep` runs it: every case checked (its link built:
// five field solves of its cross-section, cached process-wide), then computed (the links built
// again from the cache) and written, on 2 threads, with the command's allocator settings
// (app/common.cpp, keep_freed_memory: freed memory kept in glibc's arenas). Issue 13 target:
// <= 1 s end to end.
// Each iteration samples with its own seed, so that every run solves its own cross-sections.
void BM_sweep_stripline_lhs_200(benchmark::State& state) {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
  std::ifstream in(std::string(PHYLANE_SOURCE_DIR) + "/data/sweeps/stripline-lhs.toml");
  std::stringstream text;
  text << in.rdbuf();
  const std::string base = text.str();
  const auto file = std::filesystem::temp_directory_path() / ("phylane_sweep_lhs_bench_" + std::to_string(::getpid()) + ".h5");
  int seed = 7000;
  std::size_t cases = 0;
  for (auto _ : state) {
    std::string t = base;
    const auto at = t.find("seed = ");
    t.replace(at, t.find('\n', at) - at, "seed = " + std::to_string(++seed));
    const io::Sweep s = io::load_sweep_text(t, "stripline-lhs.toml", std::filesystem::path(PHYLANE_SOURCE_DIR) / "data/sweeps");
    io::validate_sweep(s, 2);
    auto store = io::SweepStore::create(file, s);
    io::SweepRunOptions opt;
    opt.jobs = 2;
    const auto sum = io::run_sweep_cases(s, store->missing_cases(), *store, opt);
    store->close();
    cases += sum.computed;
    state.counters["failed"] = static_cast<double>(sum.failed);
  }
  state.counters["cases_per_s"] = benchmark::Counter(static_cast<double>(cases), benchmark::Counter::kIsRate);
  std::filesystem::remove(file);
}
BENCHMARK(BM_sweep_stripline_lhs_200)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
