#pragma once
/// Machine outputs of `phylane throughput`: JSON (units in field names) and HDF5 (every dataset
/// with a units attribute). Layout in docs/throughput.md.
#include <filesystem>
#include <ostream>

#include "io/system.hpp"
#include "workflows/throughput.hpp"

namespace phylane::io {

void write_throughput_json(std::ostream& os, const System& sys, const workflows::SystemResult& r);

/// /devices; /links/<name>/{collective_time_s, latency_time_s, bandwidth_time_s,
/// algorithm_bandwidth_bytes_per_s, bus_bandwidth_bytes_per_s, wire_bytes, [energy_per_step_j],
/// [step_time_s, communication_fraction]} with the link's scalars as attributes;
/// /summary/{name, lanes_per_direction, lane_rate_bps, line_rate_bps, efficiency,
/// payload_bandwidth_bytes_per_s, alpha_s}; /comparison/<name>/{speedup, [step_speedup], [energy_ratio]}; root attributes:
/// version, command, source, system (resolved TOML), convention, workload.
void write_throughput_hdf5(const std::filesystem::path& file, const System& sys, const workflows::SystemResult& r);

}  // namespace phylane::io
