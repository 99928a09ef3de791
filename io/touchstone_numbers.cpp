// Whole-token number parsing and exact decimal scaling for the Touchstone reader; declared, with
// the inline scanning functions, in io/detail/touchstone_numbers.hpp.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "io/detail/touchstone_numbers.hpp"

namespace phylane::io::detail::touchstone {

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

}  // namespace phylane::io::detail::touchstone
