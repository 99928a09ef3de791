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

#include "channels/copper_channel.hpp"
#include "channels/composed_channel.hpp"
#include "channels/optical_link.hpp"
#include "solvers/eye_analysis.hpp"

namespace phylane::io {

/// What the loss report covers; the command line may override each field.
struct ReportOptions {
  std::vector<double> frequencies_hz;  ///< named frequencies for the summary tables
  double fmax_hz = 0.0;                ///< top of the swept grid
  int points = 0;                      ///< number of grid points (fmax/points ... fmax)
};

/// Descriptive facts about a segment, for reports (the physics is in the channel itself).
struct SegmentInfo {
  std::string name;
  std::string geometry;
  std::string material;       ///< library id or "inline"
  std::string material_name;  ///< display name
  std::string foil;           ///< foil id or "inline"
  std::string roughness_model;
  std::string field_solver;   ///< "closed-form" or "bem" (the one used)
};

/// Descriptive facts about an optical channel beyond the link itself.
struct OpticalInfo {
  int wdm_channels = 1;            ///< wavelengths sharing the path
  double wdm_spacing_hz = 0.0;     ///< channel spacing (0: single wavelength)
};

/// A user-supplied sampled response ([channel] type = "pulse").
struct PulseChannel {
  bool impulse = false;          ///< true: impulse response h(t); false: pulse response to one UI
  std::vector<double> values_v;  ///< samples [V] (pulse: for a 1-V symbol; impulse: [V/s] x dt units, see docs)
  int samples_per_ui = 0;        ///< pulse: samples per UI of the data
  double dt_s = 0.0;             ///< impulse: sample interval
  std::string origin;            ///< "inline" or the file it came from
};

/// Signalling, transmitter and receiver: what `phylane eye` needs besides the channel.
struct EyeSettings {
  solvers::EyeLinkSpec spec;       ///< filled except the optical levels (set from the link)
  double data_rate_bps = 0.0;      ///< line bit rate = symbol rate x log2(M)
  std::string modulation;          ///< "nrz", "pam4", ...
  bool ffe_search = false;         ///< true when any FFE tap is a range to optimise
  bool ctle_search = false;        ///< true when more than one CTLE setting is given
  /// What meeting the target requires ([signal] required_margin, min_eye_height, min_eye_width):
  /// the searches' criterion; `phylane eye` reports against it.
  double required_margin_db = 0.0;
  double min_eye_height_v = 0.0;               ///< every modulation, unless given per modulation
  double min_eye_width_ui = 0.0;
  std::map<int, double> min_eye_height_by_levels;  ///< levels -> height [V]
  std::map<int, double> min_eye_width_by_levels;   ///< levels -> width [UI]
  double min_eye_height_for(int levels) const;
  double min_eye_width_for(int levels) const;

  /// What follows the symbol rate when the rate changes (rate and reach searches): the Rx
  /// filter given as a ratio of the rate, COM CTLE corners left at their rate-relative defaults,
  /// jitter given in UI. Values the config gives in absolute units stay as given.
  struct Recipe {
    solvers::RxFilterType rx_type = solvers::RxFilterType::none;
    int rx_order = 4;
    double rx_bandwidth_hz = 0.0;     ///< absolute, or 0
    double rx_bandwidth_ratio = 0.0;  ///< x symbol rate, or 0
    std::string ctle = "none";        ///< none, com, com-ck, generic
    std::vector<double> ctle_gdc_db;
    std::vector<double> ctle_gdc2_db;  ///< com-ck: the low-frequency gains g_DC2
    /// 0: the rate-relative defaults, com: baud/4, baud/4, baud; com-ck: baud/2.5, baud/2.5, baud
    double ctle_fz_hz = 0.0, ctle_fp1_hz = 0.0, ctle_fp2_hz = 0.0;
    double ctle_flf_hz = 0.0;         ///< com-ck; 0: baud/80
    double rj_s = -1.0, dj_s = -1.0;  ///< when given as times (else the spec's UI values hold)
  } recipe;

  /// The specification at another symbol rate and modulation (levels >= 2).
  solvers::EyeLinkSpec at(double symbol_rate_baud, int levels) const;
};

struct Config {
  std::string source;  ///< file path, or "preset:NAME"
  std::string title;
  std::string description;
  std::optional<channels::CopperChannel> copper;  ///< a chain of modelled traces only
  /// Traces mixed with Touchstone and element blocks, or a whole Touchstone channel.
  std::optional<channels::ComposedChannel> composed;
  std::vector<SegmentInfo> segments;
  std::optional<channels::OpticalLink> optical;  ///< [channel] type = "optical"
  OpticalInfo optical_info;
  std::optional<EyeSettings> eye;  ///< present when the config has a [signal] section
  std::optional<PulseChannel> pulse;  ///< [channel] type = "pulse"
  ReportOptions report;
  /// The complete configuration as used: the user's values, every default made explicit, and the
  /// library entries it referenced copied under [materials] / [foils]. Loading it again gives the
  /// same channel.
  std::string resolved_toml;
};

/// The SegmentInfo of the modelled trace segments only (the order of LossAnalysis::segments).
std::vector<SegmentInfo> trace_infos(const Config& cfg);

/// Loads a config file. Throws InputError (with all diagnostics) on any problem.
Config load_config(const std::filesystem::path& file);
/// Loads config text; `name` is used in messages as the file name; relative file paths in it
/// (Touchstone blocks) resolve against the current directory, or `base_dir`.
Config load_config_text(std::string_view text, const std::string& name);
Config load_config_text_in(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);
/// Loads an embedded preset by name (data/presets/NAME.toml).
Config load_preset(std::string_view name);
/// Names of the embedded presets.
std::vector<std::string> preset_names();
/// The preset `phylane loss` runs when given no config.
std::string default_preset_name();

}  // namespace phylane::io
