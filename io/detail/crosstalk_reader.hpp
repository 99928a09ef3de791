#pragma once
// Internal to phylane_io: reading [[crosstalk]] into the eye specification's aggressors.
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// Reads the [[crosstalk]] array of the root table (docs/crosstalk.md) into eye->spec.crosstalk.
/// Needs the channel already read (cfg.copper() or cfg.composed(): the victim, for the terminations of
/// measured paths and the route named by `through`). Errors go to the context.
void read_crosstalk(TableReader& root, Config& cfg);

}  // namespace phylane::io::detail
