#pragma once
/// The copper test channel of the solver tests: one differential stripline pair on a
/// Djordjevic-Sarkar laminate with Hammerstad-rough copper. Header-only: the solvers layer and
/// above use it.
#include <memory>
#include <vector>

#include "channels/copper_channel.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"

namespace phylane::test {

/// What differs between the stripline channels the tests build: laminate, foil and terminations.
struct StriplineLaminate {
  double dk, df, at_hz;     ///< Djordjevic-Sarkar dk and df at at_hz
  double rq_m;              ///< Hammerstad rms roughness of both foil sides [m]
  double termination_ohm;   ///< driver and receiver impedance [ohm]
};

/// A low-loss laminate (dk 3.6, df 0.004 at 10 GHz), 0.4 um foil, 100 ohm terminations.
inline constexpr StriplineLaminate kLowLossLaminate{3.6, 0.004, 10e9, 0.4e-6, 100.0};
/// A mid-loss laminate (dk 3.68, df 0.0092 at 2 GHz), 0.6 um foil, 85 ohm terminations (PCIe).
inline constexpr StriplineLaminate kMidLossLaminate{3.68, 0.0092, 2e9, 0.6e-6, 85.0};

/// A differential stripline pair of length_in inches: 4.5 mil x 0.6 mil strips 6 mil apart, 4 mil
/// of dielectric above and below, 1.2 mil planes, on `laminate`.
inline channels::CopperChannel stripline_channel(double length_in, const StriplineLaminate& laminate) {
  using phy::units::mil;
  const phy::StriplineDims d{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  const phy::Roughness r{phy::RoughnessModel::hammerstad, laminate.rq_m};
  std::vector<channels::TraceSegment> segs;
  segs.push_back({"trace", length_in * phy::units::inch,
                  phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential),
                                        phy::Dielectric::djordjevic_sarkar(laminate.dk, laminate.df, laminate.at_hz),
                                        {5.8e7, r, r})});
  return channels::CopperChannel(std::move(segs), laminate.termination_ohm, laminate.termination_ohm);
}

}  // namespace phylane::test
