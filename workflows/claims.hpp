#pragma once
/// Claims: statements with numbers ("PCIe 5.0 gives 128 Gb/s per lane", "a photonic link is 1000x
/// faster than PCIe") judged against phylane's own models and the cited figures of data/standards.
/// This header holds the claim values (as io/claims_reader.cpp reads them from a claim file) and
/// their evaluation: each measure (what phylane computes for a test) calls the one workflow that
/// answers its question (max_rate, reach, evaluate_system ...), and the verdict rules (comparison,
/// tolerance, combine) turn the computed numbers into a verdict per claim: holds / does not hold /
/// cannot tell. The file format and the verdict rules are documented in docs/claims.md.
/// Tested by: tests/workflows/claims_test.cpp (verdict rules on hand-made values) and
/// tests/io/claims_test.cpp (the shipped claim files).
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "channels/link.hpp"
#include "channels/modulation.hpp"
#include "workflows/run_hooks.hpp"
#include "workflows/study.hpp"
#include "workflows/system.hpp"

namespace phylane::workflows {

/// What kind of number a claim or a computation is, with its SI unit (JSON/HDF5 "units").
enum class ValueKind {
  rate,              ///< data rate [b/s] (a lane, a link, a bandwidth)
  ratio,             ///< dimensionless [1] (speedups, shares, ratios of two like quantities)
  time,              ///< [s]
  length,            ///< [m]
  frequency,         ///< [Hz]
  loss,              ///< [dB]
  loss_per_length,   ///< [dB/m]
  delay_per_length,  ///< [s/m]
  energy,            ///< [J] (energy per bit)
  power,             ///< [W]
};
std::string_view to_string(ValueKind k);
std::string_view si_unit(ValueKind k);
/// A value in a readable unit ("31.5 Gb/s", "262 ns", "0.35 dB/km", "1.64").
std::string display_value(double si, ValueKind k);

enum class ClaimKind {
  numeric,      ///< a number with a tolerance: approx, at_least, at_most
  comparative,  ///< a direction only: A is less / greater than B (tests are ratios A / B)
  qualitative,  ///< a mechanism: every test is a check with its own threshold, or a reason it cannot be tested
};
enum class Comparison { approx, at_least, at_most, less, greater };
enum class Combine {
  any,  ///< holds if some test holds (the tests are readings of an ambiguous statement)
  all,  ///< holds if every test holds (the tests are checks of a general statement)
};
enum class Verdict { holds, does_not_hold, cannot_tell };
std::string_view to_string(ClaimKind k);
std::string_view to_string(Comparison c);
std::string_view to_string(Combine c);
std::string_view to_string(Verdict v);

// ---- the figures of data/standards, as plain data -----------------------------------------------

/// One figure of a standard's table (data/standards/*.toml), read by io.
struct StandardFigure {
  std::string file;    ///< "data/standards/pcie.toml"
  std::string id;      ///< the table: "pcie6"
  std::string name;    ///< the table's `name`
  std::string figure;  ///< the key, possibly dotted: "budget_split.system_board"
  std::string text;    ///< the value as written in the file
  double value = 0.0;  ///< SI
  ValueKind kind = ValueKind::ratio;
};

/// What a standard's table says about one lane: its line rate and its line coding, read by io.
struct StandardLane {
  std::string id;                 ///< the table: "pcie6"
  double line_rate_bps = 0.0;     ///< raw bit rate per lane; 0 when unusable (`problem` says why)
  std::string problem;            ///< why the table gives no usable rate ("" when it does)
  std::string line_rate_source;   ///< where the line rate comes from, for the assumptions
  std::optional<double> efficiency;  ///< payload / line rate of the line coding, when given
  std::string efficiency_source;  ///< "encoding_efficiency = 0.9453 (1b1b flit)" ...
  std::string stated_payload;     ///< the table's per_lane_data_rate as written ("" if none)
};

// ---- measures: what phylane computes for one test ---------------------------------------------

/// A link a measure runs on (a config file or preset) and the key that identifies it, so that one
/// search serves every claim that asks for the same link.
struct LinkRef {
  std::shared_ptr<const channels::Link> link;
  std::string key;  ///< "preset:NAME" or the config file's path
};
struct SystemRef {
  std::shared_ptr<const System> system;
  std::string key;  ///< "system:NAME" or the system file's path
};

struct Measure;

/// measure = "standard": a figure of data/standards.
struct StandardMeasure {
  StandardFigure figure;
};
/// measure = "lane_rate": line or payload rate of a standard's lane(s), one direction.
struct LaneRateMeasure {
  StandardLane standard;
  bool payload = false;  ///< after the standard's line coding
  int lanes = 1;
};
/// measure = "max_rate": highest per-lane rate at the link's target (workflows::max_rate).
struct MaxRateMeasure {
  LinkRef link;
  std::optional<channels::Modulation> modulation;  ///< nrz or pam4; nullopt: the better one
  double max_rate_bps = 224e9;                     ///< top of the search
};
/// measure = "reach": longest length of one element at a rate (workflows::reach).
struct ReachMeasure {
  LinkRef link;
  channels::LineRate rate;
  std::optional<channels::Modulation> modulation;  ///< nullopt: the link's
  std::string element;                             ///< "" = longest trace / the fiber
};
/// measure = "insertion_loss": channel loss at a frequency (optical: the passive path loss).
struct InsertionLossMeasure {
  LinkRef link;
  double freq_hz = 0.0;
};
/// measure = "loss_per_length": a trace segment's attenuation at a frequency, or the fiber's.
struct LossPerLengthMeasure {
  LinkRef link;
  double freq_hz = 0.0;  ///< copper only
  std::string segment;   ///< name or 1-based index; "" = the longest (copper) / the first fiber
};
/// measure = "resistive_share": conductor + roughness share of the traces' attenuation.
struct ResistiveShareMeasure {
  LinkRef link;
  double freq_hz = 0.0;
};
/// measure = "delay_per_length" of a copper route: phase delay per metre of a trace segment.
struct LineDelayMeasure {
  LinkRef link;
  double freq_hz = 0.0;
  std::string segment;
};
/// measure = "delay_per_length" of a standard: n_g / c0 from a group index figure.
struct GroupIndexDelayMeasure {
  StandardFigure group_index;
};
/// measure = "flight_time": propagation time over a link.
struct FlightTimeMeasure {
  LinkRef link;
  std::optional<StandardFigure> fiber_group_index;  ///< optical links: data/standards [fiber_g652]
};
/// measure = "fixed_loss": optical loss that does not grow with length.
struct FixedLossMeasure {
  LinkRef link;
};
/// measure = "loss_crossover": length where a copper route loses an optical link's fixed loss.
struct LossCrossoverMeasure {
  LinkRef optical;
  LinkRef copper;
  double freq_hz = 0.0;
  std::string segment;  ///< of the copper route
};
/// measure = "link_bandwidth": a system link's bandwidth.
struct LinkBandwidthMeasure {
  SystemRef system;
  std::size_t link = 0;  ///< 0-based index into system->links
  bool payload = true;   ///< after the link's encoding; false: line rate
  int directions = 1;
};
/// measure = "collective_time": a system link's collective time per step.
struct CollectiveTimeMeasure {
  SystemRef system;
  std::size_t link = 0;
  int devices = 0;  ///< one of the workload's device counts
};
/// measure = "step_speedup": baseline step time / a system link's step time.
struct StepSpeedupMeasure {
  SystemRef system;
  std::size_t link = 0;
  int devices = 0;
};
/// measure = "step_speedup_bound": baseline step time / compute time.
struct StepSpeedupBoundMeasure {
  SystemRef system;
  int devices = 0;
};
/// measure = "energy_per_bit" of a system link: as the system file gives it.
struct SystemEnergyMeasure {
  SystemRef system;
  std::size_t link = 0;
};
/// measure = "energy_per_bit" of an optical link: its electrical power / a rate.
struct OpticalEnergyMeasure {
  enum class At { max_rate, signal_rate, given_rate };
  LinkRef link;
  At at = At::max_rate;
  double rate_bps = 0.0;  ///< At::given_rate
};
/// measure = "channel_heat_per_bit": upper bound on the heat a copper channel dissipates per bit.
struct ChannelHeatMeasure {
  LinkRef link;
};
/// measure = "study": a column of an interconnect study at one option and length, as
/// workflows::run_study computes it for `phylane study` (the same function): the claims read the
/// study's own energy per bit, rate or step time instead of computing copies of them.
struct StudyColumnMeasure {
  enum class Column { max_rate, energy_per_bit, step_time, sync_time, phy_latency };
  std::shared_ptr<const Study> study;  ///< the study file (options, reach grid, workload)
  std::string key;                     ///< "study:default" or the study file's path
  std::size_t link = 0;                ///< the option: an index into study->links
  Column column = Column::max_rate;
  double length_m = 0.0;               ///< one of the study's reach lengths
  int devices = 0;                     ///< step_time, sync_time: one of the workload's device counts
};
/// The column names of StudyColumnMeasure as claim files write them, and their kinds.
std::string_view to_string(StudyColumnMeasure::Column c);
/// measure = "transfer_time": time to move bytes over lanes at a measured rate, plus a flight time.
struct TransferTimeMeasure {
  double bytes = 0.0;
  int lanes = 1;
  std::shared_ptr<const Measure> rate;    ///< a measure of a data rate (per lane)
  std::shared_ptr<const Measure> flight;  ///< optional: a measure of a time
};
/// measure = "value": a reference value cited by the claim file (context entries only).
struct ReferenceValue {
  std::string text;    ///< as written
  std::string source;  ///< its citation
  double value = 0.0;  ///< SI
};

using MeasureSpec =
    std::variant<StandardMeasure, LaneRateMeasure, MaxRateMeasure, ReachMeasure, InsertionLossMeasure,
                 LossPerLengthMeasure, ResistiveShareMeasure, LineDelayMeasure, GroupIndexDelayMeasure,
                 FlightTimeMeasure, FixedLossMeasure, LossCrossoverMeasure, LinkBandwidthMeasure,
                 CollectiveTimeMeasure, StepSpeedupMeasure, StepSpeedupBoundMeasure, SystemEnergyMeasure,
                 OpticalEnergyMeasure, ChannelHeatMeasure, StudyColumnMeasure, TransferTimeMeasure, ReferenceValue>;

/// What phylane computes for one test: the measure's name as the claim file gives it, the kind of
/// number it returns and its typed parameters. The list of measures is in docs/claims.md.
struct Measure {
  std::string name;  ///< "standard", "lane_rate", "max_rate", "reach", "link_bandwidth", ...
  ValueKind kind = ValueKind::ratio;
  MeasureSpec spec;
};

/// One test (or context computation) of a claim: a measure, or the ratio of two.
struct ClaimTest {
  std::string label;
  std::shared_ptr<const Measure> measure;      ///< set unless ratio
  std::shared_ptr<const Measure> numerator;    ///< ratio: numerator / denominator
  std::shared_ptr<const Measure> denominator;
  /// Qualitative checks only: the threshold, its comparison and tolerance.
  std::optional<double> threshold;
  Comparison comparison = Comparison::approx;
  double tolerance = 0.0;
  std::string why;        ///< qualitative checks: why this check tests the mechanism
  ValueKind kind() const;
};

struct Claim {
  std::string id;
  std::string text;         ///< quoted (<= 15 words) or "paraphrase: ..."
  std::string where;        ///< where in the source text
  ClaimKind kind = ClaimKind::numeric;
  std::string quantity;     ///< per_lane_rate, speedup, latency ... (see docs/claims.md)
  ValueKind value_kind = ValueKind::ratio;
  std::optional<double> claimed;  ///< numeric claims, SI
  std::string claimed_text;       ///< as written
  Comparison comparison = Comparison::approx;
  double tolerance = 0.0;
  Combine combine = Combine::any;
  std::string reason;       ///< qualitative claims without tests: why phylane cannot tell
  std::string note;
  std::vector<ClaimTest> tests;    ///< decide the verdict
  std::vector<ClaimTest> context;  ///< computed for the reader, no effect on the verdict
  int line = 0;                    ///< where the claim starts in its file
};

struct ClaimSet {
  std::string source;   ///< file path or "claims:NAME"
  std::string title;
  std::string origin;   ///< the text the claims were taken from (the file's `source`)
  std::string text;     ///< the claim file as read (stored in result files)
  std::vector<Claim> claims;
};

// ---- results --------------------------------------------------------------------------------

/// A computed number: the true value lies in [lo, hi]; lo == hi == value when exact. Searches that
/// stop at the end of their range give bounds (a maximum rate "at least the top of the range").
struct Computed {
  double value = 0.0;
  double lo = 0.0;
  double hi = 0.0;
  ValueKind kind = ValueKind::ratio;
  bool exact() const { return lo == hi; }
  bool lower_bound() const { return hi == std::numeric_limits<double>::infinity(); }
  static Computed exactly(double v, ValueKind k) { return {v, v, v, k}; }
  static Computed at_least(double v, ValueKind k) { return {v, v, std::numeric_limits<double>::infinity(), k}; }
  static Computed at_most(double v, ValueKind k) { return {v, 0.0, v, k}; }
};
/// "31.5 Gb/s", ">= 224 Gb/s", "<= 0.0588 pJ".
std::string display(const Computed& c);

struct TestResult {
  std::string label;
  bool context = false;
  bool computed = false;         ///< false: `error` says why (the verdict is cannot tell)
  Computed value;
  std::optional<Computed> numerator, denominator;  ///< ratio tests
  Verdict verdict = Verdict::cannot_tell;          ///< tests only
  std::string rule;              ///< "96 Gb/s <= x <= 160 Gb/s" (tests)
  std::string error;
  std::vector<std::string> assumptions;  ///< models, standard figures, parameters used
};

struct ClaimResult {
  std::string id, text, where, quantity, note, reason;
  ClaimKind kind = ClaimKind::numeric;
  std::optional<Computed> claimed;
  std::string claimed_text;
  Comparison comparison = Comparison::approx;
  double tolerance = 0.0;
  Combine combine = Combine::any;
  Verdict verdict = Verdict::cannot_tell;
  std::string explanation;       ///< why the verdict, in one sentence
  std::size_t decisive = static_cast<std::size_t>(-1);  ///< the test shown in the table (or none)
  std::vector<TestResult> tests;
  std::vector<TestResult> context;
};

struct ClaimsReport {
  std::string source, title, origin, text;
  std::vector<ClaimResult> claims;
  double seconds = 0.0;
  int count(Verdict v) const;
};

// ---- verdict rules ------------------------------------------------------------------------------

/// The verdict of one computed value against a rule `comparison` to `reference` with a relative
/// `tolerance` (approx: reference x (1 +- tolerance); at_least: >= reference x (1 - tolerance);
/// at_most: <= reference x (1 + tolerance); less / greater: strictly below / above reference).
/// holds: every value in [c.lo, c.hi] is accepted; does not hold: none is; otherwise cannot tell.
Verdict judge(const Computed& c, Comparison comparison, double reference, double tolerance);

/// Judges one claim from its tests' results (computed by the caller, in the order of
/// claim.tests): fills each test's rule and verdict, and the claim's verdict, decisive test and
/// explanation by the claim's combine rule (any: some test holds; all: every test holds).
ClaimResult judge_claim(const Claim& claim, std::vector<TestResult> tests, std::vector<TestResult> context = {});

/// How evaluate_claims runs.
struct ClaimsRequest {
  int threads = 2;  ///< threads of the shared computations, >= 1
  /// Progress after each shared computation (a search, a system); Ctrl-C: no computation starts
  /// once the flag is set, the running searches stop, and evaluate_claims throws
  /// solvers::SearchInterrupted (also when it is set while the claims are judged).
  RunHooks hooks;
};

/// Evaluates every claim: the costly computations (max-rate and reach searches, system
/// evaluations) run once each on up to request.threads threads (solvers/parallel.hpp) and are
/// shared by all claims; a test whose computation fails is "cannot tell" with the reason.
ClaimsReport evaluate_claims(const ClaimSet& set, const ClaimsRequest& request);
/// The same on `threads` threads, without progress or stop flag.
ClaimsReport evaluate_claims(const ClaimSet& set, int threads = 2);

}  // namespace phylane::workflows
