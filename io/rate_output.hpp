#pragma once
/// Machine outputs of `phylane maxrate` and `phylane reach`: JSON (units in field names) and HDF5
/// (every dataset with a units attribute; the eye at each answer under its own group).
#include <filesystem>
#include <ostream>

#include "io/config.hpp"
#include "workflows/rate.hpp"

namespace phylane::io {

void write_maxrate_json(std::ostream& os, const Config& cfg, const workflows::MaxRateAnswer& a);

/// /<modulation>/curve/{rate_bps, symbol_rate_baud, margin_db, eye_height_v, eye_width_ui, meets},
/// /<modulation>/at_max/{pulse, eye, equalizer} (write_eye_groups), modulation attributes
/// max_rate_bps, found, capped; root attributes: version, command, config, criterion, best.
void write_maxrate_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::MaxRateAnswer& a);


void write_reach_json(std::ostream& os, const Config& cfg, const workflows::ReachAnswer& a);
/// /curve/{length_m, margin_db, eye_height_v, eye_width_ui, meets}, /at_max/{pulse, eye, equalizer}.
void write_reach_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::ReachAnswer& a);

}  // namespace phylane::io
