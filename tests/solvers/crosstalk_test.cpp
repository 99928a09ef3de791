// Crosstalk aggressors in the solvers (IEEE 802.3-2022 Annex 93A.1.6-93A.1.7, COM's FEXT/NEXT
// treatment): the statistical eye against hand-computed Gaussian mixtures over the aggressors'
// symbols (and exact lattice distributions for many cursors), the 93A-33 phase choice, the fast
// equalizer-search crosstalk variance against the explicitly equalised aggressor pulse, and the
// eye analysis end to end (an aggressor that is the victim scaled; zero, growing and bad inputs).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "channels/copper_channel.hpp"
#include "solvers/equalizer.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/statistical_eye.hpp"
#include "tests/support/stripline_channel.hpp"

using namespace phylane;
using namespace phylane::solvers;
using Catch::Matchers::Contains;

namespace {

double q_ref(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }

std::vector<double> levels_ref(int m) {
  std::vector<double> l;
  for (int i = 0; i < m; ++i) l.push_back(-1.0 + 2.0 * i / (m - 1));
  return l;
}

// sigma_X^2 of 93A-29, (L^2 - 1) / (3 (L - 1)^2).
double var_x(int m) { return (m * m - 1.0) / (3.0 * (m - 1.0) * (m - 1.0)); }

// BER-map scale 2 (M-1) / (M log2 M) (statistical_eye.hpp).
double map_scale(int m) { return 2.0 * (m - 1) / (m * std::log2(static_cast<double>(m))); }

// A discrete distribution of the total crosstalk: values x_j with probabilities p_j.
struct Atoms {
  std::vector<double> x, p;
};

// Every combination of the aggressor symbols b_i (equiprobable on the M levels): sum_i b_i c_i.
Atoms enumerate(const std::vector<double>& c, int m) {
  const auto lv = levels_ref(m);
  std::uint64_t n = 1;
  for (std::size_t i = 0; i < c.size(); ++i) n *= static_cast<std::uint64_t>(m);
  Atoms a;
  for (std::uint64_t pat = 0; pat < n; ++pat) {
    std::uint64_t q = pat;
    double x = 0.0;
    for (double ci : c) {
      x += lv[q % static_cast<std::uint64_t>(m)] * ci;
      q /= static_cast<std::uint64_t>(m);
    }
    a.x.push_back(x);
    a.p.push_back(1.0 / static_cast<double>(n));
  }
  return a;
}

// n equal cursors c: the sum is c/(M-1) times a sum of n integers on {-(M-1), ..., M-1} step 2,
// whose distribution is the n-fold convolution of the uniform one (exact; for NRZ the binomial).
Atoms lattice(int n, double c, int m) {
  std::vector<double> p = {1.0};  // index j: integer value j - (M-1) n_so_far
  for (int i = 0; i < n; ++i) {
    std::vector<double> q(p.size() + 2 * static_cast<std::size_t>(m - 1), 0.0);
    for (std::size_t j = 0; j < p.size(); ++j)
      for (int s = 0; s < m; ++s) q[j + 2 * static_cast<std::size_t>(s)] += p[j] / m;
    p = std::move(q);
  }
  Atoms a;
  for (std::size_t j = 0; j < p.size(); ++j) {
    a.x.push_back(c / (m - 1) * (static_cast<double>(j) - (m - 1.0) * n));
    a.p.push_back(p[j]);
  }
  return a;
}

// P_k(v) = 1/2 [P(Y_k > v) + P(Y_{k+1} < v)], Y_i = l_i main + X + N(0, sigma^2): the mixture of
// Gaussian tails over the crosstalk atoms.
double mixture_eye_p(const Atoms& xt, int m, double main_v, double sigma, int k, double v) {
  const auto lv = levels_ref(m);
  double up = 0.0, low = 0.0;
  for (std::size_t j = 0; j < xt.x.size(); ++j) {
    up += xt.p[j] * q_ref((v - lv[static_cast<std::size_t>(k)] * main_v - xt.x[j]) / sigma);
    low += xt.p[j] * q_ref((lv[static_cast<std::size_t>(k + 1)] * main_v + xt.x[j] - v) / sigma);
  }
  return 0.5 * (up + low);
}

int eye_of(double v, double main_v, int m) {
  const double e = std::floor((v + main_v) / (2.0 * main_v / (m - 1)));
  return static_cast<int>(std::clamp(e, 0.0, static_cast<double>(m - 2)));
}

PulseResponse one_sample(double h0) {
  PulseResponse p;
  p.symbol_rate_baud = 25e9;
  p.samples_per_ui = 1;
  p.samples_v = {h0};
  p.main_index = 0;
  return p;
}

// Largest relative error of the map column against the mixture, over axis points whose reference
// BER lies in [lo, hi].
double worst_map_error(const StatEyeResult& r, const Atoms& xt, int m, double main_v, double sigma, double lo,
                       double hi, int& compared) {
  double worst = 0.0;
  compared = 0;
  for (std::size_t i = 0; i < r.voltage_v.size(); ++i) {
    const double v = r.voltage_v[i];
    const double ref = map_scale(m) * mixture_eye_p(xt, m, main_v, sigma, eye_of(v, main_v, m), v);
    if (ref < lo || ref > hi) continue;
    ++compared;
    worst = std::max(worst, std::abs(std::pow(10.0, r.log10_ber_at(0, i)) / ref - 1.0));
  }
  return worst;
}

EyeLinkSpec copper_spec() {
  EyeLinkSpec s;
  s.symbol_rate_baud = 32e9;
  s.levels = 2;
  s.tx_amplitude_v = 0.4;
  s.rx_filter = RxFilter::butterworth(4, 24e9);
  s.ctle = com_ctle_family(32e9, -12.0, 0.0, 3.0);
  s.ffe_post = {{-0.2, 0.0, 0.1}};
  s.dfe_taps = 2;
  s.noise_psd_v2_per_hz = 5.2e-17;
  s.target_ber = 1e-12;
  s.refine_candidates = 3;
  return s;
}

// A constant coupling k: with times_victim the aggressor's transfer function is k H(f).
TransferFunction constant(double k) {
  return [k](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t i = 0; i < f.size(); ++i) h[i] = k;
  };
}

// Saturated near-end coupling of a short section, K_b (1 - e^{-j 4 pi f tau}) (weak coupling).
TransferFunction next_path(double kb, double tau_s) {
  return [kb, tau_s](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t i = 0; i < f.size(); ++i)
      h[i] = kb * (1.0 - std::polar(1.0, -4.0 * std::numbers::pi * f[i] * tau_s));
  };
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// The statistical eye with crosstalk cursors

TEST_CASE("One or two crosstalk cursors give the Gaussian mixture over the aggressor symbols, NRZ and PAM4",
          "[solvers][crosstalk][reference]") {
  // No ISI, no jitter: Y = l_k A h0 + sum_i b_i c_i + N(0, sigma^2), b_i equiprobable on the M
  // levels (93A-44). The reference averages Q over the M^n symbol combinations (std::erfc). 64 grid
  // points per sigma: the 8-node split of off-grid atoms is then exact to ~1e-9 (docs/eye.md), so
  // the 1e-6 relative tolerance tests the model, not the grid.
  struct Case {
    int m;
    std::vector<double> c;
  };
  for (const Case& cs : {Case{2, {0.12}}, Case{2, {0.12, -0.07}}, Case{4, {0.05}}, Case{4, {0.05, 0.031}}}) {
    const double a = 0.5, h0 = 1.0, sigma = 0.02;
    const double main_v = a * h0;
    StatEyeSpec spec;
    spec.signalling = {cs.m, a};
    spec.noise.sigma_v = sigma;
    spec.crosstalk_v = cs.c;
    StatEyeOptions opt;
    opt.voltage_max_v = 1.2 * main_v;
    opt.voltage_points = 601;
    opt.grid_points_per_sigma = 64.0;
    const auto r = statistical_eye(one_sample(h0), spec, opt);
    const Atoms xt = enumerate(cs.c, cs.m);
    int compared = 0;
    const double err = worst_map_error(r, xt, cs.m, main_v, sigma, 1e-15, 1e-3, compared);
    INFO("M = " << cs.m << ", " << cs.c.size() << " cursors: " << compared << " thresholds, worst relative error " << err);
    CHECK(compared >= 20);
    CHECK(err < 1e-6);
    // sigma_XT = sqrt(sigma_X^2 sum c^2) (93A-29, 93A-34).
    double s2 = 0.0;
    for (double c : cs.c) s2 += c * c;
    CHECK(r.crosstalk_sigma_v == Approx(std::sqrt(var_x(cs.m) * s2)).epsilon(1e-14));
    // A_ni: 1/2 [P(N_k > y) + P(N_{k+1} < -y)] = target / scale with N = X + noise, by bisection on
    // the same mixture (every eye alike: the crosstalk and noise do not depend on the level).
    const double p_target = opt.target_ber / map_scale(cs.m);
    auto tail = [&](double y) {
      double t = 0.0;
      for (std::size_t j = 0; j < xt.x.size(); ++j)
        t += xt.p[j] * 0.5 * (q_ref((y - xt.x[j]) / sigma) + q_ref((y + xt.x[j]) / sigma));
      return t;
    };
    double lo = 0.0, hi = 2.0;
    for (int i = 0; i < 200; ++i) (tail(0.5 * (lo + hi)) > p_target ? lo : hi) = 0.5 * (lo + hi);
    for (const auto& e : r.eyes) CHECK(e.noise_interference_v == Approx(lo).epsilon(1e-6));
  }
}

TEST_CASE("Many small crosstalk cursors tend to the Gaussian of variance sigma_X^2 sum c^2", "[solvers][crosstalk][reference]") {
  // n equal cursors c = s / sqrt(n): the crosstalk variance sigma_X^2 s^2 stays fixed while the
  // fourth cumulant of their sum falls as 1/n. At the middle eye's midway threshold the engine
  // equals the exact lattice distribution (binomial for NRZ, the n-fold uniform convolution for
  // PAM4) within its documented accuracy (1e-3 at 1e-15 with the default grid and fold tolerance,
  // docs/eye.md), and its distance to the Gaussian N(0, sigma^2 + sigma_X^2 s^2) shrinks as 1/n
  // (the Edgeworth fourth-cumulant term; ~19/n relative here, so the ratios 64 -> 256 -> 1024
  // approach 4).
  for (int m : {2, 4}) {
    const double sigma = 0.03, s = 0.02;
    const double sg = std::sqrt(sigma * sigma + var_x(m) * s * s);
    const double main_v = 7.0 * sg * (m - 1);  // half spacing 7 sg: BER ~ 1e-12 for the Gaussian
    std::vector<double> gauss_err;
    for (int n : {64, 256, 1024}) {
      StatEyeSpec spec;
      spec.signalling = {m, main_v};
      spec.noise.sigma_v = sigma;
      spec.crosstalk_v.assign(static_cast<std::size_t>(n), s / std::sqrt(static_cast<double>(n)));
      StatEyeOptions opt;
      opt.voltage_max_v = 1.2 * main_v;
      opt.voltage_points = 601;
      const auto r = statistical_eye(one_sample(1.0), spec, opt);
      const std::size_t mid = r.voltage_v.size() / 2;  // v = 0: the middle eye's midway threshold
      const double v = r.voltage_v[mid];
      REQUIRE(std::abs(v) < 1e-12 * main_v);
      const double got = std::pow(10.0, r.log10_ber_at(0, mid));
      const int k = (m - 2) / 2;
      const double exact = map_scale(m) * mixture_eye_p(lattice(n, s / std::sqrt(static_cast<double>(n)), m), m,
                                                        main_v, sigma, k, v);
      const double d = main_v / (m - 1);
      const double gauss = map_scale(m) * 0.5 * (q_ref((d + v) / sg) + q_ref((d - v) / sg));
      INFO("M = " << m << ", n = " << n << ": engine " << got << ", exact " << exact << ", Gaussian " << gauss);
      CHECK(got == Approx(exact).epsilon(1e-4));
      CHECK(r.crosstalk_sigma_v == Approx(std::sqrt(var_x(m)) * s).epsilon(1e-12));
      gauss_err.push_back(std::abs(got / gauss - 1.0));
    }
    INFO("M = " << m << ": |engine / Gaussian - 1| = " << gauss_err[0] << ", " << gauss_err[1] << ", " << gauss_err[2]);
    CHECK(gauss_err[0] / gauss_err[1] > 3.0);
    CHECK(gauss_err[0] / gauss_err[1] < 5.5);
    CHECK(gauss_err[1] / gauss_err[2] > 3.5);
    CHECK(gauss_err[1] / gauss_err[2] < 4.5);
    CHECK(gauss_err[2] < 0.03);
  }
}

TEST_CASE("The closure breakdown names crosstalk when removing it opens the eye most", "[solvers][crosstalk][property]") {
  StatEyeSpec spec;
  spec.signalling = {2, 0.5};
  spec.noise.sigma_v = 0.02;
  SECTION("strong crosstalk") {
    spec.crosstalk_v = {0.15, -0.09, 0.05};
    const auto r = statistical_eye(one_sample(1.0), spec);
    CHECK(r.closure.limiting == Impairment::crosstalk);
    CHECK(r.closure.a_ni_without_crosstalk_v < 0.5 * r.closure.a_ni_v);
    CHECK(to_string(Impairment::crosstalk) == "crosstalk");
  }
  SECTION("weak crosstalk") {
    spec.crosstalk_v = {0.002};
    const auto r = statistical_eye(one_sample(1.0), spec);
    CHECK(r.closure.limiting == Impairment::noise);
    CHECK(r.closure.a_ni_without_crosstalk_v < r.closure.a_ni_v);
  }
  SECTION("none (all zero): nothing changes, crosstalk is not a candidate") {
    const auto base = statistical_eye(one_sample(1.0), spec);
    spec.crosstalk_v = {0.0, 0.0};
    const auto r = statistical_eye(one_sample(1.0), spec);
    CHECK(r.margin_db == base.margin_db);
    CHECK(r.log10_ber == base.log10_ber);
    CHECK(r.crosstalk_sigma_v == 0.0);
    CHECK(r.closure.a_ni_without_crosstalk_v == r.closure.a_ni_v);
  }
}

TEST_CASE("Crosstalk cursors are not cancelled by the DFE and not moved by jitter", "[solvers][crosstalk][reference]") {
  // A 2-sample-per-UI pulse with a post-cursor the DFE removes entirely: the eye with one crosstalk
  // cursor c equals the ISI-free mixture over +-c, with RJ through the main cursor's slope only
  // (the crosstalk has no slope term). Reference: Q averaged over b = +-1 with
  // sigma^2 = sigma_n^2 + (l h'_0 sigma_RJ)^2, h'_0 the central difference (93A-28).
  PulseResponse p;
  p.symbol_rate_baud = 25e9;
  p.samples_per_ui = 2;
  p.samples_v = {0.0, 0.5, 1.0, 0.6, 0.3, 0.0, 0.0, 0.0};
  p.main_index = 2;
  const double a = 0.5, sn = 0.02, rj = 0.02, c = 0.08;
  StatEyeSpec spec;
  spec.signalling = {2, a};
  spec.noise.sigma_v = sn;
  spec.jitter.rj_rms_ui = rj;
  spec.dfe.taps = 1;
  spec.crosstalk_v = {c};
  StatEyeOptions opt;
  opt.phases_per_ui = 2;
  opt.voltage_points = 401;
  opt.grid_points_per_sigma = 64.0;
  const auto r = statistical_eye(p, spec, opt);
  REQUIRE(r.best_phase_index == 1);  // phase 0 UI: the main cursor
  // At phase 0 the post-cursor 0.3 A is cancelled (b_1 = 0.3 A); the slopes, (h(+1 sample) -
  // h(-1 sample)) x 2 / 2 per UI: main (0.6 - 0.5) A, pre-cursor (0.5 - 0) A, post-cursor (0 - 0.6) A
  // (their RJ terms a_n h'_n sigma_RJ stay, with a_n^2 = 1 for NRZ: exactly Gaussian).
  const double slope0 = a * (0.6 - 0.5), slope_pre = a * 0.5, slope_post = a * (0.0 - 0.6);
  const double s2 = sn * sn + rj * rj * (slope0 * slope0 + slope_pre * slope_pre + slope_post * slope_post);
  double worst = 0.0;
  int compared = 0;
  for (std::size_t i = 0; i < r.voltage_v.size(); ++i) {
    const double v = r.voltage_v[i];
    double up = 0.0, low = 0.0;
    for (double b : {-1.0, 1.0}) {
      up += 0.5 * q_ref((v + a - b * c) / std::sqrt(s2));
      low += 0.5 * q_ref((a + b * c - v) / std::sqrt(s2));
    }
    const double ref = 0.5 * (up + low);
    if (ref < 1e-15 || ref > 1e-3) continue;
    ++compared;
    worst = std::max(worst, std::abs(std::pow(10.0, r.log10_ber_at(1, i)) / ref - 1.0));
  }
  INFO(compared << " thresholds, worst relative error " << worst);
  CHECK(compared >= 20);
  CHECK(worst < 1e-6);
}

// ------------------------------------------------------------------------------------------------
// 93A-33 phase choice and the fast equalizer-search variance

TEST_CASE("The aggressor phase is the one with the most energy, not the peak (93A-33)", "[solvers][crosstalk][unit]") {
  // 8 samples per UI. Phase 2 holds the single largest sample (1.0, energy 1.0); phase 6 holds four
  // samples of 0.6 (energy 1.44); every other sample is 0.1 (energy 0.1 per sample).
  PulseResponse p;
  p.symbol_rate_baud = 50e9;
  p.samples_per_ui = 8;
  p.samples_v.assign(8 * 12, 0.1);
  p.samples_v[8 * 3 + 2] = 1.0;
  for (int n : {4, 5, 6, 7}) p.samples_v[static_cast<std::size_t>(8 * n + 6)] = -0.6;
  const CrosstalkPhase ph = crosstalk_phase(p);
  CHECK(ph.phase == 6);
  CHECK(ph.energy_v2 == Approx(4 * 0.36 + 8 * 0.01).epsilon(1e-14));
  // The same through the Gram form with no FFE.
  const CrosstalkPhase fast = CrosstalkFfeEnergy(p, 0, 0).best(TxFfe{});
  CHECK(fast.phase == 6);
  CHECK(fast.energy_v2 == Approx(ph.energy_v2).epsilon(1e-14));
}

TEST_CASE("The fast crosstalk energy under a Tx FFE equals the explicitly equalised pulse's, edges included",
          "[solvers][crosstalk][property]") {
  // A pulse that is far from zero at both ends of the record, so that apply_tx_ffe's truncation
  // (taps shifting samples out of the record) matters; FFEs with up to 3 pre- and 2 post-cursor
  // taps, and shorter ones (fewer pre-cursors than the Gram matrices were built for).
  PulseResponse p;
  p.symbol_rate_baud = 53.125e9;
  p.samples_per_ui = 16;
  for (int i = 0; i < 16 * 20; ++i) {
    const double t = i / 16.0;
    p.samples_v.push_back(0.3 * std::cos(1.3 * t) * std::exp(-0.05 * t) + 0.2 * std::sin(0.37 * t * t) + 0.05);
  }
  p.main_index = 16 * 4;
  const CrosstalkFfeEnergy fast(p, 3, 2);
  std::vector<TxFfe> ffes = ffe_grid({{-0.1, 0.0, 0.05}, {0.0, 0.06, 0.03}, {-0.04, 0.0, 0.04}}, {{-0.2, 0.0, 0.1}, {0.0, 0.05, 0.05}});
  ffes.push_back(TxFfe::from_side_taps({-0.15}, {-0.25}));
  ffes.push_back(TxFfe::from_side_taps({}, {-0.3, 0.1}));
  ffes.push_back(TxFfe{});
  double worst = 0.0;
  for (const auto& f : ffes) {
    const CrosstalkPhase explicit_ph = crosstalk_phase(apply_tx_ffe(p, f));
    const CrosstalkPhase q = fast.best(f);
    worst = std::max(worst, std::abs(q.energy_v2 / explicit_ph.energy_v2 - 1.0));
    CHECK(q.phase == explicit_ph.phase);
  }
  INFO(ffes.size() << " FFEs, worst relative difference " << worst);
  // Rounding only: the quadratic form and the explicit convolution sum the same products in a
  // different order.
  CHECK(worst < 1e-12);
  CHECK_THROWS_WITH(CrosstalkFfeEnergy(p, 0, 1).best(TxFfe::from_side_taps({-0.1}, {})), Contains("pre-"));
}

TEST_CASE("The equalizer search adds each candidate's sigma_XT to the SNR, equal to the explicit aggressor pulses",
          "[solvers][crosstalk][property]") {
  const auto h = copper_transfer_function(test::stripline_channel(12.0, test::kMidLossLaminate));
  PulseResponseOptions po;
  po.symbol_rate_baud = 32e9;
  po.samples_per_ui = 16;
  po.tx_swing_v = 0.4;
  po.rx_filter = RxFilter::butterworth(4, 24e9);
  po.record_ui = 48;
  PulseResponseEngine engine;
  ChannelSpectrum victim = engine.prepare(h, po);
  // Two aggressors: a near-end section (its own amplitude) and a far-end path through the victim.
  PulseResponseOptions pn = po, pf = po;
  pn.tx_swing_v = 0.6;
  pf.tx_swing_v = 0.4;
  ChannelSpectrum next = engine.prepare(next_path(0.01, 40e-12), pn);
  const auto h_copy = h;
  ChannelSpectrum fext = engine.prepare(
      [h_copy](std::span<const double> f, std::span<std::complex<double>> out) {
        h_copy(f, out);
        for (std::size_t k = 0; k < f.size(); ++k) out[k] *= std::complex<double>(0.0, 0.02 * f[k] / 16e9);
      },
      pf);
  EqualizerSearchOptions eo;
  eo.ctle = com_ctle_family(32e9, -9.0, 0.0, 3.0);
  eo.ffe_pre = {{-0.1, 0.0, 0.05}};
  eo.ffe_post = {{-0.2, 0.0, 0.1}};
  eo.snr.levels = 4;
  eo.snr.dfe_taps = 2;
  eo.noise_psd_v2_per_hz = 5e-17;
  eo.crosstalk = {&next, &fext};
  const auto res = optimize_equalizer(engine, victim, eo);
  REQUIRE(res.candidates.size() == eo.ctle.size() * 9);
  double worst = 0.0, worst_snr = 0.0;
  for (const auto& c : res.candidates) {
    // Explicit: each aggressor through the CTLE and the FFE, its best phase (93A-33), and
    // sigma_XT^2 = sigma_X^2 sum E_k (93A-34); com_snr with it (93A-36).
    double e = 0.0;
    for (ChannelSpectrum* x : eo.crosstalk)
      e += crosstalk_phase(apply_tx_ffe(engine.compute(*x, eo.ctle[c.ctle_index]).pulse, c.ffe)).energy_v2;
    const double sxt = std::sqrt(var_x(4) * e);
    REQUIRE(sxt > 0.0);
    worst = std::max(worst, std::abs(c.crosstalk_sigma_v / sxt - 1.0));
    const auto vp = apply_tx_ffe(engine.compute(victim, eo.ctle[c.ctle_index]).pulse, c.ffe);
    const SnrResult snr = com_snr(vp, res.noise_sigma_v[c.ctle_index], eo.snr, sxt);
    worst_snr = std::max(worst_snr, std::abs(c.snr_db - snr.snr_db));
    // The crosstalk enters the denominator like any other variance: the same SNR as with the
    // noise raised to sqrt(sigma_N^2 + sigma_XT^2).
    const double sn = res.noise_sigma_v[c.ctle_index];
    CHECK(com_snr(vp, std::sqrt(sn * sn + sxt * sxt), eo.snr).snr_db == Approx(snr.snr_db).margin(1e-9));
  }
  INFO("worst relative sigma_XT difference " << worst << ", worst SNR difference " << worst_snr << " dB");
  CHECK(worst < 1e-12);
  CHECK(worst_snr < 1e-9);
  CHECK(res.snr.crosstalk_sigma_v == res.candidates[res.best].crosstalk_sigma_v);
  eo.crosstalk = {nullptr};
  CHECK_THROWS_WITH(optimize_equalizer(engine, victim, eo), Contains("crosstalk[0]"));
}

// ------------------------------------------------------------------------------------------------
// The eye analysis with aggressors

TEST_CASE("An aggressor that is the victim scaled reports the victim's own equalised pulse at its best phase",
          "[solvers][crosstalk][reference]") {
  // path = k with times_victim: the aggressor's transfer function is k H(f) and its amplitude A_x,
  // so its equalised pulse is (k A_x / A) times the victim's, exactly (linearity). Its report must
  // be the victim's equalised pulse's best-phase energy (93A-33) scaled by (k A_x / A)^2.
  const auto h = copper_transfer_function(test::stripline_channel(8.0, test::kMidLossLaminate));
  auto s = copper_spec();
  const double k = 0.05, ax = 0.3;
  s.crosstalk.push_back({"scaled victim", constant(k), true, ax});
  const auto a = analyze_eye(h, s);
  REQUIRE(a.crosstalk.size() == 1);
  const auto& eqp = a.equalizer.pulse.pulse;
  const CrosstalkPhase ph = crosstalk_phase(eqp);
  const double scale = k * ax / s.tx_amplitude_v;
  CHECK(a.crosstalk[0].name == "scaled victim");
  CHECK(a.crosstalk[0].sigma_v == Approx(std::sqrt(var_x(2) * ph.energy_v2) * scale).epsilon(1e-9));
  double peak = 0.0, vmax = 0.0;
  std::size_t imax = 0;
  for (std::size_t i = 0; i < eqp.samples_v.size(); ++i) {
    if (i % static_cast<std::size_t>(eqp.samples_per_ui) == ph.phase) peak = std::max(peak, std::abs(eqp.samples_v[i]));
    if (std::abs(eqp.samples_v[i]) > vmax) {
      vmax = std::abs(eqp.samples_v[i]);
      imax = i;
    }
  }
  CHECK(a.crosstalk[0].peak_v == Approx(peak * scale).epsilon(1e-9));
  // The phase relative to the pulse's peak, in [-1/2, 1/2) UI (the victim's own pulse: near 0).
  const long spu = eqp.samples_per_ui;
  long d = (static_cast<long>(ph.phase) - static_cast<long>(imax % static_cast<std::size_t>(spu)) + spu) % spu;
  if (2 * d >= spu) d -= spu;
  CHECK(a.crosstalk[0].phase_ui == Approx(static_cast<double>(d) / static_cast<double>(spu)).margin(1e-12));
  CHECK(std::abs(a.crosstalk[0].phase_ui) < 0.25);
  CHECK(a.eye.crosstalk_sigma_v == Approx(a.crosstalk[0].sigma_v).epsilon(1e-12));
}

TEST_CASE("A zero aggressor changes nothing and adding aggressors never raises the margin", "[solvers][crosstalk][property]") {
  const auto h = copper_transfer_function(test::stripline_channel(10.0, test::kMidLossLaminate));
  auto s = copper_spec();
  s.levels = 4;
  const auto base = analyze_eye(h, s);
  SECTION("zero path: bit-identical") {
    auto z = s;
    z.crosstalk.push_back({"silent", constant(0.0), false, 0.4});
    z.crosstalk.push_back({"silent far", constant(0.0), true, 0.4});
    const auto a = analyze_eye(h, z);
    CHECK(a.eye.margin_db == base.eye.margin_db);
    CHECK(a.eye.height_v == base.eye.height_v);
    CHECK(a.eye.ber == base.eye.ber);
    CHECK(a.eye.log10_ber == base.eye.log10_ber);
    CHECK(a.equalizer.best == base.equalizer.best);
    CHECK(a.equalizer.snr.snr_db == base.equalizer.snr.snr_db);
    CHECK(a.eye.closure.limiting == base.eye.closure.limiting);
    REQUIRE(a.crosstalk.size() == 2);
    CHECK(a.crosstalk[0].sigma_v == 0.0);
    CHECK(a.eye.crosstalk_sigma_v == 0.0);
  }
  SECTION("more or stronger aggressors: the margin does not rise") {
    std::vector<std::vector<CrosstalkAggressor>> sets = {
        {{"fext", constant(0.01), true, 0.4}},
        {{"fext", constant(0.03), true, 0.4}},
        {{"fext", constant(0.03), true, 0.4}, {"next", next_path(0.004, 30e-12), false, 0.6}},
        {{"fext", constant(0.03), true, 0.4}, {"next", next_path(0.01, 30e-12), false, 0.6}},
    };
    double prev = base.eye.margin_db;
    for (std::size_t i = 0; i < sets.size(); ++i) {
      auto x = s;
      x.crosstalk = sets[i];
      const auto a = analyze_eye(h, x);
      INFO("set " << i << ": margin " << a.eye.margin_db << " dB (before " << prev << "), sigma_XT "
                  << a.eye.crosstalk_sigma_v << " V, limited by " << to_string(a.eye.closure.limiting));
      CHECK(a.eye.margin_db <= prev + 1e-9);
      CHECK(a.eye.crosstalk_sigma_v > 0.0);
      CHECK(a.equalizer.snr.crosstalk_sigma_v > 0.0);
      prev = a.eye.margin_db;
      if (i + 1 == sets.size()) CHECK(a.eye.closure.limiting == Impairment::crosstalk);
    }
  }
}

TEST_CASE("Bad crosstalk input is refused with the field named", "[solvers][crosstalk][unit]") {
  const auto h = copper_transfer_function(test::stripline_channel(4.0, test::kMidLossLaminate));
  auto s = copper_spec();
  s.ctle.clear();
  s.ffe_post.clear();
  SECTION("amplitude") {
    for (double amp : {0.0, -0.4, std::nan("")}) {
      s.crosstalk = {{"agg", constant(0.01), true, amp}};
      CHECK_THROWS_WITH(analyze_eye(h, s), Contains("crosstalk[0]") && Contains("tx_amplitude_v") && Contains("> 0"));
    }
  }
  SECTION("empty path, or one the pulse engine refuses (complex at DC): the aggressor is named") {
    s.crosstalk = {{"agg", TransferFunction{}, false, 0.4}};
    CHECK_THROWS_WITH(analyze_eye(h, s), Contains("crosstalk[0]") && Contains("path"));
    const TransferFunction complex_dc = [](std::span<const double> f, std::span<std::complex<double>> out) {
      for (std::size_t i = 0; i < f.size(); ++i) out[i] = std::complex<double>(0.01, 0.01);
    };
    s.crosstalk = {{"fine", constant(0.01), true, 0.4}, {"odd one", complex_dc, false, 0.4}};
    CHECK_THROWS_WITH(analyze_eye(h, s), Contains("crosstalk[1] (\"odd one\")") && Contains("H(0)"));
  }
  SECTION("optical levels or a fixed noise at the sampler") {
    s.crosstalk = {{"agg", constant(0.01), true, 0.4}};
    auto o = s;
    o.sigma_per_level_v = {1e-3, 1e-3};
    CHECK_THROWS_WITH(analyze_eye(h, o), Contains("crosstalk") && Contains("sigma_per_level_v"));
    auto r = s;
    r.noise_rms_v = 1e-3;
    CHECK_THROWS_WITH(analyze_eye(h, r), Contains("crosstalk") && Contains("noise_rms_v"));
    CHECK_THROWS_WITH(analyze_eye_pulse(analyze_eye(h, copper_spec()).unequalized.pulse, s, 1e-3),
                      Contains("crosstalk"));
  }
  SECTION("solver inputs") {
    StatEyeSpec es;
    es.signalling = {2, 0.5};
    es.noise.sigma_v = 0.01;
    es.crosstalk_v = {0.01, std::numeric_limits<double>::infinity()};
    CHECK_THROWS_WITH(statistical_eye(one_sample(1.0), es), Contains("crosstalk_v[1]"));
    CHECK_THROWS_WITH(com_snr(analyze_eye(h, copper_spec()).unequalized.pulse, 1e-3, SnrOptions{}, -1e-3),
                      Contains("crosstalk_sigma_v"));
  }
}
