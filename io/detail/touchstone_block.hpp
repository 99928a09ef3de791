#pragma once
// Internal to phylane_io: a Touchstone file named in a config table (`file`, `port_order`) read
// as a channel block, for channel segments, whole Touchstone channels and crosstalk paths.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "channels/composed_channel.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// Reads keys `file` (relative to base_dir) and `port_order` (4-ports, default "12-34") of t; a
/// 4-port is put in inputs-outputs order. `ports` receives the file's port count; `what` names the
/// use in the message for other counts ("a channel block needs a 2-port or a 4-port"). With
/// `thru_check` a 4-port's port order must fit the thrus its data show (detect_thru_pairing,
/// io/touchstone_ports.hpp); a crosstalk path has no thru and passes false. Errors go to t's
/// context; returns nullopt then.
std::optional<channels::ChannelBlock> read_touchstone_block(TableReader& t, const std::string& name,
                                                            const std::filesystem::path& base_dir, int& ports,
                                                            std::string_view what = "a channel block",
                                                            bool thru_check = true);

}  // namespace phylane::io::detail
