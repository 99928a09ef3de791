// Reports of evaluated claims: text table, JSON, HDF5 (docs/claims.md).
#include "io/claims_output.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

namespace {

std::string shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t cut = n - 3;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

std::string claimed_text(const ClaimResult& c) {
  switch (c.kind) {
    case ClaimKind::numeric: {
      const std::string v = display_value(c.claimed->value, c.claimed->kind);
      const std::string tol = c.tolerance > 0 ? fmt::format(" +-{:g}%", c.tolerance * 100) : "";
      if (c.comparison == Comparison::at_least) return ">= " + v + (c.tolerance > 0 ? fmt::format(" -{:g}%", c.tolerance * 100) : "");
      if (c.comparison == Comparison::at_most) return "<= " + v + (c.tolerance > 0 ? fmt::format(" +{:g}%", c.tolerance * 100) : "");
      return "~" + v + tol;
    }
    case ClaimKind::comparative: return c.comparison == Comparison::less ? "A < B" : "A > B";
    case ClaimKind::qualitative: return "(mechanism)";
  }
  return "";
}

std::string computed_text(const TestResult& t) {
  if (!t.computed) return "(not computed)";
  return display(t.value);
}

std::string decisive_text(const ClaimResult& c) {
  if (c.decisive >= c.tests.size()) return "-";
  std::string s = computed_text(c.tests[c.decisive]);
  if (c.tests.size() > 1) s += fmt::format(" [{}/{}]", c.decisive + 1, c.tests.size());
  return s;
}

std::string verdict_upper(Verdict v) {
  std::string s(to_string(v));
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void print_test(std::ostream& os, const TestResult& t) {
  std::string value = computed_text(t);
  if (t.computed && t.numerator && t.denominator)
    value += fmt::format(" = {} / {}", display(*t.numerator), display(*t.denominator));
  if (t.context) os << fmt::format("    - {}: {}\n", t.label, value);
  else os << fmt::format("    [{}] {}: {}; rule {}\n", to_string(t.verdict), t.label, value, t.rule);
  if (!t.error.empty()) os << fmt::format("        ! {}\n", t.error);
  for (const auto& a : t.assumptions) os << fmt::format("        . {}\n", a);
}

}  // namespace

void print_claims(std::ostream& os, const ClaimsReport& r, bool compact) {
  const int n = static_cast<int>(r.claims.size());
  if (compact) {
    os << fmt::format("Claims ({}): {} hold, {} do not hold, {} cannot tell\n", r.source, r.count(Verdict::holds),
                      r.count(Verdict::does_not_hold), r.count(Verdict::cannot_tell));
    for (const auto& c : r.claims)
      os << fmt::format("  {:<28} {:<14} claimed {:<18} computed {}\n", c.id, to_string(c.verdict), claimed_text(c),
                        decisive_text(c));
    return;
  }
  os << fmt::format("phylane claims: {}({})\n", r.title.empty() ? "" : r.title + " ", r.source);
  if (!r.origin.empty()) os << fmt::format("  from: {}\n", shorten(r.origin, 240));
  os << fmt::format("  {} claims: {} hold, {} do not hold, {} cannot tell ({:.2f} s)\n\n", n, r.count(Verdict::holds),
                    r.count(Verdict::does_not_hold), r.count(Verdict::cannot_tell), r.seconds);
  os << fmt::format("  {:<26} {:<40} {:<18} {:<24} {}\n", "id", "claim", "claimed", "computed", "verdict");
  for (const auto& c : r.claims)
    os << fmt::format("  {:<26} {:<40} {:<18} {:<24} {}\n", shorten(c.id, 26), shorten(c.text, 40), claimed_text(c),
                      decisive_text(c), to_string(c.verdict));
  os << "\n  computed: the reading shown is the one that decides the verdict ([k/n]: test k of n); details below.\n";

  for (const auto& c : r.claims) {
    os << fmt::format("\n{} - {}\n", c.id, verdict_upper(c.verdict));
    os << fmt::format("  \"{}\"{}\n", c.text, c.where.empty() ? "" : " (" + c.where + ")");
    switch (c.kind) {
      case ClaimKind::numeric:
        os << fmt::format("  claims: {} {} {}{}; {}\n", c.quantity, to_string(c.comparison), c.claimed_text,
                          c.tolerance > 0 ? fmt::format(", tolerance {:g} %", c.tolerance * 100) : "",
                          c.combine == Combine::any ? "holds if any reading below holds" : "holds if every check holds");
        break;
      case ClaimKind::comparative:
        os << fmt::format("  claims: {} of A {} than of B (tests are ratios A / B); {}\n", c.quantity,
                          c.comparison == Comparison::less ? "less" : "greater",
                          c.combine == Combine::any ? "holds if any comparison holds" : "holds if every comparison holds");
        break;
      case ClaimKind::qualitative:
        os << fmt::format("  claims a mechanism; {}\n", c.tests.empty() ? "not testable by phylane"
                                                         : c.combine == Combine::all ? "holds if every check holds"
                                                                                     : "holds if any check holds");
        break;
    }
    os << fmt::format("  verdict: {}: {}\n", to_string(c.verdict), c.explanation);
    if (!c.tests.empty()) {
      os << "  tests:\n";
      for (const auto& t : c.tests) print_test(os, t);
    }
    if (!c.context.empty()) {
      os << "  context (not part of the verdict):\n";
      for (const auto& t : c.context) print_test(os, t);
    }
  }
  os << "\nEvery number above is computed by phylane from its models or read from data/standards; the\n"
        "claim file says what each test computes (docs/claims.md).\n";
}

namespace {

void json_value(JsonWriter& j, const Computed& c) {
  j.begin_object();
  j.field("value_si", c.value).field("units", si_unit(c.kind)).field("kind", to_string(c.kind));
  j.field("bound", c.exact() ? "exact" : c.lower_bound() ? "lower" : c.lo == 0.0 ? "upper" : "interval");
  if (!c.exact()) {
    j.field("lo_si", c.lo);
    j.key("hi_si");
    if (std::isfinite(c.hi)) j.value(c.hi);
    else j.null();
  }
  j.field("display", display(c));
  j.end_object();
}

void json_test(JsonWriter& j, const TestResult& t) {
  j.begin_object();
  j.field("label", t.label).field("computed", t.computed);
  j.key("value");
  if (t.computed) json_value(j, t.value);
  else j.null();
  if (t.numerator && t.denominator) {
    j.key("numerator");
    json_value(j, *t.numerator);
    j.key("denominator");
    json_value(j, *t.denominator);
  }
  if (!t.context) j.field("verdict", to_string(t.verdict)).field("rule", t.rule);
  if (!t.error.empty()) j.field("error", t.error);
  j.key("assumptions").begin_array();
  for (const auto& a : t.assumptions) j.value(a);
  j.end_array();
  j.end_object();
}

}  // namespace

void write_claims_json(std::ostream& os, const ClaimsReport& r) {
  JsonWriter j(os);
  detail::begin_command_json(j, "claims");
  j.field("source", r.source).field("title", r.title).field("origin", r.origin).field("seconds", r.seconds);
  j.key("summary").begin_object();
  j.field("claims", r.claims.size())
      .field("holds", r.count(Verdict::holds))
      .field("does_not_hold", r.count(Verdict::does_not_hold))
      .field("cannot_tell", r.count(Verdict::cannot_tell));
  j.end_object();
  j.key("claims").begin_array();
  for (const auto& c : r.claims) {
    j.begin_object();
    j.field("id", c.id).field("text", c.text).field("where", c.where).field("kind", to_string(c.kind));
    j.field("quantity", c.quantity);
    j.key("claimed");
    if (c.claimed) {
      j.begin_object();
      j.field("text", c.claimed_text).field("value_si", c.claimed->value).field("units", si_unit(c.claimed->kind));
      j.end_object();
    } else {
      j.null();
    }
    if (c.kind != ClaimKind::qualitative) j.field("comparison", to_string(c.comparison));
    if (c.kind == ClaimKind::numeric) j.field("tolerance", c.tolerance);
    j.field("combine", to_string(c.combine));
    j.field("verdict", to_string(c.verdict)).field("explanation", c.explanation);
    if (!c.reason.empty()) j.field("reason", c.reason);
    j.key("decisive_test");
    if (c.decisive < c.tests.size()) j.value(c.decisive);
    else j.null();
    j.key("tests").begin_array();
    for (const auto& t : c.tests) json_test(j, t);
    j.end_array();
    j.key("context").begin_array();
    for (const auto& t : c.context) json_test(j, t);
    j.end_array();
    j.field("note", c.note);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.done();
}

namespace {

std::string path_join(std::string_view group, std::string_view name) {
  std::string g(group);
  while (!g.empty() && g.back() == '/') g.pop_back();
  return g + "/" + std::string(name);
}

std::string bound_name(const Computed& c) {
  return c.exact() ? "exact" : c.lower_bound() ? "lower" : c.lo == 0.0 ? "upper" : "interval";
}

void h5_value(Hdf5Writer& h, const std::string& path, const Computed& c, std::string_view description) {
  const double v = c.value;
  h.dataset(path, std::span<const double>(&v, 1), si_unit(c.kind),
            fmt::format("{} ({}; bound: {})", description, to_string(c.kind), bound_name(c)));
}

void h5_test(Hdf5Writer& h, const std::string& g, const TestResult& t) {
  h.strings(g + "/label", {t.label});
  if (!t.context) {
    h.strings(g + "/verdict", {std::string(to_string(t.verdict))}, "holds, does not hold or cannot tell");
    h.strings(g + "/rule", {t.rule}, "the accepted range of the computed value");
  }
  if (t.computed) {
    h5_value(h, g + "/value", t.value, "computed value");
    h.strings(g + "/bound", {bound_name(t.value)},
              "exact, lower (the true value is at least value), upper (at most value) or interval");
    if (t.numerator && t.denominator) {
      h5_value(h, g + "/numerator", *t.numerator, "numerator of the ratio");
      h5_value(h, g + "/denominator", *t.denominator, "denominator of the ratio");
    }
  }
  if (!t.error.empty()) h.strings(g + "/error", {t.error});
  if (!t.assumptions.empty()) h.strings(g + "/assumptions", t.assumptions, "models, figures and parameters used");
}

}  // namespace

void write_claims_hdf5(Hdf5Writer& h, std::string_view group, const ClaimsReport& r) {
  std::vector<std::string> ids, verdicts, texts, wheres, kinds, quantities, claimed, explanations, computed;
  for (const auto& c : r.claims) {
    ids.push_back(c.id);
    verdicts.push_back(std::string(to_string(c.verdict)));
    texts.push_back(c.text);
    wheres.push_back(c.where);
    kinds.push_back(std::string(to_string(c.kind)));
    quantities.push_back(c.quantity);
    claimed.push_back(c.claimed ? c.claimed_text : std::string());
    explanations.push_back(c.explanation);
    computed.push_back(c.decisive < c.tests.size() ? computed_text(c.tests[c.decisive]) : std::string());
  }
  if (r.claims.empty()) return;
  h.strings(path_join(group, "id"), ids, "claim ids: the order of every per-claim dataset here");
  h.strings(path_join(group, "verdict"), verdicts, "holds, does not hold or cannot tell");
  h.strings(path_join(group, "text"), texts, "the claim as quoted or paraphrased");
  h.strings(path_join(group, "where"), wheres, "where in the source text");
  h.strings(path_join(group, "kind"), kinds, "numeric, comparative or qualitative");
  h.strings(path_join(group, "quantity"), quantities, "what the claim is about (empty for qualitative claims)");
  h.strings(path_join(group, "claimed"), claimed, "the claimed value as written (empty when none)");
  h.strings(path_join(group, "computed"), computed, "the deciding computed value, with its unit, as displayed");
  h.strings(path_join(group, "explanation"), explanations, "why the verdict");
  const std::vector<double> counts{static_cast<double>(r.count(Verdict::holds)),
                                   static_cast<double>(r.count(Verdict::does_not_hold)),
                                   static_cast<double>(r.count(Verdict::cannot_tell))};
  h.dataset(path_join(group, "verdict_counts"), counts, "1", "number of claims that hold, do not hold, cannot tell");

  for (const auto& c : r.claims) {
    const std::string g = path_join(group, "claim/" + c.id);
    if (c.claimed) {
      const double v = c.claimed->value;
      h.dataset(g + "/claimed", std::span<const double>(&v, 1), si_unit(c.claimed->kind),
                fmt::format("claimed {} ({}, {} within {:g} %)", c.quantity, c.claimed_text, to_string(c.comparison),
                            c.tolerance * 100));
    }
    h.strings(g + "/verdict", {std::string(to_string(c.verdict))});
    h.strings(g + "/explanation", {c.explanation});
    h.strings(g + "/combine", {std::string(to_string(c.combine))}, "any: some test holds; all: every test holds");
    if (c.kind != ClaimKind::qualitative) h.strings(g + "/comparison", {std::string(to_string(c.comparison))});
    if (!c.reason.empty()) h.strings(g + "/reason", {c.reason});
    for (std::size_t k = 0; k < c.tests.size(); ++k) h5_test(h, g + "/test/" + std::to_string(k + 1), c.tests[k]);
    for (std::size_t k = 0; k < c.context.size(); ++k) h5_test(h, g + "/context/" + std::to_string(k + 1), c.context[k]);
  }
}

void write_claims_hdf5(const std::filesystem::path& file, const ClaimsReport& r) {
  Hdf5Writer h(file);
  write_claims_hdf5(h, "/", r);
  detail::command_attributes(h, "claims");
  h.attribute("/", "source", r.source);
  h.attribute("/", "title", r.title);
  h.attribute("/", "origin", r.origin);
  h.attribute("/", "claims_toml", r.text);
  h.attribute("/", "seconds", r.seconds);
  h.commit();
}

}  // namespace phylane::io
