#pragma once
/// Wavelength-dependent refractive indices of waveguide and fibre materials (dispersion formulas
/// fitted to measurements, each with its source and the wavelength range of its fit).
#include <optional>
#include <string_view>

namespace phylane::phy {

/// Optical materials with a cited dispersion formula.
enum class OpticalMaterial { silicon, silica, silicon_nitride, indium_phosphide, pmma };
std::string_view to_string(OpticalMaterial m);
/// Parses "Si", "SiO2", "Si3N4", "InP", "PMMA" (case-sensitive); std::nullopt otherwise.
std::optional<OpticalMaterial> parse_optical_material(std::string_view s);
/// "Si, SiO2, Si3N4, InP, PMMA": the names parse_optical_material accepts, for error messages.
std::string_view optical_material_names();

/// Wavelength range [m] over which a material's formula was fitted to measurements.
struct WavelengthRange {
  double min_m;
  double max_m;
};
WavelengthRange validity_range(OpticalMaterial m);

/// Refractive index n(lambda) at room temperature (lossless, real part):
///  Si:    n^2 = eps + A/lambda^2 + B lambda1^2/(lambda^2 - lambda1^2), eps = 11.6858,
///         A = 0.939816 um^2, B = 0.00810461, lambda1 = 1.1071 um, 293 K, 1.2-14 um.
///         H. H. Li, "Refractive index of silicon and germanium and its wavelength and temperature
///         derivatives", J. Phys. Chem. Ref. Data 9(3), 561 (1980) (room-temperature form).
///  SiO2:  three-term Sellmeier n^2 - 1 = sum B_i lambda^2/(lambda^2 - C_i^2), B = 0.6961663,
///         0.4079426, 0.8974794, C = 0.0684043, 0.1162414, 9.896161 um, 0.21-3.71 um.
///         I. H. Malitson, "Interspecimen comparison of the refractive index of fused silica",
///         J. Opt. Soc. Am. 55(10), 1205 (1965).
///  Si3N4: n^2 - 1 = 3.0249 lambda^2/(lambda^2 - 0.1353406^2) + 40314 lambda^2/(lambda^2 -
///         1239.842^2), 0.31-5.504 um (LPCVD stoichiometric film). K. Luke, Y. Okawachi,
///         M. R. E. Lamont, A. L. Gaeta, M. Lipson, "Broadband mid-infrared frequency comb
///         generation in a Si3N4 microresonator", Opt. Lett. 40(21), 4823 (2015).
///  InP:   n^2 = 7.255 + 2.316 lambda^2/(lambda^2 - 0.6263^2) + 2.765 lambda^2/(lambda^2 -
///         32.935^2), 0.95-10 um. G. D. Pettit, W. J. Turner, "Refractive index of InP",
///         J. Appl. Phys. 36, 2081 (1965).
///  PMMA:  n^2 - 1 = 0.99654 lambda^2/(lambda^2 - 0.00787) + 0.18964 lambda^2/(lambda^2 -
///         0.02191) + 0.00411 lambda^2/(lambda^2 - 3.85727) (lambda in um), 0.42-1.62 um.
///         G. Beadie, M. Brindza, R. A. Flynn, A. Rosenberg, J. S. Shirk, "Refractive index
///         measurements of poly(methyl methacrylate) (PMMA) from 0.4-1.6 um", Appl. Opt. 54(31),
///         F139 (2015).
/// @param wavelength_m  vacuum wavelength [m], inside validity_range(m); outside, throws
///                      std::invalid_argument naming the material, the wavelength and the range.
/// Tested by: tests/phy/optical_materials_test.cpp (published values at 587.6 nm and 1550 nm).
double refractive_index(OpticalMaterial m, double wavelength_m);

/// Material group index n_g = n - lambda dn/dlambda (central difference of the formula above,
/// step 1 nm; the formulas are smooth on that scale). Same range rule as refractive_index.
double material_group_index(OpticalMaterial m, double wavelength_m);

}  // namespace phylane::phy
