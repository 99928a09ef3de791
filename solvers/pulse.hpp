#pragma once
/// A sampled pulse response: the receiver-side waveform (at the decision point, after the channel
/// and any filters and equalizers applied so far) for one isolated symbol of unit amplitude
/// difference, sampled uniformly. The common currency of pulse_response.hpp (which makes it),
/// equalizer.hpp (which transforms it) and statistical_eye.hpp (which turns it into an eye).
#include <cstddef>
#include <vector>

namespace phylane::solvers {

struct PulseResponse {
  double symbol_rate_baud = 0.0;  ///< symbols per second, > 0
  int samples_per_ui = 0;         ///< samples per unit interval, >= 1
  /// Samples [V]: the response to a single symbol of height 1 V above 0 V (a rectangular pulse of
  /// one UI from the transmitter's output swing, after all filtering). Sample n is at time
  /// n / (symbol_rate_baud * samples_per_ui) from the start of the record.
  std::vector<double> samples_v;
  /// Index of the main cursor (the nominal sampling instant, normally the peak).
  std::size_t main_index = 0;

  double dt_s() const { return 1.0 / (symbol_rate_baud * samples_per_ui); }
  double ui_s() const { return 1.0 / symbol_rate_baud; }
};

}  // namespace phylane::solvers
