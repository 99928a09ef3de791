#pragma once
/// A small streaming JSON writer for phylane's --json output (RFC 8259). Non-finite numbers are
/// written as null; phylane's results never contain them by design, a test checks that.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::io {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& os, int indent = 2) : os_(os), indent_(indent) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(double v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(std::size_t v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& null();
  /// key + value in one call.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& array(std::string_view k, const std::vector<double>& v);
  /// Finishes the document with a newline.
  void done() { os_ << '\n'; }

  static std::string escape(std::string_view s);

 private:
  void before_value();
  void newline();
  /// Opens an object ('{') or an array ('[') as the next value.
  JsonWriter& open(char bracket, bool object);
  /// Closes the innermost object or array with `bracket`.
  JsonWriter& close(char bracket);
  std::ostream& os_;
  int indent_;
  struct Level {
    bool object;
    bool empty;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace phylane::io
