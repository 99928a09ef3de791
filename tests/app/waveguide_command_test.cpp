// The `phylane waveguide` command end to end: figures, outputs, bad geometries.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

const char* const kStrip = R"([waveguide]
core = "Si"
cladding = "SiO2"
width = "500 nm"
height = "220 nm"
wavelength = "1550 nm"
sidewall_roughness = "2 nm"
correlation_length = "50 nm"
bend_radii = ["5 um"]
)";

}  // namespace

TEST_CASE("phylane waveguide prints the Si strip's modes, losses and bend loss", "[app][waveguide]") {
  const auto dir = temp_dir("waveguide");
  write_text_file(dir + "/strip.toml", kStrip);
  const auto r = run_phylane("waveguide strip.toml --json -o modes.h5", dir);
  REQUIRE(r.exit_code == 0);
  // The same figures as tests/phy/mode_solver_test.cpp within the mesh difference (published
  // 2.4449 and 4.197, see docs/optical_physics.md).
  CHECK(json_number(r.out, "n_eff") == Approx(2.4449).epsilon(0.01));
  CHECK(json_number(r.out, "n_g") == Approx(4.197).epsilon(0.01));
  CHECK(json_number(r.out, "sidewall_scattering_db_per_cm") > 0.5);
  CHECK(json_number(r.out, "total_db_per_90deg") > 0.0);
  CHECK(r.out.find("nan") == std::string::npos);
  REQUIRE(fs::exists(dir + "/modes.h5"));
  hid_t f = H5Fopen((dir + "/modes.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  CHECK(H5Lexists(f, "/modes", H5P_DEFAULT) > 0);
  CHECK(H5Lexists(f, "/modes/quasi_te", H5P_DEFAULT) > 0);
  CHECK(H5Lexists(f, "/modes/quasi_te/field_abs", H5P_DEFAULT) > 0);
  CHECK(H5Lexists(f, "/bends", H5P_DEFAULT) > 0);
  CHECK(H5Lexists(f, "/bends/total_db_per_90deg", H5P_DEFAULT) > 0);
  H5Fclose(f);
}

TEST_CASE("phylane waveguide refuses bad geometries with exit 2 and no output", "[app][waveguide]") {
  const auto dir = temp_dir("waveguide_bad");
  SECTION("inverted index contrast") {
    const auto r = run_rejected_file("waveguide", "[waveguide]\ncore = \"SiO2\"\ncladding = \"Si\"\nwidth = \"500 nm\"\nheight = \"220 nm\"\n", dir);
    CHECK_THAT(r.err, Catch::Contains("waveguide.core") && Catch::Contains("inverted"));
  }
  SECTION("core smaller than the mesh") {
    const auto r = run_rejected_file("waveguide", "[waveguide]\ncore = \"Si\"\nwidth = \"20 nm\"\nheight = \"220 nm\"\nmesh = \"12.5 nm\"\n", dir);
    CHECK_THAT(r.err, Catch::Contains("waveguide.mesh") && Catch::Contains("two mesh cells"));
  }
  SECTION("bend radius below the mode size") {
    const auto r = run_rejected_file("waveguide", "[waveguide]\ncore = \"Si\"\nwidth = \"500 nm\"\nheight = \"220 nm\"\nbend_radii = [\"400 nm\"]\n", dir);
    CHECK_THAT(r.err, Catch::Contains("waveguide.bend_radii") && Catch::Contains("larger than its mode"));
  }
  SECTION("wavelength outside a material's fit") {
    const auto r = run_rejected_file("waveguide", "[waveguide]\ncore = \"Si\"\nwidth = \"500 nm\"\nheight = \"220 nm\"\nwavelength = \"1000 nm\"\n", dir);
    CHECK_THAT(r.err, Catch::Contains("waveguide.wavelength") && Catch::Contains("1200 nm"));
  }
  SECTION("unknown key") {
    const auto r = run_rejected_file("waveguide", "[waveguide]\ncore = \"Si\"\nwidht = \"500 nm\"\nheight = \"220 nm\"\n", dir);
    CHECK_THAT(r.err, Catch::Contains("did you mean \"width\""));
  }
}
