#include "io/material_library.hpp"

#include <algorithm>

#include "io/detail/material_parse.hpp"
#include "io/embedded.hpp"
#include "phy/constants.hpp"

namespace phylane::io {

namespace detail {

DielectricMaterial parse_dielectric(TableReader& r, const std::string& id) {
  DielectricMaterial m;
  m.id = id;
  m.name = r.text_or("name", id).value_or(id);
  m.dk = r.number("dk", Rule::between(1.0, 100.0), true).value_or(0.0);
  m.df = r.number("df", Rule::between(0.0, 1.0, true, false), true).value_or(0.0);
  m.at_hz = r.quantity("at", Dimension::frequency, Rule::positive(), true).value_or(0.0);
  m.aliases = r.text_list("aliases", false).value_or(std::vector<std::string>{});
  m.source = r.text_or("source", "").value_or("");
  m.note = r.text_or("note", "").value_or("");
  for (auto& p : r.table_array("points", false)) {
    DielectricPoint pt;
    pt.freq_hz = p.quantity("at", Dimension::frequency, Rule::positive(), true).value_or(0.0);
    pt.dk = p.number("dk", Rule::between(1.0, 100.0), true).value_or(0.0);
    pt.df = p.number("df", Rule::between(0.0, 1.0, true, false), true).value_or(0.0);
    p.finish();
    m.points.push_back(pt);
  }
  r.finish();
  return m;
}

FoilProfile parse_foil(TableReader& r, const std::string& id) {
  FoilProfile f;
  f.id = id;
  f.name = r.text_or("name", id).value_or(id);
  f.rq_m = r.quantity_or("rq", Dimension::length, Rule::between(0.0, 1e-4), "0 um").value_or(0.0);
  f.rz_m = r.quantity_or("rz", Dimension::length, Rule::between(0.0, 1e-3), "0 um").value_or(0.0);
  f.nodule_radius_m =
      r.quantity_or("nodule_radius", Dimension::length, Rule::between(0.0, 1e-4), "0 um").value_or(0.0);
  // Huray surface ratio SR = N 4 pi a^2 / A, given directly or as N nodules per tile of area A
  // (the "cannonball" parameterisation: N spheres on a hexagonal tile A_hex).
  if (r.has("surface_ratio") && (r.has("nodules_per_tile") || r.has("tile_area"))) {
    r.reject("nodules_per_tile", "give either surface_ratio or nodules_per_tile with tile_area, not both");
    r.accept("tile_area");
    r.accept("surface_ratio");
  } else if (r.has("nodules_per_tile") || r.has("tile_area")) {
    const auto n = r.number("nodules_per_tile", Rule::between(0.0, 1e6), true);
    const auto area = r.quantity("tile_area", Dimension::area, Rule::positive(), true);
    r.accept("surface_ratio");
    if (n && area) f.surface_ratio = *n * 4.0 * phy::pi * f.nodule_radius_m * f.nodule_radius_m / *area;
  } else {
    r.accept("nodules_per_tile");
    r.accept("tile_area");
    f.surface_ratio = r.number_or("surface_ratio", Rule::between(0.0, 100.0), 0.0).value_or(0.0);
  }
  f.model = r.choice<phy::RoughnessModel>("model", phy::parse_roughness_model,
                                          phy::roughness_model_names(), std::nullopt)
                .value_or(phy::RoughnessModel::none);
  f.source = r.text_or("source", "").value_or("");
  f.note = r.text_or("note", "").value_or("");
  r.finish();
  if (f.model == phy::RoughnessModel::huray && !(f.nodule_radius_m > 0.0))
    r.context().error(&r.input(), r.key_path("nodule_radius"), "",
                      "the huray model needs a positive nodule_radius");
  return f;
}

void parse_dielectric_file(TableReader& r, MaterialLibrary& lib) {
  for (const auto& [k, v] : r.input()) {
    const std::string id(k.str());
    if (auto t = r.table(id, true)) lib.put(parse_dielectric(*t, id));
  }
}

void parse_foil_file(TableReader& r, MaterialLibrary& lib) {
  for (const auto& [k, v] : r.input()) {
    const std::string id(k.str());
    if (auto t = r.table(id, true)) lib.put(parse_foil(*t, id));
  }
}

}  // namespace detail

phy::Roughness FoilProfile::roughness(phy::RoughnessModel m) const {
  phy::Roughness r;
  r.model = m;
  r.rms_m = rq_m;
  r.nodule_radius_m = nodule_radius_m;
  r.surface_ratio = surface_ratio;
  r.flat_ratio = 1.0;
  return r;
}

const MaterialLibrary& MaterialLibrary::builtin() {
  static const MaterialLibrary lib = [] {
    MaterialLibrary l;
    auto load = [&](std::string_view path, bool dielectric) {
      const auto text = embedded_file(path);
      if (!text) return;
      detail::Context ctx;
      ctx.file = "data/" + std::string(path);
      toml::table in;
      try {
        in = toml::parse(*text, ctx.file);
      } catch (const toml::parse_error& e) {
        throw InputError(ctx.file + ": " + std::string(e.description()));
      }
      toml::table out;
      detail::TableReader r(ctx, in, out, "");
      if (dielectric)
        detail::parse_dielectric_file(r, l);
      else
        detail::parse_foil_file(r, l);
      ctx.throw_if_errors();
    };
    load("materials/dielectrics.toml", true);
    load("materials/foils.toml", false);
    return l;
  }();
  return lib;
}

const DielectricMaterial* MaterialLibrary::find_dielectric(std::string_view id) const {
  for (const auto& m : dielectrics_)
    if (m.id == id) return &m;
  for (const auto& m : dielectrics_)
    if (std::find(m.aliases.begin(), m.aliases.end(), id) != m.aliases.end()) return &m;
  return nullptr;
}

const FoilProfile* MaterialLibrary::find_foil(std::string_view id) const {
  for (const auto& f : foils_)
    if (f.id == id) return &f;
  return nullptr;
}

std::vector<std::string> MaterialLibrary::dielectric_ids() const {
  std::vector<std::string> out;
  for (const auto& m : dielectrics_) out.push_back(m.id);
  return out;
}

std::vector<std::string> MaterialLibrary::foil_ids() const {
  std::vector<std::string> out;
  for (const auto& f : foils_) out.push_back(f.id);
  return out;
}

namespace {
// Replaces the entry with the id of `item`, or appends `item` when no entry has it.
template <class T>
void put_by_id(std::vector<T>& entries, T item) {
  for (auto& x : entries)
    if (x.id == item.id) {
      x = std::move(item);
      return;
    }
  entries.push_back(std::move(item));
}
}  // namespace

void MaterialLibrary::put(DielectricMaterial m) { put_by_id(dielectrics_, std::move(m)); }

void MaterialLibrary::put(FoilProfile f) { put_by_id(foils_, std::move(f)); }

}  // namespace phylane::io
