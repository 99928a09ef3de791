#include "io/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace phylane::io {

std::string JsonWriter::escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

void JsonWriter::newline() {
  if (indent_ <= 0) return;
  os_ << '\n';
  for (std::size_t i = 0; i < stack_.size() * static_cast<std::size_t>(indent_); ++i) os_ << ' ';
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!stack_.empty()) {
    if (!stack_.back().empty) os_ << ',';
    stack_.back().empty = false;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() { return open('{', true); }

JsonWriter& JsonWriter::end_object() { return close('}'); }

JsonWriter& JsonWriter::begin_array() { return open('[', false); }

JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::open(char bracket, bool object) {
  before_value();
  os_ << bracket;
  stack_.push_back({object, true});
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  const bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  os_ << bracket;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  os_ << '"' << escape(k) << "\":" << (indent_ > 0 ? " " : "");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  before_value();
  if (!std::isfinite(v)) {
    os_ << "null";
    return *this;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  os_.write(buf, r.ptr - buf);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  before_value();
  os_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  os_ << (v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  before_value();
  os_ << '"' << escape(v) << '"';
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  os_ << "null";
  return *this;
}

JsonWriter& JsonWriter::array(std::string_view k, const std::vector<double>& v) {
  key(k);
  before_value();
  os_ << '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) os_ << ", ";
    if (!std::isfinite(v[i])) {
      os_ << "null";
      continue;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v[i]);
    os_.write(buf, r.ptr - buf);
  }
  os_ << ']';
  return *this;
}

}  // namespace phylane::io
