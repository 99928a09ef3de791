#pragma once
/// Progress and Ctrl-C of a workflow that runs many cases: a study's (link, length) cases, a claim
/// set's shared computations, a system's links. The counterpart one level up of
/// solvers::SearchHooks: the stop flag is handed on to the searches the cases run, so an
/// interrupt ends a running search as well as the cases not yet started.
/// Tested by: tests/app/interrupt_test.cpp (through the phylane commands).
#include <atomic>
#include <cstddef>
#include <functional>

#include "solvers/max_rate.hpp"

namespace phylane::workflows {

struct RunHooks {
  /// Called after each case with (cases finished, cases in all), never concurrently. Optional.
  std::function<void(std::size_t done, std::size_t total)> progress = nullptr;
  /// Read between cases and by the searches inside them; once it is true the run throws
  /// solvers::SearchInterrupted (its results would be partial). Optional; may be set by a
  /// signal handler.
  const std::atomic<bool>* stop = nullptr;

  bool stopped() const { return stop != nullptr && stop->load(); }
  /// Throws solvers::SearchInterrupted once the stop flag is set.
  void throw_if_stopped() const {
    if (stopped()) throw solvers::SearchInterrupted();
  }
};

}  // namespace phylane::workflows
