#pragma once
/// `phylane impedance`: one dimension (width, spacing or height) of a configured trace segment
/// solved for a target impedance of its mode (Z0 single-ended, Zdiff differential) with the
/// segment's own cross-section model (closed form or boundary-element field solver, as the config
/// chose), and the resulting line's figures. Documented in docs/impedance.md. Tested by:
/// tests/workflows/impedance_test.cpp, tests/app/impedance_command_test.cpp.
#include <string>
#include <vector>

#include "channels/link.hpp"
#include "phy/cross_section_dimension.hpp"
#include "workflows/run_hooks.hpp"

namespace phylane::workflows {

struct ImpedanceRequest {
  std::size_t segment = 0;  ///< index among the link's trace segments (0-based; users count from 1)
  phy::CrossSectionDimension solve = phy::CrossSectionDimension::width;
  double target_ohm = 0.0;  ///< target impedance of the segment's mode [ohm], > 0
  /// Frequencies of the loss per length [Hz], each > 0 (at least one); the impedance is Re Z0 at the
  /// highest, as `phylane loss` reports it.
  std::vector<double> freqs_hz;
  /// Progress after each line built (the scan's 33, then the root search's; total 0: not known in
  /// advance); the stop flag is read before each (solvers::SearchInterrupted).
  RunHooks hooks;
};

struct ImpedanceAnswer {
  std::string segment_name;
  std::string geometry;          ///< "stripline", "coupled_microstrip", ...
  phy::LineMode mode = phy::LineMode::single_ended;
  phy::CrossSectionDimension solved = phy::CrossSectionDimension::width;
  double original_m = 0.0;       ///< the config's value of the dimension [m]
  double solved_m = 0.0;         ///< the value that gives the target [m]
  double target_ohm = 0.0;
  double impedance_ohm = 0.0;    ///< Re Z0 of the mode at impedance_freq_hz with solved_m
  double impedance_freq_hz = 0.0;
  double original_impedance_ohm = 0.0;  ///< the same with the config's value
  double delay_s_per_m = 0.0;    ///< phase delay beta / omega at impedance_freq_hz [s/m]
  std::vector<double> freqs_hz;
  std::vector<double> loss_db_per_m;  ///< matched-line attenuation at freqs_hz
  double searched_min_m = 0.0, searched_max_m = 0.0;  ///< the valid range searched [m]
  int evaluations = 0;           ///< cross-sections solved
};

/// The link's trace segments in order (a copper channel's segments, a composed channel's trace
/// blocks); empty for other channels. Shared by the workflows that address a segment by index.
std::vector<const channels::TraceSegment*> trace_segments(const channels::Link& link);

/// Solves by Brent's method (R. P. Brent, Algorithms for Minimization without Derivatives, 1973,
/// ch. 4) on a bracket found by a scan of 33 logarithmically spaced values from 1/10 to 10 times the
/// config's value, keeping the values where the segment's model is valid (phy::LineGeometry::
/// validity); converged when |Z - target| < 1e-4 ohm or the bracket is below 1e-9 of the value.
/// Throws std::invalid_argument for a bad request (segment index, spacing of a single line, target
/// <= 0, no frequency) and for a target outside the impedances the valid range reaches (the message
/// gives that range and the dimensions that reach its ends).
ImpedanceAnswer solve_impedance(const channels::Link& link, const ImpedanceRequest& request);

}  // namespace phylane::workflows
