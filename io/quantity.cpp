#include "io/quantity.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <vector>

#include "phy/name_table.hpp"
#include "phy/units.hpp"

namespace phylane::io {

namespace {

struct Unit {
  std::string_view name;
  double scale;  // SI value = number * scale (+ offset)
  double offset = 0.0;
};

const std::vector<Unit>& units_of(Dimension d) {
  using namespace phy::units;
  static const std::vector<Unit> length = {
      {"m", 1.0}, {"cm", 1e-2}, {"mm", 1e-3}, {"um", 1e-6}, {"µm", 1e-6}, {"μm", 1e-6},
      {"nm", 1e-9}, {"km", 1e3}, {"in", inch}, {"inch", inch}, {"mil", mil}, {"mils", mil},
      {"thou", mil}, {"ft", 0.3048}};
  static const std::vector<Unit> copper = [] {
    auto v = length;
    v.push_back({"oz", copper_oz});
    return v;
  }();
  static const std::vector<Unit> frequency = {
      {"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {"THz", 1e12}};
  static const std::vector<Unit> rate = {
      {"b/s", 1.0},  {"bps", 1.0},  {"kb/s", 1e3},  {"kbps", 1e3},  {"Mb/s", 1e6},
      {"Mbps", 1e6}, {"Gb/s", 1e9}, {"Gbps", 1e9},  {"Tb/s", 1e12}, {"Tbps", 1e12},
      {"T/s", 1.0},  {"MT/s", 1e6}, {"GT/s", 1e9},  {"Bd", 1.0},    {"kBd", 1e3},
      {"MBd", 1e6},  {"GBd", 1e9}};
  static const std::vector<Unit> resistance = {
      {"ohm", 1.0}, {"Ohm", 1.0}, {"ohms", 1.0}, {"Ω", 1.0}, {"mohm", 1e-3}, {"kohm", 1e3},
      {"kΩ", 1e3}, {"Mohm", 1e6}};
  static const std::vector<Unit> conductivity = {{"S/m", 1.0}, {"MS/m", 1e6}};
  static const std::vector<Unit> temperature = {
      {"degC", 1.0}, {"°C", 1.0}, {"C", 1.0}, {"K", 1.0, -273.15}};
  static const std::vector<Unit> time = {
      {"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"µs", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12},
      {"fs", 1e-15}};
  static const std::vector<Unit> capacitance = {
      {"F", 1.0}, {"uF", 1e-6}, {"µF", 1e-6}, {"nF", 1e-9}, {"pF", 1e-12}, {"fF", 1e-15}};
  static const std::vector<Unit> inductance = {
      {"H", 1.0}, {"mH", 1e-3}, {"uH", 1e-6}, {"µH", 1e-6}, {"nH", 1e-9}, {"pH", 1e-12}};
  static const std::vector<Unit> voltage = {{"V", 1.0}, {"mV", 1e-3}, {"uV", 1e-6}, {"µV", 1e-6}};
  static const std::vector<Unit> power = {
      {"W", 1.0}, {"mW", 1e-3}, {"uW", 1e-6}, {"µW", 1e-6}, {"nW", 1e-9}};
  static const std::vector<Unit> attenuation = {
      {"dB/m", 1.0}, {"dB/cm", 1e2}, {"dB/mm", 1e3}, {"dB/in", 1.0 / inch}, {"dB/km", 1e-3}};
  static const std::vector<Unit> decibel = {{"dB", 1.0}};
  static const std::vector<Unit> area = {{"m^2", 1.0}, {"mm^2", 1e-6}, {"um^2", 1e-12}, {"µm^2", 1e-12},
                                         {"um2", 1e-12}, {"mm2", 1e-6}, {"m2", 1.0}};
  static const std::vector<Unit> current = {{"A", 1.0}, {"mA", 1e-3}, {"uA", 1e-6}, {"µA", 1e-6}, {"nA", 1e-9},
                                            {"pA", 1e-12}};
  static const std::vector<Unit> current_density = {
      {"A/sqrt(Hz)", 1.0}, {"nA/sqrt(Hz)", 1e-9}, {"pA/sqrt(Hz)", 1e-12}, {"pA/rtHz", 1e-12},
      {"pA/√Hz", 1e-12},   {"A/rtHz", 1.0},       {"nA/rtHz", 1e-9}};
  static const std::vector<Unit> responsivity = {{"A/W", 1.0}, {"mA/mW", 1.0}};
  static const std::vector<Unit> rin = {{"dB/Hz", 1.0}};
  // 1 ps/(nm km) = 1e-12 s / (1e-9 m * 1e3 m) = 1e-6 s/m^2.
  static const std::vector<Unit> dispersion = {{"ps/(nm km)", 1e-6}, {"ps/(nm*km)", 1e-6}, {"ps/nm/km", 1e-6},
                                               {"ps/(nm·km)", 1e-6}, {"s/m^2", 1.0}};
  static const std::vector<Unit> power_psd = {{"V^2/Hz", 1.0}, {"V^2/GHz", 1e-9}};
  // Energy per bit is written "5 pJ", "5 pJ/bit" or "5 pJ/b": parse_quantity strips the "/bit" or
  // "/b" of an energy before looking the unit up here.
  static const std::vector<Unit> energy = {{"J", 1.0},   {"mJ", 1e-3},  {"uJ", 1e-6},  {"µJ", 1e-6},
                                           {"nJ", 1e-9}, {"pJ", 1e-12}, {"fJ", 1e-15}, {"aJ", 1e-18}};
  switch (d) {
    case Dimension::length: return length;
    case Dimension::copper_thickness: return copper;
    case Dimension::frequency: return frequency;
    case Dimension::data_rate: return rate;
    case Dimension::resistance: return resistance;
    case Dimension::conductivity: return conductivity;
    case Dimension::temperature: return temperature;
    case Dimension::time: return time;
    case Dimension::capacitance: return capacitance;
    case Dimension::inductance: return inductance;
    case Dimension::voltage: return voltage;
    case Dimension::power: return power;
    case Dimension::attenuation_per_length: return attenuation;
    case Dimension::decibel: return decibel;
    case Dimension::area: return area;
    case Dimension::current: return current;
    case Dimension::current_density: return current_density;
    case Dimension::responsivity: return responsivity;
    case Dimension::rin: return rin;
    case Dimension::dispersion: return dispersion;
    case Dimension::wavelength: return length;
    case Dimension::power_psd: return power_psd;
    case Dimension::energy: return energy;
  }
  return length;
}

std::string unit_list(Dimension d) {
  std::string out;
  for (const auto& u : units_of(d)) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  if (d == Dimension::power) out += ", dBm";
  if (d == Dimension::energy) out += "; each optionally per bit: pJ/bit, pJ/b";
  return out;
}

// Shortest decimal text that parses back to exactly v.
std::string shortest(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// Each dimension's name (as messages say it) and examples of its values, in one row.
struct DimensionText {
  Dimension value;
  std::string_view name, examples;
};
constexpr DimensionText kDimensionTexts[] = {
    {Dimension::length, "length", "\"10 in\", \"5 mil\", \"0.3 m\""},
    {Dimension::copper_thickness, "copper thickness", "\"0.5 oz\", \"17 um\", \"0.7 mil\""},
    {Dimension::frequency, "frequency", "\"16 GHz\", \"500 MHz\""},
    {Dimension::data_rate, "data rate", "\"32 GT/s\", \"112 Gb/s\", \"53.125 GBd\""},
    {Dimension::resistance, "resistance", "\"85 ohm\", \"50 ohm\""},
    {Dimension::conductivity, "conductivity", "\"5.8e7 S/m\", \"58 MS/m\""},
    {Dimension::temperature, "temperature", "\"25 degC\", \"300 K\""},
    {Dimension::time, "time", "\"10 ps\", \"1 ns\""},
    {Dimension::capacitance, "capacitance", "\"0.2 pF\", \"100 nF\""},
    {Dimension::inductance, "inductance", "\"0.5 nH\""},
    {Dimension::voltage, "voltage", "\"0.8 V\", \"400 mV\""},
    {Dimension::power, "power", "\"-3 dBm\", \"2 mW\""},
    {Dimension::attenuation_per_length, "attenuation per length", "\"2 dB/cm\", \"0.35 dB/km\""},
    {Dimension::decibel, "level in dB", "\"3 dB\", \"-1.5 dB\""},
    {Dimension::area, "area", "\"115 um^2\""},
    {Dimension::current, "current", "\"10 nA\", \"1 mA\""},
    {Dimension::current_density, "current noise density", "\"12 pA/sqrt(Hz)\""},
    {Dimension::responsivity, "responsivity", "\"0.9 A/W\""},
    {Dimension::rin, "relative intensity noise", "\"-145 dB/Hz\""},
    {Dimension::dispersion, "chromatic dispersion", "\"17 ps/(nm km)\""},
    {Dimension::wavelength, "wavelength", "\"1310 nm\", \"1.55 um\""},
    {Dimension::power_psd, "noise power spectral density", "\"5.2e-8 V^2/GHz\""},
    {Dimension::energy, "energy", "\"5 pJ\", \"60 fJ/bit\""},
};
}  // namespace

std::string_view to_string(Dimension d) { return phy::name_of(kDimensionTexts, d); }

std::string_view examples(Dimension d) {
  const DimensionText* t = phy::row_of(kDimensionTexts, d);
  return t ? t->examples : "";
}

ParsedQuantity parse_quantity(std::string_view text, Dimension dim) {
  const std::string_view t = trim(text);
  double number = 0.0;
  const char* first = t.data();
  const char* last = t.data() + t.size();
  if (!t.empty() && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, number);
  if (ec != std::errc() || ptr == first)
    return {std::nullopt, "must be a " + std::string(to_string(dim)) + " with a unit, e.g. " +
                              std::string(examples(dim))};
  if (!std::isfinite(number))
    return {std::nullopt, "must be a finite " + std::string(to_string(dim))};
  const std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(last - ptr)));
  if (unit.empty())
    return {std::nullopt, "needs a unit: a " + std::string(to_string(dim)) + " such as " +
                              std::string(examples(dim))};
  if (dim == Dimension::power && unit == "dBm") return {phy::units::dbm_to_watts(number), {}};
  std::string_view base = unit;
  if (dim == Dimension::energy)
    for (const std::string_view per : {"/bit", "/b"})
      if (base.size() > per.size() && base.substr(base.size() - per.size()) == per) {
        base = trim(base.substr(0, base.size() - per.size()));
        break;
      }
  for (const auto& u : units_of(dim))
    if (base == u.name) return {number * u.scale + u.offset, {}};
  return {std::nullopt, "\"" + std::string(unit) + "\" is not a unit of " +
                            std::string(to_string(dim)) + " (allowed: " + unit_list(dim) + ")"};
}

std::string format_quantity(double v, Dimension dim) {
  struct Prefixed {
    double scale;
    std::string_view unit;
  };
  std::vector<Prefixed> ladder;
  switch (dim) {
    case Dimension::length:
    case Dimension::copper_thickness:
      ladder = {{1.0, "m"}, {1e-3, "mm"}, {1e-6, "um"}, {1e-9, "nm"}};
      break;
    case Dimension::frequency: ladder = {{1e12, "THz"}, {1e9, "GHz"}, {1e6, "MHz"}, {1e3, "kHz"}, {1.0, "Hz"}}; break;
    case Dimension::data_rate: ladder = {{1e12, "Tb/s"}, {1e9, "Gb/s"}, {1e6, "Mb/s"}, {1.0, "b/s"}}; break;
    case Dimension::resistance: ladder = {{1e3, "kohm"}, {1.0, "ohm"}, {1e-3, "mohm"}}; break;
    case Dimension::conductivity: ladder = {{1.0, "S/m"}}; break;
    case Dimension::temperature: ladder = {{1.0, "degC"}}; break;
    case Dimension::time: ladder = {{1.0, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"}, {1e-12, "ps"}, {1e-15, "fs"}}; break;
    case Dimension::capacitance: ladder = {{1.0, "F"}, {1e-6, "uF"}, {1e-9, "nF"}, {1e-12, "pF"}, {1e-15, "fF"}}; break;
    case Dimension::inductance: ladder = {{1.0, "H"}, {1e-6, "uH"}, {1e-9, "nH"}, {1e-12, "pH"}}; break;
    case Dimension::voltage: ladder = {{1.0, "V"}, {1e-3, "mV"}, {1e-6, "uV"}}; break;
    case Dimension::power: ladder = {{1.0, "W"}, {1e-3, "mW"}, {1e-6, "uW"}, {1e-9, "nW"}}; break;
    case Dimension::attenuation_per_length: ladder = {{1.0, "dB/m"}}; break;
    case Dimension::decibel: ladder = {{1.0, "dB"}}; break;
    case Dimension::area: ladder = {{1.0, "m^2"}, {1e-6, "mm^2"}, {1e-12, "um^2"}}; break;
    case Dimension::current: ladder = {{1.0, "A"}, {1e-3, "mA"}, {1e-6, "uA"}, {1e-9, "nA"}, {1e-12, "pA"}}; break;
    case Dimension::current_density: ladder = {{1.0, "A/sqrt(Hz)"}, {1e-12, "pA/sqrt(Hz)"}}; break;
    case Dimension::responsivity: ladder = {{1.0, "A/W"}}; break;
    case Dimension::rin: ladder = {{1.0, "dB/Hz"}}; break;
    case Dimension::dispersion: ladder = {{1e-6, "ps/(nm km)"}}; break;
    case Dimension::wavelength: ladder = {{1.0, "m"}, {1e-6, "um"}, {1e-9, "nm"}}; break;
    case Dimension::power_psd: ladder = {{1.0, "V^2/Hz"}, {1e-9, "V^2/GHz"}}; break;
    case Dimension::energy:
      ladder = {{1.0, "J"}, {1e-3, "mJ"}, {1e-6, "uJ"}, {1e-9, "nJ"}, {1e-12, "pJ"}, {1e-15, "fJ"}, {1e-18, "aJ"}};
      break;
  }
  const double mag = std::abs(v);
  const Prefixed* pick = &ladder.back();
  for (const auto& p : ladder)
    if (mag >= p.scale) {
      pick = &p;
      break;
    }
  if (mag == 0.0) pick = &ladder.front();
  // Prefer the prefixed form only when it parses back exactly.
  const std::string txt = shortest(v / pick->scale) + " " + std::string(pick->unit);
  const auto back = parse_quantity(txt, dim);
  if (back.value && *back.value == v) return txt;
  return shortest(v / ladder.front().scale) + " " + std::string(ladder.front().unit);
}

ParsedRate parse_rate(std::string_view text) {
  const ParsedQuantity q = parse_quantity(text, Dimension::data_rate);
  if (!q.value) return {std::nullopt, q.error};
  std::string_view t = text;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  auto ends = [&t](std::string_view suffix) { return t.size() >= suffix.size() && t.substr(t.size() - suffix.size()) == suffix; };
  const channels::RateUnit unit = ends("Bd") ? channels::RateUnit::baud
                                  : ends("T/s") ? channels::RateUnit::transfers
                                                : channels::RateUnit::bit;
  return {channels::LineRate{*q.value, unit}, {}};
}

ParsedLevels parse_modulation_list(std::string_view text) {
  ParsedLevels out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    std::string_view tok = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
    while (!tok.empty() && tok.back() == ' ') tok.remove_suffix(1);
    const auto m = channels::parse_modulation(tok);
    if (!m) {
      out.levels.clear();
      out.error = "\"" + std::string(tok) + "\" is not a modulation: use a comma list of " +
                  std::string(channels::allowed_modulations());
      return out;
    }
    out.levels.push_back(channels::levels(*m));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_plain_number(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  double v = 0.0;
  const char* first = t.data();
  if (*first == '+') ++first;
  const auto r = std::from_chars(first, t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace phylane::io
