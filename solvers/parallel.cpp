#include "solvers/parallel.hpp"

#include "solvers/thread_start.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <system_error>
#include <thread>

namespace phylane::solvers {

namespace {

thread_local int region_depth = 0;  // tasks of a multi-threaded call running on this thread

/// One call's shared state: the next index to hand out, the failure to rethrow, the progress count.
class Run {
 public:
  Run(std::size_t n, const std::function<void(std::size_t, int)>& body, const ParallelOptions& options)
      : n_(n), body_(body), options_(options) {}
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run() { join(); }

  /// A worker's loop: takes indices in order until there are none, the stop flag is set or a task
  /// has failed. Looking before taking (not after) keeps the tasks that ran a prefix of [0, n).
  void work(int worker) noexcept {
    for (;;) {
      if (halt_.load(std::memory_order_relaxed) || (options_.stop && options_.stop->load(std::memory_order_relaxed)))
        return;
      const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= n_) return;
      try {
        struct Mark {
          bool on;
          explicit Mark(bool wide) : on(wide) { region_depth += on ? 1 : 0; }
          ~Mark() { region_depth -= on ? 1 : 0; }
        } mark(wide_.load(std::memory_order_relaxed));
        body_(i, worker);
        std::lock_guard<std::mutex> lock(m_);
        ++done_;
        if (options_.progress) options_.progress(done_, n_);
      } catch (...) {
        fail(i, std::current_exception());
      }
    }
  }

  /// No further task starts (the caller's own part failed).
  void halt() { halt_ = true; }

  /// Starts up to `count` threads running work(first_id + k) and then `after` (k = 0, 1, ...);
  /// stops at the first thread the system refuses. Returns how many started.
  int start(int count, int first_id, std::function<void()> after) {
    if (count > 0) wide_ = true;  // before any thread can take a task
    threads_.reserve(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
      try {
        threads_.push_back(start_thread_elsewhere(
            [this, id = first_id + k, after] {
              work(id);
              if (after) after();
            },
            k));
      } catch (const std::system_error&) {
        break;  // no more threads: the ones started (and, in parallel_for, the calling thread) do the work
      }
    }
    return static_cast<int>(threads_.size());
  }

  void join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  /// After join(): rethrows the failure, else the summary.
  ParallelSummary summary(int workers) const {
    if (error_) std::rethrow_exception(error_);
    ParallelSummary s;
    s.total = n_;
    s.completed = done_;
    s.stopped = done_ < n_;
    s.workers = workers;
    return s;
  }

 private:
  void fail(std::size_t i, std::exception_ptr e) noexcept {
    std::lock_guard<std::mutex> lock(m_);
    if (!error_ || i < error_index_) {
      error_ = std::move(e);
      error_index_ = i;
    }
    halt_ = true;
  }

  const std::size_t n_;
  const std::function<void(std::size_t, int)>& body_;
  const ParallelOptions& options_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> halt_{false};
  std::atomic<bool> wide_{false};  // threads were started: the tasks share the cores
  std::mutex m_;                 // guards done_, error_, error_index_ and the progress calls
  std::size_t done_ = 0;
  std::exception_ptr error_;
  std::size_t error_index_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace

bool inside_parallel_region() { return region_depth > 0; }

int parallel_workers(int requested, std::size_t tasks) {
  if (requested < 0)
    throw std::invalid_argument("parallel: workers = " + std::to_string(requested) + ": must be >= 0 (0: all cores)");
  // The processor count once per process: std::thread::hardware_concurrency reads
  // /sys/devices/system/cpu/online at each call (1.7 us; the pulse engine asks at every
  // evaluation of H).
  static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t want = requested > 0 ? static_cast<std::size_t>(requested) : cores;
  return static_cast<int>(std::max<std::size_t>(1, std::min(want, tasks)));
}

ParallelSummary parallel_for(std::size_t n, const std::function<void(std::size_t, int)>& body,
                             const ParallelOptions& options) {
  const int workers = parallel_workers(options.workers, n);
  Run run(n, body, options);
  const int started = workers > 1 ? run.start(workers - 1, 1, {}) : 0;
  run.work(0);
  run.join();
  return run.summary(started + 1);
}

namespace detail {

ParallelSummary parallel_for_beside(std::size_t n, const std::function<void(std::size_t, int)>& body,
                                    const ParallelOptions& options, const std::function<void()>& beside,
                                    const std::function<void()>& workers_done) {
  const int workers = parallel_workers(options.workers, n);
  // The last worker to stop says so; `running` counts the threads still working. Declared before
  // `run`, whose destructor joins the threads that use them.
  std::mutex m;
  int running = workers;
  Run run(n, body, options);
  if (n == 0) {
    workers_done();
    beside();
    return run.summary(workers);
  }
  auto leave = [&] {
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(m);
      last = --running == 0;
    }
    if (last) workers_done();
  };
  const int started = run.start(workers, 0, leave);
  if (started < workers) {
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(m);
      running -= workers - started;
      last = running == 0 && started > 0;
    }
    if (started == 0) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                                              "parallel: cannot start a worker thread");
    if (last) workers_done();
  }
  try {
    beside();
  } catch (...) {
    run.halt();
    run.join();
    throw;
  }
  run.join();
  return run.summary(started);
}

}  // namespace detail

}  // namespace phylane::solvers
