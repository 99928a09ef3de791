// Optical links: budget + eye + BER for a 16-wavelength co-packaged port (issue target: report the
// time per wavelength), and the full derived figures (sensitivity, penalties) of one wavelength.
#include <benchmark/benchmark.h>

#include "io/config.hpp"
#include "phy/constants.hpp"
#include "solvers/optical_analysis.hpp"

using namespace phylane;

namespace {

void BM_optical_16_wavelengths_budget_eye_ber(benchmark::State& state) {
  const auto cfg = io::load_preset("cpo-microring");
  const int n = cfg.optical_info.wdm_channels;
  for (auto _ : state) {
    double worst = 1.0;
    for (int k = 0; k < n; ++k) {
      // Each wavelength on the 200 GHz grid: its own link (coupler passbands, dispersion) and eye.
      auto laser = cfg.optical()->laser();
      const double f0 = phy::c0 / laser.wavelength_m;
      laser.wavelength_m = phy::c0 / (f0 + (k - n / 2) * cfg.optical_info.wdm_spacing_hz);
      const channels::OpticalLink link(laser, cfg.optical()->modulator(), cfg.optical()->path(), cfg.optical()->receiver());
      benchmark::DoNotOptimize(link.budget());
      auto spec = cfg.signalling->spec;
      solvers::set_optical_levels(link, spec);
      const auto a = solvers::analyze_eye(channels::optical_transfer_function(link), spec);
      worst = std::min(worst, a.eye.margin_db);
    }
    benchmark::DoNotOptimize(worst);
  }
  state.counters["wavelengths"] = n;
  state.counters["s_per_wavelength"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_optical_16_wavelengths_budget_eye_ber)->Unit(benchmark::kMillisecond);

void BM_optical_full_figures_one_wavelength(benchmark::State& state) {
  const auto cfg = io::load_preset("dr4-400g-lane");
  for (auto _ : state) {
    auto a = solvers::analyze_optical(*cfg.optical(), cfg.signalling->spec, 1, cfg.signalling->data_rate_bps);
    benchmark::DoNotOptimize(a.sensitivity_oma_dbm);
  }
}
BENCHMARK(BM_optical_full_figures_one_wavelength)->Unit(benchmark::kMillisecond);

}  // namespace
