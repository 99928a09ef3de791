// The COM engine (solvers/com.hpp) piece by piece against Annex 93A's equations written out here:
//  - CTLE (93A-22) and Rx filter (93A-20) magnitudes at chosen frequencies from the equations;
//  - the PMF of a known two-tap ISI (93A-39/40): NRZ 4 atoms, PAM4 16 atoms of 1/L^2;
//  - A_ni of Gaussian noise alone: sigma Q^-1(DER_0), the closed form;
//  - the sampling-point rule (the reference code 4.15's) on a Gaussian pulse, whose 1 % crossing
//    and Mueller-Muller point follow in closed form;
//  - the FOM's ISI sums (ComFomSums) and jitter sums (ComSlopeSums) against the same sums taken
//    term by term;
//  - the CTLE family's pulses as G p_a + p_b (AffineCtle) against one transform per setting;
//  - the pulse as the reference code forms it (the running sum of M impulse samples) against
//    that sum written out for a Gaussian channel.
// End to end against the reference code: tests/io/com_workflow_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <complex>
#include <vector>

#include "channels/copper_channel.hpp"
#include "channels/filters.hpp"
#include "phy/constants.hpp"
#include "phy/gaussian.hpp"
#include "solvers/com.hpp"
#include "tests/support/stripline_channel.hpp"

using namespace phylane;
using namespace phylane::solvers;

TEST_CASE("COM CTLE is (93A-22) and the receiver filter (93A-20)", "[solvers][com][reference]") {
  const double fb = 25.78125e9;
  const double fz = fb / 4, fp1 = fb / 4, fp2 = fb;
  for (double g : {0.0, -6.0, -12.0}) {
    const Ctle c = Ctle::com(g, fz, fp1, fp2);
    for (double f : {0.0, 1e9, 6.4453125e9, 12.890625e9, 30e9}) {
      // |H| = |G + j f/f_z| / (|1 + j f/f_p1| |1 + j f/f_p2|), G = 10^(g/20)
      const double G = std::pow(10.0, g / 20.0);
      const double mag = std::hypot(G, f / fz) / (std::hypot(1.0, f / fp1) * std::hypot(1.0, f / fp2));
      CHECK(std::abs(c.response(f)) == Approx(mag).epsilon(1e-12));
    }
  }
  // 93A-20 written out: H_r = 1 / (1 - 3.414214 x^2 + x^4 + j 2.613126 (x - x^3)), x = f / (f_r f_b).
  const RxFilter rx = RxFilter::com_receiver(fb, 0.75);
  for (double f : {1e9, 10e9, 19.3359375e9, 40e9}) {
    const double x = f / (0.75 * fb);
    const std::complex<double> h = 1.0 / std::complex<double>(1 - 3.414214 * x * x + x * x * x * x, 2.613126 * (x - x * x * x));
    // The standard's coefficients are rounded to 7 digits.
    CHECK(std::abs(rx.response(f)) == Approx(std::abs(h)).epsilon(1e-6));
  }
}

TEST_CASE("COM PMF of a two-tap ISI has the atoms +-h1 +-h2 (93A-39, 93A-40)", "[solvers][com][unit]") {
  const double step = 1e-4;
  const std::vector<double> h{0.0123, -0.0031};  // on the grid: 123 and -31 steps
  const ComPmf nrz = com_symbol_pmf(h, 2, step);
  int atoms = 0;
  for (std::size_t i = 0; i < nrz.p.size(); ++i) {
    if (nrz.p[i] == 0.0) continue;
    ++atoms;
    const long k = std::lround(nrz.value(i) / step);
    CHECK((std::abs(k) == 123 + 31 || std::abs(k) == 123 - 31));
    CHECK(nrz.p[i] == Approx(0.25).epsilon(1e-15));
  }
  CHECK(atoms == 4);
  // PAM4: levels -1, -1/3, 1/3, 1 on each tap: 16 atoms of 1/16, mean 0, variance
  // sigma_X^2 (h1^2 + h2^2) with sigma_X^2 = 5/9 (93A-29) up to the rounding to the grid.
  const std::vector<double> h4{0.0120, -0.0030};  // multiples of 3 steps: the thirds land on the grid
  const ComPmf pam = com_symbol_pmf(h4, 4, step);
  double mean = 0.0, var = 0.0;
  atoms = 0;
  for (std::size_t i = 0; i < pam.p.size(); ++i) {
    if (pam.p[i] == 0.0) continue;
    ++atoms;
    CHECK(pam.p[i] == Approx(1.0 / 16).epsilon(1e-15));
    mean += pam.p[i] * pam.value(i);
    var += pam.p[i] * pam.value(i) * pam.value(i);
  }
  CHECK(atoms == 16);
  CHECK(std::abs(mean) < 1e-15);
  CHECK(var == Approx(5.0 / 9.0 * (0.012 * 0.012 + 0.003 * 0.003)).epsilon(1e-12));
}

TEST_CASE("COM A_ni of Gaussian noise alone is sigma Q^-1(DER_0)", "[solvers][com][reference]") {
  // Q^-1(1e-5) = 4.264890793922825, Q^-1(1e-4) = 3.719016485455709 (the normal quantiles).
  const double sigma = 1e-3, step = 1e-6;
  const ComPmf g = com_gaussian_pmf(sigma, step);
  CHECK(com_noise_interference_v(g, 1e-5) == Approx(4.264890793922825 * sigma).margin(step));
  CHECK(com_noise_interference_v(g, 1e-4) == Approx(3.719016485455709 * sigma).margin(step));
  // Adding a two-level ISI tap h shifts each half: P = (Q((a - h)/s) + Q((a + h)/s)) / 2 = DER_0.
  const double h = 2e-3;
  const ComPmf both = convolve(g, com_symbol_pmf(std::vector<double>{h}, 2, step));
  const double a_ni = com_noise_interference_v(both, 1e-5);
  const auto q = [](double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); };
  CHECK(0.5 * (q((a_ni - h) / sigma) + q((a_ni + h) / sigma)) == Approx(1e-5).epsilon(0.01));
}

TEST_CASE("COM sampling point: the reference code 4.15's 1 % crossing and Mueller-Muller rule", "[solvers][com][reference]") {
  // Gaussian pulse h(t) = exp(-t^2 / (2 s^2)), s = 0.4 UI, peak 1 V at t = 0, M = 32.
  // The 1 % crossing: h = 0.01 at t = -s sqrt(2 ln 100) = -1.21406 UI, between samples -39/32
  // (-1.21875, below) and -38/32 (above): j = -39. The metric over t = j ... j + 2 UI with b_max(1)
  // = 1 is |h(t - 1) - max(h(t + 1) - h(t), 0)|: for t >= -0.5 UI, h(t + 1) <= h(t) and it is
  // h(t - 1), least at t = -16/32 UI, h(-1.5) = 8.8e-4; every other t of the range gives more
  // (checked below from the closed form).
  const int m = 32;
  std::vector<double> y;
  for (int i = -8 * m; i <= 8 * m; ++i) {
    const double t = static_cast<double>(i) / m;
    y.push_back(std::exp(-t * t / (2 * 0.4 * 0.4)));
  }
  const std::size_t peak = 8 * m;
  const auto h = [](double t) { return std::exp(-t * t / (2 * 0.4 * 0.4)); };
  REQUIRE(h(-39.0 / 32) < 0.01);
  REQUIRE(h(-38.0 / 32) > 0.01);
  for (int i = -39; i <= -39 + 2 * m; ++i) {
    if (i == -16) continue;
    const double t = i / 32.0;
    CHECK(std::abs(h(t - 1) - std::max(h(t + 1) - h(t), 0.0)) > h(-1.5));
  }
  CHECK(com_cursor_index(y, peak, m, 1.0) == peak - 16);
  // Without a DFE (b_max(1) = 0) the condition is h(-1) = h(1): the peak itself (symmetric pulse).
  CHECK(com_cursor_index(y, peak, m, 0.0) == peak);
  // No upward crossing within 4 UI before the peak (a pulse already above 1 % there): none.
  std::vector<double> high(y.size(), 0.5);
  high[peak] = 1.0;
  CHECK_FALSE(com_cursor_index(high, peak, m, 1.0).has_value());
  // A sample exactly at 1 % counts as a crossing (sign 0 -> 1), as MATLAB's diff(sign(...)) >= 1.
  std::vector<double> flat(y.size(), 0.0);
  for (std::size_t i = peak - 10; i <= peak; ++i) flat[i] = 0.01 * static_cast<double>(i - (peak - 10) + 1);
  flat[peak] = 1.0;
  flat[peak - 10] = 0.01;  // exactly 1 % of the peak: sign 0, the next sample above
  // The crossing is at peak - 11 (-1 -> 0) and again at peak - 10 (0 -> 1): the last, peak - 10.
  // With no post-cursors the metric is |h(t - 1 UI)| = 0 from t = peak - 10 on: the first, itself.
  CHECK(com_cursor_index(flat, peak, m, 1.0) == peak - 10);
  // Two crossings 2 UI apart (a precursor bump above 1 % that falls back below it): the later one,
  // j = peak - 37, is the rule's. Its metric range j ... j + 2 UI first reaches 0 at
  // t = peak - 31 (h(t + 1 UI) = 0 after the peak, h(t - 1 UI) = 0 between the bump and the
  // ramp); from the earlier crossing (peak - 101) the range would end at peak - 37.
  std::vector<double> bump(y.size(), 0.0);
  for (std::size_t i = peak - 100; i < peak - 70; ++i) bump[i] = 0.05;  // up at peak - 101
  for (std::size_t i = peak - 36; i <= peak; ++i) bump[i] = 0.02 * static_cast<double>(i - (peak - 36) + 1);
  bump[peak] = 1.0;
  CHECK(com_cursor_index(bump, peak, m, 1.0) == peak - 31);
  CHECK_THROWS_AS(com_cursor_index(y, y.size() - 2 * m, m, 1.0), std::invalid_argument);
}

TEST_CASE("COM FOM sums equal the direct sums over the FFE-filtered record", "[solvers][com][property]") {
  // A pulse with a slow tail and a late echo, M = 8 samples per UI, 300 UI. The direct sums: the
  // record filtered by the FFE (zero outside), then 93A-26/27 (clipped DFE), every pre-cursor
  // from the record's start (the reference code's optimize_fom, 93A-31) and 93A-28 (the slope at
  // every UI-spaced sample i of the cursor's phase with 1 <= i <= N - 2, the reference code
  // 4.15's sbr(sampling_offset -+ 1 : M : end)) term by term, as the FOM defines them.
  const int m = 8;
  const int nx = 300 * m;
  std::vector<double> x(static_cast<std::size_t>(nx));
  for (int i = 0; i < nx; ++i) {
    const double t = (i - 12.0 * m) / m;  // UI from the main peak
    const double main = std::exp(-t * t / (2 * 0.7 * 0.7));
    const double tail = t > 0 ? 0.08 * std::exp(-t / 25.0) * std::cos(0.9 * t) : 0.0;
    const double echo = 0.004 * std::exp(-(t - 180.0) * (t - 180.0) / 8.0);
    x[static_cast<std::size_t>(i)] = main + tail + echo;
  }
  const int n_b = 4;
  const std::vector<double> b_min{-0.3, -0.05, -0.05, -0.05}, b_max{0.3, 0.05, 0.05, 0.05};
  auto direct = [&](const TxFfe& f, long cur) {
    auto y = [&](long i) {
      double v = 0.0;
      for (std::size_t t = 0; t < f.taps.size(); ++t) {
        const long j = i - (static_cast<long>(t) - f.n_pre) * m;
        if (j >= 0 && j < nx) v += f.taps[t] * x[static_cast<std::size_t>(j)];
      }
      return v;
    };
    const double h0 = y(cur);
    double isi = 0.0, slope = 0.0;
    for (long n = -1; cur + n * m >= 0; --n) isi += y(cur + n * m) * y(cur + n * m);  // every pre-cursor
    for (long n = 1; cur + n * m + 1 < nx; ++n) {
      const double v = y(cur + n * m);
      double r = v;
      if (n <= n_b) r -= std::clamp(v / h0, b_min[static_cast<std::size_t>(n - 1)], b_max[static_cast<std::size_t>(n - 1)]) * h0;
      isi += r * r;
    }
    for (long i = cur % m; i + 1 < nx; i += m) {
      if (i < 1) continue;
      const double hj = (y(i + 1) - y(i - 1)) * m / 2.0;
      slope += hj * hj;
    }
    return std::array<double, 3>{h0, isi, slope};
  };
  ComFomSums sums;
  ComSlopeSums slopes;
  const long peak = 12 * m;
  sums.reset(x, m, 1, 2, static_cast<std::size_t>(peak - 4 * m), static_cast<std::size_t>(peak + 4 * m), n_b);
  slopes.reset(x, m, 4);
  TxFfe f;
  f.n_pre = 1;
  int checked = 0;
  for (const auto& taps : std::vector<std::vector<double>>{{-0.1, 0.7, -0.15, -0.05}, {0.0, 1.0, 0.0, 0.0}, {-0.18, 0.62, -0.2, 0.0}}) {
    f.taps = taps;
    // Cursors at every phase around the peak (phase 0 and M - 1 read the neighbouring UI), and
    // two outside the expected range [peak - 4 UI, peak + 4 UI) (summed without the kept tables).
    for (long cur : {peak - 2 * m, peak - m - 1, peak - 3, peak, peak + 1, peak + m - 1, peak + 3 * m, peak + 20 * m, 2L * m}) {
      const auto ref = direct(f, cur);
      const ComFomSums::Sums s = sums.evaluate(f, static_cast<std::size_t>(cur), ref[0], b_min, b_max);
      // Rounding only: the tail as a quadratic form of suffix sums (and the slopes as one of lag
      // products) sums the same products in another order (1e-12 relative is ~1e4 ulps).
      CHECK(s.isi_v2 == Approx(ref[1]).epsilon(1e-12));
      CHECK(slopes.sum(f, static_cast<std::size_t>(cur % m)) == Approx(ref[2]).epsilon(1e-12));
      ++checked;
    }
    // The window is the FFE output sample by sample, zero outside the record (both ends read).
    std::vector<double> win;
    for (const auto& [from, to] : std::vector<std::pair<long, long>>{{-3L * m, 5L * m}, {nx - 2L * m, nx + 3L * m}}) {
      sums.window(f, from, to, win);
      REQUIRE(win.size() == static_cast<std::size_t>(to - from));
      for (long i = from; i < to; ++i) {
        double v = 0.0;
        for (std::size_t t = 0; t < f.taps.size(); ++t) {
          const long j = i - (static_cast<long>(t) - f.n_pre) * m;
          if (j >= 0 && j < nx) v += f.taps[t] * x[static_cast<std::size_t>(j)];
        }
        CHECK(win[static_cast<std::size_t>(i - from)] == v);
      }
    }
  }
  CHECK(checked == 27);
  // The slopes at the record's ends: a pulse that is not 0 at its first and last samples, an FFE
  // reaching past both ends (its filtered slopes outside [1, N - 2] are left out).
  std::vector<double> edge(static_cast<std::size_t>(6 * m));
  for (std::size_t i = 0; i < edge.size(); ++i) edge[i] = 1.0 + 0.1 * std::sin(0.7 * static_cast<double>(i));
  ComSlopeSums es;
  es.reset(edge, m, 4);
  const TxFfe wide{2, {0.1, -0.2, 0.6, -0.1}};
  for (std::size_t ph = 0; ph < static_cast<std::size_t>(m); ++ph) {
    auto ye = [&](long i) {
      double v = 0.0;
      for (std::size_t t = 0; t < wide.taps.size(); ++t) {
        const long j = i - (static_cast<long>(t) - wide.n_pre) * m;
        if (j >= 0 && j < static_cast<long>(edge.size())) v += wide.taps[t] * edge[static_cast<std::size_t>(j)];
      }
      return v;
    };
    double ref = 0.0;
    for (long i = static_cast<long>(ph); i + 1 < static_cast<long>(edge.size()); i += m)
      if (i >= 1) ref += std::pow((ye(i + 1) - ye(i - 1)) * m / 2.0, 2);
    CHECK(es.sum(wide, ph) == Approx(ref).epsilon(1e-12));
  }
  f.taps = {0.1, 0.5, 0.1, 0.1, 0.2};  // three post-cursor taps: more than reset allowed
  CHECK_THROWS_AS(sums.evaluate(f, static_cast<std::size_t>(peak), 1.0, b_min, b_max), std::invalid_argument);
  f.taps = {0.1, 0.5, 0.1, 0.1, 0.1, 0.1};  // more than max_taps
  CHECK_THROWS_AS(slopes.sum(f, 0), std::invalid_argument);
}

TEST_CASE("COM FOM counts a pre-cursor beyond the Tx FFE's span and picks another setting", "[solvers][com][reference]") {
  // A UI-spaced pulse (M = 1) with h0 = 1, a post-cursor 0.2 and a pre-cursor 0.6 three UI before
  // the cursor (the Tx FFE's one pre-cursor tap cannot reach it); no DFE. Two Tx FFE settings, A = [c(-1) c(0) c(1)] = [0 1 0] and B = [0 0.75 -0.25].
  // By hand, y(n) = c(0) x(n) + c(1) x(n - 1):
  //   A: y(0) = 1;    post y(1) = 0.2;                          pre y(-3) = 0.6
  //   B: y(0) = 0.75; post y(1) = 0.15 - 0.25 = -0.1, y(2) = -0.05; pre y(-3) = 0.45, y(-2) = -0.15
  // From the cursor on (PyChOpMarg's FOM) A's ISI is 0.04 and B's 0.0125: h0^2/ISI 25 < 45, B
  // wins. With every pre-cursor (the reference code's optimize_fom, 93A-31) A's is 0.04 + 0.36 =
  // 0.4 and B's 0.0125 + 0.2025 + 0.0225 = 0.2375: 1/0.4 = 2.5 > 0.5625/0.2375 = 2.37, A wins.
  const int nx = 20;
  const long cur = 8;
  std::vector<double> x(static_cast<std::size_t>(nx), 0.0);
  x[cur] = 1.0;
  x[cur + 1] = 0.2;
  x[cur - 3] = 0.6;
  ComFomSums sums;
  sums.reset(x, 1, 1, 1, static_cast<std::size_t>(cur - 2), static_cast<std::size_t>(cur + 2), 0);
  const std::vector<double> none;
  TxFfe a{1, {0.0, 1.0, 0.0}}, b{1, {0.0, 0.75, -0.25}};
  const ComFomSums::Sums sa = sums.evaluate(a, static_cast<std::size_t>(cur), 1.0, none, none);
  const ComFomSums::Sums sb = sums.evaluate(b, static_cast<std::size_t>(cur), 0.75, none, none);
  CHECK(sa.isi_v2 == Approx(0.4).epsilon(1e-14));
  CHECK(sb.isi_v2 == Approx(0.2375).epsilon(1e-14));
  CHECK(1.0 / sa.isi_v2 > 0.75 * 0.75 / sb.isi_v2);  // A's FOM is the larger: A is chosen
  // The skip test's lower bound counts the pre-cursors too: a budget below A's pre-cursor alone
  // (0.36) prunes it.
  CHECK(sums.evaluate(a, static_cast<std::size_t>(cur), 1.0, none, none, nullptr, 0.3).pruned);
}

TEST_CASE("COM CTLE family: each setting's pulse as G p_a + p_b equals its own transform", "[solvers][com][property]") {
  // (93A-22) is affine in G = 10^(g_DC/20) at fixed poles, so the engine transforms a and b once
  // per grid. The reference is PulseResponseEngine::compute with each Ctle, run over the settings
  // in the same order on a separately prepared spectrum: the grid grows the same way (the wrap
  // check sees the same pulse), and every sample agrees to rounding. A 30 in stripline at 16 GBd
  // whose tail needs the split of rule 7 (the long 1500 UI record of COM leaves it unsplit: both
  // are covered), and the 802.3ck form at two g_DC2 (affine in G at each). Measured: <= 4e-16 of
  // the peak.
  const int record = GENERATE(48, 1500);
  PulseResponseOptions o;
  o.symbol_rate_baud = 16e9;
  o.samples_per_ui = 16;
  o.rx_filter = RxFilter::com_receiver(16e9, 0.75);
  o.record_ui = record;
  o.precursor_ui = 12;
  o.passive_channel = true;
  o.wrap_tolerance = 1e-4;
  const auto h = copper_transfer_function(test::stripline_channel(30.0, test::kLowLossLaminate));
  PulseResponseEngine eng;
  auto direct = eng.prepare(h, o);
  auto combined = eng.prepare(h, o);
  const double fz = 4e9, fp1 = 4e9, fp2 = 16e9, flf = 0.2e9;
  bool split = false;
  for (double g2 : {0.0, -3.0}) {
    const AffineCtle fam = g2 == 0.0 ? AffineCtle::com(fz, fp1, fp2) : AffineCtle::com_ck(g2, fz, fp1, fp2, flf);
    for (int g = 0; g >= -12; g -= 3) {
      const Ctle c = g2 == 0.0 ? Ctle::com(g, fz, fp1, fp2) : Ctle::com_ck(g, g2, fz, fp1, fp2, flf);
      const PulseResult a = eng.compute(direct, c);
      const PulseResult b = eng.compute(combined, fam, std::pow(10.0, g / 20.0));
      split = split || a.low_band_period_s > 0.0;
      REQUIRE(a.fft_size == b.fft_size);
      REQUIRE(a.low_band_period_s == b.low_band_period_s);
      REQUIRE(a.pulse.samples_v.size() == b.pulse.samples_v.size());
      CHECK(a.start_time_s == b.start_time_s);
      CHECK(b.dc_gain == Approx(a.dc_gain).epsilon(1e-14));
      double peak = 0.0, err = 0.0;
      for (std::size_t i = 0; i < a.pulse.samples_v.size(); ++i) {
        peak = std::max(peak, std::abs(a.pulse.samples_v[i]));
        err = std::max(err, std::abs(a.pulse.samples_v[i] - b.pulse.samples_v[i]));
      }
      INFO("record " << record << " UI, g_DC " << g << " dB, g_DC2 " << g2 << " dB: N = " << a.fft_size
                     << ", split " << (a.low_band_period_s > 0.0) << ", max difference / peak " << err / peak);
      CHECK(err / peak < 1e-13);
    }
  }
  if (record == 48) CHECK(split);
}

TEST_CASE("The sampling-point anchors: the peak, and the largest rise over one UI", "[solvers][com][unit]") {
  // M = 4; the peak (1.0) at sample 20. Rises over one UI, y(i) - y(i - 4), for i = 16 ... 24:
  // 0.8, 0.9, 0.85, 0.48, 0.2, 0, -0.25, -0.58, -0.8 (worked out by hand): the largest at 17.
  std::vector<double> y(40, 0.0);
  const std::vector<double> rise{0.0, 0.0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.98, 1.0, 0.9, 0.7, 0.4, 0.2, 0.1};
  for (std::size_t i = 0; i < rise.size(); ++i) y[12 + i] = rise[i];
  CHECK(com_anchor_index(y, 20, 4, 1, 1.0) == 20u);
  CHECK(com_anchor_index(y, 20, 4, 2, 1.0) == 17u);
  CHECK(com_anchor_index(y, 20, 4, 0, 1.0) == com_cursor_index(y, 20, 4, 1.0));
  CHECK_THROWS_AS(com_anchor_index(y, 20, 4, 3, 1.0), std::invalid_argument);
}

TEST_CASE("COM's pulse is the reference code's running sum of M impulse samples (com_box_sum_ratio)",
          "[solvers][com][reference]") {
  // The IEEE reference code 4.15 (COM_FD_to_TD, optimize_fom) forms its pulse as
  // p(t_n) = sum_{k=0}^{M-1} h(t_n - k dt) dt from the impulse response sampled at dt = UI / M.
  // A Gaussian channel H(f) = e^{-(f/f_0)^2} e^{-j 2 pi f tau} has the impulse response
  // h(t) = sqrt(pi) f_0 e^{-(pi f_0 (t - tau))^2}; f_0 = 15 GHz leaves nothing (e^{-711}) at the
  // grid's 1/(2 dt) = 400 GHz, so that sum, written out here, is the reference's pulse exactly.
  // The engine's pulse of H times com_box_sum_ratio must equal it at the engine's own sample
  // times; with the exact rectangle (no ratio) it is the same pulse dt/2 later. Measured: 1.6e-15
  // of the peak with the ratio, 0.020 of it without.
  const double fb = 25e9, f0 = 15e9, tau = 100e-12;
  const int m = 32;
  const double dt = 1.0 / (fb * m);
  PulseResponseOptions o;
  o.symbol_rate_baud = fb;
  o.samples_per_ui = m;
  o.record_ui = 48;
  o.precursor_ui = 12;
  o.tx_swing_v = 0.4;
  auto gaussian = [=](bool box) {
    return channels::TransferFunction([=](std::span<const double> f, std::span<std::complex<double>> h) {
      for (std::size_t k = 0; k < f.size(); ++k) {
        const double x = f[k] / f0;
        h[k] = std::polar(std::exp(-x * x), -2.0 * phy::pi * f[k] * tau);
        if (box) h[k] *= com_box_sum_ratio(f[k], dt);
      }
    });
  };
  auto impulse = [=](double t) { return std::sqrt(phy::pi) * f0 * std::exp(-std::pow(phy::pi * f0 * (t - tau), 2)); };
  PulseResponseEngine eng;
  auto worst = [&](bool box) {
    const PulseResult r = eng.compute(gaussian(box), o);
    double peak = 0.0, err = 0.0;
    for (std::size_t i = 0; i < r.pulse.samples_v.size(); ++i) {
      const double t = r.start_time_s + static_cast<double>(i) * dt;
      double sum = 0.0;
      for (int k = 0; k < m; ++k) sum += impulse(t - k * dt) * dt;
      peak = std::max(peak, std::abs(o.tx_swing_v * sum));
      err = std::max(err, std::abs(r.pulse.samples_v[i] - o.tx_swing_v * sum));
    }
    return err / peak;
  };
  const double with_ratio = worst(true), without = worst(false);
  INFO("max difference / peak: " << with_ratio << " with the ratio, " << without << " without");
  CHECK(with_ratio < 1e-13);
  CHECK(without > 0.01);
  // The ratio itself: 1 at DC, a half-sample advance, the magnitude (pi f dt) / sin(pi f dt).
  CHECK(com_box_sum_ratio(0.0, dt) == std::complex<double>(1.0, 0.0));
  const std::complex<double> r = com_box_sum_ratio(fb, dt);
  CHECK(std::arg(r) == Approx(phy::pi / m).epsilon(1e-14));
  CHECK(std::abs(r) == Approx((phy::pi / m) / std::sin(phy::pi / m)).epsilon(1e-14));
  CHECK_THROWS_AS(com_box_sum_ratio(1.5 / dt, dt), std::invalid_argument);
  CHECK_THROWS_AS(com_box_sum_ratio(1e9, 0.0), std::invalid_argument);
}

namespace {

// A triangular pulse of peak a_v over +-1 UI about the sampling point (zero elsewhere), M samples
// per UI: at phase t (|t| < 1/2 UI) the signal is a (1 - |t|) and the one ISI term a |t|.
std::vector<double> triangle_pulse(double a_v, int m, std::size_t cursor, std::size_t n) {
  std::vector<double> y(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = (static_cast<double>(i) - static_cast<double>(cursor)) / m;
    if (std::abs(t) < 1.0) y[i] = a_v * (1.0 - std::abs(t));
  }
  return y;
}

}  // namespace

TEST_CASE("COM eye (com_eye): a triangular pulse in Gaussian noise has the eye width and windowed VEO of its closed form",
          "[solvers][com][reference]") {
  // NRZ, no DFE, no jitter: at phase t the +1 level is a (1 - |t|) +- a |t| (probability 1/2 each)
  // plus Gaussian noise of sigma_TX. Its lower bound at DER_0 is x(t) with
  // 0.5 Q((a (1 - 2|t|) - x) / sigma) + 0.5 Q((a - x) / sigma) = DER_0, the eye's mid level 0 (the
  // levels are symmetric), so the eye closes at |t*| with x(t*) = 0; the reference code floors the
  // left plus right width to whole contour samples (1/100 UI).
  const double a = 0.2, sigma = 0.01, der0 = 1e-5;
  const int m = 32;
  const std::size_t cursor = 20 * 32 + 7, n = 200 * 32;
  const std::vector<double> y = triangle_pulse(a, m, cursor, n);
  ComEyeSpec es;
  es.samples_per_ui = m;
  es.levels = 2;
  es.step_v = 1.1 * a / 1000.0;  // COM's grid for A_s = a
  es.der0 = der0;
  es.sigma_tx_v = sigma;
  ComPmf none;
  none.step_v = es.step_v;
  // The lower bound of the +1 level pooled over the phases t_k (equal weights), by bisection.
  auto bound = [&](const std::vector<double>& ts) {
    double lo = -a, hi = a;
    for (int it = 0; it < 200; ++it) {
      const double x = 0.5 * (lo + hi);
      double p = 0.0;
      for (double t : ts)
        p += 0.5 * phy::q_function((a * (1.0 - 2.0 * std::abs(t)) - x) / sigma) + 0.5 * phy::q_function((a - x) / sigma);
      (p / static_cast<double>(ts.size()) > der0 ? hi : lo) = x;
    }
    return 0.5 * (lo + hi);
  };
  // The closing phase: x(t*) = 0.
  double t_lo = 0.0, t_hi = 0.5;
  for (int it = 0; it < 200; ++it) {
    const double t = 0.5 * (t_lo + t_hi);
    (bound({t}) > 0.0 ? t_lo : t_hi) = t;
  }
  const double ew = std::floor(2.0 * t_lo * 100.0) / 100.0;  // 2 t* = 0.7947 UI: 79 contour samples
  const ComEye e0 = com_eye(y, cursor, none, es);
  REQUIRE(e0.ew_ui.size() == 1);
  CHECK(e0.ew_ui[0] == Approx(ew).margin(1e-12));
  CHECK(e0.veo_v == 0.0);  // no window
  // The contour at the centre: the bound at t = 0, within two grid steps (the noise and its
  // truncation at 2 Q(DER_0) sigma on the grid).
  REQUIRE(e0.top_v.size() == 100);
  CHECK(e0.top_v[50] == Approx(bound({0.0})).margin(2.0 * es.step_v));
  CHECK(e0.bottom_v[50] == Approx(-bound({0.0})).margin(2.0 * es.step_v));
  // T_O = 60 mUI: the 13 phases -6/100 ... +6/100 UI pooled; VEO = 2 x their pooled bound.
  es.t_o_mui = 60.0;
  const ComEye e1 = com_eye(y, cursor, none, es);
  std::vector<double> ts;
  for (int k = -6; k <= 6; ++k) ts.push_back(k / 100.0);
  CHECK(e1.veo_v == Approx(2.0 * bound(ts)).margin(4.0 * es.step_v));
  CHECK(e1.veo_v < 2.0 * bound({0.0}));
  CHECK(e1.ew_ui == e0.ew_ui);
  // A window beyond the UI is refused.
  es.t_o_mui = 500.0;
  CHECK_THROWS_AS(com_eye(y, cursor, none, es), std::invalid_argument);
}
