#pragma once
/// Striplines solved numerically: the cross-section's capacitances come from the boundary-element
/// solver (phy/strip_bem.hpp) instead of closed forms. Exact for any offset, thickness and
/// spacing (discretisation error ~1e-5), at a cost of a few milliseconds per solve; results are
/// cached process-wide by cross-section, so sweeps that vary only lengths or materials solve once.
/// Used where the closed forms of phy/stripline.hpp are weak (offset strips: up to +9 % in Z0;
/// thick, closely spaced pairs: up to 4 % and more; see docs/field_solver.md).
#include "phy/line_geometry.hpp"
#include "phy/stripline.hpp"

namespace phylane::phy {

class BemStripline final : public LineGeometry {
 public:
  /// mode: single_ended (one strip, spacing ignored), differential or common (edge-coupled pair).
  /// Throws std::invalid_argument for non-positive dimensions.
  BemStripline(const StriplineDims& d, LineMode mode);
  std::string_view kind() const override {
    return mode_ == LineMode::single_ended ? "stripline" : "coupled_stripline";
  }
  LineMode mode() const override { return mode_; }
  double air_capacitance_f_per_m(const Recession& r) const override;
  std::complex<double> effective_permittivity(double, std::complex<double> eps_r) const override {
    return eps_r;
  }
  bool homogeneous() const override { return true; }
  double strip_dc_factor_per_m2() const override;
  double plane_thickness_m() const override { return d_.plane_thickness_m; }
  /// Validity: any offset, thickness and spacing; w/b <= 1000 (convergence measured to 1e-4 there,
  /// phy/strip_bem.hpp Options) and 1 <= dk <= 1000 (the solver's Green's functions).
  std::vector<ValidityLimit> validity(double dk) const override;
  double smallest_dimension_m() const override;
  /// 2e-3 of the smallest feature: the solver's error changes smoothly with the geometry, but a
  /// step of 1e-4 would bring its ~1e-9 round-off into the derivative.
  double wheeler_step_m() const override { return 2e-3 * smallest_dimension_m(); }
  /// Even/odd (pair) impedances with vacuum [ohm]; for a single strip both are its Z0.
  EvenOdd air_even_odd() const;
  const StriplineDims& dims() const { return d_; }

 private:
  StriplineDims d_;
  LineMode mode_;
};

}  // namespace phylane::phy
