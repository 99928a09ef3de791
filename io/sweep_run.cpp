#include "io/sweep_run.hpp"

#include <algorithm>
#include <exception>
#include <limits>

#include "solvers/parallel.hpp"

namespace phylane::io {

namespace {

/// evaluate_case, with an exception escaping it (bad_alloc and the like) recorded as the case's
/// failure: the case fails, the sweep goes on.
CaseResult evaluate_or_fail(const Sweep& sweep, std::uint64_t c) {
  try {
    return evaluate_case(sweep, c);
  } catch (const std::exception& e) {
    CaseResult r;
    r.index = c;
    r.ok = false;
    r.reason = e.what();
    r.scalars.assign(sweep.scalars.size(), std::numeric_limits<double>::quiet_NaN());
    r.curves.assign(sweep.curves.size() * sweep.curve_freqs_hz.size(), std::numeric_limits<double>::quiet_NaN());
    return r;
  }
}

}  // namespace

SweepResultBatcher::SweepResultBatcher(SweepStore& store, double flush_interval_s, std::size_t max_batch)
    : store_(store), interval_s_(flush_interval_s), max_batch_(std::max<std::size_t>(1, max_batch)),
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
    store_.write(waiting_);
    written_ += waiting_.size();
    for (const auto& r : waiting_) failed_ += r.ok ? 0 : 1;
    waiting_.clear();
  }
  last_ = std::chrono::steady_clock::now();
}

SweepRunSummary run_sweep_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, SweepStore& store,
                                const SweepRunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepRunSummary sum;
  const std::size_t n = cases.size();
  sum.threads = solvers::parallel_workers(opt.jobs, n);
  if (n == 0) return sum;

  solvers::ParallelOptions po;
  po.workers = opt.jobs;
  po.stop = opt.stop;
  // The workers compute; this thread writes. The hand-over between them is bounded: a slow disk
  // slows the workers down instead of filling memory.
  solvers::HandOverOptions ho;
  ho.capacity = std::max<std::size_t>(opt.max_batch * 4, 1024);
  ho.batch = std::max<std::size_t>(opt.max_batch, 1);
  ho.poll_s = std::min(0.2, opt.flush_interval_s);
  SweepResultBatcher batcher(store, opt.flush_interval_s, opt.max_batch);
  const solvers::ParallelSummary run = solvers::parallel_produce<CaseResult>(
      n, [&](std::size_t i, int) { return evaluate_or_fail(sweep, cases[i]); },
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

std::vector<CaseResult> evaluate_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, int jobs) {
  std::vector<CaseResult> out(cases.size());
  solvers::ParallelOptions po;
  po.workers = jobs;
  solvers::parallel_for(cases.size(), [&](std::size_t i, int) { out[i] = evaluate_or_fail(sweep, cases[i]); }, po);
  return out;
}

}  // namespace phylane::io
