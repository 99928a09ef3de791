#include "phy/ring_coupling.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "phy/constants.hpp"

namespace phylane::phy {

namespace {

// Two cores (or one at +centre) on a half window (mirror at y = 0), full width in x with
// zero-field edges a wavelength beyond the outer core faces; cells of the guide's mesh over the
// cores and the gap, growing 15 % per cell to 4x outside.
ModeSolverOptions pair_window(const StripGuide& g, double gap_m, double wavelength_m) {
  ModeSolverOptions o;
  const double outer = 0.5 * gap_m + g.width_m;
  o.x_min_m = -(outer + wavelength_m);
  o.x_max_m = outer + wavelength_m;
  o.y_max_m = 0.5 * g.height_m + wavelength_m;
  o.y_min = Boundary::mirror;
  o.dx_m = o.dy_m = g.mesh_m;
  o.fine_x_min_m = -outer;
  o.fine_x_max_m = outer;
  o.fine_y_max_m = 0.5 * g.height_m;
  o.growth = 1.15;
  o.max_cell_factor = 4;
  return o;
}

Shape core_at(const StripGuide& g, double centre_x) {
  return Shape::rectangle(centre_x - 0.5 * g.width_m, centre_x + 0.5 * g.width_m, -0.5 * g.height_m, 0.5 * g.height_m, g.core);
}

// The dominant field at the cell nearest (x, first row).
double field_near(const Mode& m, double x) {
  int best = 0;
  for (int i = 1; i < m.nx; ++i)
    if (std::abs(m.x(i) - x) < std::abs(m.x(best) - x)) best = i;
  return m.at(best, 0).real();
}

}  // namespace

SupermodeCoupling supermode_coupling(const StripGuide& g, double gap_m, double wavelength_m) {
  if (!(gap_m >= 2 * g.mesh_m)) {
    std::ostringstream os;
    os << "ring coupling: gap " << gap_m * 1e9 << " nm is narrower than two mesh cells (" << g.mesh_m * 1e9
       << " nm each): the gap must be resolved (a gap must be > 0)";
    throw std::invalid_argument(os.str());
  }
  const double centre = 0.5 * (gap_m + g.width_m);
  const ModeSolverOptions o = pair_window(g, gap_m, wavelength_m);
  const CrossSection pair{g.cladding, {core_at(g, -centre), core_at(g, centre)}};
  const CrossSection single{g.cladding, {core_at(g, centre)}};
  // The even supermode is the fundamental; the odd one lies about as far below the single
  // guide's index as the even one lies above it: shift there.
  const Mode even = solve_mode(pair, wavelength_m, o);
  const double n_single = solve_mode(single, wavelength_m, o).n_eff.real();
  ModeSolverOptions odd_opt = o;
  odd_opt.n_eff_guess = 2 * n_single - even.n_eff.real();
  const Mode odd = solve_mode(pair, wavelength_m, odd_opt);
  const bool even_ok = field_near(even, centre) * field_near(even, -centre) > 0;
  const bool odd_ok = field_near(odd, centre) * field_near(odd, -centre) < 0 && odd.n_eff.real() < even.n_eff.real();
  if (!even_ok || !odd_ok) {
    std::ostringstream os;
    os << "ring coupling: the odd supermode was not found at gap " << gap_m * 1e9 << " nm (even " << even.n_eff.real()
       << ", found " << odd.n_eff.real() << "); the gap is too wide for the splitting to be resolved";
    throw std::runtime_error(os.str());
  }
  SupermodeCoupling out;
  out.gap_m = gap_m;
  out.n_even = even.n_eff.real();
  out.n_odd = odd.n_eff.real();
  out.kappa_per_m = pi * (out.n_even - out.n_odd) / wavelength_m;
  return out;
}

RingBusCoupling ring_bus_coupling(const StripGuide& g, double gap_m, double radius_m, double wavelength_m) {
  if (!(radius_m > g.width_m)) {
    std::ostringstream os;
    os << "ring coupling: radius " << radius_m * 1e6 << " um is not larger than the core width " << g.width_m * 1e6 << " um";
    throw std::invalid_argument(os.str());
  }
  RingBusCoupling out;
  // Two gaps 100 nm apart give the decay; the samples then run until kappa has fallen by e^-4.6
  // (1 %), five of them, and the integral continues the fitted decay beyond.
  const auto first = supermode_coupling(g, gap_m, wavelength_m);
  const auto second = supermode_coupling(g, gap_m + 100e-9, wavelength_m);
  const double gamma0 = std::log(first.kappa_per_m / second.kappa_per_m) / 100e-9;
  if (!(gamma0 > 0)) throw std::runtime_error("ring coupling: the coupling does not fall with the gap");
  const double span = 4.6 / gamma0;
  out.samples.push_back(first);
  for (int j = 1; j <= 4; ++j) out.samples.push_back(supermode_coupling(g, gap_m + span * j / 4, wavelength_m));
  // Least-squares slope of ln kappa against the gap.
  double sg = 0, sl = 0, sgg = 0, sgl = 0;
  const double n = static_cast<double>(out.samples.size());
  for (const auto& s : out.samples) {
    const double l = std::log(s.kappa_per_m);
    sg += s.gap_m;
    sl += l;
    sgg += s.gap_m * s.gap_m;
    sgl += s.gap_m * l;
  }
  out.decay_per_m = -(n * sgl - sg * sl) / (n * sgg - sg * sg);
  // kappa(g): log-linear between samples, the last segment's decay continued beyond.
  auto kappa = [&](double gap) {
    const auto& s = out.samples;
    std::size_t k = 0;
    while (k + 2 < s.size() && gap > s[k + 1].gap_m) ++k;
    const double t = (gap - s[k].gap_m) / (s[k + 1].gap_m - s[k].gap_m);
    return std::exp((1 - t) * std::log(s[k].kappa_per_m) + t * std::log(s[k + 1].kappa_per_m));
  };
  // Theta = 2 integral_0^z_max kappa(g0 + z^2 / 2R) dz (Simpson): up to the ring's side z = R,
  // or where the decay has taken exp(-50) (z^2 = 100 R / gamma), whichever is nearer.
  const int steps = 4000;
  const double z_max = std::min(radius_m, std::sqrt(100 * radius_m / out.decay_per_m));
  double s = 0.0;
  for (int i = 0; i <= steps; ++i) {
    const double z = z_max * i / steps;
    s += kappa(gap_m + z * z / (2 * radius_m)) * (i == 0 || i == steps ? 1 : (i % 2 ? 4 : 2));
  }
  out.phase_rad = 2 * s * z_max / steps / 3;
  out.power_coupling = std::pow(std::sin(out.phase_rad), 2);
  return out;
}

}  // namespace phylane::phy
