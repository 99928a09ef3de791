#pragma once
// phylane sweep SWEEP.toml -o results.h5 [--jobs N] | phylane sweep --resume results.h5:
// a parameter sweep over any config keys, run on all cores (or across MPI ranks with the
// phylane-mpi build), results written to HDF5 as they complete. Format and layout: docs/sweep.md.
#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "io/sweep.hpp"
#include "io/sweep_run.hpp"

namespace CLI {
class App;
}

namespace phylane::app {

struct SweepArgs {
  std::string sweep;    ///< sweep file (optional with --resume: the file stores its sweep)
  std::string output;   ///< -o results.h5
  std::string resume;   ///< --resume results.h5: finish the missing cases of that file
  int jobs = 0;         ///< --jobs N worker threads (per MPI rank); 0: all cores
  std::optional<std::size_t> print_case;  ///< --case N: print case N's config (TOML) and exit
  bool check = false;   ///< --check: validate every case, compute nothing
  double flush_every_s = 1.0;  ///< --flush-every S: finished cases reach the file at least this often
  bool json = false;    ///< --json: the run's summary as JSON on stdout (io::write_sweep_json)
  bool quiet = false;   ///< -q,--quiet: no progress on stderr
  bool force = false;   ///< --force: run a sweep of more than kLargeSweep cases
  bool overwrite = false;  ///< --overwrite: replace a finished sweep in the results file
};

/// A sweep larger than this many cases is refused without --force (a million cases take hours
/// to check and days to compute on a workstation; a typo in an axis count is the likelier cause).
inline constexpr std::size_t kLargeSweep = 1'000'000;

/// Adds the `sweep` subcommand to `cli`, bound to `args`.
CLI::App* register_sweep(CLI::App& cli, SweepArgs& args);

/// Exit code: 0 done (failed cases are recorded in the file, not an error), 2 bad input (nothing
/// written), 1 a failure (e.g. the file cannot be written), 128 + signal when interrupted while
/// the cases run (the file keeps every finished case; --resume finishes it), 130 when
/// interrupted while the cases are checked (the results file is not created or changed).
int run_sweep(const SweepArgs& args);

// Shared by the single-process and the MPI runs (app/cmd_sweep.cpp, app/cmd_sweep_mpi.cpp).
namespace sweep_detail {

/// The sweep to run: from the sweep file, or as stored in the file to resume.
struct Prepared {
  io::Sweep sweep;
  std::string file;  ///< the results file
  bool resume = false;
  bool json = false;  ///< report as JSON
};
/// Reads and checks the arguments and the sweep (not the cases). Throws io::InputError.
Prepared prepare(const SweepArgs& args);

/// --case N: case N (from 1) of the sweep, as the command prints it.
struct CaseText {
  std::string label;        ///< the axis values (io::Sweep::case_label)
  std::string header;       ///< "# SWEEP case N: LABEL\n"
  std::string config_toml;  ///< the case's config (io::case_config_text)
};
/// Throws io::InputError for N outside 1 ... cases.
CaseText case_text(const Prepared& p, std::size_t n);

/// What a run reports as it goes, and its stop flag.
struct RunCallbacks {
  /// A new stage ("checking", "computing") and the cases done before it (a resumed file's).
  std::function<void(const std::string& stage, std::size_t already_done)> stage;
  /// Cases done of the stage's total (the resumed ones included while computing); optional.
  std::function<void(std::size_t done, std::size_t total)> progress;
  /// A stage ended (before the next starts or the run returns); optional.
  std::function<void()> finish;
  /// Set while the cases are checked: run() throws solvers::SearchInterrupted and the results
  /// file is neither created nor changed. Set while they run: no new case starts, the running
  /// ones finish and are written, and run() returns with `interrupted`.
  const std::atomic<bool>* stop = nullptr;
};
/// Checks the cases to compute (all, or the missing ones of a resumed file), then, unless
/// args.check, computes them into the results file and closes it. Returns the --json report
/// (valid_cases set for --check; signal 0). Not for --case.
io::SweepReport run(Prepared& p, const SweepArgs& args, const RunCallbacks& cb);
/// The --json report of a run of `total` cases with `done` and `failed` in the file; `signal`: the
/// signal that interrupted it (0 if none or unknown).
io::SweepReport run_report(const Prepared& p, std::size_t total, std::size_t done, std::size_t failed,
                           std::size_t computed, double seconds, int workers, bool interrupted, int signal);
/// The one-paragraph summary after a run (JSON with --json); returns the exit code.
int report(const io::SweepReport& r, const Prepared& p);
int report(const Prepared& p, std::size_t total, std::size_t done, std::size_t failed, std::size_t computed,
           double seconds, int workers, bool interrupted);

}  // namespace sweep_detail

}  // namespace phylane::app
