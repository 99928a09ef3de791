#pragma once
/// A sweep file's cases run into its HDF5 store: the execution (workflows/sweep_run.hpp, on all
/// cores through solvers::parallel_produce) given "build the link of case i" from the sweep's
/// base config and axes (io/sweep.hpp) and the store as the results' sink. Only the calling
/// thread touches the HDF5 file.
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "io/sweep.hpp"
#include "io/sweep_store.hpp"
#include "workflows/sweep_run.hpp"

namespace phylane::io {

using workflows::SweepRunOptions;
using workflows::SweepRunSummary;

/// Runs `cases` (indices into the sweep) and writes them to `store` as they complete.
SweepRunSummary run_sweep_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, SweepStore& store,
                                const SweepRunOptions& options = {});

/// Evaluates `cases` on `jobs` threads (0: all cores) and returns their results in the order of
/// `cases` (an MPI worker rank's block). As in run_sweep_cases, an exception escaping a case
/// (bad_alloc and the like) fails that case only.
std::vector<CaseResult> evaluate_cases(const Sweep& sweep, std::span<const std::uint64_t> cases, int jobs);

/// The store as a results' sink: each batch written and made durable (SweepStore::write).
workflows::ResultSink store_sink(SweepStore& store);

/// What `phylane sweep --json` reports after a run.
struct SweepReport {
  std::string sweep;          ///< the sweep file as given
  std::string mode;           ///< grid, zip, lhs
  std::vector<std::size_t> shape;
  std::size_t cases = 0;      ///< in the sweep
  std::size_t computed = 0;   ///< finished in this run (done or failed)
  std::size_t done = 0;       ///< in the file, this run and before
  std::size_t failed = 0;     ///< in the file
  std::size_t missing = 0;    ///< in the file
  bool interrupted = false;
  int signal = 0;             ///< the signal that interrupted the run, or 0
  int workers = 1;
  double elapsed_s = 0.0;     ///< of this run's computation
  std::string output;         ///< the results file
  /// --check: the number of cases checked (all valid); set, the run's fields are left out.
  std::optional<std::size_t> valid_cases;
};

/// The report as one JSON object: phylane_version, command ("sweep"), sweep, mode, shape,
/// cases, then either valid_cases (--check) or computed, done, failed, missing, interrupted,
/// signal, workers, elapsed_s, output. Format in docs/sweep.md.
void write_sweep_json(std::ostream& os, const SweepReport& r);

}  // namespace phylane::io
