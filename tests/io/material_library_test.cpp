// The built-in material library: it loads, every entry is complete and sourced, and the
// Djordjevic-Sarkar fit of each laminate predicts its other datasheet points.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/material_library.hpp"
#include "phy/dielectric.hpp"

using namespace phylane;

TEST_CASE("The built-in library has the laminates and foils the issue names, each with a source",
          "[io][materials][regression]") {
  const auto& lib = io::MaterialLibrary::builtin();
  for (const char* id : {"fr-4", "fr408hr", "i-speed", "tachyon-100g", "megtron-4", "megtron-6", "megtron-7",
                         "ro4350b"}) {
    INFO(id);
    const auto* m = lib.find_dielectric(id);
    REQUIRE(m != nullptr);
    CHECK(m->source.size() > 20);
    CHECK(m->dk > 2.5);
    CHECK(m->dk < 5.0);
  }
  for (const char* id : {"standard", "vlp", "hvlp", "smooth"}) {
    INFO(id);
    const auto* f = lib.find_foil(id);
    REQUIRE(f != nullptr);
    CHECK_FALSE(f->source.empty());
  }
  // Huray and Hammerstad parameters for the rough foils.
  for (const char* id : {"standard", "vlp", "hvlp"}) {
    const auto* f = lib.find_foil(id);
    CHECK(f->rq_m > 0.0);
    CHECK(f->nodule_radius_m > 0.0);
    CHECK(f->surface_ratio > 0.0);
  }
  CHECK(lib.find_dielectric("meg6") == lib.find_dielectric("megtron-6"));  // aliases
}

TEST_CASE("A Djordjevic-Sarkar fit at one datasheet point predicts the laminate's other points",
          "[io][materials][reference]") {
  // Independent values: the vendors' Dk/Df tables (sources in data/materials/dielectrics.toml).
  // Dk within 4 %: the wideband Debye model captures the slow fall of Dk with frequency
  // (measured worst case 3.3 %). Df is not asserted per point: datasheets round Df to 0.001,
  // which is a factor of 2 at low loss (see docs/materials.md).
  int checked = 0;
  for (const auto& m : io::MaterialLibrary::builtin().dielectrics()) {
    const auto ds = phy::Dielectric::djordjevic_sarkar(m.dk, m.df, m.at_hz);
    for (const auto& p : m.points) {
      INFO(m.id << " at " << p.freq_hz / 1e9 << " GHz");
      CHECK(ds.dk(p.freq_hz) == Approx(p.dk).epsilon(0.04));
      ++checked;
    }
  }
  CHECK(checked >= 10);
}
