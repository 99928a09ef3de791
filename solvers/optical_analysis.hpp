#pragma once
/// Derived figures of an optical link from its statistical eye: receiver sensitivity (the received
/// OMA at which the eye just meets the target BER, solved by bisection), link margin, the maximum
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
};

/// Tested by: tests/io/optical_analysis_test.cpp
OpticalAnalysis analyze_optical(const channels::OpticalLink& link, const EyeLinkSpec& spec, int wavelengths = 1,
                                double bit_rate_bps = 0.0);

/// The sensitivity alone: received OMA [W] at which the statistical eye of `link` (with `spec`'s
/// signalling and equalizer settings) just meets spec.target_ber. Returns a negative value when
/// no power reaches it.
double optical_sensitivity_oma_w(const channels::OpticalLink& link, const EyeLinkSpec& spec);

}  // namespace phylane::solvers
