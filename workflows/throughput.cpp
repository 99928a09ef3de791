#include "workflows/throughput.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include "workflows/rate.hpp"

namespace phylane::workflows {

namespace {

/// The max-rate search of a rate = "max" link, with its channel's [signal] criterion (the same
/// criterion `phylane maxrate` applies, per-modulation eye masks included).
solvers::MaxRateResult search_rate(const LinkSpec& l, const std::atomic<bool>* stop) {
  MaxRateRequest rq;
  rq.levels = l.modulations;
  rq.stop = stop;
  return max_rate(*l.channel, rq).result;
}

}  // namespace

CollectivePoint collective_point(const Workload& w, int n, double bandwidth, double alpha_s, double efficiency,
                                 const std::optional<double>& energy_per_bit_j) {
  // Preconditions, each named with its value (shortest round-trip text) and the rule.
  auto check = [](bool ok, const char* name, double value, const char* rule) {
    if (ok) return;
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    throw std::invalid_argument(std::string("collective_point: ") + name + " = " + std::string(text, end) + ": " + rule);
  };
  check(n >= 2, "devices", n, "must be >= 2");
  check(bandwidth > 0.0 && std::isfinite(bandwidth), "bandwidth [B/s]", bandwidth, "must be positive and finite");
  check(alpha_s >= 0.0, "alpha [s]", alpha_s, "must be >= 0");
  check(efficiency > 0.0 && efficiency <= 1.0, "efficiency", efficiency, "must be in (0, 1]");
  if (energy_per_bit_j) check(*energy_per_bit_j >= 0.0, "energy per bit [J]", *energy_per_bit_j, "must be >= 0");
  check(w.message_bytes() > 0.0, "parameters x bytes per parameter", w.message_bytes(), "must be > 0");
  CollectivePoint p;
  p.devices = n;
  const double s = w.message_bytes();
  p.time_s = solvers::collective_time_s(w.collective, w.algorithm, n, s, bandwidth, alpha_s);
  // The latency term alone: the same collective moving no data.
  p.latency_time_s = solvers::collective_time_s(w.collective, w.algorithm, n, 0.0, bandwidth, alpha_s);
  p.bus_factor = solvers::bus_factor(w.collective, n);
  p.bandwidth_time_s = p.bus_factor * s / bandwidth;
  // NCCL's definitions (nccl-tests doc/PERFORMANCE.md): algBw = S / t, busBw = algBw x bus factor.
  p.algorithm_bandwidth_bytes_per_s = s / p.time_s;
  p.bus_bandwidth_bytes_per_s = p.algorithm_bandwidth_bytes_per_s * p.bus_factor;
  // Every device sends bus factor x S bytes in the step (ring: 2(n-1) chunks of S/n for
  // all-reduce; a (double) binary tree sends S up and S down each of its n-1 edges: the same
  // 2(n-1) S in total).
  p.wire_bytes = n * p.bus_factor * s;
  if (energy_per_bit_j) p.energy_j = solvers::transfer_energy_j(p.wire_bytes, efficiency, *energy_per_bit_j);
  if (w.compute_time_s) {
    const double hidden = std::min(w.overlap * p.time_s, *w.compute_time_s);
    const double exposed = p.time_s - hidden;
    p.step_time_s = *w.compute_time_s + exposed;
    p.communication_fraction = exposed / *p.step_time_s;
  }
  return p;
}

SystemResult evaluate_system(const System& sys, const RunHooks& hooks) {
  if (sys.links.empty()) throw std::invalid_argument("evaluate_system: the system has no links");
  if (sys.baseline >= sys.links.size()) throw std::invalid_argument("evaluate_system: baseline index out of range");
  if (sys.workload.devices.empty()) throw std::invalid_argument("evaluate_system: the workload has no device counts");
  if (!(sys.workload.parameters > 0.0) || !(sys.workload.bytes_per_parameter > 0.0))
    throw std::invalid_argument("evaluate_system: parameters and bytes per parameter must be > 0");
  for (int n : sys.workload.devices)
    if (n < 2) throw std::invalid_argument("evaluate_system: device counts must be >= 2");

  SystemResult res;
  res.source = sys.source;
  res.title = sys.title;
  res.workload = sys.workload;
  res.message_bytes = sys.workload.message_bytes();
  res.baseline = sys.baseline;

  for (const auto& l : sys.links) {
    hooks.throw_if_stopped();
    LinkResult lr;
    lr.name = l.name;
    lr.lanes = l.lanes;
    lr.direction = l.direction;
    lr.lanes_per_direction = l.lanes_per_direction();
    if (l.lane_rate_bps) {
      lr.lane_rate_bps = *l.lane_rate_bps;
    } else {
      if (!l.channel || !l.channel->signalling)
        throw std::invalid_argument("evaluate_system: link " + l.name + " has neither a rate nor a channel with [signal] to search");
      auto r = search_rate(l, hooks.stop);
      if (!r.found)
        throw std::runtime_error("link " + l.name + " (" + l.channel->source + "): no per-lane rate meets the target: " + r.reason);
      lr.rate_searched = true;
      lr.channel = l.channel->source;
      lr.channel_title = l.channel->title;
      lr.lane_rate_bps = r.max_rate_bps;
      lr.levels = r.best_levels;
      for (const auto& m : r.per_modulation)
        if (m.levels == r.best_levels) lr.capped = m.capped;
      lr.search = std::move(r);
    }
    lr.encoding = l.encoding.name;
    lr.encoding_source = l.encoding.source;
    lr.efficiency = l.encoding.efficiency;
    lr.line_rate_bps = lr.lanes_per_direction * lr.lane_rate_bps;
    // lanes x rate x efficiency / 8 per direction; shared lanes give half of them to each way.
    lr.payload_bandwidth_bytes_per_s =
        l.direction == LaneDirection::each
            ? solvers::link_bandwidth_bytes_per_s(l.lanes, lr.lane_rate_bps, lr.efficiency)
            : solvers::link_bandwidth_bytes_per_s(l.lanes / 2, lr.lane_rate_bps, lr.efficiency);
    lr.alpha_s = l.alpha_s;
    lr.energy_per_bit_j = l.energy_per_bit_j;
    for (int n : sys.workload.devices)
      lr.points.push_back(
          collective_point(sys.workload, n, lr.payload_bandwidth_bytes_per_s, lr.alpha_s, lr.efficiency, lr.energy_per_bit_j));
    res.links.push_back(std::move(lr));
    if (hooks.progress) hooks.progress(res.links.size(), sys.links.size());
  }
  hooks.throw_if_stopped();

  const LinkResult& base = res.links[res.baseline];
  for (const auto& lr : res.links) {
    LinkComparison c;
    c.name = lr.name;
    c.lane_rate_ratio = lr.lane_rate_bps / base.lane_rate_bps;
    c.bandwidth_ratio = lr.payload_bandwidth_bytes_per_s / base.payload_bandwidth_bytes_per_s;
    for (std::size_t k = 0; k < lr.points.size(); ++k) {
      const auto& p = lr.points[k];
      const auto& b = base.points[k];
      c.speedup.push_back(b.time_s / p.time_s);
      if (p.step_time_s && b.step_time_s) c.step_speedup.push_back(*b.step_time_s / *p.step_time_s);
      if (p.energy_j && b.energy_j) c.energy_ratio.push_back(*p.energy_j / *b.energy_j);
    }
    res.comparison.push_back(std::move(c));
  }
  return res;
}

}  // namespace phylane::workflows
