// System files for `phylane throughput` (io/system.hpp) and their evaluation
// (workflows/throughput.hpp): every key, defaults, messages, and the figures checked by hand.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/system.hpp"
#include "workflows/throughput.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane;
using namespace phylane::io;
namespace fs = std::filesystem;

namespace {

// Two links given by their rates, so the figures below are arithmetic on the file's numbers.
const char* const kSystem = R"(title = "hand check"
description = "two links"
baseline = "pcie5"

[[link]]
name = "pcie5"
lanes = 16
rate = "32 GT/s"
encoding = "128b130b"
alpha = "5.7 us"
energy_per_bit = "3.9 pJ/bit"

[[link]]
name = "dr4"
lanes = 4
rate = "106.25 Gb/s"
encoding = "rs544"
alpha = "5.715 us"
energy_per_bit = "28.2 pJ"

[workload]
parameters = 70e9
bytes_per_parameter = 2
devices = [8, 64]
)";

System load(const std::string& text) { return load_system_text(text, "sys.toml", fs::current_path()); }

// All diagnostics of a system text, joined, or "" when it loads.
std::string errors_of(const std::string& text) {
  return phylane::test::input_errors([&] { load(text); });
}

using phylane::test::replace_first;

// One edit of kSystem (the first `from` becomes `to`) and what its diagnostics must say.
struct BadEdit {
  std::string from, to;
  std::vector<std::string> says;
};

// Each edit of kSystem, loaded on its own, reports every one of its `says`.
void check_edits(const std::vector<BadEdit>& edits) {
  for (const auto& e : edits) {
    INFO(e.from << " -> " << e.to);
    const std::string errors = errors_of(replace_first(kSystem, e.from, e.to));
    for (const auto& said : e.says) CHECK_THAT(errors, Catch::Contains(said));
  }
}

}  // namespace

// ---- reader ------------------------------------------------------------------------------------

TEST_CASE("A system file reads every key of its links and workload", "[io][system][unit]") {
  const System s = load(R"(title = "all keys"
description = "every key set"
baseline = "b"

[[link]]
name = "a"
lanes = 8
direction = "shared"
rate = "25.78125 Gb/s"
encoding = "rs528"
alpha = "1 us"
energy_per_bit = "60 fJ/b"

[[link]]
name = "b"
lanes = 2
direction = "each"
rate = "10 Gb/s"
efficiency = 0.75
alpha = "0 s"

[workload]
parameters = "1e9"
bytes_per_parameter = 4
devices = 16
collective = "reduce-scatter"
algorithm = "ring"
compute_time = "250 ms"
overlap = 0.25
)");
  CHECK(s.source == "sys.toml");
  CHECK(s.title == "all keys");
  CHECK(s.description == "every key set");
  REQUIRE(s.links.size() == 2);
  CHECK(s.baseline == 1);
  const LinkSpec& a = s.links[0];
  CHECK(a.name == "a");
  CHECK(a.lanes == 8);
  CHECK(a.direction == LaneDirection::shared);
  CHECK(a.lanes_per_direction() == 4.0);
  REQUIRE(a.lane_rate_bps);
  CHECK(*a.lane_rate_bps == 25.78125e9);
  CHECK_FALSE(a.channel);
  CHECK(a.encoding.name == "rs528");
  CHECK(a.encoding.efficiency == Approx(25.0 / 25.78125).epsilon(1e-15));
  CHECK(a.alpha_s == Approx(1e-6).epsilon(1e-15));
  REQUIRE(a.energy_per_bit_j);
  CHECK(*a.energy_per_bit_j == Approx(60e-15).epsilon(1e-15));
  const LinkSpec& b = s.links[1];
  CHECK(b.direction == LaneDirection::each);
  CHECK(b.lanes_per_direction() == 2.0);
  CHECK(b.encoding.name == "custom");
  CHECK(b.encoding.efficiency == 0.75);
  CHECK(b.alpha_s == 0.0);
  CHECK_FALSE(b.energy_per_bit_j);
  const Workload& w = s.workload;
  CHECK(w.parameters == 1e9);
  CHECK(w.bytes_per_parameter == 4.0);
  CHECK(w.message_bytes() == 4e9);
  CHECK(w.devices == std::vector<int>{16});
  CHECK(w.collective == solvers::Collective::reduce_scatter);
  CHECK(w.algorithm == solvers::Algorithm::ring);
  REQUIRE(w.compute_time_s);
  CHECK(*w.compute_time_s == Approx(0.25).epsilon(1e-15));
  CHECK(w.overlap == 0.25);
}

TEST_CASE("A minimal system file takes the documented defaults", "[io][system][unit]") {
  const System s = load(R"([[link]]
name = "x"
lanes = 1
rate = "1 Gb/s"
encoding = "none"
alpha = "0 s"
[workload]
parameters = 1000
devices = [2]
)");
  REQUIRE(s.links.size() == 1);
  CHECK(s.title.empty());
  CHECK(s.baseline == 0);
  CHECK(s.links[0].direction == LaneDirection::each);
  CHECK(s.links[0].encoding.efficiency == 1.0);
  CHECK_FALSE(s.links[0].energy_per_bit_j);
  CHECK(s.links[0].modulations == std::vector<int>{2, 4});
  CHECK(s.workload.bytes_per_parameter == 2.0);
  CHECK(s.workload.collective == solvers::Collective::all_reduce);
  CHECK(s.workload.algorithm == solvers::Algorithm::ring);
  CHECK_FALSE(s.workload.compute_time_s);
  CHECK(s.workload.overlap == 0.0);
  // Defaults are written out, so a result file records every assumption.
  for (const char* key : {"direction = ", "bytes_per_parameter = 2", "collective = ", "algorithm = ", "baseline = "})
    CHECK_THAT(s.resolved_toml, Catch::Contains(key));
}

TEST_CASE("The resolved system reloads to the same system", "[io][system][property]") {
  for (const std::string& name : system_names()) {
    INFO(name);
    const System a = load_embedded_system(name);
    const System b = load_system_text(a.resolved_toml, "resolved.toml", fs::current_path());
    REQUIRE(a.links.size() == b.links.size());
    CHECK(a.baseline == b.baseline);
    for (std::size_t i = 0; i < a.links.size(); ++i) {
      CHECK(a.links[i].name == b.links[i].name);
      CHECK(a.links[i].lanes == b.links[i].lanes);
      CHECK(a.links[i].lane_rate_bps == b.links[i].lane_rate_bps);
      CHECK(a.links[i].encoding.efficiency == b.links[i].encoding.efficiency);
      CHECK(a.links[i].alpha_s == b.links[i].alpha_s);
      CHECK(a.links[i].energy_per_bit_j == b.links[i].energy_per_bit_j);
      CHECK(static_cast<bool>(a.links[i].channel) == static_cast<bool>(b.links[i].channel));
    }
    CHECK(a.workload.devices == b.workload.devices);
    CHECK(a.workload.message_bytes() == b.workload.message_bytes());
    CHECK(a.workload.compute_time_s == b.workload.compute_time_s);
  }
}

TEST_CASE("The embedded default system loads", "[io][system][regression]") {
  const auto names = system_names();
  REQUIRE(std::find(names.begin(), names.end(), default_system_name()) != names.end());
  const System s = load_embedded_system(default_system_name());
  CHECK(s.source == "system:" + default_system_name());
  CHECK(s.links.size() >= 2);
  CHECK_THROWS_WITH(load_embedded_system("pcie-vs-photonik"), Catch::Contains("did you mean \"pcie-vs-photonic\""));
}

TEST_CASE("rate = \"max\" takes the channel from a preset or a config file", "[io][system][unit]") {
  const std::string link_max = R"([[link]]
name = "cpo"
lanes = 16
rate = "max"
preset = "cpo-microring"
modulations = ["nrz"]
encoding = "none"
alpha = "5.715 us"
[workload]
parameters = 70e9
devices = [8]
)";
  const System s = load(link_max);
  REQUIRE(s.links[0].channel);
  CHECK_FALSE(s.links[0].lane_rate_bps);
  CHECK(s.links[0].modulations == std::vector<int>{2});
  CHECK(s.links[0].channel->source == load_preset("cpo-microring").source);
  CHECK_THAT(s.resolved_toml, Catch::Contains("preset = ") && Catch::Contains("rate = 'max'"));

  // config = "FILE" resolves against the system file's folder.
  const fs::path dir = phylane::test::temp_dir("system_config");  // per process: parallel runs do not collide
  std::ofstream(dir / "link.toml") << load_preset("cpo-microring").resolved_toml;
  const std::string with_config = replace_first(link_max, "preset = \"cpo-microring\"", "config = \"link.toml\"");
  const System c = load_system_text(with_config, "sys.toml", dir);
  REQUIRE(c.links[0].channel);
  CHECK_THAT(c.links[0].channel->source, Catch::Contains("link.toml"));

  // A channel config with errors: this file's line, then the config's own diagnostics.
  std::ofstream(dir / "broken.toml") << "[channel]\ntype = \"warp\"\n";
  const std::string broken = replace_first(link_max, "preset = \"cpo-microring\"", "config = \"broken.toml\"");
  try {
    load_system_text(broken, "sys.toml", dir);
    FAIL("a broken channel config must be an input error");
  } catch (const InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("sys.toml:5:10: link[1].config = \"broken.toml\": the channel config has errors") &&
                                          Catch::Contains("broken.toml:2:"));
  }
  fs::remove_all(dir);
}

TEST_CASE("Bad system files name the file, line, column, key, value and what is allowed", "[io][system][unit]") {
  // lanes = 0, an unknown encoding, a rate with the wrong unit, one device, all reported at once.
  std::string bad = replace_first(kSystem, "lanes = 16", "lanes = 0");
  bad = replace_first(bad, "encoding = \"128b130b\"", "encoding = \"128b132b\"");
  bad = replace_first(bad, "rate = \"106.25 Gb/s\"", "rate = \"106.25 GHz\"");
  bad = replace_first(bad, "devices = [8, 64]", "devices = [1]");
  const std::string e = errors_of(bad);
  CHECK_THAT(e, Catch::Contains("sys.toml:7:9: link[1].lanes = 0: must be a whole number from 1 to 1024"));
  CHECK_THAT(e, Catch::Contains("sys.toml:9:12: link[1].encoding = \"128b132b\": must be one of: none, 8b10b, 128b130b, "
                                "pcie6-flit, 64b66b, rs528, rs544; or efficiency"));
  CHECK_THAT(e, Catch::Contains("sys.toml:16:8: link[2].rate = \"106.25 GHz\": \"GHz\" is not a unit of data rate"));
  CHECK_THAT(e, Catch::Contains("sys.toml:24:11: workload.devices = [ 1 ]: must be a device count") &&
                    Catch::Contains("from 2 to 1000000"));

  // Wrong units and forms of the other quantities.
  check_edits({
      {"alpha = \"5.7 us\"", "alpha = \"5.7 m\"", {"sys.toml:10:9: link[1].alpha = \"5.7 m\": \"m\" is not a unit of time"}},
      {"alpha = \"5.7 us\"", "alpha = \"-1 us\"", {"link[1].alpha = \"-1 us\": must be a non-negative time"}},
      {"\"3.9 pJ/bit\"", "\"3.9 pW\"", {"sys.toml:11:18: link[1].energy_per_bit = \"3.9 pW\": \"pW\" is not a unit of energy", "pJ/bit"}},
      {"\"3.9 pJ/bit\"", "3.9", {"link[1].energy_per_bit = 3.9: needs a unit, written as a string"}},
      {"\"3.9 pJ/bit\"", "\"0 pJ\"", {"link[1].energy_per_bit = \"0 pJ\": must be a positive energy"}},
      {"rate = \"32 GT/s\"", "rate = \"32 GBd\"", {"link[1].rate = \"32 GBd\": is a symbol rate: give the lane's modulation"}},
      {"rate = \"32 GT/s\"", "rate = 32", {"link[1].rate = 32: must be a string"}},
      {"encoding = \"rs544\"", "efficiency = 1.5", {"link[2].efficiency = 1.5: must be a number above 0 to 1"}},
      {"encoding = \"rs544\"", "encoding = \"rs544\"\nefficiency = 0.9", {"link[2].efficiency = 0.9: give either encoding (a name) or efficiency (a number), not both"}},
      {"lanes = 4", "lanes = 3\ndirection = \"shared\"", {"link[2].lanes = 3: must be even with direction = \"shared\""}},
      {"lanes = 4", "lanes = 4\ndirection = \"both\"", {"link[2].direction = \"both\": must be one of: each", "shared"}},
      {"lanes = 4", "lanes = 2.5", {"link[2].lanes = 2.5: must be a whole number"}},
      {"name = \"dr4\"", "name = \"pcie5\"", {"link[2].name = \"pcie5\": is already the name of another link"}},
      {"name = \"dr4\"", "name = \"dr 4\"", {"link[2].name = \"dr 4\": must be a name of letters, digits"}},
      {"baseline = \"pcie5\"", "baseline = \"pcie4\"", {"sys.toml:3:12: baseline = \"pcie4\": must name one of the links (pcie5, dr4)"}},
  });

  // The workload.
  check_edits({
      {"parameters = 70e9", "parameters = 0", {"workload.parameters = 0: must be a number of model parameters >= 1"}},
      {"parameters = 70e9", "parameters = \"70 billion\"", {"workload.parameters = \"70 billion\": must be a number of model parameters"}},
      {"bytes_per_parameter = 2", "bytes_per_parameter = -2", {"workload.bytes_per_parameter = -2: must be a positive number"}},
      {"devices = [8, 64]", "devices = [8, 8]", {"workload.devices = [ 8, 8 ]: must be a device count or a non-empty list of different ones"}},
      {"devices = [8, 64]", "devices = []", {"workload.devices = []: must be a device count or a non-empty list"}},
      {"devices = [8, 64]", "devices = [8]\ncollective = \"broadcast\"", {"workload.collective = \"broadcast\": must be one of: all_reduce, reduce_scatter, all_gather"}},
      {"devices = [8, 64]", "devices = [8]\ncollective = \"all_gather\"\nalgorithm = \"tree\"", {"workload.algorithm = \"tree\": tree applies to all_reduce only"}},
      {"devices = [8, 64]", "devices = [8]\noverlap = 0.5", {"workload.overlap = 0.5: needs compute_time"}},
      {"devices = [8, 64]", "devices = [8]\ncompute_time = \"1 s\"\noverlap = 2", {"workload.overlap = 2: must be a number from 0 to 1"}},
      {"devices = [8, 64]", "devices = [8]\ncompute_time = \"15 GHz\"", {"workload.compute_time = \"15 GHz\": \"GHz\" is not a unit of time"}},
  });

  // Syntax errors keep their position.
  CHECK_THAT(errors_of("lanes = = 3\n"), Catch::Contains("sys.toml:1:9: TOML syntax error"));
}

TEST_CASE("Missing keys in a system file are named with what they need", "[io][system][unit]") {
  const std::string e = errors_of("[[link]]\n[workload]\n");
  for (const char* key : {"link[1].name: missing required key", "link[1].lanes: missing required key (a whole number of lanes",
                          "link[1].rate: missing required key (a per-lane line rate", "link[1].encoding: missing required key",
                          "link[1].alpha: missing required key (the per-hop latency", "workload.parameters: missing required key",
                          "workload.devices: missing required key"})
    CHECK_THAT(e, Catch::Contains(std::string("sys.toml:1:1: ") + key) || Catch::Contains(std::string("sys.toml:2:1: ") + key));
  const std::string none = errors_of("title = \"empty\"\n");
  CHECK_THAT(none, Catch::Contains("link: missing required [[link]] table") &&
                       Catch::Contains("workload: missing required [workload] table"));
  CHECK_THAT(errors_of("link = []\n[workload]\nparameters = 1\ndevices = 2\n"),
             Catch::Contains("sys.toml:1:8: link = []: needs at least one [[link]]"));
}

TEST_CASE("Unknown keys in a system file are errors with a did-you-mean", "[io][system][unit]") {
  check_edits({
      {"lanes = 16", "lanes = 16\nlane = 8", {"sys.toml:8:8: link[1].lane = 8: unknown key; did you mean \"lanes\"?"}},
      {"devices = [8, 64]", "devices = [8, 64]\ncolective = \"all_reduce\"", {"workload.colective = \"all_reduce\": unknown key; did you mean \"collective\"?"}},
      {"title = \"hand check\"", "titel = \"hand check\"", {"titel = \"hand check\": unknown key; did you mean \"title\"?"}},
  });
}

TEST_CASE("rate = \"max\" keys are checked", "[io][system][unit]") {
  // The channel keys apply only to a searched rate; a searched rate needs exactly one channel.
  check_edits({
      {"lanes = 4", "lanes = 4\npreset = \"dr4-400g-lane\"", {"link[2].preset = \"dr4-400g-lane\": applies only with rate = \"max\""}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"", {"link[2].rate = \"max\": \"max\" needs the channel to search: config = "}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"\npreset = \"dr4-400g-lane\"\nconfig = \"x.toml\"", {"give either config or preset, not both"}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"\npreset = \"dr4-400g\"", {"link[2].preset = \"dr4-400g\": unknown preset", "did you mean \"dr4-400g-lane\"?"}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"\npreset = \"fr4-consumer\"", {"link[2].preset = \"fr4-consumer\": the channel has no [signal] section"}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"\nconfig = \"no-such-link.toml\"", {"link[2].config = \"no-such-link.toml\": no such file", "paths are relative to the system file"}},
      {"rate = \"106.25 Gb/s\"", "rate = \"max\"\npreset = \"dr4-400g-lane\"\nmodulations = [\"qam16\"]", {"link[2].modulations = [ 'qam16' ]: must be a non-empty list of nrz, pam4, pam8 or pam16"}},
  });
}

// ---- evaluation --------------------------------------------------------------------------------

TEST_CASE("Link bandwidth is lanes x rate x efficiency / 8 with 1 GB = 1e9 B, per direction", "[io][system][reference]") {
  const workflows::SystemResult r = workflows::evaluate_system(load(kSystem));
  REQUIRE(r.links.size() == 2);
  // PCIe 5.0 x16: 16 x 32e9 x 128/130 / 8 = 63.015 GB/s per direction (PCI-SIG; data/standards/pcie.toml
  // [pcie5] per_lane_throughput = 3.938 GB/s x 16). By hand: 64e9 x 128 / 130 = 63015384615.38... B/s.
  CHECK(r.links[0].payload_bandwidth_bytes_per_s == Approx(64e9 * 128.0 / 130.0).epsilon(1e-15));
  CHECK(r.links[0].payload_bandwidth_bytes_per_s == Approx(63.015e9).epsilon(1e-5));  // the figure quoted to 5 digits
  CHECK(r.links[0].line_rate_bps == 512e9);
  // 400GBASE-DR4: 4 x 106.25 Gb/s of line rate carry the 400 Gb/s MAC rate (IEEE 802.3 cl. 119) = 50e9 B/s.
  CHECK(r.links[1].payload_bandwidth_bytes_per_s == Approx(50e9).epsilon(1e-15));
  CHECK(r.message_bytes == 140e9);

  // Shared lanes carry half each way: 8 lanes shared = 4 per direction.
  const workflows::SystemResult sh = workflows::evaluate_system(load(replace_first(kSystem, "lanes = 4", "lanes = 8\ndirection = \"shared\"")));
  CHECK(sh.links[1].lanes_per_direction == 4.0);
  CHECK(sh.links[1].payload_bandwidth_bytes_per_s == Approx(50e9).epsilon(1e-15));
  // A custom efficiency: 2 lanes x 10 Gb/s x 0.75 / 8 = 1.875e9 B/s.
  const workflows::SystemResult cu =
      workflows::evaluate_system(load(replace_first(replace_first(kSystem, "lanes = 4", "lanes = 2"), "rate = \"106.25 Gb/s\"\nencoding = \"rs544\"",
                                   "rate = \"10 Gb/s\"\nefficiency = 0.75")));
  CHECK(cu.links[1].payload_bandwidth_bytes_per_s == Approx(1.875e9).epsilon(1e-15));
}

TEST_CASE("Ring all-reduce per step is 2(n-1)/n S/B + 2(n-1) alpha exactly", "[io][system][reference]") {
  const workflows::SystemResult r = workflows::evaluate_system(load(kSystem));
  const auto& p = r.links[0].points;
  REQUIRE(p.size() == 2);
  // By hand, S = 70e9 x 2 B = 140e9 B, B = 64e9 x 128/130 B/s, alpha = 5.7 us:
  //   n = 8:  1.75 x 140e9 / B = 245 x 130 / (64 x 128) = 31850 / 8192 = 3.887939453125 s; 14 alpha = 7.98e-5 s.
  //   n = 64: 1.96875 x 140e9 / B = 35831.25 / 8192 = 4.373931884765625 s; 126 alpha = 7.182e-4 s.
  CHECK(p[0].devices == 8);
  CHECK(p[0].bandwidth_time_s == Approx(3.887939453125).epsilon(1e-15));
  CHECK(p[0].latency_time_s == Approx(7.98e-5).epsilon(1e-14));
  CHECK(p[0].time_s == Approx(3.887939453125 + 7.98e-5).epsilon(1e-15));
  CHECK(p[0].bus_factor == 1.75);
  CHECK(p[1].devices == 64);
  CHECK(p[1].time_s == Approx(4.373931884765625 + 7.182e-4).epsilon(1e-15));
  CHECK(p[1].latency_time_s == Approx(7.182e-4).epsilon(1e-14));
  // NCCL (nccl-tests doc/PERFORMANCE.md): algBw = S / t, busBw = algBw x 2(n-1)/n.
  CHECK(p[0].algorithm_bandwidth_bytes_per_s == Approx(140e9 / (3.887939453125 + 7.98e-5)).epsilon(1e-15));
  CHECK(p[0].bus_bandwidth_bytes_per_s == Approx(1.75 * 140e9 / (3.887939453125 + 7.98e-5)).epsilon(1e-15));
  // DR4, B = 50e9 B/s, alpha = 5.715 us: n = 8: 245e9 / 50e9 + 14 x 5.715e-6 = 4.9 + 8.001e-5 s.
  CHECK(r.links[1].points[0].time_s == Approx(4.9 + 8.001e-5).epsilon(1e-15));
}

TEST_CASE("Bus bandwidth equals the link bandwidth when alpha is zero", "[io][system][property]") {
  // With no latency the ring is bandwidth-bound and NCCL's busBw is the link's own bandwidth.
  const workflows::SystemResult r =
      workflows::evaluate_system(load(replace_first(replace_first(kSystem, "alpha = \"5.7 us\"", "alpha = \"0 s\""), "alpha = \"5.715 us\"", "alpha = \"0 s\"")));
  for (const auto& l : r.links)
    for (const auto& p : l.points) CHECK(p.bus_bandwidth_bytes_per_s == Approx(l.payload_bandwidth_bytes_per_s).epsilon(1e-14));
}

TEST_CASE("Tree all-reduce and ring reduce-scatter / all-gather follow their step counts", "[io][system][reference]") {
  // Tree all-reduce, n = 8: 2 ceil(log2 8) = 6 latency steps, the same 1.75 S/B (double binary tree).
  const workflows::SystemResult t = workflows::evaluate_system(load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\nalgorithm = \"tree\"")));
  CHECK(t.links[0].points[0].latency_time_s == Approx(6 * 5.7e-6).epsilon(1e-14));
  CHECK(t.links[0].points[0].time_s == Approx(3.887939453125 + 6 * 5.7e-6).epsilon(1e-15));
  // Ring reduce-scatter, n = 8: 7 alpha + 7/8 S/B = 3.887939453125 / 2 + 7 x 5.7e-6; each device
  // sends 7/8 S, so the n devices send (n-1) S = 980e9 B.
  const workflows::SystemResult rs =
      workflows::evaluate_system(load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\ncollective = \"reduce_scatter\"")));
  const auto& p = rs.links[0].points[0];
  CHECK(p.bus_factor == 0.875);
  CHECK(p.time_s == Approx(3.887939453125 / 2 + 7 * 5.7e-6).epsilon(1e-15));
  CHECK(p.wire_bytes == Approx(980e9).epsilon(1e-15));
  const workflows::SystemResult ag = workflows::evaluate_system(load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\ncollective = \"all-gather\"")));
  CHECK(ag.links[0].points[0].time_s == Approx(p.time_s).epsilon(1e-15));
}

TEST_CASE("Energy per step is the line bits sent in the step times the energy per bit", "[io][system][reference]") {
  const workflows::SystemResult r = workflows::evaluate_system(load(kSystem));
  // Ring all-reduce on n = 8: each device sends 2(n-1)/n S, all n together 2 x 7 x 140e9 = 1.96e12 B of
  // payload = 1.568e13 payload bits = 1.568e13 x 130/128 = 1.5925e13 line bits; x 3.9 pJ = 62.1075 J.
  const auto& p = r.links[0].points[0];
  CHECK(p.wire_bytes == Approx(1.96e12).epsilon(1e-15));
  REQUIRE(p.energy_j);
  CHECK(*p.energy_j == Approx(62.1075).epsilon(1e-14));
  // n = 64: 2 x 63 x 140e9 = 1.764e13 B -> x 8 x 130/128 x 3.9e-12 = 558.9675 J.
  REQUIRE(r.links[0].points[1].energy_j);
  CHECK(*r.links[0].points[1].energy_j == Approx(558.9675).epsilon(1e-14));
  // DR4, n = 8: 1.568e13 x 106.25/100 = 1.666e13 line bits x 28.2 pJ = 469.812 J.
  REQUIRE(r.links[1].points[0].energy_j);
  CHECK(*r.links[1].points[0].energy_j == Approx(469.812).epsilon(1e-14));
  // No energy per bit, no energy.
  const workflows::SystemResult none = workflows::evaluate_system(load(replace_first(kSystem, "energy_per_bit = \"28.2 pJ\"\n", "")));
  CHECK_FALSE(none.links[1].points[0].energy_j);
  CHECK(none.comparison[1].energy_ratio.empty());
}

TEST_CASE("Links are compared with the baseline", "[io][system][reference]") {
  const workflows::SystemResult r = workflows::evaluate_system(load(kSystem));
  REQUIRE(r.comparison.size() == 2);
  CHECK(r.baseline == 0);
  const workflows::LinkComparison& base = r.comparison[0];
  CHECK(base.lane_rate_ratio == 1.0);
  CHECK(base.bandwidth_ratio == 1.0);
  CHECK(base.speedup == std::vector<double>{1.0, 1.0});
  const workflows::LinkComparison& c = r.comparison[1];
  CHECK(c.name == "dr4");
  // By hand: 106.25 / 32 = 3.3203125; 50e9 / (64e9 x 128/130) = 6500 / 8192 = 0.79345703125.
  CHECK(c.lane_rate_ratio == Approx(3.3203125).epsilon(1e-15));
  CHECK(c.bandwidth_ratio == Approx(0.79345703125).epsilon(1e-15));
  // Speedup = baseline time / this time (< 1: slower); energy ratio = this / baseline.
  CHECK(c.speedup[0] == Approx((3.887939453125 + 7.98e-5) / (4.9 + 8.001e-5)).epsilon(1e-14));
  CHECK(c.energy_ratio[0] == Approx(469.812 / 62.1075).epsilon(1e-14));
  CHECK(c.step_speedup.empty());  // no compute time given

  // Another baseline inverts the ratios.
  const workflows::SystemResult r2 = workflows::evaluate_system(load(replace_first(kSystem, "baseline = \"pcie5\"", "baseline = \"dr4\"")));
  CHECK(r2.baseline == 1);
  CHECK(r2.comparison[0].speedup[0] == Approx(1.0 / c.speedup[0]).epsilon(1e-14));
  CHECK(r2.comparison[0].bandwidth_ratio == Approx(8192.0 / 6500.0).epsilon(1e-15));
}

TEST_CASE("Step time adds the exposed communication to the compute", "[io][system][reference]") {
  // No overlap: step = compute + t. t(n = 8) = 3.8880192531 s (above).
  const double t8 = 3.887939453125 + 7.98e-5;
  const workflows::SystemResult a = workflows::evaluate_system(load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\ncompute_time = \"15.1 s\"")));
  const auto& p = a.links[0].points[0];
  REQUIRE(p.step_time_s);
  CHECK(*p.step_time_s == Approx(15.1 + t8).epsilon(1e-15));
  CHECK(*p.communication_fraction == Approx(t8 / (15.1 + t8)).epsilon(1e-14));
  CHECK(a.comparison[1].step_speedup.size() == 1);
  // Full overlap with 1 s of compute hides 1 s of the communication: step = 1 + (t - 1) = t.
  const workflows::SystemResult b = workflows::evaluate_system(
      load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\ncompute_time = \"1 s\"\noverlap = 1")));
  CHECK(*b.links[0].points[0].step_time_s == Approx(t8).epsilon(1e-15));
  CHECK(*b.links[0].points[0].communication_fraction == Approx((t8 - 1.0) / t8).epsilon(1e-14));
  // Half overlap with 15.1 s of compute hides t/2.
  const workflows::SystemResult c = workflows::evaluate_system(
      load(replace_first(kSystem, "devices = [8, 64]", "devices = [8]\ncompute_time = \"15.1 s\"\noverlap = 0.5")));
  CHECK(*c.links[0].points[0].step_time_s == Approx(15.1 + t8 / 2).epsilon(1e-15));
}

TEST_CASE("A rate = \"max\" link takes the searched rate and the best modulation", "[io][system][unit]") {
  const System s = load(R"([[link]]
name = "cpo"
lanes = 16
rate = "max"
preset = "cpo-microring"
encoding = "none"
alpha = "0 s"
[workload]
parameters = 1e9
devices = [8]
)");
  const workflows::SystemResult r = workflows::evaluate_system(s);
  const workflows::LinkResult& l = r.links[0];
  REQUIRE(l.rate_searched);
  REQUIRE(l.search);
  CHECK(l.search->found);
  CHECK(l.lane_rate_bps == l.search->max_rate_bps);
  CHECK(l.levels == l.search->best_levels);
  CHECK(l.search->per_modulation.size() == 2);  // NRZ and PAM4, the default modulations
  for (const auto& m : l.search->per_modulation)
    if (m.found) CHECK(m.max_rate_bps <= l.lane_rate_bps);
  CHECK(l.lane_rate_bps > 1e9);
  CHECK(l.payload_bandwidth_bytes_per_s == Approx(16 * l.lane_rate_bps / 8).epsilon(1e-15));
  CHECK(l.channel == s.links[0].channel->source);
}
