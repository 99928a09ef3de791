#pragma once
/// `phylane loss`: the insertion loss of a copper or composed channel with its breakdown
/// (conductor, roughness, dielectric, blocks, mismatch) on a frequency grid and at named
/// frequencies, or the power budget of an optical link. One function for the command, sweeps
/// and the Python module. Documented in docs/loss.md. Tested by: tests/io/sweep_outputs_test.cpp
/// (sweep values equal solvers::analyze_loss and the optical budget), tests/app/loss_command_test.cpp.
#include <optional>
#include <vector>

#include "channels/link.hpp"
#include "solvers/loss_analysis.hpp"

namespace phylane::workflows {

struct LossRequest {
  /// Named frequencies of the breakdown tables [Hz], each > 0 (copper and composed channels);
  /// total_delay_s is the phase delay at the highest of them.
  std::vector<double> report_freqs_hz;
  double fmax_hz = 50e9;          ///< top of the grid [Hz], > 0
  int points = 1000;              ///< grid points, >= 2: fmax/points, 2 fmax/points, ... fmax
  bool keep_line_points = false;  ///< keep per-segment RLGC on the grid (for HDF5)
};

/// The optical power budget's figures (average powers; OMA at the photodiode).
struct OpticalLossFigures {
  double path_loss_db = 0.0;                ///< passive path (coupler ... demux)
  double launch_average_power_w = 0.0;      ///< after the modulator
  double received_average_power_w = 0.0;    ///< at the photodiode
  double received_oma_w = 0.0;              ///< P1 - P0 at the photodiode
  double electrical_power_w = 0.0;          ///< per wavelength
};

struct LossAnswer {
  std::optional<solvers::LossAnalysis> analysis;  ///< copper and composed channels
  std::optional<OpticalLossFigures> optical;      ///< optical links
};

/// Copper and composed channels: solvers::analyze_loss on the link's channel with the request's
/// grid and report frequencies. Optical links: the power budget's figures (the request's grid
/// does not enter). Throws std::invalid_argument for another kind of channel (naming the link's
/// source) and for a bad request (no report frequency, fmax <= 0, points < 2).
LossAnswer loss(const channels::Link& link, const LossRequest& request);

}  // namespace phylane::workflows
