#include "io/touchstone.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "io/diagnostics.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::io {

using channels::cplx;

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

namespace {

char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  return true;
}

}  // namespace

std::string_view to_string(TouchstoneFormat f) {
  switch (f) {
    case TouchstoneFormat::ri: return "RI";
    case TouchstoneFormat::ma: return "MA";
    case TouchstoneFormat::db: return "DB";
  }
  return "?";
}

std::optional<TouchstoneFormat> parse_touchstone_format(std::string_view text) {
  for (auto f : {TouchstoneFormat::ri, TouchstoneFormat::ma, TouchstoneFormat::db})
    if (iequals(text, to_string(f))) return f;
  return std::nullopt;
}

std::string_view to_string(TouchstoneParameter p) {
  switch (p) {
    case TouchstoneParameter::s: return "S";
    case TouchstoneParameter::y: return "Y";
    case TouchstoneParameter::z: return "Z";
  }
  return "?";
}

std::string_view to_string(FrequencyUnit u) {
  switch (u) {
    case FrequencyUnit::hz: return "Hz";
    case FrequencyUnit::khz: return "kHz";
    case FrequencyUnit::mhz: return "MHz";
    case FrequencyUnit::ghz: return "GHz";
    case FrequencyUnit::thz: return "THz";
  }
  return "?";
}

std::optional<FrequencyUnit> parse_frequency_unit(std::string_view text) {
  for (auto u : {FrequencyUnit::hz, FrequencyUnit::khz, FrequencyUnit::mhz, FrequencyUnit::ghz, FrequencyUnit::thz})
    if (iequals(text, to_string(u))) return u;
  return std::nullopt;
}

int frequency_unit_exponent(FrequencyUnit u) {
  switch (u) {
    case FrequencyUnit::hz: return 0;
    case FrequencyUnit::khz: return 3;
    case FrequencyUnit::mhz: return 6;
    case FrequencyUnit::ghz: return 9;
    case FrequencyUnit::thz: return 12;
  }
  return 0;
}

std::string_view to_string(TouchstoneVersion v) { return v == TouchstoneVersion::v1_1 ? "1.1" : "2.0"; }

std::optional<TouchstoneVersion> parse_touchstone_version(std::string_view text) {
  if (text == "1" || text == "1.1") return TouchstoneVersion::v1_1;
  if (text == "2" || text == "2.0") return TouchstoneVersion::v2_0;
  return std::nullopt;
}

int touchstone_ports_from_extension(const std::filesystem::path& file) {
  const std::string ext = lower(file.extension().string());
  // ".s4p": a parameter letter, digits, 'p'. skrf also accepts y/z/g/h letters.
  if (ext.size() < 4 || ext[0] != '.' || ext.back() != 'p') return 0;
  if (std::string_view("syzgh").find(ext[1]) == std::string_view::npos) return 0;
  const std::string_view digits(ext.data() + 2, ext.size() - 3);
  if (digits.empty() || digits.size() > 9) return digits.size() > 9 ? touchstone_max_ports + 1 : 0;
  int n = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return 0;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t max_diagnostics = 20;

/// Space, tab, vertical tab, form feed, carriage return ('\n' never occurs inside a line).
bool is_blank(char c) { return c == ' ' || static_cast<unsigned char>(c - '\t') <= 4; }

/// The first non-blank in [p, e), or e. Real files pad their columns with runs of spaces, and a
/// byte-by-byte loop with an unpredictable exit took a third of the reading time: spaces are
/// skipped eight at a time and the first non-space found with a bit trick (SWAR, little-endian).
/// The 8-byte loads may look past e (a line's end) but never past hard_end (the text's end).
const char* skip_blanks(const char* p, const char* e, const char* hard_end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t spaces = 0x2020202020202020ull;
    constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    while (p < e && hard_end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      const std::uint64_t x = w ^ spaces;  // zero bytes are spaces
      if (x == 0) {
        p += 8;
        continue;
      }
      // High bit of each byte set where x is nonzero (exact: no carry crosses bytes).
      const std::uint64_t nonzero = (x | ((x & low7) + low7)) & ~low7;
      p += std::countr_zero(nonzero) >> 3;
      if (!is_blank(*p)) return p < e ? p : e;
      ++p;  // a tab or carriage return: go on
    }
  }
  while (p < e && is_blank(*p)) ++p;
  return p < e ? p : e;
}

/// How many of the 8 bytes at s (s + 8 <= end of the text) are leading decimal digits (0..8), and
/// their value: SWAR digit test and the digit-combining multiplications of fast_float
/// (D. Lemire, "Number parsing at a gigabyte per second", Software: Practice and Experience 2021).
/// Little-endian only (callers check).
unsigned leading_digits8(const char* s, std::uint64_t& value) {
  std::uint64_t w;
  std::memcpy(&w, s, 8);
  const std::uint64_t x = w ^ 0x3030303030303030ull;  // digit bytes become 0..9
  const std::uint64_t nondigit =
      (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;  // byte > 9
  const unsigned n = nondigit ? static_cast<unsigned>(std::countr_zero(nondigit)) >> 3 : 8u;
  if (n == 0) {
    value = 0;
    return 0;
  }
  std::uint64_t v = x << (8 * (8 - n));  // the n digits in the high bytes, leading zeros below
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFull) * 0x000F424000000064ull) +
       (((v >> 16) & 0x000000FF000000FFull) * 0x0000271000000001ull)) >>
      32;
  value = static_cast<std::uint32_t>(v);
  return n;
}

/// A token as it may appear in a message: at most 40 characters, control and non-ASCII bytes
/// escaped, so that binary garbage cannot flood or corrupt a terminal.
std::string shown(std::string_view token) {
  std::string out = "\"";
  const std::size_t n = std::min<std::size_t>(token.size(), 40);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (token.size() > n) out += "...";
  return out + "\"";
}

enum class NumberStatus { ok, not_a_number, not_finite };

/// A decimal floating-point number occupying the whole token (std::from_chars, plus a leading '+').
/// Underflow gives the nearest representable value (as strtod), overflow, "inf" and "nan" are
/// not_finite.
NumberStatus parse_number(std::string_view tok, double& out) {
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (b != e && *b == '+') {
    ++b;
    if (b == e || *b == '+' || *b == '-') return NumberStatus::not_a_number;
  }
  const auto r = std::from_chars(b, e, out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == e) {
    // libstdc++ reports both overflow and underflow as out of range; strtod tells them apart.
    const std::string copy(b, e);
    const double v = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(v)) return NumberStatus::not_finite;
    out = v;
    return NumberStatus::ok;
  }
  if (r.ec != std::errc() || r.ptr != e) return NumberStatus::not_a_number;
  if (!std::isfinite(out)) return NumberStatus::not_finite;
  return NumberStatus::ok;
}

/// A non-negative whole number occupying the whole token.
bool parse_count(std::string_view tok, std::uint64_t& out, bool& too_large) {
  too_large = false;
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (b != e && *b == '+') ++b;
  const auto r = std::from_chars(b, e, out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == e) {
    too_large = true;
    return false;
  }
  return r.ec == std::errc() && r.ptr == e && b != e;
}

/// The decimal number `tok` (already parsed to `parsed`) times 10^exp10, correctly rounded: the
/// exponent is shifted in the text and the result parsed once, so "0.01" GHz is exactly 1e7 Hz and
/// what touchstone_text writes in any unit reads back to the same double.
double scaled_decimal(std::string_view tok, int exp10, double parsed) {
  if (exp10 == 0) return parsed;
  const double fallback = parsed * std::pow(10.0, exp10);
  if (!tok.empty() && tok.front() == '+') tok.remove_prefix(1);
  if (tok.size() > 64) return fallback;  // no frequency is written with more digits than a double has
  const std::size_t epos = tok.find_first_of("eE");
  const std::string_view mantissa = tok.substr(0, epos);
  long exponent = 0;
  if (epos != std::string_view::npos) {
    std::string_view ex = tok.substr(epos + 1);
    if (!ex.empty() && ex.front() == '+') ex.remove_prefix(1);
    const auto r = std::from_chars(ex.data(), ex.data() + ex.size(), exponent);
    if (r.ec != std::errc() || r.ptr != ex.data() + ex.size() || std::labs(exponent) > 100000) return fallback;
  }
  exponent += exp10;
  char buf[96];
  std::memcpy(buf, mantissa.data(), mantissa.size());
  char* p = buf + mantissa.size();
  *p++ = 'e';
  const auto w = std::to_chars(p, buf + sizeof buf, exponent);
  double v = 0;
  const auto r = std::from_chars(buf, w.ptr, v);
  if (r.ec != std::errc() || r.ptr != w.ptr) return fallback;  // out of range: fallback is 0 or inf
  return v;
}

/// Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990):
/// when the decimal significand fits in 53 bits and |exponent| <= 22, both are exact doubles and
/// one IEEE multiplication or division gives the correctly rounded value, the same double
/// std::from_chars returns. Most values in real files qualify ("0.990477233", "-3.48889559");
/// anything else (and anything within 24 bytes of the text's end) returns false and goes to
/// std::from_chars. On success p is moved past the number, which must end at e or at a blank.
bool fast_number(const char*& p, const char* e, const char* hard_end, double& out) {
  if constexpr (std::endian::native != std::endian::little) return false;
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  static constexpr std::uint64_t ipow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const char* s = p;
  const bool negative = *s == '-';
  s += negative;
  std::uint64_t m = 0, block = 0;
  int digits = 0;  // significand digits from the first block that made m nonzero (conservative)
  int exp10 = 0;
  bool any = false;
  // Digits in blocks of up to 8; returns false when the significand could overflow 19 digits.
  auto digit_run = [&](bool fraction) {
    for (;;) {
      if (hard_end - s < 8) return false;
      const unsigned n = leading_digits8(s, block);
      if (n == 0) return true;
      any = true;
      if (m == 0) digits = 0;
      if (digits + static_cast<int>(n) > 19) return false;
      m = m * ipow10[n] + block;
      digits += static_cast<int>(n);
      if (fraction) exp10 -= static_cast<int>(n);
      s += n;
      if (n < 8) return true;
    }
  };
  if (!digit_run(false)) return false;
  if (s < e && *s == '.') {
    ++s;
    if (!digit_run(true)) return false;
  }
  if (!any) return false;
  if (s < e && (*s == 'e' || *s == 'E')) {
    ++s;
    const bool eneg = s < e && *s == '-';
    if (s < e && (*s == '-' || *s == '+')) ++s;
    if (hard_end - s < 8) return false;
    const unsigned n = leading_digits8(s, block);
    if (n == 0 || n == 8) return false;
    s += n;
    exp10 += eneg ? -static_cast<int>(block) : static_cast<int>(block);
  }
  if (s < e && !is_blank(*s)) return false;
  double v = 0.0;
  if (m != 0) {
    if (m > (std::uint64_t{1} << 53) || exp10 < -22 || exp10 > 22) return false;
    v = static_cast<double>(m);
    v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
  }
  out = negative ? -v : v;
  p = s;
  return true;
}

/// Whitespace-separated tokens of [begin, end), with columns relative to the line start.
class Tokens {
 public:
  Tokens(const char* begin, const char* end, const char* line_begin, const char* hard_end = nullptr)
      : p_(begin), end_(end), line_(line_begin), hard_(hard_end ? hard_end : end) {}
  bool next(std::string_view& tok) {
    p_ = skip_blanks(p_, end_, hard_);
    if (p_ == end_) return false;
    const char* s = p_;
    while (p_ < end_ && !is_blank(*p_)) ++p_;
    tok = std::string_view(s, static_cast<std::size_t>(p_ - s));
    return true;
  }
  /// The next token and its value; the common case (a finite number followed by a blank) costs one
  /// fast_number (else one std::from_chars) and no separate scan for the token's end.
  bool next_number(std::string_view& tok, double& v, NumberStatus& status) {
    p_ = skip_blanks(p_, end_, hard_);
    if (p_ == end_) return false;
    const char* s = p_;
    if (fast_number(p_, end_, hard_, v)) {
      tok = std::string_view(s, static_cast<std::size_t>(p_ - s));
      status = NumberStatus::ok;
      return true;
    }
    const auto r = std::from_chars(s, end_, v);
    if (r.ec == std::errc() && (r.ptr == end_ || is_blank(*r.ptr)) && std::isfinite(v)) {
      p_ = r.ptr;
      tok = std::string_view(s, static_cast<std::size_t>(p_ - s));
      status = NumberStatus::ok;
      return true;
    }
    while (p_ < end_ && !is_blank(*p_)) ++p_;
    tok = std::string_view(s, static_cast<std::size_t>(p_ - s));
    status = parse_number(tok, v);
    return true;
  }
  int column(std::string_view tok) const { return static_cast<int>(tok.data() - line_) + 1; }
  std::size_t count() const {
    Tokens t = *this;
    std::string_view tok;
    std::size_t n = 0;
    while (t.next(tok)) ++n;
    return n;
  }

 private:
  const char* p_;
  const char* end_;
  const char* line_;
  const char* hard_;  ///< end of the whole text: 8-byte loads may read up to here
};

struct Line {
  int number = 0;
  const char* begin = nullptr;
  const char* code_end = nullptr;  ///< the '!' of a comment, or the end of the line
  const char* end = nullptr;
};

enum class Section { header, network, noise, information, done };
enum class MatrixFormat { full, lower, upper };
enum class TwoPortOrder { unset, n12_21, n21_12 };

/// Frequency records being read: the network data (1 + 2M values each) or the noise data (5).
struct Records {
  std::size_t len = 0;                        ///< values per record, frequency included
  std::size_t have = 0;                       ///< values of the current record so far (0: between records)
  std::vector<double> freq_hz;                ///< one per record
  std::vector<int> start_line;                ///< one per record
  std::vector<std::pair<int, int>> current;   ///< (line, values) of the current record's lines so far
  std::vector<int> layout;                    ///< values per line of the first record
  const char* start_ptr = nullptr;            ///< start of the line where the current record began
};

const char* const known_keywords[] = {"[Version]",
                                      "[Number of Ports]",
                                      "[Two-Port Data Order]",
                                      "[Number of Frequencies]",
                                      "[Number of Noise Frequencies]",
                                      "[Reference]",
                                      "[Matrix Format]",
                                      "[Mixed-Mode Order]",
                                      "[Begin Information]",
                                      "[End Information]",
                                      "[Network Data]",
                                      "[Noise Data]",
                                      "[End]"};

/// "[number of ports]" for any spacing and case of "[ Number  of Ports ]".
std::string normalized_keyword(std::string_view inner) {
  std::string out = "[";
  bool space = false;
  for (char c : inner) {
    if (is_blank(c)) {
      space = true;
      continue;
    }
    if (space && out.size() > 1) out += ' ';
    space = false;
    out += lower_char(c);
  }
  return out + "]";
}

/// |S| from a Touchstone DB value, 10^(dB/20), computed as exp(dB ln(10)/20): the same accuracy as
/// phy::units::db_to_amplitude_ratio's pow (both round the exponent once; a relative error of a
/// few 1e-16 per 100 dB) at a third of the cost, which was a fifth of the reading time of a DB
/// file. Tested against pow by tests/io/touchstone_test.cpp "MA and DB pairs ...".
double db_to_magnitude(double db) {
  constexpr double ln10_over_20 = 0.11512925464970228420089957273422;  // ln(10) / 20
  return std::exp(db * ln10_over_20);
}

/// sin x and cos x for |x| <= pi/4: the polynomial kernels of fdlibm (Sun Microsystems, 1993,
/// k_sin.c and k_cos.c; freely distributable), each within 1 ulp on this interval. glibc's sincos
/// spent most of its time deciding which range it is in; here the range is known.
double kernel_sin(double x) {
  constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03,
                   s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06,
                   s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
  const double z = x * x, v = z * x;
  const double r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)));
  return x + v * (s1 + z * r);
}

double kernel_cos(double x) {
  constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03,
                   c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07,
                   c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))));
  const double ax = std::abs(x);
  if (ax < 0.3) return 1.0 - (0.5 * z - z * r);
  // 1 - z/2 loses bits for |x| >= 0.3: split off qx ~ x^2/4 exactly (fdlibm's high-word trick).
  const double qx = ax > 0.78125 ? 0.28125
                                 : std::bit_cast<double>((std::bit_cast<std::uint64_t>(ax) - (std::uint64_t{0x00200000} << 32)) &
                                                         0xffffffff00000000ull);
  return (1.0 - qx) - ((0.5 * z - qx) - z * r);
}

/// mag (cos t, sin t) for an angle t in degrees, reduced exactly to [-45, 45] degrees first
/// (r = t - 90 q is exact: r is a multiple of ulp(t) no larger than |t|). Multiples of 90 degrees
/// come out exact (-1 at 180 degrees, without a 1e-16 imaginary part), and the quadrant is applied
/// without branches (the angles of measured data are random, so a switch mispredicts).
cplx polar_degrees(double mag, double t) {
  if (!(std::abs(t) < 1e15)) {
    const double rad = t * (phy::pi / 180.0);
    return {mag * std::cos(rad), mag * std::sin(rad)};
  }
  static constexpr double sign_re[4] = {1.0, -1.0, -1.0, 1.0}, sign_im[4] = {1.0, 1.0, -1.0, -1.0};
  const double q = std::nearbyint(t / 90.0);
  const double rad = (t - 90.0 * q) * (phy::pi / 180.0);
  const double c = mag * kernel_cos(rad), s = mag * kernel_sin(rad);
  const auto k = static_cast<std::size_t>(static_cast<long long>(q) & 3);
  const bool odd = k & 1;
  return {sign_re[k] * (odd ? s : c), sign_im[k] * (odd ? c : s)};
}

class Parser {
 public:
  Parser(std::string_view text, std::string name, int ports_hint)
      : text_(text), name_(std::move(name)), ports_hint_(ports_hint) {
    info_.version = "1.0";
  }

  channels::Network run(TouchstoneInfo* info_out);

 private:
  // --- diagnostics
  void error(int line, int column, std::string message, std::string key = {}, std::string value = {}) {
    if (diags_.size() >= max_diagnostics) {
      fatal_ = true;
      return;
    }
    Diagnostic d;
    d.file = name_;
    d.line = line;
    d.column = column;
    // Diagnostic::to_string prints a value only after a key; a bare token leads the message.
    if (key.empty() && !value.empty()) message = value + ": " + message;
    if (!key.empty()) d.value = std::move(value);
    d.key = std::move(key);
    d.message = std::move(message);
    diags_.push_back(std::move(d));
    if (diags_.size() == max_diagnostics) {
      Diagnostic stop;
      stop.file = name_;
      stop.message = "stopping after " + std::to_string(max_diagnostics) + " errors";
      diags_.push_back(std::move(stop));
      fatal_ = true;
    }
  }
  void fatal(int line, int column, std::string message, std::string key = {}, std::string value = {}) {
    error(line, column, std::move(message), std::move(key), std::move(value));
    fatal_ = true;
  }
  void notice(std::string text) { info_.notices.push_back(std::move(text)); }
  std::string at_line(int line) const { return "line " + std::to_string(line); }

  // --- line handlers
  void process_line(const Line& ln, const char* bang);
  void option_line(const Line& ln, const char* hash);
  void keyword_line(const Line& ln, const char* open);
  void data_line(const Line& ln);
  void reference_values(const Line& ln, Tokens tk);
  void start_network(const Line& ln);
  void record_line(const Line& ln, Tokens tk, bool noise);
  void record_overflow(const Line& ln, Records& rs, std::string_view extra, std::size_t extra_count, bool noise);
  void record_truncated(Records& rs, bool noise, const std::string& where);
  std::string record_description(bool noise) const;
  void finish();
  channels::Network build();

  // --- helpers for keyword arguments
  bool keyword_count(const Line& ln, Tokens tk, const std::string& key, std::uint64_t& out);
  bool keyword_word(const Line& ln, Tokens tk, const std::string& key, std::string_view& out);
  bool header_keyword_allowed(const Line& ln, const std::string& key);

  std::string_view text_;
  std::string name_;
  int ports_hint_;
  TouchstoneInfo info_;
  std::vector<Diagnostic> diags_;
  bool fatal_ = false;

  int version_major_ = 1;
  bool anything_seen_ = false;
  bool option_seen_ = false;
  int option_line_ = 0;
  int unit_exp_ = 9;
  std::vector<double> option_r_{50.0};
  int ports_ = 0;
  int ports_line_ = 0;
  TwoPortOrder order_ = TwoPortOrder::unset;
  std::optional<std::uint64_t> declared_freqs_;
  int declared_freqs_line_ = 0;
  std::optional<std::uint64_t> declared_noise_;
  int declared_noise_line_ = 0;
  std::vector<double> reference_;
  bool reference_seen_ = false;
  bool reference_pending_ = false;
  int reference_line_ = 0;
  MatrixFormat matrix_ = MatrixFormat::full;
  bool network_keyword_seen_ = false;
  bool end_seen_ = false;
  bool after_end_noticed_ = false;
  bool port_impedance_noticed_ = false;
  Section section_ = Section::header;
  Section before_information_ = Section::header;
  int information_line_ = 0;
  bool reserved_ = false;
  int last_line_ = 0;

  Records net_;
  Records noise_;
  std::vector<double> values_;  ///< network data without the frequencies, record after record
};

channels::Network Parser::run(TouchstoneInfo* info_out) {
  const char* p = text_.data();
  const char* const end = p + text_.size();
  if (text_.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // UTF-8 byte-order mark
  int number = 0;
  while (p < end && !fatal_) {
    ++number;
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* le = nl ? nl : end;
    const auto* bang = static_cast<const char*>(std::memchr(p, '!', static_cast<std::size_t>(le - p)));
    Line ln{number, p, bang ? bang : le, le};
    process_line(ln, bang);
    p = nl ? nl + 1 : end;
  }
  last_line_ = number;
  if (!fatal_) finish();
  if (diags_.empty()) {
    channels::Network n = build();
    if (diags_.empty()) {
      if (info_out) *info_out = std::move(info_);
      return n;
    }
  }
  throw InputError(std::move(diags_));
}

void Parser::process_line(const Line& ln, const char* bang) {
  Tokens tk(ln.begin, ln.code_end, ln.begin);
  Tokens probe = tk;
  std::string_view first;
  if (!probe.next(first)) {
    if (bang) {
      const char* ce = ln.end;
      while (ce > bang + 1 && is_blank(ce[-1])) --ce;
      std::string_view comment(bang + 1, static_cast<std::size_t>(ce - bang - 1));
      if (!port_impedance_noticed_ && comment.size() >= 15 && iequals(comment.substr(0, 15), " port impedance")) {
        port_impedance_noticed_ = true;
        notice(at_line(ln.number) +
               ": per-frequency port impedances in comments (HFSS) are ignored; the data are taken as "
               "referenced to the option line's R / [Reference]");
      }
      info_.comments.emplace_back(comment);
    }
    return;
  }
  const char c = first.front();
  if (section_ == Section::information) {
    if (c == '[') {
      const char* close = static_cast<const char*>(std::memchr(first.data(), ']', static_cast<std::size_t>(ln.code_end - first.data())));
      if (close && normalized_keyword(std::string_view(first.data() + 1, static_cast<std::size_t>(close - first.data() - 1))) == "[end information]")
        section_ = before_information_;
    }
    return;
  }
  if (section_ == Section::done) {
    if (!after_end_noticed_) {
      after_end_noticed_ = true;
      notice(at_line(ln.number) + ": text after [End] is ignored");
    }
    return;
  }
  if (reference_pending_) {
    if (c != '[' && c != '#') {
      reference_values(ln, tk);
      return;
    }
    error(reference_line_, 0,
          "needs " + std::to_string(ports_) + " reference impedances (one per port), found " +
              std::to_string(reference_.size()) + " before " + at_line(ln.number),
          "[Reference]");
    reference_pending_ = false;
  }
  if (c == '#')
    option_line(ln, first.data());
  else if (c == '[')
    keyword_line(ln, first.data());
  else
    data_line(ln);
  anything_seen_ = true;
}

void Parser::option_line(const Line& ln, const char* hash) {
  const int col0 = static_cast<int>(hash - ln.begin) + 1;
  if (option_seen_) {
    if (version_major_ == 2)
      error(ln.number, col0, "a second option line (the first is on " + at_line(option_line_) + ")", "option line");
    else
      notice(at_line(ln.number) + ": a second option line is ignored (Touchstone 1.x uses the first, on " +
             at_line(option_line_) + ")");
    return;
  }
  if (section_ != Section::header) {
    error(ln.number, col0, "the option line must come before the network data", "option line");
    return;
  }
  option_seen_ = true;
  option_line_ = ln.number;
  Tokens tk(hash + 1, ln.code_end, ln.begin);
  bool unit_set = false, param_set = false, format_set = false, r_set = false;
  std::string_view tok;
  auto duplicate = [&](std::string_view what) {
    error(ln.number, tk.column(tok), std::string(what) + " is given twice", "option line", shown(tok));
  };
  while (tk.next(tok)) {
    const std::string low = lower(tok);
    if (auto u = parse_frequency_unit(low)) {
      if (unit_set) duplicate("the frequency unit");
      unit_set = true;
      info_.frequency_unit = *u;
      unit_exp_ = frequency_unit_exponent(*u);
    } else if (low == "s" || low == "y" || low == "z") {
      if (param_set) duplicate("the parameter type");
      param_set = true;
      info_.parameter = low == "s" ? TouchstoneParameter::s : low == "y" ? TouchstoneParameter::y : TouchstoneParameter::z;
    } else if (low == "h" || low == "g") {
      param_set = true;
      error(ln.number, tk.column(tok),
            "hybrid (" + lower(tok) + ") parameters are not supported: phylane reads S, Y and Z parameters",
            "option line", shown(tok));
    } else if (auto f = parse_touchstone_format(low)) {
      if (format_set) duplicate("the data format");
      format_set = true;
      info_.format = *f;
    } else if (low == "r") {
      if (r_set) duplicate("R");
      r_set = true;
      const int r_col = tk.column(tok);
      std::vector<double> r;
      Tokens peek = tk;
      std::string_view v;
      while (peek.next(v)) {
        double x = 0;
        if (parse_number(v, x) != NumberStatus::ok) {
          // "R 50ohm" or "R abc": a token that starts like a number is a bad resistance, not the next option.
          if (r.empty() && !v.empty() && (std::isdigit(static_cast<unsigned char>(v.front())) || v.front() == '-' ||
                                          v.front() == '+' || v.front() == '.')) {
            error(ln.number, peek.column(v), "R must be followed by the reference resistance in ohms, a number > 0",
                  "option line", shown(v));
            tk = peek;
            r.push_back(50.0);
          }
          break;
        }
        if (!(x > 0.0)) error(ln.number, peek.column(v), "the reference resistance must be > 0 ohm", "option line", shown(v));
        r.push_back(x > 0.0 ? x : 50.0);
        tk = peek;
      }
      if (r.empty())
        error(ln.number, r_col, "R must be followed by the reference resistance in ohms (e.g. \"R 50\")", "option line");
      else
        option_r_ = std::move(r);
    } else {
      std::string msg = "unknown option-line token; allowed: a frequency unit (Hz, kHz, MHz, GHz, THz), a parameter "
                        "(S, Y, Z), a format (RI, MA, DB) and R <ohms>";
      if (tok.size() >= 3) {
        const std::string guess = closest_match(
            std::string(tok), {"Hz", "kHz", "MHz", "GHz", "THz", "S", "Y", "Z", "RI", "MA", "DB", "R"});
        if (!guess.empty()) msg += " (did you mean " + guess + "?)";
      }
      error(ln.number, tk.column(tok), msg, "option line", shown(tok));
    }
  }
  if (option_r_.size() > 1 && version_major_ == 1) info_.version = "1.1";
}

bool Parser::header_keyword_allowed(const Line& ln, const std::string& key) {
  if (section_ != Section::header) {
    error(ln.number, 1, "must come before [Network Data]", key);
    return false;
  }
  return true;
}

bool Parser::keyword_count(const Line& ln, Tokens tk, const std::string& key, std::uint64_t& out) {
  std::string_view tok;
  if (!tk.next(tok)) {
    error(ln.number, 1, "needs a whole number", key);
    return false;
  }
  bool too_large = false;
  if (!parse_count(tok, out, too_large)) {
    error(ln.number, tk.column(tok), too_large ? "is too large" : "must be a whole number >= 1", key, shown(tok));
    return false;
  }
  std::string_view extra;
  if (tk.next(extra)) {
    error(ln.number, tk.column(extra), "unexpected text after the number", key, shown(extra));
    return false;
  }
  if (out == 0) {
    error(ln.number, tk.column(tok), "must be >= 1", key, shown(tok));
    return false;
  }
  return true;
}

bool Parser::keyword_word(const Line& ln, Tokens tk, const std::string& key, std::string_view& out) {
  if (!tk.next(out)) {
    error(ln.number, 1, "needs a value", key);
    return false;
  }
  std::string_view extra;
  if (tk.next(extra)) {
    error(ln.number, tk.column(extra), "unexpected text after the value", key, shown(extra));
    return false;
  }
  return true;
}

void Parser::keyword_line(const Line& ln, const char* open) {
  const int col0 = static_cast<int>(open - ln.begin) + 1;
  const auto* close = static_cast<const char*>(std::memchr(open, ']', static_cast<std::size_t>(ln.code_end - open)));
  if (!close) {
    error(ln.number, col0, "a keyword must be closed by ']'", "", shown(std::string_view(open, static_cast<std::size_t>(ln.code_end - open))));
    return;
  }
  const std::string key = normalized_keyword(std::string_view(open + 1, static_cast<std::size_t>(close - open - 1)));
  const std::string written(open, static_cast<std::size_t>(close - open + 1));
  Tokens args(close + 1, ln.code_end, ln.begin);
  std::string_view tok;

  const bool known = std::any_of(std::begin(known_keywords), std::end(known_keywords),
                                 [&](const char* k) { return normalized_keyword(std::string_view(k + 1, std::strlen(k) - 2)) == key; });
  if (!known) {
    std::vector<std::string> cands(std::begin(known_keywords), std::end(known_keywords));
    const std::string guess = closest_match(written, cands);
    error(ln.number, col0, "unknown keyword" + (guess.empty() ? std::string() : " (did you mean " + guess + "?)"),
          "", shown(written));
    return;
  }
  if (key == "[version]") {
    if (anything_seen_) {
      fatal(ln.number, col0, "must be the first line that is not a comment", written);
      return;
    }
    std::string_view v;
    if (!keyword_word(ln, args, written, v)) {
      fatal_ = true;
      return;
    }
    if (v != "2.0" && v != "2.1") {
      fatal(ln.number, static_cast<int>(v.data() - ln.begin) + 1,
            "unsupported version; supported: 2.0 and 2.1 (a file without [Version] is read as 1.x)", written, shown(v));
      return;
    }
    version_major_ = 2;
    info_.version = std::string(v);
    if (option_r_.size() > 1) info_.version = "1.1";
    return;
  }
  if (version_major_ == 1) {
    error(ln.number, col0,
          "is a Touchstone 2.0 keyword, but the file does not start with [Version] 2.0 (Touchstone 1.x files have no "
          "keywords)",
          written);
    return;
  }
  if (key == "[number of ports]") {
    if (!header_keyword_allowed(ln, written)) return;
    std::uint64_t n = 0;
    if (ports_ != 0) {
      error(ln.number, col0, "is given twice (first on " + at_line(ports_line_) + ")", written);
      return;
    }
    if (!keyword_count(ln, args, written, n)) return;
    if (n > static_cast<std::uint64_t>(touchstone_max_ports)) {
      fatal(ln.number, col0, "at most " + std::to_string(touchstone_max_ports) + " ports are supported", written,
            std::to_string(n));
      return;
    }
    ports_ = static_cast<int>(n);
    ports_line_ = ln.number;
    if (ports_hint_ > 0 && ports_hint_ != ports_)
      notice(at_line(ln.number) + ": [Number of Ports] " + std::to_string(ports_) + " differs from the file extension (" +
             std::to_string(ports_hint_) + " ports); the keyword is used");
  } else if (key == "[two-port data order]") {
    if (!header_keyword_allowed(ln, written)) return;
    std::string_view v;
    if (!keyword_word(ln, args, written, v)) return;
    if (v == "12_21")
      order_ = TwoPortOrder::n12_21;
    else if (v == "21_12")
      order_ = TwoPortOrder::n21_12;
    else
      error(ln.number, static_cast<int>(v.data() - ln.begin) + 1, "must be 12_21 or 21_12", written, shown(v));
  } else if (key == "[number of frequencies]") {
    if (!header_keyword_allowed(ln, written)) return;
    std::uint64_t n = 0;
    if (keyword_count(ln, args, written, n)) {
      declared_freqs_ = n;
      declared_freqs_line_ = ln.number;
    }
  } else if (key == "[number of noise frequencies]") {
    if (!header_keyword_allowed(ln, written)) return;
    std::uint64_t n = 0;
    if (keyword_count(ln, args, written, n)) {
      declared_noise_ = n;
      declared_noise_line_ = ln.number;
    }
  } else if (key == "[reference]") {
    if (!header_keyword_allowed(ln, written)) return;
    if (ports_ == 0) {
      fatal(ln.number, col0, "must come after [Number of Ports] (it lists one impedance per port)", written);
      return;
    }
    if (reference_seen_) {
      error(ln.number, col0, "is given twice", written);
      return;
    }
    reference_seen_ = true;
    reference_line_ = ln.number;
    reference_.clear();
    reference_pending_ = true;
    reference_values(ln, args);
  } else if (key == "[matrix format]") {
    if (!header_keyword_allowed(ln, written)) return;
    std::string_view v;
    if (!keyword_word(ln, args, written, v)) return;
    if (iequals(v, "full"))
      matrix_ = MatrixFormat::full;
    else if (iequals(v, "lower"))
      matrix_ = MatrixFormat::lower;
    else if (iequals(v, "upper"))
      matrix_ = MatrixFormat::upper;
    else
      error(ln.number, static_cast<int>(v.data() - ln.begin) + 1, "must be Full, Lower or Upper", written, shown(v));
  } else if (key == "[mixed-mode order]") {
    fatal(ln.number, col0,
          "mixed-mode data are not supported; export single-ended parameters (phylane converts to mixed mode itself)",
          written);
  } else if (key == "[begin information]") {
    before_information_ = section_;
    section_ = Section::information;
    information_line_ = ln.number;
  } else if (key == "[end information]") {
    error(ln.number, col0, "without [Begin Information]", written);
  } else if (key == "[network data]") {
    if (args.next(tok)) error(ln.number, args.column(tok), "unexpected text after the keyword", written, shown(tok));
    if (network_keyword_seen_) {
      error(ln.number, col0, "is given twice", written);
      return;
    }
    network_keyword_seen_ = true;
    start_network(ln);
  } else if (key == "[noise data]") {
    if (args.next(tok)) error(ln.number, args.column(tok), "unexpected text after the keyword", written, shown(tok));
    if (section_ != Section::network) {
      fatal(ln.number, col0, section_ == Section::noise ? "is given twice" : "must follow the network data", written);
      return;
    }
    if (net_.have > 0) record_truncated(net_, false, "before [Noise Data] on " + at_line(ln.number));
    if (ports_ != 2) error(ln.number, col0, "noise data are defined for 2-port files only", written);
    if (!declared_noise_) error(ln.number, col0, "needs [Number of Noise Frequencies] before [Network Data]", written);
    noise_.len = 5;
    section_ = Section::noise;
  } else if (key == "[end]") {
    if (args.next(tok)) error(ln.number, args.column(tok), "unexpected text after the keyword", written, shown(tok));
    if (section_ == Section::network && net_.have > 0) record_truncated(net_, false, "before [End] on " + at_line(ln.number));
    if (section_ == Section::noise && noise_.have > 0) record_truncated(noise_, true, "before [End] on " + at_line(ln.number));
    if (!network_keyword_seen_) error(ln.number, col0, "comes before any [Network Data]", written);
    end_seen_ = true;
    section_ = Section::done;
  }
}

void Parser::reference_values(const Line& ln, Tokens tk) {
  std::string_view tok;
  while (tk.next(tok)) {
    if (!reference_pending_) {
      error(ln.number, tk.column(tok), "more reference impedances than ports (" + std::to_string(ports_) + ")",
            "[Reference]", shown(tok));
      return;
    }
    double v = 0;
    if (parse_number(tok, v) != NumberStatus::ok || !(v > 0.0)) {
      error(ln.number, tk.column(tok), "a reference impedance must be a number > 0 (ohms)", "[Reference]", shown(tok));
      v = 50.0;
    }
    reference_.push_back(v);
    if (static_cast<int>(reference_.size()) == ports_) reference_pending_ = false;
  }
}

void Parser::start_network(const Line& ln) {
  if (version_major_ == 2) {
    if (!option_seen_) error(ln.number, 0, "the option line (# <unit> <parameter> <format> R <ohms>) is missing");
    if (ports_ == 0) {
      fatal(ln.number, 0, "[Number of Ports] is missing before [Network Data]");
      return;
    }
    if (ports_ == 2 && order_ == TwoPortOrder::unset) {
      error(ln.number, 0, "[Two-Port Data Order] (12_21 or 21_12) is required for 2-port files");
      order_ = TwoPortOrder::n21_12;
    }
    if (ports_ != 2 && order_ != TwoPortOrder::unset)
      notice("[Two-Port Data Order] is ignored in a " + std::to_string(ports_) + "-port file");
    if (!declared_freqs_) error(ln.number, 0, "[Number of Frequencies] is missing before [Network Data]");
  } else {
    if (ports_hint_ <= 0) {
      fatal(ln.number, 1,
            "the number of ports is unknown: a Touchstone 1.x file states it only in its extension (.s1p, .s2p, ..., "
            ".sNp); rename the file or give it a [Version] 2.0 header with [Number of Ports]");
      return;
    }
    if (ports_hint_ > touchstone_max_ports) {
      fatal(ln.number, 1,
            "the file extension gives " + std::to_string(ports_hint_) + " ports; at most " +
                std::to_string(touchstone_max_ports) + " are supported");
      return;
    }
    ports_ = ports_hint_;
    order_ = TwoPortOrder::n21_12;  // Touchstone 1.x 2-port order: N11 N21 N12 N22
    if (!option_seen_) notice("no option line: using the defaults # GHz S MA R 50");
  }
  const std::size_t n = static_cast<std::size_t>(ports_);
  if (option_r_.size() != 1 && option_r_.size() != n) {
    error(option_line_, 0,
          "R lists " + std::to_string(option_r_.size()) + " reference resistances; give one, or one per port (" +
              std::to_string(n) + ")",
          "option line");
    option_r_.assign(1, option_r_.front());
  }
  const std::size_t m = matrix_ == MatrixFormat::full ? n * n : n * (n + 1) / 2;
  net_.len = 1 + 2 * m;
  section_ = Section::network;
}

void Parser::data_line(const Line& ln) {
  if (section_ == Section::header) {
    if (version_major_ == 2) {
      std::string_view tok;
      Tokens tk(ln.begin, ln.code_end, ln.begin);
      tk.next(tok);
      fatal(ln.number, tk.column(tok), "data before [Network Data] (or an option line or keyword is missing its '#' or '[')",
            "", shown(tok));
      return;
    }
    start_network(ln);
    if (fatal_) return;
  }
  record_line(ln, Tokens(ln.begin, ln.code_end, ln.begin, text_.data() + text_.size()), section_ == Section::noise);
}

std::string Parser::record_description(bool noise) const {
  if (noise) return "each noise record has 5 values (frequency, NFmin dB, |Gamma_opt|, angle Gamma_opt, Rn/R)";
  const std::size_t m = (net_.len - 1) / 2;
  std::string what = std::to_string(m) + " complex " + std::string(to_string(info_.parameter)) + "-parameters";
  if (matrix_ != MatrixFormat::full)
    what += std::string(" (") + (matrix_ == MatrixFormat::lower ? "lower" : "upper") + " triangle)";
  return "each frequency needs " + std::to_string(net_.len) + " values: the frequency and " + what + " of a " +
         std::to_string(ports_) + "-port";
}

void Parser::record_overflow(const Line& ln, Records& rs, std::string_view extra, std::size_t on_line, bool noise) {
  // The record just completed in the middle of this line. Compare the record's lines with the
  // first record's layout (when this is not the first record) to point at the line that is
  // short or long.
  std::vector<std::pair<int, int>> lines = rs.current;
  if (!lines.empty() && lines.back().first == ln.number)
    lines.back().second = static_cast<int>(on_line);
  else
    lines.emplace_back(ln.number, static_cast<int>(on_line));
  if (rs.freq_hz.size() > 1) {
    for (std::size_t i = 0; i < lines.size() && i < rs.layout.size(); ++i) {
      if (lines[i].second != rs.layout[i]) {
        fatal(lines[i].first, 0,
              "wrong number of values: this line has " + std::to_string(lines[i].second) + " where the first " +
                  (noise ? "noise record" : "frequency") + " (" + at_line(rs.start_line.front()) + ") has " +
                  std::to_string(rs.layout[i]) + (rs.layout.size() > 1 ? " on its line " + std::to_string(i + 1) : "") +
                  "; " + record_description(noise));
        return;
      }
    }
  }
  fatal(ln.number, static_cast<int>(extra.data() - ln.begin) + 1,
        "wrong number of values: the record that starts on " + at_line(rs.start_line.back()) +
            " is complete before this value; " + record_description(noise),
        "", shown(extra));
}

void Parser::record_truncated(Records& rs, bool noise, const std::string& where) {
  if (!rs.layout.empty()) {
    for (std::size_t i = 0; i < rs.current.size() && i < rs.layout.size(); ++i) {
      if (rs.current[i].second != rs.layout[i]) {
        error(rs.current[i].first, 0,
              "wrong number of values: this line has " + std::to_string(rs.current[i].second) + " where the first " +
                  (noise ? "noise record" : "frequency") + " (" + at_line(rs.start_line.front()) + ") has " +
                  std::to_string(rs.layout[i]) + (rs.layout.size() > 1 ? " on its line " + std::to_string(i + 1) : "") +
                  "; " + record_description(noise));
        rs.have = 0;
        return;
      }
    }
  }
  error(rs.start_line.back(), 0,
        "truncated data: the record that starts here has " + std::to_string(rs.have) + " of " + std::to_string(rs.len) +
            " values " + where + "; " + record_description(noise));
  rs.have = 0;
}

void Parser::record_line(const Line& ln, Tokens tk, bool noise) {
  Records& rs = noise ? noise_ : net_;
  std::string_view tok;
  std::size_t on_line = 0;
  const Tokens line_start = tk;
  double v = 0;
  NumberStatus st = NumberStatus::ok;
  while (tk.next_number(tok, v, st)) {
    if (rs.have == 0 && on_line > 0) {
      record_overflow(ln, rs, tok, on_line + 1 + Tokens(tk).count(), noise);
      return;
    }
    if (st != NumberStatus::ok) {
      error(ln.number, tk.column(tok),
            st == NumberStatus::not_a_number ? "not a number" : "not a finite number (NaN and infinity are not allowed)",
            "", shown(tok));
      v = 0.0;
    }
    if (rs.have == 0) {
      double f = st == NumberStatus::ok ? scaled_decimal(tok, unit_exp_, v) : 0.0;
      if (st == NumberStatus::ok && !std::isfinite(f)) {
        error(ln.number, tk.column(tok), "frequency out of range", "", shown(tok));
        f = 0.0;
      } else if (st == NumberStatus::ok && f < 0.0) {
        error(ln.number, tk.column(tok), "a frequency must be >= 0", "", shown(tok));
      }
      const bool have_prev = !rs.freq_hz.empty();
      const double prev = have_prev ? rs.freq_hz.back() : 0.0;
      if (!noise && version_major_ == 1 && ports_ == 2 && have_prev && st == NumberStatus::ok && f <= prev &&
          line_start.count() == 5) {
        // Touchstone 1.x 2-port files append noise parameters after the network data; the first
        // noise frequency is not above the last network frequency.
        section_ = Section::noise;
        noise_.len = 5;
        notice(at_line(ln.number) + ": 2-port noise parameters from here on are skipped");
        record_line(ln, line_start, true);
        return;
      }
      if (have_prev && st == NumberStatus::ok && !(f > prev))
        error(ln.number, tk.column(tok),
              "frequencies must increase: this one is not above the previous one (" + at_line(rs.start_line.back()) + ")",
              "", shown(tok));
      rs.freq_hz.push_back(f);
      rs.start_line.push_back(ln.number);
      rs.start_ptr = ln.begin;
      rs.current.clear();
    } else if (!noise) {
      values_.push_back(v);
    }
    ++rs.have;
    ++on_line;
    if (rs.have == rs.len) {
      rs.current.emplace_back(ln.number, static_cast<int>(on_line));
      if (rs.layout.empty()) {
        for (const auto& l : rs.current) rs.layout.push_back(l.second);
        if (!noise && !reserved_) {
          // Reserve for the rest of the file from the first record's size in bytes, and from the
          // declared count only where the bytes left could hold it: each value takes at least 2 bytes.
          reserved_ = true;
          const auto record_bytes = static_cast<std::size_t>(ln.end - rs.start_ptr) + 1;
          const auto remaining = static_cast<std::size_t>(text_.data() + text_.size() - ln.end);
          std::size_t expect = remaining / record_bytes + 1;
          if (declared_freqs_ && *declared_freqs_ < expect) expect = static_cast<std::size_t>(*declared_freqs_);
          values_.reserve(std::min(expect * (rs.len - 1), remaining / 2 + rs.len));
        }
      }
      rs.have = 0;
    }
  }
  if (rs.have > 0 && on_line > 0) rs.current.emplace_back(ln.number, static_cast<int>(on_line));
}

void Parser::finish() {
  if (reference_pending_)
    error(reference_line_, 0,
          "needs " + std::to_string(ports_) + " reference impedances (one per port), found " +
              std::to_string(reference_.size()),
          "[Reference]");
  if (section_ == Section::information)
    error(information_line_, 0, "[Begin Information] has no [End Information]");
  if (net_.have > 0) record_truncated(net_, false, "at the end of the file");
  if (noise_.have > 0) record_truncated(noise_, true, "at the end of the file");
  const int last_line = last_line_;
  if (version_major_ == 2) {
    if (!network_keyword_seen_) error(last_line, 0, "[Network Data] is missing");
    if (!end_seen_) error(last_line, 0, "[End] is missing at the end of the file (is the file truncated?)");
    if (declared_freqs_ && network_keyword_seen_ && *declared_freqs_ != net_.freq_hz.size())
      error(declared_freqs_line_, 0,
            "declares " + std::to_string(*declared_freqs_) + " frequencies but the network data have " +
                std::to_string(net_.freq_hz.size()),
            "[Number of Frequencies]");
    if (declared_noise_ && *declared_noise_ != noise_.freq_hz.size())
      error(declared_noise_line_, 0,
            "declares " + std::to_string(*declared_noise_) + " noise frequencies but the noise data have " +
                std::to_string(noise_.freq_hz.size()),
            "[Number of Noise Frequencies]");
  }
  if (net_.freq_hz.empty() && diags_.empty()) error(0, 0, "no network data");
}

channels::Network Parser::build() {
  const int n = ports_;
  const auto nn = static_cast<std::size_t>(n);
  const std::size_t m = (net_.len - 1) / 2;
  const std::size_t nf = net_.freq_hz.size();
  std::vector<double> z0 = reference_seen_ ? reference_ : option_r_;
  if (z0.size() == 1) z0.assign(nn, z0.front());
  info_.reference_ohm = z0;
  info_.noise_frequencies = noise_.freq_hz.size();

  // Storage offset (column-major, as Network keeps each matrix) of the k-th value pair of a
  // record, and of its mirror image for Lower/Upper matrices (the same offset for Full).
  std::vector<std::size_t> at, mirror;
  at.reserve(m);
  mirror.reserve(m);
  auto add = [&](std::size_t row, std::size_t col) {
    at.push_back(col * nn + row);
    mirror.push_back(row * nn + col);
  };
  if (matrix_ == MatrixFormat::full && n == 2 && order_ == TwoPortOrder::n21_12) {
    add(0, 0), add(1, 0), add(0, 1), add(1, 1);  // N11 N21 N12 N22
  } else {
    for (std::size_t r = 0; r < nn; ++r)
      for (std::size_t c = 0; c < nn; ++c)  // row by row
        if (matrix_ == MatrixFormat::full || (matrix_ == MatrixFormat::lower ? c <= r : c >= r)) add(r, c);
  }
  if (matrix_ == MatrixFormat::full) mirror = at;

  const bool convert = info_.parameter != TouchstoneParameter::s;
  const bool uniform = std::all_of(z0.begin(), z0.end(), [&](double z) { return z == z0.front(); });
  if (convert && version_major_ == 1 && !uniform) {
    error(option_line_, 0,
          "Y or Z data with one reference resistance per port on the option line are not supported (their "
          "normalisation is not defined); use Touchstone 2.0 with [Reference]",
          "option line");
    return {};
  }

  channels::Network net(std::move(net_.freq_hz), n, z0);
  net.name = name_;
  Eigen::MatrixXcd x(n, n);
  const TouchstoneFormat fmt = info_.format;
  const double* v = values_.data();
  for (std::size_t k = 0; k < nf; ++k, v += 2 * m) {
    bool finite = true;
    cplx* out = convert ? x.data() : net.s(k).data();
    for (std::size_t p = 0; p < m; ++p) {
      const double a = v[2 * p], b = v[2 * p + 1];
      cplx c;
      if (fmt == TouchstoneFormat::ri) {
        c = cplx(a, b);
      } else {
        c = polar_degrees(fmt == TouchstoneFormat::ma ? a : db_to_magnitude(a), b);
      }
      finite &= std::isfinite(c.real()) & std::isfinite(c.imag());
      out[at[p]] = c;
      out[mirror[p]] = c;
    }
    if (!finite) {
      error(net_.start_line[k], 0, "a value pair does not give a finite complex number (dB value too large?)");
      if (fatal_) return {};
      continue;
    }
    if (!convert) continue;
    Eigen::MatrixXcd full = x;
    if (version_major_ == 1) {
      // Touchstone 1.x Y and Z data are normalised to R (spec 2.0, "Option Line"; 2.x data are not).
      const double r = z0.front();
      full = info_.parameter == TouchstoneParameter::z ? Eigen::MatrixXcd(full * r) : Eigen::MatrixXcd(full / r);
    }
    const Eigen::MatrixXcd s = info_.parameter == TouchstoneParameter::z ? channels::z_to_s(full, z0) : channels::y_to_s(full, z0);
    if (!s.allFinite()) {
      error(net_.start_line[k], 0,
            std::string(info_.parameter == TouchstoneParameter::z ? "Z" : "Y") +
                "-parameters at this frequency cannot be converted to S (the matrix is singular with the reference "
                "impedances)");
      if (fatal_) return {};
      continue;
    }
    net.s(k) = s;
  }
  return net;
}

}  // namespace

channels::Network read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                       TouchstoneInfo* info) {
  Parser parser(text, name, ports_hint);
  return parser.run(info);
}

namespace {

/// An uninitialised byte buffer for a whole file (a zero-filled std::string costs a pass over
/// memory).
class FileBuffer {
 public:
  explicit FileBuffer(std::size_t bytes) : data_(new char[bytes + 1]) {}
  char* data() const { return data_.get(); }

 private:
  std::unique_ptr<char[]> data_;
};

}  // namespace

channels::Network read_touchstone(const std::filesystem::path& file, TouchstoneInfo* info) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw InputError(file.string() + ": cannot read the Touchstone file: " + ec.message());
  if (size > touchstone_max_file_bytes)
    throw InputError(file.string() + ": the file is " + std::to_string(size) + " bytes; at most " +
                     std::to_string(touchstone_max_file_bytes) + " are accepted");
  const auto bytes = static_cast<std::size_t>(size);
  const FileBuffer buf(bytes);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fh(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!fh) throw InputError(file.string() + ": cannot open the Touchstone file");
  const std::size_t got = bytes == 0 ? 0 : std::fread(buf.data(), 1, bytes, fh.get());
  if (got != bytes) throw InputError(file.string() + ": reading the Touchstone file failed");
  channels::Network n =
      read_touchstone_text(std::string_view(buf.data(), got), file.string(), touchstone_ports_from_extension(file), info);
  n.name = file.filename().string();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

namespace {

void append_double(std::string& out, double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

/// f_hz in the unit 10^exp10 Hz, printed so that scaled_decimal() reads back exactly f_hz: the
/// shortest decimal digits of f_hz (std::to_chars) with the decimal point moved by exp10 places.
void append_frequency(std::string& out, double f_hz, int exp10) {
  if (f_hz == 0.0) {
    out += '0';
    return;
  }
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, f_hz, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // "1.289e+10"
  const std::size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits += c;
  std::string_view ex = sci.substr(epos + 1);
  if (ex.front() == '+') ex.remove_prefix(1);
  int e = 0;
  std::from_chars(ex.data(), ex.data() + ex.size(), e);
  const int n = static_cast<int>(digits.size());
  const int point = e + 1 - exp10;  // value = 0.<digits> x 10^point
  if (point > 0 && point <= 21) {
    if (point >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(point - n), '0');
    } else {
      out.append(digits, 0, static_cast<std::size_t>(point));
      out += '.';
      out.append(digits, static_cast<std::size_t>(point), std::string::npos);
    }
  } else if (point <= 0 && point > -6) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else {
    out += digits.front();
    if (n > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += std::to_string(point - 1);
  }
}

void append_pair(std::string& out, cplx s, TouchstoneFormat fmt) {
  double a = s.real(), b = s.imag();
  if (fmt != TouchstoneFormat::ri) {
    const double mag = std::abs(s);
    b = std::arg(s) * (180.0 / phy::pi);
    // |S| = 0 has no dB value; -7000 dB (10^-350) underflows to exactly 0 when read back.
    a = fmt == TouchstoneFormat::ma ? mag : (mag > 0.0 ? phy::units::amplitude_ratio_to_db(mag) : -7000.0);
  }
  out += ' ';
  append_double(out, a);
  out += ' ';
  append_double(out, b);
}

void append_comment_lines(std::string& out, std::string_view text) {
  while (true) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "! ";
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

std::string touchstone_text(const channels::Network& network, const TouchstoneWriteOptions& options) {
  const int n = network.ports();
  if (n < 1) throw std::invalid_argument("touchstone_text: the network has no ports");
  if (n > touchstone_max_ports)
    throw std::invalid_argument("touchstone_text: " + std::to_string(n) + " ports; at most " +
                                std::to_string(touchstone_max_ports) + " are supported");
  if (network.size() == 0) throw std::invalid_argument("touchstone_text: the network has no frequencies");
  const auto& z0 = network.z0_ohm();
  const bool uniform = std::all_of(z0.begin(), z0.end(), [&](double z) { return z == z0.front(); });
  const bool v2 = options.version == TouchstoneVersion::v2_0;
  if (!v2 && !uniform) {
    std::string list;
    for (double z : z0) list += (list.empty() ? "" : ", ") + std::to_string(z);
    throw std::invalid_argument("touchstone_text: Touchstone 1.1 has one reference impedance for all ports, but this "
                                "network has " + list + " ohm; write version 2.0 or renormalise first");
  }
  const auto nn = static_cast<std::size_t>(n);
  for (std::size_t k = 0; k < network.size(); ++k)
    if (!network.s(k).allFinite())
      throw std::invalid_argument("touchstone_text: S at frequency index " + std::to_string(k) + " is not finite");

  const int exp10 = frequency_unit_exponent(options.frequency_unit);
  std::string out;
  out.reserve(512 + network.size() * (24 + nn * nn * 2 * 26));
  std::string first = "Touchstone " + std::string(to_string(options.version)) + " written by phylane";
  if (!options.program_version.empty()) first += " " + options.program_version;
  append_comment_lines(out, first);
  if (!network.name.empty()) append_comment_lines(out, "network: " + network.name);
  for (const auto& c : options.comments) append_comment_lines(out, c);
  const char* order = n == 2 && !v2 ? "S11 S21 S12 S22" : n <= 2 ? "row by row" : "row by row, each row on new lines";
  append_comment_lines(out, std::string("data: frequency, then S ") + order + " as " +
                                std::string(to_string(options.format)) + " pairs" +
                                (options.format == TouchstoneFormat::ri ? "" : " (angles in degrees)"));
  if (v2) out += "[Version] 2.0\n";
  out += "# ";
  out += to_string(options.frequency_unit);
  out += " S ";
  out += to_string(options.format);
  out += " R ";
  append_double(out, z0.front());
  out += '\n';
  if (v2) {
    out += "[Number of Ports] " + std::to_string(n) + "\n";
    if (n == 2) out += "[Two-Port Data Order] 12_21\n";
    out += "[Number of Frequencies] " + std::to_string(network.size()) + "\n";
    if (!uniform) {
      out += "[Reference]";
      for (double z : z0) {
        out += ' ';
        append_double(out, z);
      }
      out += '\n';
    }
    out += "[Network Data]\n";
  }
  const auto& f = network.freq_hz();
  for (std::size_t k = 0; k < network.size(); ++k) {
    append_frequency(out, f[k], exp10);
    if (n == 1) {
      append_pair(out, network.s(k, 0, 0), options.format);
    } else if (n == 2) {
      append_pair(out, network.s(k, 0, 0), options.format);
      if (v2) {  // [Two-Port Data Order] 12_21
        append_pair(out, network.s(k, 0, 1), options.format);
        append_pair(out, network.s(k, 1, 0), options.format);
      } else {  // Touchstone 1.x: S11 S21 S12 S22
        append_pair(out, network.s(k, 1, 0), options.format);
        append_pair(out, network.s(k, 0, 1), options.format);
      }
      append_pair(out, network.s(k, 1, 1), options.format);
    } else {
      // Each row starts on a new line, at most four pairs per line (the 1.x rule; 2.0 allows it).
      for (int i = 0; i < n; ++i) {
        if (i > 0) out += "   ";
        for (int j = 0; j < n; ++j) {
          if (j > 0 && j % 4 == 0) out += "\n   ";
          append_pair(out, network.s(k, i, j), options.format);
        }
        out += '\n';
      }
      continue;
    }
    out += '\n';
  }
  if (v2) out += "[End]\n";
  return out;
}

void write_touchstone(const channels::Network& network, const std::filesystem::path& file,
                      const TouchstoneWriteOptions& options) {
  const int ext_ports = touchstone_ports_from_extension(file);
  if (options.version == TouchstoneVersion::v1_1 && ext_ports == 0)
    throw std::invalid_argument(file.string() + ": a Touchstone 1.1 file must be named .s" +
                                std::to_string(network.ports()) + "p (its extension is where it states the port count)");
  if (ext_ports != 0 && ext_ports != network.ports())
    throw std::invalid_argument(file.string() + ": the extension says " + std::to_string(ext_ports) +
                                " ports but the network has " + std::to_string(network.ports()) + "; name it .s" +
                                std::to_string(network.ports()) + "p");
  const std::string text = touchstone_text(network, options);
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(file.string() + ": cannot create " + tmp.string());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error(file.string() + ": writing " + tmp.string() + " failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error(file.string() + ": cannot move the file into place: " + ec.message());
  }
}

}  // namespace phylane::io
