#include "io/touchstone.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sched.h>
#include <sys/mman.h>
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/detail/touchstone_scan.hpp"
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

/// A blank, or the end of a line ('\n') or of its data ('!' starts a comment): what may follow a
/// number. (Within a line's data, before its '!', only blanks can.)
bool ends_token(char c) { return is_blank(c) || c == '\n' || c == '!'; }

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

/// Raw memory for Scratch. Blocks of 64 KiB and more are, on Linux, anonymous mappings, from 1 MiB
/// on advised for transparent huge pages: the reader touches every byte of them, and a first touch
/// of a 4 KiB page costs a kernel fault and zeroing, ~1.4 us on the development VM (0.35 ms per
/// megabyte, as long as parsing a sixth of it), against ~25 us per 2 MiB page. Released mappings
/// are kept for the next read in the same thread (a benchmark, a sweep or a cascade reads many
/// files), up to 8 of them and 32 MiB: reusing them costs nothing. Smaller blocks, and other
/// systems, use new[].
struct Block {
  char* data = nullptr;
  std::size_t bytes = 0;   ///< usable from data
  void* map = nullptr;     ///< the mapping, when there is one
  std::size_t map_length = 0;
};

class BlockPool {
 public:
  BlockPool() = default;
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;
  ~BlockPool() {
    for (const Block& b : kept_) unmap(b);
  }
  static BlockPool& local() {
    thread_local BlockPool pool;
    return pool;
  }
  Block acquire(std::size_t bytes) {
#if defined(__linux__)
    if (bytes >= (std::size_t{64} << 10)) {
      // The smallest kept mapping that is large enough, if not wastefully so.
      std::size_t best = kept_.size();
      for (std::size_t i = 0; i < kept_.size(); ++i)
        if (kept_[i].bytes >= bytes && kept_[i].bytes <= 4 * bytes + (std::size_t{2} << 20) &&
            (best == kept_.size() || kept_[i].bytes < kept_[best].bytes))
          best = i;
      if (best < kept_.size()) {
        const Block b = kept_[best];
        kept_bytes_ -= b.map_length;
        kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(best));
        return b;
      }
      // 1 MiB and more: whole 2 MiB pages, aligned; less: 4 KiB pages.
      const std::size_t page = bytes >= (std::size_t{1} << 20) ? std::size_t{2} << 20 : std::size_t{4} << 10;
      const std::size_t usable = (bytes + page - 1) / page * page;
      const std::size_t length = usable + (page > 4096 ? page : 0);  // room to align
      void* m = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED) throw std::bad_alloc();
      auto* aligned = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(m) + page - 1) & ~(page - 1));
      if (page > 4096) madvise(aligned, usable, MADV_HUGEPAGE);  // advice only: failure is harmless
      return Block{aligned, usable, m, length};
    }
#endif
    return Block{new char[bytes], bytes, nullptr, 0};
  }
  void release(const Block& b) {
    if (!b.data) return;
    if (!b.map) {
      delete[] b.data;
      return;
    }
    constexpr std::size_t keep_at_most = std::size_t{32} << 20;
    if (kept_bytes_ + b.map_length <= keep_at_most && kept_.size() < 8) {
      kept_.push_back(b);
      kept_bytes_ += b.map_length;
      return;
    }
    unmap(b);
  }

 private:
  static void unmap(const Block& b) {
#if defined(__linux__)
    munmap(b.map, b.map_length);
#else
    (void)b;
#endif
  }
  std::vector<Block> kept_;
  std::size_t kept_bytes_ = 0;
};

/// Uninitialised storage of n elements of a trivial type T for the reader's large scratch arrays
/// (the file text, the values, the second thread's records), from BlockPool.
template <class T>
class Scratch {
  static_assert(std::is_trivial_v<T>);

 public:
  Scratch() = default;
  explicit Scratch(std::size_t n) { allocate(n); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { BlockPool::local().release(block_); }

  T* data() const { return reinterpret_cast<T*>(block_.data); }
  std::size_t capacity() const { return block_.bytes / sizeof(T); }
  /// Drops the contents and makes room for n elements.
  void allocate(std::size_t n) {
    BlockPool& pool = BlockPool::local();
    pool.release(block_);
    block_ = Block{};
    if (n > 0) block_ = pool.acquire(n * sizeof(T));
  }
  /// Makes room for n elements keeping the first `keep`.
  void grow(std::size_t n, std::size_t keep) {
    if (n <= capacity()) return;
    Scratch bigger(n);
    if (keep) std::memcpy(bigger.data(), data(), keep * sizeof(T));
    std::swap(block_, bigger.block_);
  }

 private:
  Block block_;
};

/// The network values (frequencies left out) in file order: a vector without zero-filling.
class Values {
 public:
  std::size_t size() const { return size_; }
  double* data() { return store_.data(); }
  double& operator[](std::size_t i) { return store_.data()[i]; }
  void reserve(std::size_t n) { store_.grow(n, size_); }
  /// Room for n more values, growing geometrically; returns where they go.
  double* extend(std::size_t n) {
    if (size_ + n > store_.capacity()) store_.grow(std::max(size_ + n, 2 * store_.capacity()), size_);
    return store_.data() + size_;
  }
  void push_back(double v) { *extend(1) = v; ++size_; }
  void set_size(std::size_t n) { size_ = n; }  ///< after writing through extend(); n <= capacity

 private:
  Scratch<double> store_;
  std::size_t size_ = 0;
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
ScanKind scan_data_line(const char*& p, const char* end, std::size_t most, double* first_out, double* rest_out,
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
/// spent most of its time deciding which range it is in; here the range is known. The
/// coefficients are shared with polar_two_pairs_sse2.
constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03,
                 s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06,
                 s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03,
                 c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07,
                 c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;

double kernel_sin(double x) {
  const double z = x * x, v = z * x;
  const double r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)));
  return x + v * (s1 + z * r);
}

double kernel_cos(double x) {
  const double z = x * x;
  const double r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))));
  const double ax = std::abs(x);
  // 1 - z/2 loses bits for |x| >= 0.3: split off qx ~ x^2/4 exactly (fdlibm's high-word trick).
  // For |x| < 0.3 fdlibm returns 1 - (z/2 - z r), which is what qx = 0 gives (1 - 0 and z/2 - 0
  // are exact); selecting qx instead of branching keeps the loop over a record branch-free.
  const double qx_mid = std::bit_cast<double>((std::bit_cast<std::uint64_t>(ax) - (std::uint64_t{0x00200000} << 32)) &
                                              0xffffffff00000000ull);
  const double qx = ax < 0.3 ? 0.0 : ax > 0.78125 ? 0.28125 : qx_mid;
  return (1.0 - qx) - ((0.5 * z - qx) - z * r);
}

/// Round to the nearest integer, ties to even, for |x| < 2^51: adding and subtracting 1.5 * 2^52
/// leaves no fraction bits (the default rounding mode does the rounding), the same value as
/// std::nearbyint without its library call. The low bits of the intermediate sum's representation
/// are the integer in two's complement.
constexpr double round_shift = 6755399441055744.0;  // 1.5 * 2^52

/// mag (cos t, sin t) for an angle t in degrees, reduced exactly to [-45, 45] degrees first
/// (r = t - 90 q is exact: r is a multiple of ulp(t) no larger than |t|). Multiples of 90 degrees
/// come out exact (-1 at 180 degrees, without a 1e-16 imaginary part), and the quadrant is applied
/// without branches (the angles of measured data are random, so a switch mispredicts).
/// Valid for |t| < 1e15 (polar_degrees takes any t).
inline void polar_degrees_reduced(double mag, double t, double& re, double& im) {
  const double shifted = t / 90.0 + round_shift;
  const double q = shifted - round_shift;
  const auto k = std::bit_cast<std::uint64_t>(shifted);  // low two bits: the quadrant q mod 4
  const double rad = (t - 90.0 * q) * (phy::pi / 180.0);
  const double c = mag * kernel_cos(rad), s = mag * kernel_sin(rad);
  const bool odd = k & 1;
  // cos(r + k 90) = (1, 0, -1, 0)-weighted c and s: the real part is +-c or +-s, the imaginary part +-s or +-c;
  // the signs are applied as sign-bit flips, which are exact.
  const std::uint64_t flip_re = ((k ^ (k >> 1)) & 1) << 63, flip_im = ((k >> 1) & 1) << 63;
  re = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? s : c) ^ flip_re);
  im = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? c : s) ^ flip_im);
}

#if defined(__SSE2__)
/// polar_degrees_reduced for the two pairs (mag, t) at v[0..1] and v[2..3], written back as
/// (re, im): the same IEEE operations in the same order (so bit-identical results), two at a time
/// and with selects instead of branches, which GCC does not manage to vectorise by itself.
inline void polar_two_pairs_sse2(double* v) {
  const __m128d p0 = _mm_loadu_pd(v), p1 = _mm_loadu_pd(v + 2);
  const __m128d mag = _mm_unpacklo_pd(p0, p1), t = _mm_unpackhi_pd(p0, p1);
  const __m128d shift = _mm_set1_pd(round_shift);
  const __m128d shifted = _mm_add_pd(_mm_div_pd(t, _mm_set1_pd(90.0)), shift);
  const __m128d q = _mm_sub_pd(shifted, shift);
  const __m128i k = _mm_castpd_si128(shifted);
  const __m128d x = _mm_mul_pd(_mm_sub_pd(t, _mm_mul_pd(_mm_set1_pd(90.0), q)), _mm_set1_pd(phy::pi / 180.0));
  const __m128d z = _mm_mul_pd(x, x);
  auto madd = [](__m128d a, __m128d b, double c) { return _mm_add_pd(_mm_set1_pd(c), _mm_mul_pd(a, b)); };
  // kernel_sin
  const __m128d vv = _mm_mul_pd(z, x);
  __m128d r = madd(z, _mm_set1_pd(s6), s5);
  r = madd(z, r, s4);
  r = madd(z, r, s3);
  r = madd(z, r, s2);
  const __m128d sn = _mm_add_pd(x, _mm_mul_pd(vv, madd(z, r, s1)));
  // kernel_cos
  __m128d rc = madd(z, _mm_set1_pd(c6), c5);
  rc = madd(z, rc, c4);
  rc = madd(z, rc, c3);
  rc = madd(z, rc, c2);
  rc = madd(z, rc, c1);
  rc = _mm_mul_pd(z, rc);
  const __m128d ax = _mm_andnot_pd(_mm_set1_pd(-0.0), x);
  const __m128d qx_mid = _mm_castsi128_pd(
      _mm_and_si128(_mm_sub_epi64(_mm_castpd_si128(ax), _mm_set1_epi64x(std::int64_t{0x00200000} << 32)),
                    _mm_set1_epi64x(static_cast<std::int64_t>(0xffffffff00000000ull))));
  const __m128d big = _mm_cmpgt_pd(ax, _mm_set1_pd(0.78125)), small = _mm_cmplt_pd(ax, _mm_set1_pd(0.3));
  __m128d qx = _mm_or_pd(_mm_and_pd(big, _mm_set1_pd(0.28125)), _mm_andnot_pd(big, qx_mid));
  qx = _mm_andnot_pd(small, qx);
  const __m128d half_z = _mm_mul_pd(_mm_set1_pd(0.5), z);
  const __m128d cs =
      _mm_sub_pd(_mm_sub_pd(_mm_set1_pd(1.0), qx), _mm_sub_pd(_mm_sub_pd(half_z, qx), _mm_mul_pd(z, rc)));
  const __m128d c = _mm_mul_pd(mag, cs), s = _mm_mul_pd(mag, sn);
  // quadrant: odd k swaps cos and sin; sign flips as in polar_degrees_reduced
  const __m128i one = _mm_set1_epi64x(1);
  // All ones where k is odd.
  const __m128d odd = _mm_castsi128_pd(_mm_sub_epi64(_mm_setzero_si128(), _mm_and_si128(k, one)));
  const __m128i flip_re = _mm_slli_epi64(_mm_and_si128(_mm_xor_si128(k, _mm_srli_epi64(k, 1)), one), 63);
  const __m128i flip_im = _mm_slli_epi64(_mm_and_si128(_mm_srli_epi64(k, 1), one), 63);
  const __m128d re = _mm_xor_pd(_mm_or_pd(_mm_and_pd(odd, s), _mm_andnot_pd(odd, c)), _mm_castsi128_pd(flip_re));
  const __m128d im = _mm_xor_pd(_mm_or_pd(_mm_and_pd(odd, c), _mm_andnot_pd(odd, s)), _mm_castsi128_pd(flip_im));
  _mm_storeu_pd(v, _mm_unpacklo_pd(re, im));
  _mm_storeu_pd(v + 2, _mm_unpackhi_pd(re, im));
}
#endif

/// The same for any t (|t| >= 1e15 has no exact reduction in double; such angles only come from
/// corrupted files).
cplx polar_degrees(double mag, double t) {
  if (!(std::abs(t) < 1e15)) {
    const double rad = t * (phy::pi / 180.0);
    return {mag * std::cos(rad), mag * std::sin(rad)};
  }
  double re = 0, im = 0;
  polar_degrees_reduced(mag, t, re, im);
  return {re, im};
}

/// Converts `pairs` (magnitude or dB, angle [deg]) pairs at v to (re, im) in place, and returns
/// false when some result is not finite: two pairs at a time (polar_two_pairs_sse2) while the
/// angles are within the exact reduction's range, one by one (polar_degrees) from there on. Both
/// give bit-identical results, so how the pairs are batched does not change any value.
bool polar_pairs_in_place(double* v, std::size_t pairs, TouchstoneFormat fmt) {
  if (fmt == TouchstoneFormat::db)
    for (std::size_t i = 0; i < pairs; ++i) v[2 * i] = db_to_magnitude(v[2 * i]);
  std::size_t i = 0;
  bool finite = true;
#if defined(__SSE2__)
  __m128d nan_if_not_finite = _mm_setzero_pd();  // x - x is 0 for finite x, NaN otherwise; NaN sticks in a sum
  auto accumulate = [&](const double* w) {
    const __m128d a = _mm_loadu_pd(w), b = _mm_loadu_pd(w + 2);
    nan_if_not_finite = _mm_add_pd(nan_if_not_finite, _mm_add_pd(_mm_sub_pd(a, a), _mm_sub_pd(b, b)));
  };
  auto in_range = [&](std::size_t j) { return std::abs(v[2 * j + 1]) < 1e15; };
  // Four pairs at a time: two independent chains of dependent multiplications and additions
  // (the polynomials) overlap in the processor.
  for (; i + 4 <= pairs && in_range(i) && in_range(i + 1) && in_range(i + 2) && in_range(i + 3); i += 4) {
    polar_two_pairs_sse2(v + 2 * i);
    polar_two_pairs_sse2(v + 2 * i + 4);
    accumulate(v + 2 * i);
    accumulate(v + 2 * i + 4);
  }
  for (; i + 2 <= pairs && in_range(i) && in_range(i + 1); i += 2) {
    polar_two_pairs_sse2(v + 2 * i);
    accumulate(v + 2 * i);
  }
  finite = _mm_movemask_pd(_mm_cmpunord_pd(nan_if_not_finite, nan_if_not_finite)) == 0;
#endif
  for (; i < pairs; ++i) {  // the last pair, and every pair from an angle beyond 1e15 degrees on
    const cplx c = polar_degrees(v[2 * i], v[2 * i + 1]);
    v[2 * i] = c.real();
    v[2 * i + 1] = c.imag();
    finite &= std::isfinite(c.real()) && std::isfinite(c.imag());
  }
  return finite;
}

/// What bulk_scan needs to know of a record: the values on each of its lines (those of the
/// first record, Records::layout) and the frequency unit.
struct RecordShape {
  const std::vector<int>* layout = nullptr;
  std::size_t per_record = 0;  ///< values after the frequency (2 per complex parameter)
  int unit_exp = 0;
};

enum class BulkStop {
  end,      ///< the end of the text
  misfit,   ///< a record (or the lines before it) that bulk_scan does not take: p is at its first line
  seam,     ///< p reached the hand-over point
  full,     ///< the sink has no room left
  stopped   ///< the sink was asked to stop
};

/// Whole records laid out line for line as the first one, with blank and comment lines anywhere,
/// read with scan_data_line: the common case the reader is fast for. For each record, sink.room()
/// gives where its values go, the frequency is checked (finite, >= 0, above sink.prev_freq()) and
/// sink.commit() takes it; comment-only lines go to sink.comment() as they come. A record that does
/// not fit (a short or long line, a token that is not a finite number, a frequency not above the
/// previous one, a keyword, the end of the text within it ...) is undone with sink.rollback(),
/// together with the comment lines before it, and bulk_scan returns with p and line at its first
/// line (BulkStop::misfit): the line-by-line path then reads it, and reports it as it always has.
/// At `seam` (a line start; nullptr: none), when no record is under way, it returns BulkStop::seam.
template <class Sink>
BulkStop bulk_scan(const char*& p, int& line, const char* end, const RecordShape& shape, Sink& sink,
                   const char* seam) {
  const std::vector<int>& layout = *shape.layout;
  while (p < end) {
    if (sink.stop_requested()) return BulkStop::stopped;
    double* const room = sink.room();
    if (!room) return BulkStop::full;
    sink.begin_record();
    const char* q = p;
    int ln = line;
    double* out = room;
    double f = 0;
    int first_line = 0;
    const char* first_begin = nullptr;
    std::size_t i = 0;  // data lines of the record so far
    bool fits = true;
    while (i < layout.size()) {
      if (i == 0 && q == seam) {
        p = q;  // the comment and blank lines before it are taken
        line = ln;
        return BulkStop::seam;
      }
      const char* begin = q;
      const auto want = static_cast<std::size_t>(layout[i]);
      ScannedLine sl;
      const ScanKind kind = q == end ? ScanKind::other
                                     : scan_data_line(q, end, want, i == 0 ? &f : out, i == 0 ? out : out + 1, sl);
      if (kind == ScanKind::other) {
        fits = false;
        break;
      }
      ++ln;
      if (kind == ScanKind::blank) continue;
      if (kind == ScanKind::comment) {
        if (!sink.comment(ln, sl.bang, sl.line_end)) {
          sink.rollback();
          return BulkStop::full;
        }
        continue;
      }
      if (sl.values != want) {
        fits = false;
        break;
      }
      if (i == 0) {
        const std::string_view token(sl.first, static_cast<std::size_t>(sl.first_end - sl.first));
        f = scaled_decimal(token, shape.unit_exp, f);
        if (!(std::isfinite(f) && f >= 0.0 && f > sink.prev_freq())) {
          fits = false;
          break;
        }
        first_line = ln;
        first_begin = begin;
        out += want - 1;
      } else {
        out += want;
      }
      ++i;
    }
    if (!fits) {
      sink.rollback();
      return BulkStop::misfit;
    }
    sink.commit(room, f, first_line, first_begin, q, ln);
    p = q;
    line = ln;
  }
  return BulkStop::end;
}

/// The cores this process may run on (its affinity mask on Linux, so that `taskset -c 0 phylane`
/// reads with one thread), 0 when unknown.
unsigned usable_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
#endif
  return std::thread::hardware_concurrency();
}

/// The network data of a large file cut into chunks at guessed record starts, for a second thread
/// (worker) that reads them from the last one backwards while the reading thread reads forwards
/// (Parser::start_worker). Whichever thread gets to a chunk first claims it: the two meet wherever
/// their speeds (and the machine's load) take them, and the reading thread never waits. When the
/// reading thread arrives at the start of a chunk the worker has read, with no record under way,
/// it takes the worker's records (Parser::take_chunks); lines are counted from the chunk's start,
/// and values are stored converted to (re, im) already.
struct Chunks {
  enum State : int { unclaimed, worker_reading, main_reading, worker_read };
  struct Record {
    double freq_hz;
    int first_line;        ///< line of its first data line
    int end_line;          ///< lines up to its last line
    const char* next;      ///< start of the line after it
    std::size_t comments;  ///< comment lines up to its end
    bool finite;           ///< its converted values are finite
  };
  struct Comment {
    int line;
    const char* bang;
    const char* line_end;
  };
  struct Chunk {
    const char* begin = nullptr;  ///< a guessed record start
    const char* end = nullptr;    ///< the next chunk's begin, or the text's end
    std::atomic<int> state{unclaimed};
    // Written by the worker before it sets state = worker_read (release).
    std::size_t first_record = 0, record_room = 0;    ///< its part of `records` (and of `values`)
    std::size_t first_comment = 0, comment_room = 0;  ///< its part of `comments`
    std::size_t records = 0;                          ///< records read
    bool complete = false;                            ///< read up to `end`
  };

  const char* text_end = nullptr;
  RecordShape shape;
  TouchstoneFormat format = TouchstoneFormat::ri;
  std::size_t max_records = 0;
  std::vector<Chunk> chunks;  ///< sized once, before the worker starts
  Scratch<Record> records;
  Scratch<double> values;
  Scratch<Comment> comments;
  std::atomic<bool> stop{false};  ///< set by the reading thread: no more chunks are needed
  std::atomic<bool> done{false};  ///< set by the worker when it returns
};

/// bulk_scan's sink for one chunk of a Chunks, in the worker.
struct ChunkSink {
  Chunks& all;
  Chunks::Chunk& chunk;
  std::size_t& total_records;
  std::size_t n = 0;                              ///< records so far
  std::size_t comment_count = 0, comment_mark = 0;

  bool stop_requested() const {
    return all.stop.load(std::memory_order_relaxed) || total_records >= all.max_records;
  }
  double* room() {
    if (n >= chunk.record_room) return nullptr;
    return all.values.data() + (chunk.first_record + n) * all.shape.per_record;
  }
  void begin_record() { comment_mark = comment_count; }
  bool comment(int line, const char* bang, const char* line_end) {
    if (comment_count == chunk.comment_room) return false;
    all.comments.data()[chunk.first_comment + comment_count++] = {line, bang, line_end};
    return true;
  }
  void rollback() { comment_count = comment_mark; }
  double prev_freq() const {
    return n ? all.records.data()[chunk.first_record + n - 1].freq_hz : -std::numeric_limits<double>::infinity();
  }
  void commit(double* values_at, double f, int first_line, const char*, const char* next, int end_line) {
    const bool finite =
        all.format == TouchstoneFormat::ri || polar_pairs_in_place(values_at, all.shape.per_record / 2, all.format);
    all.records.data()[chunk.first_record + n] = {f, first_line, end_line, next, comment_count, finite};
    ++n;
    ++total_records;
  }
};

/// The worker: chunks from the last one backwards, each claimed first, until one is claimed by
/// the reading thread, a stop request or options' record limit.
void read_chunks(Chunks& all) noexcept {
  std::size_t total = 0;
  for (std::size_t c = all.chunks.size(); c-- > 0;) {
    Chunks::Chunk& chunk = all.chunks[c];
    int expected = Chunks::unclaimed;
    if (all.stop.load(std::memory_order_relaxed) || total >= all.max_records ||
        !chunk.state.compare_exchange_strong(expected, Chunks::worker_reading, std::memory_order_acq_rel))
      break;
    ChunkSink sink{all, chunk, total};
    const char* p = chunk.begin;
    int line = 0;
    const BulkStop stop = bulk_scan(p, line, all.text_end, all.shape, sink, chunk.end);
    chunk.records = sink.n;
    chunk.complete = stop == BulkStop::seam || (stop == BulkStop::end && chunk.end == all.text_end);
    chunk.state.store(Chunks::worker_read, std::memory_order_release);
  }
  all.done.store(true, std::memory_order_release);
}

class Parser {
 public:
  Parser(std::string_view text, std::string name, int ports_hint, const detail::TouchstoneScanOptions& options)
      : text_(text), name_(std::move(name)), ports_hint_(ports_hint), options_(options) {
    info_.version = "1.0";
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  ~Parser() { stop_worker(); }

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
  void comment_line(int number, const char* bang, const char* line_end);
  bool bulk_ready() const;
  void bulk_records(const char*& p, int& number);
  void start_worker(const char* p);
  const char* record_start_from(const char* q) const;
  const char* next_seam(const char* p);
  void take_chunk(const char*& p, int& number);
  void stop_worker();

  /// The sink of bulk_scan for this thread: records go to net_ and values_, comments to info_.
  struct Sink {
    Parser& ps;
    std::size_t comments = 0, notices = 0;
    bool noticed = false;
    bool stop_requested() const { return false; }
    double* room() { return ps.values_.extend(ps.net_.len - 1); }
    void begin_record() {
      comments = ps.info_.comments.size();
      notices = ps.info_.notices.size();
      noticed = ps.port_impedance_noticed_;
    }
    bool comment(int line, const char* bang, const char* line_end) {
      ps.comment_line(line, bang, line_end);
      return true;
    }
    void rollback() {
      ps.info_.comments.resize(comments);
      ps.info_.notices.resize(notices);
      ps.port_impedance_noticed_ = noticed;
    }
    double prev_freq() const { return ps.net_.freq_hz.back(); }
    void commit(double* values_at, double f, int first_line, const char* first_begin, const char*, int) {
      Records& rs = ps.net_;
      const std::size_t per_record = rs.len - 1;
      if (ps.info_.format != TouchstoneFormat::ri)
        ps.all_finite_ &= polar_pairs_in_place(values_at, per_record / 2, ps.info_.format);
      ps.converted_.resize(rs.freq_hz.size(), 0);
      ps.converted_.push_back(1);
      rs.freq_hz.push_back(f);
      rs.start_line.push_back(first_line);
      rs.start_ptr = first_begin;
      ps.values_.set_size(ps.values_.size() + per_record);
    }
  };
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
  detail::TouchstoneScanOptions options_;
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
  Values values_;  ///< network data without the frequencies, record after record

  std::size_t first_record_bytes_ = 0;    ///< text of the first network record [bytes]
  std::vector<unsigned char> converted_;  ///< per record: values_ holds it as (re, im) already (bulk_records)
  bool all_finite_ = true;                ///< every value converted so far is finite

  // Chunks of a large file's data for a second thread (bulk_records). The one thread phylane starts
  // outside solvers/parallel.hpp: it is not a set of tasks to fork and join but a speculative reader
  // started in the middle of this pass (once the record layout is known) and abandoned when this
  // pass catches up with it; as a parallel_for task, the rest of the pass would have to run inside
  // start_worker.
  std::unique_ptr<Chunks> chunks_;
  std::thread worker_;
  bool worker_tried_ = false;
  std::size_t next_chunk_ = 0;  ///< the first chunk whose start this thread has not handled
};

channels::Network Parser::run(TouchstoneInfo* info_out) {
  const char* p = text_.data();
  const char* const end = p + text_.size();
  if (text_.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // UTF-8 byte-order mark
  int number = 0;
  while (p < end && !fatal_) {
    if (bulk_ready()) {
      bulk_records(p, number);
      if (p == end) break;
    }
    ++number;
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* le = nl ? nl : end;
    const auto* bang = static_cast<const char*>(std::memchr(p, '!', static_cast<std::size_t>(le - p)));
    Line ln{number, p, bang ? bang : le, le};
    process_line(ln, bang);
    p = nl ? nl + 1 : end;
  }
  stop_worker();
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
    if (bang) comment_line(ln.number, bang, ln.end);
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

void Parser::comment_line(int number, const char* bang, const char* line_end) {
  const char* ce = line_end;
  while (ce > bang + 1 && is_blank(ce[-1])) --ce;
  std::string_view comment(bang + 1, static_cast<std::size_t>(ce - bang - 1));
  if (!port_impedance_noticed_ && comment.size() >= 15 && iequals(comment.substr(0, 15), " port impedance")) {
    port_impedance_noticed_ = true;
    notice(at_line(number) +
           ": per-frequency port impedances in comments (HFSS) are ignored; the data are taken as "
           "referenced to the option line's R / [Reference]");
  }
  info_.comments.emplace_back(comment);
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
          first_record_bytes_ = record_bytes;
          const auto remaining = static_cast<std::size_t>(text_.data() + text_.size() - ln.end);
          std::size_t expect = remaining / record_bytes + 1;
          if (declared_freqs_ && *declared_freqs_ < expect) expect = static_cast<std::size_t>(*declared_freqs_);
          values_.reserve(std::min(expect * (rs.len - 1), remaining / 2 + rs.len));
          rs.freq_hz.reserve(std::min(expect, remaining / 2) + 1);
          rs.start_line.reserve(std::min(expect, remaining / 2) + 1);
        }
      }
      rs.have = 0;
    }
  }
  if (rs.have > 0 && on_line > 0) rs.current.emplace_back(ln.number, static_cast<int>(on_line));
}

bool Parser::bulk_ready() const {
  return options_.bulk && section_ == Section::network && net_.have == 0 && !net_.layout.empty() &&
         !reference_pending_ && !fatal_;
}

/// Records read by bulk_scan, in this thread and, for a large file, in a second one (start_worker)
/// whose chunks are taken as this thread gets to them. Returns with p and number at the first line
/// for the line-by-line path.
void Parser::bulk_records(const char*& p, int& number) {
  const char* const end = text_.data() + text_.size();
  if (!worker_tried_) start_worker(p);
  const RecordShape shape{&net_.layout, net_.len - 1, unit_exp_};
  Sink sink{*this};
  for (;;) {
    const BulkStop stop = bulk_scan(p, number, end, shape, sink, next_seam(p));
    if (stop != BulkStop::seam) return;
    take_chunk(p, number);
  }
}

/// The first line at or after the line start q that can only be the first line of a record: a data
/// line with as many numbers as a record's first line has, when no other line of a record has that
/// many (otherwise records cannot be told apart from the middle of the data); nullptr if there is
/// none within a record's lines and 16 more.
const char* Parser::record_start_from(const char* q) const {
  const char* const end = text_.data() + text_.size();
  const std::vector<int>& layout = net_.layout;
  const int first_count = layout.front();
  if (std::count(layout.begin(), layout.end(), first_count) != 1) return nullptr;
  const auto most = static_cast<std::size_t>(*std::max_element(layout.begin(), layout.end()));
  std::vector<double> scratch(most + 1);
  for (std::size_t lines = 0; q < end && lines <= layout.size() + 16; ++lines) {
    const char* line = q;
    ScannedLine sl;
    const ScanKind kind = scan_data_line(q, end, most, scratch.data(), scratch.data() + 1, sl);
    if (kind == ScanKind::other) return nullptr;
    if (kind == ScanKind::data && sl.values == static_cast<std::size_t>(first_count)) return line;
  }
  return nullptr;
}

/// For large data, once: the rest of the data from p on is cut into chunks of about
/// options_.chunk_bytes at guessed record starts, and a second thread reads them from the last one
/// backwards (read_chunks) while this one reads from p forwards.
void Parser::start_worker(const char* p) {
  worker_tried_ = true;
  const char* const end = text_.data() + text_.size();
  const auto bytes = static_cast<std::size_t>(end - p);
  if (bytes < options_.parallel_min_bytes) return;
  static const unsigned cores = usable_cores();
  if (cores < 2 && !options_.ignore_core_count) return;
  const std::vector<int>& layout = net_.layout;
  if (std::count(layout.begin(), layout.end(), layout.front()) != 1) return;  // see record_start_from
  try {
    // Chunk starts: the first record start from each line start about chunk_bytes after the last.
    std::vector<const char*> starts;
    const std::size_t step = std::max<std::size_t>(options_.chunk_bytes, 1);
    for (const char* from = p; static_cast<std::size_t>(end - from) > step;) {
      const char* target = from + step;
      if (target[-1] != '\n') {
        const auto* nl = static_cast<const char*>(std::memchr(target, '\n', static_cast<std::size_t>(end - target)));
        if (!nl) break;
        target = nl + 1;
      }
      const char* start = target < end ? record_start_from(target) : nullptr;
      if (start) starts.push_back(start);
      from = start ? start : target;
    }
    if (starts.empty()) return;
    auto ck = std::make_unique<Chunks>();
    ck->text_end = end;
    ck->shape = RecordShape{&net_.layout, net_.len - 1, unit_exp_};
    ck->format = info_.format;
    ck->max_records = options_.worker_max_records;
    ck->chunks = std::vector<Chunks::Chunk>(starts.size());
    // Room for the records a chunk holds if they are as long as the first one (plus a margin); a
    // chunk that fills up ends early and this thread reads the rest of it.
    std::size_t records = 0, comments = 0;
    for (std::size_t c = 0; c < starts.size(); ++c) {
      Chunks::Chunk& ch = ck->chunks[c];
      ch.begin = starts[c];
      ch.end = c + 1 < starts.size() ? starts[c + 1] : end;
      const auto part = static_cast<std::size_t>(ch.end - ch.begin);
      ch.first_record = records;
      ch.record_room = part / std::max<std::size_t>(first_record_bytes_, 1) * 5 / 4 + 2;
      ch.first_comment = comments;
      ch.comment_room = std::min(ch.record_room * (net_.layout.size() + 2), part / 2 + 1);  // 2 bytes or more each
      records += ch.record_room;
      comments += ch.comment_room;
    }
    ck->records.allocate(records);
    ck->values.allocate(records * ck->shape.per_record);
    ck->comments.allocate(comments);
    worker_ = std::thread(read_chunks, std::ref(*ck));
    chunks_ = std::move(ck);
    next_chunk_ = 0;
    if (options_.wait_for_worker)
      while (!chunks_->done.load(std::memory_order_acquire)) std::this_thread::yield();
  } catch (const std::exception&) {
    // No memory or no thread: read on in this thread alone.
  }
}

/// The start of the next chunk from p on that this thread has not handled, or nullptr.
const char* Parser::next_seam(const char* p) {
  if (!chunks_) return nullptr;
  const auto& chunks = chunks_->chunks;
  while (next_chunk_ < chunks.size() && chunks[next_chunk_].begin < p) ++next_chunk_;
  return next_chunk_ < chunks.size() ? chunks[next_chunk_].begin : nullptr;
}

/// At the start of chunk next_chunk_, with no record under way. A chunk nobody has read yet is this
/// thread's to read. A chunk the worker is reading is read here too (the worker is told to stop:
/// waiting for it could take long on a busy machine). A chunk the worker has read gives its records,
/// with their comment lines, exactly as bulk_scan here would have read them, if its first frequency
/// is above the last one read here; this thread goes on after its last record (the next chunk's
/// start when the chunk was read to its end).
void Parser::take_chunk(const char*& p, int& number) {
  Chunks::Chunk& ch = chunks_->chunks[next_chunk_++];
  int state = Chunks::unclaimed;
  if (ch.state.compare_exchange_strong(state, Chunks::main_reading, std::memory_order_acq_rel)) return;
  if (state == Chunks::worker_reading && options_.wait_for_worker)
    while ((state = ch.state.load(std::memory_order_acquire)) == Chunks::worker_reading) std::this_thread::yield();
  if (state == Chunks::worker_reading) {
    chunks_->stop.store(true, std::memory_order_relaxed);
    return;
  }
  const Chunks::Record* rec = chunks_->records.data() + ch.first_record;
  if (ch.records == 0 || !(rec[0].freq_hz > net_.freq_hz.back())) return;
  const Chunks::Record& last = rec[ch.records - 1];
  for (std::size_t c = 0; c < last.comments; ++c) {
    const Chunks::Comment& cm = chunks_->comments.data()[ch.first_comment + c];
    comment_line(number + cm.line, cm.bang, cm.line_end);
  }
  const std::size_t per_record = net_.len - 1;
  std::memcpy(values_.extend(ch.records * per_record), chunks_->values.data() + ch.first_record * per_record,
              ch.records * per_record * sizeof(double));
  values_.set_size(values_.size() + ch.records * per_record);
  converted_.resize(net_.freq_hz.size(), 0);
  converted_.resize(net_.freq_hz.size() + ch.records, 1);
  for (std::size_t r = 0; r < ch.records; ++r) {
    net_.freq_hz.push_back(rec[r].freq_hz);
    net_.start_line.push_back(number + rec[r].first_line);
    all_finite_ &= rec[r].finite;
  }
  p = last.next;
  number += last.end_line;
}

void Parser::stop_worker() {
  if (worker_.joinable()) {
    chunks_->stop.store(true, std::memory_order_relaxed);
    worker_.join();
  }
  chunks_.reset();
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
  // All pairs to (re, im) first, in place (values_ holds nf records of m pairs), then each record
  // to its matrix positions. Records read by bulk_scan were converted as they were read; the
  // others (read line by line) come in runs between them.
  bool all_finite = all_finite_;
  if (info_.format == TouchstoneFormat::ri) {
    for (std::size_t i = 0; i < 2 * m * nf; ++i) all_finite &= std::isfinite(values_[i]);
  } else {
    converted_.resize(nf, 0);
    for (std::size_t k = 0; k < nf;) {
      if (converted_[k]) {
        ++k;
        continue;
      }
      std::size_t k2 = k + 1;
      while (k2 < nf && !converted_[k2]) ++k2;
      all_finite &= polar_pairs_in_place(values_.data() + 2 * m * k, m * (k2 - k), info_.format);
      k = k2;
    }
  }
  const double* v = values_.data();
  for (std::size_t k = 0; k < nf; ++k, v += 2 * m) {
    bool finite = true;
    cplx* out = convert ? x.data() : net.s(k).data();
    for (std::size_t p = 0; p < m; ++p) {
      const cplx c(v[2 * p], v[2 * p + 1]);
      if (!all_finite) finite &= std::isfinite(c.real()) & std::isfinite(c.imag());
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
  return detail::read_touchstone_text(text, name, ports_hint, info, {});
}

channels::Network detail::read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                               TouchstoneInfo* info, const TouchstoneScanOptions& options) {
  Parser parser(text, name, ports_hint, options);
  return parser.run(info);
}

channels::Network read_touchstone(const std::filesystem::path& file, TouchstoneInfo* info) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw InputError(file.string() + ": cannot read the Touchstone file: " + ec.message());
  if (size > touchstone_max_file_bytes)
    throw InputError(file.string() + ": the file is " + std::to_string(size) + " bytes; at most " +
                     std::to_string(touchstone_max_file_bytes) + " are accepted");
  const auto bytes = static_cast<std::size_t>(size);
  const Scratch<char> buf(bytes + 1);  // uninitialised (a zero-filled std::string costs a pass over memory)
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
