// Reading a system description (docs/throughput.md): [[link]] entries and a [workload].
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "io/detail/toml_reader.hpp"
#include "io/detail/workload_reader.hpp"
#include "io/embedded.hpp"
#include "io/system.hpp"

namespace phylane::io {

using detail::Context;
using detail::node_text;
using detail::Rule;
using detail::TableReader;

namespace {

bool valid_name(const std::string& n) {
  if (n.empty() || !std::isalnum(static_cast<unsigned char>(n.front()))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+';
  });
}

struct Loader {
  Context& ctx;
  std::vector<Diagnostic> referenced;  ///< problems inside channel configs the system points to

  // --- one link -------------------------------------------------------------------------------
  LinkSpec link(TableReader& r, std::vector<std::string>& names) {
    LinkSpec l;
    if (!r.has("name"))
      ctx.error(&r.input(), r.key_path("name"), "", "missing required key (the link's name, e.g. \"pcie5-x16\")");
    if (auto n = r.text("name", false)) {
      const toml::node* node = r.input().get("name");
      if (!valid_name(*n))
        ctx.error(node, r.key_path("name"), node_text(*node),
                  "must be a name of letters, digits, '-', '_', '.', '+' starting with a letter or digit (it names the HDF5 group)");
      else if (std::find(names.begin(), names.end(), *n) != names.end())
        ctx.error(node, r.key_path("name"), node_text(*node), "is already the name of another link; names must be unique");
      l.name = *n;
      names.push_back(*n);
    }
    if (!r.has("lanes")) ctx.error(&r.input(), r.key_path("lanes"), "", "missing required key (a whole number of lanes, 1 to 1024)");
    const auto lanes = r.integer_or("lanes", Rule::between(1, 1024), 1);
    l.lanes = static_cast<int>(lanes.value_or(1));
    l.direction = r.choice<LaneDirection>(
                       "direction",
                       [](std::string_view s) -> std::optional<LaneDirection> {
                         if (s == "each") return LaneDirection::each;
                         if (s == "shared") return LaneDirection::shared;
                         return std::nullopt;
                       },
                       "each (lanes in each direction), shared (lanes split between the two directions)", "each")
                      .value_or(LaneDirection::each);
    if (l.direction == LaneDirection::shared && lanes && l.lanes % 2 != 0 && r.has("lanes"))
      ctx.error(r.input().get("lanes"), r.key_path("lanes"), node_text(*r.input().get("lanes")),
                "must be even with direction = \"shared\" (half the lanes carry each direction)");

    read_rate(r, l);
    read_encoding(r, l);
    if (!r.has("alpha"))
      ctx.error(&r.input(), r.key_path("alpha"), "",
                "missing required key (the per-hop latency of one collective step, e.g. \"5.7 us\"; \"0 s\" for none)");
    l.alpha_s = r.quantity("alpha", Dimension::time, Rule::non_negative(), false).value_or(0.0);
    // Energy per line bit, optional: "5 pJ", "5 pJ/bit" (io/quantity.hpp, Dimension::energy).
    l.energy_per_bit_j = r.quantity("energy_per_bit", Dimension::energy, Rule::positive(), false);
    r.finish();
    return l;
  }

  void read_rate(TableReader& r, LinkSpec& l) {
    r.accept("rate");
    r.accept("config");
    r.accept("preset");
    r.accept("modulations");
    r.accept("modulation");
    const toml::node* n = r.input().get("rate");
    const toml::node* cfg_node = r.input().get("config");
    const toml::node* preset_node = r.input().get("preset");
    const toml::node* mod_node = r.input().get("modulations");
    if (!n) {
      ctx.error(&r.input(), r.key_path("rate"), "",
                "missing required key (a per-lane line rate such as \"32 GT/s\" or \"106.25 Gb/s\", or \"max\" "
                "with config or preset)");
      return;
    }
    const auto s = n->value_exact<std::string>();
    if (!s) {
      ctx.error(n, r.key_path("rate"), node_text(*n),
                "must be a string: a per-lane line rate with a unit (\"32 GT/s\", \"106.25 Gb/s\") or \"max\"");
      return;
    }
    if (trim(*s) != "max") {
      const std::pair<const toml::node*, const char*> only_max[] = {
          {cfg_node, "config"}, {preset_node, "preset"}, {mod_node, "modulations"}};
      for (const auto& [node, key] : only_max)
        if (node) ctx.error(node, r.key_path(key), node_text(*node), "applies only with rate = \"max\"");
      // One rate vocabulary (channels/modulation.hpp): b/s and T/s are the per-lane bit rate; a
      // symbol rate (Bd) needs the lane's modulation to become one.
      const ParsedRate pr = parse_rate(*s);
      if (!pr.rate) {
        ctx.error(n, r.key_path("rate"), node_text(*n), pr.error + ", or \"max\"");
        return;
      }
      if (!(pr.rate->value > 0.0)) {
        ctx.error(n, r.key_path("rate"), node_text(*n), "must be a positive data rate");
        return;
      }
      std::optional<channels::Modulation> mod;
      if (const toml::node* m = r.input().get("modulation")) {
        const auto text = m->value_exact<std::string>();
        mod = text ? channels::parse_modulation(*text) : std::nullopt;
        if (!mod) {
          ctx.error(m, r.key_path("modulation"), node_text(*m),
                    "must be " + std::string(channels::allowed_modulations()) + " (the lane's modulation)");
          return;
        }
        r.output().insert_or_assign("modulation", std::string(channels::to_string(*mod)));
      }
      if (pr.rate->is_symbol_rate() && !mod) {
        ctx.error(n, r.key_path("rate"), node_text(*n),
                  "is a symbol rate: give the lane's modulation (modulation = \"pam4\": 2 bits per symbol) or the "
                  "per-lane bit rate (b/s or GT/s)");
        return;
      }
      l.lane_rate_bps = pr.rate->bit_rate_bps(mod.value_or(channels::Modulation::nrz));
      r.output().insert_or_assign("rate", *s);
      return;
    }
    if (const toml::node* m = r.input().get("modulation"))
      ctx.error(m, r.key_path("modulation"), node_text(*m),
                "applies only with a fixed rate; with rate = \"max\" give modulations = [\"nrz\", \"pam4\"]");
    r.output().insert_or_assign("rate", std::string("max"));
    // rate = "max": the channel to search.
    if (mod_node) {
      const toml::array* a = mod_node->as_array();
      std::vector<int> levels;
      bool ok = a && !a->empty();
      if (a)
        for (const auto& e : *a) {
          const auto m = e.value_exact<std::string>();
          const auto mod = m ? channels::parse_modulation(*m) : std::nullopt;
          if (mod) levels.push_back(channels::levels(*mod));
          else ok = false;
        }
      if (!ok)
        ctx.error(mod_node, r.key_path("modulations"), node_text(*mod_node),
                  "must be a non-empty list of " + std::string(channels::allowed_modulations()));
      else {
        l.modulations = levels;
        r.output().insert_or_assign("modulations", *a);
      }
    }
    if (cfg_node && preset_node) {
      ctx.error(preset_node, r.key_path("preset"), node_text(*preset_node), "give either config or preset, not both");
      return;
    }
    if (!cfg_node && !preset_node) {
      ctx.error(n, r.key_path("rate"), node_text(*n),
                "\"max\" needs the channel to search: config = \"link.toml\" (relative to this file) or preset = \"NAME\"");
      return;
    }
    const toml::node* where = cfg_node ? cfg_node : preset_node;
    const std::string key = r.key_path(cfg_node ? "config" : "preset");
    const auto value = where->value_exact<std::string>();
    if (!value) {
      ctx.error(where, key, node_text(*where), cfg_node ? "must be a file name (string)" : "must be a preset name (string)");
      return;
    }
    try {
      Config c;
      if (cfg_node) {
        std::filesystem::path p(*value);
        if (p.is_relative()) p = ctx.base_dir / p;
        if (!std::filesystem::exists(p)) {
          ctx.error(where, key, node_text(*where), "no such file (" + p.string() + "); paths are relative to the system file");
          return;
        }
        c = load_config(p);
      } else {
        c = load_preset(*value);
      }
      if (!c.signalling) {
        ctx.error(where, key, node_text(*where),
                  "the channel has no [signal] section (modulation, target BER): the max-rate search needs one");
        return;
      }
      if (c.sampled() && !c.sampled()->impulse) {
        ctx.error(where, key, node_text(*where), "a sampled pulse response has no frequency response to search over rate");
        return;
      }
      l.channel_config = c.stored_toml;
      l.channel = std::make_shared<const Config>(std::move(c));
      r.output().insert_or_assign(cfg_node ? "config" : "preset", *value);
    } catch (const InputError& e) {
      if (preset_node) {
        ctx.error(where, key, node_text(*where), e.what());
      } else {
        ctx.error(where, key, node_text(*where), "the channel config has errors (listed after this file's)");
        for (const auto& d : e.diagnostics()) referenced.push_back(d);
      }
    }
  }

  void read_encoding(TableReader& r, LinkSpec& l) {
    const auto names = solvers::encoding_names();
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
    if (r.has("encoding") && r.has("efficiency")) {
      r.accept("encoding");
      r.accept("efficiency");
      ctx.error(r.input().get("efficiency"), r.key_path("efficiency"), node_text(*r.input().get("efficiency")),
                "give either encoding (a name) or efficiency (a number), not both");
      return;
    }
    if (r.has("efficiency")) {
      r.accept("encoding");
      if (auto e = r.number("efficiency", Rule::between(0.0, 1.0, false, true), true))
        l.encoding = {"custom", *e, "efficiency given in the system file"};
      return;
    }
    r.accept("efficiency");
    if (!r.has("encoding")) {
      ctx.error(&r.input(), r.key_path("encoding"), "",
                "missing required key (one of: " + allowed + "; or efficiency = payload bits / line bits)");
      r.accept("encoding");
      return;
    }
    if (auto e = r.choice<solvers::Encoding>(
            "encoding", [](std::string_view s) { return solvers::encoding(s); },
            allowed + "; or efficiency = payload bits / line bits", std::nullopt))
      l.encoding = *e;
  }

};

System load_table(const toml::table& in, Context& ctx, const std::string& source) {
  System sys;
  sys.source = source;
  toml::table resolved;
  TableReader root(ctx, in, resolved, "");
  Loader ld{ctx, {}};
  sys.title = root.text_or("title", "").value_or("");
  sys.description = root.text_or("description", "").value_or("");
  std::vector<std::string> names;
  if (!root.has("link"))
    ctx.error(&in, "link", "", "missing required [[link]] table (lanes, rate, encoding, alpha of each link to compare)");
  auto links = root.table_array("link", false);
  if (root.has("link") && links.empty() && ctx.ok())
    ctx.error(in.get("link"), "link", "[]", "needs at least one [[link]]");
  for (auto& lr : links) sys.links.push_back(ld.link(lr, names));
  if (!root.has("workload"))
    ctx.error(&in, "workload", "", "missing required [workload] table (parameters, devices: the training step to model)");
  if (auto w = root.table("workload", false)) sys.workload = detail::read_workload(*w);
  root.accept("baseline");
  if (const toml::node* b = in.get("baseline")) {
    const auto s = b->value_exact<std::string>();
    const auto it = s ? std::find(names.begin(), names.end(), *s) : names.end();
    if (it == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      ctx.error(b, "baseline", node_text(*b), "must name one of the links (" + list + ")");
    } else {
      sys.baseline = static_cast<std::size_t>(it - names.begin());
      resolved.insert_or_assign("baseline", *s);
    }
  } else if (!names.empty()) {
    resolved.insert_or_assign("baseline", names.front());
  }
  root.finish();

  if (!ctx.ok() || !ld.referenced.empty()) {
    auto sorted = ctx.diagnostics;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    sorted.insert(sorted.end(), ld.referenced.begin(), ld.referenced.end());
    throw InputError(std::move(sorted));
  }
  std::ostringstream os;
  os << toml::toml_formatter{resolved};
  sys.resolved_toml = os.str();
  return sys;
}

}  // namespace

System load_system_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir) {
  Context ctx{name, base_dir};
  const toml::table in = detail::parse_toml(text, name);
  return load_table(in, ctx, name);
}

System load_system(const std::filesystem::path& file) {
  return load_system_text(detail::read_input_file(file, "system file"), file.string(), detail::folder_of(file));
}

std::vector<std::string> system_names() {
  return embedded_toml_names("systems");
}

std::string default_system_name() { return "pcie-vs-photonic"; }

System load_embedded_system(std::string_view name) {
  const std::string_view text = embedded_toml("systems", std::string(name), "system", "embedded systems");
  return load_system_text(text, "system:" + std::string(name), std::filesystem::current_path());
}

}  // namespace phylane::io
