#include <catch2/catch.hpp>

#include "io/quantity.hpp"

using namespace phylane::io;

TEST_CASE("Quantities parse with their units into SI", "[io][quantity][unit]") {
  struct Row {
    const char* text;
    Dimension dim;
    double si;
  };
  // Definitions: 1 in = 25.4 mm exactly; 1 mil = 25.4 um; 1 oz copper = 34.3 um (IPC-4562).
  const Row rows[] = {
      {"10 in", Dimension::length, 0.254},         {"5 mil", Dimension::length, 127e-6},
      {"0.3 m", Dimension::length, 0.3},           {"17 um", Dimension::copper_thickness, 17e-6},
      {"0.5 oz", Dimension::copper_thickness, 17.15e-6}, {"1310 nm", Dimension::length, 1.31e-6},
      {"16 GHz", Dimension::frequency, 16e9},      {"32 GT/s", Dimension::data_rate, 32e9},
      {"53.125 GBd", Dimension::data_rate, 53.125e9}, {"85 ohm", Dimension::resistance, 85.0},
      {"-3 dBm", Dimension::power, 0.5011872336272722e-3}, {"2 dB/cm", Dimension::attenuation_per_length, 200.0},
      {"0.35 dB/km", Dimension::attenuation_per_length, 0.35e-3}, {"25 degC", Dimension::temperature, 25.0},
      {"300 K", Dimension::temperature, 26.85},    {"5.8e7 S/m", Dimension::conductivity, 5.8e7},
      {"  +12.5   ps ", Dimension::time, 12.5e-12}, {"0.2 pF", Dimension::capacitance, 0.2e-12},
  };
  for (const auto& r : rows) {
    const auto q = parse_quantity(r.text, r.dim);
    INFO(r.text << ": " << q.error);
    REQUIRE(q.value.has_value());
    CHECK(*q.value == Approx(r.si).epsilon(1e-12));
  }
}

TEST_CASE("Bad quantities are refused with what is allowed", "[io][quantity][unit]") {
  auto err = [](const char* t, Dimension d) { return parse_quantity(t, d).error; };
  CHECK_THAT(err("5 parsecs", Dimension::length), Catch::Contains("\"parsecs\" is not a unit of length") &&
                                                      Catch::Contains("mil"));
  CHECK_THAT(err("10", Dimension::length), Catch::Contains("needs a unit"));
  CHECK_THAT(err("ten in", Dimension::length), Catch::Contains("e.g."));
  CHECK_THAT(err("16 GHz", Dimension::length), Catch::Contains("not a unit of length"));
  CHECK_THAT(err("1 oz", Dimension::length), Catch::Contains("not a unit of length"));  // oz only for copper
  CHECK_FALSE(parse_quantity("inf m", Dimension::length).value.has_value());
}

TEST_CASE("Formatted quantities parse back to the same value", "[io][quantity][property]") {
  for (double v : {0.254, 127e-6, 1.7e-5, 3.3e-9, 1.0}) {
    const auto txt = format_quantity(v, Dimension::length);
    CHECK(parse_quantity(txt, Dimension::length).value == v);
  }
  CHECK(format_quantity(16e9, Dimension::frequency) == "16 GHz");
  CHECK(format_quantity(127e-6, Dimension::length) == "127 um");
}

TEST_CASE("Energies parse with or without a per-bit suffix", "[io][quantity][unit]") {
  // Energy per bit is an energy: "5 pJ/bit" = "5 pJ/b" = "5 pJ" = 5e-12 J (SI prefixes exact).
  struct Row {
    const char* text;
    double si;
  };
  const Row rows[] = {{"5 pJ", 5e-12},       {"5 pJ/bit", 5e-12},   {"5 pJ/b", 5e-12},     {"60 fJ/bit", 60e-15},
                      {"0.5 fJ/b", 0.5e-15}, {"3 nJ/bit", 3e-9},    {"2 uJ/b", 2e-6},      {"2 µJ", 2e-6},
                      {"1 mJ/bit", 1e-3},    {"1.5 J/b", 1.5},      {"800 aJ/bit", 800e-18}};
  for (const auto& r : rows) {
    const auto q = parse_quantity(r.text, Dimension::energy);
    INFO(r.text << ": " << q.error);
    REQUIRE(q.value.has_value());
    CHECK(*q.value == Approx(r.si).epsilon(1e-15));
  }
  auto err = [](const char* t) { return parse_quantity(t, Dimension::energy).error; };
  CHECK_THAT(err("5 pW"), Catch::Contains("\"pW\" is not a unit of energy") && Catch::Contains("pJ/bit"));
  CHECK_THAT(err("5 /bit"), Catch::Contains("\"/bit\" is not a unit of energy"));
  CHECK_THAT(err("5 pJ/s"), Catch::Contains("\"pJ/s\" is not a unit of energy"));
  CHECK_THAT(err("5"), Catch::Contains("needs a unit"));
  // Per-bit suffixes belong to energy only.
  CHECK_FALSE(parse_quantity("5 W/bit", Dimension::power).value.has_value());
  CHECK(format_quantity(3.9e-12, Dimension::energy) == "3.9 pJ");
  CHECK(parse_quantity(format_quantity(7.15e-12, Dimension::energy), Dimension::energy).value == 7.15e-12);
}

TEST_CASE("Rates keep their unit family: Bd symbol rate, b/s and T/s bit rate", "[io][quantity][unit]") {
  using phylane::channels::RateUnit;
  const auto a = parse_rate("64 GT/s");
  REQUIRE(a.rate);
  CHECK(a.rate->value == 64e9);
  CHECK(a.rate->unit == RateUnit::transfers);
  const auto b = parse_rate("53.125 GBd ");
  REQUIRE(b.rate);
  CHECK(b.rate->value == 53.125e9);
  CHECK(b.rate->unit == RateUnit::baud);
  const auto c = parse_rate("106.25 Gb/s");
  REQUIRE(c.rate);
  CHECK(c.rate->unit == RateUnit::bit);
  CHECK(parse_rate("100 Gbps").rate->unit == RateUnit::bit);
  const auto bad = parse_rate("16 GHz");
  CHECK_FALSE(bad.rate);
  CHECK_THAT(bad.error, Catch::Contains("data rate"));
}

TEST_CASE("A modulation list parses to levels and names what is allowed", "[io][quantity][unit]") {
  const auto ok = parse_modulation_list("nrz, pam4,PAM8");
  CHECK(ok.error.empty());
  CHECK(ok.levels == std::vector<int>{2, 4, 8});
  const auto bad = parse_modulation_list("nrz,qam16");
  CHECK(bad.levels.empty());
  CHECK_THAT(bad.error, Catch::Contains("\"qam16\"") && Catch::Contains("nrz, pam4, pam8 or pam16"));
}
