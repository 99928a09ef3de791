#pragma once
/// Dielectric permittivity models: complex relative permittivity eps_r(f) = eps' - j eps''.
#include <complex>
#include <optional>
#include <string_view>

namespace phylane::phy {

enum class DielectricModel { constant, djordjevic_sarkar };

std::string_view to_string(DielectricModel m);
/// Parses "constant", "djordjevic-sarkar"; std::nullopt for anything else.
std::optional<DielectricModel> parse_dielectric_model(std::string_view s);
std::string_view dielectric_model_names();

/// A homogeneous, isotropic, non-magnetic dielectric.
///
/// `constant`: eps_r = Dk (1 - j Df) at every frequency. Not causal: a frequency-independent loss
/// tangent violates the Kramers-Kronig relations; use only for narrow-band estimates.
///
/// `djordjevic_sarkar` (the default): the wideband Debye model
///   eps_r(f) = eps_inf + d_eps / (m2 - m1) * log10( (f2 + j f) / (f1 + j f) ),
/// f1 = 10^m1, f2 = 10^m2 [Hz], a continuous distribution of Debye poles between f1 and f2 with
/// nearly constant loss tangent in between. Causal by construction.
/// Source: A. R. Djordjevic, R. M. Biljic, V. D. Likar-Smiljanic, T. K. Sarkar, "Wideband
/// frequency-domain characterization of FR-4 and time-domain causality", IEEE Trans. EMC 43(4),
/// 2001, pp. 662-667, eq. (3). The two free constants (d_eps, eps_inf) are fitted so that
/// Dk and Df are met exactly at the reference frequency (closed form, see fit in the .cpp).
class Dielectric {
 public:
  /// Constant Dk/Df. dk >= 1, 0 <= df < 1.
  static Dielectric constant(double dk, double df);
  /// Djordjevic-Sarkar fitted to (dk, df) at at_hz; poles spread over [f_low_hz, f_high_hz].
  /// Requires f_low_hz < at_hz < f_high_hz. Defaults 1 kHz and 1 THz are the customary corners
  /// (e.g. Keysight ADS and Ansys HFSS defaults for the model).
  static Dielectric djordjevic_sarkar(double dk, double df, double at_hz, double f_low_hz = 1e3,
                                      double f_high_hz = 1e12);

  /// Complex relative permittivity eps' - j eps'' at freq_hz (>= 0).
  /// Tested by: tests/phy/dielectric_test.cpp (Kramers-Kronig, fit, limits)
  std::complex<double> permittivity(double freq_hz) const;
  double dk(double freq_hz) const { return permittivity(freq_hz).real(); }
  double df(double freq_hz) const {
    const auto e = permittivity(freq_hz);
    return -e.imag() / e.real();
  }

  DielectricModel model() const { return model_; }
  double eps_inf() const { return eps_inf_; }
  double delta_eps() const { return delta_eps_; }
  double f_low_hz() const { return f1_; }
  double f_high_hz() const { return f2_; }
  /// The (dk, df, at) the model was built from.
  double reference_dk() const { return ref_dk_; }
  double reference_df() const { return ref_df_; }
  double reference_freq_hz() const { return ref_f_; }
  bool operator==(const Dielectric&) const = default;

 private:
  Dielectric() = default;
  DielectricModel model_ = DielectricModel::constant;
  double ref_dk_ = 1.0, ref_df_ = 0.0, ref_f_ = 0.0;
  double eps_inf_ = 1.0, delta_eps_ = 0.0, f1_ = 0.0, f2_ = 0.0;
};

}  // namespace phylane::phy
