// phylane check: passivity, reciprocity, causality and coverage report of a Touchstone file.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "io/json_writer.hpp"
#include "io/touchstone.hpp"
#include "io/version.hpp"
#include "phy/units.hpp"

namespace phylane::app {

CLI::App* register_check(CLI::App& cli, CheckArgs& args) {
  auto* c = cli.add_subcommand("check", "Passivity, reciprocity, causality and coverage of a Touchstone file");
  c->add_option("file", args.file, "Touchstone file (.sNp)")->required();
  c->add_option("--freq", args.freqs, "Report insertion loss at this frequency (repeatable)");
  c->add_option("--port-order", args.port_order, "4-port order: 12-34 (1->2, 3->4) or 13-24 (1->3, 2->4)");
  add_output_flags(*c, args.json);
  c->add_option("--enforce-passivity", args.enforce_output,
                "Write a copy with singular values above 1 clipped to 1 (same number of ports)");
  return c;
}

int run_check(const CheckArgs& args) {
  return guarded([&]() -> int {
    io::TouchstoneInfo info;
    const channels::Network net = io::read_touchstone(args.file, &info);
    const auto order = option_port_order(args.port_order);
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
    if (args.json) {
      io::JsonWriter j(std::cout);
      j.begin_object();
      j.field("phylane_version", io::phylane_version());
      j.field("command", "check");
      j.field("file", args.file);
      j.field("ports", net.ports());
      j.field("touchstone_version", info.version);
      j.field("frequencies", net.size());
      j.field("fmin_hz", f.front());
      j.field("fmax_hz", f.back());
      j.field("uniform_grid", uniform);
      j.field("starts_at_dc", f.front() == 0.0);
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
      j.end_object();
      j.done();
    } else {
      fmt::print("phylane check: {} ({}-port, Touchstone {})\n", args.file, net.ports(), info.version);
      fmt::print("  coverage: {} frequencies, {:g} ... {:g} GHz, {} grid{}\n", net.size(), f.front() / 1e9, f.back() / 1e9,
                 uniform ? "uniform" : "non-uniform", f.front() == 0.0 ? ", includes DC" : ", no DC point (extrapolated when used)");
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
