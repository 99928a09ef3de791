#include "phy/stripline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/elliptic.hpp"

namespace phylane::phy {

namespace {

void require_positive(double v, const char* name) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw std::invalid_argument(std::string("stripline: ") + name + " = " + std::to_string(v) +
                                " m must be > 0");
}

void validate(const StriplineDims& d, bool coupled) {
  require_positive(d.width_m, "width");
  require_positive(d.thickness_m, "thickness");
  require_positive(d.height_below_m, "height_below");
  require_positive(d.height_above_m, "height_above");
  require_positive(d.plane_thickness_m, "plane_thickness");
  if (coupled) require_positive(d.spacing_m, "spacing");
}

// Thick-edge fringing capacitance over eps for a strip edge of thickness t in a stripline of
// spacing b (Cohn 1955, eq. 13); its t -> 0 limit is (2/pi) ln 2.
double fringe_capacitance(double t, double b) {
  const double a = (2.0 / pi) * std::log((2.0 * b - t) / (b - t));
  if (t <= 0.0) return a;
  return a - (t / (pi * b)) * std::log(t * (2.0 * b - t) / ((b - t) * (b - t)));
}

// Two centred striplines of spacing 2 h + t, one for each plane, combined in parallel:
// C = (C1 + C2) / 2, i.e. Z = 2 Z1 Z2 / (Z1 + Z2).
double offset_combination(double z_below, double z_above) {
  return 2.0 * z_below * z_above / (z_below + z_above);
}

}  // namespace

double stripline_z0_air_zero_thickness(double w, double b) {
  const double x = pi * w / (2.0 * b);
  // k = sech x, k' = tanh x; both computed directly so that neither loses precision.
  const double k = 1.0 / std::cosh(x);
  const double kp = std::tanh(x);
  return eta0 / 4.0 * elliptic_k_ratio(k, kp);
}

double stripline_z0_air_wheeler(double w, double b, double t) {
  const double x = t / b;
  double dw = 0.0;  // dw/(b - t)
  if (x > 0.0) {
    const double m = 2.0 / (1.0 + (2.0 / 3.0) * x / (1.0 - x));
    const double term = std::pow(x / (2.0 - x), 2.0) + std::pow(0.0796 * x / (w / b + 1.1 * x), m);
    dw = x / (pi * (1.0 - x)) * (1.0 - 0.5 * std::log(term));
  }
  const double wp = w / (b - t) + dw;
  const double a = 8.0 / (pi * wp);
  return eta0 / (4.0 * pi) * std::log(1.0 + (4.0 / (pi * wp)) * (a + std::sqrt(a * a + 6.27)));
}

double stripline_z0_air(double w, double b, double t) {
  const double z0 = stripline_z0_air_zero_thickness(w, b);
  if (t <= 0.0) return z0;
  return z0 * stripline_z0_air_wheeler(w, b, t) / stripline_z0_air_wheeler(w, b, 0.0);
}

EvenOdd coupled_stripline_z0_air_zero_thickness(double w, double s, double b) {
  const double a = pi * w / (2.0 * b);
  const double c = pi * (w + s) / (2.0 * b);
  const double ke = std::tanh(a) * std::tanh(c);
  const double ko = std::tanh(a) / std::tanh(c);
  // complementary moduli sqrt(1 - k^2), computed as sqrt((1-k)(1+k)) to keep precision
  const double kep = std::sqrt((1.0 - ke) * (1.0 + ke));
  const double kop = std::sqrt((1.0 - ko) * (1.0 + ko));
  return {eta0 / 4.0 * elliptic_k_ratio(kep, ke), eta0 / 4.0 * elliptic_k_ratio(kop, ko)};
}

EvenOdd coupled_stripline_z0_air(double w, double s, double b, double t) {
  const EvenOdd z00 = coupled_stripline_z0_air_zero_thickness(w, s, b);
  if (t <= 0.0) return z00;
  const double zs0 = stripline_z0_air_zero_thickness(w, b);
  const double zst = stripline_z0_air(w, b, t);
  const double ratio = fringe_capacitance(t, b) / fringe_capacitance(0.0, b);
  return {1.0 / (1.0 / zst - ratio * (1.0 / zs0 - 1.0 / z00.even)),
          1.0 / (1.0 / zst + ratio * (1.0 / z00.odd - 1.0 / zs0))};
}

// ---------------------------------------------------------------------------------------------

Stripline::Stripline(const StriplineDims& d) : d_(d) { validate(d_, false); }

double Stripline::air_capacitance_f_per_m(const Recession& r) const {
  const double w = d_.width_m - 2.0 * r.strip_m;
  const double t = d_.thickness_m - 2.0 * r.strip_m;
  const double h1 = d_.height_below_m + r.strip_m + r.plane_m;
  const double h2 = d_.height_above_m + r.strip_m + r.plane_m;
  const double z = offset_combination(stripline_z0_air(w, 2.0 * h1 + t, t),
                                      stripline_z0_air(w, 2.0 * h2 + t, t));
  return 1.0 / (c0 * z);
}

namespace {
std::vector<ValidityLimit> closed_form_validity(const StriplineDims& d) {
  const double b = d.height_below_m + d.thickness_m + d.height_above_m;
  const bool below_nearer = d.height_below_m <= d.height_above_m;
  return {
      {"thickness/plane spacing", "thickness", d.thickness_m / b, 0.0, 0.25,
       "Wheeler 1978 thickness correction"},
      {"nearer height/plane spacing", below_nearer ? "height_below" : "height_above",
       std::min(d.height_below_m, d.height_above_m) / b, 0.3, 0.5,
       "offset combination, +2 % against the boundary-element solver at 0.3"},
  };
}
}  // namespace

std::vector<ValidityLimit> Stripline::validity(double) const { return closed_form_validity(d_); }

double Stripline::strip_dc_factor_per_m2() const { return 1.0 / (d_.width_m * d_.thickness_m); }

double Stripline::smallest_dimension_m() const {
  return std::min({d_.width_m, d_.thickness_m, d_.height_below_m, d_.height_above_m});
}

CoupledStripline::CoupledStripline(const StriplineDims& d, LineMode mode) : d_(d), mode_(mode) {
  validate(d_, true);
  if (mode_ == LineMode::single_ended)
    throw std::invalid_argument("coupled stripline: mode must be differential or common");
}

EvenOdd CoupledStripline::even_odd(const Recession& r) const {
  const double w = d_.width_m - 2.0 * r.strip_m;
  const double t = d_.thickness_m - 2.0 * r.strip_m;
  const double s = d_.spacing_m + 2.0 * r.strip_m;
  const double h1 = d_.height_below_m + r.strip_m + r.plane_m;
  const double h2 = d_.height_above_m + r.strip_m + r.plane_m;
  const EvenOdd lo = coupled_stripline_z0_air(w, s, 2.0 * h1 + t, t);
  const EvenOdd hi = coupled_stripline_z0_air(w, s, 2.0 * h2 + t, t);
  return {offset_combination(lo.even, hi.even), offset_combination(lo.odd, hi.odd)};
}

EvenOdd CoupledStripline::air_even_odd() const { return even_odd(Recession{}); }

double CoupledStripline::air_capacitance_f_per_m(const Recession& r) const {
  const EvenOdd z = even_odd(r);
  // Differential: Zdiff = 2 Z0o; common: Zcm = Z0e / 2.
  const double zmode = mode_ == LineMode::differential ? 2.0 * z.odd : 0.5 * z.even;
  return 1.0 / (c0 * zmode);
}

std::vector<ValidityLimit> CoupledStripline::validity(double) const {
  auto v = closed_form_validity(d_);
  const double b = d_.height_below_m + d_.thickness_m + d_.height_above_m;
  const char* cohn = "Cohn 1955 thick coupled strips, within 3.8 % of the boundary-element solver";
  v.push_back({"thickness/spacing", "thickness", d_.thickness_m / d_.spacing_m, 0.0, 0.2, cohn});
  v.push_back({"width/plane spacing", "width", d_.width_m / b, 0.2, 8.0,
               "Cohn 1955; above 8 the even-mode modulus 1 - k_e falls below rounding (NaN at 13)"});
  return v;
}

double CoupledStripline::strip_dc_factor_per_m2() const {
  const double one = 1.0 / (d_.width_m * d_.thickness_m);
  return mode_ == LineMode::differential ? 2.0 * one : 0.5 * one;
}

double CoupledStripline::smallest_dimension_m() const {
  return std::min({d_.width_m, d_.thickness_m, d_.height_below_m, d_.height_above_m, d_.spacing_m});
}

}  // namespace phylane::phy
