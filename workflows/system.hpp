#pragma once
/// A system for `phylane throughput` and the study: links (lanes x per-lane rate x coding
/// efficiency, per-hop latency, energy per bit) and a training workload (a collective over the
/// model's parameters on n devices). Plain values: io/system.hpp reads them from system files
/// (docs/throughput.md); workflows/throughput.hpp evaluates them.
/// Convention: 1 GB = 1e9 bytes; rates and bandwidths are per direction.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/link.hpp"
#include "solvers/throughput.hpp"

namespace phylane::workflows {

/// How `lanes` are counted.
enum class LaneDirection {
  each,    ///< `lanes` lanes in each direction (full duplex: a PCIe x16 link, a fibre pair)
  shared,  ///< `lanes` lanes shared by both directions: lanes / 2 each way (one WDM fibre split)
};
std::string_view to_string(LaneDirection d);

/// One link of the system, as given (the rate may still have to be searched).
struct LinkSpec {
  std::string name;                  ///< unique; letters, digits, - _ . +
  int lanes = 1;                     ///< >= 1 (even when direction is shared)
  LaneDirection direction = LaneDirection::each;
  /// Per-lane line rate [b/s] when given as a number ("32 GT/s", "106.25 Gb/s"); nullopt when
  /// the rate is the maximum the channel below supports (rate = "max").
  std::optional<double> lane_rate_bps;
  /// rate = "max": the channel (config file or preset) whose maximum per-lane rate is searched.
  std::shared_ptr<const channels::Link> channel;
  /// rate = "max": the channel's config as given, for result files (io: Config::stored_toml).
  std::string channel_config;
  std::vector<int> modulations = {2, 4};  ///< levels compared by the search (rate = "max")
  solvers::Encoding encoding;        ///< named (solvers::encoding) or {"custom", efficiency}
  double alpha_s = 0.0;              ///< per-hop (per collective step) latency [s], >= 0
  std::optional<double> energy_per_bit_j;  ///< per line bit [J], e.g. 5e-12; optional

  /// Lanes carrying one direction: lanes (each) or lanes / 2 (shared).
  double lanes_per_direction() const;
};

/// The training step whose communication is modelled.
struct Workload {
  double parameters = 0.0;           ///< model parameters P, > 0
  double bytes_per_parameter = 2.0;  ///< b (2 for bf16), > 0
  std::vector<int> devices;          ///< device counts n, each >= 2
  solvers::Collective collective = solvers::Collective::all_reduce;
  solvers::Algorithm algorithm = solvers::Algorithm::ring;
  std::optional<double> compute_time_s;  ///< compute time per step [s] (for the communication fraction)
  double overlap = 0.0;              ///< fraction of the communication hidden behind compute, [0, 1]

  /// Message size S of the collective [B] = P x b.
  double message_bytes() const { return parameters * bytes_per_parameter; }
};

struct System {
  std::string source;       ///< file path, or "system:NAME" for an embedded one
  std::string title;
  std::string description;
  std::vector<LinkSpec> links;
  std::size_t baseline = 0;  ///< index of the link the others are compared with
  Workload workload;
  /// The description as used, every default explicit (for result files).
  std::string resolved_toml;
};

}  // namespace phylane::workflows
