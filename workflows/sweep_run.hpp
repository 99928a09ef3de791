#pragma once
/// Sweep execution: the outputs every case records (SweepOutputs), one case's evaluation, and
/// the run of many cases on all cores through solvers::parallel_produce with the results handed
/// to a sink in batches. Where a case's link comes from (io: the sweep file's base config with
/// the axis values set) and where results go (io: the HDF5 store, or an MPI message) are passed
/// in as functions, so this layer reads no file. Cases share no mutable state (each builds its
/// own link and runs its own solvers; FFTW plan creation is serialised in
/// solvers/pulse_response.cpp, the BEM cross-section cache is locked); the sink is only called on
/// the calling thread. Documented in docs/sweep.md. Tested by: tests/workflows/sweep_run_test.cpp,
/// tests/io/sweep_run_test.cpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "workflows/sweep_outputs.hpp"

namespace phylane::workflows {

/// The outputs of one command in a sweep, with where they go in a case's value vectors.
struct SweepCommandPlan {
  const CommandOutputs* command = nullptr;
  CommandOptions options;
  std::vector<OutputRequest> scalars;
  std::vector<std::size_t> scalar_slots;  ///< index in SweepOutputs::scalars (and CaseResult::scalars)
  std::vector<OutputRequest> curves;
  std::vector<std::size_t> curve_slots;   ///< index in SweepOutputs::curves
};

/// What every case of a sweep records.
struct SweepOutputs {
  std::vector<OutputRequest> scalars;  ///< in the order of the sweep file
  std::vector<OutputRequest> curves;
  std::vector<double> curve_freqs_hz;  ///< curve_fmax / curve_points ... curve_fmax
  std::vector<SweepCommandPlan> plans;  ///< one per command with requests, in sweep_commands() order
};

/// One case's outputs. Failed (a numerical failure): ok = false, reason set, values NaN.
struct CaseResult {
  std::uint64_t index = 0;
  bool ok = true;
  std::string reason;
  std::vector<double> scalars;  ///< SweepOutputs::scalars order
  std::vector<double> curves;   ///< curve i at frequency k: [i * curve_freqs_hz.size() + k]
};

/// Builds case `index` (0-based). Throws when the case is not valid (the message becomes the
/// case's failure reason). Called concurrently from worker threads.
using CaseBuilder = std::function<SweepCase(std::uint64_t index)>;
/// Receives finished results (any order) on the calling thread, e.g. to write them.
using ResultSink = std::function<void(std::span<const CaseResult> results)>;

/// Every command's `applies` check on a case's link: why each command that does not apply does not
/// (plan order); empty when every output applies.
std::vector<std::string> output_problems(const SweepOutputs& outputs, const channels::Link& link);

/// Evaluates the outputs on one built case. A command that throws fails the case (its reason
/// names the command); the other commands' values are kept. Never throws.
CaseResult evaluate_case(const SweepOutputs& outputs, std::uint64_t index, const SweepCase& c);
/// Builds case `index` and evaluates it; a build failure (or any exception) fails the case.
/// Never throws; thread-safe when `build` is.
CaseResult evaluate_case(const SweepOutputs& outputs, std::uint64_t index, const CaseBuilder& build);

struct SweepRunOptions {
  int jobs = 0;                   ///< worker threads, >= 0; 0: all cores
  double flush_interval_s = 1.0;  ///< results reach the sink at least this often [s], > 0
  std::size_t max_batch = 4096;   ///< and whenever this many are waiting
  /// Called on the calling thread after each hand-over to the sink (and about every 0.2 s):
  /// cases finished in this run and the number this run has to do.
  std::function<void(std::size_t done, std::size_t total)> progress;
  /// When it becomes true (e.g. set by a signal handler) no new case starts; the cases running
  /// finish, everything finished reaches the sink, and the run returns with interrupted = true.
  const std::atomic<bool>* stop = nullptr;
};

struct SweepRunSummary {
  std::size_t computed = 0;  ///< cases finished in this run (done or failed)
  std::size_t failed = 0;
  bool interrupted = false;
  int threads = 1;
  double seconds = 0.0;
};

/// Runs `cases` (indices into the sweep) on options.jobs threads and hands their results to
/// `sink` in batches sorted by case.
SweepRunSummary run_sweep_cases(const SweepOutputs& outputs, std::span<const std::uint64_t> cases, const CaseBuilder& build,
                                const ResultSink& sink, const SweepRunOptions& options = {});

/// Evaluates `cases` on `jobs` threads (0: all cores) and returns their results in the order of
/// `cases` (an MPI worker rank's block).
std::vector<CaseResult> evaluate_cases(const SweepOutputs& outputs, std::span<const std::uint64_t> cases,
                                       const CaseBuilder& build, int jobs);

/// Collects results that arrive one by one (threads, MPI ranks) and hands them to a sink in
/// batches sorted by case (neighbouring cases share storage chunks): when max_batch are waiting
/// or flush_interval_s has passed since the last hand-over.
class SweepResultBatcher {
 public:
  SweepResultBatcher(ResultSink sink, double flush_interval_s, std::size_t max_batch);
  void add(CaseResult&& r);
  /// Hands over what is waiting when it is due; returns whether it did.
  bool maybe_write();
  /// Hands over everything waiting.
  void write_all();
  std::size_t written() const { return written_; }
  std::size_t failed() const { return failed_; }

 private:
  ResultSink sink_;
  double interval_s_;
  std::size_t max_batch_;
  std::vector<CaseResult> waiting_;
  std::chrono::steady_clock::time_point last_;
  std::size_t written_ = 0, failed_ = 0;
};

}  // namespace phylane::workflows
