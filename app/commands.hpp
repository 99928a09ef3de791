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

struct MaxRateArgs {
  std::string config;
  std::string preset;
  std::string modulations = "nrz,pam4";
  std::string min_rate;
  std::string max_rate;
  std::optional<double> margin_db;  ///< overrides [signal] required_margin
  bool full_curve = false;
  bool json = false;
  std::string output;               ///< HDF5
};
int run_maxrate(const MaxRateArgs& args);

struct ReachArgs {
  std::string config;
  std::string preset;
  std::string rate;                 ///< default: the config's [signal] rate
  std::string modulation;           ///< default: the config's
  std::string element;              ///< index (1-based) or name; default: longest trace / the fiber
  std::string min_length, max_length;
  std::optional<double> margin_db;
  bool full_curve = false;
  bool json = false;
  std::string output;
};
int run_reach(const ReachArgs& args);

struct CapacityArgs {
  std::string config;
  std::string preset;
  std::string bandwidth;            ///< top of the band, e.g. "100 GHz"
  std::optional<int> points;
  bool no_rate = false;             ///< skip the max-rate search
  bool json = false;
  std::string output;
};
int run_capacity(const CapacityArgs& args);

struct SparamsArgs {
  std::string config;
  std::string preset;
  std::string output;                 // FILE.s2p / FILE.s4p
  std::string fmax;
  std::optional<int> points;
  std::string port_order = "12-34";
  bool from_dc = false;
};
int run_sparams(const SparamsArgs& args);

struct CheckArgs {
  std::string file;
  std::vector<std::string> freqs;
  std::string port_order = "12-34";
  bool json = false;
  std::string enforce_output;  // --enforce-passivity FILE: write the passivity-enforced network
};
/// Exit code 0 when the file passes every check, 3 when a check fails, 2 for bad input.
int run_check(const CheckArgs& args);
int run_presets(bool json);
int run_materials(bool json);

}  // namespace phylane::app
