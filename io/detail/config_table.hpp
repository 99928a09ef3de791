#pragma once
// Internal to phylane_io (includes toml++; never include from a public header).
// Loading a config from an already parsed TOML table, so that a caller can change values in the
// table first (parameter sweeps: io/sweep.cpp sets each axis value at its key path) and still get
// the loader's full validation: unknown keys with "did you mean", units, ranges, all at once.
#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include "io/config.hpp"

namespace phylane::io::detail {

/// Exactly load_config_text_in() after parsing: `name` is the source used in messages and in
/// Config::source, `base_dir` resolves relative file paths (Touchstone blocks). Throws InputError
/// with every diagnostic. Thread-safe (no shared mutable state).
Config load_config_table(const toml::table& table, const std::string& name, const std::filesystem::path& base_dir);

}  // namespace phylane::io::detail
