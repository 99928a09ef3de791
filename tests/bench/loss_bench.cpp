// Hot path of `phylane loss` and of every later engine: RLGC(f) and S21(f) of a copper channel.
// Issue target: >= 2 million frequency points per second on one core for a 4-segment
// differential channel at 4096 frequencies. Run: make bench.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "app/commands.hpp"
#include "app/requests.hpp"
#include "channels/copper_channel.hpp"
#include "io/config.hpp"
#include "phy/microstrip.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "solvers/loss_analysis.hpp"
#include "workflows/loss.hpp"

using namespace phylane;
using phy::units::inch;
using phy::units::mil;

namespace {

phy::Roughness hammerstad(double rq_um) { return {phy::RoughnessModel::hammerstad, rq_um * 1e-6}; }

phy::Roughness huray() {
  phy::Roughness r;
  r.model = phy::RoughnessModel::huray;
  r.nodule_radius_m = 0.5e-6;
  r.surface_ratio = 2.0;
  return r;
}

// A 4-segment differential route: microstrip breakout, two striplines, microstrip breakin.
channels::CopperChannel four_segment_channel() {
  const auto diel = phy::Dielectric::djordjevic_sarkar(3.6, 0.004, 10e9);
  const phy::LineConductor cu{5.8e7, hammerstad(0.4), hammerstad(0.4)};
  phy::MicrostripDims ms;
  ms.width_m = 5 * mil;
  ms.thickness_m = 1.9 * mil;
  ms.height_m = 3 * mil;
  ms.plane_thickness_m = 1.2 * mil;
  ms.spacing_m = 5 * mil;
  const phy::StriplineDims s1{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  const phy::StriplineDims s2{5 * mil, 0.6 * mil, 5 * mil, 6 * mil, 7 * mil, 1.2 * mil};
  auto d = phy::LineMode::differential;
  std::vector<channels::TraceSegment> segs;
  segs.push_back({"ms1", 1 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledMicrostrip>(ms, d), diel, cu)});
  segs.push_back({"sl1", 6 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(s1, d), diel,
                                                         {5.8e7, huray(), huray()})});
  segs.push_back({"sl2", 4 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(s2, d), diel, cu)});
  segs.push_back({"ms2", 1 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledMicrostrip>(ms, d), diel, cu)});
  return channels::CopperChannel(std::move(segs), 100.0, 100.0);
}

// The common board route: four stripline segments on one laminate and foil (breakout, two main
// sections of different width, breakin), closed-form cross-sections.
channels::CopperChannel four_stripline_channel() {
  const auto diel = phy::Dielectric::djordjevic_sarkar(3.68, 0.0092, 2e9);
  const phy::LineConductor cu{5.8e7, hammerstad(0.6), hammerstad(0.6)};
  const auto d = phy::LineMode::differential;
  const phy::StriplineDims bo{3.5 * mil, 0.6 * mil, 3.5 * mil, 3.5 * mil, 4 * mil, 1.2 * mil};
  const phy::StriplineDims m1{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  const phy::StriplineDims m2{5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 7 * mil, 1.2 * mil};
  std::vector<channels::TraceSegment> segs;
  segs.push_back({"breakout", 0.5 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(bo, d), diel, cu)});
  segs.push_back({"main 1", 6 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(m1, d), diel, cu)});
  segs.push_back({"main 2", 5 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(m2, d), diel, cu)});
  segs.push_back({"breakin", 0.5 * inch, phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(bo, d), diel, cu)});
  return channels::CopperChannel(std::move(segs), 85.0, 85.0);
}

// Times channels::compute_response of `ch` at 4096 frequencies (with the per-mechanism loss
// breakdown or without) and reports frequency points per second.
void time_response_4096(benchmark::State& state, const channels::CopperChannel& ch, bool breakdown) {
  const auto grid = solvers::loss_grid(50e9, 4096);
  for (auto _ : state) {
    auto r = channels::compute_response(ch, grid, breakdown);
    benchmark::DoNotOptimize(r);
  }
  state.counters["points_per_s"] = benchmark::Counter(static_cast<double>(grid.size()) * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}

void BM_S21_4stripline_4096(benchmark::State& state) { time_response_4096(state, four_stripline_channel(), false); }
BENCHMARK(BM_S21_4stripline_4096)->Unit(benchmark::kMillisecond);

void BM_S21_4segment_4096(benchmark::State& state) { time_response_4096(state, four_segment_channel(), false); }
BENCHMARK(BM_S21_4segment_4096)->Unit(benchmark::kMillisecond);

void BM_S21_with_breakdown_4segment_4096(benchmark::State& state) {
  time_response_4096(state, four_segment_channel(), true);
}
BENCHMARK(BM_S21_with_breakdown_4segment_4096)->Unit(benchmark::kMillisecond);

void BM_build_channel(benchmark::State& state) {
  for (auto _ : state) {
    auto ch = four_segment_channel();
    benchmark::DoNotOptimize(&ch);
  }
}
BENCHMARK(BM_build_channel)->Unit(benchmark::kMicrosecond);

// The C++ side of the Python module's overhead figure (docs/python.md): the loss question on the
// default preset exactly as `phylane.loss(phylane.Link.default())` asks it (app::loss_request with
// the command's default flags, then workflows::loss); the module's call is compared with this.
void BM_loss_question_default_preset(benchmark::State& state) {
  const io::Config cfg = io::load_preset(io::default_preset_name());
  const workflows::LossRequest rq = app::loss_request(cfg, app::LossArgs{});
  for (auto _ : state) benchmark::DoNotOptimize(workflows::loss(cfg, rq));
}
BENCHMARK(BM_loss_question_default_preset)->Unit(benchmark::kMicrosecond);

}  // namespace
