#include "io/study.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <memory>

#include "io/claims_output.hpp"
#include "io/config.hpp"
#include "io/detail/command_output.hpp"
#include "io/detail/toml_reader.hpp"
#include "io/detail/workload_reader.hpp"
#include "io/embedded.hpp"
#include "io/eye_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

using detail::Context;
using detail::Rule;
using detail::TableReader;
using workflows::Study;
using workflows::StudyLink;
using workflows::StudyResult;

namespace {

// The most retimers `retimers = true` allows on a route (each hop within the budget).
constexpr int kMaxRetimers = 16;

Study read_study(const toml::table& in, Context& ctx, const std::string& name, int points_override) {
  Study st;
  st.source = name;
  toml::table out;
  TableReader root(ctx, in, out, "");
  st.name = root.text_or("name", "study").value_or("study");
  root.accept("description");

  // [reach]: log-spaced lengths.
  if (auto r = root.table("reach", false)) {
    const auto from = r->quantity_or("from", Dimension::length, Rule::positive(), "1 cm");
    const auto to = r->quantity_or("to", Dimension::length, Rule::positive(), "10 m");
    const auto n = r->integer_or("points", Rule::between(2, 200), 12);
    r->finish();
    if (from && to && n) {
      if (!(*to > *from)) {
        ctx.error(r->input().get("to"), r->key_path("to"), detail::node_text(*r->input().get("to")),
                  "must be longer than reach.from");
      } else {
        const int np = points_override > 0 ? points_override : static_cast<int>(*n);
        for (int i = 0; i < np; ++i)
          st.reach_m.push_back(*from * std::pow(*to / *from, np == 1 ? 0.0 : static_cast<double>(i) / (np - 1)));
      }
    }
  } else {
    const int np = points_override > 0 ? points_override : 12;
    for (int i = 0; i < np; ++i) st.reach_m.push_back(0.01 * std::pow(1000.0, static_cast<double>(i) / (np - 1)));
  }

  // [[link]]
  auto links = root.table_array("link", true);
  for (auto& l : links) {
    StudyLink sl;
    sl.name = l.text("name", true).value_or("");
    const auto preset = l.text("preset", false);
    const auto cfile = l.text("config", false);
    if (preset.has_value() == cfile.has_value()) {
      ctx.error(&l.input(), l.key_path("preset"), "", "give exactly one of preset = \"NAME\" or config = \"FILE.toml\"");
    } else {
      try {
        Config config = preset ? load_preset(*preset) : load_config(ctx.base_dir / *cfile);
        sl.config_toml = std::move(config.stored_toml);
        sl.config_resolved_toml = std::move(config.resolved_toml);
        sl.link = std::make_shared<const channels::Link>(static_cast<channels::Link&&>(std::move(config)));
        if (!sl.link->signalling)
          ctx.error(l.input().get(preset ? "preset" : "config"), l.key_path(preset ? "preset" : "config"),
                    "\"" + (preset ? *preset : *cfile) + "\"", "the link needs a [signal] section (rate, Tx, Rx)");
      } catch (const InputError& e) {
        ctx.error(l.input().get(preset ? "preset" : "config"), l.key_path(preset ? "preset" : "config"),
                  "\"" + (preset ? *preset : *cfile) + "\"", e.what());
      }
    }
    sl.element = l.text_or("element", "").value_or("");
    sl.lanes = static_cast<int>(l.integer_or("lanes", Rule::between(1, 1024), 1).value_or(1));
    sl.lanes_label = l.text_or("lanes_label", "x" + std::to_string(sl.lanes)).value_or("");
    // Line code / FEC payload fraction, for all modulations or per modulation, e.g.
    // encoding = { nrz = "128b130b", pam4 = "pcie6-flit" }. Absent: each modulation's FEC from the
    // link's [signal] fec ("none" without one). A FEC named here must be the link's FEC for that
    // modulation, which sets its BER target (docs/fec.md).
    l.accept("encoding");
    std::string names;
    for (const auto& n : solvers::encoding_names()) names += (names.empty() ? "" : ", ") + n;
    auto one = [&](const toml::node& el, const std::string& kp, int levels) -> std::optional<solvers::Encoding> {
      const auto sv = el.value_exact<std::string>();
      const auto e = sv ? solvers::encoding(*sv) : std::nullopt;
      if (!e) {
        ctx.error(&el, kp, detail::node_text(el), "must be one of: " + names + " (or a table of them per modulation)");
        return std::nullopt;
      }
      if (sl.link && sl.link->signalling && e->name != "none" && channels::find_fec(e->name)) {
        const std::vector<int> lv = levels ? std::vector<int>{levels} : std::vector<int>{2, 4};
        for (int m : lv)
          if (sl.link->signalling->fec_for(m).name != e->name) {
            ctx.error(&el, kp, detail::node_text(el),
                      "is a FEC, but the link's [signal] fec for " + channels::modulation_name(m) + " is \"" +
                          sl.link->signalling->fec_for(m).name + "\": name the FEC in the link's [signal] fec (it sets the BER target)");
            return std::nullopt;
          }
      }
      return e;
    };
    sl.encoding = *solvers::encoding("none");
    if (const toml::node* en = l.input().get("encoding")) {
      if (const toml::table* t = en->as_table()) {
        for (const auto& [k, v] : *t) {
          const std::string kp = l.key_path("encoding") + "." + std::string(k.str());
          const auto mod = channels::parse_modulation(k.str());
          if (!mod) ctx.error(&v, kp, detail::node_text(v), "keys must be modulations: " + std::string(channels::allowed_modulations()));
          else if (const auto e = one(v, kp, channels::levels(*mod))) sl.encoding_by_levels[channels::levels(*mod)] = *e;
        }
      } else if (const auto e = one(*en, l.key_path("encoding"), 0)) {
        sl.encoding = *e;
      }
    } else if (sl.link && sl.link->signalling) {
      for (int m : {2, 4}) sl.encoding_by_levels[m] = *solvers::encoding(sl.link->signalling->fec_for(m).name);
    }
    // The modulations the rate search compares (default NRZ and PAM4), e.g. ["pam4"] for a PHY
    // class that defines only PAM4.
    if (const auto mods = l.text_list("modulations", false)) {
      for (std::size_t k = 0; k < mods->size(); ++k) {
        const auto m = channels::parse_modulation((*mods)[k]);
        if (!m)
          ctx.error(l.input().get("modulations"), l.key_path("modulations"), "\"" + (*mods)[k] + "\"",
                    "each must be one of: " + std::string(channels::allowed_modulations()));
        else
          sl.modulation_levels.push_back(channels::levels(*m));
      }
      if (mods->empty())
        ctx.error(l.input().get("modulations"), l.key_path("modulations"), "[]", "give at least one modulation");
    }
    sl.max_rate_bps = l.quantity("max_rate", Dimension::data_rate, Rule::between(1e9, 2e12), false).value_or(0.0);
    // The transceiver's symbol-rate limit (its SerDes or DSP baud class), e.g. "113 GBd", with its source.
    sl.max_symbol_rate_baud = l.quantity("max_symbol_rate", Dimension::data_rate, Rule::between(1e8, 1e12), false).value_or(0.0);
    sl.symbol_rate_source = l.text_or("symbol_rate_source", "").value_or("");
    if (l.has("symbol_rate_source") && !l.has("max_symbol_rate"))
      ctx.error(l.input().get("symbol_rate_source"), l.key_path("symbol_rate_source"), "", "only with max_symbol_rate");
    sl.alpha_s = l.quantity_or("alpha", Dimension::time, Rule::non_negative(), "0 s").value_or(0.0);
    // Energy per line bit: energy_per_bit = "3.9 pJ" (one part, "link") or "model" (the optical
    // link's own power), or a table of parts, energy = { serdes = "2 pJ", dsp_fec = "...",
    // module = "...", optics = "model" } (docs/study.md).
    const bool is_optical = sl.link && sl.link->optical();
    auto model_part = [&](const toml::node* e, const std::string& kp) {
      sl.energy_optics_model = true;
      if (sl.link && !is_optical)
        ctx.error(e, kp, "\"model\"", "\"model\" needs an optical link; give an energy like \"5 pJ\"");
    };
    if (l.has("energy_per_bit") && l.has("energy"))
      ctx.error(l.input().get("energy"), l.key_path("energy"), "", "give energy_per_bit or energy (its parts), not both");
    if (const toml::node* e = l.input().get("energy_per_bit"); e && e->value<std::string>() == std::string("model")) {
      l.accept("energy_per_bit");
      model_part(e, l.key_path("energy_per_bit"));
    } else if (const auto q = l.quantity("energy_per_bit", Dimension::energy, Rule::non_negative(), false)) {
      sl.energy_parts_j.emplace_back("link", *q);
    }
    if (auto en = l.table("energy", false)) {
      static const std::vector<std::string> parts = {"serdes", "dsp_fec", "module", "link"};
      for (const auto& [k, v] : en->input()) {
        const std::string key(k.str());
        if (key == "optics") {
          en->accept("optics");
          if (v.value<std::string>() != std::string("model"))
            ctx.error(&v, en->key_path("optics"), detail::node_text(v), "must be \"model\" (the optical link's own power / rate)");
          else
            model_part(&v, en->key_path("optics"));
        } else if (std::find(parts.begin(), parts.end(), key) != parts.end()) {
          if (const auto q = en->quantity(key, Dimension::energy, Rule::non_negative(), true)) sl.energy_parts_j.emplace_back(key, *q);
        }
      }
      en->finish();  // any other key: "unknown key", with the allowed ones
    }
    sl.energy_source = l.text_or("energy_source", sl.energy_optics_model && sl.energy_parts_j.empty()
                                                      ? "the optical link's electrical power (laser, driver, receiver) / rate"
                                                      : "").value_or("");
    sl.lanes_per_laser = static_cast<int>(l.integer_or("lanes_per_laser", Rule::between(1, 1024), 1).value_or(1));
    if (l.has("lanes_per_laser") && !sl.energy_optics_model)
      ctx.error(l.input().get("lanes_per_laser"), l.key_path("lanes_per_laser"), detail::node_text(*l.input().get("lanes_per_laser")),
                "only with the optical link's own power (energy optics = \"model\")");
    // Reach of the option, retimers, latency and die-edge density (docs/study.md).
    sl.max_length_m = l.quantity("max_length", Dimension::length, Rule::positive(), false)
                          .value_or(std::numeric_limits<double>::infinity());
    if (const toml::node* r = l.input().get("retimers")) {
      l.accept("retimers");
      const auto b = r->value_exact<bool>();
      const auto n = r->value_exact<std::int64_t>();
      if (b) {
        sl.retimers.max_count = *b ? kMaxRetimers : 0;
      } else if (n && *n >= 0 && *n <= kMaxRetimers) {
        sl.retimers.max_count = static_cast<int>(*n);
      } else {
        ctx.error(r, l.key_path("retimers"), detail::node_text(*r),
                  "must be true (as many as the budget needs, up to " + std::to_string(kMaxRetimers) +
                      "), false, or a maximum count between 0 and " + std::to_string(kMaxRetimers));
      }
      if (sl.retimers.max_count > 0 && is_optical)
        ctx.error(r, l.key_path("retimers"), detail::node_text(*r),
                  "retimers split a copper route; an optical link has none (a retimed module is its own option: dr-200g-lane)");
    }
    if (auto rt = l.table("retimer", sl.retimers.max_count > 0)) {
      sl.retimers.budget_db = rt->quantity("budget", Dimension::decibel, Rule::positive(), true).value_or(0.0);
      sl.retimers.latency_s = rt->quantity("latency", Dimension::time, Rule::non_negative(), true).value_or(0.0);
      sl.retimers.energy_per_bit_j = rt->quantity("energy_per_bit", Dimension::energy, Rule::non_negative(), true).value_or(0.0);
      sl.retimers.source = rt->text_or("source", "").value_or("");
      rt->finish();
    }
    sl.serdes_latency_s = l.quantity_or("serdes_latency", Dimension::time, Rule::non_negative(), "0 s").value_or(0.0);
    sl.latency_source = l.text_or("latency_source", "").value_or("");
    sl.lanes_per_mm = l.number("lanes_per_mm", Rule::positive(), false).value_or(0.0);
    sl.density_source = l.text_or("density_source", "").value_or("");
    l.finish();
    st.links.push_back(std::move(sl));
  }

  // The default workload: a 70-billion-parameter model in bf16, ring all-reduce on 8 and 64 devices.
  st.workload.parameters = 70e9;
  st.workload.bytes_per_parameter = 2.0;
  st.workload.devices = {8, 64};
  st.workload.collective = solvers::Collective::all_reduce;
  st.workload.algorithm = solvers::Algorithm::ring;
  // The same [workload] table as system files (docs/throughput.md), read by the same function.
  if (auto w = root.table("workload", false)) st.workload = detail::read_workload(*w);
  st.claims = root.text_or("claims", "").value_or("");
  if (!st.claims.empty() && !embedded_file(st.claims) && !std::filesystem::exists(ctx.base_dir / st.claims))
    ctx.error(in.get("claims"), "claims", "\"" + st.claims + "\"", "no such embedded claim file or file");
  else if (!st.claims.empty() && !embedded_file(st.claims))
    st.claims = (ctx.base_dir / st.claims).string();
  root.finish();
  ctx.throw_if_errors();
  return st;
}

}  // namespace

Study load_study_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir, int points) {
  Context ctx{name, base_dir};
  const toml::table in = detail::parse_toml(text, name);
  Study st = read_study(in, ctx, name, points);
  st.text = std::string(text);
  return st;
}

Study load_study(const std::filesystem::path& file, int points) {
  return load_study_text(detail::read_input_file(file, "study file"), file.string(), detail::folder_of(file), points);
}

Study default_study(int points) {
  const auto text = embedded_file("studies/default.toml");
  if (!text) throw std::runtime_error("the embedded default study is missing (data/studies/default.toml)");
  return load_study_text(*text, "embedded:studies/default.toml", std::filesystem::current_path(), points);
}

std::optional<ClaimSet> load_study_claims(const Study& st) {
  if (st.claims.empty()) return std::nullopt;
  try {
    return embedded_file(st.claims) ? load_embedded_claims(st.claims) : load_claims(st.claims);
  } catch (const InputError& e) {
    throw InputError(st.source + ": claims = \"" + st.claims + "\": " + e.what());
  }
}

void write_study_hdf5(const std::filesystem::path& file, const Study& st, const StudyResult& r, const ClaimsReport* claims) {
  Hdf5Writer h(file);
  if (claims) write_claims_hdf5(h, "/claims", *claims);
  h.dataset("/reach_m", st.reach_m, "m", "lengths of the stretched element");
  std::vector<double> devices(st.workload.devices.begin(), st.workload.devices.end());
  h.dataset("/workload/devices", devices, "1", "device counts");
  h.attribute("/workload", "parameters", st.workload.parameters);
  h.attribute("/workload", "bytes_per_parameter", st.workload.bytes_per_parameter);
  h.attribute("/workload", "algorithm", std::string(solvers::to_string(st.workload.algorithm)));
  h.attribute("/workload", "collective", std::string(solvers::to_string(st.workload.collective)));
  if (st.workload.compute_time_s) h.attribute("/workload", "compute_time_s", *st.workload.compute_time_s);
  h.attribute("/workload", "overlap", st.workload.overlap);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    const auto& lr = r.links[i];
    const auto& sl = st.links[i];
    names.push_back(lr.name);
    const std::string g = "/links/" + std::to_string(i);
    std::vector<double> loss, nrz, pam4, best, lv, cap, bw, prop, ebit, eff, ber, fec_lat, lat;
    std::vector<std::string> encs, fecs;
    const std::size_t nd = st.workload.devices.size();
    std::vector<double> sync, energy, step;
    for (const auto& p : lr.points) {
      loss.push_back(p.loss_db);
      nrz.push_back(p.max_rate_nrz_bps);
      pam4.push_back(p.max_rate_pam4_bps);
      best.push_back(p.max_rate_bps);
      lv.push_back(p.best_levels);
      cap.push_back(p.capacity_bps);
      bw.push_back(p.link_bandwidth_bytes_per_s);
      prop.push_back(p.propagation_s);
      ebit.push_back(p.energy_per_bit_j);
      eff.push_back(p.efficiency);
      ber.push_back(p.target_ber);
      fec_lat.push_back(p.fec_latency_s);
      lat.push_back(p.latency_s);
      encs.push_back(p.encoding);
      fecs.push_back(p.fec);
    }
    for (std::size_t d = 0; d < nd; ++d)
      for (const auto& p : lr.points) {
        sync.push_back(p.sync_time_s[d]);
        energy.push_back(p.energy_per_step_j[d]);
        step.push_back(p.step_time_s[d]);
      }
    h.dataset(g + "/loss_db", loss, "dB", lr.loss_label);
    h.dataset(g + "/max_rate_nrz_bps", nrz, "b/s", "highest NRZ rate meeting the target (0: none)");
    h.dataset(g + "/max_rate_pam4_bps", pam4, "b/s", "highest PAM4 rate meeting the target (0: none)");
    h.dataset(g + "/max_rate_bps", best, "b/s", "the better modulation");
    h.dataset(g + "/best_levels", lv, "1", "2 = NRZ, 4 = PAM4, 0 = none");
    h.dataset(g + "/capacity_bps", cap, "b/s", "Shannon capacity (water-filling), docs/capacity.md");
    h.dataset(g + "/link_bandwidth_bytes_per_s", bw, "B/s", "lanes x rate x coding efficiency / 8, per direction");
    h.dataset(g + "/propagation_s", prop, "s", "flight time at each length");
    h.dataset(g + "/energy_per_bit_j", ebit, "J", "energy per line bit (energy_source attribute)");
    h.dataset(g + "/efficiency", eff, "1", "payload fraction of the best modulation's encoding (0: no rate)");
    h.strings(g + "/encoding", encs, "the best modulation's encoding, per length");
    h.strings(g + "/fec", fecs, "the best modulation's FEC (docs/fec.md), per length");
    h.dataset(g + "/target_ber", ber, "1", "BER target the best modulation met (pre-FEC with a FEC)");
    h.dataset(g + "/fec_latency_s", fec_lat, "s", "FEC codeword over lanes x rate plus decoder");
    h.dataset(g + "/latency_s", lat, "s", "one hop: alpha + propagation + FEC");
    {
      std::vector<double> reach_ok, rt, hop, phy, rt_lat, ser_lat, dens;
      for (const auto& p : lr.points) {
        reach_ok.push_back(p.reachable ? 1.0 : 0.0);
        rt.push_back(p.retimers);
        hop.push_back(p.hop_length_m);
        phy.push_back(p.phy_latency_s);
        rt_lat.push_back(p.retimer_latency_s);
        ser_lat.push_back(p.serdes_latency_s);
        dens.push_back(p.density_bps_per_mm);
      }
      h.dataset(g + "/reachable", reach_ok, "1", "1 where the option exists at this length (max_length); 0: nothing computed");
      h.dataset(g + "/retimers", rt, "1", "retimers used (hops - 1)");
      h.dataset(g + "/hop_length_m", hop, "m", "the stretched element's length in each hop");
      h.dataset(g + "/phy_latency_s", phy, "s", "SerDes + FEC + retimers + flight time, end to end");
      h.dataset(g + "/serdes_latency_s", ser_lat, "s", "the SerDes (and module DSP) part of phy_latency_s");
      h.dataset(g + "/retimer_latency_s", rt_lat, "s", "the retimers' part of phy_latency_s");
      h.dataset(g + "/density_bps_per_mm", dens, "b/s/mm", "lanes per mm of die edge x max rate, per direction");
      const auto part_names = sl.energy_part_names();
      for (std::size_t k = 0; k < part_names.size(); ++k) {
        std::vector<double> part;
        for (const auto& p : lr.points) part.push_back(p.energy_part_j[k]);
        h.dataset(g + "/energy_parts/" + part_names[k] + "_j", part, "J", "energy per line bit, part " + part_names[k]);
      }
      h.strings(g + "/energy_parts/names", part_names, "the parts of energy_per_bit_j, in order");
    }
    std::vector<double> capped, failed, baud_limited;
    std::vector<std::string> notes;
    for (const auto& p : lr.points) {
      baud_limited.push_back(p.symbol_rate_limited ? 1.0 : 0.0);
      capped.push_back(p.search_capped_by_capacity ? 1.0 : 0.0);
      failed.push_back(p.failed ? 1.0 : 0.0);
      notes.push_back(p.note);
    }
    h.dataset(g + "/search_capped_by_capacity", capped, "1", "1 where the rate search stopped at C / (1 - h2(BER))");
    h.dataset(g + "/failed", failed, "1", "1 where the rate search failed numerically (see notes)");
    h.dataset(g + "/symbol_rate_limited", baud_limited, "1",
              "1 where the best modulation still met the target at the transceiver's max_symbol_rate");
    h.strings(g + "/notes", notes, "why no rate was found, per length (empty: found)");
    h.dataset_2d(g + "/sync_time_s", sync, nd, lr.points.size(), "s", "gradient all-reduce time per step [devices x reach]");
    if (st.workload.compute_time_s)
      h.dataset_2d(g + "/step_time_s", step, nd, lr.points.size(), "s",
                   "training step: compute + exposed all-reduce (workload overlap) [devices x reach]");
    h.dataset_2d(g + "/energy_per_step_j", energy, nd, lr.points.size(), "J", "link energy per step [devices x reach]");
    h.attribute(g, "name", lr.name);
    h.attribute(g, "element", lr.element_label);
    h.attribute(g, "config_length_m", lr.config_length_m);
    h.attribute(g, "config_rate_bps", lr.config_rate_bps);
    h.attribute(g, "lanes", static_cast<std::int64_t>(sl.lanes));
    h.attribute(g, "lanes_label", sl.lanes_label);
    h.attribute(g, "encoding_nrz", sl.encoding_for(2).name);
    h.attribute(g, "encoding_pam4", sl.encoding_for(4).name);
    h.attribute(g, "alpha_s", sl.alpha_s);
    h.attribute(g, "energy_source", sl.energy_source);
    h.attribute(g, "latency_source", sl.latency_source);
    h.attribute(g, "density_source", sl.density_source);
    h.attribute(g, "lanes_per_mm", sl.lanes_per_mm);
    h.attribute(g, "max_length_m", sl.max_length_m);
    h.attribute(g, "max_symbol_rate_baud", sl.max_symbol_rate_baud);
    h.attribute(g, "symbol_rate_source", sl.symbol_rate_source);
    h.attribute(g, "max_retimers", static_cast<std::int64_t>(sl.retimers.max_count));
    h.attribute(g, "retimer_budget_db", sl.retimers.budget_db);
    h.attribute(g, "retimer_latency_s", sl.retimers.latency_s);
    h.attribute(g, "retimer_energy_per_bit_j", sl.retimers.energy_per_bit_j);
    h.attribute(g, "retimer_source", sl.retimers.source);
    h.attribute(g, "source", sl.link->source);
    h.attribute(g, "config", sl.config_toml);
    h.attribute(g, "config_resolved", sl.config_resolved_toml);
    write_eye_groups(h, g + "/eye_at_config", lr.eye_at_config);
  }
  h.strings("/links/names", names, "link names, in the order of /links/<i>");
  // The winner of each axis per length (an index into /links, -1: none), as the text table's.
  auto as_double = [](const std::vector<int>& v) { return std::vector<double>(v.begin(), v.end()); };
  const auto& w = r.winners;
  h.dataset("/winners/max_rate", as_double(w.max_rate), "1", "link with the highest per-lane rate, per length (-1: none)");
  h.dataset("/winners/density", as_double(w.density), "1", "link with the highest die-edge density, per length");
  h.dataset("/winners/energy", as_double(w.energy), "1", "link with the lowest energy per bit, per length");
  h.dataset("/winners/latency", as_double(w.latency), "1", "link with the lowest PHY latency, per length");
  std::vector<double> step_w;
  for (const auto& row : w.step_time) step_w.insert(step_w.end(), row.begin(), row.end());
  h.dataset_2d("/winners/step_time", step_w, w.step_time.size(), st.reach_m.size(), "1",
               "link with the shortest training step (collective alone without compute_time) [devices x reach]");
  detail::command_attributes(h, "study");
  h.attribute("/", "name", st.name);
  h.attribute("/", "source", st.source);
  h.attribute("/", "study", st.text);
  h.attribute("/", "seconds", r.seconds);
  h.attribute("/", "units_convention", "1 GB = 1e9 bytes; bandwidths per direction");
  h.commit();
}

void write_study_json(std::ostream& os, const Study& st, const StudyResult& r, const ClaimsReport* claims) {
  JsonWriter j(os);
  detail::begin_command_json(j, "study").field("name", st.name).field("source", st.source);
  j.field("units_convention", "1 GB = 1e9 bytes; bandwidths per direction");
  j.array("reach_m", st.reach_m);
  j.key("workload").begin_object();
  j.field("parameters", st.workload.parameters).field("bytes_per_parameter", st.workload.bytes_per_parameter);
  j.field("algorithm", std::string(solvers::to_string(st.workload.algorithm)));
  j.field("collective", std::string(solvers::to_string(st.workload.collective)));
  if (st.workload.compute_time_s) j.field("compute_time_s", *st.workload.compute_time_s);
  j.field("overlap", st.workload.overlap);
  j.key("devices").begin_array();
  for (int n : st.workload.devices) j.value(n);
  j.end_array().end_object();
  j.key("links").begin_array();
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    const auto& lr = r.links[i];
    const auto& sl = st.links[i];
    j.begin_object();
    j.field("name", lr.name).field("source", sl.link->source).field("element", lr.element_label);
    j.field("lanes", sl.lanes).field("encoding_nrz", sl.encoding_for(2).name).field("encoding_pam4", sl.encoding_for(4).name);
    j.field("alpha_s", sl.alpha_s).field("config_length_m", lr.config_length_m).field("config_rate_bps", lr.config_rate_bps);
    j.field("loss", lr.loss_label);
    const auto part_names = sl.energy_part_names();
    j.field("energy_source", sl.energy_source).field("latency_source", sl.latency_source);
    j.field("density_source", sl.density_source).field("lanes_per_mm", sl.lanes_per_mm);
    j.field("max_length_m", sl.max_length_m).field("max_retimers", sl.retimers.max_count);
    j.field("max_symbol_rate_baud", sl.max_symbol_rate_baud).field("symbol_rate_source", sl.symbol_rate_source);
    j.key("retimer").begin_object();
    j.field("budget_db", sl.retimers.budget_db).field("latency_s", sl.retimers.latency_s);
    j.field("energy_per_bit_j", sl.retimers.energy_per_bit_j).field("source", sl.retimers.source);
    j.end_object();
    j.key("eye_at_config").begin_object();
    j.field("eye_height_v", lr.eye_at_config.eye.height_v).field("eye_width_ui", lr.eye_at_config.eye.width_ui);
    j.field("margin_db", lr.eye_at_config.eye.margin_db).field("ber", lr.eye_at_config.eye.ber);
    j.end_object();
    j.key("points").begin_array();
    for (const auto& p : lr.points) {
      j.begin_object();
      j.field("length_m", p.length_m).field("loss_db", p.loss_db);
      j.field("max_rate_nrz_bps", p.max_rate_nrz_bps).field("max_rate_pam4_bps", p.max_rate_pam4_bps);
      j.field("max_rate_bps", p.max_rate_bps).field("best_levels", p.best_levels).field("capacity_bps", p.capacity_bps);
      j.field("link_bandwidth_bytes_per_s", p.link_bandwidth_bytes_per_s).field("propagation_s", p.propagation_s);
      j.field("energy_per_bit_j", p.energy_per_bit_j);
      j.field("encoding", p.encoding).field("efficiency", p.efficiency).field("fec", p.fec).field("target_ber", p.target_ber);
      j.field("fec_latency_s", p.fec_latency_s).field("latency_s", p.latency_s);
      j.field("reachable", p.reachable).field("retimers", p.retimers).field("hop_length_m", p.hop_length_m);
      j.field("phy_latency_s", p.phy_latency_s).field("serdes_latency_s", p.serdes_latency_s);
      j.field("retimer_latency_s", p.retimer_latency_s).field("density_bps_per_mm", p.density_bps_per_mm);
      j.field("symbol_rate_limited", p.symbol_rate_limited);
      j.key("energy_parts_j").begin_object();
      for (std::size_t k = 0; k < part_names.size(); ++k) j.field(part_names[k], p.energy_part_j[k]);
      j.end_object();
      j.array("sync_time_s", p.sync_time_s);
      j.array("energy_per_step_j", p.energy_per_step_j);
      if (st.workload.compute_time_s) j.array("step_time_s", p.step_time_s);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  {
    const auto& w = r.winners;
    j.key("winners").begin_object();
    auto ints = [&j](const char* key, const std::vector<int>& v) {
      j.key(key).begin_array();
      for (int x : v) j.value(x);
      j.end_array();
    };
    ints("max_rate", w.max_rate);
    ints("density", w.density);
    ints("energy", w.energy);
    ints("latency", w.latency);
    j.key("step_time").begin_array();
    for (const auto& row : w.step_time) {
      j.begin_array();
      for (int x : row) j.value(x);
      j.end_array();
    }
    j.end_array();
    j.end_object();
  }
  if (claims) {
    j.key("claims").begin_object();
    j.field("source", claims->source);
    j.key("verdicts").begin_array();
    for (const auto& c : claims->claims) {
      j.begin_object().field("id", c.id).field("verdict", std::string(to_string(c.verdict)));
      j.field("explanation", c.explanation).end_object();
    }
    j.end_array().end_object();
  }
  j.field("seconds", r.seconds).field("threads", r.threads);
  j.end_object();
  j.done();
}

}  // namespace phylane::io
