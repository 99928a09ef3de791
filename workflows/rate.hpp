#pragma once
/// The rate questions of a link, each answered by one function that the command line, sweeps,
/// systems, studies and claims all call:
///   - max_rate: the highest per-lane rate meeting the link's target (NRZ vs PAM4 ...);
///   - reach: the longest length of one element meeting the target at a rate.
/// Rates follow the one vocabulary of channels/modulation.hpp (Bd symbol rate; b/s and T/s bit
/// rate). Bad requests throw std::invalid_argument naming the option, the value and what is
/// allowed. Documented in docs/maxrate.md. Tested by: tests/workflows/rate_test.cpp.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "channels/link.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::workflows {

struct MaxRateRequest {
  std::vector<int> levels = {2, 4};          ///< modulations compared (levels: 2 NRZ, 4 PAM4, ...)
  std::optional<channels::LineRate> min_rate;  ///< default 1 Gb/s; a symbol rate needs one modulation
  std::optional<channels::LineRate> max_rate;  ///< default 224 Gb/s
  std::optional<double> margin_db;           ///< default: the link's required margin
  bool full_curve = false;                   ///< evaluate every scan point
  int threads = 2;                           ///< modulations searched concurrently
  /// Progress (called after each evaluated eye, possibly concurrently) and Ctrl-C (the search
  /// throws solvers::SearchInterrupted once *stop is true). Both optional.
  std::function<void()> progress = nullptr;
  const std::atomic<bool>* stop = nullptr;
};

struct MaxRateAnswer {
  solvers::MaxRateOptions options;  ///< the search as run (criterion, range)
  solvers::MaxRateResult result;
  /// Per modulation (the order of result.per_modulation): no_mask_warning() at its answer, "" = none.
  std::vector<std::string> warnings;
};

/// What a criterion without an eye mask lets through, said next to the answer (issue 14): with
/// no minimum eye height or width, any eye that reaches the target BER passes however small it
/// is (a 1.5 mV x 0.017 UI eye "supported" 108.9 Gb/s on 6 in of FR-4). Returns "" when the
/// criterion has a mask or nothing was found; else the eye at the answer and how to set a mask.
std::string no_mask_warning(double min_eye_height_v, double min_eye_width_ui, bool found, const solvers::EyeAnalysis& at,
                            double target_ber);

/// Needs link.signalling and a channel with a frequency response.
MaxRateAnswer max_rate(const channels::Link& link, const MaxRateRequest& request = {});

struct ReachRequest {
  std::optional<channels::LineRate> rate;       ///< default: the link's rate as given
  std::optional<channels::Modulation> modulation;  ///< default: the link's
  std::string element;                          ///< 1-based index or name; empty: longest trace / the fiber
  std::optional<double> min_length_m;           ///< default: the element's length / 100
  std::optional<double> max_length_m;           ///< default: the element's length x 100
  std::optional<double> margin_db;              ///< default: the link's required margin
  bool full_curve = false;
  bool curve_loss = true;                       ///< fill each curve point's loss_db (one channel evaluation each)
  int threads = 2;                              ///< lengths evaluated concurrently (the answer does not depend on it)
  std::function<void()> progress = nullptr;     ///< after each evaluated eye (possibly concurrently)
  const std::atomic<bool>* stop = nullptr;      ///< true: throws solvers::SearchInterrupted
};

struct ReachAnswer {
  std::string element;             ///< "trace segment 2 (main route)", ...
  double base_length_m = 0.0;      ///< the element's length in the link
  channels::Modulation modulation = channels::Modulation::nrz;
  double rate_bps = 0.0;           ///< line bit rate searched at
  double symbol_rate_baud = 0.0;
  solvers::ReachOptions options;   ///< the search as run
  /// The search; each curve point carries the loss at that length: copper the insertion loss at
  /// half the symbol rate, optical the path loss.
  solvers::ReachResult result;
  std::string warning;  ///< no_mask_warning() at the answer, "" = none
};

/// Needs link.signalling and a copper, composed or optical channel.
ReachAnswer reach(const channels::Link& link, const ReachRequest& request = {});
/// Everything reach() checks before it searches (cheap: no eye is computed); throws as reach().
void check_reach(const channels::Link& link, const ReachRequest& request);
/// Everything max_rate() checks before it searches.
void check_max_rate(const channels::Link& link, const MaxRateRequest& request);

}  // namespace phylane::workflows
