#pragma once
/// A uniform transmission line: cross-section + dielectric + conductor -> RLGC(f), gamma(f), Z0(f).
#include <complex>
#include <memory>
#include <vector>

#include "phy/dielectric.hpp"
#include "phy/line_geometry.hpp"
#include "phy/roughness.hpp"

namespace phylane::phy {

/// Conductor properties of a line: one conductivity, and the surface of the signal strip(s) and of
/// the return planes (they may come from different foils).
struct LineConductor {
  double conductivity_s_per_m = 0.0;  ///< > 0; copper_conductivity(T) for copper at T
  Roughness strip_roughness;
  Roughness plane_roughness;
  bool operator==(const LineConductor&) const = default;
};

/// The frequency-dependent material inputs of a line at one frequency: substrate permittivity and
/// the surface factors of the metal. Lines of the same dielectric and conductor share them, so a
/// cascade computes them once per frequency (TransmissionLine::same_materials).
struct LineInputs {
  std::complex<double> eps_r{1.0, 0.0};
  std::complex<double> strip_surface{1.0, 1.0};
  std::complex<double> plane_surface{1.0, 1.0};
};

/// Per-unit-length description of the line at one frequency. Attenuation is split exactly:
/// alpha_conductor (smooth metal) + alpha_roughness (excess of rough over smooth metal)
/// + alpha_dielectric = Re(gamma). Each term is the increase of Re(sqrt(Z Y)) when that loss is
/// switched on after the previous ones, so the parts sum to the total with no residual.
struct LinePoint {
  double freq_hz = 0.0;
  std::complex<double> z_per_m;  ///< series impedance R + j w L [ohm/m]
  std::complex<double> y_per_m;  ///< shunt admittance G + j w C [S/m]
  std::complex<double> gamma;    ///< propagation constant alpha + j beta [1/m]
  std::complex<double> z0;       ///< characteristic impedance [ohm]
  double alpha_conductor = 0.0;  ///< [Np/m]
  double alpha_roughness = 0.0;  ///< [Np/m]
  double alpha_dielectric = 0.0; ///< [Np/m]
  double r_ohm_per_m() const { return z_per_m.real(); }
  double g_s_per_m() const { return y_per_m.real(); }
  double l_h_per_m() const;   ///< at f = 0 the DC limit
  double c_f_per_m() const;
};

/// A uniform line. Construction precomputes everything that does not depend on frequency
/// (vacuum capacitance, Wheeler factors, DC resistances), so at() is cheap.
///
/// Model (each piece cited where it is implemented):
///   Z(f) = j w L_ext + Z_int,strip(f) + Z_int,plane(f)     (phy/conductor.hpp)
///   Y(f) = j w C_air eps_eff(f)                            (complex eps_eff carries G)
/// so that G = w C_air eps_eff'' and C = C_air eps_eff'.
class TransmissionLine {
 public:
  TransmissionLine(std::shared_ptr<const LineGeometry> geometry, Dielectric dielectric,
                   LineConductor conductor);

  /// The line at freq_hz (>= 0). Without `with_breakdown` the alpha_* parts are left 0 and the
  /// call is about twice as fast (used by the cascade when only S-parameters are wanted).
  /// Tested by: tests/phy/transmission_line_test.cpp
  LinePoint at(double freq_hz, bool with_breakdown = true) const {
    return at(freq_hz, inputs(freq_hz), with_breakdown);
  }
  /// The same with the material inputs computed beforehand (by this line or one with the same
  /// materials).
  LinePoint at(double freq_hz, const LineInputs& in, bool with_breakdown) const;
  /// Material inputs at freq_hz (>= 0).
  LineInputs inputs(double freq_hz) const;
  /// True when `other` has the same dielectric and conductor, hence the same inputs().
  bool same_materials(const TransmissionLine& other) const {
    return dielectric_ == other.dielectric_ && conductor_ == other.conductor_;
  }
  /// True when `other`'s at() equals this line's at every frequency, bit for bit: the same
  /// materials and either the same cross-section object or two homogeneous cross-sections (whose
  /// eps_eff is eps_r) with identical per-length constants, which are all at() takes from a
  /// geometry. Segments of one cross-section in a cascade (the same trace on both sides of a
  /// link) then share their per-frequency line quantities.
  bool same_line(const TransmissionLine& other) const;

  const LineGeometry& geometry() const { return *geometry_; }
  /// The same cross-section, shared: for a line with the same geometry and other materials.
  const std::shared_ptr<const LineGeometry>& shared_geometry() const { return geometry_; }
  const Dielectric& dielectric() const { return dielectric_; }
  const LineConductor& conductor() const { return conductor_; }
  double external_inductance_h_per_m() const { return l_ext_; }
  double air_capacitance_f_per_m() const { return c_air_; }
  WheelerFactors wheeler_factors() const { return wheeler_; }
  double strip_dc_resistance_ohm_per_m() const { return r_dc_strip_; }
  double plane_dc_resistance_ohm_per_m() const { return r_dc_plane_; }
  /// Lossless-approximation characteristic impedance at f: Z_air / sqrt(Re eps_eff(f)) [ohm].
  double impedance_ohm(double freq_hz) const;
  /// Group-velocity-free phase delay per length at f: Re sqrt(eps_eff(f)) / c0 [s/m].
  double delay_s_per_m(double freq_hz) const;

 private:
  std::shared_ptr<const LineGeometry> geometry_;
  Dielectric dielectric_;
  LineConductor conductor_;
  double c_air_ = 0.0, l_ext_ = 0.0;
  WheelerFactors wheeler_;
  double r_dc_strip_ = 0.0, r_dc_plane_ = 0.0;
  // Frequency-independent factors of the internal impedance (phy/conductor.hpp), precomputed for
  // the hot path: Z_int = sqrt(R_dc^2 + j w k) + sqrt(w) s (sf - 1 - j) with
  // k = mu0 g^2 / sigma and s = g sqrt(mu0 / (2 sigma)).
  double k_strip_ = 0.0, k_plane_ = 0.0, s_strip_ = 0.0, s_plane_ = 0.0;
  std::complex<double> internal(double omega, double sqrt_omega, double r_dc, double k, double s,
                                std::complex<double> surface) const;
  // Inhomogeneous lines: filling factor q(f), eps_eff = 1 + q (eps_r - 1), tabulated on a log
  // grid at construction (the closed forms cost ~1 us per call; q is smooth in log f).
  std::complex<double> eps_eff(double freq_hz, std::complex<double> eps_r) const;
  std::vector<double> q_table_;
};

}  // namespace phylane::phy
