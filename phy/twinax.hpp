#pragma once
/// Shielded twinax: two parallel round conductors in a homogeneous dielectric inside a circular
/// shield (the cross-section of a DAC / flyover cable pair), differential or common mode.
#include "phy/line_geometry.hpp"

namespace phylane::phy {

/// Diameter of a solid round wire of American Wire Gauge n:
///   d = 0.005 in * 92^((36 - n) / 39),   n = -3 (0000) ... 56.
/// Source: ASTM B258-18, "Standard Specification for Standard Nominal Diameters and
/// Cross-Sectional Areas of AWG Sizes of Solid Round Wires Used as Electrical Conductors",
/// sec. 3 (the AWG is defined by 36 AWG = 0.0050 in, 0000 AWG = 0.4600 in and 39 geometric steps
/// between them). Tested by: tests/phy/twinax_test.cpp "[awg]".
/// @param gauge  AWG number, -3 (0000) ... 56
/// @return diameter [m]
double awg_diameter_m(int gauge);

/// Dimensions of a shielded pair. All > 0; the wires must not touch each other or the shield
/// (spacing > diameter, spacing + diameter < shield diameter).
struct TwinaxDims {
  double conductor_diameter_m = 0.0;  ///< d, each wire (solid; awg_diameter_m for a gauge)
  double spacing_m = 0.0;             ///< s, centre-to-centre distance of the two wires
  double shield_diameter_m = 0.0;     ///< D, inner diameter of the circular shield
  double shield_thickness_m = 0.0;    ///< shield metal thickness (sets its DC-to-skin transition only)
  /// Conductivity of the shield over that of the wires (e.g. aluminium foil on copper wires:
  /// 3.77e7 / 5.8e7 = 0.65); 1 when both are the same metal. It scales the shield's skin-effect
  /// resistance exactly; the shield's DC resistance (TransmissionLine: g / (sigma t), which only
  /// places where its skin effect sets in) comes out sqrt(ratio) times the true value.
  double shield_conductivity_ratio = 1.0;
};

/// Differential impedance of a shielded balanced pair with vacuum (Reference Data for Engineers):
///   Zdiff = (eta0 / pi) { ln[2 v (1 - sigma^2) / (1 + sigma^2)]
///                         - (1 + 4 v^2)(1 - 4 sigma^2)^2 / (16 v^4) },   v = s/d, sigma = s/D.
/// Source: Reference Data for Engineers: Radio, Electronics, Computer and Communications, 9th ed.
/// (W. M. Middleton, M. E. Van Valkenburg eds., Newnes 2002), ch. 29 "Transmission lines",
/// "balanced shielded line"; also B. C. Wadell, Transmission Line Design Handbook, Artech House
/// 1991, sec. 2.5. The first term is exact for thin wires (the line charges and their images in
/// the shield); the second is the first-order correction for the charge's crowding on the wires
/// (proximity). Its accuracy is measured in tests/phy/twinax_test.cpp against a charge-simulation
/// solution of the same cross-section (the range Twinax::validity() admits).
/// @return [ohm] (divide by sqrt(eps_r) for a dielectric)
double twinax_zdiff_air_ohm(double d, double s, double D);

/// Common-mode impedance (both wires against the shield) with vacuum, thin-wire images:
///   Zcm = (eta0 / (4 pi)) ln[ v (1 - sigma^4) / (2 sigma^2) ].
/// Source: the image of a line charge in a grounded circular cylinder (at R^2/h on the same ray;
/// W. R. Smythe, Static and Dynamic Electricity, 3rd ed., McGraw-Hill 1968, ch. 4), applied to
/// two equal charges at +-s/2: the same construction whose odd-mode form is the first term of
/// twinax_zdiff_air_ohm. No proximity correction; accuracy measured as for the differential mode.
/// @return [ohm] (divide by sqrt(eps_r) for a dielectric)
double twinax_zcommon_air_ohm(double d, double s, double D);

/// Shielded twinax pair, differential or common mode. The wires are the "strip", the shield the
/// "plane" of LineGeometry, so TransmissionLine applies Wheeler's incremental-inductance rule to
/// each: receding the wires' surfaces gives their skin-effect resistance including the proximity
/// effect of the pair and of the shield (Wheeler 1942: exact when the skin depth is small against
/// the dimensions and the impedance formula is exact), receding the shield gives the shield's own
/// loss. The shield recedes by sqrt(1 / shield_conductivity_ratio) times the wires' recession (its
/// skin depth over theirs), so its Wheeler factor carries its conductivity. Not modelled: the
/// drain wire, a non-circular (flat-oval) shield, the overlap or spiral wrap of a foil shield
/// (its suck-out resonance), stranding, and a plating thinner than the skin depth.
class Twinax final : public LineGeometry {
 public:
  Twinax(const TwinaxDims& d, LineMode mode);
  std::string_view kind() const override { return "twinax"; }
  LineMode mode() const override { return mode_; }
  double air_capacitance_f_per_m(const Recession& r) const override;
  std::complex<double> effective_permittivity(double, std::complex<double> eps_r) const override {
    return eps_r;
  }
  bool homogeneous() const override { return true; }
  /// Validity: spacing/diameter 2 ... 10 (common mode 5 ... 10) and spacing/shield diameter
  /// <= 0.5, where the closed forms agree with a charge-simulation solution within 0.5 % in
  /// differential impedance, 1.7 % (wires) and 3.3 % (shield) in its Wheeler factors, and within
  /// 0.8 % / 3.2 % in common mode (tests/phy/twinax_test.cpp "[csm]").
  std::vector<ValidityLimit> validity(double dk) const override;
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.shield_thickness_m; }
  double smallest_dimension_m() const override;
  const TwinaxDims& dims() const { return d_; }

 private:
  TwinaxDims d_;
  LineMode mode_;
};

}  // namespace phylane::phy
