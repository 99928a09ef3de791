#pragma once
/// Return loss and mode conversion of a channel's network at named frequencies: the figures an SI
/// engineer reads first on a measured or composed channel, beside its insertion loss. One function
/// for `phylane check` (a Touchstone file) and `phylane loss` (a composed channel referenced to its
/// terminations). Tested by: tests/io/port_figures_test.cpp.
#include <limits>
#include <span>
#include <vector>

#include "channels/network.hpp"

namespace phylane::channels {

/// The figures at one frequency, each 20 log10 |S| [dB] (<= 0 for a passive network; the return
/// loss is its negative; |S| floored at 1e-300, -6000 dB, where S is 0). NaN where not defined
/// (mode conversion of a 2-port or of a pair modelled as one pure mode; outside the data).
struct PortFigures {
  double freq_hz = 0.0;
  bool mixed_mode = false;   ///< true: a mixed-mode pair (SDD11, SDD22, SCD21, SDC21); false: S11, S22 only
  double s11_db = std::numeric_limits<double>::quiet_NaN();    ///< S11, or SDD11 (differential in, side 1)
  double s22_db = std::numeric_limits<double>::quiet_NaN();    ///< S22, or SDD22 (side 2)
  /// SCD21: common mode out at side 2 for differential drive at side 1 (the pair's imbalance seen
  /// as EMI and as noise the receiver's CMRR must reject); SDC21: differential out at side 2 for
  /// common-mode drive at side 1 (common-mode noise converted into the signal).
  double scd21_db = std::numeric_limits<double>::quiet_NaN();
  double sdc21_db = std::numeric_limits<double>::quiet_NaN();
};

/// Figures of a 2-port, or of a mixed-mode 4-port [D1, D2, C1, C2] (to_mixed_mode's port order),
/// at each of its frequencies.
std::vector<PortFigures> port_figures(const Network& net);

/// Figures of a single-mode channel given by its reflections at each frequency (S11 and S22 of a
/// 2-port, or SDD11 and SDD22 of a pair modelled as one pure mode, which converts nothing).
std::vector<PortFigures> port_figures(std::span<const double> freq_hz, std::span<const cplx> s11,
                                      std::span<const cplx> s22);

/// The same at `freq_hz` (ascending or not), interpolated inside the data by resample() (the
/// delay-removed spline of channels/resample.hpp); a frequency outside [first, last] of the data
/// gets NaN figures (no extrapolation is reported as a measurement).
std::vector<PortFigures> port_figures_at(const Network& net, std::span<const double> freq_hz);

}  // namespace phylane::channels
