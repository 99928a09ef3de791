// phylane materials: the built-in dielectric and copper-foil library.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "io/diagnostics.hpp"
#include "io/json_writer.hpp"
#include "io/material_library.hpp"
#include "io/version.hpp"
#include "phy/roughness.hpp"

namespace phylane::app {

CLI::App* register_materials(CLI::App& cli, MaterialsArgs& args) {
  auto* c = cli.add_subcommand("materials", "List the material and copper-foil library");
  add_output_flags(*c, args.json);
  return c;
}

int run_materials(const MaterialsArgs& args) {
  const bool json = args.json;
  try {
    const auto& lib = io::MaterialLibrary::builtin();
    if (json) {
      io::JsonWriter j(std::cout);
      j.begin_object().field("phylane_version", io::phylane_version()).field("command", "materials");
      j.key("dielectrics").begin_array();
      for (const auto& m : lib.dielectrics())
        j.begin_object()
            .field("id", m.id)
            .field("name", m.name)
            .field("dk", m.dk)
            .field("df", m.df)
            .field("at_hz", m.at_hz)
            .field("source", m.source)
            .end_object();
      j.end_array().key("foils").begin_array();
      for (const auto& f : lib.foils())
        j.begin_object()
            .field("id", f.id)
            .field("name", f.name)
            .field("model", phy::to_string(f.model))
            .field("rq_m", f.rq_m)
            .field("nodule_radius_m", f.nodule_radius_m)
            .field("surface_ratio", f.surface_ratio)
            .field("source", f.source)
            .end_object();
      j.end_array().end_object();
      j.done();
      return 0;
    }
    fmt::print("Dielectrics (material = \"id\")\n  {:<16}{:<44}{:>7}{:>9}{:>10}\n", "id", "name", "Dk", "Df", "at");
    for (const auto& m : lib.dielectrics())
      fmt::print("  {:<16}{:<44}{:>7.3f}{:>9.4f}{:>7g} GHz\n", m.id, m.name.substr(0, 43), m.dk, m.df, m.at_hz / 1e9);
    fmt::print("\nCopper foils (foil = \"id\")\n  {:<12}{:<44}{:<12}{:>8}{:>10}{:>8}\n", "id", "name", "model",
               "Rq um", "a um", "SR");
    for (const auto& f : lib.foils())
      fmt::print("  {:<12}{:<44}{:<12}{:>8.2f}{:>10.2f}{:>8.2f}\n", f.id, f.name.substr(0, 43), phy::to_string(f.model),
                 f.rq_m * 1e6, f.nodule_radius_m * 1e6, f.surface_ratio);
    fmt::print("\nSources: docs/materials.md\n");
    return 0;
  } catch (const io::InputError& e) {
    std::cerr << "phylane: error in the built-in library: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace phylane::app
