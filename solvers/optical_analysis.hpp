#pragma once
/// Derived figures of an optical link from its statistical eye: receiver sensitivity (the received
/// OMA at which the BER at the optimum sampling phase and decision thresholds equals the target,
/// solved by bisection: sensitivity_criterion), link margin, the maximum
/// channel loss, the power penalties of extinction ratio, ISI, RIN and dispersion (each the
/// sensitivity change when that impairment is removed), the WDM crosstalk penalty, and energy per
/// bit.
#include <string>
#include <vector>

#include "channels/optical_link.hpp"
#include "solvers/eye_analysis.hpp"

namespace phylane::solvers {

struct OpticalPenalties {
  double extinction_ratio_db = 0.0;  ///< sensitivity in average power at the link's ER minus at ER = 30 dB
  double isi_db = 0.0;               ///< sensitivity (OMA) with the equalized pulse minus its main cursor alone
  double rin_db = 0.0;               ///< with the laser's RIN minus without
  double dispersion_db = 0.0;        ///< with the fiber's dispersion minus without
  double crosstalk_db = 0.0;         ///< WDM: -10 log10(1 - X), X = 2 x adjacent crosstalk (two neighbours)
};

/// What the sensitivity and every penalty are solved for (reported with the results).
inline constexpr const char* sensitivity_criterion =
    "BER at the optimum sampling phase with each decision threshold at its optimum (level-dependent "
    "noise: where the two Gaussian tails balance, Personick) equals the target";

struct OpticalAnalysis {
  EyeAnalysis eye;                        ///< at the link as described
  bool reachable = true;                  ///< false if no received power meets the target (RIN floor)
  std::string reason;
  double received_oma_dbm = 0.0;
  double received_average_dbm = 0.0;
  double sensitivity_oma_dbm = 0.0;       ///< OMA at the photodiode where the eye just meets the target
  double sensitivity_average_dbm = 0.0;
  double link_margin_db = 0.0;            ///< received OMA minus sensitivity, minus the crosstalk penalty
  double max_channel_loss_db = 0.0;       ///< path loss that would use up the margin
  OpticalPenalties penalties;
  int wavelengths = 1;
  double lane_rate_bps = 0.0;
  double aggregate_rate_bps = 0.0;        ///< wavelengths x lane rate
  double energy_per_bit_j = 0.0;          ///< electrical power / lane rate
  /// Receiver noise rms at the decision point of each level, lowest first, with the chosen CTLE's
  /// noise gain [V] (thermal, shot and RIN integrated over the noise bandwidth).
  std::vector<double> noise_per_level_v;
  double noise_bandwidth_hz = 0.0;        ///< Int |H_pd H_tia|^2 df of the photodiode x TIA [Hz]
  channels::ReceiverBandwidth receiver;   ///< the receiver at this rate: fixed or following the rate
  /// Personick's Q of each eye at the equalized main cursor, ISI-free: level spacing
  /// 2 A h0 / (M - 1) over (sigma_k + sigma_k+1); q_factor is the smallest.
  std::vector<double> q_per_eye;
  double q_factor = 0.0;
  std::string criterion = sensitivity_criterion;  ///< what the sensitivity is solved for
};

/// Tested by: tests/io/optical_analysis_test.cpp
OpticalAnalysis analyze_optical(const channels::OpticalLink& link, const EyeLinkSpec& spec, int wavelengths = 1,
                                double bit_rate_bps = 0.0);

/// The sensitivity alone: received OMA [W] at which the statistical eye of `link` (with `spec`'s
/// signalling and equalizer settings) just meets spec.target_ber. Returns a negative value when
/// no power reaches it.
double optical_sensitivity_oma_w(const channels::OpticalLink& link, const EyeLinkSpec& spec);

}  // namespace phylane::solvers
