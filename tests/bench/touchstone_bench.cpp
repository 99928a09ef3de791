// Touchstone reading and writing on the largest reference file (TE SMT I/O 4-port, 4201
// frequencies, 2.9 MB, MA format). Target: reading >= 10x faster than scikit-rf 0.15.4, timed by
// tests/reference/skrf/bench_skrf.py on the same file. Run: make bench.
// Reading uses a second thread for large data (docs/touchstone.md, "Speed"): the read benchmarks
// report wall time ("Time") and the CPU time of the whole process, both threads ("CPU"); the
// one_thread variants read with the second thread turned off.
// The file is looked up in $PHYLANE_REFERENCE_DATA/touchstone, else /work/shared/data/touchstone;
// each benchmark reports an error (and is skipped) when it is absent.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>

#include "channels/network.hpp"
#include "io/detail/touchstone_scan.hpp"
#include "io/touchstone.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane;

namespace {

// The reference Touchstone file `name`, or nullopt (the benchmark then reports an error and is
// skipped) when it is absent.
std::optional<std::filesystem::path> reference_touchstone(benchmark::State& state, const std::string& name) {
  const char* env = std::getenv("PHYLANE_REFERENCE_DATA");
  const std::filesystem::path root = env && *env ? env : "/work/shared/data";
  const auto p = root / "touchstone" / name;
  if (std::filesystem::exists(p)) return p;
  state.SkipWithError("reference Touchstone file absent (set PHYLANE_REFERENCE_DATA)");
  return std::nullopt;
}

const char* const largest = "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p";  // MA, 4 ports, 4201 frequencies
const char* const db_file = "CABLE1_TX_pair.s4p";                   // DB, 4 ports, 6401 frequencies
const char* const ri_file = "pcb_stripline_119mm.s2p";              // RI, 2 ports, 7000 frequencies

void set_counters(benchmark::State& state, std::size_t bytes, std::size_t frequencies) {
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * static_cast<std::int64_t>(state.iterations()));
  state.counters["frequencies_per_s"] = benchmark::Counter(
      static_cast<double>(frequencies) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The read benchmarks' timing: wall time and the CPU time of the whole process (both reading
// threads), in milliseconds.
void wall_and_process_cpu_ms(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
}

/// read_touchstone(path): open, read the file in one go, parse, build the Network.
void BM_read_touchstone_file(benchmark::State& state, const char* name) {
  const auto path = reference_touchstone(state, name);
  if (!path) return;
  std::size_t frequencies = 0;
  for (auto _ : state) {
    const channels::Network n = io::read_touchstone(*path);
    frequencies = n.size();
    benchmark::DoNotOptimize(n.s(0).data());
  }
  set_counters(state, std::filesystem::file_size(*path), frequencies);
}
BENCHMARK_CAPTURE(BM_read_touchstone_file, largest_MA_4port, largest)->Apply(wall_and_process_cpu_ms);
BENCHMARK_CAPTURE(BM_read_touchstone_file, DB_4port, db_file)->Apply(wall_and_process_cpu_ms);
BENCHMARK_CAPTURE(BM_read_touchstone_file, RI_2port, ri_file)->Apply(wall_and_process_cpu_ms);

/// read_touchstone_text: the parser alone, on text already in memory; state.range(0) = 1: with
/// the second thread turned off.
void BM_read_touchstone_text(benchmark::State& state) {
  const auto path = reference_touchstone(state, largest);
  if (!path) return;
  const std::string text = test::read_text_file(*path);
  const int ports = io::touchstone_ports_from_extension(*path);
  io::detail::TouchstoneScanOptions options;
  if (state.range(0) == 1) options.parallel_min_bytes = std::numeric_limits<std::size_t>::max();
  std::size_t frequencies = 0;
  for (auto _ : state) {
    const channels::Network n = io::detail::read_touchstone_text(text, largest, ports, nullptr, options);
    frequencies = n.size();
    benchmark::DoNotOptimize(n.s(0).data());
  }
  set_counters(state, text.size(), frequencies);
}
BENCHMARK(BM_read_touchstone_text)->Arg(0)->Arg(1)->ArgName("one_thread")->Apply(wall_and_process_cpu_ms);

/// write_touchstone of the largest file's network, RI (bit-exact) and MA, through .tmp + rename.
void BM_write_touchstone(benchmark::State& state) {
  const auto path = reference_touchstone(state, largest);
  if (!path) return;
  const channels::Network n = io::read_touchstone(*path);
  io::TouchstoneWriteOptions o;
  o.format = state.range(0) == 0 ? io::TouchstoneFormat::ri : io::TouchstoneFormat::ma;
  o.frequency_unit = io::FrequencyUnit::hz;
  const auto out = std::filesystem::temp_directory_path() / "phylane_touchstone_bench.s4p";
  for (auto _ : state) io::write_touchstone(n, out, o);
  set_counters(state, std::filesystem::file_size(out), n.size());
  std::filesystem::remove(out);
}
BENCHMARK(BM_write_touchstone)->Arg(0)->Arg(1)->ArgName("ri0_ma1")->Unit(benchmark::kMillisecond);

}  // namespace
