#pragma once
// Internal to phylane_io: reading a pulse channel ([channel] type = "pulse").
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {
void read_pulse_channel(TableReader& ch, std::optional<channels::SampledResponse>& out);
}  // namespace phylane::io::detail
