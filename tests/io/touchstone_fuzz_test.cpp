// Robustness of the Touchstone reader: truncations, byte flips, deleted, duplicated and swapped
// lines, huge declared counts and binary garbage, derived deterministically from the reference
// files and from hand-written files of every layout. Each input must either throw InputError or
// give a valid Network, quickly; nothing else (a crash, another exception, a hang, a NaN) is
// acceptable. Also run under AddressSanitizer + UBSan (docs/touchstone.md says how).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::io;

namespace {

// A hang or an accidentally quadratic path shows as seconds; a correct parse of the largest input
// here takes milliseconds in a Release build and well under a second with sanitizers. 5 s per
// input is a generous bound for both.
constexpr double max_seconds_per_input = 5.0;

struct Outcome {
  std::size_t accepted = 0, rejected = 0;
  double slowest_s = 0.0;
};

/// Reads `text`; fails the test unless it throws InputError or returns a valid network.
void must_behave(const std::string& text, int ports_hint, const std::string& what, Outcome& out) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    TouchstoneInfo info;
    const channels::Network n = read_touchstone_text(text, "fuzz", ports_hint, &info);
    bool valid = n.ports() >= 1 && n.ports() <= touchstone_max_ports && n.size() >= 1;
    for (std::size_t k = 0; valid && k < n.size(); ++k) {
      valid = std::isfinite(n.freq_hz()[k]) && n.freq_hz()[k] >= 0.0 && (k == 0 || n.freq_hz()[k] > n.freq_hz()[k - 1]) &&
              n.s(k).allFinite();
    }
    for (double z : n.z0_ohm()) valid = valid && std::isfinite(z) && z > 0.0;
    if (!valid) FAIL("invalid network accepted: " << what);
    ++out.accepted;
  } catch (const InputError& e) {
    if (e.diagnostics().empty() || std::string(e.what()).empty()) FAIL("InputError without a message: " << what);
    ++out.rejected;
  } catch (const std::exception& e) {
    FAIL("unexpected exception (" << e.what() << "): " << what);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.slowest_s = std::max(out.slowest_s, s);
  if (s > max_seconds_per_input) FAIL("took " << s << " s: " << what);
}

std::vector<std::size_t> line_starts(const std::string& t) {
  std::vector<std::size_t> s{0};
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i] == '\n' && i + 1 < t.size()) s.push_back(i + 1);
  return s;
}

/// The first `lines` lines of a text.
std::string head(const std::string& t, std::size_t lines) {
  const auto s = line_starts(t);
  return lines < s.size() ? t.substr(0, s[lines]) : t;
}

/// Bytes that steer a Touchstone parser into its branches.
char interesting_byte(std::mt19937_64& rng) {
  static const char special[] = "\n\r\t !#[]-+.eE0123456789xX\0\x7f\xff";
  if (rng() % 4 == 0) return static_cast<char>(rng() % 256);
  return special[rng() % (sizeof special - 1)];
}

/// All mutations of one text, `rounds` of each kind (truncations also at every line start when
/// `every_line` is set).
void mutate_all(const std::string& text, int ports_hint, const std::string& name, std::uint64_t seed, int rounds,
                Outcome& out) {
  std::mt19937_64 rng(seed);
  const auto starts = line_starts(text);
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };

  must_behave(text, ports_hint, name + " unmodified", out);
  must_behave(text, 0, name + " without a port hint", out);
  must_behave(text, touchstone_max_ports, name + " with the largest port hint", out);

  for (int r = 0; r < rounds; ++r) {
    const std::size_t cut = pick(text.size());
    must_behave(text.substr(0, cut), ports_hint, name + " truncated at byte " + std::to_string(cut), out);
  }
  for (int r = 0; r < rounds; ++r) {
    std::string t = text;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips && !t.empty(); ++f) t[pick(t.size())] = interesting_byte(rng);
    must_behave(t, ports_hint, name + " with bytes changed, round " + std::to_string(r), out);
  }
  for (int r = 0; r < rounds && starts.size() > 1; ++r) {
    const std::size_t l = pick(starts.size());
    const std::size_t b = starts[l], e = l + 1 < starts.size() ? starts[l + 1] : text.size();
    std::string deleted = text;
    deleted.erase(b, e - b);
    must_behave(deleted, ports_hint, name + " without line " + std::to_string(l + 1), out);
    std::string duplicated = text;
    duplicated.insert(e, text.substr(b, e - b));
    must_behave(duplicated, ports_hint, name + " with line " + std::to_string(l + 1) + " twice", out);
    const std::size_t l2 = pick(starts.size());
    if (l2 != l) {
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < starts.size(); ++i)
        lines.push_back(text.substr(starts[i], (i + 1 < starts.size() ? starts[i + 1] : text.size()) - starts[i]));
      std::swap(lines[l], lines[l2]);
      std::string swapped;
      for (const auto& x : lines) swapped += x;
      must_behave(swapped, ports_hint, name + " with lines swapped", out);
    }
  }
  for (int r = 0; r < rounds / 4 + 1; ++r) {
    std::string garbage(pick(4096), '\0');
    for (char& c : garbage) c = static_cast<char>(rng() % 256);
    const std::size_t at = pick(text.size());
    must_behave(text.substr(0, at) + garbage + text.substr(at), ports_hint, name + " with garbage inserted", out);
  }
}

const char* const hand_written[][2] = {
    {"1", "! 1-port\n# MHz S RI R 50\n100 0.5 -0.25\n200.5 -0.125 0\n300 1e-3 2E-3\n"},
    {"2", "# GHz S MA R 50\n1 0.3 -30 2.5 60 0.02 10 0.4 -20\n2 0.2 -60 2.0 40 0.03 5 0.3 -40\n"
          "! noise\n1 1.2 0.5 30 0.3\n2 1.5 0.45 40 0.28\n"},
    {"2", "# Hz Y DB R 75\n1 -3 10 -40 80 -40 80 -3 10\n2 -3 11 -41 81 -41 81 -3 11\n"},
    {"3", "# Hz Z RI\n1 11 0 12 0 13 0\n  21 0 22 0 23 0\n  31 0 32 0 33 0\n2 11 1 12 1 13 1\n  21 1 22 1 23 1\n"
          "  31 1 32 1 33 1\n"},
    {"0", "[Version] 2.0\n# GHz S MA R 50\n[Number of Ports] 4\n[Reference] 50 75\n0.01 0.01\n"
          "[Number of Frequencies] 1\n[Begin Information]\nx\n[End Information]\n"
          "[Network Data]\n5 0.60 161.24 0.40 -42.20 0.42 -66.58 0.53 -79.34\n"
          "0.40 -42.20 0.60 161.20 0.53 -79.34 0.42 -66.58\n0.42 -66.58 0.53 -79.34 0.60 161.24 0.40 -42.20\n"
          "0.53 -79.34 0.42 -66.58 0.40 -42.20 0.60 161.24\n[End]\n"},
    {"0", "[Version] 2.0\n# Hz S RI R 50\n[Number of Ports] 3\n[Number of Frequencies] 2\n[Matrix Format] Lower\n"
          "[Network Data]\n1 11 0\n 21 0 22 0\n 31 0 32 0 33 0\n2 11 0\n 21 0 22 0\n 31 0 32 0 33 0\n[End]\n"},
    {"0", "[Version] 2.0\n# GHz S MA R 50\n[Number of Ports] 2\n[Two-Port Data Order] 21_12\n"
          "[Number of Frequencies] 2\n[Number of Noise Frequencies] 1\n[Network Data]\n"
          "1 0.3 -30 2.5 60 0.02 10 0.4 -20\n2 0.2 -60 2.0 40 0.03 5 0.3 -40\n[Noise Data]\n1 1.2 0.5 30 0.3\n[End]\n"},
};

}  // namespace

TEST_CASE("Mutated hand-written files of every layout are rejected or read, never mishandled",
          "[io][touchstone][fuzz]") {
  Outcome out;
  std::uint64_t seed = 1;
  for (const auto& h : hand_written) {
    const std::string text = h[1];
    const int ports = std::stoi(h[0]);
    // Every truncation point of these small files, then random mutations.
    for (std::size_t cut = 0; cut <= text.size(); ++cut)
      must_behave(text.substr(0, cut), ports, "hand-written truncated at " + std::to_string(cut), out);
    mutate_all(text, ports, "hand-written #" + std::to_string(seed), seed * 7919, 1000, out);
    ++seed;
  }
  INFO("accepted " << out.accepted << ", rejected " << out.rejected << ", slowest " << out.slowest_s << " s");
  CHECK(out.rejected > 0);
  CHECK(out.accepted > 0);
}

TEST_CASE("Huge declared counts and pathological lines are refused quickly without large allocations",
          "[io][touchstone][fuzz]") {
  Outcome out;
  const std::string v2 = "[Version] 2.0\n# GHz S RI R 50\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {v2 + "[Number of Ports] 100000000\n[Number of Frequencies] 1\n[Network Data]\n1 0 0\n[End]\n", 0},
      {v2 + "[Number of Ports] 18446744073709551616\n", 0},
      {v2 + "[Number of Ports] 1024\n[Number of Frequencies] 1\n[Network Data]\n1 0 0\n[End]\n", 0},
      {v2 + "[Number of Ports] 1\n[Number of Frequencies] 99999999999999\n[Network Data]\n1 0 0\n[End]\n", 0},
      {v2 + "[Number of Ports] 2\n[Number of Noise Frequencies] 99999999999999\n[Two-Port Data Order] 12_21\n"
            "[Number of Frequencies] 1\n[Network Data]\n1 0 0 0 0 0 0 0 0\n[Noise Data]\n1 2 3 4 5\n[End]\n",
       0},
      {v2 + "[Number of Ports] 1024\n[Reference]\n" + std::string(200000, '5') + "\n", 0},
      {"# GHz S RI\n1 0 0\n", 1000000000},
      {"# GHz S RI\n" + std::string(1 << 20, ' ') + "\n1 0 0\n", 1},
      {"# GHz S RI\n1 " + std::string(1 << 20, '7') + " 0\n", 1},
      {"# GHz S RI\n" + std::string(1 << 20, '7') + " 0 0\n", 1},
      {"# GHz S RI\n1 1e99999999999999999999999 0\n2 0.5e-99999999999 0\n", 1},
      {"# GHz S RI\n" + std::string(1 << 16, '\n') + "1 0 0\n", 1},
      {"#" + std::string(1 << 16, 'R') + "\n1 0 0\n", 1},
      {std::string(1 << 16, '[') + "\n", 0},
      {std::string(1 << 16, '#') + "\n", 1},
      {"[Version] 2.0\n[Begin Information]\n" + std::string(1 << 16, 'x') + "\n", 0},
  };
  for (std::size_t i = 0; i < cases.size(); ++i)
    must_behave(cases[i].first, cases[i].second, "pathological case " + std::to_string(i), out);

  // A long file of errors stops at 20 diagnostics instead of collecting millions.
  std::string errors = "# GHz S RI\n";
  for (int k = 0; k < 200000; ++k) errors += "x\n";
  must_behave(errors, 1, "200000 bad lines", out);
  // 1024 ports declared by the extension and a file far too small for one record.
  must_behave("# GHz S RI\n1 " + std::string(4000, '1') + "\n", 1024, "1024 ports, one short record", out);

  std::mt19937_64 rng(99);
  for (int r = 0; r < 200; ++r) {
    std::string garbage(static_cast<std::size_t>(rng() % 8192), '\0');
    for (char& c : garbage) c = static_cast<char>(rng() % 256);
    must_behave(garbage, static_cast<int>(rng() % 6), "binary garbage " + std::to_string(r), out);
    must_behave("[Version] 2.0\n" + garbage, 0, "version line then binary garbage " + std::to_string(r), out);
  }
  INFO("slowest " << out.slowest_s << " s");
  CHECK(out.rejected > 0);
}

TEST_CASE("Mutated reference Touchstone files are rejected or read, never mishandled", "[io][touchstone][fuzz]") {
  const char* const files[] = {"pcb_stripline_119mm.s2p",
                               "pcb_stripline_238mm.s2p",
                               "CABLE1_TX_pair.s4p",
                               "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p",
                               "TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p",
                               "peters_01_0605_B1_thru.s4p",
                               "peters_01_0605_B12_thru.s4p",
                               "peters_01_0605_T20_thru.s4p",
                               "Case4_FM_13SI_20_T_D13_L6.s4p",
                               "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p",
                               "TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p"};
  Outcome out;
  std::uint64_t seed = 1000;
  for (const char* f : files) {
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + f, continue);
    std::ifstream in(*path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const int ports = touchstone_ports_from_extension(*path);
    std::mt19937_64 rng(seed);
    // The whole file: a few truncations and byte flips (each read costs milliseconds).
    for (int r = 0; r < 3; ++r) {
      const std::size_t cut = static_cast<std::size_t>(rng() % text.size());
      must_behave(text.substr(0, cut), ports, std::string(f) + " truncated at byte " + std::to_string(cut), out);
      std::string t = text;
      for (int k = 0; k < 4; ++k) t[static_cast<std::size_t>(rng() % t.size())] = interesting_byte(rng);
      must_behave(t, ports, std::string(f) + " with bytes changed", out);
    }
    // Its header and first records: every kind of mutation, many times.
    mutate_all(head(text, 150), ports, std::string(f) + " (first 150 lines)", seed, 200, out);
    ++seed;
  }
  INFO("accepted " << out.accepted << ", rejected " << out.rejected << ", slowest " << out.slowest_s << " s");
  CHECK(out.slowest_s < max_seconds_per_input);
}
