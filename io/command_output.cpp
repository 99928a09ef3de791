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

}  // namespace phylane::io::detail
