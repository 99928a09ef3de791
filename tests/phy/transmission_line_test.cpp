// Transmission line assembly: RLGC, attenuation split, dielectric loss, causality.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "phy/constants.hpp"
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

TEST_CASE("The attenuation parts sum exactly to Re(gamma)", "[phy][line][property]") {
  TransmissionLine tl(centred_stripline(), Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10),
                      {5.8e7, huray(0.5, 2.0), huray(0.5, 2.0)});
  for (double f : {1e6, 1e8, 1e9, 1e10, 4e10}) {
    const auto p = tl.at(f);
    CHECK(p.alpha_conductor + p.alpha_roughness + p.alpha_dielectric == Approx(p.gamma.real()).epsilon(1e-12));
    CHECK(p.alpha_conductor > 0.0);
    CHECK(p.alpha_dielectric > 0.0);
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

TEST_CASE("At high frequency, conductor attenuation is Rs g / (2 Z0)", "[phy][line][reference]") {
  // Low-loss line: alpha_c = R/(2 Z0) (Pozar 4th ed., eq. 2.84) with R = Rs (g_strip + g_plane).
  auto g = centred_stripline();
  TransmissionLine tl(g, Dielectric::constant(3.5, 0.0), {5.8e7, {}, {}});
  const double f = 2e10;
  const auto wf = g->wheeler_factors();
  const double r = std::sqrt(pi * f * mu0 / 5.8e7) * (wf.strip_per_m + wf.plane_per_m);
  const double z0 = g->air_impedance_ohm() / std::sqrt(3.5);
  // internal inductance slightly raises Z0 and R differs from Rs g by the DC tail: 1 %.
  CHECK(tl.at(f).alpha_conductor == Approx(r / (2.0 * z0)).epsilon(0.01));
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

TEST_CASE("Impedance and delay of a stripline follow Dk(f)", "[phy][line][unit]") {
  auto g = centred_stripline();
  const auto d = Dielectric::djordjevic_sarkar(3.7, 0.008, 1e10);
  TransmissionLine tl(g, d, {5.8e7, {}, {}});
  const double f = 1e10;
  CHECK(tl.delay_s_per_m(f) == Approx(std::sqrt(3.7) / c0).epsilon(1e-12));
  CHECK(tl.impedance_ohm(f) == Approx(g->air_impedance_ohm() / std::sqrt(3.7)).epsilon(1e-12));
  // The full Z0 at high frequency approaches the lossless value within the loss-induced 1 %.
  CHECK(tl.at(f).z0.real() == Approx(tl.impedance_ohm(f)).epsilon(0.01));
  // DC: the line is its series resistance.
  CHECK(tl.at(0.0).z_per_m.real() == Approx(tl.strip_dc_resistance_ohm_per_m() + tl.plane_dc_resistance_ohm_per_m()).epsilon(1e-12));
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

TEST_CASE("The line's series impedance is L_ext plus the documented internal impedances", "[phy][line][unit]") {
  // TransmissionLine hoists constants out of internal_impedance_per_m(); the reference is the
  // documented function itself, term by term. Tolerance: rounding only.
  auto g = centred_stripline();
  const Roughness r = huray(0.5, 2.0);
  TransmissionLine tl(g, Dielectric::constant(3.5, 0.01), {5.8e7, r, Roughness{RoughnessModel::hammerstad, 0.3e-6}});
  const auto wf = tl.wheeler_factors();
  for (double f : {0.0, 1e5, 1e8, 1e10, 7e10}) {
    const double w = 2 * pi * f;
    const double delta = f > 0 ? skin_depth_m(f, 5.8e7) : 1.0;
    const auto sf_s = f > 0 ? r.surface_factor(delta) : std::complex<double>(1, 1);
    const auto sf_p = f > 0 ? Roughness{RoughnessModel::hammerstad, 0.3e-6}.surface_factor(delta) : std::complex<double>(1, 1);
    const auto expected = std::complex<double>(0, w * tl.external_inductance_h_per_m()) +
                          internal_impedance_per_m(w, tl.strip_dc_resistance_ohm_per_m(), wf.strip_per_m, 5.8e7, sf_s) +
                          internal_impedance_per_m(w, tl.plane_dc_resistance_ohm_per_m(), wf.plane_per_m, 5.8e7, sf_p);
    CHECK(std::abs(tl.at(f).z_per_m - expected) <= 1e-12 * std::abs(expected));
  }
}
