#pragma once
/// Optical link components: sources, modulators, passive path elements and fiber. Pure functions
/// of their parameters; powers in watts, losses in dB at the boundary (config) and as power ratios
/// inside, wavelengths in metres. The photoreceiver (photodiode, TIA, noise) is in
/// phy/photoreceiver.hpp.
#include <complex>
#include <optional>
#include <string>
#include <string_view>

namespace phylane::phy {

/// Responsivity of a photodiode from its quantum efficiency: R = eta q lambda / (h c) [A/W].
/// Source: G. P. Agrawal, Fiber-Optic Communication Systems, 4th ed., Wiley 2010, ch. 4
/// (eq. 4.1.3). Tested by: tests/phy/optics_test.cpp
double responsivity_a_per_w(double quantum_efficiency, double wavelength_m);

/// Optical modulation amplitude of a two-level signal with average power P_avg and extinction
/// ratio r = P1/P0 (linear, > 1): OMA = P1 - P0 = 2 P_avg (r - 1)/(r + 1).
/// Source: IEEE 802.3-2022 clause 52.9.5 (OMA definition); P_avg = (P1 + P0)/2.
double oma_w(double average_power_w, double extinction_ratio);

/// Extinction-ratio power penalty in the thermal-noise limit: 10 log10((r + 1)/(r - 1)) dB.
/// Source: Agrawal 2010, ch. 5 (extinction-ratio penalty, eq. 5.4.3).
double extinction_ratio_penalty_db(double extinction_ratio);

/// Modulator kinds and their electro-optic response shapes.
enum class ModulatorKind { mach_zehnder, microring, electro_absorption };
std::string_view to_string(ModulatorKind k);
std::optional<ModulatorKind> parse_modulator_kind(std::string_view s);

/// Shape of a modulator's (or other electro-optic element's) small-signal response, normalised to
/// 1 at DC, with a 3-dB bandwidth f3db:
///  single_pole:  1 / (1 + j f/f3db)                                   (RC-limited, EAM)
///  second_order: w0^2 / (w0^2 - w^2 + j w w0 / Q), f3db set by (f0, Q) (photon-lifetime and
///                RC-limited micro-ring: a damped resonance, Q = 1/sqrt(2) is maximally flat);
///                here parameterised by f3db and Q, f0 solved so |H(f3db)| = 1/sqrt(2)
///  skin_effect:  exp(-(1 + j) a sqrt(f)), a = ln(sqrt 2)/sqrt(f3db): a travelling-wave MZM whose
///                bandwidth is limited by electrode skin-effect loss (velocity-matched)
/// Sources: single pole and second order: standard linear-system forms (e.g. Agrawal 2010, ch. 3);
/// micro-ring small-signal response: W. D. Sacher, J. K. S. Poon, "Dynamics of microring
/// resonator modulators", Opt. Express 16(20), 2008; travelling-wave MZM electrode loss
/// proportional to sqrt(f): R. G. Walker, "High-speed III-V semiconductor intensity modulators",
/// IEEE J. Quantum Electron. 27(3), 1991. Tested by: tests/phy/optics_test.cpp (|H(f3db)|^2 = 1/2).
enum class ResponseShape { single_pole, second_order, skin_effect };
std::string_view to_string(ResponseShape s);
std::optional<ResponseShape> parse_response_shape(std::string_view s);
std::complex<double> eo_response(ResponseShape shape, double f3db_hz, double freq_hz, double q = 0.7071067811865476);

/// Intensity transfer function of chirp-free intensity modulation through a dispersive fiber,
/// small-signal: H(f) = cos(pi lambda^2 D L f^2 / c) (power fading; for chirp parameter alpha the
/// argument gains + atan(alpha) and the amplitude sqrt(1 + alpha^2): included).
/// Source: J. Wang, K. Petermann, "Small signal analysis for dispersive optical fiber
/// communication systems", J. Lightwave Technol. 10(1), 1992, eq. (11); Agrawal 2010, ch. 2.
/// @param dispersion_s_per_m2  D in SI (1 ps/(nm km) = 1e-6 s/m^2)
/// Tested by: tests/phy/optics_test.cpp (first null at f = sqrt(c / (2 lambda^2 D L))).
double fiber_dispersion_response(double wavelength_m, double dispersion_s_per_m2, double length_m,
                                 double freq_hz, double chirp_alpha = 0.0);

/// Group-velocity dispersion beta2 from D: beta2 = -D lambda^2 / (2 pi c) [s^2/m] (Agrawal, ch. 2).
double beta2_s2_per_m(double wavelength_m, double dispersion_s_per_m2);

/// Dispersion-limited bit rate x sqrt(length) for a narrow-linewidth, chirp-free source:
/// B sqrt(|beta2| L) <= 1/4, i.e. the length at which the dispersion penalty reaches about 1 dB.
/// Source: Agrawal 2010, ch. 2 (eq. 2.4.34 and the discussion of limiting bit rate).
double dispersion_limited_length_m(double bit_rate_bps, double wavelength_m, double dispersion_s_per_m2);

/// Loss of a grating or edge coupler at a wavelength detuned from its centre, for a parabolic
/// (Gaussian-in-dB) passband: IL(lambda) = IL0 + (2 (lambda - lambda_c) / BW_1dB)^2 dB, so the
/// loss rises by 1 dB at +-BW_1dB/2. Source: D. Taillaert et al., "Grating couplers for coupling
/// between optical fibers and nanophotonic waveguides", Jpn. J. Appl. Phys. 45, 2006 (Gaussian
/// spectral response of grating couplers).
double coupler_loss_db(double il0_db, double bw_1db_m, double centre_m, double wavelength_m);

}  // namespace phylane::phy
