// [signal] fec: the BER target of each modulation follows the lane's FEC (docs/fec.md), a given
// target_ber wins, the resolved config reads back to the same targets, and bad names are refused
// with their file position.
#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "tests/support/input_text.hpp"

using namespace phylane;

namespace {
std::string link_with(const std::string& signal_lines) {
  return test::fr408hr_route_channel("10 in") + "[signal]\nrate = \"32 GBd\"\nmodulation = \"pam4\"\n" + signal_lines;
}
}  // namespace

TEST_CASE("A FEC per modulation sets each modulation's target BER", "[io][fec]") {
  const auto cfg = io::load_config_text(link_with("fec = { nrz = \"none\", pam4 = \"pcie6-flit\" }\n"), "fec.toml");
  const auto& sig = *cfg.signalling;
  CHECK(sig.spec.target_ber == 1e-6);           // the configured PAM4: PCIe 6.0 FBER
  CHECK(sig.at(32e9, 2).target_ber == 1e-12);   // NRZ without FEC
  CHECK(sig.at(40e9, 4).target_ber == 1e-6);
  CHECK(sig.fec_for(4).name == "pcie6-flit");
  CHECK(sig.fec_for(8).name == "none");
  // The resolved config (every default explicit) reads back to the same targets.
  const auto again = io::load_config_text(cfg.resolved_toml, "resolved.toml");
  CHECK(again.signalling->at(32e9, 2).target_ber == 1e-12);
  CHECK(again.signalling->at(32e9, 4).target_ber == 1e-6);
}

TEST_CASE("One FEC for all modulations, and a given target_ber that overrides it", "[io][fec]") {
  const auto kp4 = io::load_config_text(link_with("fec = \"rs544\"\n"), "fec.toml");
  CHECK(kp4.signalling->at(53e9, 2).target_ber == 2.4e-4);
  CHECK(kp4.signalling->at(53e9, 4).target_ber == 2.4e-4);
  const auto given = io::load_config_text(link_with("fec = \"rs544\"\ntarget_ber = 1e-5\n"), "fec.toml");
  CHECK(given.signalling->at(53e9, 4).target_ber == 1e-5);
  CHECK(given.signalling->fec_for(4).name == "rs544");  // still its efficiency and latency
  const auto none = io::load_config_text(link_with("target_ber = 1e-9\n"), "fec.toml");
  CHECK(none.signalling->at(53e9, 4).target_ber == 1e-9);
}

TEST_CASE("An unknown FEC or a key that is not a modulation is refused where it is", "[io][fec]") {
  const auto bad = test::input_errors([] { io::load_config_text(link_with("fec = \"kp4\"\n"), "fec.toml"); });
  CHECK_THAT(bad, Catch::Contains("fec.toml:") && Catch::Contains("signal.fec = \"kp4\": must be none, rs528, rs544 or pcie6-flit"));
  const auto key = test::input_errors([] { io::load_config_text(link_with("fec = { pam3 = \"rs544\" }\n"), "fec.toml"); });
  CHECK_THAT(key, Catch::Contains("signal.fec.pam3") && Catch::Contains("keys must be modulations"));
  const auto type = test::input_errors([] { io::load_config_text(link_with("fec = 544\n"), "fec.toml"); });
  CHECK_THAT(type, Catch::Contains("signal.fec = 544"));
}
