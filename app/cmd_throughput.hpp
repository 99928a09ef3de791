#pragma once
// phylane throughput SYSTEM.toml: from per-lane data rate to system figures (link bandwidth,
// collective time per training step, bus bandwidth, energy per step) and a comparison of links.
#include <string>

namespace CLI {
class App;
}

namespace phylane::app {

struct ThroughputArgs {
  std::string system;   ///< system file; empty: the embedded default (or --system NAME)
  std::string embedded; ///< --system NAME: an embedded system (data/systems/NAME.toml)
  bool json = false;
  std::string output;   ///< -o FILE.h5
};

/// Adds the `throughput` subcommand to `cli`, bound to `args`.
CLI::App* register_throughput(CLI::App& cli, ThroughputArgs& args);

/// Exit code: 0 success, 2 bad input (nothing written), 1 a failure (e.g. no rate meets a
/// rate = "max" link's target).
int run_throughput(const ThroughputArgs& args);

}  // namespace phylane::app
