// phylane capacity: the Shannon capacity of a link (water-filling) and the achieved rate as its fraction.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/version.hpp"
#include "workflows/link_capacity.hpp"

namespace phylane::app {

CLI::App* register_capacity(CLI::App& cli, CapacityArgs& args) {
  auto* c = cli.add_subcommand("capacity", "Shannon capacity (water-filling) and the achieved rate as its fraction");
  add_signal_link_input(*c, args.input);
  c->add_option("--bandwidth", args.bandwidth, "Top of the band, e.g. \"100 GHz\"");
  c->add_option("--points", args.points, "Cells of the integration grid (default 4000)");
  c->add_flag("--no-rate", args.no_rate, "Skip the max-rate search");
  add_result_flags(*c, args);
  return c;
}

int run_capacity(const CapacityArgs& args) {
  return guarded([&]() -> int {
    Progress progress("capacity", args.quiet);
    const io::Config cfg = load_link(args.input, true);
    const workflows::LinkCapacityOptions co = capacity_options(args);
    std::optional<workflows::MaxRateRequest> rq;
    if (!args.no_rate) {
      rq.emplace();
      rq->progress = progress.ticker();
      rq->stop = &interrupt_flag();
    }
    progress.stage(args.no_rate ? "water-filling" : "water-filling and the max-rate search");
    const workflows::CapacityAnswer answer = workflows::capacity(cfg, co, rq);
    progress.complete();
    const int rc = answer.rate && !answer.rate->result.found ? exit_code::negative : exit_code::answered;
    const workflows::LinkCapacity& c = answer.capacity;
    const solvers::MaxRateResult* mr = answer.rate ? &answer.rate->result : nullptr;
    const double cap = c.result.capacity_bps;
    const double rate = mr && mr->found ? mr->max_rate_bps : 0.0;
    if (!args.output.empty()) write_capacity_hdf5(args.output, cfg, answer);
    if (args.json) {
      write_capacity_json(std::cout, cfg, answer);
      return rc;
    }
    fmt::print("{}\n", header_line("capacity", cfg));
    fmt::print("  Shannon capacity {:.1f} Gb/s (water-filled over {:.1f} of {:g} GHz; power {:.3g} V^2)\n", cap / 1e9,
               c.result.used_bandwidth_hz / 1e9, c.bandwidth_hz / 1e9, c.tx_power_v2);
    if (mr) {
      if (mr->found)
        fmt::print("  max rate {:.1f} Gb/s ({}) = {:.1f} % of capacity\n", rate / 1e9, channels::modulation_name(mr->best_levels),
                   100.0 * rate / cap);
      else
        fmt::print("  max rate: {}\n", mr->reason);
    }
    fmt::print("  assumptions:\n");
    for (const auto& a : c.assumptions) fmt::print("    - {}\n", a);
    if (!args.output.empty()) fmt::print("\nwrote {}\n", args.output);
    return rc;
  });
}

}  // namespace phylane::app
