// Agreement with scikit-rf (python3-scikit-rf 0.15.4, Debian 12) on measured Touchstone files:
// mixed-mode conversion, 4-port cascade and renormalisation. The reference CSVs and the script
// that wrote them are in tests/reference/skrf/ (make_reference.py; format in its README: header
// freq_hz,s11_re,s11_im,s12_re,... row-major over the full matrix, decimated to <= 200 rows,
// values printed with repr(float)). The Touchstone files are read from ../shared/data; the tests
// skip with a warning when that folder is absent.
//
// Tolerance: each entry within 1e-9 of the scikit-rf value relative to that entry's magnitude,
// plus an absolute floor of 1e-12 times the largest entry of the matrix at that frequency. The
// two tools evaluate the same closed forms by different routes (scikit-rf: Ferrero-Pirola
// generalised mixed mode, renormalisation through Z, connection by sub-network growth; phylane:
// Bockelman's orthogonal transform, direct power-wave change of reference, Redheffer star product
// or connection matrix), so they differ by rounding amplified by each route's conditioning:
// observed at most 6e-12 relative, and 6e-10 on one small reflection entry of the 45-ohm SMT
// renormalisation (inside the floor). Any real difference (a sign, a port, a reference) shows up at
// 1e-2 or more. The floor keeps an entry that is itself a cancellation (crosstalk ~1e-5 of the
// thru) from being judged on relative digits it cannot have.
// Not compared here: cascade_abcd, whose chain-matrix route loses digits as ~1e-16 / |S21|^2
// (2.5e-4 relative on the smallest entries of B1 -> B12 at 14 GHz, where |S31| ~ 1e-4); it is
// checked against the star product where that is well conditioned (network_ops_test.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "channels/network_ops.hpp"
#include "io/touchstone.hpp"
#include "phy/units.hpp"
#include "tests/support/csv_table.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

using test::CsvTable;
using test::read_csv;

std::filesystem::path skrf_csv(const std::string& name) { return test::source_file("tests/reference/skrf/" + name); }

// Index of the frequency f in the network (exact to 1e-12 relative: the CSV holds the file's
// frequency printed with repr(float), the reader the correctly rounded decimal).
std::size_t index_of(const Network& n, double f) {
  const auto& fr = n.freq_hz();
  auto it = std::lower_bound(fr.begin(), fr.end(), f * (1 - 1e-12));
  REQUIRE(it != fr.end());
  REQUIRE(std::abs(*it - f) <= 1e-12 * std::max(f, 1.0));
  return static_cast<std::size_t>(it - fr.begin());
}

// Compares every row of a scikit-rf matrix CSV with the network (tolerance: see the top).
void compare_matrix(const Network& n, const CsvTable& t) {
  const int p = n.ports();
  REQUIRE(t.column("freq_hz") == 0u);
  REQUIRE(t.column("s11_re") == 1u);
  REQUIRE(t.column("s" + std::to_string(p) + std::to_string(p) + "_im") == static_cast<std::size_t>(2 * p * p));
  REQUIRE(t.rows.size() > 100);
  double worst = 0.0, worst_rel = 0.0;
  for (const auto& row : t.rows) {
    const std::size_t k = index_of(n, row[0]);
    double largest = 0.0;
    for (int c = 0; c < p * p; ++c) largest = std::max(largest, std::hypot(row[1 + 2 * c], row[2 + 2 * c]));
    for (int i = 0; i < p; ++i)
      for (int j = 0; j < p; ++j) {
        const int c = i * p + j;  // row-major
        const cplx ref(row[1 + 2 * c], row[2 + 2 * c]);
        const double err = std::abs(n.s(k, i, j) - ref);
        worst = std::max(worst, err / (1e-9 * std::abs(ref) + 1e-12 * largest));
        if (std::abs(ref) > 0) worst_rel = std::max(worst_rel, err / std::abs(ref));
      }
  }
  INFO("largest error / tolerance: " << worst << ", largest relative error " << worst_rel);
  CHECK(worst <= 1.0);
}

}  // namespace

TEST_CASE("Mixed-mode S of the Whisper Megtron 6 backplane agree with scikit-rf's se2gmm",
          "[channels][network_ops][reference][skrf]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const Network mm = to_mixed_mode(io::read_touchstone(*file), PortOrder::pairs_12_34);
  CHECK(mm.z0_ohm() == std::vector<double>{100.0, 100.0, 25.0, 25.0});  // se2gmm's defaults
  const CsvTable t = read_csv(skrf_csv("mixed_mode_TEC_Whisper42p8in_Meg6_THRU_C8C9.csv"));
  compare_matrix(mm, t);
  // scikit-rf's 20 log10 |SDD21| column through phylane's named dB helper: 1e-9 dB.
  const std::size_t c = t.column("sdd21_db");
  REQUIRE(c > 0);
  for (const auto& row : t.rows) {
    const std::size_t k = index_of(mm, row[0]);
    CHECK(std::abs(phy::units::amplitude_ratio_to_db(std::abs(mm.s(k, 1, 0))) - row[c]) < 1e-9);
  }
}

TEST_CASE("Mixed-mode S of the IEEE 802.3ap B1 thru agree with scikit-rf's se2gmm",
          "[channels][network_ops][reference][skrf]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/peters_01_0605_B1_thru.s4p", return);
  const Network se = io::read_touchstone(*file);
  compare_matrix(to_mixed_mode(se, PortOrder::pairs_12_34), read_csv(skrf_csv("mixed_mode_peters_01_0605_B1_thru.csv")));
}

TEST_CASE("Cascading the B1 and B12 thrus agrees with scikit-rf's connect (**)", "[channels][network_ops][reference][skrf]") {
  const auto f1 = test::reference_file("touchstone/peters_01_0605_B1_thru.s4p");
  const auto f12 = test::reference_file("touchstone/peters_01_0605_B12_thru.s4p");
  if (!f1 || !f12) {
    WARN("reference data absent, skipped: peters_01_0605_B1/B12_thru.s4p");
    return;
  }
  // Both renumbered to (in A, in B, out A, out B) as the script does; B1's outputs meet B12's inputs.
  const Network a = to_inputs_outputs(io::read_touchstone(*f1), PortOrder::pairs_12_34);
  const Network b = to_inputs_outputs(io::read_touchstone(*f12), PortOrder::pairs_12_34);
  const CsvTable t = read_csv(skrf_csv("cascade_peters_01_0605_B1_B12_thru.csv"));
  const Network star = cascade(a, b);
  compare_matrix(star, t);
  compare_matrix(connect(a, 2, b, 0, 2), t);
  // SDD21 of the cascade (already in the 13-24 order): scikit-rf's dB column, 1e-9 dB.
  const auto sdd = sdd21(star, PortOrder::pairs_13_24);
  const std::size_t c = t.column("sdd21_db");
  REQUIRE(c > 0);
  for (const auto& row : t.rows)
    CHECK(std::abs(phy::units::amplitude_ratio_to_db(std::abs(sdd[index_of(star, row[0])])) -
                   row[c]) < 1e-9);
}

TEST_CASE("Renormalising measured files to 40 and 45 ohm agrees with scikit-rf's renormalize",
          "[channels][network_ops][reference][skrf]") {
  struct Case {
    const char* file;
    double z;
    const char* csv;
  };
  for (const Case& c : {Case{"touchstone/pcb_stripline_119mm.s2p", 40.0, "renormalized_pcb_stripline_119mm_40ohm.csv"},
                        Case{"touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", 45.0,
                             "renormalized_TEC_SMT_IO_42GHz_Thru_B5B6_4in_45ohm.csv"}}) {
    PHYLANE_REFERENCE_OR_SKIP(file, c.file, continue);
    INFO(c.file);
    compare_matrix(renormalize(io::read_touchstone(*file), {c.z}), read_csv(skrf_csv(c.csv)));
  }
}
