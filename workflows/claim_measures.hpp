#pragma once
/// The measures of claims (docs/claims.md "Measures"): what phylane computes for one test of a
/// claim, each by the one workflow that answers its question (max_rate, reach, evaluate_system)
/// or the solver that models it (loss analysis), with the assumptions behind the number. The
/// costly computations (searches, system evaluations) run once per distinct request, in parallel,
/// before any claim is judged. Used by evaluate_claims (workflows/claims.hpp).
/// Tested by: tests/io/claims_test.cpp (the shipped claim files).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "solvers/max_rate.hpp"
#include "workflows/claims.hpp"
#include "workflows/rate.hpp"
#include "workflows/throughput.hpp"

namespace phylane::workflows {

class ClaimMeasures {
 public:
  /// Default range of the max-rate search: that of `phylane maxrate` and of the system evaluation
  /// (workflows/throughput.hpp), so that a system's searched link can be shared with a claim.
  static constexpr double kSearchMinBps = 1e9;
  static constexpr double kSearchMaxBps = 224e9;

  explicit ClaimMeasures(const ClaimSet& set) : set_(set) {}

  /// Runs every costly computation the claims need, on up to `threads` threads; hooks.progress
  /// after each, and once hooks.stop is set the running searches stop and prefetch throws
  /// solvers::SearchInterrupted.
  void prefetch(int threads, const RunHooks& hooks = {});

  /// The value of a measure; appends the assumptions behind it to `why`. Throws
  /// std::runtime_error with the reason when it cannot be computed.
  Computed eval(const Measure& m, std::vector<std::string>& why);

 private:
  /// An outcome of a costly computation shared by all claims: the result or why it failed.
  template <class T>
  struct Slot {
    std::optional<T> result;
    std::string error;
  };
  struct SharedLink {
    std::string system_key;
    std::size_t link = 0;
  };

  std::optional<SharedLink> system_link_for(const std::string& link_source) const;
  const SystemResult& system_result(const std::string& key) const;
  std::pair<const solvers::MaxRateResult*, std::string> rate_result(const LinkRef& link, double top) const;

  Computed max_rate(const LinkRef& link, std::optional<channels::Modulation> modulation, double top,
                    std::vector<std::string>& why) const;
  Computed reach(const ReachMeasure& m, std::vector<std::string>& why) const;
  Computed optical_energy(const OpticalEnergyMeasure& m, std::vector<std::string>& why) const;
  Computed system_measure(const Measure& m, std::vector<std::string>& why) const;
  Computed transfer_time(const TransferTimeMeasure& m, std::vector<std::string>& why);
  Computed study_column(const StudyColumnMeasure& m, std::vector<std::string>& why) const;

  const ClaimSet& set_;
  std::map<std::string, Slot<SystemResult>> systems_;
  std::map<std::string, const System*> system_specs_;
  std::map<std::string, Slot<solvers::MaxRateResult>> rates_;
  std::map<std::string, std::pair<const channels::Link*, double>> rate_links_;
  std::map<std::string, SharedLink> shared_;
  std::map<std::string, Slot<ReachAnswer>> reaches_;
  std::map<std::string, const ReachMeasure*> reach_measures_;
  /// Per study (key): the sub-study of the options and lengths the claims read (run_study on it
  /// gives the full study's columns at those points: each point is computed on its own), and the
  /// index of each read option in it.
  std::map<std::string, Slot<StudyResult>> studies_;
  std::map<std::string, Study> study_subs_;
  std::map<std::string, std::map<std::size_t, std::size_t>> study_links_;
};

}  // namespace phylane::workflows
