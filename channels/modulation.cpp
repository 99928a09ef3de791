#include "channels/modulation.hpp"

#include <algorithm>
#include <cctype>

#include "phy/name_table.hpp"

namespace phylane::channels {

namespace {
// Each modulation's name, display name and bits per symbol, in one row.
struct ModulationRow {
  Modulation value;
  std::string_view name, display;
  int bits;
};
constexpr ModulationRow kModulations[] = {
    {Modulation::nrz, "nrz", "NRZ", 1},
    {Modulation::pam4, "pam4", "PAM4", 2},
    {Modulation::pam8, "pam8", "PAM8", 3},
    {Modulation::pam16, "pam16", "PAM16", 4},
};
}  // namespace

std::string_view to_string(Modulation m) { return phy::name_of(kModulations, m, "nrz"); }

std::string_view display_name(Modulation m) {
  const ModulationRow* r = phy::row_of(kModulations, m);
  return r ? r->display : "NRZ";
}

std::optional<Modulation> parse_modulation(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "pam2") return Modulation::nrz;
  return phy::value_named(kModulations, t);
}

std::string_view allowed_modulations() { return "nrz, pam4, pam8 or pam16"; }

int levels(Modulation m) { return 1 << bits_per_symbol(m); }

int bits_per_symbol(Modulation m) {
  const ModulationRow* r = phy::row_of(kModulations, m);
  return r ? r->bits : 1;
}

std::optional<Modulation> modulation_with_levels(int m) {
  for (const ModulationRow& r : kModulations)
    if (1 << r.bits == m) return r.value;
  return std::nullopt;
}

std::string modulation_name(int m) {
  if (const auto mod = modulation_with_levels(m)) return std::string(to_string(*mod));
  return "pam" + std::to_string(m);
}

constexpr phy::EnumName<RateUnit> kRateUnits[] = {
    {RateUnit::baud, "Bd"}, {RateUnit::bit, "b/s"}, {RateUnit::transfers, "T/s"}};

std::string_view to_string(RateUnit u) { return phy::name_of(kRateUnits, u, "b/s"); }

double LineRate::symbol_rate_baud(Modulation m) const {
  return unit == RateUnit::baud ? value : value / bits_per_symbol(m);
}

double LineRate::bit_rate_bps(Modulation m) const {
  return unit == RateUnit::baud ? value * bits_per_symbol(m) : value;
}

}  // namespace phylane::channels
