// The study file reader, and the study (workflows::run_study) on a small study file: loss grows
// and the maximum rate falls with length, capacity bounds the rate, and the all-reduce time is the
// alpha-beta formula written out here by hand; the HDF5 writer gives every dataset its units.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
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
  REQUIRE(s.links[0].energy_parts_j.size() == 1);  // energy_per_bit: one part, "link"
  CHECK(s.links[0].energy_parts_j[0].first == "link");
  CHECK(s.links[0].energy_parts_j[0].second == Approx(3.9e-12));
  CHECK(s.links[0].lanes_label == "x16");
  CHECK(s.links[1].energy_optics_model);  // "model": from the optical link's power
  CHECK(s.links[1].energy_part_names() == std::vector<std::string>{"laser", "modulator", "receiver"});
  // cpo-microring runs KP4 FEC: without an encoding the study takes it for both modulations.
  CHECK(s.links[1].encoding_for(2).name == "rs544");
  CHECK(s.links[1].encoding_for(4).efficiency == Approx(100.0 / 106.25));
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
  CHECK(d.links.size() == 8);  // one row family per interconnect option (docs/study.md)
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
        // The hop latency: alpha, flight time and the FEC (the optical preset's KP4; none on the copper).
        const double expect =
            2.0 * (n - 1.0) / n * bytes / bw + 2.0 * (n - 1.0) * (sl.alpha_s + p.propagation_s + p.fec_latency_s);
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

namespace {

// Options side by side (docs/study.md): a PCB route with packages and up to two retimers, and a
// co-packaged micro-ring lane with its energy parts, one beyond its reach at the longest length.
const char* kOptions = R"(name = "options"
[reach]
from = "30 cm"
to = "2 m"
points = 3

[[link]]
name = "pcb + retimers"
preset = "pcie5-pkg-link"
element = "system board"
lanes = 16
modulations = ["nrz"]
max_length = "1.2 m"
retimers = 2
retimer = { budget = "36 dB", latency = "10 ns", energy_per_bit = "5.4 pJ", source = "[retimer_pcie6_aries]" }
energy = { serdes = "3.9 pJ" }
serdes_latency = "10 ns"
lanes_per_mm = 1.0

[[link]]
name = "cpo ring"
preset = "cpo-mrm-200g"
element = "500 m SMF"
lanes = 8
max_symbol_rate = "112 GBd"
symbol_rate_source = "[serdes_baud_class] serdes_224g"
energy = { serdes = "2.29 pJ", optics = "model" }
lanes_per_laser = 4
serdes_latency = "10 ns"
lanes_per_mm = 3.94

[workload]
parameters = 1e9
devices = [8]
compute_time = "1 s"
)";

}  // namespace

TEST_CASE("Options side by side: retimer hops, energy parts, latency, density, reach and the winners", "[io][study][options]") {
  const Study s = load_study_text(kOptions, "s.toml", fs::current_path());
  REQUIRE(s.links.size() == 2);
  CHECK(s.links[0].retimers.max_count == 2);
  CHECK(s.links[0].energy_part_names() == std::vector<std::string>{"serdes", "retimers"});
  CHECK(s.links[1].energy_part_names() == std::vector<std::string>{"serdes", "laser", "modulator", "receiver"});
  CHECK(s.links[1].max_symbol_rate_baud == 112e9);
  const StudyResult r = run_study(s);
  const auto& pcb = r.links[0].points;
  const auto& cpo = r.links[1].points;
  REQUIRE(pcb.size() == 3);
  // The reach grid: 0.3, 0.775, 2 m. Retimer hops by hand: a hop's loss at 16 GHz is the fixed part
  // (packages, breakout, connector, add-in card) plus the system board's 1.592 dB/in
  // (`phylane loss --preset pcie5-pkg-link`, the system board at 16 GHz) over L / hops; the fixed
  // part is what the 0.3 m route loses beyond its 0.3 m of board.
  const double per_m = 1.592 / 0.0254;
  const double fixed = pcb[0].loss_db - per_m * 0.3;  // 0.3 m needs no retimer (checked next)
  auto hops_by_hand = [&](double len) {
    int k = 1;
    while (k <= 2 && fixed + per_m * len / k > 36.0) ++k;
    return k;
  };
  INFO("fixed part " << fixed << " dB");
  CHECK(fixed == Approx(9.5).margin(1.5));  // packages + 0.5 in breakout + connector + 3 in card
  CHECK(pcb[0].retimers == hops_by_hand(0.3) - 1);
  CHECK(pcb[0].retimers == 0);
  CHECK(pcb[1].retimers == hops_by_hand(s.reach_m[1]) - 1);
  CHECK(pcb[1].retimers == 1);  // 0.775 m: 9.5 + 48.6 dB in one hop, 9.5 + 24.3 dB in two
  CHECK(pcb[1].hop_length_m == Approx(s.reach_m[1] / 2.0).epsilon(1e-12));
  CHECK(pcb[1].loss_db == Approx(fixed + per_m * s.reach_m[1] / 2.0).margin(0.3));
  CHECK(pcb[1].loss_db <= 36.0);
  // 2 m is beyond max_length: not reachable, nothing computed, "-" in the table.
  CHECK_FALSE(pcb[2].reachable);
  CHECK(pcb[2].max_rate_bps == 0.0);
  CHECK(std::isnan(pcb[2].energy_per_bit_j));
  CHECK(std::isinf(pcb[2].sync_time_s[0]));
  // Energy per bit = the parts: 3.9 pJ SerDes + 5.4 pJ per retimer crossed (Aries 6: 11 W over
  // 16 lanes x 2 directions x 64 Gb/s = 5.37 pJ, interconnect_options.toml [retimer_pcie6_aries]).
  for (int k = 0; k < 2; ++k) {
    const auto& p = pcb[static_cast<std::size_t>(k)];
    INFO(p.length_m);
    REQUIRE(p.max_rate_bps > 0.0);
    REQUIRE(p.energy_part_j.size() == 2);
    CHECK(p.energy_part_j[0] == 3.9e-12);
    CHECK(p.energy_part_j[1] == Approx(p.retimers * 5.4e-12).epsilon(1e-12));
    CHECK(p.energy_per_bit_j == Approx(3.9e-12 + p.retimers * 5.4e-12).epsilon(1e-12));
    // PHY latency = SerDes 10 ns + retimers x 10 ns + FEC (none for NRZ) + flight time.
    CHECK(p.phy_latency_s == Approx(10e-9 + p.retimers * 10e-9 + p.fec_latency_s + p.propagation_s).epsilon(1e-12));
    CHECK(p.density_bps_per_mm == Approx(1.0 * p.max_rate_bps).epsilon(1e-12));
  }
  // A retimer gives the longer route back a rate near the short one's: the hop is shorter.
  CHECK(pcb[1].max_rate_bps > 0.7 * pcb[0].max_rate_bps);
  // The optical parts by hand from the preset (data/presets/cpo-mrm-200g.toml): laser 14.5 dBm =
  // 28.184 mW at 20 % wall-plug, shared by 4 lanes (35.23 mW); ring driver 1.44 pJ/b x 212.5 Gb/s
  // (Ma et al., interconnect_options.toml [mrm_driver_200g]) + 3.4 mW of tuning = 309 mW;
  // receiver 94 mW; each over the lane rate; plus the host SerDes's 2.29 pJ (Ye 2022).
  // The lane's rate is the 200G-class SerDes's ceiling: 112 GBd x log2(4) = 224 Gb/s PAM4
  // (NRZ: 112 Gb/s), since the optics carry more (253 Gb/s without the limit, docs/study.md).
  for (const auto& p : cpo) {
    INFO(p.length_m);
    REQUIRE(p.max_rate_bps > 0.0);
    CHECK(p.max_rate_bps == Approx(224e9).epsilon(1e-9));
    CHECK(p.max_rate_nrz_bps == Approx(112e9).epsilon(1e-9));
    CHECK(p.best_levels == 4);
    CHECK(p.symbol_rate_limited);
    const double laser = std::pow(10.0, 1.45) * 1e-3 / 0.2 / 4.0 / 224e9;
    const double modulator = (1.44e-12 * 212.5e9 + 3.4e-3) / 224e9;
    const double receiver = 94e-3 / 224e9;
    REQUIRE(p.energy_part_j.size() == 4);
    CHECK(p.energy_part_j[1] == Approx(laser).epsilon(1e-9));
    CHECK(p.energy_part_j[2] == Approx(modulator).epsilon(2e-3));  // the preset rounds 309.4 mW to 309 mW
    CHECK(p.energy_part_j[3] == Approx(receiver).epsilon(1e-9));
    CHECK(p.energy_per_bit_j == Approx(2.29e-12 + laser + modulator + receiver).epsilon(1e-3));
    CHECK(p.density_bps_per_mm == Approx(3.94 * p.max_rate_bps).epsilon(1e-12));
    CHECK(p.fec == "rs544");
  }
  // The function the study and the claims share: the same parts at another rate scale as 1 / rate,
  // and it refuses a rate or laser sharing that has no meaning.
  {
    const auto& o = *s.links[1].link->optical();
    const auto e = phylane::workflows::optical_energy_per_bit(o, 112e9, 4);
    CHECK(e.laser_j == Approx(2.0 * cpo[0].energy_part_j[1]).epsilon(1e-12));
    CHECK(e.total_j() == Approx(2.0 * (cpo[0].energy_per_bit_j - 2.29e-12)).epsilon(1e-12));
    CHECK_THROWS_WITH(phylane::workflows::optical_energy_per_bit(o, 0.0, 4), Catch::Contains("rate must be > 0"));
    CHECK_THROWS_WITH(phylane::workflows::optical_energy_per_bit(o, 1e9, 0), Catch::Contains("lanes_per_laser must be >= 1"));
  }
  // The winners are the best of the columns, among the options that reach.
  for (std::size_t k = 0; k < 3; ++k) {
    INFO(s.reach_m[k]);
    auto pick = [&](auto value, bool higher) {
      int w = -1;
      for (int i = 0; i < 2; ++i) {
        const auto& p = r.links[static_cast<std::size_t>(i)].points[k];
        if (!p.reachable || !(p.max_rate_bps > 0.0)) continue;
        if (w < 0) { w = i; continue; }
        const double a = value(p), b = value(r.links[static_cast<std::size_t>(w)].points[k]);
        if (higher ? a > b : a < b) w = i;
      }
      return w;
    };
    CHECK(r.winners.max_rate[k] == pick([](const auto& p) { return p.max_rate_bps; }, true));
    CHECK(r.winners.density[k] == pick([](const auto& p) { return p.density_bps_per_mm; }, true));
    CHECK(r.winners.energy[k] == pick([](const auto& p) { return p.energy_per_bit_j; }, false));
    CHECK(r.winners.latency[k] == pick([](const auto& p) { return p.phy_latency_s; }, false));
    CHECK(r.winners.step_time[0][k] == pick([](const auto& p) { return p.step_time_s[0]; }, false));
  }
  CHECK(r.winners.max_rate[2] == 1);  // only the optics reach 2 m
  CHECK(r.winners.density[0] == 1);   // 3.94 lanes/mm of fibre against 1 lane/mm of copper escape

  // JSON and HDF5 carry the new columns and the winners.
  std::ostringstream js;
  write_study_json(js, s, r);
  CHECK_THAT(js.str(), Catch::Contains("\"winners\"") && Catch::Contains("\"density_bps_per_mm\"") &&
                           Catch::Contains("\"energy_parts_j\"") && Catch::Contains("\"reachable\": false"));
  const auto file = fs::temp_directory_path() / "phylane_study_options_test.h5";
  write_study_hdf5(file, s, r);
  hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const auto all = phylane::test::list_datasets(f);
  H5Fclose(f);
  std::vector<std::string> paths;
  for (const auto& d : all) {
    paths.push_back(d.path);
    INFO(d.path);
    CHECK(d.units.has_value());
  }
  for (const char* want : {"winners/energy", "winners/step_time", "links/0/phy_latency_s", "links/0/density_bps_per_mm",
                           "links/0/energy_parts/retimers_j", "links/1/energy_parts/laser_j", "links/1/energy_parts/modulator_j",
                           "links/1/energy_parts/receiver_j", "links/0/retimers", "links/1/symbol_rate_limited"})
    CHECK(std::find(paths.begin(), paths.end(), want) != paths.end());
  fs::remove(file);
}

TEST_CASE("Bad option settings are reported with file, line, key, value and what is allowed", "[io][study][options]") {
  const std::string t = kOptions;
  // An unknown option (preset).
  CHECK_THAT(errors_of(replace_first(t, "preset = \"cpo-mrm-200g\"", "preset = \"cpo-quantum\"")),
             Catch::Contains("s.toml:") && Catch::Contains("link[2].preset") && Catch::Contains("cpo-quantum"));
  // Retimers on an optical link.
  CHECK_THAT(errors_of(replace_first(t, "lanes = 8\n", "lanes = 8\nretimers = 1\n")),
             Catch::Contains("link[2].retimers = 1") && Catch::Contains("optical link"));
  // Negative or out-of-range counts.
  CHECK_THAT(errors_of(replace_first(t, "retimers = 2", "retimers = -1")),
             Catch::Contains("s.toml:") && Catch::Contains("link[1].retimers = -1") && Catch::Contains("between 0 and 16"));
  CHECK_THAT(errors_of(replace_first(t, "lanes_per_laser = 4", "lanes_per_laser = 0")),
             Catch::Contains("link[2].lanes_per_laser = 0") && Catch::Contains("from 1 to 1024"));
  CHECK_THAT(errors_of(replace_first(t, "lanes_per_mm = 3.94", "lanes_per_mm = -2")),
             Catch::Contains("link[2].lanes_per_mm = -2") && Catch::Contains("positive"));
  CHECK_THAT(errors_of(replace_first(t, "max_length = \"1.2 m\"", "max_length = \"-1 m\"")), Catch::Contains("link[1].max_length"));
  // Retimers without their figures; an energy part that is not one; optics "model" on copper.
  CHECK_THAT(errors_of(replace_first(t, "retimer = { budget = \"36 dB\", ", "retimer = { ")),
             Catch::Contains("link[1].retimer.budget"));
  CHECK_THAT(errors_of(replace_first(t, "energy = { serdes = \"3.9 pJ\" }", "energy = { sedres = \"3.9 pJ\" }")),
             Catch::Contains("link[1].energy.sedres"));
  CHECK_THAT(errors_of(replace_first(t, "energy = { serdes = \"3.9 pJ\" }", "energy = { optics = \"model\" }")),
             Catch::Contains("link[1].energy.optics") && Catch::Contains("needs an optical link"));
  CHECK_THAT(errors_of(replace_first(t, "modulations = [\"nrz\"]", "modulations = [\"qam16\"]")),
             Catch::Contains("link[1].modulations = \"qam16\"") && Catch::Contains("pam4"));
  CHECK_THAT(errors_of(replace_first(t, "lanes = 8\n", "lanes = 8\nmax_rate = \"400 GHz\"\n")), Catch::Contains("link[2].max_rate"));
  // A symbol-rate limit that is not a rate, or out of range; its source without it.
  CHECK_THAT(errors_of(replace_first(t, "max_symbol_rate = \"112 GBd\"", "max_symbol_rate = \"112 GHz\"")),
             Catch::Contains("s.toml:") && Catch::Contains("link[2].max_symbol_rate"));
  CHECK_THAT(errors_of(replace_first(t, "max_symbol_rate = \"112 GBd\"", "max_symbol_rate = \"0 GBd\"")),
             Catch::Contains("link[2].max_symbol_rate = \"0 GBd\""));
  CHECK_THAT(errors_of(replace_first(t, "max_symbol_rate = \"112 GBd\"\n", "")),
             Catch::Contains("link[2].symbol_rate_source") && Catch::Contains("only with max_symbol_rate"));
}

namespace {

// The default study's WDM micro-ring option (data/studies/default.toml): NRZ only, at most 32 GBd
// (interconnect_options.toml [wdm_ring_driver_class]), and the same lane without the limit.
const char* kWdm = R"(name = "wdm"
[reach]
from = "3 m"
to = "10 m"
points = 2

[[link]]
name = "wdm ring, driver class"
preset = "cpo-microring"
element = "3 m SMF"
modulations = ["nrz"]
max_symbol_rate = "32 GBd"
symbol_rate_source = "[wdm_ring_driver_class]"
lanes = 16
energy = { link = "8.16 pJ" }
lanes_per_mm = 63.0

[[link]]
name = "wdm ring, optics alone"
preset = "cpo-microring"
element = "3 m SMF"
modulations = ["nrz"]
lanes = 16
energy = { link = "8.16 pJ" }
lanes_per_mm = 63.0

[workload]
parameters = 1e9
devices = [8]
)";

}  // namespace

TEST_CASE("The WDM micro-ring lane stops at its driver class's 32 GBd NRZ, its optics alone carry more",
          "[io][study][options]") {
  const Study s = load_study_text(kWdm, "w.toml", fs::current_path());
  REQUIRE(s.links.size() == 2);
  CHECK(s.links[0].max_symbol_rate_baud == 32e9);
  const StudyResult r = run_study(s);
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& limited = r.links[0].points[k];
    const auto& optics = r.links[1].points[k];
    INFO(limited.length_m);
    // NRZ carries one bit per symbol: the ceiling is 32 GBd x log2(2) = 32 Gb/s, and PAM4 is not
    // searched (the class's CMOS ring drivers are binary).
    CHECK(limited.max_rate_bps == Approx(32e9).epsilon(1e-9));
    CHECK(limited.best_levels == 2);
    CHECK(limited.max_rate_pam4_bps == 0.0);
    CHECK(limited.symbol_rate_limited);
    // The limit bounds the search and never replaces it: the optics of the preset (52 GHz ring,
    // 50 GHz photodiode, 42 GHz TIA; its demux modelled by loss and crosstalk only) carry more.
    CHECK(optics.max_rate_bps > 1.5 * limited.max_rate_bps);
    CHECK_FALSE(optics.symbol_rate_limited);
    // Density and energy by hand: 63 lanes per mm (16 wavelengths per 127 um fibre pair) x 32 Gb/s;
    // TeraPHY 5.56 pJ/b + laser 25 mW / 0.3 / 32 Gb/s = 2.604 pJ/b.
    CHECK(limited.density_bps_per_mm == Approx(63.0 * 32e9).epsilon(1e-12));
    CHECK(5.56e-12 + 25e-3 / 0.3 / 32e9 == Approx(8.16e-12).epsilon(1e-3));
    CHECK(limited.energy_per_bit_j == Approx(8.16e-12).epsilon(1e-12));
  }
}

TEST_CASE("The LPO module's power, like for like with the published module figures", "[io][study][options]") {
  // docs/study.md "Energy per bit against published figures": the published LPO figures are module
  // powers per 800G module (8 lanes of 106.25 Gb/s), without the host SerDes. The model's module
  // at that rate, by hand from the cited parts of data/presets/lpo-100g-lane.toml: a 15 dBm CW
  // laser at 20 % wall-plug shared by 4 lanes (39.53 mW), the linear MZM driver 2 pJ/b x
  // 106.25 Gb/s (213 mW, Zhang 2025), the linear TIA 47 mW (Patel 2022), per lane.
  const Study s = load_study_text(R"(name = "lpo"
[[link]]
name = "lpo"
preset = "lpo-100g-lane"
element = "500 m SMF"
energy = { serdes = "2.29 pJ", optics = "model" }
lanes_per_laser = 4
[workload]
parameters = 1e9
devices = [8]
)",
                                  "l.toml", fs::current_path());
  const auto& o = *s.links[0].link->optical();
  const double rate = 106.25e9;
  const auto e = phylane::workflows::optical_energy_per_bit(o, rate, 4);
  const double laser_w = std::pow(10.0, 1.5) * 1e-3 / 0.2 / 4.0;
  CHECK(e.laser_j * rate == Approx(laser_w).epsilon(1e-9));
  CHECK(e.modulator_j * rate == Approx(213e-3).epsilon(1e-9));
  CHECK(e.receiver_j * rate == Approx(47e-3).epsilon(1e-9));
  const double module_w = 8.0 * e.total_j() * rate;
  CHECK(module_w == Approx(8.0 * (laser_w + 213e-3 + 47e-3)).epsilon(1e-9));
  CHECK(module_w == Approx(2.396).epsilon(1e-3));
  // Against the published 5-8 W (Gazettabyte) and 8-9 W (Axiom) per 800G module: 0.27-0.48,
  // outside the factor 1.5 of issue 18 (docs/study.md lists what the model lacks).
  CHECK(module_w / 5.0 == Approx(0.479).epsilon(2e-3));
  CHECK(module_w / 9.0 == Approx(0.266).epsilon(2e-3));
}
