// Resampling, DC extrapolation and the uniform grid. References: closed-form S of lines
// (Pozar 4th ed., Table 4.1 chain matrix -> Frickey's S), phylane's line model evaluated at DC
// directly (an exact DC point: the series resistance), and the DC points stored in measured files.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "channels/copper_channel.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "channels/resample.hpp"
#include "io/touchstone.hpp"
#include "phy/constants.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "tests/support/frequency.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

using test::grid;

// A 60-ohm line with skin-effect loss between 50-ohm ports, in closed form: gamma l =
// a sqrt(f/1GHz) (1 + j) + j 2 pi f tau, chain matrix [cosh, Z sinh; sinh/Z, cosh] (Pozar Table
// 4.1), S by Frickey's Table I (channels::to_s). S11 ripples with period 1/(2 tau) = 500 MHz.
Network analytic_line(const std::vector<double>& f) {
  Network n(f, 2, {50.0});
  for (std::size_t k = 0; k < n.size(); ++k) {
    const double a = 0.05 * std::sqrt(f[k] / 1e9);
    const S2 s = to_s(Abcd::line(cplx(a, a + 2 * phy::pi * f[k] * 1e-9), 60.0, 1.0), 50, 50);
    n.s(k, 0, 0) = s.s11;
    n.s(k, 0, 1) = s.s12;
    n.s(k, 1, 0) = s.s21;
    n.s(k, 1, 1) = s.s22;
  }
  return n;
}

double max_diff(const Network& a, const Network& b) {
  double d = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) d = std::max(d, (a.s(k) - b.s(k)).cwiseAbs().maxCoeff());
  return d;
}

// 10 in of 5-mil stripline (copper_channel_test.cpp's), Djordjevic-Sarkar, 50-ohm ends.
CopperChannel stripline_channel() {
  phy::StriplineDims d{5 * phy::units::mil, 0.6 * phy::units::mil, 5 * phy::units::mil, 5 * phy::units::mil, 0.0,
                       1.2 * phy::units::mil};
  phy::TransmissionLine tl(std::make_shared<phy::Stripline>(d), phy::Dielectric::djordjevic_sarkar(3.6, 0.01, 1e10),
                           {5.8e7, {}, {}});
  return CopperChannel({{"line", 10 * phy::units::inch, tl}}, 50, 50);
}

}  // namespace

TEST_CASE("Resampling a smooth analytic network reproduces it", "[channels][resample][reference]") {
  // Data every 50 MHz (S21 turns 0.31 rad per step, S11's ripple has 10 points per period),
  // resampled onto a 7 MHz grid between the data points. A cubic spline's error is
  // h^4 max|y''''| / 384: for S11's ripple (amplitude 0.18, period 500 MHz) 0.18 (2 pi / 10)^4 / 384
  // = 7e-5, measured 4e-5 above 1 GHz once the delay is removed: tolerance 1e-4 there. Near
  // the first data point the skin-effect term a sqrt(f) has y'''' ~ f^-3.5: measured 4e-4 in the
  // first intervals (50 .. 120 MHz), tolerance 5e-4 over the whole band.
  const Network coarse = analytic_line(grid(50e6, 20e9, 50e6));
  const auto fine = grid(53e6, 19.9e9, 7e6);
  const Network r = resample(coarse, fine);
  const Network exact = analytic_line(fine);
  CHECK(max_diff(r, exact) < 5e-4);
  double above_1ghz = 0.0, s21 = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) {
    s21 = std::max(s21, std::abs(r.s(k, 1, 0) - exact.s(k, 1, 0)));
    if (fine[k] > 1e9) above_1ghz = std::max(above_1ghz, (r.s(k) - exact.s(k)).cwiseAbs().maxCoeff());
  }
  CHECK(above_1ghz < 1e-4);
  // S21 is mostly delay, which the method removes exactly: measured 3e-5 at worst.
  CHECK(s21 < 5e-5);
  CHECK(r.z0_ohm() == coarse.z0_ohm());
}

TEST_CASE("A pure delay is resampled exactly even at 2 rad per data step", "[channels][resample][property]") {
  // Linear re/im interpolation would lose 1 - cos(1) = 46 % of |S21| between points; the
  // delay-removed spline reproduces exp(-j w tau) to rounding (1e-12: phase 2 pi f tau ~ 100 rad).
  const double tau = 1.59e-9;
  auto make = [&](const std::vector<double>& f) {
    Network n(f, 2, {50.0});
    for (std::size_t k = 0; k < n.size(); ++k) n.s(k, 0, 1) = n.s(k, 1, 0) = std::polar(0.8, -2 * phy::pi * f[k] * tau);
    return n;
  };
  const Network coarse = make(grid(0.0, 10e9, 200e6));
  const auto fine = grid(1e6, 9.99e9, 11e6);
  CHECK(max_diff(resample(coarse, fine), make(fine)) < 1e-12);
  CHECK(std::abs(term_delay_s(coarse, 1, 0) - tau) < 1e-20);
}

TEST_CASE("Resampling refuses frequencies outside the data or out of order", "[channels][resample][unit]") {
  const Network n = analytic_line(grid(50e6, 1e9, 50e6));
  const std::vector<double> below{10e6}, unordered{100e6, 90e6};
  CHECK_THROWS_WITH(resample(n, below), Catch::Contains("outside the data") && Catch::Contains("extrapolate_to_dc"));
  CHECK_THROWS_WITH(resample(n, unordered), Catch::Contains("strictly increasing"));
}

TEST_CASE("A line extrapolated to DC from 50 MHz agrees with the line computed at DC", "[channels][resample][reference]") {
  // At DC the channel is its series resistance R between 50-ohm ports (copper_channel_test.cpp):
  // S21(0) = 100 / (100 + R) = 0.976 for 10 in of this 5-mil stripline. Between DC and 50 MHz
  // the line passes from resistive to skin-effect conduction (the skin depth equals the 0.6 mil
  // strip thickness near 20 MHz) and its loss rises steeply there, which no extrapolation from
  // above 50 MHz can see; the even fit overestimates the DC loss. Measured: S21(0) low by 6.3e-3
  // (0.06 dB), S11(0) off by 5.8e-3. Tolerance 1e-2 on both, and S21(0) must err on the side of loss.
  const CopperChannel ch = stripline_channel();
  const Network from_50mhz = network_from_channel(ch, grid(50e6, 20e9, 10e6));
  const Network dc = extrapolate_to_dc(from_50mhz);
  REQUIRE(dc.freq_hz().front() == 0.0);
  REQUIRE(dc.size() == from_50mhz.size() + 1);
  const S2 exact = ch.s_params(0.0);
  CHECK(dc.s(0, 1, 0).imag() == 0.0);  // P370: the DC point is real
  CHECK(std::abs(dc.s(0, 1, 0) - exact.s21) < 1e-2);
  CHECK(dc.s(0, 1, 0).real() < exact.s21.real());
  CHECK(std::abs(dc.s(0, 0, 0) - exact.s11) < 1e-2);
  // The data points themselves are untouched.
  for (std::size_t k = 0; k < from_50mhz.size(); k += 97) CHECK((dc.s(k + 1) - from_50mhz.s(k)).norm() == 0.0);
}

TEST_CASE("DC extrapolation of measured thrus gives a real, positive |SDD21(0)| close to 1", "[channels][resample][data]") {
  // peters_01_0605_B1 starts at 50 MHz. A 0.5 m backplane thru's DC loss is a few tenths of a dB:
  // |SDD21(0)| must lie in [0.9, 1] with phase 0 (P370: real DC point; a thru does not invert).
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/peters_01_0605_B1_thru.s4p", return);
  const Network mm = extrapolate_to_dc(to_mixed_mode(io::read_touchstone(*path), PortOrder::pairs_12_34));
  const cplx sdd = mm.s(0, 1, 0);
  CHECK(sdd.imag() == 0.0);
  CHECK(sdd.real() > 0.9);
  CHECK(sdd.real() <= 1.0);
}

TEST_CASE("DC extrapolated from 10 MHz comes close to the DC point stored in the Whisper file", "[channels][resample][data]") {
  // TEC_Whisper42p8in_Meg6 holds data from DC in 10 MHz steps: dropping the DC point (a VNA's
  // usual 10 MHz start) and extrapolating can be compared with the file's own DC matrix. The file
  // drops from |S21| = 0.960 at DC to 0.925 at 10 MHz (skin-effect onset), which the fit cannot
  // see: measured transmission (S21, S43, SDD21) low by 0.034-0.036, reflections high by 0.044,
  // near-end crosstalk off by 0.009. Tolerance 0.05 on every term, transmission on the loss side.
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const Network full = io::read_touchstone(*path);
  REQUIRE(full.freq_hz().front() == 0.0);
  std::vector<double> f(full.freq_hz().begin() + 1, full.freq_hz().end());
  REQUIRE(f.front() == 10e6);
  Network cut(f, 4, full.z0_ohm());
  for (std::size_t k = 0; k < cut.size(); ++k) cut.s(k) = full.s(k + 1);
  const Network dc = extrapolate_to_dc(cut);
  CHECK((dc.s(0) - full.s(0)).cwiseAbs().maxCoeff() < 0.05);
  const auto a = sdd21(dc, PortOrder::pairs_12_34), b = sdd21(full, PortOrder::pairs_12_34);
  CHECK(std::abs(a[0] - b[0]) < 0.05);
  CHECK(a[0].real() < b[0].real());
  CHECK(dc.s(0, 1, 0).real() < full.s(0, 1, 0).real());
}

TEST_CASE("The uniform grid starts at DC, keeps the data, and tapers passively beyond them", "[channels][resample][property]") {
  const Network data = analytic_line(grid(50e6, 10e9, 50e6));
  const double df = 25e6, fmax = 12e9;
  const Network u = to_uniform_grid(data, df, fmax);
  REQUIRE(u.size() == 481);
  for (std::size_t k = 0; k < u.size(); ++k) REQUIRE(u.freq_hz()[k] == df * static_cast<double>(k));
  // At data frequencies the spline passes through the data (rotation by the delay and back: 1e-15).
  for (std::size_t k = 2; k <= 400; k += 2) CHECK((u.s(k) - data.s(k / 2 - 1)).cwiseAbs().maxCoeff() < 1e-15);
  // Beyond 10 GHz: S(f) = S(f_end) w e^{-j 2 pi (f - f_end) tau}, w the raised cosine over 1 GHz
  // (10 % of f_end), 0 from 11 GHz. So sigma_max(f) = w sigma_max(f_end) (1e-15), and the first
  // step changes S by at most |S(f_end)| ((pi df / taper)^2 / 4 + 2 pi df tau), tau = 1 ns.
  const auto p = check_passivity(u);
  const double s_end = p.sigma_max[400];
  for (std::size_t k = 401; k < u.size(); ++k) {
    const double x = u.freq_hz()[k] - 10e9;
    const double w = x < 1e9 ? 0.5 * (1 + std::cos(phy::pi * x / 1e9)) : 0.0;
    CHECK(std::abs(p.sigma_max[k] - w * s_end) < 1e-15);
  }
  CHECK(p.sigma_max.back() == 0.0);
  const double bound = (phy::pi * df / 1e9) * (phy::pi * df / 1e9) / 4 + 2 * phy::pi * df * 1.2e-9;  // tau as estimated: 1 ns + 20 % (mismatch ripple)
  CHECK((u.s(401) - u.s(400)).cwiseAbs().maxCoeff() <= bound * u.s(400).cwiseAbs().maxCoeff() * (1 + 1e-9));
  CHECK_THROWS_WITH(to_uniform_grid(data, 0.0, 1e9), Catch::Contains("df"));
}

TEST_CASE("A band-limited network prepared by two concurrent tasks equals the one prepared in order",
          "[channels][resample][property]") {
  // BandLimitOptions::for_each lets the terms be prepared side by side (io passes the parallel
  // executor). The result must not depend on it: every S_ij at every frequency, the DC point of a
  // file without one included, bit for bit. A 4-port with distinct terms: two analytic lines of
  // different delays as the through paths and a weak coupling between them, from 50 MHz (so the DC
  // fit runs in each task).
  const auto f = grid(50e6, 20e9, 50e6);
  const Network a = analytic_line(f);
  Network n(f, 4, {50.0});
  for (std::size_t k = 0; k < n.size(); ++k)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const int ai = i % 2, aj = j % 2;
        const double scale = (i / 2 == j / 2) ? 1.0 : 0.05 * (1 + i + 2 * j);
        n.s(k, i, j) = scale * a.s(k, ai, aj) * std::polar(1.0, -2e-11 * phy::pi * f[k] * (i + j));
      }
  BandLimitOptions concurrent;
  int calls = 0;
  concurrent.for_each = [&calls](std::size_t count, const std::function<void(std::size_t)>& task) {
    ++calls;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < count; ++t) threads.emplace_back([&task, t] { task(t); });
    for (auto& th : threads) th.join();
  };
  const BandLimitedNetwork in_order(n), side_by_side(n, concurrent);
  CHECK(calls == 1);
  const auto g = grid(0.0, 23e9, 23e6);
  const Network x = in_order.evaluate(g), y = side_by_side.evaluate(g);
  CHECK(max_diff(x, y) == 0.0);
  CHECK(in_order.zero_above_hz() == side_by_side.zero_above_hz());
}
