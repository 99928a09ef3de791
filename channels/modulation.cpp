#include "channels/modulation.hpp"

#include <algorithm>
#include <cctype>

namespace phylane::channels {

std::string_view to_string(Modulation m) {
  switch (m) {
    case Modulation::nrz: return "nrz";
    case Modulation::pam4: return "pam4";
    case Modulation::pam8: return "pam8";
    case Modulation::pam16: return "pam16";
  }
  return "nrz";
}

std::string_view display_name(Modulation m) {
  switch (m) {
    case Modulation::nrz: return "NRZ";
    case Modulation::pam4: return "PAM4";
    case Modulation::pam8: return "PAM8";
    case Modulation::pam16: return "PAM16";
  }
  return "NRZ";
}

std::optional<Modulation> parse_modulation(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "nrz" || t == "pam2") return Modulation::nrz;
  if (t == "pam4") return Modulation::pam4;
  if (t == "pam8") return Modulation::pam8;
  if (t == "pam16") return Modulation::pam16;
  return std::nullopt;
}

std::string_view allowed_modulations() { return "nrz, pam4, pam8 or pam16"; }

int levels(Modulation m) { return 1 << bits_per_symbol(m); }

int bits_per_symbol(Modulation m) {
  switch (m) {
    case Modulation::nrz: return 1;
    case Modulation::pam4: return 2;
    case Modulation::pam8: return 3;
    case Modulation::pam16: return 4;
  }
  return 1;
}

std::optional<Modulation> modulation_with_levels(int m) {
  switch (m) {
    case 2: return Modulation::nrz;
    case 4: return Modulation::pam4;
    case 8: return Modulation::pam8;
    case 16: return Modulation::pam16;
    default: return std::nullopt;
  }
}

std::string modulation_name(int m) {
  if (const auto mod = modulation_with_levels(m)) return std::string(to_string(*mod));
  return "pam" + std::to_string(m);
}

std::string_view to_string(RateUnit u) {
  switch (u) {
    case RateUnit::baud: return "Bd";
    case RateUnit::bit: return "b/s";
    case RateUnit::transfers: return "T/s";
  }
  return "b/s";
}

double LineRate::symbol_rate_baud(Modulation m) const {
  return unit == RateUnit::baud ? value : value / bits_per_symbol(m);
}

double LineRate::bit_rate_bps(Modulation m) const {
  return unit == RateUnit::baud ? value * bits_per_symbol(m) : value;
}

}  // namespace phylane::channels
