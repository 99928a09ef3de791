#pragma once
/// Machine outputs of `phylane fit`: JSON (units in field names) and HDF5 (units attributes).
/// Format in docs/fit.md.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "workflows/length_fit.hpp"
#include "workflows/material_fit.hpp"

namespace phylane::io {

/// JSON: files, lengths_m, quantity, freq_hz, loss_db_per_m, loss_db_per_in, uncertainty_db_per_m,
/// launch_db, delay_s, delay_s_per_m, eps_eff; with a material fit also `material` (docs/fit.md).
void write_fit_json(std::ostream& os, const std::vector<std::string>& files, const std::vector<double>& lengths_m,
                    const workflows::LengthFit& f, const workflows::MaterialFit* material = nullptr);
/// HDF5: the same arrays as datasets with units; files and lengths as root attributes; with a
/// material fit also the group /material (docs/fit.md).
void write_fit_hdf5(const std::filesystem::path& file, const std::vector<std::string>& files,
                    const std::vector<double>& lengths_m, const workflows::LengthFit& f,
                    const workflows::MaterialFit* material = nullptr);

/// The fitted laminate and foil as the tables [materials.ID] and [foils.ID] of a config (the keys
/// of data/materials/*.toml, docs/materials.md): dk, df, at; the roughness model and its
/// parameters; `source` = provenance; `note` the uncertainties and the fit's residual.
std::string fitted_material_toml(const workflows::MaterialFit& f, const std::string& id, const std::string& provenance);
/// The cross-section config `config_file` with the fitted tables added and its trace segment
/// `segment` (0-based among the [[channel.segments]] entries that have a `geometry`) using them:
/// material = ID, foil = ID (its inline dk/df/at, roughness_model and plane_foil removed, as the
/// fitted foil covers the strip and the planes), and with `length` non-empty its `length` set to
/// that text (a length as configs write it, e.g. "30 in"). Throws InputError when the file has
/// no such segment or already defines the id.
std::string config_with_fitted_material(const std::filesystem::path& config_file, std::size_t segment,
                                        const workflows::MaterialFit& f, const std::string& id,
                                        const std::string& provenance, const std::string& length = {});

}  // namespace phylane::io
