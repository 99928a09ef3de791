// Touchstone reading and writing: every layout, unit, format and parameter type against values
// constructed independently; compiler-style errors; bit-exact round trips; the real files in
// ../shared/data/touchstone; scikit-rf's reading of the same files (tests/reference/skrf/).
#include <catch2/catch.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"
#include "tests/support/csv_table.hpp"
#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane;
using namespace phylane::io;
using channels::cplx;
using channels::Network;

namespace {

Network read(const std::string& text, int ports, TouchstoneInfo* info = nullptr) {
  return read_touchstone_text(text, "t.s" + std::to_string(ports) + "p", ports, info);
}

/// The diagnostics of a text that must fail to read.
std::vector<Diagnostic> errors_of(const std::string& text, int ports) {
  try {
    read(text, ports);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("expected an InputError for:\n" << text);
  return {};
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

/// |a - b| <= rel |b|: a complex relative comparison (a component near zero is judged against
/// the magnitude of the whole value, as an S-parameter's error should be).
bool close(cplx a, cplx b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }

/// Both networks hold the same frequencies, references and S values, bit for bit.
bool bit_identical(const Network& a, const Network& b) {
  if (a.ports() != b.ports() || a.size() != b.size() || a.z0_ohm() != b.z0_ohm()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!same_bits(a.freq_hz()[k], b.freq_hz()[k])) return false;
    for (int i = 0; i < a.ports(); ++i)
      for (int j = 0; j < a.ports(); ++j)
        if (!same_bits(a.s(k, i, j).real(), b.s(k, i, j).real()) || !same_bits(a.s(k, i, j).imag(), b.s(k, i, j).imag()))
          return false;
  }
  return true;
}

/// A network of random values over many magnitudes (normal, tiny, subnormal, huge, signed zeros)
/// on a grid of "ugly" frequencies, deterministic for a seed.
Network random_network(int ports, std::size_t nf, std::uint64_t seed, bool all_magnitudes = true) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0), e(-12.0, 1.0);
  std::vector<double> f;
  double x = 0.0;
  for (std::size_t k = 0; k < nf; ++k) {
    f.push_back(x);
    x += std::ldexp(1.0 + u(rng), 20 + static_cast<int>(rng() % 16)) / 3.0;  // not round in any unit
  }
  Network n(f, ports, {50.0});
  for (std::size_t k = 0; k < nf; ++k)
    for (int i = 0; i < ports; ++i)
      for (int j = 0; j < ports; ++j) {
        double re = u(rng), im = u(rng);
        if (all_magnitudes) {
          switch (rng() % 8) {
            case 0: re *= 1e-300, im *= 1e-300; break;
            case 1: re = 4.9406564584124654e-324, im = -0.0; break;  // subnormal, negative zero
            case 2: re *= 1e12, im *= 1e12; break;
            case 3: re = 0.0, im = 0.0; break;
            default: break;
          }
        } else {
          const double mag = std::pow(10.0, e(rng));
          re *= mag, im *= mag;
        }
        n.s(k, i, j) = cplx(re, im);
      }
  return n;
}

/// make_reference.py keeps indices 0, s, 2s, ... with s = ceil(F / 200).
std::size_t decimation_step(std::size_t f) { return std::max<std::size_t>(1, (f + 199) / 200); }

const double deg = phy::pi / 180.0;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Layouts, units, formats
// ---------------------------------------------------------------------------------------------

TEST_CASE("A 1-port RI file gives its frequencies in hertz and S11 exactly", "[io][touchstone][unit]") {
  TouchstoneInfo info;
  const Network n = read("! a comment\n# MHz S RI R 50\n100 0.5 -0.25\n200.5 -0.125 0\n", 1, &info);
  REQUIRE(n.ports() == 1);
  REQUIRE(n.size() == 2);
  CHECK(n.freq_hz()[0] == 100e6);
  CHECK(n.freq_hz()[1] == 200.5e6);
  CHECK(n.s(0, 0, 0) == cplx(0.5, -0.25));
  CHECK(n.s(1, 0, 0) == cplx(-0.125, 0.0));
  CHECK(n.z0_ohm() == std::vector<double>{50.0});
  CHECK(info.version == "1.0");
  CHECK(info.format == TouchstoneFormat::ri);
  CHECK(info.frequency_unit == FrequencyUnit::mhz);
  REQUIRE(info.comments.size() == 1);
  CHECK(info.comments[0] == " a comment");
}

TEST_CASE("Frequencies are the correctly rounded value of the decimal text in every unit",
          "[io][touchstone][unit]") {
  // Exact decimal scaling: "0.01" GHz is exactly 1e7 Hz, as the literal 1e7 is; a multiplication
  // 0.01 * 1e9 would round twice. Each expected value is a C++ literal of the same decimal in Hz.
  struct Row {
    const char* unit;
    const char* text;
    double hz;
  };
  const Row rows[] = {{"Hz", "123456789.125", 123456789.125}, {"kHz", "1.5", 1500.0},
                      {"MHz", "0.3", 3e5},                    {"GHz", "0.01", 1e7},
                      {"GHz", "12.89", 12.89e9},              {"GHz", "1.1e-3", 1.1e6},
                      {"THz", "0.001", 1e9},                  {"ghz", "+7E+1", 70e9}};
  for (const auto& r : rows) {
    INFO(r.unit << " " << r.text);
    const Network n = read(std::string("# ") + r.unit + " S RI\n" + r.text + " 0 0\n", 1);
    CHECK(same_bits(n.freq_hz()[0], r.hz));
  }
}

TEST_CASE("Option-line tokens are read in any order and case, with GHz S MA R 50 for those omitted",
          "[io][touchstone][unit]") {
  TouchstoneInfo info;
  // MA: magnitude and angle in degrees; default unit GHz.
  Network n = read("#\n1 0.5 90\n", 1, &info);
  CHECK(n.freq_hz()[0] == 1e9);
  CHECK(info.format == TouchstoneFormat::ma);
  CHECK(info.parameter == TouchstoneParameter::s);
  CHECK(n.z0_ohm() == std::vector<double>{50.0});
  // cos(90 deg) is not exactly 0 in floating point: |error| <= 1e-16 * |S|.
  CHECK(close(n.s(0, 0, 0), cplx(0.0, 0.5), 1e-15));

  n = read("# r 75 ri KHZ s  ! trailing comment\n2 0.1 0.2\n", 1, &info);
  CHECK(n.freq_hz()[0] == 2000.0);
  CHECK(n.z0_ohm() == std::vector<double>{75.0});
  CHECK(n.s(0, 0, 0) == cplx(0.1, 0.2));
  CHECK(info.frequency_unit == FrequencyUnit::khz);

  // No option line at all: the defaults, with a notice.
  n = read("3 0.25 180\n", 1, &info);
  CHECK(n.freq_hz()[0] == 3e9);
  REQUIRE_FALSE(info.notices.empty());
  CHECK_THAT(info.notices[0], Catch::Contains("defaults"));
}

TEST_CASE("MA and DB pairs give the S of the equivalent magnitude and angle", "[io][touchstone][unit]") {
  // S = 0.5 at -30 deg and 0.01 at 135 deg, written three ways. Expected values are computed
  // here from the polar form; the reader's MA/DB arithmetic (degree scaling, cos, sin, 10^(x/20))
  // rounds a few times, so the tolerance is 1e-15 relative to |S| (about 5 ulp).
  const cplx a = std::polar(0.5, -30.0 * deg), b = std::polar(0.01, 135.0 * deg);
  const double a_db = phy::units::amplitude_ratio_to_db(0.5), b_db = phy::units::amplitude_ratio_to_db(0.01);
  std::ostringstream ri, ma, db;
  ri.precision(17), ma.precision(17), db.precision(17);
  ri << "# GHz S RI R 50\n1 " << a.real() << ' ' << a.imag() << ' ' << b.real() << ' ' << b.imag() << " 0 0 "
     << a.real() << ' ' << a.imag() << '\n';
  ma << "# GHz S MA R 50\n1 0.5 -30 0.01 135 0 0 0.5 -30\n";
  db << "# GHz S DB R 50\n1 " << a_db << " -30 " << b_db << " 135 -7000 0 " << a_db << " -30\n";
  for (const auto& text : {ri.str(), ma.str(), db.str()}) {
    INFO(text);
    const Network n = read(text, 2);
    CHECK(close(n.s(0, 0, 0), a, 1e-15));
    CHECK(close(n.s(0, 1, 0), b, 1e-15));  // Touchstone 1.x 2-port order: S11 S21 S12 S22
    CHECK(n.s(0, 0, 1) == cplx(0.0, 0.0));  // -7000 dB underflows to exactly 0
    CHECK(close(n.s(0, 1, 1), a, 1e-15));
  }
}

TEST_CASE("MA angles of any size give magnitude times exp(j angle), exactly at multiples of 90 degrees",
          "[io][touchstone][property]") {
  // The reader reduces the angle exactly to [-45, 45] degrees and uses fdlibm's sin/cos kernels;
  // the reference here is std::polar of the angle in radians. Both round the degree-to-radian
  // conversion (up to half an ulp of 2 pi, 4.4e-16) and sin/cos (1 ulp each): 2e-15 relative.
  std::mt19937_64 rng(4242);
  std::uniform_real_distribution<double> angle(-720.0, 720.0), mag(0.01, 2.0);
  std::ostringstream text;
  text.precision(17);
  text << "# Hz S MA R 50\n";
  std::vector<std::pair<double, double>> pairs;
  for (int k = 0; k < 5000; ++k) {
    const double m = mag(rng), a = k < 16 ? 90.0 * (k - 8) : angle(rng);
    pairs.emplace_back(m, a);
    text << k + 1 << ' ' << m << ' ' << a << '\n';
  }
  const Network n = read(text.str(), 1);
  double worst = 0.0;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const auto [m, a] = pairs[k];
    const cplx got = n.s(k, 0, 0);
    if (k < 16) {
      // Multiples of 90 degrees: exactly m, j m, -m or -j m.
      const cplx unit[4] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
      CHECK(got == m * unit[static_cast<std::size_t>(((k - 8) % 4 + 4) % 4)]);
      continue;
    }
    worst = std::max(worst, std::abs(got - std::polar(m, a * deg)) / m);
  }
  CAPTURE(worst);
  CHECK(worst <= 2e-15);
}

TEST_CASE("A Touchstone 1.x 2-port is S11 S21 S12 S22 and 3-ports and more are row by row",
          "[io][touchstone][unit]") {
  // Each value pair encodes its own row and column (10 i + j), so any misplacement shows.
  const Network two = read("# Hz S RI\n1 11 0 21 0 12 0 22 0\n", 2);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) CHECK(two.s(0, i, j).real() == 10 * (i + 1) + (j + 1));

  const Network three = read(
      "# Hz S RI\n"
      "1 11 0 12 0 13 0\n"
      "  21 0 22 0 23 0\n"
      "  31 0 32 0 33 0\n"
      "2 11 1 12 1 13 1\n"
      "  21 1 22 1 23 1\n"
      "  31 1 32 1 33 1\n",
      3);
  REQUIRE(three.size() == 2);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      CHECK(three.s(0, i, j) == cplx(10 * (i + 1) + (j + 1), 0));
      CHECK(three.s(1, i, j) == cplx(10 * (i + 1) + (j + 1), 1));
    }

  // 5-port: rows wrap after four pairs, as Touchstone 1.x writers do.
  std::string five = "# Hz S RI\n1";
  for (int i = 1; i <= 5; ++i) {
    for (int j = 1; j <= 5; ++j) {
      five += " " + std::to_string(10 * i + j) + " 0";
      if (j == 4) five += "\n ";
    }
    five += "\n";
  }
  const Network n5 = read(five, 5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) CHECK(n5.s(0, i, j).real() == 10 * (i + 1) + (j + 1));
}

TEST_CASE("Any wrapping of a frequency's values over lines is read the same", "[io][touchstone][unit]") {
  const std::string one_line = "# Hz S RI\n1 11 0 12 0 13 0 21 0 22 0 23 0 31 0 32 0 33 0\n2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n";
  const std::string ragged =
      "# Hz S RI\n1 11\n0 12 0 13 0 21 0 22 0\n 23 0 31 0 32 0 33\n 0\n"
      "2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n18\n";
  const Network a = read(one_line, 3), b = read(ragged, 3);
  CHECK(bit_identical(a, b));
  CHECK(a.s(0, 1, 2) == cplx(23, 0));
  CHECK(a.s(1, 2, 2) == cplx(17, 18));

  const Network c = read("# Hz S RI\n1 11 0 21 0\n 12 0 22 0\n2\n 1 2 3 4 5 6 7 8\n", 2);
  CHECK(c.s(0, 0, 1) == cplx(12, 0));
  CHECK(c.s(1, 1, 1) == cplx(7, 8));
}

TEST_CASE("Comments, blank lines, tabs and CRLF line ends are ignored anywhere", "[io][touchstone][unit]") {
  TouchstoneInfo info;
  const Network n = read(
      "! header\r\n\r\n#\tGHz S RI R 50 ! options\r\n! between\r\n1\t0.1 0.2 ! trailing\r\n\r\n   ! indented\r\n2 0.3 "
      "0.4\r\n",
      1, &info);
  REQUIRE(n.size() == 2);
  CHECK(n.s(1, 0, 0) == cplx(0.3, 0.4));
  CHECK(info.comments.size() == 3);  // comment-only lines; trailing comments are not kept
}

// ---------------------------------------------------------------------------------------------
// Parameter types
// ---------------------------------------------------------------------------------------------

TEST_CASE("A series resistor in Y-parameters and a shunt resistor in Z-parameters give their analytic S",
          "[io][touchstone][reference]") {
  // Series R between 50-ohm ports: S11 = R / (R + 2 Z0), S21 = 2 Z0 / (R + 2 Z0).
  // Shunt R: S11 = -Z0 / (2 R + Z0), S21 = 2 R / (2 R + Z0). (Pozar, Microwave Engineering,
  // 4th ed., table 4.1 / 4.2 from Z and Y.) The conversion solves a 2x2 linear system: a few ulp,
  // so 1e-14 relative.
  const double r = 30.0, z0 = 50.0;
  const cplx series11 = r / (r + 2 * z0), series21 = 2 * z0 / (r + 2 * z0);
  const cplx shunt11 = -z0 / (2 * r + z0), shunt21 = 2 * r / (2 * r + z0);

  SECTION("Touchstone 1.x: Y and Z are normalised to R") {
    // Y = [1/R, -1/R; -1/R, 1/R] siemens, normalised: y * R0. Z = [R, R; R, R], normalised: z / R0.
    const double yn = z0 / r, zn = r / z0;
    std::ostringstream y, z;
    y.precision(17), z.precision(17);
    y << "# GHz Y RI R 50\n1 " << yn << " 0 " << -yn << " 0 " << -yn << " 0 " << yn << " 0\n";
    z << "# GHz Z RI R 50\n1 " << zn << " 0 " << zn << " 0 " << zn << " 0 " << zn << " 0\n";
    TouchstoneInfo info;
    const Network s = read(y.str(), 2, &info);
    CHECK(info.parameter == TouchstoneParameter::y);
    CHECK(close(s.s(0, 0, 0), series11, 1e-14));
    CHECK(close(s.s(0, 1, 0), series21, 1e-14));
    CHECK(close(s.s(0, 1, 1), series11, 1e-14));
    const Network p = read(z.str(), 2);
    CHECK(close(p.s(0, 0, 0), shunt11, 1e-14));
    CHECK(close(p.s(0, 0, 1), shunt21, 1e-14));
  }
  SECTION("Touchstone 2.0: Z is in ohms, referenced per port") {
    // Shunt R with port references Z1 = 50, Z2 = 25: Zin = R || Z2, S11 = (Zin - Z1)/(Zin + Z1),
    // S21 = 2 sqrt(Z1/Z2) Zin / (Zin + Z1) (power waves, derived from V1 = V2 and I2 = -V2/Z2).
    const double z1 = 50.0, z2 = 25.0, zin = r * z2 / (r + z2);
    const cplx s11 = (zin - z1) / (zin + z1), s21 = 2.0 * std::sqrt(z1 / z2) * zin / (zin + z1);
    const std::string text =
        "[Version] 2.0\n# GHz Z RI R 50\n[Number of Ports] 2\n[Two-Port Data Order] 12_21\n"
        "[Number of Frequencies] 1\n[Reference] 50\n 25\n[Network Data]\n1 30 0 30 0 30 0 30 0\n[End]\n";
    TouchstoneInfo info;
    const Network p = read_touchstone_text(text, "shunt.ts", 0, &info);
    CHECK(p.z0_ohm() == std::vector<double>{50.0, 25.0});
    CHECK(info.version == "2.0");
    CHECK(close(p.s(0, 0, 0), s11, 1e-14));
    CHECK(close(p.s(0, 1, 0), s21, 1e-14));
    CHECK(close(p.s(0, 0, 1), s21, 1e-14));  // reciprocal: S12 = S21 for real references
  }
}

// ---------------------------------------------------------------------------------------------
// Touchstone 2.0 keywords
// ---------------------------------------------------------------------------------------------

TEST_CASE("Touchstone 2.0 two-port data orders 12_21 and 21_12 read the same network", "[io][touchstone][unit]") {
  const std::string head = "[Version] 2.0\n# Hz S RI R 50\n[Number of Ports] 2\n[Two-Port Data Order] ";
  const std::string tail = "\n[Number of Frequencies] 1\n[Network Data]\n";
  const Network a = read_touchstone_text(head + "12_21" + tail + "1 11 0 12 0 21 0 22 0\n[End]\n", "a.ts", 0);
  const Network b = read_touchstone_text(head + "21_12" + tail + "1 11 0 21 0 12 0 22 0\n[End]\n", "b.ts", 0);
  CHECK(bit_identical(a, b));
  CHECK(a.s(0, 0, 1) == cplx(12, 0));
  CHECK(a.s(0, 1, 0) == cplx(21, 0));
}

TEST_CASE("Lower and Upper matrix formats fill the symmetric matrix", "[io][touchstone][unit]") {
  const std::string head = "[Version] 2.0\n# Hz S RI R 50\n[Number of Ports] 3\n[Number of Frequencies] 1\n";
  const Network full = read_touchstone_text(
      head + "[Network Data]\n1 11 0 21 0 31 0\n 21 0 22 0 32 0\n 31 0 32 0 33 0\n[End]\n", "f.ts", 0);
  const Network lower = read_touchstone_text(
      head + "[Matrix Format] Lower\n[Network Data]\n1 11 0\n 21 0 22 0\n 31 0 32 0 33 0\n[End]\n", "l.ts", 0);
  const Network upper = read_touchstone_text(
      head + "[Matrix Format] upper\n[Network Data]\n1 11 0 21 0 31 0\n 22 0 32 0\n 33 0\n[End]\n", "u.ts", 0);
  CHECK(bit_identical(full, lower));
  CHECK(bit_identical(full, upper));
  CHECK(upper.s(0, 2, 1) == cplx(32, 0));
}

TEST_CASE("A 4-port [Reference] may span lines and sets each port's impedance", "[io][touchstone][unit]") {
  const std::string text =
      "[Version] 2.0\n# GHz S MA R 50\n[Number of Ports] 4\n[Reference] 50 75\n! a comment between\n0.01 0.01\n"
      "[Number of Frequencies] 1\n[Begin Information]\nanything here [ ] 1 2 3\n[End Information]\n"
      "[Network Data]\n5 0.60 161.24 0.40 -42.20 0.42 -66.58 0.53 -79.34\n"
      "0.40 -42.20 0.60 161.20 0.53 -79.34 0.42 -66.58\n"
      "0.42 -66.58 0.53 -79.34 0.60 161.24 0.40 -42.20\n"
      "0.53 -79.34 0.42 -66.58 0.40 -42.20 0.60 161.24\n[End]\n";
  TouchstoneInfo info;
  const Network n = read_touchstone_text(text, "example.ts", 0, &info);
  CHECK(n.z0_ohm() == std::vector<double>{50.0, 75.0, 0.01, 0.01});
  CHECK(info.reference_ohm == n.z0_ohm());
  CHECK(n.freq_hz()[0] == 5e9);
  // 0.40 at -42.20 deg; a few ulp of trigonometry: 1e-15 relative.
  CHECK(close(n.s(0, 0, 1), std::polar(0.40, -42.20 * deg), 1e-15));
  CHECK(close(n.s(0, 1, 0), std::polar(0.40, -42.20 * deg), 1e-15));
}

TEST_CASE("2-port noise parameters after the network data are skipped with a notice", "[io][touchstone][unit]") {
  TouchstoneInfo info;
  SECTION("Touchstone 1.x: the frequency drops") {
    const Network n = read(
        "# GHz S MA R 50\n1 0.3 -30 2.5 60 0.02 10 0.4 -20\n2 0.2 -60 2.0 40 0.03 5 0.3 -40\n"
        "! noise: f NFmin |Gopt| angle Rn\n1 1.2 0.5 30 0.3\n2 1.5 0.45 40 0.28\n",
        2, &info);
    CHECK(n.size() == 2);
    CHECK(info.noise_frequencies == 2);
    REQUIRE_FALSE(info.notices.empty());
    CHECK_THAT(info.notices.back(), Catch::Contains("noise"));
  }
  SECTION("Touchstone 2.0: [Noise Data]") {
    const Network n = read_touchstone_text(
        "[Version] 2.0\n# GHz S MA R 50\n[Number of Ports] 2\n[Two-Port Data Order] 21_12\n"
        "[Number of Frequencies] 2\n[Number of Noise Frequencies] 1\n[Network Data]\n"
        "1 0.3 -30 2.5 60 0.02 10 0.4 -20\n2 0.2 -60 2.0 40 0.03 5 0.3 -40\n[Noise Data]\n1 1.2 0.5 30 0.3\n[End]\n",
        "amp.ts", 0, &info);
    CHECK(n.size() == 2);
    CHECK(info.noise_frequencies == 1);
  }
}

TEST_CASE("A Version 1.1 option line may give one reference resistance per port", "[io][touchstone][unit]") {
  TouchstoneInfo info;
  const Network n = read("# GHz S RI R 50 25\n1 0.1 0 0.9 0 0.9 0 0.1 0\n", 2, &info);
  CHECK(n.z0_ohm() == std::vector<double>{50.0, 25.0});
  CHECK(info.version == "1.1");
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

TEST_CASE("Every malformed input is an InputError naming the file, the line and what is wrong",
          "[io][touchstone][unit]") {
  const std::string v2 = "[Version] 2.0\n# GHz S RI R 50\n";
  struct Row {
    const char* what;
    std::string text;
    int ports;   // extension hint
    int line;    // expected line of the first diagnostic
    int column;  // expected column, 0 = not checked
    const char* needle;
  };
  const std::vector<Row> rows = {
      {"a value missing on a line", "# GHz S RI\n1 0.1 0 0.9 0 0.9 0 0.1 0\n2 0.1 0 0.9 0 0.9 0 0.1\n3 0.1 0 0.9 0 0.9 0 0.1 0\n", 2, 3,
       0, "this line has 8 where the first frequency (line 2) has 9"},
      {"a value too many", "# GHz S RI\n1 0.1 0 0.9 0 0.9 0 0.1 0 7\n", 2, 2, 27, "wrong number of values"},
      {"non-increasing frequency", "# MHz S MA\n1 0.5 10\n2 0.5 20\n2 0.5 30\n", 1, 4, 1, "frequencies must increase"},
      {"negative frequency", "# MHz S MA\n-1 0.5 10\n", 1, 2, 1, "must be >= 0"},
      {"unknown option token", "# GHz S RI R 50 XYZ\n1 0 0\n", 1, 1, 17, "unknown option-line token"},
      {"misspelt unit", "# GHZZ S RI\n1 0 0\n", 1, 1, 3, "did you mean GHz"},
      {"option given twice", "# GHz MHz S RI\n1 0 0\n", 1, 1, 7, "frequency unit is given twice"},
      {"R without a value", "# GHz S RI R\n1 0 0\n", 1, 1, 12, "R must be followed by the reference resistance"},
      {"R of zero", "# GHz S RI R 0\n1 0 0\n", 1, 1, 14, "must be > 0"},
      {"hybrid parameters", "# GHz H RI\n1 0 0 0 0 0 0 0 0\n", 2, 1, 7, "not supported"},
      {"non-numeric value", "# GHz S RI\n1 0.1 abc\n", 1, 2, 7, "not a number"},
      {"NaN", "# GHz S RI\n1 nan 0\n", 1, 2, 3, "not a finite number"},
      {"infinity", "# GHz S RI\n1 0 -inf\n", 1, 2, 5, "not a finite number"},
      {"overflowing number", "# GHz S RI\n1 1e999 0\n", 1, 2, 3, "not a finite number"},
      {"dB value that overflows", "# GHz S DB\n1 7000 0\n", 1, 2, 0, "finite complex"},
      {"truncated record", "# GHz S RI\n1 11 0 12 0 13 0\n 21 0 22 0 23 0\n 31 0 32 0 33 0\n2 11 0 12 0 13 0\n", 3, 5, 0,
       "truncated data: the record that starts here has 7 of 19 values at the end of the file"},
      {"no ports known", "# GHz S RI\n1 0 0\n", 0, 2, 1, "number of ports is unknown"},
      {"port count from extension too large", "# GHz S RI\n1 0 0\n", 5000, 2, 1, "at most 1024"},
      {"no data", "! only a comment\n# GHz S RI\n", 1, 0, 0, "no network data"},
      {"2.0 keyword in a 1.x file", "# GHz S RI\n[Number of Ports] 1\n1 0 0\n", 1, 2, 1, "Touchstone 2.0 keyword"},
      {"[Version] not first", "# GHz S RI\n[Version] 2.0\n", 1, 2, 1, "must be the first line"},
      {"unsupported version", "[Version] 3.0\n", 1, 1, 11, "unsupported version"},
      {"unknown keyword", v2 + "[Number of Port] 1\n", 0, 3, 1, "did you mean [Number of Ports]"},
      {"huge port count", v2 + "[Number of Ports] 100000000\n", 0, 3, 1, "at most 1024 ports"},
      {"port count not a number", v2 + "[Number of Ports] four\n", 0, 3, 19, "must be a whole number"},
      {"missing [Number of Ports]", v2 + "[Number of Frequencies] 1\n[Network Data]\n1 0 0\n[End]\n", 0, 4, 0,
       "[Number of Ports] is missing"},
      {"missing two-port order",
       v2 + "[Number of Ports] 2\n[Number of Frequencies] 1\n[Network Data]\n1 0 0 0 0 0 0 0 0\n[End]\n", 0, 5, 0,
       "[Two-Port Data Order]"},
      {"frequency count mismatch",
       v2 + "[Number of Ports] 1\n[Number of Frequencies] 1000000000000\n[Network Data]\n1 0 0\n2 0 0\n[End]\n", 0, 4, 0,
       "declares 1000000000000 frequencies but the network data have 2"},
      {"missing [End]", v2 + "[Number of Ports] 1\n[Number of Frequencies] 1\n[Network Data]\n1 0 0\n", 0, 6, 0,
       "[End] is missing"},
      {"data before [Network Data]", v2 + "[Number of Ports] 1\n1 0 0\n", 0, 4, 1, "data before [Network Data]"},
      {"[Reference] too short", v2 + "[Number of Ports] 3\n[Reference] 50 50\n[Number of Frequencies] 1\n", 0, 4, 0,
       "needs 3 reference impedances"},
      {"[Reference] before ports", v2 + "[Reference] 50\n", 0, 3, 1, "must come after [Number of Ports]"},
      {"mixed-mode data", v2 + "[Number of Ports] 4\n[Mixed-Mode Order] D2,3 D1,4 C2,3 C1,4\n", 0, 4, 1,
       "mixed-mode data are not supported"},
      {"per-port R with Z data", "# GHz Z RI R 50 25\n1 1 0 0 0 0 0 1 0\n", 2, 1, 0, "not supported"},
      {"binary garbage", "# GHz S RI\n1 \x01\x02\xff 0\n", 1, 2, 3, "\\x01\\x02\\xff"},
  };
  for (const auto& r : rows) {
    INFO(r.what << "\n" << r.text);
    const auto d = errors_of(r.text, r.ports);
    REQUIRE_FALSE(d.empty());
    CHECK(d[0].file == "t.s" + std::to_string(r.ports) + "p");
    CHECK(d[0].line == r.line);
    if (r.column > 0) CHECK(d[0].column == r.column);
    const std::string all = InputError(d).what();
    CHECK_THAT(all, Catch::Contains(r.needle));
  }
}

TEST_CASE("Errors are reported compiler style, several at once", "[io][touchstone][unit]") {
  try {
    read("# GHz S RI\n1 0.1 x\n2 nan 0\n3 0.1 0\n3 0.2 0\n", 1);
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 3);
    const std::string text = e.what();
    CHECK_THAT(text, Catch::Contains("t.s1p:2:7: \"x\": not a number") || Catch::Contains("t.s1p:2:7:"));
    CHECK_THAT(text, Catch::Contains("t.s1p:3:3:"));
    CHECK_THAT(text, Catch::Contains("t.s1p:5:1:"));
  }
}

TEST_CASE("A file of endless errors stops after 20 of them", "[io][touchstone][unit]") {
  std::string text = "# GHz S RI\n";
  for (int k = 0; k < 1000; ++k) text += std::to_string(k + 1) + " x y\n";
  const auto d = errors_of(text, 1);
  CHECK(d.size() == 21);
  CHECK_THAT(d.back().message, Catch::Contains("stopping after 20 errors"));
}

TEST_CASE("read_touchstone names a missing file", "[io][touchstone][unit]") {
  CHECK_THROWS_WITH(read_touchstone("/nonexistent/dir/x.s2p"), Catch::Contains("/nonexistent/dir/x.s2p"));
  CHECK_THROWS_AS(read_touchstone("/nonexistent/dir/x.s2p"), InputError);
}

TEST_CASE("The port count comes from a .sNp extension in any case", "[io][touchstone][unit]") {
  CHECK(touchstone_ports_from_extension("a/b/thru.s4p") == 4);
  CHECK(touchstone_ports_from_extension("THRU.S2P") == 2);
  CHECK(touchstone_ports_from_extension("x.s32p") == 32);
  CHECK(touchstone_ports_from_extension("x.ts") == 0);
  CHECK(touchstone_ports_from_extension("x.sp") == 0);
  CHECK(touchstone_ports_from_extension("x.s4") == 0);
  CHECK(touchstone_ports_from_extension("x.s99999999999p") > touchstone_max_ports);
}

TEST_CASE("Every value is the correctly rounded double of its decimal text", "[io][touchstone][property]") {
  // The reader's fast path (Clinger) and its std::from_chars fallback must agree with
  // std::from_chars bit for bit on any decimal: random digit strings of 1 to 25 digits, with and
  // without a point and an exponent, leading zeros, signs.
  std::mt19937_64 rng(20240611);
  std::string text = "# Hz S RI\n";
  std::vector<std::string> tokens;
  for (int k = 0; k < 20000; ++k) {
    std::string t;
    if (rng() % 3 == 0) t += '-';
    const int before = static_cast<int>(rng() % 12), after = static_cast<int>(rng() % 18);
    if (rng() % 4 == 0) t += "000";
    for (int i = 0; i < before; ++i) t += static_cast<char>('0' + rng() % 10);
    if (after > 0 || before == 0) {
      t += '.';
      for (int i = 0; i < std::max(after, before == 0 ? 1 : 0); ++i) t += static_cast<char>('0' + rng() % 10);
    }
    if (rng() % 2) t += (rng() % 2 ? "e" : "E") + std::string(rng() % 2 ? "-" : rng() % 2 ? "+" : "") +
                        std::to_string(rng() % 40);
    tokens.push_back(t);
  }
  for (std::size_t k = 0; k < tokens.size(); k += 2)
    text += std::to_string(k + 1) + " " + tokens[k] + " " + tokens[k + 1] + "\n";
  const Network n = read(text, 1);
  REQUIRE(n.size() == tokens.size() / 2);
  std::size_t mismatches = 0;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    double want = 0;
    std::from_chars(t.data(), t.data() + t.size(), want);
    const cplx got = n.s(k / 2, 0, 0);
    if (!same_bits(k % 2 ? got.imag() : got.real(), want)) {
      ++mismatches;
      UNSCOPED_INFO(t);
    }
  }
  CHECK(mismatches == 0);
}

// ---------------------------------------------------------------------------------------------
// Writing and round trips
// ---------------------------------------------------------------------------------------------

TEST_CASE("RI files round-trip bit-exactly for versions 1.1 and 2.0, every port count and unit",
          "[io][touchstone][property]") {
  for (auto version : {TouchstoneVersion::v1_1, TouchstoneVersion::v2_0})
    for (int ports : {1, 2, 3, 4, 5, 9})
      for (auto unit : {FrequencyUnit::hz, FrequencyUnit::khz, FrequencyUnit::mhz, FrequencyUnit::ghz, FrequencyUnit::thz}) {
        INFO("version " << to_string(version) << ", " << ports << " ports, " << to_string(unit));
        const Network n = random_network(ports, 40, static_cast<std::uint64_t>(ports * 100 + static_cast<int>(unit)));
        TouchstoneWriteOptions o;
        o.version = version;
        o.frequency_unit = unit;
        o.format = TouchstoneFormat::ri;
        const std::string text = touchstone_text(n, o);
        Network back = read_touchstone_text(text, "rt", version == TouchstoneVersion::v2_0 ? 0 : ports);
        CHECK(bit_identical(n, back));
        back.name = n.name;
        CHECK(touchstone_text(back, o) == text);  // and the text is a fixed point
      }
}

TEST_CASE("MA and DB files round-trip to within a few units in the last place of |S|", "[io][touchstone][property]") {
  // Guarantee (docs/touchstone.md): frequencies exact; S within 1e-14 |S| for MA (hypot, atan2,
  // the degree scaling both ways, cos and sin: each within an ulp or two) and within 1e-13 |S|
  // for DB (an error of one ulp in the dB value, up to 240 dB here, is 0.115 * 240 * 2.2e-16 =
  // 6e-15 relative in |S|). Magnitudes from 1e-12 to 10.
  for (auto fmt : {TouchstoneFormat::ma, TouchstoneFormat::db})
    for (int ports : {1, 2, 4}) {
      INFO(to_string(fmt) << ", " << ports << " ports");
      const Network n = random_network(ports, 200, 77 + static_cast<std::uint64_t>(ports), false);
      TouchstoneWriteOptions o;
      o.format = fmt;
      const Network back = read_touchstone_text(touchstone_text(n, o), "rt", ports);
      const double tol = fmt == TouchstoneFormat::ma ? 1e-14 : 1e-13;
      double worst = 0;
      for (std::size_t k = 0; k < n.size(); ++k) {
        REQUIRE(same_bits(back.freq_hz()[k], n.freq_hz()[k]));
        for (int i = 0; i < ports; ++i)
          for (int j = 0; j < ports; ++j)
            worst = std::max(worst, std::abs(back.s(k, i, j) - n.s(k, i, j)) / std::abs(n.s(k, i, j)));
      }
      CAPTURE(worst);
      CHECK(worst <= tol);
    }
}

TEST_CASE("The writer lays out 2-ports as S11 S21 S12 S22 in version 1.1 and row by row in 2.0",
          "[io][touchstone][unit]") {
  Network n({1e9}, 2, {50.0});
  n.s(0, 0, 0) = {11, 0}, n.s(0, 0, 1) = {12, 0}, n.s(0, 1, 0) = {21, 0}, n.s(0, 1, 1) = {22, 0};
  TouchstoneWriteOptions o;
  o.program_version = "9.9.9";
  std::string t = touchstone_text(n, o);
  CHECK_THAT(t, Catch::Contains("\n# GHz S RI R 50\n1 11 0 21 0 12 0 22 0\n"));
  CHECK_THAT(t, Catch::StartsWith("! Touchstone 1.1 written by phylane 9.9.9\n"));
  o.version = TouchstoneVersion::v2_0;
  t = touchstone_text(n, o);
  CHECK_THAT(t, Catch::Contains("[Two-Port Data Order] 12_21\n[Number of Frequencies] 1\n[Network Data]\n1 11 0 12 0 21 0 22 0\n[End]\n"));
}

TEST_CASE("Per-port references round-trip through version 2.0, and version 1.1 refuses them",
          "[io][touchstone][unit]") {
  Network n = random_network(4, 5, 3);
  n.set_z0_ohm({50.0, 50.0, 42.5, 42.5});
  TouchstoneWriteOptions o;
  CHECK_THROWS_WITH(touchstone_text(n, o), Catch::Contains("write version 2.0 or renormalise"));
  o.version = TouchstoneVersion::v2_0;
  const std::string t = touchstone_text(n, o);
  CHECK_THAT(t, Catch::Contains("[Reference] 50 50 42.5 42.5\n"));
  CHECK(bit_identical(read_touchstone_text(t, "x.ts", 0), n));
}

TEST_CASE("write_touchstone replaces the file whole and checks the extension", "[io][touchstone][unit]") {
  const std::filesystem::path dir = test::temp_dir("touchstone_write");
  const Network n = random_network(2, 10, 5);
  const auto file = dir / "out.s2p";
  write_touchstone(n, file, {});
  CHECK(std::filesystem::exists(file));
  CHECK_FALSE(std::filesystem::exists(dir / "out.s2p.tmp"));
  CHECK(bit_identical(read_touchstone(file), n));
  CHECK(read_touchstone(file).name == "out.s2p");

  CHECK_THROWS_WITH(write_touchstone(n, dir / "out.s3p", {}), Catch::Contains("name it .s2p"));
  CHECK_THROWS_WITH(write_touchstone(n, dir / "out.ts", {}), Catch::Contains("must be named .s2p"));
  TouchstoneWriteOptions v2;
  v2.version = TouchstoneVersion::v2_0;
  write_touchstone(n, dir / "out.ts", v2);
  CHECK(bit_identical(read_touchstone(dir / "out.ts"), n));
  CHECK_THROWS_AS(write_touchstone(n, dir / "missing" / "out.s2p", {}), std::runtime_error);
  CHECK_FALSE(std::filesystem::exists(dir / "missing"));
  CHECK_THROWS_AS(touchstone_text(Network(), {}), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST_CASE("Write options parse from their text and print back", "[io][touchstone][unit]") {
  CHECK(parse_touchstone_format("ma") == TouchstoneFormat::ma);
  CHECK(parse_touchstone_format("Db") == TouchstoneFormat::db);
  CHECK_FALSE(parse_touchstone_format("xy"));
  CHECK(parse_frequency_unit("mhz") == FrequencyUnit::mhz);
  CHECK_FALSE(parse_frequency_unit("Mhzz"));
  CHECK(parse_touchstone_version("2.0") == TouchstoneVersion::v2_0);
  CHECK(parse_touchstone_version("1.1") == TouchstoneVersion::v1_1);
  CHECK_FALSE(parse_touchstone_version("3"));
  CHECK(to_string(FrequencyUnit::thz) == "THz");
  CHECK(frequency_unit_exponent(FrequencyUnit::khz) == 3);
}

// ---------------------------------------------------------------------------------------------
// Real files (../shared/data/touchstone) and scikit-rf
// ---------------------------------------------------------------------------------------------

TEST_CASE("Every reference Touchstone file reads with its ports, frequencies and a passive-looking |S|",
          "[io][touchstone][reference]") {
  struct Row {
    const char* file;
    int ports;
    std::size_t frequencies;  // counted in each file (lines starting with a frequency)
    double f_first_hz, f_last_hz;
  };
  const Row rows[] = {
      {"pcb_stripline_119mm.s2p", 2, 7000, 10e6, 70e9},
      {"pcb_stripline_238mm.s2p", 2, 7000, 10e6, 70e9},
      {"CABLE1_TX_pair.s4p", 4, 6401, 10e6, 40e9},
      {"TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", 4, 4001, 0.0, 40e9},
      {"TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p", 4, 4001, 0.0, 40e9},
      {"peters_01_0605_B1_thru.s4p", 4, 1496, 50e6, 15e9},
      {"peters_01_0605_B12_thru.s4p", 4, 1496, 50e6, 15e9},
      {"peters_01_0605_T20_thru.s4p", 4, 1496, 50e6, 15e9},
      {"Case4_FM_13SI_20_T_D13_L6.s4p", 4, 1496, 50e6, 15e9},
      {"TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", 4, 4201, 0.0, 42e9},
      {"TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", 4, 4201, 0.0, 42e9},
  };
  for (const auto& r : rows) {
    INFO(r.file);
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + r.file, continue);
    TouchstoneInfo info;
    const Network n = read_touchstone(*path, &info);
    CHECK(n.ports() == r.ports);
    REQUIRE(n.size() == r.frequencies);
    CHECK(n.freq_hz().front() == r.f_first_hz);
    CHECK(n.freq_hz().back() == r.f_last_hz);
    CHECK(info.notices.empty());
    bool increasing = true;
    double max_abs = 0.0;
    for (std::size_t k = 0; k < n.size(); ++k) {
      if (k > 0 && !(n.freq_hz()[k] > n.freq_hz()[k - 1])) increasing = false;
      max_abs = std::max(max_abs, n.s(k).cwiseAbs().maxCoeff());
    }
    CHECK(increasing);
    // Passive measured or simulated data: no |S_ij| above 1 (1 % allowance for VNA noise).
    CHECK(max_abs <= 1.01);
    // All are thrus: port 1 -> 2 passes most of the signal at the lowest frequency.
    CHECK(std::abs(n.s(0, 1, 0)) > 0.5);
    // Writing and reading back changes nothing.
    TouchstoneWriteOptions o;
    o.version = TouchstoneVersion::v2_0;
    CHECK(bit_identical(read_touchstone_text(touchstone_text(n, o), "rt", 0), n));
  }
}

TEST_CASE("Our reader gives the S-parameters scikit-rf reads from the same files", "[io][touchstone][reference]") {
  // tests/reference/skrf/raw_*.csv: scikit-rf 0.15.4's Network(file).s at every
  // ceil(F/200)-th frequency (make_reference.py). Tolerance 1e-9 relative to |S_ij| (the
  // project's tolerance for cross-tool checks); the actual differences are a few ulp from the
  // unit multiplication and numpy's exp(1j x) versus cos/sin. Frequencies within 1e-15
  // relative: scikit-rf multiplies by the unit (one rounding), we scale the decimal exactly.
  struct Row {
    const char* touchstone;
    const char* csv;
  };
  for (const Row r : {Row{"pcb_stripline_119mm.s2p", "raw_pcb_stripline_119mm.csv"},
                      Row{"TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", "raw_TEC_Whisper42p8in_Meg6_THRU_C8C9.csv"}}) {
    INFO(r.touchstone);
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + r.touchstone, continue);
    const Network n = read_touchstone(*path);
    const test::CsvTable ref = test::read_csv(test::source_file(std::string("tests/reference/skrf/") + r.csv));
    const std::size_t step = decimation_step(n.size());
    REQUIRE(ref.rows.size() == (n.size() + step - 1) / step);
    REQUIRE(ref.header.size() == 1 + 2 * static_cast<std::size_t>(n.ports() * n.ports()));
    double worst = 0.0;
    for (std::size_t row = 0; row < ref.rows.size(); ++row) {
      const std::size_t k = row * step;
      const auto& v = ref.rows[row];
      CHECK(std::abs(n.freq_hz()[k] - v[0]) <= 1e-15 * v[0]);
      for (int i = 0; i < n.ports(); ++i)
        for (int j = 0; j < n.ports(); ++j) {
          const std::size_t c = ref.column("s" + std::to_string(i + 1) + std::to_string(j + 1) + "_re");
          const cplx want(v[c], v[c + 1]);
          worst = std::max(worst, std::abs(n.s(k, i, j) - want) / std::abs(want));
        }
    }
    CAPTURE(worst);
    CHECK(worst <= 1e-9);
  }
}

TEST_CASE("Insertion loss of both striplines equals scikit-rf's", "[io][touchstone][reference]") {
  // tests/reference/skrf/il_*.csv: -20 log10 |S21| from scikit-rf 0.15.4. Tolerance 1e-9
  // relative, as above (the loss is at least 0.1 dB here, so relative is meaningful).
  for (const char* name : {"pcb_stripline_119mm", "pcb_stripline_238mm"}) {
    INFO(name);
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + name + ".s2p", continue);
    const Network n = read_touchstone(*path);
    const test::CsvTable ref = test::read_csv(test::source_file(std::string("tests/reference/skrf/il_") + name + ".csv"));
    const std::size_t step = decimation_step(n.size());
    REQUIRE(ref.rows.size() == (n.size() + step - 1) / step);
    const std::size_t col = ref.column("il_db");
    double worst = 0.0;
    for (std::size_t row = 0; row < ref.rows.size(); ++row) {
      const double il_db = -phy::units::amplitude_ratio_to_db(std::abs(n.s(row * step, 1, 0)));
      worst = std::max(worst, std::abs(il_db - ref.rows[row][col]) / ref.rows[row][col]);
    }
    CAPTURE(worst);
    CHECK(worst <= 1e-9);
  }
}
