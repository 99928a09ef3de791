// Refractive indices of waveguide and fibre materials against published values.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "phy/optical_materials.hpp"

using namespace phylane::phy;

TEST_CASE("Material indices equal published values at 587.6 nm and 1550 nm", "[phy][optical_materials][reference]") {
  // Fused silica, n_d at 587.56 nm: 1.45846 in Malitson's own table (J. Opt. Soc. Am. 55, 1205,
  // 1965); at 1550 nm the index used by the femwell documentation (n_SiO2 = 1.444). Rounding of
  // the published digits only.
  CHECK(refractive_index(OpticalMaterial::silica, 587.56e-9) == Approx(1.45846).margin(2e-5));
  CHECK(refractive_index(OpticalMaterial::silica, 1550e-9) == Approx(1.444).margin(1e-4));
  // Si3N4 at 1550 nm: 1.9963 (the Luke 2015 value quoted by the femwell documentation's SiN
  // examples). Rounding only.
  CHECK(refractive_index(OpticalMaterial::silicon_nitride, 1550e-9) == Approx(1.9963).margin(1e-4));
  // Si at 1550 nm: Tidy3D's fit to Li's 293 K table gives 3.47500 (gdsfactory/gplugins docs,
  // material ("cSi", "Li1993_293K")); Li's closed form differs from that fit by 1.4e-3 (4e-4
  // relative), so the margin is 2e-3.
  CHECK(refractive_index(OpticalMaterial::silicon, 1550e-9) == Approx(3.47500).margin(2e-3));
  // InP at 1550 nm: 3.167 (S. Adachi, Physical Properties of III-V Semiconductor Compounds,
  // Wiley 1992, InP refractive index near the band edge, read from the table to 3 decimals).
  CHECK(refractive_index(OpticalMaterial::indium_phosphide, 1550e-9) == Approx(3.167).margin(5e-3));
  // PMMA n_d = 1.4905 (catalogue value, e.g. N. Sultanova, S. Kasarova, I. Nikolov, Acta Phys.
  // Pol. A 116, 585, 2009). Margin 1e-3: sample-to-sample spread of PMMA is of that order.
  CHECK(refractive_index(OpticalMaterial::pmma, 587.56e-9) == Approx(1.4905).margin(1e-3));
}

TEST_CASE("Material group index exceeds the phase index where the material has normal dispersion",
          "[phy][optical_materials][property]") {
  // Normal dispersion (dn/dlambda < 0) in all five fits at 1550 nm, so n_g > n. Silicon's material
  // group index at 1550 nm is about 3.6 (e.g. refractiveindex.info Li 1993 page: n_g = 3.6), silica's 1.463.
  CHECK(material_group_index(OpticalMaterial::silicon, 1550e-9) == Approx(3.60).margin(0.02));
  CHECK(material_group_index(OpticalMaterial::silica, 1550e-9) == Approx(1.4626).margin(5e-4));
  for (auto m : {OpticalMaterial::silicon_nitride, OpticalMaterial::indium_phosphide, OpticalMaterial::pmma})
    CHECK(material_group_index(m, 1550e-9) > refractive_index(m, 1550e-9));
}

TEST_CASE("A wavelength outside a fit's range is refused with the range in the message",
          "[phy][optical_materials][unit]") {
  try {
    refractive_index(OpticalMaterial::silicon, 1000e-9);
    FAIL("1000 nm accepted for Si");
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    CHECK(msg.find("Si") != std::string::npos);
    CHECK(msg.find("1000 nm") != std::string::npos);
    CHECK(msg.find("1200-14000 nm") != std::string::npos);
  }
  CHECK_THROWS_AS(refractive_index(OpticalMaterial::pmma, 1700e-9), std::invalid_argument);
  CHECK_THROWS_AS(material_group_index(OpticalMaterial::silica, 4e-6), std::invalid_argument);
  CHECK(parse_optical_material("Si3N4") == OpticalMaterial::silicon_nitride);
  CHECK_FALSE(parse_optical_material("SiN").has_value());
}
