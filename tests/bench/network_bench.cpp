// S-parameter algebra throughput: mixed-mode conversion with insertion loss of a large 4-port,
// and a 4-block 4-port cascade, each at 10,000 frequencies. Run: make bench, or
//   build-net/tests/bench/phylane_bench --benchmark_filter='MixedMode|Sdd21|Cascade'
//
// scikit-rf (python3-scikit-rf 0.15.4, numpy 1.24, /usr/bin/python3) on the same machine, the
// same work on random 4-ports of 10,000 frequencies (script below; best of 7, process CPU time,
// measured back to back with this benchmark on the shared 2-core build machine, load ~3.5):
//                                              scikit-rf     phylane (CPU, median of 5)
//   mixed mode (renumber + se2gmm) + IL         94 ms          0.92 ms   (~100x)
//   SDD21 trace only + IL                        -             0.31 ms
//   4-block cascade a ** b ** c ** d            248 ms          3.9 ms   (~64x; target >= 10x)
//   the same through chain matrices              -              9.0 ms
//   the same through connect() (dynamic sizes)   -              102 ms
// (On a quiet machine earlier: scikit-rf 89 ms and 243 ms wall, phylane cascade ~2-4 ms.)
//
//   import timeit, numpy; numpy.bool = bool; numpy.complex = complex; import skrf
//   f = skrf.Frequency(1e7, 4e10, 10000, 'hz'); rng = numpy.random.default_rng(1)
//   def net():
//       s = rng.normal(size=(10000, 4, 4)) + 1j * rng.normal(size=(10000, 4, 4))
//       s *= 0.9 / numpy.linalg.norm(s, ord=2, axis=(1, 2))[:, None, None]
//       return skrf.Network(frequency=f, s=s, z0=50)
//   a, b, c, d = net(), net(), net(), net()
//   def mm():
//       m = a.copy(); m.renumber([0, 1, 2, 3], [0, 2, 1, 3]); m.se2gmm(p=2)
//       return 20 * numpy.log10(numpy.abs(m.s[:, 1, 0]))
//   best = lambda fn: min(timeit.repeat(fn, number=1, repeat=7))
//   print(best(mm), best(lambda: a ** b ** c ** d))   # wall; time.process_time() for CPU
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "channels/network_ops.hpp"
#include "phy/units.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

constexpr std::size_t kPoints = 10000;

// A random strictly passive 4-port on 10,000 frequencies (10 MHz .. 40 GHz), as in the script.
Network random_4port(std::uint32_t seed) {
  std::vector<double> f(kPoints);
  for (std::size_t k = 0; k < kPoints; ++k) f[k] = 1e7 + (4e10 - 1e7) * static_cast<double>(k) / (kPoints - 1);
  Network n(std::move(f), 4, {50.0});
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  for (std::size_t k = 0; k < kPoints; ++k) {
    Eigen::Matrix4cd x;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) x(i, j) = cplx(g(rng), g(rng));
    n.s(k) = x * (0.9 / Eigen::JacobiSVD<Eigen::Matrix4cd>(x).singularValues()(0));
  }
  return n;
}

// Reports the frequency points processed per second (kPoints per iteration).
void count_points_per_second(benchmark::State& state) {
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(kPoints) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Times cascade_of(blocks) for four random 4-ports (seeds 2..5).
template <class CascadeOf>
void time_cascade4(benchmark::State& state, CascadeOf cascade_of) {
  const std::vector<Network> blocks{random_4port(2), random_4port(3), random_4port(4), random_4port(5)};
  for (auto _ : state) {
    Network c = cascade_of(blocks);
    benchmark::DoNotOptimize(c.s(0).data());
  }
}

void BM_MixedMode_IL_4port_10k(benchmark::State& state) {
  const Network se = random_4port(1);
  std::vector<double> il_db(kPoints);
  for (auto _ : state) {
    const Network mm = to_mixed_mode(se, PortOrder::pairs_12_34);
    for (std::size_t k = 0; k < kPoints; ++k) il_db[k] = -phy::units::amplitude_ratio_to_db(std::abs(mm.s(k, 1, 0)));
    benchmark::DoNotOptimize(il_db.data());
  }
  count_points_per_second(state);
}
BENCHMARK(BM_MixedMode_IL_4port_10k)->Unit(benchmark::kMillisecond);

void BM_Sdd21_IL_4port_10k(benchmark::State& state) {
  // Only the insertion loss: the SDD21 trace without the full mixed-mode matrix.
  const Network se = random_4port(1);
  std::vector<double> il_db(kPoints);
  for (auto _ : state) {
    const auto s = sdd21(se, PortOrder::pairs_12_34);
    for (std::size_t k = 0; k < kPoints; ++k) il_db[k] = -phy::units::amplitude_ratio_to_db(std::abs(s[k]));
    benchmark::DoNotOptimize(il_db.data());
  }
}
BENCHMARK(BM_Sdd21_IL_4port_10k)->Unit(benchmark::kMillisecond);

void BM_Cascade4_4port_10k(benchmark::State& state) {
  time_cascade4(state, [](const std::vector<Network>& b) { return cascade(b); });
  count_points_per_second(state);
}
BENCHMARK(BM_Cascade4_4port_10k)->Unit(benchmark::kMillisecond);

void BM_CascadeAbcd4_4port_10k(benchmark::State& state) {
  time_cascade4(state, [](const std::vector<Network>& b) { return cascade_abcd(b); });
}
BENCHMARK(BM_CascadeAbcd4_4port_10k)->Unit(benchmark::kMillisecond);

void BM_CascadeByConnect4_4port_10k(benchmark::State& state) {
  // The general connection-matrix path (dynamic sizes), for comparison with the fixed-size star product.
  time_cascade4(state, [](const std::vector<Network>& b) {
    return connect(connect(connect(b[0], 2, b[1], 0, 2), 2, b[2], 0, 2), 2, b[3], 0, 2);
  });
}
BENCHMARK(BM_CascadeByConnect4_4port_10k)->Unit(benchmark::kMillisecond);

}  // namespace
