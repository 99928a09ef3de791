// An optical link's waveguide element described by its cross-section instead of a loss number.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "phy/units.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/waveguide.hpp"

using namespace phylane;

namespace {

// The cpo-microring preset with its "tx bus" waveguide given by `element` instead.
std::string preset_with(const std::string& element) {
  std::ifstream in(test::source_file("data/presets/cpo-microring.toml"));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string old = "loss_per_length = \"2.7 dB/cm\"  # Si wire ([si_waveguide])\nlength = \"3 mm\"\nbends = 4\nbend_loss = \"0.02 dB\"\n";
  const auto at = text.find(old);
  REQUIRE(at != std::string::npos);
  return text.replace(at, old.size(), element);
}

const char* const kGeometry = R"(length = "3 mm"
bends = 4
bend_radius = "5 um"
geometry = { core = "Si", cladding = "SiO2", width = "500 nm", height = "220 nm", sidewall_roughness = "2 nm", correlation_length = "50 nm" }
)";

}  // namespace

TEST_CASE("A waveguide given by geometry takes its loss per length and bend loss from the mode", "[io][optical][waveguide]") {
  const auto cfg = io::load_config_text(preset_with(kGeometry), "geometry.toml");
  REQUIRE(cfg.optical());
  const auto& path = cfg.optical()->path();
  REQUIRE(path.size() > 1);
  const auto& wg = path[1];
  CHECK(wg.kind == "waveguide");
  // The same figures as the waveguide workflow at the laser's 1310 nm (quasi-TE, docs/optical_physics.md).
  workflows::WaveguideRequest q;
  q.wavelength_m = 1310e-9;
  q.sidewall = {2e-9, 50e-9};
  q.bend_radii_m = {5e-6};
  q.quasi_tm = false;
  q.group_index = false;
  const auto r = workflows::analyze_waveguide(q);
  const double per_m = phy::units::nepers_to_db(0.5 * r.modes.front().scattering.sidewalls_per_m);
  CHECK(wg.loss_db_per_m == Approx(per_m).epsilon(1e-9));
  CHECK(wg.loss_db == Approx(per_m * 3e-3 + 4 * r.bends.front().total_db_per_90deg).epsilon(1e-9));
  // Plausible for a 2 nm rms Si wire: between 0.5 and 10 dB/cm.
  CHECK(wg.loss_db_per_m > 50.0);
  CHECK(wg.loss_db_per_m < 1000.0);
}

TEST_CASE("A waveguide's geometry is validated like the waveguide file", "[io][optical][waveguide]") {
  auto message = [](const std::string& element) {
    try {
      io::load_config_text(preset_with(element), "bad.toml");
    } catch (const io::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(message(std::string(kGeometry) + "loss_per_length = \"2 dB/cm\"\n"),
             Catch::Contains("loss_per_length") && Catch::Contains("either geometry"));
  CHECK_THAT(message("length = \"3 mm\"\nbends = 2\ngeometry = { core = \"Si\", width = \"500 nm\", height = \"220 nm\" }\n"),
             Catch::Contains("bend_radius") && Catch::Contains("missing"));
  CHECK_THAT(message("length = \"3 mm\"\ngeometry = { core = \"SiO2\", cladding = \"Si\", width = \"500 nm\", height = \"220 nm\" }\n"),
             Catch::Contains("geometry.core") && Catch::Contains("inverted"));
  CHECK_THAT(message("length = \"3 mm\"\nbends = 1\nbend_radius = \"300 nm\"\ngeometry = { core = \"Si\", width = \"500 nm\", height = \"220 nm\" }\n"),
             Catch::Contains("bend_radius") && Catch::Contains("larger than its mode"));
}
