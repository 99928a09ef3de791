#include "io/sweep_run.hpp"

#include "io/detail/command_output.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

workflows::ResultSink store_sink(SweepStore& store) {
  return [&store](std::span<const CaseResult> results) { store.write(results); };
}

SweepRunSummary run_sweep_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, SweepStore& store,
                                const SweepRunOptions& opt) {
  return workflows::run_sweep_cases(sweep, cases, case_builder(sweep), store_sink(store), opt);
}

std::vector<CaseResult> evaluate_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, int jobs) {
  return workflows::evaluate_cases(sweep, cases, case_builder(sweep), jobs);
}

void write_sweep_json(std::ostream& os, const SweepReport& r) {
  JsonWriter w(os);
  detail::begin_command_json(w, "sweep")
      .field("sweep", r.sweep)
      .field("mode", r.mode);
  w.key("shape").begin_array();
  for (auto d : r.shape) w.value(d);
  w.end_array();
  w.field("cases", r.cases);
  if (r.valid_cases) {
    w.field("valid_cases", *r.valid_cases).end_object();
    w.done();
    return;
  }
  w.field("computed", r.computed)
      .field("done", r.done)
      .field("failed", r.failed)
      .field("missing", r.missing)
      .field("interrupted", r.interrupted)
      .field("signal", r.signal)
      .field("workers", r.workers)
      .field("elapsed_s", r.elapsed_s)
      .field("output", r.output)
      .end_object();
  w.done();
}

}  // namespace phylane::io
