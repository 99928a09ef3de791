// Statistical eye: a 200-UI pulse response at 32 samples/UI, full BER map at 64 phases per UI and
// 257 thresholds, down to the default floor of 1e-20 (so in particular down to 1e-15), NRZ and
// PAM4, with and without DFE and jitter. Target: one full eye in under 20 ms on one core.
// Run: make bench (or build-eye/tests/bench/phylane_bench --benchmark_filter=StatEye).
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "solvers/statistical_eye.hpp"

using namespace phylane;

namespace {

// A long-tailed channel pulse: a gamma-shaped main lobe (time constant 0.25 UI), a slow
// exponential tail (25 UI, 5 % of the area: dielectric/skin-effect ISI) and a 2 % reflection
// 37 UI later, integrated over one UI (the response to a one-UI rectangular symbol).
solvers::PulseResponse long_pulse(int ui = 200, int spu = 32) {
  const int n = ui * spu;
  const double dt = 1.0 / spu;  // [UI]
  auto g = [](double t) {
    if (t <= 0.0) return 0.0;
    const double tau = 0.25;
    return (t / tau) * (t / tau) * std::exp(-t / tau) / (2.0 * tau);
  };
  auto impulse = [&](double t) {
    const double tail = t > 0.0 ? 0.05 / 25.0 * std::exp(-t / 25.0) : 0.0;
    return 0.93 * g(t) + tail + 0.02 * g(t - 37.0);
  };
  // Pulse = running integral of the impulse response over one UI (trapezoid on a 1/32-UI grid
  // refined 8x).
  const int fine = 8;
  std::vector<double> cum(static_cast<std::size_t>(n * fine + 1), 0.0);
  for (int i = 1; i <= n * fine; ++i) {
    const double t0 = (i - 1) * dt / fine, t1 = i * dt / fine;
    cum[static_cast<std::size_t>(i)] =
        cum[static_cast<std::size_t>(i - 1)] + 0.5 * (impulse(t0) + impulse(t1)) * dt / fine;
  }
  solvers::PulseResponse p;
  p.symbol_rate_baud = 53.125e9;
  p.samples_per_ui = spu;
  p.samples_v.resize(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    const int hi = k * fine, lo = std::max(0, hi - spu * fine);
    p.samples_v[static_cast<std::size_t>(k)] = cum[static_cast<std::size_t>(hi)] - cum[static_cast<std::size_t>(lo)];
  }
  std::size_t imax = 0;
  for (std::size_t k = 1; k < p.samples_v.size(); ++k)
    if (p.samples_v[k] > p.samples_v[imax]) imax = k;
  p.main_index = imax;
  return p;
}

void run(benchmark::State& state, int levels, double sigma_v, int dfe_taps, double rj, double dj) {
  const auto pulse = long_pulse();
  solvers::StatEyeSpec spec;
  spec.signalling.levels = levels;
  spec.signalling.amplitude_v = 0.4;
  spec.noise.sigma_v = sigma_v;
  spec.dfe.taps = dfe_taps;
  spec.jitter.rj_rms_ui = rj;
  spec.jitter.dj_pp_ui = dj;
  solvers::StatEyeOptions opt;
  opt.phases_per_ui = 64;
  opt.target_ber = 1e-15;
  solvers::StatEyeResult r;
  for (auto _ : state) {
    r = solvers::statistical_eye(pulse, spec, opt);
    benchmark::DoNotOptimize(r.log10_ber.data());
  }
  state.counters["height_mV"] = r.height_v * 1e3;
  state.counters["width_mUI"] = r.width_ui * 1e3;
  state.counters["margin_dB"] = r.margin_db;
  state.counters["exact_cursors"] = r.cursors_exact;
  state.counters["folded_cursors"] = r.cursors_folded;
  state.counters["grid_step_uV"] = r.grid_step_v * 1e6;
}

void BM_StatEye_NRZ_200UI_64phases(benchmark::State& s) { run(s, 2, 6e-3, 0, 0.0, 0.0); }
void BM_StatEye_PAM4_200UI_64phases(benchmark::State& s) { run(s, 4, 2e-3, 0, 0.0, 0.0); }
void BM_StatEye_PAM4_DFE4_jitter_200UI_64phases(benchmark::State& s) { run(s, 4, 2e-3, 4, 0.01, 0.02); }
BENCHMARK(BM_StatEye_NRZ_200UI_64phases)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StatEye_PAM4_200UI_64phases)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StatEye_PAM4_DFE4_jitter_200UI_64phases)->Unit(benchmark::kMillisecond);
// A hopelessly closed eye (issue 14, point 14): noise ~1e9 times the main cursor, as a link far
// beyond its reach; it took 18 s to hours before the map visited only the residue classes with
// axis points.
void BM_StatEye_NRZ_hopeless_noise(benchmark::State& s) { run(s, 2, 1e8, 0, 0.0, 0.0); }
BENCHMARK(BM_StatEye_NRZ_hopeless_noise)->Unit(benchmark::kMillisecond);

}  // namespace
