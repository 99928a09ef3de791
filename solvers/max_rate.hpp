#pragma once
/// The highest per-lane data rate a link supports at its target BER and required margin, per
/// modulation, with the margin-versus-rate curve; and the longest reach at a given rate.
#include <atomic>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "solvers/eye_analysis.hpp"

namespace phylane::solvers {

/// The eye of the link at a symbol rate and modulation (levels). Supplied by the caller (it owns
/// the channel and how the transmitter and receiver follow the rate).
using EyeAtRate = std::function<EyeAnalysis(double symbol_rate_baud, int levels)>;

/// Thrown by a search whose `stop` flag was set (Ctrl-C): no result, nothing half-made.
struct SearchInterrupted : std::runtime_error {
  SearchInterrupted() : std::runtime_error("interrupted") {}
};

/// Progress and cancellation of a search, optional.
struct SearchHooks {
  /// Called after each evaluated eye (from the modulations' worker threads: concurrently).
  std::function<void()> on_point = nullptr;
  /// Read before each eye; once true the search throws SearchInterrupted. May be set by a signal handler.
  const std::atomic<bool>* stop = nullptr;
};

struct MaxRateOptions {
  std::vector<int> levels = {2, 4};   ///< modulations to compare
  double min_rate_bps = 1e9;          ///< search range of the data rate (bits/s)
  double max_rate_bps = 224e9;
  int coarse_points = 12;             ///< log-spaced scan per modulation (feasibility may be non-monotonic)
  double resolution = 0.01;           ///< relative width of the final bracket (model uncertainty is larger)
  double required_margin_db = 0.0;    ///< eye margin needed at the target BER
  double min_eye_height_v = 0.0;      ///< eye-mask height needed at the target BER (e.g. PCIe 15 mV)
  double min_eye_width_ui = 0.0;      ///< eye-mask width needed at the target BER (e.g. PCIe 0.3 UI)
  /// Per-modulation masks (levels -> value) that replace the two above for that modulation.
  std::map<int, double> min_eye_height_by_levels;
  std::map<int, double> min_eye_width_by_levels;
  double min_eye_height_for(int m) const {
    const auto it = min_eye_height_by_levels.find(m);
    return it != min_eye_height_by_levels.end() ? it->second : min_eye_height_v;
  }
  double min_eye_width_for(int m) const {
    const auto it = min_eye_width_by_levels.find(m);
    return it != min_eye_width_by_levels.end() ? it->second : min_eye_width_ui;
  }
  /// Evaluate every scan point (the whole margin-versus-rate curve); otherwise the scan runs from
  /// the top down and stops at the first meeting point, which is all the maximum needs.
  bool full_curve = false;
  /// Modulations searched concurrently, at most (eye_at must be thread-safe); <= 1: one after
  /// another on the calling thread.
  int threads = 2;
  SearchHooks hooks;  ///< progress per evaluated eye, Ctrl-C
};

struct RatePoint {
  double rate_bps = 0.0;
  double symbol_rate_baud = 0.0;
  double margin_db = 0.0;   ///< statistical-eye margin at the target BER
  bool meets = false;       ///< open, margin >= required, eye height and width >= the mask
  std::string limiting;     ///< "isi", "noise", "jitter", "crosstalk"
  double eye_height_v = 0.0;
  double eye_width_ui = 0.0;
};

struct ModulationMaxRate {
  int levels = 2;
  bool found = false;          ///< some scanned rate meets the target
  bool capped = false;         ///< the top of the range still meets it
  double max_rate_bps = 0.0;   ///< highest meeting rate (to the resolution)
  std::vector<RatePoint> curve;  ///< every evaluated point, by rate
  EyeAnalysis at_max;          ///< the eye at max_rate_bps
};

struct MaxRateResult {
  std::vector<ModulationMaxRate> per_modulation;
  bool found = false;
  int best_levels = 0;         ///< the modulation with the highest rate
  double max_rate_bps = 0.0;
  std::string reason;          ///< why none was found, when found is false
};

/// Coarse log-spaced scan of the rate for each modulation, then bisection between the highest
/// meeting scan point and the next (failing) one, to `resolution`. Feasibility need not be
/// monotonic (resonances, reflections): the answer is the highest meeting point of the scan,
/// refined; a rate between two meeting scan points that fails is only seen with full_curve. A
/// rate meets the target when the statistical eye is open at the target BER with at least the
/// required margin, eye height and eye width. Expected outcomes (nothing meets) are results, not
/// exceptions. Tested by: tests/io/max_rate_test.cpp
MaxRateResult find_max_rate(const EyeAtRate& eye_at, const MaxRateOptions& options);

/// The eye of the link family at a length [m] and fixed rate (the caller rebuilds the channel).
using EyeAtLength = std::function<EyeAnalysis(double length_m)>;

struct ReachOptions {
  double min_length_m = 1e-3;
  double max_length_m = 100.0;
  /// full_curve: the log-spaced scan's points. Otherwise the ratio of that scan's neighbours,
  /// (max/min)^(1/(coarse_points-1)), is the longest step up from a meeting length.
  int coarse_points = 12;
  double resolution = 0.01;
  double required_margin_db = 0.0;
  double min_eye_height_v = 0.0;
  double min_eye_width_ui = 0.0;
  bool full_curve = false;
  /// The first length tried (the configured length: a link is usually specified near its
  /// reach); clamped to the range. <= 0: the geometric mean of the range.
  double start_length_m = 0.0;
  /// Slope of the loss-versus-length line [dB/m] (copper: insertion loss at half the symbol
  /// rate; optical: path loss), which sizes the first steps: the margin falls by 0.3 to 1 dB per
  /// dB of loss on the links measured (docs/rate_and_reach.md). <= 0: unknown (steps of the
  /// scan's ratio).
  double loss_db_per_m = 0.0;
  /// Lengths evaluated concurrently, at most (eye_at must be thread-safe); <= 1: one after
  /// another. The lengths tried do not depend on it: the answer is the same for every value.
  int threads = 2;
  SearchHooks hooks;  ///< progress per evaluated eye, Ctrl-C
};

struct ReachPoint {
  double length_m = 0.0;
  double margin_db = 0.0;
  bool meets = false;
  double eye_height_v = 0.0;
  double eye_width_ui = 0.0;
  double loss_db = 0.0;  ///< copper: insertion loss at half the symbol rate; optical: path loss (filled by the caller)
};

struct ReachResult {
  bool found = false;          ///< the shortest length meets the target
  bool capped = false;         ///< the longest length still meets it
  double max_length_m = 0.0;
  std::vector<ReachPoint> curve;
  EyeAnalysis at_max;          ///< the eye at max_length_m
  std::string reason;
};

/// Longest length meeting the target at the given rate. Loss is close to linear in length, and the
/// margin falls with the loss, so the search brackets the answer by extrapolation instead of a
/// scan: rounds of two lengths (run concurrently with threads >= 2), the first at the start
/// length and 2 dB of loss beyond it; then, while every length tried meets (or fails), two more
/// past (or short of) the crossing extrapolated from the two nearest lengths' slack, within one
/// scan ratio upward and down to the shortest length; once a meeting length has a failing one
/// above it, two lengths around the interpolated crossing (or splitting the bracket in three when
/// it is narrow or the last round did not halve it) until the bracket is within `resolution`.
/// The answer is the highest meeting length with a failing one within the resolution above (or
/// the longest length, capped). Lengths past a failing one are never evaluated, so the engine is
/// not taken to lengths it cannot compute; nothing meets when the shortest length fails (then
/// found is false). full_curve keeps the log-spaced scan over the whole range (stopping 6 dB below
/// the requirement) and refines its highest meeting point as find_max_rate does.
ReachResult find_max_reach(const EyeAtLength& eye_at, const ReachOptions& options);

/// The channel without its bulk delay: H(f) e^{+j 2 pi f tau}, tau >= 0 the median group delay
/// over 1 % ... 25 % of fmax_hz (the band where a rate search's eyes live). A pure delay changes no eye, margin or rate; removing it lets the
/// pulse-response FFT span the record instead of the flight time (a 20 in route at 64 GBd: 80 UI
/// instead of 300). `removed_delay_s`, if given, receives tau.
TransferFunction without_bulk_delay(const TransferFunction& h, double fmax_hz, double* removed_delay_s = nullptr);

/// without_bulk_delay(h, delay_fmax_hz) on the uniform grid 0, df, 2 df, ..., linearly
/// interpolated; the grid grows on demand to 1.25 x the highest frequency asked so far (at least
/// 1 GHz), and only its new points are evaluated. A grid point's value is that of h at its
/// frequency whatever was asked before, so every value depends on its frequency only: not on
/// the order of the calls nor on the thread that made them (a table sized by the first call, or
/// rebuilt when a higher one came, gave a rate search's eyes results that depended on which
/// eye ran first). Negative or non-finite frequencies are evaluated directly. For paths that are
/// costly to evaluate and used at rates not known in advance (crosstalk paths through a route).
/// Thread-safe. df > 0, delay_fmax > df.
TransferFunction tabulated_on_demand(const TransferFunction& h, double df_hz, double delay_fmax_hz);

}  // namespace phylane::solvers
