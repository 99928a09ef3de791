// The study file reader, and the study (workflows::run_study) on a small study file: loss grows
// and the maximum rate falls with length, capacity bounds the rate, and the all-reduce time is the
// alpha-beta formula written out here by hand; the HDF5 writer gives every dataset its units.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"
#include "io/study.hpp"
#include "workflows/study.hpp"
#include "tests/io/hdf5_read.hpp"
#include "tests/support/input_text.hpp"

using namespace phylane::io;
using phylane::workflows::Study;
using phylane::workflows::StudyResult;
using phylane::workflows::run_study;
namespace fs = std::filesystem;

namespace {

const char* kStudy = R"(name = "small"
[reach]
from = "5 cm"
to = "40 cm"
points = 3

[[link]]
name = "copper"
preset = "pcie5-server"
lanes = 16
encoding = "128b130b"
alpha = "5.7 us"
energy_per_bit = "3.9 pJ/bit"

[[link]]
name = "optics"
preset = "cpo-microring"
element = "3 m SMF"
lanes = 16
lanes_label = "16 wavelengths"
alpha = "2 us"
energy_per_bit = "model"

[workload]
parameters = 1e9
bytes_per_parameter = 2
devices = [2, 8]
)";

std::string errors_of(const std::string& text) {
  return phylane::test::input_errors([&] { (void)load_study_text(text, "s.toml", fs::current_path()); });
}

using phylane::test::replace_first;

}  // namespace

TEST_CASE("A study file is read with its defaults and lengths log-spaced", "[io][study][unit]") {
  const Study s = load_study_text(kStudy, "s.toml", fs::current_path());
  REQUIRE(s.links.size() == 2);
  REQUIRE(s.reach_m.size() == 3);
  CHECK(s.reach_m[0] == Approx(0.05));
  CHECK(s.reach_m[1] == Approx(std::sqrt(0.05 * 0.40)));
  CHECK(s.reach_m[2] == Approx(0.40));
  CHECK(s.links[0].encoding.efficiency == Approx(128.0 / 130.0));
  CHECK(s.links[0].energy_per_bit_j == Approx(3.9e-12));
  CHECK(s.links[0].lanes_label == "x16");
  CHECK(s.links[1].energy_per_bit_j < 0.0);  // "model": from the optical link's power
  CHECK(s.links[1].encoding.efficiency == 1.0);
  CHECK(s.workload.devices == std::vector<int>{2, 8});
  CHECK(s.workload.collective == phylane::solvers::Collective::all_reduce);
  // The link as a value, with its config text kept for result files.
  REQUIRE(s.links[0].link);
  CHECK(s.links[0].link->source == "preset:pcie5-server");
  CHECK(s.links[0].link->signalling.has_value());
  CHECK_THAT(s.links[0].config_toml, Catch::Contains("[signal]"));
  CHECK_FALSE(s.links[0].config_resolved_toml.empty());
  // Without [workload]: 70e9 parameters of 2 B, ring all-reduce on 8 and 64 devices.
  const std::string no_workload = std::string(kStudy).substr(0, std::string(kStudy).find("[workload]"));
  const Study nw = load_study_text(no_workload, "s.toml", fs::current_path());
  CHECK(nw.workload.parameters == 70e9);
  CHECK(nw.workload.bytes_per_parameter == 2.0);
  CHECK(nw.workload.devices == std::vector<int>{8, 64});
  CHECK(nw.workload.algorithm == phylane::solvers::Algorithm::ring);
  CHECK(load_study_text(kStudy, "s.toml", fs::current_path(), 5).reach_m.size() == 5);

  CHECK_FALSE(load_study_claims(s).has_value());

  const Study d = default_study(3);
  const auto claims = load_study_claims(d);  // the embedded claim file the default study evaluates
  REQUIRE(claims.has_value());
  CHECK(claims->claims.size() == 17);
  CHECK(d.links.size() >= 2);
  CHECK(d.reach_m.front() == Approx(0.01));
  CHECK(d.reach_m.back() == Approx(10.0));
  CHECK(d.workload.parameters == 70e9);
  CHECK(d.workload.devices == std::vector<int>{8, 64});
}

TEST_CASE("Bad study files are reported with file, line, key and what is allowed", "[io][study][unit]") {
  CHECK_THAT(errors_of(replace_first(kStudy, "\"128b130b\"", "\"8b9b\"")),
             Catch::Contains("s.toml:") && Catch::Contains("link[1].encoding = \"8b9b\"") && Catch::Contains("128b130b"));
  CHECK_THAT(errors_of(replace_first(kStudy, "devices = [2, 8]", "devices = [1, 8]")),
             Catch::Contains("workload.devices") && Catch::Contains("2 to 1000000"));
  CHECK_THAT(errors_of(replace_first(kStudy, "to = \"40 cm\"", "to = \"4 cm\"")), Catch::Contains("reach.from"));
  CHECK_THAT(errors_of(replace_first(kStudy, "to = \"40 cm\"", "to = \"40 GHz\"")), Catch::Contains("reach.to = \"40 GHz\""));
  CHECK_THAT(errors_of(replace_first(kStudy, "preset = \"pcie5-server\"", "preset = \"nope\"")), Catch::Contains("nope"));
  CHECK_THAT(errors_of(replace_first(kStudy, "lanes = 16\nencoding", "lanez = 16\nencoding")), Catch::Contains("lanez"));
  CHECK_THAT(errors_of(replace_first(kStudy, "energy_per_bit = \"3.9 pJ/bit\"", "energy_per_bit = \"model\"")),
             Catch::Contains("needs an optical link"));
  CHECK_THAT(errors_of(std::string(kStudy) + "claims = \"no/such/claims.toml\"\n"), Catch::Contains("claims"));
  CHECK_THAT(errors_of("name = \"x\"\n"), Catch::Contains("link"));
}

TEST_CASE("A small study: physics trends, the capacity bound and the all-reduce arithmetic", "[io][study][property]") {
  const Study s = load_study_text(kStudy, "s.toml", fs::current_path());
  int calls = 0;
  const StudyResult r = run_study(s, [&calls](int done, int total) {
    ++calls;
    CHECK(done <= total);
  });
  CHECK(calls == 8);  // 2 links x (3 lengths + the eye at the configured length)
  REQUIRE(r.links.size() == 2);
  for (std::size_t li = 0; li < 2; ++li) {
    const auto& lr = r.links[li];
    const auto& sl = s.links[li];
    INFO(lr.name);
    REQUIRE(lr.points.size() == 3);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& p = lr.points[k];
      INFO(p.length_m);
      REQUIRE(p.max_rate_bps > 0.0);
      // Shannon: no modulation beats the water-filling capacity of the same channel and noise.
      CHECK(p.capacity_bps >= p.max_rate_bps);
      CHECK(p.max_rate_bps == std::max(p.max_rate_nrz_bps, p.max_rate_pam4_bps));
      if (k > 0) {
        CHECK(p.loss_db >= lr.points[k - 1].loss_db);
        CHECK(p.propagation_s > lr.points[k - 1].propagation_s);
        // A longer channel supports at most the rate of a shorter one (1 % search resolution).
        CHECK(p.max_rate_bps <= lr.points[k - 1].max_rate_bps * 1.01);
        CHECK(p.capacity_bps <= lr.points[k - 1].capacity_bps * (1 + 1e-9));
      }
      // Payload bandwidth B = lanes x rate x efficiency / 8 (1 GB = 1e9 B, per direction), and the
      // ring all-reduce t = 2(n-1)/n S/B + 2(n-1)(alpha + flight time) (Thakur, Rabenseifner,
      // Gropp 2005; NCCL's bus-bandwidth factor), written out by hand.
      const double eff = sl.encoding_for(p.best_levels).efficiency;
      const double bw = sl.lanes * p.max_rate_bps * eff / 8.0;
      CHECK(p.link_bandwidth_bytes_per_s == Approx(bw).epsilon(1e-14));
      const double bytes = 1e9 * 2.0;
      for (std::size_t d = 0; d < 2; ++d) {
        const double n = s.workload.devices[d];
        const double expect = 2.0 * (n - 1.0) / n * bytes / bw + 2.0 * (n - 1.0) * (sl.alpha_s + p.propagation_s);
        CHECK(p.sync_time_s[d] == Approx(expect).epsilon(1e-13));
        const double energy = n * 2.0 * (n - 1.0) / n * bytes * 8.0 / eff * p.energy_per_bit_j;
        CHECK(p.energy_per_step_j[d] == Approx(energy).epsilon(1e-13));
      }
    }
  }
  // Copper loses more with length; the fibre's 0.35 dB/km is invisible over 35 cm.
  CHECK(r.links[0].points[2].loss_db - r.links[0].points[0].loss_db > 5.0);
  CHECK(r.links[1].points[2].loss_db - r.links[1].points[0].loss_db < 0.01);
  // Copper flight time per metre: the group index of a TEM stripline in the preset's FR408HR
  // (Dk 3.68, Df 0.0092 at 2 GHz, Djordjevic-Sarkar). Its Kramers-Kronig slope
  // d eps'/d ln f = -(2/pi) eps'' gives n_g = sqrt(eps') - eps''/(pi sqrt(eps')) (eps'' = 0.0339):
  // 6.393 ns/m at 1 GHz ... 6.336 ns/m at 20 GHz, the band the median group delay is taken over.
  // Reference: the middle, 6.364 ns/m, +-0.45 %. Measured 6.349 ns/m (-0.24 %); tolerance 0.6 %.
  const double dl = s.reach_m[2] - s.reach_m[0];
  CHECK((r.links[0].points[2].propagation_s - r.links[0].points[0].propagation_s) / dl == Approx(6.364e-9).epsilon(0.006));
  // Fibre: Corning SMF-28 group index 1.4676 at 1310 nm (product information sheet), 4.8954 ns/m.
  // Measured 4.89539 ns/m; tolerance: the data sheet's 5 digits.
  CHECK((r.links[1].points[2].propagation_s - r.links[1].points[0].propagation_s) / dl == Approx(1.4676 / 299792458.0).epsilon(5e-5));
  // The optical energy per bit is the link's electrical power per wavelength over the found lane
  // rate. By hand from the preset (data/presets/cpo-microring.toml): laser 14 dBm = 25.119 mW at
  // 30 % wall-plug efficiency (83.730 mW) + modulator driver 2 mW + receiver 15 mW = 100.730 mW.
  // Measured: equal to 5 digits; tolerance 1e-4 (the hand value's digits).
  for (const auto& p : r.links[1].points) CHECK(p.energy_per_bit_j == Approx(0.100730 / p.max_rate_bps).epsilon(1e-4));
  CHECK(r.links[0].eye_at_config.eye.height_v > 0.0);

  // The HDF5 file: every dataset carries units.
  const auto file = fs::temp_directory_path() / "phylane_study_test.h5";
  write_study_hdf5(file, s, r);
  hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto all = phylane::test::list_datasets(f);
  H5Fclose(f);
  for (const auto& d : all) {
    INFO(d.path);
    CHECK(d.units.has_value());
  }
  fs::remove(file);
}

TEST_CASE("A study link's FEC sets its PAM4 target, payload fraction and per-hop latency", "[io][study][fec]") {
  // pcie5-cem-link runs NRZ without FEC (1e-12) and PAM4 in PCIe 6.0 FLIT mode (1e-6); without an
  // encoding the study takes each modulation's FEC, with its efficiency and latency (docs/fec.md).
  const std::string text = R"(name = "fec"
[reach]
from = "5 cm"
to = "10 cm"
points = 2
[[link]]
name = "pcie"
preset = "pcie5-cem-link"
element = "system board"
lanes = 16
alpha = "1 us"
[workload]
parameters = 1e9
devices = [8]
compute_time = "2 ms"
overlap = 0.5
)";
  const Study s = load_study_text(text, "s.toml", fs::current_path());
  CHECK(s.links[0].encoding_for(4).name == "pcie6-flit");
  CHECK(s.links[0].encoding_for(2).name == "none");
  const StudyResult r = run_study(s);
  for (const auto& p : r.links[0].points) {
    INFO(p.length_m);
    REQUIRE(p.best_levels == 4);  // short routes: PAM4 at 1e-6 beats NRZ at 1e-12
    CHECK(p.fec == "pcie6-flit");
    CHECK(p.target_ber == 1e-6);
    CHECK(p.efficiency == 236.0 / 256.0);
    // A 256-byte flit over 16 lanes at the found rate, and the FEC + CRC's 2 ns.
    CHECK(p.fec_latency_s == Approx(2048.0 / (16.0 * p.max_rate_bps) + 2e-9).epsilon(1e-12));
    CHECK(p.latency_s == Approx(1e-6 + p.propagation_s + p.fec_latency_s).epsilon(1e-12));
    // The ring all-reduce by hand with that hop latency (Thakur et al. 2005), 8 devices, 2 GB.
    const double bw = 16.0 * p.max_rate_bps * (236.0 / 256.0) / 8.0;
    CHECK(p.sync_time_s[0] == Approx(2.0 * 7.0 / 8.0 * 2e9 / bw + 14.0 * p.latency_s).epsilon(1e-13));
    // The step: 2 ms of compute, half of the all-reduce hidden behind it (no more than the compute).
    const double t = p.sync_time_s[0];
    CHECK(p.step_time_s[0] == Approx(2e-3 + t - std::min(0.5 * t, 2e-3)).epsilon(1e-13));
  }
  // Naming a FEC the link does not run is refused: the FEC sets the BER target.
  const std::string wrong = replace_first(text, "alpha = \"1 us\"", "alpha = \"1 us\"\nencoding = { pam4 = \"rs544\" }");
  CHECK_THAT(errors_of(wrong), Catch::Contains("link[1].encoding.pam4 = \"rs544\"") && Catch::Contains("[signal] fec"));
  const std::string line = replace_first(text, "alpha = \"1 us\"", "alpha = \"1 us\"\nencoding = { nrz = \"128b130b\", pam4 = \"pcie6-flit\" }");
  CHECK(load_study_text(line, "s.toml", fs::current_path()).links[0].encoding_for(2).name == "128b130b");
}
