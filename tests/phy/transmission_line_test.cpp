// Transmission line assembly: RLGC, attenuation split, dielectric loss, causality.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "phy/constants.hpp"
#include "phy/microstrip.hpp"
#include "phy/strip_bem.hpp"
#include "phy/stripline.hpp"
#include "phy/transmission_line.hpp"
#include "phy/units.hpp"
#include "tests/support/reference_fft.hpp"

using namespace phylane::phy;

namespace {

std::shared_ptr<const LineGeometry> centred_stripline(double w_mil = 5, double h_mil = 5) {
  StriplineDims d{w_mil * units::mil, 0.6 * units::mil, h_mil * units::mil, h_mil * units::mil, 0.0,
                  1.2 * units::mil};
  return std::make_shared<Stripline>(d);
}

Roughness huray(double a_um, double sr) {
  Roughness r;
  r.model = RoughnessModel::huray;
  r.nodule_radius_m = a_um * 1e-6;
  r.surface_ratio = sr;
  return r;
}

// Independent line parameters of a centred stripline from the boundary-element solver
// (phy/strip_bem.hpp, a separate numerical method, discretisation error < 3e-5): the external
// inductance L = Z0_air / c0 and Wheeler's incremental-inductance factors g = (1/mu0) dL/dn computed
// here by central differences of the solver's L under receding walls (Wheeler 1942; Pozar 4th ed.,
// sec. 2.7): the strip's faces recede by n (w - 2n, t - 2n, both gaps + n), or the planes (gaps + n).
struct BemLine {
  double l_ext = 0.0, z0_air = 0.0, g_strip = 0.0, g_plane = 0.0;
};
BemLine bem_line(double w_mil = 5, double h_mil = 5) {
  const double w = w_mil * units::mil, t = 0.6 * units::mil, h = h_mil * units::mil;
  auto l = [&](double ns, double np) {
    return bem::stripline_single(w - 2 * ns, t - 2 * ns, h + ns + np, h + ns + np, 1.0).z0_ohm / c0;
  };
  const double n = 2e-3 * t;  // above the solver's ~1e-9 round-off, truncation ~(n/t)^2
  BemLine b;
  b.l_ext = l(0, 0);
  b.z0_air = b.l_ext * c0;
  b.g_strip = (l(n, 0) - l(-n, 0)) / (2 * n) / mu0;
  b.g_plane = (l(0, n) - l(0, -n)) / (2 * n) / mu0;
  return b;
}

// Huray's snowball factor, Huray et al., "Impact of copper surface texture on loss", DesignCon
// 2010 (and P. G. Huray, The Foundations of Signal Integrity, Wiley 2009, ch. 6):
//   K = 1 + (3/2) SR / (1 + delta/a + delta^2/(2 a^2)).
double huray_paper(double a, double sr, double delta) {
  return 1.0 + 1.5 * sr / (1.0 + delta / a + delta * delta / (2 * a * a));
}

}  // namespace

TEST_CASE("Dielectric attenuation of a homogeneous TEM line is pi f sqrt(Dk) tan(delta) / c",
          "[phy][line][reference]") {
  // Pozar, Microwave Engineering, 4th ed., sec. 2.7 (TEM line): alpha_d = k tan(delta)/2 =
  // pi f sqrt(eps_r) tan(delta)/c. Near-perfect conductor (sigma = 1e30 S/m) isolates the
  // dielectric term. The formula is first order in tan(delta): tolerance 0.5 % (the issue's),
  // the second-order error here is < 1e-4.
  for (double df : {0.001, 0.01, 0.02}) {
    TransmissionLine tl(centred_stripline(), Dielectric::constant(4.0, df), {1e30, {}, {}});
    for (double f : {1e9, 1e10, 5e10}) {
      const double expected = pi * f * std::sqrt(4.0) * df / c0;
      const auto p = tl.at(f);
      CHECK(p.alpha_dielectric == Approx(expected).epsilon(0.005));
      CHECK(p.gamma.real() == Approx(expected).epsilon(0.005));
    }
  }
}

TEST_CASE("A rough, lossy stripline's attenuation is the low-loss R/(2 Z0) + G Z0/2 of boundary-element "
          "line parameters",
          "[phy][line][reference]") {
  // Independent reference: alpha = Re sqrt((R + j w L)(G + j w C)) (Pozar 4th ed., sec. 2.1; ~ R/(2 Z0)
  // + G Z0/2, eq. 2.84) with L = L_ext, C = Dk' C_air, G = w C_air Dk'' (C_air = 1/(c0 Z0_air)) from the solver,
  // R = Rs (K_strip g_strip + K_plane g_plane), g from the solver's incremental inductance and K
  // the Huray factor in its published form; evaluated exactly as Re sqrt(Z Y) with the smooth
  // internal reactance Rs g in Z. From 1 GHz (delta < t/4, so the skin-effect limit holds).
  // Measured: -0.12 % (1 GHz), -0.32 % (3 GHz), -0.19 %, -0.01 % (40 GHz): the closed-form Wheeler
  // factors are 0.1 % above the solver's and the roughness's own reactance, left out of the
  // reference, lowers alpha slightly. Tolerance 0.5 %. The reported parts sum to the total.
  const auto ds = Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10);
  TransmissionLine tl(centred_stripline(), ds, {5.8e7, huray(0.5, 2.0), huray(0.5, 2.0)});
  const BemLine b = bem_line();
  for (double f : {1e9, 3e9, 1e10, 4e10}) {
    const auto er = ds.permittivity(f);
    const double delta = 1.0 / std::sqrt(pi * f * mu0 * 5.8e7);
    const double rs = 1.0 / (5.8e7 * delta);
    const double r = rs * huray_paper(0.5e-6, 2.0, delta) * (b.g_strip + b.g_plane);
    const double w = 2 * pi * f, c = er.real() / (c0 * b.z0_air);
    const double g = w * (-er.imag()) / (c0 * b.z0_air);
    // Exact Re sqrt(Z Y), Z = R + j (w L_ext + Rs g_total) (smooth-metal internal reactance).
    const double expected = std::sqrt(std::complex<double>(r, w * b.l_ext + rs * (b.g_strip + b.g_plane)) *
                                      std::complex<double>(g, w * c)).real();
    const auto p = tl.at(f);
    INFO("f = " << f << ": alpha " << p.gamma.real() << " vs " << expected);
    CHECK(p.gamma.real() == Approx(expected).epsilon(0.005));
    CHECK(p.alpha_conductor + p.alpha_roughness + p.alpha_dielectric == Approx(p.gamma.real()).epsilon(1e-9));
  }
}

TEST_CASE("A wide stripline's conductor factors approach the parallel-plate values", "[phy][line][reference]") {
  // w/b = 20: each face of the strip and each plane carries half the current over width w, so
  // g_strip -> 1/(2w) and g_plane -> 1/(2w) (parallel-plate line, Pozar 4th ed., Table 2.1),
  // plus edge fringing of order b/w: asserted within 10 %.
  const double w = 200 * units::mil;
  StriplineDims d{w, 0.6 * units::mil, 4.7 * units::mil, 4.7 * units::mil, 0.0, 1.2 * units::mil};
  Stripline g(d);
  const auto wf = g.wheeler_factors();
  CHECK(wf.strip_per_m == Approx(1.0 / (2.0 * w)).epsilon(0.10));
  CHECK(wf.plane_per_m == Approx(1.0 / (2.0 * w)).epsilon(0.10));
  CHECK(wf.strip_per_m > 1.0 / (2.0 * w));  // edges add loss, never remove it
}

TEST_CASE("At high frequency, conductor attenuation is Rs g / (2 Z0) with g from the boundary-element solver",
          "[phy][line][reference]") {
  // Low-loss line: alpha_c = R/(2 Z0) (Pozar 4th ed., eq. 2.84), R = Rs (g_strip + g_plane) by
  // Wheeler's rule, with g and Z0 computed in this test from the boundary-element solver (not
  // from the closed forms the line uses). Measured: the closed-form strip and plane factors are
  // +0.11 % and +0.10 % above the solver's; alpha_c is 0.13 % below at 20 GHz (internal
  // reactance). Tolerances 0.3 %.
  auto g = centred_stripline();
  TransmissionLine tl(g, Dielectric::constant(3.5, 0.0), {5.8e7, {}, {}});
  const BemLine b = bem_line();
  const auto wf = g->wheeler_factors();
  INFO("strip " << wf.strip_per_m << " vs " << b.g_strip << ", plane " << wf.plane_per_m << " vs " << b.g_plane);
  CHECK(wf.strip_per_m == Approx(b.g_strip).epsilon(0.003));
  CHECK(wf.plane_per_m == Approx(b.g_plane).epsilon(0.003));
  const double f = 2e10;
  const double r = std::sqrt(pi * f * mu0 / 5.8e7) * (b.g_strip + b.g_plane);
  const double z0 = b.z0_air / std::sqrt(3.5);
  CHECK(tl.at(f).alpha_conductor == Approx(r / (2.0 * z0)).epsilon(0.003));
}

TEST_CASE("Loss grows with frequency and roughness never lowers the high-frequency loss", "[phy][line][property]") {
  TransmissionLine smooth(centred_stripline(), Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10), {5.8e7, {}, {}});
  TransmissionLine rough(centred_stripline(), Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10),
                         {5.8e7, huray(0.5, 3.0), huray(0.5, 3.0)});
  double prev = 0.0;
  for (double f = 1e7; f <= 1e11; f *= 1.5) {
    const double a = rough.at(f).gamma.real();
    CHECK(a > prev);
    prev = a;
    if (f > 1e8) CHECK(a > smooth.at(f).gamma.real());
  }
}

TEST_CASE("Impedance and delay of a stripline follow Dk(f) as the boundary-element solver gives them",
          "[phy][line][reference]") {
  // References: the boundary-element solver's Z0 and eps_eff for the same cross-section filled with
  // Re Dk(f) (homogeneous, so eps_eff = Dk exactly, delay sqrt(Dk)/c0); the DC series resistance
  // of a w x t copper strip, 1/(sigma w t), plus the plane's. Measured: Z0 within 0.07 % of the
  // solver (measured 0.014 %, Wheeler's 1978 closed form), the delay within 1e-9; tolerances
  // 0.05 % and 1e-6.
  auto g = centred_stripline();
  const auto d = Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10);
  TransmissionLine tl(g, d, {5.8e7, {}, {}});
  for (double f : {1e8, 1e10, 5e10}) {
    const double dk = d.permittivity(f).real();
    const auto ref = bem::stripline_single(5 * units::mil, 0.6 * units::mil, 5 * units::mil, 5 * units::mil, dk);
    INFO("f = " << f << ": Z0 " << tl.impedance_ohm(f) << " vs " << ref.z0_ohm);
    CHECK(tl.delay_s_per_m(f) == Approx(std::sqrt(ref.eps_eff) / c0).epsilon(1e-6));
    CHECK(tl.impedance_ohm(f) == Approx(ref.z0_ohm).epsilon(5e-4));
    // The full Z0 approaches the lossless value within the loss-induced 1 % (R/(w L) < 2 % here).
    if (f >= 1e10) CHECK(tl.at(f).z0.real() == Approx(ref.z0_ohm).epsilon(0.01));
  }
  // DC: the strip's 1/(sigma w t) plus the plane modelled as a sheet of width 1/g_plane and
  // thickness t_plane (7 % of the total here). Measured 0.07 %.
  const double r_strip = 1.0 / (5.8e7 * 5 * units::mil * 0.6 * units::mil);
  const double r_plane = bem_line().g_plane / (5.8e7 * 1.2 * units::mil);
  CHECK(tl.at(0.0).z_per_m.real() == Approx(r_strip + r_plane).epsilon(0.003));
}

namespace {

// Fraction of the impulse-response energy of a matched line that arrives before its wavefront
// (earlier than `front_s - guard_s`, or at negative times, which wrap to the end of the period;
// the period is long enough that the causal response's own tail is negligible there).
// H(f) = exp(-gamma(f) L) times a Gaussian window exp(-(f/fw)^2) that bounds the bandwidth (its
// own response ~ exp(-(pi fw t)^2) is negligible beyond the guard) and a causal first-order
// high-pass j w tau / (1 + j w tau), tau = 0.5 ns, which removes the line's slow diffusive tail so
// that it cannot wrap around the period; causal filters keep a causal response causal.
double precursor_energy(const TransmissionLine& tl, double length_m, double front_s, double guard_s) {
  const std::size_t n = 65536;  // time samples
  const double df = 5e6;        // period 1/df = 200 ns: the skin-effect tail has died out by then
  const double fw = 20e9;
  std::vector<std::complex<double>> spec(n);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    const double f = df * static_cast<double>(k);
    const std::complex<double> jwt(0.0, 2.0 * pi * f * 0.5e-9);
    const auto h = std::exp(-tl.at(f, false).gamma * length_m) * std::exp(-(f / fw) * (f / fw)) *
                   jwt / (1.0 + jwt);
    spec[k] = h;
    if (k > 0 && k < n / 2) spec[n - k] = std::conj(h);
  }
  phylane::test::reference_fft(spec, true);
  const double dt = 1.0 / (df * static_cast<double>(n));
  double before = 0.0, total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = dt * static_cast<double>(i);
    const double e = spec[i].real() * spec[i].real();
    total += e;
    if (t < front_s - guard_s || t > 180e-9) before += e;  // 180..200 ns is t < 0, wrapped
  }
  return before / total;
}

}  // namespace

TEST_CASE("A line with the Djordjevic-Sarkar dielectric has a causal impulse response, one with constant Df does not",
          "[phy][line][causality]") {
  // Causal: nothing arrives before the front L sqrt(eps_inf)/c (the infinite-frequency velocity).
  // The constant-Df line, whose fastest velocity is c/sqrt(Dk), shows energy before L sqrt(Dk)/c:
  // its response is a Lorentzian centred on the delay (Hilbert pair missing).
  const double L = 0.5;
  const double guard = 100e-12;  // Gaussian window's own spread is < 30 ps
  const auto ds = Dielectric::djordjevic_sarkar(4.0, 0.02, 1e9);
  TransmissionLine causal(centred_stripline(), ds, {5.8e7, huray(0.5, 2.0), huray(0.5, 2.0)});
  const double front_ds = L * std::sqrt(ds.eps_inf()) / c0;
  const double pre_ds = precursor_energy(causal, L, front_ds, guard);
  TransmissionLine acausal(centred_stripline(), Dielectric::constant(4.0, 0.02), {5.8e7, {}, {}});
  const double pre_const = precursor_energy(acausal, L, L * std::sqrt(4.0) / c0, guard);
  INFO("precursor energy: DS " << pre_ds << ", constant Df " << pre_const);
  // Measured: DS with causal Huray roughness ~1e-13 (numerical floor); constant Df ~5e-3. With the
  // roughness factor applied as a real number (not causal) the DS line measured ~1e-4.
  CHECK(pre_ds < 1e-10);
  CHECK(pre_const > 1e-4);
}

#include "phy/microstrip.hpp"

TEST_CASE("A differential coupled microstrip with Kirschning-Jansen dispersion and a Djordjevic-Sarkar "
          "dielectric is causal, with a small measured precursor",
          "[phy][line][causality][coupled_microstrip]") {
  // The K&J 1984 mode dispersion (eps_eff rising with f at fixed eps_r) combined with the causal DS
  // permittivity, as a matched line's impulse response (precursor_energy above, an FFT of
  // exp(-gamma L)). An open line's true front is the vacuum one, L/c0: nothing may arrive before
  // it. Measured 1.9e-11 (near the numerical floor of this window: the stripline above shows ~1e-12).
  //
  // The stricter test, energy before the earliest phase arrival of any component,
  // L sqrt(min_f Re eps_eff(f))/c0 - 100 ps, measures 1.4e-7 (7.7e-9 with a 200 ps guard, 4e-11
  // with 800 ps), against ~1e-12 for the stripline and 4e-3 for a constant-Df line. The geometric
  // rise of K&J's eps_eff(f) carries no loss, so eps_eff(f) - eps_eff(inf) is not a Hilbert pair
  // (the shunt admittance j w C_air eps_eff(w) is not exactly causal): a small spread of energy ahead
  // of the main arrival results. Recorded here (bound 3e-7) so that a change that worsens it is
  // caught; reported in issue 14.
  MicrostripDims d;
  d.width_m = 5 * units::mil;
  d.thickness_m = 1.4 * units::mil;
  d.height_m = 4 * units::mil;
  d.plane_thickness_m = 1.2 * units::mil;
  d.spacing_m = 6 * units::mil;
  const auto ds = Dielectric::djordjevic_sarkar(4.0, 0.02, 1e9);
  TransmissionLine tl(std::make_shared<CoupledMicrostrip>(d, LineMode::differential), ds, {5.8e7, {}, {}});
  double eps_min = 1e9;
  for (double f = 1e6; f <= 2e11; f *= 1.05)
    eps_min = std::min(eps_min, tl.at(f, false).y_per_m.imag() / (2 * pi * f * tl.air_capacitance_f_per_m()));
  const double L = 0.5;
  const double pre_vacuum = precursor_energy(tl, L, L / c0, 100e-12);
  const double pre_phase = precursor_energy(tl, L, L * std::sqrt(eps_min) / c0, 100e-12);
  INFO("min eps_eff " << eps_min << ", precursor energy before L/c " << pre_vacuum << ", before the slowest phase "
                      << pre_phase);
  CHECK(pre_vacuum < 1e-10);
  CHECK(pre_phase < 3e-7);
}

TEST_CASE("The tabulated filling factor of an inhomogeneous line matches the closed forms", "[phy][line][unit]") {
  // TransmissionLine interpolates q(f) of microstrips for speed; the direct closed-form value is
  // the reference. Tolerance 1e-6 relative (cubic interpolation at 40 points per decade), a phase
  // error below 1 mrad over 1 m at 50 GHz.
  MicrostripDims d;
  d.width_m = 5 * units::mil;
  d.thickness_m = 1.9 * units::mil;
  d.height_m = 3 * units::mil;
  d.plane_thickness_m = 1.2 * units::mil;
  d.spacing_m = 5 * units::mil;
  const auto diel = Dielectric::djordjevic_sarkar(4.2, 0.02, 1e9);
  for (auto g : {std::shared_ptr<const LineGeometry>(std::make_shared<Microstrip>(d)),
                 std::shared_ptr<const LineGeometry>(std::make_shared<CoupledMicrostrip>(d, LineMode::differential))}) {
    TransmissionLine tl(g, diel, {5.8e7, {}, {}});
    for (double f = 1.1e6; f < 9e11; f *= 1.37) {
      const double direct = g->effective_permittivity(f, diel.permittivity(f)).real();
      CHECK(tl.at(f).y_per_m.imag() / (2 * pi * f * tl.air_capacitance_f_per_m()) == Approx(direct).epsilon(1e-6));
    }
  }
}

#include "phy/complex_math.hpp"

TEST_CASE("fast_sqrt is the principal complex square root", "[phy][line][unit]") {
  // Reference: std::sqrt(std::complex), the C99 csqrt. Tolerance: a few ulps.
  for (double x : {-3.0, -1e-3, 0.0, 2e-7, 5.0})
    for (double y : {-4.0, -1e-9, 0.0, 1e-9, 7.0}) {
      const std::complex<double> z(x, y);
      CHECK(std::abs(fast_sqrt(z) - std::sqrt(z)) <= 1e-15 * std::max(1.0, std::abs(std::sqrt(z))));
    }
}


#include "phy/conductor.hpp"

TEST_CASE("The line's series impedance is the boundary-element L_ext plus the rough-surface internal impedances",
          "[phy][line][reference]") {
  // Independent references: L_ext and the Wheeler factors from the boundary-element solver; at DC
  // the strip's 1/(sigma w t); in the skin-effect regime (delta < t/4) Re Z = Rs (K_s g_s + K_p g_p)
  // with K the published Huray and Hammerstad factors. Measured: DC 0.07 %, Re Z 0.23 % (5 GHz),
  // 0.16 %, 0.11 % (70 GHz), smooth-metal Im Z 0.015 % (the closed forms' g and L_ext are 0.1 %
  // and 0.014 % off the solver's). Tolerances 0.3 %, 0.5 %, 0.05 %.
  auto g = centred_stripline();
  const Roughness r = huray(0.5, 2.0);
  const Roughness rp{RoughnessModel::hammerstad, 0.3e-6};
  TransmissionLine tl(g, Dielectric::constant(3.5, 0.01), {5.8e7, r, rp});
  TransmissionLine smooth(g, Dielectric::constant(3.5, 0.01), {5.8e7, {}, {}});
  const BemLine b = bem_line();
  // DC: the strip's 1/(sigma w t) plus the plane modelled as a sheet of width 1/g_plane.
  CHECK(tl.at(0.0).z_per_m.real() == Approx(1.0 / (5.8e7 * 5 * units::mil * 0.6 * units::mil) +
                                            b.g_plane / (5.8e7 * 1.2 * units::mil)).epsilon(0.003));
  for (double f : {5e9, 1e10, 7e10}) {
    const double w = 2 * pi * f;
    const double delta = 1.0 / std::sqrt(pi * f * mu0 * 5.8e7);
    const double rs = 1.0 / (5.8e7 * delta);
    const double k_s = huray_paper(0.5e-6, 2.0, delta);
    const double k_p = 1.0 + 2.0 / pi * std::atan(1.4 * std::pow(0.3e-6 / delta, 2));  // Hammerstad & Jensen 1980
    const auto z = tl.at(f).z_per_m;
    INFO("f = " << f << ": R " << z.real() << " vs " << rs * (k_s * b.g_strip + k_p * b.g_plane) << ", X "
                << z.imag() << " vs " << w * b.l_ext);
    CHECK(z.real() == Approx(rs * (k_s * b.g_strip + k_p * b.g_plane)).epsilon(0.005));
    // Reactance: smooth metal has Zs = (1 + j) Rs (Ramo, Whinnery & Van Duzer, sec. 3.16), so
    // X = w L_ext + Rs (g_s + g_p); roughness only adds to it (its Kramers-Kronig reactance is
    // checked in roughness_test.cpp).
    const auto z_smooth = smooth.at(f).z_per_m;
    const double x_smooth = w * b.l_ext + rs * (b.g_strip + b.g_plane);
    INFO("smooth X " << z_smooth.imag() << " vs " << x_smooth);
    CHECK(z_smooth.imag() == Approx(x_smooth).epsilon(0.0005));
    CHECK(z.imag() > z_smooth.imag() + 0.5 * (z.real() - z_smooth.real()));
  }
}

TEST_CASE("Lines that same_line() pairs give the same at() bit for bit, others are told apart", "[phy][line][unit]") {
  // A cascade evaluates such lines once per frequency (channels/composed_channel.cpp), so the
  // pairing must imply identical results and must not pair lines that differ.
  const auto diel = Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10);
  const LineConductor cond{5.8e7, huray(0.5, 3.0), huray(0.5, 3.0)};
  const TransmissionLine a(centred_stripline(), diel, cond);
  const TransmissionLine b(centred_stripline(), diel, cond);  // a separate, equal cross-section
  CHECK(a.same_line(b));
  for (double f : {0.0, 1e6, 3.3e9, 2.7e10, 4.1e11, 1.2e12}) {
    const LinePoint pa = a.at(f, false), pb = b.at(f, false);
    CHECK(pa.gamma == pb.gamma);
    CHECK(pa.z_per_m == pb.z_per_m);
    CHECK(pa.y_per_m == pb.y_per_m);
    CHECK((f <= 0.0 || pa.z0 == pb.z0));
  }
  CHECK_FALSE(a.same_line(TransmissionLine(centred_stripline(5.1), diel, cond)));                         // width
  CHECK_FALSE(a.same_line(TransmissionLine(centred_stripline(), Dielectric::djordjevic_sarkar(3.7, 0.009, 1e10), cond)));
  CHECK_FALSE(a.same_line(TransmissionLine(centred_stripline(), diel, {5.8e7, {}, {}})));                 // roughness
  // Inhomogeneous cross-sections use their closed forms outside the filling-factor table, so two
  // separate microstrips are not paired even when equal; one shared cross-section is.
  MicrostripDims d;
  d.width_m = 5 * units::mil;
  d.thickness_m = 1.9 * units::mil;
  d.height_m = 3 * units::mil;
  d.plane_thickness_m = 1.2 * units::mil;
  const auto ms = std::make_shared<Microstrip>(d);
  CHECK(TransmissionLine(ms, diel, cond).same_line(TransmissionLine(ms, diel, cond)));
  CHECK_FALSE(TransmissionLine(ms, diel, cond).same_line(TransmissionLine(std::make_shared<Microstrip>(d), diel, cond)));
}
