#pragma once
/// From a system description to its figures: per link the lane rate (given or searched), the
/// payload bandwidth per direction, and per device count the collective time per step, the NCCL
/// bus bandwidth and the energy per step; and a comparison of every link with the baseline.
/// Convention: 1 GB = 1e9 bytes; rates and bandwidths are per direction.
#include <optional>
#include <string>
#include <vector>

#include "solvers/max_rate.hpp"
#include "workflows/run_hooks.hpp"
#include "workflows/system.hpp"

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

/// One collective step of `workload` (its collective and algorithm over S = P x b bytes) on
/// `devices` devices over links of payload bandwidth B per direction [B/s] with per-hop latency
/// alpha [s]. The one place the collective's time and energy are accounted, for
/// `phylane throughput` (evaluate_system) and `phylane study` (run_study):
///   time (alpha-beta model, solvers::collective_time_s; R. Thakur, R. Rabenseifner, W. Gropp,
///   "Optimization of collective communication operations in MPICH", IJHPCA 19(1), 2005), e.g.
///   ring all-reduce 2 (n-1) alpha + 2 (n-1)/n S/B;
///   NCCL's algBw = S / time and busBw = algBw x bus factor (nccl-tests doc/PERFORMANCE.md);
///   wire bytes n x bus factor x S (what all links carry in the step) and, when energy_per_bit_j
///   is given, energy = wire bytes x 8 / efficiency x energy per line bit;
///   with workload.compute_time_s, the step time with `overlap` of the communication hidden.
/// @param devices  n >= 2
/// @param bandwidth_bytes_per_s  B > 0 (finite)
/// @param alpha_s  >= 0
/// @param efficiency  line coding efficiency, (0, 1]
/// @param energy_per_bit_j  per line bit [J], >= 0, or nullopt (no energy)
/// Throws std::invalid_argument naming the parameter and value otherwise.
/// Tested by: tests/workflows/study_test.cpp "[workflows][throughput]".
CollectivePoint collective_point(const Workload& workload, int devices, double bandwidth_bytes_per_s, double alpha_s,
                                 double efficiency, const std::optional<double>& energy_per_bit_j);

/// Evaluates every link: rate = "max" links run the max-rate search of their channel (NRZ/PAM4 as
/// `modulations`, the channel's [signal] criterion, 1 ... 224 Gb/s) and take the best modulation.
/// hooks.progress is called after each link; once hooks.stop is set the running search stops and
/// evaluate_system throws solvers::SearchInterrupted.
/// Throws std::runtime_error naming the link when no rate meets the target.
/// Tested by: tests/io/system_test.cpp (from system files)
SystemResult evaluate_system(const System& system, const RunHooks& hooks = {});

}  // namespace phylane::workflows
