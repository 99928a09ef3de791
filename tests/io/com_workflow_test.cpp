// `phylane com`'s workflow (workflows/com.hpp) end to end: a shared measured channel with the
// embedded 100GBASE-KR4 sheet against the reference code (PyChOpMarg, a Python port of the IEEE
// COM code, run as docs/com.md "Agreement" says), and the refusal of unusable aggressors.
// Skips visibly when ../shared/data is absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/com_sheet.hpp"
#include "io/touchstone.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/com.hpp"

using namespace phylane;
using namespace phylane::solvers;

TEST_CASE("COM of a measured backplane equals the reference code's", "[workflows][com][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  workflows::ComRequest rq;
  rq.thru = {io::read_touchstone(*file), "Meg6"};
  const workflows::ComAnswer a = workflows::com(p, rq);
  REQUIRE(a.cases.size() == 2);
  // PyChOpMarg (PRZF mode, KR4 sheet; docs/com.md "Agreement"): COM 6.147 / 5.210 dB, A_s 18.111 /
  // 14.381 mV, A_ni 8.925 / 7.894 mV, both with g_DC = -12 dB. Measured here: +0.02 dB, A_s
  // +0.07 %, A_ni -0.15 %; the tolerances leave room for the grid choices of both.
  const double com_ref[] = {6.147, 5.210}, as_ref[] = {18.111e-3, 14.381e-3}, ani_ref[] = {8.925e-3, 7.894e-3};
  for (std::size_t c = 0; c < 2; ++c) {
    INFO("package case " << c + 1);
    CHECK(a.cases[c].com_db == Approx(com_ref[c]).margin(0.06));
    CHECK(a.cases[c].a_s_v == Approx(as_ref[c]).epsilon(0.005));
    CHECK(a.cases[c].a_ni_v == Approx(ani_ref[c]).epsilon(0.01));
    CHECK(a.cases[c].equalizer.g_dc_db == -12.0);
  }
  CHECK(a.worst == 1);
  CHECK(a.il_db_at_nyquist == Approx(26.85).margin(0.05));
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
