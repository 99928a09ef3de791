// The reach search's bracket (solvers/max_rate.hpp, find_max_reach; issue 13): on synthetic
// margin-versus-length curves with known crossings (linear, concave, convex in length, from
// several start lengths, with and without the loss slope), the answer lies within the resolution
// below the crossing, in far fewer evaluations than the scan took, the same on one thread and two;
// and on a preset the answer is checked against an independent dense scan of the eye.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "io/config.hpp"
#include "solvers/max_rate.hpp"
#include "workflows/link_search.hpp"
#include "workflows/rate.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

EyeAnalysis eye_with_margin(double margin_db) {
  EyeAnalysis a;
  a.eye.margin_db = margin_db;
  a.eye.status = margin_db > 0.0 ? EyeStatus::open : EyeStatus::closed;
  a.eye.height_v = 0.1;
  a.eye.width_ui = 0.5;
  return a;
}

// A margin curve with its exact crossing.
struct Curve {
  const char* name;
  std::function<double(double)> margin_db;
  double crossing_m;
};

std::vector<Curve> curves() {
  // Linear in length (the loss is; margin falling 0.5 dB per dB of a 30 dB/m loss): 12 - 15 L,
  // crossing at 0.8 m. Concave (the eye closes faster as it shrinks): 8 - 2 (L / 0.25)^2,
  // crossing at 0.5 m. Convex (a slope that flattens): 6 - 10 log10(L / 0.1 m), crossing at
  // 0.1 x 10^0.6 = 0.398107 m.
  return {{"linear", [](double l) { return 12.0 - 15.0 * l; }, 0.8},
          {"concave", [](double l) { return 8.0 - 2.0 * (l / 0.25) * (l / 0.25); }, 0.5},
          {"convex", [](double l) { return 6.0 - 10.0 * std::log10(l / 0.1); }, 0.1 * std::pow(10.0, 0.6)}};
}

}  // namespace

TEST_CASE("The reach bracket finds the crossing of linear, concave and convex margin curves in a few rounds",
          "[solvers][reach][reference]") {
  for (const auto& c : curves()) {
    for (double start : {0.02, 0.3, c.crossing_m, 2.0, 0.0}) {
      for (double slope : {0.0, 30.0}) {
        INFO(c.name << " from " << start << " m, loss slope " << slope << " dB/m");
        std::atomic<int> evals{0};
        auto eye = [&](double len) {
          ++evals;
          return eye_with_margin(c.margin_db(len));
        };
        ReachOptions opt;
        opt.min_length_m = 0.01;
        opt.max_length_m = 10.0;
        opt.start_length_m = start;
        opt.loss_db_per_m = slope;
        const auto r = find_max_reach(eye, opt);
        REQUIRE(r.found);
        CHECK_FALSE(r.capped);
        CHECK(r.max_length_m <= c.crossing_m);
        CHECK(r.max_length_m >= c.crossing_m / (1.0 + opt.resolution));
        CHECK(r.at_max.eye.margin_db == Approx(c.margin_db(r.max_length_m)).margin(1e-12));
        CHECK(r.curve.size() == static_cast<std::size_t>(evals.load()));
        CHECK(std::is_sorted(r.curve.begin(), r.curve.end(),
                             [](const ReachPoint& a, const ReachPoint& b) { return a.length_m < b.length_m; }));
        // The log scan and its refinement took 13 to 18 evaluations on these curves; the bracket
        // at most 14 (7 rounds of two), typically 6 to 10.
        CHECK(evals.load() <= 14);
        // The same lengths on one thread.
        opt.threads = 1;
        const auto one = find_max_reach(eye, opt);
        CHECK(one.max_length_m == r.max_length_m);
        CHECK(one.curve.size() == r.curve.size());
      }
    }
  }
}

TEST_CASE("The reach bracket never evaluates a length the engine cannot compute", "[solvers][reach][property]") {
  // margin = 10 - 40 log10(L / 0.1 m), crossing at 0.1778 m, and an engine that cannot compute
  // beyond 3 x the crossing (the impulse response no longer decays within the record): starting
  // short and climbing, the search stays within one scan ratio (2.31 here) of a meeting length
  // and never past a failing one.
  const double crossing = 0.1 * std::pow(10.0, 0.25);
  std::mutex m;
  double longest = 0.0;
  auto eye = [&](double len) {
    if (len > 3.0 * crossing) throw std::runtime_error("the impulse response does not decay within the period");
    const std::lock_guard<std::mutex> lock(m);
    longest = std::max(longest, len);
    return eye_with_margin(10.0 - 40.0 * std::log10(len / 0.1));
  };
  for (double start : {0.01, 0.03, 0.05}) {
    ReachOptions opt;
    opt.min_length_m = 0.01;
    opt.max_length_m = 10.0;
    opt.start_length_m = start;
    ReachResult r;
    REQUIRE_NOTHROW(r = find_max_reach(eye, opt));
    CHECK(r.max_length_m <= crossing);
    CHECK(r.max_length_m >= crossing / (1.0 + opt.resolution));
  }
  CHECK(longest < 3.0 * crossing);
}

TEST_CASE("The reach bracket reports nothing met at the shortest length, and a capped range at the longest",
          "[solvers][reach][property]") {
  ReachOptions opt;
  opt.min_length_m = 0.01;
  opt.max_length_m = 10.0;
  opt.start_length_m = 1.0;
  opt.loss_db_per_m = 20.0;
  // Every length fails (a mask no eye reaches): the search walks down to the shortest length
  // only, and says so.
  auto none = find_max_reach([](double len) { return eye_with_margin(-3.0 - len); }, opt);
  CHECK_FALSE(none.found);
  CHECK(none.reason == "even the shortest length in the range does not meet the target");
  CHECK(none.curve.front().length_m == opt.min_length_m);
  CHECK(none.curve.back().length_m <= 1.0 + 2.0 / opt.loss_db_per_m);
  // Every length meets: the answer is the top of the range, reached in scan-ratio steps.
  auto all = find_max_reach([](double len) { return eye_with_margin(5.0 - 0.01 * len); }, opt);
  CHECK(all.found);
  CHECK(all.capped);
  CHECK(all.max_length_m == opt.max_length_m);
  // Interrupted: no result.
  std::atomic<bool> stop{true};
  opt.hooks.stop = &stop;
  CHECK_THROWS_AS(find_max_reach([](double len) { return eye_with_margin(1.0 - len); }, opt), SearchInterrupted);
}

TEST_CASE("The reach of pcie5-server is the longest length of a dense scan that meets the criterion",
          "[workflows][reach][reference]") {
  // Independent check of the search on a real link: the eye as the reach search defines it (the
  // link's Tx and Rx at the rate, 16 samples per UI, the link's criterion: 15 mV x 0.3 UI at
  // 1e-12) on a 0.5 % grid over 0.40 ... 0.60 m; the answer must be the grid's longest meeting
  // length to within the search's resolution and the grid step.
  const io::Config cfg = io::load_preset("pcie5-server");
  const workflows::ReachAnswer a = workflows::reach(cfg, {});
  REQUIRE(a.result.found);
  const double res = a.options.resolution;
  const auto& sig = *cfg.signalling;
  const double baud = a.symbol_rate_baud;
  const workflows::Stretch st = workflows::stretchable(cfg, "", 4.0 * baud);
  auto meets = [&](double len) {
    auto s = sig.at(baud, 2);
    s.samples_per_ui = 16;
    s.refine_candidates = 1;
    s.passive_channel = cfg.passive_transfer();
    const EyeAnalysis e = analyze_eye(st.at(len).h, s);
    return e.eye.status == EyeStatus::open && e.eye.margin_db >= sig.required_margin_db &&
           e.eye.height_v >= sig.min_eye_height_for(2) && e.eye.width_ui >= sig.min_eye_width_for(2);
  };
  const double step = 1.005;
  double longest_meeting = 0.0, shortest_failing = 1e9;
  for (double len = 0.40; len <= 0.60; len *= step) {
    if (meets(len)) longest_meeting = std::max(longest_meeting, len);
    else shortest_failing = std::min(shortest_failing, len);
  }
  INFO("search " << a.result.max_length_m << " m in " << a.result.curve.size() << " eyes; grid: longest meeting "
                 << longest_meeting << " m, shortest failing " << shortest_failing << " m");
  // Monotone on this grid: the lengths that meet are those below the first that fails.
  CHECK(longest_meeting < shortest_failing);
  CHECK(a.result.max_length_m >= longest_meeting / (1.0 + res) / step);
  CHECK(a.result.max_length_m <= longest_meeting * (1.0 + res) * step);
  CHECK(meets(a.result.max_length_m));
  CHECK(a.result.curve.size() <= 12);
}
