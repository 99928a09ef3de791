// The `com_package` channel block (the IEEE 802.3 Annex 93A package of a COM sheet, as `phylane
// com` adds it) in a config: the composed channel's S21 against Annex 93A's own chain of formulas
// (93A-8 ... 93A-15 cascade, 93A-17/93A-18 terminations) evaluated directly, and its bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "channels/com_package.hpp"
#include "io/com_sheet.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "solvers/com_parameters.hpp"

using namespace phylane;
using cplx = std::complex<double>;

namespace {

std::string two_packages(const std::string& extra_tx, const std::string& driver_ohm) {
  return R"toml(name = "packages"
[channel]
driver = { impedance = ")toml" + driver_ohm + R"toml( ohm" }
receiver = { impedance = ")toml" + driver_ohm + R"toml( ohm" }
[[channel.segments]]
kind = "com_package"
side = "tx"
)toml" + extra_tx + R"toml(
[[channel.segments]]
kind = "com_package"
side = "rx"
)toml" + extra_tx + "\n";
}

}  // namespace

TEST_CASE("A com_package block pair is Annex 93A's package chain between its R_d terminations", "[io][com][reference]") {
  // Both package cases of the 100GBASE-KR4 sheet; the terminations at R_d = 55 ohm per line
  // (93A-17: Gamma = (R_d - R_0) / (R_d + R_0)), the 93A-18 voltage transfer of the cascade.
  const solvers::ComParameters p = io::embedded_com_sheet("100gbase-kr4");
  for (int pc : {1, 2}) {
    const auto cfg =
        io::load_config_text(two_packages("package_case = " + std::to_string(pc), "55"), "packages.toml");
    REQUIRE(cfg.composed());
    const auto tx = solvers::com_package(p, pc, solvers::ComPackageRole::tx);
    const auto rx = solvers::com_package(p, pc, solvers::ComPackageRole::rx);
    const double g = channels::com_termination_reflection(55.0, 50.0);
    std::vector<double> f;
    for (double x = 0.0; x <= 60e9; x += 0.731e9) f.push_back(x);
    const auto h = cfg.composed()->transfer(f);
    double worst = 0.0;
    for (std::size_t k = 0; k < f.size(); ++k) {
      const auto s = channels::com_cascade(channels::com_package_s(tx, f[k], channels::ComPackageSide::tx),
                                           channels::com_package_s(rx, f[k], channels::ComPackageSide::rx));
      const cplx ref = channels::com_terminated_h21(s, g, g);
      worst = std::max(worst, std::abs(h[k] - ref) / std::abs(ref));
    }
    INFO("package case " << pc);
    CHECK(worst < 1e-12);
  }
}

TEST_CASE("A com_package block's bad input names the key, the value and what is allowed", "[io][com][unit]") {
  auto error_of = [](const std::string& extra) {
    try {
      io::load_config_text(two_packages(extra, "50"), "bad.toml");
    } catch (const io::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("package_case = 3"), Catch::Contains("package_case") && Catch::Contains("1 ... 2"));
  CHECK_THAT(error_of("sheet = \"no-such-sheet\""),
             Catch::Contains("sheet") && Catch::Contains("no-such-sheet") && Catch::Contains("100gbase-kr4"));
  CHECK_THAT(error_of("side = \"middle\""), Catch::Contains("side"));
  CHECK_THAT(error_of("c_d = \"1 pF\""), Catch::Contains("c_d"));
}
