#pragma once
// The link subcommands of the phylane command line and what is built in. Each registers itself
// the same way, `register_<name>(cli, args)`, and runs with `run_<name>(args)`, returning the
// exit code of the one contract in docs/cli.md (app/common.hpp exit_code): 0 answered and the
// answer meets the target, 3 answered but negative, 1 failure, 2 bad input, 130 interrupted.
// throughput, claims, study and sweep have their own headers (cmd_<name>.hpp).
#include <optional>
#include <string>
#include <vector>

#include "app/common.hpp"

namespace CLI {
class App;
}

namespace phylane::app {

struct LossArgs {
  LinkInput input;
  std::vector<std::string> freqs;      // --freq F (repeatable), as typed
  std::string fmax;                    // --fmax F
  std::optional<int> points;           // --points N
  bool json = false;
  std::string output;                  // -o FILE.h5
};
CLI::App* register_loss(CLI::App& cli, LossArgs& args);
/// 0 (a loss is always an answer), 1, 2.
int run_loss(const LossArgs& args);

struct EyeArgs : ResultArgs {
  LinkInput input;
  SignalFlags signal;  ///< --rate, --modulation: the signal of a Touchstone file given as the link
};
CLI::App* register_eye(CLI::App& cli, EyeArgs& args);
/// 0 the eye is open at the target BER, 3 it is closed.
int run_eye(const EyeArgs& args);

struct MaxRateArgs : ResultArgs {
  LinkInput input;
  std::string modulations = "nrz,pam4";
  std::string min_rate;
  std::string max_rate;
  std::optional<double> margin_db;  ///< overrides [signal] required_margin
  bool full_curve = false;
};
CLI::App* register_maxrate(CLI::App& cli, MaxRateArgs& args);
/// 0 a rate meets the target, 3 none does.
int run_maxrate(const MaxRateArgs& args);

struct ComArgs : ResultArgs {
  std::vector<std::string> thrus;    ///< THRU.sNp; several: the batch form (no aggressors, no -o)
  int jobs = 0;                      ///< --jobs N for the batch form (0: all cores)
  std::vector<std::string> fext;     ///< --fext F.s4p (repeatable)
  std::vector<std::string> next;     ///< --next N.s4p (repeatable)
  std::string sheet = "100gbase-kr4";  ///< --sheet NAME (embedded) or FILE.toml
  std::vector<std::string> set;      ///< --set NAME=VALUE (repeatable)
};
CLI::App* register_com(CLI::App& cli, ComArgs& args);
/// 0 COM meets the sheet's pass threshold, 3 it does not.
int run_com(const ComArgs& args);

struct ReachArgs : ResultArgs {
  LinkInput input;
  std::string rate;                 ///< default: the config's [signal] rate
  std::string modulation;           ///< default: the config's
  std::string element;              ///< index (1-based) or name; default: longest trace / the fiber
  std::string min_length, max_length;
  std::optional<double> margin_db;
  bool full_curve = false;
};
CLI::App* register_reach(CLI::App& cli, ReachArgs& args);
/// 0 a length meets the target, 3 not even the shortest does.
int run_reach(const ReachArgs& args);

struct CapacityArgs : ResultArgs {
  LinkInput input;
  std::string bandwidth;            ///< top of the band, e.g. "100 GHz"
  std::optional<int> points;
  bool no_rate = false;             ///< skip the max-rate search
};
CLI::App* register_capacity(CLI::App& cli, CapacityArgs& args);
/// 0 the bound (and, unless --no-rate, a rate meeting the target), 3 no rate meets it.
int run_capacity(const CapacityArgs& args);

struct SparamsArgs {
  LinkInput input;
  std::string output;                 // FILE.s2p / FILE.s4p
  std::string fmax;
  std::optional<int> points;
  std::string port_order = "12-34";
  bool from_dc = false;
  bool json = false;
};
CLI::App* register_sparams(CLI::App& cli, SparamsArgs& args);
/// 0 written, 1, 2.
int run_sparams(const SparamsArgs& args);

struct CheckArgs {
  std::string file;
  std::vector<std::string> freqs;
  std::string port_order;  ///< --port-order; empty: the order the data show (12-34 when they do not decide)
  bool json = false;
  std::string enforce_output;  // --enforce-passivity FILE: write the passivity-enforced network
};
CLI::App* register_check(CLI::App& cli, CheckArgs& args);
/// 0 the file passes every check, 3 a check fails, 2 bad input.
int run_check(const CheckArgs& args);

struct TdrArgs {
  LinkInput input;
  std::string rise_time;   ///< --rise-time "20 ps" (10-90 %)
  std::string edge;        ///< --edge gaussian|10-90
  std::string length;      ///< --length: the route's physical length (distance axis)
  std::optional<double> eps_eff;  ///< --eps-eff (distance axis)
  std::string pulse;       ///< --pulse "50 ps": pulse TDR/TDT of that width as well
  bool json = false;
  std::string output;      ///< -o FILE.h5
};
CLI::App* register_tdr(CLI::App& cli, TdrArgs& args);
/// 0 (a profile is always an answer), 1, 2.
int run_tdr(const TdrArgs& args);

struct ImpedanceArgs {
  LinkInput input;
  std::string target;        ///< --target "85 ohm"
  std::string solve;         ///< --solve width|spacing|height
  std::optional<int> segment;  ///< --segment N (1-based among trace segments; default 1)
  std::vector<std::string> freqs;  ///< --freq F (repeatable): loss per length there; default the config's
  bool json = false;
};
CLI::App* register_impedance(CLI::App& cli, ImpedanceArgs& args);
/// 0 solved, 1, 2 (bad input, or a target the dimension cannot reach).
int run_impedance(const ImpedanceArgs& args);

struct FitArgs {
  std::vector<std::string> files;  ///< two or more Touchstone files, shortest first
  std::string lengths;             ///< --lengths "4 in,10 in"
  std::string port_order;          ///< --port-order for 4-ports; empty: each file's data decide
  bool json = false;
  std::string output;              ///< -o FILE.h5
  std::string cross_section;       ///< --cross-section CONFIG: fit its trace segment's laminate and foil
  std::optional<int> segment;      ///< --segment N (from 1; default 1)
  std::string reference = "10 GHz";  ///< --reference: frequency of the fitted Dk, Df
  std::string fit_from = "1 GHz";  ///< --fit-from: lowest frequency of the fit
  std::string fit_to;              ///< --fit-to: highest (default: the top of the data)
  std::string roughness;           ///< --roughness MODEL (default: the segment's foil's)
  std::string launch_loss = "0 dB";  ///< --launch-loss: both launches' loss, single file only
  std::string write_material;      ///< --write-material FILE.toml
  std::string write_config;        ///< --write-config FILE.toml
  std::string material_id = "fitted";  ///< --material-id: the id of the written tables
  std::string weighting = "uniform";  ///< --weighting uniform|octave
  std::string config_length;       ///< --config-length: the fitted segment's length in the --write-config file
  bool from_difference = false;    ///< --from-difference: fit the plain 2L-1L difference, not the line-line loss
};
CLI::App* register_fit(CLI::App& cli, FitArgs& args);
/// 0 fitted, 1, 2.
int run_fit(const FitArgs& args);

struct PresetsArgs {
  std::string kind;  ///< links, systems, claims, studies, sweeps; empty: all
  bool json = false;
};
CLI::App* register_presets(CLI::App& cli, PresetsArgs& args);
int run_presets(const PresetsArgs& args);

struct MaterialsArgs {
  bool json = false;
};
CLI::App* register_materials(CLI::App& cli, MaterialsArgs& args);
int run_materials(const MaterialsArgs& args);

struct WaveguideArgs : ResultArgs {
  std::string config;  ///< the waveguide file (TOML, [waveguide])
};
CLI::App* register_waveguide(CLI::App& cli, WaveguideArgs& args);
/// 0 (the modes and losses are an answer), 1, 2 (bad geometry: nothing written).
int run_waveguide(const WaveguideArgs& args);

}  // namespace phylane::app
