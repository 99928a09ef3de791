// phylane sweep: parameter sweeps over any config key, in parallel, results to HDF5.
#include "app/cmd_sweep.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include "app/common.hpp"
#include "app/progress.hpp"
#include "io/diagnostics.hpp"
#include "io/sweep_run.hpp"

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

int report(const Prepared& p, std::size_t total, std::size_t done, std::size_t failed, std::size_t computed, double seconds,
           int workers, bool interrupted) {
  return report(run_report(p, total, done, failed, computed, seconds, workers, interrupted,
                           interrupted ? interrupt_signal() : 0),
                p);
}

int report(const io::SweepReport& r, const Prepared& p) {
  const io::Sweep& s = p.sweep;
  const int sig = r.signal;
  const int code = r.interrupted ? exit_code::by_signal(sig ? sig : SIGINT) : 0;
  if (p.json) {
    io::write_sweep_json(std::cout, r);
    std::cout << std::flush;
    return code;
  }
  std::string shape;
  for (auto d : s.shape()) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
  fmt::print("phylane sweep: {} ({} {}, {} cases)\n", s.source, io::to_string(s.mode), shape, r.cases);
  fmt::print("  computed {} cases in {:.2f} s ({:.1f} cases/s, {} worker{})\n", r.computed, r.elapsed_s,
             r.elapsed_s > 0.0 ? static_cast<double>(r.computed) / r.elapsed_s : 0.0, r.workers, r.workers == 1 ? "" : "s");
  fmt::print("  {} done, {} failed, {} missing{}\n", r.done, r.failed, r.missing,
             r.failed ? " (reasons in /failures of the file)" : "");
  if (r.interrupted) {
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
    if (args.print_case) {
      if (args.json) throw io::InputError("--case prints the case's config as TOML: drop --json");
      const CaseText c = case_text(p, *args.print_case);
      std::cout << c.header << c.config_toml;
      return 0;
    }
    Progress progress("sweep", args.quiet);
    RunCallbacks cb;
    cb.stage = [&](const std::string& stage, std::size_t before) { progress.stage(stage, before); };
    cb.progress = progress.callback();
    cb.finish = [&] { progress.finish(); };
    cb.stop = &interrupt_flag();
    io::SweepReport r = run(p, args, cb);
    if (args.check) {
      if (args.json) {
        io::write_sweep_json(std::cout, r);
        return 0;
      }
      fmt::print("phylane sweep: {}: all {} cases are valid\n", s.source, *r.valid_cases);
      return 0;
    }
    if (r.interrupted) r.signal = interrupt_signal();
    return report(r, p);
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
