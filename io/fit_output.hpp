#pragma once
/// Machine outputs of `phylane fit`: JSON (units in field names) and HDF5 (units attributes).
/// Format in docs/fit.md.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "workflows/length_fit.hpp"

namespace phylane::io {

/// JSON: files, lengths_m, quantity, freq_hz, loss_db_per_m, loss_db_per_in, uncertainty_db_per_m,
/// launch_db, delay_s, delay_s_per_m, eps_eff.
void write_fit_json(std::ostream& os, const std::vector<std::string>& files, const std::vector<double>& lengths_m,
                    const workflows::LengthFit& f);
/// HDF5: the same arrays as datasets with units; files and lengths as root attributes.
void write_fit_hdf5(const std::filesystem::path& file, const std::vector<std::string>& files,
                    const std::vector<double>& lengths_m, const workflows::LengthFit& f);

}  // namespace phylane::io
