// Tx FFE, DFE taps, COM-style SNR and the equalizer optimiser. References: analytic pulses, the
// FFE applied in the frequency domain through the pulse engine, hand-computed SNRs, brute force.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <complex>
#include <vector>

#include "channels/copper_channel.hpp"
#include "phy/constants.hpp"
#include "solvers/equalizer.hpp"
#include "solvers/parallel.hpp"
#include "channels/filters.hpp"
#include "solvers/pulse_response.hpp"
#include "tests/support/normal_cdf.hpp"
#include "tests/support/stripline_channel.hpp"

using namespace phylane;
using namespace phylane::solvers;
using cplx = std::complex<double>;

namespace {

// The channel times the FFE's frequency response sum_k c[k] e^{-j 2 pi f k UI}: the FFE applied in
// the frequency domain, independently of apply_tx_ffe.
TransferFunction with_ffe(TransferFunction h, const TxFfe& ffe, double ui) {
  return [h, ffe, ui](std::span<const double> f, std::span<cplx> out) {
    h(f, out);
    for (std::size_t i = 0; i < f.size(); ++i) {
      cplx s(0.0, 0.0);
      for (std::size_t j = 0; j < ffe.taps.size(); ++j) {
        const double k = static_cast<double>(static_cast<int>(j) - ffe.n_pre);
        s += ffe.taps[j] * std::polar(1.0, -2.0 * phy::pi * f[i] * k * ui);
      }
      out[i] *= s;
    }
  };
}

// Test-side COM-style SNR (written from 93A-26..93A-36 directly): best over every phase within
// +-1 UI of the peak, DFE unlimited.
double brute_snr_db(const PulseResponse& p, double noise, int levels, int dfe, double add_ui, double rj_ui) {
  const auto& v = p.samples_v;
  const int spu = p.samples_per_ui, len = static_cast<int>(v.size());
  const int peak = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
  const double l = levels, varx = (l * l - 1) / (3 * (l - 1) * (l - 1));
  double best = -1e300;
  for (int c = std::max(1, peak - spu); c <= std::min(len - 2, peak + spu); ++c) {
    const double h0 = v[static_cast<std::size_t>(c)];
    if (h0 <= 0) continue;
    double isi = 0, sl = 0;
    for (int m = c - spu * (c / spu); m < len; m += spu) {
      if (m >= 1 && m <= len - 2) {
        const double s = (v[static_cast<std::size_t>(m + 1)] - v[static_cast<std::size_t>(m - 1)]) * spu / 2.0;
        sl += s * s;
      }
      const int n = (m - c) / spu;
      if (n == 0 || (n >= 1 && n <= dfe)) continue;
      isi += v[static_cast<std::size_t>(m)] * v[static_cast<std::size_t>(m)];
    }
    const double s = h0 / (l - 1);
    best = std::max(best, 10 * std::log10(s * s / (varx * isi + (add_ui * add_ui + rj_ui * rj_ui) * varx * sl + noise * noise)));
  }
  return best;
}

PulseResponse hand_pulse() {
  // spu = 2; cursors ..., 0.1 (n = -1), 1 (main, index 6), 0.3 (n = 1), 0.1 (n = 2); the odd samples
  // are midpoints, so the main phase is best.
  PulseResponse p;
  p.symbol_rate_baud = 1e9;
  p.samples_per_ui = 2;
  p.samples_v = {0, 0, 0, 0.05, 0.1, 0.55, 1.0, 0.65, 0.3, 0.2, 0.1, 0.05, 0, 0, 0, 0};
  p.main_index = 6;
  return p;
}

}  // namespace

TEST_CASE("A 2-tap de-emphasis FFE gives c0 p(t) + c1 p(t - UI) of a known pulse", "[solvers][equalizer][reference]") {
  // Known pulse: a Gaussian-edged rectangle, p(t) = Phi(t/s) - Phi((t - UI)/s), sampled directly
  // (no engine). c = {0.75, -0.25} (sum |c| = 1). Reference: the same closed form shifted;
  // tolerance 1e-15 (one multiply-add of exact values). The first UI is excluded: p(t - UI) there
  // lies before the record, where the FFE takes 0 and the closed form is < 1e-30.
  PulseResponse p;
  p.symbol_rate_baud = 1e9;
  p.samples_per_ui = 16;
  const double ui = 1e-9, s = 0.05e-9, t0 = -2e-9;
  auto shape = [&](double t) { return test::normal_cdf(t / s) - test::normal_cdf((t - ui) / s); };
  for (int i = 0; i < 16 * 8; ++i) p.samples_v.push_back(shape(t0 + i * ui / 16));
  p.main_index = 2 * 16 + 8;
  const auto ffe = TxFfe::from_side_taps({}, {-0.25});
  REQUIRE(ffe.taps == std::vector<double>{0.75, -0.25});
  const auto q = apply_tx_ffe(p, ffe);
  double err = 0.0;
  for (int i = 16; i < 16 * 8; ++i) {
    const double t = t0 + i * ui / 16;
    err = std::max(err, std::abs(q.samples_v[static_cast<std::size_t>(i)] - (0.75 * shape(t) - 0.25 * shape(t - ui))));
  }
  CHECK(err < 1e-15);
  CHECK(q.main_index == p.main_index);
  // Swing normalisation: the main cursor drops to c0 of the unequalised one, the first post-cursor
  // becomes c1 (the unequalised pulse is 1 on [0, UI), 0 elsewhere).
  CHECK(q.samples_v[p.main_index] == Approx(0.75).epsilon(1e-12));
  CHECK(q.samples_v[p.main_index + 16] == Approx(-0.25).epsilon(1e-12));
  CHECK_THROWS_WITH(apply_tx_ffe(p, TxFfe{0, {1.0, -0.25}}), Catch::Contains("sum of |taps| = 1.25"));
}

TEST_CASE("The FFE applied in time equals the FFE applied to the channel's spectrum", "[solvers][equalizer][reference]") {
  // Two independent paths: apply_tx_ffe on the engine's pulse, and the engine's pulse of
  // H(f) sum_k c[k] e^{-j 2 pi f k UI}. They differ only by what the time-domain FIR cannot see
  // (samples shifted in from outside the record: pre-cursor region ~0, and the wrap-check
  // tolerance 1e-5 of the peak on each). Tolerance 3e-5 of the peak; measured 1.5e-6.
  PulseResponseOptions o;
  o.symbol_rate_baud = 25e9;
  o.samples_per_ui = 32;
  o.tx_swing_v = 0.4;
  o.tx_edge = TxEdgeFilter::gaussian(10e-12);
  o.rx_filter = RxFilter::com_receiver(25e9);
  o.record_ui = 80;
  o.precursor_ui = 10;
  const auto h = copper_transfer_function(test::stripline_channel(10.0, test::kLowLossLaminate));
  PulseResponseEngine eng;
  const auto base = eng.compute(h, o);
  const auto ffe = TxFfe::from_side_taps({-0.08}, {-0.2, -0.04});
  const auto timed = apply_tx_ffe(base.pulse, ffe);
  const auto freq = eng.compute(with_ffe(h, ffe, 1.0 / o.symbol_rate_baud), o);
  // Align by time: the two records start at different times (their peaks differ).
  const long long shift = std::llround((freq.start_time_s - base.start_time_s) / base.pulse.dt_s());
  const double peak = *std::max_element(timed.samples_v.begin(), timed.samples_v.end());
  double err = 0.0;
  for (std::size_t i = 0; i < freq.pulse.samples_v.size(); ++i) {
    const long long j = static_cast<long long>(i) + shift;
    if (j < 32 || j >= static_cast<long long>(timed.samples_v.size()) - 64) continue;  // FIR edges
    err = std::max(err, std::abs(freq.pulse.samples_v[i] - timed.samples_v[static_cast<std::size_t>(j)]));
  }
  INFO("max difference / peak " << err / peak);
  CHECK(err / peak < 3e-5);
}

TEST_CASE("DFE taps are the clipped post-cursors", "[solvers][equalizer][unit]") {
  // Hand example: h0 = 1, h1 = 0.3, h2 = 0.1 at spu = 2. Limit 0.2 on tap 1 (relative to h0, 93A-26):
  // taps {0.2, 0.1, 0}, residual {0.1, 0, 0} (the third post-cursor is 0).
  const auto p = hand_pulse();
  DfeLimits lim;
  lim.max_rel = {0.2, 1.0};
  const auto d = dfe_taps(p, 6, 3, lim);
  CHECK(d.main_cursor_v == 1.0);
  CHECK(d.cursors_v == std::vector<double>{0.3, 0.1, 0.0});
  CHECK(d.taps_v[0] == Approx(0.2).epsilon(1e-15));
  CHECK(d.taps_v[1] == Approx(0.1).epsilon(1e-15));
  CHECK(d.taps_v[2] == 0.0);
  CHECK(d.residual_v[0] == Approx(0.1).epsilon(1e-14));
  CHECK(d.taps_rel[0] == Approx(0.2).epsilon(1e-15));
  // An absolute full scale of 0.15 V on tap 1 (no relative limit there) clips h1 = 0.3 to 0.15;
  // where the relative limit is tighter (0.2 h0 = 0.2 V against 0.25 V) it still wins.
  DfeLimits abs_lim;
  abs_lim.max_rel = {std::numeric_limits<double>::infinity()};
  abs_lim.max_abs_v = {0.15};
  const auto a = dfe_taps(p, 6, 2, abs_lim);
  CHECK(a.taps_v[0] == Approx(0.15).epsilon(1e-15));
  CHECK(a.residual_v[0] == Approx(0.15).epsilon(1e-14));
  CHECK(a.taps_v[1] == Approx(0.1).epsilon(1e-15));
  lim.max_abs_v = {0.25};
  CHECK(dfe_taps(p, 6, 1, lim).taps_v[0] == Approx(0.2).epsilon(1e-15));
  const auto u = dfe_taps(p, 6, 2);  // unlimited: every post-cursor cancelled
  CHECK(u.residual_v == std::vector<double>{0.0, 0.0});
  CHECK_THROWS_WITH(dfe_taps(p, 99, 1), Catch::Contains("cursor_index = 99"));
}

TEST_CASE("The COM-style SNR has the hand-computed values", "[solvers][equalizer][reference]") {
  // hand_pulse with sigma_N = 0.05 V and one DFE tap. Best phase = main (index 6):
  //   NRZ: ISI = 0.1^2 + 0.1^2 (pre-cursor and 2nd post-cursor) = 0.02, SNR = 10 log10(1/0.0225)
  //        = 16.478174819 dB;
  //   PAM4: A_s = 1/3, sigma_X^2 = 5/9: 10 log10((1/9) / (5/9 0.02 + 0.0025)) = 9.118639113 dB;
  //   NRZ, A_DD = 0.1 UI: slopes (V/UI) at the cursors 0.05, 0.5, 0.1, -0.45, -0.15, -0.05 sum of
  //        squares 0.49: + 0.01 x 0.49 -> 15.622494372 dB;
  //   NRZ, tap limit 0.2: residual h1 = 0.1 -> ISI 0.03 -> 14.881166390 dB.
  //   (The other phase, index 5, gives 8.04 dB.) Tolerance 1e-9 dB.
  const auto p = hand_pulse();
  SnrOptions o;
  o.dfe_taps = 1;
  auto r = com_snr(p, 0.05, o);
  CHECK(r.cursor_index == 6u);
  CHECK(r.snr_db == Approx(16.478174819).margin(1e-9));
  CHECK(r.isi_sigma_v == Approx(std::sqrt(0.02)).epsilon(1e-12));
  o.levels = 4;
  CHECK(com_snr(p, 0.05, o).snr_db == Approx(9.118639113).margin(1e-9));
  o.levels = 2;
  o.a_dd_ui = 0.1;
  r = com_snr(p, 0.05, o);
  CHECK(r.snr_db == Approx(15.622494372).margin(1e-9));
  CHECK(r.jitter_sigma_v == Approx(std::sqrt(0.0049)).epsilon(1e-12));
  o.a_dd_ui = 0.0;
  o.dfe_limits.max_rel = {0.2};
  CHECK(com_snr(p, 0.05, o).snr_db == Approx(14.881166390).margin(1e-9));
  // The same clip as an absolute 0.2 V full scale (h0 = 1 V) gives the same SNR.
  o.dfe_limits.max_rel = {};
  o.dfe_limits.max_abs_v = {0.2};
  CHECK(com_snr(p, 0.05, o).snr_db == Approx(14.881166390).margin(1e-9));
}

namespace {

struct LossyCase {
  PulseResponseOptions pulse;
  EqualizerSearchOptions search;
};

LossyCase lossy_case(double baud) {
  LossyCase c;
  c.pulse.symbol_rate_baud = baud;
  c.pulse.tx_swing_v = 0.4;
  c.pulse.tx_edge = TxEdgeFilter::gaussian(0.25 / baud);
  c.pulse.rx_filter = RxFilter::com_receiver(baud);
  c.pulse.record_ui = 100;
  c.pulse.precursor_ui = 10;
  c.search.ctle = com_ctle_family(baud);
  c.search.snr.dfe_taps = 3;
  c.search.snr.a_dd_ui = 0.02;
  c.search.snr.sigma_rj_ui = 0.01;
  c.search.noise_psd_v2_per_hz = 8.2e-18;  // COM eta_0 = 8.2e-9 V^2/GHz
  return c;
}

}  // namespace

TEST_CASE("On a lossy channel the optimiser's choice is no worse than any setting on the grid, by brute force",
          "[solvers][equalizer][reference]") {
  // 16-in stripline at 25 GBd, 13 CTLE settings x 12 FFE settings. Brute force: every setting's
  // pulse computed by the engine with the FFE in the channel's spectrum (one prepared channel per
  // FFE setting, then each CTLE), scored by the test's own SNR over every phase within +-1 UI of
  // the peak.
  // Wrap tolerance 1e-7 on both paths; they still differ by the record-edge terms of the
  // time-domain FIR. Tolerance 1e-3 dB per candidate; measured 1.6e-4 dB.
  auto c = lossy_case(25e9);
  c.pulse.wrap_tolerance = 1e-7;
  c.search.ffe_pre = {{-0.1, 0.0, 0.05}};
  c.search.ffe_post = {{-0.3, 0.0, 0.1}};
  const auto h = copper_transfer_function(test::stripline_channel(16.0, test::kLowLossLaminate));
  const auto res = optimize_equalizer(h, c.pulse, c.search);
  REQUIRE(res.candidates.size() == 13u * 12u);
  const double ui = 1.0 / c.pulse.symbol_rate_baud;
  PulseResponseEngine eng;
  double brute_best = -1e300;
  std::size_t brute_arg = 0;
  double worst_diff = 0.0;
  const std::size_t n_ffe = 12;
  for (std::size_t fi = 0; fi < n_ffe; ++fi) {
    const TxFfe& ffe = res.candidates[fi].ffe;  // CTLE-major order: the first n_ffe are CTLE 0
    auto spec = eng.prepare(with_ffe(h, ffe, ui), c.pulse);
    for (std::size_t ci = 0; ci < c.search.ctle.size(); ++ci) {
      const std::size_t i = ci * n_ffe + fi;
      const auto& cand = res.candidates[i];
      REQUIRE(cand.ctle_index == ci);
      REQUIRE(cand.ffe.taps == ffe.taps);
      const auto pr = eng.compute(spec, c.search.ctle[ci]);
      const double noise = integrated_noise_sigma_v(c.search.noise_psd_v2_per_hz, c.pulse.rx_filter,
                                                    c.search.ctle[ci], spec.fmax_hz());
      const double snr = brute_snr_db(pr.pulse, noise, 2, 3, 0.02, 0.01);
      worst_diff = std::max(worst_diff, std::abs(snr - cand.objective));
      if (snr > brute_best) brute_best = snr, brute_arg = i;
    }
  }
  INFO("optimiser best " << res.candidates[res.best].objective << " dB (" << res.ctle.label() << ", c = "
                         << res.ffe.taps[0] << " " << res.ffe.taps[1] << " " << res.ffe.taps[2]
                         << "); brute force best " << brute_best << " dB at candidate " << brute_arg
                         << "; largest per-candidate difference " << worst_diff << " dB");
  CHECK(worst_diff < 1e-3);
  CHECK(res.candidates[res.best].objective >= brute_best - 1e-3);
  for (const auto& cand : res.candidates) CHECK(res.candidates[res.best].objective >= cand.objective);
  // The loss needs equalisation: the chosen setting is not the unequalised one.
  CHECK((res.ctle.g_dc_db() < 0.0 || res.ffe.side_weight() > 0.0));
  CHECK(res.snr.snr_db == Approx(res.candidates[res.best].snr_db).margin(1e-9));
  CHECK(res.dfe.taps_v.size() == 3u);
}

TEST_CASE("The search on two threads gives the same candidates as on one, bit for bit",
          "[solvers][equalizer][property]") {
  // Outside a parallel region the CTLEs' candidates are formed on a second thread while the
  // engine forms the next pulses; inside one (a task of parallel_for) the search stays on its
  // thread. Both must give the same doubles in the same order, with two crosstalk aggressors (one
  // through the victim's Tx FFE, one not).
  auto c = lossy_case(25e9);
  c.search.ffe_pre = {{-0.1, 0.0, 0.05}};
  c.search.ffe_post = {{-0.3, 0.0, 0.1}};
  const auto h = copper_transfer_function(test::stripline_channel(16.0, test::kLowLossLaminate));
  const auto hx = copper_transfer_function(test::stripline_channel(8.0, test::kLowLossLaminate));
  const TransferFunction coupled = [&hx](std::span<const double> f, std::span<cplx> out) {
    hx(f, out);
    for (std::size_t k = 0; k < f.size(); ++k) out[k] *= 0.05 * f[k] / 25e9;
  };
  auto search = [&] {
    PulseResponseEngine engine;
    ChannelSpectrum victim = engine.prepare(h, c.pulse);
    ChannelSpectrum a1 = engine.prepare(coupled, c.pulse), a2 = engine.prepare(coupled, c.pulse);
    EqualizerSearchOptions o = c.search;
    o.crosstalk = {&a1, &a2};
    o.crosstalk_tx_ffe = {true, false};
    return optimize_equalizer(engine, victim, o);
  };
  REQUIRE_FALSE(inside_parallel_region());
  const EqualizerResult two = search();
  EqualizerResult one;
  ParallelOptions po;
  po.workers = 2;
  bool in_region = false;  // Catch's assertions are not thread-safe: checked after the call
  parallel_for(2, [&](std::size_t i, int) {
    if (i != 0) return;
    in_region = inside_parallel_region();
    one = search();
  }, po);
  REQUIRE(in_region);
  REQUIRE(two.candidates.size() == 13u * 12u);
  REQUIRE(one.candidates.size() == two.candidates.size());
  for (std::size_t i = 0; i < two.candidates.size(); ++i) {
    INFO("candidate " << i);
    CHECK(one.candidates[i].ctle_index == two.candidates[i].ctle_index);
    CHECK(one.candidates[i].ffe.taps == two.candidates[i].ffe.taps);
    CHECK(one.candidates[i].objective == two.candidates[i].objective);
    CHECK(one.candidates[i].crosstalk_sigma_v == two.candidates[i].crosstalk_sigma_v);
    CHECK(one.candidates[i].cursor_index == two.candidates[i].cursor_index);
  }
  CHECK(one.best == two.best);
  CHECK(two.candidates[two.best].crosstalk_sigma_v > 0.0);
  CHECK(one.snr.snr_db == two.snr.snr_db);
}

TEST_CASE("The chosen CTLE peaking grows with channel loss", "[solvers][equalizer][property]") {
  // CTLE (13 COM settings) and DFE only, 4 / 12 / 24 in at 25 GBd: a longer line loses more at
  // Nyquist, so the optimum trades more DC attenuation for peaking. Non-increasing g_DC, and the
  // 24-in line strictly more peaking than the 4-in one.
  std::vector<double> gdc;
  for (double len : {4.0, 12.0, 24.0}) {
    auto c = lossy_case(25e9);
    const auto h = copper_transfer_function(test::stripline_channel(len, test::kLowLossLaminate));
    const auto res = optimize_equalizer(h, c.pulse, c.search);
    gdc.push_back(res.ctle.g_dc_db());
    INFO(len << " in: " << res.ctle.label() << ", SNR " << res.snr.snr_db << " dB");
    CHECK(res.ffe.taps == std::vector<double>{1.0});
  }
  INFO("g_DC " << gdc[0] << " " << gdc[1] << " " << gdc[2]);
  CHECK(gdc[1] <= gdc[0]);
  CHECK(gdc[2] <= gdc[1]);
  CHECK(gdc[2] < gdc[0]);
}

TEST_CASE("An unequalised lossless channel picks no equalisation", "[solvers][equalizer][property]") {
  // H = 1 behind the Tx edge and COM's receiver filter: the only ISI is the filters' own (< 0.1 %
  // of the main cursor once 3 DFE taps cancel the post-cursors), so in a noise-limited link (COM's
  // eta_0, no jitter) any CTLE attenuation or FFE de-emphasis only lowers the main cursor against
  // about the same noise. (With COM-like jitter, A_DD = 0.02 UI, the slope term of a pulse shaped
  // only by the receiver filter exceeds the noise and peaking pays even without loss; the
  // optimiser then picks g_DC < 0, as COM would.) Measured: g_DC = 0 dB, no FFE, 56.7 dB.
  auto c = lossy_case(25e9);
  c.search.snr.a_dd_ui = 0.0;
  c.search.snr.sigma_rj_ui = 0.0;
  c.search.ffe_pre = {{-0.1, 0.0, 0.05}};
  c.search.ffe_post = {{-0.3, 0.0, 0.1}};
  const TransferFunction lossless = [](std::span<const double> f, std::span<cplx> h) {
    for (std::size_t i = 0; i < f.size(); ++i) h[i] = 1.0;
  };
  const auto res = optimize_equalizer(lossless, c.pulse, c.search);
  INFO("chosen " << res.ctle.label() << ", FFE side weight " << res.ffe.side_weight() << ", SNR "
                 << res.snr.snr_db << " dB (ISI " << res.snr.isi_sigma_v << " V, noise " << res.snr.noise_sigma_v
                 << " V)");
  CHECK(res.ctle.g_dc_db() == 0.0);
  CHECK(res.ffe.side_weight() == 0.0);
  CHECK(res.ffe.main_tap() == 1.0);
}

TEST_CASE("A user objective ranks the candidates", "[solvers][equalizer][unit]") {
  // Objective: the main cursor h(0) of the equalised pulse. Checked against the candidates' own
  // pulses recomputed through the engine: the winner has the largest h(0), and every reported
  // objective is that candidate's h(0) (tolerance 1e-12 V).
  auto c = lossy_case(25e9);
  c.search.ctle = com_ctle_family(25e9, -4.0, 0.0, 2.0);
  c.search.ffe_post = {{-0.2, 0.0, 0.1}};
  c.search.objective = [](const PulseResponse& p, const DfeResult& d) { return p.samples_v[d.cursor_index]; };
  const auto h = copper_transfer_function(test::stripline_channel(8.0, test::kLowLossLaminate));
  const auto res = optimize_equalizer(h, c.pulse, c.search);
  PulseResponseEngine eng;
  for (const auto& cand : res.candidates) {
    auto po = c.pulse;
    po.ctle = c.search.ctle[cand.ctle_index];
    const auto p = apply_tx_ffe(eng.compute(h, po).pulse, cand.ffe);
    CHECK(cand.objective == Approx(p.samples_v[cand.cursor_index]).margin(1e-12));
    CHECK(res.candidates[res.best].objective >= cand.objective);
  }
}

TEST_CASE("The FFE grid enumerates the ranges and enforces the main-tap floor", "[solvers][equalizer][unit]") {
  const auto g = ffe_grid({{-0.1, 0.0, 0.05}}, {{-0.2, 0.0, 0.1}, {0.0, 0.0, 0.0}});
  CHECK(g.size() == 9u);
  for (const auto& f : g) {
    double s = 0.0;
    for (double c : f.taps) s += std::abs(c);
    CHECK(s == Approx(1.0).epsilon(1e-12));
    CHECK(f.n_pre == 1);
    CHECK(f.n_post() == 2);
  }
  CHECK(ffe_grid({{-0.3, 0.0, 0.1}}, {{-0.3, 0.0, 0.1}}, 0.6).size() == 13u);  // |c-1| + |c1| <= 0.4
  CHECK_THROWS_WITH(ffe_grid({{0.1, 0.0, 0.05}}, {}), Catch::Contains("ffe_pre[0]") && Catch::Contains("min <= max"));
}

TEST_CASE("The FFE SNR table equals filtering the pulse and scoring it, for every setting",
          "[solvers][equalizer][reference]") {
  // Reference: apply_tx_ffe on the whole record, then com_snr (the per-setting path the table
  // replaces in the search). Pulses: a measured-like lossy channel through the engine, and a
  // pseudo-random record (every cursor and slope nonzero, so no term can hide). DFE unlimited,
  // clipped (relative and absolute bounds) and absent; NRZ and PAM4, jitter and Tx noise on.
  auto c = lossy_case(25e9);
  const auto h = copper_transfer_function(test::stripline_channel(16.0, test::kLowLossLaminate));
  PulseResponseEngine eng;
  auto spec = eng.prepare(h, c.pulse);
  std::vector<PulseResponse> pulses{eng.compute(spec, c.search.ctle[6]).pulse};
  PulseResponse rnd = pulses.front();
  std::uint64_t state = 12345;
  for (auto& v : rnd.samples_v) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v += 0.02 * (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5);
  }
  pulses.push_back(rnd);
  const auto ffes = ffe_grid({{-0.15, 0.0, 0.05}, {-0.05, 0.0, 0.05}}, {{-0.3, 0.0, 0.1}}, 0.4);
  REQUIRE(ffes.size() > 20u);
  double worst = 0.0;
  for (int levels : {2, 4})
    for (int variant = 0; variant < 3; ++variant) {
      SnrOptions o;
      o.levels = levels;
      o.dfe_taps = variant == 2 ? 0 : 6;
      o.a_dd_ui = 0.02;
      o.sigma_rj_ui = 0.01;
      o.tx_snr_db = 32.0;
      if (variant == 1) {
        o.dfe_limits.max_rel = {0.7, 0.2};
        o.dfe_limits.min_rel = {-0.1};
        o.dfe_limits.max_abs_v = {0.5, 0.01};
      }
      for (const auto& p : pulses) {
        const FfeSnrTable table(p, 2, 1, o);
        // The phase hint (as optimize_equalizer passes it, the previous setting's best phase, and
        // a poor one) prunes only phases that cannot win: the result is the same bit for bit.
        std::size_t hint = static_cast<std::size_t>(-1), poor = 0;
        for (const auto& f : ffes) {
          const SnrResult a = table.evaluate(f, 1e-3, 2e-4);
          const SnrResult hinted = table.evaluate(f, 1e-3, 2e-4, &hint);
          const SnrResult poorly = table.evaluate(f, 1e-3, 2e-4, &poor);
          poor = 0;
          CHECK(hinted.snr_db == a.snr_db);
          CHECK(hinted.cursor_index == a.cursor_index);
          CHECK(hinted.isi_sigma_v == a.isi_sigma_v);
          CHECK(poorly.snr_db == a.snr_db);
          CHECK(poorly.cursor_index == a.cursor_index);
          const SnrResult b = com_snr(apply_tx_ffe(p, f), 1e-3, o, 2e-4);
          worst = std::max(worst, std::abs(a.snr_db - b.snr_db));
          CHECK(a.cursor_index == b.cursor_index);
          CHECK(a.signal_v == Approx(b.signal_v).epsilon(1e-12));
          CHECK(a.isi_sigma_v == Approx(b.isi_sigma_v).epsilon(1e-9).margin(1e-15));
          CHECK(a.jitter_sigma_v == Approx(b.jitter_sigma_v).epsilon(1e-9));
        }
      }
    }
  INFO("largest SNR difference " << worst << " dB");
  CHECK(worst < 1e-9);
  // Taps beyond what the table was built for are refused, not silently dropped.
  const FfeSnrTable small(pulses.front(), 1, 1, SnrOptions{});
  CHECK_THROWS_WITH(small.evaluate(ffes.back(), 1e-3), Catch::Contains("more taps"));
}
