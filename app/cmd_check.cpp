// phylane check: passivity, reciprocity, causality, coverage and port order of a Touchstone file;
// given a config instead, whether it loads and what it describes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "io/json_writer.hpp"
#include "io/loss_output.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "io/version.hpp"
#include "phy/units.hpp"

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

// The head of check's JSON for a config and for a Touchstone file alike.
void begin_check_json(io::JsonWriter& j, const CheckArgs& args) {
  j.begin_object().field("phylane_version", io::phylane_version()).field("command", "check").field("file", args.file);
}

// `check CONFIG.toml`: the config is loaded as every command loads it (all its keys checked, the
// Touchstone files it names read, their port orders checked against their data) and summarised.
int check_config(const CheckArgs& args) {
  if (!args.freqs.empty() || !args.port_order.empty() || !args.enforce_output.empty())
    throw io::InputError(args.file + " is a config: --freq, --port-order and --enforce-passivity apply to a Touchstone "
                         "file (check the file it names, or ask `phylane loss " + args.file + "`)");
  const io::Config cfg = io::load_config(args.file);
  const char* kind = cfg.optical()    ? "optical"
                     : cfg.sampled()  ? "pulse response"
                     : cfg.composed() ? "copper, composed of blocks"
                                      : "copper, modelled traces";
  std::size_t touchstone_blocks = 0;
  for (const auto& seg : cfg.segments) touchstone_blocks += seg.geometry == "touchstone" ? 1 : 0;
  if (args.json) {
    io::JsonWriter j(std::cout);
    begin_check_json(j, args);
    j.field("kind", "config");
    j.field("valid", true);
    j.field("title", cfg.title);
    j.field("channel", kind);
    j.field("segments", cfg.segments.size());
    j.field("touchstone_blocks", touchstone_blocks);
    j.field("signal", cfg.signalling.has_value());
    j.end_object();
    j.done();
  } else {
    fmt::print("phylane check: {} is a config (not a Touchstone file); it loads without errors\n", args.file);
    if (!cfg.title.empty()) fmt::print("  title:    {}\n", cfg.title);
    fmt::print("  channel:  {}, {} segment{}{}\n", kind, cfg.segments.size(), cfg.segments.size() == 1 ? "" : "s",
               touchstone_blocks ? fmt::format(" ({} Touchstone, port orders checked against their data)", touchstone_blocks)
                                 : std::string());
    fmt::print("  [signal]: {}\n", cfg.signalling ? "present (eye, maxrate, reach, capacity apply)"
                                                  : "absent (loss and sparams apply; eye and the searches need it)");
    fmt::print("  passivity, causality and coverage are checks of a Touchstone file: `phylane check FILE.sNp`\n");
  }
  return exit_code::answered;
}

}  // namespace

int run_check(const CheckArgs& args) {
  return guarded([&]() -> int {
    if (!io::is_touchstone_path(args.file)) return check_config(args);
    io::TouchstoneInfo info;
    const channels::Network net = io::read_touchstone(args.file, &info);
    // The port order: the one given, checked against the thrus the data show; else the data's.
    std::optional<io::ThruPairing> pairing;
    if (net.ports() == 4) pairing = io::detect_thru_pairing(net);
    channels::PortOrder order = channels::PortOrder::pairs_12_34;
    const char* order_from = "default";
    if (!args.port_order.empty()) {
      order = option_port_order(args.port_order);
      order_from = "option";
      if (pairing) {
        const std::string conflict = io::port_order_conflict(*pairing, order);
        if (!conflict.empty())
          throw io::InputError("--port-order \"" + args.port_order + "\" does not fit " + args.file + ": " + conflict +
                               (io::port_order_of(*pairing->shown)
                                    ? "; give --port-order " + std::string(io::to_string(*pairing->shown)) +
                                          " or leave it out (check then uses the order the data show)"
                                    : "; phylane takes 12-34 or 13-24: renumber the file's ports"));
      }
    } else if (pairing && pairing->shown && io::port_order_of(*pairing->shown)) {
      order = *io::port_order_of(*pairing->shown);
      order_from = "data";
    }
    const char* quantity = net.ports() == 4 ? "SDD21" : net.ports() == 2 ? "S21" : "";
    std::vector<double> freqs;
    for (const auto& f : args.freqs) freqs.push_back(option_frequency("--freq", f));
    const auto pass = channels::check_passivity(net);
    const auto recip = channels::check_reciprocity(net);
    // Causality of the main transmission: S21 (2-port) or line A's thru (4-port, in the order given).
    channels::CausalityOptions co;
    if (net.ports() == 4) {
      co.from_port = 0;
      co.to_port = order == channels::PortOrder::pairs_12_34 ? 1 : 2;
    } else if (net.ports() == 1) {
      co.to_port = 0;
    }
    const auto caus = channels::check_causality(net, co);
    const auto& f = net.freq_hz();
    double min_step = INFINITY, max_step = 0;
    for (std::size_t k = 1; k < f.size(); ++k) {
      min_step = std::min(min_step, f[k] - f[k - 1]);
      max_step = std::max(max_step, f[k] - f[k - 1]);
    }
    const bool uniform = f.size() > 1 && (max_step - min_step) <= 1e-6 * max_step;
    // Insertion loss at the named frequencies: S21, or SDD21 and each line's thru for 4-ports.
    std::vector<channels::cplx> thru;
    if (net.ports() == 2) thru = net.trace(1, 0);
    else if (net.ports() == 4) thru = channels::sdd21(net, order);
    auto il_at = [&](double fq) -> double {
      if (thru.empty() || fq < f.front() || fq > f.back()) return std::nan("");
      auto it = std::lower_bound(f.begin(), f.end(), fq);
      std::size_t k = static_cast<std::size_t>(it - f.begin());
      if (k == 0) return -phy::units::amplitude_ratio_to_db(std::abs(thru[0]));
      const double t = (fq - f[k - 1]) / (f[k] - f[k - 1]);
      const double a = std::abs(thru[k - 1]), b = std::abs(thru[k]);
      return -phy::units::amplitude_ratio_to_db(a + t * (b - a));
    };
    // Return loss and mode conversion at the same frequencies (SDD11, SDD22, SCD21, SDC21 of a pair).
    std::vector<channels::PortFigures> ports;
    if (!freqs.empty() && (net.ports() == 2 || net.ports() == 4))
      ports = channels::port_figures_at(net.ports() == 4 ? channels::to_mixed_mode(net, order) : net, freqs);
    if (args.json) {
      io::JsonWriter j(std::cout);
      begin_check_json(j, args);
      j.field("ports", net.ports());
      j.field("touchstone_version", info.version);
      j.field("frequencies", net.size());
      j.field("fmin_hz", f.front());
      j.field("fmax_hz", f.back());
      j.field("uniform_grid", uniform);
      j.field("starts_at_dc", f.front() == 0.0);
      j.field("kind", "touchstone");
      if (pairing) {
        j.key("port_order").begin_object().field("used", channels::to_string(order)).field("from", order_from);
        if (pairing->shown) j.field("detected", io::to_string(*pairing->shown));
        else j.key("detected").null();
        j.field("band_top_hz", pairing->band_top_hz);
        j.key("thru_score").begin_object();
        for (auto p : {io::ThruPairs::p12_34, io::ThruPairs::p13_24, io::ThruPairs::p14_23})
          j.field(std::string(io::to_string(p)), pairing->score[static_cast<std::size_t>(p)]);
        j.end_object().end_object();
      } else {
        j.key("port_order").null();
      }
      if (*quantity) j.field("insertion_loss_quantity", quantity);
      else j.key("insertion_loss_quantity").null();
      j.field("mixed_mode", net.ports() == 4);
      j.key("passivity").begin_object().field("passive", pass.passive()).field("worst_sigma", pass.worst)
          .field("worst_freq_hz", pass.worst_freq_hz).field("violations", pass.violations).end_object();
      j.key("reciprocity").begin_object().field("reciprocal", recip.reciprocal())
          .field("worst_relative", recip.worst_relative).field("worst_freq_hz", recip.worst_freq_hz).end_object();
      j.key("causality").begin_object().field("causal", caus.causal()).field("precursor_energy", caus.precursor_energy)
          .field("negative_time_energy", caus.negative_time_energy).field("arrival_s", caus.arrival_s)
          .field("limit", caus.limit).end_object();
      j.key("insertion_loss").begin_array();
      for (double fq : freqs) j.begin_object().field("freq_hz", fq).field("loss_db", il_at(fq)).end_object();
      j.end_array();
      j.key("return_loss_and_conversion").begin_array();
      for (const auto& p : ports) {
        j.begin_object().field("freq_hz", p.freq_hz);
        io::port_figures_json(j, p, net.ports() == 4);
        j.end_object();
      }
      j.end_array();
      j.end_object();
      j.done();
    } else {
      fmt::print("phylane check: {} ({}-port, Touchstone {})\n", args.file, net.ports(), info.version);
      fmt::print("  coverage: {} frequencies, {:g} ... {:g} GHz, {} grid{}\n", net.size(), f.front() / 1e9, f.back() / 1e9,
                 uniform ? "uniform" : "non-uniform", f.front() == 0.0 ? ", includes DC" : ", no DC point (extrapolated when used)");
      if (pairing) {
        const std::string detected =
            pairing->shown ? "the data show " + std::string(io::to_string(*pairing->shown)) + ": " +
                                 pairing->evidence(*pairing->shown == io::ThruPairs::p12_34 ? io::ThruPairs::p13_24
                                                                                            : io::ThruPairs::p12_34)
                           : fmt::format("the data do not show the thrus (score at or below {:g} GHz: 12-34 {:.3f}, "
                                         "13-24 {:.3f}, 14-23 {:.3f})",
                                         pairing->band_top_hz / 1e9, pairing->score[0], pairing->score[1], pairing->score[2]);
        fmt::print("  port order:  {} ({}); {}\n", channels::to_string(order),
                   std::string_view(order_from) == "option" ? "given" : std::string_view(order_from) == "data" ? "from the data" : "default",
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
        for (double fq : freqs) {
          const double il = il_at(fq);
          if (std::isnan(il)) fmt::print("    {:>10g} GHz   outside the data\n", fq / 1e9);
          else fmt::print("    {:>10g} GHz  {:8.3f} dB\n", fq / 1e9, il);
        }
        print_port_figures(ports, net.ports() == 4);
      }
      for (const auto& n : info.notices) fmt::print("  note: {}\n", n);
    }
    if (!args.enforce_output.empty()) {
      const auto fixed = channels::enforce_passivity(net);
      io::TouchstoneWriteOptions wo;
      wo.program_version = std::string(io::phylane_version());
      wo.comments = {"passivity enforced by phylane check: " + std::to_string(fixed.frequencies_changed) +
                     " frequencies changed, largest singular value before " + std::to_string(fixed.largest_sigma_before)};
      io::write_touchstone(fixed.network, args.enforce_output, wo);
      if (!args.json)
        fmt::print("  wrote {}: {} frequencies clipped to passivity (largest change {:.3g})\n", args.enforce_output,
                   fixed.frequencies_changed, fixed.largest_change);
    }
    return pass.passive() && recip.reciprocal() && caus.causal() ? exit_code::answered : exit_code::negative;
  });
}

}  // namespace phylane::app
