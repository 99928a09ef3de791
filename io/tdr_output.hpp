#pragma once
/// Machine outputs of `phylane tdr`: JSON (units in field names) and HDF5 (units attributes).
/// Format in docs/tdr.md.
#include <filesystem>
#include <ostream>

#include "io/config.hpp"
#include "workflows/tdr.hpp"

namespace phylane::io {

/// JSON: time_s, distance_m, impedance_ohm, rho (differential for a 4-port), common_mode {...},
/// tdt, and the settings (rise time, edge, thru delay, velocity and its basis).
void write_tdr_json(std::ostream& os, const Config& cfg, const workflows::TdrAnswer& a);

/// HDF5: /time_s, /distance_m, /impedance_ohm, /rho, /tdt, /common_mode/{impedance_ohm, rho};
/// root attributes as every command's plus the settings. Written to a temporary name, then renamed.
void write_tdr_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::TdrAnswer& a);

}  // namespace phylane::io
