#pragma once
// Internal to phylane_io: the strip-waveguide geometry keys shared by the `phylane waveguide` file
// ([waveguide]) and an optical link's waveguide element (geometry = { ... }).
#include <optional>
#include <string>

#include "io/detail/toml_reader.hpp"
#include "workflows/waveguide.hpp"

namespace phylane::io::detail {

/// Reads core, cladding, width, height, mesh, sidewall_roughness, top_roughness and
/// correlation_length from `t` into `q` and checks them at `wavelength_m` (each material's fit
/// covers it, the core index exceeds the cladding's, the core spans two mesh cells). Problems are
/// recorded in the reader's context; `wavelength_where` says where the wavelength came from in
/// the messages ("the laser wavelength" or the key path). Returns false when any key was bad.
bool read_waveguide_geometry(TableReader& t, workflows::WaveguideRequest& q, std::optional<double> wavelength_m,
                             const toml::node* wavelength_node, const std::string& wavelength_where);

}  // namespace phylane::io::detail
