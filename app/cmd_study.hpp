#pragma once
// phylane study [STUDY.toml]: copper against optics over reach — loss, max per-lane rate with the
// capacity bound, link bandwidth, gradient all-reduce time and energy per step, and the claims.
#include <string>

namespace CLI {
class App;
}

namespace phylane::app {

struct StudyArgs {
  std::string study;                         ///< study file; empty: the embedded default
  std::string output = "results/study.h5";   ///< HDF5 results ("" or "-": none)
  int points = 0;                            ///< > 0: override the number of reach points
  bool json = false;
  bool no_claims = false;
};

CLI::App* register_study(CLI::App& cli, StudyArgs& args);

/// Exit code: 0 success, 2 bad input (nothing written).
int run_study(const StudyArgs& args);

}  // namespace phylane::app
