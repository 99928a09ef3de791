#include "phy/mode_solver.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "phy/constants.hpp"

namespace phylane::phy {

bool Shape::contains(double x, double y) const {
  if (kind == Kind::rectangle) return x >= x_min_m && x < x_max_m && y >= y_min_m && y < y_max_m;
  const double ddx = x - centre_x_m, ddy = y - centre_y_m;
  return ddx * ddx + ddy * ddy < radius_m * radius_m;
}

std::string_view to_string(Polarization p) { return p == Polarization::quasi_te ? "quasi-TE" : "quasi-TM"; }

double Mode::leakage_per_m() const { return 2.0 * (2.0 * pi / wavelength_m) * std::abs(n_eff.imag()); }

namespace {

using cplx = std::complex<double>;

void check_options(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& o) {
  std::ostringstream err;
  if (!(wavelength_m > 0)) err << "wavelength " << wavelength_m << " m must be > 0; ";
  if (!(o.dx_m > 0) || !(o.dy_m > 0)) err << "cell size (" << o.dx_m << ", " << o.dy_m << ") m must be > 0; ";
  if (!(o.x_max_m > o.x_min_m) || !(o.y_max_m > o.y_min_m)) err << "the window must have x_max > x_min and y_max > y_min; ";
  if (o.subpixel < 1) err << "subpixel = " << o.subpixel << " must be >= 1; ";
  if (o.bend_radius_m != 0.0) {
    if (!(o.bend_radius_m > 0)) err << "bend radius " << o.bend_radius_m << " m must be > 0 (or 0 for straight); ";
    if (!(o.pml_thickness_m > 0)) err << "a bend needs a PML on the x edges (pml_thickness_m > 0); ";
    if (o.x_min == Boundary::mirror || o.x_min == Boundary::antimirror) err << "a bend has no mirror plane in x; ";
    if (o.bend_radius_m <= -o.x_min_m) err << "bend radius " << o.bend_radius_m * 1e6 << " um must exceed the window's inner extent " << -o.x_min_m * 1e6 << " um; ";
  }
  if (o.x_max == Boundary::mirror || o.y_max == Boundary::mirror || o.x_max == Boundary::antimirror ||
      o.y_max == Boundary::antimirror)
    err << "a mirror edge must be x_min or y_min; ";
  if ((o.x_min == Boundary::periodic) != (o.x_max == Boundary::periodic) ||
      (o.y_min == Boundary::periodic) != (o.y_max == Boundary::periodic))
    err << "a periodic axis needs both its edges periodic; ";
  if (o.pml_thickness_m > 0 && (o.x_min != Boundary::zero_field || o.x_max != Boundary::zero_field))
    err << "a PML needs zero_field x edges; ";
  if (o.pml_thickness_m < 0 || 2 * o.pml_thickness_m >= o.x_max_m - o.x_min_m) err << "PML thickness " << o.pml_thickness_m << " m must be >= 0 and leave room inside the window; ";
  if (o.dx_m > 0 && o.dy_m > 0) {
    for (const auto& s : cs.shapes) {
      if (s.kind == Shape::Kind::rectangle) {
        if (s.x_max_m - s.x_min_m < 2 * o.dx_m || s.y_max_m - s.y_min_m < 2 * o.dy_m)
          err << "a " << (s.x_max_m - s.x_min_m) * 1e9 << " x " << (s.y_max_m - s.y_min_m) * 1e9
              << " nm rectangle is narrower than two mesh cells (" << o.dx_m * 1e9 << " x " << o.dy_m * 1e9 << " nm); ";
      } else if (2 * s.radius_m < 2 * std::max(o.dx_m, o.dy_m)) {
        err << "a disk of radius " << s.radius_m * 1e9 << " nm is smaller than two mesh cells; ";
      }
    }
  }
  // A guide needs a region of higher index than the cladding (inverted contrast guides nothing).
  if (wavelength_m > 0 && !cs.shapes.empty()) {
    const double clad = cs.background.index_at(wavelength_m);
    double core = 0.0;
    for (const auto& s : cs.shapes) core = std::max(core, s.medium.index_at(wavelength_m));
    if (!(core > clad))
      err << "no region has a higher index than the cladding (highest " << core << ", cladding " << clad
          << "): the index contrast is inverted and nothing is guided; ";
  }
  const std::string msg = err.str();
  if (!msg.empty()) throw std::invalid_argument("mode solver: " + msg.substr(0, msg.size() - 2));
}

// Complex coordinate stretch s = 1 - j 5 (d/L)^2 at x inside a PML of thickness L at either x edge.
cplx stretch(const ModeSolverOptions& o, double x) {
  const double l = o.pml_thickness_m;
  if (l <= 0) return 1.0;
  double d = 0.0;
  if (x < o.x_min_m + l) d = (o.x_min_m + l - x) / l;
  if (x > o.x_max_m - l) d = (x - (o.x_max_m - l)) / l;
  return {1.0, -5.0 * d * d};
}

template <class T>
T as(cplx z) {
  if constexpr (std::is_same_v<T, double>) return z.real();
  else return z;
}

// How the backward difference V treats the H value before the first cell (and the forward
// difference U the E value after the last): zero, equal (even), opposite (odd) or wrapped.
enum class Ghost { zero, even, odd, wrap };

// First-difference operator on an nx x ny grid along one axis, forward (U: E -> H points) or
// backward (V: H -> E points), divided by the stretched step s(t) h at the output point.
template <class T>
Eigen::SparseMatrix<T> difference(int nx, int ny, bool along_x, bool forward, Ghost ghost,
                                  const std::vector<cplx>& inv_s_h) {
  const int n = nx * ny;
  const int len = along_x ? nx : ny;
  std::vector<Eigen::Triplet<T>> t;
  t.reserve(2 * static_cast<std::size_t>(n));
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const int p = j * nx + i;
      const int k = along_x ? i : j;
      const cplx w = inv_s_h[static_cast<std::size_t>(k)];
      auto at = [&](int kk) { return along_x ? j * nx + kk : kk * nx + i; };
      if (forward) {  // (E[k+1] - E[k]) / h
        double self = -1.0;
        if (k + 1 < len) t.emplace_back(p, at(k + 1), as<T>(w));
        else if (ghost == Ghost::wrap) t.emplace_back(p, at(0), as<T>(w));
        else if (ghost == Ghost::even) self = 0.0;
        if (self != 0.0) t.emplace_back(p, p, as<T>(self * w));
      } else {  // (H[k] - H[k-1]) / h
        double self = 1.0;
        if (k > 0) t.emplace_back(p, at(k - 1), as<T>(-w));
        else if (ghost == Ghost::wrap) t.emplace_back(p, at(len - 1), as<T>(-w));
        else if (ghost == Ghost::even) self = 0.0;
        else if (ghost == Ghost::odd) self = 2.0;
        if (self != 0.0) t.emplace_back(p, p, as<T>(self * w));
      }
    }
  Eigen::SparseMatrix<T> d(n, n);
  d.setFromTriplets(t.begin(), t.end());
  return d;
}

// Nodes of one axis: uniform step h over [fine_lo, fine_hi] (clipped to the window), cells growing
// by `growth` per cell outside it up to h * max_factor, ending exactly on the window's edges.
std::vector<double> axis_nodes(double lo, double hi, double h, double fine_lo, double fine_hi, double growth,
                               double max_factor) {
  if (!(fine_hi > fine_lo) || growth <= 1.0) {
    fine_lo = lo;
    fine_hi = hi;
  }
  fine_lo = std::max(lo, fine_lo);
  fine_hi = std::min(hi, fine_hi);
  const int nf = std::max(1, static_cast<int>(std::lround((fine_hi - fine_lo) / h)));
  const double hf = (fine_hi - fine_lo) / nf;
  std::vector<double> up, down;
  for (int i = 0; i <= nf; ++i) up.push_back(fine_lo + i * hf);
  // Outward steps; a last step shorter than half the previous one is merged into it.
  auto grow = [&](double from, double to, double dir, std::vector<double>& out) {
    double step = hf, x = from;
    while (dir * (to - x) > 1e-12 * (hi - lo)) {
      step = std::min(step * growth, hf * max_factor);
      double next = x + dir * step;
      if (dir * (to - next) < 0.5 * step) next = to;
      out.push_back(next);
      x = next;
    }
  };
  grow(fine_hi, hi, 1.0, up);
  grow(fine_lo, lo, -1.0, down);
  std::vector<double> nodes(down.rbegin(), down.rend());
  nodes.insert(nodes.end(), up.begin(), up.end());
  return nodes;
}

// Medium index (into the shape list; -1 = background) at a point: the last shape containing it.
int medium_at(const CrossSection& cs, double x, double y) {
  for (std::size_t k = cs.shapes.size(); k-- > 0;)
    if (cs.shapes[k].contains(x, y)) return static_cast<int>(k);
  return -1;
}

template <class T>
Mode solve_impl(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& o,
                const std::vector<cplx>* start) {
  // With a start vector (a known mode on the same mesh) the Ritz pair kept is the one most like
  // the start, not the one nearest the shift: radiation and PML modes of a bend crowd the shift.
  const bool track = start != nullptr;
  Mode m;
  m.wavelength_m = wavelength_m;
  m.x_nodes = axis_nodes(o.x_min_m, o.x_max_m, o.dx_m, o.fine_x_min_m, o.fine_x_max_m, o.growth, o.max_cell_factor);
  m.y_nodes = axis_nodes(o.y_min_m, o.y_max_m, o.dy_m, o.fine_y_min_m, o.fine_y_max_m, o.growth, o.max_cell_factor);
  const int nx = static_cast<int>(m.x_nodes.size()) - 1, ny = static_cast<int>(m.y_nodes.size()) - 1;
  m.nx = nx;
  m.ny = ny;
  const auto& xn = m.x_nodes;
  const auto& yn = m.y_nodes;
  auto width = [](const std::vector<double>& nd, int i) { return nd[static_cast<std::size_t>(i) + 1] - nd[static_cast<std::size_t>(i)]; };
  auto centre = [](const std::vector<double>& nd, int i) { return 0.5 * (nd[static_cast<std::size_t>(i)] + nd[static_cast<std::size_t>(i) + 1]); };
  // Dual cell around node i: between the neighbouring centres (the first one mirrored).
  auto dual_lo = [&](const std::vector<double>& nd, int i) { return i > 0 ? centre(nd, i - 1) : nd[0] - 0.5 * width(nd, 0); };
  m.mirrors_x = o.x_min == Boundary::mirror || o.x_min == Boundary::antimirror;
  m.mirrors_y = o.y_min == Boundary::mirror || o.y_min == Boundary::antimirror;
  m.antisymmetric = o.x_min == Boundary::antimirror || o.y_min == Boundary::antimirror;
  const int n = nx * ny;
  const auto un = static_cast<std::size_t>(n);

  // n^2 of each medium once (the dispersion formulas are not free).
  const double bg = std::pow(cs.background.index_at(wavelength_m), 2);
  std::vector<double> shape_eps;
  for (const auto& s : cs.shapes) shape_eps.push_back(std::pow(s.medium.index_at(wavelength_m), 2));
  auto eps_at = [&](double x, double y) {
    const int k = medium_at(cs, x, y);
    return k < 0 ? bg : shape_eps[static_cast<std::size_t>(k)];
  };
  // Average over the cell-sized box around (xc, yc): harmonic along `across` (x: 0, y: 1, none: 2)
  // inside, arithmetic outside.
  const int sp = o.subpixel;
  auto average = [&](double x0, double x1, double y0, double y1, int across) {
    double outer = 0.0;
    for (int b = 0; b < sp; ++b) {
      double inner = 0.0;
      for (int a = 0; a < sp; ++a) {
        const double u = (a + 0.5) / sp, v = (b + 0.5) / sp;
        const double e = across == 1 ? eps_at(x0 + v * (x1 - x0), y0 + u * (y1 - y0))
                                     : eps_at(x0 + u * (x1 - x0), y0 + v * (y1 - y0));
        inner += across == 2 ? e : 1.0 / e;
      }
      inner /= sp;
      outer += across == 2 ? inner : 1.0 / inner;
    }
    return outer / sp;
  };
  // A bend: the metric factor h = r/R = 1 + x/R of the cylindrical frame (x = r - R), which scales
  // eps and mu as (h, h, 1/h) along (x, y, z) (see solve_mode).
  auto bend = [&](double x) { return o.bend_radius_m > 0 ? 1.0 + x / o.bend_radius_m : 1.0; };
  std::vector<double> ex(un), ey(un), ez(un), mu_x(un), mu_y(un), inv_mu_z(un);
  m.eps.resize(un);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const auto p = static_cast<std::size_t>(j * nx + i);
      const double xi = xn[static_cast<std::size_t>(i)], yj = yn[static_cast<std::size_t>(j)];
      const double xi1 = xn[static_cast<std::size_t>(i) + 1], yj1 = yn[static_cast<std::size_t>(j) + 1];
      const double xd0 = dual_lo(xn, i), xd1 = centre(xn, i), yd0 = dual_lo(yn, j), yd1 = centre(yn, j);
      ex[p] = average(xi, xi1, yd0, yd1, 0) * bend(xd1);
      ey[p] = average(xd0, xd1, yj, yj1, 1) * bend(xi);
      ez[p] = average(xd0, xd1, yd0, yd1, 2) / bend(xi);
      mu_y[p] = bend(xd1);      // H_y sits with E_x
      mu_x[p] = bend(xi);       // H_x sits with E_y
      inv_mu_z[p] = bend(xd1);  // H_z at the cell centre
      m.eps[p] = average(xi, xi1, yj, yj1, 2);
    }

  // Ghost rules. Low edges: a mirror is an electric wall (tangential E odd, H even) when the
  // dominant component is normal to the edge, else a magnetic wall; an antimirror the other wall
  // (the dominant component odd about the edge); zero_field puts a magnetic wall half a cell
  // outside (H ghost 0). High edges: tangential E ghost 0 (electric wall).
  const bool te = o.polarization == Polarization::quasi_te;
  auto electric = [](Boundary b, bool dominant_normal) {
    return (b == Boundary::mirror && dominant_normal) || (b == Boundary::antimirror && !dominant_normal);
  };
  auto low = [&](Boundary b, bool dominant_normal) {
    if (b == Boundary::periodic) return Ghost::wrap;
    if (b == Boundary::mirror || b == Boundary::antimirror) return electric(b, dominant_normal) ? Ghost::even : Ghost::odd;
    return Ghost::zero;
  };
  auto high = [&](Boundary b) { return b == Boundary::periodic ? Ghost::wrap : Ghost::zero; };
  const bool electric_x = electric(o.x_min, te);   // E_y, E_z vanish on x = x_min
  const bool electric_y = electric(o.y_min, !te);  // E_x, E_z vanish on y = y_min

  // 1/(s h) at the output points: U_x outputs at x_i + dx/2, V_x at x_i (PML stretch in x only).
  // Forward differences span a cell, backward ones a dual cell (periodic: the wrapped one).
  auto weights = [&](const std::vector<double>& nd, bool forward, bool periodic, bool stretched) {
    const int len = static_cast<int>(nd.size()) - 1;
    std::vector<cplx> w(static_cast<std::size_t>(len));
    for (int i = 0; i < len; ++i) {
      double h = forward ? width(nd, i) : centre(nd, i) - dual_lo(nd, i);
      if (!forward && i == 0 && periodic) h = 0.5 * (width(nd, 0) + width(nd, len - 1));
      const double at = forward ? centre(nd, i) : nd[static_cast<std::size_t>(i)];
      w[static_cast<std::size_t>(i)] = 1.0 / ((stretched ? stretch(o, at) : cplx(1.0)) * h);
    }
    return w;
  };
  const bool px = o.x_min == Boundary::periodic, py = o.y_min == Boundary::periodic;
  const auto ux_w = weights(xn, true, px, true), vx_w = weights(xn, false, px, true);
  const auto uy_w = weights(yn, true, py, false), vy_w = weights(yn, false, py, false);
  using SM = Eigen::SparseMatrix<T>;
  const SM ux = difference<T>(nx, ny, true, true, high(o.x_max), ux_w);
  const SM vx = difference<T>(nx, ny, true, false, low(o.x_min, te), vx_w);
  const SM uy = difference<T>(nx, ny, false, true, high(o.y_max), uy_w);
  const SM vy = difference<T>(nx, ny, false, false, low(o.y_min, !te), vy_w);

  const double k0 = 2.0 * pi / wavelength_m;
  auto diag = [&](const std::vector<double>& d, double scale) {
    SM s(n, n);
    s.reserve(Eigen::VectorXi::Constant(n, 1));
    for (int p = 0; p < n; ++p) s.insert(p, p) = as<T>(scale * d[static_cast<std::size_t>(p)]);
    return s;
  };
  std::vector<double> ez_inv(un);
  for (std::size_t p = 0; p < un; ++p) ez_inv[p] = 1.0 / ez[p];
  // Blocks acting on E_x and E_y: hz = (U_x E_y - U_y E_x) / mu_z.
  const SM mzi = diag(inv_mu_z, 1.0);
  const SM hz_x = -SM(mzi * uy), hz_y = mzi * ux;
  const SM a_x = diag(ex, k0) - SM(vy * hz_x) / k0, a_y = -SM(vy * hz_y) / k0;
  const SM b_x = -SM(vx * hz_x) / k0, b_y = diag(ey, -k0) - SM(vx * hz_y) / k0;
  const SM ezi = diag(ez_inv, 1.0 / k0);
  const SM c_x = ezi * SM(vx * a_x - vy * b_x), c_y = ezi * SM(vx * a_y - vy * b_y);
  const SM my = diag(mu_y, k0), mx = diag(mu_x, k0);
  const SM p_xx = my * a_x + ux * c_x, p_xy = my * a_y + ux * c_y;
  const SM p_yx = -SM(mx * b_x) + uy * c_x, p_yy = -SM(mx * b_y) + uy * c_y;

  // Unknowns: E_x then E_y, without those pinned to zero by an electric-wall mirror.
  // E_x and E_y of one cell are neighbours in the unknown vector: the coupling is local, so the
  // matrix stays banded and the LU's fill small.
  std::vector<int> col(2 * un, -1);
  int count = 0;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i)
      for (int comp = 0; comp < 2; ++comp) {
        const bool pinned = comp == 0 ? (electric_y && j == 0) : (electric_x && i == 0);
        if (!pinned) col[static_cast<std::size_t>(comp * n + j * nx + i)] = count++;
      }
  const double n_guess = o.n_eff_guess > 0 ? o.n_eff_guess : std::sqrt(*std::max_element(ex.begin(), ex.end()));
  const double shift = k0 * k0 * n_guess * n_guess;
  std::vector<Eigen::Triplet<T>> trip;
  auto add_block = [&](const SM& blk, int row_comp, int col_comp) {
    for (int c = 0; c < blk.outerSize(); ++c)
      for (typename SM::InnerIterator it(blk, c); it; ++it) {
        const int r = col[static_cast<std::size_t>(row_comp * n + static_cast<int>(it.row()))];
        const int cc = col[static_cast<std::size_t>(col_comp * n + static_cast<int>(it.col()))];
        if (r >= 0 && cc >= 0) trip.emplace_back(r, cc, it.value());
      }
  };
  add_block(p_xx, 0, 0);
  add_block(p_xy, 0, 1);
  add_block(p_yx, 1, 0);
  add_block(p_yy, 1, 1);
  for (int r = 0; r < count; ++r) trip.emplace_back(r, r, as<T>(-shift));
  SM a(count, count);
  a.setFromTriplets(trip.begin(), trip.end());
  a.makeCompressed();
  Eigen::SparseLU<SM, Eigen::COLAMDOrdering<int>> lu;
  lu.analyzePattern(a);
  lu.factorize(a);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error("mode solver: the shifted operator is singular at n_eff = " + std::to_string(n_guess));

  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Vec v(count);
  if (start && start->size() == static_cast<std::size_t>(count))
    for (int r = 0; r < count; ++r) v[r] = as<T>((*start)[static_cast<std::size_t>(r)]);
  else
    for (int comp = 0; comp < 2; ++comp)  // start with the wanted polarisation
      for (int p = 0; p < n; ++p) {
        const int r = col[static_cast<std::size_t>(comp * n + p)];
        if (r >= 0) v[r] = as<T>((comp == 0) == te ? 1.0 : 0.1);
      }
  v.normalize();
  // Shift-invert Arnoldi with explicit restarts (Y. Saad, Numerical Methods for Large Eigenvalue
  // Problems, 2nd ed., SIAM 2011, algorithms 6.1 and 6.3 with spectral transformation, sec. 8.1):
  // the largest Ritz value theta of (A - shift I)^-1 gives beta^2 = shift + 1/theta, the one
  // nearest the shift; restarts from its Ritz vector until the Arnoldi residual |h_{m+1,m} y_m|
  // is below tolerance |theta|. A Krylov space of 20 converges in 1-3 restarts where plain inverse
  // iteration needed 50-160 solves.
  const int dim = std::min(20, count);
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> basis(count, dim + 1);
  Eigen::MatrixXcd hess = Eigen::MatrixXcd::Zero(dim + 1, dim);
  cplx lambda = shift;
  int solves = 0;
  bool converged = false;
  for (int restart = 0; restart < o.max_iterations && !converged; ++restart) {
    basis.col(0) = v;
    int k = 0;
    for (; k < dim; ++k) {
      Vec w = lu.solve(basis.col(k));
      ++solves;
      for (int pass = 0; pass < 2; ++pass)  // classical Gram-Schmidt, twice (orthogonality to rounding)
        for (int i = 0; i <= k; ++i) {
          const T hik = basis.col(i).dot(w);
          hess(i, k) += cplx(hik);
          w -= hik * basis.col(i);
        }
      const double nrm = w.norm();
      hess(k + 1, k) = nrm;
      if (nrm == 0.0) {  // invariant subspace: the Ritz values are exact
        ++k;
        break;
      }
      basis.col(k + 1) = w / nrm;
    }
    Eigen::ComplexEigenSolver<Eigen::MatrixXcd> es(hess.topLeftCorner(k, k));
    Eigen::Index best = 0;
    auto score = [&](Eigen::Index i) {
      return track ? std::abs(es.eigenvectors()(0, i)) / es.eigenvectors().col(i).norm() : std::abs(es.eigenvalues()[i]);
    };
    for (Eigen::Index i = 1; i < k; ++i)
      if (score(i) > score(best)) best = i;
    const cplx theta = es.eigenvalues()[best];
    Eigen::VectorXcd y = es.eigenvectors().col(best);
    // A real problem has a real dominant eigenvector: rotate y so its largest entry is real.
    Eigen::Index big = 0;
    y.cwiseAbs().maxCoeff(&big);
    y *= std::conj(y[big]) / std::abs(y[big]);
    const double residual = std::abs(hess(k, k - 1)) * std::abs(y[k - 1]);
    Eigen::VectorXcd x = basis.leftCols(k).template cast<cplx>() * y;
    for (int r = 0; r < count; ++r) v[r] = as<T>(x[r]);
    v.normalize();
    lambda = shift + 1.0 / theta;
    converged = residual <= o.tolerance * std::abs(theta) || k < dim;
    hess.setZero();
  }
  m.iterations = solves;
  if (!converged)
    throw std::runtime_error("mode solver: shift-invert Arnoldi did not converge in " + std::to_string(o.max_iterations) +
                             " restarts (modes too close to the shift n_eff = " + std::to_string(n_guess) + ")");
  m.n_eff = std::sqrt(lambda) / k0;
  m.guided = m.n_eff.real() > std::sqrt(bg);
  m.solution.assign(static_cast<std::size_t>(count), 0.0);
  for (int r = 0; r < count; ++r) m.solution[static_cast<std::size_t>(r)] = cplx(v[r]);

  m.ex.assign(un, 0.0);
  m.ey.assign(un, 0.0);
  for (std::size_t p = 0; p < un; ++p) {
    const int rx = col[p], ry = col[un + p];
    if (rx >= 0) m.ex[p] = cplx(v[rx]);
    if (ry >= 0) m.ey[p] = cplx(v[ry]);
  }
  // Cell centres: E_x averaged over y_j, y_{j+1}; E_y over x_i, x_{i+1} (the missing neighbour
  // of the last cell is the zero or wrapped ghost).
  m.field.assign(un, 0.0);
  m.minor.assign(un, 0.0);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const auto p = static_cast<std::size_t>(j * nx + i);
      const cplx exu = j + 1 < ny ? m.ex[p + static_cast<std::size_t>(nx)] : (o.y_max == Boundary::periodic ? m.ex[static_cast<std::size_t>(i)] : 0.0);
      const cplx eyr = i + 1 < nx ? m.ey[p + 1] : (o.x_max == Boundary::periodic ? m.ey[static_cast<std::size_t>(j * nx)] : 0.0);
      const cplx cx = 0.5 * (m.ex[p] + exu), cy = 0.5 * (m.ey[p] + eyr);
      m.field[p] = te ? cx : cy;
      m.minor[p] = te ? cy : cx;
    }
  std::size_t peak = 0;
  for (std::size_t p = 0; p < un; ++p)
    if (std::abs(m.field[p]) > std::abs(m.field[peak])) peak = p;
  const cplx norm = m.field[peak];
  for (auto* f : {&m.field, &m.minor, &m.ex, &m.ey})
    for (auto& z : *f) z /= norm;
  return m;
}

Mode solve_with_start(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt,
                      const std::vector<cplx>* start) {
  check_options(cs, wavelength_m, opt);
  if (opt.bend_radius_m > 0 || opt.pml_thickness_m > 0) return solve_impl<cplx>(cs, wavelength_m, opt, start);
  return solve_impl<double>(cs, wavelength_m, opt, start);
}

}  // namespace

Mode solve_mode(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt) {
  return solve_with_start(cs, wavelength_m, opt, nullptr);
}

Mode solve_mode_like(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt, const Mode& like) {
  ModeSolverOptions o = opt;
  o.n_eff_guess = like.n_eff.real();
  return solve_with_start(cs, wavelength_m, o, &like.solution);
}

double group_index(const CrossSection& cs, double wavelength_m, const ModeSolverOptions& opt, const Mode& mode,
                   double step_m) {
  const double lo = solve_mode_like(cs, wavelength_m - step_m, opt, mode).n_eff.real();
  const double hi = solve_mode_like(cs, wavelength_m + step_m, opt, mode).n_eff.real();
  return mode.n_eff.real() - wavelength_m * (hi - lo) / (2.0 * step_m);
}

double effective_area_m2(const Mode& m) {
  double s2 = 0.0, s4 = 0.0;
  for (std::size_t p = 0; p < m.field.size(); ++p) {
    const double i2 = std::norm(m.field[p]) + std::norm(m.minor[p]);
    const double da = m.cell_area(static_cast<int>(p) % m.nx, static_cast<int>(p) / m.nx);
    s2 += i2 * da;
    s4 += i2 * i2 * da;
  }
  // Each mirror edge doubles both integrals; the ratio (S2)^2/S4 scales once with the copies.
  const double copies = std::pow(2.0, m.mirrors_x + m.mirrors_y);
  return copies * s2 * s2 / s4;
}

double mode_field_diameter_m(const Mode& m) { return 2.0 * std::sqrt(effective_area_m2(m) / pi); }

double confinement_factor(const Mode& m, const Shape& region) {
  double in = 0.0, all = 0.0;
  for (int j = 0; j < m.ny; ++j)
    for (int i = 0; i < m.nx; ++i) {
      const auto p = static_cast<std::size_t>(j * m.nx + i);
      const double i2 = (std::norm(m.field[p]) + std::norm(m.minor[p])) * m.cell_area(i, j);
      all += i2;
      if (region.contains(m.x(i), m.y(j))) in += i2;
    }
  return in / all;
}

}  // namespace phylane::phy
