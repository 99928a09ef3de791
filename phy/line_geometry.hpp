#pragma once
/// The cross-section of a printed transmission line, reduced to what the loss and propagation
/// models need: the mode's vacuum capacitance (hence external inductance), its effective
/// permittivity, and Wheeler's incremental-inductance factors for conductor loss.
#include <complex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::phy {

/// Which propagating mode the per-unit-length quantities describe. Coupled lines report
/// differential-mode quantities (Zdiff = 2 Z0odd, Rdiff = 2 Rodd, Cdiff = Codd/2) or
/// common-mode ones (Zcm = Z0even/2); single lines report their only mode.
enum class LineMode { single_ended, differential, common };

std::string_view to_string(LineMode m);

/// Walls moved into the conductors by a small distance (Wheeler's "receding walls").
struct Recession {
  double strip_m = 0.0;  ///< every face of the signal strip(s) recedes by this much
  double plane_m = 0.0;  ///< every return plane recedes by this much
};

/// Wheeler incremental-inductance factors g = (1/mu0) dL_ext/dn [1/m]: with surface resistance Rs
/// the high-frequency series resistance of those conductors is Rs * g.
/// Source: H. A. Wheeler, "Formulas for the skin effect", Proc. IRE 30(9), 1942, pp. 412-424;
/// also Pozar, Microwave Engineering, 4th ed., sec. 2.7 ("The Wheeler incremental inductance rule").
struct WheelerFactors {
  double strip_per_m = 0.0;
  double plane_per_m = 0.0;
};

/// One dimensionless input of a line model and the range over which the model is trusted: the
/// range its cited source states, or where the source states none, the range over which phylane
/// has measured it against an independent solution (each model's validity() says which).
/// Inputs outside are refused by io/ before anything is computed (docs/transmission_lines.md).
struct ValidityLimit {
  std::string ratio;   ///< what is limited, e.g. "width/height", "dk"
  std::string key;     ///< the config key a user changes to fix it: "width", "thickness", "spacing", "dk"
  double value = 0.0;  ///< this cross-section's value
  double min = 0.0;    ///< inclusive bounds
  double max = 0.0;
  std::string source;  ///< the model and where its range comes from
  bool ok() const { return value >= min && value <= max; }
};

/// Abstract cross-section. Implementations: Stripline, CoupledStripline (phy/stripline.hpp),
/// Microstrip, CoupledMicrostrip (phy/microstrip.hpp).
class LineGeometry {
 public:
  virtual ~LineGeometry() = default;

  /// "stripline", "coupled_stripline", "microstrip", "coupled_microstrip".
  virtual std::string_view kind() const = 0;
  virtual LineMode mode() const = 0;

  /// Capacitance per length of the mode with all dielectric replaced by vacuum [F/m], with the
  /// conductor walls receded by `r` (r = {} for the real geometry).
  virtual double air_capacitance_f_per_m(const Recession& r) const = 0;
  double air_capacitance_f_per_m() const { return air_capacitance_f_per_m(Recession{}); }

  /// Complex effective relative permittivity of the mode at freq_hz when the substrate has
  /// complex relative permittivity eps_r (= eps' - j eps''). Homogeneous lines return eps_r;
  /// inhomogeneous ones (microstrip) a filling-factor weighting with dispersion.
  virtual std::complex<double> effective_permittivity(double freq_hz,
                                                      std::complex<double> eps_r) const = 0;

  /// True when the mode sees only the substrate (eps_eff == eps_r at every frequency), as in a
  /// stripline. Inhomogeneous lines let TransmissionLine tabulate their filling factor.
  virtual bool homogeneous() const { return false; }

  /// The ranges of the model's dimensionless inputs for this cross-section on a substrate of
  /// relative permittivity dk (real part; the largest the dielectric takes). Frequency is not
  /// among them: the engines evaluate H(f) far above any model's stated band, where the closed
  /// forms stay physical (eps_eff between 1 and eps_r, Z0 > 0; tests/phy/line_validity_test.cpp)
  /// but their accuracy is not stated.
  virtual std::vector<ValidityLimit> validity(double dk) const = 0;
  /// The limits of validity(dk) that this cross-section violates (empty: inside the range).
  std::vector<ValidityLimit> violations(double dk) const;

  /// DC resistance of the signal conductor(s) for this mode times conductivity [1/m^2]:
  /// R_dc = strip_dc_factor() / sigma (single: 1/(w t); differential: 2/(w t); common: 1/(2 w t)).
  virtual double strip_dc_factor_per_m2() const = 0;
  /// Thickness of the return planes' copper [m] (sets where their skin effect begins).
  virtual double plane_thickness_m() const = 0;
  /// Smallest feature of the cross-section [m], used to scale numerical derivatives.
  virtual double smallest_dimension_m() const = 0;
  /// Step of the numerical derivative in wheeler_factors() [m]: 1e-4 of the smallest feature for
  /// closed forms; numerical solvers use a larger one to stay above their discretisation noise.
  virtual double wheeler_step_m() const { return 1e-4 * smallest_dimension_m(); }

  /// External (loop) inductance per length [H/m] = mu0 eps0 / C_air.
  double external_inductance_h_per_m() const;
  /// Characteristic impedance of the mode with vacuum dielectric [ohm] = 1/(c0 C_air).
  double air_impedance_ohm() const;
  /// Wheeler factors by central differences of L_ext under receding walls.
  WheelerFactors wheeler_factors() const;
};

}  // namespace phylane::phy
