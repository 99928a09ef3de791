// Sweep files: reading and checking the description, the case configs (the base config's table
// with the axis values set) and the cases' links, validation of every case.
#include "io/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "io/detail/config_table.hpp"
#include "io/detail/toml_reader.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "phy/name_table.hpp"
#include "solvers/parallel.hpp"

namespace phylane::io {

namespace detail {
struct SweepBase {
  toml::table table;
};
}  // namespace detail

using workflows::CommandOutputs;
using workflows::CurveOutput;
using workflows::OutputRequest;
using workflows::ScalarOutput;
using workflows::SweepCommandPlan;
using workflows::find_sweep_command;
using workflows::sweep_commands;

namespace {

using detail::Context;
using detail::Rule;
using detail::TableReader;
using detail::one_of_names;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

constexpr Dimension kDimensions[] = {
    Dimension::length,      Dimension::copper_thickness, Dimension::frequency,    Dimension::data_rate,
    Dimension::resistance,  Dimension::conductivity,     Dimension::temperature,  Dimension::time,
    Dimension::capacitance, Dimension::inductance,       Dimension::voltage,      Dimension::power,
    Dimension::attenuation_per_length, Dimension::decibel, Dimension::area,       Dimension::current,
    Dimension::current_density, Dimension::responsivity, Dimension::rin,          Dimension::dispersion,
    Dimension::wavelength,  Dimension::power_psd,        Dimension::energy};
constexpr std::size_t kDimensionCount = sizeof(kDimensions) / sizeof(kDimensions[0]);
using DimensionMask = std::uint32_t;

// The dimensions in which `text` is a valid quantity (bit i: kDimensions[i]).
DimensionMask dimensions_of(std::string_view text) {
  DimensionMask m = 0;
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    if (parse_quantity(text, kDimensions[i]).value) m |= DimensionMask{1} << i;
  return m;
}

Dimension first_dimension(DimensionMask m) {
  for (std::size_t i = 0; i < kDimensionCount; ++i)
    if (m & (DimensionMask{1} << i)) return kDimensions[i];
  throw std::logic_error("sweep: empty dimension mask");
}

// The SI unit of a dimension as format_quantity writes it ("m", "Hz", "degC").
std::string si_unit(Dimension d) {
  const std::string one = format_quantity(1.0, d);
  const auto sp = one.find(' ');
  return sp == std::string::npos ? one : one.substr(sp + 1);
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// The item of `items` whose name is `name` (nullptr if none); `names` receives every item's
/// name, in order, for the message that lists them.
template <class T>
const T* find_named(const std::vector<T>& items, const std::string& name, std::vector<std::string>& names) {
  const T* found = nullptr;
  for (const auto& item : items) {
    names.push_back(item.name);
    if (item.name == name) found = &item;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Key paths: name ( "[" index "]" )* ( "." name ( "[" index "]" )* )*, names bare TOML keys.

bool bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Components ("channel", "segments", "[1]", "length") or an error message.
std::optional<std::vector<std::string>> parse_key_path(const std::string& key, std::string& error) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const std::size_t n = key.size();
  bool expect_name = true;
  while (i < n) {
    if (expect_name) {
      const std::size_t start = i;
      while (i < n && bare_key_char(key[i])) ++i;
      if (i == start) {
        error = "expected a key name at character " + std::to_string(start + 1) +
                " (a path looks like channel.segments[1].length)";
        return std::nullopt;
      }
      out.push_back(key.substr(start, i - start));
      expect_name = false;
    } else if (key[i] == '.') {
      ++i;
      expect_name = true;
    } else if (key[i] == '[') {
      const std::size_t close = key.find(']', i);
      std::size_t idx = 0;
      const char* b = key.data() + i + 1;
      const char* e = close == std::string::npos ? b : key.data() + close;
      const auto r = std::from_chars(b, e, idx);
      // Indices a user sees count from 1 everywhere (DESIGN.md): [1] is the first entry.
      if (close == std::string::npos || b == e || r.ptr != e || idx == 0) {
        error = "an index is written [N] with N a whole number from 1 (the first entry is [1])";
        return std::nullopt;
      }
      out.push_back("[" + std::to_string(idx) + "]");
      i = close + 1;
    } else {
      error = std::string("unexpected '") + key[i] + "' at character " + std::to_string(i + 1);
      return std::nullopt;
    }
  }
  if (expect_name) {
    error = out.empty() ? "empty key path" : "the path ends with '.'";
    return std::nullopt;
  }
  return out;
}

std::string path_text(const std::vector<std::string>& path, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < path.size(); ++i) {
    if (path[i][0] != '[' && !out.empty()) out += '.';
    out += path[i];
  }
  return out;
}

// The 0-based position of a 1-based index component "[N]".
std::size_t index_of(const std::string& component) { return std::stoul(component.substr(1, component.size() - 2)) - 1; }

std::vector<std::string> keys_of(const toml::table& t) {
  std::vector<std::string> out;
  for (const auto& [k, v] : t) out.emplace_back(k.str());
  return out;
}

void set_node(toml::table& t, const std::string& key, const AxisValue& v) {
  switch (v.kind) {
    case AxisValue::Kind::text: t.insert_or_assign(key, v.text); break;
    case AxisValue::Kind::integer: t.insert_or_assign(key, v.integer); break;
    case AxisValue::Kind::floating: t.insert_or_assign(key, v.floating); break;
    case AxisValue::Kind::boolean: t.insert_or_assign(key, v.boolean); break;
  }
}

void set_element(toml::array& a, std::size_t i, const AxisValue& v) {
  const auto pos = a.cbegin() + static_cast<std::ptrdiff_t>(i);
  switch (v.kind) {
    case AxisValue::Kind::text: a.replace(pos, v.text); break;
    case AxisValue::Kind::integer: a.replace(pos, v.integer); break;
    case AxisValue::Kind::floating: a.replace(pos, v.floating); break;
    case AxisValue::Kind::boolean: a.replace(pos, v.boolean); break;
  }
}

// Sets `v` at `path` in `root`: tables missing on the way are created (the config loader then
// rejects a misspelt key with a "did you mean"); arrays must exist and hold the index. Returns ""
// or why the path does not fit the base config.
std::string set_at_path(toml::table& root, const std::vector<std::string>& path, const AxisValue& v) {
  toml::node* cur = &root;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& c = path[i];
    const bool last = i + 1 == path.size();
    if (c[0] == '[') {
      toml::array* a = cur->as_array();
      if (!a) return path_text(path, i) + " is not a list in the base config";
      const std::size_t k = index_of(c);
      if (k >= a->size())
        return "index " + std::to_string(k + 1) + " is out of range: " + path_text(path, i) + " has " +
               std::to_string(a->size()) + (a->size() == 1 ? " entry" : " entries") +
               (a->empty() ? "" : " (indices 1 to " + std::to_string(a->size()) + ")") + " in the base config";
      if (last) {
        if ((*a)[k].is_table() || (*a)[k].is_array())
          return path_text(path, i + 1) + " is a " + ((*a)[k].is_table() ? "table" : "list") +
                 " in the base config; an axis sets a single value";
        set_element(*a, k, v);
        return "";
      }
      cur = &(*a)[k];
      continue;
    }
    toml::table* t = cur->as_table();
    if (!t) return path_text(path, i) + " is a value in the base config, not a table";
    toml::node* next = t->get(c);
    if (last) {
      if (next && (next->is_table() || next->is_array_of_tables()))
        return path_text(path, i + 1) + " is a " + (next->is_table() ? "table" : "list of tables") +
               " in the base config; an axis sets a single value";
      set_node(*t, c, v);
      return "";
    }
    if (!next) {
      if (path[i + 1][0] == '[') {
        const std::string guess = closest_match(c, keys_of(*t));
        return "the base config has no list " + path_text(path, i + 1) +
               (guess.empty() ? "" : "; did you mean \"" + guess + "\"?");
      }
      t->insert(c, toml::table{});
      next = t->get(c);
    }
    cur = next;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Axis values.

AxisValue value_from_node(const toml::node& n, bool& ok) {
  AxisValue v;
  ok = true;
  if (auto s = n.value_exact<std::string>()) {
    v.kind = AxisValue::Kind::text;
    v.text = *s;
    v.numeric = kNaN;
  } else if (auto i = n.value_exact<std::int64_t>()) {
    v.kind = AxisValue::Kind::integer;
    v.integer = *i;
    v.numeric = static_cast<double>(*i);
  } else if (auto d = n.value_exact<double>()) {
    v.kind = AxisValue::Kind::floating;
    v.floating = *d;
    v.numeric = *d;
  } else if (auto b = n.value_exact<bool>()) {
    v.kind = AxisValue::Kind::boolean;
    v.boolean = *b;
    v.numeric = kNaN;
  } else {
    ok = false;
  }
  return v;
}

const char* kind_name(const AxisValue& v) {
  switch (v.kind) {
    case AxisValue::Kind::text: return "a string";
    case AxisValue::Kind::integer:
    case AxisValue::Kind::floating: return "a number";
    case AxisValue::Kind::boolean: return "a boolean";
  }
  return "";
}

std::string dimension_text(DimensionMask m) {
  if (!m) return "not a quantity";
  const std::string d(to_string(first_dimension(m)));
  return (std::string("aeiou").find(d[0]) != std::string::npos ? "an " : "a ") + d;
}

// A value in a range axis's units as the AxisValue set in the config.
AxisValue range_value(const SweepAxis& a, double x) {
  AxisValue v;
  v.numeric = x;
  if (a.kind == SweepAxis::Kind::quantity) {
    v.kind = AxisValue::Kind::text;
    v.text = a.dbm ? shortest(x) + " dBm" : format_quantity(x, *a.dimension);
  } else if (a.integral) {
    v.kind = AxisValue::Kind::integer;
    v.integer = static_cast<std::int64_t>(std::llround(x));
    v.numeric = static_cast<double>(v.integer);
  } else {
    v.kind = AxisValue::Kind::floating;
    v.floating = x;
  }
  return v;
}

// The point at fraction t in [0, 1] of a range (ends exact).
double range_at(const SweepAxis& a, double t) {
  if (t <= 0.0) return a.from;
  if (t >= 1.0) return a.to;
  if (a.log) return std::exp(std::log(a.from) + (std::log(a.to) - std::log(a.from)) * t);
  return a.from + (a.to - a.from) * t;
}

// Deterministic uniform [0, 1) from a 64-bit generator (std distributions differ between
// standard libraries; the sample set must not).
double uniform01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

struct Problem {
  int axis = -1;     // the axis it concerns, or -1 (a combination, or an output)
  std::string what;  // without the case index
};

Diagnostic compose(const Sweep& s, const Problem& p, std::size_t case_index, std::size_t more) {
  const std::string cases =
      "case " + std::to_string(case_index + 1) + (more ? " (and " + std::to_string(more) + " more cases)" : "");
  Diagnostic d;
  d.file = s.source;
  if (p.axis >= 0) {
    const SweepAxis& a = s.axes[static_cast<std::size_t>(p.axis)];
    d.line = a.line;
    d.column = a.column;
    d.message = a.label(static_cast<std::size_t>(p.axis)) + ", " + cases + ": " + p.what;
  } else {
    d.message = cases + " (" + s.case_label(case_index) + "): " + p.what;
  }
  return d;
}

// The axis a loader diagnostic is about: the one whose key it names, or whose key lies under
// (or above) the diagnostic's key when only one does.
int axis_of(const Sweep& s, const std::string& key) {
  if (key.empty()) return -1;
  auto under = [](const std::string& a, const std::string& b) {  // a strictly under b
    return a.size() > b.size() && a.compare(0, b.size(), b) == 0 && (a[b.size()] == '.' || a[b.size()] == '[');
  };
  for (std::size_t i = 0; i < s.axes.size(); ++i)
    if (s.axes[i].key == key) return static_cast<int>(i);
  int found = -1;
  for (std::size_t i = 0; i < s.axes.size(); ++i)
    if (under(s.axes[i].key, key) || under(key, s.axes[i].key)) {
      if (found >= 0) return -1;
      found = static_cast<int>(i);
    }
  return found;
}

toml::table case_table(const Sweep& s, std::size_t c, std::vector<Problem>* problems) {
  toml::table t = s.base_table->table;
  const auto pos = s.positions(c);
  for (std::size_t i = 0; i < s.axes.size(); ++i) {
    const std::string why = set_at_path(t, s.axes[i].path, s.axes[i].value(pos[i]));
    if (!why.empty()) {
      if (!problems) throw std::logic_error("sweep: " + why);  // the loader checked every path
      problems->push_back({static_cast<int>(i), why});
    }
  }
  return t;
}

// Every problem of one case (empty: the case is valid); `cfg` receives the config when valid.
std::vector<Problem> case_problems(const Sweep& s, std::size_t c, std::optional<Config>* cfg_out) {
  std::vector<Problem> problems;
  const toml::table t = case_table(s, c, &problems);
  if (!problems.empty()) return problems;
  try {
    Config cfg = detail::load_config_table(t, s.base_name, s.base_dir);
    for (auto& why : workflows::output_problems(s, cfg)) problems.push_back({-1, std::move(why)});
    if (problems.empty() && cfg_out) *cfg_out = std::move(cfg);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) {
      const int ax = axis_of(s, d.key);
      if (ax >= 0) {
        problems.push_back({ax, (d.key.empty() ? "" : d.key + (d.value.empty() ? "" : " = " + d.value) + ": ") + d.message +
                                    (d.key == s.axes[static_cast<std::size_t>(ax)].key ? "" : " (in " + s.base_name + ")")});
      } else {
        problems.push_back({-1, d.to_string()});
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Reading the file.

void read_list(TableReader& r, SweepAxis& a, std::size_t idx, Context& ctx) {
  const toml::node* n = r.input().get("values");
  const toml::array* arr = n->as_array();
  const std::string where = r.key_path("values");
  if (!arr) {
    ctx.error(n, where, detail::node_text(*n), "must be a list of values, e.g. [\"4 in\", \"8 in\"] or [0, 1, 2]");
    return;
  }
  if (arr->empty()) {
    ctx.error(n, where, "[]", a.label(idx) + " is empty: give at least one value");
    return;
  }
  std::vector<DimensionMask> masks;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    bool ok = false;
    AxisValue v = value_from_node((*arr)[i], ok);
    if (!ok) {
      ctx.error(&(*arr)[i], where + "[" + std::to_string(i + 1) + "]", detail::node_text((*arr)[i]),
                "an axis value is a string (a quantity with its unit, or a name), a number or a boolean");
      return;
    }
    if (!a.listed.empty()) {
      const bool same = (v.kind == AxisValue::Kind::text) == (a.listed[0].kind == AxisValue::Kind::text) &&
                        (v.kind == AxisValue::Kind::boolean) == (a.listed[0].kind == AxisValue::Kind::boolean);
      if (!same) {
        ctx.error(&(*arr)[i], where + "[" + std::to_string(i + 1) + "]", detail::node_text((*arr)[i]),
                  "is " + std::string(kind_name(v)) + " but the axis's first value " + a.listed[0].toml() + " is " +
                      kind_name(a.listed[0]) + ": every value of an axis has the same kind");
        return;
      }
    }
    masks.push_back(v.kind == AxisValue::Kind::text ? dimensions_of(v.text) : 0);
    a.listed.push_back(std::move(v));
  }
  const AxisValue& first = a.listed[0];
  if (first.kind == AxisValue::Kind::boolean) {
    a.kind = SweepAxis::Kind::boolean;
    return;
  }
  if (first.kind != AxisValue::Kind::text) {
    a.kind = SweepAxis::Kind::number;
    a.units = "1";
    return;
  }
  DimensionMask common = masks[0];
  for (std::size_t i = 1; i < masks.size(); ++i) {
    if (masks[0] == 0 && masks[i] == 0) continue;  // names
    if ((masks[i] != 0) != (masks[0] != 0) || (common & masks[i]) == 0) {
      ctx.error(&(*arr)[i], where + "[" + std::to_string(i + 1) + "]", detail::node_text((*arr)[i]),
                "unit mismatch along " + a.label(idx) + ": " + a.listed[i].toml() + " is " + dimension_text(masks[i]) +
                    " but " + first.toml() + " is " + dimension_text(masks[0]) +
                    "; every value of an axis needs the same kind of unit");
      return;
    }
    common &= masks[i];
  }
  if (common == 0) {
    a.kind = SweepAxis::Kind::text;
    return;
  }
  a.kind = SweepAxis::Kind::quantity;
  a.dimension = first_dimension(common);
  a.units = si_unit(*a.dimension);
  for (auto& v : a.listed) v.numeric = *parse_quantity(v.text, *a.dimension).value;
}

void read_range(TableReader& r, SweepAxis& a, std::size_t idx, Context& ctx, SweepMode mode) {
  a.range = true;
  const toml::node* nf = r.input().get("from");
  const toml::node* nt = r.input().get("to");
  r.accept("from");
  r.accept("to");
  if (!nf || !nt) {
    ctx.error(&r.input(), r.key_path(nf ? "to" : "from"), "",
              "a range needs from and to (or give values = [...] instead)");
    return;
  }
  bool okf = false, okt = false;
  const AxisValue f = value_from_node(*nf, okf), t = value_from_node(*nt, okt);
  const auto scale = r.choice<std::string>(
      "scale", one_of_names({"linear", "log"}),
      "linear, log", "linear");
  a.log = scale && *scale == "log";
  if (mode == SweepMode::lhs) {
    r.reject("steps", "with mode = \"lhs\" the number of samples sets how many values each axis takes; remove steps");
  } else {
    const auto steps = r.integer_or("steps", Rule::any(), -1);
    if (!steps) return;
    if (*steps == -1) {
      ctx.error(&r.input(), r.key_path("steps"), "", "a range needs steps (the number of values, from and to included)");
      return;
    }
    if (*steps < 1) {
      ctx.error(r.input().get("steps"), r.key_path("steps"), std::to_string(*steps),
                "empty range on " + a.label(idx) + ": steps must be at least 1");
      return;
    }
    a.steps = static_cast<std::size_t>(*steps);
  }
  const bool text_f = okf && f.kind == AxisValue::Kind::text, text_t = okt && t.kind == AxisValue::Kind::text;
  const bool num_f = okf && (f.kind == AxisValue::Kind::integer || f.kind == AxisValue::Kind::floating);
  const bool num_t = okt && (t.kind == AxisValue::Kind::integer || t.kind == AxisValue::Kind::floating);
  if (text_f && text_t) {
    const DimensionMask mf = dimensions_of(f.text), mt = dimensions_of(t.text);
    if (!mf) {
      ctx.error(nf, r.key_path("from"), detail::node_text(*nf), "a range's ends are quantities with units (\"1 in\") or numbers");
      return;
    }
    if ((mf & mt) == 0) {
      ctx.error(nt, r.key_path("to"), detail::node_text(*nt),
                "unit mismatch along " + a.label(idx) + ": to = " + t.toml() + " is " + dimension_text(mt) + " but from = " +
                    f.toml() + " is " + dimension_text(mf));
      return;
    }
    a.kind = SweepAxis::Kind::quantity;
    a.dimension = first_dimension(mf & mt);
    auto ends_dbm = [](const std::string& s) { return s.size() >= 3 && s.compare(s.size() - 3, 3, "dBm") == 0; };
    a.dbm = *a.dimension == Dimension::power && ends_dbm(f.text) && ends_dbm(t.text);
    if (a.dbm) {
      // Power ranges written in dBm are spaced in dBm (what "from -10 dBm to 0 dBm" means).
      auto dbm_of = [](const std::string& s) {
        double x = 0.0;
        std::string num = s.substr(0, s.size() - 3);
        while (!num.empty() && num.back() == ' ') num.pop_back();
        const auto res = std::from_chars(num.data(), num.data() + num.size(), x);
        return res.ec == std::errc() && res.ptr == num.data() + num.size() ? std::optional<double>(x) : std::nullopt;
      };
      const auto df = dbm_of(f.text), dt = dbm_of(t.text);
      if (!df || !dt) {
        ctx.error(nf, r.key_path("from"), detail::node_text(*nf), "a dBm range's ends are written as \"-10 dBm\"");
        return;
      }
      a.from = *df;
      a.to = *dt;
      a.units = "dBm";
      if (a.log) {
        ctx.error(r.input().get("scale"), r.key_path("scale"), "\"log\"", "a range in dBm is already logarithmic: use scale = \"linear\"");
        return;
      }
    } else {
      a.from = *parse_quantity(f.text, *a.dimension).value;
      a.to = *parse_quantity(t.text, *a.dimension).value;
      a.units = si_unit(*a.dimension);
    }
  } else if (num_f && num_t) {
    a.kind = SweepAxis::Kind::number;
    a.units = "1";
    a.from = f.numeric;
    a.to = t.numeric;
    // Whole numbers stay whole (counts such as rx.dfe_taps) when every step lands on one.
    a.integral = !a.log && f.kind == AxisValue::Kind::integer && t.kind == AxisValue::Kind::integer &&
                 (mode == SweepMode::lhs || a.steps == 1 ||
                  (t.integer - f.integer) % static_cast<std::int64_t>(a.steps - 1) == 0);
  } else {
    ctx.error(nt, r.key_path("to"), detail::node_text(*nt),
              "unit mismatch along " + a.label(idx) + ": from = " + detail::node_text(*nf) + " and to = " + detail::node_text(*nt) +
                  " must both be quantities with units or both plain numbers");
    return;
  }
  if (a.log && !(a.from > 0.0 && a.to > 0.0))
    ctx.error(r.input().get("scale"), r.key_path("scale"), "\"log\"", "a logarithmic range needs from and to above 0");
}

void read_outputs(TableReader& out, Sweep& s, Context& ctx) {
  const toml::node* sn = out.input().get("scalars");
  const toml::node* cn = out.input().get("curves");
  const auto scalars = out.text_list("scalars", false).value_or(std::vector<std::string>{});
  const auto curves = out.text_list("curves", false).value_or(std::vector<std::string>{});
  if (!sn && !cn) ctx.error(&out.input(), "outputs.scalars", "", "missing: list the outputs to record, e.g. scalars = [\"loss.insertion_loss_db@16 GHz\"]");
  std::vector<std::string> command_names;
  for (const auto& c : sweep_commands()) command_names.push_back(c.command);

  auto parse = [&](const std::string& label, const toml::node* where, bool curve) -> std::optional<OutputRequest> {
    auto bad = [&](const std::string& why) {
      ctx.error(where, curve ? "outputs.curves" : "outputs.scalars", "\"" + label + "\"", why);
      return std::nullopt;
    };
    OutputRequest r;
    r.label = label;
    const auto dot = label.find('.');
    const auto at = label.find('@');
    if (dot == std::string::npos || (at != std::string::npos && at < dot))
      return bad("an output is COMMAND.QUANTITY (e.g. \"eye.margin_db\"); commands: " + join(command_names));
    r.command = label.substr(0, dot);
    r.quantity = label.substr(dot + 1, at == std::string::npos ? std::string::npos : at - dot - 1);
    const CommandOutputs* c = find_sweep_command(r.command);
    if (!c) {
      const std::string g = closest_match(r.command, command_names);
      return bad("unknown command \"" + r.command + "\"" + (g.empty() ? "" : "; did you mean \"" + g + "\"?") +
                 " (commands: " + join(command_names) + ")");
    }
    std::vector<std::string> names;
    if (curve) {
      if (at != std::string::npos) return bad("a curve covers the whole frequency grid: drop the \"@...\"");
      const CurveOutput* found = find_named(c->curves, r.quantity, names);
      if (!found) {
        if (names.empty()) return bad(r.command + " has no curves");
        const std::string g = closest_match(r.quantity, names);
        return bad("unknown " + r.command + " curve" + (g.empty() ? "" : "; did you mean \"" + g + "\"?") + " (curves: " + join(names) + ")");
      }
      r.units = found->units;
      r.description = found->description;
      return r;
    }
    const ScalarOutput* found = find_named(c->scalars, r.quantity, names);
    if (!found) {
      const std::string g = closest_match(r.quantity, names);
      return bad("unknown " + r.command + " output" + (g.empty() ? "" : "; did you mean \"" + g + "\"?") + " (outputs: " + join(names) + ")");
    }
    r.units = found->units;
    r.description = found->description;
    if (found->per_frequency) {
      if (at == std::string::npos)
        return bad(r.command + "." + r.quantity + " is given at a frequency: add \"@16 GHz\" or \"@nyquist\"");
      std::string f = label.substr(at + 1);
      while (!f.empty() && f.front() == ' ') f.erase(0, 1);
      if (f == "nyquist") {
        r.at_nyquist = true;
      } else {
        const auto q = parse_quantity(f, Dimension::frequency);
        if (!q.value || !(*q.value > 0.0)) return bad("after @: a positive frequency (\"16 GHz\") or \"nyquist\"" + (q.value ? "" : ": " + q.error));
        r.at_hz = *q.value;
      }
    } else if (at != std::string::npos) {
      return bad(r.command + "." + r.quantity + " is not per frequency: drop the \"@...\"");
    }
    return r;
  };

  // Each label of one list (`node` its TOML value) parsed into `into`; a label listed twice is an error.
  std::set<std::string> seen;
  auto parse_list = [&](const std::vector<std::string>& labels, const toml::node* node, bool curve,
                        std::vector<OutputRequest>& into) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const toml::node* where = node && node->as_array() ? &(*node->as_array())[i] : node;
      if (!seen.insert((curve ? "c:" : "s:") + labels[i]).second) {
        ctx.error(where, curve ? "outputs.curves" : "outputs.scalars", "\"" + labels[i] + "\"", "listed twice");
        continue;
      }
      if (auto r = parse(labels[i], where, curve)) into.push_back(*r);
    }
  };
  parse_list(scalars, sn, false, s.scalars);
  parse_list(curves, cn, true, s.curves);
  if (!s.curves.empty()) {
    const auto fmax = out.quantity("curve_fmax", Dimension::frequency, Rule::positive(), true);
    const auto points = out.integer_or("curve_points", Rule::between(2, 100000), 100);
    if (fmax && points) {
      // The grid analyze_loss uses (solvers/loss_analysis.cpp loss_grid): fmax k / points.
      const int np = static_cast<int>(*points);
      for (int i = 0; i < np; ++i) s.curve_freqs_hz.push_back(*fmax * (i + 1) / np);
    }
  } else {
    out.reject("curve_fmax", "applies only with curves = [...]");
    out.reject("curve_points", "applies only with curves = [...]");
  }

  // Per-command options, and the plan of what each command computes.
  for (const auto& c : sweep_commands()) {
    SweepCommandPlan plan;
    plan.command = &c;
    if (auto t = out.table(c.command, false)) {
      for (const auto& o : c.options) {
        const toml::node* node = t->input().get(o.key);
        switch (o.kind) {
          case workflows::OptionKind::text:
            if (auto v = t->text(o.key, false)) plan.options.texts[o.key] = *v;
            break;
          case workflows::OptionKind::number:
            if (auto v = t->number(o.key, Rule::any(), false)) plan.options.values[o.key] = *v;
            break;
          case workflows::OptionKind::modulations:
            if (auto v = t->text(o.key, false)) {
              const auto p = parse_modulation_list(*v);
              if (!p.error.empty()) {
                ctx.error(node, t->key_path(o.key), "\"" + *v + "\"", p.error);
              } else {
                plan.options.texts[o.key] = *v;
                plan.options.levels[o.key] = p.levels;
              }
            }
            break;
          case workflows::OptionKind::rate:
            // A rate keeps its unit: it says whether it is a symbol or a bit rate.
            if (t->quantity(o.key, Dimension::data_rate, Rule::any(), false)) {
              const std::string text = node->value_or(std::string());
              const auto p = parse_rate(text);
              if (p.rate)
                plan.options.rates[o.key] = *p.rate;
              else
                ctx.error(node, t->key_path(o.key), "\"" + text + "\"", p.error);
            }
            break;
          default:
            if (auto v = t->quantity(o.key, *option_dimension(o.kind), Rule::any(), false)) plan.options.values[o.key] = *v;
            break;
        }
      }
      t->finish();
    }
    for (std::size_t i = 0; i < s.scalars.size(); ++i)
      if (s.scalars[i].command == c.command) {
        plan.scalars.push_back(s.scalars[i]);
        plan.scalar_slots.push_back(i);
      }
    for (std::size_t i = 0; i < s.curves.size(); ++i)
      if (s.curves[i].command == c.command) {
        plan.curves.push_back(s.curves[i]);
        plan.curve_slots.push_back(i);
      }
    if (!plan.scalars.empty() || !plan.curves.empty()) s.plans.push_back(std::move(plan));
  }
  out.finish();
}

void sample_lhs(Sweep& s) {
  // Latin hypercube (McKay, Beckman, Conover, Technometrics 21(2), 1979): each axis's range is
  // cut into `samples` equal strata (equal in log for log ranges), one uniform point per
  // stratum, the strata of each axis in an independent random order.
  std::mt19937_64 g(s.seed);
  const std::size_t n = s.samples;
  for (auto& a : s.axes) {
    std::vector<std::uint32_t> perm(n);
    for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[g() % i]);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = (static_cast<double>(perm[i]) + uniform01(g)) / static_cast<double>(n);
      if (a.range) {
        double x = range_at(a, t);
        if (a.integral) x = std::round(x);
        a.sampled.push_back(x);
      } else {
        const auto k = std::min(a.listed.size() - 1, static_cast<std::size_t>(t * static_cast<double>(a.listed.size())));
        a.picks.push_back(static_cast<std::uint32_t>(k));
      }
    }
  }
}


}  // namespace

// ---------------------------------------------------------------------------------------------

constexpr phy::EnumName<SweepMode> kSweepModes[] = {
    {SweepMode::grid, "grid"}, {SweepMode::zip, "zip"}, {SweepMode::lhs, "lhs"}};

std::string_view to_string(SweepMode m) { return phy::name_of(kSweepModes, m, ""); }

std::string AxisValue::toml() const {
  switch (kind) {
    case Kind::text: return "\"" + text + "\"";
    case Kind::integer: return std::to_string(integer);
    case Kind::floating: {
      std::string s = shortest(floating);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::boolean: return boolean ? "true" : "false";
  }
  return "";
}

std::size_t SweepAxis::size() const {
  if (!sampled.empty() || !picks.empty()) return std::max(sampled.size(), picks.size());
  return range ? steps : listed.size();
}

AxisValue SweepAxis::value(std::size_t p) const {
  if (!sampled.empty()) return range_value(*this, sampled.at(p));
  if (!picks.empty()) return listed.at(picks.at(p));
  if (!range) return listed.at(p);
  if (p >= steps) throw std::out_of_range("sweep axis position");
  const double t = steps == 1 ? 0.0 : static_cast<double>(p) / static_cast<double>(steps - 1);
  return range_value(*this, range_at(*this, t));
}

std::string SweepAxis::label(std::size_t index) const { return "axis " + std::to_string(index + 1) + " (" + key + ")"; }

std::vector<std::size_t> Sweep::shape() const {
  if (mode != SweepMode::grid) return {case_count()};
  std::vector<std::size_t> out;
  for (const auto& a : axes) out.push_back(a.size());
  return out;
}

std::size_t Sweep::case_count() const {
  if (mode == SweepMode::lhs) return samples;
  if (axes.empty()) return 1;
  if (mode == SweepMode::zip) return axes[0].size();
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.size();
  return n;
}

std::vector<std::size_t> Sweep::positions(std::size_t c) const {
  std::vector<std::size_t> pos(axes.size(), c);
  if (mode == SweepMode::grid)
    for (std::size_t i = axes.size(); i-- > 0;) {
      pos[i] = c % axes[i].size();
      c /= axes[i].size();
    }
  return pos;
}

std::string Sweep::case_label(std::size_t c) const {
  const auto pos = positions(c);
  std::string out;
  for (std::size_t i = 0; i < axes.size(); ++i)
    out += (i ? ", " : "") + axes[i].key + " = " + axes[i].value(pos[i]).toml();
  return out;
}

Sweep load_sweep(const std::filesystem::path& file) {
  const std::string text = detail::read_input_file(file, "sweep file");
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::current_path();
  return load_sweep_text(text, file.string(), dir);
}

Sweep load_sweep_text(std::string_view text, const std::string& name, const std::filesystem::path& dir,
                      const std::optional<std::string>& base_text) {
  Sweep s;
  s.source = name;
  s.text = std::string(text);
  s.dir = dir;
  Context ctx{name, dir};
  const toml::table in = detail::parse_toml(text, name);
  toml::table resolved;
  TableReader root(ctx, in, resolved, "");
  root.text_or("name", "");
  root.text_or("description", "");
  const auto base = root.text("base", true);
  const auto mode = root.choice<SweepMode>(
      "mode", detail::one_of({SweepMode::grid, SweepMode::zip, SweepMode::lhs}),
      "grid, zip, lhs", "grid");
  if (mode) s.mode = *mode;
  if (s.mode == SweepMode::lhs) {
    if (auto n = root.integer_or("samples", Rule::between(1, 1e9), 0); n && *n == 0)
      ctx.error(&in, "samples", "", "mode = \"lhs\" needs samples (the number of cases)");
    else if (n)
      s.samples = static_cast<std::size_t>(*n);
    if (auto sd = root.integer_or("seed", Rule::non_negative(), 1)) s.seed = static_cast<std::uint64_t>(*sd);
  } else {
    root.reject("samples", "applies only with mode = \"lhs\"");
    root.reject("seed", "applies only with mode = \"lhs\"");
  }

  // The base config: read now so that every axis path can be checked against it.
  if (base) {
    s.base = *base;
    try {
      if (base->rfind("preset:", 0) == 0) {
        const std::string preset = base->substr(7);
        s.base_name = *base;
        s.base_dir = std::filesystem::current_path();
        if (base_text) {
          s.base_text = *base_text;
        } else {
          s.base_text = std::string(embedded_toml("presets", preset, "preset", "presets"));
        }
      } else {
        std::filesystem::path p = *base;
        if (p.is_relative()) p = dir / p;
        s.base_name = p.lexically_normal().string();
        s.base_dir = p.has_parent_path() ? p.parent_path() : std::filesystem::current_path();
        s.base_text = base_text ? *base_text : detail::read_input_file(p, "base config");
      }
      auto b = std::make_shared<detail::SweepBase>();
      b->table = toml::parse(s.base_text, s.base_name);
      s.base_table = b;
    } catch (const toml::parse_error& e) {
      ctx.error(in.get("base"), "base", "\"" + *base + "\"",
                "the base config is not valid TOML: " + std::string(e.description()) + " (line " +
                    std::to_string(e.source().begin.line) + ")");
    } catch (const InputError& e) {
      ctx.error(in.get("base"), "base", "\"" + *base + "\"", e.what());
    }
  }

  if (!in.contains("axis")) ctx.error(&in, "axis", "", "missing: at least one [[axis]] with key = \"...\" and values or from/to/steps");
  auto axes = root.table_array("axis", false);
  if (axes.empty() && in.contains("axis") && in.get("axis")->is_array())
    ctx.error(in.get("axis"), "axis", "[]", "at least one [[axis]] is needed");
  std::set<std::string> keys;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    TableReader& r = axes[i];
    SweepAxis a;
    a.line = static_cast<int>(r.input().source().begin.line);
    a.column = static_cast<int>(r.input().source().begin.column);
    const auto key = r.text("key", true);
    if (key) {
      std::string err;
      if (auto p = parse_key_path(*key, err)) {
        a.path = *p;
        a.key = path_text(a.path, a.path.size());
      } else {
        ctx.error(r.input().get("key"), r.key_path("key"), "\"" + *key + "\"", "not a key path: " + err);
      }
    }
    if (!a.key.empty() && !keys.insert(a.key).second)
      ctx.error(r.input().get("key"), r.key_path("key"), "\"" + *key + "\"", a.label(i) + " repeats the key of another axis");
    const bool has_values = r.has("values"), has_range = r.has("from") || r.has("to") || r.has("steps");
    if (a.key.empty()) a.key = key ? *key : "?";
    if (has_values && has_range) {
      ctx.error(r.input().get("values"), r.key_path("values"), "", "give either values = [...] or from/to" +
                std::string(s.mode == SweepMode::lhs ? "" : "/steps") + ", not both");
      for (auto k : {"values", "from", "to", "steps", "scale"}) r.accept(k);
    } else if (has_values) {
      r.accept("values");
      read_list(r, a, i, ctx);
    } else if (has_range) {
      read_range(r, a, i, ctx, s.mode);
    } else {
      ctx.error(&r.input(), r.key_path("values"), "", a.label(i) + " needs values = [...] or a range (from, to" +
                std::string(s.mode == SweepMode::lhs ? ")" : ", steps)"));
    }
    r.finish();
    s.axes.push_back(std::move(a));
  }

  if (auto out = root.table("outputs", true)) read_outputs(*out, s, ctx);
  root.finish();
  ctx.throw_if_errors();

  if (s.mode == SweepMode::zip)
    for (std::size_t i = 1; i < s.axes.size(); ++i)
      if (s.axes[i].size() != s.axes[0].size())
        ctx.error(&in, "axis", "",
                  s.axes[i].label(i) + " has " + std::to_string(s.axes[i].size()) + " values but " + s.axes[0].label(0) +
                      " has " + std::to_string(s.axes[0].size()) + ": zipped axes need the same number of values");
  if (s.mode == SweepMode::grid) {
    // The product must fit the index type and the results file (a status byte and the outputs of
    // every case), and is a sanity check on the file; the same bound as an lhs's samples.
    double n = 1.0;
    for (const auto& a : s.axes) n *= static_cast<double>(a.size());
    if (n > 1e9)
      ctx.error(&in, "axis", "", "the grid has " + shortest(n) + " cases; at most 1e9: use fewer points per axis, or mode = \"lhs\"");
  }
  for (std::size_t i = 0; i < s.axes.size() && ctx.ok(); ++i) {
    // The path must fit the base config's structure; its first value goes in a scratch copy.
    toml::table scratch = s.base_table->table;
    const std::string why = set_at_path(scratch, s.axes[i].path, s.axes[i].range ? range_value(s.axes[i], s.axes[i].from)
                                                                                  : s.axes[i].listed.at(0));
    Diagnostic d;
    d.file = name;
    d.line = s.axes[i].line;
    d.column = s.axes[i].column;
    if (!why.empty()) {
      d.message = s.axes[i].label(i) + ": unknown key path: " + why + " (base " + s.base_name + ")";
      ctx.diagnostics.push_back(d);
      continue;
    }
    // A key the config does not know is wrong for every value: say it once here, not once per
    // case (what the values themselves may be is checked per case by validate_sweep).
    try {
      detail::load_config_table(scratch, s.base_name, s.base_dir);
    } catch (const InputError& e) {
      for (const auto& bad : e.diagnostics())
        if (bad.unknown_key && bad.key == s.axes[i].key) {
          d.message = s.axes[i].label(i) + ": " + bad.message + " (base " + s.base_name + ")";
          ctx.diagnostics.push_back(d);
        }
    }
  }
  ctx.throw_if_errors();
  if (s.mode == SweepMode::lhs) sample_lhs(s);
  return s;
}

Config case_config(const Sweep& s, std::size_t c) {
  std::optional<Config> cfg;
  const auto problems = case_problems(s, c, &cfg);
  if (!problems.empty()) {
    std::vector<Diagnostic> ds;
    for (const auto& p : problems) ds.push_back(compose(s, p, c, 0));
    throw InputError(ds);
  }
  return std::move(*cfg);
}

std::string case_config_text(const Sweep& s, std::size_t c) {
  const toml::table t = case_table(s, c, nullptr);
  std::ostringstream os;
  os << toml::toml_formatter{t};
  return os.str();
}

void validate_sweep(const Sweep& s, int threads, const std::function<void(std::size_t, std::size_t)>& progress,
                    std::span<const std::uint64_t> only) {
  const std::size_t n = only.empty() ? s.case_count() : only.size();
  struct Seen {
    std::size_t first = 0;
    std::size_t count = 0;
  };
  std::mutex m;
  std::map<std::pair<int, std::string>, Seen> seen;
  std::vector<std::pair<int, std::string>> order;
  std::size_t failing = 0;
  constexpr std::size_t kStopAfter = 10000;  // failing cases: enough to show every kind of problem
  std::atomic<bool> stop{false};
  auto check = [&](std::size_t k, int) {
    const std::size_t c = only.empty() ? k : static_cast<std::size_t>(only[k]);
    const auto problems = case_problems(s, c, nullptr);
    if (problems.empty()) return;
    std::lock_guard<std::mutex> lock(m);
    ++failing;
    for (const auto& p : problems) {
      auto key = std::make_pair(p.axis, p.what);
      auto [it, fresh] = seen.try_emplace(key, Seen{c, 0});
      if (fresh) order.push_back(key);
      it->second.first = std::min(it->second.first, c);
      ++it->second.count;
    }
    if (failing >= kStopAfter) stop = true;
  };
  solvers::ParallelOptions po;
  po.workers = threads;
  po.progress = progress;
  po.stop = &stop;
  solvers::parallel_for(n, check, po);
  if (order.empty()) return;
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return seen[a].first < seen[b].first; });
  std::vector<Diagnostic> ds;
  constexpr std::size_t kShow = 20;
  for (std::size_t i = 0; i < order.size() && i < kShow; ++i) {
    const Seen& x = seen[order[i]];
    ds.push_back(compose(s, {order[i].first, order[i].second}, x.first, x.count - 1));
  }
  if (order.size() > kShow) {
    Diagnostic d;
    d.file = s.source;
    d.message = std::to_string(order.size() - kShow) + " more problems not shown";
    ds.push_back(d);
  }
  if (stop.load()) {
    Diagnostic d;
    d.file = s.source;
    d.message = "validation stopped after " + std::to_string(kStopAfter) + " bad cases";
    ds.push_back(d);
  }
  Diagnostic head;
  head.file = s.source;
  head.message = std::string(stop.load() ? "at least " : "") + std::to_string(failing) + " of " + std::to_string(n) +
                 " cases are not valid; nothing was computed";
  ds.insert(ds.begin(), head);
  throw InputError(ds);
}

std::optional<Dimension> option_dimension(workflows::OptionKind kind) {
  switch (kind) {
    case workflows::OptionKind::frequency: return Dimension::frequency;
    case workflows::OptionKind::length: return Dimension::length;
    case workflows::OptionKind::decibel: return Dimension::decibel;
    case workflows::OptionKind::rate: return Dimension::data_rate;
    case workflows::OptionKind::text:
    case workflows::OptionKind::number:
    case workflows::OptionKind::modulations: return std::nullopt;
  }
  return std::nullopt;
}

workflows::SweepCase sweep_case(Config&& cfg) {
  workflows::SweepCase c;
  c.report_freqs_hz = std::move(cfg.report.frequencies_hz);
  c.link = std::move(static_cast<channels::Link&>(cfg));
  return c;
}

workflows::CaseBuilder case_builder(const Sweep& s) {
  return [&s](std::uint64_t c) { return sweep_case(case_config(s, static_cast<std::size_t>(c))); };
}

CaseResult evaluate_case(const Sweep& s, std::size_t c) { return workflows::evaluate_case(s, c, case_builder(s)); }

// ---------------------------------------------------------------------------------------------
// Encoding: per result u64 index, u8 ok, u32 reason length + bytes, u32 n scalars + doubles,
// u32 n curve values + doubles (native byte order: the processes of one MPI job).

namespace {
template <class T>
void put(std::vector<char>& out, const T& v) {
  const char* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
template <class T>
T get(std::span<const char> b, std::size_t& at) {
  if (at + sizeof(T) > b.size()) throw std::runtime_error("sweep results: truncated message");
  T v;
  std::memcpy(&v, b.data() + at, sizeof(T));
  at += sizeof(T);
  return v;
}
void put_doubles(std::vector<char>& out, const std::vector<double>& v) {
  put(out, static_cast<std::uint32_t>(v.size()));
  const char* p = reinterpret_cast<const char*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(double));
}
std::vector<double> get_doubles(std::span<const char> b, std::size_t& at) {
  const auto n = get<std::uint32_t>(b, at);
  if (at + n * sizeof(double) > b.size()) throw std::runtime_error("sweep results: truncated message");
  std::vector<double> v(n);
  if (n > 0) std::memcpy(v.data(), b.data() + at, n * sizeof(double));  // data() may be null when n == 0
  at += n * sizeof(double);
  return v;
}
}  // namespace

void encode_results(std::span<const CaseResult> results, std::vector<char>& out) {
  for (const auto& r : results) {
    put(out, r.index);
    put(out, static_cast<std::uint8_t>(r.ok ? 1 : 0));
    put(out, static_cast<std::uint32_t>(r.reason.size()));
    out.insert(out.end(), r.reason.begin(), r.reason.end());
    put_doubles(out, r.scalars);
    put_doubles(out, r.curves);
  }
}

std::vector<CaseResult> decode_results(std::span<const char> b) {
  std::vector<CaseResult> out;
  std::size_t at = 0;
  while (at < b.size()) {
    CaseResult r;
    r.index = get<std::uint64_t>(b, at);
    r.ok = get<std::uint8_t>(b, at) != 0;
    const auto n = get<std::uint32_t>(b, at);
    if (at + n > b.size()) throw std::runtime_error("sweep results: truncated message");
    r.reason.assign(b.data() + at, n);
    at += n;
    r.scalars = get_doubles(b, at);
    r.curves = get_doubles(b, at);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace phylane::io
