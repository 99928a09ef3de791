// Claims (docs/claims.md): names and display of values, the verdict rules, and the evaluation of a
// claim set (the measures themselves are in workflows/claim_measures.cpp).
#include "workflows/claims.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "phy/name_table.hpp"
#include "workflows/claim_measures.hpp"

namespace phylane::workflows {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

// ---- names and display --------------------------------------------------------------------------

namespace {
// Each kind's name and SI unit, in one row.
struct KindText {
  ValueKind value;
  std::string_view name, unit;
};
constexpr KindText kKindTexts[] = {
    {ValueKind::rate, "data rate", "b/s"},
    {ValueKind::ratio, "ratio", "1"},
    {ValueKind::time, "time", "s"},
    {ValueKind::length, "length", "m"},
    {ValueKind::frequency, "frequency", "Hz"},
    {ValueKind::loss, "loss", "dB"},
    {ValueKind::loss_per_length, "loss per length", "dB/m"},
    {ValueKind::delay_per_length, "delay per length", "s/m"},
    {ValueKind::energy, "energy", "J"},
    {ValueKind::power, "power", "W"},
};
constexpr phy::EnumName<ClaimKind> kClaimKinds[] = {
    {ClaimKind::numeric, "numeric"}, {ClaimKind::comparative, "comparative"}, {ClaimKind::qualitative, "qualitative"}};
constexpr phy::EnumName<Comparison> kComparisons[] = {
    {Comparison::approx, "approx"}, {Comparison::at_least, "at_least"}, {Comparison::at_most, "at_most"},
    {Comparison::less, "less"}, {Comparison::greater, "greater"}};
constexpr phy::EnumName<Verdict> kVerdicts[] = {
    {Verdict::holds, "holds"}, {Verdict::does_not_hold, "does not hold"}, {Verdict::cannot_tell, "cannot tell"}};
}  // namespace

std::string_view to_string(ValueKind k) { return phy::name_of(kKindTexts, k); }

std::string_view si_unit(ValueKind k) {
  const KindText* t = phy::row_of(kKindTexts, k);
  return t ? t->unit : "1";
}

std::string_view to_string(ClaimKind k) { return phy::name_of(kClaimKinds, k); }

std::string_view to_string(StudyColumnMeasure::Column c) {
  using C = StudyColumnMeasure::Column;
  switch (c) {
    case C::max_rate: return "max_rate";
    case C::energy_per_bit: return "energy_per_bit";
    case C::step_time: return "step_time";
    case C::sync_time: return "sync_time";
    case C::phy_latency: return "phy_latency";
  }
  return "";
}
std::string_view to_string(Comparison c) { return phy::name_of(kComparisons, c); }
std::string_view to_string(Combine c) { return c == Combine::any ? "any" : "all"; }
std::string_view to_string(Verdict v) { return phy::name_of(kVerdicts, v); }

namespace {
/// v / scale with 3-4 significant digits and the unit.
std::string scaled(double v, double scale, std::string_view unit) {
  const double x = v / scale;
  const double ax = std::abs(x);
  std::string s = ax >= 100 ? fmt::format("{:.4g}", x) : ax >= 1 ? fmt::format("{:.4g}", x) : fmt::format("{:.3g}", x);
  return unit.empty() ? s : s + " " + std::string(unit);
}
struct Prefix {
  double scale;
  const char* unit;
};
std::string pick(double v, std::initializer_list<Prefix> ps) {
  const double a = std::abs(v);
  const Prefix* chosen = ps.begin();
  for (const auto& p : ps)
    if (a >= p.scale * 0.9995) chosen = &p;
  return scaled(v, chosen->scale, chosen->unit);
}
}  // namespace

std::string display_value(double v, ValueKind k) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : "-inf";
  switch (k) {
    case ValueKind::rate: return pick(v, {{1.0, "b/s"}, {1e3, "kb/s"}, {1e6, "Mb/s"}, {1e9, "Gb/s"}, {1e12, "Tb/s"}});
    case ValueKind::ratio:
      if (std::abs(v) >= 1e4 && std::abs(v) < 1e5) return fmt::format("{:.0f}", v);
      return std::abs(v) >= 1e5 || (v != 0 && std::abs(v) < 1e-3) ? fmt::format("{:.3g}", v) : scaled(v, 1.0, "");
    case ValueKind::time:
      return pick(v, {{1e-15, "fs"}, {1e-12, "ps"}, {1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1.0, "s"}, {3600.0, "h"}});
    case ValueKind::length: {
      const std::string m = pick(v, {{1e-6, "um"}, {1e-3, "mm"}, {1e-2, "cm"}, {1.0, "m"}, {1e3, "km"}});
      // Board lengths are quoted in inches as well.
      return std::abs(v) >= 1e-3 && std::abs(v) < 2.0 ? m + fmt::format(" ({:.3g} in)", v / 0.0254) : m;
    }
    case ValueKind::frequency: return pick(v, {{1.0, "Hz"}, {1e3, "kHz"}, {1e6, "MHz"}, {1e9, "GHz"}, {1e12, "THz"}});
    case ValueKind::loss: return scaled(v, 1.0, "dB");
    case ValueKind::loss_per_length: return std::abs(v) < 0.1 ? scaled(v, 1e-3, "dB/km") : scaled(v, 1.0, "dB/m");
    case ValueKind::delay_per_length: return scaled(v, 1e-9, "ns/m");
    case ValueKind::energy: return pick(v, {{1e-18, "aJ"}, {1e-15, "fJ"}, {1e-12, "pJ"}, {1e-9, "nJ"}, {1e-6, "uJ"}, {1.0, "J"}});
    case ValueKind::power: return pick(v, {{1e-9, "nW"}, {1e-6, "uW"}, {1e-3, "mW"}, {1.0, "W"}});
  }
  return fmt::format("{:g}", v);
}

std::string display(const Computed& c) {
  if (c.exact()) return display_value(c.value, c.kind);
  if (c.lower_bound()) return ">= " + display_value(c.lo, c.kind);
  if (c.lo == 0.0) return "<= " + display_value(c.hi, c.kind);
  return display_value(c.lo, c.kind) + " ... " + display_value(c.hi, c.kind);
}

int ClaimsReport::count(Verdict v) const {
  return static_cast<int>(std::count_if(claims.begin(), claims.end(), [v](const ClaimResult& c) { return c.verdict == v; }));
}

ValueKind ClaimTest::kind() const {
  if (numerator) return ValueKind::ratio;
  return measure ? measure->kind : ValueKind::ratio;
}

// ---- verdict rules ------------------------------------------------------------------------------

namespace {

/// The accepted interval of a rule: [lo, hi], ends open where said.
struct Accept {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false;
};

Accept accept_set(Comparison c, double v, double tol) {
  Accept a;
  switch (c) {
    case Comparison::approx:
      a.lo = v - tol * std::abs(v);
      a.hi = v + tol * std::abs(v);
      break;
    case Comparison::at_least: a.lo = v - tol * std::abs(v); break;
    case Comparison::at_most: a.hi = v + tol * std::abs(v); break;
    case Comparison::less:
      a.hi = v;
      a.hi_open = true;
      break;
    case Comparison::greater:
      a.lo = v;
      a.lo_open = true;
      break;
  }
  return a;
}

/// holds: every value the computation allows is accepted; does not hold: none is.
Verdict judge(const Computed& c, const Accept& a) {
  const bool above_lo = c.lo > a.lo || (c.lo == a.lo && !a.lo_open);
  const bool below_hi = c.hi < a.hi || (c.hi == a.hi && !a.hi_open);
  if (above_lo && below_hi) return Verdict::holds;
  const bool all_below = c.hi < a.lo || (c.hi == a.lo && a.lo_open);
  const bool all_above = c.lo > a.hi || (c.lo == a.hi && a.hi_open);
  if (all_below || all_above) return Verdict::does_not_hold;
  return Verdict::cannot_tell;
}

std::string rule_text(Comparison c, double v, double tol, ValueKind k) {
  const Accept a = accept_set(c, v, tol);
  const std::string pct = tol > 0 ? fmt::format(" ({} {} {:g} %)", display_value(v, k), c == Comparison::at_most ? "+" : c == Comparison::at_least ? "-" : "+-", tol * 100) : "";
  switch (c) {
    case Comparison::approx: return fmt::format("{} ... {}{}", display_value(a.lo, k), display_value(a.hi, k), pct);
    case Comparison::at_least: return fmt::format(">= {}{}", display_value(a.lo, k), pct);
    case Comparison::at_most: return fmt::format("<= {}{}", display_value(a.hi, k), pct);
    case Comparison::less: return "< 1 (numerator less than denominator)";
    case Comparison::greater: return "> 1 (numerator greater than denominator)";
  }
  return "";
}

/// Distance of a value from an accepted interval, on a log scale where both are positive.
double distance(const Computed& c, const Accept& a) {
  auto d = [](double x, double y) {
    if (x > 0 && y > 0) return std::abs(std::log(x / y));
    return std::abs(x - y);
  };
  if (c.hi < a.lo) return d(c.hi, a.lo);
  if (c.lo > a.hi) return d(c.lo, a.hi);
  return 0.0;
}

TestResult run_test(ClaimMeasures& ev, const ClaimTest& t, bool context) {
  TestResult r;
  r.label = t.label;
  r.context = context;
  try {
    if (t.measure) {
      r.value = ev.eval(*t.measure, r.assumptions);
    } else {
      std::vector<std::string> wn, wd;
      const Computed a = ev.eval(*t.numerator, wn);
      const Computed b = ev.eval(*t.denominator, wd);
      if (!(b.lo > 0.0) && !(b.value > 0.0)) throw std::runtime_error("the denominator is zero");
      r.numerator = a;
      r.denominator = b;
      // [a.lo, a.hi] / [b.lo, b.hi] for positive quantities.
      r.value.kind = ValueKind::ratio;
      r.value.value = a.value / b.value;
      r.value.lo = b.hi == kInf ? 0.0 : a.lo / b.hi;
      r.value.hi = b.lo > 0 ? a.hi / b.lo : kInf;
      if (a.exact() && b.exact()) r.value.lo = r.value.hi = r.value.value;
      for (auto& w : wn) r.assumptions.push_back("numerator: " + w);
      for (auto& w : wd) r.assumptions.push_back("denominator: " + w);
    }
    if (!std::isfinite(r.value.value)) throw std::runtime_error("the computed value is not finite");
    r.computed = true;
  } catch (const std::exception& e) {
    r.computed = false;
    r.error = e.what();
  }
  return r;
}

}  // namespace

Verdict judge(const Computed& c, Comparison comparison, double reference, double tolerance) {
  return judge(c, accept_set(comparison, reference, tolerance));
}

ClaimResult judge_claim(const Claim& c, std::vector<TestResult> tests, std::vector<TestResult> context) {
  if (tests.size() != c.tests.size())
    throw std::invalid_argument(fmt::format("judge_claim: {} test results for claim \"{}\" with {} tests", tests.size(),
                                            c.id, c.tests.size()));
  ClaimResult out;
  out.id = c.id;
  out.text = c.text;
  out.where = c.where;
  out.quantity = c.quantity;
  out.note = c.note;
  out.reason = c.reason;
  out.kind = c.kind;
  out.claimed_text = c.claimed_text;
  if (c.claimed) out.claimed = Computed::exactly(*c.claimed, c.value_kind);
  out.comparison = c.comparison;
  out.tolerance = c.tolerance;
  out.combine = c.combine;

  std::vector<Accept> accepts;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const ClaimTest& t = c.tests[i];
    TestResult& r = tests[i];
    Accept a;
    if (c.kind == ClaimKind::numeric) {
      if (!c.claimed) throw std::invalid_argument("judge_claim: numeric claim \"" + c.id + "\" has no claimed value");
      a = accept_set(c.comparison, *c.claimed, c.tolerance);
      r.rule = rule_text(c.comparison, *c.claimed, c.tolerance, c.value_kind);
    } else if (c.kind == ClaimKind::comparative) {
      a = accept_set(c.comparison, 1.0, 0.0);
      r.rule = rule_text(c.comparison, 1.0, 0.0, ValueKind::ratio);
    } else {
      if (!t.threshold) throw std::invalid_argument("judge_claim: a check of qualitative claim \"" + c.id + "\" has no threshold");
      a = accept_set(t.comparison, *t.threshold, t.tolerance);
      r.rule = rule_text(t.comparison, *t.threshold, t.tolerance, t.kind());
      if (!t.why.empty()) r.assumptions.insert(r.assumptions.begin(), "check: " + t.why);
    }
    r.verdict = r.computed ? judge(r.value, a) : Verdict::cannot_tell;
    if (r.computed && r.verdict == Verdict::cannot_tell)
      r.error = "the computed range " + display(r.value) + " straddles the rule's limit";
    accepts.push_back(a);
  }
  out.tests = std::move(tests);
  out.context = std::move(context);

  const auto& ts = out.tests;
  auto first = [&](Verdict v) {
    for (std::size_t i = 0; i < ts.size(); ++i)
      if (ts[i].verdict == v) return i;
    return ts.size();
  };
  const std::size_t n_holds = static_cast<std::size_t>(std::count_if(ts.begin(), ts.end(), [](const TestResult& t) { return t.verdict == Verdict::holds; }));
  const std::size_t n_fails = static_cast<std::size_t>(std::count_if(ts.begin(), ts.end(), [](const TestResult& t) { return t.verdict == Verdict::does_not_hold; }));
  auto inconclusive = [&](std::size_t i) {
    return fmt::format("\"{}\" is inconclusive: {}", ts[i].label, ts[i].error);
  };
  if (ts.empty()) {
    out.verdict = Verdict::cannot_tell;
    out.explanation = "phylane cannot test this claim: " + c.reason;
  } else if (c.combine == Combine::any) {
    if (n_holds > 0) {
      out.verdict = Verdict::holds;
      out.decisive = first(Verdict::holds);
      out.explanation = fmt::format("\"{}\" gives {}, within {}", ts[out.decisive].label, display(ts[out.decisive].value), ts[out.decisive].rule);
    } else if (n_fails == ts.size()) {
      out.verdict = Verdict::does_not_hold;
      std::size_t best = 0;
      for (std::size_t i = 1; i < ts.size(); ++i)
        if (distance(ts[i].value, accepts[i]) < distance(ts[best].value, accepts[best])) best = i;
      out.decisive = best;
      out.explanation = fmt::format("{} outside {}; nearest: \"{}\" gives {}",
                                    ts.size() == 1   ? std::string("the computed value is")
                                    : ts.size() == 2 ? std::string("both readings are")
                                                     : fmt::format("all {} readings are", ts.size()),
                                    ts[best].rule, ts[best].label, display(ts[best].value));
      if (c.kind == ClaimKind::numeric && ts[best].value.exact())
        out.explanation += fmt::format(" ({:.3g} x the claimed value)", ts[best].value.value / *c.claimed);
    } else {
      out.verdict = Verdict::cannot_tell;
      out.decisive = first(Verdict::cannot_tell);
      out.explanation = "no reading holds and " + inconclusive(out.decisive);
    }
  } else {
    if (n_fails > 0) {
      out.verdict = Verdict::does_not_hold;
      out.decisive = first(Verdict::does_not_hold);
      out.explanation = fmt::format("\"{}\" gives {}, outside {}", ts[out.decisive].label, display(ts[out.decisive].value), ts[out.decisive].rule);
      if (n_holds > 0) out.explanation += fmt::format(" ({} of {} checks hold)", n_holds, ts.size());
    } else if (n_holds == ts.size()) {
      out.verdict = Verdict::holds;
      out.decisive = 0;
      out.explanation = ts.size() == 1 ? fmt::format("\"{}\" gives {}, within {}", ts[0].label, display(ts[0].value), ts[0].rule)
                                       : fmt::format("all {} checks hold", ts.size());
    } else {
      out.verdict = Verdict::cannot_tell;
      out.decisive = first(Verdict::cannot_tell);
      out.explanation = "no check fails and " + inconclusive(out.decisive);
    }
  }
  return out;
}

ClaimsReport evaluate_claims(const ClaimSet& set, const ClaimsRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  ClaimsReport rep;
  rep.source = set.source;
  rep.title = set.title;
  rep.origin = set.origin;
  rep.text = set.text;
  ClaimMeasures ev(set);
  ev.prefetch(std::max(1, request.threads), request.hooks);
  for (const auto& c : set.claims) {
    request.hooks.throw_if_stopped();
    std::vector<TestResult> tests, context;
    for (const auto& t : c.tests) tests.push_back(run_test(ev, t, false));
    for (const auto& t : c.context) context.push_back(run_test(ev, t, true));
    rep.claims.push_back(judge_claim(c, std::move(tests), std::move(context)));
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

ClaimsReport evaluate_claims(const ClaimSet& set, int threads) {
  ClaimsRequest rq;
  rq.threads = threads;
  return evaluate_claims(set, rq);
}

}  // namespace phylane::workflows
