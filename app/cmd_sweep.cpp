// phylane sweep: parameter sweeps over any config key, in parallel, results to HDF5.
#include "app/cmd_sweep.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

#include "app/common.hpp"
#include "app/progress.hpp"
#include "io/diagnostics.hpp"
#include "io/sweep_run.hpp"
#include "io/sweep_store.hpp"
#include "io/version.hpp"

namespace phylane::app {

#ifdef PHYLANE_WITH_MPI
namespace sweep_detail {
int run_sweep_mpi(const SweepArgs& args, int (*local)(const SweepArgs&));  // app/cmd_sweep_mpi.cpp
}
#endif

CLI::App* register_sweep(CLI::App& cli, SweepArgs& args) {
  auto* c = cli.add_subcommand("sweep", "Parameter sweep over any config keys, in parallel, results to HDF5");
  c->add_option("sweep", args.sweep, "Sweep file (TOML, see docs/sweep.md); optional with --resume");
  c->add_option("-o,--output", args.output, "Results file (HDF5), written as cases complete");
  c->add_option("--resume", args.resume, "Finish the missing cases of this results file");
  c->add_option("-j,--jobs", args.jobs, "Worker threads (per MPI rank); default: all cores");
  c->add_option("--case", args.print_case, "Print the config of case N (1 = the first) as TOML and exit");
  c->add_flag("--check", args.check, "Validate every case and exit without computing");
  c->add_option("--flush-every", args.flush_every_s, "Seconds between writes of finished cases to the file (default 1)");
  c->add_flag("--json", args.json, "The run's summary as JSON on stdout (progress stays on stderr)");
  c->add_flag("-q,--quiet", args.quiet, "No progress on stderr");
  c->add_flag("--force", args.force, fmt::format("Run a sweep of more than {} cases", kLargeSweep));
  c->add_flag("--overwrite", args.overwrite, "Replace a finished sweep in the results file");
  return c;
}

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

int report(const Prepared& p, std::size_t total, std::size_t done, std::size_t failed, std::size_t computed, double seconds,
           int workers, bool interrupted) {
  const io::Sweep& s = p.sweep;
  const int sig = interrupted ? interrupt_signal() : 0;
  const int code = interrupted ? exit_code::by_signal(sig ? sig : SIGINT) : 0;
  if (p.json) {
    io::SweepReport r = report_of(s);
    r.computed = computed;
    r.done = done;
    r.failed = failed;
    r.missing = total - done - failed;
    r.interrupted = interrupted;
    r.signal = sig;
    r.workers = workers;
    r.elapsed_s = seconds;
    r.output = p.file;
    io::write_sweep_json(std::cout, r);
    std::cout << std::flush;
    return code;
  }
  std::string shape;
  for (auto d : s.shape()) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
  fmt::print("phylane sweep: {} ({} {}, {} cases)\n", s.source, io::to_string(s.mode), shape, total);
  fmt::print("  computed {} cases in {:.2f} s ({:.1f} cases/s, {} worker{})\n", computed, seconds,
             seconds > 0.0 ? static_cast<double>(computed) / seconds : 0.0, workers, workers == 1 ? "" : "s");
  const std::size_t missing = total - done - failed;
  fmt::print("  {} done, {} failed, {} missing{}\n", done, failed, missing,
             failed ? " (reasons in /failures of the file)" : "");
  if (interrupted) {
    fmt::print("  interrupted{}: every finished case is in {}; finish with: phylane sweep --resume {}\n",
               sig ? fmt::format(" by signal {}", sig) : "", p.file, p.file);
    std::cout << std::flush;
    return code;
  }
  fmt::print("wrote {}\n", p.file);
  return 0;
}

}  // namespace sweep_detail

namespace {

using namespace sweep_detail;

int run_local(const SweepArgs& args) {
  return guarded([&]() -> int {
    Prepared p = prepare(args);
    io::Sweep& s = p.sweep;
    const std::size_t total = s.case_count();
    if (args.print_case) {
      if (args.json) throw io::InputError("--case prints the case's config as TOML: drop --json");
      // Cases count from 1 where a user sees them (DESIGN.md); the HDF5 datasets index from 0.
      if (*args.print_case < 1 || *args.print_case > total)
        throw io::InputError("--case " + std::to_string(*args.print_case) + ": the sweep has cases 1 to " + std::to_string(total));
      const auto k = *args.print_case - 1;
      std::cout << "# " << s.source << " case " << *args.print_case << ": " << s.case_label(k) << "\n"
                << io::case_config_text(s, k);
      return 0;
    }
    // A resume checks the cases it will run (the others were checked when the sweep started).
    std::unique_ptr<io::SweepStore> store;
    std::vector<std::uint64_t> todo;
    if (p.resume) {
      store = io::SweepStore::open(p.file, s);
      todo = store->missing_cases();
    }
    Progress progress("sweep", args.quiet);
    if (!p.resume || !todo.empty()) {
      progress.stage("checking");
      io::validate_sweep(s, args.jobs, progress.callback(), todo);
      progress.finish();
    }
    // Ctrl-C while the cases were checked: nothing is created (a resumed file is left as it was).
    throw_if_interrupted();
    if (args.check) {
      if (args.json) {
        io::SweepReport r = report_of(s);
        r.valid_cases = p.resume ? todo.size() : total;
        io::write_sweep_json(std::cout, r);
        return 0;
      }
      fmt::print("phylane sweep: {}: all {} cases are valid\n", s.source, p.resume ? todo.size() : total);
      return 0;
    }
    if (!store) {
      store = io::SweepStore::create(p.file, s);
      todo = store->missing_cases();
    }
    // From here an interrupt stops the run cleanly: the finished cases stay in the file.
    const std::size_t before = total - todo.size();
    progress.stage("computing", before);
    io::SweepRunOptions opt;
    opt.jobs = args.jobs;
    opt.flush_interval_s = args.flush_every_s;
    opt.stop = &interrupt_flag();
    opt.progress = [&](std::size_t d, std::size_t) { progress.update(before + d, total); };
    const auto sum = io::run_sweep_cases(s, todo, *store, opt);
    progress.finish();
    const std::size_t done = store->done_count(), failed = store->failed_count();
    store->close();
    return report(p, total, done, failed, sum.computed, sum.seconds, sum.threads, sum.interrupted);
  });
}

}  // namespace

int run_sweep(const SweepArgs& args) {
#ifdef PHYLANE_WITH_MPI
  return sweep_detail::run_sweep_mpi(args, &run_local);
#else
  return run_local(args);
#endif
}

}  // namespace phylane::app
