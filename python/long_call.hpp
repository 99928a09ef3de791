#pragma once
// Running a workflow from Python: without the GIL, on a thread of its own, while the calling
// thread waits and, every 50 ms under the GIL, runs Python's signal handlers (PyErr_CheckSignals:
// Ctrl-C raises KeyboardInterrupt there) and calls the user's progress callable. The workflows
// call their progress hooks from their worker threads, where Python handles no signals, so the
// hooks only record (a stage name, a count) and the calling thread reports them. On Ctrl-C, or an
// exception from the callable, the workflow's stop flag is set; the workflow then throws
// solvers::SearchInterrupted, and the Python exception is raised once it has returned (no thread
// is left running). A workflow without a stop flag (loss, tdr, check, sparams, fit) runs to its
// end first; called without a progress callable, it runs on the calling thread (Hooks::run_short:
// no thread to start, the GIL released).
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "workflows/run_hooks.hpp"

namespace phylane::python {

/// What a workflow reports while it runs, written by its hooks from any thread.
class Hooks {
 public:
  /// The workflow's stop flag (its request's `stop`).
  const std::atomic<bool>* stop() const { return &stop_; }
  /// A new stage ("eye", "package case 2").
  void stage(std::string name) {
    std::lock_guard<std::mutex> lock(mutex_);
    stage_ = std::move(name);
  }
  /// One more unit done (an eye evaluated in a search).
  void tick() { done_.fetch_add(1, std::memory_order_relaxed); }
  /// Units done so far (cases of a study, a sweep, a claim set).
  void count(std::size_t done) { done_.store(done, std::memory_order_relaxed); }
  /// The same as a workflow's RunHooks (progress after each case, and the stop flag).
  workflows::RunHooks run_hooks() {
    workflows::RunHooks h;
    h.progress = [this](std::size_t done, std::size_t) { count(done); };
    h.stop = stop();
    return h;
  }

  /// A workflow without a stop flag: `work()` on the calling thread with the GIL released when
  /// `progress` is None (a Ctrl-C then raises when the call returns), else as run() does.
  template <class R, class Work>
  R run_short(const pybind11::object& progress, Work&& work) {
    if (!progress.is_none()) return run<R>(progress, std::forward<Work>(work));
    pybind11::gil_scoped_release release;
    return work();
  }

  /// Runs `work()` (returning R) as described above; `progress` is None or a callable
  /// progress(stage: str, done: int), called when either changes. Called with the GIL held.
  template <class R, class Work>
  R run(const pybind11::object& progress, Work&& work) {
    std::optional<R> result;
    std::exception_ptr failure;
    std::optional<pybind11::error_already_set> python_error;
    bool finished = false;
    std::mutex m;
    std::condition_variable cv;
    {
      pybind11::gil_scoped_release release;
      std::thread worker([&] {
        try {
          result.emplace(work());
        } catch (...) {
          failure = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(m);
        finished = true;
        cv.notify_all();
      });
      std::string reported_stage;
      std::size_t reported_done = 0;
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(m);
          if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; })) break;
        }
        pybind11::gil_scoped_acquire gil;
        if (python_error) continue;  // stopping: wait for the workflow to return
        try {
          if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
          std::string now_stage;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            now_stage = stage_;
          }
          const std::size_t now_done = done_.load(std::memory_order_relaxed);
          if (!progress.is_none() && (now_stage != reported_stage || now_done != reported_done)) {
            progress(now_stage, now_done);
            reported_stage = now_stage;
            reported_done = now_done;
          }
        } catch (pybind11::error_already_set& e) {
          python_error.emplace(std::move(e));
          stop_.store(true);
        }
      }
      worker.join();
    }
    if (python_error) throw std::move(*python_error);
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::string stage_;
};

}  // namespace phylane::python
