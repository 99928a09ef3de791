// phylane reach: the longest length of one element meeting the link's target at a rate.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/rate_output.hpp"
#include "solvers/real_fft.hpp"
#include "workflows/rate.hpp"

namespace phylane::app {

CLI::App* register_reach(CLI::App& cli, ReachArgs& args) {
  auto* c = cli.add_subcommand("reach", "Longest length meeting the target BER at a rate (loss vs reach)");
  add_signal_link_input(*c, args.input);
  c->add_option("--rate", args.rate, "Data rate, e.g. \"64 GT/s\" (default: [signal] rate)");
  c->add_option("--modulation", args.modulation, "nrz, pam4 or pam8 (default: [signal] modulation)");
  c->add_option("--element", args.element, "Segment or path element to stretch: 1-based index or name");
  c->add_option("--min", args.min_length, "Shortest length, e.g. \"1 cm\" (default: config length / 100)");
  c->add_option("--max", args.max_length, "Longest length, e.g. \"10 m\" (default: config length x 100)");
  add_search_flags(*c, args.margin_db, args.full_curve);
  add_result_flags(*c, args);
  return c;
}

namespace {

std::string length_text(double m, bool optical) {
  if (optical) return m >= 1000.0 ? fmt::format("{:.4g} km", m / 1000.0) : fmt::format("{:.4g} m", m);
  return fmt::format("{:.4g} m ({:.4g} in)", m, m / 0.0254);
}

void print_text(const io::Config& cfg, const workflows::ReachAnswer& answer) {
  const solvers::ReachOptions& opt = answer.options;
  const solvers::ReachResult& r = answer.result;
  fmt::print("{}\n", header_line("reach", cfg));
  fmt::print("  {} at {:g} Gb/s ({:g} GBd), target BER {:g}, {}\n", channels::display_name(answer.modulation), answer.rate_bps / 1e9,
             answer.symbol_rate_baud / 1e9, cfg.signalling->spec.target_ber,
             criterion_text(opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui));
  fmt::print("  varying {} (config: {:g} m), search {:g} ... {:g} m\n", answer.element, answer.base_length_m, opt.min_length_m,
             opt.max_length_m);
  if (cfg.optical()) fmt::print("  optical receiver: {}\n", cfg.optical()->receiver_bandwidth(answer.symbol_rate_baud).summary());
  fmt::print("\n");
  if (r.found) {
    fmt::print("  max reach {}{}: {}\n", length_text(r.max_length_m, cfg.optical() != nullptr),
               r.capped ? " (top of the range)" : "", eye_figures_text(r.at_max));
    fmt::print("  {}\n", equalizer_text(r.at_max));
    if (!answer.warning.empty()) fmt::print("  warning: {}\n", answer.warning);
  } else {
    fmt::print("  {}\n", r.reason);
  }
  fmt::print("\n  {:>12} {:>15} {:>10}  meets\n", "length m", cfg.optical() ? "path loss dB" : "Nyquist loss dB", "margin dB");
  for (const auto& p : r.curve)
    fmt::print("  {:>12.4g} {:>15.2f} {:>10.2f}  {}\n", p.length_m, p.loss_db, p.margin_db, p.meets ? "yes" : "no");
}

}  // namespace

int run_reach(const ReachArgs& args) {
  return guarded([&]() -> int {
    Progress progress("reach", args.quiet);
    solvers::start_fft_planner_warm_up();  // overlaps the loading below
    const io::Config cfg = load_link(args.input, true);
    workflows::ReachRequest rq = reach_request(args);
    rq.progress = progress.ticker();
    rq.stop = &interrupt_flag();
    workflows::check_reach(cfg, rq);
    progress.stage("searching the length");
    const workflows::ReachAnswer answer = workflows::reach(cfg, rq);
    progress.complete();
    return deliver(
        args, answer.result.found ? exit_code::answered : exit_code::negative,
        [&](const std::string& file) { io::write_reach_hdf5(file, cfg, answer); },
        [&](std::ostream& os) { io::write_reach_json(os, cfg, answer); }, [&] { print_text(cfg, answer); });
  });
}

}  // namespace phylane::app
