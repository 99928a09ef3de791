#pragma once
/// A copper channel: modelled trace segments cascaded between a driver and a receiver
/// termination. Impedance steps between segments and terminations produce reflections.
#include <complex>
#include <span>
#include <string>
#include <vector>

#include "channels/two_port.hpp"
#include "phy/transmission_line.hpp"

namespace phylane::channels {

/// One uniform trace segment.
struct TraceSegment {
  std::string name;
  double length_m = 0.0;  ///< > 0
  phy::TransmissionLine line;
};

/// A chain of trace segments between two real terminations, for one propagating mode
/// (single-ended S21, or differential SDD21 of a symmetric pair, which for a symmetric
/// uncoupled-mode structure is the odd mode's transmission; no mode conversion arises).
class CopperChannel {
 public:
  /// driver_ohm, receiver_ohm: termination (= port reference) impedances of the mode [ohm], > 0
  /// (a differential termination is the impedance between the two lines, e.g. 100 ohm).
  /// All segments must describe the same mode. Throws std::invalid_argument otherwise.
  CopperChannel(std::vector<TraceSegment> segments, double driver_ohm, double receiver_ohm);

  const std::vector<TraceSegment>& segments() const { return segments_; }
  phy::LineMode mode() const { return mode_; }
  double driver_ohm() const { return driver_ohm_; }
  double receiver_ohm() const { return receiver_ohm_; }
  double total_length_m() const;

  /// S-parameters between the driver and the receiver, referenced to their impedances (f >= 0;
  /// at f = 0 each segment is its DC series resistance). The cascade is kept in the log domain, so
  /// S21 of any length is finite (it underflows to 0 rather than becoming NaN).
  S2 s_params(double freq_hz) const;

 private:
  std::vector<TraceSegment> segments_;
  double driver_ohm_ = 0.0, receiver_ohm_ = 0.0;
  phy::LineMode mode_ = phy::LineMode::single_ended;
};

/// Insertion loss of a channel at one frequency and where it comes from. All in dB, positive
/// numbers are loss. conductor + roughness + dielectric is the matched-line attenuation summed
/// over segments (exact split of Re gamma, see phy::LinePoint); mismatch = total - that sum, the
/// effect of reflections at impedance steps and terminations (it can be negative at frequencies
/// where reflections add in phase).
struct LossBreakdown {
  double total_db = 0.0;
  double conductor_db = 0.0;
  double roughness_db = 0.0;
  double dielectric_db = 0.0;
  double blocks_db = 0.0;    ///< matched insertion loss of Touchstone and element blocks (composed channels)
  double mismatch_db = 0.0;
};

/// Frequency response of a channel on a grid.
struct ChannelResponse {
  std::vector<double> freq_hz;
  std::vector<cplx> s11, s21, s22;
  std::vector<LossBreakdown> loss;  ///< empty unless requested
};

/// Computes S11, S21, S22 on the grid, and the loss breakdown when `with_breakdown`.
/// Tested by: tests/channels/copper_channel_test.cpp
ChannelResponse compute_response(const CopperChannel& channel, std::span<const double> freq_hz,
                                 bool with_breakdown = true);

}  // namespace phylane::channels
