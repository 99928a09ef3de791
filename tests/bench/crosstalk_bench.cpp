// Crosstalk in the eye analysis: the cost of aggressors on the IEEE 802.3ck KR1 preset (44 CTLE
// settings x ~700 Tx FFE settings = 30k equalizer candidates, 12 DFE taps, PAM4 at 53.125 GBd),
// with no aggressor and with four (two far-end paths relative to the victim, two near-end
// sections). Target: four aggressors cost < 30 % more than none (docs/eye.md "Crosstalk").
//   Eye_*:    analyze_eye as `phylane eye` runs it (32 samples/UI, the channel with its delay).
//   Search_*: the eye as `phylane maxrate` evaluates it (workflows::search_eye: 16 samples/UI, the bulk
//             delay removed, no re-ranking), at 106.25 Gb/s.
// The counters give the margin and sigma_XT so that a change of result shows next to the time.
// (DoNotOptimize takes a pointer: with GCC, Google Benchmark 1.7's DoNotOptimize on a double lvalue
// ("+m,r" asm constraint) was seen to corrupt the double it guards.)
// Run: make bench (or build/tests/bench/phylane_bench --benchmark_filter=Crosstalk).
#include <benchmark/benchmark.h>

#include <complex>
#include <memory>
#include <numbers>
#include <vector>

#include "io/config.hpp"
#include "workflows/link_search.hpp"
#include "solvers/eye_analysis.hpp"

using namespace phylane;

namespace {

const io::Config& kr1() {
  static const io::Config c = io::load_preset("kr1-ck-28db");
  return c;
}

// Weak-coupling FEXT relative to the victim, -j (f / f_ref) k (times_victim = true), and a
// saturated NEXT section K_b (1 - e^{-j 4 pi f tau}).
channels::TransferFunction fext(double k, double f_ref_hz) {
  return [k, f_ref_hz](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t i = 0; i < f.size(); ++i) h[i] = std::complex<double>(0.0, -k * f[i] / f_ref_hz);
  };
}
channels::TransferFunction next(double kb, double tau_s) {
  return [kb, tau_s](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t i = 0; i < f.size(); ++i) h[i] = kb * (1.0 - std::polar(1.0, -4.0 * std::numbers::pi * f[i] * tau_s));
  };
}

std::vector<channels::CrosstalkAggressor> aggressors(int n) {
  std::vector<channels::CrosstalkAggressor> all = {
      {"FEXT 1", fext(0.0178, 26.5625e9), true, 0.413},   // -35 dB at the PAM4 Nyquist frequency
      {"FEXT 2", fext(0.0100, 26.5625e9), true, 0.413},   // -40 dB
      {"NEXT 1", next(0.0100, 50e-12), false, 0.608},     // -40 dB, 50 ps section
      {"NEXT 2", next(0.0056, 80e-12), false, 0.608},     // -45 dB, 80 ps section
  };
  all.resize(static_cast<std::size_t>(n));
  return all;
}

channels::TransferFunction composed(const io::Config& cfg) {
  auto c = std::make_shared<const channels::ComposedChannel>(*cfg.composed());
  return [c](std::span<const double> f, std::span<std::complex<double>> out) {
    const auto t = c->transfer(f);
    std::copy(t.begin(), t.end(), out.begin());
  };
}

void report(benchmark::State& state, const solvers::EyeAnalysis& a) {
  state.counters["margin_dB"] = a.eye.margin_db;
  state.counters["sigma_XT_mV"] = a.eye.crosstalk_sigma_v * 1e3;
  state.counters["candidates"] = static_cast<double>(a.equalizer.candidates.size());
}

void eye(benchmark::State& state, int n) {
  const auto h = composed(kr1());
  auto spec = kr1().signalling->spec;
  spec.crosstalk = aggressors(n);
  solvers::EyeAnalysis a;
  for (auto _ : state) {
    a = solvers::analyze_eye(h, spec);
    benchmark::DoNotOptimize(a.eye.log10_ber.data());
  }
  report(state, a);
}

void search(benchmark::State& state, int n) {
  // workflows::search_eye reads the aggressors from the config; a copy with ours in place of the preset's.
  static io::Config cfg = kr1();
  cfg.signalling->spec.crosstalk = aggressors(n);
  const auto h = workflows::search_channel(cfg, 60e9);
  const auto eye_at = workflows::search_eye(cfg, h);
  solvers::EyeAnalysis a;
  for (auto _ : state) {
    a = eye_at(53.125e9, 4);
    benchmark::DoNotOptimize(a.eye.log10_ber.data());
  }
  report(state, a);
}

void BM_Crosstalk_Eye_KR1_0_aggressors(benchmark::State& s) { eye(s, 0); }
void BM_Crosstalk_Eye_KR1_4_aggressors(benchmark::State& s) { eye(s, 4); }
void BM_Crosstalk_Search_KR1_0_aggressors(benchmark::State& s) { search(s, 0); }
void BM_Crosstalk_Search_KR1_4_aggressors(benchmark::State& s) { search(s, 4); }
BENCHMARK(BM_Crosstalk_Eye_KR1_0_aggressors)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_Crosstalk_Eye_KR1_4_aggressors)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_Crosstalk_Search_KR1_0_aggressors)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();
BENCHMARK(BM_Crosstalk_Search_KR1_4_aggressors)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime();

}  // namespace
