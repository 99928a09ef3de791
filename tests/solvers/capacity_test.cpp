#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "solvers/capacity.hpp"

using namespace phylane::solvers;

TEST_CASE("A flat channel with white noise has capacity B log2(1 + P |H|^2 / (N0 B)) exactly",
          "[solvers][capacity][reference]") {
  // Cover & Thomas 2006, eq. 9.63. Tolerance: the water level's bisection (1e-12).
  const double b = 16e9, p = 0.25, n0 = 1e-12, g2 = 0.1;
  const auto r = water_filling_capacity([&](double) { return g2; }, [&](double) { return n0; }, p, b, 500);
  CHECK(r.capacity_bps == Approx(b * std::log2(1.0 + p * g2 / (n0 * b))).epsilon(1e-10));
  CHECK(r.used_bandwidth_hz == Approx(b).epsilon(1e-12));
}

TEST_CASE("Water-filling puts no power where the channel is too weak", "[solvers][capacity][property]") {
  // Two bands: strong below 5 GHz, 60 dB weaker above; at low power only the strong band is used,
  // and then C = 5 GHz log2(1 + P g / (N0 5 GHz)).
  const double n0 = 1e-12, p = 1e-3;
  auto g2 = [](double f) { return f < 5e9 ? 1.0 : 1e-6; };
  const auto r = water_filling_capacity(g2, [&](double) { return n0; }, p, 10e9, 1000);
  CHECK(r.used_bandwidth_hz == Approx(5e9).epsilon(1e-12));
  CHECK(r.capacity_bps == Approx(5e9 * std::log2(1.0 + p / (n0 * 5e9))).epsilon(1e-9));
}

TEST_CASE("Capacity grows with power and with bandwidth", "[solvers][capacity][property]") {
  auto g2 = [](double f) { return std::exp(-f / 5e9); };
  auto nz = [](double) { return 1e-12; };
  const double c1 = water_filling_capacity(g2, nz, 0.01, 20e9).capacity_bps;
  const double c2 = water_filling_capacity(g2, nz, 0.1, 20e9).capacity_bps;
  const double c3 = water_filling_capacity(g2, nz, 0.1, 40e9).capacity_bps;
  CHECK(c2 > c1);
  // Equal when the extra band gets no water; the two grids differ by ~1e-8 (midpoint rule).
  CHECK(c3 >= c2 * (1.0 - 1e-6));
}

TEST_CASE("A transmitter SNR ceiling caps a flat channel at B log2(1 + 1/(1/SNR + 1/ceiling))",
          "[solvers][capacity][reference]") {
  // Flat |H|^2 = 0.1, N0 = 1e-12 V^2/Hz, P = 0.25 V^2 over 16 GHz: SNR = 1562.5; with a 33 dB
  // ceiling (1995.26) the per-cell SNR is 1/(1/1562.5 + 1/1995.26) = 876.3 (exact arithmetic).
  const double b = 16e9, p = 0.25, n0 = 1e-12, g2 = 0.1;
  const int n = 64;
  std::vector<double> f(n), g(n, g2), nn(n, n0);
  for (int k = 0; k < n; ++k) f[static_cast<std::size_t>(k)] = (k + 0.5) * b / n;
  const double ceiling = std::pow(10.0, 3.3);
  const auto r = water_filling_capacity(f, g, nn, b / n, p, ceiling);
  const double snr = p * g2 / (n0 * b);
  CHECK(r.capacity_bps == Approx(b * std::log2(1.0 + 1.0 / (1.0 / snr + 1.0 / ceiling))).epsilon(1e-10));
  CHECK(r.capacity_bps < b * std::log2(1.0 + ceiling));
}
