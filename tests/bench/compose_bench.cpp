// Composition of a modelled multi-segment channel (channels::ComposedChannel::transfer) on the
// grids `phylane eye --preset kr1-ck-28db` evaluates it on:
//   Compose_Kr1Victim:    the 21-block victim (package lines, via pairs, lumped pi sections, card
//                         and backplane striplines) on the pulse engine's grid, 21,870 bins of
//                         38.86 MHz to 850 GHz (32 samples per UI at 53.125 GBd).
//   Compose_Kr1NextRoute: the near-end aggressor's route, the last 9 blocks from the Rx backplane
//                         connector on, on the crosstalk path's 10 MHz table to 1.06 THz
//                         (io/crosstalk_reader.cpp: 106,251 points).
// The counter |H| at the grid's 2000th point shows a change of result next to the time.
// Measured (2 shared cores, CPU per call): victim 38 ms, NEXT route 94 ms after the in-place 2-port
// chain; before it, a NEXT route call on the 103k-point table took ~210-265 ms in `phylane eye`.
// Run: build/tests/bench/phylane_bench --benchmark_filter=Compose
#include <benchmark/benchmark.h>

#include <complex>
#include <vector>

#include "channels/composed_channel.hpp"
#include "io/config.hpp"

using namespace phylane;

namespace {

const channels::ComposedChannel& kr1_victim() {
  static const io::Config c = io::load_preset("kr1-ck-28db");
  return *c.composed();
}

const channels::ComposedChannel& kr1_next_route() {
  static const channels::ComposedChannel route = [] {
    const auto& v = kr1_victim();
    std::vector<channels::ChannelBlock> tail;
    bool on = false;
    for (const auto& b : v.blocks()) {
      on = on || b.name == "Rx backplane connector (1 of 2)";
      if (on) tail.push_back(b);
    }
    return channels::ComposedChannel(v.differential(), std::move(tail), v.driver_ohm(), v.receiver_ohm());
  }();
  return route;
}

std::vector<double> grid(double df, double fmax) {
  std::vector<double> f;
  for (std::size_t k = 0; static_cast<double>(k) * df <= fmax; ++k) f.push_back(static_cast<double>(k) * df);
  return f;
}

void run(benchmark::State& state, const channels::ComposedChannel& c, const std::vector<double>& f) {
  std::vector<std::complex<double>> h;
  for (auto _ : state) {
    h = c.transfer(f);
    benchmark::DoNotOptimize(h.data());
  }
  state.counters["points"] = static_cast<double>(f.size());
  state.counters["abs_h_2000"] = std::abs(h.at(2000));
}

void Compose_Kr1Victim(benchmark::State& state) {
  const double fmax = 0.5 * 32 * 53.125e9;
  run(state, kr1_victim(), grid(fmax / 21870.0, fmax));
}
BENCHMARK(Compose_Kr1Victim)->Unit(benchmark::kMillisecond);

void Compose_Kr1NextRoute(benchmark::State& state) {
  run(state, kr1_next_route(), grid(10e6, 1.0625e12));
}
BENCHMARK(Compose_Kr1NextRoute)->Unit(benchmark::kMillisecond);

}  // namespace
