// scripts/com_sheet_to_toml.py (docs/com.md "Converting a spreadsheet"): a spreadsheet built here
// with openpyxl in the layout of the IEEE COM sheets, converted to TOML and read by the C++ reader,
// gives the same parameters as the embedded 100GBASE-KR4 sheet; a file that is not a spreadsheet
// is rejected with exit code 2. Skips visibly when python3-openpyxl is not importable.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>

#include "io/com_sheet.hpp"
#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane;

TEST_CASE("A spreadsheet in the IEEE layout converts to a sheet that reads like the embedded KR4 sheet",
          "[io][com_sheet][script]") {
  if (std::system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") != 0) {
    WARN("python3-openpyxl not importable (scripts/install-deps.sh installs it): skipped");
    return;
  }
  const std::string dir = test::temp_dir("com_sheet");
  // The 100GBASE-KR4 configuration laid out as the IEEE sheet is: the Table 93A-1 block in columns
  // A-D (Parameter | Setting | Units | Information) below a title and a header row, the I/O block in
  // F-H under the title "I/O control" without a header, Table 93A-3 and Table 92-12 in J-L; numbers
  // as number cells, vectors and ranges as text, descriptive "units" as the sheet writes them.
  const std::string builder = R"PY(
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "COM_Settings"
def put(r, c, *vals):
    for i, v in enumerate(vals):
        if v is not None:
            ws.cell(row=r, column=c + i, value=v)
put(1, 1, "Table 93A-1 parameters"); put(1, 6, "I/O control"); put(1, 10, "Table 93A-3 parameters")
put(2, 1, "Parameter", "Setting", "Units", "Information")
left = [("f_b", 25.78125, "GBd"), ("f_min", 0.05, "GHz"), ("Delta_f", 0.01, "GHz"),
        ("C_d", "[2.5e-4 2.5e-4]", "nF", " [TX RX]"), ("z_p select", "[1 2]", "[test cases to run]"),
        ("z_p (TX)", "[12 30]", "mm", "[test cases]"), ("z_p (NEXT)", "[12 12]", "mm", "[test cases]"),
        ("z_p (FEXT)", "[12 30]", "mm", "[test cases]"), ("z_p (RX)", "[12 30]", "mm", "[test cases]"),
        ("C_p", "[1.8e-4 1.8e-4]", "nF", " [TX RX]"), ("R_0", 50, "Ohm"), ("R_d", "[55 55]", "Ohm", " [TX RX]"),
        ("f_r", 0.75, "*fb"), ("c(0)", 0.62, "min"), ("c(-1)", "[-0.18:0.02:0]", "[min:step:max]"),
        ("c(1)", "[-0.38:0.02:0]", "[min:step:max]"), ("g_DC", "[-12:1:0]", "dB", "[min:step:max]"),
        ("f_z", 6.4453125, "GHz"), ("f_p1", 6.4453125, "GHz"), ("f_p2", 25.78125, "GHz"), ("A_v", 0.4, "V"),
        ("A_fe", 0.4, "V"), ("A_ne", 0.6, "V"), ("L", 2), ("M", 32), ("N_b", 14, "UI"), ("b_max(1)", 1),
        ("b_max(2..N_b)", 1), ("sigma_RJ", 0.01, "UI"), ("A_DD", 0.05, "UI"), ("eta_0", 5.2e-08, "V^2/GHz"),
        ("SNR_TX", 27, "dB"), ("R_LM", 1), ("DER_0", 1e-05), ("Operational control",),
        ("COM Pass threshold", 3, "dB"), ("Include PCB", 0, "logical")]
for i, row in enumerate(left):
    put(3 + i, 1, *row)
io = [("DIAGNOSTICS", 1, "logical"), ("DISPLAY_WINDOW", 1, "logical"), ("Display frequency domain", 1, "logical"),
      ("CSV_REPORT", 1, "logical"), ("SAVE_FIGURE_to_CSV", 1, "logical"), ("RESULT_DIR", ".\\test_results_C93\\"),
      ("SAVE_FIGURES", 1, "logical"), ("Port Order", "[1 3 2 4]"), ("Receiver testing",),
      ("RX_CALIBRATION", 0, "logical"), ("Sigma BBN step", 0.005, "V"), ("IDEAL_TX_TERM", 0, "logical"),
      ("T_r", 0.008, "ns"), (None,), ("Non standard control options",), ("INC_PACKAGE", 1, "logical"),
      ("IDEAL_RX_TERM", 0, "logical"), ("INCLUDE_CTLE", 1, "logical"), ("INCLUDE_TX_RX_FILTER", 1, "logical")]
for i, row in enumerate(io):
    put(2 + i, 6, *row)
put(2, 10, "Parameter", "Setting", "Units")
put(3, 10, "package_tl_tau", 0.006141, "ns"); put(4, 10, "package_tl_gamma0_a1_a2", "[0 1.734e-3 1.455e-4]")
put(5, 10, "package_Z_c", 78.2, "Ohm"); put(7, 10, "Table 92-12 parameters"); put(8, 10, "Parameter", "Setting")
board = [("board_tl_tau", 0.006191, "ns"), ("board_tl_gamma0_a1_a2", "[0 4.114e-4 2.547e-4]"),
         ("board_Z_c", 109.8, "Ohm"), ("z_bp (TX)", 151, "mm"), ("z_bp (NEXT)", 72, "mm"),
         ("z_bp (FEXT)", 72, "mm"), ("z_bp (RX)", 151, "mm")]
for i, row in enumerate(board):
    put(9 + i, 10, *row)
wb.save(sys.argv[1])
)PY";
  {
    std::ofstream(dir + "/build.py") << builder;
  }
  REQUIRE(std::system(("/usr/bin/python3 '" + dir + "/build.py' '" + dir + "/kr4.xlsx'").c_str()) == 0);
  const std::string script = test::source_file("scripts/com_sheet_to_toml.py").string();
  REQUIRE(std::system(("/usr/bin/python3 '" + script + "' '" + dir + "/kr4.xlsx' -o '" + dir + "/kr4.toml'").c_str()) == 0);

  const auto got = io::read_com_sheet(dir + "/kr4.toml");
  const auto want = io::embedded_com_sheet("100gbase-kr4");
  CHECK(got.name == "kr4");
  CHECK(got.f_b_baud == want.f_b_baud);
  CHECK(got.f_min_hz == want.f_min_hz);
  CHECK(got.delta_f_hz == want.delta_f_hz);
  CHECK(got.c_d_f == want.c_d_f);
  CHECK(got.c_p_f == want.c_p_f);
  CHECK(got.r_d_ohm == want.r_d_ohm);
  CHECK(got.z_p_select == want.z_p_select);
  CHECK(got.z_p_m == want.z_p_m);
  CHECK(got.package_z_c_ohm == want.package_z_c_ohm);
  CHECK(got.package_line.tau_s_per_m == want.package_line.tau_s_per_m);
  CHECK(got.package_line.a1_per_m_sqrt_hz == want.package_line.a1_per_m_sqrt_hz);
  CHECK(got.board_line.a2_s_per_m == want.board_line.a2_s_per_m);
  CHECK(got.z_bp_m == want.z_bp_m);
  CHECK(got.tx_taps == want.tx_taps);
  CHECK(got.g_dc_db == want.g_dc_db);
  CHECK(got.f_z_hz == want.f_z_hz);
  CHECK(got.f_p2_hz == want.f_p2_hz);
  CHECK(got.a_ne_v == want.a_ne_v);
  CHECK(got.b_max == want.b_max);
  CHECK(got.eta_0_v2_per_hz == want.eta_0_v2_per_hz);
  CHECK(got.t_r_s == want.t_r_s);
  CHECK(got.port_order == want.port_order);
  CHECK(got.include_pcb == want.include_pcb);
  CHECK(got.pass_threshold_db == want.pass_threshold_db);
  CHECK(got.sigma_bbn_step_v == want.sigma_bbn_step_v);

  // A file that is not a spreadsheet: exit code 2 and a message naming it.
  { std::ofstream(dir + "/notes.txt") << "hello"; }
  const int status = std::system(("/usr/bin/python3 '" + script + "' '" + dir + "/notes.txt' 2>'" + dir + "/err'").c_str());
  CHECK(WEXITSTATUS(status) == 2);
  std::ifstream err(dir + "/err");
  const std::string msg((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK_THAT(msg, Catch::Contains("notes.txt: unknown extension"));
  std::filesystem::remove_all(dir);
}
