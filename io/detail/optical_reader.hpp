#pragma once
// Internal to phylane_io: reading an optical [channel] (type = "optical").
#include <optional>

#include "channels/optical_link.hpp"
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// Reads laser, modulator, path, receiver and wdm from the [channel] table; on success fills `out`.
void read_optical(TableReader& ch, std::optional<channels::OpticalLink>& out, channels::OpticalInfo& info);

}  // namespace phylane::io::detail
