#pragma once
// phylane claims CLAIMS.toml: judge statements with numbers ("PCIe 5.0 gives 128 Gb/s per lane")
// against phylane's models and the cited figures of data/standards (docs/claims.md).
#include <string>

namespace CLI {
class App;
}

namespace phylane::app {

struct ClaimsArgs {
  std::string file;      ///< claim file; empty: the embedded default (or --embedded NAME)
  std::string embedded;  ///< --embedded NAME: data/claims/NAME.toml compiled into phylane
  bool compact = false;  ///< one line per claim
  bool json = false;
  std::string output;    ///< -o FILE.h5
};

/// Adds the `claims` subcommand to `cli`, bound to `args`.
CLI::App* register_claims(CLI::App& cli, ClaimsArgs& args);

/// Exit code: 0 success (whatever the verdicts), 2 bad input (nothing written), 1 a failure.
int run_claims(const ClaimsArgs& args);

}  // namespace phylane::app
