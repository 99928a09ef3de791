#pragma once
/// Quantities with units in config strings: "10 in", "5 mil", "16 GHz", "-3 dBm", "2 dB/cm".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/modulation.hpp"

namespace phylane::io {

/// What kind of physical quantity a config key holds. Each has its own set of accepted units.
enum class Dimension {
  length,             ///< m, cm, mm, um, nm, in, mil (thou), ft
  copper_thickness,   ///< any length, or copper weight in oz (1 oz = 34.3 um, IPC-4562)
  frequency,          ///< Hz, kHz, MHz, GHz, THz
  data_rate,          ///< b/s, kb/s, Mb/s, Gb/s, Tb/s (also bps, Gbps), GT/s, MT/s, Bd, GBd
  resistance,         ///< ohm (also Ohm, Ω), mohm, kohm
  conductivity,       ///< S/m, MS/m
  temperature,        ///< degC (also °C, C), K; stored in degC
  time,               ///< s, ms, us, ns, ps, fs
  capacitance,        ///< F, uF, nF, pF, fF
  inductance,         ///< H, uH, nH, pH
  voltage,            ///< V, mV, uV
  power,              ///< W, mW, uW, nW, dBm (stored in W)
  attenuation_per_length,  ///< dB/m, dB/cm, dB/mm, dB/in, dB/km (stored in dB/m)
  decibel,            ///< dB
  area,               ///< m^2, mm^2, um^2 (also µm^2, um2)
  current,            ///< A, mA, uA, nA, pA
  current_density,    ///< A/sqrt(Hz), pA/sqrt(Hz) (also /rtHz, /√Hz)
  responsivity,       ///< A/W, mA/mW
  rin,                ///< dB/Hz (relative intensity noise)
  dispersion,         ///< ps/(nm km) (also ps/nm/km), s/m^2; stored in s/m^2
  wavelength,         ///< nm, um, m (a length)
  power_psd,          ///< V^2/Hz, V^2/GHz; stored in V^2/Hz
  energy,             ///< J, mJ, uJ, nJ, pJ, fJ, aJ, each optionally per bit ("5 pJ/bit", "60 fJ/b")
};

std::string_view to_string(Dimension d);
/// Examples of valid text for error messages, e.g. "\"5 mil\", \"0.1 mm\"".
std::string_view examples(Dimension d);

/// The value in SI (or the unit stated for the dimension above), or an error message explaining
/// what is allowed. A bare number is rejected: every dimensioned value needs its unit.
struct ParsedQuantity {
  std::optional<double> value;
  std::string error;
};
/// Tested by: tests/io/quantity_test.cpp
ParsedQuantity parse_quantity(std::string_view text, Dimension dim);

/// A rate in the one vocabulary of channels/modulation.hpp: "32 GBd" (symbol rate), "106.25 Gb/s"
/// (bit rate), "64 GT/s" (PCIe transfers = bit rate per lane). The error explains what is allowed.
/// Tested by: tests/io/quantity_test.cpp
struct ParsedRate {
  std::optional<channels::LineRate> rate;
  std::string error;
};
ParsedRate parse_rate(std::string_view text);

/// A comma list of modulations ("nrz,pam4"), as the command line, sweeps and claims take it: the
/// levels of each (2, 4, ...), in the order given, or an error naming what is allowed.
struct ParsedLevels {
  std::vector<int> levels;
  std::string error;
};
ParsedLevels parse_modulation_list(std::string_view text);

/// `s` without leading and trailing blanks and tabs.
std::string_view trim(std::string_view s);
/// A whole string as a plain number ("70e9", "+3", " 2.5 "), finite; nullopt otherwise.
std::optional<double> parse_plain_number(std::string_view text);

/// A value printed back in its dimension's SI unit with an engineering prefix ("127 um",
/// "16 GHz", "25 degC"), in the shortest form that parses back to exactly the same double.
std::string format_quantity(double si_value, Dimension dim);

}  // namespace phylane::io
