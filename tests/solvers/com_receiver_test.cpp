// The 802.3ck/dj receiver pieces of COM (solvers/com_receiver.hpp) against values worked out here:
//  - floating DFE groups on post-cursors with reflections at known UIs: the group lands on the
//    reflection (the strongest start by the energy the bmaxg-limited taps remove, computed here by
//    brute force) and the DFE cancels it within bmaxg; two groups on two reflections never overlap;
//  - the zero-forcing Rx FFE against the small linear system solved here by Cramer's rule, and the
//    equalised UI samples it forces to zero;
//  - the tap limits, the cascade of two UI-spaced filters (against filtering twice), and the
//    noise autocorrelation at UI lags (flat filters: the closed form; lag 0: the eye engine's
//    integrated_noise_sigma_v, a different integrator);
//  - ComFomSums with floating taps against the direct sums with the groups placed per setting.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "solvers/com.hpp"
#include "solvers/com_receiver.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

// Determinant by Laplace expansion along the first row (small matrices only).
double det(const std::vector<std::vector<double>>& a) {
  const std::size_t n = a.size();
  if (n == 1) return a[0][0];
  double d = 0.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<std::vector<double>> minor;
    for (std::size_t r = 1; r < n; ++r) {
      std::vector<double> row;
      for (std::size_t k = 0; k < n; ++k)
        if (k != c) row.push_back(a[r][k]);
      minor.push_back(row);
    }
    d += (c % 2 == 0 ? 1.0 : -1.0) * a[0][c] * det(minor);
  }
  return d;
}

}  // namespace

TEST_CASE("A floating DFE group lands on a reflection and cancels it within bmaxg", "[solvers][com][unit]") {
  // Post-cursors h(1..40) of a 1 V cursor: a small decaying tail plus a reflection at taps 25, 26.
  std::vector<double> post(40);
  for (std::size_t i = 0; i < post.size(); ++i) post[i] = 0.02 * std::exp(-static_cast<double>(i + 1) / 3.0);
  post[24] += 0.05;  // h(25)
  post[25] += 0.03;  // h(26)
  ComFloatingDfe f;
  f.n_b = 12;
  f.n_f = 40;
  f.n_bf = 3;
  f.n_bg = 1;
  f.bmaxg = 0.2;
  // One group: the start s in 13 .. 38 with the largest sum over s .. s + 2 of h^2 - max(0, |h| - bmaxg)^2.
  int best = 0;
  double best_gain = -1.0;
  for (int s = 13; s + 2 <= 40; ++s) {
    double g = 0.0;
    for (int n = s; n < s + 3; ++n) {
      const double h = std::abs(post[static_cast<std::size_t>(n - 1)]);
      g += h * h - std::pow(std::max(0.0, h - 0.2), 2);
    }
    if (g > best_gain) best_gain = g, best = s;
  }
  const auto taps = com_floating_dfe_taps(post, 1.0, f);
  CHECK(taps == std::vector<int>{best, best + 1, best + 2});
  CHECK(std::find(taps.begin(), taps.end(), 25) != taps.end());
  CHECK(std::find(taps.begin(), taps.end(), 26) != taps.end());
  // A reflection larger than bmaxg: the group still lands there, the DFE takes bmaxg of it.
  post[24] = 0.35;
  const auto big = com_floating_dfe_taps(post, 1.0, f);
  REQUIRE(std::find(big.begin(), big.end(), 25) != big.end());
  const double b25 = std::clamp(post[24] / 1.0, -f.bmaxg, f.bmaxg);
  CHECK(b25 == 0.2);
  CHECK(post[24] - b25 * 1.0 == Approx(0.15).epsilon(1e-12));  // the residual beyond bmaxg
  // With a cursor of 0.5 V the limit is bmaxg h(0) = 0.1 V, so a 0.05 V echo is still cancelled.
  post[24] = 0.05;
  CHECK(com_floating_dfe_taps(post, 0.5, f) == taps);
}

TEST_CASE("Two floating groups take two reflections and never overlap", "[solvers][com][unit]") {
  // Two narrow echoes, at taps 20 and 32: a group on each (worked by hand through the reference
  // code's rules: the starts 18, 19, 20 tie and the earliest wins; the starts overlapping it
  // before (16, 17) have no gain, so it stands; the last group takes the best start left, 30).
  std::vector<double> post(40, 0.0);
  post[19] = 0.05;
  post[31] = -0.03;
  ComFloatingDfe f;
  f.n_b = 12;
  f.n_f = 40;
  f.n_bf = 3;
  f.n_bg = 2;
  f.bmaxg = 0.2;
  CHECK(com_floating_dfe_taps(post, 1.0, f) == std::vector<int>{18, 19, 20, 30, 31, 32});
  // A wide echo over taps 20-22 and a weaker one at 31-32: the best start (20) is outranked by
  // starts overlapping it from before (19), so the reference code moves on (to 21, then keeps it)
  // and takes the start exactly one group before it (18) as the second group: both groups cover
  // the wide echo, 18 ... 23 (hand-traced through its findbankloc), none overlapping.
  std::fill(post.begin(), post.end(), 0.0);
  post[19] = 0.04, post[20] = 0.05, post[21] = 0.04;
  post[30] = -0.03, post[31] = 0.02;
  CHECK(com_floating_dfe_taps(post, 1.0, f) == std::vector<int>{18, 19, 20, 21, 22, 23});
  // The shortcut: ISI falling off right after N_b puts the groups at N_b + 1 ... N_b + N_bg N_bf.
  std::vector<double> decay(40);
  for (std::size_t i = 0; i < decay.size(); ++i) decay[i] = 0.3 * std::exp(-static_cast<double>(i + 1) / 4.0);
  CHECK(com_floating_dfe_taps(decay, 1.0, f) == std::vector<int>{13, 14, 15, 16, 17, 18});
  // Groups that cannot fit are refused.
  f.n_f = 17;
  CHECK_THROWS_AS(com_floating_dfe_taps(decay, 1.0, f), std::invalid_argument);
}

TEST_CASE("The zero-forcing Rx FFE solves its small system and zeroes the forced samples", "[solvers][com][reference]") {
  // UI samples h(k), k = -4 ... 4, of a pulse with pre- and post-cursor ISI.
  ComRxFfeSpec spec;
  spec.n_pre = 1;
  spec.n_post = 2;
  const int t = spec.taps();  // 4
  const std::vector<double> h{0.0, 0.01, -0.03, 0.15, 1.0, 0.45, 0.2, 0.08, 0.03};  // h(-4) ... h(4)
  auto at = [&](int k) { return k < -t || k > t ? 0.0 : h[static_cast<std::size_t>(k + t)]; };
  const double b1_max = 0.3;
  for (bool dfe : {true, false}) {
    INFO("DFE " << dfe);
    // Rows j = -1 ... 2: sum_i c_i h(j + 1 - i) = f(j); f(0) = h(0), f(1) = min(b1_max h(0), h(1)) with a DFE.
    std::vector<std::vector<double>> a(4, std::vector<double>(4));
    for (int r = 0; r < 4; ++r)
      for (int i = 0; i < 4; ++i) a[static_cast<std::size_t>(r)][static_cast<std::size_t>(i)] = at(r - i);
    const std::vector<double> f{0.0, 1.0, dfe ? std::min(b1_max * 1.0, 0.45) : 0.0, 0.0};
    const double d = det(a);
    std::vector<double> c(4);
    for (std::size_t i = 0; i < 4; ++i) {
      auto ai = a;
      for (std::size_t r = 0; r < 4; ++r) ai[r][i] = f[r];
      c[i] = det(ai) / d;  // Cramer's rule
    }
    const double c_cursor = c[1];
    for (double& v : c) v /= c_cursor;  // unit cursor tap
    const auto got = com_rx_ffe_force(h, spec, dfe, b1_max);
    REQUIRE(got.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(got[i] == Approx(c[i]).epsilon(1e-12));
    // The equalised samples y(j) = sum_i c_i h(j + 1 - i): zero at j = -1 and 2, y(1)/y(0) = f(1)/h(0).
    auto y = [&](int j) {
      double v = 0.0;
      for (int i = 0; i < 4; ++i) v += got[static_cast<std::size_t>(i)] * at(j + 1 - i);
      return v;
    };
    CHECK(std::abs(y(-1)) < 1e-14);
    CHECK(std::abs(y(2)) < 1e-14);
    CHECK(y(1) / y(0) == Approx(f[2]).margin(1e-13));
  }
  // A step: each tap rounded towards zero to a multiple of it.
  spec.step = 0.05;
  const auto raw = com_rx_ffe_force(h, ComRxFfeSpec{1, 2}, true, b1_max);
  const auto q = com_rx_ffe_force(h, spec, true, b1_max);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(std::abs(q[i]) <= std::abs(raw[i]) + 1e-15);
    CHECK(std::abs(raw[i]) - std::abs(q[i]) < 0.05);
    CHECK(std::abs(q[i] / 0.05 - std::round(q[i] / 0.05)) < 1e-9);
  }
  // A pulse of zeros has no solution: empty.
  CHECK(com_rx_ffe_force(std::vector<double>(9, 0.0), ComRxFfeSpec{1, 2}, true, b1_max).empty());
}

TEST_CASE("Rx FFE tap limits are the reference code's", "[solvers][com][unit]") {
  ComRxFfeSpec s;
  s.n_pre = 2;
  s.n_post = 3;
  s.main_cursor_min = 1.0;
  s.pre_tap1_max = 0.4;
  s.post_tap1_max = 0.5;
  s.tapn_max = 0.2;
  CHECK(com_rx_ffe_legal(std::vector<double>{0.1, -0.3, 1.0, -0.4, 0.15, -0.2}, s));
  CHECK_FALSE(com_rx_ffe_legal(std::vector<double>{0.1, -0.3, 0.99, -0.4, 0.15, -0.2}, s));  // cursor < min
  CHECK_FALSE(com_rx_ffe_legal(std::vector<double>{0.1, -0.45, 1.0, -0.4, 0.15, -0.2}, s));  // |c(-1)| > 0.4
  CHECK_FALSE(com_rx_ffe_legal(std::vector<double>{0.1, -0.3, 1.0, -0.55, 0.15, -0.2}, s));  // |c(1)| > 0.5
  CHECK_FALSE(com_rx_ffe_legal(std::vector<double>{0.25, -0.3, 1.0, -0.4, 0.15, -0.2}, s));  // |c(-2)| > 0.2
  CHECK_FALSE(com_rx_ffe_legal(std::vector<double>{0.1, -0.3, 1.0, -0.4, 0.15, -0.21}, s));  // |c(3)| > 0.2
}

TEST_CASE("Tx and Rx FFE in cascade equal filtering twice", "[solvers][com][property]") {
  PulseResponse p;
  p.samples_per_ui = 4;
  for (int i = 0; i < 200; ++i) p.samples_v.push_back(std::exp(-std::pow((i - 60) / 6.0, 2)) + 0.01 * std::sin(i * 0.3));
  p.main_index = 60;
  TxFfe tx;
  tx.n_pre = 1;
  tx.taps = {-0.1, 0.7, -0.2};
  const std::vector<double> rx{0.2, -0.5, 1.0, -0.3};
  PulseResponse once, twice, both;
  com_apply_fir(p, tx, once);
  com_apply_fir(once, TxFfe{2, rx}, twice);
  com_apply_fir(p, com_cascade_ffe(tx, rx, 2), both);
  REQUIRE(both.samples_v.size() == twice.samples_v.size());
  // Equal away from the record's ends, where filtering twice loses what the first pass cut off.
  for (std::size_t i = 20; i + 20 < both.samples_v.size(); ++i) CHECK(both.samples_v[i] == Approx(twice.samples_v[i]).margin(1e-15));
}

TEST_CASE("The receiver noise's UI-lag autocorrelation", "[solvers][com][reference]") {
  const double fb = 53.125e9, eta0 = 8.2e-18;
  // Flat filters: r(d) = eta0 int_0^fmax cos(2 pi d f / fb) df = eta0 fb / (2 pi d) sin(2 pi d fmax / fb).
  const double fmax = 16.3 * fb;
  const auto r = com_noise_autocorrelation(eta0, RxFilter::none(), Ctle::none(), fmax, fb, 5);
  CHECK(r[0] == Approx(eta0 * fmax).epsilon(1e-12));
  for (int d = 1; d < 5; ++d)
    CHECK(r[static_cast<std::size_t>(d)] ==
          Approx(eta0 * fb / (2 * std::numbers::pi * d) * std::sin(2 * std::numbers::pi * d * fmax / fb)).margin(1e-9 * eta0 * fmax));
  // Lag 0 through the COM receiver filter and the 802.3ck CTLE: the eye engine's integral.
  const RxFilter rx = RxFilter::com_receiver(fb, 0.75);
  const Ctle c = Ctle::com_ck(-8.0, -3.0, fb / 4, fb / 4, fb, 0.6640625e9);
  const double sigma = integrated_noise_sigma_v(eta0, rx, c, 16 * fb);
  CHECK(com_noise_autocorrelation(eta0, rx, c, 16 * fb, fb, 1)[0] == Approx(sigma * sigma).epsilon(1e-6));
}

TEST_CASE("COM FOM sums with floating DFE taps equal the direct sums with the groups placed", "[solvers][com][property]") {
  // A pulse with a reflection 20 UI after the peak, M = 8, 300 UI; N_b = 4 fixed taps, one group
  // of 3 floating taps up to N_f = 30.
  const int m = 8, nx = 300 * m;
  std::vector<double> x(static_cast<std::size_t>(nx));
  for (int i = 0; i < nx; ++i) {
    const double t = (i - 12.0 * m) / m;
    x[static_cast<std::size_t>(i)] = std::exp(-t * t / 0.98) + (t > 0 ? 0.05 * std::exp(-t / 6.0) : 0.0) +
                                     0.03 * std::exp(-(t - 20.0) * (t - 20.0) / 2.0);
  }
  ComFloatingDfe fl;
  fl.n_b = 4;
  fl.n_f = 30;
  fl.n_bf = 3;
  fl.n_bg = 1;
  fl.bmaxg = 0.02;
  std::vector<double> b_min(30, 0.0), b_max(30, 0.0);
  for (int n = 0; n < 4; ++n) b_min[static_cast<std::size_t>(n)] = -0.3, b_max[static_cast<std::size_t>(n)] = 0.3;
  ComFomSums sums;
  const long peak = 12 * m;
  sums.reset(x, m, 1, 1, static_cast<std::size_t>(peak - 4 * m), static_cast<std::size_t>(peak + 4 * m), 30);
  TxFfe f;
  f.n_pre = 1;
  f.taps = {-0.1, 0.75, -0.15};
  for (long cur : {peak - 3, peak, peak + 2}) {
    auto y = [&](long i) {
      double v = 0.0;
      for (std::size_t t = 0; t < f.taps.size(); ++t) {
        const long j = i - (static_cast<long>(t) - f.n_pre) * m;
        if (j >= 0 && j < nx) v += f.taps[t] * x[static_cast<std::size_t>(j)];
      }
      return v;
    };
    const double h0 = y(cur);
    std::vector<double> post;
    for (long n = 1; n <= 30; ++n) post.push_back(y(cur + n * m));
    const auto groups = com_floating_dfe_taps(post, h0, fl);
    double isi = 0.0;
    for (long n = -1; cur + n * m >= 0; --n) isi += y(cur + n * m) * y(cur + n * m);  // every pre-cursor
    for (long n = 1; cur + n * m + 1 < nx; ++n) {
      double v = y(cur + n * m);
      if (n <= 4) v -= std::clamp(v / h0, -0.3, 0.3) * h0;
      else if (std::find(groups.begin(), groups.end(), n) != groups.end()) v -= std::clamp(v / h0, -0.02, 0.02) * h0;
      isi += v * v;
    }
    const auto s = sums.evaluate(f, static_cast<std::size_t>(cur), h0, b_min, b_max, &fl);
    CHECK_FALSE(s.pruned);
    CHECK(s.isi_v2 == Approx(isi).epsilon(1e-12));
    // The reflection near 20 UI is where the group goes.
    CHECK(std::find(groups.begin(), groups.end(), 20) != groups.end());
    // A budget below the ISI beyond the DFE prunes the setting; above the whole ISI it does not.
    CHECK(sums.evaluate(f, static_cast<std::size_t>(cur), h0, b_min, b_max, &fl, 1e-12 * isi).pruned);
    CHECK_FALSE(sums.evaluate(f, static_cast<std::size_t>(cur), h0, b_min, b_max, &fl, 2 * isi).pruned);
  }
}

TEST_CASE("The raised-cosine Rx filter and the CL120d CTLE in the receiver noise, against Simpson's rule",
          "[solvers][com][reference]") {
  const double fb = 106.25e9, eta0 = 6e-18, f_r = 0.58;
  const ComRaisedCosine rc{fb / 2, f_r * fb};  // the reference's defaults RC_Start = f_b/2, RC_end = f_r f_b
  // The reference code's Tukey_Window as it writes it: 0.5 cos(2 pi (f - f_end) / T - pi) + 0.5,
  // T = 2 (f_end - f_start), 1 below f_start, 0 above f_end.
  auto tukey = [&](double f) {
    if (f < rc.start_hz) return 1.0;
    if (f > rc.end_hz) return 0.0;
    return 0.5 * std::cos(2 * std::numbers::pi * (f - rc.end_hz) / (2 * (rc.end_hz - rc.start_hz)) - std::numbers::pi) + 0.5;
  };
  for (double f : {0.0, 10e9, 53.125e9, 55e9, 57.3e9, 60e9, 61.625e9, 61.7e9, 100e9})
    CHECK(rc.response(f) == Approx(tukey(f)).margin(1e-15));
  CHECK(rc.response(rc.start_hz) == 1.0);
  CHECK(rc.response(rc.end_hz) == Approx(0.0).margin(1e-16));
  CHECK(!ComRaisedCosine{}.on());
  CHECK(ComRaisedCosine{}.response(1e12) == 1.0);

  // eta_0 through the 93A-20 Butterworth (|H|^2 = 1 / (1 + (f/f_3dB)^8)), the 802.3ck/dj CTLE
  // (CL120d: (G + jf/f_z)(G2 + jf/f_LF) / ((1 + jf/f_p1)(1 + jf/f_p2)(1 + jf/f_LF))) and the
  // raised cosine, written here from the equations and integrated by composite Simpson's rule.
  const double g_dc = -6.0, g_dc2 = -2.0, fz = 42.5e9, fp1 = 42.5e9, fp2 = 106.25e9, flf = 1.328125e9;
  const RxFilter bw = RxFilter::com_receiver(fb, f_r);
  const Ctle ctle = Ctle::com_ck(g_dc, g_dc2, fz, fp1, fp2, flf);
  auto power = [&](double f) {
    using C = std::complex<double>;
    const C j(0.0, 1.0);
    const C h = (std::pow(10.0, g_dc / 20) + j * f / fz) * (std::pow(10.0, g_dc2 / 20) + j * f / flf) /
                ((1.0 + j * f / fp1) * (1.0 + j * f / fp2) * (1.0 + j * f / flf));
    return std::norm(h) / (1.0 + std::pow(f / (f_r * fb), 8)) * tukey(f) * tukey(f);
  };
  const int lags = 4;
  const std::vector<double> r = com_noise_autocorrelation(eta0, bw, ctle, 16 * fb, fb, lags, rc);
  const int n = 400000;  // even
  const double h = rc.end_hz / n;
  for (int d = 0; d < lags; ++d) {
    double s = 0.0;
    for (int k = 0; k <= n; ++k) {
      const double f = k * h, wk = k == 0 || k == n ? 1.0 : (k % 2 ? 4.0 : 2.0);
      s += wk * power(f) * std::cos(2 * std::numbers::pi * d * f / fb);
    }
    INFO("lag " << d);
    // The Gauss-Legendre panels do not fall on the taper's ends (its second derivative jumps
    // there): measured within 2e-7 of r(0).
    CHECK(r[static_cast<std::size_t>(d)] == Approx(eta0 * s * h / 3).margin(1e-6 * r[0]));
  }
  // Without the raised cosine more noise passes: it removes the band above f_b/2.
  const std::vector<double> r_bw = com_noise_autocorrelation(eta0, bw, ctle, 16 * fb, fb, 1);
  CHECK(r_bw[0] > r[0]);
}
