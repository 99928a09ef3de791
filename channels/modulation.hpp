#pragma once
/// The signalling vocabulary shared by every way a link is described (config, command line,
/// system files, sweeps, claims): the modulation and the line rate with its unit family.
///
/// Rates (one convention everywhere, docs/config.md "Rates"):
///   - Bd (GBd, MBd): the symbol rate;
///   - b/s (Gb/s, ...): the line bit rate = symbol rate x log2(M);
///   - T/s (GT/s, MT/s): transfers as PCIe counts them, the raw bit rate per lane; so a T/s
///     figure is a bit rate: PCIe 6.0's 64 GT/s is 32 GBd PAM4, PCIe 5.0's 32 GT/s is 32 GBd NRZ.
/// Tested by: tests/channels/modulation_test.cpp "[channels][modulation]".
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace phylane::channels {

/// Gray-coded PAM-M with M a power of two: NRZ (PAM2), PAM4, PAM8, PAM16.
enum class Modulation { nrz, pam4, pam8, pam16 };

/// The config spelling: "nrz", "pam4", "pam8", "pam16".
std::string_view to_string(Modulation m);
/// For tables: "NRZ", "PAM4", ...
std::string_view display_name(Modulation m);
/// "nrz" (also "pam2"), "pam4", "pam8", "pam16", any letter case; nullopt otherwise.
std::optional<Modulation> parse_modulation(std::string_view text);
/// What parse_modulation accepts, for error messages: "nrz, pam4, pam8 or pam16".
std::string_view allowed_modulations();
/// Number of symbol levels M (2, 4, 8, 16).
int levels(Modulation m);
/// log2 M.
int bits_per_symbol(Modulation m);
/// The modulation with M levels; nullopt when M is not 2, 4, 8 or 16.
std::optional<Modulation> modulation_with_levels(int levels);
/// The config spelling of M levels ("nrz", "pam4"; "pam<M>" for other M).
std::string modulation_name(int levels);

/// What a rate figure counts (the unit family it was given in).
enum class RateUnit {
  baud,       ///< symbols per second (Bd)
  bit,        ///< line bits per second (b/s)
  transfers,  ///< PCIe transfers per second (T/s): one transfer is one raw bit on the lane
};
std::string_view to_string(RateUnit u);

/// A rate as the user gave it: a value in its unit family. Resolving it needs the modulation
/// (except for the symbol/bit rate of NRZ, where they coincide).
struct LineRate {
  double value = 0.0;             ///< [Bd], [b/s] or [T/s], > 0
  RateUnit unit = RateUnit::bit;

  /// Symbols per second at modulation m: value (Bd) or value / log2 M (b/s, T/s).
  double symbol_rate_baud(Modulation m) const;
  /// Line bits per second at modulation m: value x log2 M (Bd) or value (b/s, T/s).
  double bit_rate_bps(Modulation m) const;
  /// True for a symbol rate (Bd).
  bool is_symbol_rate() const { return unit == RateUnit::baud; }
};

}  // namespace phylane::channels
