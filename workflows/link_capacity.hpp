#pragma once
/// The Shannon capacity of a configured link: its channel, the transmitter's power and the
/// receiver's noise, with the transmit spectrum water-filled (solvers/capacity.hpp).
#include <optional>
#include <string>
#include <vector>

#include "channels/link.hpp"
#include "solvers/capacity.hpp"
#include "solvers/pulse_response.hpp"
#include "workflows/rate.hpp"

namespace phylane::workflows {

struct LinkCapacityOptions {
  double bandwidth_hz = 0.0;  ///< top of the band; 0: copper/composed 100 GHz, optical 3 x the receiver noise bandwidth
  int points = 4000;          ///< cells of the midpoint rule
};

struct LinkCapacity {
  solvers::CapacityResult result;      ///< capacity, water level, PSD and SNR per cell
  std::vector<double> gain2;           ///< |H(f)|^2 per cell
  std::vector<double> noise_psd;       ///< N(f) [V^2/Hz] per cell (one-sided, at the decision reference)
  double tx_power_v2 = 0.0;            ///< the power constraint [V^2]
  double pam_power_v2 = 0.0;           ///< what the configured PAM-M delivers, A^2 (M+1) / (3 (M-1))
  double bandwidth_hz = 0.0;
  double snr_ceiling_db = 0.0;         ///< transmitter SNR cap (infinity = none)
  std::vector<std::string> assumptions;
};

/// Needs a [signal] section (transmit amplitude, noise) and a channel with a frequency response.
/// Copper: noise = [rx] noise_psd at the receiver input (white), power = A^2 with A the Tx peak
/// amplitude (the largest average power a driver of peak A delivers: a +-A binary waveform), the
/// Tx SNR as a per-frequency ceiling. Optical (conservative, docs/capacity.md): the largest
/// level's noise variance spread white over the receiver's noise bandwidth, at the decision
/// point, against the electrical response of the whole link; power = A^2 with A the received
/// OMA's half-swing at the decision point. Throws std::invalid_argument when there is no noise to bound it.
LinkCapacity link_capacity(const channels::Link& link, const LinkCapacityOptions& options = {});

/// The same for the config's transmitter and receiver over another channel `h` (e.g. one element
/// stretched); `optical` (optical links) gives the levels and noise of that channel.
LinkCapacity link_capacity(const channels::Link& link, const channels::TransferFunction& h, const channels::OpticalLink* optical,
                           const LinkCapacityOptions& options);

/// `phylane capacity`: the bound and, when `rate` is given, the achieved rate (max_rate() with
/// that request: by default NRZ and PAM4 with the link's criterion) as its fraction.
struct CapacityAnswer {
  LinkCapacity capacity;
  std::optional<MaxRateAnswer> rate;  ///< when asked for
  /// The achieved rate over the capacity (0 when no rate meets the target or none was searched).
  double fraction() const;
};
CapacityAnswer capacity(const channels::Link& link, const LinkCapacityOptions& options = {},
                        const std::optional<MaxRateRequest>& rate = MaxRateRequest{});

}  // namespace phylane::workflows
