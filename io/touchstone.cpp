#include "io/touchstone.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

#if defined(__unix__)
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "io/detail/touchstone_parser.hpp"
#include "io/detail/touchstone_polar.hpp"
#include "io/detail/touchstone_scan.hpp"
#include "io/diagnostics.hpp"
#include "phy/name_table.hpp"

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

constexpr phy::EnumName<TouchstoneFormat> kFormats[] = {
    {TouchstoneFormat::ri, "RI"}, {TouchstoneFormat::ma, "MA"}, {TouchstoneFormat::db, "DB"}};
constexpr phy::EnumName<TouchstoneParameter> kParameters[] = {
    {TouchstoneParameter::s, "S"}, {TouchstoneParameter::y, "Y"}, {TouchstoneParameter::z, "Z"}};

// Each frequency unit's name and power of ten, in one row.
struct FrequencyUnitRow {
  FrequencyUnit value;
  std::string_view name;
  int exponent;
};
constexpr FrequencyUnitRow kFrequencyUnits[] = {
    {FrequencyUnit::hz, "Hz", 0},   {FrequencyUnit::khz, "kHz", 3}, {FrequencyUnit::mhz, "MHz", 6},
    {FrequencyUnit::ghz, "GHz", 9}, {FrequencyUnit::thz, "THz", 12},
};
}  // namespace

std::string_view to_string(TouchstoneFormat f) { return phy::name_of(kFormats, f); }

std::optional<TouchstoneFormat> parse_touchstone_format(std::string_view text) {
  return phy::value_named(kFormats, text, iequals);
}

std::string_view to_string(TouchstoneParameter p) { return phy::name_of(kParameters, p); }

std::string_view to_string(FrequencyUnit u) { return phy::name_of(kFrequencyUnits, u); }

std::optional<FrequencyUnit> parse_frequency_unit(std::string_view text) {
  return phy::value_named(kFrequencyUnits, text, iequals);
}

int frequency_unit_exponent(FrequencyUnit u) {
  const FrequencyUnitRow* r = phy::row_of(kFrequencyUnits, u);
  return r ? r->exponent : 0;
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
// Reading: the grammar
// ---------------------------------------------------------------------------------------------

namespace detail::touchstone {

namespace {

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

}  // namespace

channels::Network Parser::run(TouchstoneInfo* info_out) {
  const char* p = text_.data();
  if (text_.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // UTF-8 byte-order mark
  int number = 0;
  read_lines(p, number);
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

/// The lines from p (a line start; `number` lines before it) to the end of the text or a fatal
/// error: records laid out as the first one in bulk (io/touchstone_bulk.cpp), every other line by
/// process_line. For large data, the rest of the pass from the first bulk record on runs beside
/// a second thread (read_beside_worker), which calls this again.
void Parser::read_lines(const char*& p, int& number) {
  const char* const end = text_.data() + text_.size();
  while (p < end && !fatal_) {
    if (bulk_ready()) {
      if (!worker_tried_ && read_beside_worker(p, number)) return;
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
  } else if (key == "[number of frequencies]" || key == "[number of noise frequencies]") {
    if (!header_keyword_allowed(ln, written)) return;
    const bool noise = key == "[number of noise frequencies]";
    std::uint64_t n = 0;
    if (keyword_count(ln, args, written, n)) {
      (noise ? declared_noise_ : declared_freqs_) = n;
      (noise ? declared_noise_line_ : declared_freqs_line_) = ln.number;
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

}  // namespace detail::touchstone

channels::Network read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                       TouchstoneInfo* info) {
  return detail::read_touchstone_text(text, name, ports_hint, info, {});
}

channels::Network detail::read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                               TouchstoneInfo* info, const TouchstoneScanOptions& options) {
  touchstone::Parser parser(text, name, ports_hint, options);
  return parser.run(info);
}

namespace {

// The file's bytes, mapped from the page cache where the system allows it. A read() into fresh
// memory makes the kernel zero and back that memory on first touch: on the development VM the
// buffer of a 2.7 MB file (two 2 MiB huge pages) cost 4-7 ms of kernel time in a 28 ms `phylane
// com` run, more than parsing it. A read-only mapping of a file already in the page cache touches
// no new memory (MAP_POPULATE maps it in one call). Pipes, character devices and systems without
// mmap fall back to one fread into reused memory. A file truncated by another process while it is
// mapped would end the process with SIGBUS: input files are not expected to change under a run.
class FileText {
 public:
  explicit FileText(const std::filesystem::path& file) : name_(file.string()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) throw InputError(name_ + ": cannot read the Touchstone file: " + ec.message());
    if (size > touchstone_max_file_bytes)
      throw InputError(name_ + ": the file is " + std::to_string(size) + " bytes; at most " +
                       std::to_string(touchstone_max_file_bytes) + " are accepted");
    bytes_ = static_cast<std::size_t>(size);
#if defined(__unix__)
    if (bytes_ > 0 && std::filesystem::is_regular_file(file, ec)) {
      const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw InputError(name_ + ": cannot open the Touchstone file");
      int flags = MAP_PRIVATE;
#if defined(MAP_POPULATE)
      flags |= MAP_POPULATE;
#endif
      void* m = ::mmap(nullptr, bytes_, PROT_READ, flags, fd, 0);
      ::close(fd);
      if (m != MAP_FAILED) {
        map_ = m;
        return;
      }
    }
#endif
    buf_.allocate(bytes_ + 1);  // uninitialised (a zero-filled std::string costs a pass over memory)
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> fh(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!fh) throw InputError(name_ + ": cannot open the Touchstone file");
    const std::size_t got = bytes_ == 0 ? 0 : std::fread(buf_.data(), 1, bytes_, fh.get());
    if (got != bytes_) throw InputError(name_ + ": reading the Touchstone file failed");
  }
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  ~FileText() {
#if defined(__unix__)
    if (map_) ::munmap(map_, bytes_);
#endif
  }
  std::string_view text() const {
    return {map_ ? static_cast<const char*>(map_) : buf_.data(), bytes_};
  }

 private:
  std::string name_;
  std::size_t bytes_ = 0;
  void* map_ = nullptr;
  detail::touchstone::Scratch<char> buf_;
};

}  // namespace

channels::Network read_touchstone(const std::filesystem::path& file, TouchstoneInfo* info) {
  const FileText text(file);
  channels::Network n =
      read_touchstone_text(text.text(), file.string(), touchstone_ports_from_extension(file), info);
  n.name = file.filename().string();
  return n;
}

}  // namespace phylane::io
