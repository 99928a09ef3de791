#pragma once
/// Helpers shared by the tests of the io readers (configs, systems, studies, claims): the
/// diagnostics a text earns, one-key edits of a fixture text, and the routes the config and command
/// tests use.
/// Header-only: it needs phylane::io, which only the io and app tests link.
#include <catch2/catch.hpp>

#include <string>

#include "io/config.hpp"
#include "io/diagnostics.hpp"

namespace phylane::test {

/// All diagnostics of the io::InputError that `load()` throws, joined as the reader prints them,
/// or "" when it loads.
template <class Load>
std::string input_errors(Load&& load) {
  try {
    load();
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "";
}

/// The diagnostics of loading config `text` as file "t.toml" (io::load_config_text), or "".
inline std::string config_errors(const std::string& text) {
  return input_errors([&] { io::load_config_text(text, "t.toml"); });
}

/// `text` with its first `from` replaced by `to`; the test fails when `from` is not in it.
inline std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto p = text.find(from);
  REQUIRE(p != std::string::npos);
  return text.replace(p, from.size(), to);
}

/// One [[channel.segments]] entry: a `length` of MEGTRON 6 coupled stripline, 5 mil
/// wide, 7 mil apart, 5 mil from its planes, with HVLP foil. Its lines, from the entry's first:
/// [[channel.segments]], name (only when `name` is given), geometry, length, width, spacing,
/// height, material, foil.
inline std::string coupled_stripline_segment(const std::string& length, const std::string& name = "") {
  std::string entry = "[[channel.segments]]\n";
  if (!name.empty()) entry += "name = \"" + name + "\"\n";
  entry += "geometry = \"coupled_stripline\"\n";
  entry += "length = \"" + length + "\"\n";
  return entry + "width = \"5 mil\"\nspacing = \"7 mil\"\nheight = \"5 mil\"\nmaterial = \"megtron-6\"\nfoil = \"hvlp\"\n";
}

/// A [channel] of one 85-ohm PCIe-class board route: `length` of FR408HR coupled stripline named
/// "route", 4.5 mil wide, 6 mil apart, 0.5 oz copper, 4 mil from its planes, with VLP foil.
inline std::string fr408hr_route_channel(const std::string& length) {
  return "[channel]\ndriver = { impedance = \"85 ohm\" }\nreceiver = { impedance = \"85 ohm\" }\n"
         "[[channel.segments]]\nname = \"route\"\ngeometry = \"coupled_stripline\"\nlength = \"" +
         length +
         "\"\nwidth = \"4.5 mil\"\nspacing = \"6 mil\"\nthickness = \"0.5 oz\"\nheight = \"4 mil\"\n"
         "material = \"fr408hr\"\nfoil = \"vlp\"\n";
}

}  // namespace phylane::test
