// Microstrip and edge-coupled microstrip: Hammerstad & Jensen, Kirschning & Jansen.
//
// Independent references used here:
//  - the boundary-element (method-of-moments) solver phy/strip_bem.hpp, a separate numerical
//    method written by another engineer (charge collocation with the exact layered Green's
//    function; its own convergence and tests in docs/field_solver.md and strip_bem_test.cpp,
//    discretisation error < 2e-5 with its default options);
//  - a published worked example (Pozar);
//  - an independent published dispersion model (Kobayashi 1988);
//  - closed-form limits (parallel plate, uncoupled lines, TEM dielectric loss);
//  - for thick strips on a dielectric, a finite-difference field solver written in
//    microstrip_thickness_fd_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/dielectric.hpp"
#include "phy/microstrip.hpp"
#include "phy/strip_bem.hpp"
#include "phy/transmission_line.hpp"

using namespace phylane::phy;

namespace {

double rel_err(double x, double ref) { return std::abs(x / ref - 1.0); }

MicrostripDims dims(double w, double t, double h, double s = 0.0) {
  MicrostripDims d;
  d.width_m = w;
  d.thickness_m = t;
  d.height_m = h;
  d.plane_thickness_m = 35e-6;
  d.spacing_m = s;
  return d;
}

// Kobayashi's dispersion law, an independent closed form fitted to his own full-wave data:
//   eps_eff(f) = eps_r - (eps_r - eps_eff(0)) / (1 + (f/f50)^m),
//   f50 = f_TM0 / (0.75 + (0.75 - 0.332/eps_r^1.73) w/h),
//   f_TM0 = c0 atan(eps_r sqrt((eps_eff(0) - 1)/(eps_r - eps_eff(0)))) / (2 pi h sqrt(eps_r - eps_eff(0))),
//   m = m0 mc (at most 2.32), m0 = 1 + 1/(1 + sqrt(w/h)) + 0.32 (1/(1 + sqrt(w/h)))^3,
//   mc = 1 + 1.4/(1 + w/h) (0.15 - 0.235 exp(-0.45 f/f50)) for w/h <= 0.7, else 1.
// Source: M. Kobayashi, "A dispersion formula satisfying recent requirements in microstrip CAD",
// IEEE Trans. MTT-36(8), 1988, pp. 1246-1250 (stated accuracy 0.6 % for 0.1 <= w/h <= 10,
// 1 < eps_r <= 128, any frequency). Constants cross-checked with Qucs msline.cpp.
double kobayashi_eps_eff(double u, double h, double eps_r, double eps0_eff, double f) {
  const double ftm0 = c0 * std::atan(eps_r * std::sqrt((eps0_eff - 1.0) / (eps_r - eps0_eff))) /
                      (2.0 * pi * h * std::sqrt(eps_r - eps0_eff));
  const double f50 = ftm0 / (0.75 + (0.75 - 0.332 / std::pow(eps_r, 1.73)) * u);
  const double r = 1.0 / (1.0 + std::sqrt(u));
  const double m0 = 1.0 + r + 0.32 * r * r * r;
  const double mc = u <= 0.7 ? 1.0 + 1.4 / (1.0 + u) * (0.15 - 0.235 * std::exp(-0.45 * f / f50))
                             : 1.0;
  const double m = std::min(m0 * mc, 2.32);
  return eps_r - (eps_r - eps0_eff) / (1.0 + std::pow(f / f50, m));
}

}  // namespace

// ---- single microstrip: static -----------------------------------------------------------------

TEST_CASE("Microstrip Z0 and eps_eff agree with the boundary-element solver within 0.3 % for "
          "w/h 0.1 to 10",
          "[phy][microstrip][reference]") {
  // Acceptance: within 1 % of the reference for w/h = 0.1 ... 10 and eps_r ~ 2.2, 4.3, 9.8.
  // Every row's reference value is computed by bem::microstrip_single (zero-thickness strip,
  // exact layered Green's function, discretisation error < 2e-5: docs/field_solver.md).
  // Tolerances: Hammerstad & Jensen state 0.2 % for eps_eff (0.01 <= u <= 100, eps_r <= 128) and
  // 0.01 % / 0.03 % for the vacuum impedance Z01 (u <= 1 / u <= 1000). The checks use 0.3 % for
  // Z0 and eps_eff with a dielectric (largest measured: 0.11 % on Z0, 0.21 % on eps_eff at
  // w/h = 5, eps_r = 9.8) and 0.03 % with vacuum (largest measured 0.004 %).
  const double h = 1e-3;
  for (double eps_r : {1.0, 2.2, 4.3, 9.8}) {
    for (double u : {0.1, 0.5, 1.0, 2.0, 5.0, 10.0}) {
      const bem::LineResult ref = bem::microstrip_single(u * h, h, eps_r);
      const double z0 = microstrip_z0(u * h, h, 0.0, eps_r);
      const double ee = microstrip_eps_eff_static(u * h, h, 0.0, eps_r);
      INFO("eps_r = " << eps_r << ", w/h = " << u << ": Z0 " << z0 << " vs " << ref.z0_ohm
                      << ", eps_eff " << ee << " vs " << ref.eps_eff);
      const double tol = eps_r == 1.0 ? 3e-4 : 3e-3;
      CHECK(rel_err(z0, ref.z0_ohm) < tol);
      CHECK(rel_err(ee, ref.eps_eff) < tol);
    }
  }
}

TEST_CASE("Microstrip reproduces Pozar's 50-ohm design example on eps_r = 2.2",
          "[phy][microstrip][reference]") {
  // D. M. Pozar, Microwave Engineering, 4th ed., Wiley 2012, Example 3.7: substrate d = 0.127 cm,
  // eps_r = 2.20; a 50-ohm line needs w/d = 3.081 (w = 0.3918 cm) and has eps_e = 1.87.
  // Pozar's design formulas (his eqs. 3.195-3.197, Hammerstad's simpler 1975 closed forms) are
  // quoted to about 1 %, so 1 % is the tolerance (measured: Z0 50.02 ohm, eps_eff 1.881).
  const double d = 1.27e-3;
  CHECK(microstrip_z0(3.081 * d, d, 0.0, 2.2) == Approx(50.0).epsilon(0.01));
  CHECK(microstrip_eps_eff_static(3.081 * d, d, 0.0, 2.2) == Approx(1.87).epsilon(0.01));
}

TEST_CASE("Microstrip strip-thickness correction agrees with the boundary-element solver in vacuum",
          "[phy][microstrip][reference]") {
  // With vacuum the medium is homogeneous, so a thick microstrip is the limit of a stripline
  // whose upper plane is far away: bem::stripline_single with h_above = 200 h (moving it from
  // 100 h to 200 h changes Z by < 0.01 %, the residual dipole coupling falls as (h/h_above)^2).
  // This checks the H&J width increment du1 (eq. 6). Measured deviation <= 0.20 % for t <= w/2;
  // 0.35 % tolerance. (At t/h = 0.2 with w/h = 0.1, i.e. t = 2 w, it errs by 1.4 %: H&J's form
  // assumes t < w; that row is left out.)
  const double h = 1e-3;
  for (double u : {0.1, 0.5, 1.0, 2.0, 5.0, 10.0}) {
    for (double tn : {0.01, 0.05, 0.1, 0.2}) {
      if (tn > 0.5 * u) continue;
      const bem::LineResult ref = bem::stripline_single(u * h, tn * h, h, 200.0 * h, 1.0);
      const double z = microstrip_z0_air(u * h, h, tn * h);
      INFO("w/h = " << u << ", t/h = " << tn << ": " << z << " vs " << ref.z0_ohm);
      CHECK(rel_err(z, ref.z0_ohm) < 3.5e-3);
    }
  }
}

TEST_CASE("Microstrip thickness lowers Z0 and t -> 0 recovers the zero-thickness line",
          "[phy][microstrip][property]") {
  const double h = 100e-6, w = 150e-6;
  double prev = microstrip_z0(w, h, 0.0, 4.0);
  for (double t : {1e-6, 5e-6, 17e-6, 35e-6, 70e-6}) {
    const double z = microstrip_z0(w, h, t, 4.0);
    CHECK(z < prev);
    prev = z;
  }
  // du1 ~ (t/pi) ln(1/t) -> 0, so at t = 1e-9 h the change is ~1e-8: 1e-6 is ample.
  CHECK(microstrip_z0(w, h, 1e-13, 4.0) == Approx(microstrip_z0(w, h, 0.0, 4.0)).epsilon(1e-6));
  CHECK(microstrip_eps_eff_static(w, h, 1e-13, 4.0) ==
        Approx(microstrip_eps_eff_static(w, h, 0.0, 4.0)).epsilon(1e-6));
  // Thickness lowers eps_eff (more field in the air above the strip's edges): H&J's thick-strip form.
  CHECK(microstrip_eps_eff_static(w, h, 35e-6, 4.0) < microstrip_eps_eff_static(w, h, 0.0, 4.0));
}

// ---- single microstrip: dispersion -------------------------------------------------------------

TEST_CASE("Microstrip eps_eff(f) rises monotonically from the static value towards eps_r",
          "[phy][microstrip][dispersion][property]") {
  for (double eps_r : {2.2, 4.3, 9.8}) {
    for (double u : {0.1, 1.0, 10.0}) {
      const double h = 0.5e-3, w = u * h, t = 18e-6;
      const double e0 = microstrip_eps_eff_static(w, h, t, eps_r);
      // f = 0 is the static value exactly (P(0) = 0).
      CHECK(microstrip_eps_eff_dispersive(w, h, t, eps_r, 0.0) == Approx(e0).epsilon(1e-15));
      double prev = e0;
      // fn = f h from 0.05 to 2000 GHz mm, far beyond the model's range on purpose: the law must
      // stay monotone and bounded whatever frequency a sweep asks for.
      for (double fn = 0.05; fn <= 2000.0; fn *= 1.25) {
        const double e = microstrip_eps_eff_dispersive(w, h, t, eps_r, fn * 1e9 / (h * 1e3));
        INFO("eps_r = " << eps_r << ", w/h = " << u << ", fn = " << fn << " GHz mm");
        CHECK(e > prev);
        CHECK(e < eps_r);
        prev = e;
      }
      // At fn = 2000 GHz mm the field is almost wholly in the substrate: within 1 % of eps_r.
      CHECK(prev == Approx(eps_r).epsilon(0.01));
    }
  }
}

TEST_CASE("Kirschning-Jansen dispersion agrees with Kobayashi's independent formula within 1.2 %",
          "[phy][microstrip][dispersion][reference]") {
  // Both laws claim 0.6 % against full-wave results in this range (K&J: 0.1 <= u <= 100,
  // eps_r <= 20, fn <= ~39 GHz mm; Kobayashi: 0.1 <= u <= 10); two such models may therefore
  // differ by up to 1.2 %. Measured: at most 0.7 % for fn <= 10 GHz mm, 1.06 % at fn = 30
  // (eps_r = 9.8, w/h = 5). Both use the same static eps_eff so only the dispersion is compared.
  // No published table of eps_eff(f) was available to compare with directly.
  const double h = 1e-3;
  for (double eps_r : {2.2, 4.3, 9.8}) {
    for (double u : {0.1, 0.5, 1.0, 2.0, 5.0, 10.0}) {
      const double e0 = microstrip_eps_eff_static(u * h, h, 0.0, eps_r);
      for (double fn : {1.0, 5.0, 10.0, 20.0, 30.0}) {
        const double f = fn * 1e9 / (h * 1e3);
        const double kj = microstrip_eps_eff_dispersive(u * h, h, 0.0, eps_r, f);
        const double kb = kobayashi_eps_eff(u, h, eps_r, e0, f);
        INFO("eps_r = " << eps_r << ", w/h = " << u << ", fn = " << fn << ": " << kj << " vs " << kb);
        CHECK(rel_err(kj, kb) < 0.012);
      }
    }
  }
}

// ---- single microstrip: the LineGeometry -------------------------------------------------------

TEST_CASE("Microstrip geometry reports the H&J vacuum capacitance and the filling-factor "
          "permittivity",
          "[phy][microstrip][unit]") {
  const Microstrip m(dims(150e-6, 35e-6, 100e-6));
  CHECK(m.kind() == "microstrip");
  CHECK(m.mode() == LineMode::single_ended);
  // Rounding only.
  CHECK(m.air_impedance_ohm() == Approx(microstrip_z0_air(150e-6, 100e-6, 35e-6)).epsilon(1e-12));
  CHECK(m.strip_dc_factor_per_m2() == Approx(1.0 / (150e-6 * 35e-6)).epsilon(1e-15));
  CHECK(m.plane_thickness_m() == 35e-6);
  CHECK(m.smallest_dimension_m() == 35e-6);
  for (double f : {0.0, 1e9, 30e9}) {
    // Real eps_r: the filling-factor form gives back the K&J eps_eff(f) (identity up to rounding).
    const auto e = m.effective_permittivity(f, {4.0, 0.0});
    CHECK(e.real() ==
          Approx(microstrip_eps_eff_dispersive(150e-6, 100e-6, 35e-6, 4.0, f)).epsilon(1e-12));
    CHECK(e.imag() == 0.0);
  }
}

TEST_CASE("Microstrip effective permittivity is continuous at eps_r = 1 and rejects eps_r < 1",
          "[phy][microstrip][unit]") {
  const Microstrip m(dims(150e-6, 35e-6, 100e-6));
  CHECK(m.effective_permittivity(10e9, {1.0, 0.0}).real() == Approx(1.0).epsilon(1e-15));
  // q(eps') is smooth, so eps_eff - 1 = q (eps' - 1) with q between 1/2 and 1.
  const double e = m.effective_permittivity(10e9, {1.0 + 1e-9, 0.0}).real() - 1.0;
  CHECK(e > 0.5e-9);
  CHECK(e < 1.0e-9);
  CHECK_THROWS_AS(m.effective_permittivity(1e9, {0.9, 0.0}), std::invalid_argument);
  CHECK_THROWS_AS(m.effective_permittivity(-1.0, {4.0, 0.0}), std::invalid_argument);
}

TEST_CASE("Microstrip dielectric attenuation is Pozar's filling-factor formula",
          "[phy][microstrip][reference]") {
  // alpha_d = k0 eps_r (eps_eff - 1) tan(delta) / (2 sqrt(eps_eff) (eps_r - 1))
  // (Pozar, Microwave Engineering, 4th ed., eq. 3.198). phylane's complex eps_eff = 1 + q(eps_r - 1)
  // gives alpha = -k0 Im sqrt(eps_eff), equal to the formula to first order in tan(delta); the
  // remainder is ~ (q tan(delta) eps_r/eps_eff)^2 / 8 ~ 1e-6 for tan(delta) = 0.002: 1e-5 tolerance.
  const double w = 180e-6, h = 100e-6, t = 35e-6, dk = 4.0, df = 0.002;
  const Microstrip m(dims(w, t, h));
  for (double f : {1e9, 10e9, 40e9}) {
    const std::complex<double> eps_r(dk, -dk * df);
    const auto ee = m.effective_permittivity(f, eps_r);
    const double k0 = 2.0 * pi * f / c0;
    const double alpha = -k0 * std::sqrt(ee).imag();
    const double e = ee.real();  // dispersive eps_eff(f): the formula holds at each frequency
    const double pozar = k0 * dk * (e - 1.0) * df / (2.0 * std::sqrt(e) * (dk - 1.0));
    CHECK(alpha == Approx(pozar).epsilon(1e-5));
  }
}

TEST_CASE("Microstrip in a TransmissionLine has the H&J impedance and Pozar's dielectric loss",
          "[phy][microstrip][reference]") {
  const double w = 180e-6, h = 100e-6, t = 35e-6, dk = 4.0, df = 0.002;
  auto geom = std::make_shared<Microstrip>(dims(w, t, h));
  LineConductor cond;
  cond.conductivity_s_per_m = 5.8e7;
  const TransmissionLine line(geom, Dielectric::constant(dk, df), cond);
  // Lossless impedance at 1 MHz, where K&J dispersion changes eps_eff by ~1e-9: 1e-6.
  CHECK(line.impedance_ohm(1e6) == Approx(microstrip_z0(w, h, t, dk)).epsilon(1e-6));
  // alpha_dielectric = (G/2) sqrt(L/C) to first order; Pozar eq. 3.198 assumes L = L_ext, while
  // the line's series reactance also holds the metal's internal inductance (omega L_int ~ R at
  // high frequency), which raises alpha_d by sqrt(L_total/L_ext) (+0.34 % here at 10 GHz). With
  // that factor taken from the line itself the remaining terms are of relative order
  // (R/(omega L))^2 ~ 1e-4: 1e-3 tolerance, at the dispersive eps_eff.
  const double f = 10e9;
  const double e = geom->effective_permittivity(f, {dk, 0.0}).real();
  const double k0 = 2.0 * pi * f / c0;
  const double pozar = k0 * dk * (e - 1.0) * df / (2.0 * std::sqrt(e) * (dk - 1.0));
  const LinePoint p = line.at(f);
  const double l_ratio = p.z_per_m.imag() / (2.0 * pi * f * line.external_inductance_h_per_m());
  CHECK(p.alpha_dielectric == Approx(pozar * std::sqrt(l_ratio)).epsilon(1e-3));
}

TEST_CASE("Wide microstrip Wheeler factors approach the parallel-plate limit 1/w",
          "[phy][microstrip][wheeler][reference]") {
  // Parallel plate (w >> h): the current flows on the strip's bottom face and the plane's top face
  // over the width w, so both factors tend to 1/w. The approach is slow, ~ (h/w) ln(w/h) from
  // the edge fringing. Measured with t = 0.01 h: at w/h = 50 the strip factor is 0.972/w and the
  // plane factor 0.870/w; at w/h = 5000 both are within 0.5 % of 1/w.
  const double h = 100e-6;
  {
    const Microstrip m(dims(50.0 * h, 0.01 * h, h));
    const WheelerFactors g = m.wheeler_factors();
    // Strip: within a few per cent of 1/w at w/h = 50 (the edges' fringing and the thickness term
    // of du1, which grows like ln(h/t) as t -> 0, shift it by -2.8 % here): 4 % tolerance.
    CHECK(g.strip_per_m * 50.0 * h == Approx(1.0).epsilon(0.04));
    // Plane: 13 % below 1/w at w/h = 50 -- the return current spreads beyond w. Checked instead
    // against the boundary-element solver: dL/dh by central difference of its vacuum impedance
    // (zero thickness; this line has t = 0.01 h) -- 0.5 % tolerance (measured 0.03 %).
    const double dh = 1e-3 * h;
    auto l_bem = [&](double hh) { return bem::microstrip_single(50.0 * h, hh, 1.0).z0_ohm / c0; };
    const double g_plane_bem = (l_bem(h + dh) - l_bem(h - dh)) / (2.0 * dh) / mu0;
    CHECK(g.plane_per_m == Approx(g_plane_bem).epsilon(5e-3));
  }
  {
    const Microstrip m(dims(5000.0 * h, 0.01 * h, h));
    const WheelerFactors g = m.wheeler_factors();
    // At w/h = 5000 both within 0.5 % of 1/w (measured 0.999 and 0.997).
    CHECK(g.strip_per_m * 5000.0 * h == Approx(1.0).epsilon(5e-3));
    CHECK(g.plane_per_m * 5000.0 * h == Approx(1.0).epsilon(5e-3));
  }
}

TEST_CASE("Microstrip rejects non-positive dimensions naming the field and value",
          "[phy][microstrip][unit]") {
  auto message = [](const MicrostripDims& d) {
    try {
      Microstrip m(d);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  MicrostripDims d = dims(150e-6, 35e-6, 100e-6);
  d.width_m = -1e-6;
  CHECK_THAT(message(d), Catch::Contains("width") && Catch::Contains("-0.000001") &&
                             Catch::Contains("> 0"));
  d = dims(150e-6, 0.0, 100e-6);
  CHECK_THAT(message(d), Catch::Contains("thickness"));
  d = dims(150e-6, 35e-6, 0.0);
  CHECK_THAT(message(d), Catch::Contains("height"));
  d = dims(150e-6, 35e-6, 100e-6);
  d.plane_thickness_m = 0.0;
  CHECK_THAT(message(d), Catch::Contains("plane_thickness"));
  CHECK_THROWS_AS(microstrip_z0(1e-4, 1e-4, 0.0, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(microstrip_z0_air(1e-4, 1e-4, -1e-6), std::invalid_argument);
  CHECK_THROWS_AS(CoupledMicrostrip(dims(1e-4, 1e-5, 1e-4, 0.0), LineMode::differential),
                  std::invalid_argument);
  CHECK_THROWS_AS(CoupledMicrostrip(dims(1e-4, 1e-5, 1e-4, 1e-4), LineMode::single_ended),
                  std::invalid_argument);
}

// ---- coupled microstrip ------------------------------------------------------------------------

TEST_CASE("Coupled microstrip even/odd Z0 and eps_eff agree with the boundary-element solver",
          "[phy][microstrip][coupled_microstrip][reference]") {
  // Reference: bem::microstrip_pair (zero thickness, even = both strips at +1 V, odd = +1/-1 V).
  // K&J 1984 state 0.6 % for Z0e, Z0o, 0.7 % for eps_eff,e and 0.5 % for eps_eff,o against their
  // own spectral-domain data over 0.1 <= u, g <= 10, eps_r <= 18. Measured here: Z0e <= 0.68 %,
  // eps_eff,e <= 0.58 %, Z0o and eps_eff,o <= 0.75 % except in the corner w/h = 10, s/h = 0.1
  // (wide strips, narrow gap) where Z0o errs by up to 1.6 % and eps_eff,o by 0.8 %. Tolerance:
  // 1 %, and 2 % in that corner.
  const double h = 1e-3;
  for (double eps_r : {1.0, 2.2, 4.3, 9.8}) {
    for (double u : {0.1, 0.3, 1.0, 3.0, 10.0}) {
      for (double g : {0.1, 0.3, 1.0, 3.0, 10.0}) {
        const bem::PairResult ref = bem::microstrip_pair(u * h, g * h, h, eps_r);
        const CoupledMicrostripModes k = coupled_microstrip_even_odd(u * h, g * h, h, 0.0, eps_r);
        INFO("eps_r = " << eps_r << ", w/h = " << u << ", s/h = " << g << ": Z0e " << k.z0_ohm.even
                        << " vs " << ref.even.z0_ohm << ", Z0o " << k.z0_ohm.odd << " vs "
                        << ref.odd.z0_ohm << ", eps_e " << k.eps_eff_even << " vs "
                        << ref.even.eps_eff << ", eps_o " << k.eps_eff_odd << " vs "
                        << ref.odd.eps_eff);
        const double tol = (u >= 10.0 && g <= 0.1) ? 0.02 : 0.01;
        CHECK(rel_err(k.z0_ohm.even, ref.even.z0_ohm) < tol);
        CHECK(rel_err(k.z0_ohm.odd, ref.odd.z0_ohm) < tol);
        CHECK(rel_err(k.eps_eff_even, ref.even.eps_eff) < tol);
        CHECK(rel_err(k.eps_eff_odd, ref.odd.eps_eff) < tol);
      }
    }
  }
}

TEST_CASE("Coupled microstrip designed for 100 ohm differential gives 100 ohm",
          "[phy][microstrip][coupled_microstrip][reference]") {
  // A typical FR-4 outer-layer pair: h = 100 um, s = 150 um, eps_r = 4.3. The width for
  // Zdiff = 100.00 ohm, w = 166.77 um, was found by bisection on the boundary-element solver
  // (zero thickness); the test first confirms that reference (0.05 %: the bisection's rounding),
  // then K&J against it: 1 % (K&J's 0.6 % claim plus margin; measured -0.04 %).
  const double h = 100e-6, s = 150e-6, w = 166.77e-6, eps_r = 4.3;
  const double zdiff_bem = 2.0 * bem::microstrip_pair(w, s, h, eps_r).odd.z0_ohm;
  REQUIRE(zdiff_bem == Approx(100.0).epsilon(5e-4));
  const CoupledMicrostripModes k = coupled_microstrip_even_odd(w, s, h, 0.0, eps_r);
  CHECK(2.0 * k.z0_ohm.odd == Approx(zdiff_bem).epsilon(0.01));
  // The LineGeometry in differential mode reports the same Zdiff (static, real eps_r): identity.
  const CoupledMicrostrip diff(dims(w, 1e-9, h, s), LineMode::differential);
  const double z = diff.air_impedance_ohm() / std::sqrt(diff.effective_permittivity(0.0, eps_r).real());
  CHECK(z == Approx(2.0 * coupled_microstrip_even_odd(w, s, h, 1e-9, eps_r).z0_ohm.odd).epsilon(1e-9));
}

TEST_CASE("Widely spaced coupled microstrips become two independent single lines",
          "[phy][microstrip][coupled_microstrip][property]") {
  // As s -> infinity Q4, Q10 -> 0, v -> u, exp(-c_o g^d_o) -> 0 and the Jansen thickness split
  // dt -> 0, so K&J reduce to H&J. Zero thickness, measured: 0.07 % at s/h = 30, 0.007 % at
  // s/h = 100 (tolerances 0.1 %, 0.01 %). A thick pair converges more slowly because Jansen's
  // odd-mode gap-wall term dt = t h/(eps_r s) decays only as 1/s: with t/h = 0.35 the odd mode is
  // still 0.2 % (Z0o) and 0.6 % (eps_eff,o) off at s/h = 30 and 0.04 % / 0.2 % at s/h = 100
  // (tolerance 0.5 % there).
  const double h = 100e-6, w = 100e-6;
  {
    const double z = microstrip_z0(w, h, 0.0, 4.3);
    const double e = microstrip_eps_eff_static(w, h, 0.0, 4.3);
    const CoupledMicrostripModes k30 = coupled_microstrip_even_odd(w, 30.0 * h, h, 0.0, 4.3);
    CHECK(k30.z0_ohm.even == Approx(z).epsilon(1e-3));
    CHECK(k30.z0_ohm.odd == Approx(z).epsilon(1e-3));
    CHECK(k30.eps_eff_even == Approx(e).epsilon(1e-3));
    CHECK(k30.eps_eff_odd == Approx(e).epsilon(1e-3));
    const CoupledMicrostripModes k100 = coupled_microstrip_even_odd(w, 100.0 * h, h, 0.0, 4.3);
    CHECK(k100.z0_ohm.even == Approx(z).epsilon(1e-4));
    CHECK(k100.z0_ohm.odd == Approx(z).epsilon(1e-4));
    CHECK(k100.eps_eff_even == Approx(e).epsilon(1e-4));
    CHECK(k100.eps_eff_odd == Approx(e).epsilon(1e-4));
  }
  {
    const double t = 35e-6;
    const double z = microstrip_z0(w, h, t, 4.3);
    const double e = microstrip_eps_eff_static(w, h, t, 4.3);
    const CoupledMicrostripModes k100 = coupled_microstrip_even_odd(w, 100.0 * h, h, t, 4.3);
    CHECK(k100.z0_ohm.even == Approx(z).epsilon(5e-3));
    CHECK(k100.z0_ohm.odd == Approx(z).epsilon(5e-3));
    CHECK(k100.eps_eff_even == Approx(e).epsilon(5e-3));
    CHECK(k100.eps_eff_odd == Approx(e).epsilon(5e-3));
  }
  for (double t : {0.0, 35e-6}) {
    const double z = microstrip_z0(w, h, t, 4.3);
    // Coupling orders the modes: Z0e > Z0 > Z0o, eps_e > eps_o (more odd-mode field in the air gap).
    const CoupledMicrostripModes k1 = coupled_microstrip_even_odd(w, h, h, t, 4.3);
    CHECK(k1.z0_ohm.even > z);
    CHECK(k1.z0_ohm.odd < z);
    CHECK(k1.eps_eff_even > k1.eps_eff_odd);
  }
}

TEST_CASE("Coupled microstrip thickness correction agrees with the boundary-element solver in "
          "vacuum within its measured accuracy",
          "[phy][microstrip][coupled_microstrip][reference]") {
  // As for the single line: vacuum makes a thick pair the limit of a stripline pair with a far
  // upper plane (200 h). This checks Jansen's even/odd width split with dt = t h/(eps_r s).
  // Measured (docs/microstrip.md): Z0e -0.3 ... -2.3 %, Z0o -1.1 ... +4.6 %, growing with t/s.
  // Tolerance 2.5 % on Z0e, and on Z0o 3 % for t/s <= 0.2 and 5 % up to t/s = 0.4. These are the
  // model's own limits (the closed form, not the solver, is the approximate side), recorded so a
  // change in either that worsens them is caught.
  const double h = 1e-3;
  for (double u : {0.5, 1.0, 2.0, 3.0}) {
    for (double g : {0.5, 1.0, 2.0}) {
      for (double tn : {0.05, 0.1, 0.2, 0.35}) {
        if (g < 2.0 * tn) continue;  // Jansen's correction presumes s >= 2 t
        const bem::PairResult ref = bem::stripline_pair(u * h, g * h, tn * h, h, 200.0 * h, 1.0);
        const EvenOdd k = coupled_microstrip_z0_air(u * h, g * h, h, tn * h);
        INFO("w/h = " << u << ", s/h = " << g << ", t/h = " << tn << ": Z0e " << k.even << " vs "
                      << ref.even.z0_ohm << ", Z0o " << k.odd << " vs " << ref.odd.z0_ohm);
        CHECK(rel_err(k.even, ref.even.z0_ohm) < 0.025);
        CHECK(rel_err(k.odd, ref.odd.z0_ohm) < (tn / g <= 0.2 ? 0.03 : 0.05));
      }
    }
  }
}

TEST_CASE("Coupled microstrip mode eps_eff(f) rise monotonically from their static values",
          "[phy][microstrip][coupled_microstrip][dispersion][property]") {
  const double h = 100e-6, w = 120e-6, s = 150e-6, t = 35e-6;
  for (double eps_r : {2.2, 4.3, 9.8}) {
    const CoupledMicrostripModes k0 = coupled_microstrip_even_odd(w, s, h, t, eps_r);
    const CoupledMicrostripModes kf0 = coupled_microstrip_even_odd(w, s, h, t, eps_r, 0.0);
    CHECK(kf0.eps_eff_even == Approx(k0.eps_eff_even).epsilon(1e-15));
    CHECK(kf0.eps_eff_odd == Approx(k0.eps_eff_odd).epsilon(1e-15));
    double pe = k0.eps_eff_even, po = k0.eps_eff_odd;
    // fn = 0.05 ... 25 GHz mm (K&J's range for 1.4 %), i.e. 0.5 ... 250 GHz on h = 0.1 mm.
    for (double f = 0.5e9; f <= 250e9; f *= 1.3) {
      const CoupledMicrostripModes k = coupled_microstrip_even_odd(w, s, h, t, eps_r, f);
      INFO("eps_r = " << eps_r << ", f = " << f);
      CHECK(k.eps_eff_even > pe);
      CHECK(k.eps_eff_odd > po);
      CHECK(k.eps_eff_even < eps_r);
      CHECK(k.eps_eff_odd < eps_r);
      pe = k.eps_eff_even;
      po = k.eps_eff_odd;
    }
  }
}

TEST_CASE("Coupled microstrip mode dispersion of a widely spaced pair follows Kobayashi's independent law",
          "[phy][microstrip][coupled_microstrip][dispersion][reference]") {
  // At s/h = 30 the modes are two uncoupled lines, so each mode's eps_eff(f) must follow a
  // single-line dispersion law. Reference: Kobayashi 1988 (kobayashi_eps_eff above, an independent
  // fit to full-wave data, stated accuracy 0.6 %), started from the mode's own static eps_eff. This
  // checks K&J 1984's coupled dispersion (its P1 ... P15 terms), which has no other independent
  // check here. Zero thickness; fn = f h = 1 ... 25 GHz mm. Measured: worst 1.06 % (w/h = 3,
  // eps_r 9.8, fn = 25; the single-line K&J 1982 law is itself 0.7 % off Kobayashi at fn <= 10,
  // 1.06 % at fn = 30); tolerance 1.2 %, as for the single line.
  const double h = 0.5e-3;
  for (double eps_r : {2.2, 4.3, 9.8}) {
    for (double u : {0.3, 1.0, 3.0}) {
      const CoupledMicrostripModes k0 = coupled_microstrip_even_odd(u * h, 30 * h, h, 0.0, eps_r);
      for (double fn : {1.0, 3.0, 10.0, 25.0}) {
        const double f = fn * 1e9 / (h * 1e3);
        const CoupledMicrostripModes k = coupled_microstrip_even_odd(u * h, 30 * h, h, 0.0, eps_r, f);
        const double ke = kobayashi_eps_eff(u, h, eps_r, k0.eps_eff_even, f);
        const double ko = kobayashi_eps_eff(u, h, eps_r, k0.eps_eff_odd, f);
        INFO("eps_r " << eps_r << ", w/h " << u << ", fn " << fn << ": even " << k.eps_eff_even << " vs " << ke
                      << ", odd " << k.eps_eff_odd << " vs " << ko);
        CHECK(rel_err(k.eps_eff_even, ke) < 0.012);
        CHECK(rel_err(k.eps_eff_odd, ko) < 0.012);
      }
    }
  }
}

TEST_CASE("Coupled microstrip differential and common modes are bookkept from odd and even",
          "[phy][microstrip][coupled_microstrip][unit]") {
  const double w = 120e-6, t = 35e-6, h = 100e-6, s = 150e-6;
  const CoupledMicrostrip diff(dims(w, t, h, s), LineMode::differential);
  const CoupledMicrostrip cm(dims(w, t, h, s), LineMode::common);
  const EvenOdd za = coupled_microstrip_z0_air(w, s, h, t);
  CHECK(diff.kind() == "coupled_microstrip");
  CHECK(diff.mode() == LineMode::differential);
  CHECK(cm.mode() == LineMode::common);
  // Rounding only: Zdiff = 2 Z0o, Zcm = Z0e / 2; C_diff = C_odd/2; R_dc factors 2/(wt), 1/(2wt).
  CHECK(diff.air_impedance_ohm() == Approx(2.0 * za.odd).epsilon(1e-12));
  CHECK(cm.air_impedance_ohm() == Approx(0.5 * za.even).epsilon(1e-12));
  CHECK(diff.air_even_odd().odd == Approx(za.odd).epsilon(1e-15));
  CHECK(diff.strip_dc_factor_per_m2() == Approx(2.0 / (w * t)).epsilon(1e-15));
  CHECK(cm.strip_dc_factor_per_m2() == Approx(0.5 / (w * t)).epsilon(1e-15));
  CHECK(diff.smallest_dimension_m() == t);
  const double f = 20e9, eps_r = 3.8;
  const CoupledMicrostripModes k = coupled_microstrip_even_odd(w, s, h, t, eps_r, f);
  CHECK(diff.effective_permittivity(f, eps_r).real() == Approx(k.eps_eff_odd).epsilon(1e-12));
  CHECK(cm.effective_permittivity(f, eps_r).real() == Approx(k.eps_eff_even).epsilon(1e-12));
  // Both modes' Wheeler factors are positive (TransmissionLine requires it) and the differential
  // pair's strip factor exceeds a single strip's (two strips in series, current crowded at the gap).
  const WheelerFactors gd = diff.wheeler_factors();
  const WheelerFactors gc = cm.wheeler_factors();
  CHECK(gd.strip_per_m > 0.0);
  CHECK(gd.plane_per_m > 0.0);
  CHECK(gc.strip_per_m > 0.0);
  CHECK(gc.plane_per_m > 0.0);
  CHECK(gd.strip_per_m > Microstrip(dims(w, t, h)).wheeler_factors().strip_per_m);
}
