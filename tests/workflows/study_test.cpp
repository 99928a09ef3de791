// The collective accounting `phylane throughput` and `phylane study` share (collective_point)
// against the alpha-beta formulas written out by hand, its preconditions, and the study's refusal
// of links it cannot run before any case is computed.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "channels/link.hpp"
#include "workflows/study.hpp"
#include "workflows/throughput.hpp"

using namespace phylane;
using phylane::workflows::collective_point;
using phylane::workflows::Workload;

namespace {

// 1e9 parameters in bf16: S = 2e9 bytes.
Workload workload(solvers::Collective c, solvers::Algorithm a) {
  Workload w;
  w.parameters = 1e9;
  w.bytes_per_parameter = 2.0;
  w.devices = {8};
  w.collective = c;
  w.algorithm = a;
  return w;
}

// Only floating-point rounding separates the function from the hand evaluation.
constexpr double kRounding = 1e-13;

}  // namespace

TEST_CASE("A ring all-reduce step takes 2(n-1) alpha + 2(n-1)/n S/B and every device sends 2(n-1)/n S",
          "[workflows][throughput][reference]") {
  // Alpha-beta model of the ring all-reduce (reduce-scatter then all-gather, 2(n-1) steps of S/n
  // each): R. Thakur, R. Rabenseifner, W. Gropp, "Optimization of collective communication
  // operations in MPICH", IJHPCA 19(1), 2005, sec. 4. n = 8, S = 2e9 B, B = 50e9 B/s,
  // alpha = 5 us: 14 x 5 us + 1.75 x 2e9 / 50e9 = 70 us + 70 ms = 0.07007 s.
  const Workload w = workload(solvers::Collective::all_reduce, solvers::Algorithm::ring);
  const double eff = 128.0 / 130.0;
  const auto p = collective_point(w, 8, 50e9, 5e-6, eff, 5e-12);
  CHECK(p.devices == 8);
  CHECK(p.time_s == Approx(0.07007).epsilon(kRounding));
  CHECK(p.latency_time_s == Approx(70e-6).epsilon(kRounding));
  CHECK(p.bandwidth_time_s == Approx(0.07).epsilon(kRounding));
  CHECK(p.bus_factor == 1.75);
  // NCCL (nccl-tests doc/PERFORMANCE.md): algBw = S / t, busBw = algBw x 2(n-1)/n.
  CHECK(p.algorithm_bandwidth_bytes_per_s == Approx(2e9 / 0.07007).epsilon(kRounding));
  CHECK(p.bus_bandwidth_bytes_per_s == Approx(1.75 * 2e9 / 0.07007).epsilon(kRounding));
  // All 8 devices send 1.75 x 2e9 B: 2.8e10 payload bytes, 2.8e10 x 8 x 130/128 line bits at
  // 5 pJ each = 1.1375 J.
  CHECK(p.wire_bytes == 2.8e10);
  REQUIRE(p.energy_j.has_value());
  CHECK(*p.energy_j == Approx(1.1375).epsilon(kRounding));
  CHECK_FALSE(p.step_time_s.has_value());
  CHECK_FALSE(collective_point(w, 8, 50e9, 5e-6, eff, std::nullopt).energy_j.has_value());
  // With no latency the bus bandwidth is the link bandwidth (NCCL's reason for defining it).
  CHECK(collective_point(w, 8, 50e9, 0.0, 1.0, std::nullopt).bus_bandwidth_bytes_per_s == Approx(50e9).epsilon(kRounding));
}

TEST_CASE("Tree all-reduce and ring reduce-scatter follow their own latency terms", "[workflows][throughput][reference]") {
  // Tree all-reduce on 64 devices: a tree reduce to one root takes 6 rounds and the broadcast 6
  // more (the round count is checked against a simulated binomial tree in
  // tests/solvers/throughput_test.cpp), 12 x 5 us = 60 us, plus the bandwidth-optimal
  // 2 x 63/64 x 2e9 B / 50e9 B/s = 78.75 ms: 0.07881 s by hand.
  const auto t = collective_point(workload(solvers::Collective::all_reduce, solvers::Algorithm::tree), 64, 50e9, 5e-6, 1.0,
                                  std::nullopt);
  CHECK(t.time_s == Approx(0.07881).epsilon(kRounding));
  // Ring reduce-scatter on 8: 7 steps of 5 us + 2e9/8 B / 50e9 B/s (Thakur et al. 2005, sec. 4):
  // 35 us + 35 ms = 0.035035 s by hand.
  const auto r = collective_point(workload(solvers::Collective::reduce_scatter, solvers::Algorithm::ring), 8, 50e9, 5e-6, 1.0,
                                  std::nullopt);
  CHECK(r.time_s == Approx(0.035035).epsilon(kRounding));
  CHECK(r.wire_bytes == 8 * 0.875 * 2e9);
}

TEST_CASE("With a compute time, the step time adds the communication not hidden behind compute",
          "[workflows][throughput][unit]") {
  Workload w = workload(solvers::Collective::all_reduce, solvers::Algorithm::ring);
  w.compute_time_s = 0.1;
  w.overlap = 0.5;
  const auto p = collective_point(w, 8, 50e9, 5e-6, 1.0, std::nullopt);
  REQUIRE(p.step_time_s.has_value());
  // Half of 0.07007 s is hidden: 0.1 + 0.035035 s.
  CHECK(*p.step_time_s == Approx(0.135035).epsilon(kRounding));
  CHECK(*p.communication_fraction == Approx(0.035035 / 0.135035).epsilon(kRounding));
}

TEST_CASE("collective_point refuses impossible inputs, naming the parameter, its value and the rule",
          "[workflows][throughput][errors]") {
  const Workload w = workload(solvers::Collective::all_reduce, solvers::Algorithm::ring);
  CHECK_THROWS_WITH(collective_point(w, 1, 50e9, 0.0, 1.0, std::nullopt), Catch::Contains("devices = 1") && Catch::Contains(">= 2"));
  CHECK_THROWS_WITH(collective_point(w, 8, 0.0, 0.0, 1.0, std::nullopt), Catch::Contains("bandwidth") && Catch::Contains("= 0"));
  CHECK_THROWS_WITH(collective_point(w, 8, 50e9, -1e-6, 1.0, std::nullopt), Catch::Contains("alpha") && Catch::Contains("-1e-06"));
  CHECK_THROWS_WITH(collective_point(w, 8, 50e9, 0.0, 1.5, std::nullopt), Catch::Contains("efficiency = 1.5") && Catch::Contains("(0, 1]"));
  CHECK_THROWS_WITH(collective_point(w, 8, 50e9, 0.0, 1.0, -1.0), Catch::Contains("energy per bit"));
  CHECK_THROWS_WITH(collective_point(Workload{}, 8, 50e9, 0.0, 1.0, std::nullopt), Catch::Contains("parameters"));
}

TEST_CASE("A study refuses a link it cannot run, naming the study and the link, before any case runs",
          "[workflows][study][errors]") {
  workflows::Study st;
  st.source = "s.toml";
  st.reach_m = {0.1, 1.0};
  st.workload = workload(solvers::Collective::all_reduce, solvers::Algorithm::ring);
  workflows::StudyLink sl;
  sl.name = "bare";
  auto bare = std::make_shared<channels::Link>();
  bare->source = "bare.toml";
  sl.link = bare;
  st.links.push_back(sl);
  int calls = 0;
  auto count = [&calls](int, int) { ++calls; };
  CHECK_THROWS_WITH(workflows::run_study(st, count), Catch::Contains("s.toml") && Catch::Contains("\"bare\"") &&
                                                         Catch::Contains("[signal]"));
  st.links[0].link = nullptr;
  CHECK_THROWS_AS(workflows::run_study(st, count), std::invalid_argument);
  st.links[0].link = bare;
  st.workload.devices = {1};
  CHECK_THROWS_WITH(workflows::run_study(st, count), Catch::Contains("workload.devices = 1"));
  CHECK(calls == 0);
}

TEST_CASE("The winners of each axis: highest rate and density, lowest energy, latency and step, unreachable points never win",
          "[workflows][study][unit]") {
  // Three options at two lengths, values chosen by hand.
  auto point = [](double rate, double density, double energy, double latency, double step, bool reachable = true) {
    workflows::StudyPoint p;
    p.reachable = reachable;
    p.max_rate_bps = rate;
    p.density_bps_per_mm = density;
    p.energy_per_bit_j = energy;
    p.phy_latency_s = latency;
    p.sync_time_s = {step / 2.0};
    p.step_time_s = {step};
    return p;
  };
  std::vector<workflows::StudyLinkResult> links(3);
  links[0].points = {point(100e9, 100e9, 4e-12, 20e-9, 17.0), point(0.0, 0.0, 4e-12, 20e-9, 17.0, false)};
  links[1].points = {point(200e9, 800e9, 6e-12, 70e-9, 16.0), point(200e9, 800e9, 6e-12, 80e-9, 16.0)};
  links[2].points = {point(150e9, 150e9, 2e-12, 20e-9, 16.0), point(0.0, 0.0, 2e-12, 10e-9, 15.0)};  // no rate at 2
  const auto w = workflows::study_winners(links, 1);
  CHECK(w.max_rate == std::vector<int>{1, 1});
  CHECK(w.density == std::vector<int>{1, 1});
  CHECK(w.energy == std::vector<int>{2, 1});   // option 2 has no rate at the second length
  CHECK(w.latency == std::vector<int>{0, 1});  // a tie (20 ns) goes to the first option
  CHECK(w.step_time[0] == std::vector<int>{1, 1});
  // No option with a value: -1.
  links[1].points[1].reachable = false;
  CHECK(workflows::study_winners(links, 1).energy[1] == -1);
}

TEST_CASE("A study refuses retimers on an optical link and negative counts before any case runs", "[workflows][study][errors]") {
  workflows::Study st;
  st.source = "s.toml";
  st.reach_m = {0.1};
  st.workload = workload(solvers::Collective::all_reduce, solvers::Algorithm::ring);
  workflows::StudyLink sl;
  sl.name = "bad";
  auto bare = std::make_shared<channels::Link>();
  bare->source = "bare.toml";
  bare->signalling.emplace();
  sl.link = bare;
  sl.retimers.max_count = -1;
  st.links.push_back(sl);
  CHECK_THROWS_WITH(workflows::run_study(st), Catch::Contains("\"bad\"") && Catch::Contains("retimers must be >= 0"));
  st.links[0].retimers.max_count = 1;
  CHECK_THROWS_WITH(workflows::run_study(st), Catch::Contains("loss budget"));
  st.links[0].retimers = {};
  st.links[0].lanes_per_laser = 0;
  CHECK_THROWS_WITH(workflows::run_study(st), Catch::Contains("lanes_per_laser"));
  st.links[0].lanes_per_laser = 1;
  st.links[0].energy_parts_j = {{"serdes", -1e-12}};
  CHECK_THROWS_WITH(workflows::run_study(st), Catch::Contains("energy part serdes"));
}
