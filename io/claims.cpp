// Claims (docs/claims.md): reading a claim file, computing every test from phylane's models and
// the figures of data/standards, and judging each claim.
#include "io/claims.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <complex>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "workflows/link_search.hpp"
#include "workflows/rate.hpp"
#include "io/quantity.hpp"
#include "io/system.hpp"
#include "workflows/throughput.hpp"
#include "phy/constants.hpp"
#include "solvers/loss_analysis.hpp"
#include "solvers/max_rate.hpp"
#include "solvers/parallel.hpp"
#include "solvers/pulse_response.hpp"

namespace phylane::io {

using detail::Context;
using detail::node_text;
using detail::Rule;
using detail::TableReader;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Default range of the max-rate search: that of `phylane maxrate` and of the system evaluation
// (workflows/throughput.hpp), so that a system's searched link can be shared with a claim.
constexpr double kSearchMinBps = 1e9;
constexpr double kSearchMaxBps = 224e9;

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : std::string()) + v[i];
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<double> parse_plain_number(std::string_view text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  double v = 0.0;
  const char* first = t.data();
  if (*first == '+') ++first;
  const auto r = std::from_chars(first, t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// ---- values with units ------------------------------------------------------------------------

/// Text with a unit as a value of kind k (SI), or an error saying what is allowed.
ParsedQuantity parse_value(std::string_view text, ValueKind k) {
  switch (k) {
    case ValueKind::ratio: {
      if (auto v = parse_plain_number(text)) return {v, ""};
      return {std::nullopt, "must be a plain number (a ratio, no unit), e.g. \"1000\" or 7.8"};
    }
    case ValueKind::rate: {
      auto q = parse_quantity(text, Dimension::data_rate);
      if (q.value) return q;
      // Bytes per second, as standards quote throughput: 1 B = 8 b.
      const std::string t = trim(text);
      static const std::pair<const char*, double> bytes[] = {{"B/s", 8.0},     {"kB/s", 8e3}, {"MB/s", 8e6},
                                                             {"GB/s", 8e9},    {"TB/s", 8e12}};
      for (const auto& [unit, scale] : bytes) {
        const std::string u(unit);
        if (t.size() > u.size() && t.compare(t.size() - u.size(), u.size(), u) == 0)
          if (auto v = parse_plain_number(t.substr(0, t.size() - u.size()))) return {*v * scale, ""};
      }
      return {std::nullopt, q.error + " (bytes per second also: B/s, kB/s, MB/s, GB/s, TB/s)"};
    }
    case ValueKind::time: return parse_quantity(text, Dimension::time);
    case ValueKind::length: return parse_quantity(text, Dimension::length);
    case ValueKind::frequency: return parse_quantity(text, Dimension::frequency);
    case ValueKind::loss: return parse_quantity(text, Dimension::decibel);
    case ValueKind::loss_per_length: return parse_quantity(text, Dimension::attenuation_per_length);
    case ValueKind::energy: return parse_quantity(text, Dimension::energy);
    case ValueKind::power: return parse_quantity(text, Dimension::power);
    case ValueKind::delay_per_length: {
      // "4.89 ns/m", "163 ps/in": a time per unit length.
      const std::string t = trim(text);
      const auto slash = t.rfind('/');
      const std::string allowed = "must be a time per length, e.g. \"4.89 ns/m\", \"163 ps/in\"";
      if (slash == std::string::npos) return {std::nullopt, allowed};
      const auto num = parse_quantity(t.substr(0, slash), Dimension::time);
      const auto den = parse_quantity("1 " + trim(t.substr(slash + 1)), Dimension::length);
      if (!num.value || !den.value) return {std::nullopt, allowed};
      return {*num.value / *den.value, ""};
    }
  }
  return {std::nullopt, "unsupported kind"};
}

/// The kind of a quantity written with a unit, by the first kind whose units accept it.
std::optional<std::pair<ValueKind, double>> infer_value(std::string_view text) {
  for (ValueKind k : {ValueKind::rate, ValueKind::time, ValueKind::length, ValueKind::frequency, ValueKind::loss,
                      ValueKind::loss_per_length, ValueKind::delay_per_length, ValueKind::energy, ValueKind::power,
                      ValueKind::ratio}) {
    const auto q = parse_value(text, k);
    if (q.value) return std::make_pair(k, *q.value);
  }
  return std::nullopt;
}

// ---- claim quantities -------------------------------------------------------------------------

struct QuantityName {
  const char* name;
  ValueKind kind;
};
constexpr QuantityName kQuantities[] = {
    {"per_lane_rate", ValueKind::rate},   {"link_bandwidth", ValueKind::rate},
    {"data_rate", ValueKind::rate},       {"speedup", ValueKind::ratio},
    {"training_time_ratio", ValueKind::ratio}, {"ratio", ValueKind::ratio},
    {"fraction", ValueKind::ratio},       {"latency", ValueKind::time},
    {"time", ValueKind::time},            {"reach", ValueKind::length},
    {"length", ValueKind::length},        {"loss", ValueKind::loss},
    {"loss_per_length", ValueKind::loss_per_length}, {"delay_per_length", ValueKind::delay_per_length},
    {"energy_per_bit", ValueKind::energy}, {"frequency", ValueKind::frequency},
    {"power", ValueKind::power},
};

std::vector<std::string> quantity_names() {
  std::vector<std::string> out;
  for (const auto& q : kQuantities) out.emplace_back(q.name);
  return out;
}

// ---- embedded standards -----------------------------------------------------------------------

struct StandardTable {
  std::string file;  ///< "data/standards/pcie.toml"
  std::string id;
  std::string name;
  const toml::table* table = nullptr;
};

/// Every table of data/standards/*.toml by id, parsed once (thread-safe static initialisation).
struct Standards {
  std::vector<toml::table> files;
  std::vector<StandardTable> tables;
  Standards() {
    const auto paths = embedded_paths("standards/");
    files.reserve(paths.size());
    for (const auto& p : paths) {
      const auto body = embedded_file(p);
      if (!body) continue;
      files.push_back(toml::parse(*body, p));
      for (const auto& [k, v] : files.back()) {
        const toml::table* t = v.as_table();
        if (!t) continue;
        StandardTable st;
        st.file = "data/" + p;
        st.id = std::string(k.str());
        st.name = t->get("name") ? t->get("name")->value_or(std::string()) : std::string();
        st.table = t;
        tables.push_back(std::move(st));
      }
    }
  }
  const StandardTable* find(std::string_view id) const {
    for (const auto& t : tables)
      if (t.id == id) return &t;
    return nullptr;
  }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& t : tables) out.push_back(t.id);
    return out;
  }
};

const Standards& standards() {
  static const Standards s;
  return s;
}

/// A figure (possibly dotted: "budget_split.system_board") of a standard table.
const toml::node* standard_node(const StandardTable& st, std::string_view figure) {
  return st.table->at_path(figure).node();
}

std::vector<std::string> figure_names(const StandardTable& st) {
  std::vector<std::string> out;
  for (const auto& [k, v] : *st.table) {
    if (v.is_string() || v.is_number()) out.emplace_back(k.str());
    if (const toml::table* t = v.as_table())
      for (const auto& [k2, v2] : *t)
        if (v2.is_string() || v2.is_number()) out.push_back(std::string(k.str()) + "." + std::string(k2.str()));
  }
  return out;
}

/// The value of a standard figure: a quantity string with a unit, or a bare number (a ratio).
std::optional<std::pair<ValueKind, double>> figure_value(const toml::node& n) {
  if (n.is_number()) return std::make_pair(ValueKind::ratio, n.value<double>().value_or(0.0));
  if (auto s = n.value_exact<std::string>()) return infer_value(*s);
  return std::nullopt;
}

int bits_per_symbol(std::string_view modulation) {
  if (modulation == "nrz") return 1;
  if (modulation == "pam4") return 2;
  if (modulation == "pam8") return 3;
  return 0;
}

// ---- measures ---------------------------------------------------------------------------------

struct MeasureInfo {
  const char* name;
  const char* what;
};
constexpr MeasureInfo kMeasures[] = {
    {"standard", "a figure of data/standards: standard = ID, figure = KEY"},
    {"lane_rate", "line or payload rate of a standard's lane(s): standard, basis = line|payload, lanes"},
    {"max_rate", "highest per-lane rate of a link at its target BER: preset|config, modulation, max"},
    {"reach", "longest length at a rate: preset|config, rate, modulation, element"},
    {"insertion_loss", "channel insertion loss at a frequency (optical: passive path loss): preset|config, freq"},
    {"loss_per_length", "loss per metre of a trace segment at a frequency, or of the fiber: preset|config, segment, freq"},
    {"resistive_share", "conductor + roughness share of a copper route's attenuation: preset|config, freq"},
    {"delay_per_length", "propagation delay per metre: preset|config + segment, or standard + figure (a group index)"},
    {"flight_time", "propagation time over a link: preset|config"},
    {"fixed_loss", "optical loss that does not scale with length: preset|config (optical)"},
    {"loss_crossover", "length where a copper route loses as much as an optical link's fixed loss: optical, copper, freq"},
    {"link_bandwidth", "a system link's bandwidth: system, link, basis = payload|line, directions"},
    {"collective_time", "a system link's collective time per step: system, link, devices"},
    {"step_speedup", "baseline step time / a system link's step time: system, link, devices"},
    {"step_speedup_bound", "baseline step time / compute time (an infinitely fast link): system, devices"},
    {"energy_per_bit", "a system link's energy per bit, or an optical link's modelled one: system + link | preset, rate"},
    {"channel_heat_per_bit", "upper bound on the heat dissipated in a copper channel per bit: preset|config"},
    {"transfer_time", "time to move bytes: bytes, rate = {measure}, lanes, flight = {measure}"},
    {"value", "a cited reference value (context entries only): value, source"},
};

std::vector<std::string> measure_names() {
  std::vector<std::string> out;
  for (const auto& m : kMeasures) out.emplace_back(m.name);
  return out;
}

bool is_copper(const Config& c) { return c.copper() != nullptr || c.composed() != nullptr; }

// ---- the loader -------------------------------------------------------------------------------

struct Loader {
  Context& ctx;
  std::map<std::string, std::shared_ptr<const Config>> configs;
  std::map<std::string, std::shared_ptr<const System>> systems;

  // A table as the position means "missing here": no value is shown.
  void error(const toml::node* n, const std::string& key, const std::string& message) {
    ctx.error(n, key, n && !n->is_table() ? node_text(*n) : std::string(), message);
  }

  // preset = "NAME" or config = "FILE.toml" (exactly one); `what` checks the kind of channel.
  bool read_config(TableReader& r, Measure& m, std::string_view preset_key, std::string_view config_key,
                   std::shared_ptr<const Config>& out, std::string& key_out) {
    const auto preset = r.text(preset_key, false);
    const auto file = r.text(config_key, false);
    if (preset.has_value() == file.has_value()) {
      error(&r.input(), r.key_path(preset_key),
            "give exactly one of " + std::string(preset_key) + " = \"NAME\" (an embedded preset, see `phylane presets`) or " +
                std::string(config_key) + " = \"FILE.toml\"");
      return false;
    }
    const std::string key = preset ? "preset:" + *preset : (ctx.base_dir / *file).lexically_normal().string();
    m.params[std::string(preset ? preset_key : config_key)] = preset ? *preset : *file;
    if (auto it = configs.find(key); it != configs.end()) {
      out = it->second;
      key_out = key;
      return true;
    }
    const toml::node* n = r.input().get(preset ? preset_key : config_key);
    try {
      auto cfg = std::make_shared<const Config>(preset ? load_preset(*preset) : load_config(ctx.base_dir / *file));
      configs[key] = cfg;
      out = cfg;
      key_out = key;
      return true;
    } catch (const InputError& e) {
      error(n, r.key_path(preset ? preset_key : config_key), e.what());
    }
    return false;
  }

  bool read_system(TableReader& r, Measure& m) {
    const auto name = r.text("system", true);
    if (!name) return false;
    m.params["system"] = *name;
    const bool file = name->find('/') != std::string::npos || (name->size() > 5 && name->substr(name->size() - 5) == ".toml");
    const std::string key = file ? (ctx.base_dir / *name).lexically_normal().string() : "system:" + *name;
    if (auto it = systems.find(key); it != systems.end()) {
      m.system = it->second;
      m.system_key = key;
      return true;
    }
    try {
      auto s = std::make_shared<const System>(file ? load_system(ctx.base_dir / *name) : load_embedded_system(*name));
      systems[key] = s;
      m.system = s;
      m.system_key = key;
      return true;
    } catch (const InputError& e) {
      error(r.input().get("system"), r.key_path("system"), e.what());
    }
    return false;
  }

  // link = "NAME" of the measure's system.
  void read_link(TableReader& r, Measure& m, bool needs_energy) {
    const auto link = r.text("link", true);
    if (!link || !m.system) return;
    m.params["link"] = *link;
    std::vector<std::string> names;
    for (const auto& l : m.system->links) names.push_back(l.name);
    const auto it = std::find(names.begin(), names.end(), *link);
    const toml::node* n = r.input().get("link");
    if (it == names.end()) {
      const std::string guess = closest_match(*link, names);
      error(n, r.key_path("link"),
            (guess.empty() ? std::string("no such link") : "no such link; did you mean \"" + guess + "\"?") + " (links of " +
                m.system->source + ": " + join(names) + ")");
      return;
    }
    m.integer = static_cast<int>(it - names.begin());
    if (needs_energy && !m.system->links[static_cast<std::size_t>(m.integer)].energy_per_bit_j)
      error(n, r.key_path("link"), "this link of " + m.system->source + " gives no energy_per_bit");
  }

  // devices = N, one of the system workload's device counts; stored in number2.
  void read_devices(TableReader& r, Measure& m) {
    const auto d = r.integer_or("devices", Rule::between(2, 1e6), 0);
    if (!r.has("devices")) {
      error(&r.input(), r.key_path("devices"), "missing required key (a device count of the system's workload)");
      return;
    }
    if (!d || !m.system) return;
    const auto& devs = m.system->workload.devices;
    if (std::find(devs.begin(), devs.end(), static_cast<int>(*d)) == devs.end()) {
      std::vector<std::string> list;
      for (int n : devs) list.push_back(std::to_string(n));
      error(r.input().get("devices"), r.key_path("devices"),
            "must be one of the workload's device counts in " + m.system->source + ": " + join(list));
      return;
    }
    m.number2 = static_cast<double>(*d);
    m.params["devices"] = std::to_string(*d);
  }

  const StandardTable* read_standard(TableReader& r, Measure& m, const char* key = "standard") {
    const auto id = r.text(key, true);
    if (!id) return nullptr;
    m.params[key] = *id;
    const StandardTable* st = standards().find(*id);
    if (!st) {
      const auto ids = standards().ids();
      const std::string guess = closest_match(*id, ids);
      error(r.input().get(key), r.key_path(key),
            (guess.empty() ? std::string("no such standard") : "no such standard; did you mean \"" + guess + "\"?") +
                " (tables of data/standards: " + join(ids) + ")");
    }
    return st;
  }

  // figure = "KEY" of a standard table; returns its value and kind.
  std::optional<std::pair<ValueKind, double>> read_figure(TableReader& r, Measure& m, const StandardTable* st,
                                                          std::optional<std::string_view> default_figure = std::nullopt) {
    const auto fig = default_figure ? r.text_or("figure", *default_figure) : r.text("figure", true);
    if (!fig || !st) return std::nullopt;
    m.params["figure"] = *fig;
    const toml::node* f = standard_node(*st, *fig);
    const toml::node* where = r.input().get("figure") ? r.input().get("figure") : &r.input();
    if (!f) {
      const auto names = figure_names(*st);
      const std::string guess = closest_match(*fig, names);
      error(where, r.key_path("figure"),
            (guess.empty() ? std::string("no such figure") : "no such figure; did you mean \"" + guess + "\"?") + " in " +
                st->file + " [" + st->id + "] (figures: " + join(names) + ")");
      return std::nullopt;
    }
    auto v = figure_value(*f);
    if (!v)
      error(where, r.key_path("figure"),
            "[" + st->id + "] " + *fig + " = " + node_text(*f) +
                " is not a single number or quantity phylane can compare (lists and names are not)");
    return v;
  }

  std::optional<double> read_freq(TableReader& r, Measure& m, const Config* cfg) {
    if (r.has("freq")) {
      auto f = r.quantity("freq", Dimension::frequency, Rule::positive(), false);
      if (f) m.params["freq"] = node_text(*r.input().get("freq"));
      return f;
    }
    r.accept("freq");
    if (cfg && cfg->signalling) {
      const double f = 0.5 * cfg->signalling->spec.symbol_rate_baud;
      m.params["freq"] = fmt::format("{:g} GHz (Nyquist of the config's [signal] rate)", f / 1e9);
      return f;
    }
    if (cfg) error(&r.input(), r.key_path("freq"), "missing required key: the config has no [signal] rate to take the Nyquist frequency from");
    return std::nullopt;
  }

  void need(TableReader& r, const std::shared_ptr<const Config>& cfg, const char* key, bool ok, const std::string& what) {
    if (cfg && !ok) error(r.input().get(key) ? r.input().get(key) : &r.input(), r.key_path(key), what);
  }
  const char* cfg_key(TableReader& r) { return r.has("config") ? "config" : "preset"; }

  std::shared_ptr<Measure> measure(TableReader& r, bool context) {
    auto m = std::make_shared<Measure>();
    const auto names = measure_names();
    const auto name = r.choice<std::string>(
        "measure",
        [&](std::string_view s) -> std::optional<std::string> {
          if (std::find(names.begin(), names.end(), s) != names.end()) return std::string(s);
          return std::nullopt;
        },
        join(names), std::nullopt);
    if (!name) return nullptr;
    m->name = *name;
    Measure& x = *m;
    const std::string& n = *name;

    if (n == "standard") {
      const StandardTable* st = read_standard(r, x);
      if (auto v = read_figure(r, x, st)) {
        x.kind = v->first;
        x.number = v->second;
      }
    } else if (n == "lane_rate") {
      x.kind = ValueKind::rate;
      const StandardTable* st = read_standard(r, x);
      const auto basis = r.choice<std::string>(
          "basis", [](std::string_view s) -> std::optional<std::string> {
            if (s == "line" || s == "payload") return std::string(s);
            return std::nullopt;
          },
          "line (the signalling rate), payload (after the standard's line coding)", "line");
      x.params["basis"] = basis.value_or("line");
      x.integer = static_cast<int>(r.integer_or("lanes", Rule::between(1, 1024), 1).value_or(1));
      x.params["lanes"] = std::to_string(x.integer);
      if (st) {
        const toml::node* rate = st->table->get("rate");
        const toml::node* sym = st->table->get("symbol_rate");
        const toml::node* mod = st->table->get("modulation");
        if (!rate && !(sym && mod))
          error(r.input().get("standard"), r.key_path("standard"),
                "[" + st->id + "] has neither a rate nor a symbol_rate and modulation");
        if (basis == std::optional<std::string>("payload") && !st->table->get("encoding_efficiency") &&
            !(st->table->get("encoding") && solvers::encoding(st->table->get("encoding")->value_or(std::string()))))
          error(r.input().get("basis"), r.key_path("basis"),
                "[" + st->id + "] gives no encoding or encoding_efficiency; use basis = \"line\"");
      }
    } else if (n == "max_rate" || n == "reach" || n == "insertion_loss" || n == "loss_per_length" ||
               n == "resistive_share" || n == "flight_time" || n == "fixed_loss" || n == "channel_heat_per_bit" ||
               (n == "delay_per_length" && !r.has("standard")) || (n == "energy_per_bit" && !r.has("system"))) {
      if (!read_config(r, x, "preset", "config", x.config, x.config_key)) {
        // keep reading the other keys for their own errors
      }
      const auto& cfg = x.config;
      const char* ck = cfg_key(r);
      if (n == "max_rate") {
        x.kind = ValueKind::rate;
        need(r, cfg, ck, cfg && cfg->signalling.has_value(), "the link needs a [signal] section (target BER, Tx, Rx) for a rate search");
        const auto mod = r.choice<std::string>(
            "modulation", [](std::string_view s) -> std::optional<std::string> {
              if (s == "best" || s == "nrz" || s == "pam4") return std::string(s);
              return std::nullopt;
            },
            "best (the better of NRZ and PAM4), nrz, pam4", "best");
        x.params["modulation"] = mod.value_or("best");
        x.number = r.quantity_or("max", Dimension::data_rate, Rule::between(2e9, 1e12), "224 Gb/s").value_or(kSearchMaxBps);
        x.params["max"] = fmt::format("{:g} Gb/s", x.number / 1e9);
      } else if (n == "reach") {
        x.kind = ValueKind::length;
        need(r, cfg, ck, cfg && cfg->signalling.has_value(), "the link needs a [signal] section (target BER, Tx, Rx) for a reach search");
        const auto rate = r.quantity("rate", Dimension::data_rate, Rule::positive(), true);
        x.number = rate.value_or(0.0);
        if (rate) x.params["rate"] = node_text(*r.input().get("rate"));
        const auto mod = r.choice<std::string>(
            "modulation", [](std::string_view s) -> std::optional<std::string> {
              if (s == "config" || s == "nrz" || s == "pam4" || s == "pam8") return std::string(s);
              return std::nullopt;
            },
            "config (the config's [signal] modulation), nrz, pam4, pam8", "config");
        x.params["modulation"] = mod.value_or("config");
        x.params["element"] = r.text_or("element", "").value_or("");
        if (cfg && cfg->signalling) {
          const int levels = x.params["modulation"] == "config" ? cfg->signalling->spec.levels
                             : x.params["modulation"] == "nrz"  ? 2
                             : x.params["modulation"] == "pam4" ? 4
                                                                : 8;
          x.integer = levels;
          try {
            const workflows::Stretch st = workflows::stretchable(*cfg, x.params["element"], 4.0 * x.number);
            x.number2 = st.base_length_m;
            x.params["element_label"] = st.label;
          } catch (const std::invalid_argument& e) {
            error(r.input().get("element") ? r.input().get("element") : &r.input(), r.key_path("element"), e.what());
          }
        }
      } else if (n == "insertion_loss" || n == "resistive_share" || n == "loss_per_length" || n == "delay_per_length") {
        x.kind = n == "insertion_loss"    ? ValueKind::loss
                 : n == "resistive_share" ? ValueKind::ratio
                 : n == "loss_per_length" ? ValueKind::loss_per_length
                                          : ValueKind::delay_per_length;
        if (n == "resistive_share" || n == "delay_per_length")
          need(r, cfg, ck, cfg && is_copper(*cfg), "needs a copper channel (modelled traces)");
        else
          need(r, cfg, ck, cfg && (is_copper(*cfg) || cfg->optical()), "needs a copper or optical channel");
        if (cfg && (is_copper(*cfg) || n == "insertion_loss")) {
          if (auto f = read_freq(r, x, cfg.get())) x.number = *f;
        } else {
          r.accept("freq");
        }
        if (n == "loss_per_length" || n == "delay_per_length") {
          x.params["segment"] = r.text_or("segment", "").value_or("");
        }
      } else if (n == "flight_time") {
        x.kind = ValueKind::time;
        need(r, cfg, ck, cfg && (is_copper(*cfg) || cfg->optical()), "needs a copper or optical channel");
        need(r, cfg, ck, cfg && (cfg->optical() || cfg->signalling), "a copper channel needs a [signal] rate (the band of its group delay)");
      } else if (n == "fixed_loss") {
        x.kind = ValueKind::loss;
        need(r, cfg, ck, cfg && cfg->optical() != nullptr, "needs an optical link");
      } else if (n == "channel_heat_per_bit") {
        x.kind = ValueKind::energy;
        need(r, cfg, ck, cfg && is_copper(*cfg) && cfg->signalling, "needs a copper channel with a [signal] section (swing, rate)");
      } else if (n == "energy_per_bit") {
        x.kind = ValueKind::energy;
        need(r, cfg, ck, cfg && cfg->optical() && cfg->signalling, "an energy model exists for optical links with a [signal] section; for copper give system + link");
        const auto rate = r.text_or("rate", "max").value_or("max");
        x.params["rate"] = rate;
        if (rate == "max") x.number = 0.0;
        else if (rate == "signal") x.number = -1.0;
        else {
          const auto q = parse_quantity(rate, Dimension::data_rate);
          if (!q.value || !(*q.value > 0))
            error(r.input().get("rate"), r.key_path("rate"), "must be \"max\" (the link's max rate), \"signal\" (its [signal] rate) or a rate, e.g. \"32 Gb/s\"");
          else x.number = *q.value;
        }
      } else if (n == "delay_per_length") {
        // handled above
      }
    } else if (n == "delay_per_length") {
      x.kind = ValueKind::delay_per_length;
      const StandardTable* st = read_standard(r, x);
      if (auto v = read_figure(r, x, st)) {
        if (v->first != ValueKind::ratio || !(v->second >= 1.0))
          error(r.input().get("figure"), r.key_path("figure"), "must name a group index (a plain number >= 1)");
        x.number = v->second;
      }
    } else if (n == "loss_crossover") {
      x.kind = ValueKind::length;
      read_config(r, x, "optical", "optical_config", x.config, x.config_key);
      read_config(r, x, "copper", "copper_config", x.config2, x.config2_key);
      need(r, x.config, r.has("optical") ? "optical" : "optical_config", x.config && x.config->optical() != nullptr, "must be an optical link");
      need(r, x.config2, r.has("copper") ? "copper" : "copper_config", x.config2 && is_copper(*x.config2), "must be a copper channel");
      if (x.config2 && is_copper(*x.config2))
        if (auto f = read_freq(r, x, x.config2.get())) x.number = *f;
      if (!(x.config2 && is_copper(*x.config2))) r.accept("freq");
      x.params["segment"] = r.text_or("segment", "").value_or("");
    } else if (n == "link_bandwidth" || n == "collective_time" || n == "step_speedup" || n == "step_speedup_bound" ||
               n == "energy_per_bit") {
      read_system(r, x);
      if (n != "step_speedup_bound") read_link(r, x, n == "energy_per_bit");
      if (n == "link_bandwidth") {
        x.kind = ValueKind::rate;
        const auto basis = r.choice<std::string>(
            "basis", [](std::string_view s) -> std::optional<std::string> {
              if (s == "line" || s == "payload") return std::string(s);
              return std::nullopt;
            },
            "payload (after the link's encoding), line", "payload");
        x.params["basis"] = basis.value_or("payload");
        x.number = static_cast<double>(r.integer_or("directions", Rule::between(1, 2), 1).value_or(1));
        x.params["directions"] = fmt::format("{:g}", x.number);
      } else if (n == "energy_per_bit") {
        x.kind = ValueKind::energy;
      } else {
        x.kind = n == "collective_time" ? ValueKind::time : ValueKind::ratio;
        read_devices(r, x);
        if (n != "collective_time" && x.system && !x.system->workload.compute_time_s)
          error(r.input().get("system"), r.key_path("system"),
                "the system's [workload] gives no compute_time, so it has no step time");
      }
    } else if (n == "transfer_time") {
      x.kind = ValueKind::time;
      x.number = r.number("bytes", Rule::positive(), true).value_or(0.0);
      x.params["bytes"] = fmt::format("{:g}", x.number);
      x.integer = static_cast<int>(r.integer_or("lanes", Rule::between(1, 1024), 1).value_or(1));
      x.params["lanes"] = std::to_string(x.integer);
      if (auto rt = r.table("rate", true)) {
        auto p = measure(*rt, context);
        rt->finish();
        if (p && p->kind != ValueKind::rate)
          error(r.input().get("rate"), r.key_path("rate"), "must be a measure of a data rate, not " + std::string(to_string(p->kind)));
        x.parts.push_back(p);
      }
      if (auto ft = r.table("flight", false)) {
        auto p = measure(*ft, context);
        ft->finish();
        if (p && p->kind != ValueKind::time)
          error(r.input().get("flight"), r.key_path("flight"), "must be a measure of a time, not " + std::string(to_string(p->kind)));
        x.parts.push_back(p);
      }
    } else if (n == "value") {
      if (!context)
        error(r.input().get("measure"), r.key_path("measure"),
              "a literal value cannot decide a verdict; use it in [[claim.context]] only (tests are computed by phylane)");
      const auto v = r.text("value", true);
      const auto src = r.text("source", true);
      if (v) {
        x.params["value"] = *v;
        if (auto iv = infer_value(*v)) {
          x.kind = iv->first;
          x.number = iv->second;
        } else {
          error(r.input().get("value"), r.key_path("value"), "must be a number with a unit (e.g. \"56 kb/s\") or a plain number");
        }
      }
      if (src) x.params["source"] = *src;
    }
    return m;
  }

  // A test or context entry: label, then a measure or numerator/denominator.
  std::optional<ClaimTest> test(TableReader& r, const Claim& c, bool context) {
    ClaimTest t;
    t.label = r.text("label", true).value_or("");
    const bool ratio = r.has("numerator") || r.has("denominator");
    if (ratio) {
      if (r.has("measure"))
        error(r.input().get("measure"), r.key_path("measure"), "give either measure = ... or numerator and denominator, not both");
      auto nt = r.table("numerator", true);
      auto dt = r.table("denominator", true);
      if (nt) {
        t.numerator = measure(*nt, context);
        nt->finish();
      }
      if (dt) {
        t.denominator = measure(*dt, context);
        dt->finish();
      }
      if (t.numerator && t.denominator && t.numerator->kind != t.denominator->kind)
        error(r.input().get("denominator"), r.key_path("denominator"),
              "numerator (" + std::string(to_string(t.numerator->kind)) + ") and denominator (" +
                  std::string(to_string(t.denominator->kind)) + ") must be the same kind of quantity");
    } else {
      t.measure = measure(r, context);
    }
    const bool ok = ratio ? (t.numerator && t.denominator) : t.measure != nullptr;
    const toml::node* here = &r.input();
    const toml::node* what = ratio ? r.input().get("numerator") : r.input().get("measure");

    if (c.kind == ClaimKind::qualitative && !context) {
      const auto cmp = r.choice<Comparison>(
          "comparison", [](std::string_view s) -> std::optional<Comparison> {
            if (s == "approx") return Comparison::approx;
            if (s == "at_least") return Comparison::at_least;
            if (s == "at_most") return Comparison::at_most;
            return std::nullopt;
          },
          "approx, at_least, at_most", std::nullopt);
      t.comparison = cmp.value_or(Comparison::approx);
      t.tolerance = r.number_or("tolerance", Rule::between(0.0, 10.0), 0.0).value_or(0.0);
      t.why = r.text("why", true).value_or("");
      if (ok && r.has("threshold")) {
        const toml::node* th = r.input().get("threshold");
        r.accept("threshold");
        const ValueKind k = t.kind();
        const auto s = th->value_exact<std::string>();
        const ParsedQuantity q = s ? parse_value(*s, k)
                                 : th->is_number() && k == ValueKind::ratio
                                     ? ParsedQuantity{th->value<double>(), ""}
                                     : ParsedQuantity{std::nullopt, "must be a " + std::string(to_string(k)) +
                                                                        " with a unit, as a string"};
        if (!q.value) error(th, r.key_path("threshold"), q.error);
        else t.threshold = q.value;
      } else if (!r.has("threshold")) {
        error(here, r.key_path("threshold"), "missing required key: a check of a qualitative claim needs its threshold");
        r.accept("threshold");
      } else {
        r.accept("threshold");
      }
    } else {
      for (const char* k : {"threshold", "comparison", "tolerance", "why"})
        r.reject(k, context ? "context entries are not judged" : "a test of a numeric or comparative claim is judged by the claim's own claimed value, comparison and tolerance");
    }

    if (ok && !context) {
      if (c.kind == ClaimKind::comparative && !ratio)
        error(what, r.key_path("measure"), "a comparative claim's tests are ratios: give numerator and denominator");
      if (c.kind == ClaimKind::comparative && ratio && t.numerator->kind != c.value_kind)
        error(r.input().get("numerator"), r.key_path("numerator"),
              "compares " + std::string(to_string(t.numerator->kind)) + " but the claim's quantity " + c.quantity + " is a " +
                  std::string(to_string(c.value_kind)));
      if (c.kind == ClaimKind::numeric && t.kind() != c.value_kind)
        error(what, r.key_path(ratio ? "numerator" : "measure"),
              "computes a " + std::string(to_string(t.kind())) + " but the claim's quantity " + c.quantity + " is a " +
                  std::string(to_string(c.value_kind)));
    }
    r.finish();
    if (!ok) return std::nullopt;
    return t;
  }

  Claim claim(TableReader& r, std::set<std::string>& ids) {
    Claim c;
    c.line = static_cast<int>(r.input().source().begin.line);
    if (auto id = r.text("id", true)) {
      const toml::node* n = r.input().get("id");
      const bool slug = !id->empty() && std::isalnum(static_cast<unsigned char>(id->front())) &&
                        std::all_of(id->begin(), id->end(), [](char ch) {
                          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
                        });
      if (!slug) error(n, r.key_path("id"), "must be a slug of letters, digits, '-', '_', '.' starting with a letter or digit (it names the HDF5 group)");
      else if (!ids.insert(*id).second) error(n, r.key_path("id"), "is already the id of another claim; ids must be unique");
      c.id = *id;
    }
    c.text = r.text("text", true).value_or("");
    c.where = r.text_or("where", "").value_or("");
    c.note = r.text_or("note", "").value_or("");
    c.kind = r.choice<ClaimKind>(
                  "kind", [](std::string_view s) -> std::optional<ClaimKind> {
                    if (s == "numeric") return ClaimKind::numeric;
                    if (s == "comparative") return ClaimKind::comparative;
                    if (s == "qualitative") return ClaimKind::qualitative;
                    return std::nullopt;
                  },
                  "numeric (a number with a tolerance), comparative (a direction), qualitative (a mechanism)", "numeric")
                 .value_or(ClaimKind::numeric);
    c.combine = r.choice<Combine>(
                     "combine", [](std::string_view s) -> std::optional<Combine> {
                       if (s == "any") return Combine::any;
                       if (s == "all") return Combine::all;
                       return std::nullopt;
                     },
                     "any (holds if some test holds), all (holds if every test holds)",
                     c.kind == ClaimKind::qualitative ? "all" : "any")
                    .value_or(Combine::any);

    // quantity
    if (c.kind != ClaimKind::qualitative) {
      const auto q = r.text("quantity", true);
      if (q) {
        const auto it = std::find_if(std::begin(kQuantities), std::end(kQuantities),
                                     [&](const QuantityName& x) { return *q == x.name; });
        if (it == std::end(kQuantities)) {
          const auto names = quantity_names();
          const std::string guess = closest_match(*q, names);
          error(r.input().get("quantity"), r.key_path("quantity"),
                (guess.empty() ? std::string("must be one of: ") : "did you mean \"" + guess + "\"? allowed: ") + join(names));
        } else {
          c.quantity = *q;
          c.value_kind = it->kind;
        }
      }
    } else {
      r.reject("quantity", "a qualitative claim has no quantity of its own: each check says what it computes");
    }

    // claimed value, comparison, tolerance
    if (c.kind == ClaimKind::numeric) {
      const toml::node* v = r.input().get("claimed");
      r.accept("claimed");
      if (!v) {
        error(&r.input(), r.key_path("claimed"), "missing required key: the number the claim states, with its unit");
      } else if (!c.quantity.empty()) {
        const auto s = v->value_exact<std::string>();
        const ParsedQuantity q = s ? parse_value(*s, c.value_kind)
                                 : v->is_number() && c.value_kind == ValueKind::ratio
                                     ? ParsedQuantity{v->value<double>(), ""}
                                     : ParsedQuantity{std::nullopt, "must be a " + std::string(to_string(c.value_kind)) +
                                                                        " written as a string with its unit"};
        if (!q.value) error(v, r.key_path("claimed"), q.error + " (quantity " + c.quantity + ")");
        else if (!(*q.value > 0.0)) error(v, r.key_path("claimed"), "must be positive");
        else {
          c.claimed = q.value;
          c.claimed_text = s ? *s : node_text(*v);
        }
      }
      c.comparison = r.choice<Comparison>(
                          "comparison", [](std::string_view s) -> std::optional<Comparison> {
                            if (s == "approx") return Comparison::approx;
                            if (s == "at_least") return Comparison::at_least;
                            if (s == "at_most") return Comparison::at_most;
                            return std::nullopt;
                          },
                          "approx, at_least, at_most", "approx")
                         .value_or(Comparison::approx);
      c.tolerance = r.number_or("tolerance", Rule::between(0.0, 10.0), 0.0).value_or(0.0);
      if (c.comparison == Comparison::approx && c.tolerance >= 1.0 && r.has("tolerance"))
        error(r.input().get("tolerance"), r.key_path("tolerance"), "must be below 1 with comparison = \"approx\" (a relative tolerance)");
    } else if (c.kind == ClaimKind::comparative) {
      r.reject("claimed", "a comparative claim states a direction only (comparison = \"less\" or \"greater\")");
      r.reject("tolerance", "a comparative claim is judged by direction only");
      c.comparison = r.choice<Comparison>(
                          "comparison", [](std::string_view s) -> std::optional<Comparison> {
                            if (s == "less") return Comparison::less;
                            if (s == "greater") return Comparison::greater;
                            return std::nullopt;
                          },
                          "less (numerator < denominator), greater (numerator > denominator)", std::nullopt)
                         .value_or(Comparison::less);
    } else {
      for (const char* k : {"claimed", "comparison", "tolerance"})
        r.reject(k, "a qualitative claim is judged by its checks ([[claim.test]] with threshold and comparison) or not at all (reason)");
    }

    auto tests = r.table_array("test", false);
    for (auto& t : tests)
      if (auto x = test(t, c, false)) c.tests.push_back(std::move(*x));
    auto ctxs = r.table_array("context", false);
    for (auto& t : ctxs)
      if (auto x = test(t, c, true)) c.context.push_back(std::move(*x));

    if (c.kind == ClaimKind::qualitative) {
      c.reason = r.text_or("reason", "").value_or("");
      if (tests.empty() && c.reason.empty())
        error(&r.input(), r.key_path("reason"),
              "a qualitative claim needs checks ([[claim.test]]) or a reason why phylane cannot test it");
      if (!tests.empty() && !c.reason.empty())
        error(r.input().get("reason"), r.key_path("reason"), "give checks or a reason, not both");
    } else {
      r.reject("reason", "only qualitative claims may be left untested with a reason");
      if (tests.empty()) error(&r.input(), r.key_path("test"), "missing: at least one [[claim.test]] saying what phylane computes");
    }
    r.finish();
    return c;
  }
};

}  // namespace

ValueKind ClaimTest::kind() const {
  if (numerator) return ValueKind::ratio;
  return measure ? measure->kind : ValueKind::ratio;
}

ClaimSet load_claims_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir) {
  Context ctx;
  ctx.file = name;
  ctx.base_dir = base_dir;
  const toml::table in = detail::parse_toml(text, name);
  ClaimSet set;
  set.source = name;
  set.text = std::string(text);
  toml::table out;
  TableReader root(ctx, in, out, "");
  set.origin = root.text("source", true).value_or("");
  set.title = root.text_or("title", "").value_or("");
  root.accept("description");
  Loader ld{ctx, {}, {}};
  std::set<std::string> ids;
  auto claims = root.table_array("claim", true);
  if (root.has("claim") && claims.empty() && ctx.ok())
    ctx.error(in.get("claim"), "claim", "", "needs at least one [[claim]]");
  for (auto& c : claims) set.claims.push_back(ld.claim(c, ids));
  root.finish();
  ctx.throw_if_errors();
  return set;
}

ClaimSet load_claims(const std::filesystem::path& file) {
  return load_claims_text(detail::read_input_file(file, "claim file"), file.string(), detail::folder_of(file));
}

std::vector<std::string> claim_set_names() {
  return embedded_toml_names("claims");
}

std::string default_claim_set_name() { return "photonic-vs-pcie"; }

ClaimSet load_embedded_claims(std::string_view name) {
  std::string n(name);
  if (n.rfind("claims/", 0) == 0) n = n.substr(7);
  if (n.size() > 5 && n.substr(n.size() - 5) == ".toml") n = n.substr(0, n.size() - 5);
  const auto text = embedded_file("claims/" + n + ".toml");
  if (!text) {
    const auto names = claim_set_names();
    const std::string guess = closest_match(n, names);
    throw InputError("unknown claim file \"" + std::string(name) + "\"" +
                     (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") + " (embedded: " + join(names) + ")");
  }
  return load_claims_text(*text, "claims:" + n, std::filesystem::current_path());
}

// ---- names and display --------------------------------------------------------------------------

std::string_view to_string(ValueKind k) {
  switch (k) {
    case ValueKind::rate: return "data rate";
    case ValueKind::ratio: return "ratio";
    case ValueKind::time: return "time";
    case ValueKind::length: return "length";
    case ValueKind::frequency: return "frequency";
    case ValueKind::loss: return "loss";
    case ValueKind::loss_per_length: return "loss per length";
    case ValueKind::delay_per_length: return "delay per length";
    case ValueKind::energy: return "energy";
    case ValueKind::power: return "power";
  }
  return "?";
}

std::string_view si_unit(ValueKind k) {
  switch (k) {
    case ValueKind::rate: return "b/s";
    case ValueKind::ratio: return "1";
    case ValueKind::time: return "s";
    case ValueKind::length: return "m";
    case ValueKind::frequency: return "Hz";
    case ValueKind::loss: return "dB";
    case ValueKind::loss_per_length: return "dB/m";
    case ValueKind::delay_per_length: return "s/m";
    case ValueKind::energy: return "J";
    case ValueKind::power: return "W";
  }
  return "1";
}

std::string_view to_string(ClaimKind k) {
  switch (k) {
    case ClaimKind::numeric: return "numeric";
    case ClaimKind::comparative: return "comparative";
    case ClaimKind::qualitative: return "qualitative";
  }
  return "?";
}
std::string_view to_string(Comparison c) {
  switch (c) {
    case Comparison::approx: return "approx";
    case Comparison::at_least: return "at_least";
    case Comparison::at_most: return "at_most";
    case Comparison::less: return "less";
    case Comparison::greater: return "greater";
  }
  return "?";
}
std::string_view to_string(Combine c) { return c == Combine::any ? "any" : "all"; }
std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::holds: return "holds";
    case Verdict::does_not_hold: return "does not hold";
    case Verdict::cannot_tell: return "cannot tell";
  }
  return "?";
}

namespace {
/// v / scale with 3-4 significant digits and the unit.
std::string scaled(double v, double scale, std::string_view unit) {
  const double x = v / scale;
  const double ax = std::abs(x);
  std::string s = ax >= 100 ? fmt::format("{:.4g}", x) : ax >= 1 ? fmt::format("{:.4g}", x) : fmt::format("{:.3g}", x);
  return unit.empty() ? s : s + " " + std::string(unit);
}
struct Prefix {
  double scale;
  const char* unit;
};
std::string pick(double v, std::initializer_list<Prefix> ps) {
  const double a = std::abs(v);
  const Prefix* chosen = ps.begin();
  for (const auto& p : ps)
    if (a >= p.scale * 0.9995) chosen = &p;
  return scaled(v, chosen->scale, chosen->unit);
}
}  // namespace

std::string display_value(double v, ValueKind k) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : "-inf";
  switch (k) {
    case ValueKind::rate: return pick(v, {{1.0, "b/s"}, {1e3, "kb/s"}, {1e6, "Mb/s"}, {1e9, "Gb/s"}, {1e12, "Tb/s"}});
    case ValueKind::ratio:
      if (std::abs(v) >= 1e4 && std::abs(v) < 1e5) return fmt::format("{:.0f}", v);
      return std::abs(v) >= 1e5 || (v != 0 && std::abs(v) < 1e-3) ? fmt::format("{:.3g}", v) : scaled(v, 1.0, "");
    case ValueKind::time:
      return pick(v, {{1e-15, "fs"}, {1e-12, "ps"}, {1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1.0, "s"}, {3600.0, "h"}});
    case ValueKind::length: {
      const std::string m = pick(v, {{1e-6, "um"}, {1e-3, "mm"}, {1e-2, "cm"}, {1.0, "m"}, {1e3, "km"}});
      // Board lengths are quoted in inches as well.
      return std::abs(v) >= 1e-3 && std::abs(v) < 2.0 ? m + fmt::format(" ({:.3g} in)", v / 0.0254) : m;
    }
    case ValueKind::frequency: return pick(v, {{1.0, "Hz"}, {1e3, "kHz"}, {1e6, "MHz"}, {1e9, "GHz"}, {1e12, "THz"}});
    case ValueKind::loss: return scaled(v, 1.0, "dB");
    case ValueKind::loss_per_length: return std::abs(v) < 0.1 ? scaled(v, 1e-3, "dB/km") : scaled(v, 1.0, "dB/m");
    case ValueKind::delay_per_length: return scaled(v, 1e-9, "ns/m");
    case ValueKind::energy: return pick(v, {{1e-18, "aJ"}, {1e-15, "fJ"}, {1e-12, "pJ"}, {1e-9, "nJ"}, {1e-6, "uJ"}, {1.0, "J"}});
    case ValueKind::power: return pick(v, {{1e-9, "nW"}, {1e-6, "uW"}, {1e-3, "mW"}, {1.0, "W"}});
  }
  return fmt::format("{:g}", v);
}

std::string display(const Computed& c) {
  if (c.exact()) return display_value(c.value, c.kind);
  if (c.lower_bound()) return ">= " + display_value(c.lo, c.kind);
  if (c.lo == 0.0) return "<= " + display_value(c.hi, c.kind);
  return display_value(c.lo, c.kind) + " ... " + display_value(c.hi, c.kind);
}

int ClaimsReport::count(Verdict v) const {
  return static_cast<int>(std::count_if(claims.begin(), claims.end(), [v](const ClaimResult& c) { return c.verdict == v; }));
}

// ---- evaluation ---------------------------------------------------------------------------------

namespace {

/// An outcome of a costly computation shared by all claims: the result or why it failed.
template <class T>
struct Slot {
  std::optional<T> result;
  std::string error;
};

std::string config_title(const Config& c) { return c.source + (c.title.empty() ? "" : " (" + c.title + ")"); }

std::string modulation_name(int levels) { return levels == 2 ? "NRZ" : fmt::format("PAM{}", levels); }


std::string criterion_text(const Config& cfg, int levels) {
  std::string t = fmt::format("BER {:g}", cfg.signalling->spec.target_ber);
  if (cfg.signalling->required_margin_db > 0) t += fmt::format(", margin >= {:g} dB", cfg.signalling->required_margin_db);
  const double eh = cfg.signalling->min_eye_height_for(levels), ew = cfg.signalling->min_eye_width_for(levels);
  if (eh > 0 || ew > 0) t += fmt::format(", eye mask {:g} mV x {:g} UI", eh * 1e3, ew);
  return t;
}

class Evaluator {
 public:
  explicit Evaluator(const ClaimSet& set) : set_(set) {}

  /// Runs every costly computation the claims need, on up to `threads` threads.
  void prefetch(int threads) {
    std::vector<const Measure*> all;
    std::function<void(const std::shared_ptr<const Measure>&)> add = [&](const std::shared_ptr<const Measure>& m) {
      if (!m) return;
      all.push_back(m.get());
      for (const auto& p : m->parts) add(p);
    };
    for (const auto& c : set_.claims)
      for (const auto* list : {&c.tests, &c.context})
        for (const auto& t : *list) {
          add(t.measure);
          add(t.numerator);
          add(t.denominator);
        }
    // Systems first: a system's searched link can stand for a max-rate measure of the same channel.
    for (const Measure* m : all)
      if (m->system) {
        systems_.try_emplace(m->system_key);
        system_specs_[m->system_key] = m->system.get();
      }
    for (const Measure* m : all) {
      const bool needs_rate = m->name == "max_rate" || (m->name == "energy_per_bit" && m->config && m->number == 0.0);
      if (!needs_rate) continue;
      const double top = m->name == "max_rate" ? m->number : kSearchMaxBps;
      const std::string key = rate_key(m->config_key, top);
      if (rates_.count(key) || shared_.count(key)) continue;
      if (top == kSearchMaxBps)
        if (auto s = system_link_for(m->config->source)) {
          shared_[key] = *s;
          continue;
        }
      rates_.try_emplace(key);
      rate_configs_[key] = {m->config.get(), top};
    }
    for (const Measure* m : all)
      if (m->name == "reach") {
        const std::string key = reach_key(*m);
        if (reaches_.try_emplace(key).second) reach_measures_[key] = m;
      }

    std::vector<std::function<void()>> jobs;
    for (auto& [key, slot] : rates_) {
      auto* s = &slot;
      const auto [cfg, top] = rate_configs_[key];
      jobs.push_back([s, cfg = cfg, top = top] {
        try {
          workflows::MaxRateRequest rq;
          rq.levels = {2, 4};
          rq.min_rate = channels::LineRate{kSearchMinBps, channels::RateUnit::bit};
          rq.max_rate = channels::LineRate{top, channels::RateUnit::bit};
          s->result = workflows::max_rate(*cfg, rq).result;
        } catch (const std::exception& e) {
          s->error = e.what();
        }
      });
    }
    for (auto& [key, slot] : systems_) {
      auto* s = &slot;
      const System* sys = system_specs_[key];
      jobs.push_back([s, sys] {
        try {
          s->result = workflows::evaluate_system(*sys);
        } catch (const std::exception& e) {
          s->error = e.what();
        }
      });
    }
    for (auto& [key, slot] : reaches_) {
      auto* s = &slot;
      const Measure* m = reach_measures_[key];
      jobs.push_back([s, m] {
        try {
          s->result = run_reach(*m);
        } catch (const std::exception& e) {
          s->error = e.what();
        }
      });
    }
    solvers::ParallelOptions po;
    po.workers = threads;
    solvers::parallel_for(jobs.size(), [&](std::size_t i, int) { jobs[i](); }, po);
  }

  /// The value of a measure and the assumptions behind it; throws std::runtime_error with the
  /// reason when it cannot be computed.
  Computed eval(const Measure& m, std::vector<std::string>& why) {
    const std::string& n = m.name;
    if (n == "standard") return standard_figure(m, why);
    if (n == "lane_rate") return lane_rate(m, why);
    if (n == "max_rate") return max_rate(m, why);
    if (n == "reach") return reach(m, why);
    if (n == "insertion_loss") return insertion_loss(m, why);
    if (n == "loss_per_length") return loss_per_length(*m.config, m, why);
    if (n == "resistive_share") return resistive_share(m, why);
    if (n == "delay_per_length") return delay_per_length(m, why);
    if (n == "flight_time") return flight_time(m, why);
    if (n == "fixed_loss") return fixed_loss(*m.config, why);
    if (n == "loss_crossover") return loss_crossover(m, why);
    if (n == "link_bandwidth" || n == "collective_time" || n == "step_speedup" || n == "step_speedup_bound" ||
        (n == "energy_per_bit" && m.system))
      return system_measure(m, why);
    if (n == "energy_per_bit") return optical_energy(m, why);
    if (n == "channel_heat_per_bit") return channel_heat(m, why);
    if (n == "transfer_time") return transfer_time(m, why);
    if (n == "value") {
      why.push_back(fmt::format("reference value {} ({}), as cited in the claim file", m.params.at("value"), m.params.at("source")));
      return Computed::exactly(m.number, m.kind);
    }
    throw std::runtime_error("unknown measure " + n);
  }

 private:
  static std::string rate_key(const std::string& cfg, double top) { return cfg + "|" + fmt::format("{:g}", top); }
  static std::string reach_key(const Measure& m) {
    return m.config_key + "|" + m.params.at("element") + "|" + fmt::format("{:g}", m.number) + "|" + std::to_string(m.integer);
  }

  struct SharedLink {
    std::string system_key;
    std::size_t link = 0;
  };
  std::optional<SharedLink> system_link_for(const std::string& config_source) const {
    for (const auto& [key, sys] : system_specs_)
      for (std::size_t i = 0; i < sys->links.size(); ++i) {
        const auto& l = sys->links[i];
        auto mods = l.modulations;
        std::sort(mods.begin(), mods.end());
        if (!l.lane_rate_bps && l.channel && l.channel->source == config_source && mods == std::vector<int>{2, 4})
          return SharedLink{key, i};
      }
    return std::nullopt;
  }

  static solvers::ReachResult run_reach(const Measure& m) {
    const Config& cfg = *m.config;
    const int lv = m.integer;
    const double baud = m.number / std::log2(static_cast<double>(lv));
    const workflows::Stretch st = workflows::stretchable(cfg, m.params.at("element"), 4.0 * baud);
    solvers::ReachOptions opt;
    opt.min_length_m = st.base_length_m / 100.0;
    opt.max_length_m = st.base_length_m * 100.0;
    opt.required_margin_db = cfg.signalling->required_margin_db;
    opt.min_eye_height_v = cfg.signalling->min_eye_height_for(lv);
    opt.min_eye_width_ui = cfg.signalling->min_eye_width_for(lv);
    auto eye_at = [&cfg, &st, baud, lv](double len) {
      auto s = cfg.signalling->at(baud, lv);
      s.samples_per_ui = 16;
      s.refine_candidates = 1;
      const workflows::Stretched x = st.at(len);
      if (x.link) solvers::set_optical_levels(*x.link, s);
      return solvers::analyze_eye(x.h, s);
    };
    return solvers::find_max_reach(eye_at, opt);
  }

  const workflows::SystemResult& system_result(const std::string& key) {
    const auto& s = systems_.at(key);
    if (!s.result) throw std::runtime_error("system " + key + " could not be evaluated: " + s.error);
    return *s.result;
  }

  // The max-rate search result for a config (its own search or a system link's).
  std::pair<const solvers::MaxRateResult*, std::string> rate_result(const Measure& m, double top) {
    const std::string key = rate_key(m.config_key, top);
    if (auto it = shared_.find(key); it != shared_.end()) {
      const workflows::SystemResult& r = system_result(it->second.system_key);
      const auto& l = r.links[it->second.link];
      if (!l.search) throw std::runtime_error("the system link " + l.name + " has no search result");
      return {&*l.search, "shared with link " + l.name + " of " + r.source};
    }
    const auto& s = rates_.at(key);
    if (!s.result) throw std::runtime_error("max-rate search of " + m.config_key + " failed: " + s.error);
    return {&*s.result, ""};
  }

  Computed standard_figure(const Measure& m, std::vector<std::string>& why) {
    const StandardTable* st = standards().find(m.params.at("standard"));
    const std::string& fig = m.params.at("figure");
    why.push_back(fmt::format("{} [{}] {} = {} ({})", st->file, st->id, fig, node_text(*standard_node(*st, fig)), st->name));
    return Computed::exactly(m.number, m.kind);
  }

  Computed lane_rate(const Measure& m, std::vector<std::string>& why) {
    const StandardTable* st = standards().find(m.params.at("standard"));
    const toml::table& t = *st->table;
    double line = 0.0;
    if (const toml::node* r = t.get("rate")) {
      line = parse_value(r->value_or(std::string()), ValueKind::rate).value.value_or(0.0);
      const std::string mod = t.get("modulation") ? t.get("modulation")->value_or(std::string()) : std::string();
      // A transfer (GT/s) carries log2(M) bits: 1 for NRZ; PCIe 6.0's 64 GT/s is already in bits (PAM4 at 32 GBd).
      why.push_back(fmt::format("{} [{}] rate = {}{} ({})", st->file, st->id, node_text(*r),
                                mod.empty() ? "" : ", modulation " + mod, st->name));
    } else {
      const std::string mod = t.get("modulation")->value_or(std::string());
      const double baud = parse_value(t.get("symbol_rate")->value_or(std::string()), ValueKind::rate).value.value_or(0.0);
      const int bits = bits_per_symbol(mod);
      if (bits == 0) throw std::runtime_error("[" + st->id + "] modulation \"" + mod + "\" is not nrz, pam4 or pam8");
      line = baud * bits;
      why.push_back(fmt::format("{} [{}] symbol_rate = {} x {} bit/symbol ({}) ({})", st->file, st->id,
                                node_text(*t.get("symbol_rate")), bits, mod, st->name));
    }
    if (!(line > 0)) throw std::runtime_error("[" + st->id + "] has no usable rate");
    double v = line;
    if (m.params.at("basis") == "payload") {
      double eff = 0.0;
      std::string from;
      if (const toml::node* e = t.get("encoding_efficiency")) {
        eff = e->value<double>().value_or(0.0);
        from = fmt::format("encoding_efficiency = {}", node_text(*e));
        if (const toml::node* enc = t.get("encoding")) from += fmt::format(" ({})", node_text(*enc));
      } else {
        const auto enc = solvers::encoding(t.get("encoding")->value_or(std::string()));
        eff = enc->efficiency;
        from = fmt::format("encoding {} = {:.6g} ({})", enc->name, enc->efficiency, enc->source);
      }
      v *= eff;
      why.push_back("payload = line rate x " + from);
      if (const toml::node* stated = t.get("per_lane_data_rate"))
        why.push_back(fmt::format("the standard states per_lane_data_rate = {}", node_text(*stated)));
    }
    if (m.integer > 1) {
      v *= m.integer;
      why.push_back(fmt::format("x{} lanes, one direction", m.integer));
    } else {
      why.push_back("one lane, one direction");
    }
    return Computed::exactly(v, ValueKind::rate);
  }

  Computed max_rate(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    auto [r, shared] = rate_result(m, m.number);
    const std::string mod = m.params.at("modulation");
    std::string per;
    for (const auto& x : r->per_modulation)
      per += fmt::format("{}{} {}", per.empty() ? "" : ", ", modulation_name(x.levels),
                         x.found ? display_value(x.max_rate_bps, ValueKind::rate) + (x.capped ? " (top of the range)" : "")
                                 : std::string("none"));
    why.push_back(fmt::format("max per-lane rate of {} at its [signal] criterion ({}), Tx/Rx equalization searched; "
                              "search {:g} ... {:g} Gb/s to 1 %: {}{}",
                              config_title(cfg), criterion_text(cfg, cfg.signalling->spec.levels), kSearchMinBps / 1e9,
                              m.number / 1e9, per, shared.empty() ? "" : " (" + shared + ")"));
    bool found = false, capped = false;
    double v = 0.0;
    if (mod == "best") {
      found = r->found;
      v = r->max_rate_bps;
      for (const auto& x : r->per_modulation)
        if (x.levels == r->best_levels) capped = x.capped;
      if (found) why.push_back("best modulation: " + modulation_name(r->best_levels));
    } else {
      const int lv = mod == "nrz" ? 2 : 4;
      for (const auto& x : r->per_modulation)
        if (x.levels == lv) {
          found = x.found;
          capped = x.capped;
          v = x.max_rate_bps;
        }
    }
    if (!found) {
      why.push_back(fmt::format("no rate down to {:g} Gb/s meets the target", kSearchMinBps / 1e9));
      return Computed::at_most(kSearchMinBps, ValueKind::rate);
    }
    if (capped) {
      why.push_back("the top of the search range still meets the target: the maximum is at least that");
      return Computed::at_least(v, ValueKind::rate);
    }
    return Computed::exactly(v, ValueKind::rate);
  }

  Computed reach(const Measure& m, std::vector<std::string>& why) {
    const auto& s = reaches_.at(reach_key(m));
    if (!s.result) throw std::runtime_error("reach search failed: " + s.error);
    const auto& r = *s.result;
    const Config& cfg = *m.config;
    why.push_back(fmt::format("longest {} of {} meeting its [signal] criterion ({}) at {} {}, searched {} ... {}",
                              m.params.at("element_label"), config_title(cfg), criterion_text(cfg, m.integer),
                              display_value(m.number, ValueKind::rate), modulation_name(m.integer),
                              display_value(m.number2 / 100.0, ValueKind::length),
                              display_value(m.number2 * 100.0, ValueKind::length)));
    if (!r.found) {
      why.push_back("even the shortest length fails: " + r.reason);
      return Computed::at_most(m.number2 / 100.0, ValueKind::length);
    }
    if (r.capped) return Computed::at_least(r.max_length_m, ValueKind::length);
    return Computed::exactly(r.max_length_m, ValueKind::length);
  }

  static solvers::LossAnalysis loss_at(const Config& cfg, double f) {
    solvers::LossAnalysisOptions o;
    o.report_freqs_hz = {f};
    o.fmax_hz = f;
    o.points = 2;
    o.keep_line_points = false;
    return cfg.copper() ? solvers::analyze_loss(*cfg.copper(), o) : solvers::analyze_loss(*cfg.composed(), o);
  }

  Computed insertion_loss(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    if (cfg.optical()) {
      why.push_back(fmt::format("passive path loss of {} (couplers, waveguides, fiber, demux; laser and modulator excluded)",
                                config_title(cfg)));
      return Computed::exactly(cfg.optical()->path_loss_db(), ValueKind::loss);
    }
    const auto a = loss_at(cfg, m.number);
    why.push_back(fmt::format("insertion loss of {} at {} (phylane loss model, terminations as configured)", config_title(cfg),
                              display_value(m.number, ValueKind::frequency)));
    return Computed::exactly(a.at_report[0].total_db, ValueKind::loss);
  }

  static std::size_t pick_segment(const std::vector<solvers::SegmentSummary>& segs, const std::string& which,
                                  const std::string& source) {
    if (segs.empty()) throw std::runtime_error(source + " has no modelled trace segment");
    if (which.empty()) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < segs.size(); ++i)
        if (segs[i].length_m > segs[best].length_m) best = i;
      return best;
    }
    for (std::size_t i = 0; i < segs.size(); ++i)
      if (segs[i].name == which || std::to_string(i + 1) == which) return i;
    std::vector<std::string> names;
    for (const auto& s : segs) names.push_back(s.name);
    throw std::runtime_error("segment \"" + which + "\" is not a trace segment of " + source + " (" + join(names) + ")");
  }

  Computed loss_per_length(const Config& cfg, const Measure& m, std::vector<std::string>& why) {
    if (cfg.optical()) {
      for (const auto& e : cfg.optical()->path())
        if (e.kind == "fiber" && (m.params.at("segment").empty() || e.name == m.params.at("segment"))) {
          why.push_back(fmt::format("attenuation of the fiber \"{}\" of {}", e.name, config_title(cfg)));
          return Computed::exactly(e.loss_db_per_m, ValueKind::loss_per_length);
        }
      throw std::runtime_error(cfg.source + " has no fiber" + (m.params.at("segment").empty() ? "" : " named " + m.params.at("segment")));
    }
    const auto a = loss_at(cfg, m.number);
    const std::size_t i = pick_segment(a.segments, m.params.at("segment"), cfg.source);
    const auto& s = a.segments[i];
    why.push_back(fmt::format("matched-line attenuation of segment \"{}\" of {} at {}: conductor {:.3g} + roughness {:.3g} + "
                              "dielectric {:.3g} dB/m",
                              s.name, config_title(cfg), display_value(m.number, ValueKind::frequency),
                              s.at[0].conductor_db_per_m, s.at[0].roughness_db_per_m, s.at[0].dielectric_db_per_m));
    return Computed::exactly(s.at[0].loss_db_per_m, ValueKind::loss_per_length);
  }

  Computed resistive_share(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    const auto a = loss_at(cfg, m.number);
    const auto& b = a.at_report[0];
    const double line = b.conductor_db + b.roughness_db + b.dielectric_db;
    if (!(line > 0)) throw std::runtime_error(cfg.source + " has no trace attenuation");
    why.push_back(fmt::format("attenuation of the traces of {} at {}: conductor {:.3g} dB + roughness {:.3g} dB (resistive) "
                              "+ dielectric {:.3g} dB; total insertion loss {:.3g} dB",
                              config_title(cfg), display_value(m.number, ValueKind::frequency), b.conductor_db,
                              b.roughness_db, b.dielectric_db, b.total_db));
    return Computed::exactly((b.conductor_db + b.roughness_db) / line, ValueKind::ratio);
  }

  Computed delay_per_length(const Measure& m, std::vector<std::string>& why) {
    if (!m.config) {
      const StandardTable* st = standards().find(m.params.at("standard"));
      why.push_back(fmt::format("group index {} = {:g} ({} [{}]); delay = n_g / c0, c0 = 299 792 458 m/s", m.params.at("figure"),
                                m.number, st->file, st->id));
      return Computed::exactly(m.number / phy::c0, ValueKind::delay_per_length);
    }
    const Config& cfg = *m.config;
    const auto a = loss_at(cfg, m.number);
    const std::size_t i = pick_segment(a.segments, m.params.at("segment"), cfg.source);
    why.push_back(fmt::format("phase delay beta/omega of segment \"{}\" of {} at {} (phylane line model)", a.segments[i].name,
                              config_title(cfg), display_value(m.number, ValueKind::frequency)));
    return Computed::exactly(a.segments[i].delay_s_per_m, ValueKind::delay_per_length);
  }

  /// Group index of standard single-mode fibre (data/standards/optical.toml [fiber_g652]).
  static double fiber_group_index(std::vector<std::string>& why) {
    const StandardTable* st = standards().find("fiber_g652");
    const toml::node* n = st ? st->table->get("group_index_1310") : nullptr;
    if (!n || !n->is_number()) throw std::runtime_error("data/standards has no [fiber_g652] group_index_1310");
    why.push_back(fmt::format("fiber group index {} ({} [fiber_g652] group_index_1310)", node_text(*n), st->file));
    return n->value<double>().value_or(1.0);
  }

  Computed flight_time(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    if (cfg.optical()) {
      double len = 0.0;
      for (const auto& e : cfg.optical()->path())
        if (e.kind == "fiber") len += e.length_m;
      const double ng = fiber_group_index(why);
      why.push_back(fmt::format("flight time of {}: {} of fiber x n_g / c0 (on-chip waveguides not counted)", config_title(cfg),
                                display_value(len, ValueKind::length)));
      return Computed::exactly(len * ng / phy::c0, ValueKind::time);
    }
    const double fmax = 4.0 * cfg.signalling->spec.symbol_rate_baud;
    const workflows::Stretch st = workflows::stretchable(cfg, "", fmax);
    const workflows::Stretched x = st.at(st.base_length_m);
    why.push_back(fmt::format("flight time of {}: median group delay of the channel over {} ... {}", config_title(cfg),
                              display_value(0.01 * fmax, ValueKind::frequency), display_value(0.25 * fmax, ValueKind::frequency)));
    return Computed::exactly(x.delay_s, ValueKind::time);
  }

  static Computed fixed_loss(const Config& cfg, std::vector<std::string>& why) {
    const auto& link = *cfg.optical();
    double fixed = link.modulator().insertion_loss_db;
    std::vector<std::string> parts{fmt::format("modulator {:.3g} dB", fixed)};
    for (const auto& e : link.path()) {
      const double f = e.loss_db - e.loss_db_per_m * e.length_m;
      fixed += f;
      if (f > 0) parts.push_back(fmt::format("{} {:.3g} dB", e.name.empty() ? e.kind : e.name, f));
    }
    why.push_back(fmt::format("loss of {} that does not grow with length: {}", config_title(cfg), join(parts, " + ")));
    return Computed::exactly(fixed, ValueKind::loss);
  }

  Computed loss_crossover(const Measure& m, std::vector<std::string>& why) {
    const Computed fixed = fixed_loss(*m.config, why);
    Measure cu = m;
    cu.config = m.config2;
    const Computed per_m = loss_per_length(*m.config2, cu, why);
    double fiber_per_m = 0.0;
    for (const auto& e : m.config->optical()->path())
      if (e.kind == "fiber") fiber_per_m = std::max(fiber_per_m, e.loss_db_per_m);
    if (!(per_m.value > fiber_per_m)) throw std::runtime_error("the copper route loses no more per metre than the fiber");
    why.push_back(fmt::format("crossover = fixed optical loss / (copper {} - fiber {})", display_value(per_m.value, ValueKind::loss_per_length),
                              display_value(fiber_per_m, ValueKind::loss_per_length)));
    return Computed::exactly(fixed.value / (per_m.value - fiber_per_m), ValueKind::length);
  }

  Computed system_measure(const Measure& m, std::vector<std::string>& why) {
    const workflows::SystemResult& r = system_result(m.system_key);
    const std::string& n = m.name;
    if (n == "step_speedup_bound") {
      const auto& base = r.links[r.baseline];
      const std::size_t k = point_index(r, static_cast<int>(m.number2));
      const auto& p = base.points[k];
      why.push_back(fmt::format("{} in {}: baseline {} step {} = compute {} + exposed communication {} ({:.3g} % of the step); "
                                "an infinitely fast link removes only the communication (Amdahl's law)",
                                collective(r), r.source, base.name, display_value(*p.step_time_s, ValueKind::time),
                                display_value(*r.workload.compute_time_s, ValueKind::time),
                                display_value(*p.step_time_s - *r.workload.compute_time_s, ValueKind::time),
                                *p.communication_fraction * 100.0));
      return Computed::exactly(*p.step_time_s / *r.workload.compute_time_s, ValueKind::ratio);
    }
    const auto& l = r.links[static_cast<std::size_t>(m.integer)];
    const std::string rate_how = l.rate_searched
                                     ? fmt::format("searched max {} {}", modulation_name(l.levels), display_value(l.lane_rate_bps, ValueKind::rate))
                                     : "given " + display_value(l.lane_rate_bps, ValueKind::rate);
    const std::string link_text = fmt::format("link {} of {}: {:g} lanes per direction x {} per lane ({}), {} efficiency {:.5g}",
                                              l.name, r.source, l.lanes_per_direction, display_value(l.lane_rate_bps, ValueKind::rate),
                                              rate_how, l.encoding, l.efficiency);
    if (n == "link_bandwidth") {
      const bool payload = m.params.at("basis") == "payload";
      double v = payload ? l.payload_bandwidth_bytes_per_s * 8.0 : l.line_rate_bps;
      v *= m.number;
      why.push_back(link_text);
      why.push_back(fmt::format("{} bandwidth, {}", payload ? "payload" : "line", m.number > 1 ? "both directions" : "one direction"));
      return Computed::exactly(v, ValueKind::rate);
    }
    if (n == "energy_per_bit") {
      why.push_back(fmt::format("energy per line bit of link {} as given in {} (with its citation there)", l.name, r.source));
      return Computed::exactly(*l.energy_per_bit_j, ValueKind::energy);
    }
    const std::size_t k = point_index(r, static_cast<int>(m.number2));
    const auto& p = l.points[k];
    why.push_back(link_text);
    if (n == "collective_time") {
      why.push_back(fmt::format("{} = {:g} GB per device on {} devices, per-hop latency {} (alpha-beta model)", collective(r),
                                r.message_bytes / 1e9, p.devices, display_value(l.alpha_s, ValueKind::time)));
      return Computed::exactly(p.time_s, ValueKind::time);
    }
    const auto& base = r.links[r.baseline];
    const auto& bp = base.points[k];
    why.push_back(fmt::format("{} on {} devices, compute {} per step, overlap {:g} %: step {} on {} vs {} on {}", collective(r),
                              p.devices, display_value(*r.workload.compute_time_s, ValueKind::time), r.workload.overlap * 100,
                              display_value(*bp.step_time_s, ValueKind::time), base.name,
                              display_value(*p.step_time_s, ValueKind::time), l.name));
    return Computed::exactly(*bp.step_time_s / *p.step_time_s, ValueKind::ratio);
  }

  static std::string collective(const workflows::SystemResult& r) {
    return fmt::format("{} {} of {:g} parameters x {:g} B", solvers::to_string(r.workload.algorithm),
                       solvers::to_string(r.workload.collective), r.workload.parameters, r.workload.bytes_per_parameter);
  }

  static std::size_t point_index(const workflows::SystemResult& r, int devices) {
    for (std::size_t k = 0; k < r.workload.devices.size(); ++k)
      if (r.workload.devices[k] == devices) return k;
    throw std::runtime_error(fmt::format("the workload has no point for {} devices", devices));
  }

  Computed optical_energy(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    const auto& link = *cfg.optical();
    Computed rate = Computed::exactly(m.number, ValueKind::rate);
    if (m.number == 0.0) {
      Measure mr = m;
      mr.name = "max_rate";
      mr.number = kSearchMaxBps;
      mr.params["modulation"] = "best";
      rate = max_rate(mr, why);
    } else if (m.number < 0.0) {
      rate = Computed::exactly(cfg.signalling->data_rate_bps, ValueKind::rate);
      why.push_back("at the config's [signal] rate " + display_value(rate.value, ValueKind::rate));
    }
    const double p = link.electrical_power_w();
    const double laser = link.laser().power_w / link.laser().wall_plug_efficiency;
    why.push_back(fmt::format("electrical power of {}: laser {} optical / {:g} wall-plug = {}, modulator driver {}, receiver {}; "
                              "total {} per wavelength (host SerDes, CDR beyond the receiver and FEC not included)",
                              config_title(cfg), display_value(link.laser().power_w, ValueKind::power),
                              link.laser().wall_plug_efficiency, display_value(laser, ValueKind::power),
                              display_value(link.modulator().driver_power_w, ValueKind::power),
                              display_value(link.receiver().power_w, ValueKind::power), display_value(p, ValueKind::power)));
    // energy = P / rate: a rate interval [lo, hi] gives [P / hi, P / lo].
    Computed e;
    e.kind = ValueKind::energy;
    e.value = p / rate.value;
    e.lo = rate.hi == kInf ? 0.0 : p / rate.hi;
    e.hi = rate.lo > 0 ? p / rate.lo : kInf;
    if (rate.exact()) e = Computed::exactly(e.value, ValueKind::energy);
    return e;
  }

  Computed channel_heat(const Measure& m, std::vector<std::string>& why) {
    const Config& cfg = *m.config;
    const double a = cfg.signalling->spec.tx_amplitude_v;
    const double z = cfg.copper() ? cfg.copper()->driver_ohm() : cfg.composed()->driver_ohm();
    const double rate = cfg.signalling->data_rate_bps;
    // A +-A binary (or PAM) waveform delivers at most A^2 / Z into the termination Z (Joule's law,
    // P = V^2 / R); the channel can turn at most all of it into heat.
    const double p = a * a / z;
    why.push_back(fmt::format("upper bound: all the launched signal power of {} becomes heat in the channel; "
                              "P <= A^2 / Z = ({:g} V)^2 / {:g} ohm = {} (Tx swing {:g} V p-p), at {}",
                              config_title(cfg), a, z, display_value(p, ValueKind::power), 2 * a,
                              display_value(rate, ValueKind::rate)));
    return Computed::at_most(p / rate, ValueKind::energy);
  }

  Computed transfer_time(const Measure& m, std::vector<std::string>& why) {
    const Computed rate = eval(*m.parts[0], why);
    const double bits = m.number * 8.0;
    const double lanes = static_cast<double>(m.integer);
    Computed t;
    t.kind = ValueKind::time;
    t.value = bits / (lanes * rate.value);
    t.lo = rate.hi == kInf ? 0.0 : bits / (lanes * rate.hi);
    t.hi = rate.lo > 0 ? bits / (lanes * rate.lo) : kInf;
    why.push_back(fmt::format("serialization of {:g} B = {:g} bit over {} lane{} at {} each: {}", m.number, bits, m.integer,
                              m.integer == 1 ? "" : "s", display(rate), display_value(t.value, ValueKind::time)));
    if (m.parts.size() > 1) {
      const Computed f = eval(*m.parts[1], why);
      t.value += f.value;
      t.lo += f.lo;
      t.hi += f.hi;
      why.push_back("plus the flight time " + display(f) + "; protocol overheads (headers, flow control, FEC latency) not modelled");
    } else {
      why.push_back("no flight time; protocol overheads not modelled");
    }
    return t;
  }

  const ClaimSet& set_;
  std::map<std::string, Slot<workflows::SystemResult>> systems_;
  std::map<std::string, const System*> system_specs_;
  std::map<std::string, Slot<solvers::MaxRateResult>> rates_;
  std::map<std::string, std::pair<const Config*, double>> rate_configs_;
  std::map<std::string, SharedLink> shared_;
  std::map<std::string, Slot<solvers::ReachResult>> reaches_;
  std::map<std::string, const Measure*> reach_measures_;
};

/// The accepted interval of a rule: [lo, hi], ends open where said.
struct Accept {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false;
};

Accept accept_set(Comparison c, double v, double tol) {
  Accept a;
  switch (c) {
    case Comparison::approx:
      a.lo = v - tol * std::abs(v);
      a.hi = v + tol * std::abs(v);
      break;
    case Comparison::at_least: a.lo = v - tol * std::abs(v); break;
    case Comparison::at_most: a.hi = v + tol * std::abs(v); break;
    case Comparison::less:
      a.hi = v;
      a.hi_open = true;
      break;
    case Comparison::greater:
      a.lo = v;
      a.lo_open = true;
      break;
  }
  return a;
}

/// holds: every value the computation allows is accepted; does not hold: none is.
Verdict judge(const Computed& c, const Accept& a) {
  const bool above_lo = c.lo > a.lo || (c.lo == a.lo && !a.lo_open);
  const bool below_hi = c.hi < a.hi || (c.hi == a.hi && !a.hi_open);
  if (above_lo && below_hi) return Verdict::holds;
  const bool all_below = c.hi < a.lo || (c.hi == a.lo && a.lo_open);
  const bool all_above = c.lo > a.hi || (c.lo == a.hi && a.hi_open);
  if (all_below || all_above) return Verdict::does_not_hold;
  return Verdict::cannot_tell;
}

std::string rule_text(Comparison c, double v, double tol, ValueKind k) {
  const Accept a = accept_set(c, v, tol);
  const std::string pct = tol > 0 ? fmt::format(" ({} {} {:g} %)", display_value(v, k), c == Comparison::at_most ? "+" : c == Comparison::at_least ? "-" : "+-", tol * 100) : "";
  switch (c) {
    case Comparison::approx: return fmt::format("{} ... {}{}", display_value(a.lo, k), display_value(a.hi, k), pct);
    case Comparison::at_least: return fmt::format(">= {}{}", display_value(a.lo, k), pct);
    case Comparison::at_most: return fmt::format("<= {}{}", display_value(a.hi, k), pct);
    case Comparison::less: return "< 1 (numerator less than denominator)";
    case Comparison::greater: return "> 1 (numerator greater than denominator)";
  }
  return "";
}

/// Distance of a value from an accepted interval, on a log scale where both are positive.
double distance(const Computed& c, const Accept& a) {
  auto d = [](double x, double y) {
    if (x > 0 && y > 0) return std::abs(std::log(x / y));
    return std::abs(x - y);
  };
  if (c.hi < a.lo) return d(c.hi, a.lo);
  if (c.lo > a.hi) return d(c.lo, a.hi);
  return 0.0;
}

TestResult run_test(Evaluator& ev, const ClaimTest& t, bool context) {
  TestResult r;
  r.label = t.label;
  r.context = context;
  try {
    if (t.measure) {
      r.value = ev.eval(*t.measure, r.assumptions);
    } else {
      std::vector<std::string> wn, wd;
      const Computed a = ev.eval(*t.numerator, wn);
      const Computed b = ev.eval(*t.denominator, wd);
      if (!(b.lo > 0.0) && !(b.value > 0.0)) throw std::runtime_error("the denominator is zero");
      r.numerator = a;
      r.denominator = b;
      // [a.lo, a.hi] / [b.lo, b.hi] for positive quantities.
      r.value.kind = ValueKind::ratio;
      r.value.value = a.value / b.value;
      r.value.lo = b.hi == kInf ? 0.0 : a.lo / b.hi;
      r.value.hi = b.lo > 0 ? a.hi / b.lo : kInf;
      if (a.exact() && b.exact()) r.value.lo = r.value.hi = r.value.value;
      for (auto& w : wn) r.assumptions.push_back("numerator: " + w);
      for (auto& w : wd) r.assumptions.push_back("denominator: " + w);
    }
    if (!std::isfinite(r.value.value)) throw std::runtime_error("the computed value is not finite");
    r.computed = true;
  } catch (const std::exception& e) {
    r.computed = false;
    r.error = e.what();
  }
  return r;
}

ClaimResult judge_claim(Evaluator& ev, const Claim& c) {
  ClaimResult out;
  out.id = c.id;
  out.text = c.text;
  out.where = c.where;
  out.quantity = c.quantity;
  out.note = c.note;
  out.reason = c.reason;
  out.kind = c.kind;
  out.claimed_text = c.claimed_text;
  if (c.claimed) out.claimed = Computed::exactly(*c.claimed, c.value_kind);
  out.comparison = c.comparison;
  out.tolerance = c.tolerance;
  out.combine = c.combine;

  std::vector<Accept> accepts;
  for (const auto& t : c.tests) {
    TestResult r = run_test(ev, t, false);
    Accept a;
    if (c.kind == ClaimKind::numeric) {
      a = accept_set(c.comparison, *c.claimed, c.tolerance);
      r.rule = rule_text(c.comparison, *c.claimed, c.tolerance, c.value_kind);
    } else if (c.kind == ClaimKind::comparative) {
      a = accept_set(c.comparison, 1.0, 0.0);
      r.rule = rule_text(c.comparison, 1.0, 0.0, ValueKind::ratio);
    } else {
      a = accept_set(t.comparison, *t.threshold, t.tolerance);
      r.rule = rule_text(t.comparison, *t.threshold, t.tolerance, t.kind());
      if (!t.why.empty()) r.assumptions.insert(r.assumptions.begin(), "check: " + t.why);
    }
    r.verdict = r.computed ? judge(r.value, a) : Verdict::cannot_tell;
    if (r.computed && r.verdict == Verdict::cannot_tell)
      r.error = "the computed range " + display(r.value) + " straddles the rule's limit";
    accepts.push_back(a);
    out.tests.push_back(std::move(r));
  }
  for (const auto& t : c.context) out.context.push_back(run_test(ev, t, true));

  const auto& ts = out.tests;
  auto first = [&](Verdict v) {
    for (std::size_t i = 0; i < ts.size(); ++i)
      if (ts[i].verdict == v) return i;
    return ts.size();
  };
  const std::size_t n_holds = static_cast<std::size_t>(std::count_if(ts.begin(), ts.end(), [](const TestResult& t) { return t.verdict == Verdict::holds; }));
  const std::size_t n_fails = static_cast<std::size_t>(std::count_if(ts.begin(), ts.end(), [](const TestResult& t) { return t.verdict == Verdict::does_not_hold; }));
  auto inconclusive = [&](std::size_t i) {
    return fmt::format("\"{}\" is inconclusive: {}", ts[i].label, ts[i].error);
  };
  if (ts.empty()) {
    out.verdict = Verdict::cannot_tell;
    out.explanation = "phylane cannot test this claim: " + c.reason;
  } else if (c.combine == Combine::any) {
    if (n_holds > 0) {
      out.verdict = Verdict::holds;
      out.decisive = first(Verdict::holds);
      out.explanation = fmt::format("\"{}\" gives {}, within {}", ts[out.decisive].label, display(ts[out.decisive].value), ts[out.decisive].rule);
    } else if (n_fails == ts.size()) {
      out.verdict = Verdict::does_not_hold;
      std::size_t best = 0;
      for (std::size_t i = 1; i < ts.size(); ++i)
        if (distance(ts[i].value, accepts[i]) < distance(ts[best].value, accepts[best])) best = i;
      out.decisive = best;
      out.explanation = fmt::format("{} outside {}; nearest: \"{}\" gives {}",
                                    ts.size() == 1   ? std::string("the computed value is")
                                    : ts.size() == 2 ? std::string("both readings are")
                                                     : fmt::format("all {} readings are", ts.size()),
                                    ts[best].rule, ts[best].label, display(ts[best].value));
      if (c.kind == ClaimKind::numeric && ts[best].value.exact())
        out.explanation += fmt::format(" ({:.3g} x the claimed value)", ts[best].value.value / *c.claimed);
    } else {
      out.verdict = Verdict::cannot_tell;
      out.decisive = first(Verdict::cannot_tell);
      out.explanation = "no reading holds and " + inconclusive(out.decisive);
    }
  } else {
    if (n_fails > 0) {
      out.verdict = Verdict::does_not_hold;
      out.decisive = first(Verdict::does_not_hold);
      out.explanation = fmt::format("\"{}\" gives {}, outside {}", ts[out.decisive].label, display(ts[out.decisive].value), ts[out.decisive].rule);
      if (n_holds > 0) out.explanation += fmt::format(" ({} of {} checks hold)", n_holds, ts.size());
    } else if (n_holds == ts.size()) {
      out.verdict = Verdict::holds;
      out.decisive = 0;
      out.explanation = ts.size() == 1 ? fmt::format("\"{}\" gives {}, within {}", ts[0].label, display(ts[0].value), ts[0].rule)
                                       : fmt::format("all {} checks hold", ts.size());
    } else {
      out.verdict = Verdict::cannot_tell;
      out.decisive = first(Verdict::cannot_tell);
      out.explanation = "no check fails and " + inconclusive(out.decisive);
    }
  }
  return out;
}

}  // namespace

ClaimsReport evaluate_claims(const ClaimSet& set, int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  ClaimsReport rep;
  rep.source = set.source;
  rep.title = set.title;
  rep.origin = set.origin;
  rep.text = set.text;
  Evaluator ev(set);
  ev.prefetch(std::max(1, threads));
  for (const auto& c : set.claims) rep.claims.push_back(judge_claim(ev, c));
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace phylane::io
