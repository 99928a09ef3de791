// Sweep files: axes, ranges, modes, case numbering, the values set in each case's config, and
// the errors (every one names the axis).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "io/diagnostics.hpp"
#include "io/sweep.hpp"

using namespace phylane::io;

namespace {

Sweep sweep_of(const std::string& axes, const std::string& head = "",
               const std::string& outputs = "scalars = [\"loss.insertion_loss_db@16 GHz\"]") {
  const std::string text = "base = \"preset:pcie5-server\"\n" + head + "\n" + axes + "\n[outputs]\n" + outputs + "\n";
  return load_sweep_text(text, "t.toml", std::filesystem::current_path());
}

std::string error_of(const std::string& axes, const std::string& head = "",
                     const std::string& outputs = "scalars = [\"loss.insertion_loss_db@16 GHz\"]") {
  try {
    const Sweep s = sweep_of(axes, head, outputs);
    validate_sweep(s, 1);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a grid numbers its cases row-major with the first axis slowest", "[io][sweep][unit]") {
  const Sweep s = sweep_of(R"([[axis]]
key = "channel.segments[2].length"
values = ["4 in", "8 in", "12 in"]
[[axis]]
key = "channel.segments[2].material"
values = ["fr408hr", "megtron6"])");
  REQUIRE(s.case_count() == 6);
  CHECK(s.shape() == std::vector<std::size_t>{3, 2});
  CHECK(s.positions(0) == std::vector<std::size_t>{0, 0});
  CHECK(s.positions(1) == std::vector<std::size_t>{0, 1});
  CHECK(s.positions(5) == std::vector<std::size_t>{2, 1});
  CHECK(s.axes[0].kind == SweepAxis::Kind::quantity);
  CHECK(s.axes[0].units == "m");
  CHECK(s.axes[1].kind == SweepAxis::Kind::text);
  // Case 3 = (8 in, megtron6): the loaded config carries exactly those values.
  const Config cfg = case_config(s, 3);
  CHECK(cfg.segments.at(1).material == "megtron-6");  // the library id of the alias "megtron6"
  CHECK(cfg.copper()->segments().at(1).length_m == 8 * 0.0254);  // exact: "8 in" parses to 8 x 0.0254
  CHECK(cfg.copper()->segments().at(0).length_m == 0.5 * 0.0254);  // untouched
  CHECK(s.case_label(3) == "channel.segments[2].length = \"8 in\", channel.segments[2].material = \"megtron6\"");
}

TEST_CASE("ranges have exact ends, even linear or logarithmic spacing, and whole numbers stay whole", "[io][sweep][unit]") {
  const Sweep s = sweep_of(R"([[axis]]
key = "channel.segments[2].length"
from = "1 in"
to = "30 in"
steps = 30
[[axis]]
key = "report.fmax"
from = "1 GHz"
to = "100 GHz"
steps = 3
scale = "log"
[[axis]]
key = "rx.dfe_taps"
from = 0
to = 3
steps = 4)");
  const auto& len = s.axes[0];
  REQUIRE(len.size() == 30);
  CHECK(len.value(0).numeric == 0.0254);
  CHECK(len.value(29).numeric == 30 * 0.0254);
  for (std::size_t i = 0; i < 30; ++i) {
    // The value set in the config is text that parses back to the same double.
    const AxisValue v = len.value(i);
    CHECK(v.kind == AxisValue::Kind::text);
    CHECK(parse_quantity(v.text, Dimension::length).value == v.numeric);
    CHECK(v.numeric == Approx(0.0254 * static_cast<double>(i + 1)).epsilon(1e-14));  // rounding of the interpolation only
  }
  CHECK(s.axes[1].value(0).numeric == 1e9);
  CHECK(s.axes[1].value(1).numeric == Approx(10e9).epsilon(1e-14));  // geometric mean of the ends
  CHECK(s.axes[1].value(2).numeric == 100e9);
  for (std::int64_t k = 0; k < 4; ++k) {
    CHECK(s.axes[2].value(static_cast<std::size_t>(k)).kind == AxisValue::Kind::integer);
    CHECK(s.axes[2].value(static_cast<std::size_t>(k)).integer == k);
  }
  CHECK(s.case_count() == 30 * 3 * 4);
  CHECK(case_config(s, 4 * 3 * 4 - 1).signalling->spec.dfe_taps == 3);
}

TEST_CASE("zipped axes pair their values case by case", "[io][sweep][unit]") {
  const Sweep s = sweep_of(R"([[axis]]
key = "channel.segments[2].length"
values = ["4 in", "8 in"]
[[axis]]
key = "signal.rate"
values = ["16 GT/s", "32 GT/s"])",
                           "mode = \"zip\"", "scalars = [\"loss.insertion_loss_db@nyquist\"]");
  REQUIRE(s.case_count() == 2);
  CHECK(s.shape() == std::vector<std::size_t>{2});
  const Config c1 = case_config(s, 1);
  CHECK(c1.copper()->segments().at(1).length_m == 8 * 0.0254);
  CHECK(c1.signalling->data_rate_bps == 32e9);
  CHECK_THAT(error_of(R"([[axis]]
key = "channel.segments[2].length"
values = ["4 in", "8 in"]
[[axis]]
key = "signal.rate"
values = ["16 GT/s"])",
                      "mode = \"zip\""),
             Catch::Contains("axis 2 (signal.rate) has 1 values but axis 1 (channel.segments[2].length) has 2"));
}

TEST_CASE("a Latin hypercube puts one sample in each stratum of every axis, reproducibly from its seed",
          "[io][sweep][property]") {
  const std::string axes = R"([[axis]]
key = "channel.segments[2].length"
from = "1 in"
to = "21 in"
[[axis]]
key = "channel.segments[2].width"
from = "3 mil"
to = "6 mil"
[[axis]]
key = "channel.segments[2].material"
values = ["fr408hr", "megtron6", "fr4", "megtron6"])";
  const Sweep a = sweep_of(axes, "mode = \"lhs\"\nsamples = 40\nseed = 7");
  const Sweep b = sweep_of(axes, "mode = \"lhs\"\nsamples = 40\nseed = 7");
  const Sweep c = sweep_of(axes, "mode = \"lhs\"\nsamples = 40\nseed = 8");
  REQUIRE(a.case_count() == 40);
  // Stratification (McKay et al. 1979): with n samples, exactly one falls in each of the n
  // equal intervals of each range.
  for (std::size_t ax : {0u, 1u}) {
    std::set<long> strata;
    const double lo = a.axes[ax].from, hi = a.axes[ax].to;
    for (std::size_t i = 0; i < 40; ++i) {
      const double x = a.axes[ax].value(i).numeric;
      CHECK(x >= lo);
      CHECK(x <= hi);
      strata.insert(static_cast<long>(std::floor((x - lo) / (hi - lo) * 40.0)));
    }
    CHECK(strata.size() == 40);
  }
  // A list of 4 values over 40 samples: each listed position 10 times.
  std::vector<int> counts(4, 0);
  for (std::size_t i = 0; i < 40; ++i) ++counts[a.axes[2].picks[i]];
  CHECK(counts == std::vector<int>{10, 10, 10, 10});
  bool same = true, differ = false;
  for (std::size_t i = 0; i < 40; ++i) {
    same = same && a.case_label(i) == b.case_label(i);
    differ = differ || a.case_label(i) != c.case_label(i);
  }
  CHECK(same);
  CHECK(differ);
  CHECK_THAT(error_of(R"([[axis]]
key = "channel.segments[2].length"
from = "1 in"
to = "2 in"
steps = 4)",
                      "mode = \"lhs\"\nsamples = 4"),
             Catch::Contains("remove steps"));
}

TEST_CASE("bad sweeps are rejected before anything runs, each error naming the axis", "[io][sweep][validation]") {
  // Unknown key: caught by the config loader when the sweep is read, once for the axis (not per
  // case), with its "did you mean".
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].lenght\"\nvalues = [\"1 in\"]"),
             Catch::Contains("t.toml:3:1: axis 1 (channel.segments[2].lenght): unknown key; did you mean \"length\"?"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"sginal.rate\"\nvalues = [\"8 GT/s\"]"),
             Catch::Contains("axis 1 (sginal.rate)") && Catch::Contains("did you mean \"signal\""));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[6].length\"\nvalues = [\"1 in\"]"),
             Catch::Contains("t.toml:3:1: axis 1 (channel.segments[6].length): unknown key path: index 6 is out of range") &&
                 Catch::Contains("3 entries"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segmnts[1].length\"\nvalues = [\"1 in\"]"),
             Catch::Contains("axis 1") && Catch::Contains("did you mean \"segments\""));
  // Unit mismatch along an axis: a list, and a range's ends.
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\", \"8 GHz\"]"),
             Catch::Contains("unit mismatch along axis 1 (channel.segments[2].length)") &&
                 Catch::Contains("\"8 GHz\" is a frequency") && Catch::Contains("\"1 in\" is a length"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"signal.rate\"\nfrom = \"8 GT/s\"\nto = \"20 in\"\nsteps = 3"),
             Catch::Contains("unit mismatch along axis 1 (signal.rate)"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"signal.rate\"\nfrom = \"8 GT/s\"\nto = 20\nsteps = 3"),
             Catch::Contains("unit mismatch along axis 1 (signal.rate)"));
  // The right kind of unit for the axis but not for the key: the loader's rule, with the axis.
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 GHz\"]"),
             Catch::Contains("axis 1 (channel.segments[2].length), case 1") && Catch::Contains("not a unit of length"));
  // Empty ranges and lists.
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nfrom = \"1 in\"\nto = \"2 in\"\nsteps = 0"),
             Catch::Contains("empty range on axis 1 (channel.segments[2].length)"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = []"),
             Catch::Contains("axis 1 (channel.segments[2].length) is empty"));
  // A value the config rejects, on one case of many: that case's index and value.
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\", \"-2 in\", \"3 in\"]"),
             Catch::Contains("axis 1 (channel.segments[2].length), case 2:") && Catch::Contains("\"-2 in\"") &&
                 Catch::Contains("positive"));
  // Outputs.
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\"]", "",
                      "scalars = [\"loss.insertion_los_db@16 GHz\"]"),
             Catch::Contains("did you mean \"insertion_loss_db\""));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\"]", "", "scalars = [\"loss.insertion_loss_db\"]"),
             Catch::Contains("add \"@16 GHz\" or \"@nyquist\""));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\"]", "", "scalars = [\"eye.margin_db\"]\n[outputs.maxrate]\nmodulaton = \"nrz\""),
             Catch::Contains("modulaton"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2]\"\nvalues = [\"1 in\"]"),
             Catch::Contains("axis 1 (channel.segments[2])") && Catch::Contains("a single value"));
  CHECK_THAT(error_of("[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\"]\n[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"2 in\"]"),
             Catch::Contains("axis 2 (channel.segments[2].length) repeats the key"));
}

TEST_CASE("an output that does not apply to a case's config is an error before anything runs", "[io][sweep][validation]") {
  // The optical preset has no copper trace: a copper loss breakdown does not exist there.
  const std::string text = R"(base = "preset:dr4-400g-lane"
[[axis]]
key = "channel.path[1].length"
values = ["100 m", "200 m"]
[outputs]
scalars = ["loss.insertion_loss_db@10 GHz"])";
  const Sweep s = load_sweep_text(text, "o.toml", std::filesystem::current_path());
  try {
    validate_sweep(s, 2);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("2 of 2 cases are not valid") && Catch::Contains("applies to copper channels"));
  }
}

TEST_CASE("case results survive the byte encoding used between MPI ranks", "[io][sweep][unit]") {
  std::vector<CaseResult> in(3);
  in[0] = {7, true, "", {1.5, -2.0}, {0.25, 0.5, 0.75}};
  in[1] = {12345678901ull, false, "eye: no convergence", {std::nan(""), 3.0}, {}};
  in[2] = {0, true, "", {}, {}};
  std::vector<char> bytes;
  encode_results(in, bytes);
  const auto out = decode_results(bytes);
  REQUIRE(out.size() == 3);
  CHECK(out[0].index == 7);
  CHECK(out[0].curves == in[0].curves);
  CHECK(out[1].index == 12345678901ull);
  CHECK_FALSE(out[1].ok);
  CHECK(out[1].reason == "eye: no convergence");
  CHECK(std::isnan(out[1].scalars[0]));
  CHECK(out[1].scalars[1] == 3.0);
  bytes.pop_back();
  CHECK_THROWS(decode_results(bytes));
}

TEST_CASE("output options are parsed when the sweep file is read: rates keep their unit, modulations their levels",
          "[io][sweep][unit]") {
  const std::string axis = "[[axis]]\nkey = \"channel.segments[2].length\"\nvalues = [\"1 in\"]";
  const Sweep s = sweep_of(axis, "",
                           "scalars = [\"maxrate.max_rate_bps\"]\n[outputs.maxrate]\nmodulation = \"pam4\"\nmax = \"40 GBd\"\n"
                           "min = \"8 Gb/s\"\nmargin = \"1 dB\"");
  REQUIRE(s.plans.size() == 1);
  const auto& o = s.plans[0].options;
  CHECK(o.level_list("modulation") == std::vector<int>{4});
  REQUIRE(o.rate("max"));
  CHECK(o.rate("max")->unit == phylane::channels::RateUnit::baud);
  CHECK(o.rate("max")->value == 40e9);
  CHECK(o.rate("min")->unit == phylane::channels::RateUnit::bit);
  CHECK(o.rate("min")->value == 8e9);
  CHECK(o.value("margin") == 1.0);
  // A bad value is an error of the file (its key, its value, what is allowed), before any case.
  CHECK_THAT(error_of(axis, "", "scalars = [\"maxrate.max_rate_bps\"]\n[outputs.maxrate]\nmodulation = \"nrz,pam5\""),
             Catch::Contains("t.toml:") && Catch::Contains("modulation") && Catch::Contains("\"nrz,pam5\"") &&
                 Catch::Contains("pam4"));
  CHECK_THAT(error_of(axis, "", "scalars = [\"reach.max_length_m\"]\n[outputs.reach]\nrate = \"40 GHz\""),
             Catch::Contains("rate") && Catch::Contains("\"40 GHz\""));
}
