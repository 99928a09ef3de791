// Sweep execution on its own (workflows/sweep_run.hpp): cases built by a function, results handed
// to a sink in case order, a case that cannot be built or whose command throws fails alone, and
// the values are those of each case's own evaluation whatever the number of threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "workflows/sweep_run.hpp"

using namespace phylane;
using namespace phylane::workflows;

namespace {

// A command recording the case's first report frequency (and its double), failing on 5.
CommandOutputs probe_command() {
  CommandOutputs c;
  c.command = "probe";
  c.summary = "test probe";
  c.scalars = {{"f", "Hz", "first report frequency"}, {"twice", "Hz", "two times it"}};
  c.applies = [](const channels::Link& link, const CommandOptions&, std::span<const OutputRequest>,
                 std::span<const OutputRequest>) -> std::string { return link.source == "bad" ? "bad link" : ""; };
  c.evaluate = [](const SweepCase& sc, const CommandOptions&, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest>, std::span<const double>, std::span<double>) {
    if (sc.report_freqs_hz.at(0) == 5.0) throw std::runtime_error("no convergence");
    for (std::size_t i = 0; i < scalars.size(); ++i)
      values[i] = scalars[i].quantity == "f" ? sc.report_freqs_hz[0] : 2.0 * sc.report_freqs_hz[0];
  };
  return c;
}

SweepOutputs probe_outputs(const CommandOutputs& c) {
  SweepOutputs o;
  OutputRequest twice{"probe.twice", "probe", "twice", "Hz", "", 0.0, false};
  OutputRequest f{"probe.f", "probe", "f", "Hz", "", 0.0, false};
  o.scalars = {twice, f};
  SweepCommandPlan plan;
  plan.command = &c;
  plan.scalars = {twice, f};
  plan.scalar_slots = {0, 1};
  o.plans.push_back(plan);
  return o;
}

// Case i has report frequency i; case 3 cannot be built.
SweepCase build(std::uint64_t i) {
  if (i == 3) throw std::invalid_argument("case 4: length = \"-2 in\": must be positive");
  SweepCase c;
  c.link.source = "case";
  c.report_freqs_hz = {static_cast<double>(i)};
  return c;
}

}  // namespace

TEST_CASE("a sweep run hands every case to the sink once, sorted within each batch, failures alone",
          "[workflows][sweep][unit]") {
  const CommandOutputs probe = probe_command();
  const SweepOutputs o = probe_outputs(probe);
  std::vector<std::uint64_t> cases(40);
  for (std::size_t i = 0; i < cases.size(); ++i) cases[i] = i;
  std::vector<CaseResult> got;
  SweepRunOptions opt;
  opt.jobs = 2;
  opt.max_batch = 7;
  const auto sink = [&](std::span<const CaseResult> batch) {
    CHECK(std::is_sorted(batch.begin(), batch.end(), [](const CaseResult& a, const CaseResult& b) { return a.index < b.index; }));
    got.insert(got.end(), batch.begin(), batch.end());
  };
  const SweepRunSummary sum = run_sweep_cases(o, cases, build, sink, opt);
  CHECK(sum.computed == 40);
  CHECK(sum.failed == 2);
  CHECK_FALSE(sum.interrupted);
  REQUIRE(got.size() == 40);
  std::set<std::uint64_t> seen;
  for (const auto& r : got) {
    INFO("case " << r.index);
    CHECK(seen.insert(r.index).second);
    REQUIRE(r.scalars.size() == 2);
    if (r.index == 3) {
      CHECK_FALSE(r.ok);
      CHECK_THAT(r.reason, Catch::Contains("must be positive"));
      CHECK(std::isnan(r.scalars[0]));
    } else if (r.index == 5) {
      CHECK_FALSE(r.ok);
      CHECK(r.reason == "probe: no convergence");
      CHECK(std::isnan(r.scalars[1]));
    } else {
      CHECK(r.ok);
      // Exact: the slots put each command value where the file listed it.
      CHECK(r.scalars[0] == 2.0 * static_cast<double>(r.index));
      CHECK(r.scalars[1] == static_cast<double>(r.index));
    }
  }
}

TEST_CASE("evaluating a block of cases gives each case's own result in the block's order", "[workflows][sweep][unit]") {
  const CommandOutputs probe = probe_command();
  const SweepOutputs o = probe_outputs(probe);
  const std::vector<std::uint64_t> block = {9, 2, 7, 3};
  const auto rs = evaluate_cases(o, block, build, 2);
  REQUIRE(rs.size() == block.size());
  for (std::size_t i = 0; i < block.size(); ++i) {
    CHECK(rs[i].index == block[i]);
    const CaseResult alone = evaluate_case(o, block[i], build);
    CHECK(rs[i].ok == alone.ok);
    CHECK(rs[i].reason == alone.reason);
    if (alone.ok) CHECK(rs[i].scalars == alone.scalars);
  }
}

TEST_CASE("a stopped sweep run hands over what finished and says it was interrupted", "[workflows][sweep][unit]") {
  const CommandOutputs probe = probe_command();
  const SweepOutputs o = probe_outputs(probe);
  std::vector<std::uint64_t> cases(1000);
  for (std::size_t i = 0; i < cases.size(); ++i) cases[i] = i;
  std::atomic<bool> stop{true};  // stopped before it starts: nothing new begins
  SweepRunOptions opt;
  opt.jobs = 2;
  opt.stop = &stop;
  std::size_t handed = 0;
  const auto sum = run_sweep_cases(o, cases, build, [&](std::span<const CaseResult> b) { handed += b.size(); }, opt);
  CHECK(sum.interrupted);
  CHECK(sum.computed == handed);
  CHECK(sum.computed < cases.size());
}

TEST_CASE("the outputs that do not apply to a link say why, command by command", "[workflows][sweep][validation]") {
  const CommandOutputs probe = probe_command();
  const SweepOutputs o = probe_outputs(probe);
  channels::Link link;
  link.source = "bad";
  CHECK(output_problems(o, link) == std::vector<std::string>{"bad link"});
  link.source = "good";
  CHECK(output_problems(o, link).empty());
}
