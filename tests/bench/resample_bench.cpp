// Preparing a measured network for evaluation on any grid (channels::BandLimitedNetwork: the DC
// point, every term's delay and splines), which loading a link with a Touchstone block pays once
// (issue 13). A 4-port of 4201 points, DC to 42 GHz in 10 MHz steps like the TE SMT I/O files: two
// lossy thrus of 1.5 ns, their reflections and a weak coupling, each with its own delay. Run: make
// bench, or build/tests/bench/phylane_bench --benchmark_filter=BandLimited. Each iteration allocates
// and first touches ~2 MB of spline data, as a loading process does once: on the shared build
// machine (load ~7) 11.6 ms CPU per call. The arithmetic alone (the measured TEC SMT 4-port, 4201
// points, timed in-process with malloc keeping its memory, best of 30): 3.3 ms, 5.0 ms before the
// one-pass preparation of issue 13.
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <vector>

#include "channels/resample.hpp"
#include "phy/constants.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

constexpr std::size_t kPoints = 4201;

Network measured_like_4port() {
  std::vector<double> f(kPoints);
  for (std::size_t k = 0; k < kPoints; ++k) f[k] = 1e7 * static_cast<double>(k + 1);
  Network n(std::move(f), 4, {50.0});
  for (std::size_t k = 0; k < kPoints; ++k) {
    const double fk = n.freq_hz()[k];
    const double ghz = fk * 1e-9;
    auto delayed = [fk](double a, double tau) { return std::polar(a, -2.0 * phy::pi * fk * tau); };
    const cplx thru = delayed(std::exp(-0.05 * std::sqrt(ghz) - 0.02 * ghz), 1.5e-9);
    const cplx refl = delayed(0.05 + 0.002 * ghz, 0.2e-9);
    const cplx next = delayed(1e-3 * ghz / (1.0 + 0.05 * ghz), 0.4e-9);
    // inputs 1, 2 and outputs 3, 4: 1 -> 3 and 2 -> 4 thru, near-end coupling 1 <-> 2 and 3 <-> 4
    for (int i = 0; i < 4; ++i) n.s(k, i, i) = refl;
    n.s(k, 2, 0) = n.s(k, 0, 2) = n.s(k, 3, 1) = n.s(k, 1, 3) = thru;
    n.s(k, 1, 0) = n.s(k, 0, 1) = n.s(k, 3, 2) = n.s(k, 2, 3) = next;
    n.s(k, 3, 0) = n.s(k, 0, 3) = n.s(k, 2, 1) = n.s(k, 1, 2) = 0.3 * next * thru;
  }
  return n;
}

void BM_BandLimitedNetwork_4port_4201(benchmark::State& state) {
  const Network n = measured_like_4port();
  for (auto _ : state) {
    const BandLimitedNetwork b(n);
    benchmark::DoNotOptimize(b.zero_above_hz());
  }
}
BENCHMARK(BM_BandLimitedNetwork_4port_4201)->Unit(benchmark::kMillisecond);

}  // namespace
