// The sweep's run shared by the command (app/cmd_sweep.cpp, app/cmd_sweep_mpi.cpp) and the
// Python module (python/): its arguments read and checked, its cases checked and computed into
// the results file, and the --json report.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "app/cmd_sweep.hpp"
#include "io/diagnostics.hpp"
#include "io/sweep_run.hpp"
#include "io/sweep_store.hpp"
#include "io/version.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::app {

namespace sweep_detail {

Prepared prepare(const SweepArgs& a) {
  Prepared p;
  p.json = a.json;
  if (!(a.flush_every_s > 0.0)) throw io::InputError("--flush-every must be > 0 seconds");
  if (a.jobs < 0) throw io::InputError("--jobs " + std::to_string(a.jobs) + ": must be >= 1 (or 0 for all cores)");
  if (!a.resume.empty()) {
    if (!a.output.empty() && std::filesystem::path(a.output) != std::filesystem::path(a.resume))
      throw io::InputError("--resume FILE finishes FILE itself: drop -o (or give the same file)");
    const io::StoredSweep st = io::read_stored_sweep(a.resume);
    if (st.phylane_version != io::phylane_version())
      std::cerr << fmt::format("phylane: warning: {} was started by phylane {}; this is {}: its values may differ\n", a.resume,
                               st.phylane_version, io::phylane_version());
    if (!a.sweep.empty()) {
      const io::Sweep given = io::load_sweep(a.sweep);
      if (given.text != st.sweep_text)
        throw io::InputError(a.sweep + ": differs from the sweep stored in " + a.resume +
                             "; resume needs the same sweep (or give only --resume)");
    }
    p.sweep = io::load_sweep_text(st.sweep_text, st.sweep_source, st.sweep_dir, st.base_text);
    p.file = a.resume;
    p.resume = true;
    return p;
  }
  if (a.sweep.empty()) throw io::InputError("give a sweep file (phylane sweep SWEEP.toml -o results.h5) or --resume results.h5");
  p.sweep = io::load_sweep(a.sweep);
  if (a.output.empty() && !a.print_case && !a.check)
    throw io::InputError("give the results file: -o results.h5 (or --check to validate only)");
  p.file = a.output;
  // A sweep this large is more likely a typo in an axis than a plan: refused before anything is
  // checked unless forced (--case N only reads one case). The loader caps any sweep at 1e9.
  if (!a.print_case && p.sweep.case_count() > kLargeSweep && !a.force) {
    std::string shape;
    for (auto d : p.sweep.shape()) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    throw io::InputError(fmt::format("{}: {} cases ({}); more than {} cases needs --force (checking alone takes hours): "
                                     "use fewer points per axis, mode = \"lhs\", or give --force",
                                     a.sweep, p.sweep.case_count(), shape, kLargeSweep));
  }
  // Starting over would throw away finished cases (of an interrupted sweep, or of a finished one
  // without --overwrite): ask for a choice.
  if (!p.file.empty() && !a.print_case && !a.check && std::filesystem::exists(p.file)) {
    std::optional<bool> complete;
    try {
      complete = io::read_stored_sweep(p.file).complete;
    } catch (const io::InputError&) {  // not a sweep file: overwritten like any output
    }
    if (complete && !*complete)
      throw io::InputError(p.file + " holds an unfinished sweep: finish it with phylane sweep --resume " + p.file +
                           ", or delete it to start over");
    if (complete && *complete && !a.overwrite)
      throw io::InputError(p.file + " holds a finished sweep: give --overwrite to replace it, or another -o file");
  }
  return p;
}

CaseText case_text(const Prepared& p, std::size_t n) {
  const io::Sweep& s = p.sweep;
  const std::size_t total = s.case_count();
  // Cases count from 1 where a user sees them (DESIGN.md); the HDF5 datasets index from 0.
  if (n < 1 || n > total)
    throw io::InputError("--case " + std::to_string(n) + ": the sweep has cases 1 to " + std::to_string(total));
  CaseText c;
  c.label = s.case_label(n - 1);
  c.header = "# " + s.source + " case " + std::to_string(n) + ": " + c.label + "\n";
  c.config_toml = io::case_config_text(s, n - 1);
  return c;
}

namespace {
// What every JSON report of a sweep starts with: the sweep, its mode and shape, its cases.
io::SweepReport report_of(const io::Sweep& s) {
  io::SweepReport r;
  r.sweep = s.source;
  r.mode = std::string(io::to_string(s.mode));
  r.shape = s.shape();
  r.cases = s.case_count();
  return r;
}
}  // namespace

io::SweepReport run_report(const Prepared& p, std::size_t total, std::size_t done, std::size_t failed,
                           std::size_t computed, double seconds, int workers, bool interrupted, int signal) {
  io::SweepReport r = report_of(p.sweep);
  r.computed = computed;
  r.done = done;
  r.failed = failed;
  r.missing = total - done - failed;
  r.interrupted = interrupted;
  r.signal = signal;
  r.workers = workers;
  r.elapsed_s = seconds;
  r.output = p.file;
  return r;
}

io::SweepReport run(Prepared& p, const SweepArgs& args, const RunCallbacks& cb) {
  io::Sweep& s = p.sweep;
  const std::size_t total = s.case_count();
  // A resume checks the cases it will run (the others were checked when the sweep started).
  std::unique_ptr<io::SweepStore> store;
  std::vector<std::uint64_t> todo;
  if (p.resume) {
    store = io::SweepStore::open(p.file, s);
    todo = store->missing_cases();
  }
  auto finish = [&] {
    if (cb.finish) cb.finish();
  };
  if (!p.resume || !todo.empty()) {
    if (cb.stage) cb.stage("checking", 0);
    io::validate_sweep(s, args.jobs, cb.progress ? cb.progress : std::function<void(std::size_t, std::size_t)>{}, todo);
    finish();
  }
  // Stopped while the cases were checked: nothing is created (a resumed file is left as it was).
  if (cb.stop != nullptr && cb.stop->load()) throw solvers::SearchInterrupted();
  if (args.check) {
    io::SweepReport r = report_of(s);
    r.valid_cases = p.resume ? todo.size() : total;
    return r;
  }
  if (!store) {
    store = io::SweepStore::create(p.file, s);
    todo = store->missing_cases();
  }
  // From here a stop ends the run cleanly: the finished cases stay in the file.
  const std::size_t before = total - todo.size();
  if (cb.stage) cb.stage("computing", before);
  io::SweepRunOptions opt;
  opt.jobs = args.jobs;
  opt.flush_interval_s = args.flush_every_s;
  opt.stop = cb.stop;
  if (cb.progress) opt.progress = [&](std::size_t d, std::size_t) { cb.progress(before + d, total); };
  const auto sum = io::run_sweep_cases(s, todo, *store, opt);
  finish();
  const std::size_t done = store->done_count(), failed = store->failed_count();
  store->close();
  return run_report(p, total, done, failed, sum.computed, sum.seconds, sum.threads, sum.interrupted, 0);
}

}  // namespace sweep_detail

}  // namespace phylane::app
