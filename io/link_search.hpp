#pragma once
/// A config as the rate and reach searches see it: the channel's transfer function with its bulk
/// delay removed (tabulated for Touchstone-bearing channels), the eye at any rate and modulation,
/// and the channel at another length of one of its elements.
#include <functional>
#include <optional>
#include <string>

#include "io/config.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::io {

/// The channel for searches up to `max_rate_bps` (NRZ baud): copper, composed, optical or an
/// impulse response. Throws InputError for a pulse channel (no frequency response).
solvers::TransferFunction search_channel(const Config& cfg, double max_rate_bps);

/// The eye at a symbol rate and modulation: the config's Tx and Rx following the rate
/// (EyeSettings::at), 16 samples per UI, no eye-margin re-ranking (speed); optical levels from the
/// link. `cfg` must outlive the function. Thread-safe.
/// Max-rate search options carrying the config's [signal] criterion: required margin and the eye
/// mask (per modulation where given). Needs cfg.eye.
solvers::MaxRateOptions rate_criterion(const Config& cfg);

solvers::EyeAtRate search_eye(const Config& cfg, const solvers::TransferFunction& h);

/// The channel with one element at another length.
struct Stretched {
  solvers::TransferFunction h;                ///< bulk delay removed
  std::optional<channels::OpticalLink> link;  ///< optical: the rebuilt link (its levels follow the loss)
  double delay_s = 0.0;                       ///< the bulk delay removed from h (0 where h has none)
};
struct Stretch {
  std::string label;           ///< "trace segment 2 (main route)", ...
  double base_length_m = 0.0;  ///< the length in the config
  std::function<Stretched(double length_m)> at;
};

/// `which`: a 1-based index into the segments (copper) or the path (optical), or a name; empty:
/// the longest trace (copper), the fiber or else the longest waveguide (optical). fmax_hz bounds
/// the band where the bulk delay is measured. Throws InputError naming the allowed elements.
Stretch stretchable(const Config& cfg, const std::string& which, double fmax_hz);

}  // namespace phylane::io
