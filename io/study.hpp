#pragma once
/// Study files (format in docs/study.md) read into workflows::Study, and the study's results
/// (workflows::run_study, workflows/study.hpp) written as JSON and HDF5.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "io/claims.hpp"
#include "workflows/study.hpp"

namespace phylane::io {

/// Loads a study (relative config/claim paths resolve against the file's folder): every link's
/// config or preset is loaded (it must have [signal]) and the workload defaults to 70e9
/// parameters of 2 bytes, ring all-reduce on 8 and 64 devices. Throws
/// InputError with file:line:col diagnostics. `points` > 0 overrides the number of reach points.
workflows::Study load_study(const std::filesystem::path& file, int points = 0);
workflows::Study load_study_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir,
                      int points = 0);
/// The embedded default (data/studies/default.toml).
workflows::Study default_study(int points = 0);

/// JSON of the results (units in the field names); with `claims`, each claim's id and verdict.
void write_study_json(std::ostream& os, const workflows::Study& study, const workflows::StudyResult& result,
                      const ClaimsReport* claims = nullptr);

/// The study's claim file, loaded (validated) before anything runs; nullopt when it names none.
std::optional<ClaimSet> load_study_claims(const workflows::Study& study);

/// HDF5 layout in docs/study.md; every dataset carries units. `claims`, when given, go under /claims.
void write_study_hdf5(const std::filesystem::path& file, const workflows::Study& study, const workflows::StudyResult& result,
                      const ClaimsReport* claims = nullptr);

}  // namespace phylane::io
