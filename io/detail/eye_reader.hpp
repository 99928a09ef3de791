#pragma once
// Internal to phylane_io: reading [signal], [tx] and [rx] into an eye specification.
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// Reads the three sections from the root table; `optical` selects the receiver defaults.
/// On success fills `out`.
void read_eye_sections(TableReader& root, bool optical, std::optional<EyeSettings>& out);

}  // namespace phylane::io::detail
