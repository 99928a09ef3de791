#pragma once
/// The material library: dielectric laminates and copper foil profiles, each with its source.
/// Built-in entries come from data/materials/*.toml (embedded at build time); a config may add
/// or override entries in its own [materials.<id>] and [foils.<id>] tables.
#include <string>
#include <string_view>
#include <vector>

#include "phy/roughness.hpp"

namespace phylane::io {

struct DielectricPoint {
  double freq_hz = 0.0;
  double dk = 0.0;
  double df = 0.0;
};

struct DielectricMaterial {
  std::string id;       ///< lowercase, e.g. "megtron-6"
  std::string name;     ///< display name
  double dk = 0.0;      ///< relative permittivity at at_hz
  double df = 0.0;      ///< loss tangent at at_hz
  double at_hz = 0.0;   ///< frequency of the (dk, df) pair
  std::vector<std::string> aliases;
  std::string source;
  std::string note;
  std::vector<DielectricPoint> points;  ///< further datasheet points (for validation)
};

struct FoilProfile {
  std::string id;
  std::string name;
  double rq_m = 0.0;             ///< RMS roughness (Hammerstad, Groisse)
  double rz_m = 0.0;             ///< ten-point height (informational)
  double nodule_radius_m = 0.0;  ///< Huray snowball radius
  double surface_ratio = 0.0;    ///< Huray N 4 pi a^2 / A_flat
  phy::RoughnessModel model = phy::RoughnessModel::none;  ///< default model of this foil
  std::string source;
  std::string note;
  /// The roughness description for `model` (the foil's default when model is empty).
  phy::Roughness roughness(phy::RoughnessModel model) const;
};

class MaterialLibrary {
 public:
  /// The built-in library (embedded data/materials). Throws InputError if the embedded files are
  /// malformed (a build defect, caught by tests).
  static const MaterialLibrary& builtin();

  const DielectricMaterial* find_dielectric(std::string_view id_or_alias) const;
  const FoilProfile* find_foil(std::string_view id) const;
  std::vector<std::string> dielectric_ids() const;
  std::vector<std::string> foil_ids() const;
  const std::vector<DielectricMaterial>& dielectrics() const { return dielectrics_; }
  const std::vector<FoilProfile>& foils() const { return foils_; }

  /// Adds or replaces (same id) an entry.
  void put(DielectricMaterial m);
  void put(FoilProfile f);

 private:
  std::vector<DielectricMaterial> dielectrics_;
  std::vector<FoilProfile> foils_;
};

}  // namespace phylane::io
