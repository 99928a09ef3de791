#include "io/sweep_run.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace phylane::io {

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
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t nt = std::max<std::size_t>(1, std::min<std::size_t>(n, opt.jobs > 0 ? static_cast<std::size_t>(opt.jobs) : hw));
  sum.threads = static_cast<int>(nt);
  if (n == 0) return sum;

  // Bounded hand-over from the workers to the writer (this thread): a slow disk slows the
  // workers down instead of filling memory.
  const std::size_t max_waiting = std::max<std::size_t>(opt.max_batch * 4, 1024);
  std::mutex m;
  std::condition_variable ready_cv, space_cv;
  std::vector<CaseResult> ready;
  std::size_t finished_workers = 0;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> halt{false};

  auto worker = [&] {
    for (;;) {
      if (halt.load(std::memory_order_relaxed) || (opt.stop && opt.stop->load(std::memory_order_relaxed))) break;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      CaseResult r;
      try {
        r = evaluate_case(sweep, cases[i]);
      } catch (const std::exception& e) {  // bad_alloc and the like: the case fails, the sweep goes on
        r = CaseResult{};
        r.index = cases[i];
        r.ok = false;
        r.reason = e.what();
        r.scalars.assign(sweep.scalars.size(), std::numeric_limits<double>::quiet_NaN());
        r.curves.assign(sweep.curves.size() * sweep.curve_freqs_hz.size(), std::numeric_limits<double>::quiet_NaN());
      }
      std::unique_lock<std::mutex> lock(m);
      space_cv.wait(lock, [&] { return ready.size() < max_waiting || halt.load(); });
      ready.push_back(std::move(r));
      if (ready.size() >= opt.max_batch) ready_cv.notify_one();
    }
    std::lock_guard<std::mutex> lock(m);
    ++finished_workers;
    ready_cv.notify_one();
  };

  std::vector<std::thread> pool;
  pool.reserve(nt);
  for (std::size_t i = 0; i < nt; ++i) pool.emplace_back(worker);
  SweepResultBatcher batcher(store, opt.flush_interval_s, opt.max_batch);
  try {
    for (;;) {
      std::vector<CaseResult> got;
      bool all_finished = false;
      {
        std::unique_lock<std::mutex> lock(m);
        ready_cv.wait_for(lock, std::chrono::duration<double>(std::min(0.2, opt.flush_interval_s)),
                          [&] { return ready.size() >= opt.max_batch || finished_workers == nt; });
        got.swap(ready);
        all_finished = finished_workers == nt;
      }
      space_cv.notify_all();
      for (auto& r : got) batcher.add(std::move(r));
      if (all_finished) batcher.write_all();
      else batcher.maybe_write();
      if (opt.progress) opt.progress(batcher.written(), n);
      if (all_finished) break;
    }
  } catch (...) {
    halt = true;
    space_cv.notify_all();
    for (auto& t : pool) t.join();
    throw;
  }
  for (auto& t : pool) t.join();
  sum.computed = batcher.written();
  sum.failed = batcher.failed();
  sum.interrupted = sum.computed < n;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace phylane::io
