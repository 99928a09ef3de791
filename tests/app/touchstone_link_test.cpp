// A Touchstone file given where a config is expected (`phylane loss FILE.s4p`, `eye`, `maxrate`),
// `reach` refusing it, and `phylane check` on Touchstone files (port order, SDD21 or S21) and on
// configs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
namespace fs = std::filesystem;

namespace {

const char* const kTe4in = "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p";

// The JSON without its "config" field (the input's name, the one thing that differs).
std::string without_source(const std::string& json) {
  return std::regex_replace(json, std::regex("\"config\": \"[^\"]*\""), "\"config\": \"\"");
}

// The config a user would write for the file as the whole channel, with the title phylane gives it.
std::string hand_config(const fs::path& file, const std::string& signal) {
  return "name = \"" + file.filename().string() + " as the whole channel, port order 12-34 from the data\"\n"
         "[channel]\ntype = \"touchstone\"\nfile = \"" + file.string() + "\"\nport_order = \"12-34\"\n" + signal;
}

}  // namespace

TEST_CASE("phylane loss takes a Touchstone file as the whole channel, as the config naming it", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, kTe4in, return);
  const std::string dir = temp_dir("ts_loss");
  std::ofstream(dir + "/hand.toml") << hand_config(*file, "");
  const auto direct = run_phylane("loss '" + file->string() + "' --json --freq '14 GHz'");
  const auto hand = run_phylane("loss hand.toml --json --freq '14 GHz'", dir);
  REQUIRE(direct.exit_code == 0);
  REQUIRE(hand.exit_code == 0);
  CHECK(without_source(direct.out) == without_source(hand.out));
  // 4.67 dB SDD21 at 14 GHz in the order the data show (issue 14).
  CHECK_THAT(direct.out, Catch::Contains("\"insertion_loss_db\": 4.669"));
  const auto text = run_phylane("loss '" + file->string() + "' --freq '14 GHz'");
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("port order 12-34 from the data") && Catch::Contains("SDD21"));
}

TEST_CASE("phylane loss on a 2-port file reports S21", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/pcb_stripline_119mm.s2p", return);
  const auto r = run_phylane("loss '" + file->string() + "' --freq '10 GHz'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("(S21)"));
}

TEST_CASE("phylane eye on a Touchstone file takes its signal from --rate and --modulation", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, kTe4in, return);
  const std::string dir = temp_dir("ts_eye");
  std::ofstream(dir + "/hand.toml") << hand_config(*file, "[signal]\nrate = \"16 Gb/s\"\nmodulation = \"nrz\"\n");
  const auto direct = run_phylane("eye '" + file->string() + "' --rate '16 Gb/s' --modulation nrz --json -q");
  const auto hand = run_phylane("eye hand.toml --json -q", dir);
  CHECK(direct.exit_code == hand.exit_code);
  REQUIRE(direct.out.size() > 100);
  CHECK(without_source(direct.out) == without_source(hand.out));

  // Without --rate: exit 2 naming the flag, nothing on stdout.
  const auto norate = run_phylane("eye '" + file->string() + "'");
  CHECK(norate.exit_code == 2);
  CHECK(norate.out.empty());
  CHECK_THAT(norate.err, Catch::Contains("--rate") && Catch::Contains(file->filename().string()));
  // A bad rate or modulation names the flag; --rate with a config is refused.
  CHECK_THAT(run_phylane("eye '" + file->string() + "' --rate fast").err, Catch::Contains("--rate \"fast\""));
  const auto badmod = run_phylane("eye '" + file->string() + "' --rate '16 Gb/s' --modulation qam");
  CHECK(badmod.exit_code == 2);
  CHECK_THAT(badmod.err, Catch::Contains("--modulation \"qam\""));
  const auto cfgrate = run_phylane("eye hand.toml --rate '16 Gb/s'", dir);
  CHECK(cfgrate.exit_code == 2);
  CHECK_THAT(cfgrate.err, Catch::Contains("belong in its [signal] section"));
}

TEST_CASE("phylane maxrate searches a Touchstone file as the config naming it would", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, kTe4in, return);
  const std::string dir = temp_dir("ts_maxrate");
  // The [signal] phylane builds: the first modulation at the top of the search.
  std::ofstream(dir + "/hand.toml") << hand_config(*file, "[signal]\nrate = \"40 Gb/s\"\nmodulation = \"nrz\"\n");
  const std::string flags = " --modulation nrz --min '10 Gb/s' --max '40 Gb/s' --json -q";
  const auto direct = run_phylane("maxrate '" + file->string() + "'" + flags);
  const auto hand = run_phylane("maxrate hand.toml" + flags, dir);
  CHECK((direct.exit_code == 0 || direct.exit_code == 3));
  CHECK(direct.exit_code == hand.exit_code);
  REQUIRE(direct.out.size() > 100);
  CHECK(without_source(direct.out) == without_source(hand.out));
}

TEST_CASE("phylane reach refuses a Touchstone file: a measured channel has a fixed length", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, kTe4in, return);
  const auto r = run_phylane("reach '" + file->string() + "' --rate '16 Gb/s'");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("fixed length") && Catch::Contains("maxrate"));
  const auto cap = run_phylane("capacity '" + file->string() + "'");
  CHECK(cap.exit_code == 2);
  CHECK_THAT(cap.err, Catch::Contains("type = \\\"touchstone\\\"") || Catch::Contains("type = \"touchstone\""));
}

TEST_CASE("phylane check reports the port order it used, the one the data show and SDD21 or S21", "[app][touchstone]") {
  PHYLANE_REFERENCE_OR_SKIP(file, kTe4in, return);
  const auto j = run_phylane("check '" + file->string() + "' --json --freq '14 GHz'");
  CHECK(j.exit_code != 2);
  CHECK_THAT(j.out, Catch::Contains("\"used\": \"12-34\"") && Catch::Contains("\"detected\": \"12-34\"") &&
                        Catch::Contains("\"from\": \"data\"") && Catch::Contains("\"insertion_loss_quantity\": \"SDD21\"") &&
                        Catch::Contains("\"mixed_mode\": true"));
  const auto t = run_phylane("check '" + file->string() + "'");
  CHECK_THAT(t.out, Catch::Contains("port order:  12-34 (from the data)") && Catch::Contains("SDD21 (mixed mode"));
  // A --port-order that does not fit the data: exit 2 with the order to give.
  const auto wrong = run_phylane("check '" + file->string() + "' --port-order 13-24 --freq '14 GHz'");
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.out.empty());
  CHECK_THAT(wrong.err, Catch::Contains("--port-order \"13-24\"") && Catch::Contains("give --port-order 12-34"));

  PHYLANE_REFERENCE_OR_SKIP(two, "touchstone/pcb_stripline_119mm.s2p", return);
  const auto s2 = run_phylane("check '" + two->string() + "' --json");
  CHECK_THAT(s2.out, Catch::Contains("\"insertion_loss_quantity\": \"S21\"") && Catch::Contains("\"port_order\": null"));
}

TEST_CASE("phylane check on a config checks it as a config", "[app][touchstone]") {
  const std::string dir = temp_dir("ts_check_config");
  std::ofstream(dir + "/link.toml") << "[channel]\n[[channel.segments]]\ngeometry = \"stripline\"\nlength = \"2 in\"\n"
                                       "width = \"5 mil\"\nheight = \"5 mil\"\nmaterial = \"megtron-6\"\nfoil = \"hvlp\"\n";
  const auto r = run_phylane("check link.toml", dir);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("is a config") && !Catch::Contains("rename"));
  const auto j = run_phylane("check link.toml --json", dir);
  CHECK_THAT(j.out, Catch::Contains("\"kind\": \"config\"") && Catch::Contains("\"valid\": true"));
  // A bad config: its own errors, exit 2.
  std::ofstream(dir + "/bad.toml") << "[channel]\n[[channel.segments]]\ngeometry = \"stripline\"\nlength = \"-2 in\"\n";
  const auto bad = run_phylane("check bad.toml", dir);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("bad.toml:4") && !Catch::Contains("rename"));
}
