#include <catch2/catch.hpp>

#include "solvers/throughput.hpp"

using namespace phylane::solvers;

TEST_CASE("Ring all-reduce time is 2(n-1)/n S/B + 2(n-1) alpha exactly", "[solvers][throughput][reference]") {
  // Thakur, Rabenseifner & Gropp 2005, ring all-reduce; computed by hand for n = 8, S = 140 GB,
  // B = 64 GB/s, alpha = 5 us: 2*7/8*140/64 + 14*5e-6 = 3.828125 + 7e-5 s.
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, 8, 140e9, 64e9, 5e-6) ==
        Approx(2.0 * 7 / 8 * 140e9 / 64e9 + 2.0 * 7 * 5e-6).epsilon(1e-15));
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, 8, 140e9, 64e9, 5e-6) ==
        Approx(3.828195).epsilon(1e-12));
  CHECK(collective_time_s(Collective::all_gather, Algorithm::ring, 4, 1e9, 1e9, 0.0) == Approx(0.75).epsilon(1e-15));
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, 1, 1e9, 1e9, 1e-6) == 0.0);
}

TEST_CASE("Bus factors are those NCCL defines", "[solvers][throughput][reference]") {
  // nccl-tests doc/PERFORMANCE.md: all-reduce busBw = algBw * 2(n-1)/n; all-gather and
  // reduce-scatter (n-1)/n.
  CHECK(bus_factor(Collective::all_reduce, 8) == Approx(1.75).epsilon(1e-15));
  CHECK(bus_factor(Collective::reduce_scatter, 8) == Approx(0.875).epsilon(1e-15));
}

TEST_CASE("Link bandwidth uses 1 GB = 1e9 bytes and the coding efficiency", "[solvers][throughput][reference]") {
  // PCIe 5.0 x16: 32 GT/s x 16 lanes x 128/130 / 8 = 63.015 GB/s per direction (PCI-SIG).
  const auto e = encoding("128b130b");
  REQUIRE(e);
  CHECK(link_bandwidth_bytes_per_s(16, 32e9, e->efficiency) == Approx(63.0154e9).epsilon(1e-5));
  // 400GBASE-DR4: 4 lanes of 106.25 Gb/s line rate carry 400 Gb/s = 50 GB/s.
  CHECK(link_bandwidth_bytes_per_s(4, 106.25e9, encoding("rs544")->efficiency) == Approx(50e9).epsilon(1e-12));
  CHECK_FALSE(encoding("9b11b").has_value());
}

TEST_CASE("Gradient sync time scales with parameters and falls with bandwidth", "[solvers][throughput][property]") {
  const double t1 = gradient_sync_time_s(70e9, 2.0, 8, Algorithm::ring, 50e9, 5e-6);
  const double t2 = gradient_sync_time_s(140e9, 2.0, 8, Algorithm::ring, 50e9, 5e-6);
  const double t3 = gradient_sync_time_s(70e9, 2.0, 8, Algorithm::ring, 100e9, 5e-6);
  CHECK(t2 > 1.99 * t1);
  CHECK(t3 < 0.51 * t1);
  // Tree beats ring on latency for many devices and small messages.
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::tree, 64, 1e3, 50e9, 5e-6) <
        collective_time_s(Collective::all_reduce, Algorithm::ring, 64, 1e3, 50e9, 5e-6));
}
