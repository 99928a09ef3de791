// `phylane eye` with COM's sampling rule and PDFs ([rx] sampling = "com", pdf = "com"; docs/eye.md,
// "Sampling rule and COM's PDFs"): the `com` figures in the JSON and, the same values, in the HDF5
// file; neither when the options are off. On the kr1-ck-28db preset (no shared data needed).
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/embedded.hpp"
#include "tests/io/hdf5_read.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane::test;

namespace {
double attribute(hid_t obj, const char* name) {
  double v = std::nan("");
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  REQUIRE(a >= 0);
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  return v;
}
}  // namespace

TEST_CASE("The eye's COM figures: in the JSON and the same in the HDF5 file, only with the COM options",
          "[app][eye][com]") {
  const std::string dir = temp_dir("eye_com_output");
  std::string text(*phylane::io::embedded_file("presets/kr1-ck-28db.toml"));
  const std::string at = "dfe_taps = 12\n";
  const auto p = text.find(at);
  REQUIRE(p != std::string::npos);
  std::ofstream(dir + "/plain.toml") << text;
  text.insert(p + at.size(), "sampling = \"com\"\npdf = \"com\"\n");
  std::ofstream(dir + "/com.toml") << text;

  const auto j = run_phylane("eye com.toml -q --json", dir);
  REQUIRE(j.exit_code == 0);
  const auto c = j.out.find("\"com\": {");
  REQUIRE(c != std::string::npos);
  const std::string com = j.out.substr(c);
  CHECK(json_text(com, "sampling") == "com");
  CHECK(json_text(com, "pdf") == "com");
  const double a_s = json_number(com, "a_s_v"), a_ni = json_number(com, "a_ni_v"), margin = json_number(com, "margin_db");
  CHECK(a_s > 0.0);
  CHECK(a_ni > 0.0);
  CHECK(margin == Approx(20 * std::log10(a_s / a_ni)).margin(1e-9));  // COM's margin (93A-1)
  CHECK(json_number(j.out, "margin_db") == Approx(margin).margin(1e-12));  // the eye's margin is COM's
  CHECK(json_number(com, "sampling_ui") < 0.0);                           // before the pulse's peak

  REQUIRE(run_phylane("eye com.toml -q -o com.h5", dir).exit_code == 0);
  REQUIRE(run_phylane("eye plain.toml -q -o plain.h5", dir).exit_code == 0);
  {
    const hid_t f = H5Fopen((dir + "/com.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    CHECK(read_string_attribute(f, "sampling") == "com");
    CHECK(read_string_attribute(f, "pdf") == "com");
    const hid_t g = H5Gopen2(f, "/eye", H5P_DEFAULT);
    CHECK(attribute(g, "com_a_s_v") == Approx(a_s).epsilon(1e-12));
    CHECK(attribute(g, "com_a_ni_v") == Approx(a_ni).epsilon(1e-12));
    CHECK(attribute(g, "com_margin_db") == Approx(margin).epsilon(1e-12));
    CHECK(attribute(g, "com_sampling_ui") == Approx(json_number(com, "sampling_ui")).epsilon(1e-12));
    CHECK(attribute(g, "statistical_margin_db") == Approx(json_number(com, "statistical_margin_db")).epsilon(1e-12));
    H5Gclose(g);
    H5Fclose(f);
  }
  {
    const hid_t f = H5Fopen((dir + "/plain.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    CHECK(H5Aexists(f, "sampling") == 0);
    const hid_t g = H5Gopen2(f, "/eye", H5P_DEFAULT);
    CHECK(H5Aexists(g, "com_margin_db") == 0);
    H5Gclose(g);
    H5Fclose(f);
  }
  CHECK(run_phylane("eye plain.toml -q --json", dir).out.find("\"com\": {") == std::string::npos);
}
