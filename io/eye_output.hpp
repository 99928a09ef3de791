#pragma once
/// Machine outputs of `phylane eye`: JSON (units in field names) and HDF5 (units attributes).
#include <filesystem>
#include <ostream>
#include <string>

#include "io/config.hpp"
#include "io/hdf5_writer.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/optical_analysis.hpp"

namespace phylane::io {

/// `optical` (optional) adds the optical link figures.
void write_eye_json(std::ostream& os, const Config& cfg, const solvers::EyeAnalysis& a,
                    const solvers::OpticalAnalysis* optical = nullptr);

/// HDF5: /pulse/{time_s, unequalized_v, equalized_v}, /eye/{phase_ui, voltage_v, log10_ber
/// (phase x voltage)}, /eye/bathtub_vertical_log10_ber, /eye/bathtub_horizontal_log10_ber
/// (eye x phase), /eye/heights_v, /eye/widths_ui, /equalizer/{candidate_*}, settings as
/// attributes, root attributes with version and the resolved config.
/// The pulse, eye and equalizer groups of one analysis under `prefix` ("" = the root), into an
/// open writer: for files that hold several eyes (rate and reach searches, the study).
void write_eye_groups(Hdf5Writer& h, const std::string& prefix, const solvers::EyeAnalysis& a);

void write_eye_hdf5(const std::filesystem::path& file, const Config& cfg, const solvers::EyeAnalysis& a,
                    const solvers::OpticalAnalysis* optical = nullptr);

}  // namespace phylane::io
