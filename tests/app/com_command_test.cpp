// The `phylane com` command end to end: the JSON result, the exit codes of the CLI contract
// (docs/cli.md), and bad input (an unknown --set name, aggressors of the wrong port count or band)
// rejected with exit code 2 and nothing written. Skips visibly without ../shared/data.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/io/hdf5_read.hpp"
#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

TEST_CASE("phylane com reports COM per package case as JSON", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_json");
  const auto r = run_phylane("com -q --json '" + thru->string() + "' -o out.h5", dir);
  CHECK(r.exit_code == 0);  // COM ~10.6 dB >= the 3 dB threshold
  CHECK(json_number(r.out, "com_db") > 3.0);
  CHECK_THAT(r.out, Catch::Contains("\"cases\"") && Catch::Contains("\"a_s_v\"") && Catch::Contains("\"a_ni_v\"") &&
                        Catch::Contains("\"tx_ffe\"") && Catch::Contains("\"dfe\""));
  CHECK(fs::exists(fs::path(dir) / "out.h5"));
  // VEO per case (2 (A_s - A_ni)) and the fitted IL (93A.3), in the JSON and the HDF5 file;
  // 4.15 on this file: fitted IL 4.323903 dB at f_b/2, 8.611984 dB at f_2_ILD = f_b
  // (tests/io/com_reference_code_test.cpp holds them to that).
  const double a_s = json_number(r.out, "a_s_v"), a_ni = json_number(r.out, "a_ni_v");
  CHECK(json_number(r.out, "veo_v") == Approx(2.0 * (a_s - a_ni)).epsilon(1e-12));
  CHECK(json_number(r.out, "fitted_il_db_at_nyquist") == Approx(4.323903).margin(1e-6));
  CHECK(json_number(r.out, "il_db_at_f_2_ild") == Approx(8.611984).margin(1e-6));
  CHECK_THAT(r.out, Catch::Contains("\"ild_fit\"") && Catch::Contains("\"whole_fit\"") && Catch::Contains("\"a_db\""));
  {
    hid_t f = H5Fopen((dir + "/out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    auto attribute = [](hid_t obj, const char* name) {
      double v = -1.0;
      const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
      if (a >= 0) {
        H5Aread(a, H5T_NATIVE_DOUBLE, &v);
        H5Aclose(a);
      }
      return v;
    };
    CHECK(attribute(f, "fitted_il_db_at_nyquist") == Approx(4.323903).margin(1e-6));
    CHECK(attribute(f, "fitted_il_db_at_f_2_ild") == Approx(8.611984).margin(1e-6));
    const hid_t g = H5Gopen(f, "/cases/1", H5P_DEFAULT);
    REQUIRE(g >= 0);
    CHECK(attribute(g, "veo_v") == Approx(json_number(r.out, "veo_v")).epsilon(1e-12));
    H5Gclose(g);
    H5Fclose(f);
  }
  const auto text = run_phylane("com -q '" + thru->string() + "'", dir);
  CHECK_THAT(text.out, Catch::Contains("VEO [mV]") && Catch::Contains("fitted insertion loss"));
  // A threshold above the COM makes the answer negative: exit code 3, as every command's "no".
  const auto neg = run_phylane("com -q '" + thru->string() + "' --set 'COM Pass threshold=30'", dir);
  CHECK(neg.exit_code == 3);
  CHECK_THAT(neg.out, Catch::Contains("FAIL"));
}

TEST_CASE("phylane com reports the eye width and the windowed VEO in text, JSON and HDF5", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_eye");
  const std::string t = " '" + thru->string() + "' --set 'z_p select=[1]'";
  // Off by default: no ew_ui.
  CHECK_THAT(run_phylane("com -q --json" + t, dir).out, !Catch::Contains("ew_ui"));
  // EW = 1 (C2C): the width; VEO stays 2 (A_s - A_ni), the window 0.
  const auto ew = run_phylane("com -q --json" + t + " --set EW=1", dir);
  REQUIRE(ew.exit_code == 0);
  const double a_s = json_number(ew.out, "a_s_v"), a_ni = json_number(ew.out, "a_ni_v");
  CHECK(json_number(ew.out, "veo_v") == Approx(2.0 * (a_s - a_ni)).epsilon(1e-12));
  CHECK(json_number(ew.out, "veo_window_mui") == 0.0);
  CHECK_THAT(ew.out, Catch::Contains("\"ew_ui\""));
  // C2M with T_O = 60 mUI: the windowed VEO, below the opening at the centre alone, and 4.15's
  // A_ni = 2 A_s - VEO; written to the HDF5 file and the text report.
  const auto c2m = run_phylane("com -q --json" + t + " --set PMD_type=C2M --set T_O=60 -o eye.h5", dir);
  REQUIRE(c2m.exit_code == 0);
  const double veo = json_number(c2m.out, "veo_v");
  CHECK(veo > 0.0);
  CHECK(veo < json_number(ew.out, "veo_v"));
  CHECK(json_number(c2m.out, "veo_window_mui") == 60.0);
  CHECK(json_number(c2m.out, "a_ni_v") == Approx(2.0 * json_number(c2m.out, "a_s_v") - veo).epsilon(1e-12));
  {
    hid_t f = H5Fopen((dir + "/eye.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const std::vector<double> w = read_doubles(f, "/cases/1/ew_ui");
    REQUIRE(w.size() == 1);
    CHECK(w[0] > 0.3);
    CHECK(w[0] < 1.0);
    check_units_attribute(f, {"/cases/1/ew_ui"});
    H5Fclose(f);
  }
  CHECK_THAT(run_phylane("com -q" + t + " --set PMD_type=C2M --set T_O=60", dir).out,
             Catch::Contains("EW_UI_est") && Catch::Contains("+-60 mUI"));
  // Bad input: exit 2, the key named, no file.
  const auto bad = run_phylane("com -q" + t + " --set PMD_type=C2M --set T_O=-1 -o bad.h5", dir);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("T_O = \"-1\""));
  CHECK_FALSE(fs::exists(fs::path(dir) / "bad.h5"));
  const auto bad_ew = run_phylane("com -q" + t + " --set EW=yes", dir);
  CHECK(bad_ew.exit_code == 2);
  CHECK_THAT(bad_ew.err, Catch::Contains("EW = \"yes\""));
}

TEST_CASE("phylane com writes each case's PDFs and bathtub to the HDF5 file", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/crosstalk/example2_THRU.s4p", return);
  const fs::path x = thru->parent_path();
  std::string t = " '" + thru->string() + "'";
  for (const char* a : {"FEXT1", "FEXT2"}) t += " --fext '" + (x / ("example2_" + std::string(a) + ".s4p")).string() + "'";
  for (const char* a : {"NEXT1", "NEXT2", "NEXT3"}) t += " --next '" + (x / ("example2_" + std::string(a) + ".s4p")).string() + "'";
  const std::string dir = temp_dir("com_pdfs");
  const auto r = run_phylane("com -q --json" + t + " -o pdf.h5", dir);
  REQUIRE(r.exit_code == 0);
  hid_t f = H5Fopen((dir + "/pdf.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  for (int k : {1, 2}) {
    INFO("package case " << k);
    const std::string g = "/cases/" + std::to_string(k) + "/pdf";
    check_units_attribute(f, {(g + "/y_v").c_str(), (g + "/isi").c_str(), (g + "/jitter").c_str(), (g + "/noise").c_str(),
                              (g + "/crosstalk").c_str(), (g + "/total").c_str(), (g + "/bathtub").c_str()});
    const std::vector<double> y = read_doubles(f, (g + "/y_v").c_str());
    REQUIRE(y.size() > 100);
    const double step = y[1] - y[0];
    // Each PDF is a probability distribution on the axis: it sums to 1 within rounding
    // (thousands of products summed: measured within 2.3e-16).
    for (const char* name : {"isi", "jitter", "noise", "crosstalk", "total"}) {
      INFO(name);
      const std::vector<double> pdf = read_doubles(f, (g + "/" + name).c_str());
      REQUIRE(pdf.size() == y.size());
      double sum = 0.0, least = 0.0;
      for (double v : pdf) {
        least = std::min(least, v);
        sum += v;
      }
      CHECK(least == 0.0);  // none negative
      CHECK(sum == Approx(1.0).margin(1e-14));
    }
    // A_ni in the file is the JSON's, and the bathtub crosses DER_0 there within one bin:
    // B(A_ni) >= DER_0 > B(A_ni + one bin).
    const hid_t b = H5Dopen2(f, (g + "/bathtub").c_str(), H5P_DEFAULT);
    REQUIRE(b >= 0);
    double a_ni = 0.0, der_0 = 0.0;
    for (auto [name, v] : {std::pair{"a_ni_v", &a_ni}, std::pair{"der_0", &der_0}}) {
      const hid_t a = H5Aopen(b, name, H5P_DEFAULT);
      REQUIRE(a >= 0);
      H5Aread(a, H5T_NATIVE_DOUBLE, v);
      H5Aclose(a);
    }
    H5Dclose(b);
    const std::string json_case = r.out.substr(r.out.find("\"package_case\": " + std::to_string(k)));
    CHECK(a_ni == json_number(json_case, "a_ni_v"));
    CHECK(der_0 == 1e-5);
    const std::vector<double> bathtub = read_doubles(f, (g + "/bathtub").c_str());
    std::size_t i = 0;
    while (i < y.size() && y[i] < a_ni - 0.5 * step) ++i;
    REQUIRE(i + 1 < y.size());
    CHECK(y[i] == Approx(a_ni).margin(1e-6 * step));
    CHECK(bathtub[i] >= der_0);
    CHECK(bathtub[i + 1] < der_0);
    // The bathtub falls from 1 (y far below 0) and never rises with y.
    CHECK(bathtub.front() == Approx(1.0).margin(1e-14));
    std::size_t rises = 0;
    for (std::size_t j = 1; j < bathtub.size(); ++j) rises += bathtub[j] > bathtub[j - 1];
    CHECK(rises == 0);
  }
  H5Fclose(f);
}

TEST_CASE("phylane com rejects bad input with exit code 2 and writes nothing", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(two, "touchstone/pcb_stripline_119mm.s2p", return);
  const std::string dir = temp_dir("com_bad");
  const std::string t = " '" + thru->string() + "' -o out.h5";
  auto r = run_rejected("com" + t + " --set DER0=1e-5", dir);
  CHECK_THAT(r.err, Catch::Contains("DER0") && Catch::Contains("did you mean \"DER_0\""));
  r = run_rejected("com" + t + " --fext '" + two->string() + "'", dir);
  CHECK_THAT(r.err, Catch::Contains("pcb_stripline_119mm.s2p") && Catch::Contains("4-port"));
  r = run_rejected("com" + t + " --sheet no-such-sheet", dir);
  CHECK_THAT(r.err, Catch::Contains("no-such-sheet"));
  r = run_rejected("com" + t + " --set N_bg=2", dir);  // two groups of 6 beyond N_f = N_b
  CHECK_THAT(r.err, Catch::Contains("N_bg") && Catch::Contains("floating taps beyond N_f"));
  r = run_rejected("com" + t + " --set ffe_post_tap_len=2 --set ffe_backoff=1", dir);
  CHECK_THAT(r.err, Catch::Contains("ffe_backoff"));
  r = run_rejected("com" + t + " --set ffe_post_tap_len=2 --set N_bg=1 --set N_bf=2 --set N_f=20", dir);
  CHECK_THAT(r.err, Catch::Contains("N_bg = 1 with a zero-forcing Rx FFE"));
  r = run_rejected("com" + t + " --set ffe_post_tap_len=1 --set ffe_pre_tap1_max=0.2", dir);
  CHECK_THAT(r.err, Catch::Contains("ffe_pre_tap1_max") && Catch::Contains("needs ffe_pre_tap_len >= 1"));
  r = run_rejected("com" + t + " --set ffe_post_tap_len=2 --set FFE_OPT_METHOD=FV-LMS", dir);
  CHECK_THAT(r.err, Catch::Contains("FFE_OPT_METHOD = \"FV-LMS\"") && Catch::Contains("allowed: MMSE"));
  r = run_rejected("com" + t + " --set ffe_post_tap_len=2 --set FFE_OPT_METHOD=MMSE --set N_bg=2 --set N_bf=6 --set N_f=12",
                   dir);  // floating Rx FFE taps (802.3dj) beyond N_f
  CHECK_THAT(r.err, Catch::Contains("N_f") && Catch::Contains("floating Rx FFE taps beyond N_f"));
  r = run_rejected("com" + t + " --set CTLE_type=CL120e", dir);
  CHECK_THAT(r.err, Catch::Contains("CTLE_type") && Catch::Contains("allowed: CL93"));
  r = run_rejected("com" + t + " --set \"Local Search=2\"", dir);  // the KR4 grid has many settings
  CHECK_THAT(r.err, Catch::Contains("Local Search = 2"));
  CHECK(!fs::exists(fs::path(dir) / "out.h5"));
  CHECK(!fs::exists(fs::path(dir) / "out.h5.tmp"));
}

TEST_CASE("phylane com with several thru files answers one row each", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(a, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(b, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", return);
  const std::string files = " '" + a->string() + "' '" + b->string() + "'";
  const auto r = run_phylane("com -q --json -j 2" + files);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"channels\"") && Catch::Contains("B5B6_4in") && Catch::Contains("B5B6_10in"));
  // The rows equal the single-file answers.
  const auto one = run_phylane("com -q --json '" + b->string() + "'");
  const std::string tail = r.out.substr(r.out.find("B5B6_10in"));
  CHECK(json_number(tail, "com_db") == json_number(one.out, "com_db"));
  // One thru file only with aggressors or -o.
  const auto bad = run_rejected("com" + files + " -o out.h5", temp_dir("com_batch_bad"));
  CHECK_THAT(bad.err, Catch::Contains("one thru file"));
}

TEST_CASE("phylane com with ERL reports it per port in text, JSON and HDF5", "[app][com][erl]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_erl");
  const std::string t = " '" + thru->string() + "' --set ERL=true --set N=1000 --set 'fixture delay time=0'";
  const auto r = run_phylane("com -q --json" + t + " -o erl.h5", dir);
  CHECK(r.exit_code == 0);
  CHECK(json_number(r.out, "erl_db") > 5.0);
  CHECK_THAT(r.out, Catch::Contains("\"ports\"") && Catch::Contains("\"z_port_ohm\""));
  hid_t f = H5Fopen((dir + "/erl.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto tdr = read_doubles(f, "/tdr/port2/tdr_ohm");
  const auto pulse = read_doubles(f, "/tdr/port2/weighted_pulse");
  CHECK(tdr.size() == pulse.size());
  CHECK(tdr.size() > 31900);  // N = 1000 UI at 32 samples per UI, from T_r on
  H5Fclose(f);
  const auto text = run_phylane("com -q" + t, dir);
  CHECK_THAT(text.out, Catch::Contains("ERL = ") && Catch::Contains("port 2 (Rx side): ERL"));
  // An ERL threshold above the ERL is a negative answer.
  CHECK(run_phylane("com -q" + t + " --set 'ERL Pass threshold=40'", dir).exit_code == 3);
}

TEST_CASE("phylane com rejects ERL keys of a wrong unit or range with exit code 2", "[app][com][erl]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_erl_bad");
  const std::string t = " '" + thru->string() + "' -o out.h5 --set ERL=true";
  auto r = run_rejected("com" + t + " --set rho_x=2", dir);
  CHECK_THAT(r.err, Catch::Contains("--set: rho_x = \"2\": must be in [0, 1]"));
  r = run_rejected("com" + t + " --set 'TR_TDR=8 V'", dir);
  CHECK_THAT(r.err, Catch::Contains("TR_TDR") && Catch::Contains("allowed: ns, ps"));
  r = run_rejected("com" + t + " --set TDR_W_TXPKG=true", dir);
  CHECK_THAT(r.err, Catch::Contains("TDR_W_TXPKG"));
  CHECK(!fs::exists(fs::path(dir) / "out.h5"));
}

TEST_CASE("phylane com reports the Rx FFE and the floating DFE taps in text, JSON and HDF5", "[app][com]") {
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_rx");
  const std::string t = " '" + thru->string() + "'";
  auto r = run_phylane("com -q --json" + t + " --set ffe_pre_tap_len=1 --set ffe_post_tap_len=3 -o rx.h5", dir);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"rx_ffe_pre_taps\": 1") && Catch::Contains("\"rx_ffe\""));
  hid_t f = H5Fopen((dir + "/rx.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  CHECK(read_doubles(f, "/cases/1/rx_ffe").size() == 5);
  H5Fclose(f);
  r = run_phylane("com -q" + t + " --set ffe_pre_tap_len=1 --set ffe_post_tap_len=3 --set 'z_p select=[1]'", dir);
  CHECK_THAT(r.out, Catch::Contains("case 1 Rx FFE (1 pre-cursor taps): [") && Catch::Contains(" 1.000 "));
  // The 802.3ck sheet as shipped: 3 groups of 3 floating taps.
  r = run_phylane("com -q --json" + t + " --sheet 100gbase-kr1-ck", dir);
  CHECK(r.exit_code != 2);
  CHECK_THAT(r.out, Catch::Contains("\"floating_dfe_taps\"") && Catch::Contains("\"floating_dfe\""));
  // Floating Rx FFE taps (802.3dj, N_bg with an MMSE Rx FFE): the FFE spans 1 + 1 + N_f taps,
  // the group's post-cursors listed.
  const std::string fl = " --set ffe_pre_tap_len=1 --set ffe_post_tap_len=3 --set FFE_OPT_METHOD=MMSE --set N_bg=1 "
                         "--set N_bf=2 --set N_f=20 --set 'z_p select=[1]'";
  r = run_phylane("com -q --json" + t + fl + " -o fl.h5", dir);
  CHECK(r.exit_code != 2);
  CHECK_THAT(r.out, Catch::Contains("\"rx_ffe_floating_taps\": ["));
  f = H5Fopen((dir + "/fl.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  CHECK(read_doubles(f, "/cases/1/rx_ffe").size() == 22);
  const auto taps = read_doubles(f, "/cases/1/rx_ffe_floating_taps");
  REQUIRE(taps.size() == 2);
  CHECK(taps[0] > 3);
  CHECK(taps[1] == taps[0] + 1);
  CHECK(taps[1] <= 20);
  H5Fclose(f);
  r = run_phylane("com -q" + t + fl, dir);
  CHECK_THAT(r.out, Catch::Contains("case 1 floating Rx FFE taps (post-cursor:weight): "));
  // Without either the JSON is as before.
  r = run_phylane("com -q --json" + t, dir);
  CHECK_THAT(r.out, !Catch::Contains("rx_ffe") && !Catch::Contains("floating"));
}

TEST_CASE("phylane com with ERL_ONLY reports the thru's TDR and ERL alone", "[app][com][erl]") {
  // The reference code 4.15 with ERL_ONLY returns after the TDR and ERL: no COM, no cases. The
  // ERL is the one the full run reports with the same keys (one function, solvers::com_tdr_erl).
  PHYLANE_REFERENCE_OR_SKIP(thru, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string dir = temp_dir("com_erl_only");
  const std::string t = " '" + thru->string() + "' --set ERL=true --set N=1000 --set 'fixture delay time=0'";
  const auto full = run_phylane("com -q --json" + t, dir);
  REQUIRE(full.exit_code == 0);
  const auto only = run_phylane("com -q --json" + t + " --set ERL_ONLY=1 -o only.h5", dir);
  REQUIRE(only.exit_code == 0);
  CHECK_THAT(only.out, Catch::Contains("\"erl_only\": true") && Catch::Contains("\"com_db\": null") &&
                           Catch::Contains("\"cases\": []") && Catch::Contains("\"ports\""));
  CHECK(json_number(only.out, "erl_db") == json_number(full.out, "erl_db"));  // (the full run's cases carry it too)
  {
    hid_t f = H5Fopen((dir + "/only.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    CHECK(H5Aexists(f, "erl_only") > 0);
    CHECK(H5Aexists(f, "com_db") == 0);
    CHECK(H5Lexists(f, "/cases", H5P_DEFAULT) == 0);
    CHECK(read_doubles(f, "/tdr/port2/tdr_ohm").size() > 31900);
    H5Fclose(f);
  }
  CHECK_THAT(run_phylane("com -q" + t + " --set ERL_ONLY=1", dir).out,
             Catch::Contains("ERL_ONLY") && Catch::Contains("ERL = ") && !Catch::Contains("COM = "));
  // An ERL threshold above the ERL: a negative answer (exit 3).
  CHECK(run_phylane("com -q" + t + " --set ERL_ONLY=1 --set 'ERL Pass threshold=40'", dir).exit_code == 3);
  // Nothing to compute, or aggressors given: exit 2 naming the key, nothing written.
  auto r = run_rejected("com '" + thru->string() + "' --set ERL_ONLY=1", dir);
  CHECK_THAT(r.err, Catch::Contains("ERL_ONLY") && Catch::Contains("set ERL = 1"));
  r = run_rejected("com" + t + " --set ERL_ONLY=1 --fext '" + thru->string() + "'", dir);
  CHECK_THAT(r.err, Catch::Contains("ERL_ONLY") && Catch::Contains("--fext"));
}
