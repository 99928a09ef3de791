#pragma once
/// Claim files: statements with numbers ("PCIe 5.0 gives 128 Gb/s per lane", "a photonic link is
/// 1000x faster than PCIe") to be judged against phylane's own models and the cited figures of
/// data/standards. A claim file lists each statement with what it claims (a quantity, a number, a
/// comparison) and one or more tests, each naming what phylane computes to judge it (a standard
/// figure, a preset's maximum rate, a system link's bandwidth, a reach at a rate ...).
/// This header reads and validates claim files (io/claims_reader.cpp) into the claim values of
/// workflows/claims.hpp, where they are evaluated (workflows::evaluate_claims). The file format
/// and the verdict rules are in docs/claims.md.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/claims.hpp"

namespace phylane::io {

// The claim values live in workflows; these names keep io's callers (study, commands) unchanged.
using workflows::Claim;
using workflows::ClaimKind;
using workflows::ClaimResult;
using workflows::ClaimSet;
using workflows::ClaimsReport;
using workflows::ClaimTest;
using workflows::Combine;
using workflows::Comparison;
using workflows::Computed;
using workflows::display;
using workflows::display_value;
using workflows::evaluate_claims;
using workflows::Measure;
using workflows::si_unit;
using workflows::TestResult;
using workflows::ValueKind;
using workflows::Verdict;

/// Loads a claim file; relative `config` / `system` paths resolve against its folder. Every
/// problem is reported at once as an InputError (file:line:col: key = value: what is allowed),
/// including unknown presets, standards, figures, systems and links. The figures of
/// data/standards a claim uses are resolved here and handed to the evaluation as plain values.
/// Tested by: tests/io/claims_test.cpp
ClaimSet load_claims(const std::filesystem::path& file);
ClaimSet load_claims_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir);
/// An embedded claim file: "NAME", "NAME.toml" or "claims/NAME.toml" (data/claims/NAME.toml).
ClaimSet load_embedded_claims(std::string_view name);
std::vector<std::string> claim_set_names();
/// The claim file `phylane claims` evaluates when given none.
std::string default_claim_set_name();

}  // namespace phylane::io
