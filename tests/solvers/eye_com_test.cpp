// COM's sampling rule and COM's PDFs as options of the statistical eye (docs/eye.md, "Sampling
// rule and COM's PDFs"): the eye's fixed sampling point (StatEyeOptions::sampling_index), COM's A_ni
// at one point (com_at_cursor) against an exhaustive enumeration with the exact Gaussian tail, and
// the options' plumbing and refusals in analyze_eye. Against `phylane com` on measured channels:
// tests/io/eye_com_rule_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "solvers/com.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/statistical_eye.hpp"

using namespace phylane::solvers;
using Catch::Matchers::Contains;

namespace {

// A smooth one-sided pulse p(t) = 0.6 (t/T)^2 exp(2 - 2 t / T) for t >= 0 (peak 0.6 at t = T,
// T = 1.5 UI), 8 samples per UI, with a record of 40 UI starting 4 UI before t = 0.
PulseResponse test_pulse() {
  PulseResponse p;
  p.symbol_rate_baud = 1e9;
  p.samples_per_ui = 8;
  const double tpk = 1.5;
  for (int i = 0; i < 40 * 8; ++i) {
    const double t = (i - 32) / 8.0;
    p.samples_v.push_back(t <= 0.0 ? 0.0 : 0.6 * (t / tpk) * (t / tpk) * std::exp(2.0 - 2.0 * t / tpk));
  }
  p.main_index = static_cast<std::size_t>(std::max_element(p.samples_v.begin(), p.samples_v.end()) - p.samples_v.begin());
  return p;
}

double q_ref(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("A sampling index fixes the eye's phase there, the UI centred on it and the DFE adapted there",
          "[solvers][eye][com][unit]") {
  const PulseResponse p = test_pulse();
  StatEyeSpec spec;
  spec.signalling.levels = 2;
  spec.signalling.amplitude_v = 1.0;
  spec.noise.sigma_v = 0.005;
  spec.dfe.taps = 3;
  spec.dfe.tap_min_v = {-0.2, -0.2, -0.2};
  spec.dfe.tap_max_v = {0.2, 0.2, 0.2};
  StatEyeOptions opt;
  opt.target_ber = 1e-6;
  // 6 samples = 0.75 UI before the peak: outside the default window [-1/2, 1/2) UI.
  const long idx = static_cast<long>(p.main_index) - 6;
  opt.sampling_index = idx;
  const StatEyeResult r = statistical_eye(p, spec, opt);
  CHECK(r.best_phase_ui == Approx(-0.75).margin(1e-15));
  CHECK(r.phase_ui.front() == Approx(-1.25).margin(1e-15));
  CHECK(r.phase_ui.back() == Approx(-0.25 - 1.0 / 8).margin(1e-15));
  CHECK(r.main_cursor_v == p.samples_v[static_cast<std::size_t>(idx)]);
  CHECK(r.pass1_phases == 0);
  REQUIRE(r.dfe_taps_v.size() == 3);
  for (int j = 1; j <= 3; ++j)  // b_j = clip(h(j), +-0.2 V) (93A-26 in volts)
    CHECK(r.dfe_taps_v[static_cast<std::size_t>(j - 1)] ==
          std::clamp(p.samples_v[static_cast<std::size_t>(idx + 8 * j)], -0.2, 0.2));

  SECTION("without a DFE the column at the fixed point is the default map's at the same phase") {
    spec.dfe = {};
    StatEyeOptions d;
    d.target_ber = 1e-6;
    const StatEyeResult def = statistical_eye(p, spec, d);  // phases -4/8 ... 3/8 UI about the peak
    opt.sampling_index = static_cast<long>(p.main_index) - 2;
    const StatEyeResult fix = statistical_eye(p, spec, opt);
    CHECK(fix.best_phase_ui == Approx(-0.25).margin(1e-15));
    const std::size_t nv = def.voltage_v.size();
    REQUIRE(fix.voltage_v == def.voltage_v);  // the same axis: the largest main cursor over the UI
    std::size_t jdef = 2;                     // def.phase_ui[2] = -2/8
    REQUIRE(def.phase_ui[jdef] == Approx(-0.25).margin(1e-15));
    double worst = 0.0;
    for (std::size_t i = 0; i < nv; ++i)
      worst = std::max(worst, std::abs(fix.vertical_bathtub_log10_ber[i] - def.log10_ber_at(jdef, i)));
    CHECK(worst < 1e-12);
  }
  SECTION("a sampling index outside the record is refused, naming the option") {
    opt.sampling_index = static_cast<long>(p.samples_v.size());
    CHECK_THROWS_WITH(statistical_eye(p, spec, opt), Contains("options.sampling_index") && Contains("319"));
  }
}

TEST_CASE("COM's A_ni at one point equals an exhaustive enumeration with the exact Gaussian tail",
          "[solvers][com][reference]") {
  // A record of 12 UI, M = 8, the cursor at UI 4: h(0) = 0.5 V, a pre-cursor 0.05 V, post-cursors
  // 0.12 V (the DFE's first tap clipped at b_max(1) = 0.2: residual 0.12 - 0.2 * 0.5 = 0.02 V) and
  // -0.04 V (second tap limited to 0: stays), a sample of 0.3 V in the record's last UI (left out
  // by 4.15's rule) and one of 1e-4 V (below 1e-3 y_max: left out, Note 2 of 93A.1.7.1); no
  // jitter, Gaussian noise sigma_TX = 0.01, sigma_N = 0.02 V. Reference: P(ISI + G < -y) over the
  // 2^3 equiprobable ISI patterns with the exact Q, solved for DER_0 by bisection.
  const int m = 8;
  std::vector<double> v(12 * m, 0.0);
  const std::size_t c = 4 * m;
  v[c] = 0.5;
  v[c - m] = 0.05;
  v[c + m] = 0.12;
  v[c + 2 * m] = -0.04;
  v[c + 4 * m] = 1e-4;
  v[11 * m + 0] = 0.3;  // cursor phase, last UI
  ComCursorSpec s;
  s.samples_per_ui = m;
  s.levels = 2;
  s.der0 = 1e-5;
  s.sigma_tx_v = 0.01;
  s.sigma_n_v = 0.02;
  s.b_min = {-0.2, 0.0};
  s.b_max = {0.2, 0.0};
  const ComCursorResult r = com_at_cursor(v, c, s);
  REQUIRE(r.dfe.size() == 2);
  CHECK(r.dfe[0] == 0.2);
  CHECK(r.dfe[1] == 0.0);
  CHECK(r.a_s_v == 0.5);
  CHECK(r.step_v == Approx(0.55 / 1000).epsilon(1e-12));  // y_max = 1.1 A_s over 1000 bins
  const double sigma = std::hypot(0.01, 0.02);
  const std::vector<double> isi{0.05, 0.02, -0.04};
  auto tail = [&](double y) {
    double p = 0.0;
    for (int k = 0; k < 8; ++k) {
      double x = 0.0;
      for (int i = 0; i < 3; ++i) x += ((k >> i) & 1 ? 1.0 : -1.0) * isi[static_cast<std::size_t>(i)];
      p += q_ref((y + x) / sigma) / 8.0;
    }
    return p;
  };
  double lo = 0.0, hi = 0.5;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > s.der0 ? lo : hi) = mid;
  }
  // Measured: |A_ni - reference| = 0.48 step (the ISI values and the Gaussian on the 0.55 mV grid,
  // A_ni read at the first grid point reaching DER_0): one step is the grid's resolution.
  INFO("A_ni " << r.a_ni_v << " V, reference " << lo << " V, step " << r.step_v);
  CHECK(std::abs(r.a_ni_v - lo) < r.step_v);
  CHECK(r.com_db == Approx(20.0 * std::log10(0.5 / r.a_ni_v)).epsilon(1e-12));

  SECTION("a cursor without a UI on each side or a non-positive h(0) is refused") {
    CHECK_THROWS_WITH(com_at_cursor(v, 3, s), Contains("cursor 3"));
    CHECK_THROWS_WITH(com_at_cursor(v, c + 3 * m, s), Contains("h(0)"));
  }
}

TEST_CASE("The eye with COM's rule and PDFs: COM's margin in the eye's place, and the refusals",
          "[solvers][eye][com][unit]") {
  // A 3-pole low-pass channel at 10 GBd: NRZ, 2 DFE taps limited to 0.5 h(0).
  const TransferFunction ch([](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t k = 0; k < f.size(); ++k) {
      const std::complex<double> s(0.0, f[k] / 4e9);
      h[k] = 1.0 / ((1.0 + s) * (1.0 + s) * (1.0 + s));
    }
  });
  EyeLinkSpec spec;
  spec.symbol_rate_baud = 10e9;
  spec.tx_amplitude_v = 0.4;
  spec.noise_psd_v2_per_hz = 5.2e-17;
  spec.jitter = {0.01, 0.1};
  spec.tx_snr_db = 27.0;
  spec.dfe_taps = 2;
  spec.dfe_limits.max_rel = {0.5};
  spec.target_ber = 1e-5;
  spec.refine_candidates = 1;
  const EyeAnalysis tallest = analyze_eye(ch, spec);
  CHECK(tallest.com.sampling_index == -1);

  spec.sampling = phylane::channels::EyeSampling::com;
  const EyeAnalysis rule = analyze_eye(ch, spec);
  const auto& y = rule.equalizer.pulse.pulse.samples_v;
  const std::size_t peak = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
  const auto want = com_cursor_index(y, peak, 32, 0.5);
  REQUIRE(want);
  CHECK(rule.com.sampling_index == static_cast<long>(*want));
  CHECK(rule.eye.main_cursor_v == y[*want]);
  CHECK(rule.eye.dfe_taps_v[0] == Approx(std::clamp(y[*want + 32], -0.5 * y[*want], 0.5 * y[*want])).epsilon(1e-12));
  CHECK_FALSE(rule.com.pdf);

  spec.pdf = phylane::channels::EyePdf::com;
  const EyeAnalysis com = analyze_eye(ch, spec);
  CHECK(com.com.pdf);
  CHECK(com.com.sampling_index == rule.com.sampling_index);
  CHECK(com.eye.margin_db == com.com.margin_db);
  CHECK(com.eye.eyes[0].noise_interference_v == com.com.a_ni_v);
  CHECK(com.com.statistical_margin_db == rule.eye.margin_db);
  CHECK(com.eye.height_v == rule.eye.height_v);  // the map is the statistical eye's at the same point
  CHECK(com.com.a_s_v == Approx(y[*want]).epsilon(1e-15));
  // Two constructions of A_ni at one point: COM's PMFs on its grid and the statistical eye's PDF.
  // Measured: 0.018 dB apart here, 0.001 ... 0.054 dB on the nine measured KR4 channels
  // (docs/eye.md): COM's grid (A_ni read on bins of 1.1 A_s / 1000, 0.03 dB of margin at 10 dB),
  // its 1e-3 y_max floor and its ISI span (the record's first and last UI left out) against the
  // statistical eye's finer grid.
  INFO("COM " << com.com.margin_db << " dB, statistical " << com.com.statistical_margin_db << " dB");
  CHECK(std::abs(com.com.margin_db - com.com.statistical_margin_db) < 0.03);

  SECTION("a pulse without a 1 % rise in the 4 UI before its peak: no COM point, the eye closed with the reason") {
    PulseResponse slow;  // a ramp over 10 UI to its peak, then a fall over 2 UI
    slow.symbol_rate_baud = 1e9;
    slow.samples_per_ui = 8;
    for (int i = 0; i < 40 * 8; ++i) {
      const double t = (i - 16) / 8.0;
      slow.samples_v.push_back(t < 0.0 ? 0.0 : t <= 10.0 ? 0.05 * t : std::max(0.0, 0.5 - 0.25 * (t - 10.0)));
    }
    slow.main_index = 16 + 80;
    EyeLinkSpec ps;
    ps.symbol_rate_baud = 1e9;
    ps.target_ber = 1e-5;
    ps.sampling = phylane::channels::EyeSampling::com;
    ps.pdf = phylane::channels::EyePdf::com;
    const EyeAnalysis a = analyze_eye_pulse(slow, ps, 0.01);
    CHECK(a.eye.status == EyeStatus::closed);
    CHECK_THAT(a.eye.reason, Contains("no rise through 1 %"));
    CHECK(a.com.sampling_index == -1);
    CHECK_FALSE(a.com.pdf);
  }
  SECTION("pdf = com needs a COM rule and one Gaussian noise") {
    spec.sampling = phylane::channels::EyeSampling::tallest;
    CHECK_THROWS_WITH(analyze_eye(ch, spec), Contains("pdf = \"com\"") && Contains("tallest"));
    spec.sampling = phylane::channels::EyeSampling::com;
    spec.noise_psd_v2_per_hz = 0.0;
    spec.sigma_per_level_v = {0.01, 0.01};
    CHECK_THROWS_WITH(analyze_eye(ch, spec), Contains("pdf = \"com\"") && Contains("level-dependent"));
  }
}

TEST_CASE("With COM's PDFs the eye's DER_0 is the target's per-threshold error probability: a noise-only PAM4 eye",
          "[solvers][eye][com][reference]") {
  // A cos^2 bump of 2 UI (zero at +-1 UI: no ISI at its peak), sampled at the peak (com-peak, 4.15's
  // ts_anchor 1), no jitter, Gaussian noise sigma = 20 mV at the decision point, PAM4 at BER
  // 1e-5. Then A_ni = sigma Q^-1(P_k) with P_k = BER / (2 (M - 1) / (M log2 M)) = BER / 0.75, the
  // per-threshold probability the statistical eye reads its own A_ni at (and the kr1-ck-28db
  // preset's DER_0 = 1e-4 <-> target_ber = 7.5e-5); Q^-1 by bisection on erfc. Taking DER_0 as the
  // SER (2e-5) would put A_ni 2.2 % (ten grid steps) lower.
  const int m = 16;
  PulseResponse p;
  p.symbol_rate_baud = 1e9;
  p.samples_per_ui = m;
  const int c = 5 * m;
  for (int i = 0; i < 20 * m; ++i) {
    const double x = static_cast<double>(i - c) / (2.0 * m);
    p.samples_v.push_back(std::abs(i - c) <= m ? 0.5 * std::cos(std::numbers::pi * x) * std::cos(std::numbers::pi * x) : 0.0);
  }
  p.main_index = c;
  EyeLinkSpec spec;
  spec.symbol_rate_baud = 1e9;
  spec.levels = 4;
  spec.target_ber = 1e-5;
  spec.sampling = phylane::channels::EyeSampling::com_peak;
  spec.pdf = phylane::channels::EyePdf::com;
  const double sigma = 0.02;
  const EyeAnalysis a = analyze_eye_pulse(p, spec, sigma);
  REQUIRE(a.com.pdf);
  CHECK(a.com.sampling_index == c);
  CHECK(a.com.a_s_v == Approx(0.5 / 3).epsilon(1e-15));
  const double pk = 1e-5 / 0.75;
  double lo = 0.0, hi = 10.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (q_ref(mid) > pk ? lo : hi) = mid;
  }
  // Measured: A_ni within 0.2 of COM's grid step (0.18 mV) of sigma Q^-1(P_k).
  INFO("A_ni " << a.com.a_ni_v << " V, sigma Q^-1(P_k) " << sigma * lo << " V, step " << a.com.step_v);
  CHECK(std::abs(a.com.a_ni_v - sigma * lo) < a.com.step_v);
  // The statistical eye's own A_ni at the same point: the same closed form (measured: to 1e-10 dB).
  CHECK(a.com.statistical_margin_db == Approx(20.0 * std::log10((0.5 / 3) / (sigma * lo))).margin(1e-6));
}
