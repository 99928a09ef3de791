#pragma once
/// Attenuation of silica single-mode fibre versus wavelength from its physical terms.

namespace phylane::phy {

/// Terms of the silica fibre attenuation model. Defaults: a G.652.D-class (low-water-peak)
/// germanium-doped single-mode fibre.
struct FiberAttenuationModel {
  /// Rayleigh coefficient C_R [dB/(km um^4)]: alpha_R = C_R / lambda^4. 0.7-0.9 for silica fibres
  /// depending on the core dopants (G. P. Agrawal, Fiber-Optic Communication Systems, 4th ed.,
  /// Wiley 2010, sec. 2.5.3); 0.85 for a Ge-doped core.
  double rayleigh_db_km_um4 = 0.85;
  /// Wavelength-independent imperfection loss (waveguide and splice-free scattering) [dB/km].
  double excess_db_per_km = 0.02;
  /// Infrared (Si-O vibrational) absorption edge alpha_IR = A exp(-B / lambda), A = 7.81e11
  /// dB/km, B = 48.48 um (G. Keiser, Optical Fiber Communications, 4th ed., McGraw-Hill 2011,
  /// ch. 3, infrared absorption of GeO2-doped silica).
  double ir_a_db_per_km = 7.81e11;
  double ir_b_um = 48.48;
  /// Excess absorption peak of OH at 1383 nm (first overtone of the O-H stretch at 2.72 um
  /// combined with Si-O), modelled as a Gaussian of 1/e half-width oh_width_nm. The peak height is
  /// the fibre's water content: G.652.D requires the 1383 nm attenuation to be no more than the
  /// 1310 nm value (ITU-T G.652 (11/2016), table A.4); legacy G.652.A/B fibre has 0.5-2 dB/km.
  double oh_peak_db_per_km = 0.05;
  double oh_centre_nm = 1383.0;
  double oh_width_nm = 15.0;
};

/// Fibre attenuation [dB/km] at wavelength_m: Rayleigh + excess + infrared + OH (the ultraviolet
/// Urbach tail is below 0.01 dB/km beyond 1200 nm and is omitted; valid 1200-1700 nm, throws
/// std::invalid_argument outside). Tested by: tests/phy/fiber_test.cpp (ITU-T G.652.D limits and
/// a datasheet's typical values at 1310, 1383, 1550 and 1625 nm).
double fiber_attenuation_db_per_km(double wavelength_m, const FiberAttenuationModel& m = {});

}  // namespace phylane::phy
