// phylane check: passivity, reciprocity, causality, coverage and port order of a Touchstone file;
// given a config instead, whether it loads and what it describes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/loss_output.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"

namespace phylane::app {

CLI::App* register_check(CLI::App& cli, CheckArgs& args) {
  auto* c = cli.add_subcommand("check", "Passivity, reciprocity, causality and coverage of a Touchstone file");
  c->add_option("file", args.file, "Touchstone file (.sNp)")->required();
  c->add_option("--freq", args.freqs, "Report insertion loss, return loss and mode conversion at this frequency (repeatable)");
  c->add_option("--port-order", args.port_order,
                "4-port order: 12-34 (1->2, 3->4) or 13-24 (1->3, 2->4); default: the order the data show");
  add_output_flags(*c, args.json);
  c->add_option("--enforce-passivity", args.enforce_output,
                "Write a copy with singular values above 1 clipped to 1 (same number of ports)");
  return c;
}

namespace {

// `check CONFIG.toml`: the config is loaded as every command loads it (all its keys checked, the
// Touchstone files it names read, their port orders checked against their data) and summarised.
int check_config(const CheckArgs& args) {
  const ConfigCheck c = check_config_file(args);
  if (args.json) {
    write_check_json(std::cout, args, c);
  } else {
    fmt::print("phylane check: {} is a config (not a Touchstone file); it loads without errors\n", args.file);
    if (!c.title.empty()) fmt::print("  title:    {}\n", c.title);
    fmt::print("  channel:  {}, {} segment{}{}\n", c.channel, c.segments, c.segments == 1 ? "" : "s",
               c.touchstone_blocks ? fmt::format(" ({} Touchstone, port orders checked against their data)", c.touchstone_blocks)
                                   : std::string());
    fmt::print("  [signal]: {}\n", c.signal ? "present (eye, maxrate, reach, capacity apply)"
                                           : "absent (loss and sparams apply; eye and the searches need it)");
    fmt::print("  passivity, causality and coverage are checks of a Touchstone file: `phylane check FILE.sNp`\n");
  }
  return exit_code::answered;
}

}  // namespace

int run_check(const CheckArgs& args) {
  return guarded([&]() -> int {
    if (!io::is_touchstone_path(args.file)) return check_config(args);
    const TouchstoneCheck c = check_touchstone_file(args);
    const channels::Network& net = c.network;
    const auto& info = c.info;
    const auto& pairing = c.pairing;
    const auto order = c.order;
    const std::string& order_from = c.order_from;
    const char* quantity = c.quantity();
    const auto& f = net.freq_hz();
    const auto& freqs = c.freqs_hz;
    const auto& pass = c.passivity;
    const auto& recip = c.reciprocity;
    const auto& caus = c.causality;
    if (args.json) {
      write_check_json(std::cout, args, c);
    } else {
      fmt::print("phylane check: {} ({}-port, Touchstone {})\n", args.file, net.ports(), info.version);
      fmt::print("  coverage: {} frequencies, {:g} ... {:g} GHz, {} grid{}\n", net.size(), f.front() / 1e9, f.back() / 1e9,
                 c.uniform_grid ? "uniform" : "non-uniform", f.front() == 0.0 ? ", includes DC" : ", no DC point (extrapolated when used)");
      if (pairing) {
        const std::string detected =
            pairing->shown ? "the data show " + std::string(io::to_string(*pairing->shown)) + ": " +
                                 pairing->evidence(*pairing->shown == io::ThruPairs::p12_34 ? io::ThruPairs::p13_24
                                                                                            : io::ThruPairs::p12_34)
                           : fmt::format("the data do not show the thrus (score at or below {:g} GHz: 12-34 {:.3f}, "
                                         "13-24 {:.3f}, 14-23 {:.3f})",
                                         pairing->band_top_hz / 1e9, pairing->score[0], pairing->score[1], pairing->score[2]);
        fmt::print("  port order:  {} ({}); {}\n", channels::to_string(order),
                   order_from == "option" ? "given" : order_from == "data" ? "from the data" : "default",
                   detected);
        if (pairing->shown && !io::port_order_of(*pairing->shown))
          fmt::print("  note: phylane takes 12-34 or 13-24; causality and insertion loss below use {} and do not describe "
                     "this file's thrus\n", channels::to_string(order));
      }
      if (*quantity)
        fmt::print("  reported:    {}\n", net.ports() == 4 ? "SDD21 (mixed mode: differential insertion loss of the pair)"
                                                         : "S21 (single-ended insertion loss)");
      fmt::print("  passivity:   {} (largest singular value {:.6f} at {:g} GHz, {} frequencies above 1 + 1e-6)\n",
                 pass.passive() ? "pass" : "FAIL", pass.worst, pass.worst_freq_hz / 1e9, pass.violations);
      fmt::print("  reciprocity: {} (worst |Sij - Sji| / |Sij| {:.3g} at {:g} GHz)\n", recip.reciprocal() ? "pass" : "FAIL",
                 recip.worst_relative, recip.worst_freq_hz / 1e9);
      fmt::print("  causality:   {} (S{}{}: energy before arrival {:.3g}, at negative time {:.3g}; limit {:.3g})\n",
                 caus.causal() ? "pass" : "FAIL", caus.to_port + 1, caus.from_port + 1, caus.precursor_energy,
                 caus.negative_time_energy, caus.limit);
      if (!freqs.empty()) {
        fmt::print("  insertion loss ({}):\n", net.ports() == 4 ? "SDD21, port order " + std::string(channels::to_string(order)) : "S21");
        for (std::size_t i = 0; i < freqs.size(); ++i) {
          const double fq = freqs[i], il = c.insertion_loss_db[i];
          if (std::isnan(il)) fmt::print("    {:>10g} GHz   outside the data\n", fq / 1e9);
          else fmt::print("    {:>10g} GHz  {:8.3f} dB\n", fq / 1e9, il);
        }
        print_port_figures(c.ports, net.ports() == 4);
      }
      for (const auto& n : info.notices) fmt::print("  note: {}\n", n);
    }
    if (!args.enforce_output.empty()) {
      const auto fixed = write_enforced_passivity(args, c);
      if (!args.json)
        fmt::print("  wrote {}: {} frequencies clipped to passivity (largest change {:.3g})\n", args.enforce_output,
                   fixed.frequencies_changed, fixed.largest_change);
    }
    return c.passes() ? exit_code::answered : exit_code::negative;
  });
}

}  // namespace phylane::app
