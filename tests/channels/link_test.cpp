// A Link's transfer function: one implementation per kind of channel, the overflow guard, and
// the refusal of a channel without a frequency response.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <stdexcept>
#include <vector>

#include "channels/link.hpp"
#include "phy/constants.hpp"

using namespace phylane;
using namespace phylane::channels;

TEST_CASE("A sampled impulse response's H(f) is its scaled DTFT", "[channels][link][reference]") {
  // h = [1, 1] / dt at dt = 1 ps: H(f) = 1 + e^{-j 2 pi f dt} (closed form of the two-tap sum).
  const double dt = 1e-12;
  Link link;
  link.source = "test";
  link.channel = SampledResponse{true, {1.0 / dt, 1.0 / dt}, 0, dt, "inline"};
  REQUIRE(link.has_transfer_function());
  const auto h = transfer_function(link);
  const std::vector<double> f = {0.0, 1e11, 2.5e11, 5e11};
  std::vector<std::complex<double>> out(f.size());
  h(f, out);
  for (std::size_t k = 0; k < f.size(); ++k) {
    const std::complex<double> want = 1.0 + std::polar(1.0, -2.0 * phy::pi * f[k] * dt);
    INFO("f = " << f[k]);
    CHECK(std::abs(out[k] - want) < 1e-12);  // two terms of a recurrence: rounding only
  }
}

TEST_CASE("A pulse response or no channel has no transfer function and says so", "[channels][link][errors]") {
  Link link;
  link.source = "lab.toml";
  CHECK_FALSE(link.has_transfer_function());
  CHECK_THROWS_WITH(transfer_function(link), Catch::Contains("lab.toml") && Catch::Contains("no channel"));
  link.channel = SampledResponse{false, {0.1, 1.0, 0.2}, 1, 0.0, "inline"};
  CHECK_FALSE(link.has_transfer_function());
  CHECK_THROWS_AS(transfer_function(link), std::invalid_argument);
  CHECK(link.sampled() != nullptr);
  CHECK(link.copper() == nullptr);
  CHECK(link.optical() == nullptr);
}
