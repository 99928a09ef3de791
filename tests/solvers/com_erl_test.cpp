// TDR, ERL (Annex 93A.5) and ICN of the COM engine against values worked out here from the
// standard's equations, independently of solvers/com_erl.cpp and solvers/com_icn.cpp:
//  - the reflection renormalised to 2 Z_t, from the impedance matrix (Z = z0 (I + S)(I - S)^-1,
//    S' = (Z - z1 I)(Z + z1 I)^-1);
//  - the gate G_loss G_rr of 93A.5 at chosen times, written out;
//  - channels built from lossless lines as ABCD matrices: a matched line (no reflection: ERL
//    infinite, TDR flat at 2 Z_t), a line of another impedance (a step rho = (Z - 100)/(Z + 100);
//    its reflection pulse of height rho erf(UI / (2 sqrt 2 sigma)), sigma = T_r / 1.6832, so
//    ERL = -20 log10(w rho erf(...)) with the gate's weight w), before and after the gate;
//  - ICN of a flat crosstalk |S21| = k against A k sqrt(2/f_b int W(f) df), the integral by
//    Simpson's rule on a fine grid.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

#include "channels/network.hpp"
#include "channels/resample.hpp"
#include "solvers/com_erl.hpp"
#include "solvers/com_icn.hpp"

using namespace phylane;
using namespace phylane::solvers;
using cplx = std::complex<double>;

namespace {

using M2 = std::array<std::array<cplx, 2>, 2>;

M2 mul(const M2& a, const M2& b) {
  M2 c{};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) c[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j];
  return c;
}
M2 inv(const M2& a) {
  const cplx d = a[0][0] * a[1][1] - a[0][1] * a[1][0];
  return {{{a[1][1] / d, -a[0][1] / d}, {-a[1][0] / d, a[0][0] / d}}};
}

// A lossless line of impedance z and delay tau as an ABCD matrix at f.
M2 line_abcd(double z, double tau, double f) {
  const double bl = 2 * std::numbers::pi * f * tau;
  return {{{std::cos(bl), cplx(0, z * std::sin(bl))}, {cplx(0, std::sin(bl) / z), std::cos(bl)}}};
}

// ABCD -> S referenced to z0 on both ports (Pozar, Table 4.2).
M2 abcd_to_s(const M2& m, double z0) {
  const cplx a = m[0][0], b = m[0][1] / z0, c = m[1][0] * z0, d = m[1][1];
  const cplx den = a + b + c + d;
  return {{{(a + b - c - d) / den, 2.0 * (a * d - m[0][1] * m[1][0]) / den}, {2.0 / den, (-a + b - c + d) / den}}};
}

// A differential 2-port (2 R_0 = 100 Ohm) of lossless lines in cascade, DC to 100 GHz in 10 MHz
// steps. The DC point matters: without it the reference code's interpolation (which phylane's TDR
// follows) rebuilds the phase of the first 10 points from the mean low-frequency group delay, and
// a lossless line's S11, zero at every multiple of 1/(2 tau), has none to speak of.
channels::Network lines(const std::vector<std::pair<double, double>>& z_tau) {
  std::vector<double> f;
  for (int k = 0; k <= 10000; ++k) f.push_back(k * 10e6);
  channels::Network n(f, 2, {100.0, 100.0});
  for (std::size_t k = 0; k < f.size(); ++k) {
    M2 m{{{1.0, 0.0}, {0.0, 1.0}}};
    for (const auto& [z, tau] : z_tau) m = mul(m, line_abcd(z, tau, f[k]));
    const M2 s = abcd_to_s(m, 100.0);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) n.s(k, i, j) = s[i][j];
  }
  return n;
}

ComParameters erl_sheet() {
  ComParameters p;
  p.f_b_baud = 25.78125e9;
  p.delta_f_hz = 10e6;
  p.levels = 2;
  p.samples_per_ui = 32;
  p.f_r = 0.75;
  p.der_0 = 1e-5;
  p.tr_tdr_s = 10e-12;
  p.tdr_n_ui = 200;
  p.n_bx = 3;
  p.rho_x = 0.618;
  p.z_t_ohm = 50.0;
  p.fixture_delay_s = {0.0, 0.0};
  p.tdr_butterworth = false;  // a Gaussian edge alone has the closed-form pulse below
  p.erl = true;
  return p;
}

// The reflection pulse's flat top for a step rho behind a Gaussian edge 93A-46 squared:
// sigma = T_r / 1.6832, pulse(center) = rho erf(UI / (2 sqrt 2 sigma)).
double pulse_top(double rho, const ComParameters& p) {
  const double sigma = p.tr_tdr_s / 1.6832;
  return rho * std::erf(1.0 / p.f_b_baud / (2.0 * std::sqrt(2.0) * sigma));
}

}  // namespace

TEST_CASE("The TDR reflection renormalised to 2 Z_t equals the impedance-matrix renormalisation",
          "[solvers][com][erl][reference]") {
  const M2 s{{{cplx(0.12, -0.31), cplx(0.55, 0.2)}, {cplx(0.5, 0.25), cplx(-0.08, 0.17)}}};
  for (double z1 : {100.0, 90.0, 120.0}) {
    // Z = z0 (I + S)(I - S)^-1, S' = (Z - z1 I)(Z + z1 I)^-1
    const M2 id{{{1.0, 0.0}, {0.0, 1.0}}};
    M2 ip{}, im{};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        ip[i][j] = id[i][j] + s[i][j];
        im[i][j] = id[i][j] - s[i][j];
      }
    M2 z = mul(ip, inv(im));
    for (auto& row : z)
      for (auto& e : row) e *= 100.0;
    M2 a = z, b = z;
    for (int i = 0; i < 2; ++i) {
      a[i][i] -= z1;
      b[i][i] += z1;
    }
    const M2 sn = mul(a, inv(b));
    CHECK(std::abs(com_tdr_reflection(s, 0, 100.0, z1) - sn[0][0]) < 1e-13);
    CHECK(std::abs(com_tdr_reflection(s, 1, 100.0, z1) - sn[1][1]) < 1e-13);
  }
}

TEST_CASE("The ERL gate is G_loss G_rr of 93A.5 between t_0 and t_k", "[solvers][com][erl][reference]") {
  ComParameters p = erl_sheet();
  p.beta_x_db_per_s = 1.7e9;
  const double ui = 1 / p.f_b_baud, tfx = 100e-12, t0 = tfx + 3 * p.tr_tdr_s, tk = t0 + 4 * ui;
  // Times between the samples' edges so the gate's first/last sample are unambiguous.
  const std::vector<double> t{t0 - 0.5 * ui, t0 + 0.25 * ui, t0 + 2.5 * ui, tk + 0.01 * ui, tk + 1.5 * ui};
  const auto w1 = com_erl_weight(t, p, tfx);
  auto grr = [&](double x) { return (1 + p.rho_x) * p.rho_x * std::exp(-(x - 4) * (x - 4) / 16.0); };
  auto gloss = [&](double tt) { return std::pow(10.0, p.beta_x_db_per_s * (tt - tk) / 20.0); };
  CHECK(w1[0] == 0.0);
  CHECK(w1[1] == Approx(gloss(t[1]) * grr(0.25)).epsilon(1e-14));
  CHECK(w1[2] == Approx(gloss(t[2]) * grr(2.5)).epsilon(1e-14));
  CHECK(w1[3] == Approx(gloss(t[3]) * grr(4.01)).epsilon(1e-14));  // the first sample after t_k closes the gate
  CHECK(w1[4] == 1.0);                                                // then 1 (Grr 1)
  p.grr = 0;
  CHECK(com_erl_weight(t, p, tfx)[4] == Approx((1 + p.rho_x) * p.rho_x).epsilon(1e-15));
  p.grr = 2;
  const auto w2 = com_erl_weight(t, p, tfx);
  CHECK(w2[2] == Approx(gloss(t[2]) * p.rho_x).epsilon(1e-14));
  CHECK(w2[4] == 1.0);
}

TEST_CASE("A matched line has no reflection: infinite ERL and a flat TDR at 2 Z_t", "[solvers][com][erl][reference]") {
  const ComParameters p = erl_sheet();
  const auto ports = com_tdr_erl(p, lines({{100.0, 2e-9}}));
  REQUIRE(ports.size() == 2);
  for (const auto& t : ports) {
    CHECK(std::isinf(t.erl_db));
    CHECK(t.z_port_ohm == Approx(100.0).epsilon(1e-6));
  }
  // A 120-Ohm line seen by a 60-Ohm (120 differential) TDR reference is matched too.
  ComParameters q = p;
  q.z_t_ohm = 60.0;
  // Its renormalised reflection is rounding noise below eps at every point: no reflection.
  for (const auto& t : com_tdr_erl(q, lines({{120.0, 5e-9}}))) {
    CHECK(std::isinf(t.erl_db));
    CHECK(t.z_port_ohm == Approx(120.0).epsilon(1e-6));
  }
}

TEST_CASE("ERL of an impedance step is -20 log10 of its weighted reflection pulse", "[solvers][com][erl][reference]") {
  ComParameters p = erl_sheet();
  const double rho = (120.0 - 100.0) / (120.0 + 100.0);
  SECTION("at the port, inside the gate: weight rho_x (Grr 2)") {
    p.grr = 2;
    p.rho_x = 0.5;
    const auto ports = com_tdr_erl(p, lines({{120.0, 5e-9}}));
    CHECK(ports[0].erl_db == Approx(-20 * std::log10(p.rho_x * pulse_top(rho, p))).margin(0.02));
    // The TDR settles at the line's impedance.
    CHECK(ports[0].z_port_ohm == Approx(120.0).epsilon(2e-3));
  }
  // A 100-Ohm lead of 10 UI (round trip 20 UI) then the 120-Ohm line: the step arrives 20 UI late.
  const double ui = 1 / p.f_b_baud;
  const auto ch = lines({{100.0, 10 * ui}, {120.0, 5e-9}});
  SECTION("after the gate: weight 1 (Grr 1) or (1 + rho_x) rho_x (Grr 0)") {
    CHECK(com_tdr_erl(p, ch)[0].erl_db == Approx(-20 * std::log10(pulse_top(rho, p))).margin(0.02));
    p.grr = 0;
    p.rho_x = 0.5;
    CHECK(com_tdr_erl(p, ch)[0].erl_db ==
          Approx(-20 * std::log10(1.5 * 0.5 * pulse_top(rho, p))).margin(0.02));
  }
  SECTION("before the fixture delay: gated out entirely") {
    p.fixture_delay_s = {30 * ui, 30 * ui};
    CHECK(std::isinf(com_tdr_erl(p, ch)[0].erl_db));
  }
  SECTION("PAM4: the PDF of one sample of L levels reaches DER_0 at the full height") {
    p.levels = 4;
    CHECK(com_tdr_erl(p, ch)[0].erl_db == Approx(-20 * std::log10(pulse_top(rho, p))).margin(0.02));
  }
}

TEST_CASE("ICN of a flat crosstalk is A k sqrt(2/f_b int W(f) df)", "[solvers][com][icn][reference]") {
  ComParameters p = erl_sheet();
  p.a_fe_v = 0.4;
  p.a_ne_v = 0.6;
  const double k = 0.01;
  std::vector<double> f;
  for (int i = 1; i <= 5000; ++i) f.push_back(i * 10e6);
  channels::Network n(f, 2, {100.0, 100.0});
  for (std::size_t i = 0; i < f.size(); ++i) {
    n.s(i, 1, 0) = std::polar(k, -2 * std::numbers::pi * f[i] * 1e-9);
    n.s(i, 0, 1) = n.s(i, 1, 0);
  }
  const ComPath fext{ComPathKind::fext, channels::BandLimitedNetwork(n), "fext"};
  const ComPath next{ComPathKind::next, channels::BandLimitedNetwork(n), "next"};
  // The integral of W from 0 to f_b (Simpson, 20000 intervals), W written out from 93A-57.
  const double fb = p.f_b_baud, ft = 4 * fb, fr = 0.75 * fb;
  auto W = [&](double x) {
    const double a = std::numbers::pi * x / fb;
    const double sinc = a == 0 ? 1.0 : std::sin(a) / a;
    return sinc * sinc / (1 + std::pow(x / ft, 4)) / (1 + std::pow(x / fr, 8));
  };
  const int n_int = 20000;
  const double h = fb / n_int;
  double integral = W(0) + W(fb);
  for (int i = 1; i < n_int; ++i) integral += (i % 2 ? 4 : 2) * W(i * h);
  integral *= h / 3;
  const double unit = k * std::sqrt(2 / fb * integral);
  const std::vector<ComPath> both{fext, next};
  const ComIcn icn = com_icn(p, both);
  // The sum on the 10 MHz grid differs from the integral by ~Delta_f W(0)/2 out of ~0.5 f_b.
  CHECK(icn.fext_icn_v == Approx(0.4 * unit).epsilon(1e-3));
  CHECK(icn.next_icn_v == Approx(0.6 * unit).epsilon(1e-3));
  CHECK(icn.icn_v == Approx(std::sqrt(0.16 + 0.36) * unit).epsilon(1e-3));
  CHECK(icn.f_1_hz == 0.0);
  CHECK(icn.f_2_hz == Approx(25.79e9));  // the first grid point at or above f_b
  // A_ft / A_nt replace A_fe / A_ne.
  p.a_ft_v = 0.2;
  CHECK(com_icn(p, both).fext_icn_v == Approx(0.2 * unit).epsilon(1e-3));
}
