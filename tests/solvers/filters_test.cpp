// Tx edge, Rx front-end and CTLE filters; integrated noise. References: closed forms, the IEEE
// 802.3 Annex 93A equations written out independently, Bessel tables, hand-computed values.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include "phy/constants.hpp"
#include "channels/filters.hpp"
#include "solvers/pulse_response.hpp"

using namespace phylane;
using namespace phylane::solvers;
using cplx = std::complex<double>;

namespace {

double db(cplx h) { return 20.0 * std::log10(std::abs(h)); }

// Group delay by a central difference of the phase of response(): independent of the analytic
// root formula of RationalFilter::group_delay_s.
template <class F>
double numeric_group_delay(const F& filter, double f) {
  const double h = 1e-6 * std::max(f, 1e6);
  const double lo = std::max(0.0, f - h);
  const double dphi = std::arg(filter.response(f + h) / filter.response(lo));
  return -dphi / (2.0 * phy::pi * (f + h - lo));
}

// Time at which the rising edge of `p` first crosses `level` (linear interpolation).
double crossing(const PulseResult& r, double level) {
  const auto& v = r.pulse.samples_v;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (v[i - 1] < level && v[i] >= level) {
      const double frac = (level - v[i - 1]) / (v[i] - v[i - 1]);
      return r.start_time_s + (static_cast<double>(i - 1) + frac) * r.pulse.dt_s();
    }
  return NAN;
}

}  // namespace

TEST_CASE("A Gaussian Tx edge filter produces the requested 20-80 % rise time", "[solvers][pulse][filters][reference]") {
  // Measured on the simulated edge: H = 1, a 1-UI pulse with UI = 10 t_r (the edge settles to
  // 1e-19 of A by mid-UI), 512 samples/UI, crossings by linear interpolation (error ~(dt/sigma)^2
  // / 16 of t_r ~ 1e-5). The 10-90 % time of the same edge must be 0.3396 / f_3dB (derived in
  // filters.hpp). Tolerance 1e-3 relative.
  const double tr = 20e-12;
  PulseResponseOptions o;
  o.symbol_rate_baud = 1.0 / (10.0 * tr);
  o.samples_per_ui = 512;
  o.tx_edge = TxEdgeFilter::gaussian(tr);
  o.record_ui = 4;
  o.precursor_ui = 1;
  const TransferFunction flat = [](std::span<const double> f, std::span<cplx> h) {
    for (std::size_t i = 0; i < f.size(); ++i) h[i] = 1.0;
  };
  PulseResponseEngine eng;
  const auto r = eng.compute(flat, o);
  CHECK(crossing(r, 0.8) - crossing(r, 0.2) == Approx(tr).epsilon(1e-3));
  CHECK(crossing(r, 0.9) - crossing(r, 0.1) == Approx(0.3396 / o.tx_edge.f3db_hz()).epsilon(1e-3));
  // |H(f_3dB)| = 1/sqrt(2) by definition of the -3 dB frequency.
  CHECK(o.tx_edge.response(o.tx_edge.f3db_hz()) == Approx(1.0 / std::sqrt(2.0)).epsilon(1e-12));
}

TEST_CASE("The Gaussian Tx edge filter is IEEE 802.3 eq. 93A-46", "[solvers][pulse][filters][reference]") {
  // 93A-46: H_t(f) = exp(-2 (pi f T_r / 1.6832)^2), T_r the 20-80 % transition time. The standard
  // rounds 2 Phi^-1(0.8) = 1.683242 to 1.6832: relative exponent error 5e-5, so where |H| >= 1e-3
  // (exponent <= 6.9) the responses agree to 4e-4 relative.
  const double tr = 12e-12;
  const auto g = TxEdgeFilter::gaussian(tr);
  for (double f = 0.0; f < 60e9; f += 1e9) {
    const double ref = std::exp(-2.0 * std::pow(phy::pi * f * tr / 1.6832, 2));
    if (ref < 1e-3) break;
    CHECK(g.response(f) == Approx(ref).epsilon(4e-4));
  }
  CHECK(TxEdgeFilter::none().response(1e12) == 1.0);
}

TEST_CASE("A Butterworth filter has |H|^2 = 1/(1 + (f/f3dB)^2n) and -3 dB at f3dB", "[solvers][pulse][filters][reference]") {
  // Closed form of the Butterworth magnitude (Butterworth 1930). Tolerance 1e-12 (rounding).
  for (int n = 1; n <= 8; ++n) {
    const auto b = RxFilter::butterworth(n, 20e9);
    for (double x : {0.0, 0.1, 0.5, 1.0, 1.7, 4.0}) {
      const double ref = 1.0 / (1.0 + std::pow(x, 2 * n));
      CHECK(std::norm(b.response(x * 20e9)) == Approx(ref).epsilon(1e-12));
    }
    CHECK(db(b.response(20e9)) == Approx(-10.0 * std::log10(2.0)).epsilon(1e-12));
  }
}

TEST_CASE("COM's receiver filter is IEEE 802.3 eq. 93A-20", "[solvers][pulse][filters][reference]") {
  // 93A-20 written out: H_r = 1 / (1 - 3.414214 x^2 + x^4 + j 2.613126 (x - x^3)), x = f / f_r,
  // f_r = 0.75 f_b. The standard gives 7 significant digits: tolerance 1e-6 relative.
  const double fb = 53.125e9;
  const auto r = RxFilter::com_receiver(fb);
  CHECK(r.type() == RxFilterType::butterworth);
  CHECK(r.order() == 4);
  for (double f = 0.0; f <= 3.0 * fb; f += fb / 16) {
    const double x = f / (0.75 * fb);
    const cplx ref = 1.0 / cplx(1.0 - 3.414214 * x * x + x * x * x * x, 2.613126 * (x - x * x * x));
    CHECK(std::abs(r.response(f) - ref) <= 1e-6 * std::abs(ref));
  }
}

TEST_CASE("A 4th-order Bessel-Thomson filter is the tabulated polynomial scaled to -3 dB at f3dB",
          "[solvers][pulse][filters][reference]") {
  // theta_4(s) = s^4 + 10 s^3 + 45 s^2 + 105 s + 105 (Thomson 1949); its -3 dB frequency
  // 2.11391767490422 rad/s (tables, e.g. Zverev 1967; the delay-normalised filter has tau(0) = 1 s).
  // H(f) = 105 / theta_4(j w3 f / f3dB). Tolerance 1e-12 relative (rounding of the table value).
  const double f3 = 25e9, w3 = 2.11391767490422;
  const auto b = RxFilter::bessel_thomson(4, f3);
  for (double x : {0.0, 0.2, 0.5, 1.0, 2.0, 5.0}) {
    const cplx s(0.0, w3 * x);
    const cplx ref = 105.0 / (s * s * s * s + 10.0 * s * s * s + 45.0 * s * s + 105.0 * s + 105.0);
    CHECK(std::abs(b.response(x * f3) - ref) <= 1e-12 * std::abs(ref));
  }
  // Group delay at DC = w3 / (2 pi f3dB) (the delay-normalised value 1 s, rescaled): from the phase
  // by finite difference (tolerance 1e-6, the difference step) and from the analytic root formula.
  CHECK(numeric_group_delay(b, 0.0) == Approx(w3 / (2.0 * phy::pi * f3)).epsilon(1e-6));
  CHECK(b.group_delay_s(0.0) == Approx(w3 / (2.0 * phy::pi * f3)).epsilon(1e-12));
  for (double x : {0.3, 0.9, 1.5})
    CHECK(b.group_delay_s(x * f3) == Approx(numeric_group_delay(b, x * f3)).epsilon(1e-6));
}

TEST_CASE("Bessel-Thomson filters are -3 dB at f3dB with the tabulated normalised frequencies",
          "[solvers][pulse][filters][reference]") {
  // Normalised -3 dB frequencies of theta_n(0)/theta_n(s), n = 1..5 (tables; recomputed by
  // bisection in exact integer polynomial arithmetic): 1, 1.36165412871613, 1.75567236868121,
  // 2.11391767490422, 2.42741070215263. Tolerance 1e-12.
  const double table[] = {1.0, 1.36165412871613, 1.75567236868121, 2.11391767490422, 2.42741070215263};
  for (int n = 1; n <= 5; ++n) CHECK(RxFilter::bessel_w3db(n) == Approx(table[n - 1]).epsilon(1e-12));
  for (int n = 1; n <= 10; ++n)
    CHECK(db(RxFilter::bessel_thomson(n, 10e9).response(10e9)) == Approx(-10.0 * std::log10(2.0)).epsilon(1e-9));
}

TEST_CASE("The Bessel-Thomson group delay is maximally flat, the Butterworth's is not",
          "[solvers][pulse][filters][property]") {
  // Maximally flat delay: tau(f) = tau(0) (1 - c f^{2n} + ...), so halving f divides the deviation
  // by 2^{2n} = 256 for n = 4. A Butterworth's deviation is ~f^2 (ratio 4). Measured at 0.2 and
  // 0.1 f3dB; tolerance 5 % on the ratio (the next term of the series).
  const double f3 = 10e9;
  auto dev = [](const RxFilter& r, double f) { return 1.0 - r.group_delay_s(f) / r.group_delay_s(0.0); };
  const auto bt = RxFilter::bessel_thomson(4, f3);
  CHECK(dev(bt, 0.2 * f3) / dev(bt, 0.1 * f3) == Approx(256.0).epsilon(0.05));
  const auto bw = RxFilter::butterworth(4, f3);
  CHECK(std::abs(dev(bw, 0.2 * f3) / dev(bw, 0.1 * f3)) == Approx(4.0).epsilon(0.05));
  // In the passband the Bessel's delay stays within 1 % of tau(0) up to f3dB/2; the Butterworth's does not.
  CHECK(std::abs(dev(bt, 0.5 * f3)) < 0.01);
  CHECK(std::abs(dev(bw, 0.5 * f3)) > 0.05);
}

TEST_CASE("The COM CTLE of eq. 93A-22 has the hand-computed response", "[solvers][pulse][filters][reference]") {
  // 25GBASE-KR: f_b = 25.78125 GBd, f_z = f_p1 = f_b/4, f_p2 = f_b, g_DC = -6 dB. Values computed
  // by hand from H = (G + j f/f_z) / ((1 + j f/f_p1)(1 + j f/f_p2)) with G = 10^(-6/20):
  //   f/f_b = 0: -6 dB; 1/8: -4.0364217427 dB; 1/4: -2.3003614068 dB; 1/2: -1.6736964047 dB,
  //   phase -0.2455372832 rad; 1: -3.2059378543 dB. Tolerance 1e-9 dB / rad (10 digits given).
  const double fb = 25.78125e9;
  const auto c = Ctle::com(-6.0, fb / 4, fb / 4, fb);
  CHECK(db(c.response(0.0)) == Approx(-6.0).epsilon(1e-12));
  CHECK(db(c.response(fb / 8)) == Approx(-4.0364217427).margin(1e-9));
  CHECK(db(c.response(fb / 4)) == Approx(-2.3003614068).margin(1e-9));
  CHECK(db(c.response(fb / 2)) == Approx(-1.6736964047).margin(1e-9));
  CHECK(std::arg(c.response(fb / 2)) == Approx(-0.2455372832).margin(1e-9));
  CHECK(db(c.response(fb)) == Approx(-3.2059378543).margin(1e-9));
  // At g_DC = 0 dB the zero cancels the first pole: H = 1 / (1 + j f / f_p2) exactly.
  const auto flat = Ctle::com(0.0, fb / 4, fb / 4, fb);
  for (double f : {1e9, 1e10, 5e10}) CHECK(std::abs(flat.response(f) - 1.0 / cplx(1.0, f / fb)) < 1e-15);
  CHECK(flat.peaking_db() == Approx(0.0).margin(1e-12));
  // Peaking max|H|/|H(0)| at g_DC = -12 dB: 10.131490305 dB (dense sweep by hand, 2e5 points).
  CHECK(Ctle::com(-12.0, fb / 4, fb / 4, fb).peaking_db() == Approx(10.131490305).margin(1e-6));
  const auto fam = com_ctle_family(fb);
  REQUIRE(fam.size() == 13u);
  CHECK(fam.front().g_dc_db() == 0.0);
  CHECK(fam.back().g_dc_db() == -12.0);
}

TEST_CASE("The 802.3ck CTLE adds the low-frequency pair and reduces to 93A-22 at g_DC2 = 0",
          "[solvers][pulse][filters][reference]") {
  // f_b = 106.25 GBd, f_z = f_p1 = f_b/2.5, f_p2 = f_b, f_LF = f_b/80, g_DC = -9 dB, g_DC2 = -3 dB.
  // Hand values of (G + jf/f_z)(G2 + jf/f_LF) / ((1 + jf/f_p1)(1 + jf/f_p2)(1 + jf/f_LF)):
  //   f = 0: -12 dB; f_LF: -10.2173102357 dB; f_b/8: -6.9997759307 dB; f_b/2: -2.7823579345 dB.
  const double fb = 106.25e9;
  const auto c = Ctle::com_ck(-9.0, -3.0, fb / 2.5, fb / 2.5, fb, fb / 80);
  CHECK(db(c.response(0.0)) == Approx(-12.0).epsilon(1e-12));
  CHECK(db(c.response(fb / 80)) == Approx(-10.2173102357).margin(1e-9));
  CHECK(db(c.response(fb / 8)) == Approx(-6.9997759307).margin(1e-9));
  CHECK(db(c.response(fb / 2)) == Approx(-2.7823579345).margin(1e-9));
  const auto ck0 = Ctle::com_ck(-7.0, 0.0, fb / 2.5, fb / 2.5, fb, fb / 80);
  const auto bj = Ctle::com(-7.0, fb / 2.5, fb / 2.5, fb);
  for (double f : {0.0, 1e8, 1e9, 3e10, 1e11}) CHECK(std::abs(ck0.response(f) - bj.response(f)) < 1e-14);
  CHECK(com_ck_ctle_family(fb, {0, -1, -2}, {0, -1}).size() == 6u);
}

TEST_CASE("A generic CTLE is normalised at DC or at its peak", "[solvers][pulse][filters][unit]") {
  // One zero at 2 GHz, poles at 10 and 30 GHz. DC normalisation: H(0) = gain. Peak normalisation:
  // the maximum of |H| over a dense independent sweep (1e5 log points, 0.01..1000 GHz) equals the
  // gain within the sweep's resolution (relative 1e-6).
  const auto dc = Ctle::generic(-3.0, {2e9}, {10e9, 30e9});
  CHECK(db(dc.response(0.0)) == Approx(-3.0).epsilon(1e-12));
  CHECK(std::abs(dc.response(5e9) - std::pow(10.0, -3.0 / 20) * cplx(1.0, 2.5) /
                                        (cplx(1.0, 0.5) * cplx(1.0, 5.0 / 30.0))) < 1e-14);
  const auto pk = Ctle::generic(0.0, {2e9}, {10e9, 30e9}, Ctle::Normalization::peak);
  double best = 0.0;
  for (int i = 0; i <= 100000; ++i) best = std::max(best, std::abs(pk.response(1e7 * std::pow(1e5, i / 1e5))));
  CHECK(best == Approx(1.0).epsilon(1e-6));
  CHECK(db(pk.response(0.0)) == Approx(-pk.peaking_db()).epsilon(1e-9));
  CHECK_THROWS_WITH(Ctle::generic(0.0, {1e9, 2e9}, {3e9}, Ctle::Normalization::peak),
                    Catch::Contains("at least as many poles"));
  CHECK_THROWS_WITH(Ctle::generic(0.0, {-1e9}, {3e9}), Catch::Contains("zeros_hz[0] = -1e+09"));
}

TEST_CASE("White noise through a first-order filter has sigma^2 = N0 fc atan(fmax/fc) -> N0 pi/2 fc",
          "[solvers][pulse][filters][reference]") {
  // integral_0^fmax N0 / (1 + (f/fc)^2) df = N0 fc atan(fmax/fc), whose limit is the noise
  // bandwidth pi/2 fc. The integrator's error: < 1e-10 relative; tolerance 1e-9.
  const double n0 = 1e-17, fc = 7e9;
  const auto rc = RxFilter::butterworth(1, fc);
  for (double fmax : {fc, 10 * fc, 1e6 * fc}) {
    const double s = integrated_noise_sigma_v(n0, rc, Ctle::none(), fmax);
    CHECK(s * s == Approx(n0 * fc * std::atan(fmax / fc)).epsilon(1e-9));
  }
  const double s_inf = integrated_noise_sigma_v(n0, rc, Ctle::none(), 1e9 * fc);
  CHECK(s_inf * s_inf == Approx(n0 * phy::pi / 2 * fc).epsilon(1e-8));
}

TEST_CASE("White noise through a 4th-order Butterworth has the closed-form noise bandwidth",
          "[solvers][pulse][filters][reference]") {
  // integral_0^inf df / (1 + (f/f3)^8) = f3 (pi/8) / sin(pi/8) = 1.026172153 f3; fmax = 1e4 f3
  // leaves 1e-29 of it out. Tolerance 1e-9.
  const double n0 = 2e-18, f3 = 20e9;
  const double s = integrated_noise_sigma_v(n0, RxFilter::butterworth(4, f3), Ctle::none(), 1e4 * f3);
  CHECK(s * s == Approx(n0 * f3 * (phy::pi / 8) / std::sin(phy::pi / 8)).epsilon(1e-9));
}

TEST_CASE("Noise through the COM receiver and CTLE matches a brute-force trapezoid sum",
          "[solvers][pulse][filters][reference]") {
  // A coloured PSD (1/f corner at 100 MHz plus white) through 93A-20 and a -8 dB CTLE up to 64 GHz;
  // reference: trapezoid rule on 2e6 uniform points (error ~ h^2 f'' / 12 ~ 1e-7 relative; the
  // 1/f part is integrable only away from 0, so it is capped at 100x the white level).
  const double fb = 53.125e9, n0 = 8.2e-18;
  const NoisePsd psd = [n0](double f) { return n0 * std::min(100.0, 1.0 + 1e8 / std::max(f, 1.0)); };
  const auto rx = RxFilter::com_receiver(fb);
  const auto ctle = Ctle::com(-8.0, fb / 4, fb / 4, fb);
  const double fmax = 64e9;
  const int n = 2000000;
  double ref = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double f = fmax * i / n;
    const double w = (i == 0 || i == n) ? 0.5 : 1.0;
    ref += w * psd(f) * std::norm(rx.response(f) * ctle.response(f));
  }
  ref *= fmax / n;
  const double s = integrated_noise_sigma_v(psd, rx, ctle, fmax);
  CHECK(s * s == Approx(ref).epsilon(1e-6));
}

TEST_CASE("The noise of a CTLE family at once equals each CTLE's alone and a brute-force sum",
          "[solvers][pulse][filters][reference]") {
  // The 13 KR4 COM CTLEs share their panels and differ in g_DC alone: one family, integrated as
  // G^2 I_1 + I_2; each must match its own integral (the same integral summed in another order:
  // measured 2.7e-16 relative; tolerance 1e-14). A generic CTLE with a 1 kHz corner starts its
  // panels lower (a group of its own), as does none: each the same double as alone. The family's
  // strongest member must match a trapezoid sum on 2e6 points (error ~1e-7 relative; tolerance
  // 1e-6, as above).
  const double fb = 25.78125e9, eta0 = 5.2e-17, fmax = 16 * fb;
  const auto rx = RxFilter::com_receiver(fb);
  std::vector<Ctle> ctles = com_ctle_family(fb);
  ctles.push_back(Ctle::generic(0.0, {1e3}, {1e4, 30e9}));
  ctles.push_back(Ctle::none());
  const std::vector<double> all = integrated_noise_sigmas_v(eta0, rx, ctles, fmax);
  REQUIRE(all.size() == ctles.size());
  double worst = 0.0;
  for (std::size_t c = 0; c < ctles.size(); ++c) {
    INFO("CTLE " << ctles[c].label());
    const double one = integrated_noise_sigma_v(eta0, rx, ctles[c], fmax);
    if (c < 13) {
      worst = std::max(worst, std::abs(all[c] - one) / one);
      CHECK(all[c] == Approx(one).epsilon(1e-14));
    } else {
      CHECK(all[c] == one);  // not of the family: integrated on its own, the same double
    }
  }
  INFO("family members against their own integrals: worst relative difference " << worst);
  CHECK(worst < 1e-14);
  const int n = 2000000;
  double ref = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double f = fmax * i / n;
    ref += ((i == 0 || i == n) ? 0.5 : 1.0) * eta0 * std::norm(rx.response(f) * ctles[12].response(f));
  }
  ref *= fmax / n;
  CHECK(all[12] * all[12] == Approx(ref).epsilon(1e-6));
  // The 802.3ck form: one family per g_DC2 (its low-frequency pair is in the shared part).
  const double fb2 = 106.25e9;
  const auto rx2 = RxFilter::com_receiver(fb2);
  const std::vector<Ctle> ck = com_ck_ctle_family(fb2, {0.0, -2.0, -4.0, -6.0}, {0.0, -3.0, -6.0});
  const std::vector<double> ck_all = integrated_noise_sigmas_v(eta0, rx2, ck, 16 * fb2);
  double ck_worst = 0.0;
  for (std::size_t c = 0; c < ck.size(); ++c) {
    const double one = integrated_noise_sigma_v(eta0, rx2, ck[c], 16 * fb2);
    ck_worst = std::max(ck_worst, std::abs(ck_all[c] - one) / one);
  }
  INFO("802.3ck family members: worst relative difference " << ck_worst);
  CHECK(ck_worst < 1e-14);
  CHECK(integrated_noise_sigmas_v(0.0, rx, ctles, fmax) == std::vector<double>(ctles.size(), 0.0));
  CHECK_THROWS_WITH(integrated_noise_sigmas_v(-1.0, rx, ctles, fmax), Catch::Contains("psd = -1"));
}

TEST_CASE("Bad filter parameters name the parameter, the value and the rule", "[solvers][pulse][filters][unit]") {
  CHECK_THROWS_WITH(RxFilter::butterworth(0, 1e9), Catch::Contains("order = 0") && Catch::Contains("1..10"));
  CHECK_THROWS_WITH(RxFilter::bessel_thomson(4, -1.0), Catch::Contains("f3db = -1"));
  CHECK_THROWS_WITH(TxEdgeFilter::gaussian(0.0), Catch::Contains("rise_time_20_80 = 0"));
  CHECK_THROWS_WITH(parse_rx_filter_type("chebyshev"),
                    Catch::Contains("chebyshev") && Catch::Contains("none, butterworth, bessel_thomson"));
  CHECK(parse_rx_filter_type("bessel_thomson") == RxFilterType::bessel_thomson);
  CHECK_THROWS_WITH(integrated_noise_sigma_v(-1.0, RxFilter(), Ctle(), 1e9), Catch::Contains("psd = -1"));
}
