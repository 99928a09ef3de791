#include "phy/waveguide_loss.hpp"

#include <algorithm>
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

namespace {

// One face of the core sampled across its extent (mirror images unfolded): position t along the
// face, width dt, the normal field as sqrt|E_in E_out| with E_in's sign, the tangential field.
struct FaceSamples {
  std::vector<double> t, dt;
  std::vector<std::complex<double>> normal, tangential;
  bool spans_window = false;  // the face runs across the whole window: a slab's interface
};

// Power radiated by one rough face into the cladding, in units of the mode's integral of |E_t|^2,
// from the far field of its polarisation sheet (the volume-current method: T. Barwicz, H. A.
// Haus, "Three-dimensional analysis of scattering losses due to sidewall roughness in
// microphotonic waveguides", J. Lightwave Technol. 23, 2719 (2005), with the sheet radiating into
// the homogeneous cladding). A dipole density p = eps0 (n1^2 - n2^2) E delta(z) per unit face area
// radiates dP/dOmega = omega^4 n2 / (32 pi^2 eps0 c^3) |k x p~|^2 (J. D. Jackson, Classical
// Electrodynamics, 3rd ed., eq. 9.23 in a medium of index n2); averaged over the roughness,
// |integral delta(z) exp(j Omega z) dz|^2 = L R~(Omega). With the mode power (n_eff / 2 eta0)
// integral |E_t|^2:
//   alpha = k0^4 n2 (n1^2 - n2^2)^2 / (16 pi^2 n_eff) integral dOmega |k x a(k)|^2 R~(beta - k2 k_z)
//           / integral |E_t|^2,   a(k) = sum over the face of E exp(j k2 k_t t) dt,
// k2 = n2 k0, k_t the direction's component along the face. For a face infinitely long in t this
// is Payne and Lacey's 2D radiation integral with n1 replaced by n_eff (exact power normalisation).
double face_radiation_3d(const FaceSamples& f, double n1, double n2, double n_eff, double beta,
                         double wavelength_m, const InterfaceRoughness& r) {
  using cplx = std::complex<double>;
  const double k0 = 2 * pi / wavelength_m, k2 = n2 * k0, lc = r.correlation_length_m;
  // Directions by u = k_t (the cosine to the face's long axis t) and the azimuth psi about t:
  // dOmega = du dpsi, and the array factor depends on u alone. Midpoint rule; u resolves the
  // array factor (phase k2 u t changes by < 0.25 rad per step over the face), psi the roughness
  // spectrum (width ~ 1/(k2 Lc) in k_z).
  double extent = 0.0;
  for (std::size_t q = 0; q < f.t.size(); ++q) extent = std::max(extent, 2 * std::abs(f.t[q]) + f.dt[q]);
  const int n_u = std::max(200, static_cast<int>(std::ceil(8 * k2 * extent))), n_psi = 240;
  double integral = 0.0;
  for (int a = 0; a < n_u; ++a) {
    const double u = -1 + (a + 0.5) * 2.0 / n_u, s_u = std::sqrt(1 - u * u);
    cplx pn = 0.0, pt = 0.0;
    for (std::size_t q = 0; q < f.t.size(); ++q) {
      const cplx phase = std::polar(f.dt[q], k2 * u * f.t[q]);
      pn += f.normal[q] * phase;
      pt += f.tangential[q] * phase;
    }
    for (int b = 0; b < n_psi; ++b) {
      const double psi = (b + 0.5) * 2 * pi / n_psi;
      const double k_normal = s_u * std::sin(psi), k_z = s_u * std::cos(psi);
      const double omega = beta - k2 * k_z;
      const double spectrum = 2 * r.sigma_m * r.sigma_m * lc / (1 + lc * lc * omega * omega);
      // |k x p|^2 = |p|^2 - |k . p|^2 with p = (normal, tangential) in the face's frame
      const double cross = std::norm(pn) + std::norm(pt) - std::norm(k_normal * pn + u * pt);
      integral += cross * spectrum;
    }
  }
  integral *= (2.0 / n_u) * (2 * pi / n_psi);
  return std::pow(k0, 4) * n2 * std::pow(n1 * n1 - n2 * n2, 2) / (16 * pi * pi * n_eff) * integral;
}

}  // namespace

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
  using cplx = std::complex<double>;
  auto ex_c = [&](int i, int j) { return (te_like ? m.field : m.minor)[static_cast<std::size_t>(j * m.nx + i)]; };
  auto ey_c = [&](int i, int j) { return (te_like ? m.minor : m.field)[static_cast<std::size_t>(j * m.nx + i)]; };
  const double beta = 2 * pi / m.wavelength_m * m.n_eff.real();
  // The normal field is discontinuous at a face; it enters as sqrt|E_in E_out| (the boundary
  // weight of Johnson et al.), with the sign of the field inside.
  auto normal_weight = [](cplx in, cplx out) {
    const double mag = std::sqrt(std::abs(in * out));
    return std::abs(in) > 0 ? in / std::abs(in) * mag : cplx(0.0);
  };
  // A mirror plane at the window's low edge makes the dominant component even and the other odd.
  const double even_x_normal = te_like ? 1.0 : -1.0;  // E_x about a y mirror / E_y about an x mirror
  auto sample = [&](bool vertical, int k, bool core_before) {
    FaceSamples f;
    const auto& along = vertical ? m.y_nodes : m.x_nodes;
    const double lo = vertical ? core.y_min_m : core.x_min_m, hi = vertical ? core.y_max_m : core.x_max_m;
    const bool mirrored = vertical ? m.mirrors_y : m.mirrors_x;
    f.spans_window = lo <= along.front() + 1e-15 && hi >= along.back() - 1e-15;
    const int count = vertical ? m.ny : m.nx;
    const int across = vertical ? m.nx : m.ny;
    // Cells on either side of the face (nearest first); the normal field at the face on each side
    // is extrapolated linearly from the two nearest cell centres (second order in the cell size).
    const int step = core_before ? -1 : 1;
    const int in = core_before ? k - 1 : k, out = core_before ? k : k - 1;
    auto inside = [&](int c) { return c >= 0 && c < across; };
    auto normal_at = [&](int c, int i) { return vertical ? ex_c(i, c) : ey_c(c, i); };
    auto at_face = [&](int c, int near, int far, double h_near, double h_far) {
      if (!inside(far)) return normal_at(c, near);
      // centres at h_near/2 and h_near + h_far/2 from the face
      const double a = h_near / 2, b = h_near + h_far / 2;
      return (b * normal_at(c, near) - a * normal_at(c, far)) / (b - a);
    };
    const auto& across_nodes = vertical ? m.x_nodes : m.y_nodes;
    auto width_of = [&](int i) { return across_nodes[static_cast<std::size_t>(i) + 1] - across_nodes[static_cast<std::size_t>(i)]; };
    for (int c = 0; c < count; ++c) {
      const double t = vertical ? m.y(c) : m.x(c);
      if (t <= lo || t >= hi) continue;
      cplx nrm = 0.0;
      if (inside(in) && inside(out)) {
        const int in2 = in + step, out2 = out - step;
        const cplx e_in = at_face(c, in, in2, width_of(in), inside(in2) ? width_of(in2) : 0.0);
        const cplx e_out = at_face(c, out, out2, width_of(out), inside(out2) ? width_of(out2) : 0.0);
        nrm = normal_weight(e_in, e_out);
      }
      const int kk = std::min(k, across - 1);
      const cplx tan = vertical ? m.ey[static_cast<std::size_t>(c * m.nx + kk)] : m.ex[static_cast<std::size_t>(kk * m.nx + c)];
      const double dt = along[static_cast<std::size_t>(c) + 1] - along[static_cast<std::size_t>(c)];
      f.t.push_back(t);
      f.dt.push_back(dt);
      f.normal.push_back(nrm);
      f.tangential.push_back(tan);
      if (mirrored) {  // the image across the low edge of the window
        const double normal_parity = vertical ? even_x_normal : -even_x_normal;
        f.t.push_back(2 * along.front() - t);
        f.dt.push_back(dt);
        f.normal.push_back(normal_parity * nrm);
        f.tangential.push_back(-normal_parity * tan);
      }
    }
    return f;
  };
  auto face_loss = [&](bool vertical, double at, bool mirrored_away, bool core_before, const InterfaceRoughness& r) {
    if (mirrored_away) return -1.0;  // the mirror image of the opposite face
    const auto& nodes = vertical ? m.x_nodes : m.y_nodes;
    if (at < nodes.front() || at > nodes.back()) return 0.0;  // beyond the window: a guide uniform there
    const int k = node_at(nodes, at);
    if (k < 0) {
      std::ostringstream os;
      os << "surface scattering: the core face at " << at * 1e9 << " nm is not on a mesh line; align the mesh (fine region) with the core";
      throw std::invalid_argument(os.str());
    }
    const FaceSamples f = sample(vertical, k, core_before);
    if (f.spans_window) {
      // A slab's interface (the window covers one period of a uniform guide): Payne and Lacey's
      // 2D radiation integral, with the exact power normalisation (1/n_eff where they set
      // beta = n1 k0).
      double phi2 = 0.0;
      for (std::size_t q = 0; q < f.t.size(); ++q) phi2 += (std::norm(f.normal[q]) + std::norm(f.tangential[q])) * f.dt[q];
      return interface_scattering_per_m(phi2 / total, n1, n2, beta, m.wavelength_m, r) * n1 / m.n_eff.real();
    }
    return face_radiation_3d(f, n1, n2, m.n_eff.real(), beta, m.wavelength_m, r) / total;
  };
  SurfaceScattering out;
  if (side.sigma_m > 0) {  // faces whose roughness is zero are not needed (nor required on the mesh)
    const double lo = face_loss(true, core.x_min_m, m.mirrors_x && core.x_min_m < m.x_nodes.front(), false, side);
    const double hi = face_loss(true, core.x_max_m, false, true, side);
    out.sidewalls_per_m = (lo < 0 ? hi : lo) + hi;
  }
  if (top.sigma_m > 0) {
    const double lo = face_loss(false, core.y_min_m, m.mirrors_y && core.y_min_m < m.y_nodes.front(), false, top);
    const double hi = face_loss(false, core.y_max_m, false, true, top);
    out.top_bottom_per_m = (lo < 0 ? hi : lo) + hi;
  }
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
