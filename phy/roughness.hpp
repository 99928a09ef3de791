#pragma once
/// Conductor surface-roughness loss factors: the ratio of the rough conductor's loss to the
/// smooth conductor's loss at the same frequency, K(f) >= 1.
#include <complex>
#include <optional>
#include <string_view>

namespace phylane::phy {

enum class RoughnessModel { none, hammerstad, huray, groisse };

std::string_view to_string(RoughnessModel m);
/// Parses "none", "hammerstad", "huray", "groisse"; std::nullopt for anything else.
std::optional<RoughnessModel> parse_roughness_model(std::string_view s);
/// The allowed names, for error messages: "none, hammerstad, huray, groisse".
std::string_view roughness_model_names();

/// Surface description of one copper surface, with the parameters each model uses.
struct Roughness {
  RoughnessModel model = RoughnessModel::none;
  double rms_m = 0.0;            ///< RMS roughness Rq [m] (hammerstad, groisse), >= 0
  double nodule_radius_m = 0.0;  ///< Huray snowball radius a [m] (huray), > 0
  double surface_ratio = 0.0;    ///< Huray SR = N 4 pi a^2 / A_flat (huray), >= 0
  double flat_ratio = 1.0;       ///< Huray A_matte / A_flat (huray), >= 1 ... usually 1

  /// Loss ratio K at a given skin depth [m] (> 0): Re(Zs,rough) / Re(Zs,smooth).
  double factor(double skin_depth_m) const;
  /// Causal complex surface-impedance factor: Zs,rough = Rs (factor + j reactance) where the
  /// reactance part is the Hilbert transform of the resistive part, so that the rough surface
  /// impedance is a causal function of frequency (a real-valued K(f) multiplying (1+j) Rs is not:
  /// Y. Shlepnev, C. Nwachukwu, "Roughness characterization for interconnect analysis", IEEE EMC
  /// Symp. 2011; E. Bracken, "A causal Huray model for surface roughness", DesignCon 2012).
  /// Smooth metal gives 1 + 1j. Tested by: tests/phy/roughness_test.cpp (Kramers-Kronig) and
  /// tests/phy/transmission_line_test.cpp (causal impulse response).
  std::complex<double> surface_factor(double skin_depth_m) const;
  /// lim K for skin depth -> 0 (the high-frequency ceiling).
  double high_frequency_limit() const;
  /// Throws std::invalid_argument naming the parameter when a model's parameters are invalid.
  void validate() const;
  bool operator==(const Roughness&) const = default;
};

/// Hammerstad-Jensen roughness factor: K = 1 + (2/pi) atan(1.4 (Rq/delta)^2).
/// Source: E. Hammerstad, O. Jensen, "Accurate models for microstrip computer-aided design",
/// IEEE MTT-S Int. Microwave Symp. Digest, 1980, pp. 407-409 (after S. P. Morgan, J. Appl. Phys.
/// 20, 1949). Saturates at 2. Tested by: tests/phy/roughness_test.cpp
double hammerstad_factor(double rms_m, double skin_depth_m);

/// Huray "snowball" factor for identical spheres of radius a:
///   K = A_matte/A_flat + (3/2) SR / (1 + delta/a + delta^2 / (2 a^2)),  SR = N 4 pi a^2 / A_flat.
/// Source: P. G. Huray et al., "Impact of copper surface texture on loss: a model that works",
/// DesignCon 2010; P. G. Huray, The Foundations of Signal Integrity, Wiley 2009, ch. 3 (the 3/2 is
/// the high-frequency absorption cross-section of a sphere, 6 pi a^2, over its area 4 pi a^2).
/// Bounded above by A_matte/A_flat + 1.5 SR. Tested by: tests/phy/roughness_test.cpp
double huray_factor(double nodule_radius_m, double surface_ratio, double flat_ratio,
                    double skin_depth_m);

/// Groisse factor: K = 1 + exp(-(delta / (2 Rq))^1.6).
/// Source: S. Groisse et al., "Influence of surface roughness on conductor losses", 1996; as used
/// in Keysight ADS and Sonnet. Saturates at 2. Tested by: tests/phy/roughness_test.cpp
double groisse_factor(double rms_m, double skin_depth_m);

}  // namespace phylane::phy
