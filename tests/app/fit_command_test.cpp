// The `phylane fit` command end to end: JSON and HDF5 from two lengths phylane writes, bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

std::string config(const std::string& length) {
  return R"(name = "fit test"
[channel]
[[channel.segments]]
geometry = "coupled_stripline"
length = ")" + length + R"("
width = "5 mil"
spacing = "7 mil"
height = "5 mil"
material = "megtron-6"
foil = "hvlp"
)";
}

}  // namespace

TEST_CASE("phylane fit of two lengths phylane wrote gives a per-inch loss; bad input exits 2", "[app][fit]") {
  const auto dir = temp_dir("fit");
  write_text_file(dir + "/a.toml", config("4 in"));
  write_text_file(dir + "/b.toml", config("10 in"));
  REQUIRE(run_phylane("sparams a.toml -o a.s4p", dir).exit_code == 0);
  REQUIRE(run_phylane("sparams b.toml -o b.s4p", dir).exit_code == 0);
  const auto j = run_phylane("fit a.s4p b.s4p --lengths '4 in,10 in' --json -o fit.h5", dir);
  REQUIRE(j.exit_code == 0);
  CHECK(json_text(j.out, "quantity") == "SDD21");
  CHECK(json_number(j.out, "eps_eff") > 3.0);
  CHECK(fs::exists(dir + "/fit.h5"));
  const auto t = run_phylane("fit a.s4p b.s4p --lengths '4 in,10 in'", dir);
  CHECK_THAT(t.out, Catch::Contains("SDD21 per length") && Catch::Contains("dB/in"));
  struct Case {
    std::string args, says;
  };
  write_text_file(dir + "/c.toml", R"(name = "single"
[channel]
[[channel.segments]]
geometry = "stripline"
length = "8 in"
width = "5 mil"
height = "5 mil"
material = "megtron-6"
foil = "hvlp"
)");
  REQUIRE(run_phylane("sparams c.toml -o c.s2p", dir).exit_code == 0);
  const Case cases[] = {
      {"fit a.s4p b.s4p --lengths '10 in,4 in' -o out.h5", "lengths must increase"},
      {"fit a.s4p b.s4p --lengths '4 in' -o out.h5", "1 length for 2 files"},
      {"fit a.s4p b.s4p --lengths '4 in,-1 in' -o out.h5", "--lengths \"-1 in\""},
      {"fit a.s4p c.s2p --lengths '4 in,8 in' -o out.h5", "all lengths must be measured alike"},
      {"fit b.s4p a.s4p --lengths '4 in,10 in' -o out.h5", "not a physical"},
      {"fit a.s4p nowhere.s4p --lengths '4 in,10 in' -o out.h5", "nowhere.s4p"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_rejected(c.args, dir);
    CHECK_THAT(r.err, Catch::Contains(c.says) || Catch::Contains("slower than light"));
    CHECK_FALSE(fs::exists(dir + "/out.h5"));
  }
  fs::remove_all(dir);
}
