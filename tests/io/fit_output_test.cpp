// Outputs of the material fit: the written tables load as a config's own material and foil and
// give the fitted line back; the HDF5 file holds the fit band, residual and parameters.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

#include "channels/copper_channel.hpp"
#include "channels/network_ops.hpp"
#include "io/config.hpp"
#include "io/fit_output.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "tests/io/hdf5_read.hpp"
#include "tests/support/run_command.hpp"
#include "workflows/material_fit.hpp"

using namespace phylane;
using phy::units::inch;

namespace {

// The cross-section config the fit starts from, and that the written tables are used in.
const std::string kSegment = R"([channel]
[[channel.segments]]
geometry = "stripline"
length = "1 in"
width = "5 mil"
height = "5 mil"
thickness = "0.6 mil"
field_solver = "closed-form"
)";

// Two lengths of the configured stripline with a Huray foil and a known laminate, matched ports.
workflows::LengthFit measured(const channels::TraceSegment& seg) {
  const phy::Roughness r{phy::RoughnessModel::huray, 0.0, 0.4e-6, 1.8, 1.0};
  const phy::TransmissionLine truth(seg.line.shared_geometry(), phy::Dielectric::djordjevic_sarkar(3.5, 0.005, 10e9),
                                    {seg.line.conductor().conductivity_s_per_m, r, r});
  std::vector<double> grid;
  for (double f = 100e6; f <= 30e9 + 1; f += 100e6) grid.push_back(f);
  std::vector<workflows::MeasuredLength> in;
  for (double len : {2 * inch, 6 * inch}) {
    const double z0 = truth.impedance_ohm(10e9);
    in.push_back({channels::network_from_channel(channels::CopperChannel({{"l", len, truth}}, z0, z0), grid),
                  channels::PortOrder::pairs_12_34, len, "l"});
  }
  return workflows::fit_lengths(in);
}

}  // namespace

TEST_CASE("The fitted material and foil tables load in a config and give the fitted line", "[io][fit]") {
  const auto start = io::load_config_text(kSegment + "material = \"fr-4\"\nfoil = \"standard\"\nroughness_model = \"huray\"\n",
                                          "start.toml");
  const auto lengths = measured(start.copper()->segments().front());
  const auto mf = workflows::fit_material(lengths, {2 * inch, 6 * inch}, start, 0);
  REQUIRE(mf.converged);
  const std::string tables = io::fitted_material_toml(mf, "board-a", "test pair");
  const auto used = io::load_config_text(kSegment + "material = \"board-a\"\nfoil = \"board-a\"\n" + tables, "used.toml");
  const auto& line = used.copper()->segments().front().line;
  // The tables carry 5 significant digits: the loaded line's loss equals the fitted one's within 1e-4.
  for (double f : {1e9, 10e9, 30e9})
    CHECK(line.at(f).gamma.real() == Approx(mf.line->at(f).gamma.real()).epsilon(1e-4));
  CHECK(line.conductor().strip_roughness.model == phy::RoughnessModel::huray);
  CHECK(line.conductor().plane_roughness.model == phy::RoughnessModel::huray);
  CHECK(line.dielectric().reference_dk() == Approx(mf.dk).epsilon(1e-4));
}

TEST_CASE("The HDF5 of a material fit holds the band, the residual and the parameters", "[io][fit]") {
  const auto start = io::load_config_text(kSegment + "material = \"fr-4\"\nfoil = \"vlp\"\n", "start.toml");
  const auto lengths = measured(start.copper()->segments().front());
  const auto mf = workflows::fit_material(lengths, {2 * inch, 6 * inch}, start, 0);
  const auto dir = test::temp_dir("fit-output");
  const std::string file = dir + "/fit.h5";
  io::write_fit_hdf5(file, {"a", "b"}, {2 * inch, 6 * inch}, lengths, &mf);
  hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(h >= 0);
  test::check_units_attribute(h, {"/material/frequency_hz", "/material/measured_db_per_m", "/material/model_db_per_m",
                                  "/material/residual_db_per_m"});
  const auto res = test::read_doubles(h, "/material/residual_db_per_m");
  CHECK(res.size() == mf.freq_hz.size());
  hid_t g = H5Gopen2(h, "/material", H5P_DEFAULT);
  CHECK(test::read_string_attribute(g, "roughness_model") == "hammerstad");
  CHECK(H5Aexists(g, "dk") > 0);
  CHECK(H5Aexists(g, "rq_uncertainty") > 0);
  H5Gclose(g);
  H5Fclose(h);
  std::filesystem::remove_all(dir);
}
