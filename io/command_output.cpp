#include "io/detail/command_output.hpp"

#include "io/version.hpp"

namespace phylane::io::detail {

JsonWriter& begin_command_json(JsonWriter& j, std::string_view command) {
  return j.begin_object().field("phylane_version", phylane_version()).field("command", command);
}

JsonWriter& begin_config_json(JsonWriter& j, std::string_view command, const Config& cfg) {
  return begin_command_json(j, command).field("config", cfg.source).field("name", cfg.title);
}

void command_attributes(Hdf5Writer& h, std::string_view command) {
  h.attribute("/", "phylane_version", phylane_version());
  h.attribute("/", "command", command);
}

void config_attributes(Hdf5Writer& h, std::string_view command, const Config& cfg) {
  command_attributes(h, command);
  h.attribute("/", "source", cfg.source);
  h.attribute("/", "config", cfg.stored_toml);
  h.attribute("/", "config_resolved", cfg.resolved_toml);
}

void optical_receiver_json(JsonWriter& j, const channels::ReceiverBandwidth& r) {
  j.key("optical_receiver").begin_object();
  j.field("bandwidth", r.follows_rate ? "follows_rate" : "fixed")
      .field("pd_bandwidth_ratio", r.pd_bandwidth_ratio)
      .field("tia_bandwidth_ratio", r.tia_bandwidth_ratio)
      .field("symbol_rate_baud", r.symbol_rate_baud)
      .field("pd_bandwidth_hz", r.pd_bandwidth_hz)
      .field("tia_bandwidth_hz", r.tia_bandwidth_hz)
      .field("tia_q", r.tia_q)
      .field("f3db_hz", r.f3db_hz)
      .field("noise_bandwidth_hz", r.noise_bandwidth_hz)
      .field("summary", r.summary());
  j.end_object();
}

void optical_receiver_hdf5(Hdf5Writer& h, std::string_view group, const channels::ReceiverBandwidth& r) {
  const std::string d = std::string(group) + "/optical_receiver/bandwidths_hz";
  const double bw[] = {r.pd_bandwidth_hz, r.tia_bandwidth_hz, r.f3db_hz, r.noise_bandwidth_hz};
  h.dataset(d, bw, "Hz", "photodiode, TIA, 3-dB of both, noise bandwidth of both, at symbol_rate_baud");
  h.attribute(d, "bandwidth", r.follows_rate ? "follows_rate" : "fixed");
  h.attribute(d, "pd_bandwidth_ratio", r.pd_bandwidth_ratio);
  h.attribute(d, "tia_bandwidth_ratio", r.tia_bandwidth_ratio);
  h.attribute(d, "symbol_rate_baud", r.symbol_rate_baud);
  h.attribute(d, "tia_q", r.tia_q);
  h.attribute(d, "summary", r.summary());
}

}  // namespace phylane::io::detail
