#pragma once
/// What a sweep can record per case: the scalars (and curves) that phylane's commands report,
/// gathered in one registry. Each command contributes an entry: its scalar names with units, its
/// curves, the options a sweep file may set for it under [outputs.COMMAND], a check that the
/// command applies to a case's link (run for every case before any is computed), and an
/// evaluation that fills the requested values by calling the command's own workflow
/// (workflows::loss, eye, max_rate, reach, capacity), so a sweep's value equals the command's
/// run on that case. Adding a command's outputs is one more entry in sweep_commands()
/// (workflows/sweep_outputs.cpp). The sweep file format (io/sweep.hpp) is in docs/sweep.md.
/// Tested by: tests/io/sweep_outputs_test.cpp, tests/workflows/sweep_run_test.cpp.
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "channels/link.hpp"
#include "channels/modulation.hpp"

namespace phylane::workflows {

/// One case of a sweep: its link, and the named frequencies of its loss report (a config's
/// [report] frequencies: loss.total_delay_s is the phase delay at the highest of them).
struct SweepCase {
  channels::Link link;
  std::vector<double> report_freqs_hz;
};

/// A scalar a command reports, as a sweep output.
struct ScalarOutput {
  std::string name;            ///< e.g. "margin_db" (the output is "eye.margin_db")
  std::string units;           ///< HDF5 `units` attribute ("dB", "V", "1", ...)
  std::string description;
  bool per_frequency = false;  ///< needs "@ FREQUENCY" or "@nyquist" (e.g. "loss.insertion_loss_db@16 GHz")
};

/// A curve over the sweep's frequency grid ([outputs] curve_fmax, curve_points).
struct CurveOutput {
  std::string name;
  std::string units;
  std::string description;
};

/// What kind of value an option of [outputs.COMMAND] takes; the sweep-file reader parses it.
enum class OptionKind {
  text,         ///< a name, as written
  number,       ///< a plain number
  modulations,  ///< a comma list of modulations ("nrz,pam4"): their levels
  frequency,    ///< a quantity in Hz
  length,       ///< a quantity in m
  decibel,      ///< a quantity in dB
  rate,         ///< a line rate in the one vocabulary (Bd, b/s, T/s): channels::LineRate
};
std::string_view to_string(OptionKind k);

/// An option of a command under [outputs.COMMAND].
struct OutputOption {
  std::string key;
  OptionKind kind = OptionKind::text;
  std::string description;
};

/// The options as parsed from [outputs.COMMAND]: numbers and quantities in SI (dB for decibel),
/// text as written (modulation lists keep their text too, for messages), modulation lists as
/// levels, rates as given.
struct CommandOptions {
  std::map<std::string, double> values;
  std::map<std::string, std::string> texts;
  std::map<std::string, std::vector<int>> levels;
  std::map<std::string, channels::LineRate> rates;

  std::optional<double> value(const std::string& key) const;
  std::optional<std::string> text(const std::string& key) const;
  std::optional<std::vector<int>> level_list(const std::string& key) const;
  std::optional<channels::LineRate> rate(const std::string& key) const;
};

/// One requested output of a command.
struct OutputRequest {
  std::string label;          ///< as written in the sweep file: "loss.insertion_loss_db@16 GHz"
  std::string command;        ///< "loss"
  std::string quantity;       ///< "insertion_loss_db"
  std::string units;
  std::string description;
  double at_hz = 0.0;         ///< per-frequency outputs: the frequency (0 when at_nyquist)
  bool at_nyquist = false;    ///< at half the case's symbol rate ([signal] rate)
};

/// The frequency of a per-frequency request for a link: at_hz, or half the symbol rate. Throws
/// std::invalid_argument for @nyquist on a link without signalling.
double request_frequency_hz(const OutputRequest& r, const channels::Link& link);

struct CommandOutputs {
  std::string command;
  std::string summary;                 ///< one line for docs and errors
  std::vector<ScalarOutput> scalars;
  std::vector<CurveOutput> curves;
  std::vector<OutputOption> options;
  /// "" when the command can give these outputs for a case with this link; otherwise why not
  /// (e.g. "needs a [signal] section"). Cheap (no solver runs); runs for every case before the
  /// sweep starts.
  std::function<std::string(const channels::Link& link, const CommandOptions& opt, std::span<const OutputRequest> scalars,
                            std::span<const OutputRequest> curves)>
      applies;
  /// Fills scalar_values[i] for scalars[i] and curve_values[i * curve_freqs.size() + k] for
  /// curves[i] at curve_freqs[k]. A value that does not exist for the case (e.g. an optical
  /// sensitivity that no power reaches) is NaN. Throws on a numerical failure (recorded as the
  /// case's failure reason).
  std::function<void(const SweepCase& c, const CommandOptions& opt, std::span<const OutputRequest> scalars,
                     std::span<double> scalar_values, std::span<const OutputRequest> curves,
                     std::span<const double> curve_freqs_hz, std::span<double> curve_values)>
      evaluate;
};

/// Every command a sweep can record, in a fixed order.
const std::vector<CommandOutputs>& sweep_commands();
/// The entry for `command`, or nullptr.
const CommandOutputs* find_sweep_command(const std::string& command);

}  // namespace phylane::workflows
