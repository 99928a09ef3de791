// The outputs of `phylane waveguide`: text, JSON and HDF5 (mode fields for plotting).
#include <fmt/format.h>

#include <cmath>
#include <ostream>
#include <vector>

#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "io/version.hpp"
#include "io/waveguide.hpp"
#include "phy/units.hpp"

namespace phylane::io {

namespace {

double db_per_cm(double per_m) { return phy::units::nepers_to_db(0.5 * per_m) / 100.0; }

std::string group_name(phy::Polarization p) { return p == phy::Polarization::quasi_te ? "quasi_te" : "quasi_tm"; }

}  // namespace

void print_waveguide(std::ostream& os, const WaveguideConfig& cfg, const workflows::WaveguideResult& r) {
  const auto& q = cfg.request;
  os << fmt::format("Waveguide {} core {:.0f} x {:.0f} nm in {}, {:.1f} nm\n", phy::to_string(q.core), q.width_m * 1e9,
                    q.height_m * 1e9, phy::to_string(q.cladding), q.wavelength_m * 1e9);
  os << fmt::format("  {:<10}{:>10}{:>9}{:>11}{:>10}{:>8}{:>12}{:>12}\n", "mode", "n_eff", "n_g", "A_eff um2",
                    "MFD um", "conf", "side dB/cm", "top dB/cm");
  for (const auto& m : r.modes)
    os << fmt::format("  {:<10}{:>10.5f}{:>9.4f}{:>11.4f}{:>10.3f}{:>8.3f}{:>12.3g}{:>12.3g}{}\n", phy::to_string(m.polarization),
                      m.mode.n_eff.real(), m.n_g, m.effective_area_m2 * 1e12, m.mode_field_diameter_m * 1e6, m.confinement,
                      db_per_cm(m.scattering.sidewalls_per_m), db_per_cm(m.scattering.top_bottom_per_m),
                      m.mode.guided ? "" : "  (not guided)");
  if (!r.bends.empty()) {
    os << fmt::format("\nBend loss, quasi-TE (per 90 deg)\n  {:>10}{:>16}{:>14}{:>12}\n", "radius um", "radiation dB",
                      "junction dB", "total dB");
    for (const auto& b : r.bends)
      os << fmt::format("  {:>10.2f}{:>16.3g}{:>14.3g}{:>12.3g}\n", b.radius_m * 1e6, b.radiation_db_per_90deg,
                        b.transition_db, b.total_db_per_90deg);
  }
  os << "\nModels and their accuracy: docs/optical_physics.md\n";
}

void write_waveguide_json(std::ostream& os, const WaveguideConfig& cfg, const workflows::WaveguideResult& r) {
  const auto& q = cfg.request;
  JsonWriter j(os);
  j.begin_object().field("phylane_version", phylane_version()).field("command", "waveguide").field("source", cfg.source);
  j.field("core", phy::to_string(q.core)).field("cladding", phy::to_string(q.cladding));
  j.field("width_m", q.width_m).field("height_m", q.height_m).field("wavelength_m", q.wavelength_m);
  j.key("modes").begin_array();
  for (const auto& m : r.modes)
    j.begin_object()
        .field("polarization", phy::to_string(m.polarization))
        .field("guided", m.mode.guided)
        .field("n_eff", m.mode.n_eff.real())
        .field("n_g", m.n_g)
        .field("effective_area_m2", m.effective_area_m2)
        .field("mode_field_diameter_m", m.mode_field_diameter_m)
        .field("confinement", m.confinement)
        .field("sidewall_scattering_db_per_cm", db_per_cm(m.scattering.sidewalls_per_m))
        .field("top_scattering_db_per_cm", db_per_cm(m.scattering.top_bottom_per_m))
        .end_object();
  j.end_array().key("bends").begin_array();
  for (const auto& b : r.bends)
    j.begin_object()
        .field("radius_m", b.radius_m)
        .field("radiation_db_per_90deg", b.radiation_db_per_90deg)
        .field("transition_db", b.transition_db)
        .field("total_db_per_90deg", b.total_db_per_90deg)
        .end_object();
  j.end_array().end_object();
  j.done();
}

void write_waveguide_hdf5(const std::filesystem::path& file, const WaveguideConfig& cfg, const workflows::WaveguideResult& r) {
  Hdf5Writer h(file);
  h.attribute("/", "phylane_version", phylane_version());
  h.attribute("/", "command", "waveguide");
  h.attribute("/", "config", cfg.resolved_toml);
  for (const auto& m : r.modes) {
    const std::string g = "/modes/" + group_name(m.polarization);
    const auto& md = m.mode;
    std::vector<double> x(static_cast<std::size_t>(md.nx)), y(static_cast<std::size_t>(md.ny));
    for (int i = 0; i < md.nx; ++i) x[static_cast<std::size_t>(i)] = md.x(i);
    for (int j = 0; j < md.ny; ++j) y[static_cast<std::size_t>(j)] = md.y(j);
    std::vector<double> field(md.field.size()), minor(md.field.size());
    for (std::size_t p = 0; p < md.field.size(); ++p) {
      field[p] = std::abs(md.field[p]);
      minor[p] = std::abs(md.minor[p]);
    }
    h.dataset(g + "/x_m", x, "m", "cell centres along x (the window starts at a mirror plane x = 0)");
    h.dataset(g + "/y_m", y, "m", "cell centres along y (mirror plane y = 0)");
    h.dataset_2d(g + "/field_abs", field, static_cast<std::size_t>(md.ny), static_cast<std::size_t>(md.nx), "1",
                 "|dominant transverse E| (rows y, columns x), peak 1");
    h.dataset_2d(g + "/minor_abs", minor, static_cast<std::size_t>(md.ny), static_cast<std::size_t>(md.nx), "1",
                 "|other transverse E component|, same scale");
    h.dataset_2d(g + "/eps", md.eps, static_cast<std::size_t>(md.ny), static_cast<std::size_t>(md.nx), "1",
                 "cell-averaged relative permittivity n^2");
    h.attribute(g, "n_eff", md.n_eff.real());
    h.attribute(g, "n_g", m.n_g);
    h.attribute(g, "effective_area_m2", m.effective_area_m2);
    h.attribute(g, "confinement", m.confinement);
    h.attribute(g, "sidewall_scattering_db_per_cm", db_per_cm(m.scattering.sidewalls_per_m));
    h.attribute(g, "top_scattering_db_per_cm", db_per_cm(m.scattering.top_bottom_per_m));
  }
  if (!r.bends.empty())
    h.columns<phy::BendLoss>("/bends", r.bends,
                             {{"radius_m", "m", "bend radius of the centre line", [](const phy::BendLoss& b) { return b.radius_m; }},
                              {"radiation_db_per_90deg", "dB", "radiation loss per 90 degrees",
                               [](const phy::BendLoss& b) { return b.radiation_db_per_90deg; }},
                              {"transition_db", "dB", "straight-bend junction loss (one junction)",
                               [](const phy::BendLoss& b) { return b.transition_db; }},
                              {"total_db_per_90deg", "dB", "radiation + two junctions",
                               [](const phy::BendLoss& b) { return b.total_db_per_90deg; }}});
  h.commit();
}

}  // namespace phylane::io
