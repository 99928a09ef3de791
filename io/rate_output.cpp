#include "io/rate_output.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "io/detail/command_output.hpp"
#include "io/eye_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

namespace {

std::vector<double> ffe_or_unity(const solvers::TxFfe& f) { return f.taps.empty() ? std::vector<double>{1.0} : f.taps; }

// The eye at the maximum as the object "at_max", when a maximum was found.
void at_max_json(JsonWriter& j, bool found, const solvers::EyeAnalysis& a) {
  if (!found) return;
  j.key("at_max").begin_object();
  j.field("margin_db", a.eye.margin_db)
      .field("eye_height_v", a.eye.height_v)
      .field("eye_width_ui", a.eye.width_ui)
      .field("ber", a.eye.ber)
      .field("limiting_term", solvers::to_string(a.eye.closure.limiting))
      .field("ctle", a.equalizer.ctle.label())
      .field("ctle_peaking_db", a.equalizer.ctle.peaking_db());
  j.array("tx_ffe_taps", ffe_or_unity(a.equalizer.ffe));
  j.array("dfe_taps_v", a.eye.dfe_taps_v);
  j.end_object();
}

// The eye figures of one point of a rate or length curve.
template <class Point>
JsonWriter& eye_point_json(JsonWriter& j, const Point& p) {
  return j.field("margin_db", p.margin_db)
      .field("eye_height_v", p.eye_height_v)
      .field("eye_width_ui", p.eye_width_ui)
      .field("meets", p.meets);
}

void criterion_json(JsonWriter& j, const Config& cfg, double margin_db, double eh_v, double ew_ui) {
  j.field("target_ber", cfg.signalling->spec.target_ber)
      .field("required_margin_db", margin_db)
      .field("min_eye_height_v", eh_v)
      .field("min_eye_width_ui", ew_ui);
}

void criterion_hdf5(Hdf5Writer& h, std::string_view command, const Config& cfg, double margin_db, double eh_v,
                    double ew_ui) {
  detail::config_attributes(h, command, cfg);
  h.attribute("/", "target_ber", cfg.signalling->spec.target_ber);
  h.attribute("/", "required_margin_db", margin_db);
  h.attribute("/", "min_eye_height_v", eh_v);
  h.attribute("/", "min_eye_width_ui", ew_ui);
}

// The optical receiver at a symbol rate (nothing for other channels).
void receiver_json(JsonWriter& j, const Config& cfg, double baud) {
  if (cfg.optical()) detail::optical_receiver_json(j, cfg.optical()->receiver_bandwidth(baud));
}
void receiver_hdf5(Hdf5Writer& h, std::string_view group, const Config& cfg, double baud) {
  if (cfg.optical()) detail::optical_receiver_hdf5(h, group, cfg.optical()->receiver_bandwidth(baud));
}

double answer_baud(const solvers::ModulationMaxRate& m) { return m.max_rate_bps / std::log2(static_cast<double>(m.levels)); }

}  // namespace

void write_maxrate_json(std::ostream& os, const Config& cfg, const workflows::MaxRateAnswer& a) {
  const solvers::MaxRateOptions& opt = a.options;
  const solvers::MaxRateResult& r = a.result;
  JsonWriter j(os);
  detail::begin_command_json(j, "maxrate").field("config", cfg.source);
  criterion_json(j, cfg, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
  j.field("min_rate_bps", opt.min_rate_bps).field("max_rate_searched_bps", opt.max_rate_bps).field("resolution", opt.resolution);
  j.field("found", r.found).field("max_rate_bps", r.max_rate_bps);
  j.field("best_modulation", r.found ? channels::modulation_name(r.best_levels) : std::string()).field("reason", r.reason);
  // At the configured rate: fixed, or following the rate (then per modulation at its answer too).
  receiver_json(j, cfg, cfg.signalling->spec.symbol_rate_baud);
  j.key("modulations").begin_array();
  for (const auto& m : r.per_modulation) {
    j.begin_object()
        .field("modulation", channels::modulation_name(m.levels))
        .field("levels", m.levels)
        .field("found", m.found)
        .field("capped", m.capped)
        .field("max_rate_bps", m.max_rate_bps)
        .field("symbol_rate_baud", m.max_rate_bps / std::log2(static_cast<double>(m.levels)))
        .field("target_ber", cfg.signalling->target_ber_for(m.levels))
        .field("fec", cfg.signalling->fec_for(m.levels).name)
        .field("min_eye_height_v", opt.min_eye_height_for(m.levels))
        .field("min_eye_width_ui", opt.min_eye_width_for(m.levels))
        .field("warning", a.warnings.at(static_cast<std::size_t>(&m - r.per_modulation.data())));
    if (m.found) receiver_json(j, cfg, answer_baud(m));
    at_max_json(j, m.found, m.at_max);
    j.key("curve").begin_array();
    for (const auto& p : m.curve)
      eye_point_json(j.begin_object().field("rate_bps", p.rate_bps), p)
          .field("limiting_term", p.limiting)
          .end_object();
    j.end_array().end_object();
  }
  j.end_array().end_object();
  j.done();
}

void write_maxrate_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::MaxRateAnswer& a) {
  const solvers::MaxRateOptions& opt = a.options;
  const solvers::MaxRateResult& r = a.result;
  Hdf5Writer h(file);
  for (const auto& m : r.per_modulation) {
    const std::string g = "/" + channels::modulation_name(m.levels);
    using P = solvers::RatePoint;
    h.columns<P>(g + "/curve", m.curve,
                 {{"rate_bps", "b/s", "every evaluated data rate, ascending", [](const P& p) { return p.rate_bps; }},
                  {"symbol_rate_baud", "Bd", "", [](const P& p) { return p.symbol_rate_baud; }},
                  {"margin_db", "dB", "statistical-eye margin at the target BER", [](const P& p) { return p.margin_db; }},
                  {"eye_height_v", "V", "", [](const P& p) { return p.eye_height_v; }},
                  {"eye_width_ui", "UI", "", [](const P& p) { return p.eye_width_ui; }},
                  {"meets", "1", "1 where the rate meets the criterion", [](const P& p) { return p.meets ? 1.0 : 0.0; }}});
    h.attribute(g, "levels", static_cast<std::int64_t>(m.levels));
    h.attribute(g, "found", static_cast<std::int64_t>(m.found));
    h.attribute(g, "capped", static_cast<std::int64_t>(m.capped));
    h.attribute(g, "max_rate_bps", m.max_rate_bps);
    h.attribute(g, "min_eye_height_v", opt.min_eye_height_for(m.levels));
    h.attribute(g, "min_eye_width_ui", opt.min_eye_width_for(m.levels));
    h.attribute(g, "warning", a.warnings.at(static_cast<std::size_t>(&m - r.per_modulation.data())));
    if (m.found) write_eye_groups(h, g + "/at_max", m.at_max);
    if (m.found) receiver_hdf5(h, g + "/at_max", cfg, answer_baud(m));
  }
  receiver_hdf5(h, "", cfg, cfg.signalling->spec.symbol_rate_baud);
  criterion_hdf5(h, "maxrate", cfg, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
  h.attribute("/", "max_rate_bps", r.max_rate_bps);
  h.attribute("/", "best_modulation", r.found ? channels::modulation_name(r.best_levels) : std::string("none"));
  h.commit();
}

void write_reach_json(std::ostream& os, const Config& cfg, const workflows::ReachAnswer& a) {
  const solvers::ReachOptions& opt = a.options;
  const solvers::ReachResult& r = a.result;
  JsonWriter j(os);
  detail::begin_command_json(j, "reach").field("config", cfg.source);
  criterion_json(j, cfg, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
  j.field("element", a.element).field("modulation", std::string(channels::to_string(a.modulation)));
  j.field("rate_bps", a.rate_bps).field("symbol_rate_baud", a.symbol_rate_baud).field("config_length_m", a.base_length_m);
  j.field("found", r.found).field("capped", r.capped).field("max_length_m", r.max_length_m).field("reason", r.reason);
  j.field("warning", a.warning);
  receiver_json(j, cfg, a.symbol_rate_baud);
  at_max_json(j, r.found, r.at_max);
  j.key("curve").begin_array();
  for (const auto& p : r.curve)
    eye_point_json(j.begin_object().field("length_m", p.length_m).field("loss_db", p.loss_db), p).end_object();
  j.end_array().end_object();
  j.done();
}

void write_reach_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::ReachAnswer& a) {
  const solvers::ReachOptions& opt = a.options;
  const solvers::ReachResult& r = a.result;
  Hdf5Writer h(file);
  using P = solvers::ReachPoint;
  h.columns<P>("/curve", r.curve,
               {{"length_m", "m", "every evaluated length, ascending", [](const P& p) { return p.length_m; }},
                {"loss_db", "dB", "copper: insertion loss at half the symbol rate; optical: passive path loss",
                 [](const P& p) { return p.loss_db; }},
                {"margin_db", "dB", "statistical-eye margin at the target BER", [](const P& p) { return p.margin_db; }},
                {"eye_height_v", "V", "", [](const P& p) { return p.eye_height_v; }},
                {"eye_width_ui", "UI", "", [](const P& p) { return p.eye_width_ui; }},
                {"meets", "1", "1 where the length meets the criterion", [](const P& p) { return p.meets ? 1.0 : 0.0; }}});
  if (r.found) write_eye_groups(h, "/at_max", r.at_max);
  receiver_hdf5(h, "", cfg, a.symbol_rate_baud);
  criterion_hdf5(h, "reach", cfg, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
  h.attribute("/", "element", a.element);
  h.attribute("/", "warning", a.warning);
  h.attribute("/", "modulation", std::string(channels::to_string(a.modulation)));
  h.attribute("/", "rate_bps", a.rate_bps);
  h.attribute("/", "symbol_rate_baud", a.symbol_rate_baud);
  h.attribute("/", "max_length_m", r.max_length_m);
  h.attribute("/", "found", static_cast<std::int64_t>(r.found));
  h.commit();
}

}  // namespace phylane::io
