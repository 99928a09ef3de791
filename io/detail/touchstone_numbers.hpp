#pragma once
// Internal to phylane_io: how the Touchstone reader (io/touchstone.cpp, io/touchstone_bulk.cpp)
// scans its text for numbers. Blanks are skipped and decimal digits combined eight bytes at a time
// (SWAR), decimals read by Clinger's exact fast path where it applies and by std::from_chars
// otherwise; frequencies are scaled by their unit exactly (in the text, not by a multiplication);
// Tokens splits a line, and scan_data_line reads a line of network data in one pass.
// Sources: W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990; D. Lemire,
// "Number parsing at a gigabyte per second", Software: Practice and Experience 2021 (fast_float).
// The non-inline functions are in io/touchstone_numbers.cpp. Tested through the reader:
// tests/io/touchstone_test.cpp, touchstone_fuzz_test.cpp, touchstone_parallel_test.cpp.
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

namespace phylane::io::detail::touchstone {

/// Space, tab, vertical tab, form feed, carriage return ('\n' never occurs inside a line).
inline bool is_blank(char c) { return c == ' ' || static_cast<unsigned char>(c - '\t') <= 4; }

/// A blank, or the end of a line ('\n') or of its data ('!' starts a comment): what may follow a
/// number. (Within a line's data, before its '!', only blanks can.)
inline bool ends_token(char c) { return is_blank(c) || c == '\n' || c == '!'; }

/// The first non-blank in [p, e), or e. Real files pad their columns with runs of spaces, and a
/// byte-by-byte loop with an unpredictable exit took a third of the reading time: spaces are
/// skipped eight at a time and the first non-space found with a bit trick (SWAR, little-endian).
/// The 8-byte loads may look past e (a line's end) but never past hard_end (the text's end).
/// With newlines = false, a '\n' is not skipped (for scanning a run of lines, scan_data_line).
template <bool newlines = true>
const char* skip_blanks(const char* p, const char* e, const char* hard_end) {
  auto blank = [](char c) { return is_blank(c) && (newlines || c != '\n'); };
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
      if (!blank(*p)) return p < e ? p : e;
      ++p;  // a tab or carriage return: go on
    }
  }
  while (p < e && blank(*p)) ++p;
  return p < e ? p : e;
}

/// How many of the 8 bytes at s (s + 8 <= end of the text) are leading decimal digits (0..8), and
/// their value: SWAR digit test and the digit-combining multiplications of fast_float
/// (D. Lemire, "Number parsing at a gigabyte per second", Software: Practice and Experience 2021).
/// Little-endian only (callers check).
[[gnu::always_inline]] inline unsigned leading_digits8(const char* s, std::uint64_t& value) {
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

enum class NumberStatus { ok, not_a_number, not_finite };

/// A decimal floating-point number occupying the whole token (std::from_chars, plus a leading '+').
/// Underflow gives the nearest representable value (as strtod), overflow, "inf" and "nan" are
/// not_finite.
NumberStatus parse_number(std::string_view tok, double& out);

/// A non-negative whole number occupying the whole token.
bool parse_count(std::string_view tok, std::uint64_t& out, bool& too_large);

/// The decimal number `tok` (already parsed to `parsed`) times 10^exp10, correctly rounded: the
/// exponent is shifted in the text and the result parsed once, so "0.01" GHz is exactly 1e7 Hz and
/// what touchstone_text writes in any unit reads back to the same double.
double scaled_decimal(std::string_view tok, int exp10, double parsed);

/// Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990):
/// when the decimal significand fits in 53 bits and |exponent| <= 22, both are exact doubles and
/// one IEEE multiplication or division gives the correctly rounded value, the same double
/// std::from_chars returns. Most values in real files qualify ("0.990477233", "-3.48889559");
/// anything else (and anything within 24 bytes of the text's end) returns false and goes to
/// std::from_chars. On success p is moved past the number, which must end at e or at a blank,
/// '\n' or '!' (ends_token).
[[gnu::always_inline]] inline bool fast_number(const char*& p, const char* e, const char* hard_end, double& out) {
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
  if (s < e && !ends_token(*s)) return false;
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

/// What scan_data_line found on a line.
enum class ScanKind {
  blank,    ///< nothing but blanks
  comment,  ///< a comment and nothing before it
  data,     ///< numbers (and perhaps a comment after them)
  other     ///< anything else: for the line-by-line path to judge and report
};

struct ScannedLine {
  std::size_t values = 0;           ///< data: numbers on the line
  const char* first = nullptr;      ///< data: the first number's text
  const char* first_end = nullptr;
  const char* bang = nullptr;       ///< comment: its '!'
  const char* line_end = nullptr;   ///< comment: the line's '\n' (or the text's end)
};

/// Reads the line at p as a line of network data, the common case the reader is fast for: blanks,
/// at most `most` finite numbers each read entirely by fast_number or std::from_chars (the same
/// values as Tokens::next_number gives), and perhaps a '!' comment. The first number goes to
/// *first_out, the next ones to rest_out[0], rest_out[1], ... On anything else (a keyword, an option
/// line, a token that is not a finite number, a number out of range, more than `most` numbers)
/// returns ScanKind::other and leaves p; otherwise moves p to the next line.
inline ScanKind scan_data_line(const char*& p, const char* end, std::size_t most, double* first_out, double* rest_out,
                               ScannedLine& line) {
  const char* q = p;
  std::size_t n = 0;
  double* out = first_out;
  for (;;) {
    q = skip_blanks<false>(q, end, end);
    if (q == end) break;
    if (*q == '\n') {
      ++q;
      break;
    }
    if (*q == '!') {
      const auto* nl = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(end - q)));
      if (n == 0) {
        line.bang = q;
        line.line_end = nl ? nl : end;
        p = nl ? nl + 1 : end;
        return ScanKind::comment;
      }
      q = nl ? nl + 1 : end;
      break;
    }
    if (n == most) return ScanKind::other;
    const char* s = q;
    double v = 0;
    if (!fast_number(q, end, end, v)) {
      const auto r = std::from_chars(s, end, v);
      if (r.ec != std::errc() || (r.ptr != end && !ends_token(*r.ptr)) || !std::isfinite(v)) return ScanKind::other;
      q = r.ptr;
    }
    if (n == 0) {
      line.first = s;
      line.first_end = q;
    }
    *out = v;
    out = n == 0 ? rest_out : out + 1;
    ++n;
  }
  p = q;
  line.values = n;
  return n ? ScanKind::data : ScanKind::blank;
}

}  // namespace phylane::io::detail::touchstone
