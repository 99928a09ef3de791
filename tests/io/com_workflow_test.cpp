// `phylane com`'s workflow (workflows/com.hpp) end to end: the FOM search checked by hand on a
// shared measured channel with the embedded 100GBASE-KR4 sheet, the 802.3ck/dj receivers, and the
// refusal of unusable aggressors. Against the IEEE reference code 4.15 itself:
// tests/io/com_reference_code_test.cpp.
// Skips visibly when ../shared/data is absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "channels/network.hpp"
#include "channels/resample.hpp"
#include "io/com_sheet.hpp"
#include "io/touchstone.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/com.hpp"

using namespace phylane;
using namespace phylane::solvers;

TEST_CASE("COM's FOM counts every pre-cursor: the chosen Tx FFE is the best over the grid by hand",
          "[workflows][com][reference]") {
  // The 42.8 in Meg6 backplane, where the pre-cursors change the choice: the IEEE reference
  // code's optimize_fom counts every pre-cursor in sigma_ISI (PyChOpMarg starts at the cursor).
  // The search is checked by hand at its
  // chosen CTLE setting (g_DC = -12 dB, the choice with and without the pre-cursors): the pulse
  // through the CTLE alone (the Tx FFE fixed to [0 1 0]), then every setting of the sheet's Tx FFE
  // grid filtered here, its sampling point, and the FOM (93A-36) with sigma_ISI over every n != 0
  // (93A-31, the DFE clipped, 93A-26/27), the jitter slopes at every UI-spaced sample of the
  // record (93A-28, 93A-32; the reference code 4.15's h_J), sigma_TX (93A-30) and sigma_N as the
  // case reports it (93A-35, one CTLE: the same for every Tx FFE). The largest must be the setting
  // COM chose, with COM's FOM.
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "Meg6"};
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]"});
  const workflows::ComAnswer full = workflows::com(p, rq);
  REQUIRE(full.cases.size() == 1);
  CHECK(full.cases[0].equalizer.g_dc_db == -12.0);
  const workflows::ComAnswer one = workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]", "g_DC=-12"}), rq);
  const workflows::ComAnswer bare =
      workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]", "g_DC=-12", "c(-1)=0", "c(1)=0"}), rq);
  const auto& chosen = one.cases[0];
  CHECK(chosen.fom_db == Approx(full.cases[0].fom_db).margin(1e-9));
  CHECK(chosen.equalizer.tx_ffe.taps == full.cases[0].equalizer.tx_ffe.taps);

  const std::vector<double>& x = bare.cases[0].pulse.samples_v;
  const long nx = static_cast<long>(x.size()), m = p.samples_per_ui;
  const long peak0 = std::max_element(x.begin(), x.end()) - x.begin();
  const double snr_tx = std::pow(10.0, -p.snr_tx_db / 10.0), sigma_n = chosen.sigma_n_v;
  const double b1_max = p.b_max[0];
  struct Fom {
    double all = 0.0, from_cursor = 0.0;
  };
  auto fom = [&](const std::vector<double>& taps) {
    std::vector<double> y(x.size(), 0.0);  // c(-1) x(i + M) + c(0) x(i) + c(1) x(i - M), zero outside
    for (long i = 0; i < nx; ++i)
      for (long t = 0; t < 3; ++t) {
        const long j = i - (t - 1) * m;
        if (j >= 0 && j < nx) y[static_cast<std::size_t>(i)] += taps[static_cast<std::size_t>(t)] * x[static_cast<std::size_t>(j)];
      }
    long pk = peak0 - 2 * m;
    for (long i = pk; i < peak0 + 2 * m; ++i)
      if (y[static_cast<std::size_t>(i)] > y[static_cast<std::size_t>(pk)]) pk = i;
    const long cur = static_cast<long>(solvers::com_cursor_index(y, static_cast<std::size_t>(pk), static_cast<int>(m), b1_max).value());
    const double h0 = y[static_cast<std::size_t>(cur)], a_s = p.r_lm * h0;  // NRZ: L - 1 = 1, sigma_X^2 = 1
    double pre = 0.0, post = 0.0, slope = 0.0;
    for (long i = cur - m; i >= 0; i -= m) pre += y[static_cast<std::size_t>(i)] * y[static_cast<std::size_t>(i)];
    for (long n = 1; cur + n * m + 1 < nx; ++n) {
      double r = y[static_cast<std::size_t>(cur + n * m)];
      if (n <= p.n_b) {
        const double hi = p.b_max[static_cast<std::size_t>(n - 1)];
        const double lo = p.b_min.empty() ? -hi : p.b_min[static_cast<std::size_t>(n - 1)];
        r -= std::clamp(r / h0, lo, hi) * h0;
      }
      post += r * r;
    }
    for (long i = cur % m; i + 1 < nx; i += m) {
      if (i < 1) continue;
      const double hj = (y[static_cast<std::size_t>(i + 1)] - y[static_cast<std::size_t>(i - 1)]) * static_cast<double>(m) / 2.0;
      slope += hj * hj;
    }
    const double rest = (p.a_dd_ui * p.a_dd_ui + p.sigma_rj_ui * p.sigma_rj_ui) * slope + h0 * h0 * snr_tx + sigma_n * sigma_n;
    return Fom{10.0 * std::log10(a_s * a_s / (pre + post + rest)), 10.0 * std::log10(a_s * a_s / (post + rest))};
  };
  double best = -1e300, best_old = -1e300;
  std::vector<double> arg, arg_old;
  for (double cm1 : p.tx_taps.at(-1))
    for (double c1 : p.tx_taps.at(1)) {
      const double c0 = 1.0 - std::abs(cm1) - std::abs(c1);
      if (c0 < p.c0_min) continue;
      const Fom f = fom({cm1, c0, c1});
      if (f.all > best) best = f.all, arg = {cm1, c0, c1};
      if (f.from_cursor > best_old) best_old = f.from_cursor, arg_old = {cm1, c0, c1};
    }
  REQUIRE(arg.size() == 3);
  INFO("by hand: c = " << arg[0] << ", " << arg[1] << ", " << arg[2]);
  for (std::size_t t = 0; t < 3; ++t) CHECK(chosen.equalizer.tx_ffe.taps[t] == Approx(arg[t]).margin(1e-12));
  CHECK(chosen.fom_db == Approx(best).margin(1e-6));
  // Without the pre-cursors the same sums pick another setting: the pre-cursors decide here.
  CHECK(arg_old != arg);
}

TEST_CASE("COM refuses aggressors of the wrong port count or band", "[workflows][com][unit]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(two, "touchstone/pcb_stripline_119mm.s2p", return);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "thru.s4p"};
  rq.fext.push_back({io::read_touchstone(*two), "fext.s2p"});
  CHECK_THROWS_WITH(workflows::com(p, rq), Catch::Contains("fext.s2p") && Catch::Contains("4-port"));
  rq.fext.clear();
  // An aggressor that stops at 10 GHz, below f_b/2.
  const channels::Network full = io::read_touchstone(*file);
  std::vector<double> f;
  for (double x : full.freq_hz())
    if (x <= 10e9) f.push_back(x);
  channels::Network cut(f, 4, {50.0});
  for (std::size_t k = 0; k < f.size(); ++k) cut.s(k) = full.s(k);
  rq.next.push_back({cut, "next.s4p"});
  CHECK_THROWS_WITH(workflows::com(p, rq), Catch::Contains("next.s4p") && Catch::Contains("f_b/2"));
  // The FOM's crosstalk sum runs on the grid 0, Delta_f, ... up to f_b: a step of f_b or more is refused.
  rq.next.clear();
  rq.next.push_back({full, "next.s4p"});
  CHECK_THROWS_WITH(workflows::com(io::embedded_com_sheet("100gbase-kr4", {"Delta_f=30"}), rq),
                    Catch::Contains("Delta_f") && Catch::Contains("(0, f_b)"));
}

TEST_CASE("ERL and TDR of a measured channel come beside COM and leave COM unchanged", "[workflows][com][erl]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "smt4"};
  const workflows::ComAnswer plain = workflows::com(io::embedded_com_sheet("100gbase-kr4"), rq);
  CHECK(plain.tdr.empty());
  CHECK_FALSE(plain.icn);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4", {"ERL=true", "N=1000", "fixture delay time=0"});
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.tdr.size() == 2);
  for (std::size_t c = 0; c < a.cases.size(); ++c) CHECK(a.cases[c].com_db == plain.cases[c].com_db);
  for (const auto& t : a.tdr) {
    INFO("port " << t.port);
    // A 4 in board between connectors: reflections of a few to ten percent (measured: ERL 14.0 and
    // 9.9 dB), the TDR near the 100-Ohm reference.
    CHECK(std::isfinite(t.erl_db));
    CHECK(t.erl_db > 5.0);
    CHECK(t.erl_db < 40.0);
    CHECK(t.z_port_ohm == Approx(100.0).margin(15.0));
    CHECK(t.reflection_pulse.size() == t.t_s.size());
  }
  CHECK(a.erl_db == std::min(a.tdr[0].erl_db, a.tdr[1].erl_db));
}

TEST_CASE("ICN is reported with the crosstalk set's aggressors", "[workflows][com][icn]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/crosstalk/example2_THRU.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(fext, "touchstone/crosstalk/example2_FEXT1.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(next, "touchstone/crosstalk/example2_NEXT1.s4p", return);
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*thru), "thru"};
  rq.fext.push_back({io::read_touchstone(*fext), "fext"});
  rq.next.push_back({io::read_touchstone(*next), "next"});
  const workflows::ComAnswer a = workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=1"}), rq);
  REQUIRE(a.icn);
  CHECK(a.icn->icn_v == Approx(std::hypot(a.icn->fext_icn_v, a.icn->next_icn_v)).epsilon(1e-12));
  CHECK(a.icn->fext_icn_v > 0.0);
  CHECK(a.icn->next_icn_v > 0.0);
  CHECK(a.icn->icn_v < 0.1);  // a few mV for measured crosstalk at a 0.4/0.6 V swing
}

TEST_CASE("COM with the zero-forced Rx FFE: the equalised pulse is zero where the FFE forced it",
          "[workflows][com][rxffe]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4", {"ffe_pre_tap_len=1", "ffe_post_tap_len=3",
                                                                    "z_p select=[1]"});
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "4in"};
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.cases.size() == 1);
  const auto& c = a.cases[0];
  REQUIRE(c.equalizer.rx_ffe.taps.size() == 5);
  CHECK(c.equalizer.rx_ffe.n_pre == 1);
  CHECK(c.equalizer.rx_ffe.taps[1] == 1.0);  // unit cursor tap
  for (double t : {c.equalizer.rx_ffe.taps[0], c.equalizer.rx_ffe.taps[2], c.equalizer.rx_ffe.taps[3],
                   c.equalizer.rx_ffe.taps[4]})
    CHECK(std::abs(t) <= 0.7);  // the default tap limits
  // The cursor sample of the equalised pulse (Tx FFE, CTLE and Rx FFE): zero-forced at UI -1, 2
  // and 3, the first post-cursor forced to the DFE's reach (b_max(1) = 1: all of it).
  const auto& v = c.pulse.samples_v;
  const auto at = std::find(v.begin(), v.end(), c.h0_v);
  REQUIRE(at != v.end());
  const long cur = at - v.begin(), m = 32;
  for (long j : {-1L, 2L, 3L}) CHECK(std::abs(v[static_cast<std::size_t>(cur + j * m)]) < 1e-9 * c.h0_v);
  CHECK(std::abs(v[static_cast<std::size_t>(cur + 4 * m)]) > 1e-6 * c.h0_v);  // beyond the FFE's span: not forced
  CHECK(c.com_db > 3.0);
}

TEST_CASE("COM with the MMSE Rx FFE: taps within their limits, sigma_N of the CTLE alone as the reference code",
          "[workflows][com][rxffe]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const ComParameters p = io::embedded_com_sheet(
      "100gbase-kr4", {"ffe_pre_tap_len=1", "ffe_post_tap_len=3", "ffe_post_tap1_max=0.3", "FFE_OPT_METHOD=MMSE",
                       "z_p select=[1]"});
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "4in"};
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.cases.size() == 1);
  const auto& c = a.cases[0];
  REQUIRE(c.equalizer.rx_ffe.taps.size() == 5);
  CHECK(c.equalizer.rx_ffe.taps[1] == 1.0);                      // unit cursor tap
  CHECK(std::abs(c.equalizer.rx_ffe.taps[2]) <= 0.3 + 1e-12);    // ffe_post_tap1_max
  for (std::size_t i : {std::size_t{0}, std::size_t{3}, std::size_t{4}}) CHECK(std::abs(c.equalizer.rx_ffe.taps[i]) <= 0.7 + 1e-12);
  // A_s is the cursor of the Rx FFE's output (93A.1.6 c).
  CHECK(c.a_s_v == Approx(p.r_lm * c.h0_v / (p.levels - 1)).epsilon(1e-12));
  // sigma_N: the reference code (4.x) keeps that of the CTLE alone on its MMSE path; the same CTLE
  // without an Rx FFE gives the same sigma_N.
  const ComParameters q = io::embedded_com_sheet(
      "100gbase-kr4", {"g_DC=" + std::to_string(c.equalizer.g_dc_db), "z_p select=[1]"});
  const workflows::ComAnswer b = workflows::com(q, rq);
  CHECK(c.sigma_n_v == Approx(b.cases[0].sigma_n_v).epsilon(1e-12));
  CHECK(std::isfinite(c.com_db));
}

TEST_CASE("COM's sample_adjustment sweep offers more sampling points: the FOM cannot fall",
          "[workflows][com]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", return);
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "10in"};
  const auto base = workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]"}), rq);
  const auto swept = workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]", "sample_adjustment=[-3 3]"}), rq);
  const auto peak = workflows::com(io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]", "ts_anchor=1"}), rq);
  // A superset of candidates (offset 0 among them): the best FOM is at least the unswept one.
  CHECK(swept.cases[0].fom_db >= base.cases[0].fom_db - 1e-12);
  CHECK(swept.cases[0].candidates == 7 * base.cases[0].candidates);
  // ts_anchor 1 samples the equalised pulse's peak.
  CHECK(peak.cases[0].cursor_ui == 0.0);
  CHECK(std::isfinite(peak.cases[0].com_db));
}

TEST_CASE("The embedded 802.3dj sheet runs with its MMSE Rx FFE on a line measured to 110 GHz",
          "[workflows][com][rxffe]") {
  // No shared measured channel reaches f_b/2 = 53.1 GHz: a matched differential line with
  // skin-effect loss, 14 dB at 53 GHz, 1 ns, as a 2-port from 10 MHz to 110 GHz.
  std::vector<double> f;
  for (int k = 1; k <= 11000; ++k) f.push_back(k * 1e7);
  channels::Network n(f, 2, {100.0});
  for (std::size_t k = 0; k < f.size(); ++k) {
    const double g = f[k] / 53.125e9;
    // Causal skin-effect loss exp(-A sqrt(g) (1 + j)) (the phase of sqrt(j f)): a loss without its
    // phase spreads the pulse before its peak, where COM's sampling rule looks for the rise.
    const double loss_np = 14.0 * std::sqrt(g) / 8.686;
    const std::complex<double> s21 =
        std::polar(std::exp(-loss_np), -loss_np - 2.0 * 3.141592653589793 * f[k] * 1e-9);
    n.s(k, 1, 0) = s21;
    n.s(k, 0, 1) = s21;
  }
  // The sheet as shipped but a coarse Tx FFE and CTLE grid (its 0.005 steps: ~10^8 candidates).
  const ComParameters p = io::embedded_com_sheet("200gbase-kr1-dj", {"c(-3)=0", "c(-2)=0", "c(-1)=[-0.1:0.05:0]",
                                                                       "c(1)=[-0.1:0.05:0]", "g_DC=[-9:3:0]",
                                                                       "g_DC_HP=[-4:2:0]"});
  CHECK(p.ffe_mmse);
  CHECK(p.ffe_pre_tap_len == 5);
  CHECK(p.ffe_post_tap_len == 10);
  workflows::ComRequest rq;
  rq.thru = {n, "line"};
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.cases.size() == 1);
  const auto& c = a.cases[0];
  REQUIRE(c.equalizer.rx_ffe.taps.size() == 16);
  CHECK(c.equalizer.rx_ffe.taps[5] == 1.0);
  for (std::size_t i = 0; i < 16; ++i) CHECK(std::abs(c.equalizer.rx_ffe.taps[i]) <= 1.0);
  CHECK(c.equalizer.dfe.size() == 1);
  CHECK(c.equalizer.dfe[0] >= 0.0);
  CHECK(c.equalizer.dfe[0] <= 0.85);
  // A 14 dB line with a 16-tap FFE: the eye is open (COM of a few dB and more).
  CHECK(c.com_db > 3.0);
  CHECK(c.com_db < 30.0);
}

TEST_CASE("COM with the 802.3ck sheet as shipped places its floating DFE groups", "[workflows][com][floating]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr1-ck");
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "4in"};
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.cases.size() == 1);
  const auto& e = a.cases[0].equalizer;
  REQUIRE(e.floating_taps.size() == 9);  // N_bg = 3 groups of N_bf = 3
  REQUIRE(e.floating_b.size() == 9);
  CHECK(e.dfe.size() == 12);
  for (std::size_t i = 0; i < e.floating_taps.size(); ++i) {
    CHECK(e.floating_taps[i] > 12);
    CHECK(e.floating_taps[i] <= 40);
    if (i > 0) CHECK(e.floating_taps[i] > e.floating_taps[i - 1]);
    CHECK(std::abs(e.floating_b[i]) <= p.bmaxg);
  }
  // Floating taps only remove ISI: COM is at least that without them.
  const workflows::ComAnswer fixed = workflows::com(io::embedded_com_sheet("100gbase-kr1-ck", {"N_bg=0"}), rq);
  CHECK(a.cases[0].fom_db >= fixed.cases[0].fom_db - 1e-9);
}

namespace {

// The 14 dB differential line of the 802.3dj test (10 MHz ... 110 GHz), with an optional echo of
// relative size `echo` arriving `echo_ui` UI of 106.25 GBd after the main signal.
channels::Network dj_line(double echo = 0.0, double echo_ui = 0.0) {
  std::vector<double> f;
  for (int k = 1; k <= 11000; ++k) f.push_back(k * 1e7);
  channels::Network n(f, 2, {100.0});
  const double pi = 3.141592653589793;
  for (std::size_t k = 0; k < f.size(); ++k) {
    const double g = f[k] / 53.125e9;
    const double loss_np = 14.0 * std::sqrt(g) / 8.686;  // causal skin effect, as above
    std::complex<double> s21 = std::polar(std::exp(-loss_np), -loss_np - 2.0 * pi * f[k] * 1e-9);
    s21 *= 1.0 + std::polar(echo, -2.0 * pi * f[k] * echo_ui / 106.25e9);
    n.s(k, 1, 0) = s21;
    n.s(k, 0, 1) = s21;
  }
  return n;
}

const std::vector<std::string> dj_grid{"c(-3)=0", "c(-2)=0", "c(-1)=[-0.1:0.05:0]", "c(1)=[-0.1:0.05:0]", "g_DC=[-9:3:0]",
                                       "g_DC_HP=[-4:2:0]"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("802.3dj floating Rx FFE taps take an echo of the line and raise COM", "[workflows][com][rxffe][floating]") {
  // An echo of 6 % 30 UI after the signal, beyond the 10 fixed post-cursor taps.
  workflows::ComRequest rq;
  rq.thru = {dj_line(0.06, 30.0), "echo"};
  const ComParameters p = io::embedded_com_sheet("200gbase-kr1-dj", with(dj_grid, {"N_bg=1", "N_bf=4", "N_f=40"}));
  const workflows::ComAnswer a = workflows::com(p, rq);
  const workflows::ComAnswer fixed = workflows::com(io::embedded_com_sheet("200gbase-kr1-dj", dj_grid), rq);
  REQUIRE(a.cases.size() == 1);
  const auto& e = a.cases[0].equalizer;
  REQUIRE(e.rx_ffe.taps.size() == 5 + 1 + 40);
  REQUIRE(e.rx_ffe_floating_taps.size() == 4);
  CHECK(e.rx_ffe.taps[5] == 1.0);
  for (std::size_t i = 0; i < 4; ++i) {
    const int n = e.rx_ffe_floating_taps[i];
    CHECK(n == e.rx_ffe_floating_taps[0] + static_cast<int>(i));  // one group of consecutive taps
    CHECK(n > 10);
    CHECK(n <= 40);
    CHECK(std::abs(e.rx_ffe.taps[static_cast<std::size_t>(5 + n)]) <= p.bmaxg + 1e-12);
  }
  // The group covers the echo's post-cursor (its delay, 30 UI, within the group).
  CHECK(e.rx_ffe_floating_taps.front() <= 30);
  CHECK(e.rx_ffe_floating_taps.back() >= 30);
  // Taps off the fixed span and the group are 0.
  for (int n = 11; n <= 40; ++n)
    if (std::find(e.rx_ffe_floating_taps.begin(), e.rx_ffe_floating_taps.end(), n) == e.rx_ffe_floating_taps.end())
      CHECK(e.rx_ffe.taps[static_cast<std::size_t>(5 + n)] == 0.0);
  INFO("COM with floating taps " << a.cases[0].com_db << " dB, without " << fixed.cases[0].com_db << " dB");
  CHECK(a.cases[0].com_db > fixed.cases[0].com_db + 0.5);
}

TEST_CASE("The raised-cosine Rx filter and CTLE_type = CL120d in COM on the 802.3dj line", "[workflows][com][rxffe]") {
  workflows::ComRequest rq;
  rq.thru = {dj_line(), "line"};
  const ComParameters base = io::embedded_com_sheet("200gbase-kr1-dj", dj_grid);
  const workflows::ComAnswer plain = workflows::com(base, rq);
  // CTLE_type = CL120d names the CTLE the sheet's g_DC_HP already selects: the same answer.
  const workflows::ComAnswer cl120d = workflows::com(io::embedded_com_sheet("200gbase-kr1-dj", with(dj_grid, {"CTLE_type=CL120d"})), rq);
  CHECK(cl120d.cases[0].com_db == plain.cases[0].com_db);
  CHECK(cl120d.cases[0].a_ni_v == plain.cases[0].a_ni_v);
  // With the raised cosine (f_b/2 ... f_r f_b) the receiver noise of the chosen CTLE is
  // eta_0 int |H_bw H_ctf H_rc|^2 df, written here from the equations (CL120d CTLE, 93A-20
  // Butterworth, the reference's Tukey_Window) and integrated by Simpson's rule.
  const ComParameters p = io::embedded_com_sheet("200gbase-kr1-dj", with(dj_grid, {"Raised_Cosine=true"}));
  const workflows::ComAnswer a = workflows::com(p, rq);
  const auto& c = a.cases[0];
  const double fb = p.f_b_baud, f0 = fb / 2, f1 = p.f_r * fb;
  auto power = [&](double f) {
    const std::complex<double> j(0.0, 1.0);
    const std::complex<double> h = (std::pow(10.0, c.equalizer.g_dc_db / 20) + j * f / p.f_z_hz) *
                                   (std::pow(10.0, c.equalizer.g_dc2_db / 20) + j * f / *p.f_hp_pz_hz) /
                                   ((1.0 + j * f / p.f_p1_hz) * (1.0 + j * f / p.f_p2_hz) * (1.0 + j * f / *p.f_hp_pz_hz));
    const double t = f < f0 ? 1.0 : 0.5 * (1.0 + std::cos(3.141592653589793 * (f - f0) / (f1 - f0)));
    return std::norm(h) / (1.0 + std::pow(f / f1, 8)) * t * t;
  };
  const int n = 200000;
  const double h = f1 / n;
  double s = 0.0;
  for (int k = 0; k <= n; ++k) s += (k == 0 || k == n ? 1.0 : (k % 2 ? 4.0 : 2.0)) * power(k * h);
  CHECK(c.sigma_n_v == Approx(std::sqrt(p.eta_0_v2_per_hz * s * h / 3)).epsilon(1e-6));
  CHECK(c.sigma_n_v < plain.cases[0].sigma_n_v);
  CHECK(std::isfinite(c.com_db));
}

namespace {
// A lossy delay line with some reflection as an SDD 2-port on 2000 points to 40 GHz.
channels::Network lossy_line_sdd() {
  std::vector<double> f;
  for (int i = 1; i <= 2000; ++i) f.push_back(i * 20e6);
  channels::Network n(f, 2, {100.0, 100.0});
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double loss = std::exp(-0.08 * std::sqrt(f[i] / 1e9));
    n.s(i, 1, 0) = n.s(i, 0, 1) = std::polar(loss, -2 * std::numbers::pi * f[i] * 2e-9);
    n.s(i, 0, 0) = n.s(i, 1, 1) = std::polar(0.05, -2 * std::numbers::pi * f[i] * 0.1e-9);
  }
  return n;
}
// 3000 frequencies from 0 that miss the line's grid.
std::vector<double> off_grid() {
  std::vector<double> off;
  for (int i = 0; i < 3000; ++i) off.push_back(i * 13.7e6);
  return off;
}
}  // namespace

TEST_CASE("COM's package cache shared by a case's paths changes no value of any path's H21",
          "[workflows][com][unit]") {
  // A thru, a FEXT and a NEXT path on one grid (a lossy delay line with some reflection) in both
  // package cases of the KR4 sheet: each path's H21 from com_path_transfer with the case's shared
  // package cache equals its H21 evaluated alone, bit for bit, on the data grid and off it.
  const channels::Network n = lossy_line_sdd();
  const std::vector<double>& f = n.freq_hz();
  const std::vector<ComPath> paths{{ComPathKind::thru, channels::BandLimitedNetwork(n), "thru"},
                                   {ComPathKind::fext, channels::BandLimitedNetwork(n), "fext"},
                                   {ComPathKind::next, channels::BandLimitedNetwork(n), "next"}};
  const std::vector<double> off = off_grid();
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  for (int c : {1, 2}) {
    const auto packages = make_com_package_cache();
    for (const std::vector<double>* grid : {&f, &off})
      for (const ComPath& path : paths) {
        std::vector<std::complex<double>> shared(grid->size()), alone(grid->size());
        com_path_transfer(p, c, path, packages)(*grid, shared);
        com_path_transfer(p, c, path)(*grid, alone);
        std::size_t same = 0;
        for (std::size_t k = 0; k < grid->size(); ++k) same += shared[k] == alone[k] ? 1 : 0;
        CHECK(same == grid->size());
        CHECK(std::abs(alone[grid->size() / 2]) > 0.0);
      }
  }
}

TEST_CASE("A COM path given its data takes them at their own frequencies and interpolates elsewhere",
          "[workflows][com][unit]") {
  // ComSdd from the data against the band-limited interpolant alone, on the lossy line above: the
  // same band limit (exactly), the same H21 off the data grid (bit for bit: both interpolate), and
  // on the data grid the data themselves, which the interpolant returns to within rounding (its
  // delay is taken out and put back: measured 8.6e-16 relative; tolerance 1e-14).
  const channels::Network n = lossy_line_sdd();
  const std::vector<double>& f = n.freq_hz();
  const channels::BandLimitedNetwork band(n);
  const ComSdd lazy(n);
  REQUIRE(lazy.data() != nullptr);
  CHECK(lazy.zero_above_hz() == band.zero_above_hz());
  CHECK(ComSdd(band).data() == nullptr);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  const ComPath with_data{ComPathKind::thru, lazy, "thru", make_com_path_cache(), f};
  const ComPath interpolated{ComPathKind::thru, band, "thru", make_com_path_cache(), f};
  const std::vector<double> off = off_grid();
  std::vector<std::complex<double>> a(off.size()), b(off.size());
  com_path_transfer(p, 1, with_data)(off, a);
  com_path_transfer(p, 1, interpolated)(off, b);
  std::size_t same = 0;
  for (std::size_t k = 0; k < off.size(); ++k) same += a[k] == b[k] ? 1 : 0;
  CHECK(same == off.size());
  a.resize(f.size());
  b.resize(f.size());
  com_path_transfer(p, 1, with_data)(f, a);
  com_path_transfer(p, 1, interpolated)(f, b);
  double worst = 0.0;
  for (std::size_t k = 0; k < f.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]) / std::abs(b[k]));
  INFO("worst relative difference on the data grid " << worst);
  CHECK(worst < 1e-14);
  CHECK(worst > 0.0);  // the data, not the interpolant, were taken there
}

TEST_CASE("COM's IL at Nyquist is the whole SDD's band-limited interpolant's, from its SDD21 alone",
          "[workflows][com][unit]") {
  // The workflow interpolates the SDD21 term alone; each term of the interpolant is prepared on
  // its own, so the value must be the whole 2-port interpolant's, bit for bit.
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/peters_01_0605_T20_thru.s4p", return);
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "T20"};
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]"});
  const workflows::ComAnswer r = workflows::com(p, rq);
  const double nyq = 0.5 * p.f_b_baud;
  const channels::Network at =
      channels::BandLimitedNetwork(workflows::com_differential(rq.thru, p.port_order)).evaluate(std::span<const double>(&nyq, 1));
  CHECK(r.il_db_at_nyquist == -20.0 * std::log10(std::abs(at.s(0, 1, 0))));
}
