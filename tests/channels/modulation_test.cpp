// The signalling vocabulary: modulation names and the one rate convention (Bd = symbol rate;
// b/s and T/s = line bit rate per lane), checked against the standards' own figures.
#include <catch2/catch.hpp>

#include "channels/modulation.hpp"

using namespace phylane::channels;

TEST_CASE("Modulations parse from their config spelling and print back the same", "[channels][modulation][unit]") {
  for (Modulation m : {Modulation::nrz, Modulation::pam4, Modulation::pam8, Modulation::pam16}) {
    INFO(to_string(m));
    REQUIRE(parse_modulation(to_string(m)) == m);
    CHECK(modulation_with_levels(levels(m)) == m);
    CHECK((1 << bits_per_symbol(m)) == levels(m));
  }
  CHECK(parse_modulation("PAM4") == Modulation::pam4);
  CHECK(parse_modulation("pam2") == Modulation::nrz);
  CHECK_FALSE(parse_modulation("pam3"));
  CHECK_FALSE(parse_modulation("qam16"));
  CHECK_FALSE(modulation_with_levels(3));
  CHECK(modulation_name(4) == "pam4");
  CHECK(display_name(Modulation::pam8) == "PAM8");
}

// Reference figures: PCI Express Base Specification 6.0 (64 GT/s PAM4 at 32 GBd; 5.0: 32 GT/s
// NRZ at 32 GBd), IEEE 802.3ck (106.25 Gb/s PAM4 at 53.125 GBd), IEEE 802.3bs 400GBASE-DR4
// (53.125 GBd PAM4 = 106.25 Gb/s). Exact: the conversions are multiplications by log2 M.
TEST_CASE("Rates follow one convention: Bd is the symbol rate, b/s and T/s the bit rate", "[channels][modulation][reference]") {
  const LineRate pcie6{64e9, RateUnit::transfers};
  CHECK(pcie6.symbol_rate_baud(Modulation::pam4) == 32e9);
  CHECK(pcie6.bit_rate_bps(Modulation::pam4) == 64e9);
  const LineRate pcie5{32e9, RateUnit::transfers};
  CHECK(pcie5.symbol_rate_baud(Modulation::nrz) == 32e9);
  CHECK(pcie5.bit_rate_bps(Modulation::nrz) == 32e9);
  const LineRate ck{106.25e9, RateUnit::bit};
  CHECK(ck.symbol_rate_baud(Modulation::pam4) == 53.125e9);
  const LineRate dr4{53.125e9, RateUnit::baud};
  CHECK(dr4.bit_rate_bps(Modulation::pam4) == 106.25e9);
  CHECK(dr4.symbol_rate_baud(Modulation::pam4) == 53.125e9);
  CHECK(LineRate{32e9, RateUnit::baud}.bit_rate_bps(Modulation::pam8) == 96e9);
}
