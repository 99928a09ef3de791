// Composed channels: traces mixed with Touchstone and element blocks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "channels/composed_channel.hpp"
#include "channels/elements.hpp"
#include "channels/network_ops.hpp"
#include "io/config.hpp"
#include "io/touchstone.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::channels;
using phy::units::inch;
using phy::units::mil;

namespace {

// A differential stripline pair: its differential- and common-mode lines.
std::pair<phy::TransmissionLine, phy::TransmissionLine> pair_lines() {
  const phy::StriplineDims d{4.5 * mil, 0.6 * mil, 4 * mil, 4 * mil, 6 * mil, 1.2 * mil};
  const phy::Roughness r{phy::RoughnessModel::hammerstad, 0.5e-6};
  const auto diel = phy::Dielectric::djordjevic_sarkar(3.6, 0.004, 1e10);
  return {phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::differential), diel, {5.8e7, r, r}),
          phy::TransmissionLine(std::make_shared<phy::CoupledStripline>(d, phy::LineMode::common), diel, {5.8e7, r, r})};
}

ChannelBlock trace_block(double len_in) {
  auto [dl, cl] = pair_lines();
  ChannelBlock b;
  b.name = "trace";
  b.kind = "trace";
  b.trace = TraceSegment{"trace", len_in * inch, dl};
  b.trace_common = TraceSegment{"trace", len_in * inch, cl};
  return b;
}

}  // namespace

TEST_CASE("A composed chain of traces gives the same SDD21 as the ABCD cascade", "[channels][composed][property]") {
  // Two independent routes: the mixed-mode star-product composition and the differential-mode
  // chain matrices of CopperChannel. No mode conversion in a symmetric pair, so they agree to
  // rounding (1e-10 relative).
  auto [dl, cl] = pair_lines();
  const ComposedChannel composed(true, {trace_block(3.0), trace_block(7.0)}, 85.0, 95.0);
  const CopperChannel copper({{"a", 3 * inch, dl}, {"b", 7 * inch, dl}}, 85.0, 95.0);
  const std::vector<double> f = {1e6, 1e9, 8e9, 16e9, 32e9};
  const auto h = composed.transfer(f);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(std::abs(h[k] - copper.s_params(f[k]).s21) < 1e-10);
}

TEST_CASE("Ten cascaded one-inch segments equal one ten-inch segment", "[channels][composed][reference]") {
  // Issue acceptance: 10 x 1 in = 10 in to 1e-9, both for the chain-matrix cascade and for the
  // composed (S-parameter) one.
  auto [dl, cl] = pair_lines();
  std::vector<TraceSegment> ten;
  std::vector<ChannelBlock> ten_blocks;
  for (int i = 0; i < 10; ++i) {
    ten.push_back({"1in", inch, dl});
    ten_blocks.push_back(trace_block(1.0));
  }
  const CopperChannel a(ten, 100.0, 100.0), b({{"10in", 10 * inch, dl}}, 100.0, 100.0);
  const ComposedChannel ca(true, ten_blocks, 100.0, 100.0), cb(true, {trace_block(10.0)}, 100.0, 100.0);
  const std::vector<double> f = {1e7, 2e9, 1.6e10, 4e10};
  const auto ha = ca.transfer(f), hb = cb.transfer(f);
  for (std::size_t k = 0; k < f.size(); ++k) {
    CHECK(std::abs(a.s_params(f[k]).s21 - b.s_params(f[k]).s21) < 1e-9 * std::abs(b.s_params(f[k]).s21));
    CHECK(std::abs(ha[k] - hb[k]) < 1e-9 * std::abs(hb[k]));
  }
}

TEST_CASE("A modelled channel exported as .s4p and read back gives the same SDD21", "[channels][composed][io]") {
  // phylane sparams writes the composed 4-port; the Touchstone reader reads it; the mixed-mode
  // SDD21 of the file (port order 12-34) must equal the channel's own transfer at the written
  // reference (RI text is bit-exact; tolerance 1e-12 for the renormalisation arithmetic).
  const auto cfg = io::load_preset("pcie5-server");
  REQUIRE(cfg.composed());
  const std::vector<double> f = {5e8, 4e9, 8e9, 16e9, 24e9};
  Network net = cfg.composed()->network(f);
  const int to_12_34[4] = {0, 2, 1, 3};
  net = reorder_ports(net, to_12_34);
  const std::string text = io::touchstone_text(net);
  const Network back = io::read_touchstone_text(text, "round.s4p", 4);
  const auto sdd = sdd21(back, PortOrder::pairs_12_34);
  // The file's reference is 42.5 ohm per line = 85 ohm differential: the terminations.
  const auto h = cfg.copper()->s_params(f[0]).s21;
  CHECK(std::abs(sdd[0] - h) < 1e-12);
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(std::abs(sdd[k] - cfg.copper()->s_params(f[k]).s21) < 1e-12);
}

TEST_CASE("A whole Touchstone channel reproduces scikit-rf's SDD21 of the Whisper backplane",
          "[channels][composed][reference]") {
  // ../shared/data/README.md: scikit-rf gives SDD21 = -26.9 dB at 12.89 GHz (26.850 dB to 3
  // decimals in tests/reference/skrf). Evaluated at a data frequency, no interpolation: 1e-3 dB.
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const std::string text = "[channel]\ntype = \"touchstone\"\nfile = \"" + file->string() + "\"\n";
  const auto cfg = io::load_config_text(text, "t.toml");
  REQUIRE(cfg.composed());
  const std::vector<double> f = {12.89e9};
  const double il = -20 * std::log10(std::abs(cfg.composed()->transfer(f)[0]));
  CHECK(il == Approx(26.850).margin(1e-3));
}

TEST_CASE("Traces, a connector file and element blocks compose in order", "[channels][composed][io]") {
  // A route with an AC-coupling capacitor, a via and a connector (peters B1 thru as the
  // connector stand-in) loses more than the traces alone, stays passive, and is accepted by the
  // config loader with Touchstone paths relative to the config's folder.
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/peters_01_0605_B1_thru.s4p", return);
  const std::string text = R"toml([channel]
[[channel.segments]]
geometry = "coupled_stripline"
length = "4 in"
width = "4.5 mil"
spacing = "6 mil"
height = "4 mil"
material = "megtron-6"
foil = "hvlp"
[[channel.segments]]
kind = "capacitor"
capacitance = "220 nF"
esl = "0.3 nH"
[[channel.segments]]
kind = "via"
barrel_length = "1.5 mm"
stub_length = "0.8 mm"
pad_capacitance = "0.1 pF"
[[channel.segments]]
kind = "touchstone"
file = "peters_01_0605_B1_thru.s4p"
port_order = "12-34"
)toml";
  const auto cfg = io::load_config_text_in(text, "route.toml", file->parent_path());
  REQUIRE(cfg.composed());
  REQUIRE_FALSE(cfg.copper());
  const std::vector<double> f = {1e9, 5e9, 10e9};
  const auto h = cfg.composed()->transfer(f);
  for (std::size_t k = 0; k < f.size(); ++k) {
    CHECK(std::abs(h[k]) < 1.0);
    CHECK(std::abs(h[k]) < std::abs(cfg.composed()->block_transfer(0, f)[k]));  // more loss than the trace alone
  }
  const Network n = cfg.composed()->network(f);
  for (std::size_t k = 0; k < f.size(); ++k) {
    Eigen::JacobiSVD<Eigen::MatrixXcd> svd(n.s(k));
    CHECK(svd.singularValues()(0) <= 1.0 + 1e-6);
  }
}

namespace {
// SDD21 between the driver and receiver terminations from the single-ended 4-port composition
// (every block as a 4-port, star products of 4x4 matrices, then the mixed-mode conversion): the
// route transfer() takes only when a block converts modes.
std::vector<cplx> sdd21_single_ended(const ComposedChannel& c, const std::vector<double>& f) {
  const Network r = c.terminated(f);  // from network(): every block a 4-port
  std::vector<cplx> h(f.size());
  for (std::size_t k = 0; k < f.size(); ++k) h[k] = r.s(k, 1, 0);
  return h;
}

void check_same_sdd21(const ComposedChannel& c, const std::vector<double>& f) {
  const auto fast = c.transfer(f);
  const auto ref = sdd21_single_ended(c, f);
  double worst = 0.0;
  for (std::size_t k = 0; k < f.size(); ++k) worst = std::max(worst, std::abs(fast[k] - ref[k]) / std::abs(ref[k]));
  // Both are exact compositions of the same blocks; they differ by rounding (measured 2e-15 to
  // 8e-15 on the kr1 preset and on the Whisper route).
  INFO("worst relative difference " << worst);
  CHECK(worst < 1e-13);
}
}  // namespace

TEST_CASE("Blocks that convert no mode compose per mode as the single-ended 4-port composition does",
          "[channels][composed][property]") {
  // The kr1 preset: traces, via pairs and lumped package parts only. transfer() composes only their
  // differential circuits; the single-ended composition (common mode included) must agree.
  const auto cfg = io::load_preset("kr1-ck-28db");
  REQUIRE(cfg.composed());
  std::vector<double> f;
  for (double x = 0.0; x <= 100e9; x += 0.37e9) f.push_back(x);
  check_same_sdd21(*cfg.composed(), f);
  // Driver and receiver terminations away from the blocks' references (vias at 50 ohm per line).
  const auto& c = *cfg.composed();
  check_same_sdd21(ComposedChannel(true, c.blocks(), 90.0, 110.0), f);
}

TEST_CASE("Runs of mode-pure blocks around measured data compose as the single-ended 4-port composition does",
          "[channels][composed][property]") {
  // Packages, pads and dies (mode-pure runs) on both sides of a measured 4-port that converts modes.
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const std::string text = R"toml([channel]
[[channel.segments]]
kind = "lumped"
c1 = "250 fF"
[[channel.segments]]
geometry = "coupled_stripline"
length = "12 mm"
width = "66 um"
spacing = "112 um"
thickness = "15 um"
height = "60 um"
dk = 3.39
df = 0.0144
at = "12.89 GHz"
foil = "smooth"
[[channel.segments]]
kind = "via"
barrel_length = "1.5 mm"
pad_capacitance = "0.1 pF"
[[channel.segments]]
kind = "touchstone"
file = "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p"
[[channel.segments]]
kind = "capacitor"
capacitance = "100 nF"
esl = "0.2 nH"
[[channel.segments]]
kind = "lumped"
c1 = "250 fF"
)toml";
  const auto cfg = io::load_config_text_in(text, "route.toml", file->parent_path());
  REQUIRE(cfg.composed());
  std::vector<double> f;
  for (double x = 0.0; x <= 45e9; x += 0.29e9) f.push_back(x);
  check_same_sdd21(*cfg.composed(), f);
}

TEST_CASE("A single-ended chain composes per frequency as the network cascade does", "[channels][composed][property]") {
  // transfer() composes a single-ended channel as one chain of 2-ports in place, evaluating the
  // repeated trace (same cross-section and length, two separate line objects) once per frequency;
  // terminated() (network(): every block a Network, then cascade() and renormalize()) is the
  // reference. Blocks referenced to 50 ohm and to 40 ohm, terminations away from both.
  const phy::StriplineDims d{5 * mil, 0.6 * mil, 5 * mil, 5 * mil, 0.0, 1.2 * mil};
  const auto diel = phy::Dielectric::djordjevic_sarkar(3.6, 0.004, 1e10);
  auto line = [&] { return phy::TransmissionLine(std::make_shared<phy::Stripline>(d), diel, {5.8e7, {}, {}}); };
  auto trace = [&](double len_in) {
    ChannelBlock b;
    b.name = b.kind = "trace";
    b.trace = TraceSegment{"trace", len_in * inch, line()};
    return b;
  };
  auto element = [](std::function<Network(std::span<const double>)> n) {
    ChannelBlock b;
    b.name = b.kind = "element";
    b.network = std::move(n);
    return b;
  };
  Via v;
  v.delay_s_per_m = 6e-9;
  v.barrel_length_m = 1.5e-3;
  v.stub_length_m = 0.8e-3;
  v.pad_capacitance_f = 0.1e-12;
  const ComposedChannel c(false,
                          {trace(2.0), element([v](std::span<const double> f) { return via(v, f); }), trace(5.0),
                           element([](std::span<const double> f) { return ac_capacitor({100e-9, 0.01, 0.3e-9}, f, 40.0); }),
                           trace(2.0), element([](std::span<const double> f) { return pi_network({0.1e-12, 0.0, 0.3e-9, 0.1e-12}, f); })},
                          45.0, 55.0);
  std::vector<double> f;
  for (double x = 0.0; x <= 100e9; x += 0.37e9) f.push_back(x);
  const auto h = c.transfer(f);
  const Network r = c.terminated(f);
  double worst = 0.0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (r.s(k, 1, 0) == cplx(0.0, 0.0)) {  // DC: the series capacitor is an open in both
      CHECK(h[k] == cplx(0.0, 0.0));
      continue;
    }
    worst = std::max(worst, std::abs(h[k] - r.s(k, 1, 0)) / std::abs(r.s(k, 1, 0)));
  }
  // The same star products in another order of evaluation: rounding only.
  INFO("worst relative difference " << worst);
  CHECK(worst < 1e-13);
}
