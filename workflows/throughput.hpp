#pragma once
/// From a system description to its figures: per link the lane rate (given or searched), the
/// payload bandwidth per direction, and per device count the collective time per step, the NCCL
/// bus bandwidth and the energy per step; and a comparison of every link with the baseline.
/// Convention: 1 GB = 1e9 bytes; rates and bandwidths are per direction.
#include <optional>
#include <string>
#include <vector>

#include "workflows/system.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::workflows {

/// One collective on n devices over one link.
struct CollectivePoint {
  int devices = 0;
  double time_s = 0.0;             ///< alpha-beta time of the collective (one per step)
  double latency_time_s = 0.0;     ///< its latency term (steps x alpha)
  double bandwidth_time_s = 0.0;   ///< its bandwidth term (bus factor x S / B)
  double algorithm_bandwidth_bytes_per_s = 0.0;  ///< S / time (NCCL algBw)
  double bus_bandwidth_bytes_per_s = 0.0;        ///< algBw x bus factor (NCCL busBw; = B when alpha = 0)
  double bus_factor = 0.0;         ///< 2(n-1)/n all-reduce, (n-1)/n otherwise
  double wire_bytes = 0.0;         ///< payload bytes sent over all links in the step: n x bus factor x S
  std::optional<double> energy_j;  ///< wire_bytes x 8 / efficiency x energy per bit
  std::optional<double> step_time_s;             ///< compute + exposed communication
  std::optional<double> communication_fraction;  ///< exposed communication / step time
};

struct LinkResult {
  std::string name;
  int lanes = 0;
  double lanes_per_direction = 0.0;
  LaneDirection direction = LaneDirection::each;
  double lane_rate_bps = 0.0;      ///< line rate per lane
  bool rate_searched = false;      ///< rate = "max"
  std::string channel;             ///< searched: the config's source ("preset:NAME" or path)
  std::string channel_title;
  int levels = 0;                  ///< searched: the modulation chosen (2 NRZ, 4 PAM4, ...)
  bool capped = false;             ///< searched: the top of the search range still met the target
  std::optional<solvers::MaxRateResult> search;  ///< searched: the full search result
  std::string encoding;
  std::string encoding_source;
  double efficiency = 1.0;
  double line_rate_bps = 0.0;      ///< per direction: lanes per direction x lane rate
  double payload_bandwidth_bytes_per_s = 0.0;  ///< per direction: line rate x efficiency / 8
  double alpha_s = 0.0;
  std::optional<double> energy_per_bit_j;
  std::vector<CollectivePoint> points;  ///< one per workload device count, same order
};

/// A link against the baseline: ratios > 1 mean "more" (rate, bandwidth, speedup, energy).
struct LinkComparison {
  std::string name;
  double lane_rate_ratio = 0.0;    ///< lane rate / baseline lane rate
  double bandwidth_ratio = 0.0;    ///< payload bandwidth / baseline payload bandwidth
  std::vector<double> speedup;     ///< per device count: baseline collective time / this link's
  std::vector<double> step_speedup;  ///< per device count (with compute time): baseline step / this step
  std::vector<double> energy_ratio;  ///< per device count (both with energy): this energy / baseline's
};

struct SystemResult {
  std::string source;
  std::string title;
  Workload workload;
  double message_bytes = 0.0;      ///< S = P x b
  std::size_t baseline = 0;
  std::vector<LinkResult> links;
  std::vector<LinkComparison> comparison;  ///< every link, baseline included (ratios 1)
};

/// Evaluates every link: rate = "max" links run the max-rate search of their channel (NRZ/PAM4 as
/// `modulations`, the channel's [signal] criterion, 1 ... 224 Gb/s) and take the best modulation.
/// Throws std::runtime_error naming the link when no rate meets the target.
/// Tested by: tests/io/system_test.cpp (from system files)
SystemResult evaluate_system(const System& system);

}  // namespace phylane::workflows
