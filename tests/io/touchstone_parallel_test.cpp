// The Touchstone reader's fast paths give exactly what its line-by-line path gives: records read in
// bulk (a record at a time where records are laid out as the first one) and, for large data, the
// second part read by a second thread and taken over at a seam. For the reference files, for
// hand-written files of every layout, and for corrupted versions of both: the same network bit for
// bit, the same comments and notices, or the same error messages (io/detail/touchstone_scan.hpp
// has the knobs that force each path).
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "io/detail/touchstone_scan.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"
#include "phy/constants.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::io;
using detail::TouchstoneScanOptions;

namespace {

/// Everything a read gives: the network and the info, or the error's text.
struct Outcome {
  bool ok = false;
  channels::Network network;
  TouchstoneInfo info;
  std::string error;
};

Outcome read_with(const std::string& text, int ports, const TouchstoneScanOptions& options) {
  Outcome o;
  try {
    o.network = detail::read_touchstone_text(text, "t.s" + std::to_string(ports) + "p", ports, &o.info, options);
    o.ok = true;
  } catch (const InputError& e) {
    o.error = e.what();
  }
  return o;
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

/// Empty when a and b are the same outcome bit for bit, else what differs.
std::string difference(const Outcome& a, const Outcome& b) {
  if (a.ok != b.ok) return a.ok ? "read vs error: " + b.error : "error vs read: " + a.error;
  if (!a.ok) return a.error == b.error ? "" : "errors differ:\n" + a.error + "\n---\n" + b.error;
  const channels::Network &x = a.network, &y = b.network;
  if (x.ports() != y.ports() || x.size() != y.size()) return "sizes differ";
  if (x.z0_ohm() != y.z0_ohm() || x.name != y.name) return "references or names differ";
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (!same_bits(x.freq_hz()[k], y.freq_hz()[k])) return "frequency " + std::to_string(k) + " differs";
    for (int i = 0; i < x.ports(); ++i)
      for (int j = 0; j < x.ports(); ++j)
        if (!same_bits(x.s(k, i, j).real(), y.s(k, i, j).real()) ||
            !same_bits(x.s(k, i, j).imag(), y.s(k, i, j).imag()))
          return "S at frequency " + std::to_string(k) + " differs";
  }
  const TouchstoneInfo &p = a.info, &q = b.info;
  if (p.version != q.version || p.parameter != q.parameter || p.format != q.format ||
      p.frequency_unit != q.frequency_unit || p.reference_ohm != q.reference_ohm ||
      p.noise_frequencies != q.noise_frequencies)
    return "info differs";
  if (p.comments != q.comments) return "comments differ";
  if (p.notices != q.notices) return "notices differ";
  return "";
}

TouchstoneScanOptions line_by_line() {
  TouchstoneScanOptions o;
  o.bulk = false;
  return o;
}

TouchstoneScanOptions one_thread() {
  TouchstoneScanOptions o;
  o.parallel_min_bytes = std::numeric_limits<std::size_t>::max();
  return o;
}

/// Two threads whatever the size and the machine, chunks of `chunk_bytes`; with `wait`, the second
/// thread reads all the chunks it can before this one starts (deterministic), else the two meet
/// wherever the machine's scheduling takes them.
TouchstoneScanOptions two_threads(std::size_t chunk_bytes, std::size_t max_records, bool wait = true) {
  TouchstoneScanOptions o;
  o.parallel_min_bytes = 0;
  o.ignore_core_count = true;
  o.chunk_bytes = chunk_bytes;
  o.worker_max_records = max_records;
  o.wait_for_worker = wait;
  return o;
}

constexpr std::size_t all = std::numeric_limits<std::size_t>::max();

/// Reads `text` line by line (the reference), in bulk on one thread, and on two threads with chunks
/// of each of `chunk_sizes` bytes and the second thread stopping after each of `limits` records,
/// and requires every outcome to equal the reference. Returns the reference.
Outcome same_every_way(const std::string& text, int ports, const std::string& what,
                       const std::vector<std::size_t>& chunk_sizes, const std::vector<std::size_t>& limits) {
  const Outcome ref = read_with(text, ports, line_by_line());
  auto check = [&](const TouchstoneScanOptions& o, const std::string& how) {
    const std::string d = difference(ref, read_with(text, ports, o));
    if (!d.empty()) FAIL(what << ", " << how << ": " << d);
  };
  check(one_thread(), "one thread");
  for (std::size_t c : chunk_sizes)
    for (std::size_t m : limits)
      check(two_threads(c, m), "chunks of " + std::to_string(c) + " bytes, worker limit " + std::to_string(m));
  for (std::size_t c : chunk_sizes)
    check(two_threads(c, all, false), "chunks of " + std::to_string(c) + " bytes, racing");
  return ref;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::size_t> line_starts(const std::string& t) {
  std::vector<std::size_t> s{0};
  for (std::size_t i = 0; i + 1 < t.size(); ++i)
    if (t[i] == '\n') s.push_back(i + 1);
  return s;
}

std::string head(const std::string& t, std::size_t lines) {
  const auto s = line_starts(t);
  return lines < s.size() ? t.substr(0, s[lines]) : t;
}

const char* const reference_files[] = {"TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p",
                                       "TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p",
                                       "CABLE1_TX_pair.s4p",
                                       "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p",
                                       "TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p",
                                       "pcb_stripline_119mm.s2p",
                                       "pcb_stripline_238mm.s2p",
                                       "peters_01_0605_B1_thru.s4p",
                                       "peters_01_0605_B12_thru.s4p",
                                       "peters_01_0605_T20_thru.s4p",
                                       "Case4_FM_13SI_20_T_D13_L6.s4p"};

/// `records` records of a layout, as text: `header`, then for each record `first` with the
/// frequency (k + 1) put in front, and the continuation lines, with `between` after each record.
std::string repeat_records(const std::string& header, const std::string& first, const std::vector<std::string>& rest,
                           const std::string& between, int records, const std::string& footer = "") {
  std::string t = header;
  for (int k = 0; k < records; ++k) {
    t += std::to_string(k + 1) + " " + first + "\n";
    for (const auto& l : rest) t += l + "\n";
    t += between;
  }
  return t + footer;
}

/// Files of every layout the reader knows, each with enough records for a split.
std::vector<std::pair<std::string, int>> layouts() {
  return {
      {repeat_records("# MHz S RI R 50\n", "0.5 -0.25", {}, "", 60), 1},
      {repeat_records("! 2-port MA\n# GHz S MA R 50\n", "0.3 -30 2.5 60 0.02 10 0.4 -20", {}, "", 60), 2},
      {repeat_records("# GHz S MA R 50\n", "0.3 -30 2.5 60 0.02 10 0.4 -20", {}, "", 60) +
           "! noise\n1 1.2 0.5 30 0.3\n2 1.5 0.45 40 0.28\n",
       2},
      {repeat_records("# Hz Y DB R 75\n", "-3 10 -40 80 -40 80 -3 11", {}, "", 60), 2},
      {repeat_records("# Hz Z RI\n", "11 1 12 0.5 13 0.25", {"  21 0.5 22 2 23 0.5", "  31 0.25 32 0.5 33 3"}, "", 40),
       3},
      {repeat_records("# Hz S MA R 50\n", "0.1 35 0.9 -3 0.01 84 0.002 -101",
                      {"0.9 -3 0.1 40 0.002 -101 0.01 93", "0.01 84 0.002 -101 0.1 34 0.9 -3",
                       "0.002 -101 0.01 93 0.9 -3 0.1 41"},
                      "!\n", 40),
       4},
      {repeat_records("# GHz S DB R 50\r\n", "-22.2\t3.1 -0.45 -52.4 -26.1 23.0 -34.2 171.3\r",
                      {"-0.44 -52.4 -22.4 11.1 -34.1 171.1 -25.5 36.9 ! trailing\r",
                       "\t-26.1 22.8 -34.3 172.4 -21.8 5.8 -0.46 -52.5\r",
                       "-35.4 172.3 -25.7 36.3 -0.70 -52.6 -22.2 8.4\r"},
                      "\r\n! port impedance 50 50 50 50\r\n", 40),
       4},
      {repeat_records("[Version] 2.0\n# Hz S RI R 50\n[Number of Ports] 3\n[Number of Frequencies] 40\n"
                      "[Matrix Format] Lower\n[Network Data]\n",
                      "11 0", {" 21 0 22 0", " 31 0 32 0 33 0"}, "", 40, "[End]\n"),
       0},
      {repeat_records("[Version] 2.0\n# GHz S MA R 50\n[Number of Ports] 2\n[Two-Port Data Order] 12_21\n"
                      "[Number of Frequencies] 50\n[Number of Noise Frequencies] 1\n[Reference] 50 75\n"
                      "[Network Data]\n",
                      "0.3 -30 2.5 60 0.02 10 0.4 -20", {}, "", 50, "[Noise Data]\n1 1.2 0.5 30 0.3\n[End]\n"),
       0},
      // Lines of equal counts: a record start cannot be told from the middle (no second thread).
      {repeat_records("# GHz S RI R 50\n", "0.1 0.2", {"0.3 0.4 0.5", "0.6 0.7 0.8"}, "", 40), 2},
  };
}

}  // namespace

TEST_CASE("Every reference file reads bit-identically line by line, in bulk, and split between two threads",
          "[io][touchstone][parallel]") {
  for (const char* f : reference_files) {
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + f, continue);
    const std::string text = slurp(*path);
    const int ports = touchstone_ports_from_extension(*path);
    const Outcome ref = same_every_way(text, ports, f, {1, 64 << 10, 1 << 20}, {all});
    REQUIRE(ref.ok);
    // The file as read_touchstone reads it, with its default options (two threads for all but the
    // smallest), is the same too.
    Outcome from_file;
    from_file.network = read_touchstone(*path, &from_file.info);
    from_file.network.name = ref.network.name;  // the file's name instead of the test's
    from_file.ok = true;
    CHECK(difference(ref, from_file) == "");
  }
}

TEST_CASE("A second thread's records are taken over whatever the chunks and however many it read",
          "[io][touchstone][parallel]") {
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/CABLE1_TX_pair.s4p", return);
  // The header and 150 records of 4 lines: chunks from one record (chunk starts at every record)
  // to the whole, workers that stop after 0, 1, 2 and 37 records or run to the end.
  const std::string whole = slurp(*path);
  const auto option = static_cast<std::ptrdiff_t>(whole.find("\n#") + 1);  // the option line's start
  const auto header_lines = static_cast<std::size_t>(std::count(whole.begin(), whole.begin() + option, '\n')) + 1;
  const std::string text = head(whole, header_lines + 4 * 150);
  const Outcome ref = same_every_way(text, 4, "CABLE1 head", {1, 300, 1000, 4000, 20000, 1 << 20}, {0, 1, 2, 37, all});
  REQUIRE(ref.ok);
  CHECK(ref.network.size() == 150);
}

TEST_CASE("Files of every layout read the same line by line, in bulk and on two threads",
          "[io][touchstone][parallel]") {
  int index = 0;
  for (const auto& [text, ports] : layouts()) {
    const Outcome ref = same_every_way(text, ports, "layout " + std::to_string(index), {1, 200, 700}, {1, 5, all});
    INFO("layout " << index << ": " << ref.error);
    CHECK(ref.ok);
    ++index;
  }
}

TEST_CASE("Corrupted records give the same errors and notices whichever path reads them",
          "[io][touchstone][parallel]") {
  // Each corruption is applied to a data line early in the data, in the middle and late, so that it
  // falls in chunks read by this thread and by the second one, and at chunk starts; the line-by-line
  // path is the reference.
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string text = head(slurp(*path), 1200);  // 48 header lines, then records of 4 lines, a blank and a '!'
  const auto starts = line_starts(text);
  const std::size_t lines = starts.size();
  auto line_of = [&](std::size_t l) {
    return text.substr(starts[l], (l + 1 < lines ? starts[l + 1] : text.size()) - starts[l]);
  };
  auto with_line = [&](std::size_t l, const std::string& replacement) {
    return text.substr(0, starts[l]) + replacement + text.substr(l + 1 < lines ? starts[l + 1] : text.size());
  };
  // The line with its first magnitude ("0.") replaced by `by`.
  auto with_number = [&](std::size_t l, const std::string& by) {
    std::string s = line_of(l);
    return with_line(l, s.replace(s.find("0."), 2, by));
  };
  auto without_newline = [&](std::size_t l) {
    const std::string s = line_of(l);
    return s.substr(0, s.size() - 1);
  };
  using Corrupt = std::function<std::string(std::size_t)>;
  const std::vector<std::pair<std::string, Corrupt>> corruptions = {
      {"a word for a number", [&](std::size_t l) { return with_number(l, "ab"); }},
      {"an infinite number", [&](std::size_t l) { return with_line(l, "1e999 " + line_of(l)); }},
      {"NaN", [&](std::size_t l) { return with_number(l, "nan "); }},
      {"a leading plus", [&](std::size_t l) { return with_number(l, "+0."); }},
      {"an underflowing number", [&](std::size_t l) { return with_number(l, "1e-400 0."); }},
      {"a value too many", [&](std::size_t l) { return with_line(l, without_newline(l) + " 0.5\n"); }},
      {"a value too few", [&](std::size_t l) { return with_line(l, without_newline(l).substr(0, 40) + "\n"); }},
      {"a line deleted", [&](std::size_t l) { return with_line(l, ""); }},
      {"a line twice", [&](std::size_t l) { return with_line(l, line_of(l) + line_of(l)); }},
      {"a record repeated",
       [&](std::size_t l) {
         std::string rec;
         for (std::size_t i = l; i < l + 6 && i < lines; ++i) rec += line_of(i);
         return with_line(l, rec + line_of(l));
       }},
      {"a keyword", [&](std::size_t l) { return with_line(l, "[End]\n" + line_of(l)); }},
      {"an option line", [&](std::size_t l) { return with_line(l, "# GHz S RI R 50\n" + line_of(l)); }},
      {"an HFSS port impedance comment",
       [&](std::size_t l) { return with_line(l, "! Port Impedance 50 50 50 50\n" + line_of(l)); }},
      {"a comment after data", [&](std::size_t l) { return with_line(l, without_newline(l) + " ! x\n"); }},
      {"a '!' inside a number", [&](std::size_t l) { return with_number(l, "0!"); }},
      {"a NUL byte",
       [&](std::size_t l) {
         std::string s = line_of(l);
         s[s.size() / 2] = '\0';
         return with_line(l, s);
       }},
      {"tabs and a carriage return",
       [&](std::size_t l) {
         std::string s = without_newline(l);
         for (char& c : s)
           if (c == ' ') c = '\t';
         return with_line(l, s + "\r\n");
       }},
      {"the text cut in the line", [&](std::size_t l) { return text.substr(0, starts[l] + line_of(l).size() / 2); }},
      {"the text cut after the line", [&](std::size_t l) { return text.substr(0, starts[l + 1]); }},
  };
  // Data lines (not comments, not blank) at about 5 %, 40 % and 90 % of the text, and the next ones.
  std::vector<std::size_t> positions;
  for (double at : {0.05, 0.4, 0.9}) {
    std::size_t l = static_cast<std::size_t>(at * static_cast<double>(lines));
    for (int k = 0; k < 2; ++k, ++l) {
      while (l + 1 < lines && line_of(l).find("0.") == std::string::npos) ++l;
      positions.push_back(l);
    }
  }
  std::size_t rejected = 0, read = 0;
  for (const auto& [what, corrupt] : corruptions) {
    for (std::size_t l : positions) {
      const std::string where = what + " at line " + std::to_string(l + 1);
      const Outcome ref = same_every_way(corrupt(l), 4, where, {1, 5000}, {all, 3});
      (ref.ok ? read : rejected) += 1;
    }
  }
  CHECK(rejected > 0);
  CHECK(read > 0);
}

TEST_CASE("Randomly mutated files read the same line by line, in bulk and on two threads",
          "[io][touchstone][parallel][fuzz]") {
  std::vector<std::pair<std::string, int>> texts = layouts();
  for (const char* f : {"CABLE1_TX_pair.s4p", "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", "pcb_stripline_119mm.s2p"}) {
    const auto path = test::reference_file(std::string("touchstone/") + f);
    if (path) texts.emplace_back(head(slurp(*path), 300), touchstone_ports_from_extension(*path));
  }
  std::mt19937_64 rng(314159);
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  static const char special[] = "\n\r\t !#[]-+.eE0123456789";
  std::size_t cases = 0;
  for (const auto& [text, ports] : texts) {
    const auto starts = line_starts(text);
    for (int r = 0; r < 40; ++r) {
      std::string t = text;
      switch (r % 4) {
        case 0:  // bytes changed
          for (int k = 0; k < 1 + r % 3; ++k) t[pick(t.size())] = special[pick(sizeof special - 1)];
          break;
        case 1: {  // a line deleted
          const std::size_t l = pick(starts.size());
          const std::size_t e = l + 1 < starts.size() ? starts[l + 1] : t.size();
          t.erase(starts[l], e - starts[l]);
          break;
        }
        case 2: {  // a line duplicated
          const std::size_t l = pick(starts.size());
          const std::size_t e = l + 1 < starts.size() ? starts[l + 1] : t.size();
          t.insert(e, t.substr(starts[l], e - starts[l]));
          break;
        }
        default:  // truncated
          t.resize(pick(t.size()));
      }
      same_every_way(t, ports, "mutation " + std::to_string(cases), {1 + pick(3000)}, {all, pick(20)});
      ++cases;
    }
  }
  CHECK(cases > 0);
}

TEST_CASE("MA pairs give |S| exp(j angle) in every record and position, however they are batched",
          "[io][touchstone][property]") {
  // The reader converts the pairs of each record two and four at a time with SSE2 and one at a
  // time otherwise (an odd pair, an angle beyond 1e15 degrees and the pairs after it); all of
  // them must be within 2e-15 of std::polar (the rounding of the degree-to-radian conversion and
  // of sin/cos, as for the 1-port test in touchstone_test.cpp) and exact at multiples of 90 degrees.
  std::mt19937_64 rng(777);
  std::uniform_real_distribution<double> angle(-720.0, 720.0), mag(0.001, 2.0);
  std::ostringstream text;
  text.precision(17);
  text << "# Hz S MA R 50\n";
  const int records = 300;
  std::vector<double> mags, angles;
  for (int k = 0; k < records; ++k) {
    text << k + 1;
    for (int p = 0; p < 16; ++p) {
      double a = angle(rng);
      if (rng() % 8 == 0) a = 90.0 * static_cast<double>(static_cast<int>(rng() % 17) - 8);
      if (k == 100 && p == 5) a = 3e15;  // beyond the exact reduction: the rest of the record one by one
      const double m = mag(rng);
      mags.push_back(m);
      angles.push_back(a);
      text << ' ' << m << ' ' << a << (p % 4 == 3 ? "\n" : "");
    }
  }
  const Outcome ref = same_every_way(text.str(), 4, "random MA angles", {2000}, {all});
  REQUIRE(ref.ok);
  const channels::Network& n = ref.network;
  REQUIRE(n.size() == static_cast<std::size_t>(records));
  const double deg = phy::pi / 180.0;
  const std::complex<double> unit[4] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  double worst = 0.0;
  std::size_t exact_checked = 0;
  for (int k = 0; k < records; ++k) {
    for (int p = 0; p < 16; ++p) {
      const std::size_t i = static_cast<std::size_t>(16 * k + p);
      const std::complex<double> got = n.s(static_cast<std::size_t>(k), p / 4, p % 4);  // row by row
      const double a = angles[i], m = mags[i];
      if (std::abs(a) >= 1e15) continue;  // no exact reduction; std::cos/std::sin of the radians
      if (a == std::round(a / 90.0) * 90.0) {
        CHECK(got == m * unit[static_cast<std::size_t>((static_cast<long long>(a / 90.0) % 4 + 4) % 4)]);
        ++exact_checked;
        continue;
      }
      worst = std::max(worst, std::abs(got - std::polar(m, a * deg)) / m);
    }
  }
  CAPTURE(worst, exact_checked);
  CHECK(worst <= 2e-15);
  CHECK(exact_checked > 100);
}
