#pragma once
/// Conductor loss: conductivity, skin effect and the internal impedance of a strip.
#include <cmath>
#include <complex>

#include "phy/complex_math.hpp"
#include "phy/constants.hpp"

namespace phylane::phy {

/// Conductivity of copper at a temperature, from the linear resistance law
/// rho(T) = rho20 [1 + alpha20 (T - 20 degC)].
/// Source: NIST Handbook 100, Copper Wire Tables (1966), sec. 2 (alpha20 = 0.00393 /K for 100 % IACS).
/// @param temperature_c  conductor temperature [degC], -100 ... 300
/// @param sigma20        conductivity at 20 degC [S/m], > 0 (default: 100 % IACS, 5.800e7)
/// @return conductivity [S/m]. Tested by: tests/phy/conductor_test.cpp
double copper_conductivity(double temperature_c, double sigma20);
double copper_conductivity(double temperature_c);

/// Skin depth of a good conductor: delta = 1 / sqrt(pi f mu0 mu_r sigma).
/// Source: Pozar, Microwave Engineering, 4th ed. (2012), eq. 1.129.
/// @param freq_hz  frequency [Hz], > 0
/// @param sigma    conductivity [S/m], > 0
/// @return skin depth [m]. Tested by: tests/phy/conductor_test.cpp "[reference]"
double skin_depth_m(double freq_hz, double sigma, double mu_r = 1.0);

/// Surface resistance of a good conductor: Rs = sqrt(pi f mu0 mu_r / sigma) = 1/(sigma delta).
/// Source: Pozar, Microwave Engineering, 4th ed., eq. 1.131.
/// @return [ohm per square]. Tested by: tests/phy/conductor_test.cpp "[reference]"
double surface_resistance_ohm(double freq_hz, double sigma, double mu_r = 1.0);

/// Internal (skin-effect) impedance per unit length of a conductor, smooth from DC to the
/// skin-effect regime and causal:
///
///   Z_int(jw) = sqrt( R_dc^2 + j w mu g^2 / sigma )  +  Rs g [(kr - 1) + j (ki - 1)],
///   Rs = sqrt(w mu / (2 sigma)),
///
/// where g [1/m] is the conductor's Wheeler incremental-inductance factor (so that the
/// high-frequency limit of the first term is the smooth surface impedance times g, (1+j) Rs g:
/// Wheeler 1942, "Formulas for the skin effect", Proc. IRE 30(9)) and kr + j ki the surface factor
/// (1 + 1j for smooth metal; Roughness::surface_factor() for rough metal, whose excess over 1 + 1j
/// is a causal Hilbert pair that vanishes when the skin depth is large against the roughness).
/// At high frequency Z -> Rs g (kr + j ki). Both limits of the smooth term are exact: Z(0) = R_dc,
/// and the low-frequency internal inductance is g^2 mu/(2 sigma R_dc), which for a round wire
/// (g = 1/(2 pi a), R_dc = 1/(sigma pi a^2)) equals the classical mu/(8 pi) (Ramo, Whinnery,
/// Van Duzer, Fields and Waves in Communication Electronics, 3rd ed., sec. 5.13, whose
/// Bessel-function solution the tests compare against). The smooth term is sqrt(a + s b),
/// a, b > 0, analytic with positive real part in Re(s) > 0: causal and passive; the roughness
/// term is causal by construction and has non-negative real part.
/// @param omega            angular frequency [rad/s], >= 0
/// @param r_dc_ohm_per_m   DC resistance per length [ohm/m], > 0
/// @param g_per_m          incremental-inductance factor [1/m], > 0
/// @param sigma            conductivity [S/m]
/// @param surface_factor   kr + j ki (1 + 1j: smooth), kr >= 1
/// @return [ohm/m] series impedance (R + jw L_int). Tested by: tests/phy/conductor_test.cpp
inline std::complex<double> internal_impedance_per_m(double omega, double r_dc_ohm_per_m,
                                                     double g_per_m, double sigma,
                                                     std::complex<double> surface_factor = {1.0, 1.0},
                                                     double mu_r = 1.0) {
  // Inline: it sits in the innermost loop, and strip and plane calls share Rs.
  const double mu = mu0 * mu_r;
  const std::complex<double> smooth =
      fast_sqrt({r_dc_ohm_per_m * r_dc_ohm_per_m, omega * mu * g_per_m * g_per_m / sigma});
  const double rs_g = std::sqrt(omega * mu / (2.0 * sigma)) * g_per_m;
  return smooth + rs_g * (surface_factor - std::complex<double>(1.0, 1.0));
}

}  // namespace phylane::phy
