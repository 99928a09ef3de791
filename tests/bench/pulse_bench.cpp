// Pulse response and equalizer optimisation on a copper channel (a 20-in differential stripline,
// Djordjevic-Sarkar dielectric, rough copper, 100 ohm terminations) at 32 GBd.
// Targets: a 200-UI pulse response at 32 samples/UI well under 20 ms; the 50 CTLE x 20 FFE
// optimisation with the fast COM-style objective under 2 s on one core. Run: make bench.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "channels/copper_channel.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "solvers/equalizer.hpp"
#include "channels/filters.hpp"
#include "solvers/pulse_response.hpp"

using namespace phylane;
using phy::units::inch;
using phy::units::mil;

namespace {

constexpr double baud = 32e9;

channels::CopperChannel stripline_20in() {
  const auto diel = phy::Dielectric::djordjevic_sarkar(3.6, 0.004, 10e9);
  const phy::LineConductor cu{5.8e7, {phy::RoughnessModel::hammerstad, 0.4e-6},
                              {phy::RoughnessModel::hammerstad, 0.4e-6}};
  const phy::StriplineDims d{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  std::vector<channels::TraceSegment> segs;
  segs.push_back({"sl", 20 * inch,
                  phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential),
                                        diel, cu)});
  return channels::CopperChannel(std::move(segs), 100.0, 100.0);
}

solvers::PulseResponseOptions pulse_options() {
  solvers::PulseResponseOptions o;
  o.symbol_rate_baud = baud;
  o.samples_per_ui = 32;
  o.tx_swing_v = 0.4;
  o.tx_edge = channels::TxEdgeFilter::gaussian(0.25 / baud);
  o.rx_filter = channels::RxFilter::com_receiver(baud);
  o.record_ui = 200;
  o.precursor_ui = 10;
  return o;
}

solvers::EqualizerSearchOptions search_options() {
  solvers::EqualizerSearchOptions s;
  // 802.3ck-style family: 10 g_DC x 5 g_DC2 = 50 settings.
  s.ctle = channels::com_ck_ctle_family(baud, {0, -1, -2, -3, -4, -5, -6, -7, -8, -9}, {0, -1, -2, -3, -4});
  s.ffe_pre = {{-0.15, 0.0, 0.05}};  // 4 values
  s.ffe_post = {{-0.2, 0.0, 0.05}};  // 5 values: 20 FFE settings
  s.snr.dfe_taps = 4;
  s.snr.a_dd_ui = 0.02;
  s.snr.sigma_rj_ui = 0.01;
  s.noise_psd_v2_per_hz = 8.2e-18;
  return s;
}

// The whole pulse response: channel evaluated on the grid (incl. any period doublings), IFFT,
// wrap check. The engine (and so its FFTW plans) is reused across iterations, as in a sweep.
void BM_pulse_response_20in_200ui(benchmark::State& state) {
  const auto h = channels::copper_transfer_function(stripline_20in());
  auto o = pulse_options();
  o.wrap_tolerance = state.range(0) == 0 ? 1e-5 : 1e-4;
  solvers::PulseResponseEngine eng;
  solvers::PulseResult r;
  for (auto _ : state) {
    r = eng.compute(h, o);
    benchmark::DoNotOptimize(r.pulse.samples_v.data());
  }
  state.counters["fft_size"] = static_cast<double>(r.fft_size);
  state.counters["doublings"] = r.doublings;
  state.counters["wrap_ratio"] = r.wrap_amplitude_ratio;
}
BENCHMARK(BM_pulse_response_20in_200ui)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// One CTLE setting on a prepared channel: one multiply and one IFFT (the optimiser's inner step).
void BM_pulse_from_prepared_spectrum(benchmark::State& state) {
  const auto h = channels::copper_transfer_function(stripline_20in());
  solvers::PulseResponseEngine eng;
  auto spec = eng.prepare(h, pulse_options());
  const auto ctle = channels::Ctle::com(-6.0, baud / 4, baud / 4, baud);
  eng.compute(spec, ctle);  // settle the grid
  for (auto _ : state) {
    auto r = eng.compute(spec, ctle);
    benchmark::DoNotOptimize(r.pulse.samples_v.data());
  }
  state.counters["fft_size"] = static_cast<double>(spec.fft_size());
}
BENCHMARK(BM_pulse_from_prepared_spectrum)->Unit(benchmark::kMicrosecond);

// 50 CTLE x 20 FFE = 1000 candidates with the fast COM-style objective, including the channel
// evaluation (prepare) and every IFFT.
void BM_optimize_50ctle_x_20ffe(benchmark::State& state) {
  const auto h = channels::copper_transfer_function(stripline_20in());
  const auto po = pulse_options();
  const auto so = search_options();
  solvers::PulseResponseEngine eng;
  solvers::EqualizerResult res;
  for (auto _ : state) {
    auto spec = eng.prepare(h, po);
    res = solvers::optimize_equalizer(eng, spec, so);
    benchmark::DoNotOptimize(res.best);
  }
  state.counters["candidates"] = static_cast<double>(res.candidates.size());
  state.counters["best_snr_db"] = res.snr.snr_db;
  state.counters["best_g_dc_db"] = res.ctle.g_dc_db();
  state.counters["best_g_dc2_db"] = res.ctle.g_dc2_db();
  state.counters["fft_size"] = static_cast<double>(res.pulse.fft_size);
}
BENCHMARK(BM_optimize_50ctle_x_20ffe)->Unit(benchmark::kMillisecond);

// The COM SNR of the 200 Tx FFE settings of a KR4-style grid (c(-1) -0.18..0, c(1) -0.38..0, steps
// 0.02) on one CTLE's pulse (100-UI record, 32 samples/UI, 4 DFE taps): arg 0 filters the record and scores it per setting (apply_tx_ffe + com_snr), arg 1 uses
// the quadratic forms of FfeSnrTable (its construction included, once per pulse as in the search).
void BM_ffe_snr_200_settings(benchmark::State& state) {
  const auto h = channels::copper_transfer_function(stripline_20in());
  const auto so = search_options();
  solvers::PulseResponseEngine eng;
  auto spec = eng.prepare(h, pulse_options());
  const auto pulse = eng.compute(spec, so.ctle[12]).pulse;
  const auto ffes = solvers::ffe_grid({{-0.18, 0.0, 0.02}}, {{-0.38, 0.0, 0.02}}, 0.0);
  solvers::PulseResponse scratch;
  double sum = 0.0;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      for (const auto& f : ffes) {
        solvers::apply_tx_ffe(pulse, f, scratch);
        sum += solvers::com_snr(scratch, 1e-3, so.snr).snr_db;
      }
    } else {
      const solvers::FfeSnrTable table(pulse, 1, 1, so.snr);
      for (const auto& f : ffes) sum += table.evaluate(f, 1e-3).snr_db;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["settings"] = static_cast<double>(ffes.size());
}
BENCHMARK(BM_ffe_snr_200_settings)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
