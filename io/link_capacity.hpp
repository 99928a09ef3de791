#pragma once
/// The Shannon capacity of a configured link: its channel, the transmitter's power and the
/// receiver's noise, with the transmit spectrum water-filled (solvers/capacity.hpp).
#include <string>
#include <vector>

#include "io/config.hpp"
#include "solvers/capacity.hpp"
#include "solvers/pulse_response.hpp"

namespace phylane::io {

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
/// OMA's half-swing at the decision point. Throws InputError when there is no noise to bound it.
LinkCapacity link_capacity(const Config& cfg, const LinkCapacityOptions& options = {});

/// The same for the config's transmitter and receiver over another channel `h` (e.g. one element
/// stretched); `link` (optical configs) gives the levels and noise of that channel.
LinkCapacity link_capacity(const Config& cfg, const solvers::TransferFunction& h, const channels::OpticalLink* link,
                           const LinkCapacityOptions& options);

}  // namespace phylane::io
