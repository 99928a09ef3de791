#pragma once
// Internal to phylane_io: parsing of material-library entries (shared by the built-in library and
// a config's own [materials.*] / [foils.*] tables).
#include "io/detail/toml_reader.hpp"
#include "io/material_library.hpp"

namespace phylane::io::detail {

DielectricMaterial parse_dielectric(TableReader& r, const std::string& id);
FoilProfile parse_foil(TableReader& r, const std::string& id);

/// Parses every [id] table of a library file into `lib` (errors into r's context).
void parse_dielectric_file(TableReader& r, MaterialLibrary& lib);
void parse_foil_file(TableReader& r, MaterialLibrary& lib);

}  // namespace phylane::io::detail
