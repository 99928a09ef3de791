#include "io/throughput_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "io/rate_output.hpp"

namespace phylane::io {

namespace {

constexpr const char* kConvention =
    "1 GB = 1e9 B; rates and bandwidths per direction; energy per bit per line bit; "
    "collective time by the alpha-beta model with NCCL bus factors";

std::string collective_name(solvers::Collective c) {
  switch (c) {
    case solvers::Collective::all_reduce: return "all_reduce";
    case solvers::Collective::reduce_scatter: return "reduce_scatter";
    case solvers::Collective::all_gather: return "all_gather";
  }
  return "?";
}

template <class T>
void optional_field(JsonWriter& j, std::string_view k, const std::optional<T>& v) {
  j.key(k);
  if (v) j.value(*v);
  else j.null();
}

}  // namespace

void write_throughput_json(std::ostream& os, const System& sys, const workflows::SystemResult& r) {
  JsonWriter j(os);
  const Workload& w = r.workload;
  detail::begin_command_json(j, "throughput")
      .field("system", r.source)
      .field("title", r.title)
      .field("description", sys.description)
      .field("convention", kConvention);
  j.key("workload").begin_object();
  j.field("parameters", w.parameters)
      .field("bytes_per_parameter", w.bytes_per_parameter)
      .field("message_bytes", r.message_bytes)
      .field("collective", collective_name(w.collective))
      .field("algorithm", std::string(solvers::to_string(w.algorithm)));
  j.key("devices").begin_array();
  for (int n : w.devices) j.value(n);
  j.end_array();
  optional_field(j, "compute_time_s", w.compute_time_s);
  j.field("overlap", w.overlap);
  j.end_object();
  j.field("baseline", r.links[r.baseline].name);

  j.key("links").begin_array();
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    const workflows::LinkResult& l = r.links[i];
    j.begin_object()
        .field("name", l.name)
        .field("lanes", l.lanes)
        .field("direction", std::string(to_string(l.direction)))
        .field("lanes_per_direction", l.lanes_per_direction)
        .field("lane_rate_bps", l.lane_rate_bps)
        .field("rate_source", l.rate_searched ? "max-rate search" : "given");
    if (l.rate_searched) {
      j.field("channel", l.channel)
          .field("channel_title", l.channel_title)
          .field("modulation", channels::modulation_name(l.levels))
          .field("symbol_rate_baud", l.lane_rate_bps / std::log2(static_cast<double>(l.levels)))
          .field("capped", l.capped);
      j.key("modulations").begin_array();
      for (const auto& m : l.search->per_modulation)
        j.begin_object()
            .field("modulation", channels::modulation_name(m.levels))
            .field("found", m.found)
            .field("max_rate_bps", m.max_rate_bps)
            .end_object();
      j.end_array();
    }
    j.field("encoding", l.encoding)
        .field("encoding_source", l.encoding_source)
        .field("efficiency", l.efficiency)
        .field("line_rate_bps", l.line_rate_bps)
        .field("payload_bandwidth_bytes_per_s", l.payload_bandwidth_bytes_per_s)
        .field("payload_bandwidth_both_directions_bytes_per_s", 2.0 * l.payload_bandwidth_bytes_per_s)
        .field("alpha_s", l.alpha_s);
    optional_field(j, "energy_per_bit_j", l.energy_per_bit_j);
    j.key("collectives").begin_array();
    for (const auto& p : l.points) {
      j.begin_object()
          .field("devices", p.devices)
          .field("time_s", p.time_s)
          .field("latency_time_s", p.latency_time_s)
          .field("bandwidth_time_s", p.bandwidth_time_s)
          .field("bus_factor", p.bus_factor)
          .field("algorithm_bandwidth_bytes_per_s", p.algorithm_bandwidth_bytes_per_s)
          .field("bus_bandwidth_bytes_per_s", p.bus_bandwidth_bytes_per_s)
          .field("wire_bytes", p.wire_bytes);
      optional_field(j, "energy_j", p.energy_j);
      optional_field(j, "step_time_s", p.step_time_s);
      optional_field(j, "communication_fraction", p.communication_fraction);
      j.end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();

  j.key("comparison").begin_array();
  for (const auto& c : r.comparison) {
    j.begin_object().field("name", c.name).field("lane_rate_ratio", c.lane_rate_ratio).field("bandwidth_ratio", c.bandwidth_ratio);
    j.key("per_devices").begin_array();
    for (std::size_t k = 0; k < w.devices.size(); ++k) {
      j.begin_object().field("devices", w.devices[k]).field("speedup", c.speedup[k]);
      j.key("step_speedup");
      if (k < c.step_speedup.size()) j.value(c.step_speedup[k]);
      else j.null();
      j.key("energy_ratio");
      if (k < c.energy_ratio.size()) j.value(c.energy_ratio[k]);
      else j.null();
      j.end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  j.end_object();
  j.done();
}

void write_throughput_hdf5(const std::filesystem::path& file, const System& sys, const workflows::SystemResult& r) {
  Hdf5Writer h(file);
  const Workload& w = r.workload;
  std::vector<double> devices(w.devices.begin(), w.devices.end());
  h.dataset("/devices", devices, "1", "device counts n of the workload (the index of every per-device dataset)");

  for (const auto& l : r.links) {
    const std::string g = "/links/" + l.name;
    using P = workflows::CollectivePoint;
    h.columns<P>(g, l.points,
                 {{"collective_time_s", "s", "alpha-beta time of the collective, one per training step", [](const P& p) { return p.time_s; }},
                  {"latency_time_s", "s", "latency term: steps x alpha", [](const P& p) { return p.latency_time_s; }},
                  {"bandwidth_time_s", "s", "bandwidth term: bus factor x S / B", [](const P& p) { return p.bandwidth_time_s; }},
                  {"algorithm_bandwidth_bytes_per_s", "B/s", "NCCL algBw = S / time (1 GB = 1e9 B)",
                   [](const P& p) { return p.algorithm_bandwidth_bytes_per_s; }},
                  {"bus_bandwidth_bytes_per_s", "B/s", "NCCL busBw = algBw x bus factor (1 GB = 1e9 B)",
                   [](const P& p) { return p.bus_bandwidth_bytes_per_s; }},
                  {"wire_bytes", "B", "payload bytes sent over all links in one step: n x bus factor x S",
                   [](const P& p) { return p.wire_bytes; }}});
    auto all = [&l](auto member) {
      return std::all_of(l.points.begin(), l.points.end(), [member](const P& p) { return (p.*member).has_value(); });
    };
    if (all(&P::energy_j))
      h.columns<P>(g, l.points, {{"energy_per_step_j", "J", "wire bytes x 8 / efficiency x energy per line bit",
                                  [](const P& p) { return *p.energy_j; }}});
    if (all(&P::step_time_s) && all(&P::communication_fraction))
      h.columns<P>(g, l.points,
                   {{"step_time_s", "s", "compute time + exposed communication", [](const P& p) { return *p.step_time_s; }},
                    {"communication_fraction", "1", "exposed communication / step time",
                     [](const P& p) { return *p.communication_fraction; }}});
    h.attribute(g, "lanes", static_cast<std::int64_t>(l.lanes));
    h.attribute(g, "direction", std::string(to_string(l.direction)));
    h.attribute(g, "lanes_per_direction", l.lanes_per_direction);
    h.attribute(g, "lane_rate_bps", l.lane_rate_bps);
    h.attribute(g, "rate_source", l.rate_searched ? "max-rate search" : "given");
    if (l.rate_searched) {
      h.attribute(g, "channel", l.channel);
      h.attribute(g, "modulation", channels::modulation_name(l.levels));
      h.attribute(g, "capped", static_cast<std::int64_t>(l.capped));
    }
    h.attribute(g, "encoding", l.encoding);
    h.attribute(g, "efficiency", l.efficiency);
    h.attribute(g, "line_rate_bps", l.line_rate_bps);
    h.attribute(g, "payload_bandwidth_bytes_per_s", l.payload_bandwidth_bytes_per_s);
    h.attribute(g, "alpha_s", l.alpha_s);
    if (l.energy_per_bit_j) h.attribute(g, "energy_per_bit_j", *l.energy_per_bit_j);
  }

  std::vector<std::string> names;
  for (const auto& l : r.links) names.push_back(l.name);
  h.strings("/summary/name", names, "link names, the order of every /summary dataset");
  using L = workflows::LinkResult;
  h.columns<L>("/summary", r.links,
               {{"lanes_per_direction", "1", "", [](const L& l) { return l.lanes_per_direction; }},
                {"lane_rate_bps", "b/s", "line rate per lane", [](const L& l) { return l.lane_rate_bps; }},
                {"line_rate_bps", "b/s", "line rate per direction", [](const L& l) { return l.line_rate_bps; }},
                {"efficiency", "1", "payload bits / line bits", [](const L& l) { return l.efficiency; }},
                {"payload_bandwidth_bytes_per_s", "B/s", "per direction, 1 GB = 1e9 B",
                 [](const L& l) { return l.payload_bandwidth_bytes_per_s; }},
                {"alpha_s", "s", "per-hop latency", [](const L& l) { return l.alpha_s; }}});

  for (const auto& c : r.comparison) {
    const std::string g = "/comparison/" + c.name;
    h.dataset(g + "/speedup", c.speedup, "1", "baseline collective time / this link's");
    if (c.step_speedup.size() == w.devices.size())
      h.dataset(g + "/step_speedup", c.step_speedup, "1", "baseline step time / this link's");
    if (c.energy_ratio.size() == w.devices.size())
      h.dataset(g + "/energy_ratio", c.energy_ratio, "1", "this link's energy per step / baseline's");
    h.attribute(g, "lane_rate_ratio", c.lane_rate_ratio);
    h.attribute(g, "bandwidth_ratio", c.bandwidth_ratio);
  }
  h.attribute("/comparison", "baseline", r.links[r.baseline].name);

  detail::command_attributes(h, "throughput");
  h.attribute("/", "source", r.source);
  h.attribute("/", "title", r.title);
  h.attribute("/", "system", sys.resolved_toml);
  for (const auto& l : sys.links)
    if (l.channel) h.attribute("/links/" + l.name, "channel_config", l.channel_config);
  h.attribute("/", "convention", kConvention);
  h.attribute("/", "parameters", w.parameters);
  h.attribute("/", "bytes_per_parameter", w.bytes_per_parameter);
  h.attribute("/", "message_bytes", r.message_bytes);
  h.attribute("/", "collective", collective_name(w.collective));
  h.attribute("/", "algorithm", std::string(solvers::to_string(w.algorithm)));
  if (w.compute_time_s) {
    h.attribute("/", "compute_time_s", *w.compute_time_s);
    h.attribute("/", "overlap", w.overlap);
  }
  h.commit();
}

}  // namespace phylane::io
