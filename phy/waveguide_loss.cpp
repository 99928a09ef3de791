#include "phy/waveguide_loss.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::phy {

namespace {

void check_roughness(const InterfaceRoughness& r, const char* what) {
  if (!(r.sigma_m >= 0) || (r.sigma_m > 0 && !(r.correlation_length_m > 0))) {
    std::ostringstream os;
    os << what << " roughness: sigma = " << r.sigma_m << " m must be >= 0 and the correlation length ("
       << r.correlation_length_m << " m) > 0";
    throw std::invalid_argument(os.str());
  }
}

// Index of the node at position t (within a thousandth of the neighbouring cell), or -1.
int node_at(const std::vector<double>& nodes, double t) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const double h = i + 1 < nodes.size() ? nodes[i + 1] - nodes[i] : nodes[i] - nodes[i - 1];
    if (std::abs(nodes[i] - t) < 1e-3 * h) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

double payne_lacey_slab_loss_per_m(double n1, double n2, double d, double wavelength_m, const InterfaceRoughness& r) {
  check_roughness(r, "Payne-Lacey");
  if (!(n1 > n2 && n2 >= 1.0) || !(d > 0) || !(wavelength_m > 0))
    throw std::invalid_argument("Payne-Lacey: needs n_core > n_clad >= 1, half thickness > 0 and wavelength > 0");
  const double k0 = 2.0 * pi / wavelength_m;
  const double v = k0 * d * std::sqrt(n1 * n1 - n2 * n2);
  // TE0: U tan U = W, U in (0, min(V, pi/2)), by bisection (the left side rises through zero).
  double lo = 0.0, hi = std::min(v, pi / 2) * (1 - 1e-15);
  for (int i = 0; i < 200; ++i) {
    const double u = 0.5 * (lo + hi);
    if (u * std::tan(u) < std::sqrt(v * v - u * u)) lo = u;
    else hi = u;
  }
  const double u = 0.5 * (lo + hi), w = std::sqrt(v * v - u * u);
  const double delta = (n1 * n1 - n2 * n2) / (2 * n1 * n1);
  const double x = w * r.correlation_length_m / d;
  const double gamma = n2 * v / (n1 * w * std::sqrt(delta));
  const double root = std::sqrt(std::pow(1 + x * x, 2) + 2 * x * x * gamma * gamma);
  const double fe = x * std::sqrt(root + 1 - x * x) / root;
  const double g = u * u * v * v / (1 + w);
  return r.sigma_m * r.sigma_m / (k0 * std::sqrt(2.0) * std::pow(d, 4) * n1) * g * fe;
}

double interface_scattering_per_m(double phi2, double n1, double n2, double beta, double wavelength_m,
                                  const InterfaceRoughness& r) {
  check_roughness(r, "interface");
  if (r.sigma_m == 0.0) return 0.0;
  const double k0 = 2.0 * pi / wavelength_m;
  // The integrand is smooth in theta; 2000 midpoints resolve its peak (width ~ 1/(L_c n2 k0)) for
  // any L_c below a few micrometres.
  const int n = 2000;
  double integral = 0.0;
  const double lc = r.correlation_length_m;
  for (int i = 0; i < n; ++i) {
    const double omega = beta - n2 * k0 * std::cos((i + 0.5) * pi / n);
    integral += 2 * r.sigma_m * r.sigma_m * lc / (1 + lc * lc * omega * omega);
  }
  integral *= pi / n;
  return phi2 * std::pow(n1 * n1 - n2 * n2, 2) * std::pow(k0, 3) / (4 * pi * n1) * integral;
}

SurfaceScattering surface_scattering(const Mode& m, const Shape& core, double n1, double n2, const InterfaceRoughness& side,
                                     const InterfaceRoughness& top) {
  check_roughness(side, "sidewall");
  check_roughness(top, "top-surface");
  if (core.kind != Shape::Kind::rectangle) throw std::invalid_argument("surface scattering: the core must be a rectangle");
  double total = 0.0;
  for (std::size_t p = 0; p < m.field.size(); ++p)
    total += (std::norm(m.field[p]) + std::norm(m.minor[p])) * m.cell_area(static_cast<int>(p) % m.nx, static_cast<int>(p) / m.nx);
  total *= std::pow(2.0, m.mirrors_x + m.mirrors_y);
  const bool te_like = [&] {  // which stored component is E_x
    double sx = 0, sy = 0;
    for (std::size_t p = 0; p < m.ex.size(); ++p) {
      sx += std::norm(m.ex[p]);
      sy += std::norm(m.ey[p]);
    }
    return sx >= sy;
  }();
  auto ex_c = [&](int i, int j) { return (te_like ? m.field : m.minor)[static_cast<std::size_t>(j * m.nx + i)]; };
  auto ey_c = [&](int i, int j) { return (te_like ? m.minor : m.field)[static_cast<std::size_t>(j * m.nx + i)]; };
  const double beta = 2 * pi / m.wavelength_m * m.n_eff.real();

  // A vertical face at node i_f with the core on side `core_left` (core at smaller x).
  auto vertical = [&](int i_f, bool core_left) {
    double s = 0.0;
    for (int j = 0; j < m.ny; ++j) {
      const double y = m.y(j);
      if (y <= core.y_min_m || y >= core.y_max_m) continue;
      const int in = core_left ? i_f - 1 : i_f, out = core_left ? i_f : i_f - 1;
      const double normal = (in >= 0 && out >= 0 && out < m.nx && in < m.nx) ? std::abs(ex_c(in, j) * ex_c(out, j)) : 0.0;
      const double tangential = std::norm(m.ey[static_cast<std::size_t>(j * m.nx + std::min(i_f, m.nx - 1))]);
      s += (normal + tangential) * (m.y_nodes[static_cast<std::size_t>(j) + 1] - m.y_nodes[static_cast<std::size_t>(j)]);
    }
    return s * std::pow(2.0, m.mirrors_y);
  };
  auto horizontal = [&](int j_f, bool core_below) {
    double s = 0.0;
    for (int i = 0; i < m.nx; ++i) {
      const double x = m.x(i);
      if (x <= core.x_min_m || x >= core.x_max_m) continue;
      const int in = core_below ? j_f - 1 : j_f, out = core_below ? j_f : j_f - 1;
      const double normal = (in >= 0 && out >= 0 && out < m.ny && in < m.ny) ? std::abs(ey_c(i, in) * ey_c(i, out)) : 0.0;
      const double tangential = std::norm(m.ex[static_cast<std::size_t>(std::min(j_f, m.ny - 1) * m.nx + i)]);
      s += (normal + tangential) * (m.x_nodes[static_cast<std::size_t>(i) + 1] - m.x_nodes[static_cast<std::size_t>(i)]);
    }
    return s * std::pow(2.0, m.mirrors_x);
  };
  auto face_integral = [&](const std::vector<double>& nodes, double at, bool mirrored_away, auto&& f, bool core_before) {
    if (mirrored_away) return -1.0;  // the mirror image of the opposite face
    if (at < nodes.front() || at > nodes.back()) return 0.0;  // beyond the window: a guide uniform there
    const int k = node_at(nodes, at);
    if (k < 0) {
      std::ostringstream os;
      os << "surface scattering: the core face at " << at * 1e9 << " nm is not on a mesh line; align the mesh (fine region) with the core";
      throw std::invalid_argument(os.str());
    }
    return f(k, core_before);
  };
  // Faces whose roughness is zero are not needed (nor required on the mesh).
  const bool need_x = side.sigma_m > 0, need_y = top.sigma_m > 0;
  const double x_lo = need_x ? face_integral(m.x_nodes, core.x_min_m, m.mirrors_x && core.x_min_m < m.x_nodes.front(), vertical, false) : 0.0;
  const double x_hi = need_x ? face_integral(m.x_nodes, core.x_max_m, false, vertical, true) : 0.0;
  const double y_lo = need_y ? face_integral(m.y_nodes, core.y_min_m, m.mirrors_y && core.y_min_m < m.y_nodes.front(), horizontal, false) : 0.0;
  const double y_hi = need_y ? face_integral(m.y_nodes, core.y_max_m, false, horizontal, true) : 0.0;
  SurfaceScattering out;
  const double sides = (x_lo < 0 ? x_hi : x_lo) + x_hi;
  const double tops = (y_lo < 0 ? y_hi : y_lo) + y_hi;
  // Both faces of a pair share the roughness; the loss is linear in phi^2, so sum the phi^2.
  out.sidewalls_per_m = interface_scattering_per_m(sides / total, n1, n2, beta, m.wavelength_m, side);
  out.top_bottom_per_m = interface_scattering_per_m(tops / total, n1, n2, beta, m.wavelength_m, top);
  return out;
}

BendLoss bend_loss(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& window, double radius_m) {
  // The straight mode on the same mesh, without the PML (real arithmetic; the guided mode does not
  // reach the window's edge).
  ModeSolverOptions straight_opt = window;
  straight_opt.bend_radius_m = 0.0;
  straight_opt.pml_thickness_m = 0.0;
  const Mode straight = solve_mode(cs, wavelength_m, straight_opt);
  // Half the mode-field width along x: the second moment of |E_t|^2 (D. Marcuse, "Loss analysis
  // of single-mode fiber splices", Bell Syst. Tech. J. 56, 703 (1977): w^2 = 4 <x^2> for a
  // Gaussian of 1/e^2 radius w, counted in one transverse direction).
  double s0 = 0, sx = 0, sxx = 0;
  for (int j = 0; j < straight.ny; ++j)
    for (int i = 0; i < straight.nx; ++i) {
      const auto p = static_cast<std::size_t>(j * straight.nx + i);
      const double w = (std::norm(straight.field[p]) + std::norm(straight.minor[p])) * straight.cell_area(i, j);
      s0 += w;
      sx += w * straight.x(i);
      sxx += w * straight.x(i) * straight.x(i);
    }
  const double half_width = 2.0 * std::sqrt(sxx / s0 - std::pow(sx / s0, 2));
  if (!(radius_m > half_width)) {
    std::ostringstream os;
    os << "bend loss: radius " << radius_m * 1e6 << " um is below the mode's half width " << half_width * 1e6
       << " um; a bend must be larger than its mode";
    throw std::invalid_argument(os.str());
  }
  ModeSolverOptions bend_opt = window;
  bend_opt.bend_radius_m = radius_m;
  const Mode bend = solve_mode_like(cs, wavelength_m, bend_opt, straight);

  std::complex<double> overlap = 0.0;
  double n_s = 0.0, n_b = 0.0;
  for (int j = 0; j < bend.ny; ++j)
    for (int i = 0; i < bend.nx; ++i) {
      const auto p = static_cast<std::size_t>(j * bend.nx + i);
      const double da = bend.cell_area(i, j);
      overlap += (straight.field[p] * std::conj(bend.field[p]) + straight.minor[p] * std::conj(bend.minor[p])) * da;
      n_s += (std::norm(straight.field[p]) + std::norm(straight.minor[p])) * da;
      n_b += (std::norm(bend.field[p]) + std::norm(bend.minor[p])) * da;
    }
  BendLoss out;
  out.radius_m = radius_m;
  out.n_eff = bend.n_eff;
  out.radiation_db_per_90deg = units::nepers_to_db(0.5 * bend.leakage_per_m() * pi * radius_m / 2);
  out.transition_db = -units::power_ratio_to_db(std::norm(overlap) / (n_s * n_b));
  out.total_db_per_90deg = out.radiation_db_per_90deg + 2 * out.transition_db;
  return out;
}

double absorption_per_m(const Mode& mode, const std::vector<Shape>& regions, const std::vector<double>& alpha_per_m) {
  if (regions.size() != alpha_per_m.size())
    throw std::invalid_argument("absorption: one loss per region needed (" + std::to_string(regions.size()) + " regions, " +
                                std::to_string(alpha_per_m.size()) + " losses)");
  double a = 0.0;
  for (std::size_t k = 0; k < regions.size(); ++k) a += confinement_factor(mode, regions[k]) * alpha_per_m[k];
  return a;
}

}  // namespace phylane::phy
