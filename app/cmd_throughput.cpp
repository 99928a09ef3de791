// phylane throughput: per-lane rate -> link bandwidth -> collective time per training step.
#include "app/cmd_throughput.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/rate_output.hpp"
#include "io/system.hpp"
#include "workflows/throughput.hpp"
#include "io/throughput_output.hpp"

namespace phylane::app {

CLI::App* register_throughput(CLI::App& cli, ThroughputArgs& args) {
  auto* c = cli.add_subcommand("throughput", "System throughput: link bandwidth, collective time and energy per training step");
  c->add_option("system", args.system, "System file (TOML, see docs/throughput.md); default: the embedded example");
  add_preset_option(*c, args.embedded, "Use an embedded system (see `phylane presets --kind systems`)", "--system");
  add_result_flags(*c, args);
  return c;
}

namespace {

std::string modulation_label(int levels) { return levels == 2 ? "NRZ" : fmt::format("PAM{}", levels); }

std::string device_list(const std::vector<int>& d) {
  std::string s;
  for (std::size_t i = 0; i < d.size(); ++i) s += (i == 0 ? "" : i + 1 == d.size() ? " and " : ", ") + std::to_string(d[i]);
  return s;
}

std::string collective_label(const io::Workload& w) {
  return fmt::format("{} {}", solvers::to_string(w.algorithm), solvers::to_string(w.collective));
}

void print_text(const workflows::SystemResult& r) {
  const io::Workload& w = r.workload;
  fmt::print("phylane throughput: {}({})\n", r.title.empty() ? "" : r.title + " ", r.source);
  // Parameters as written in system files: 70e9 rather than 7e+10.
  const std::string params = w.parameters >= 1e9 ? fmt::format("{:g}e9", w.parameters / 1e9) : fmt::format("{:g}", w.parameters);
  fmt::print("  {} of {} parameters x {:g} B = {:g} GB per device per training step, on {} devices\n",
             collective_label(w), params, w.bytes_per_parameter, r.message_bytes / 1e9, device_list(w.devices));
  if (w.compute_time_s)
    fmt::print("  compute {:g} s per step, {:g} % of the communication hidden behind it\n", *w.compute_time_s, w.overlap * 100);
  fmt::print("  convention: 1 GB = 1e9 B; rates and bandwidths per direction; energy per line bit\n\n");

  fmt::print("  {:<22} {:>5} {:>9} {:<12} {:<10} {:>8} {:>9} {:>9} {:>9} {:>8}\n", "link", "lanes", "lane rate", "",
             "encoding", "effic.", "line", "payload", "alpha", "energy");
  fmt::print("  {:<22} {:>5} {:>9} {:<12} {:<10} {:>8} {:>9} {:>9} {:>9} {:>8}\n", "", "/dir", "Gb/s", "", "", "",
             "Gb/s", "GB/s", "us", "pJ/bit");
  for (const auto& l : r.links) {
    const std::string how = l.rate_searched ? fmt::format("max, {}{}", modulation_label(l.levels), l.capped ? " (cap)" : "")
                                            : std::string("given");
    fmt::print("  {:<22} {:>5g} {:>9.3f} {:<12} {:<10} {:>8.5f} {:>9.1f} {:>9.3f} {:>9.4g} {:>8}\n", l.name,
               l.lanes_per_direction, l.lane_rate_bps / 1e9, how, l.encoding, l.efficiency, l.line_rate_bps / 1e9,
               l.payload_bandwidth_bytes_per_s / 1e9, l.alpha_s * 1e6,
               l.energy_per_bit_j ? fmt::format("{:.3g}", *l.energy_per_bit_j * 1e12) : std::string("-"));
  }
  for (const auto& l : r.links) {
    if (!l.rate_searched) continue;
    std::string per;
    for (const auto& m : l.search->per_modulation)
      per += fmt::format("{}{} {}", per.empty() ? "" : ", ", modulation_label(m.levels),
                         m.found ? fmt::format("{:.2f} Gb/s{}", m.max_rate_bps / 1e9, m.capped ? " (top of the range)" : "")
                                 : std::string("none"));
    fmt::print("  {}: max per-lane rate of {}{}: {}\n", l.name, l.channel, l.channel_title.empty() ? "" : " (" + l.channel_title + ")",
               per);
  }

  fmt::print("\n{} per training step\n", collective_label(w));
  const bool compute = w.compute_time_s.has_value();
  fmt::print("  {:<22} {:>7} {:>11} {:>11} {:>11} {:>11} {:>11}{}\n", "link", "devices", "time s", "latency s", "bus GB/s",
             "alg GB/s", "energy J", compute ? fmt::format(" {:>11} {:>9}", "step s", "comm. %") : std::string());
  for (const auto& l : r.links)
    for (const auto& p : l.points)
      fmt::print("  {:<22} {:>7} {:>11.4g} {:>11.3g} {:>11.3f} {:>11.3f} {:>11}{}\n", l.name, p.devices, p.time_s,
                 p.latency_time_s, p.bus_bandwidth_bytes_per_s / 1e9, p.algorithm_bandwidth_bytes_per_s / 1e9,
                 p.energy_j ? fmt::format("{:.4g}", *p.energy_j) : std::string("-"),
                 compute ? fmt::format(" {:>11.4g} {:>9.1f}", *p.step_time_s, *p.communication_fraction * 100) : std::string());

  if (r.links.size() > 1) {
    fmt::print("\nComparison with {} (ratios: this link / baseline; speedup: baseline time / this link's)\n",
               r.links[r.baseline].name);
    std::string head = fmt::format("  {:<22} {:>10} {:>10}", "link", "lane rate", "bandwidth");
    for (int n : w.devices) head += fmt::format(" {:>12}", fmt::format("speedup n={}", n));
    if (compute)
      for (int n : w.devices) head += fmt::format(" {:>12}", fmt::format("step n={}", n));
    for (int n : w.devices) head += fmt::format(" {:>12}", fmt::format("energy n={}", n));
    fmt::print("{}\n", head);
    for (const auto& c : r.comparison) {
      std::string row = fmt::format("  {:<22} {:>9.3g}x {:>9.3g}x", c.name, c.lane_rate_ratio, c.bandwidth_ratio);
      for (double s : c.speedup) row += fmt::format(" {:>11.3g}x", s);
      if (compute)
        for (std::size_t k = 0; k < w.devices.size(); ++k)
          row += k < c.step_speedup.size() ? fmt::format(" {:>11.3g}x", c.step_speedup[k]) : fmt::format(" {:>12}", "-");
      for (std::size_t k = 0; k < w.devices.size(); ++k)
        row += k < c.energy_ratio.size() ? fmt::format(" {:>11.3g}x", c.energy_ratio[k]) : fmt::format(" {:>12}", "-");
      fmt::print("{}\n", row);
    }
  }
  fmt::print("\nNot modelled: congestion and topology (every hop is one link as given), protocol overhead beyond\n"
             "the encoding (headers, flow control, retries), compute overlap beyond the stated fraction, energy\n"
             "outside the transfer (idle links, lasers on between steps). See docs/throughput.md.\n");
}

}  // namespace

int run_throughput(const ThroughputArgs& args) {
  return guarded([&]() -> int {
    const io::System sys = throughput_system(args);
    Progress progress("throughput", args.quiet);
    progress.stage("evaluating the links");
    const workflows::SystemResult r = workflows::evaluate_system(sys, progress.run_hooks("links"));
    progress.complete();
    return deliver(
        args, exit_code::answered, [&](const std::string& file) { io::write_throughput_hdf5(file, sys, r); },
        [&](std::ostream& os) { io::write_throughput_json(os, sys, r); }, [&] { print_text(r); });
  });
}

}  // namespace phylane::app
