#pragma once
/// The waveguide file of `phylane waveguide` (docs/cli.md, docs/optical_physics.md): a strip
/// waveguide's materials, geometry, wavelength, roughness and bend radii, validated into a
/// workflows::WaveguideRequest; and the command's outputs (text, JSON, HDF5 with the mode fields).
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "workflows/waveguide.hpp"

namespace phylane::io {

struct WaveguideConfig {
  workflows::WaveguideRequest request;
  std::string source;         ///< file name (for messages)
  std::string resolved_toml;  ///< the configuration as used, defaults included
};

/// Reads [waveguide]; every problem in the file is reported at once (io::InputError): unknown
/// keys, bad quantities, a wavelength outside a material's dispersion fit, an inverted index
/// contrast, a core narrower than two mesh cells, a bend radius not larger than the core width.
WaveguideConfig load_waveguide(const std::filesystem::path& file);
WaveguideConfig load_waveguide_text(std::string_view text, const std::string& name);

void print_waveguide(std::ostream& os, const WaveguideConfig& cfg, const workflows::WaveguideResult& r);
void write_waveguide_json(std::ostream& os, const WaveguideConfig& cfg, const workflows::WaveguideResult& r);
/// /modes/<quasi_te|quasi_tm>/{x_m, y_m, field_abs, eps} with the figures as attributes,
/// /bends/{radius_m, radiation_db_per_90deg, transition_db, total_db_per_90deg}, the resolved
/// config as a root attribute. Nothing is left at `file` unless the whole file was written.
void write_waveguide_hdf5(const std::filesystem::path& file, const WaveguideConfig& cfg,
                          const workflows::WaveguideResult& r);

}  // namespace phylane::io
