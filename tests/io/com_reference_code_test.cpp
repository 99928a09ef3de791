// `phylane com` against the IEEE 802.3 COM reference code 4.15 itself, run under GNU Octave
// (tests/reference/com_reference_code/: provenance and figures; docs/com.md "Against the IEEE
// reference code 4.15 under Octave"). The acceptance of issue 15 (COM within 0.2 dB, A_s and A_ni
// within 5 % per package case) holds on 4 of the 44 rows there and is not asserted: phylane's
// jitter slopes and sampling point follow PyChOpMarg, not 4.15 (docs/com.md, items 1-2). Asserted
// is what agrees: with the equalizer pinned to the one 4.15 chose, the available signal A_s of
// the two SMT channels (open eyes, tens of mV, where the sampling rules pick the same point).
// Skips visibly when ../shared/data is absent.
#include <catch2/catch.hpp>

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/com_sheet.hpp"
#include "io/touchstone.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/com.hpp"

using namespace phylane;

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace

TEST_CASE("COM at the IEEE reference code's own equalizer: A_s of the SMT channels as 4.15 computes it",
          "[workflows][com][reference]") {
  std::ifstream in(test::source_file("tests/reference/com_reference_code/reference.csv"));
  REQUIRE(in);
  std::string line;
  REQUIRE(std::getline(in, line));
  const std::vector<std::string> header = split_csv_line(line);
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("reference.csv has no column " << name);
    return std::size_t{0};
  };
  const std::size_t c_sheet = col("sheet"), c_thru = col("thru"), c_fext = col("fext"), c_next = col("next"),
                    c_case = col("package_case"), c_as = col("a_s_mv"), c_cm1 = col("tx_ffe_cm1"),
                    c_c0 = col("tx_ffe_c0"), c_c1 = col("tx_ffe_c1"), c_gdc = col("g_dc_db");
  const std::vector<std::string> pam4 = {"f_b=26.5625",  "L=4",         "f_z=6.640625",
                                         "f_p1=6.640625", "f_p2=26.5625", "DER_0=1e-4"};
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> r = split_csv_line(line);
    REQUIRE(r.size() == header.size());
    // The SMT channels alone: on the lossy ones the sampling points differ (A_s +3 ... +35 %).
    if (r[c_thru].rfind("TEC_SMT_IO", 0) != 0 || !r[c_fext].empty() || !r[c_next].empty()) continue;
    PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/" + r[c_thru], return);
    std::vector<std::string> overrides;
    if (r[c_sheet] == "100gbase-kr4 re-clocked PAM4") overrides = pam4;
    else REQUIRE(r[c_sheet] == "100gbase-kr4");
    overrides.push_back("c(-1)=" + r[c_cm1]);
    overrides.push_back("c(1)=" + r[c_c1]);
    overrides.push_back("g_DC=" + r[c_gdc]);
    workflows::ComRequest rq;
    rq.thru = {io::read_touchstone(*file), r[c_thru]};
    const workflows::ComAnswer a = workflows::com(io::embedded_com_sheet("100gbase-kr4", overrides), rq);
    const std::size_t k = static_cast<std::size_t>(std::stoi(r[c_case])) - 1;
    REQUIRE(k < a.cases.size());
    const solvers::ComCaseResult& c = a.cases[k];
    INFO(r[c_sheet] << ", " << r[c_thru] << ", package case " << k + 1);
    // The pinned grid holds the reference's setting only.
    REQUIRE(c.equalizer.tx_ffe.n_pre == 1);
    REQUIRE(c.equalizer.tx_ffe.taps.size() == 3);
    CHECK(c.equalizer.tx_ffe.taps[1] == Approx(std::stod(r[c_c0])).margin(1e-12));
    CHECK(c.equalizer.g_dc_db == std::stod(r[c_gdc]));
    // Measured: A_s within -0.44 ... +0.26 % of 4.15's on the 8 rows (A_ni -3.2 ... -6.3 %: the
    // jitter slopes, docs/com.md item 1, not asserted).
    CHECK(c.a_s_v * 1e3 == Approx(std::stod(r[c_as])).epsilon(0.005));
    ++checked;
  }
  CHECK(checked == 8);  // 2 SMT channels x 2 package cases x (NRZ, PAM4)
}
