#pragma once
/// What a sweep can record per case: the scalars (and curves) that phylane's commands report,
/// gathered in one registry. Each command contributes an entry: its scalar names with units, its
/// curves, the options a sweep file may set for it under [outputs.COMMAND], a check that the
/// command applies to a case's config (run for every case before any is computed), and an
/// evaluation that fills the requested values. Adding a command's outputs is one more entry in
/// sweep_commands() (io/sweep_outputs.cpp). Format in docs/sweep.md.
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "io/quantity.hpp"

namespace phylane::io {

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

/// An option of a command under [outputs.COMMAND]: a quantity (dimension given), a plain number
/// (dimension empty, number = true) or text.
struct OutputOption {
  std::string key;
  std::optional<Dimension> dimension;
  bool number = false;
  std::string description;
};

/// The options as read from [outputs.COMMAND]: quantities and numbers in SI, text as written.
struct CommandOptions {
  std::map<std::string, double> values;
  std::map<std::string, std::string> texts;
  std::optional<double> value(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? std::nullopt : std::optional<double>(it->second);
  }
  std::optional<std::string> text(const std::string& key) const {
    const auto it = texts.find(key);
    return it == texts.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
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

/// The frequency of a per-frequency request for a case: at_hz, or half the symbol rate.
double request_frequency_hz(const OutputRequest& r, const Config& cfg);

struct CommandOutputs {
  std::string command;
  std::string summary;                 ///< one line for docs and errors
  std::vector<ScalarOutput> scalars;
  std::vector<CurveOutput> curves;
  std::vector<OutputOption> options;
  /// "" when the command can give these outputs for this config; otherwise why not (e.g. "needs a
  /// [signal] section"). Cheap; runs for every case before the sweep starts.
  std::function<std::string(const Config& cfg, const CommandOptions& opt, std::span<const OutputRequest> scalars,
                            std::span<const OutputRequest> curves)>
      applies;
  /// Fills scalar_values[i] for scalars[i] and curve_values[i * curve_freqs.size() + k] for
  /// curves[i] at curve_freqs[k]. A value that does not exist for the case (e.g. an optical
  /// sensitivity that no power reaches) is NaN. Throws on a numerical failure (recorded as the
  /// case's failure reason).
  std::function<void(const Config& cfg, const CommandOptions& opt, std::span<const OutputRequest> scalars,
                     std::span<double> scalar_values, std::span<const OutputRequest> curves,
                     std::span<const double> curve_freqs_hz, std::span<double> curve_values)>
      evaluate;
};

/// Every command a sweep can record, in a fixed order. Tested by: tests/io/sweep_outputs_test.cpp
const std::vector<CommandOutputs>& sweep_commands();
/// The entry for `command`, or nullptr.
const CommandOutputs* find_sweep_command(const std::string& command);

}  // namespace phylane::io
