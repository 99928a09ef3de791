// Claim files (docs/claims.md): the grammar and its validation into the claim values of
// workflows/claims.hpp, and the figures of data/standards read as plain data for the evaluation.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "channels/modulation.hpp"
#include "io/claims.hpp"
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "io/quantity.hpp"
#include "io/study.hpp"
#include "io/system.hpp"
#include "solvers/throughput.hpp"
#include "workflows/rate.hpp"

namespace phylane::io {

using detail::Context;
using detail::node_text;
using detail::one_of;
using detail::one_of_names;
using detail::Rule;
using detail::TableReader;
using workflows::ChannelHeatMeasure;
using workflows::Claim;
using workflows::ClaimKind;
using workflows::ClaimTest;
using workflows::CollectiveTimeMeasure;
using workflows::Combine;
using workflows::Comparison;
using workflows::FixedLossMeasure;
using workflows::FlightTimeMeasure;
using workflows::GroupIndexDelayMeasure;
using workflows::InsertionLossMeasure;
using workflows::LaneRateMeasure;
using workflows::LineDelayMeasure;
using workflows::LinkBandwidthMeasure;
using workflows::LinkRef;
using workflows::LossCrossoverMeasure;
using workflows::LossPerLengthMeasure;
using workflows::MaxRateMeasure;
using workflows::StudyColumnMeasure;
using workflows::Measure;
using workflows::OpticalEnergyMeasure;
using workflows::ReachMeasure;
using workflows::ReferenceValue;
using workflows::ResistiveShareMeasure;
using workflows::StandardFigure;
using workflows::StandardLane;
using workflows::StandardMeasure;
using workflows::StepSpeedupBoundMeasure;
using workflows::StepSpeedupMeasure;
using workflows::SystemEnergyMeasure;
using workflows::SystemRef;
using workflows::TransferTimeMeasure;
using workflows::ValueKind;

namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : std::string()) + v[i];
  return out;
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
      // The one rate vocabulary (io::parse_rate): b/s and T/s are bit rates, so "64 GT/s" is 64 Gb/s
      // per lane; a symbol rate (Bd) is no data rate without its modulation.
      const ParsedRate pr = parse_rate(text);
      if (pr.rate && !pr.rate->is_symbol_rate()) return {pr.rate->bit_rate_bps(channels::Modulation::nrz), ""};
      if (pr.rate)
        return {std::nullopt, "is a symbol rate (Bd); a data rate needs its modulation: write it in b/s or T/s, e.g. \"64 GT/s\""};
      ParsedQuantity q{std::nullopt, pr.error};
      // Bytes per second, as standards quote throughput: 1 B = 8 b.
      const std::string t(trim(text));
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
      const std::string t(trim(text));
      const auto slash = t.rfind('/');
      const std::string allowed = "must be a time per length, e.g. \"4.89 ns/m\", \"163 ps/in\"";
      if (slash == std::string::npos) return {std::nullopt, allowed};
      const auto num = parse_quantity(t.substr(0, slash), Dimension::time);
      const auto den = parse_quantity("1 " + std::string(trim(std::string_view(t).substr(slash + 1))), Dimension::length);
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

/// A figure of a standard as plain data for the evaluation, or nullopt when it is not a single
/// number or quantity.
std::optional<StandardFigure> standard_figure(const StandardTable& st, std::string_view figure) {
  const toml::node* f = standard_node(st, figure);
  if (!f) return std::nullopt;
  const auto v = figure_value(*f);
  if (!v) return std::nullopt;
  StandardFigure out;
  out.file = st.file;
  out.id = st.id;
  out.name = st.name;
  out.figure = std::string(figure);
  out.text = node_text(*f);
  out.kind = v->first;
  out.value = v->second;
  return out;
}

/// What a standard's table says about one lane (rate, modulation, line coding), as plain data.
StandardLane standard_lane(const StandardTable& st) {
  const toml::table& t = *st.table;
  StandardLane out;
  out.id = st.id;
  const auto text_of = [&t](const char* key) {
    const toml::node* n = t.get(key);
    return n ? n->value_or(std::string()) : std::string();
  };
  const std::string mod_text = text_of("modulation");
  const auto mod = channels::parse_modulation(mod_text);
  if (const toml::node* r = t.get("rate")) {
    // A T/s figure is already a bit rate per lane: PCIe 6.0's 64 GT/s is 64 Gb/s (PAM4 at 32 GBd).
    const ParsedRate pr = parse_rate(r->value_or(std::string()));
    if (pr.rate && (!pr.rate->is_symbol_rate() || mod))
      out.line_rate_bps = pr.rate->bit_rate_bps(mod.value_or(channels::Modulation::nrz));
    out.line_rate_source = fmt::format("{} [{}] rate = {}{} ({})", st.file, st.id, node_text(*r),
                                       mod_text.empty() ? "" : ", modulation " + mod_text, st.name);
  } else if (t.get("symbol_rate") && t.get("modulation")) {
    if (!mod) {
      out.problem = "[" + st.id + "] modulation \"" + mod_text + "\" is not " + std::string(channels::allowed_modulations());
    } else {
      const ParsedRate pr = parse_rate(text_of("symbol_rate"));
      const int bits = channels::bits_per_symbol(*mod);
      // A symbol rate written in Bd: x log2(M) bits per symbol.
      if (pr.rate) out.line_rate_bps = pr.rate->value * bits;
      out.line_rate_source = fmt::format("{} [{}] symbol_rate = {} x {} bit/symbol ({}) ({})", st.file, st.id,
                                         node_text(*t.get("symbol_rate")), bits, mod_text, st.name);
    }
  } else {
    out.problem = "[" + st.id + "] has neither a rate nor a symbol_rate and modulation";
  }
  if (const toml::node* e = t.get("encoding_efficiency")) {
    out.efficiency = e->value<double>().value_or(0.0);
    out.efficiency_source = fmt::format("encoding_efficiency = {}", node_text(*e));
    if (const toml::node* enc = t.get("encoding")) out.efficiency_source += fmt::format(" ({})", node_text(*enc));
  } else if (const auto enc = solvers::encoding(text_of("encoding"))) {
    out.efficiency = enc->efficiency;
    out.efficiency_source = fmt::format("encoding {} = {:.6g} ({})", enc->name, enc->efficiency, enc->source);
  }
  if (const toml::node* stated = t.get("per_lane_data_rate")) out.stated_payload = node_text(*stated);
  return out;
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
    {"study", "a column of an interconnect study (phylane study): study, option, column, length, devices"},
    {"transfer_time", "time to move bytes: bytes, rate = {measure}, lanes, flight = {measure}"},
    {"value", "a cited reference value (context entries only): value, source"},
};

std::vector<std::string> measure_names() {
  std::vector<std::string> out;
  for (const auto& m : kMeasures) out.emplace_back(m.name);
  return out;
}

bool is_copper(const channels::Link& c) { return c.copper() != nullptr || c.composed() != nullptr; }

// ---- the loader -------------------------------------------------------------------------------

struct Loader {
  Context& ctx;
  std::map<std::string, std::shared_ptr<const Config>> configs;
  std::map<std::string, std::shared_ptr<const System>> systems;
  std::map<std::string, std::shared_ptr<const workflows::Study>> studies;

  // study = "default" (the embedded default study, data/studies/default.toml) or "FILE.toml".
  std::optional<std::pair<std::shared_ptr<const workflows::Study>, std::string>> read_study(TableReader& r) {
    const auto name = r.text("study", true);
    if (!name) return std::nullopt;
    const bool embedded = *name == "default";
    const std::string key = embedded ? "study:default" : (ctx.base_dir / *name).lexically_normal().string();
    if (auto it = studies.find(key); it != studies.end()) return std::make_pair(it->second, key);
    try {
      auto st = std::make_shared<const workflows::Study>(embedded ? default_study() : load_study(ctx.base_dir / *name));
      studies[key] = st;
      return std::make_pair(st, key);
    } catch (const std::exception& e) {
      error(r.input().get("study"), r.key_path("study"),
            std::string("\"default\" (the embedded default study) or a study file: ") + e.what());
    }
    return std::nullopt;
  }

  // A table as the position means "missing here": no value is shown.
  void error(const toml::node* n, const std::string& key, const std::string& message) {
    ctx.error(n, key, n && !n->is_table() ? node_text(*n) : std::string(), message);
  }

  // preset = "NAME" or config = "FILE.toml" (exactly one).
  std::optional<LinkRef> read_config(TableReader& r, std::string_view preset_key, std::string_view config_key) {
    const auto preset = r.text(preset_key, false);
    const auto file = r.text(config_key, false);
    if (preset.has_value() == file.has_value()) {
      error(&r.input(), r.key_path(preset_key),
            "give exactly one of " + std::string(preset_key) + " = \"NAME\" (an embedded preset, see `phylane presets`) or " +
                std::string(config_key) + " = \"FILE.toml\"");
      return std::nullopt;
    }
    const std::string key = preset ? "preset:" + *preset : (ctx.base_dir / *file).lexically_normal().string();
    if (auto it = configs.find(key); it != configs.end()) return LinkRef{it->second, key};
    const toml::node* n = r.input().get(preset ? preset_key : config_key);
    try {
      auto cfg = std::make_shared<const Config>(preset ? load_preset(*preset) : load_config(ctx.base_dir / *file));
      configs[key] = cfg;
      return LinkRef{cfg, key};
    } catch (const InputError& e) {
      error(n, r.key_path(preset ? preset_key : config_key), e.what());
    }
    return std::nullopt;
  }

  std::optional<SystemRef> read_system(TableReader& r) {
    const auto name = r.text("system", true);
    if (!name) return std::nullopt;
    const bool file = name->find('/') != std::string::npos || (name->size() > 5 && name->substr(name->size() - 5) == ".toml");
    const std::string key = file ? (ctx.base_dir / *name).lexically_normal().string() : "system:" + *name;
    if (auto it = systems.find(key); it != systems.end()) return SystemRef{it->second, key};
    try {
      auto s = std::make_shared<const System>(file ? load_system(ctx.base_dir / *name) : load_embedded_system(*name));
      systems[key] = s;
      return SystemRef{s, key};
    } catch (const InputError& e) {
      error(r.input().get("system"), r.key_path("system"), e.what());
    }
    return std::nullopt;
  }

  // link = "NAME" of the measure's system: its 0-based index.
  std::size_t read_link(TableReader& r, const std::optional<SystemRef>& sys, bool needs_energy) {
    const auto link = r.text("link", true);
    if (!link || !sys) return 0;
    std::vector<std::string> names;
    for (const auto& l : sys->system->links) names.push_back(l.name);
    const auto it = std::find(names.begin(), names.end(), *link);
    const toml::node* n = r.input().get("link");
    if (it == names.end()) {
      const std::string guess = closest_match(*link, names);
      error(n, r.key_path("link"),
            (guess.empty() ? std::string("no such link") : "no such link; did you mean \"" + guess + "\"?") + " (links of " +
                sys->system->source + ": " + join(names) + ")");
      return 0;
    }
    const auto i = static_cast<std::size_t>(it - names.begin());
    if (needs_energy && !sys->system->links[i].energy_per_bit_j)
      error(n, r.key_path("link"), "this link of " + sys->system->source + " gives no energy_per_bit");
    return i;
  }

  // devices = N, one of the system workload's device counts.
  int read_devices(TableReader& r, const std::optional<SystemRef>& sys) {
    const auto d = r.integer_or("devices", Rule::between(2, 1e6), 0);
    if (!r.has("devices")) {
      error(&r.input(), r.key_path("devices"), "missing required key (a device count of the system's workload)");
      return 0;
    }
    if (!d || !sys) return 0;
    const auto& devs = sys->system->workload.devices;
    if (std::find(devs.begin(), devs.end(), static_cast<int>(*d)) == devs.end()) {
      std::vector<std::string> list;
      for (int n : devs) list.push_back(std::to_string(n));
      error(r.input().get("devices"), r.key_path("devices"),
            "must be one of the workload's device counts in " + sys->system->source + ": " + join(list));
      return 0;
    }
    return static_cast<int>(*d);
  }

  const StandardTable* read_standard(TableReader& r, const char* key = "standard") {
    const auto id = r.text(key, true);
    if (!id) return nullptr;
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

  // figure = "KEY" of a standard table, as plain data.
  std::optional<StandardFigure> read_figure(TableReader& r, const StandardTable* st) {
    const auto fig = r.text("figure", true);
    if (!fig || !st) return std::nullopt;
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
    auto v = standard_figure(*st, *fig);
    if (!v)
      error(where, r.key_path("figure"),
            "[" + st->id + "] " + *fig + " = " + node_text(*f) +
                " is not a single number or quantity phylane can compare (lists and names are not)");
    return v;
  }

  // freq = "F"; default: the Nyquist frequency of the link's [signal] rate.
  std::optional<double> read_freq(TableReader& r, const channels::Link* cfg) {
    if (r.has("freq")) return r.quantity("freq", Dimension::frequency, Rule::positive(), false);
    r.accept("freq");
    if (cfg && cfg->signalling) return 0.5 * cfg->signalling->spec.symbol_rate_baud;
    if (cfg) error(&r.input(), r.key_path("freq"), "missing required key: the config has no [signal] rate to take the Nyquist frequency from");
    return std::nullopt;
  }

  void need(TableReader& r, const std::optional<LinkRef>& cfg, const char* key, bool ok, const std::string& what) {
    if (cfg && !ok) error(r.input().get(key) ? r.input().get(key) : &r.input(), r.key_path(key), what);
  }
  const char* cfg_key(TableReader& r) { return r.has("config") ? "config" : "preset"; }

  // A modulation key: `extra` (the default word, e.g. "best") or one of `allowed` (nullopt = extra).
  std::optional<std::optional<channels::Modulation>> read_modulation(TableReader& r, const std::string& extra,
                                                                     std::initializer_list<channels::Modulation> allowed,
                                                                     const std::string& what) {
    const auto m = r.choice<std::optional<channels::Modulation>>(
        "modulation",
        [&](std::string_view s) -> std::optional<std::optional<channels::Modulation>> {
          if (s == extra) return std::optional<channels::Modulation>();
          const auto p = channels::parse_modulation(s);
          if (p && std::find(allowed.begin(), allowed.end(), *p) != allowed.end()) return p;
          return std::nullopt;
        },
        what, extra);
    return m;
  }

  // The measure in the table `key` of r (nullptr when absent); an error when it is not a `kind`.
  std::shared_ptr<Measure> nested_measure(TableReader& r, const char* key, ValueKind kind, bool required, bool context) {
    auto t = r.table(key, required);
    if (!t) return nullptr;
    auto p = measure(*t, context);
    t->finish();
    if (p && p->kind != kind)
      error(r.input().get(key), r.key_path(key),
            "must be a measure of a " + std::string(to_string(kind)) + ", not " + std::string(to_string(p->kind)));
    return p;
  }

  std::shared_ptr<Measure> measure(TableReader& r, bool context) {
    auto m = std::make_shared<Measure>();
    const auto names = measure_names();
    const auto name = r.choice<std::string>("measure", one_of_names(names),
        join(names), std::nullopt);
    if (!name) return nullptr;
    m->name = *name;
    Measure& x = *m;
    const std::string& n = *name;
    using channels::Modulation;

    if (n == "standard") {
      const StandardTable* st = read_standard(r);
      StandardMeasure s;
      if (auto v = read_figure(r, st)) {
        x.kind = v->kind;
        s.figure = *v;
      }
      x.spec = s;
    } else if (n == "lane_rate") {
      x.kind = ValueKind::rate;
      const StandardTable* st = read_standard(r);
      LaneRateMeasure s;
      const auto basis = r.choice<std::string>(
          "basis", one_of_names({"line", "payload"}),
          "line (the signalling rate), payload (after the standard's line coding)", "line");
      s.payload = basis == std::optional<std::string>("payload");
      s.lanes = static_cast<int>(r.integer_or("lanes", Rule::between(1, 1024), 1).value_or(1));
      if (st) {
        s.standard = standard_lane(*st);
        const toml::node* rate = st->table->get("rate");
        const toml::node* sym = st->table->get("symbol_rate");
        const toml::node* mod = st->table->get("modulation");
        if (!rate && !(sym && mod))
          error(r.input().get("standard"), r.key_path("standard"),
                "[" + st->id + "] has neither a rate nor a symbol_rate and modulation");
        if (s.payload && !s.standard.efficiency)
          error(r.input().get("basis"), r.key_path("basis"),
                "[" + st->id + "] gives no encoding or encoding_efficiency; use basis = \"line\"");
      }
      x.spec = s;
    } else if (n == "max_rate" || n == "reach" || n == "insertion_loss" || n == "loss_per_length" ||
               n == "resistive_share" || n == "flight_time" || n == "fixed_loss" || n == "channel_heat_per_bit" ||
               (n == "delay_per_length" && !r.has("standard")) || (n == "energy_per_bit" && !r.has("system"))) {
      // On error, keep reading the other keys for their own errors.
      const std::optional<LinkRef> cfg = read_config(r, "preset", "config");
      const LinkRef link = cfg.value_or(LinkRef{});
      const char* ck = cfg_key(r);
      if (n == "max_rate") {
        x.kind = ValueKind::rate;
        need(r, cfg, ck, cfg && cfg->link->signalling.has_value(), "the link needs a [signal] section (target BER, Tx, Rx) for a rate search");
        MaxRateMeasure s;
        s.link = link;
        s.modulation = read_modulation(r, "best", {Modulation::nrz, Modulation::pam4}, "best (the better of NRZ and PAM4), nrz, pam4")
                           .value_or(std::nullopt);
        s.max_rate_bps = r.quantity_or("max", Dimension::data_rate, Rule::between(2e9, 1e12), "224 Gb/s").value_or(224e9);
        x.spec = s;
      } else if (n == "reach") {
        x.kind = ValueKind::length;
        need(r, cfg, ck, cfg && cfg->link->signalling.has_value(), "the link needs a [signal] section (target BER, Tx, Rx) for a reach search");
        ReachMeasure s;
        s.link = link;
        const auto rate = r.quantity("rate", Dimension::data_rate, Rule::positive(), true);
        if (rate) {
          const ParsedRate pr = parse_rate(r.input().get("rate")->value_or(std::string()));
          s.rate = pr.rate.value_or(channels::LineRate{*rate, channels::RateUnit::bit});
        }
        s.modulation = read_modulation(r, "config", {Modulation::nrz, Modulation::pam4, Modulation::pam8},
                                       "config (the config's [signal] modulation), nrz, pam4, pam8")
                           .value_or(std::nullopt);
        s.element = r.text_or("element", "").value_or("");
        if (cfg && cfg->link->signalling && rate) {
          workflows::ReachRequest rq;
          rq.rate = s.rate;
          rq.modulation = s.modulation;
          rq.element = s.element;
          try {
            workflows::check_reach(*cfg->link, rq);
          } catch (const std::invalid_argument& e) {
            error(r.input().get("element") ? r.input().get("element") : &r.input(), r.key_path("element"), e.what());
          }
        }
        x.spec = s;
      } else if (n == "insertion_loss" || n == "resistive_share" || n == "loss_per_length" || n == "delay_per_length") {
        x.kind = n == "insertion_loss"    ? ValueKind::loss
                 : n == "resistive_share" ? ValueKind::ratio
                 : n == "loss_per_length" ? ValueKind::loss_per_length
                                          : ValueKind::delay_per_length;
        if (n == "resistive_share" || n == "delay_per_length")
          need(r, cfg, ck, cfg && is_copper(*cfg->link), "needs a copper channel (modelled traces)");
        else
          need(r, cfg, ck, cfg && (is_copper(*cfg->link) || cfg->link->optical()), "needs a copper or optical channel");
        double freq = 0.0;
        if (cfg && (is_copper(*cfg->link) || n == "insertion_loss")) {
          if (auto f = read_freq(r, cfg->link.get())) freq = *f;
        } else {
          r.accept("freq");
        }
        std::string segment;
        if (n == "loss_per_length" || n == "delay_per_length") segment = r.text_or("segment", "").value_or("");
        if (n == "insertion_loss") x.spec = InsertionLossMeasure{link, freq};
        else if (n == "resistive_share") x.spec = ResistiveShareMeasure{link, freq};
        else if (n == "loss_per_length") x.spec = LossPerLengthMeasure{link, freq, segment};
        else x.spec = LineDelayMeasure{link, freq, segment};
      } else if (n == "flight_time") {
        x.kind = ValueKind::time;
        need(r, cfg, ck, cfg && (is_copper(*cfg->link) || cfg->link->optical()), "needs a copper or optical channel");
        need(r, cfg, ck, cfg && (cfg->link->optical() || cfg->link->signalling), "a copper channel needs a [signal] rate (the band of its group delay)");
        FlightTimeMeasure s;
        s.link = link;
        // Optical links: the group index of standard single-mode fibre (data/standards/optical.toml).
        if (cfg && cfg->link->optical())
          if (const StandardTable* g = standards().find("fiber_g652"))
            if (const toml::node* gi = g->table->get("group_index_1310"); gi && gi->is_number())
              s.fiber_group_index = standard_figure(*g, "group_index_1310");
        x.spec = s;
      } else if (n == "fixed_loss") {
        x.kind = ValueKind::loss;
        need(r, cfg, ck, cfg && cfg->link->optical() != nullptr, "needs an optical link");
        x.spec = FixedLossMeasure{link};
      } else if (n == "channel_heat_per_bit") {
        x.kind = ValueKind::energy;
        need(r, cfg, ck, cfg && is_copper(*cfg->link) && cfg->link->signalling, "needs a copper channel with a [signal] section (swing, rate)");
        x.spec = ChannelHeatMeasure{link};
      } else if (n == "energy_per_bit") {
        x.kind = ValueKind::energy;
        need(r, cfg, ck, cfg && cfg->link->optical() && cfg->link->signalling, "an energy model exists for optical links with a [signal] section; for copper give system + link");
        OpticalEnergyMeasure s;
        s.link = link;
        const auto rate = r.text_or("rate", "max").value_or("max");
        if (rate == "max") s.at = OpticalEnergyMeasure::At::max_rate;
        else if (rate == "signal") s.at = OpticalEnergyMeasure::At::signal_rate;
        else {
          s.at = OpticalEnergyMeasure::At::given_rate;
          const auto q = parse_quantity(rate, Dimension::data_rate);
          if (!q.value || !(*q.value > 0))
            error(r.input().get("rate"), r.key_path("rate"), "must be \"max\" (the link's max rate), \"signal\" (its [signal] rate) or a rate, e.g. \"32 Gb/s\"");
          else s.rate_bps = *q.value;
        }
        x.spec = s;
      }
    } else if (n == "delay_per_length") {
      x.kind = ValueKind::delay_per_length;
      const StandardTable* st = read_standard(r);
      GroupIndexDelayMeasure s;
      if (auto v = read_figure(r, st)) {
        if (v->kind != ValueKind::ratio || !(v->value >= 1.0))
          error(r.input().get("figure"), r.key_path("figure"), "must name a group index (a plain number >= 1)");
        s.group_index = *v;
      }
      x.spec = s;
    } else if (n == "loss_crossover") {
      x.kind = ValueKind::length;
      LossCrossoverMeasure s;
      const auto optical = read_config(r, "optical", "optical_config");
      const auto copper = read_config(r, "copper", "copper_config");
      need(r, optical, r.has("optical") ? "optical" : "optical_config", optical && optical->link->optical() != nullptr, "must be an optical link");
      need(r, copper, r.has("copper") ? "copper" : "copper_config", copper && is_copper(*copper->link), "must be a copper channel");
      if (copper && is_copper(*copper->link)) {
        if (auto f = read_freq(r, copper->link.get())) s.freq_hz = *f;
      } else {
        r.accept("freq");
      }
      s.optical = optical.value_or(LinkRef{});
      s.copper = copper.value_or(LinkRef{});
      s.segment = r.text_or("segment", "").value_or("");
      x.spec = s;
    } else if (n == "link_bandwidth" || n == "collective_time" || n == "step_speedup" || n == "step_speedup_bound" ||
               n == "energy_per_bit") {
      const std::optional<SystemRef> sys = read_system(r);
      const SystemRef sref = sys.value_or(SystemRef{});
      const std::size_t link = n != "step_speedup_bound" ? read_link(r, sys, n == "energy_per_bit") : 0;
      if (n == "link_bandwidth") {
        x.kind = ValueKind::rate;
        const auto basis = r.choice<std::string>(
            "basis", one_of_names({"line", "payload"}),
            "payload (after the link's encoding), line", "payload");
        const int directions = static_cast<int>(r.integer_or("directions", Rule::between(1, 2), 1).value_or(1));
        x.spec = LinkBandwidthMeasure{sref, link, basis.value_or("payload") == "payload", directions};
      } else if (n == "energy_per_bit") {
        x.kind = ValueKind::energy;
        x.spec = SystemEnergyMeasure{sref, link};
      } else {
        x.kind = n == "collective_time" ? ValueKind::time : ValueKind::ratio;
        const int devices = read_devices(r, sys);
        if (n != "collective_time" && sys && !sys->system->workload.compute_time_s)
          error(r.input().get("system"), r.key_path("system"),
                "the system's [workload] gives no compute_time, so it has no step time");
        if (n == "collective_time") x.spec = CollectiveTimeMeasure{sref, link, devices};
        else if (n == "step_speedup") x.spec = StepSpeedupMeasure{sref, link, devices};
        else x.spec = StepSpeedupBoundMeasure{sref, devices};
      }
    } else if (n == "study") {
      using Column = StudyColumnMeasure::Column;
      StudyColumnMeasure s;
      const auto st = read_study(r);
      const auto option = r.text("option", true);
      const auto column = r.choice<std::string>(
          "column", one_of_names({"max_rate", "energy_per_bit", "step_time", "sync_time", "phy_latency"}),
          "max_rate, energy_per_bit, step_time, sync_time, phy_latency", std::nullopt);
      const auto length = r.quantity("length", Dimension::length, Rule::positive(), true);
      const bool per_device = column == std::optional<std::string>("step_time") || column == std::optional<std::string>("sync_time");
      const std::int64_t devices = per_device ? r.integer_or("devices", Rule::between(2, 1e6), 0).value_or(0) : 0;
      if (per_device && !r.has("devices"))
        error(&r.input(), r.key_path("devices"), "missing required key (a device count of the study's workload)");
      if (column) {
        const std::map<std::string, std::pair<Column, ValueKind>> kinds = {
            {"max_rate", {Column::max_rate, ValueKind::rate}},       {"energy_per_bit", {Column::energy_per_bit, ValueKind::energy}},
            {"step_time", {Column::step_time, ValueKind::time}},     {"sync_time", {Column::sync_time, ValueKind::time}},
            {"phy_latency", {Column::phy_latency, ValueKind::time}}};
        s.column = kinds.at(*column).first;
        x.kind = kinds.at(*column).second;
      }
      if (st) {
        s.study = st->first;
        s.key = st->second;
        const workflows::Study& study = *s.study;
        std::vector<std::string> options;
        for (const auto& l : study.links) options.push_back(l.name);
        if (option) {
          const auto it = std::find(options.begin(), options.end(), *option);
          if (it == options.end())
            error(r.input().get("option"), r.key_path("option"), "is not an option of " + study.source + " (" + join(options) + ")");
          else
            s.link = static_cast<std::size_t>(it - options.begin());
        }
        if (length) {
          // One of the study's reach lengths (to 1e-6 relative): the study's own points.
          const auto it = std::find_if(study.reach_m.begin(), study.reach_m.end(),
                                       [&](double l) { return std::abs(l - *length) <= 1e-6 * l; });
          if (it == study.reach_m.end()) {
            std::vector<std::string> grid;
            for (double l : study.reach_m) grid.push_back(workflows::display_value(l, ValueKind::length));
            error(r.input().get("length"), r.key_path("length"), "must be one of the reach lengths of " + study.source + ": " + join(grid));
          } else {
            s.length_m = *it;
          }
        }
        if (per_device && devices > 0) {
          const auto& devs = study.workload.devices;
          if (std::find(devs.begin(), devs.end(), static_cast<int>(devices)) == devs.end()) {
            std::vector<std::string> list;
            for (int d : devs) list.push_back(std::to_string(d));
            error(r.input().get("devices"), r.key_path("devices"), "must be one of the workload's device counts in " + study.source + ": " + join(list));
          }
          s.devices = static_cast<int>(devices);
        }
        if (column == std::optional<std::string>("step_time") && !study.workload.compute_time_s)
          error(r.input().get("column"), r.key_path("column"), "the study's [workload] gives no compute_time, so it has no step time");
      }
      x.spec = s;
    } else if (n == "transfer_time") {
      x.kind = ValueKind::time;
      TransferTimeMeasure s;
      s.bytes = r.number("bytes", Rule::positive(), true).value_or(0.0);
      s.lanes = static_cast<int>(r.integer_or("lanes", Rule::between(1, 1024), 1).value_or(1));
      s.rate = nested_measure(r, "rate", ValueKind::rate, true, context);
      s.flight = nested_measure(r, "flight", ValueKind::time, false, context);
      x.spec = s;
    } else if (n == "value") {
      if (!context)
        error(r.input().get("measure"), r.key_path("measure"),
              "a literal value cannot decide a verdict; use it in [[claim.context]] only (tests are computed by phylane)");
      ReferenceValue s;
      const auto v = r.text("value", true);
      const auto src = r.text("source", true);
      if (v) {
        s.text = *v;
        if (auto iv = infer_value(*v)) {
          x.kind = iv->first;
          s.value = iv->second;
        } else {
          error(r.input().get("value"), r.key_path("value"), "must be a number with a unit (e.g. \"56 kb/s\") or a plain number");
        }
      }
      if (src) s.source = *src;
      x.spec = s;
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
          "comparison", one_of({Comparison::approx, Comparison::at_least, Comparison::at_most}),
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
    c.kind = r.choice<ClaimKind>("kind", one_of({ClaimKind::numeric, ClaimKind::comparative, ClaimKind::qualitative}),
                                 "numeric (a number with a tolerance), comparative (a direction), qualitative (a mechanism)",
                                 "numeric")
                 .value_or(ClaimKind::numeric);
    c.combine = r.choice<Combine>("combine", one_of({Combine::any, Combine::all}),
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
      c.comparison = r.choice<Comparison>("comparison",
                                          one_of({Comparison::approx, Comparison::at_least, Comparison::at_most}),
                                          "approx, at_least, at_most", "approx")
                         .value_or(Comparison::approx);
      c.tolerance = r.number_or("tolerance", Rule::between(0.0, 10.0), 0.0).value_or(0.0);
      if (c.comparison == Comparison::approx && c.tolerance >= 1.0 && r.has("tolerance"))
        error(r.input().get("tolerance"), r.key_path("tolerance"), "must be below 1 with comparison = \"approx\" (a relative tolerance)");
    } else if (c.kind == ClaimKind::comparative) {
      r.reject("claimed", "a comparative claim states a direction only (comparison = \"less\" or \"greater\")");
      r.reject("tolerance", "a comparative claim is judged by direction only");
      c.comparison = r.choice<Comparison>("comparison", one_of({Comparison::less, Comparison::greater}),
                                          "less (numerator < denominator), greater (numerator > denominator)",
                                          std::nullopt)
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

ClaimSet load_claims_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir) {
  Context ctx{name, base_dir};
  const toml::table in = detail::parse_toml(text, name);
  ClaimSet set;
  set.source = name;
  set.text = std::string(text);
  toml::table out;
  TableReader root(ctx, in, out, "");
  set.origin = root.text("source", true).value_or("");
  set.title = root.text_or("title", "").value_or("");
  root.accept("description");
  Loader ld{ctx, {}, {}, {}};
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
  const std::string_view text = embedded_toml("claims", n, "claim file", "embedded", name);
  return load_claims_text(text, "claims:" + n, std::filesystem::current_path());
}

}  // namespace phylane::io
