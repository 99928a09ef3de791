#pragma once
// phylane claims CLAIMS.toml: judge statements with numbers ("PCIe 5.0 gives 128 Gb/s per lane")
// against phylane's models and the cited figures of data/standards (docs/claims.md).
#include <string>

#include "app/common.hpp"

namespace CLI {
class App;
}

namespace phylane::app {

struct ClaimsArgs : ResultArgs {
  std::string file;      ///< claim file; empty: the embedded default (or --preset NAME)
  std::string embedded;  ///< --preset NAME (old spelling --embedded NAME): data/claims/NAME.toml compiled into phylane
  bool compact = false;  ///< one line per claim
};

/// Adds the `claims` subcommand to `cli`, bound to `args`.
CLI::App* register_claims(CLI::App& cli, ClaimsArgs& args);

/// Exit code (docs/cli.md): 0 every claim was judged (whatever the verdicts: a claim that does
/// not hold is an answer, read it in the report), 2 bad input (nothing written), 1 a failure,
/// 130 interrupted.
int run_claims(const ClaimsArgs& args);

}  // namespace phylane::app
