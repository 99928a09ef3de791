#pragma once
/// `phylane eye`: the equalized statistical eye of a link at its own rate, and for optical links
/// the figures built on it (sensitivity, margin, penalties, energy per bit). One function for the
/// command, sweeps and the Python module. Documented in docs/eye.md.
#include <atomic>
#include <functional>
#include <optional>

#include "channels/link.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/max_rate.hpp"
#include "solvers/optical_analysis.hpp"

namespace phylane::workflows {

struct EyeRequest {
  /// Optical links: also the sensitivity search and penalties (analyze_optical); false: the eye only.
  bool optical_figures = true;
  /// Ctrl-C, optional: read before the eye and before the optical figures; once true, eye()
  /// throws solvers::SearchInterrupted.
  const std::atomic<bool>* stop = nullptr;
  /// Optional: called with the name of each stage as it starts ("eye", "optical figures").
  std::function<void(const char* stage)> progress = nullptr;
};

struct EyeAnswer {
  solvers::EyeAnalysis analysis;                  ///< the eye (for optical links: at the received power)
  std::optional<solvers::OpticalAnalysis> optical;  ///< optical links with optical_figures
};

/// Needs link.signalling. A sampled pulse response is analysed as given (no filters); every other
/// channel through its transfer function. Throws std::invalid_argument without [signal] or channel.
EyeAnswer eye(const channels::Link& link, const EyeRequest& request = {});

}  // namespace phylane::workflows
