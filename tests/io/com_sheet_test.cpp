// COM parameter sheets (io/com_sheet.hpp, docs/com.md "Sheets"): the embedded 100GBASE-KR4 and
// 802.3ck KR sheets read into SI (values from ../shared/data/com/README.md and
// data/standards/ethernet.toml [kr1_ck]), the 802.3ck package built from the sheet against the
// Annex 93A evaluation of tests/reference/com_package/com_package_93a.py, --set overrides, every kind
// of bad sheet (unknown name with did-you-mean, missing, wrong unit, wrong shape, inconsistent
// lengths, all reported at once with file and line). scripts/com_sheet_to_toml.py is tested in
// com_sheet_script_test.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "channels/com_package.hpp"
#include "io/com_sheet.hpp"
#include "io/diagnostics.hpp"
#include "solvers/com_parameters.hpp"
#include "tests/support/csv_table.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;

namespace {

// The message of the InputError a sheet text raises (the test fails when it parses).
std::string sheet_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    io::parse_com_sheet(text, "bad.toml", overrides);
  } catch (const io::InputError& e) {
    return e.what();
  }
  FAIL("the sheet was accepted");
  return "";
}

// A minimal valid sheet: the required parameters of the 100GBASE-KR4 sheet.
const std::string minimal = R"TOML([sheet]
name = "minimal"

[parameters]
f_b = "25.78125 GBd"
Delta_f = "0.01 GHz"
C_d = "[2.5e-4 2.5e-4] nF"
"z_p (TX)" = "[12 30] mm"
"z_p (NEXT)" = "[12 12] mm"
"z_p (FEXT)" = "[12 30] mm"
"z_p (RX)" = "[12 30] mm"
C_p = "[1.8e-4 1.8e-4] nF"
R_d = "[55 55] Ohm"
f_r = "0.75 *fb"
"c(0)" = 0.62
"c(-1)" = "[-0.18:0.02:0]"
"c(1)" = "[-0.38:0.02:0]"
g_DC = "[-12:1:0] dB"
A_v = "0.4 V"
A_fe = "0.4 V"
A_ne = "0.6 V"
L = 2
N_b = "14 UI"
"b_max(1)" = 1
"b_max(2..N_b)" = 1
sigma_RJ = "0.01 UI"
A_DD = "0.05 UI"
eta_0 = "5.2e-08 V^2/GHz"
SNR_TX = "27 dB"
R_LM = 1
DER_0 = 1e-05
"COM Pass threshold" = "3 dB"
)TOML";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// Relative closeness for values that went through a unit conversion (one or two roundings).
bool near(double a, double b) { return std::abs(a - b) <= 1e-14 * std::max(std::abs(a), std::abs(b)); }

}  // namespace

TEST_CASE("The embedded 100GBASE-KR4 sheet reads into SI with the README's values", "[io][com_sheet][reference]") {
  const auto p = io::embedded_com_sheet("100gbase-kr4");
  CHECK(near(p.f_b_baud, 25.78125e9));
  CHECK(near(*p.f_min_hz, 0.05e9));
  CHECK(near(p.delta_f_hz, 0.01e9));
  CHECK(near(p.c_d_f[0].at(0), 2.5e-13));
  CHECK(near(p.c_d_f[1].at(0), 2.5e-13));
  CHECK(near(p.c_p_f[1], 1.8e-13));
  CHECK(p.r_d_ohm == std::array<double, 2>{55.0, 55.0});
  CHECK(p.z_p_select == std::vector<int>{1, 2});
  REQUIRE(p.package_cases() == 2);
  CHECK(near(p.z_p_m[0][1].at(0), 30e-3));   // z_p (TX), case 2
  CHECK(near(p.z_p_m[1][1].at(0), 12e-3));   // z_p (NEXT), case 2
  REQUIRE(p.package_z_c_ohm.size() == 1);
  CHECK(p.package_z_c_ohm[0][0] == 78.2);
  CHECK(near(p.package_line.tau_s_per_m, 6.141e-12 / 1e-3));  // 6.141e-3 ns/mm
  CHECK(near(p.package_line.a1_per_m_sqrt_hz, 1.734e-3 * std::sqrt(1e-9) / 1e-3));
  CHECK(near(p.package_line.a2_s_per_m, 1.455e-4 * 1e-9 / 1e-3));
  // [-0.18:0.02:0]: ten values, both ends exact as MATLAB's colon gives them.
  const auto& cm1 = p.tx_taps.at(-1);
  REQUIRE(cm1.size() == 10);
  CHECK(cm1.front() == -0.18);
  CHECK(cm1.back() == 0.0);
  CHECK(p.tx_taps.at(1).size() == 20);
  CHECK(p.g_dc_db.size() == 13);
  CHECK(p.c0_min == 0.62);
  CHECK(p.n_b == 14);
  CHECK(p.b_max == std::vector<double>(14, 1.0));
  CHECK(p.b_min == std::vector<double>(14, -1.0));
  CHECK(near(p.eta_0_v2_per_hz, 5.2e-17));
  CHECK(near(p.t_r_s, 8e-12));
  CHECK(p.levels == 2);
  CHECK(p.der_0 == 1e-5);
  CHECK(p.port_order == std::array<int, 4>{1, 3, 2, 4});
  CHECK(near(p.z_bp_m[0], 151e-3));
  CHECK(p.board_z_c_ohm == 109.8);
  CHECK(near(p.f_z_hz, 6.4453125e9));
}

TEST_CASE("The embedded 802.3ck KR sheet holds the transcribed equalizer and the two-segment package",
          "[io][com_sheet][reference]") {
  const auto p = io::embedded_com_sheet("100gbase-kr1-ck");
  CHECK(near(p.f_b_baud, 53.125e9));
  CHECK(p.levels == 4);
  REQUIRE(p.n_b == 12);
  REQUIRE(p.b_max.size() == 12);
  REQUIRE(p.b_min.size() == 12);
  // data/standards/ethernet.toml [kr1_ck]: dfe_b_max and dfe_b_min.
  CHECK(p.b_max[0] == 0.85);
  CHECK(p.b_max[1] == 0.3);
  CHECK(p.b_max[11] == 0.1);
  CHECK(p.b_min[0] == 0.3);
  CHECK(p.b_min[11] == -0.03);
  CHECK(p.tx_taps.at(-2).size() == 7);
  CHECK(p.tx_taps.at(-2).back() == 0.12);
  CHECK(p.g_dc_hp_db.size() == 7);
  CHECK(near(*p.f_hp_pz_hz, 0.6640625e9));
  CHECK(p.n_bg == 3);
  CHECK(p.n_f == 40);
  REQUIRE(p.package_cases() == 1);
  REQUIRE(p.z_p_m[0][0].size() == 2);
  CHECK(near(p.z_p_m[0][0][0], 12e-3));
  CHECK(near(p.z_p_m[0][0][1], 1.8e-3));
  REQUIRE(p.package_z_c_ohm.size() == 2);
  CHECK(p.package_z_c_ohm[1] == std::array<double, 2>{92.5, 92.5});
}

TEST_CASE("The 802.3ck package built from its sheet matches the independent Annex 93A evaluation",
          "[io][com_sheet][reference]") {
  // tests/reference/com_package/com_package_93a.py: the same die and package (case 1, 12 mm + 1.8 mm)
  // cascaded as chain matrices of the half circuit with numpy; it prints the loss to 6 decimals.
  const auto p = io::embedded_com_sheet("100gbase-kr1-ck");
  const auto pkg = solvers::com_package(p, 1, solvers::ComPackageRole::tx);
  const auto table = test::read_csv(test::source_file("tests/reference/com_package/ck_kr_package_il.csv"));
  REQUIRE(table.rows.size() >= 9);
  for (const auto& row : table.rows) {
    const auto s = channels::com_package_s(pkg, row[0], channels::ComPackageSide::tx);
    INFO("f = " << row[0]);
    // Half a unit in the CSV's 6th decimal.
    CHECK(std::abs(-20 * std::log10(std::abs(s.s21)) - row[1]) <= 0.6e-6);
  }
  // The receiver's package is the same circuit seen from the ball.
  const auto rx = solvers::com_package(p, 1, solvers::ComPackageRole::rx);
  const auto srx = channels::com_package_s(rx, 26.5625e9, channels::ComPackageSide::rx);
  const auto stx = channels::com_package_s(pkg, 26.5625e9, channels::ComPackageSide::tx);
  CHECK(std::abs(srx.s11 - stx.s22) <= 1e-15);
  CHECK_THROWS_WITH(solvers::com_package(p, 2, solvers::ComPackageRole::tx), Catch::Contains("between 1 and 1"));
}

TEST_CASE("The KR4 package cases use their own z_p for each role", "[io][com_sheet][unit]") {
  const auto p = io::embedded_com_sheet("100gbase-kr4");
  const auto tx2 = solvers::com_package(p, 2, solvers::ComPackageRole::tx);
  const auto next2 = solvers::com_package(p, 2, solvers::ComPackageRole::next);
  REQUIRE(tx2.segments.size() == 1);
  CHECK(near(tx2.segments[0].length_m, 30e-3));
  CHECK(near(next2.segments[0].length_m, 12e-3));
  CHECK(tx2.segments[0].z_c_ohm == 78.2);
  CHECK(tx2.l_s_h.empty());
  CHECK(tx2.c_b_f == 0.0);
}

TEST_CASE("Overrides (--set) apply after the sheet by the sheet's names and units", "[io][com_sheet][unit]") {
  const auto p = io::embedded_com_sheet(
      "100gbase-kr4", {"f_b=26.5625", "L=4", "f_z=6.640625", "f_p1 = 6.640625 GHz", "f_p2=26562.5 MHz",
                       "DER_0=1e-4", "c(-1)=[-0.1:0.05:0]", "Include PCB=true", "C_d=[100 120] fF",
                       "b_max(2..N_b)=0.2*ones(1,13)"});
  CHECK(near(p.f_b_baud, 26.5625e9));
  CHECK(p.levels == 4);
  CHECK(near(p.f_z_hz, 6.640625e9));
  CHECK(near(p.f_p1_hz, 6.640625e9));
  CHECK(near(p.f_p2_hz, 26.5625e9));
  CHECK(p.der_0 == 1e-4);
  CHECK(p.tx_taps.at(-1) == std::vector<double>{-0.1, -0.05, 0.0});
  CHECK(p.include_pcb);
  CHECK(near(p.c_d_f[1].at(0), 120e-15));
  REQUIRE(p.b_max.size() == 14);
  CHECK(p.b_max[13] == 0.2);
  CHECK(p.b_max[0] == 1.0);
}

TEST_CASE("Bad --set texts are reported with the option and a did-you-mean", "[io][com_sheet][unit]") {
  const std::string msg = sheet_error(minimal, {"f_bb=3", "f_b=3 mm", "noequals"});
  CHECK_THAT(msg, Catch::Contains("--set: f_bb = \"3\": unknown COM parameter; did you mean \"f_b\"?"));
  CHECK_THAT(msg, Catch::Contains("--set: f_b = \"3 mm\": unit \"mm\" is not allowed; allowed: GBd, MBd, Bd"));
  CHECK_THAT(msg, Catch::Contains("--set: noequals: must be NAME=VALUE"));
}

TEST_CASE("The minimal sheet is complete, and defaults follow the reference code", "[io][com_sheet][unit]") {
  const auto p = io::parse_com_sheet(minimal, "minimal.toml");
  CHECK(p.r0_ohm == 50.0);
  CHECK(p.samples_per_ui == 32);
  CHECK(p.z_p_select == std::vector<int>{1});
  CHECK(p.package_z_c_ohm == std::vector<std::array<double, 2>>{{78.2, 78.2}});
  CHECK(near(p.f_z_hz, 25.78125e9 / 4));  // f_b / 4 when not given
  CHECK(near(p.f_p2_hz, 25.78125e9));
  CHECK(near(p.package_line.tau_s_per_m, 6.141e-9));  // 6.141e-3 ns/mm
  CHECK(p.name == "minimal");
}

TEST_CASE("An unknown or misspelled COM parameter is an error with a did-you-mean and its line",
          "[io][com_sheet][unit]") {
  const std::string msg = sheet_error(replace(minimal, "DER_0 = 1e-05", "DER0 = 1e-05"));
  CHECK_THAT(msg, Catch::Contains("bad.toml:31:8: DER0 = 1e-05: unknown COM parameter; did you mean \"DER_0\"?"));
  // Its absence is reported in the same run.
  CHECK_THAT(msg, Catch::Contains("DER_0: missing required COM parameter"));
  CHECK_THAT(sheet_error(replace(minimal, "L = 2", "L = 2\nINCLUDE_CTEL = true")),
             Catch::Contains("did you mean \"INCLUDE_CTLE\"?"));
  CHECK_THAT(sheet_error(replace(minimal, "[parameters]", "f_b = 3\n[parameters]")),
             Catch::Contains("COM parameters belong in the [parameters] table"));
}

TEST_CASE("A missing required parameter names itself, its form and its unit", "[io][com_sheet][unit]") {
  const std::string msg = sheet_error(replace(minimal, "C_p = \"[1.8e-4 1.8e-4] nF\"\n", ""));
  CHECK_THAT(msg, Catch::Contains("C_p: missing required COM parameter (one number or [TX RX] [nF])"));
}

TEST_CASE("A unit the parameter does not take is an error listing the allowed ones", "[io][com_sheet][unit]") {
  const std::string msg = sheet_error(replace(minimal, "[2.5e-4 2.5e-4] nF", "[2.5e-4 2.5e-4] mm"));
  CHECK_THAT(msg, Catch::Contains("bad.toml:7:7: C_d = \"[2.5e-4 2.5e-4] mm\": unit \"mm\" is not allowed; "
                                  "allowed: nF, pF, fF, uF, F (none written: nF)"));
  CHECK_THAT(sheet_error(replace(minimal, "L = 2", "L = \"2 V\"")), Catch::Contains("allowed: no unit"));
}

TEST_CASE("Inconsistent vector lengths and shapes are errors, all reported at once", "[io][com_sheet][unit]") {
  std::string bad = replace(minimal, "\"b_max(2..N_b)\" = 1", "\"b_max(2..N_b)\" = \"[0.5 0.4 0.3]\"");
  bad = replace(bad, "\"z_p (RX)\" = \"[12 30] mm\"", "\"z_p (RX)\" = \"[12 30 40] mm\"");
  bad = replace(bad, "R_d = \"[55 55] Ohm\"", "R_d = \"[55 55 55] Ohm\"");
  bad = replace(bad, "L = 2", "L = 2\npackage_Z_c = \"[90 90; 92 92] Ohm\"\n\"z_p select\" = \"[1 3]\"");
  const std::string msg = sheet_error(bad);
  CHECK_THAT(msg, Catch::Contains("b_max(2..N_b) = \"[0.5 0.4 0.3]\": must be one number or N_b - 1 = 13 numbers"));
  CHECK_THAT(msg, Catch::Contains("z_p (RX) = \"[12 30 40] mm\": must have the shape of z_p (TX): 1 segment row(s) x 2 case(s)"));
  CHECK_THAT(msg, Catch::Contains("R_d = \"[55 55 55] Ohm\": must be one number or [TX RX]"));
  CHECK_THAT(msg, Catch::Contains("package_Z_c = \"[90 90; 92 92] Ohm\": must have one row per package line segment (1"));
  CHECK_THAT(msg, Catch::Contains("z_p select = \"[1 3]\": case numbers must be whole numbers from 1 to 2"));
  CHECK_THAT(msg, Catch::Contains("bad.toml:"));
}

TEST_CASE("b_min(1) needs its tail when N_b > 1, and N_b = 0 means no DFE limits", "[io][com_sheet][unit]") {
  CHECK_THAT(sheet_error(replace(minimal, "L = 2", "L = 2\n\"b_min(1)\" = 0.1")),
             Catch::Contains("b_min(1) = 0.1: needs b_min(2..N_b) as well (N_b = 14)"));
  const auto p = io::parse_com_sheet(replace(minimal, "N_b = \"14 UI\"", "N_b = 0"), "ok.toml");
  CHECK(p.n_b == 0);
  CHECK(p.b_max.empty());
  CHECK(p.b_min.empty());
}

TEST_CASE("Malformed values say what is allowed", "[io][com_sheet][unit]") {
  CHECK_THAT(sheet_error(replace(minimal, "[-0.18:0.02:0]", "[-0.18:0.02]x")),
             Catch::Contains("c(-1) = \"[-0.18:0.02]x\": unit \"x\" is not allowed; allowed: no unit"));
  CHECK_THAT(sheet_error(replace(minimal, "[-0.18:0.02:0]", "[0:-0.02:0.1]")), Catch::Contains("is empty"));
  CHECK_THAT(sheet_error(replace(minimal, "[-12:1:0] dB", "[-12:1:0 dB")), Catch::Contains("missing \"]\""));
  CHECK_THAT(sheet_error(replace(minimal, "L = 2", "L = 2.5")), Catch::Contains("L = 2.5: must be a whole number"));
  CHECK_THAT(sheet_error(replace(minimal, "DER_0 = 1e-05", "DER_0 = 2")),
             Catch::Contains("DER_0 = 2: must be a probability between 0 and 1"));
  CHECK_THAT(sheet_error(replace(minimal, "name = \"minimal\"", "nmae = \"minimal\"")),
             Catch::Contains("sheet.nmae = \"minimal\": unknown key; did you mean \"name\"?"));
}

TEST_CASE("TOML numbers, arrays and matrices are accepted as well as the sheet's text", "[io][com_sheet][unit]") {
  std::string s = replace(minimal, "\"c(-1)\" = \"[-0.18:0.02:0]\"", "\"c(-1)\" = [-0.1, 0.0]");
  s = replace(s, "\"z_p (TX)\" = \"[12 30] mm\"", "\"z_p (TX)\" = [[12, 30], [1.8, 1.8]]");
  s = replace(s, "\"z_p (NEXT)\" = \"[12 12] mm\"", "\"z_p (NEXT)\" = \"[12 12; 1.8 1.8]\"");
  s = replace(s, "\"z_p (FEXT)\" = \"[12 30] mm\"", "\"z_p (FEXT)\" = \"[12 30; 1.8 1.8] mm\"");
  s = replace(s, "\"z_p (RX)\" = \"[12 30] mm\"", "\"z_p (RX)\" = \"[12, 30 ; 1800 1800] um\"");
  s = replace(s, "L = 2", "L = 2\npackage_Z_c = [[87.5, 87.5], [92.5, 92.5]]\nC_b = 3e-5\nL_s = \"[0.12 0.13]\"");
  const auto p = io::parse_com_sheet(s, "ok.toml");
  CHECK(p.tx_taps.at(-1) == std::vector<double>{-0.1, 0.0});
  REQUIRE(p.package_cases() == 2);
  REQUIRE(p.z_p_m[0][1].size() == 2);
  CHECK(near(p.z_p_m[0][1][0], 30e-3));
  CHECK(near(p.z_p_m[0][1][1], 1.8e-3));
  CHECK(near(p.z_p_m[3][1][1], 1.8e-3));
  CHECK(near(p.c_b_f[1], 3e-14));
  CHECK(near(p.l_s_h[1].at(0), 0.13e-9));
  const auto pkg = solvers::com_package(p, 2, solvers::ComPackageRole::rx);
  REQUIRE(pkg.segments.size() == 2);
  CHECK(pkg.segments[1].z_c_ohm == 92.5);
}

TEST_CASE("An unknown embedded sheet name is an error listing the sheets", "[io][com_sheet][unit]") {
  CHECK(io::embedded_com_sheet_names() ==
        std::vector<std::string>{"100gbase-kr1-ck", "100gbase-kr4", "200gbase-kr1-dj"});
  CHECK_THROWS_WITH(io::embedded_com_sheet("100gbase-kr"),
                    Catch::Contains("did you mean \"100gbase-kr4\"?") && Catch::Contains("embedded COM sheets"));
}

TEST_CASE("Every embedded sheet parses, and each says where its values come from", "[io][com_sheet][unit]") {
  for (const auto& name : io::embedded_com_sheet_names()) {
    INFO(name);
    const auto p = io::embedded_com_sheet(name);
    CHECK(!p.name.empty());
    CHECK(p.source.size() > 40);
  }
}

TEST_CASE("The TDR, ERL and ICN keys read with the reference code's names, units and defaults", "[io][com_sheet][unit]") {
  const auto d = io::parse_com_sheet(minimal, "minimal.toml");
  CHECK_FALSE(d.erl);
  CHECK(near(d.tr_tdr_s, 8e-12));
  CHECK(d.n_bx == 14);  // N_b
  CHECK(d.rho_x == 0.618);
  CHECK(d.fixture_delay_s == std::array<double, 2>{-1.0, -1.0});
  CHECK(d.z_t_ohm == 50.0);  // R_0
  CHECK(d.grr == 1);
  CHECK(d.tdr_butterworth);
  CHECK(d.f_v == 4.0);
  const auto p = io::parse_com_sheet(minimal, "minimal.toml",
                                     {"ERL=true", "TR_TDR=0.01 ns", "N=1000", "beta_x=1.7 GHz", "rho_x=0.3",
                                      "fixture delay time=[100 200] ps", "N_bx=12", "Z_t=45", "Gx=1",
                                      "ERL Pass threshold=10.5 dB", "A_ft=0.6 V", "f_1=0.05 GHz", "f_2=20 GHz"});
  CHECK(p.erl);
  CHECK(near(p.tr_tdr_s, 10e-12));
  CHECK(p.tdr_n_ui == 1000);
  CHECK(near(p.beta_x_db_per_s, 1.7e9));
  CHECK(p.rho_x == 0.3);
  CHECK(near(p.fixture_delay_s[0], 100e-12));
  CHECK(near(p.fixture_delay_s[1], 200e-12));
  CHECK(p.n_bx == 12);
  CHECK(p.z_t_ohm == 45.0);
  CHECK(p.grr == 2);  // Gx = 1: the 802.3ck G_rr
  CHECK(p.erl_pass_threshold_db == 10.5);
  CHECK(p.a_ft_v == 0.6);
  CHECK(near(*p.f_1_hz, 50e6));
  CHECK(near(*p.f_2_hz, 20e9));
}

TEST_CASE("f_2_ILD reads in GHz and must lie above f_1 (else f_min)", "[io][com_sheet][unit]") {
  CHECK_FALSE(io::parse_com_sheet(minimal, "minimal.toml").f_2_ild_hz);
  const auto p = io::parse_com_sheet(minimal, "minimal.toml", {"f_2_ILD=19 GHz"});
  REQUIRE(p.f_2_ild_hz);
  CHECK(near(*p.f_2_ild_hz, 19e9));
  CHECK_THAT(sheet_error(minimal, {"f_1=1 GHz", "f_2_ILD=0.5 GHz"}),
             Catch::Contains("f_2_ILD = \"0.5 GHz\": must be a frequency above f_1 (f_min when f_1 is not set)"));
  CHECK_THAT(sheet_error(minimal, {"f_2_ILD=2 mm"}), Catch::Contains("f_2_ILD = \"2 mm\": unit \"mm\" is not allowed"));
}

TEST_CASE("ERL keys with a wrong unit or out of range name the key, value and what is allowed", "[io][com_sheet][unit]") {
  const std::string msg =
      sheet_error(minimal, {"TR_TDR=8 mm", "rho_x=1.5", "beta_x=1.7e9 GHz", "fixture delay time=-3 ps", "N=-1",
                            "Z_t=0", "Grr=3", "PDF bin size=0"});
  CHECK_THAT(msg, Catch::Contains("--set: TR_TDR = \"8 mm\": unit \"mm\" is not allowed; allowed: ns, ps, fs, us, s"));
  CHECK_THAT(msg, Catch::Contains("rho_x = \"1.5\": must be in [0, 1]"));
  CHECK_THAT(msg, Catch::Contains("beta_x = \"1.7e9 GHz\": must be from 0 to 100 GHz"));
  CHECK_THAT(msg, Catch::Contains("fixture delay time = \"-3 ps\": must be from 0 to 1 us per port"));
  CHECK_THAT(msg, Catch::Contains("N = \"-1\": must be a whole number >= 0"));
  CHECK_THAT(msg, Catch::Contains("Z_t = \"0\": must be from 1 to 1000 Ohm"));
  CHECK_THAT(msg, Catch::Contains("Grr = \"3\": must be 0, 1 or 2"));
  CHECK_THAT(msg, Catch::Contains("PDF bin size = \"0\""));
  CHECK_THAT(sheet_error(replace(minimal, "L = 2", "L = 2\nERL = true\nrho_x = 7")),
             Catch::Contains("bad.toml:24:9: rho_x = 7: must be in [0, 1]"));
}

TEST_CASE("The Rx FFE and floating DFE keys read with the reference code's defaults", "[io][com_sheet][unit]") {
  const auto d = io::parse_com_sheet(minimal, "minimal.toml");
  CHECK(d.n_bg == 0);
  CHECK(d.n_bf == 6);
  CHECK(d.n_f == 14);  // N_b
  CHECK(d.bmaxg == 0.2);
  CHECK(d.ffe_pre_tap_len == 0);
  CHECK(d.ffe_post_tap_len == 0);
  CHECK(d.ffe_main_cursor_min == 1.0);
  CHECK(d.ffe_pre_tap1_max == 0.7);
  CHECK(d.ffe_post_tap1_max == 0.7);
  CHECK(d.ffe_tapn_max == 0.7);
  CHECK(d.ffe_tap_step_size == 0.0);
  CHECK(d.ffe_backoff == 0);
  const auto p = io::parse_com_sheet(minimal, "minimal.toml",
                                     {"N_bg=2", "N_bf=3", "N_f=30", "bmaxg=0.05", "ffe_pre_tap_len=3",
                                      "ffe_post_tap_len=8", "ffe_pre_tap1_max=0.4", "ffe_tapn_max=0.2",
                                      "ffe_tap_step_size=0.01"});
  CHECK(p.n_bg == 2);
  CHECK(p.n_bf == 3);
  CHECK(p.n_f == 30);
  CHECK(p.bmaxg == 0.05);
  CHECK(p.ffe_pre_tap_len == 3);
  CHECK(p.ffe_post_tap_len == 8);
  CHECK(p.ffe_pre_tap1_max == 0.4);
  CHECK(p.ffe_tapn_max == 0.2);
  CHECK(p.ffe_tap_step_size == 0.01);
  // The embedded 802.3ck sheet: 3 groups of 3 floating taps up to tap 40, bmaxg the default.
  const auto ck = io::embedded_com_sheet("100gbase-kr1-ck");
  CHECK(ck.n_bf == 3);
  CHECK(ck.bmaxg == 0.2);
}

TEST_CASE("Bad Rx FFE and floating DFE values name the key, value and what is allowed", "[io][com_sheet][unit]") {
  // Floating taps beyond N_f: N_b + N_bg N_bf must not exceed N_f.
  std::string msg = sheet_error(replace(minimal, "L = 2", "L = 2\nN_bg = 3\nN_bf = 3\nN_f = \"20 UI\""));
  CHECK_THAT(msg, Catch::Contains("bad.toml:") && Catch::Contains("N_f = \"20 UI\": floating taps beyond N_f: "
                                                                  "N_b + N_bg x N_bf = 14 + 3 x 3 = 23 taps, allowed: "
                                                                  "at most N_f = 20"));
  // Without N_f it is N_b, and the error is on N_bg.
  CHECK_THAT(sheet_error(minimal, {"N_bg=1"}), Catch::Contains("--set: N_bg = \"1\": floating taps beyond N_f") &&
                                                   Catch::Contains("(N_f not given: N_b)"));
  // Negative limits and lengths, fractional lengths.
  msg = sheet_error(minimal, {"bmaxg=-0.1", "ffe_tapn_max=-0.2", "ffe_pre_tap_len=-1", "ffe_post_tap_len=1.5",
                              "ffe_tap_step_size=-0.01", "N_bf=0"});
  CHECK_THAT(msg, Catch::Contains("bmaxg = \"-0.1\": must be a non-negative tap limit"));
  CHECK_THAT(msg, Catch::Contains("ffe_tapn_max = \"-0.2\": must be a non-negative tap limit"));
  CHECK_THAT(msg, Catch::Contains("ffe_pre_tap_len = \"-1\": must be a whole number >= 0"));
  CHECK_THAT(msg, Catch::Contains("ffe_post_tap_len = \"1.5\": must be a whole number"));
  CHECK_THAT(msg, Catch::Contains("ffe_tap_step_size = \"-0.01\": must be a non-negative step"));
  CHECK_THAT(msg, Catch::Contains("N_bf = \"0\": must be a whole number >= 1"));
  // Inconsistent lengths: a limit for a side the Rx FFE does not have.
  msg = sheet_error(minimal, {"ffe_post_tap_len=1", "ffe_pre_tap1_max=0.3", "ffe_tapn_max=0.2"});
  CHECK_THAT(msg, Catch::Contains("ffe_pre_tap1_max = \"0.3\": has no taps to limit: needs ffe_pre_tap_len >= 1"));
  CHECK_THAT(msg, Catch::Contains("ffe_tapn_max = \"0.2\": has no taps to limit: needs ffe_pre_tap_len or "
                                  "ffe_post_tap_len >= 2"));
  // Without an Rx FFE the limits are inert (converted sheets list them all).
  CHECK_NOTHROW(io::parse_com_sheet(minimal, "m.toml", {"ffe_pre_tap1_max=0.3", "ffe_tapn_max=0.2"}));
}

TEST_CASE("The embedded 802.3dj sheet holds PyChOpMarg's ieee_8023dj values", "[io][com_sheet][unit]") {
  // Source: PyChOpMarg v3.1 src/pychopmarg/config/ieee_8023dj.py (COMParams fields in order).
  const auto p = io::embedded_com_sheet("200gbase-kr1-dj");
  CHECK(p.f_b_baud == Approx(106.25e9).epsilon(1e-15));
  CHECK(p.levels == 4);
  CHECK(p.der_0 == Approx(2e-4).epsilon(1e-15));
  CHECK(p.t_r_s == Approx(4e-12).epsilon(1e-15));
  CHECK(p.a_ne_v == Approx(0.45).epsilon(1e-15));
  CHECK(p.eta_0_v2_per_hz == Approx(6e-18).epsilon(1e-12));  // 6e-9 V^2/GHz
  CHECK(p.f_hp_pz_hz.value() == Approx(1.328125e9).epsilon(1e-15));
  CHECK(p.g_dc_db.size() == 16);     // 0 ... -15 dB
  CHECK(p.g_dc_hp_db.size() == 11);  // 0 ... -5 dB by 0.5
  CHECK(p.tx_taps.at(-1).size() == 69);  // -0.34 ... 0 by 0.005
  CHECK(p.tx_taps.at(-2).back() == Approx(0.12).epsilon(1e-12));
  CHECK(p.c0_min == 0.5);
  CHECK(p.f_r == Approx(0.58).epsilon(1e-15));
  CHECK(p.c_d_f[0].size() == 3);
  CHECK(p.c_d_f[0][2] == Approx(1.1e-13).epsilon(1e-12));
  CHECK(p.l_s_h[1][1] == Approx(0.15e-9).epsilon(1e-12));
  CHECK(p.ffe_pre_tap_len == 5);
  CHECK(p.ffe_post_tap_len == 10);
  CHECK(p.ffe_mmse);
  CHECK(p.n_b == 1);
  CHECK(p.b_max == std::vector<double>{0.85});
  CHECK(p.b_min == std::vector<double>{0.0});
}

TEST_CASE("FFE_OPT_METHOD selects the MMSE or the zero-forcing Rx FFE by name", "[io][com_sheet][unit]") {
  CHECK(!io::parse_com_sheet(minimal, "m.toml").ffe_mmse);  // zero forcing when not given
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"ffe_post_tap_len=2", "FFE_OPT_METHOD=MMSE"}).ffe_mmse);
  CHECK(!io::parse_com_sheet(minimal, "m.toml", {"ffe_post_tap_len=2", "FFE_OPT_METHOD=ZF"}).ffe_mmse);
  // The reference code's other spellings and methods (its strcmp is case sensitive) are refused.
  for (const char* bad : {"mmse", "WIENER-HOPF", "FV-LMS"})
    CHECK_THAT(sheet_error(minimal, {std::string("FFE_OPT_METHOD=") + bad}),
               Catch::Contains(std::string("FFE_OPT_METHOD = \"") + bad + "\": allowed: MMSE (802.3dj) or ZF"));
}

TEST_CASE("The 802.3dj keys: floating Rx FFE taps, CTLE_type, the raised cosine and PyChOpMarg's spellings",
          "[io][com_sheet][unit]") {
  // Floating Rx FFE taps: N_bg groups of N_bf taps on post-cursors ffe_post_tap_len + 1 ... N_f.
  const auto fl = io::parse_com_sheet(minimal, "m.toml",
                                      {"ffe_pre_tap_len=5", "ffe_post_tap_len=10", "FFE_OPT_METHOD=MMSE", "N_bg=2",
                                       "N_bf=6", "N_f=40", "bmaxg=0.05", "RXFFE FLOAT CTL=FOM"});
  CHECK(fl.n_bg == 2);
  CHECK(fl.n_f == 40);
  CHECK(fl.bmaxg == 0.05);
  std::string msg = sheet_error(minimal, {"ffe_post_tap_len=10", "FFE_OPT_METHOD=MMSE", "N_bg=2", "N_bf=6", "N_f=21"});
  CHECK_THAT(msg, Catch::Contains("N_f = \"21\": floating Rx FFE taps beyond N_f: ffe_post_tap_len + N_bg x N_bf = "
                                  "10 + 2 x 6 = 22 post-cursors, allowed: at most N_f = 21"));
  // A bad length is reported once, though the floating taps' rule reads it too.
  msg = sheet_error(minimal, {"ffe_post_tap_len=1.5", "N_bg=1", "N_bf=1", "N_f=9"});
  CHECK(msg.find("ffe_post_tap_len") != std::string::npos);
  CHECK(msg.find("ffe_post_tap_len", msg.find("ffe_post_tap_len") + 1) == std::string::npos);
  CHECK_THAT(sheet_error(minimal, {"ffe_post_tap_len=2", "RXFFE FLOAT CTL=ISI"}),
             Catch::Contains("RXFFE FLOAT CTL = \"ISI\": allowed: FOM"));
  // CTLE_type: CL93, or CL120d with its g_DC2 and f_LF (g_DC_HP, f_HP_PZ).
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"CTLE_type=CL93"}).ctle_type == "CL93");
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"CTLE_type=CL120d", "g_DC_HP=[-2:1:0]", "f_HP_PZ=0.6640625"}).ctle_type ==
        "CL120d");
  CHECK_THAT(sheet_error(minimal, {"CTLE_type=CL120d"}),
             Catch::Contains("CTLE_type = \"CL120d\": CL120d needs g_DC_HP and f_HP_PZ"));
  CHECK_THAT(sheet_error(minimal, {"CTLE_type=CL120e"}),
             Catch::Contains("CTLE_type = \"CL120e\": allowed: CL93 (93A-22) or CL120d"));
  // The raised cosine: defaults f_b/2 and f_r f_b, in Hz as the reference code reads them.
  const auto rc = io::parse_com_sheet(minimal, "m.toml", {"Raised_Cosine=true", "f_r=0.75"});
  CHECK(rc.raised_cosine);
  CHECK(rc.butterworth);
  CHECK(rc.rc_start_hz == Approx(rc.f_b_baud / 2).epsilon(1e-15));
  CHECK(rc.rc_end_hz == Approx(0.75 * rc.f_b_baud).epsilon(1e-15));
  const auto rc2 = io::parse_com_sheet(minimal, "m.toml", {"Raised_Cosine=1", "RC_Start=1e10", "RC_end=15 GHz", "Butterworth=0"});
  CHECK(rc2.rc_start_hz == 1e10);
  CHECK(rc2.rc_end_hz == Approx(15e9).epsilon(1e-15));
  CHECK(!rc2.butterworth);
  CHECK_THAT(sheet_error(minimal, {"Raised_Cosine=true", "RC_Start=20 GHz", "RC_end=15 GHz"}),
             Catch::Contains("RC_end = \"15 GHz\": the raised cosine must end above its start"));
  // The comparison sheet's switches: MLSE off is accepted, on refused; N-g 0 is what both the
  // reference (which ignores it) and PyChOpMarg do; N-g > 0 is ambiguous and refused.
  CHECK_NOTHROW(io::parse_com_sheet(minimal, "m.toml", {"EW=0", "MLSE=0", "N-g=0", "N-max=60", "Local Search=2"}));
  msg = sheet_error(minimal, {"MLSE=1", "N-g=2"});
  CHECK_THAT(msg, Catch::Contains("MLSE = \"1\": allowed: 0"));
  CHECK_THAT(msg, Catch::Contains("N-g = \"2\": allowed: 0") && Catch::Contains("N_bg groups of N_bf taps"));
}

TEST_CASE("COM sheet: EW, PMD_type, T_O (T_h) and samples_for_C2M as the reference code 4.15 reads them", "[io][com_sheet]") {
  const auto plain = io::parse_com_sheet(minimal, "m.toml");
  CHECK_FALSE(plain.eye_width);
  CHECK_FALSE(plain.c2m);
  CHECK(plain.t_o_mui == 0.0);
  CHECK(plain.samples_for_c2m == 100);
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"EW=1"}).eye_width);
  const auto c2m = io::parse_com_sheet(minimal, "m.toml", {"PMD_type=C2M", "T_O=60", "samples_for_C2M=50"});
  CHECK(c2m.c2m);
  CHECK(c2m.t_o_mui == 60.0);
  CHECK(c2m.samples_for_c2m == 50);
  // T_h, its alias, wins when both are given (4.15 reads T_O, then T_h over it).
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"PMD_type=C2M", "T_O=60", "T_h=80"}).t_o_mui == 80.0);
  CHECK(io::parse_com_sheet(minimal, "m.toml", {"PMD_type=C2C", "T_O=0"}).t_o_mui == 0.0);
  // Bad input: each message names the key, the value and what is allowed.
  CHECK_THAT(sheet_error(minimal, {"PMD_type=C2M", "T_O=-5"}),
             Catch::Contains("T_O = \"-5\": must be a non-negative time window [mUI]"));
  CHECK_THAT(sheet_error(minimal, {"PMD_type=C2M", "T_O=abc"}), Catch::Contains("T_O = \"abc\"") && Catch::Contains("not a number"));
  CHECK_THAT(sheet_error(minimal, {"PMD_type=C2M", "T_h=500"}),
             Catch::Contains("T_h = \"500\": must keep the window inside the UI: below 500 mUI with samples_for_C2M = 100"));
  CHECK_THAT(sheet_error(minimal, {"T_O=60"}),
             Catch::Contains("T_O = \"60\": applies only with PMD_type = C2M"));
  CHECK_THAT(sheet_error(minimal, {"EW=2"}), Catch::Contains("EW = \"2\": must be true/false or 1/0"));
  CHECK_THAT(sheet_error(minimal, {"EW=maybe"}), Catch::Contains("EW = \"maybe\"") && Catch::Contains("true/false or 1/0"));
  CHECK_THAT(sheet_error(minimal, {"PMD_type=C2X"}), Catch::Contains("PMD_type = \"C2X\": allowed: C2C (the default) or C2M"));
  CHECK_THAT(sheet_error(minimal, {"samples_for_C2M=2"}), Catch::Contains("samples_for_C2M = \"2\": must be a whole number >= 3"));
}
