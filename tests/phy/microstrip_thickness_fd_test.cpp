// Thick microstrips on a dielectric: the Hammerstad-Jensen thickness correction and Jansen's
// even/odd thickness split with eps_r > 1, checked against a finite-difference (finite-volume)
// Laplace solver written here.
//
// Why a separate solver: the boundary-element solver (phy/strip_bem.hpp) handles thick strips only
// in a homogeneous medium and zero-thickness strips on a slab, so it cannot see how a strip's
// thickness interacts with the dielectric, which is what the closed forms model with eps_r in
// their width corrections (H&J's du_r, Jansen's dt = t h/(eps_r s)). The solver below discretises
// the whole cross-section (strips of any thickness, slab, air) on a graded tensor grid inside a
// grounded box and gets each capacitance from the field energy, C = 2 W / V^2.
//
// Accuracy: it is first checked against the boundary-element solver for zero-thickness strips and
// thick strips in vacuum (measured below), then compared on the thickness effect as a ratio thick/thin on the
// same grid and box, so that the grid and box errors, common to both, largely cancel.
#include <catch2/catch.hpp>

#include <Eigen/Sparse>
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "phy/constants.hpp"
#include "phy/microstrip.hpp"
#include "phy/strip_bem.hpp"

using namespace phylane::phy;

namespace {

// 1-D grid through the given key coordinates (strip edges, faces, the slab surface, the walls).
// Each interval between keys gets cosine spacing (fine at both ends, where strip edges and corners
// are, ~1.5 cells per `cell` of length); the intervals out to the box walls get cells growing
// geometrically by 8 % from `cell`.
std::vector<double> graded_axis(std::vector<double> keys, double cell) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  // Offsets 0 ... len of cells growing by 8 % from `cell`, scaled to end exactly at len.
  auto geometric = [&](double len) {
    std::vector<double> s{0.0};
    for (double d = cell; s.back() + d < len; d *= 1.08) s.push_back(s.back() + d);
    const double scale = len / s.back();
    for (double& v : s) v *= scale;
    return s;  // 0 ... len
  };
  std::vector<double> x{keys.front()};
  for (std::size_t k = 0; k + 1 < keys.size(); ++k) {
    const double a = keys[k], b = keys[k + 1];
    if (k + 2 == keys.size() && keys.size() > 2) {  // out to the far wall: fine near a
      const auto s = geometric(b - a);
      for (std::size_t i = 1; i < s.size(); ++i) x.push_back(a + s[i]);
    } else if (k == 0 && keys.size() > 2 && a < 0.0) {  // in from the far wall: fine near b
      const auto s = geometric(b - a);
      for (std::size_t i = s.size() - 1; i-- > 0;) x.push_back(b - s[i]);
    } else {  // cosine spacing: fine at both ends (strip edges, corners, interfaces)
      const int n = std::max(6, static_cast<int>(std::ceil(1.5 * (b - a) / cell)));
      for (int i = 1; i <= n; ++i) x.push_back(a + (b - a) * 0.5 * (1.0 - std::cos(pi * i / n)));
    }
    x.back() = b;
  }
  return x;
}

struct Rect {
  double x0, x1, y0, y1;  // y1 == y0 for a zero-thickness strip
  double volts;
};

// Field energy per length [J/m] of conductors at fixed potentials over a ground plane y = 0,
// slab eps_r for y < h, air above, grounded box walls at |x| = xw and y = yw. Finite-volume
// five-point scheme: node-centred control volumes, permittivity per grid cell, couplings
// eps0 (eps_a l_a/2 + eps_b l_b/2)/d between neighbours, W = 1/2 sum k (phi_i - phi_j)^2.
double field_energy(const std::vector<Rect>& strips, double h, double eps_r, double xw, double yw, double cell) {
  std::vector<double> xk{-xw, xw}, yk{0.0, h, yw};
  for (const Rect& r : strips) {
    xk.insert(xk.end(), {r.x0, r.x1});
    yk.insert(yk.end(), {r.y0, r.y1});
  }
  const std::vector<double> x = graded_axis(xk, cell), y = graded_axis(yk, cell);
  const int nx = static_cast<int>(x.size()), ny = static_cast<int>(y.size());
  const double tiny = 1e-12 * h;
  auto cell_eps = [&](int j) { return y[j + 1] <= h + tiny ? eps_r : 1.0; };  // cell between rows j, j+1
  // Node potentials: fixed (boundary, conductors) or unknown.
  std::vector<int> index(static_cast<std::size_t>(nx * ny), -1);
  std::vector<double> fixed(static_cast<std::size_t>(nx * ny), 0.0);
  int n_free = 0;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const int id = j * nx + i;
      bool is_fixed = i == 0 || i == nx - 1 || j == 0 || j == ny - 1;
      for (const Rect& r : strips)
        if (x[i] >= r.x0 - tiny && x[i] <= r.x1 + tiny && y[j] >= r.y0 - tiny && y[j] <= r.y1 + tiny) {
          is_fixed = true;
          fixed[id] = r.volts;
        }
      if (!is_fixed) index[id] = n_free++;
    }
  struct Edge {
    int a, b;
    double k;
  };
  std::vector<Edge> edges;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      if (i + 1 < nx) {  // horizontal edge: cells below (row j-1) and above (row j)
        double k = 0.0;
        if (j > 0) k += cell_eps(j - 1) * 0.5 * (y[j] - y[j - 1]);
        if (j + 1 < ny) k += cell_eps(j) * 0.5 * (y[j + 1] - y[j]);
        edges.push_back({j * nx + i, j * nx + i + 1, eps0 * k / (x[i + 1] - x[i])});
      }
      if (j + 1 < ny) {  // vertical edge: cells left and right, both in row j
        double k = 0.0;
        if (i > 0) k += cell_eps(j) * 0.5 * (x[i] - x[i - 1]);
        if (i + 1 < nx) k += cell_eps(j) * 0.5 * (x[i + 1] - x[i]);
        edges.push_back({j * nx + i, (j + 1) * nx + i, eps0 * k / (y[j + 1] - y[j])});
      }
    }
  std::vector<Eigen::Triplet<double>> trip;
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n_free);
  for (const Edge& e : edges) {
    const int ia = index[e.a], ib = index[e.b];
    if (ia >= 0) trip.emplace_back(ia, ia, e.k);
    if (ib >= 0) trip.emplace_back(ib, ib, e.k);
    if (ia >= 0 && ib >= 0) {
      trip.emplace_back(ia, ib, -e.k);
      trip.emplace_back(ib, ia, -e.k);
    }
    if (ia >= 0 && ib < 0) rhs[ia] += e.k * fixed[e.b];
    if (ib >= 0 && ia < 0) rhs[ib] += e.k * fixed[e.a];
  }
  Eigen::SparseMatrix<double> a(n_free, n_free);
  a.setFromTriplets(trip.begin(), trip.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(a);
  REQUIRE(solver.info() == Eigen::Success);
  const Eigen::VectorXd phi = solver.solve(rhs);
  auto pot = [&](int id) { return index[id] >= 0 ? phi[index[id]] : fixed[id]; };
  double w = 0.0;
  for (const Edge& e : edges) {
    const double d = pot(e.a) - pot(e.b);
    w += 0.5 * e.k * d * d;
  }
  return w;
}

struct Mode {
  double z0 = 0.0, eps_eff = 0.0;
};

// Capacitance [F/m] from the field energy at 1 V (per strip: factor 2 / number of strips),
// Richardson-extrapolated from cells h/16 and h/32: the error is first order in the cell (measured:
// -1.8 %, -0.91 %, -0.46 % in Z0 at h/16, h/32, h/64), and the extrapolation leaves < 0.2 %
// (checked against the boundary-element solver in the first test case).
double capacitance(const std::vector<Rect>& strips, double h, double eps_r, double per_strip_factor) {
  const double box = 100.0 * h;  // measured: 30 h -> 100 h changes Z0 by 0.05 %, 100 h -> 300 h by < 0.01 %
  const double c1 = field_energy(strips, h, eps_r, box, box, h / 16);
  const double c2 = field_energy(strips, h, eps_r, box, box, h / 32);
  return per_strip_factor * (2.0 * c2 - c1);
}

Mode mode_of(double c, double ca) { return {1.0 / (c0 * std::sqrt(c * ca)), c / ca}; }

// Single strip (w, t) on a slab of height h.
Mode fd_single(double w, double t, double h, double eps_r) {
  const std::vector<Rect> s{{-w / 2, w / 2, h, h + t, 1.0}};
  return mode_of(capacitance(s, h, eps_r, 2.0), capacitance(s, h, 1.0, 2.0));
}

// Symmetric pair, gap s: even (+1, +1) and odd (+1, -1); per strip C = W at 1 V.
std::pair<Mode, Mode> fd_pair(double w, double s, double t, double h, double eps_r) {
  auto mode = [&](double v2) {
    const std::vector<Rect> st{{-s / 2 - w, -s / 2, h, h + t, 1.0}, {s / 2, s / 2 + w, h, h + t, v2}};
    return mode_of(capacitance(st, h, eps_r, 1.0), capacitance(st, h, 1.0, 1.0));
  };
  return {mode(1.0), mode(-1.0)};
}

double rel(double x, double ref) { return std::abs(x / ref - 1.0); }

}  // namespace

TEST_CASE("The finite-difference solver agrees with the boundary-element solver", "[phy][microstrip][fd][reference]") {
  // Establishes the test solver's accuracy where the boundary-element solver applies: zero-thickness
  // strips on the slab, and thick strips in vacuum (a stripline with its upper plane at 200 h, as in
  // microstrip_test.cpp). Measured: single lines and zero-thickness pair modes <= 0.19 %; thick
  // vacuum pair (t/s = 0.4) Z0e 0.2 %, Z0o 0.34 %. Tolerances 0.3 % and 0.5 %.
  const double h = 1e-3;
  for (double eps_r : {4.3, 9.8}) {
    for (double u : {0.5, 2.0}) {
      const Mode fd = fd_single(u * h, 0.0, h, eps_r);
      const bem::LineResult ref = bem::microstrip_single(u * h, h, eps_r);
      INFO("eps_r " << eps_r << ", w/h " << u << ": Z0 " << fd.z0 << " vs " << ref.z0_ohm << ", eps_eff "
                    << fd.eps_eff << " vs " << ref.eps_eff);
      CHECK(rel(fd.z0, ref.z0_ohm) < 3e-3);
      CHECK(rel(fd.eps_eff, ref.eps_eff) < 3e-3);
    }
  }
  for (double u : {0.5, 2.0}) {
    const auto fd = fd_pair(u * h, 0.5 * h, 0.0, h, 4.3);
    const bem::PairResult ref = bem::microstrip_pair(u * h, 0.5 * h, h, 4.3);
    INFO("pair w/h " << u << ": Z0e " << fd.first.z0 << " vs " << ref.even.z0_ohm << ", Z0o " << fd.second.z0
                     << " vs " << ref.odd.z0_ohm);
    CHECK(rel(fd.first.z0, ref.even.z0_ohm) < 3e-3);
    CHECK(rel(fd.second.z0, ref.odd.z0_ohm) < 3e-3);
    CHECK(rel(fd.first.eps_eff, ref.even.eps_eff) < 3e-3);
    CHECK(rel(fd.second.eps_eff, ref.odd.eps_eff) < 3e-3);
    const auto fdt = fd_pair(u * h, 0.5 * h, 0.2 * h, h, 1.0);
    const bem::PairResult reft = bem::stripline_pair(u * h, 0.5 * h, 0.2 * h, h, 200.0 * h, 1.0);
    CHECK(rel(fdt.first.z0, reft.even.z0_ohm) < 5e-3);
    CHECK(rel(fdt.second.z0, reft.odd.z0_ohm) < 5e-3);
  }
}

TEST_CASE("Hammerstad-Jensen thick microstrip on a dielectric agrees with the finite-difference solver",
          "[phy][microstrip][fd][reference]") {
  // The thickness effect, Z0(t)/Z0(0) and eps_eff(t)/eps_eff(0), of H&J (du1 in vacuum, dur with
  // the dielectric, eqs. 6-7) against the solver on the same grid. Measured: largest 0.26 % (Z0)
  // and 0.38 % (eps_eff) for t/h <= 0.2, w/h 0.5 ... 2, eps_r 4.3 and 9.8 (the solver's own error in
  // these ratios is ~0.1 %: finer cells h/24, h/48 move them by that much). Tolerance 0.5 %.
  const double h = 1e-3;
  for (double eps_r : {4.3, 9.8}) {
    for (double u : {0.5, 2.0}) {
      const Mode f0 = fd_single(u * h, 0.0, h, eps_r);
      for (double tn : {0.05, 0.2}) {
        const Mode ft = fd_single(u * h, tn * h, h, eps_r);
        const double rz_fd = ft.z0 / f0.z0, re_fd = ft.eps_eff / f0.eps_eff;
        const double rz = microstrip_z0(u * h, h, tn * h, eps_r) / microstrip_z0(u * h, h, 0.0, eps_r);
        const double re = microstrip_eps_eff_static(u * h, h, tn * h, eps_r) /
                          microstrip_eps_eff_static(u * h, h, 0.0, eps_r);
        INFO("eps_r " << eps_r << ", w/h " << u << ", t/h " << tn << ": Z0 ratio " << rz << " vs FD " << rz_fd
                      << ", eps_eff ratio " << re << " vs FD " << re_fd);
        CHECK(rel(rz, rz_fd) < 5e-3);
        CHECK(rel(re, re_fd) < 5e-3);
      }
    }
  }
}

TEST_CASE("Jansen's thick coupled microstrip on a dielectric stays within its measured error against the "
          "finite-difference solver",
          "[phy][microstrip][coupled_microstrip][fd][reference]") {
  // Jansen's even/odd width split (ue, uo = ue + dt, dt = t h/(eps_r s)) with K&J, thickness effect
  // as a ratio to t = 0 on the same grid, eps_r = 4.3. Measured model error (K&J ratio / FD ratio - 1):
  //   w/h s/h t/h   Z0e    Z0o    eps_e  eps_o   (magnitudes; K&J's Z0e and eps_o are low, Z0o and
  //   0.5 0.5 0.05  1.3 %  2.0 %  1.0 %  3.9 %    eps_e high)
  //   0.5 0.5 0.2   3.1 %  7.5 %  3.2 %  10.3 %
  //   0.5 1   0.2   3.0 %  3.1 %  2.5 %  5.3 %
  //   2   0.5 0.2   1.8 %  6.0 %  1.1 %  2.7 %
  //   2   1   0.2   1.9 %  2.7 %  0.7 %  1.0 %
  // This is far outside K&J's 0.6 % for t = 0 and grows with t/s (reported in issue 14; Qucs's
  // dt = 2 t h/(eps_r s) improves Z0o but doubles the eps_o error). The bounds below are the
  // measured worst values plus 0.5 %, recorded so that a change that worsens them is caught; they
  // are not an accuracy claim.
  const double h = 1e-3;
  for (double u : {0.5, 2.0}) {
    for (double g : {0.5, 1.0}) {
      const auto f0 = fd_pair(u * h, g * h, 0.0, h, 4.3);
      const auto k0 = coupled_microstrip_even_odd(u * h, g * h, h, 0.0, 4.3);
      for (double tn : {0.05, 0.2}) {
        const auto ft = fd_pair(u * h, g * h, tn * h, h, 4.3);
        const auto kt = coupled_microstrip_even_odd(u * h, g * h, h, tn * h, 4.3);
        const double e = rel(kt.z0_ohm.even / k0.z0_ohm.even, ft.first.z0 / f0.first.z0);
        const double o = rel(kt.z0_ohm.odd / k0.z0_ohm.odd, ft.second.z0 / f0.second.z0);
        const double ee = rel(kt.eps_eff_even / k0.eps_eff_even, ft.first.eps_eff / f0.first.eps_eff);
        const double eo = rel(kt.eps_eff_odd / k0.eps_eff_odd, ft.second.eps_eff / f0.second.eps_eff);
        INFO("w/h " << u << ", s/h " << g << ", t/h " << tn << ": errors Z0e " << e << ", Z0o " << o << ", eps_e " << ee
                    << ", eps_o " << eo);
        CHECK(e < 0.036);
        CHECK(o < 0.080);
        CHECK(ee < 0.037);
        CHECK(eo < 0.108);
      }
    }
  }
}
