#pragma once
// phylane study [STUDY.toml]: copper against optics over reach — loss, max per-lane rate with the
// capacity bound, link bandwidth, gradient all-reduce time and energy per step, and the claims.
#include <string>

namespace CLI {
class App;
}

namespace phylane::app {

struct StudyArgs {
  std::string study;                         ///< study file; empty: the embedded default (or --preset NAME)
  std::string preset;                        ///< --preset NAME: data/studies/NAME.toml compiled into phylane
  bool quiet = false;                        ///< no progress on stderr
  std::string output = "results/study.h5";   ///< HDF5 results ("" or "-": none)
  int points = 0;                            ///< > 0: override the number of reach points
  bool json = false;
  bool no_claims = false;
};

CLI::App* register_study(CLI::App& cli, StudyArgs& args);

/// Exit code (docs/cli.md): 0 answered, 2 bad input (nothing written), 1 a failure, 130 interrupted.
int run_study(const StudyArgs& args);

}  // namespace phylane::app
