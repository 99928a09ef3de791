#include "workflows/sweep_run.hpp"

#include <algorithm>
#include <exception>
#include <limits>

#include "solvers/parallel.hpp"

namespace phylane::workflows {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CaseResult failed_case(const SweepOutputs& o, std::uint64_t index, std::string reason) {
  CaseResult r;
  r.index = index;
  r.ok = false;
  r.reason = std::move(reason);
  r.scalars.assign(o.scalars.size(), kNaN);
  r.curves.assign(o.curves.size() * o.curve_freqs_hz.size(), kNaN);
  return r;
}

}  // namespace

std::vector<std::string> output_problems(const SweepOutputs& outputs, const channels::Link& link) {
  std::vector<std::string> out;
  for (const auto& plan : outputs.plans) {
    std::string why = plan.command->applies(link, plan.options, plan.scalars, plan.curves);
    if (!why.empty()) out.push_back(std::move(why));
  }
  return out;
}

CaseResult evaluate_case(const SweepOutputs& o, std::uint64_t index, const SweepCase& c) {
  CaseResult r;
  r.index = index;
  const std::size_t nf = o.curve_freqs_hz.size();
  r.scalars.assign(o.scalars.size(), kNaN);
  r.curves.assign(o.curves.size() * nf, kNaN);
  for (const auto& plan : o.plans) {
    std::vector<double> vals(plan.scalars.size(), kNaN), cv(plan.curves.size() * nf, kNaN);
    try {
      plan.command->evaluate(c, plan.options, plan.scalars, vals, plan.curves, o.curve_freqs_hz, cv);
    } catch (const std::exception& e) {
      // A numerical failure of one command: recorded, the other commands' values kept.
      r.ok = false;
      r.reason += (r.reason.empty() ? "" : "; ") + plan.command->command + ": " + e.what();
      continue;
    } catch (...) {
      r.ok = false;
      r.reason += (r.reason.empty() ? "" : "; ") + plan.command->command + ": unknown failure";
      continue;
    }
    for (std::size_t i = 0; i < plan.scalar_slots.size(); ++i) r.scalars[plan.scalar_slots[i]] = vals[i];
    for (std::size_t i = 0; i < plan.curve_slots.size(); ++i)
      std::copy_n(cv.begin() + static_cast<std::ptrdiff_t>(i * nf), nf,
                  r.curves.begin() + static_cast<std::ptrdiff_t>(plan.curve_slots[i] * nf));
  }
  return r;
}

CaseResult evaluate_case(const SweepOutputs& o, std::uint64_t index, const CaseBuilder& build) {
  // An exception escaping the case (an invalid case, bad_alloc and the like) is recorded as the
  // case's failure: the case fails, the sweep goes on.
  try {
    const SweepCase c = build(index);
    return evaluate_case(o, index, c);
  } catch (const std::exception& e) {
    return failed_case(o, index, e.what());
  } catch (...) {
    return failed_case(o, index, "unknown failure");
  }
}

SweepResultBatcher::SweepResultBatcher(ResultSink sink, double flush_interval_s, std::size_t max_batch)
    : sink_(std::move(sink)), interval_s_(flush_interval_s), max_batch_(std::max<std::size_t>(1, max_batch)),
      last_(std::chrono::steady_clock::now()) {}

void SweepResultBatcher::add(CaseResult&& r) { waiting_.push_back(std::move(r)); }

bool SweepResultBatcher::maybe_write() {
  if (waiting_.empty()) return false;
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  if (waiting_.size() < max_batch_ && since < interval_s_) return false;
  write_all();
  return true;
}

void SweepResultBatcher::write_all() {
  if (!waiting_.empty()) {
    // In case order: neighbouring cases share chunks.
    std::sort(waiting_.begin(), waiting_.end(), [](const CaseResult& a, const CaseResult& b) { return a.index < b.index; });
    sink_(waiting_);
    written_ += waiting_.size();
    for (const auto& r : waiting_) failed_ += r.ok ? 0 : 1;
    waiting_.clear();
  }
  last_ = std::chrono::steady_clock::now();
}

SweepRunSummary run_sweep_cases(const SweepOutputs& outputs, std::span<const std::uint64_t> cases, const CaseBuilder& build,
                                const ResultSink& sink, const SweepRunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepRunSummary sum;
  const std::size_t n = cases.size();
  sum.threads = solvers::parallel_workers(opt.jobs, n);
  if (n == 0) return sum;

  solvers::ParallelOptions po;
  po.workers = opt.jobs;
  po.stop = opt.stop;
  // The workers compute; this thread hands over. The hand-over between them is bounded: a slow
  // sink (disk) slows the workers down instead of filling memory.
  solvers::HandOverOptions ho;
  ho.capacity = std::max<std::size_t>(opt.max_batch * 4, 1024);
  ho.batch = std::max<std::size_t>(opt.max_batch, 1);
  ho.poll_s = std::min(0.2, opt.flush_interval_s);
  SweepResultBatcher batcher(sink, opt.flush_interval_s, opt.max_batch);
  const solvers::ParallelSummary run = solvers::parallel_produce<CaseResult>(
      n, [&](std::size_t i, int) { return evaluate_case(outputs, cases[i], build); },
      [&](std::vector<CaseResult>& got, bool last) {
        for (auto& r : got) batcher.add(std::move(r));
        if (last)
          batcher.write_all();
        else
          batcher.maybe_write();
        if (opt.progress) opt.progress(batcher.written(), n);
      },
      po, ho);
  sum.threads = run.workers;
  sum.computed = batcher.written();
  sum.failed = batcher.failed();
  sum.interrupted = sum.computed < n;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

std::vector<CaseResult> evaluate_cases(const SweepOutputs& outputs, std::span<const std::uint64_t> cases,
                                       const CaseBuilder& build, int jobs) {
  std::vector<CaseResult> out(cases.size());
  solvers::ParallelOptions po;
  po.workers = jobs;
  solvers::parallel_for(cases.size(), [&](std::size_t i, int) { out[i] = evaluate_case(outputs, cases[i], build); }, po);
  return out;
}

}  // namespace phylane::workflows
