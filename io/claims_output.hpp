#pragma once
/// Reports of evaluated claims (workflows/claims.hpp): a table with details, JSON, and HDF5 under a group
/// (the command writes the root, the study writes /claims). Layouts are in docs/claims.md.
#include <filesystem>
#include <ostream>
#include <string_view>

#include "io/claims.hpp"

namespace phylane::io {

class Hdf5Writer;

/// The table (id, claim, claimed, computed, verdict) and, unless `compact`, every claim's tests,
/// context numbers and assumptions. `compact`: one line per claim (for the study's summary).
void print_claims(std::ostream& os, const ClaimsReport& report, bool compact);

/// JSON: values in SI with a "units" field next to each ("value_si", "units").
void write_claims_json(std::ostream& os, const ClaimsReport& report);

/// Writes the report under `group` ("/" or e.g. "/claims"): per-claim string datasets at the group
/// (id, verdict, text ...) and one subgroup per claim (claim/ID/...) with the claimed and computed
/// values, each dataset with its units. Does not commit.
void write_claims_hdf5(Hdf5Writer& h, std::string_view group, const ClaimsReport& report);

/// A whole result file for `phylane claims -o`: the report at the root, the claim file text and
/// the phylane version as root attributes. Written to a temporary name and renamed when complete.
void write_claims_hdf5(const std::filesystem::path& file, const ClaimsReport& report);

}  // namespace phylane::io
