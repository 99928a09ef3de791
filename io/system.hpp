#pragma once
/// Reading a system description for `phylane throughput` (workflows/system.hpp) from a file; the
/// format is documented in docs/throughput.md.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/config.hpp"
#include "workflows/system.hpp"

namespace phylane::io {

// The value types live in workflows/system.hpp; io reads them from files.
using workflows::LaneDirection;
using workflows::LinkSpec;
using workflows::System;
using workflows::Workload;
using workflows::to_string;

/// Loads a system file. Relative `config` paths resolve against the file's folder. Throws
/// InputError listing every problem (file:line:col: key = value: what is allowed), including those
/// of the channel configs it references. Tested by: tests/io/system_test.cpp
System load_system(const std::filesystem::path& file);
/// Loads system text; `name` is used in messages; `config` paths resolve against base_dir.
System load_system_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);
/// An embedded system (data/systems/NAME.toml).
System load_embedded_system(std::string_view name);
std::vector<std::string> system_names();
/// The system `phylane throughput` evaluates when given no file.
std::string default_system_name();

}  // namespace phylane::io
