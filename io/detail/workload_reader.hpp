#pragma once
/// The [workload] table of system and study files (docs/throughput.md "workload"): parameters
/// (required), bytes_per_parameter, devices (required), collective, algorithm, compute_time and
/// overlap, validated with file:line diagnostics into ctx. Used by io/system_reader.cpp and
/// io/study.cpp so the two files read one workload the same way.
#include "io/detail/toml_reader.hpp"
#include "workflows/system.hpp"

namespace phylane::io::detail {

workflows::Workload read_workload(TableReader& r);

}  // namespace phylane::io::detail
