#pragma once
// phylane throughput SYSTEM.toml: from per-lane data rate to system figures (link bandwidth,
// collective time per training step, bus bandwidth, energy per step) and a comparison of links.
#include <string>

#include "app/common.hpp"

namespace CLI {
class App;
}

namespace phylane::app {

struct ThroughputArgs : ResultArgs {
  std::string system;   ///< system file; empty: the embedded default (or --preset NAME)
  std::string embedded; ///< --preset NAME (old spelling --system NAME): an embedded system (data/systems/NAME.toml)
};

/// Adds the `throughput` subcommand to `cli`, bound to `args`.
CLI::App* register_throughput(CLI::App& cli, ThroughputArgs& args);

/// Exit code (docs/cli.md): 0 answered, 2 bad input (nothing written), 1 a failure (e.g. no rate
/// meets a rate = "max" link's target), 130 interrupted.
int run_throughput(const ThroughputArgs& args);

}  // namespace phylane::app
