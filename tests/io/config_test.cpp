// Config loading: presets, validation messages, resolved config.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "phy/units.hpp"
#include "tests/support/input_text.hpp"

using namespace phylane;
using namespace phylane::io;

namespace {

// The smallest route: one 10-inch segment (tests/support/input_text.hpp). Line 5 is its length.
const std::string kGood = "name = \"test route\"\n[channel]\n" + test::coupled_stripline_segment("10 in");

using test::replace_first;

// An optical link: a 10 dBm laser at 1310 nm, a 5 dB / 35 GHz modulator, 500 m of fiber, and a
// receiver with a 12 pA/sqrt(Hz), 30 GHz TIA and the photodiode keys given. Line 8 is the
// extinction ratio.
std::string optical_config(const std::string& photodiode_keys) {
  return R"toml(name = "optical"
[channel]
type = "optical"
[channel.laser]
power = "10 dBm"
wavelength = "1310 nm"
[channel.modulator]
extinction_ratio = "5 dB"
bandwidth = "35 GHz"
[[channel.path]]
element = "fiber"
length = "500 m"
[channel.receiver]
tia_noise = "12 pA/sqrt(Hz)"
tia_bandwidth = "30 GHz"
)toml" + photodiode_keys;
}

}  // namespace

TEST_CASE("Every embedded preset loads and builds a channel", "[io][config][regression]") {
  const auto names = preset_names();
  CHECK(names.size() >= 3);
  for (const auto& n : names) {
    INFO(n);
    const Config c = load_preset(n);
    REQUIRE((c.copper() != nullptr || c.composed() != nullptr || c.optical() != nullptr));
    CHECK_FALSE(c.title.empty());
    if (c.copper()) CHECK(c.copper()->segments().size() == c.segments.size());
  }
  CHECK(std::find(names.begin(), names.end(), default_preset_name()) != names.end());
}

TEST_CASE("A minimal config takes documented defaults", "[io][config][unit]") {
  const Config c = load_config_text(kGood, "t.toml");
  REQUIRE(c.copper());
  CHECK(c.copper()->mode() == phy::LineMode::differential);
  CHECK(c.copper()->driver_ohm() == 100.0);
  CHECK(c.copper()->segments()[0].length_m == Approx(0.254).epsilon(1e-12));
  CHECK(c.segments[0].name == "segment 1");
  CHECK(c.report.frequencies_hz.size() == 4);
  // Defaults are written into the resolved config, and the library entry is copied in.
  CHECK_THAT(c.resolved_toml, Catch::Contains("thickness = '0.5 oz'") || Catch::Contains("thickness = \"0.5 oz\""));
  CHECK_THAT(c.resolved_toml, Catch::Contains("[materials.megtron-6]"));
  CHECK_THAT(c.resolved_toml, Catch::Contains("[foils.hvlp]"));
}

TEST_CASE("The resolved config reproduces the same channel", "[io][config][property]") {
  for (const auto& n : preset_names()) {
    const Config a = load_preset(n);
    const Config b = load_config_text(a.resolved_toml, "resolved.toml");
    if (a.optical()) {
      REQUIRE(b.optical());
      CHECK(a.optical()->received_average_power_w() == b.optical()->received_average_power_w());
      CHECK(a.optical()->response(2e10) == b.optical()->response(2e10));
      continue;
    }
    if (a.composed()) {
      REQUIRE(b.composed());
      const std::vector<double> f = {1e8, 5e9, 2e10};
      CHECK(a.composed()->transfer(f) == b.composed()->transfer(f));
      continue;
    }
    REQUIRE(b.copper());
    for (double f : {1e8, 5e9, 2e10}) CHECK(a.copper()->s_params(f).s21 == b.copper()->s_params(f).s21);
  }
}

TEST_CASE("Bad values are reported compiler style with key, value and what is allowed", "[io][config][unit]") {
  SECTION("one bad value, key or geometry: the message says what and where") {
    struct Case {
      const char* what;
      const char* from;  ///< in kGood
      const char* to;
      std::vector<std::string> says;
    };
    const Case c = GENERATE(values<Case>({
        {"negative length", "\"10 in\"", "\"-3 in\"",
         {"t.toml:5:10: channel.segments[1].length = \"-3 in\": must be a positive length"}},
        {"unknown unit", "\"10 in\"", "\"5 parsecs\"",
         {"channel.segments[1].length = \"5 parsecs\"", "\"parsecs\" is not a unit of length"}},
        {"bare number", "\"10 in\"", "10", {"length = 10: needs a unit"}},
        {"unknown material with a suggestion", "megtron-6", "megtron-5",
         {"material = \"megtron-5\": unknown material; did you mean", "megtron-6"}},
        {"missing key", "width = \"5 mil\"\n", "", {"channel.segments[1].width: missing required key"}},
        {"unknown key with a suggestion", "spacing", "spaceing",
         {"spaceing = \"7 mil\": unknown key; did you mean \"spacing\"?"}},
        {"a key that does not apply to the geometry", "coupled_stripline", "stripline",
         {"spacing applies only to coupled geometries"}},
        {"unknown geometry lists the allowed ones", "coupled_stripline", "coax",
         {"geometry = \"coax\": must be one of: stripline, coupled_stripline"}},
    }));
    INFO(c.what);
    const auto e = test::config_errors(replace_first(kGood, c.from, c.to));
    for (const auto& part : c.says) CHECK_THAT(e, Catch::Contains(part));
  }
  SECTION("every problem is reported at once, in file order") {
    auto text = replace_first(kGood, "\"10 in\"", "\"-3 in\"");
    text = replace_first(text, "\"5 mil\"", "\"5 parsecs\"");
    text = replace_first(text, "megtron-6", "unobtainium");
    const auto e = test::config_errors(text);
    CHECK(std::count(e.begin(), e.end(), '\n') == 2);
    CHECK(e.find("length") < e.find("width"));
  }
  SECTION("TOML syntax errors carry their position") {
    const auto e = test::config_errors("[channel\n");
    CHECK_THAT(e, Catch::Contains("t.toml:1:") && Catch::Contains("TOML syntax error"));
  }
}

TEST_CASE("Inline materials and foils work like library entries", "[io][config][unit]") {
  std::string text = replace_first(kGood, "material = \"megtron-6\"", "dk = 3.5\ndf = 0.003\nat = \"10 GHz\"");
  text = replace_first(text, "foil = \"hvlp\"", "foil = { model = \"hammerstad\", rq = \"0.4 um\" }");
  const Config c = load_config_text(text, "t.toml");
  REQUIRE(c.copper());
  CHECK(c.copper()->segments()[0].line.dielectric().dk(10e9) == Approx(3.5).epsilon(1e-12));
  CHECK(c.copper()->segments()[0].line.conductor().strip_roughness.rms_m == Approx(0.4e-6).epsilon(1e-12));
  CHECK_THAT(test::config_errors(text + "material = \"fr-4\"\n"), Catch::Contains("give either material"));
}

TEST_CASE("A config's own [materials] entry can be referenced", "[io][config][unit]") {
  std::string text = replace_first(kGood, "megtron-6", "my-laminate");
  text += "\n[materials.my-laminate]\ndk = 3.3\ndf = 0.002\nat = \"5 GHz\"\nsource = \"lab measurement\"\n";
  const Config c = load_config_text(text, "t.toml");
  REQUIRE(c.copper());
  CHECK(c.copper()->segments()[0].line.dielectric().df(5e9) == Approx(0.002).epsilon(1e-12));
}

TEST_CASE("Unknown presets are refused with the list", "[io][config][unit]") {
  CHECK_THROWS_WITH(load_preset("pcie5-sever"), Catch::Contains("did you mean \"pcie5-server\""));
}

TEST_CASE("A Huray foil can be given as nodules per tile and tile area", "[io][config][unit]") {
  // SR = N 4 pi a^2 / A: 14 nodules of 0.5 um radius on a 50 um^2 tile gives 14 pi / 50.
  std::string text = replace_first(kGood, "foil = \"hvlp\"",
                             "foil = { model = \"huray\", nodule_radius = \"0.5 um\", nodules_per_tile = 14, "
                             "tile_area = \"50 um^2\" }");
  const Config c = load_config_text(text, "t.toml");
  REQUIRE(c.copper());
  CHECK(c.copper()->segments()[0].line.conductor().strip_roughness.surface_ratio ==
        Approx(14.0 * 3.14159265358979 / 50.0).epsilon(1e-9));
  const auto e = test::config_errors(replace_first(kGood, "foil = \"hvlp\"",
                                   "foil = { model = \"huray\", nodule_radius = \"0.5 um\", surface_ratio = 2.0, "
                                   "nodules_per_tile = 14, tile_area = \"50 um^2\" }"));
  CHECK_THAT(e, Catch::Contains("give either surface_ratio or nodules_per_tile"));
}

TEST_CASE("An optical config builds a link and reports bad optical values compiler style", "[io][config][optical]") {
  const std::string good = optical_config("responsivity = \"0.9 A/W\"\npd_bandwidth = \"50 GHz\"\n");
  const Config c = load_config_text(good, "o.toml");
  REQUIRE(c.optical());
  CHECK_FALSE(c.copper());
  // Fiber defaults (docs/optical.md): 0.35 dB/km, no connectors, G.652 dispersion.
  CHECK(c.optical()->path_loss_db() == Approx(0.175).epsilon(1e-12));
  CHECK(std::abs(c.optical()->total_dispersion_s_per_m()) < 1e-12);  // 1310 nm is the zero-dispersion point
  auto bad = replace_first(good, "\"0.9 A/W\"", "\"-0.9 A/W\"");
  bad = replace_first(bad, "\"5 dB\"", "\"0 dB\"");
  bad = replace_first(bad, "element = \"fiber\"", "element = \"fibre\"");
  const auto e = test::config_errors(bad);
  CHECK_THAT(e, Catch::Contains("t.toml:8:20: channel.modulator.extinction_ratio = \"0 dB\"") &&
                    Catch::Contains("channel.path[1].element = \"fibre\": must be one of: coupler, waveguide, fiber") &&
                    Catch::Contains("channel.receiver.responsivity = \"-0.9 A/W\""));
  CHECK_THAT(test::config_errors(replace_first(good, "[channel.receiver]", "[channel.receiver]\nquantum = 0.8")),
             Catch::Contains("unknown key; did you mean \"quantum_efficiency\"?"));
}

TEST_CASE("Bad signal, transmitter and receiver settings get compiler-style errors", "[io][config][eye]") {
  const std::string base = std::string(kGood) + R"toml(
[signal]
rate = "32 GT/s"
modulation = "nrz"
[rx]
noise_psd = "5.2e-8 V^2/GHz"
dfe_taps = 3
)toml";
  const Config ok = load_config_text(base, "t.toml");
  REQUIRE(ok.signalling);
  CHECK(ok.signalling->spec.symbol_rate_baud == 32e9);
  CHECK(ok.signalling->spec.noise_psd_v2_per_hz == Approx(5.2e-17).epsilon(1e-12));
  // PAM4 at 106.25 Gb/s is 53.125 GBd; a rate in GBd is symbols.
  const Config p4 = load_config_text(replace_first(replace_first(base, "\"32 GT/s\"", "\"106.25 Gb/s\""), "\"nrz\"", "\"pam4\""), "t.toml");
  CHECK(p4.signalling->spec.symbol_rate_baud == Approx(53.125e9).epsilon(1e-12));
  CHECK(p4.signalling->spec.levels == 4);
  // DFE limits by position: a number is relative to the main cursor, a voltage is the tap's full
  // scale; the other kind is unlimited at that position.
  const Config lim = load_config_text(replace_first(base, "dfe_taps = 3", "dfe_taps = 3\ndfe_limits = [0.8, \"20 mV\"]"), "t.toml");
  const auto& l = lim.signalling->spec.dfe_limits;
  CHECK(l.max_for(1) == 0.8);
  CHECK(std::isinf(l.abs_for(1)));
  CHECK(std::isinf(l.max_for(2)));
  CHECK(l.abs_for(2) == Approx(0.02).epsilon(1e-12));
  CHECK(l.abs_for(3) == Approx(0.02).epsilon(1e-12));  // the last value repeats

  CHECK_THAT(test::config_errors(replace_first(base, "\"nrz\"", "\"pam3\"")),
             Catch::Contains("signal.modulation = \"pam3\": must be nrz, pam4, pam8 or pam16"));
  CHECK_THAT(test::config_errors(replace_first(base, "\"5.2e-8 V^2/GHz\"", "\"-1e-8 V^2/GHz\"")),
             Catch::Contains("rx.noise_psd = \"-1e-8 V^2/GHz\": must be a noise power spectral density from 0"));
  CHECK_THAT(test::config_errors(replace_first(base, "modulation = \"nrz\"", "modulation = \"nrz\"\nsamples_per_ui = 0")),
             Catch::Contains("signal.samples_per_ui = 0: must be a whole number from 2 to 256"));
  CHECK_THAT(test::config_errors(replace_first(base, "dfe_taps = 3", "dfe_taps = 60")),
             Catch::Contains("rx.dfe_taps = 60: more DFE taps than post-cursors in the record"));
  CHECK_THAT(test::config_errors(replace_first(base, "[signal]", "[signal]\nrate_ = 1")), Catch::Contains("did you mean \"rate\""));
  CHECK_THAT(test::config_errors(replace_first(base, "\"32 GT/s\"", "\"32 GHz\"")),
             Catch::Contains("\"GHz\" is not a unit of data rate"));
}

TEST_CASE("A pulse channel reads inline samples and refuses what does not apply", "[io][config][pulse]") {
  const std::string base = R"toml([channel]
type = "pulse"
response = "pulse"
samples_per_ui = 4
values = [0.0, 0.01, 0.05, 0.2, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.0, 0.0]
[signal]
rate = "10 GBd"
[rx]
noise_rms = "2 mV"
dfe_taps = 1
)toml";
  const Config c = load_config_text(base, "t.toml");
  REQUIRE(c.sampled());
  REQUIRE(c.signalling);
  CHECK(c.sampled()->values_v.size() == 12);
  CHECK(c.signalling->spec.noise_rms_v == Approx(2e-3).epsilon(1e-12));
  CHECK_THAT(test::config_errors(replace_first(base, "[rx]", "[rx]\nctle = \"com\"")), Catch::Contains("a CTLE needs a frequency response"));
  CHECK_THAT(test::config_errors(replace_first(base, "noise_rms = \"2 mV\"", "noise_psd = \"5.2e-8 V^2/GHz\"")),
             Catch::Contains("already at the decision point"));
  CHECK_THAT(test::config_errors(replace_first(base, "response = \"pulse\"", "response = \"impulse\"")),
             Catch::Contains("samples_per_ui") && Catch::Contains("sample_interval"));
  CHECK_THAT(test::config_errors(replace_first(base, "values = [", "file = \"x.csv\"\nvalues = [")), Catch::Contains("either inline"));
}

TEST_CASE("A photodiode's bandwidth can come from its capacitance and the TIA input resistance", "[io][config][optical]") {
  // f = 1/(2 pi R C): 50 ohm and 100 fF give 31.83 GHz.
  const std::string text =
      optical_config("quantum_efficiency = 0.8\npd_capacitance = \"100 fF\"\ntia_input_resistance = \"50 ohm\"\n");
  const Config c = load_config_text(text, "t.toml");
  REQUIRE(c.optical());
  CHECK(c.optical()->receiver().pd_bandwidth_hz == Approx(1.0 / (2 * 3.14159265358979 * 50 * 100e-15)).epsilon(1e-12));
  CHECK(c.optical()->receiver().front_end.responsivity_a_per_w == Approx(0.8 * 1.31 / 1.2398419843).epsilon(1e-9));
}

TEST_CASE("Did-you-mean counts an adjacent transposition as one edit", "[io][config][unit]") {
  // Damerau's optimal string alignment distance, worked by hand.
  CHECK(edit_distance("lenght", "length") == 1);
  CHECK(edit_distance("lenght", "height") == 2);
  CHECK(edit_distance("kitten", "sitting") == 3);  // Levenshtein's classic example
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("ca", "abc") == 3);          // OSA, not full Damerau-Levenshtein (2)
  CHECK(closest_match("lenght", {"height", "length", "width"}) == "length");
}

TEST_CASE("A Touchstone block may name a network held in memory, given by the caller", "[io][config][touchstone]") {
  // One 2-port: a matched 0.5-amplitude thru (6.02 dB) at three frequencies.
  channels::Network net({1e9, 2e9, 4e9}, 2, {50.0, 50.0});
  for (std::size_t k = 0; k < 3; ++k) {
    net.s(k, 1, 0) = 0.5;
    net.s(k, 0, 1) = 0.5;
  }
  const std::string text = "[channel]\ntype = \"touchstone\"\nnetwork = \"thru\"\n";
  const std::map<std::string, channels::Network> held{{"thru", net}};
  const Config cfg = load_config_text_with(text, "mem.toml", held);
  REQUIRE(cfg.composed() != nullptr);
  CHECK_THAT(cfg.stored_toml, Catch::Contains("network = 'thru'"));
  // Without the network, and with a file as well: refused where the key is.
  CHECK_THAT(test::input_errors([&] { load_config_text(text, "mem.toml"); }),
             Catch::Contains("mem.toml:3:") && Catch::Contains("channel.network = \"thru\"") && Catch::Contains("none was given"));
  CHECK_THAT(test::input_errors([&] { load_config_text_with(text + "file = \"x.s2p\"\n", "mem.toml", held); }),
             Catch::Contains("not both"));
}
