// The thru pairing of 4-port Touchstone files read from their data (io/touchstone_ports.hpp), the
// refusal of a config whose port_order does not fit its file, and a Touchstone file loaded as the
// whole link (io::load_touchstone_link).
#include <catch2/catch.hpp>

#include <array>
#include <complex>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "channels/network_ops.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane;
using channels::cplx;
using channels::Network;
namespace fs = std::filesystem;

namespace {

std::vector<cplx> response(const channels::Link& link, const std::vector<double>& f) {
  std::vector<cplx> h(f.size());
  channels::transfer_function(link)(f, h);
  return h;
}

// Two lossy lines 1 -> 2 and 3 -> 4 with weak coupling, written out entry by entry: thru t (a
// 0.9 magnitude, a 40 ps delay at f), near-end coupling between the ports of one side n, far-end
// coupling between the lines f_x, reflections r. Reciprocal by construction.
Network two_lines_12_34(double near, double far, double thru) {
  const std::vector<double> f = {10e6, 100e6, 500e6, 1e9, 5e9};
  Network net(f, 4, {50, 50, 50, 50});
  for (std::size_t k = 0; k < f.size(); ++k) {
    const cplx phase = std::polar(1.0, -2 * M_PI * f[k] * 40e-12);
    const cplx t = thru * phase, n = near, x = far * phase, r = 0.05;
    const std::array<std::array<cplx, 4>, 4> s = {{
        {r, t, n, x},  // port 1: reflection, from 2 (its line), from 3 (near end), from 4 (far end)
        {t, r, x, n},
        {n, x, r, t},
        {x, n, t, r},
    }};
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) net.s(k, i, j) = s[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  }
  return net;
}

// The same network with its ports renumbered: new port i is old port old_of_new[i].
Network renumbered(const Network& net, std::array<int, 4> old_of_new) { return channels::reorder_ports(net, old_of_new); }

std::vector<io::Diagnostic> load_errors(const std::string& text, const fs::path& dir) {
  try {
    io::load_config_text_in(text, "link.toml", dir);
  } catch (const io::InputError& e) {
    return e.diagnostics();
  }
  return {};
}

const std::array<const char*, 10> kThruFiles = {
    "CABLE1_TX_pair.s4p",          "Case4_FM_13SI_20_T_D13_L6.s4p",      "TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p",
    "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", "TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p",
    "peters_01_0605_B12_thru.s4p", "peters_01_0605_B1_thru.s4p",        "peters_01_0605_T20_thru.s4p",
    "crosstalk/example2_THRU.s4p"};

}  // namespace

TEST_CASE("The thru pairing is read from the data whichever way the ports are numbered", "[io][touchstone][ports]") {
  const Network a = two_lines_12_34(0.1, 0.02, 0.9);
  // Lines 1 -> 2, 3 -> 4 renumbered so that they become 1 -> 3, 2 -> 4 (new 2 = old 3, new 3 = old 2)
  // and 1 -> 4, 2 -> 3 (new 2 = old 3, new 3 = old 4, new 4 = old 2).
  const Network b = renumbered(a, {0, 2, 1, 3});
  const Network c = renumbered(a, {0, 2, 3, 1});
  const auto pa = io::detect_thru_pairing(a), pb = io::detect_thru_pairing(b), pc = io::detect_thru_pairing(c);
  REQUIRE(pa.shown);
  REQUIRE(pb.shown);
  REQUIRE(pc.shown);
  CHECK(*pa.shown == io::ThruPairs::p12_34);
  CHECK(*pb.shown == io::ThruPairs::p13_24);
  CHECK(*pc.shown == io::ThruPairs::p14_23);
  // The lines' magnitudes are those built in: the thru 0.9, the near-end pairing 0.1, far-end 0.02.
  CHECK(pa.line[0][0] == Approx(0.9).epsilon(1e-12));
  CHECK(pa.line[0][1] == Approx(0.9).epsilon(1e-12));
  CHECK(pa.score[1] == Approx(0.1).epsilon(1e-12));
  CHECK(pa.score[2] == Approx(0.02).epsilon(1e-12));
  // Only the frequencies up to 1 GHz count: 4 of the 5 points.
  CHECK(pa.band_top_hz == 1e9);
  CHECK(io::port_order_conflict(pa, channels::PortOrder::pairs_12_34).empty());
  CHECK_THAT(io::port_order_conflict(pa, channels::PortOrder::pairs_13_24),
             Catch::Contains("1 -> 2 and 3 -> 4 (12-34)") && Catch::Contains("|S21| 0.900") && Catch::Contains("|S31| 0.100"));
  CHECK_THAT(io::port_order_conflict(pb, channels::PortOrder::pairs_12_34), Catch::Contains("(13-24)"));
}

TEST_CASE("The data decide only when one pairing clearly carries the thrus", "[io][touchstone][ports]") {
  // A crosstalk path (every transmission small) and a thru too lossy at low frequency: no decision.
  CHECK_FALSE(io::detect_thru_pairing(two_lines_12_34(0.07, 0.004, 0.004)).shown);
  CHECK_FALSE(io::detect_thru_pairing(two_lines_12_34(0.05, 0.01, 0.4)).shown);
  // Strong coupling: the thru (0.8) not 3 times the near-end pairing (0.3): no decision.
  CHECK_FALSE(io::detect_thru_pairing(two_lines_12_34(0.3, 0.05, 0.8)).shown);
  CHECK(io::detect_thru_pairing(two_lines_12_34(0.2, 0.05, 0.8)).shown);
  CHECK_THROWS_AS(io::detect_thru_pairing(Network({1e9}, 2, {50, 50})), std::invalid_argument);
}

TEST_CASE("Every measured thru file shows 12-34 and no crosstalk path shows a thru", "[io][touchstone][ports][reference]") {
  for (const char* name : kThruFiles) {
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/") + name, continue);
    const auto p = io::detect_thru_pairing(io::read_touchstone(*path));
    INFO(name);
    REQUIRE(p.shown);
    CHECK(*p.shown == io::ThruPairs::p12_34);
    // Measured margins (docs/sparams.md): thrus 0.66 ... 0.93, other pairings at most 0.15.
    CHECK(p.score[0] > 0.6);
    CHECK(p.score[0] > 6.0 * std::max(p.score[1], p.score[2]));
  }
  for (const char* name : {"example2_FEXT1.s4p", "example2_FEXT2.s4p", "example2_NEXT1.s4p", "example2_NEXT2.s4p",
                           "example2_NEXT3.s4p"}) {
    PHYLANE_REFERENCE_OR_SKIP(path, std::string("touchstone/crosstalk/") + name, continue);
    INFO(name);
    CHECK_FALSE(io::detect_thru_pairing(io::read_touchstone(*path)).shown);
  }
}

TEST_CASE("A port_order that does not fit the file's data is refused with the order to use", "[io][touchstone][ports]") {
  const fs::path dir = test::temp_dir("ports_config");
  io::write_touchstone(two_lines_12_34(0.1, 0.02, 0.9), dir / "a.s4p");
  io::write_touchstone(renumbered(two_lines_12_34(0.1, 0.02, 0.9), {0, 2, 1, 3}), dir / "b.s4p");
  io::write_touchstone(renumbered(two_lines_12_34(0.1, 0.02, 0.9), {0, 2, 3, 1}), dir / "c.s4p");
  const std::string head = "[channel]\ntype = \"touchstone\"\n";

  // Given and wrong: the error is on port_order, names the file, the value and the fix.
  auto e = load_errors(head + "file = \"a.s4p\"\nport_order = \"13-24\"\n", dir);
  REQUIRE(e.size() == 1);
  CHECK(e[0].key == "channel.port_order");
  CHECK(e[0].value == "\"13-24\"");
  CHECK(e[0].line == 4);
  CHECK_THAT(e[0].message, Catch::Contains("\"a.s4p\"") && Catch::Contains("(12-34)") &&
                               Catch::Contains("set port_order = \"12-34\""));
  // The default on a 13-24 file: the error is on file and says the default was used.
  e = load_errors(head + "file = \"b.s4p\"\n", dir);
  REQUIRE(e.size() == 1);
  CHECK(e[0].key == "channel.file");
  CHECK_THAT(e[0].message, Catch::Contains("the default port_order \"12-34\"") &&
                               Catch::Contains("set port_order = \"13-24\""));
  // 14-23: neither order fits; the message says to renumber.
  e = load_errors(head + "file = \"c.s4p\"\n", dir);
  REQUIRE(e.size() == 1);
  CHECK_THAT(e[0].message, Catch::Contains("(14-23)") && Catch::Contains("renumber"));
  // In a segment list too.
  e = load_errors("[channel]\n[[channel.segments]]\nkind = \"touchstone\"\nfile = \"a.s4p\"\nport_order = \"13-24\"\n", dir);
  REQUIRE(e.size() == 1);
  CHECK(e[0].key == "channel.segments[1].port_order");

  // The right orders load, and the two numberings of one network give one channel.
  const auto ca = io::load_config_text_in(head + "file = \"a.s4p\"\n", "a.toml", dir);
  const auto cb = io::load_config_text_in(head + "file = \"b.s4p\"\nport_order = \"13-24\"\n", "b.toml", dir);
  const std::vector<double> f = {0.2e9, 0.7e9};
  const auto ha = response(ca, f), hb = response(cb, f);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(std::abs(ha[k] - hb[k]) < 1e-12);
}

TEST_CASE("The TE connector channel read with the wrong port order is refused, as the issue found it",
          "[io][touchstone][ports][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(path, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  const std::string text = "[channel]\ntype = \"touchstone\"\nfile = \"" + path->string() + "\"\nport_order = \"13-24\"\n";
  const auto e = load_errors(text, path->parent_path());
  REQUIRE(e.size() == 1);
  CHECK(e[0].key == "channel.port_order");
  // |S21| 0.895 against |S31| 0.162 at 1 GHz (issue 14); the mean over 0 ... 1 GHz is 0.930 / 0.139.
  CHECK_THAT(e[0].message, Catch::Contains("|S21| 0.930") && Catch::Contains("|S31| 0.139") &&
                               Catch::Contains("set port_order = \"12-34\""));
}

TEST_CASE("A Touchstone file as the whole link is the config that names it", "[io][touchstone][ports]") {
  const fs::path dir = test::temp_dir("ports_link");
  io::write_touchstone(renumbered(two_lines_12_34(0.1, 0.02, 0.9), {0, 2, 1, 3}), dir / "b.s4p");
  const auto link = io::load_touchstone_link(dir / "b.s4p", io::TouchstoneSignal{"10 Gb/s", "pam4"});
  const auto hand = io::load_config_text_in(
      "[channel]\ntype = \"touchstone\"\nfile = \"b.s4p\"\nport_order = \"13-24\"\n[signal]\nrate = \"10 Gb/s\"\n"
      "modulation = \"pam4\"\n",
      "hand.toml", dir);
  CHECK_THAT(link.title, Catch::Contains("port order 13-24 from the data"));
  REQUIRE(link.signalling);
  CHECK(link.signalling->data_rate_bps == hand.signalling->data_rate_bps);
  CHECK(link.signalling->modulation == channels::Modulation::pam4);
  const std::vector<double> f = {0.2e9, 0.7e9};
  const auto h1 = response(link, f), h2 = response(hand, f);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(h1[k] == h2[k]);

  CHECK(io::is_touchstone_path(dir / "b.s4p"));
  CHECK(io::is_touchstone_path("x.S2P"));
  CHECK_FALSE(io::is_touchstone_path("x.toml"));
  // Other names by their first line: '!' or an option line is Touchstone, a key or '# comment' TOML.
  std::ofstream(dir / "t.txt") << "\n! measured\n# GHz S MA R 50\n";
  std::ofstream(dir / "o.txt") << "# GHz S RI R 50\n1 0 0 0 0 0 0 0 0\n";
  std::ofstream(dir / "c.txt") << "# my link\nname = \"x\"\n";
  CHECK(io::is_touchstone_path(dir / "t.txt"));
  CHECK(io::is_touchstone_path(dir / "o.txt"));
  CHECK_FALSE(io::is_touchstone_path(dir / "c.txt"));

  // A 1-port or a 3-port is not a channel.
  Network one({1e9}, 1, {50});
  io::write_touchstone(one, dir / "one.s1p");
  try {
    io::load_touchstone_link(dir / "one.s1p");
    FAIL("a 1-port loaded as a channel");
  } catch (const io::InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("one.s1p") && Catch::Contains("is a 1-port") &&
                                          Catch::Contains("2-port"));
  }
}
