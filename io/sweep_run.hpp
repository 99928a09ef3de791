#pragma once
/// Running a sweep's cases on worker threads (solvers::parallel_produce) and writing their results
/// as they complete.
/// Cases share no mutable state (each loads its own config and runs its own solvers; FFTW plan
/// creation is serialised in solvers/pulse_response.cpp, the BEM cross-section cache is locked);
/// only the calling thread touches the HDF5 file.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "io/sweep.hpp"
#include "io/sweep_store.hpp"

namespace phylane::io {

struct SweepRunOptions {
  int jobs = 0;                   ///< worker threads, >= 0; 0: all cores
  double flush_interval_s = 1.0;  ///< results reach the file at least this often [s], > 0
  std::size_t max_batch = 4096;   ///< and whenever this many are waiting
  /// Called on the calling thread after each write (and about every 0.2 s): cases finished in
  /// this run and the number this run has to do.
  std::function<void(std::size_t done, std::size_t total)> progress;
  /// When it becomes true (e.g. set by a signal handler) no new case starts; the cases running
  /// finish, everything finished is written, and the run returns with interrupted = true.
  const std::atomic<bool>* stop = nullptr;
};

struct SweepRunSummary {
  std::size_t computed = 0;  ///< cases finished in this run (done or failed)
  std::size_t failed = 0;
  bool interrupted = false;
  int threads = 1;
  double seconds = 0.0;
};

/// Runs `cases` (indices into the sweep) and writes them to `store`.
SweepRunSummary run_sweep_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, SweepStore& store,
                                const SweepRunOptions& options = {});

/// Evaluates `cases` on `jobs` threads (0: all cores) and returns their results in the order of
/// `cases` (an MPI worker rank's block). As in run_sweep_cases, an exception escaping a case
/// (bad_alloc and the like) fails that case only.
std::vector<CaseResult> evaluate_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, int jobs);

/// Collects results that arrive one by one (threads, MPI ranks) and writes them in batches: when
/// max_batch are waiting or flush_interval_s has passed since the last write.
class SweepResultBatcher {
 public:
  SweepResultBatcher(SweepStore& store, double flush_interval_s, std::size_t max_batch);
  void add(CaseResult&& r);
  /// Writes what is waiting when a write is due; returns whether it wrote.
  bool maybe_write();
  /// Writes everything waiting.
  void write_all();
  std::size_t written() const { return written_; }
  std::size_t failed() const { return failed_; }

 private:
  SweepStore& store_;
  double interval_s_;
  std::size_t max_batch_;
  std::vector<CaseResult> waiting_;
  std::chrono::steady_clock::time_point last_;
  std::size_t written_ = 0, failed_ = 0;
};

}  // namespace phylane::io
