// An optical link's couplers, ring demux and ring modulator given by design in the config.
#include <catch2/catch.hpp>

#include <string>

#include "channels/optical_link.hpp"
#include "io/config.hpp"
#include "phy/ring_coupling.hpp"
#include "tests/support/input_text.hpp"

using namespace phylane;

namespace {

// One optical link: laser at 1310 nm, a ring modulator, an edge coupler, a ring demux, 200 GHz grid.
std::string link(const std::string& modulator, const std::string& coupler, const std::string& demux,
                 const std::string& wdm = "[channel.wdm]\nchannels = 16\nspacing = \"200 GHz\"\n") {
  return "[channel]\ntype = \"optical\"\n[channel.laser]\npower = \"10 dBm\"\nwavelength = \"1310 nm\"\n"
         "[channel.modulator]\nkind = \"microring\"\nbandwidth = \"50 GHz\"\n" + modulator +
         "[[channel.path]]\nelement = \"coupler\"\nname = \"edge\"\n" + coupler +
         "[[channel.path]]\nelement = \"demux\"\nname = \"ring\"\n" + demux +
         "[channel.receiver]\nresponsivity = \"0.9 A/W\"\npd_bandwidth = \"50 GHz\"\ntia_noise = \"12 pA/sqrt(Hz)\"\n"
         "tia_bandwidth = \"40 GHz\"\n" + wdm;
}

const std::string kModulator =
    "ring = { radius = \"5 um\", group_index = 4.3, loss = \"30 dB/cm\", coupling = 0.02, detuning = \"0.02 nm\", "
    "resonance_shift = \"0.04 nm\" }\n";
const std::string kCoupler =
    "geometry = { kind = \"edge\", mode_field_diameter = \"3 um\", fiber_mode_field_diameter = \"9.2 um\", "
    "lateral_offset = \"1 um\", excess_loss = \"0.4 dB\" }\n";
const std::string kDemux =
    "ring = { radius = \"5 um\", group_index = 4.2, loss = \"3 dB/cm\", coupling = 0.05, drop_coupling = 0.05 }\n";

}  // namespace

TEST_CASE("Couplers and rings given by design take their losses from the channels builders", "[io][optical][ring]") {
  const auto cfg = io::load_config_text(link(kModulator, kCoupler, kDemux), "design.toml");
  REQUIRE(cfg.optical());
  const auto& l = *cfg.optical();
  channels::GaussianCouplerDesign c;
  c.chip_mfd_m = 3e-6;
  c.fiber_mfd_m = 9.2e-6;
  c.misalignment.lateral_m = 1e-6;
  c.own_loss_db = 0.4;
  CHECK(l.path()[0].loss_db == Approx(channels::make_gaussian_coupler("edge", c, 1310e-9).loss_db).margin(1e-9));
  const auto demux = channels::make_ring_demux("ring", {5e-6, 4.2, 300.0, 0.05, 0.05}, 1310e-9, 200e9);
  CHECK(l.path()[1].loss_db == Approx(demux.loss_db).margin(1e-9));
  CHECK(l.path()[1].crosstalk_db == Approx(demux.crosstalk_db).margin(1e-9));
  const auto mod = channels::ring_modulator_figures({5e-6, 4.3, 3000.0, 0.02, 0.0}, 1310e-9, 0.02e-9, 0.04e-9);
  CHECK(l.modulator().insertion_loss_db == Approx(mod.insertion_loss_db).margin(1e-9));
  CHECK(l.modulator().extinction_ratio_db == Approx(mod.extinction_ratio_db).margin(1e-9));
  // The budget says how each loss was made up.
  bool coupler_line = false;
  for (const auto& b : l.budget())
    if (b.element == "edge") coupler_line = b.detail.find("mode mismatch") != std::string::npos;
  CHECK(coupler_line);
}

TEST_CASE("Couplers and rings by design: bad keys are refused with the key, value and rule", "[io][optical][ring]") {
  const std::string ok_mod = kModulator, ok_c = kCoupler, ok_d = kDemux;
  // Both a loss number and a design.
  CHECK_THAT(test::config_errors(link(ok_mod, ok_c + "loss = \"1.5 dB\"\n", ok_d)),
             Catch::Contains("channel.path[1].loss") && Catch::Contains("given by geometry"));
  CHECK_THAT(test::config_errors(link(ok_mod, ok_c, ok_d + "crosstalk = \"-20 dB\"\n")),
             Catch::Contains("crosstalk") && Catch::Contains("either ring"));
  CHECK_THAT(test::config_errors(link(ok_mod + "extinction_ratio = \"5 dB\"\n", ok_c, ok_d)),
             Catch::Contains("extinction_ratio") && Catch::Contains("either ring"));
  // A grating coupler needs its own efficiency.
  CHECK_THAT(test::config_errors(link(ok_mod, "geometry = { kind = \"grating\", mode_field_diameter = \"10 um\" }\n", ok_d)),
             Catch::Contains("grating_loss") && Catch::Contains("missing"));
  // Coupling outside (0, 1).
  CHECK_THAT(test::config_errors(link(ok_mod, ok_c, test::replace_first(ok_d, "coupling = 0.05", "coupling = 1.5"))),
             Catch::Contains("ring.coupling") && Catch::Contains("1.5"));
  // A ring demux without a channel grid.
  CHECK_THAT(test::config_errors(link(ok_mod, ok_c, ok_d, "")), Catch::Contains("spacing"));
  CHECK_THAT(test::config_errors(test::replace_first(link(ok_mod, ok_c, ok_d), "kind = \"microring\"", "kind = \"mach-zehnder\"")),
             Catch::Contains("ring") && Catch::Contains("microring"));
}

TEST_CASE("A ring modulator given by its gap takes its coupling from the supermodes", "[io][optical][ring]") {
  // The modulator's all-pass ring with gap = 200 nm on a 500 x 220 nm Si wire (25 nm cells): its
  // power coupling is phy::ring_bus_coupling's at the laser wavelength, and the figures follow.
  const std::string geometry = "geometry = { core = \"Si\", width = \"500 nm\", height = \"220 nm\", mesh = \"25 nm\" }";
  const std::string mod = test::replace_first(kModulator, "coupling = 0.02", "gap = \"200 nm\", " + geometry);
  const auto cfg = io::load_config_text(link(mod, kCoupler, kDemux), "gap.toml");
  REQUIRE(cfg.optical());
  const phy::StripGuide guide{phy::Medium::of(phy::OpticalMaterial::silicon), phy::Medium::of(phy::OpticalMaterial::silica),
                              500e-9, 220e-9, 25e-9};
  const double k2 = phy::ring_bus_coupling(guide, 200e-9, 5e-6, 1310e-9).power_coupling;
  CHECK(k2 > 0.0);
  CHECK(k2 < 0.2);
  const auto f = channels::ring_modulator_figures({5e-6, 4.3, 3000.0, k2, 0.0}, 1310e-9, 0.02e-9, 0.04e-9);
  CHECK(cfg.optical()->modulator().insertion_loss_db == Approx(f.insertion_loss_db).margin(1e-9));
  CHECK(cfg.optical()->modulator().extinction_ratio_db == Approx(f.extinction_ratio_db).margin(1e-9));
}

TEST_CASE("A ring by its gaps: unresolved gaps and mixed keys are refused", "[io][optical][ring]") {
  const std::string geometry = "geometry = { core = \"Si\", width = \"500 nm\", height = \"220 nm\", mesh = \"25 nm\" }";
  // A gap under two mesh cells, and a coupling next to it.
  const std::string narrow = test::replace_first(kModulator, "coupling = 0.02", "coupling = 0.02, gap = \"40 nm\", " + geometry);
  const auto e = test::config_errors(link(narrow, kCoupler, kDemux));
  CHECK_THAT(e, Catch::Contains("channel.modulator.ring.gap") && Catch::Contains("narrower than two mesh cells"));
  CHECK_THAT(e, Catch::Contains("ring.coupling") && Catch::Contains("either gap or coupling"));
  // A geometry without a gap; a demux's gap without its drop_gap.
  CHECK_THAT(test::config_errors(link(test::replace_first(kModulator, "coupling = 0.02", "coupling = 0.02, " + geometry), kCoupler, kDemux)),
             Catch::Contains("ring.geometry") && Catch::Contains("give gap"));
  const std::string demux_gap = test::replace_first(kDemux, "coupling = 0.05, drop_coupling = 0.05", "gap = \"40 nm\", " + geometry);
  CHECK_THAT(test::config_errors(link(kModulator, kCoupler, demux_gap)), Catch::Contains("drop_gap") && Catch::Contains("missing"));
}
