#include "app/common.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "app/progress.hpp"
#include "io/diagnostics.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::app {

// Each eye, field solve or sweep case allocates and frees buffers of 0.1-30 MB (FFT grids,
// solver matrices). With glibc's defaults the free memory above 128 kB at the top of an arena is
// returned to the kernel (madvise/brk) and each large buffer is its own mmap, so the next
// evaluation takes page faults and zero-fills again. Measured (2 shared cores): the 200-case
// stripline sweep 1.5-1.9 s of kernel time beside 2.0 s of computing -> 0.04 s; phylane reach
// --preset pcie5-cem-link 0.55 s -> 0.04 s (user 2.6 -> 2.3 s); phylane eye --preset kr1-ck-28db
// 0.4-0.65 s -> 0.05 s. Peak memory moves by < 3 MB; the process keeps its peak until it ends.
//
// The first touch of each page still costs a fault: a measured channel's spectra, FFT buffers and
// Touchstone networks touch 50-70 MB in 4 kB pages (13,500 faults, a third of `phylane eye` on a
// measured cable, most of it in the hypervisor's page-table updates on these machines). Linux
// backs a region in 2 MB pages when it is marked MADV_HUGEPAGE (transparent huge pages in their
// default "madvise" mode), so the heap is grown once by a reserve that is marked so, and every
// thread allocates from it (one arena): 13,500 -> 1,800 faults, CPU 0.42 -> 0.30 s on that cable.
// The reserve is address space only; pages are backed as they are touched (peak memory grows by
// at most the last partly used 2 MB page per region).
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t reserve = std::size_t{512} << 20, huge = std::size_t{2} << 20;
  mallopt(M_ARENA_MAX, 1);
  auto* const before = static_cast<char*>(sbrk(0));
  mallopt(M_TOP_PAD, static_cast<int>(reserve));
  // Grows the heap by more than the top free chunk plus the reserve, all kept (below the trim
  // threshold). volatile: the compiler may not elide the pair.
  void* volatile grow = std::malloc(std::size_t{1} << 20);
  std::free(grow);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default for later growth
  auto* const after = static_cast<char*>(sbrk(0));
  const auto from = (reinterpret_cast<std::uintptr_t>(before) + huge - 1) / huge * huge;
  const auto to = reinterpret_cast<std::uintptr_t>(after) / huge * huge;
  if (before != reinterpret_cast<char*>(-1) && to > from)
    madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // advice only: ignored if refused
#endif
#endif
}

int guarded(const std::function<int()>& body) {
  try {
    const int rc = body();
    if (interrupted() && rc != exit_code::by_signal(interrupt_signal())) {
      std::cerr << "phylane: interrupted\n";
      return exit_code::interrupted;
    }
    return rc;
  } catch (const solvers::SearchInterrupted&) {
    std::cerr << "phylane: interrupted\n";
    return exit_code::interrupted;
  } catch (const io::InputError& e) {
    std::cerr << "phylane: error: " << e.what() << '\n';
    return exit_code::bad_input;
  } catch (const std::invalid_argument& e) {
    std::cerr << "phylane: error: " << e.what() << '\n';
    return exit_code::bad_input;
  } catch (const std::exception& e) {
    if (interrupted()) {
      std::cerr << "phylane: interrupted\n";
      return exit_code::interrupted;
    }
    std::cerr << "phylane: failure: " << e.what() << '\n';
    return exit_code::failure;
  }
}

void add_link_input(CLI::App& c, LinkInput& in, const std::string& config_help) {
  in.command = c.get_name();
  c.add_option("config", in.config, config_help);
  add_preset_option(c, in.preset, "Use an embedded link (see `phylane presets --kind links`)");
}

void add_preset_option(CLI::App& c, std::string& name, const std::string& help, const std::string& old_spelling) {
  c.add_option("--preset", name, help);
  if (old_spelling.empty()) return;
  c.add_option(old_spelling, name, "Deprecated spelling of --preset")
      ->group("")
      ->each([old_spelling](const std::string&) {
        std::cerr << "phylane: warning: " << old_spelling << " is deprecated; use --preset\n";
      });
}

void add_output_flags(CLI::App& c, bool& json, bool* quiet) {
  c.add_flag("--json", json, "Machine-readable JSON on stdout");
  if (quiet) c.add_flag("-q,--quiet", *quiet, "No progress on stderr");
}

void add_result_flags(CLI::App& c, ResultArgs& args) {
  add_output_flags(c, args.json, &args.quiet);
  c.add_option("-o,--output", args.output, "Write results to an HDF5 file");
}

int deliver(const ResultArgs& args, int rc, const std::function<void(const std::string&)>& write_hdf5,
            const std::function<void(std::ostream&)>& write_json, const std::function<void()>& print_text) {
  if (!args.output.empty()) write_hdf5(args.output);
  if (args.json) {
    write_json(std::cout);
    return rc;
  }
  print_text();
  if (!args.output.empty()) fmt::print("\nwrote {}\n", args.output);
  return rc;
}

void add_signal_link_input(CLI::App& c, LinkInput& in) {
  add_link_input(c, in, "Config file (TOML) with a [signal] section; default: the default preset");
}

void add_search_flags(CLI::App& c, std::optional<double>& margin_db, bool& full_curve) {
  c.add_option("--margin", margin_db, "Eye margin required at the target BER [dB] (default: [signal] required_margin)");
  c.add_flag("--curve", full_curve, "Evaluate every scan point (the whole margin curve)");
}

std::string criterion_text(double margin_db, double eh_v, double ew_ui) {
  std::string t = fmt::format("margin >= {:g} dB", margin_db);
  if (eh_v > 0.0) t += fmt::format(", eye height >= {:g} mV", eh_v * 1e3);
  if (ew_ui > 0.0) t += fmt::format(", eye width >= {:g} UI", ew_ui);
  return t;
}

std::string equalizer_text(const solvers::EyeAnalysis& a) {
  std::string t = "CTLE " + a.equalizer.ctle.label();
  if (!a.equalizer.ffe.taps.empty()) {
    t += ", Tx FFE";
    for (double c : a.equalizer.ffe.taps) t += fmt::format(" {:+.2f}", c);
  }
  if (!a.eye.dfe_taps_v.empty()) t += fmt::format(", DFE {} taps", a.eye.dfe_taps_v.size());
  return t;
}

std::string eye_figures_text(const solvers::EyeAnalysis& a) {
  return fmt::format("margin {:.2f} dB, eye {:.1f} mV x {:.3f} UI, limited by {}", a.eye.margin_db, a.eye.height_v * 1e3,
                     a.eye.width_ui, solvers::to_string(a.eye.closure.limiting));
}

std::string modulation_label(int levels) { return levels == 2 ? "NRZ" : fmt::format("PAM{}", levels); }

std::string header_line(const std::string& command, const io::Config& cfg) {
  return fmt::format("phylane {}: {}({})", command, cfg.title.empty() ? "" : cfg.title + " ", cfg.source);
}

void print_port_figures(const std::vector<channels::PortFigures>& figures, bool differential) {
  if (figures.empty()) return;
  const bool conversion = differential && std::any_of(figures.begin(), figures.end(), [](const channels::PortFigures& p) {
                            return !std::isnan(p.scd21_db) || !std::isnan(p.sdc21_db);
                          });
  fmt::print("\n{} [dB, 20 log10 |S|; return loss is the negative; none: S = 0, -6000 dB in JSON]\n",
             conversion ? "Return loss and mode conversion" : "Return loss");
  fmt::print("  {:>10}{:>10}{:>10}{}\n", "freq", differential ? "SDD11" : "S11", differential ? "SDD22" : "S22",
             conversion ? fmt::format("{:>10}{:>10}", "SCD21", "SDC21") : std::string());
  auto cell = [](double v) {
    return std::isnan(v) ? fmt::format("{:>10}", "-") : v <= -6000.0 ? fmt::format("{:>10}", "none") : fmt::format("{:>10.2f}", v);
  };
  for (const auto& p : figures)
    fmt::print("  {:>10}{}{}{}\n", fmt::format("{:g} GHz", p.freq_hz / 1e9), cell(p.s11_db), cell(p.s22_db),
               conversion ? cell(p.scd21_db) + cell(p.sdc21_db) : std::string());
}

}  // namespace phylane::app
