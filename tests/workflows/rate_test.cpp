// The rate questions as functions of a Link: the rate vocabulary reaches the search, a bad
// request is refused before any eye is computed, and the criterion is the link's own.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "channels/link.hpp"
#include "workflows/rate.hpp"

using namespace phylane;
using namespace phylane::channels;

namespace {

// A link with PAM4 signalling at 64 GT/s and, as yet, no channel.
Link short_link() {
  Link link;
  link.source = "test link";
  LinkSignalling sig;
  sig.modulation = Modulation::pam4;
  sig.rate = LineRate{64e9, RateUnit::transfers};
  sig.spec.levels = 4;
  sig.spec.symbol_rate_baud = 32e9;
  sig.data_rate_bps = 64e9;
  sig.required_margin_db = 1.5;
  sig.min_eye_height_by_levels[4] = 6e-3;
  link.signalling = sig;
  return link;
}

}  // namespace

TEST_CASE("A max-rate request is refused before any eye is computed when it cannot be answered",
          "[workflows][rate][errors]") {
  Link link = short_link();
  // No channel with a frequency response.
  CHECK_THROWS_WITH(workflows::check_max_rate(link, {}), Catch::Contains("frequency response"));
  link.channel = SampledResponse{true, {1e12, 5e11}, 0, 1e-12, "inline"};
  workflows::MaxRateRequest rq;
  rq.levels = {2, 4};
  rq.max_rate = LineRate{40e9, RateUnit::baud};
  CHECK_THROWS_WITH(workflows::check_max_rate(link, rq), Catch::Contains("--max") && Catch::Contains("symbol rate"));
  rq.levels = {4};
  CHECK_NOTHROW(workflows::check_max_rate(link, rq));
  rq.min_rate = LineRate{100e9, RateUnit::bit};
  CHECK_THROWS_WITH(workflows::check_max_rate(link, rq), Catch::Contains("--max must be above --min"));
  rq = {};
  rq.levels = {3};
  CHECK_THROWS_WITH(workflows::check_max_rate(link, rq), Catch::Contains("3 levels is not a modulation"));
  Link bare;
  bare.source = "bare.toml";
  CHECK_THROWS_WITH(workflows::check_max_rate(bare, {}), Catch::Contains("bare.toml") && Catch::Contains("[signal]"));
}

TEST_CASE("A reach request is refused for a channel with no length to vary", "[workflows][rate][errors]") {
  Link link = short_link();
  link.channel = SampledResponse{true, {1e12, 5e11}, 0, 1e-12, "inline"};
  CHECK_THROWS_AS(workflows::check_reach(link, {}), std::invalid_argument);
}
