#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

#include "io/detail/toml_reader.hpp"

#include <fstream>

namespace phylane::io::detail {

namespace {
std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
}  // namespace

void Context::error(const toml::node* where, std::string key, std::string value,
                    std::string message) {
  Diagnostic d;
  d.file = file;
  if (where) {
    const auto& src = where->source();
    d.line = static_cast<int>(src.begin.line);
    d.column = static_cast<int>(src.begin.column);
  }
  d.key = std::move(key);
  d.value = std::move(value);
  d.message = std::move(message);
  diagnostics.push_back(std::move(d));
}

void Context::throw_if_errors() const {
  if (diagnostics.empty()) return;
  auto sorted = diagnostics;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  throw InputError(std::move(sorted));
}

bool Rule::holds(double v) const {
  switch (kind) {
    case Kind::any: return true;
    case Kind::positive: return v > 0.0;
    case Kind::non_negative: return v >= 0.0;
    case Kind::range:
      return (lo_inclusive ? v >= lo : v > lo) && (hi_inclusive ? v <= hi : v < hi);
  }
  return true;
}

std::string Rule::describe(std::string_view what) const {
  switch (kind) {
    case Kind::any: return "must be a " + std::string(what);
    case Kind::positive: return "must be a positive " + std::string(what);
    case Kind::non_negative: return "must be a non-negative " + std::string(what);
    case Kind::range:
      return "must be a " + std::string(what) + " " + (lo_inclusive ? "from " : "above ") +
             shortest(lo) + (hi_inclusive ? " to " : " and below ") + shortest(hi);
  }
  return "";
}

std::string read_input_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path.string() + ": cannot open the " + std::string(what));
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::filesystem::path folder_of(const std::filesystem::path& file) {
  return file.has_parent_path() ? file.parent_path() : std::filesystem::current_path();
}

toml::table parse_toml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    Diagnostic d;
    d.file = name;
    d.line = static_cast<int>(e.source().begin.line);
    d.column = static_cast<int>(e.source().begin.column);
    d.message = "TOML syntax error: " + std::string(e.description());
    throw InputError(std::vector<Diagnostic>{d});
  }
}

std::string node_text(const toml::node& n) {
  if (auto s = n.value_exact<std::string>()) return "\"" + *s + "\"";
  std::ostringstream os;
  if (n.is_table()) return "{...}";
  if (n.is_array()) {
    os << toml::toml_formatter{*n.as_array()};
    return os.str();
  }
  if (auto d = n.value_exact<double>()) return shortest(*d);
  n.visit([&](auto&& v) {
    if constexpr (toml::is_value<decltype(v)>) os << toml::toml_formatter{v};
  });
  return os.str();
}

TableReader::TableReader(Context& ctx, const toml::table& in, toml::table& out, std::string path)
    : ctx_(ctx), in_(in), out_(out), path_(std::move(path)) {}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void TableReader::reject(std::string_view key, const std::string& why) {
  known_.insert(std::string(key));
  if (const toml::node* n = in_.get(key)) ctx_.error(n, key_path(key), node_text(*n), why);
}

const toml::node* TableReader::fetch(std::string_view key, bool required) {
  known_.insert(std::string(key));
  const toml::node* n = in_.get(key);
  if (!n && required) ctx_.error(&in_, key_path(key), "", "missing required key");
  return n;
}

void TableReader::record(std::string_view key, const toml::node& n) {
  n.visit([&](auto&& v) { out_.insert_or_assign(key, v); });
}

std::optional<double> TableReader::quantity(std::string_view key, Dimension dim, Rule rule,
                                            bool required) {
  const toml::node* n = fetch(key, required);
  if (!n) return std::nullopt;
  const auto s = n->value_exact<std::string>();
  if (!s) {
    const bool numeric = n->is_number();
    ctx_.error(n, key_path(key), node_text(*n),
               numeric ? "needs a unit, written as a string: e.g. " + std::string(examples(dim))
                       : "must be a " + std::string(to_string(dim)) + " as a string with a unit, e.g. " +
                             std::string(examples(dim)));
    return std::nullopt;
  }
  const ParsedQuantity q = parse_quantity(*s, dim);
  if (!q.value) {
    ctx_.error(n, key_path(key), node_text(*n), q.error);
    return std::nullopt;
  }
  if (!rule.holds(*q.value)) {
    ctx_.error(n, key_path(key), node_text(*n), rule.describe(to_string(dim)));
    return std::nullopt;
  }
  record(key, *n);
  return q.value;
}

std::optional<double> TableReader::quantity_or(std::string_view key, Dimension dim, Rule rule,
                                               std::string_view default_text) {
  if (in_.contains(key)) return quantity(key, dim, rule, false);
  known_.insert(std::string(key));
  out_.insert_or_assign(key, std::string(default_text));
  return parse_quantity(default_text, dim).value;
}

std::optional<double> TableReader::number(std::string_view key, Rule rule, bool required) {
  const toml::node* n = fetch(key, required);
  if (!n) return std::nullopt;
  const auto v = n->value<double>();
  if (!v || !n->is_number()) {
    ctx_.error(n, key_path(key), node_text(*n), "must be a number (no unit)");
    return std::nullopt;
  }
  if (!std::isfinite(*v) || !rule.holds(*v)) {
    ctx_.error(n, key_path(key), node_text(*n), rule.describe("number"));
    return std::nullopt;
  }
  record(key, *n);
  return v;
}

std::optional<double> TableReader::number_or(std::string_view key, Rule rule, double default_value) {
  if (in_.contains(key)) return number(key, rule, false);
  known_.insert(std::string(key));
  out_.insert_or_assign(key, default_value);
  return default_value;
}

std::optional<std::int64_t> TableReader::integer_or(std::string_view key, Rule rule,
                                                    std::int64_t default_value) {
  known_.insert(std::string(key));
  const toml::node* n = in_.get(key);
  if (!n) {
    out_.insert_or_assign(key, default_value);
    return default_value;
  }
  const auto v = n->value_exact<std::int64_t>();
  if (!v) {
    ctx_.error(n, key_path(key), node_text(*n), "must be a whole number");
    return std::nullopt;
  }
  if (!rule.holds(static_cast<double>(*v))) {
    ctx_.error(n, key_path(key), node_text(*n), rule.describe("whole number"));
    return std::nullopt;
  }
  record(key, *n);
  return v;
}

std::optional<std::string> TableReader::text(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required);
  if (!n) return std::nullopt;
  const auto s = n->value_exact<std::string>();
  if (!s) {
    ctx_.error(n, key_path(key), node_text(*n), "must be a string");
    return std::nullopt;
  }
  record(key, *n);
  return s;
}

std::optional<std::string> TableReader::text_or(std::string_view key, std::string_view default_value) {
  if (in_.contains(key)) return text(key, false);
  known_.insert(std::string(key));
  out_.insert_or_assign(key, std::string(default_value));
  return std::string(default_value);
}

template <class T>
const T* TableReader::fetch_as(std::string_view key, bool required, const std::string& must_be) {
  const toml::node* n = fetch(key, required);
  if (!n) return nullptr;
  const T* v = n->as<T>();
  if (!v) ctx_.error(n, key_path(key), node_text(*n), must_be);
  return v;
}

std::optional<std::vector<std::string>> TableReader::text_list(std::string_view key, bool required) {
  const toml::array* a = fetch_as<toml::array>(key, required, "must be a list of strings");
  if (!a) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto s = (*a)[i].value_exact<std::string>();
    if (!s) {
      ctx_.error(&(*a)[i], key_path(key) + "[" + std::to_string(i + 1) + "]", node_text((*a)[i]),
                 "must be a string");
      ok = false;
      continue;
    }
    out.push_back(*s);
  }
  if (!ok) return std::nullopt;
  record(key, *a);
  return out;
}

std::optional<std::vector<double>> TableReader::quantity_list(std::string_view key, Dimension dim,
                                                              Rule rule, bool required) {
  const toml::array* a = fetch_as<toml::array>(
      key, required,
      "must be a list of " + std::string(to_string(dim)) + " strings, e.g. [" + std::string(examples(dim)) + "]");
  if (!a) return std::nullopt;
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& el = (*a)[i];
    const std::string kp = key_path(key) + "[" + std::to_string(i + 1) + "]";
    const auto s = el.value_exact<std::string>();
    const ParsedQuantity q =
        s ? parse_quantity(*s, dim)
          : ParsedQuantity{std::nullopt, "must be a " + std::string(to_string(dim)) +
                                             " string with a unit, e.g. " + std::string(examples(dim))};
    if (!q.value) {
      ctx_.error(&el, kp, node_text(el), q.error);
      ok = false;
    } else if (!rule.holds(*q.value)) {
      ctx_.error(&el, kp, node_text(el), rule.describe(to_string(dim)));
      ok = false;
    } else {
      out.push_back(*q.value);
    }
  }
  if (!ok) return std::nullopt;
  record(key, *a);
  return out;
}

std::optional<TableReader> TableReader::table(std::string_view key, bool required) {
  const toml::table* t = fetch_as<toml::table>(key, required, "must be a table");
  if (!t) return std::nullopt;
  out_.insert_or_assign(key, toml::table{});
  return TableReader(ctx_, *t, *out_.get_as<toml::table>(key), key_path(key));
}

std::vector<TableReader> TableReader::table_array(std::string_view key, bool required) {
  std::vector<TableReader> out;
  const toml::array* a = fetch_as<toml::array>(key, required, "must be an array of tables ([[" + key_path(key) + "]])");
  if (!a) return out;
  out_.insert_or_assign(key, toml::array{});
  toml::array& ra = *out_.get_as<toml::array>(key);
  for (std::size_t i = 0; i < a->size(); ++i) ra.push_back(toml::table{});
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string kp = key_path(key) + "[" + std::to_string(i + 1) + "]";
    const toml::table* t = (*a)[i].as_table();
    if (!t) {
      ctx_.error(&(*a)[i], kp, node_text((*a)[i]), "must be a table");
      continue;
    }
    out.emplace_back(ctx_, *t, *ra[i].as_table(), kp);
  }
  return out;
}

void TableReader::finish() {
  std::vector<std::string> allowed(known_.begin(), known_.end());
  for (const auto& [k, v] : in_) {
    const std::string key(k.str());
    if (known_.count(key)) continue;
    const std::string guess = closest_match(key, allowed);
    std::string msg = "unknown key";
    if (!guess.empty())
      msg += "; did you mean \"" + guess + "\"?";
    else if (!allowed.empty()) {
      msg += " (allowed here: ";
      for (std::size_t i = 0; i < allowed.size(); ++i) msg += (i ? ", " : "") + allowed[i];
      msg += ")";
    }
    ctx_.error(&v, key_path(key), node_text(v), msg);
    ctx_.diagnostics.back().unknown_key = true;
  }
}

std::function<std::optional<std::string>(std::string_view)> one_of_names(std::vector<std::string> names) {
  return [names = std::move(names)](std::string_view s) -> std::optional<std::string> {
    for (const std::string& n : names)
      if (s == n) return n;
    return std::nullopt;
  };
}

}  // namespace phylane::io::detail
