// The Annex 93A COM package (channels/com_package.hpp) against an independent route: the same
// circuit as its odd-mode half circuit (reference R_0, shunt C and series L per line, a line of
// Z_c / 2) cascaded as chain matrices, with the line written as the exact telegrapher solution
// [cosh gl, Z sinh gl; sinh gl / Z, cosh gl] and its propagation constant written in the sheet's
// units (f in GHz, per mm) as separate attenuation and phase, then converted to S with
// S21 = 2 / (A + B/R_0 + C R_0 + D) (Pozar, Microwave Engineering, 4th ed., Table 4.2). The
// implementation uses the standard's reflection form (93A-12 ... 93A-14) and S-parameter
// cascades, so the two share no formula. Limits (no line: one capacitor of the summed
// capacitance; no capacitors: a matched line is e^{-gamma z}), passivity, and the terminated
// transfer function (93A-17/18) against a voltage divider.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include "channels/com_package.hpp"
#include "phy/constants.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

using C = std::complex<double>;

struct Chain {
  C a{1.0}, b{0.0}, c{0.0}, d{1.0};
};
Chain times(const Chain& x, const Chain& y) {
  return {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c, x.c * y.b + x.d * y.d};
}
Chain shunt(C y) { return {1.0, 0.0, y, 1.0}; }
Chain series(C z) { return {1.0, z, 0.0, 1.0}; }

// gamma per mm from Table 93A-3 style coefficients (sheet units: 1/mm, sqrt(ns)/mm, ns/mm, ns/mm),
// attenuation and phase separately: alpha = g0 + a1 sqrt(f) + a2 f,
// beta = a1 sqrt(f) - a2 f (2/pi) ln f + 2 pi f tau, f in GHz.
C gamma_per_mm(double g0, double a1, double a2, double tau, double f_ghz) {
  const double alpha = g0 + a1 * std::sqrt(f_ghz) + a2 * f_ghz;
  const double beta = a1 * std::sqrt(f_ghz) - a2 * f_ghz * (2.0 / phy::pi) * std::log(f_ghz) + 2.0 * phy::pi * f_ghz * tau;
  return {alpha, beta};
}

Chain telegrapher(C gamma_l, double z) { return {std::cosh(gamma_l), z * std::sinh(gamma_l), std::sinh(gamma_l) / z, std::cosh(gamma_l)}; }

// The 802.3ck KR die and package (case 1) in sheet units, and the same in SI for the block.
constexpr double r0 = 50.0;
constexpr double cd_nf = 1.2e-4, ls_nh = 0.12, cb_nf = 0.3e-4, cp_nf = 0.87e-4;
constexpr double g0 = 0.0, a1 = 9.909e-4, a2 = 2.772e-4, tau = 6.141e-3;
const std::vector<std::pair<double, double>> segments_zc_mm = {{87.5, 12.0}, {92.5, 1.8}};

ComPackage ck_package() {
  ComPackage p;
  p.r0_ohm = r0;
  p.c_d_f = {cd_nf * 1e-9};
  p.l_s_h = {ls_nh * 1e-9};
  p.c_b_f = cb_nf * 1e-9;
  p.c_p_f = cp_nf * 1e-9;
  p.line = {g0 * 1e3, a1 * std::sqrt(1e-9) * 1e3, a2 * 1e-9 * 1e3, tau * 1e-9 * 1e3};
  for (const auto& [zc, mm] : segments_zc_mm) p.segments.push_back({zc, mm * 1e-3});
  return p;
}

// S11 and S21 of the half circuit, die side at port 1.
std::pair<C, C> half_circuit(double f_hz, bool with_caps, bool with_line) {
  const double w = 2 * phy::pi * f_hz;
  Chain m;
  if (with_caps) {
    m = times(m, shunt(C(0, w * cd_nf * 1e-9)));
    m = times(m, series(C(0, w * ls_nh * 1e-9)));
    m = times(m, shunt(C(0, w * cb_nf * 1e-9)));
  }
  if (with_line)
    for (const auto& [zc, mm] : segments_zc_mm)
      m = times(m, telegrapher(gamma_per_mm(g0, a1, a2, tau, f_hz / 1e9) * mm, zc / 2.0));
  if (with_caps) m = times(m, shunt(C(0, w * cp_nf * 1e-9)));
  const C den = m.a + m.b / r0 + m.c * r0 + m.d;
  return {(m.a + m.b / r0 - m.c * r0 - m.d) / den, 2.0 / den};
}

const std::vector<double> freqs = {1e6, 1e8, 1e9, 5e9, 13.28125e9, 26.5625e9, 40e9, 53.125e9, 80e9};

}  // namespace

TEST_CASE("COM package S-parameters equal the telegrapher half circuit cascaded as chain matrices",
          "[channels][com_package][reference]") {
  const ComPackage p = ck_package();
  for (double f : freqs) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    const auto [s11, s21] = half_circuit(f, true, true);
    INFO("f = " << f);
    // Both are double-precision evaluations of the same network by different algebra; they agree
    // to a few 1e-15 (observed, largest at 53 GHz); 1e-12 leaves room for other grids.
    CHECK(std::abs(s.s21 - s21) <= 1e-12);
    CHECK(std::abs(s.s11 - s11) <= 1e-12);
    CHECK(std::abs(s.s12 - s.s21) <= 1e-14);  // reciprocal
  }
}

TEST_CASE("COM package seen from the ball is the die-side package flipped", "[channels][com_package][unit]") {
  const ComPackage p = ck_package();
  const S2 tx = com_package_s(p, 26.5625e9, ComPackageSide::tx);
  const S2 rx = com_package_s(p, 26.5625e9, ComPackageSide::rx);
  CHECK(rx.s11 == tx.s22);
  CHECK(rx.s22 == tx.s11);
  CHECK(rx.s21 == tx.s12);
  // The die and ball ends differ (C_d + L_s + C_b against C_p), so the flip is visible.
  CHECK(std::abs(tx.s11 - tx.s22) > 1e-3);
}

TEST_CASE("COM package without a line is one capacitor of the summed capacitance",
          "[channels][com_package][reference]") {
  // z_p = 0 and no L_s: C_d, C_b and C_p sit on one node, so S21 = 2 / (2 + j w (C_d + C_b + C_p) R_0)
  // (93A-8 with the sum).
  ComPackage p = ck_package();
  p.l_s_h.clear();
  for (auto& s : p.segments) s.length_m = 0.0;
  for (double f : freqs) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    const C jwcr(0.0, 2 * phy::pi * f * (cd_nf + cb_nf + cp_nf) * 1e-9 * r0);
    CHECK(std::abs(s.s21 - 2.0 / (2.0 + jwcr)) <= 1e-14);
    CHECK(std::abs(s.s11 - (-jwcr / (2.0 + jwcr))) <= 1e-14);
  }
}

TEST_CASE("COM package without capacitors is the line alone, a matched line is e^{-gamma z}",
          "[channels][com_package][reference]") {
  ComPackage p = ck_package();
  p.c_d_f = {0.0};
  p.l_s_h = {0.0};
  p.c_b_f = p.c_p_f = 0.0;
  for (double f : freqs) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    const auto [s11, s21] = half_circuit(f, false, true);
    CHECK(std::abs(s.s21 - s21) <= 1e-12);
    CHECK(std::abs(s.s11 - s11) <= 1e-12);
  }
  // Z_c = 2 R_0: rho = 0 (93A-12), no reflection, S21 = e^{-gamma z} with the total length.
  for (auto& s : p.segments) s.z_c_ohm = 2 * r0;
  for (double f : freqs) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    const C expect = std::exp(-gamma_per_mm(g0, a1, a2, tau, f / 1e9) * 13.8);
    CHECK(std::abs(s.s21 - expect) <= 1e-14);
    CHECK(std::abs(s.s11) <= 1e-15);
  }
}

TEST_CASE("COM package is passive, and lossless without line loss", "[channels][com_package][property]") {
  ComPackage p = ck_package();
  for (double f = 1e7; f <= 100e9; f += 0.5e9) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    // A reciprocal 2-port is passive when I - S^H S >= 0: both column norms <= 1 and the determinant
    // condition; with S12 = S21 checking the two column powers and |det S| <= 1 suffices here.
    CHECK(std::norm(s.s11) + std::norm(s.s21) <= 1.0 + 1e-12);
    CHECK(std::norm(s.s22) + std::norm(s.s12) <= 1.0 + 1e-12);
    CHECK(std::abs(s.s11 * s.s22 - s.s12 * s.s21) <= 1.0 + 1e-12);
  }
  p.line.gamma0_per_m = p.line.a1_per_m_sqrt_hz = p.line.a2_s_per_m = 0.0;
  for (double f : freqs) {
    const S2 s = com_package_s(p, f, ComPackageSide::tx);
    // Reactances and a lossless line: power is conserved at both ports.
    CHECK(std::norm(s.s11) + std::norm(s.s21) == Approx(1.0).margin(1e-13));
    CHECK(std::norm(s.s22) + std::norm(s.s12) == Approx(1.0).margin(1e-13));
  }
}

TEST_CASE("COM package network is referenced to 2 R_0 and holds the per-frequency S", "[channels][com_package][unit]") {
  const ComPackage p = ck_package();
  const std::vector<double> f = {0.0, 1e9, 26.5625e9};
  const Network n = com_package_network(p, f, ComPackageSide::rx);
  REQUIRE(n.ports() == 2);
  CHECK(n.z0_ohm().front() == 100.0);
  // At DC the capacitors are open and the line is a lossless zero-delay connection (gamma = gamma0 = 0).
  CHECK(std::abs(n.s(0, 1, 0) - 1.0) <= 1e-15);
  const S2 s = com_package_s(p, 26.5625e9, ComPackageSide::rx);
  CHECK(n.s(2, 1, 0) == s.s21);
  CHECK(n.s(2, 0, 0) == s.s11);
}

TEST_CASE("Terminated transfer function (93A-17/18) is twice the divider voltage over the source voltage",
          "[channels][com_package][reference]") {
  // A series impedance Z between a source R_s and a load R_l: V_l / V_s = R_l / (R_s + Z + R_l);
  // 93A-18 normalises so that a matched through gives 1, i.e. H21 = 2 V_l / V_s. The series Z in the
  // R_0 reference: S11 = S22 = Z / (Z + 2 R_0), S21 = S12 = 2 R_0 / (Z + 2 R_0).
  const double rs = 55.0, rl = 45.0;
  const C z(7.0, 31.0);
  const S2 s{z / (z + 2 * r0), 2 * r0 / (z + 2 * r0), 2 * r0 / (z + 2 * r0), z / (z + 2 * r0)};
  const double g1 = com_termination_reflection(rs, r0), g2 = com_termination_reflection(rl, r0);
  CHECK(g1 == Approx(5.0 / 105.0).epsilon(1e-15));
  CHECK(std::abs(com_terminated_h21(s, g1, g2) - 2.0 * rl / (rs + z + rl)) <= 1e-14);
  CHECK(com_terminated_h21(s, 0.0, 0.0) == s.s21);
}

TEST_CASE("COM package rejects negative values naming them", "[channels][com_package][unit]") {
  ComPackage p = ck_package();
  p.c_p_f = -1e-15;
  CHECK_THROWS_WITH(com_package_s(p, 1e9, ComPackageSide::tx), Catch::Contains("c_p_f"));
  p = ck_package();
  p.segments[0].z_c_ohm = 0.0;
  CHECK_THROWS_WITH(com_package_s(p, 1e9, ComPackageSide::tx), Catch::Contains("z_c_ohm"));
  p = ck_package();
  p.l_s_h = {1e-10, 1e-10};
  CHECK_THROWS_WITH(com_package_s(p, 1e9, ComPackageSide::tx), Catch::Contains("l_s_h"));
}
