#pragma once
// Subcommands of the phylane command line. Each returns the process exit code:
// 0 success, 1 a failure inside phylane (numeric or I/O), 2 bad input (config, options).
#include <optional>
#include <string>
#include <vector>

namespace phylane::app {

struct LossArgs {
  std::string config;                  // empty: the default preset
  std::string preset;                  // --preset NAME
  std::vector<std::string> freqs;      // --freq F (repeatable), as typed
  std::string fmax;                    // --fmax F
  std::optional<int> points;           // --points N
  bool json = false;
  std::string output;                  // -o FILE.h5
};

int run_loss(const LossArgs& args);

struct EyeArgs {
  std::string config;
  std::string preset;
  bool json = false;
  std::string output;
};
int run_eye(const EyeArgs& args);
int run_presets(bool json);
int run_materials(bool json);

}  // namespace phylane::app
