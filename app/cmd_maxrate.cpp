// phylane maxrate: the highest per-lane data rate meeting the link's target, per modulation.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/rate_output.hpp"
#include "solvers/real_fft.hpp"
#include "workflows/rate.hpp"

namespace phylane::app {

CLI::App* register_maxrate(CLI::App& cli, MaxRateArgs& args) {
  auto* c = cli.add_subcommand("maxrate", "Highest per-lane data rate meeting the target BER (NRZ vs PAM4)");
  add_signal_link_input(*c, args.input);
  c->add_option("--modulation", args.modulations, "Comma list: nrz, pam4, pam8 (default nrz,pam4)");
  c->add_option("--min", args.min_rate, "Lowest rate searched, e.g. \"1 Gb/s\"");
  c->add_option("--max", args.max_rate, "Highest rate searched, e.g. \"224 Gb/s\"");
  add_search_flags(*c, args.margin_db, args.full_curve);
  add_result_flags(*c, args);
  return c;
}

namespace {

void print_text(const io::Config& cfg, const workflows::MaxRateAnswer& answer, bool full_curve) {
  const solvers::MaxRateOptions& opt = answer.options;
  const solvers::MaxRateResult& r = answer.result;
  fmt::print("{}\n", header_line("maxrate", cfg));
  // Each modulation meets its own target when the lane's FEC differs per modulation (docs/fec.md).
  std::string targets;
  for (const auto& m : r.per_modulation) {
    const channels::Fec& fec = cfg.signalling->fec_for(m.levels);
    targets += fmt::format("{}{:g}{}", targets.empty() ? "" : ", ", cfg.signalling->target_ber_for(m.levels),
                           fec.name == "none" ? std::string() : fmt::format(" pre-FEC ({})", fec.name));
    if (r.per_modulation.size() > 1) targets += " " + modulation_label(m.levels);
  }
  fmt::print("  target BER {}, {}; search {:g} ... {:g} Gb/s to {:g} %\n\n", targets,
             criterion_text(opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui), opt.min_rate_bps / 1e9,
             opt.max_rate_bps / 1e9, opt.resolution * 100);
  const channels::OpticalLink* optical = cfg.optical();
  if (optical)
    fmt::print("  optical receiver: {}\n\n", optical->receiver_bandwidth(cfg.signalling->spec.symbol_rate_baud).summary());
  for (const auto& m : r.per_modulation) {
    const std::string name = modulation_label(m.levels);
    if (!m.found) {
      fmt::print("  {:<5} no rate down to {:g} Gb/s meets the target\n", name, opt.min_rate_bps / 1e9);
      continue;
    }
    fmt::print("  {:<5} max {:7.2f} Gb/s{} ({:.2f} GBd): {}\n", name, m.max_rate_bps / 1e9, m.capped ? " (top of the range)" : "",
               m.max_rate_bps / std::log2(m.levels) / 1e9, eye_figures_text(m.at_max));
    fmt::print("        {}{}\n", equalizer_text(m.at_max),
               opt.min_eye_height_for(m.levels) > 0.0 || opt.min_eye_width_for(m.levels) > 0.0
                   ? fmt::format("; mask {:g} mV x {:g} UI", opt.min_eye_height_for(m.levels) * 1e3, opt.min_eye_width_for(m.levels))
                   : std::string());
    if (optical && optical->receiver().follows_rate())
      fmt::print("        receiver at this rate: {}\n", optical->receiver_bandwidth(m.max_rate_bps / std::log2(m.levels)).summary());
    if (const auto& w = answer.warnings.at(static_cast<std::size_t>(&m - r.per_modulation.data())); !w.empty())
      fmt::print("        warning: {}\n", w);
  }
  if (r.found)
    fmt::print("\n  best: {} at {:.2f} Gb/s per lane\n", modulation_label(r.best_levels), r.max_rate_bps / 1e9);
  else
    fmt::print("\n  {}\n", r.reason);
  fmt::print("\nMargin vs rate [dB]{}\n", full_curve ? "" : " (from the top down to the first meeting point; --curve for all)");
  for (const auto& m : r.per_modulation) {
    fmt::print("  {:<5}", modulation_label(m.levels));
    for (const auto& p : m.curve) fmt::print(" {:.4g}G:{:+.1f}", p.rate_bps / 1e9, p.margin_db);
    fmt::print("\n");
  }
}

}  // namespace

int run_maxrate(const MaxRateArgs& args) {
  return guarded([&]() -> int {
    Progress progress("maxrate", args.quiet);
    solvers::start_fft_planner_warm_up();  // overlaps the loading below
    workflows::MaxRateRequest rq = maxrate_request(args);
    const io::Config cfg = maxrate_link(args, rq);
    rq.progress = progress.ticker();
    rq.stop = &interrupt_flag();
    workflows::check_max_rate(cfg, rq);
    std::string mods;
    for (int lv : rq.levels) mods += (mods.empty() ? "" : ", ") + modulation_label(lv);
    progress.stage("searching " + mods);
    const workflows::MaxRateAnswer answer = workflows::max_rate(cfg, rq);
    progress.complete();
    return deliver(
        args, answer.result.found ? exit_code::answered : exit_code::negative,
        [&](const std::string& file) { io::write_maxrate_hdf5(file, cfg, answer); },
        [&](std::ostream& os) { io::write_maxrate_json(os, cfg, answer); }, [&] { print_text(cfg, answer, args.full_curve); });
  });
}

}  // namespace phylane::app
