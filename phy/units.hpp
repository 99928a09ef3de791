#pragma once
/// Unit scale factors and the only sanctioned dB <-> linear conversions.
/// Everything inside phylane is SI; these helpers exist for the boundaries (config, reports).
#include <cmath>

namespace phylane::phy::units {

inline constexpr double inch = 0.0254;          ///< [m]
inline constexpr double mil = 0.0254e-3;        ///< [m], 1/1000 inch
inline constexpr double mm = 1e-3;              ///< [m]
inline constexpr double um = 1e-6;              ///< [m]
inline constexpr double ghz = 1e9;              ///< [Hz]
/// Copper foil thickness per ounce of copper per square foot [m]. IPC-4562 gives the nominal
/// 1 oz foil as 34.3 um (1.35 mil); the arithmetic value (28.35 g over 929 cm^2 at 8.93 g/cm^3)
/// is 34.2 um. phylane uses the IPC nominal value.
inline constexpr double copper_oz = 34.3e-6;

/// Power ratio from decibels: 10^(dB/10).
inline double db_to_power_ratio(double db) { return std::pow(10.0, db / 10.0); }
/// Amplitude (voltage, current, |S|) ratio from decibels: 10^(dB/20).
inline double db_to_amplitude_ratio(double db) { return std::pow(10.0, db / 20.0); }
/// Decibels of a power ratio: 10 log10(r), r > 0.
inline double power_ratio_to_db(double r) { return 10.0 * std::log10(r); }
/// Decibels of an amplitude ratio: 20 log10(r), r > 0.
inline double amplitude_ratio_to_db(double r) { return 20.0 * std::log10(r); }
/// Attenuation in dB from nepers (amplitude): 1 Np = 20/ln(10) dB = 8.686 dB.
inline constexpr double db_per_neper = 8.68588963806503655;
inline double nepers_to_db(double np) { return np * db_per_neper; }
inline double db_to_nepers(double db) { return db / db_per_neper; }
/// dBm to watts and back.
inline double dbm_to_watts(double dbm) { return 1e-3 * std::pow(10.0, dbm / 10.0); }
inline double watts_to_dbm(double w) { return 10.0 * std::log10(w / 1e-3); }

}  // namespace phylane::phy::units
