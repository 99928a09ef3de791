// phylane com (IEEE 802.3 Annex 93A) on a measured channel with the embedded 100GBASE-KR4 sheet:
// both package cases (13 CTLE x 155 Tx FFE settings each), thru only and with the 5 aggressors of
// the shared crosstalk set, the cases on their own threads (as phylane com runs them) and on one
// (/1: as the batch form runs each channel). CPU time is the whole process's (every thread).
// Targets (issue 15): <= 20 ms and <= 100 ms whole-process; these time the computation after the
// Touchstone files are read. Skips when ../shared/data is absent.
// Run: build/tests/bench/phylane_bench --benchmark_filter=Com
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "io/com_sheet.hpp"
#include "io/touchstone.hpp"
#include "solvers/com_erl.hpp"
#include "solvers/com_icn.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/com.hpp"

using namespace phylane;

namespace {

bool load(const std::string& rel, workflows::ComChannel& out) {
  const auto f = test::reference_file(rel);
  if (!f) return false;
  out = {io::read_touchstone(*f), rel};
  return true;
}

void BM_ComThru(benchmark::State& state) {
  const solvers::ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  workflows::ComRequest rq;
  rq.workers = static_cast<int>(state.range(0));
  if (!load("touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", rq.thru)) {
    state.SkipWithError("reference data absent (../shared/data)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(workflows::com(p, rq).com_db);
}
BENCHMARK(BM_ComThru)->Arg(0)->Arg(1)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ComFiveAggressors(benchmark::State& state) {
  const solvers::ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  workflows::ComRequest rq;
  rq.workers = static_cast<int>(state.range(0));
  bool ok = load("touchstone/crosstalk/example2_THRU.s4p", rq.thru);
  for (const char* f : {"FEXT1", "FEXT2"}) {
    rq.fext.emplace_back();
    ok = ok && load(std::string("touchstone/crosstalk/example2_") + f + ".s4p", rq.fext.back());
  }
  for (const char* f : {"NEXT1", "NEXT2", "NEXT3"}) {
    rq.next.emplace_back();
    ok = ok && load(std::string("touchstone/crosstalk/example2_") + f + ".s4p", rq.next.back());
  }
  if (!ok) {
    state.SkipWithError("reference data absent (../shared/data)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(workflows::com(p, rq).com_db);
}
BENCHMARK(BM_ComFiveAggressors)->Arg(0)->Arg(1)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

// ERL and TDR of both ports alone (what ERL = true adds to a COM run): the 42.8 in backplane, the
// record N = 1000 UI after a zero fixture delay, and the reference default (no N, unset fixture
// delay: the whole transform period).
void BM_ComErl(benchmark::State& state) {
  workflows::ComChannel ch;
  if (!load("touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", ch)) {
    state.SkipWithError("reference data absent (../shared/data)");
    return;
  }
  const solvers::ComParameters p = io::embedded_com_sheet(
      "100gbase-kr4", state.range(0) ? std::vector<std::string>{"ERL=true", "N=1000", "fixture delay time=0"}
                                     : std::vector<std::string>{"ERL=true"});
  const channels::Network sdd = workflows::com_differential(ch, p.port_order);
  for (auto _ : state) benchmark::DoNotOptimize(solvers::com_tdr_erl(p, sdd).front().erl_db);
}
BENCHMARK(BM_ComErl)->Arg(1)->Arg(0)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

// ICN of the crosstalk set's 5 aggressors alone (computed whenever aggressors are given).
void BM_ComIcn(benchmark::State& state) {
  const solvers::ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  std::vector<solvers::ComPath> paths;
  for (const char* f : {"FEXT1", "FEXT2", "NEXT1", "NEXT2", "NEXT3"}) {
    workflows::ComChannel ch;
    if (!load(std::string("touchstone/crosstalk/example2_") + f + ".s4p", ch)) {
      state.SkipWithError("reference data absent (../shared/data)");
      return;
    }
    paths.push_back({f[0] == 'F' ? solvers::ComPathKind::fext : solvers::ComPathKind::next,
                     channels::BandLimitedNetwork(workflows::com_differential(ch, p.port_order)), f});
  }
  for (auto _ : state) benchmark::DoNotOptimize(solvers::com_icn(p, paths).icn_v);
}
BENCHMARK(BM_ComIcn)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
