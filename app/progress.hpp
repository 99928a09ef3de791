#pragma once
// Progress of a long command on stderr, and Ctrl-C. One renderer for every subcommand:
// on a terminal (isatty(stderr)) a line redrawn in place with a bar, the rate and the time left
// when the total is known; when piped one line per stage (and at most one count line every few
// seconds); nothing with --quiet. Progress never goes to stdout, so --json output stays clean.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

#include "workflows/run_hooks.hpp"

namespace phylane::app {

class Progress {
 public:
  /// `command`: the subcommand's name ("maxrate"), shown in front of every line.
  Progress(std::string command, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// A new stage ("searching NRZ, PAM4"): piped, one line; on a terminal, the line redrawn.
  /// `already_done`: units done before this run (a resumed sweep's finished cases), counted in
  /// the bar but not in the rate.
  void stage(const std::string& what, std::size_t already_done = 0);
  /// `done` of `total` units of the current stage (total 0: unknown). Thread-safe; throttled.
  /// With a total, the rate and the time left are shown once units of this run are done.
  void update(std::size_t done, std::size_t total, const std::string& unit = "cases");
  /// One more unit done (total unknown), e.g. an eye evaluated in a search. Thread-safe.
  void tick(const std::string& unit = "eyes evaluated");
  /// Clears the terminal line (call before printing the result on stdout).
  void finish();
  /// The computation returned: throws solvers::SearchInterrupted if Ctrl-C arrived meanwhile (its
  /// result may be partial and nothing is written), else shows the stage "done" and finish()es.
  void complete();

  /// For callbacks taking (done, total).
  std::function<void(std::size_t, std::size_t)> callback(const std::string& unit = "cases");
  /// For callbacks called once per evaluated point.
  std::function<void()> ticker(const std::string& unit = "eyes evaluated");
  /// For the workflows that run many cases (study, claims, throughput): update() after each
  /// case, and the Ctrl-C flag as their stop flag.
  workflows::RunHooks run_hooks(const std::string& unit = "cases");

 private:
  void draw_locked(const std::string& text, bool force);
  std::string command_;
  bool quiet_, tty_;
  std::mutex mutex_;
  std::string stage_;
  std::size_t ticks_ = 0;
  std::size_t already_done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, stage_start_, last_;
};

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP set interrupt_flag() (and remember the signal) instead of
/// ending the process; the long computations look at it between steps and stop, and an HDF5
/// result not yet moved into place is abandoned (io::Hdf5Writer::abandon_commits_when), so no
/// partial output file is left. Installed once by main().
void install_interrupt_handler();
/// The flag the handler sets (pass its address as a request's `stop`).
const std::atomic<bool>& interrupt_flag();
/// True once one of the signals has arrived.
bool interrupted();
/// The last signal that arrived (SIGINT, SIGTERM, SIGHUP), 0 if none.
int interrupt_signal();

/// Throws solvers::SearchInterrupted once Ctrl-C has arrived: called before anything is written,
/// so an interrupted command leaves no output file.
void throw_if_interrupted();

}  // namespace phylane::app
