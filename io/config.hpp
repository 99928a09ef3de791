#pragma once
/// Loading a phylane config (TOML, units in strings) into channel objects, with every problem
/// reported compiler style (file:line:col, key, value, what is allowed) before anything runs.
/// The config format is documented in docs/config.md.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/link.hpp"

namespace phylane::io {

/// What the loss report covers; the command line may override each field.
struct ReportOptions {
  std::vector<double> frequencies_hz;  ///< named frequencies for the summary tables
  double fmax_hz = 0.0;                ///< top of the swept grid
  int points = 0;                      ///< number of grid points (fmax/points ... fmax)
};

/// A loaded config: the link it describes, the loss report's frequencies, and the config text
/// to store with results.
struct Config : channels::Link {
  ReportOptions report;
  /// The configuration as the user gave it, defaults left as defaults (values that follow the
  /// rate keep following it), with the library entries it referenced copied under [materials] /
  /// [foils] and file paths made absolute: running a command on it reproduces that command's
  /// result exactly. Stored in result files as the root attribute `config`.
  std::string stored_toml;
  /// The complete configuration as used: the user's values and every default made explicit (for
  /// reading what was assumed; root attribute `config_resolved`). Not for re-running: defaults
  /// that follow the rate (CTLE corners, Rx bandwidth) are frozen at the configured rate here.
  std::string resolved_toml;
};


/// Loads a config file. Throws InputError (with all diagnostics) on any problem.
Config load_config(const std::filesystem::path& file);
/// Loads config text; `name` is used in messages as the file name; relative file paths in it
/// (Touchstone blocks) resolve against the current directory, or `base_dir`.
Config load_config_text(std::string_view text, const std::string& name);
Config load_config_text_in(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);
/// The same, with networks held in memory that Touchstone blocks may name instead of a file:
/// `network = "NAME"` (docs/config.md; the Python module's Link.from_dict(..., networks=)).
/// The stored config then names them and reproduces the link only with the same networks.
Config load_config_text_with(std::string_view text, const std::string& name,
                             const std::map<std::string, channels::Network>& networks);
/// True when `file` is read as a Touchstone file rather than a config: a .sNp/.yNp/.zNp or .ts
/// extension, or (any other extension but .toml) text whose first line that is not blank opens
/// with '!' (a Touchstone comment), "[Version]", or an option line "# GHz S MA R 50".
bool is_touchstone_path(const std::filesystem::path& file);

/// The [signal] of a link built around a Touchstone file, as a command gives it: texts in the
/// config's vocabulary (docs/eye.md "Config sections"), read as that section's keys.
struct TouchstoneSignal {
  std::string rate;                 ///< `rate`, e.g. "32 GT/s"
  std::string modulation = "nrz";   ///< `modulation`
};

/// The link whose channel is the whole Touchstone `file`: the config
///   [channel] type = "touchstone", file = "<absolute path>", port_order = "<order>"
///   [signal]  rate = ..., modulation = ...      (only when `signal` is given)
/// built as a table and loaded as any config is, so every command answers exactly as for that
/// config written by hand. A 4-port's order is the one its data show (detect_thru_pairing,
/// io/touchstone_ports.hpp), "12-34" when they do not decide; the title says which. Throws
/// InputError for an unreadable file, a port count other than 2 or 4, or data showing the
/// pairing 14-23. Documented in docs/channels.md ("A Touchstone file as the whole link").
Config load_touchstone_link(const std::filesystem::path& file, const std::optional<TouchstoneSignal>& signal = {});

/// Loads an embedded preset by name (data/presets/NAME.toml).
Config load_preset(std::string_view name);
/// Names of the embedded presets.
std::vector<std::string> preset_names();
/// The preset `phylane loss` runs when given no config.
std::string default_preset_name();

}  // namespace phylane::io
