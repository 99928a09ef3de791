#pragma once
/// Claims: statements with numbers ("PCIe 5.0 gives 128 Gb/s per lane", "a photonic link is 1000x
/// faster than PCIe") judged against phylane's own models and the cited figures of data/standards.
/// A claim file lists each statement with what it claims (a quantity, a number, a comparison) and
/// one or more tests, each naming what phylane computes to judge it (a standard figure, a preset's
/// maximum rate, a system link's bandwidth, a reach at a rate ...). The result per claim is a
/// verdict (holds / does not hold / cannot tell), the computed numbers with their units, and the
/// assumptions behind them. The file format and the verdict rules are in docs/claims.md.
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::workflows {
struct System;
}

namespace phylane::io {

struct Config;
using workflows::System;

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

/// What phylane computes for one test: a measure (model or standard figure) and its parameters,
/// as read and validated from the claim file. The list of measures is in docs/claims.md.
struct Measure {
  std::string name;  ///< "standard", "lane_rate", "max_rate", "reach", "link_bandwidth", ...
  ValueKind kind = ValueKind::ratio;       ///< what it returns
  std::map<std::string, std::string> params;  ///< every parameter as text (for reports)
  // Resolved references (filled by the loader; shared so that a claim set is cheap to copy).
  std::shared_ptr<const Config> config;    ///< preset/config measures
  std::string config_key;                  ///< "preset:NAME" or the path
  std::shared_ptr<const System> system;    ///< system measures
  std::string system_key;
  std::shared_ptr<const Config> config2;   ///< loss_crossover: the copper route
  std::string config2_key;
  std::vector<std::shared_ptr<const Measure>> parts;  ///< transfer_time: rate [, flight]
  double number = 0.0;   ///< a numeric parameter in SI (rate, frequency, bytes ...), by measure
  double number2 = 0.0;  ///< a second one (search top, lanes ...)
  int integer = 0;       ///< devices, lanes, directions, levels (by measure)
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

/// Loads a claim file; relative `config` / `system` paths resolve against its folder. Every
/// problem is reported at once as an InputError (file:line:col: key = value: what is allowed),
/// including unknown presets, standards, figures, systems and links. Tested by:
/// tests/io/claims_test.cpp
ClaimSet load_claims(const std::filesystem::path& file);
ClaimSet load_claims_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);
/// An embedded claim file: "NAME", "NAME.toml" or "claims/NAME.toml" (data/claims/NAME.toml).
ClaimSet load_embedded_claims(std::string_view name);
std::vector<std::string> claim_set_names();
/// The claim file `phylane claims` evaluates when given none.
std::string default_claim_set_name();

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

/// Evaluates every claim: the costly computations (max-rate and reach searches, system
/// evaluations) run once each on up to `threads` threads and are shared by all claims; a test whose
/// computation fails is "cannot tell" with the reason. Tested by: tests/io/claims_test.cpp
ClaimsReport evaluate_claims(const ClaimSet& set, int threads = 2);

}  // namespace phylane::io
