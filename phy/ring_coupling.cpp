#include "phy/ring_coupling.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "phy/constants.hpp"

namespace phylane::phy {

namespace {

// One core at +centre on the quarter window x >= 0, y >= 0: the pair's symmetry plane x = 0 is
// a mirror (even supermode) or an antimirror (odd supermode), y = 0 the guides' own mirror.
// Zero-field edges `margin` beyond the outer core face and above the top face. Cells of the
// guide's mesh over the core and four cells either side of it (so its faces sit on cell faces
// whatever the gap), growing 15 % per cell to 8x outside, across the half gap too: against a
// uniform fine mesh over the whole half gap with cells to 4x, n_even - n_odd differs by < 0.1 %
// (200-770 nm gaps, 500 x 220 nm Si at 12.5 nm cells) at half the cost.
ModeSolverOptions pair_window(const StripGuide& g, double gap_m, double margin_m, Boundary plane) {
  ModeSolverOptions o;
  const double inner = 0.5 * gap_m, outer = inner + g.width_m;
  o.x_max_m = outer + margin_m;
  o.y_max_m = 0.5 * g.height_m + margin_m;
  o.x_min = plane;
  o.y_min = Boundary::mirror;
  o.dx_m = o.dy_m = g.mesh_m;
  o.fine_x_min_m = std::max(0.0, inner - 4 * g.mesh_m);
  o.fine_x_max_m = outer + 4 * g.mesh_m;
  o.fine_y_max_m = 0.5 * g.height_m;
  o.growth = 1.15;
  o.max_cell_factor = 8;
  return o;
}

SupermodeCoupling supermodes(const StripGuide& g, double gap_m, double wavelength_m, double margin_m) {
  if (!(gap_m >= 2 * g.mesh_m)) {
    std::ostringstream os;
    os << "ring coupling: gap " << gap_m * 1e9 << " nm is narrower than two mesh cells (" << g.mesh_m * 1e9
       << " nm each): the gap must be resolved (a gap must be > 0)";
    throw std::invalid_argument(os.str());
  }
  const double centre = 0.5 * (gap_m + g.width_m);
  // The core drawn whole: cells on the mirror edges average over both sides of it.
  const CrossSection half{g.cladding, {Shape::rectangle(centre - 0.5 * g.width_m, centre + 0.5 * g.width_m,
                                                        -0.5 * g.height_m, 0.5 * g.height_m, g.core)}};
  // Each supermode is the fundamental of its symmetry class: no shift guess, no mode sorting.
  const Mode even = solve_mode(half, wavelength_m, pair_window(g, gap_m, margin_m, Boundary::mirror));
  const Mode odd = solve_mode(half, wavelength_m, pair_window(g, gap_m, margin_m, Boundary::antimirror));
  if (!even.guided || !odd.guided || !(odd.n_eff.real() < even.n_eff.real())) {
    std::ostringstream os;
    os << "ring coupling: the supermodes at gap " << gap_m * 1e9 << " nm are not two guided modes split by the gap (even "
       << even.n_eff.real() << ", odd " << odd.n_eff.real() << "); the gap is too wide for the splitting to be resolved";
    throw std::runtime_error(os.str());
  }
  SupermodeCoupling out;
  out.gap_m = gap_m;
  out.n_even = even.n_eff.real();
  out.n_odd = odd.n_eff.real();
  out.kappa_per_m = pi * (out.n_even - out.n_odd) / wavelength_m;
  return out;
}

}  // namespace

SupermodeCoupling supermode_coupling(const StripGuide& g, double gap_m, double wavelength_m) {
  return supermodes(g, gap_m, wavelength_m, wavelength_m);
}

double RingBusCoupling::kappa_per_m_at(double gap_m) const {
  // ln kappa: the parabola through the three samples over their span, its end tangent beyond.
  const auto& s = samples;
  const double g0 = s[0].gap_m, g1 = s[1].gap_m, g2 = s[2].gap_m;
  const double l0 = std::log(s[0].kappa_per_m), l1 = std::log(s[1].kappa_per_m), l2 = std::log(s[2].kappa_per_m);
  auto parabola = [&](double x) {
    return l0 * (x - g1) * (x - g2) / ((g0 - g1) * (g0 - g2)) + l1 * (x - g0) * (x - g2) / ((g1 - g0) * (g1 - g2)) +
           l2 * (x - g0) * (x - g1) / ((g2 - g0) * (g2 - g1));
  };
  if (gap_m <= g2) return std::exp(parabola(gap_m));
  const double end_slope = l0 * (2 * g2 - g1 - g2) / ((g0 - g1) * (g0 - g2)) + l1 * (2 * g2 - g0 - g2) / ((g1 - g0) * (g1 - g2)) +
                           l2 * (2 * g2 - g0 - g1) / ((g2 - g0) * (g2 - g1));
  // The samples fall with the gap (checked when solved), so the last interval's chord is negative:
  // it stands in for a tangent that a strongly convex parabola could turn upward.
  const double slope = end_slope < 0 ? end_slope : (l2 - l1) / (g2 - g1);
  return std::exp(l2 + slope * (gap_m - g2));
}

RingBusCoupling ring_bus_coupling(const StripGuide& g, double gap_m, double radius_m, double wavelength_m) {
  if (!(radius_m > g.width_m)) {
    std::ostringstream os;
    os << "ring coupling: radius " << radius_m * 1e6 << " um is not larger than the core width " << g.width_m * 1e6 << " um";
    throw std::invalid_argument(os.str());
  }
  RingBusCoupling out;
  // kappa(g) is close to exponential (the overlap of one guide's evanescent tail with the other),
  // so three gaps carry it: g0, and steps of 2.3 / gamma_tail, gamma_tail = k0 sqrt(n^2 - n_clad^2)
  // the cladding decay of the guides' field (within 7 % of kappa's decay, tests), so the samples
  // span a fall of kappa by about e^-4.6 (1 %); ln kappa is interpolated by the parabola through
  // them (its error against solved gaps between the samples: tests/phy/ring_coupling_test.cpp).
  const auto first = supermodes(g, gap_m, wavelength_m, wavelength_m);
  const double n_mean = 0.5 * (first.n_even + first.n_odd);
  const double n_clad = g.cladding.index_at(wavelength_m);
  const double gamma_tail = 2 * pi / wavelength_m * std::sqrt(std::max(n_mean * n_mean - n_clad * n_clad, 0.0));
  if (!(gamma_tail > 0)) throw std::runtime_error("ring coupling: the guide's mode is not above the cladding index");
  // The wider gaps on windows reaching 7 / gamma_tail beyond the cores (field e^-7 at the edge;
  // n_even - n_odd within 3e-4 of the wavelength-wide window's, 60 % of its cost).
  const double step = 2.3 / gamma_tail, margin = 7 / gamma_tail;
  out.samples = {first, supermodes(g, gap_m + step, wavelength_m, margin), supermodes(g, gap_m + 2 * step, wavelength_m, margin)};
  for (std::size_t k = 1; k < out.samples.size(); ++k)
    if (!(out.samples[k].kappa_per_m < out.samples[k - 1].kappa_per_m))
      throw std::runtime_error("ring coupling: the coupling does not fall with the gap");
  out.decay_per_m = std::log(out.samples[0].kappa_per_m / out.samples[2].kappa_per_m) / (2 * step);
  // Theta = 2 integral_0^z_max kappa(g0 + z^2 / 2R) dz (Simpson): up to the ring's side z = R,
  // or where the decay has taken exp(-50) (z^2 = 100 R / gamma), whichever is nearer.
  const int steps = 4000;
  const double z_max = std::min(radius_m, std::sqrt(100 * radius_m / out.decay_per_m));
  double s = 0.0;
  for (int i = 0; i <= steps; ++i) {
    const double z = z_max * i / steps;
    s += out.kappa_per_m_at(gap_m + z * z / (2 * radius_m)) * (i == 0 || i == steps ? 1 : (i % 2 ? 4 : 2));
  }
  out.phase_rad = 2 * s * z_max / steps / 3;
  out.power_coupling = std::pow(std::sin(out.phase_rad), 2);
  return out;
}

}  // namespace phylane::phy
