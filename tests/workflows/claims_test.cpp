// Claims as plain values: the verdict rules on hand-made computed numbers and claims, and the
// evaluation of measures that need no model (standard figures, a standard's lane rate).
#include <catch2/catch.hpp>

#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "workflows/claims.hpp"

using namespace phylane;
using namespace phylane::workflows;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TestResult computed(double v, ValueKind k = ValueKind::rate) {
  TestResult t;
  t.label = "t";
  t.computed = true;
  t.value = Computed::exactly(v, k);
  return t;
}

Claim numeric_claim(double claimed, Comparison c, double tol, std::size_t tests, Combine combine = Combine::any) {
  Claim cl;
  cl.id = "c";
  cl.kind = ClaimKind::numeric;
  cl.quantity = "per_lane_rate";
  cl.value_kind = ValueKind::rate;
  cl.claimed = claimed;
  cl.comparison = c;
  cl.tolerance = tol;
  cl.combine = combine;
  cl.tests.resize(tests);
  return cl;
}

// PCIe 6.0 as data/standards/pcie.toml gives it: 64 GT/s per lane, PAM4, FLIT efficiency 236/256
// (the TLP bytes of each 256-byte flit).
StandardLane pcie6_lane() {
  StandardLane s;
  s.id = "pcie6";
  s.line_rate_bps = 64e9;
  s.line_rate_source = "data/standards/pcie.toml [pcie6] rate = \"64 GT/s\", modulation pam4";
  s.efficiency = 236.0 / 256.0;
  s.efficiency_source = "encoding pcie6-flit";
  return s;
}

std::shared_ptr<const Measure> lane_rate(bool payload, int lanes) {
  auto m = std::make_shared<Measure>();
  m->name = "lane_rate";
  m->kind = ValueKind::rate;
  m->spec = LaneRateMeasure{pcie6_lane(), payload, lanes};
  return m;
}

}  // namespace

TEST_CASE("an exact value meets an approximate rule inside its relative tolerance, and comparative rules are strict",
          "[workflows][claims][unit]") {
  struct Case {
    double value;
    ValueKind kind;
    Comparison rule;
    double claimed, tolerance;
    Verdict want;
  };
  const Case c = GENERATE(values<Case>({
      // 64 Gb/s +- 5 %: [60.8, 67.2] Gb/s.
      {66e9, ValueKind::rate, Comparison::approx, 64e9, 0.05, Verdict::holds},
      {60.8e9, ValueKind::rate, Comparison::approx, 64e9, 0.05, Verdict::holds},
      {68e9, ValueKind::rate, Comparison::approx, 64e9, 0.05, Verdict::does_not_hold},
      {32e9, ValueKind::rate, Comparison::approx, 64e9, 0.05, Verdict::does_not_hold},
      // Equal quantities are neither less nor greater.
      {1.0, ValueKind::ratio, Comparison::less, 1.0, 0.0, Verdict::does_not_hold},
      {1.0, ValueKind::ratio, Comparison::greater, 1.0, 0.0, Verdict::does_not_hold},
      {0.5, ValueKind::ratio, Comparison::less, 1.0, 0.0, Verdict::holds},
      {2.0, ValueKind::ratio, Comparison::greater, 1.0, 0.0, Verdict::holds},
  }));
  CAPTURE(c.value, c.claimed, c.tolerance);
  CHECK(judge(Computed::exactly(c.value, c.kind), c.rule, c.claimed, c.tolerance) == c.want);
}

TEST_CASE("a bounded computation straddling the rule's limit cannot tell", "[workflows][claims][unit]") {
  // A search that stops at the top of its range: the rate is at least 224 Gb/s.
  const Computed capped = Computed::at_least(224e9, ValueKind::rate);
  CHECK(capped.hi == kInf);
  CHECK(judge(capped, Comparison::at_least, 200e9, 0.0) == Verdict::holds);
  CHECK(judge(capped, Comparison::at_most, 300e9, 0.0) == Verdict::cannot_tell);
  CHECK(judge(capped, Comparison::approx, 100e9, 0.1) == Verdict::does_not_hold);
  // A search that finds nothing down to 1 Gb/s: at most 1 Gb/s.
  CHECK(judge(Computed::at_most(1e9, ValueKind::rate), Comparison::at_least, 32e9, 0.0) == Verdict::does_not_hold);
}

TEST_CASE("combine any: a claim holds when one reading holds, and the holding test is decisive", "[workflows][claims][unit]") {
  const Claim c = numeric_claim(64e9, Comparison::approx, 0.05, 2);
  const ClaimResult r = judge_claim(c, {computed(32e9), computed(64e9)});
  CHECK(r.verdict == Verdict::holds);
  CHECK(r.decisive == 1);
  CHECK(r.tests[0].verdict == Verdict::does_not_hold);
  CHECK(r.tests[1].verdict == Verdict::holds);
}

TEST_CASE("combine any: a claim fails only when every reading fails, and the nearest is decisive", "[workflows][claims][unit]") {
  const Claim c = numeric_claim(64e9, Comparison::approx, 0.05, 2);
  const ClaimResult r = judge_claim(c, {computed(16e9), computed(48e9)});
  CHECK(r.verdict == Verdict::does_not_hold);
  CHECK(r.decisive == 1);
  CHECK(r.explanation.find("0.75 x the claimed value") != std::string::npos);
}

TEST_CASE("combine all: one failing check makes the claim fail", "[workflows][claims][unit]") {
  const Claim c = numeric_claim(64e9, Comparison::at_least, 0.0, 3, Combine::all);
  const ClaimResult r = judge_claim(c, {computed(64e9), computed(10e9), computed(100e9)});
  CHECK(r.verdict == Verdict::does_not_hold);
  CHECK(r.decisive == 1);
}

TEST_CASE("a test that could not be computed makes the claim cannot tell, not a failure", "[workflows][claims][unit]") {
  const Claim c = numeric_claim(64e9, Comparison::approx, 0.05, 2);
  TestResult failed;
  failed.label = "broken";
  failed.computed = false;
  failed.error = "search failed";
  const ClaimResult r = judge_claim(c, {computed(16e9), failed});
  CHECK(r.verdict == Verdict::cannot_tell);
  CHECK(r.decisive == 1);
  CHECK(r.explanation.find("search failed") != std::string::npos);
}

TEST_CASE("judge_claim refuses results that do not match the claim's tests", "[workflows][claims][unit]") {
  const Claim c = numeric_claim(64e9, Comparison::approx, 0.05, 2);
  CHECK_THROWS_AS(judge_claim(c, {computed(64e9)}), std::invalid_argument);
}

TEST_CASE("a lane rate in GT/s is the bit rate per lane, payload applies the line coding and lanes multiply",
          "[workflows][claims][unit]") {
  ClaimSet set;
  set.source = "hand-made";
  Claim c = numeric_claim(64e9, Comparison::approx, 0.01, 1);
  c.tests[0].label = "PCIe 6.0 line rate per lane";
  c.tests[0].measure = lane_rate(false, 1);
  Claim d = numeric_claim(128e9 * 8, Comparison::approx, 0.01, 1);
  d.id = "d";
  d.tests[0].label = "PCIe 6.0 x16 payload";
  d.tests[0].measure = lane_rate(true, 16);
  set.claims = {c, d};
  const ClaimsReport r = evaluate_claims(set, 1);
  REQUIRE(r.claims.size() == 2);
  // Exact arithmetic: 64e9 x 1 and 64e9 x 236/256 x 16; the margin is rounding only.
  CHECK(r.claims[0].tests[0].value.value == Approx(64e9).epsilon(1e-12));
  CHECK(r.claims[0].verdict == Verdict::holds);
  CHECK(r.claims[1].tests[0].value.value == Approx(64e9 * 236.0 / 256.0 * 16).epsilon(1e-12));
  // 944 Gb/s is 7.8 % below 1024 Gb/s: outside 1 %.
  CHECK(r.claims[1].verdict == Verdict::does_not_hold);
  CHECK(r.count(Verdict::holds) == 1);
}

TEST_CASE("a standard's unusable rate makes its tests cannot tell with the reason", "[workflows][claims][unit]") {
  ClaimSet set;
  Claim c = numeric_claim(64e9, Comparison::approx, 0.01, 1);
  auto m = std::make_shared<Measure>();
  m->name = "lane_rate";
  m->kind = ValueKind::rate;
  StandardLane lane;
  lane.id = "odd";
  lane.problem = "[odd] modulation \"qam\" is not nrz";
  m->spec = LaneRateMeasure{lane, false, 1};
  c.tests[0].label = "odd";
  c.tests[0].measure = m;
  set.claims = {c};
  const ClaimsReport r = evaluate_claims(set, 1);
  CHECK(r.claims[0].verdict == Verdict::cannot_tell);
  CHECK(r.claims[0].tests[0].error.find("qam") != std::string::npos);
}
