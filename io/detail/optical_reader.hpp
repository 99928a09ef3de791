#pragma once
// Internal to phylane_io: reading an optical [channel] (type = "optical").
#include <optional>
#include <string>
#include <vector>

#include "channels/optical_link.hpp"
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// An optical [channel] as read, before it is built: a receiver that follows the rate needs the
/// [signal] rate, which is read after the channel.
struct OpticalParts {
  channels::Laser laser;
  channels::Modulator modulator;
  std::vector<channels::PathElement> path;
  channels::Receiver receiver;  ///< a following bandwidth: its ratio set, its _hz value 0
  const toml::node* table = nullptr;  ///< [channel], for errors in building
  std::string table_path;
  const toml::node* ratio = nullptr;  ///< the first *_bandwidth_ratio given, or nullptr
  std::string ratio_key;
};

/// Reads laser, modulator, path, receiver and wdm from the [channel] table; on success fills `out`.
void read_optical(TableReader& ch, std::optional<OpticalParts>& out, channels::OpticalInfo& info);

/// Builds the link, a following receiver at `symbol_rate_baud` (the [signal] rate; nullopt: none
/// given, an error when the receiver follows the rate). Errors go to ctx; on success fills `out`.
void build_optical(Context& ctx, const OpticalParts& parts, std::optional<double> symbol_rate_baud,
                   std::optional<channels::OpticalLink>& out);

}  // namespace phylane::io::detail
