#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "solvers/throughput.hpp"

using namespace phylane::solvers;

namespace {

// Independent reference: an explicit simulation of the collective's schedule in the alpha-beta model
// (each round costs alpha plus its largest message over B; all links work in parallel), tracking which
// devices' contributions every chunk holds, so the round count comes from the data flow, not a formula.
// Ring all-reduce (Patarasuk & Yuan 2009; Thakur et al. 2005): reduce-scatter then all-gather of n chunks.
double simulated_ring_all_reduce_s(int n, double bytes, double bw, double alpha) {
  // have[d][c]: bitmask of the devices whose contribution device d holds in chunk c.
  std::vector<std::vector<std::uint64_t>> have(n, std::vector<std::uint64_t>(n));
  for (int d = 0; d < n; ++d)
    for (int c = 0; c < n; ++c) have[d][c] = std::uint64_t{1} << d;
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  double t = 0.0;
  auto done_rs = [&] {  // every chunk complete on some device
    for (int c = 0; c < n; ++c) {
      bool any = false;
      for (int d = 0; d < n; ++d) any = any || have[d][c] == all;
      if (!any) return false;
    }
    return true;
  };
  for (int step = 0; !done_rs(); ++step) {  // device d sends chunk (d - step) mod n to d + 1, which reduces it
    auto next = have;
    for (int d = 0; d < n; ++d) {
      const int c = ((d - step) % n + n) % n;
      next[(d + 1) % n][c] |= have[d][c];
    }
    have = next;
    t += alpha + bytes / n / bw;
  }
  auto done_ag = [&] {
    for (int d = 0; d < n; ++d)
      for (int c = 0; c < n; ++c)
        if (have[d][c] != all) return false;
    return true;
  };
  // All-gather: device d forwards the chunk it completed (or received) last, one chunk per link per round.
  std::vector<int> last(n, -1);
  for (int d = 0; d < n; ++d)
    for (int c = 0; c < n; ++c)
      if (have[d][c] == all) last[d] = c;
  while (!done_ag()) {
    auto next = have;
    std::vector<int> next_last(n);
    for (int d = 0; d < n; ++d) {
      next[(d + 1) % n][last[d]] = have[d][last[d]];
      next_last[(d + 1) % n] = last[d];
    }
    have = next;
    last = next_last;
    t += alpha + bytes / n / bw;
  }
  return t;
}

// Rounds of a binomial-tree reduce to device 0 (round k: device d with d mod 2^(k+1) = 2^k sends its
// partial sum to d - 2^k), simulated with contribution masks; the broadcast mirrors it.
int simulated_tree_reduce_rounds(int n) {
  std::vector<std::uint64_t> have(n);
  for (int d = 0; d < n; ++d) have[d] = std::uint64_t{1} << d;
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  int rounds = 0;
  for (int k = 0; have[0] != all; ++k, ++rounds)
    for (int d = 0; d < n; ++d)
      if (d % (2 << k) == (1 << k)) have[d - (1 << k)] |= have[d];
  return rounds;
}

}  // namespace

TEST_CASE("Ring all-reduce time equals a simulation of its reduce-scatter and all-gather schedule",
          "[solvers][throughput][reference]") {
  // Reference: simulated_ring_all_reduce_s above. Also Thakur, Rabenseifner & Gropp 2005 by hand for
  // n = 8, S = 140 GB, B = 64 GB/s, alpha = 5 us: 14 rounds of (5 us + 17.5 GB / 64 GB/s) = 3.828195 s.
  // Measured agreement: rounding (1e-15).
  for (int n : {2, 3, 5, 8, 13, 64}) {
    INFO("n = " << n);
    CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, n, 140e9, 64e9, 5e-6) ==
          Approx(simulated_ring_all_reduce_s(n, 140e9, 64e9, 5e-6)).epsilon(1e-13));
  }
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, 8, 140e9, 64e9, 5e-6) ==
        Approx(3.828195).epsilon(1e-12));
  CHECK(collective_time_s(Collective::all_gather, Algorithm::ring, 4, 1e9, 1e9, 0.0) == Approx(0.75).epsilon(1e-15));
  CHECK(collective_time_s(Collective::all_reduce, Algorithm::ring, 1, 1e9, 1e9, 1e-6) == 0.0);
}

TEST_CASE("Tree all-reduce latency is a simulated binomial-tree reduce plus broadcast",
          "[solvers][throughput][reference]") {
  // With S = 0 only the latency term remains: 2 x (rounds of a tree reduce to one root), the
  // rounds counted by simulating the data flow (binomial tree, Thakur et al. 2005, sec. 4; NCCL's
  // double binary tree has the same log2 depth, Jeaugey 2019). Exact for every n from 2 to 64.
  for (int n = 2; n <= 64; ++n) {
    INFO("n = " << n);
    CHECK(collective_time_s(Collective::all_reduce, Algorithm::tree, n, 0.0, 50e9, 5e-6) ==
          Approx(2.0 * simulated_tree_reduce_rounds(n) * 5e-6).epsilon(1e-14));
  }
  // Hand values: 8 devices reduce in 3 rounds, 9 in 4.
  CHECK(simulated_tree_reduce_rounds(8) == 3);
  CHECK(simulated_tree_reduce_rounds(9) == 4);
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
