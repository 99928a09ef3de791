// phylane impedance: one dimension of a configured trace segment solved for a target impedance.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/impedance_output.hpp"
#include "phy/units.hpp"
#include "workflows/impedance.hpp"

namespace phylane::app {

CLI::App* register_impedance(CLI::App& cli, ImpedanceArgs& args) {
  auto* c = cli.add_subcommand("impedance", "Solve a trace's width, spacing or height for a target impedance");
  add_link_input(*c, args.input);
  c->add_option("--target", args.target, "Target impedance of the segment's mode, e.g. \"85 ohm\" (Zdiff for a pair)")->required();
  c->add_option("--solve", args.solve, "Dimension to solve: width, spacing (coupled pairs) or height")->required();
  c->add_option("--segment", args.segment, "Trace segment, counted from 1 among the trace segments (default 1)");
  c->add_option("--freq", args.freqs, "Frequency of the loss per length (repeatable; default: the config's report frequencies)");
  add_output_flags(*c, args.json);
  return c;
}

int run_impedance(const ImpedanceArgs& args) {
  return guarded([&]() -> int {
    workflows::ImpedanceRequest r = impedance_request(args);
    const io::Config cfg = load_link(args.input);
    default_impedance_freqs(cfg, r);
    const workflows::ImpedanceAnswer a = workflows::solve_impedance(cfg, r);
    using phy::units::inch;
    using phy::units::mil;
    if (args.json) {
      io::write_impedance_json(std::cout, cfg, r.segment + 1, a);
    } else {
      const char* zs = a.mode == phy::LineMode::differential ? "Zdiff" : a.mode == phy::LineMode::common ? "Zcm" : "Z0";
      fmt::print("{}\n", header_line("impedance", cfg));
      fmt::print("  segment {} ({}, {}): {} for {} = {:g} ohm at {:g} GHz\n", r.segment + 1, a.segment_name, a.geometry,
                 phy::to_string(a.solved), zs, a.target_ohm, a.impedance_freq_hz / 1e9);
      fmt::print("  {} = {:.4f} mil ({:.3f} um); the config's {:.4f} mil gives {:.2f} ohm\n", phy::to_string(a.solved),
                 a.solved_m / mil, a.solved_m * 1e6, a.original_m / mil, a.original_impedance_ohm);
      fmt::print("  {} = {:.3f} ohm, delay {:.2f} ps/in\n", zs, a.impedance_ohm, a.delay_s_per_m * inch * 1e12);
      for (std::size_t k = 0; k < a.freqs_hz.size(); ++k)
        fmt::print("  loss at {:>8g} GHz: {:.4f} dB/in\n", a.freqs_hz[k] / 1e9, a.loss_db_per_m[k] * inch);
    }
    return exit_code::answered;
  });
}

}  // namespace phylane::app
