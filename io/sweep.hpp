#pragma once
/// A parameter sweep: a base config, axes over any of its keys by path
/// (`channel.segments[1].length`, `signal.rate`, `rx.dfe_taps`, `channel.path[2].length`), each a
/// list of values or a range with units, combined as a full grid, zipped, or Latin-hypercube
/// sampled with a seed; and the outputs to record per case (workflows/sweep_outputs.hpp). The
/// file format is in docs/sweep.md. This file reads the format and builds each case's link; the
/// execution (workflows/sweep_run.hpp) and the HDF5 store (io/sweep_store.hpp) are apart.
///
/// Case generation (grid numbering, zip, Latin-hypercube samples) stays here: it is bound to the
/// file's axes (their sizes, their values, the sampled points kept per axis).
///
/// Cases are numbered 0 .. case_count()-1; a grid's case index is the row-major (C order) flat
/// index over the axes, axis 0 varying slowest. Each case's config is the base config's TOML
/// table with every axis value set at its key path, loaded by the ordinary config loader, so every
/// rule of the config format applies to swept values; errors name the axis and the case.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/config.hpp"
#include "io/quantity.hpp"
#include "workflows/sweep_outputs.hpp"
#include "workflows/sweep_run.hpp"

namespace phylane::io {

enum class SweepMode { grid, zip, lhs };
std::string_view to_string(SweepMode m);

/// One value of an axis as it is set in the config: a TOML string, integer, float or boolean.
struct AxisValue {
  enum class Kind { text, integer, floating, boolean } kind = Kind::text;
  std::string text;       ///< Kind::text: the string ("4 in", "megtron6")
  std::int64_t integer = 0;
  double floating = 0.0;
  bool boolean = false;
  /// The value in the axis's units (SI, or dBm for dBm ranges); the number itself for numbers;
  /// NaN for names and booleans.
  double numeric = 0.0;
  /// As TOML: "\"4 in\"", "3", "0.25", "true".
  std::string toml() const;
};

struct SweepAxis {
  enum class Kind { quantity, number, text, boolean } kind = Kind::text;
  std::string key;                     ///< normalised key path, e.g. channel.segments[1].length
  std::vector<std::string> path;       ///< components: "channel", "segments", "[1]", "length"
  std::optional<Dimension> dimension;  ///< quantity axes
  std::string units;                   ///< of AxisValue::numeric: "m", "Hz", "dBm", "1"; "" for names
  bool range = false;                  ///< from/to (else a list of values)
  bool log = false;                    ///< range spacing
  int line = 0, column = 0;            ///< position in the sweep file

  /// Grid and zip: the number of values; Latin hypercube: the number of samples.
  std::size_t size() const;
  /// The value at a position (grid, zip) or of a sample (Latin hypercube).
  AxisValue value(std::size_t position) const;
  /// "axis 2 (channel.segments[1].length)"
  std::string label(std::size_t index) const;

  // Storage (filled by the loader).
  std::vector<AxisValue> listed;         ///< list axes: the values as written
  double from = 0.0, to = 0.0;           ///< ranges, in the axis's units
  std::size_t steps = 0;                 ///< grid/zip ranges
  bool integral = false;                 ///< a range of integers (written without units)
  bool dbm = false;                      ///< a power range written in dBm: spaced in dBm
  std::vector<double> sampled;           ///< Latin hypercube ranges: the value of each sample
  std::vector<std::uint32_t> picks;      ///< Latin hypercube lists: the listed index of each sample
};

namespace detail {
struct SweepBase;  // the parsed base config (toml++ stays out of this header)
}

using workflows::CaseResult;

/// The dimension in which the reader parses an option of that kind; nullopt for text, plain
/// numbers and modulation lists.
std::optional<Dimension> option_dimension(workflows::OptionKind kind);

/// A sweep as read from its file: the outputs every case records (workflows::SweepOutputs:
/// scalars, curves, curve_freqs_hz, plans, in the order of the file) and where the cases come
/// from.
struct Sweep : workflows::SweepOutputs {
  std::string source;                 ///< sweep file name as given
  std::string text;                   ///< the sweep file as read
  std::filesystem::path dir;          ///< its folder (a relative base path resolves here)
  std::string base;                   ///< as written: a path or "preset:NAME"
  std::string base_name;              ///< config source in messages: path or "preset:NAME"
  std::string base_text;              ///< the base config as read
  std::filesystem::path base_dir;     ///< its folder (relative Touchstone paths resolve here)
  SweepMode mode = SweepMode::grid;
  std::uint64_t seed = 1;             ///< Latin hypercube
  std::size_t samples = 0;            ///< Latin hypercube
  std::vector<SweepAxis> axes;
  std::shared_ptr<const detail::SweepBase> base_table;

  /// Grid: the axis sizes; zip and Latin hypercube: {case_count()}.
  std::vector<std::size_t> shape() const;
  std::size_t case_count() const;
  /// The position on every axis of a case (zip, Latin hypercube: the case index on each).
  std::vector<std::size_t> positions(std::size_t case_index) const;
  /// "channel.segments[1].length = \"4 in\", signal.rate = \"32 GT/s\"" for messages.
  std::string case_label(std::size_t case_index) const;
};

/// Reads a sweep file. Throws InputError (file:line:col, the axis named) on any problem: unknown
/// keys, an unknown output, an empty range, values of different kinds or units along an axis,
/// a key path that does not fit the base config's structure (index out of range, a value where a
/// table is needed). Cases are not loaded here: see validate_sweep().
Sweep load_sweep(const std::filesystem::path& file);
/// The same from text; `dir` resolves a relative base path. `base_text`, when given, is used
/// as the base config instead of reading it (resume and MPI workers use the stored copy).
Sweep load_sweep_text(std::string_view text, const std::string& name, const std::filesystem::path& dir,
                      const std::optional<std::string>& base_text = std::nullopt);

/// The config of one case: the base with every axis value set, loaded. Throws InputError whose
/// messages name the axis (or, for a combination of values, every axis value) and the case.
Config case_config(const Sweep& sweep, std::size_t case_index);
/// The TOML text of one case's config (the base with the axis values set), to run it on its own.
std::string case_config_text(const Sweep& sweep, std::size_t case_index);

/// Loads every case's config and checks that each requested output applies to it, on `threads`
/// threads (0: all cores). Throws InputError listing the distinct problems (with the first case
/// index of each and how many cases share it, at most 20 problems). `progress(done, total)` is
/// called after each case checked, never concurrently (solvers::parallel_for). `only`: check just
/// these cases (a resume checks the cases still missing); empty: all.
void validate_sweep(const Sweep& sweep, int threads = 0,
                    const std::function<void(std::size_t, std::size_t)>& progress = {},
                    std::span<const std::uint64_t> only = {});

/// A loaded config as a sweep case (its link and its [report] frequencies), moved out of `cfg`.
workflows::SweepCase sweep_case(Config&& cfg);
/// "Build case i" for the sweep's execution (workflows/sweep_run.hpp): case_config as a
/// SweepCase. Throws InputError as case_config. `sweep` must outlive the builder.
workflows::CaseBuilder case_builder(const Sweep& sweep);

/// Loads and evaluates one case (workflows::evaluate_case). Never throws for a failure of the
/// case itself (recorded in the result); thread-safe: cases may run concurrently.
CaseResult evaluate_case(const Sweep& sweep, std::size_t case_index);

/// Byte encoding of results for transport between processes (MPI), appended to `out`.
void encode_results(std::span<const CaseResult> results, std::vector<char>& out);
/// Decodes what encode_results wrote. Throws std::runtime_error on malformed input.
std::vector<CaseResult> decode_results(std::span<const char> bytes);

}  // namespace phylane::io
