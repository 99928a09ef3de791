#include "app/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "io/hdf5_writer.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::app {

namespace {
std::atomic<bool> g_interrupt{false};
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_interrupt(int sig) {
  g_signal = sig;
  g_interrupt.store(true);
}

// Piped output gets a count line at most this often [s]; a terminal line is redrawn at most 10 times a second.
constexpr double kPipedEvery = 5.0, kTtyEvery = 0.1;

/// "1:05", "2:03:20"; "--:--" when unknown.
std::string clock_text(double s) {
  if (!(s >= 0.0) || s > 1e7) return "--:--";
  const auto t = static_cast<long long>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);
  io::Hdf5Writer::abandon_commits_when(&g_interrupt);
}
const std::atomic<bool>& interrupt_flag() { return g_interrupt; }
bool interrupted() { return g_interrupt.load(); }
int interrupt_signal() { return static_cast<int>(g_signal); }
void throw_if_interrupted() {
  if (interrupted()) throw solvers::SearchInterrupted();
}

Progress::Progress(std::string command, bool quiet)
    : command_(std::move(command)), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), stage_start_(start_), last_(start_) {}

Progress::~Progress() { finish(); }

void Progress::draw_locked(const std::string& text, bool force) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (!force && since < (tty_ ? kTtyEvery : kPipedEvery)) return;
  last_ = now;
  const double el = std::chrono::duration<double>(now - start_).count();
  if (tty_) {
    std::fprintf(stderr, "\r\033[Kphylane %s: %s (%.1f s)", command_.c_str(), text.c_str(), el);
    drawn_ = true;
  } else {
    std::fprintf(stderr, "phylane %s: %s\n", command_.c_str(), text.c_str());
  }
  std::fflush(stderr);
}

void Progress::stage(const std::string& what, std::size_t already_done) {
  std::lock_guard<std::mutex> lock(mutex_);
  stage_ = what;
  ticks_ = 0;
  already_done_ = already_done;
  stage_start_ = std::chrono::steady_clock::now();
  draw_locked(what, true);
}

void Progress::update(std::size_t done, std::size_t total, const std::string& unit) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string text = stage_.empty() ? std::string() : stage_ + ": ";
  if (total > 0 && tty_) {
    constexpr std::size_t kWidth = 30;
    const std::size_t fill = done >= total ? kWidth : done * kWidth / total;
    text += fmt::format("[{}{}] {}/{} {}", std::string(fill, '#'), std::string(kWidth - fill, '.'), done, total, unit);
  } else if (total > 0) {
    text += fmt::format("{} of {} {}", done, total, unit);
  } else {
    text += fmt::format("{} {}", done, unit);
  }
  // The rate of this stage's own units (a resumed sweep's earlier cases excluded) and the time
  // the rest takes at that rate.
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  if (total > 0 && done > already_done_ && done < total && el > 0.0) {
    const double rate = static_cast<double>(done - already_done_) / el;
    text += fmt::format(", {:.3g}/s, {}{} left", rate, tty_ ? "" : "about ", clock_text(static_cast<double>(total - done) / rate));
  }
  draw_locked(text, tty_ && total > 0 && done >= total);
}

void Progress::tick(const std::string& unit) {
  std::size_t n;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    n = ++ticks_;
  }
  update(n, 0, unit);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tty_ && drawn_ && !quiet_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

void Progress::complete() {
  throw_if_interrupted();
  stage("done");
  finish();
}

std::function<void(std::size_t, std::size_t)> Progress::callback(const std::string& unit) {
  return [this, unit](std::size_t done, std::size_t total) { update(done, total, unit); };
}

std::function<void()> Progress::ticker(const std::string& unit) {
  return [this, unit] { tick(unit); };
}

workflows::RunHooks Progress::run_hooks(const std::string& unit) { return {callback(unit), &g_interrupt}; }

}  // namespace phylane::app
