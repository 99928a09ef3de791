#include "phy/microstrip.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"

namespace phylane::phy {

namespace {

constexpr double e_number = 2.71828182845904523536;

void require(bool ok, const char* who, const char* name, double v, const char* rule) {
  if (!ok)
    throw std::invalid_argument(std::string(who) + ": " + name + " = " + std::to_string(v) + " " +
                                rule);
}

void check_line(const char* who, double w, double h, double t) {
  require(w > 0.0 && std::isfinite(w), who, "width", w, "m must be > 0");
  require(h > 0.0 && std::isfinite(h), who, "height", h, "m must be > 0");
  require(t >= 0.0 && std::isfinite(t), who, "thickness", t, "m must be >= 0");
}

void check_eps(const char* who, double eps_r) {
  require(eps_r >= 1.0 && std::isfinite(eps_r), who, "eps_r", eps_r, "must be >= 1");
}

void check_freq(const char* who, double f) {
  require(f >= 0.0 && std::isfinite(f), who, "freq_hz", f, "Hz must be >= 0");
}

void validate(const MicrostripDims& d, bool coupled) {
  const char* who = coupled ? "coupled microstrip" : "microstrip";
  require(d.width_m > 0.0 && std::isfinite(d.width_m), who, "width", d.width_m, "m must be > 0");
  require(d.thickness_m > 0.0 && std::isfinite(d.thickness_m), who, "thickness", d.thickness_m,
          "m must be > 0");
  require(d.height_m > 0.0 && std::isfinite(d.height_m), who, "height", d.height_m,
          "m must be > 0");
  require(d.plane_thickness_m > 0.0 && std::isfinite(d.plane_thickness_m), who, "plane_thickness",
          d.plane_thickness_m, "m must be > 0");
  if (coupled)
    require(d.spacing_m > 0.0 && std::isfinite(d.spacing_m), who, "spacing", d.spacing_m,
            "m must be > 0");
}

// ---- Hammerstad & Jensen 1980 (normalised: u = w/h, tn = t/h) ------------------------------

// Z01(u): air-filled zero-thickness microstrip.
double hj_z01(double u) {
  const double f = 6.0 + (2.0 * pi - 6.0) * std::exp(-std::pow(30.666 / u, 0.7528));
  return eta0 / (2.0 * pi) * std::log(f / u + std::sqrt(1.0 + (2.0 / u) * (2.0 / u)));
}

// eps_eff(u, eps_r), eqs. (3)-(5).
double hj_eps_eff(double u, double eps_r) {
  const double u4 = u * u * u * u;
  const double a = 1.0 + std::log((u4 + (u / 52.0) * (u / 52.0)) / (u4 + 0.432)) / 49.0 +
                   std::log(1.0 + std::pow(u / 18.1, 3.0)) / 18.7;
  const double b = 0.564 * std::pow((eps_r - 0.9) / (eps_r + 3.0), 0.053);
  return 0.5 * (eps_r + 1.0) + 0.5 * (eps_r - 1.0) * std::pow(1.0 + 10.0 / u, -a * b);
}

// Width increment of a strip of normalised thickness tn in air, eq. (6).
double hj_du1(double u, double tn) {
  if (tn <= 0.0) return 0.0;
  const double ct = 1.0 / std::tanh(std::sqrt(6.517 * u));
  return tn / pi * std::log(1.0 + 4.0 * e_number / (tn * ct * ct));
}

// The same increment with the dielectric, eq. (7).
double hj_dur(double du1, double eps_r) {
  return 0.5 * (1.0 + 1.0 / std::cosh(std::sqrt(eps_r - 1.0))) * du1;
}

struct SingleStatic {
  double z_air = 0.0;    // Z01(u1) [ohm]
  double eps_eff = 1.0;  // H&J thick-strip form
};

SingleStatic hj_static(double u, double tn, double eps_r) {
  const double du1 = hj_du1(u, tn);
  const double u1 = u + du1;
  const double ur = u + hj_dur(du1, eps_r);
  const double z1 = hj_z01(u1);
  const double zr = hj_z01(ur);
  return {z1, hj_eps_eff(ur, eps_r) * (z1 / zr) * (z1 / zr)};
}

// ---- Kirschning & Jansen dispersion (fn in GHz mm) -------------------------------------------

struct KjP {
  double p1, p2, p3, p4;
};

// P1..P4 of K&J 1982, shared by the coupled-line model of K&J 1984 (eq. 6).
KjP kj_p(double u, double eps_r, double fn) {
  KjP p{};
  p.p1 = 0.27488 + (0.6315 + 0.525 / std::pow(1.0 + 0.0157 * fn, 20.0)) * u -
         0.065683 * std::exp(-8.7513 * u);
  p.p2 = 0.33622 * (1.0 - std::exp(-0.03442 * eps_r));
  p.p3 = 0.0363 * std::exp(-4.6 * u) * (1.0 - std::exp(-std::pow(fn / 38.7, 4.97)));
  p.p4 = 1.0 + 2.751 * (1.0 - std::exp(-std::pow(eps_r / 15.916, 8.0)));
  return p;
}

// P(fn) of K&J 1982: eps_eff(f) = eps_r - (eps_r - eps_eff(0)) / (1 + P).
double kj_single_p(double u, double eps_r, double fn) {
  if (fn <= 0.0) return 0.0;
  const KjP p = kj_p(u, eps_r, fn);
  return p.p1 * p.p2 * std::pow((0.1844 + p.p3 * p.p4) * fn, 1.5763);
}

// F_e, F_o of K&J 1984, eqs. (6)-(7).
struct KjF {
  double even = 0.0, odd = 0.0;
};

KjF kj_coupled_f(double u, double g, double eps_r, double fn) {
  if (fn <= 0.0) return {};
  const KjP p = kj_p(u, eps_r, fn);
  const double p5 = 0.334 * std::exp(-3.3 * std::pow(eps_r / 15.0, 3.0)) + 0.746;
  const double p6 = p5 * std::exp(-std::pow(fn / 18.0, 0.368));
  const double p7 =
      1.0 + 4.069 * p6 * std::pow(g, 0.479) * std::exp(-1.347 * std::pow(g, 0.595) -
                                                        0.17 * std::pow(g, 2.5));
  const double p8 = 0.7168 * (1.0 + 1.076 / (1.0 + 0.0576 * (eps_r - 1.0)));
  const double p9 = p8 - 0.7913 * (1.0 - std::exp(-std::pow(fn / 20.0, 1.424))) *
                             std::atan(2.481 * std::pow(eps_r / 8.0, 0.946));
  const double p10 = 0.242 * std::pow(eps_r - 1.0, 0.55);
  const double p11 =
      0.6366 * (std::exp(-0.3401 * fn) - 1.0) * std::atan(1.263 * std::pow(u / 3.0, 1.629));
  const double p12 = p9 + (1.0 - p9) / (1.0 + 1.183 * std::pow(u, 1.376));
  const double p13 = 1.695 * p10 / (0.414 + 1.605 * p10);
  const double p14 = 0.8928 + 0.1072 * (1.0 - std::exp(-0.42 * std::pow(fn / 20.0, 3.215)));
  const double p15 =
      std::abs(1.0 - 0.8928 * (1.0 + p11) * p12 * std::exp(-p13 * std::pow(g, 1.092)) / p14);
  KjF f;
  f.even = p.p1 * p.p2 * std::pow((p.p3 * p.p4 + 0.1844 * p7) * fn, 1.5763);
  f.odd = p.p1 * p.p2 * std::pow((p.p3 * p.p4 + 0.1844) * fn * p15, 1.5763);
  return f;
}

// Normalised frequency of K&J: f h in GHz mm.
double kj_fn(double freq_hz, double h) { return freq_hz * h * 1e-6; }

// ---- Kirschning & Jansen 1984, zero-thickness core (widths already thickness-corrected) --------

// Q4 of eq. (8) and Q10 of eq. (9); Q4 is needed by both.
double kj_q4(double u, double g) {
  const double q1 = 0.8695 * std::pow(u, 0.194);
  const double q2 = 1.0 + 0.7519 * g + 0.189 * std::pow(g, 2.31);
  const double q3 = 0.1975 + std::pow(16.6 + std::pow(8.4 / g, 6.0), -0.387) +
                    std::log(std::pow(g, 10.0) / (1.0 + std::pow(g / 3.4, 10.0))) / 241.0;
  const double eg = std::exp(-g);
  return 2.0 * q1 / q2 / (eg * std::pow(u, q3) + (2.0 - eg) * std::pow(u, -q3));
}

double kj_q10(double u, double g) {
  const double q2 = 1.0 + 0.7519 * g + 0.189 * std::pow(g, 2.31);
  const double q5 = 1.794 + 1.14 * std::log(1.0 + 0.638 / (g + 0.517 * std::pow(g, 2.43)));
  const double q6 = 0.2305 + std::log(std::pow(g, 10.0) / (1.0 + std::pow(g / 5.8, 10.0))) / 281.3 +
                    std::log(1.0 + 0.598 * std::pow(g, 1.154)) / 5.1;
  const double q7 = (10.0 + 190.0 * g * g) / (1.0 + 82.3 * g * g * g);
  const double q8 = std::exp(-6.5 - 0.95 * std::log(g) - std::pow(g / 0.15, 5.0));
  const double q9 = std::log(q7) * (q8 + 1.0 / 16.5);
  return kj_q4(u, g) - q5 / q2 * std::exp(q6 * std::log(u) * std::pow(u, -q9));
}

// Air impedances of eqs. (8)-(9): Z0(0) sqrt(eps_eff(0)) = Z01(u) for the zero-thickness line.
double kj_z_air_even(double ue, double g) {
  const double z1 = hj_z01(ue);
  return z1 / (1.0 - z1 * kj_q4(ue, g) / eta0);
}

double kj_z_air_odd(double uo, double g) {
  const double z1 = hj_z01(uo);
  return z1 / (1.0 - z1 * kj_q10(uo, g) / eta0);
}

// Static even-mode eps_eff, eq. (3).
double kj_eps_even(double ue, double g, double eps_r) {
  const double v = ue * (20.0 + g * g) / (10.0 + g * g) + g * std::exp(-g);
  return hj_eps_eff(v, eps_r);
}

// Static odd-mode eps_eff, eq. (4) as corrected (MTT-33(3), 1985, p. 288).
double kj_eps_odd(double uo, double g, double eps_r) {
  const double e0 = hj_eps_eff(uo, eps_r);
  const double half = 0.5 * (eps_r + 1.0);
  const double ao = 0.7287 * (e0 - half) * (1.0 - std::exp(-0.179 * uo));
  const double bo = 0.747 * eps_r / (0.15 + eps_r);
  const double co = bo - (bo - 0.207) * std::exp(-0.414 * uo);
  const double d = 0.593 + 0.694 * std::exp(-0.562 * uo);
  return (half + ao - e0) * std::exp(-co * std::pow(g, d)) + e0;
}

// Even/odd widths for a strip of normalised thickness tn, Jansen (1978):
//   ue = u + du [1 - 0.5 exp(-0.69 du/dt)], uo = ue + dt, dt = tn / (eps_r g).
struct ModeWidths {
  double even = 0.0, odd = 0.0;
};

ModeWidths jansen_widths(double u, double g, double tn, double du, double eps_r) {
  if (tn <= 0.0) return {u, u};
  const double dt = tn / (eps_r * g);
  const double ue = u + du * (1.0 - 0.5 * std::exp(-0.69 * du / dt));
  return {ue, ue + dt};
}

struct CoupledStatic {
  EvenOdd z_air;
  double eps_even = 1.0, eps_odd = 1.0;
};

CoupledStatic kj_static(double u, double g, double tn, double eps_r) {
  const double du1 = hj_du1(u, tn);
  const ModeWidths w1 = jansen_widths(u, g, tn, du1, 1.0);
  const ModeWidths wr = jansen_widths(u, g, tn, hj_dur(du1, eps_r), eps_r);
  CoupledStatic c;
  c.z_air = {kj_z_air_even(w1.even, g), kj_z_air_odd(w1.odd, g)};
  // As H&J do for the single line: the mode's capacitance with the dielectric is that of
  // K&J at the dielectric-corrected width, its vacuum capacitance that at the vacuum width.
  const double re = c.z_air.even / kj_z_air_even(wr.even, g);
  const double ro = c.z_air.odd / kj_z_air_odd(wr.odd, g);
  c.eps_even = kj_eps_even(wr.even, g, eps_r) * re * re;
  c.eps_odd = kj_eps_odd(wr.odd, g, eps_r) * ro * ro;
  return c;
}

// Filling factor q = (eps_eff - 1)/(eps_r - 1) of a static eps_eff(eps_r), finite as eps_r -> 1.
// Below eps_r - 1 = 1e-6 the quotient is evaluated at 1 + 1e-6: q is smooth in eps_r (its slope is
// O(1)), so this changes q by ~1e-6 while keeping ~10 significant digits in the difference.
template <class StaticEps>
double filling_factor(double eps_r, StaticEps eps_eff_of) {
  const double e = std::max(eps_r, 1.0 + 1e-6);
  return (eps_eff_of(e) - 1.0) / (e - 1.0);
}

// 1 + q(f) (eps_r - 1) with q(f) = 1 - (1 - q0)/(1 + P): the dispersion law
// eps_eff(f) = eps' - (eps' - eps_eff(0))/(1 + P) written for the filling factor, which avoids the
// 0/0 of (eps_eff(f) - 1)/(eps' - 1) at eps' = 1.
std::complex<double> weighted(double q0, double p, std::complex<double> eps_r) {
  const double q = 1.0 - (1.0 - q0) / (1.0 + p);
  return 1.0 + q * (eps_r - 1.0);
}

}  // namespace

// ---- single microstrip ------------------------------------------------------------------------

double microstrip_z0_air(double w, double h, double t) {
  check_line("microstrip_z0_air", w, h, t);
  return hj_static(w / h, t / h, 1.0).z_air;
}

double microstrip_eps_eff_static(double w, double h, double t, double eps_r) {
  check_line("microstrip_eps_eff_static", w, h, t);
  check_eps("microstrip_eps_eff_static", eps_r);
  return hj_static(w / h, t / h, eps_r).eps_eff;
}

double microstrip_z0(double w, double h, double t, double eps_r) {
  check_line("microstrip_z0", w, h, t);
  check_eps("microstrip_z0", eps_r);
  const SingleStatic s = hj_static(w / h, t / h, eps_r);
  return s.z_air / std::sqrt(s.eps_eff);
}

double microstrip_eps_eff_dispersive(double w, double h, double t, double eps_r, double freq_hz) {
  check_line("microstrip_eps_eff_dispersive", w, h, t);
  check_eps("microstrip_eps_eff_dispersive", eps_r);
  check_freq("microstrip_eps_eff_dispersive", freq_hz);
  const double e0 = hj_static(w / h, t / h, eps_r).eps_eff;
  return eps_r - (eps_r - e0) / (1.0 + kj_single_p(w / h, eps_r, kj_fn(freq_hz, h)));
}

Microstrip::Microstrip(const MicrostripDims& d) : d_(d) { validate(d_, false); }

double Microstrip::air_capacitance_f_per_m(const Recession& r) const {
  const double w = d_.width_m - 2.0 * r.strip_m;
  const double t = d_.thickness_m - 2.0 * r.strip_m;
  const double h = d_.height_m + r.strip_m + r.plane_m;
  return 1.0 / (c0 * hj_static(w / h, t / h, 1.0).z_air);
}

std::complex<double> Microstrip::effective_permittivity(double freq_hz,
                                                        std::complex<double> eps_r) const {
  check_freq("microstrip effective_permittivity", freq_hz);
  const double e1 = eps_r.real();
  check_eps("microstrip effective_permittivity", e1);
  const double u = d_.width_m / d_.height_m;
  const double tn = d_.thickness_m / d_.height_m;
  const double q0 = filling_factor(e1, [&](double e) { return hj_static(u, tn, e).eps_eff; });
  const double p = kj_single_p(u, std::max(e1, 1.0), kj_fn(freq_hz, d_.height_m));
  return weighted(q0, p, eps_r);
}

namespace {
constexpr const char* kThickMeasured =
    "thickness correction measured against the boundary-element solver (docs/transmission_lines.md)";
}  // namespace

std::vector<ValidityLimit> Microstrip::validity(double dk) const {
  const double h = d_.height_m;
  return {
      {"width/height", "width", d_.width_m / h, 0.1, 100.0,
       "Hammerstad-Jensen 1980 with Kirschning-Jansen 1982 dispersion"},
      {"thickness/height", "thickness", d_.thickness_m / h, 0.0, 1.0, kThickMeasured},
      {"thickness/width", "thickness", d_.thickness_m / d_.width_m, 0.0, 2.0, kThickMeasured},
      {"dk", "dk", dk, 1.0, 20.0, "Kirschning-Jansen 1982 dispersion"},
  };
}

double Microstrip::strip_dc_factor_per_m2() const { return 1.0 / (d_.width_m * d_.thickness_m); }

double Microstrip::smallest_dimension_m() const {
  return std::min({d_.width_m, d_.thickness_m, d_.height_m});
}

// ---- coupled microstrip -----------------------------------------------------------------------

namespace {

void check_coupled(const char* who, double w, double s, double h, double t) {
  check_line(who, w, h, t);
  require(s > 0.0 && std::isfinite(s), who, "spacing", s, "m must be > 0");
}

CoupledMicrostripModes to_modes(const EvenOdd& z_air, double eps_even, double eps_odd) {
  CoupledMicrostripModes m;
  m.z0_ohm = {z_air.even / std::sqrt(eps_even), z_air.odd / std::sqrt(eps_odd)};
  m.eps_eff_even = eps_even;
  m.eps_eff_odd = eps_odd;
  return m;
}

}  // namespace

EvenOdd coupled_microstrip_z0_air(double w, double s, double h, double t) {
  check_coupled("coupled_microstrip_z0_air", w, s, h, t);
  return kj_static(w / h, s / h, t / h, 1.0).z_air;
}

CoupledMicrostripModes coupled_microstrip_even_odd(double w, double s, double h, double t,
                                                   double eps_r) {
  check_coupled("coupled_microstrip_even_odd", w, s, h, t);
  check_eps("coupled_microstrip_even_odd", eps_r);
  const CoupledStatic c = kj_static(w / h, s / h, t / h, eps_r);
  return to_modes(c.z_air, c.eps_even, c.eps_odd);
}

CoupledMicrostripModes coupled_microstrip_even_odd(double w, double s, double h, double t,
                                                   double eps_r, double freq_hz) {
  check_coupled("coupled_microstrip_even_odd", w, s, h, t);
  check_eps("coupled_microstrip_even_odd", eps_r);
  check_freq("coupled_microstrip_even_odd", freq_hz);
  const CoupledStatic c = kj_static(w / h, s / h, t / h, eps_r);
  const KjF f = kj_coupled_f(w / h, s / h, eps_r, kj_fn(freq_hz, h));
  return to_modes(c.z_air, eps_r - (eps_r - c.eps_even) / (1.0 + f.even),
                  eps_r - (eps_r - c.eps_odd) / (1.0 + f.odd));
}

CoupledMicrostrip::CoupledMicrostrip(const MicrostripDims& d, LineMode mode) : d_(d), mode_(mode) {
  validate(d_, true);
  if (mode_ == LineMode::single_ended)
    throw std::invalid_argument("coupled microstrip: mode must be differential or common");
}

EvenOdd CoupledMicrostrip::air_even_odd() const {
  return kj_static(d_.width_m / d_.height_m, d_.spacing_m / d_.height_m,
                   d_.thickness_m / d_.height_m, 1.0)
      .z_air;
}

double CoupledMicrostrip::air_capacitance_f_per_m(const Recession& r) const {
  const double w = d_.width_m - 2.0 * r.strip_m;
  const double t = d_.thickness_m - 2.0 * r.strip_m;
  const double s = d_.spacing_m + 2.0 * r.strip_m;
  const double h = d_.height_m + r.strip_m + r.plane_m;
  const EvenOdd z = kj_static(w / h, s / h, t / h, 1.0).z_air;
  // Differential: Zdiff = 2 Z0o; common: Zcm = Z0e / 2.
  const double zmode = mode_ == LineMode::differential ? 2.0 * z.odd : 0.5 * z.even;
  return 1.0 / (c0 * zmode);
}

std::complex<double> CoupledMicrostrip::effective_permittivity(double freq_hz,
                                                               std::complex<double> eps_r) const {
  check_freq("coupled microstrip effective_permittivity", freq_hz);
  const double e1 = eps_r.real();
  check_eps("coupled microstrip effective_permittivity", e1);
  const double u = d_.width_m / d_.height_m;
  const double g = d_.spacing_m / d_.height_m;
  const double tn = d_.thickness_m / d_.height_m;
  const bool odd = mode_ == LineMode::differential;
  const double q0 = filling_factor(e1, [&](double e) {
    const CoupledStatic c = kj_static(u, g, tn, e);
    return odd ? c.eps_odd : c.eps_even;
  });
  const KjF f = kj_coupled_f(u, g, std::max(e1, 1.0), kj_fn(freq_hz, d_.height_m));
  return weighted(q0, odd ? f.odd : f.even, eps_r);
}

std::vector<ValidityLimit> CoupledMicrostrip::validity(double dk) const {
  const double h = d_.height_m;
  return {
      {"width/height", "width", d_.width_m / h, 0.8, 10.0,
       "Kirschning-Jansen 1984 state 0.1 ... 10; below 0.8 their odd mode with Jansen's thickness "
       "correction gives a negative Wheeler (conductor-loss) factor for thin strips"},
      {"spacing/height", "spacing", d_.spacing_m / h, 0.1, 10.0, "Kirschning-Jansen 1984"},
      {"thickness/height", "thickness", d_.thickness_m / h, 0.0, 1.0, kThickMeasured},
      {"thickness/spacing", "thickness", d_.thickness_m / d_.spacing_m, 0.0, 0.5, kThickMeasured},
      {"dk", "dk", dk, 1.0, 18.0, "Kirschning-Jansen 1984"},
  };
}

double CoupledMicrostrip::strip_dc_factor_per_m2() const {
  const double one = 1.0 / (d_.width_m * d_.thickness_m);
  return mode_ == LineMode::differential ? 2.0 * one : 0.5 * one;
}

double CoupledMicrostrip::smallest_dimension_m() const {
  return std::min({d_.width_m, d_.thickness_m, d_.height_m, d_.spacing_m});
}

}  // namespace phylane::phy
