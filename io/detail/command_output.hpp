#pragma once
// Internal to phylane_io: what every command's result file starts with, written in one place for
// the JSON and HDF5 writers of loss, eye, maxrate/reach, throughput, claims, study and sweep. JSON
// output opens with phylane_version and command (then, for a command run on a channel config, its
// config source and name); HDF5 files carry phylane_version and command as root attributes (and
// the config's source, stored TOML and resolved TOML). The JSON contract is checked by
// tests/app/cli_contract_test.cpp.
#include <string_view>

#include "io/config.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io::detail {

/// Opens the top-level object and writes "phylane_version" and "command".
JsonWriter& begin_command_json(JsonWriter& j, std::string_view command);
/// begin_command_json, then "config" (cfg.source) and "name" (cfg.title).
JsonWriter& begin_config_json(JsonWriter& j, std::string_view command, const Config& cfg);

/// Root attributes phylane_version and command.
void command_attributes(Hdf5Writer& h, std::string_view command);
/// command_attributes, then source (cfg.source), config (cfg.stored_toml) and config_resolved
/// (cfg.resolved_toml).
void config_attributes(Hdf5Writer& h, std::string_view command, const Config& cfg);

/// "optical_receiver": {bandwidth ("fixed" or "follows_rate"), pd_bandwidth_ratio,
/// tia_bandwidth_ratio (0 where fixed), symbol_rate_baud, pd_bandwidth_hz, tia_bandwidth_hz, tia_q,
/// f3db_hz, noise_bandwidth_hz, summary}: which optical receiver a result was computed with.
void optical_receiver_json(JsonWriter& j, const channels::ReceiverBandwidth& r);
/// The same as `group`/optical_receiver/bandwidths_hz [pd, tia, f3db, noise] with the rest as
/// its attributes.
void optical_receiver_hdf5(Hdf5Writer& h, std::string_view group, const channels::ReceiverBandwidth& r);

}  // namespace phylane::io::detail
