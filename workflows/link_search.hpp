#pragma once
/// A link as the rate and reach searches see it: the channel's transfer function with its bulk
/// delay removed (tabulated for Touchstone-bearing channels), the eye at any rate and modulation,
/// and the channel at another length of one of its elements.
#include <functional>
#include <optional>
#include <string>

#include "channels/link.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::workflows {

/// The channel for searches up to `max_rate_bps` (NRZ baud): copper, composed, optical or an
/// impulse response. Throws std::invalid_argument for a pulse channel (no frequency response).
channels::TransferFunction search_channel(const channels::Link& link, double max_rate_bps);

/// Above this frequency [Hz] search_channel's and Stretch::at's functions are exactly 0: the link's
/// own limit (Link::zero_above_hz, Touchstone blocks tapered to 0) plus two steps of the table
/// they may be interpolated from (linear between points). For EyeLinkSpec::zero_above_hz.
double search_zero_above_hz(const channels::Link& link);

/// Max-rate search options carrying the link's [signal] criterion: required margin and the eye
/// mask (per modulation where given). Needs link.signalling.
solvers::MaxRateOptions rate_criterion(const channels::Link& link);

/// The eye at a symbol rate and modulation: the link's Tx and Rx following the rate
/// (LinkSignalling::at), 16 samples per UI, no eye-margin re-ranking (speed); optical levels from the
/// link. `link` must outlive the function. Thread-safe.
solvers::EyeAtRate search_eye(const channels::Link& link, const channels::TransferFunction& h);

/// The channel with one element at another length.
struct Stretched {
  channels::TransferFunction h;                ///< bulk delay removed
  std::optional<channels::OpticalLink> link;  ///< optical: the rebuilt link (its levels follow the loss)
  double delay_s = 0.0;                       ///< the bulk delay removed from h (0 where h has none)
};
struct Stretch {
  std::string label;           ///< "trace segment 2 (main route)", ...
  double base_length_m = 0.0;  ///< the length in the config
  std::function<Stretched(double length_m)> at;
  /// The loss at a length without building the channel for an eye: copper and composed
  /// -20 log10 |H(f_hz)| (one frequency), optical the passive path loss (f_hz unused).
  std::function<double(double length_m, double f_hz)> loss_db;
};

/// `which`: a 1-based index into the segments (copper) or the path (optical), or a name; empty:
/// the longest trace (copper), the fiber or else the longest waveguide (optical). fmax_hz bounds
/// the band where the bulk delay is measured. Throws std::invalid_argument naming the allowed elements.
Stretch stretchable(const channels::Link& link, const std::string& which, double fmax_hz);

}  // namespace phylane::workflows
