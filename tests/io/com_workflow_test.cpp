// `phylane com`'s workflow (workflows/com.hpp) end to end: a shared measured channel with the
// embedded 100GBASE-KR4 sheet against the reference code (PyChOpMarg, a Python port of the IEEE
// COM code, run as docs/com.md "Agreement" says), and the refusal of unusable aggressors.
// Skips visibly when ../shared/data is absent.
#include <catch2/catch.hpp>

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
