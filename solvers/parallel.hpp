#pragma once
/// The one parallel executor: every parallel loop in phylane (study cases, claim computations,
/// sweep cases and their validation, the modulations of a max-rate search) runs its independent
/// tasks through parallel_for, or through parallel_produce when the calling thread has to consume
/// results while the workers compute (the sweep's HDF5 writer). Threads are started per call and
/// joined before it returns; there is no pool living between calls.
///
/// Tasks are handed out in index order, one at a time, to whichever worker is free (dynamic load
/// balancing: a caller that wants the longest tasks first orders its indices so). Before taking a
/// task a worker looks at the stop flag and at whether a task has failed, so the tasks that ran
/// are always the indices [0, completed): a stopped run leaves a prefix, never holes.
///
/// Tested by: tests/solvers/parallel_test.cpp
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace phylane::solvers {

struct ParallelOptions {
  /// Threads that run tasks, >= 0. 0: std::thread::hardware_concurrency() (1 if unknown). The
  /// count is capped at the number of tasks. In parallel_for the calling thread is worker 0 and
  /// workers - 1 threads are started; 1 runs every task inline on the calling thread and starts no
  /// thread. In parallel_produce every worker is a started thread (the calling thread consumes).
  int workers = 0;
  /// Called after each task that returned, with (tasks returned so far, tasks in all). Never
  /// concurrently: it runs under the executor's lock, on the thread that ran the task (the calling
  /// thread when workers = 1), so `done` rises by one per call and reaches `total` when every task
  /// ran. Keep it cheap (a throttled progress bar): the workers wait for it. Optional.
  std::function<void(std::size_t done, std::size_t total)> progress;
  /// Cooperative cancellation, optional: read before each task is taken. Once it is true no task
  /// starts, the tasks running finish, and the call returns with stopped = true. A task may set
  /// it itself (e.g. "enough failures seen"). It may be set from a signal handler.
  const std::atomic<bool>* stop = nullptr;
};

struct ParallelSummary {
  std::size_t total = 0;      ///< tasks asked for
  std::size_t completed = 0;  ///< tasks that ran: indices [0, completed)
  bool stopped = false;       ///< the stop flag ended the run before every task ran
  int workers = 1;            ///< threads that ran tasks
};

/// Runs body(index, worker) once for every index in [0, n) on options.workers threads (the calling
/// thread included) and returns when all of them have returned. `worker` is in [0, workers) and
/// no two tasks run at once with the same worker id, so a caller can keep per-worker scratch (an
/// FFT engine, a buffer) in a vector indexed by it.
///
/// Errors: if a task throws, no further task starts, the running ones finish, and the exception
/// of the lowest index that threw is rethrown on the calling thread once every worker has
/// stopped. Every index below a task that was taken has been taken and runs, so for tasks whose
/// failures do not depend on timing that is the exception a run on one thread would have thrown,
/// whatever the thread count. Throws std::invalid_argument when options.workers < 0.
ParallelSummary parallel_for(std::size_t n, const std::function<void(std::size_t index, int worker)>& body,
                             const ParallelOptions& options = {});

/// True on a thread while it runs a task of a parallel_for or parallel_produce call that started
/// at least one thread: the cores are already shared out among that call's tasks, so a task's own
/// opportunistic parallelism (pulse_response.cpp's evaluation of H in two halves) stays on its
/// thread instead of starting threads that compete for the same cores.
bool inside_parallel_region();

/// The worker count parallel_for uses for `requested` (ParallelOptions::workers) and `tasks`:
/// min(requested or all cores, tasks), at least 1. Throws std::invalid_argument when requested < 0.
int parallel_workers(int requested, std::size_t tasks);

/// How results travel from the workers to the calling thread in parallel_produce.
struct HandOverOptions {
  /// Results waiting for the calling thread at most, >= 1. A worker with a result waits while the
  /// hand-over is full: a slow consumer slows the workers down instead of filling memory.
  std::size_t capacity = 1024;
  /// The calling thread is woken as soon as this many results wait, >= 1.
  std::size_t batch = 1;
  /// ... and at least this often even when fewer wait [s], > 0 (for time-based flushes).
  double poll_s = 0.2;
};

namespace detail {
/// parallel_for's engine with the calling thread running `beside` instead of tasks: the workers
/// are started threads (worker ids [0, workers)); workers_done() is called once, by the last
/// worker to stop (or on the calling thread when none has to run), before the call returns. If
/// `beside` throws, no further task starts, the workers are joined and its exception is rethrown.
ParallelSummary parallel_for_beside(std::size_t n, const std::function<void(std::size_t, int)>& body,
                                    const ParallelOptions& options, const std::function<void()>& beside,
                                    const std::function<void()>& workers_done);
}  // namespace detail

/// Runs produce(index, worker) for every index in [0, n) on options.workers started threads while
/// the calling thread consumes the results: consume(results, last) runs on the calling thread with
/// the results that arrived since its last call (in the order they were produced, not in index
/// order), whenever hand_over.batch of them wait and at least every hand_over.poll_s (possibly with
/// none), and a last time with last = true once every worker has stopped, with everything still
/// waiting. consume may take the results out of the vector (it is cleared afterwards).
///
/// Stop flag, progress and task errors are as in parallel_for; the results produced before a
/// stop or an error are all consumed (the last call) before the call returns or rethrows. If
/// consume throws, no further task starts, the workers are joined, and its exception is rethrown.
/// Throws std::invalid_argument for hand_over values out of range.
template <class Result>
ParallelSummary parallel_produce(std::size_t n, const std::function<Result(std::size_t index, int worker)>& produce,
                                 const std::function<void(std::vector<Result>& results, bool last)>& consume,
                                 const ParallelOptions& options, const HandOverOptions& hand_over = {}) {
  if (hand_over.capacity < 1 || hand_over.batch < 1 || !(hand_over.poll_s > 0.0))
    throw std::invalid_argument("parallel_produce: hand_over needs capacity >= 1, batch >= 1 and poll_s > 0");
  std::mutex m;
  std::condition_variable ready_cv, space_cv;
  std::vector<Result> ready;
  bool workers_done = false;
  std::atomic<bool> halted{false};  // consume threw: workers stop producing and never wait for room

  auto body = [&](std::size_t i, int worker) {
    if (halted.load(std::memory_order_relaxed)) return;
    Result r = produce(i, worker);
    std::unique_lock<std::mutex> lock(m);
    space_cv.wait(lock, [&] { return ready.size() < hand_over.capacity || halted.load(); });
    ready.push_back(std::move(r));
    if (ready.size() >= hand_over.batch) ready_cv.notify_one();
  };
  auto beside = [&] {
    try {
      const std::chrono::duration<double> poll(hand_over.poll_s);
      std::vector<Result> got;
      for (;;) {
        bool last = false;
        {
          std::unique_lock<std::mutex> lock(m);
          ready_cv.wait_for(lock, poll, [&] { return ready.size() >= hand_over.batch || workers_done; });
          got.swap(ready);
          last = workers_done;
        }
        space_cv.notify_all();
        consume(got, last);
        got.clear();
        if (last) return;
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(m);
        halted = true;
      }
      space_cv.notify_all();
      throw;
    }
  };
  auto done = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      workers_done = true;
    }
    ready_cv.notify_one();
  };
  return detail::parallel_for_beside(n, body, options, beside, done);
}

}  // namespace phylane::solvers
