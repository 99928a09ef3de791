#pragma once
/// Physical constants (SI) used across phylane.
/// Source: CODATA 2018 recommended values (NIST SP 961, 2019). Since the 2019 SI redefinition
/// mu0 is a measured quantity; the CODATA 2018 value is used.

namespace phylane::phy {

inline constexpr double pi = 3.14159265358979323846;
/// Speed of light in vacuum [m/s] (exact).
inline constexpr double c0 = 299792458.0;
/// Vacuum permeability [H/m], CODATA 2018.
inline constexpr double mu0 = 1.25663706212e-6;
/// Vacuum permittivity [F/m], eps0 = 1/(mu0 c0^2).
inline constexpr double eps0 = 1.0 / (mu0 * c0 * c0);
/// Impedance of free space [ohm], eta0 = mu0 c0 (about 376.73 ohm).
inline constexpr double eta0 = mu0 * c0;
/// Elementary charge [C] (exact).
inline constexpr double q_e = 1.602176634e-19;
/// Boltzmann constant [J/K] (exact).
inline constexpr double k_b = 1.380649e-23;
/// Planck constant [J s] (exact).
inline constexpr double h_planck = 6.62607015e-34;

/// Conductivity of annealed copper at 20 degC [S/m]: the International Annealed Copper Standard,
/// 100 % IACS = 1/1.7241e-8 ohm m (IEC 60028:1925; NIST Handbook 100, 1966).
inline constexpr double copper_conductivity_iacs = 1.0 / 1.7241e-8;
/// Temperature coefficient of resistance of annealed copper at 20 degC [1/K]
/// (NIST Handbook 100, Copper Wire Tables, 1966: 0.00393).
inline constexpr double copper_temperature_coefficient = 0.00393;
/// Reference temperature of the two copper figures above [degC].
inline constexpr double copper_reference_temperature_c = 20.0;

}  // namespace phylane::phy
