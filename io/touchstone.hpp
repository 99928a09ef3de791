#pragma once
/// Touchstone (.sNp) files: reading versions 1.0/1.1 and 2.0/2.1 into a channels::Network, and
/// writing versions 1.1 and 2.0. Spec: IBIS Open Forum, "Touchstone File Format Specification",
/// Version 2.0 (2009) and 2.1 (2024). What is and is not supported: docs/touchstone.md.
/// Tested by: tests/io/touchstone_test.cpp, tests/io/touchstone_fuzz_test.cpp.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/network.hpp"

namespace phylane::io {

/// How a complex value is written: real/imaginary, magnitude/angle [deg], dB(20 log10|x|)/angle [deg].
enum class TouchstoneFormat { ri, ma, db };
std::string_view to_string(TouchstoneFormat f);  ///< "RI", "MA", "DB"
/// Case-insensitive; std::nullopt for anything else.
std::optional<TouchstoneFormat> parse_touchstone_format(std::string_view text);

/// The network parameters a file holds. Y and Z are converted to S on reading; H and G are refused.
enum class TouchstoneParameter { s, y, z };
std::string_view to_string(TouchstoneParameter p);  ///< "S", "Y", "Z"

/// Frequency unit of the data lines.
enum class FrequencyUnit { hz, khz, mhz, ghz, thz };
std::string_view to_string(FrequencyUnit u);  ///< "Hz", "kHz", "MHz", "GHz", "THz"
/// Case-insensitive; std::nullopt for anything else.
std::optional<FrequencyUnit> parse_frequency_unit(std::string_view text);
/// Decimal exponent of the unit: Hz 0, kHz 3, MHz 6, GHz 9, THz 12.
int frequency_unit_exponent(FrequencyUnit u);

/// File version to write. 1.1 is the classic option-line syntax without keywords (readable by every
/// tool, one reference impedance for all ports); 2.0 adds keywords and per-port references.
enum class TouchstoneVersion { v1_1, v2_0 };
std::string_view to_string(TouchstoneVersion v);  ///< "1.1", "2.0"
/// Accepts "1", "1.1", "2", "2.0"; std::nullopt for anything else.
std::optional<TouchstoneVersion> parse_touchstone_version(std::string_view text);

/// What a file said about itself, beyond the network.
struct TouchstoneInfo {
  std::string version;  ///< "1.0" (no [Version] keyword), "1.1" (per-port R on the option line), "2.0", "2.1"
  TouchstoneParameter parameter = TouchstoneParameter::s;
  TouchstoneFormat format = TouchstoneFormat::ma;
  FrequencyUnit frequency_unit = FrequencyUnit::ghz;
  std::vector<double> reference_ohm;  ///< per port, as given (option line R or [Reference])
  std::size_t noise_frequencies = 0;  ///< noise-parameter records skipped (2-port files only)
  std::vector<std::string> comments;  ///< text after '!' of every comment-only line, in file order
  std::vector<std::string> notices;   ///< things tolerated or skipped, for a report (not errors)
};

/// The largest port count accepted: 1024 (a larger [Number of Ports] or .sNp is refused before
/// anything is allocated).
inline constexpr int touchstone_max_ports = 1024;
/// The largest file read_touchstone accepts [bytes]: 2 GiB.
inline constexpr std::uintmax_t touchstone_max_file_bytes = std::uintmax_t{2} << 30;

/// Port count implied by a Touchstone 1.x extension: ".s4p" -> 4 (also .yNp, .zNp; any case);
/// 0 when the extension says nothing (".ts", ".txt"). Values above touchstone_max_ports are
/// returned as they are, so that the reader can refuse them with a message.
int touchstone_ports_from_extension(const std::filesystem::path& file);

/// Reads a Touchstone file into S-parameters referenced to the file's (real) reference impedances.
/// Y and Z data are converted to S (version 1.x data are normalised to R, 2.x data are in
/// siemens / ohms). Frequencies are in Hz, each the correctly rounded value of the decimal in the
/// file times the unit (exact decimal scaling, not a multiplication).
/// Throws InputError listing every problem found (file:line:column: message), up to 20, for any
/// malformed input; never allocates more than a small multiple of the file size.
/// @param info  if not null, receives the version, options, comments and notices.
channels::Network read_touchstone(const std::filesystem::path& file, TouchstoneInfo* info = nullptr);

/// The same from text in memory. `name` is used in messages and as Network::name; `ports_hint` is
/// the port count from a .sNp extension (0 = unknown: then the text must be version 2.x).
channels::Network read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                       TouchstoneInfo* info = nullptr);

/// How write_touchstone lays out a file.
struct TouchstoneWriteOptions {
  TouchstoneVersion version = TouchstoneVersion::v1_1;
  TouchstoneFormat format = TouchstoneFormat::ri;  ///< RI is the only bit-exact round trip
  FrequencyUnit frequency_unit = FrequencyUnit::ghz;
  std::string program_version;        ///< e.g. io::phylane_version(); written in the first comment line
  std::vector<std::string> comments;  ///< extra comment lines (newlines split into several lines)
};

/// The text of a Touchstone file for `network` (S-parameters only).
/// Values are printed in the shortest form that reads back to the same double (std::to_chars), so
/// RI data and all frequencies round-trip bit-exactly; MA and DB data round-trip to within a few
/// units in the last place of |S| (see docs/touchstone.md). Version 1.1 files put each frequency
/// on one line for 1- and 2-ports (order S11 S21 S12 S22) and each matrix row on its own line(s),
/// at most 4 values pairs per line, for 3 ports and more.
/// Throws std::invalid_argument for an empty network, non-finite S or, for version 1.1, reference
/// impedances that differ between ports (write 2.0 instead).
std::string touchstone_text(const channels::Network& network, const TouchstoneWriteOptions& options = {});

/// Writes touchstone_text(network, options) to `file` through `file`.tmp and a rename, so that no
/// partial file is ever left under the final name. For version 1.1 the extension must be .sNp with N
/// the port count (the only place a 1.x file states it); for 2.0 a .sNp extension must match too.
/// Throws std::invalid_argument for those preconditions and std::runtime_error when writing fails.
void write_touchstone(const channels::Network& network, const std::filesystem::path& file,
                      const TouchstoneWriteOptions& options = {});

}  // namespace phylane::io
