#include "phy/transmission_line.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "phy/complex_math.hpp"
#include "phy/conductor.hpp"
#include "phy/constants.hpp"

namespace phylane::phy {

namespace {
// Filling-factor table: 40 points per decade from 1 MHz to 1 THz, cubic interpolation in log f.
// Interpolation error on the microstrip closed forms: < 1e-6 relative in eps_eff (tested).
constexpr double kTableLogMin = 6.0, kTableLogMax = 12.0;
constexpr int kTablePerDecade = 40;
constexpr int kTablePoints = static_cast<int>((kTableLogMax - kTableLogMin) * kTablePerDecade) + 1;

double table_frequency(int i) { return std::pow(10.0, kTableLogMin + static_cast<double>(i) / kTablePerDecade); }

// Position of f in the table: index i and fraction t, or false when outside it.
bool table_position(double freq_hz, int& i, double& t) {
  if (!(freq_hz >= table_frequency(0) && freq_hz <= table_frequency(kTablePoints - 1))) return false;
  const double x = (std::log10(freq_hz) - kTableLogMin) * kTablePerDecade;
  i = std::min(static_cast<int>(x), kTablePoints - 2);
  t = x - i;
  return true;
}

// Catmull-Rom cubic through p0..p3 at t in [0, 1] between p1 and p2.
template <class T>
T cubic(const T& p0, const T& p1, const T& p2, const T& p3, double t) {
  return p1 + 0.5 * t * (p2 - p0 + t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

template <class V>
auto table_cubic(const V& table, int i, double t) {
  auto at = [&](int k) { return table[static_cast<std::size_t>(std::clamp(k, 0, kTablePoints - 1))]; };
  return cubic(at(i - 1), at(i), at(i + 1), at(i + 2), t);
}
}  // namespace

double LinePoint::l_h_per_m() const {
  return freq_hz > 0.0 ? z_per_m.imag() / (2.0 * pi * freq_hz) : 0.0;
}
double LinePoint::c_f_per_m() const {
  return freq_hz > 0.0 ? y_per_m.imag() / (2.0 * pi * freq_hz) : 0.0;
}

TransmissionLine::TransmissionLine(std::shared_ptr<const LineGeometry> geometry,
                                   Dielectric dielectric, LineConductor conductor)
    : geometry_(std::move(geometry)), dielectric_(std::move(dielectric)),
      conductor_(std::move(conductor)) {
  if (!geometry_) throw std::invalid_argument("transmission line: geometry is null");
  if (!(conductor_.conductivity_s_per_m > 0.0))
    throw std::invalid_argument("transmission line: conductivity must be > 0");
  conductor_.strip_roughness.validate();
  conductor_.plane_roughness.validate();
  c_air_ = geometry_->air_capacitance_f_per_m();
  l_ext_ = mu0 * eps0 / c_air_;
  wheeler_ = geometry_->wheeler_factors();
  if (!(wheeler_.strip_per_m > 0.0 && wheeler_.plane_per_m > 0.0))
    throw std::invalid_argument("transmission line: non-positive incremental-inductance factor "
                                "(geometry outside the closed forms' range)");
  const double sigma = conductor_.conductivity_s_per_m;
  r_dc_strip_ = geometry_->strip_dc_factor_per_m2() / sigma;
  // A plane of thickness tp whose return current occupies the equivalent width 1/g:
  // R_dc = g / (sigma tp). This places the plane's DC-to-skin-effect transition where
  // delta ~ tp; the DC value itself is negligible next to the strip's.
  r_dc_plane_ = wheeler_.plane_per_m / (sigma * geometry_->plane_thickness_m());
  k_strip_ = mu0 * wheeler_.strip_per_m * wheeler_.strip_per_m / sigma;
  k_plane_ = mu0 * wheeler_.plane_per_m * wheeler_.plane_per_m / sigma;
  s_strip_ = wheeler_.strip_per_m * std::sqrt(mu0 / (2.0 * sigma));
  s_plane_ = wheeler_.plane_per_m * std::sqrt(mu0 / (2.0 * sigma));
  if (!geometry_->homogeneous()) {
    q_table_.resize(kTablePoints);
    for (int i = 0; i < kTablePoints; ++i) {
      const double f = table_frequency(i);
      const auto er = dielectric_.permittivity(f);
      const auto ee = geometry_->effective_permittivity(f, er);
      q_table_[static_cast<std::size_t>(i)] = er.real() > 1.0 + 1e-12 ? (ee.real() - 1.0) / (er.real() - 1.0) : 1.0;
    }
  }
}

std::complex<double> TransmissionLine::eps_eff(double freq_hz, std::complex<double> eps_r) const {
  int i = 0;
  double t = 0.0;
  if (q_table_.empty() || eps_r.real() <= 1.0 + 1e-12 || !table_position(freq_hz, i, t))
    return geometry_->effective_permittivity(freq_hz, eps_r);
  return 1.0 + table_cubic(q_table_, i, t) * (eps_r - 1.0);
}

LineInputs TransmissionLine::inputs(double freq_hz) const {
  LineInputs in;
  in.eps_r = dielectric_.permittivity(freq_hz);
  if (freq_hz > 0.0) {
    const double delta = skin_depth_m(freq_hz, conductor_.conductivity_s_per_m);
    in.strip_surface = conductor_.strip_roughness.surface_factor(delta);
    in.plane_surface = conductor_.plane_roughness == conductor_.strip_roughness
                           ? in.strip_surface
                           : conductor_.plane_roughness.surface_factor(delta);
  }
  return in;
}

std::complex<double> TransmissionLine::internal(double omega, double sqrt_omega, double r_dc, double k,
                                                double s, std::complex<double> surface) const {
  // internal_impedance_per_m() (phy/conductor.hpp) with its frequency-independent factors hoisted;
  // tests/phy/transmission_line_test.cpp checks the two agree.
  return fast_sqrt({r_dc * r_dc, omega * k}) + sqrt_omega * s * (surface - std::complex<double>(1.0, 1.0));
}

LinePoint TransmissionLine::at(double freq_hz, const LineInputs& in, bool with_breakdown) const {
  LinePoint p;
  p.freq_hz = freq_hz;
  const double omega = 2.0 * pi * freq_hz;
  const double sqrt_omega = std::sqrt(omega);

  const std::complex<double> jwl(0.0, omega * l_ext_);
  const auto z_rough = jwl + internal(omega, sqrt_omega, r_dc_strip_, k_strip_, s_strip_, in.strip_surface) +
                       internal(omega, sqrt_omega, r_dc_plane_, k_plane_, s_plane_, in.plane_surface);

  const auto eps_eff = this->eps_eff(freq_hz, in.eps_r);
  // Y = j w C_air (eps' - j eps'') = w C_air eps'' + j w C_air eps'
  const std::complex<double> y(-omega * c_air_ * eps_eff.imag(), omega * c_air_ * eps_eff.real());

  p.z_per_m = z_rough;
  p.y_per_m = y;
  p.gamma = fast_sqrt(z_rough * y);
  if (freq_hz <= 0.0) {
    // DC: no propagation; the line is its series resistance and Z0 is unbounded.
    p.z0 = {INFINITY, 0.0};
    return p;
  }
  // Z and Y lie in the first quadrant, so sqrt(ZY)/Y = sqrt(Z/Y) on the principal branch.
  p.z0 = p.gamma / y;
  if (!with_breakdown) return p;

  const std::complex<double> smooth(1.0, 1.0);
  const auto z_smooth = jwl + internal(omega, sqrt_omega, r_dc_strip_, k_strip_, s_strip_, smooth) +
                        internal(omega, sqrt_omega, r_dc_plane_, k_plane_, s_plane_, smooth);
  const std::complex<double> y_lossless(0.0, y.imag());
  const double a_smooth = fast_sqrt(z_smooth * y_lossless).real();
  const double a_rough = fast_sqrt(z_rough * y_lossless).real();
  p.alpha_conductor = a_smooth;
  p.alpha_roughness = a_rough - a_smooth;
  p.alpha_dielectric = p.gamma.real() - a_rough;
  return p;
}

bool TransmissionLine::same_line(const TransmissionLine& o) const {
  if (!same_materials(o) || geometry_->mode() != o.geometry_->mode()) return false;
  if (geometry_ == o.geometry_) return true;
  // at() uses the geometry through these constants, and through eps_eff, which a homogeneous
  // cross-section makes eps_r (an inhomogeneous one's closed forms are used outside q_table_).
  return geometry_->homogeneous() && o.geometry_->homogeneous() && c_air_ == o.c_air_ && l_ext_ == o.l_ext_ &&
         r_dc_strip_ == o.r_dc_strip_ && r_dc_plane_ == o.r_dc_plane_ && k_strip_ == o.k_strip_ &&
         k_plane_ == o.k_plane_ && s_strip_ == o.s_strip_ && s_plane_ == o.s_plane_;
}

double TransmissionLine::impedance_ohm(double freq_hz) const {
  const auto eps_eff = this->eps_eff(freq_hz, dielectric_.permittivity(freq_hz));
  return geometry_->air_impedance_ohm() / std::sqrt(eps_eff.real());
}

double TransmissionLine::delay_s_per_m(double freq_hz) const {
  const auto eps_eff = this->eps_eff(freq_hz, dielectric_.permittivity(freq_hz));
  return std::sqrt(eps_eff.real()) / c0;
}

}  // namespace phylane::phy
