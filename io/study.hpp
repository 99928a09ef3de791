#pragma once
/// A study: several links (copper, optical) compared over reach — loss, maximum per-lane rate
/// (NRZ and PAM4) with the Shannon capacity, the resulting link bandwidth, and the time and energy
/// of a data-parallel training step's gradient all-reduce. The file format is in docs/study.md.
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "io/claims.hpp"
#include "io/config.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/throughput.hpp"

namespace phylane::io {

struct StudyLink {
  std::string name;
  Config config;                 ///< the link at its configured lengths (needs [signal])
  std::string element;           ///< what reach stretches ("" = longest trace / the fiber)
  int lanes = 1;                 ///< lanes per link (x16) or wavelengths per fibre
  std::string lanes_label;       ///< "x16", "per fibre", ...
  solvers::Encoding encoding;
  double alpha_s = 0.0;          ///< per-hop latency of the protocol stack, propagation added per length
  /// Energy per payload bit [J]; < 0: from the optical link's electrical power / rate (optical only).
  double energy_per_bit_j = 0.0;
  std::string energy_source;     ///< where energy_per_bit comes from
};

struct StudyWorkload {
  double parameters = 70e9;
  double bytes_per_parameter = 2.0;
  std::vector<int> devices = {8, 64};
  solvers::Algorithm algorithm = solvers::Algorithm::ring;
};

struct Study {
  std::string name;
  std::string source;            ///< file path or "embedded:studies/default.toml"
  std::string text;              ///< the study file as read
  std::vector<double> reach_m;   ///< lengths evaluated (ascending)
  std::vector<StudyLink> links;
  StudyWorkload workload;
  std::string claims;            ///< claim file to evaluate ("" = none); embedded path or file
};

/// Loads a study (relative config/claim paths resolve against the file's folder). Throws
/// InputError with file:line:col diagnostics. `points` > 0 overrides the number of reach points.
Study load_study(const std::filesystem::path& file, int points = 0);
Study load_study_text(std::string_view text, const std::string& name, const std::filesystem::path& base_dir,
                      int points = 0);
/// The embedded default (data/studies/default.toml).
Study default_study(int points = 0);

struct StudyPoint {
  double length_m = 0.0;
  double loss_db = 0.0;            ///< copper: insertion loss at the configured Nyquist; optical: path loss
  double max_rate_nrz_bps = 0.0;   ///< 0 where no rate meets the target
  double max_rate_pam4_bps = 0.0;
  double max_rate_bps = 0.0;       ///< the better of the two
  int best_levels = 0;
  double capacity_bps = 0.0;
  double propagation_s = 0.0;      ///< flight time of the link at this length
  double link_bandwidth_bytes_per_s = 0.0;     ///< lanes x rate x efficiency / 8, per direction
  std::vector<double> sync_time_s;             ///< per workload.devices
  std::vector<double> energy_per_step_j;       ///< per workload.devices (all links of the ring)
  double energy_per_bit_j = 0.0;
  bool search_capped_by_capacity = false;  ///< the rate search stopped at the capacity bound
  bool failed = false;             ///< the rate search failed numerically (note says why)
  std::string note;                ///< why no rate was found, when none was
};

struct StudyLinkResult {
  std::string name;
  std::vector<StudyPoint> points;
  double config_length_m = 0.0;    ///< the stretched element's length in the config
  std::string element_label;
  std::string loss_label;          ///< what loss_db is
  solvers::EyeAnalysis eye_at_config;  ///< the eye at the configured length and rate
  double config_rate_bps = 0.0;
};

struct StudyResult {
  std::vector<StudyLinkResult> links;
  double seconds = 0.0;
  int threads = 1;
};

/// Runs the study's (link, length) cases on `threads` threads (0: all cores); `progress(done,
/// total)` is called after each case (serialised). Throws InputError for a link whose `element`
/// cannot be stretched, before anything is computed. Tested by: tests/io/study_test.cpp
StudyResult run_study(const Study& study, const std::function<void(int, int)>& progress = {}, int threads = 0);

/// JSON of the results (units in the field names); with `claims`, each claim's id and verdict.
void write_study_json(std::ostream& os, const Study& study, const StudyResult& result,
                      const ClaimsReport* claims = nullptr);

/// The study's claim file, loaded (validated) before anything runs; nullopt when it names none.
std::optional<ClaimSet> load_study_claims(const Study& study);

/// HDF5 layout in docs/study.md; every dataset carries units. `claims`, when given, go under /claims.
void write_study_hdf5(const std::filesystem::path& file, const Study& study, const StudyResult& result,
                      const ClaimsReport* claims = nullptr);

}  // namespace phylane::io
