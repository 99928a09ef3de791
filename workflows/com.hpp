#pragma once
/// `phylane com`: IEEE 802.3 Annex 93A Channel Operating Margin of a thru channel with optional
/// far-end and near-end crosstalk aggressors, for every package case of a COM parameter sheet
/// (docs/com.md). One function for the command, the batch form and tests.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "solvers/com.hpp"
#include "solvers/com_erl.hpp"
#include "solvers/com_icn.hpp"
#include "solvers/com_il_fit.hpp"
#include "solvers/parallel.hpp"

namespace phylane::workflows {

/// A measured channel: a single-ended 4-port in the sheet's Port Order, or an already
/// differential 2-port (referenced to 2 R_0).
struct ComChannel {
  channels::Network network;
  std::string name;  ///< file name, for messages and reports
};

struct ComRequest {
  ComChannel thru;
  std::vector<ComChannel> fext, next;
  const std::atomic<bool>* stop = nullptr;  ///< Ctrl-C: read before each case
  /// Called as each case starts (never concurrently, possibly from a worker thread).
  std::function<void(int case_number)> progress = nullptr;
  /// Threads for the package cases (each with its own pulse engine), >= 0; 0: as many as there
  /// are cores and cases. Since worker threads start on the idle CPU (solvers/thread_start.hpp)
  /// the two cases of one channel run side by side: on the 2-core machine a thru 24 -> 20 ms wall,
  /// thru + 5 aggressors 99 -> 78 ms, for 5-8 % more CPU and a second engine's memory (peak 51 ->
  /// 70 MB with the aggressors). The batch form runs each channel on one (the channels fill the cores).
  int workers = 0;
};

struct ComAnswer {
  std::vector<solvers::ComCaseResult> cases;  ///< one per z_p select entry, in that order
  double com_db = 0.0;                        ///< the worst case's COM
  std::size_t worst = 0;                      ///< index into cases
  double il_db_at_nyquist = 0.0;              ///< the thru's insertion loss -20 log10 |SDD21| at f_b/2 (no package)
  /// The thru's fitted insertion loss (93A.3) at f_b/2 and at f_2_ILD, as the IEEE reference code
  /// 4.15 reports them (solvers/com_il_fit.hpp; no package)
  solvers::ComFittedIl fitted_il;
  bool pass = false;                          ///< com_db >= COM Pass threshold
  /// TDR and ERL of the thru's two ports (Annex 93A.5) when the sheet sets TDR or ERL; empty
  /// otherwise. They do not depend on the package case (the reference code: the channel alone).
  std::vector<solvers::ComTdrPort> tdr;
  double erl_db = 0.0;                        ///< the smaller port ERL (ERL set)
  bool erl_pass = true;                       ///< erl_db >= ERL Pass threshold (true without ERL)
  /// ICN of the aggressors (present when there are aggressors).
  std::optional<solvers::ComIcn> icn;
  /// The sheet's ERL_ONLY: only the thru's TDR and ERL were computed (as the reference code 4.15,
  /// which returns after them): no cases, no insertion-loss figures; pass is erl_pass.
  bool erl_only = false;
};

/// The differential 2-port [SDD11 SDD12; SDD21 SDD22] of a channel: a 2-port as it is; a
/// single-ended 4-port reordered by the sheet's Port Order [a b c d] (a, b the input pair's
/// positive and negative ports, c, d the output's) and converted to mixed mode. Throws
/// std::invalid_argument naming the file for any other port count.
channels::Network com_differential(const ComChannel& ch, const std::array<int, 4>& port_order);

/// COM of every case. Throws std::invalid_argument (bad input: port counts, a channel whose data
/// end below f_b/2, an aggressor whose frequency range does not cover the thru's up to f_b,
/// parameters the engine does not honour yet) naming the file or parameter, and
/// solvers::SearchInterrupted when `stop` is set.
ComAnswer com(const solvers::ComParameters& p, const ComRequest& request);

/// The batch form: COM of many thru channels (no aggressors), one task per channel on
/// options.workers threads (each with its own pulse engine), answers in the order given.
/// options.progress and options.stop as in solvers::parallel_for; a stopped run throws
/// solvers::SearchInterrupted. The first channel that is bad input throws as com() does.
std::vector<ComAnswer> com_batch(const solvers::ComParameters& p, const std::vector<ComChannel>& thrus,
                                 const solvers::ParallelOptions& options = {});

}  // namespace phylane::workflows
