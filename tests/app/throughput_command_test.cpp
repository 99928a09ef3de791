// `phylane throughput` end to end: text, JSON and HDF5 outputs, the unit convention, exit codes,
// no partial files.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/io/hdf5_read.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

// One lane of 8 Gb/s without coding overhead carries exactly 1e9 B/s = 1 GB/s (1 GB = 1e9 B).
const char* const kOneGigabyte = R"(title = "unit convention"
[[link]]
name = "one-gigabyte"
lanes = 1
rate = "8 Gb/s"
encoding = "none"
alpha = "0 s"
energy_per_bit = "1 pJ/bit"
[workload]
parameters = 1e9
bytes_per_parameter = 1
devices = [2]
)";

}  // namespace

TEST_CASE("phylane throughput runs the embedded default system", "[app][throughput]") {
  const auto r = run_phylane("throughput --quiet");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("convention: 1 GB = 1e9 B") && Catch::Contains("ring all-reduce per training step") &&
                        Catch::Contains("pcie5-x16") && Catch::Contains("63.015") &&
                        Catch::Contains("cpo-16-wavelengths") && Catch::Contains("max, NRZ") &&
                        Catch::Contains("Comparison with pcie5-x16") && Catch::Contains("Not modelled"));
}

TEST_CASE("phylane throughput states 1 GB = 1e9 B: one 8 Gb/s lane is 1 GB/s", "[app][throughput][reference]") {
  const auto dir = temp_dir("throughput_unit");
  write_text_file(dir + "/one.toml", kOneGigabyte);
  const auto j = run_phylane("throughput one.toml --json", dir);
  REQUIRE(j.exit_code == 0);
  CHECK(json_number(j.out, "payload_bandwidth_bytes_per_s") == 1e9);
  CHECK(json_number(j.out, "payload_bandwidth_both_directions_bytes_per_s") == 2e9);
  // Ring all-reduce of S = 1e9 B on 2 devices, alpha = 0: 2 (1/2) S / B = 1 s exactly; each device
  // sends S/2 in the reduce-scatter and S/2 in the all-gather, the two together 2e9 B = 16e9 bits,
  // at 1 pJ each = 16 mJ.
  CHECK(json_number(j.out, "time_s") == 1.0);
  CHECK(json_number(j.out, "energy_j") == Approx(16e-3).epsilon(1e-15));
  const auto t = run_phylane("throughput one.toml", dir);
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("8.000 given") && Catch::Contains("1.000"));
  fs::remove_all(dir);
}

TEST_CASE("phylane throughput --json parses and carries units in its field names", "[app][throughput]") {
  const auto dir = temp_dir("throughput_json");
  const auto r = run_phylane("throughput --json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("nan") == std::string::npos);
  CHECK(r.out.find("inf") == std::string::npos);
  write_text_file(dir + "/out.json", r.out);
  // A real JSON parser (Debian's Python) reads it and finds the fields with their units.
  const std::string check =
      "/usr/bin/python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); "
      "l=d['links']; c=l[0]['collectives'][0]; "
      "ok=d['command']=='throughput' and '1 GB = 1e9 B' in d['convention'] and d['baseline']=='pcie5-x16' "
      "and all(k in l[0] for k in ['lane_rate_bps','line_rate_bps','payload_bandwidth_bytes_per_s','alpha_s','energy_per_bit_j']) "
      "and all(k in c for k in ['devices','time_s','latency_time_s','bandwidth_time_s','bus_bandwidth_bytes_per_s',"
      "'algorithm_bandwidth_bytes_per_s','wire_bytes','energy_j','step_time_s']) "
      "and d['workload']['message_bytes']==140e9 and len(d['comparison'])==len(l); "
      "sys.exit(0 if ok else 1)\" '" +
      dir + "/out.json'";
  CHECK(std::system(check.c_str()) == 0);
  fs::remove_all(dir);
}

TEST_CASE("A rate = max link takes the rate phylane maxrate finds for the same channel", "[app][throughput][property]") {
  // Same channel, same [signal] criterion, same NRZ/PAM4 search: the two commands must agree.
  const auto t = run_phylane("throughput --json");
  const auto m = run_phylane("maxrate --preset cpo-microring --json");
  REQUIRE(t.exit_code == 0);
  REQUIRE(m.exit_code == 0);
  const auto p = t.out.find("\"name\": \"cpo-16-wavelengths\"");
  REQUIRE(p != std::string::npos);
  CHECK(json_number(t.out.substr(p), "lane_rate_bps") == json_number(m.out, "max_rate_bps"));
}

TEST_CASE("phylane throughput -o writes HDF5 where every dataset carries units", "[app][throughput][hdf5]") {
  const auto dir = temp_dir("throughput_h5");
  const auto r = run_phylane("throughput -o out.h5", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("wrote out.h5"));
  REQUIRE(fs::exists(dir + "/out.h5"));
  CHECK_FALSE(fs::exists(dir + "/out.h5.tmp"));
  hid_t f = H5Fopen((dir + "/out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  CHECK(read_string_attribute(f, "command") == "throughput");
  CHECK_THAT(read_string_attribute(f, "convention"), Catch::Contains("1 GB = 1e9 B"));
  CHECK_THAT(read_string_attribute(f, "system"), Catch::Contains("[[link]]") && Catch::Contains("[workload]"));
  CHECK_FALSE(read_string_attribute(f, "phylane_version").empty());

  const auto all = list_datasets(f);
  CHECK(all.size() > 20);
  for (const auto& d : all) {
    INFO(d.path);
    CHECK_FALSE(d.units.value_or("").empty());
  }
  for (const char* ds : {"/devices", "/links/pcie5-x16/collective_time_s", "/links/pcie5-x16/energy_per_step_j",
                         "/links/cpo-16-wavelengths/bus_bandwidth_bytes_per_s", "/summary/payload_bandwidth_bytes_per_s",
                         "/comparison/dr4-400g/speedup", "/comparison/dr4-400g/energy_ratio"}) {
    INFO(ds);
    CHECK(H5Lexists(f, ds, H5P_DEFAULT) > 0);
  }
  hid_t d = H5Dopen2(f, "/summary/payload_bandwidth_bytes_per_s", H5P_DEFAULT);
  CHECK(read_string_attribute(d, "units") == "B/s");
  H5Dclose(d);
  const auto bw = read_doubles(f, "/summary/payload_bandwidth_bytes_per_s");
  REQUIRE(bw.size() == 4);
  CHECK(bw[0] == Approx(16 * 32e9 * 128.0 / 130.0 / 8).epsilon(1e-15));  // PCIe 5.0 x16, 63.015 GB/s
  CHECK(read_doubles(f, "/devices") == std::vector<double>{8.0, 64.0});
  H5Fclose(f);
  fs::remove_all(dir);
}

TEST_CASE("Bad system files exit with code 2, say why, and write nothing", "[app][throughput][errors]") {
  const auto dir = temp_dir("throughput_bad");
  std::string bad = kOneGigabyte;
  bad = replace_first(bad, "lanes = 1", "lanes = 0");
  bad = replace_first(bad, "\"none\"", "\"8b9b\"");
  bad = replace_first(bad, "devices = [2]", "devices = [1]");
  const auto r = run_rejected_file("throughput", bad, dir);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:4:9: link[1].lanes = 0: must be a whole number from 1 to 1024") &&
                        Catch::Contains("bad.toml:6:12: link[1].encoding = \"8b9b\": must be one of") &&
                        Catch::Contains("bad.toml:12:11: workload.devices = [ 1 ]"));

  std::string units = kOneGigabyte;
  units = replace_first(units, "\"8 Gb/s\"", "\"8 GHz\"");
  units = replace_first(units, "\"1 pJ/bit\"", "\"1 pW\"");
  const auto u = run_rejected_file("throughput", units, dir, "--json");
  CHECK_THAT(u.err, Catch::Contains("link[1].rate = \"8 GHz\"") && Catch::Contains("link[1].energy_per_bit = \"1 pW\""));

  const auto m = run_rejected_file("throughput", "[[link]]\nname = \"x\"\n[workload]\nparameters = 1e9\ndevices = [8]\n", dir);
  CHECK_THAT(m.err, Catch::Contains("link[1].lanes: missing required key") && Catch::Contains("link[1].rate: missing required key") &&
                        Catch::Contains("link[1].alpha: missing required key"));

  const auto n = run_rejected("throughput does-not-exist.toml -o out.h5", dir);
  CHECK_THAT(n.err, Catch::Contains("does-not-exist.toml: cannot open"));
  const auto s = run_rejected("throughput --preset nope -o out.h5", dir);
  CHECK_THAT(s.err, Catch::Contains("unknown system \"nope\""));
  run_rejected("throughput bad.toml --preset pcie-vs-photonic", dir);
  CHECK_FALSE(fs::exists(dir + "/out.h5"));
  fs::remove_all(dir);
}
