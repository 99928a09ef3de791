#pragma once
// Internal to phylane_io (includes toml++; never include from a public header).
// A reader over one TOML table that validates each key as it is read, records every problem with
// its source position instead of stopping at the first, rejects keys nobody asked for (with a
// "did you mean"), and writes the values it used, defaults included, into a "resolved" table so
// that a result file can store the exact configuration that produced it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "channels/network.hpp"
#include "io/diagnostics.hpp"
#include "io/quantity.hpp"

namespace phylane::io::detail {

struct Context {
  std::string file;
  std::filesystem::path base_dir;  ///< folder of the config file (relative paths in it resolve here)
  std::vector<Diagnostic> diagnostics = {};
  /// Networks the text may name instead of a file (`network = "NAME"` in a Touchstone block),
  /// held in memory by the caller (the Python module); nullptr: none.
  const std::map<std::string, channels::Network>* networks = nullptr;
  void error(const toml::node* where, std::string key, std::string value, std::string message);
  bool ok() const { return diagnostics.empty(); }
  /// Throws InputError when any diagnostic was recorded.
  void throw_if_errors() const;
};

/// A numeric constraint with its wording for messages.
struct Rule {
  enum class Kind { any, positive, non_negative, range } kind = Kind::any;
  double lo = 0.0, hi = 0.0;
  bool lo_inclusive = true, hi_inclusive = true;
  static Rule any() { return {}; }
  static Rule positive() { return {Kind::positive}; }
  static Rule non_negative() { return {Kind::non_negative}; }
  static Rule between(double lo, double hi, bool lo_incl = true, bool hi_incl = true) {
    return {Kind::range, lo, hi, lo_incl, hi_incl};
  }
  bool holds(double v) const;
  /// "must be a positive length", "must be between 1 and 100 (inclusive)"...
  std::string describe(std::string_view what) const;
};

/// Text of a node as the user wrote it: strings quoted, numbers and booleans as TOML.
std::string node_text(const toml::node& n);

/// The whole text of an input file; InputError "PATH: cannot open the WHAT" when it cannot be read.
std::string read_input_file(const std::filesystem::path& path, std::string_view what);
/// The folder relative paths in an input file resolve against: its own (or the working folder).
std::filesystem::path folder_of(const std::filesystem::path& file);

/// Parses TOML text; a syntax error becomes an InputError "name:line:col: TOML syntax error: ...".
toml::table parse_toml(std::string_view text, const std::string& name);

class TableReader {
 public:
  TableReader(Context& ctx, const toml::table& in, toml::table& out, std::string path);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  bool has(std::string_view key) const { return in_.contains(key); }
  const toml::table& input() const { return in_; }
  Context& context() { return ctx_; }
  /// The resolved table this reader writes into (to record defaults given as whole tables).
  toml::table& output() { return out_; }
  /// Marks a key as known without reading it (it is read another way).
  void accept(std::string_view key) { known_.insert(std::string(key)); }
  /// Error when `key` is present: it does not apply here; `why` says why.
  void reject(std::string_view key, const std::string& why);

  /// Quantity with units. Missing: required -> error, otherwise std::nullopt (no default).
  std::optional<double> quantity(std::string_view key, Dimension dim, Rule rule, bool required);
  /// Quantity with a default written as text in the same syntax ("1 oz"), recorded as resolved.
  std::optional<double> quantity_or(std::string_view key, Dimension dim, Rule rule,
                                    std::string_view default_text);
  /// Plain number (unit-free: ratios, counts, BER).
  std::optional<double> number(std::string_view key, Rule rule, bool required);
  std::optional<double> number_or(std::string_view key, Rule rule, double default_value);
  std::optional<std::int64_t> integer_or(std::string_view key, Rule rule, std::int64_t default_value);
  std::optional<std::string> text(std::string_view key, bool required);
  std::optional<std::string> text_or(std::string_view key, std::string_view default_value);
  /// A string from a closed set: `parse` maps text to a value or nullopt; `allowed` lists names.
  template <class E>
  std::optional<E> choice(std::string_view key,
                          const std::function<std::optional<E>(std::string_view)>& parse,
                          std::string_view allowed, std::optional<std::string_view> default_value);
  /// A list of strings.
  std::optional<std::vector<std::string>> text_list(std::string_view key, bool required);
  /// A list of quantities; nullopt if missing (no error unless required).
  std::optional<std::vector<double>> quantity_list(std::string_view key, Dimension dim, Rule rule,
                                                   bool required);

  /// Nested table; nullopt if missing (error if required).
  std::optional<TableReader> table(std::string_view key, bool required);
  /// Array of tables ([[key]] or key = [{...}, ...]).
  std::vector<TableReader> table_array(std::string_view key, bool required);

  /// Reports every key of the input that no read asked for.
  void finish();

 private:
  const toml::node* fetch(std::string_view key, bool required);
  /// The value of `key` as a T (toml::array, toml::table): nullptr when it is missing (an error if
  /// required) or not a T (an error saying it `must_be`).
  template <class T>
  const T* fetch_as(std::string_view key, bool required, const std::string& must_be);
  void record(std::string_view key, const toml::node& n);

  Context& ctx_;
  const toml::table& in_;
  toml::table& out_;
  std::string path_;
  std::set<std::string> known_;
};

template <class E>
std::optional<E> TableReader::choice(std::string_view key,
                                     const std::function<std::optional<E>(std::string_view)>& parse,
                                     std::string_view allowed,
                                     std::optional<std::string_view> default_value) {
  known_.insert(std::string(key));
  const toml::node* n = in_.get(key);
  if (!n) {
    if (!default_value) {
      ctx_.error(&in_, key_path(key), "", "missing required key (one of: " + std::string(allowed) + ")");
      return std::nullopt;
    }
    out_.insert_or_assign(key, std::string(*default_value));
    return parse(*default_value);
  }
  const auto s = n->value<std::string>();
  if (!s) {
    ctx_.error(n, key_path(key), node_text(*n), "must be a string, one of: " + std::string(allowed));
    return std::nullopt;
  }
  auto v = parse(*s);
  if (!v) {
    ctx_.error(n, key_path(key), node_text(*n), "must be one of: " + std::string(allowed));
    return std::nullopt;
  }
  record(key, *n);
  return v;
}

/// A `parse` for TableReader::choice<E> accepting the names to_string gives `values`, and no others.
template <class E>
std::function<std::optional<E>(std::string_view)> one_of(std::initializer_list<E> values) {
  return [values = std::vector<E>(values)](std::string_view s) -> std::optional<E> {
    for (E v : values)
      if (s == to_string(v)) return v;
    return std::nullopt;
  };
}

/// A `parse` for TableReader::choice<std::string> accepting exactly `names`.
std::function<std::optional<std::string>(std::string_view)> one_of_names(std::vector<std::string> names);

}  // namespace phylane::io::detail
