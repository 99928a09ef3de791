#pragma once
// Progress of a long command on stderr, and Ctrl-C. One renderer for every subcommand:
// on a terminal (isatty(stderr)) a line redrawn in place with a bar when the total is known; when
// piped one line per stage (and at most one "N evaluated" line every few seconds); nothing with
// --quiet. Progress never goes to stdout, so --json output stays clean.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

namespace phylane::app {

class Progress {
 public:
  /// `command`: the subcommand's name ("maxrate"), shown in front of every line.
  Progress(std::string command, bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// A new stage ("searching NRZ, PAM4"): piped, one line; on a terminal, the line redrawn.
  void stage(const std::string& what);
  /// `done` of `total` units of the current stage (total 0: unknown). Thread-safe; throttled.
  void update(std::size_t done, std::size_t total, const std::string& unit = "cases");
  /// One more unit done (total unknown), e.g. an eye evaluated in a search. Thread-safe.
  void tick(const std::string& unit = "eyes evaluated");
  /// Clears the terminal line (call before printing the result on stdout).
  void finish();

  /// For callbacks taking (done, total).
  std::function<void(std::size_t, std::size_t)> callback(const std::string& unit = "cases");
  /// For callbacks called once per evaluated point.
  std::function<void()> ticker(const std::string& unit = "eyes evaluated");

 private:
  void draw_locked(const std::string& text, bool force);
  std::string command_;
  bool quiet_, tty_;
  std::mutex mutex_;
  std::string stage_;
  std::size_t ticks_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// SIGINT (Ctrl-C) and SIGTERM set interrupt_flag() instead of ending the process; the long
/// computations look at it between steps and stop. Installed once by main().
void install_interrupt_handler();
/// The flag the handler sets (pass its address as a request's `stop`).
const std::atomic<bool>& interrupt_flag();
/// True once SIGINT or SIGTERM has arrived.
bool interrupted();

/// Throws solvers::SearchInterrupted once Ctrl-C has arrived: called before anything is written,
/// so an interrupted command leaves no output file.
void throw_if_interrupted();

}  // namespace phylane::app
