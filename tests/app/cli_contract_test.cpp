// The command line's one contract (docs/cli.md): exit codes, progress on stderr, --quiet, --json
// headed by phylane_version and command, and Ctrl-C.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;

namespace {

// The first two keys of a JSON object as printed by phylane.
std::pair<std::string, std::string> first_keys(const std::string& json) {
  std::pair<std::string, std::string> keys;
  std::size_t p = json.find('"');
  if (p == std::string::npos) return keys;
  std::size_t q = json.find('"', p + 1);
  keys.first = json.substr(p + 1, q - p - 1);
  p = json.find(',', q);
  p = json.find('"', p);
  q = json.find('"', p + 1);
  if (p != std::string::npos && q != std::string::npos) keys.second = json.substr(p + 1, q - p - 1);
  return keys;
}

// A sampled impulse response (H = 1) with the given receiver noise: the eye's openness is set by the noise alone.
void write_flat(const std::string& file, const std::string& noise) {
  std::ofstream(file) << "[channel]\ntype = \"pulse\"\nresponse = \"impulse\"\nsample_interval = \"1 ps\"\n"
                         "values = [1e12, 0.0, 0.0, 0.0]\n[signal]\nrate = \"10 GBd\"\n[rx]\nnoise_rms = \"" + noise + "\"\n";
}

}  // namespace

TEST_CASE("Every command's JSON object starts with phylane_version and then command", "[app][cli][json]") {
  const auto dir = temp_dir("cli_json");
  struct Case {
    std::string args, command;
  };
  const Case cases[] = {
      {"loss --json", "loss"},
      {"eye --preset dr4-400g-lane --json --quiet", "eye"},
      {"maxrate --preset dr4-400g-lane --modulation pam4 --json --quiet", "maxrate"},
      {"reach --preset dr4-400g-lane --min '100 m' --max '50 km' --json --quiet", "reach"},
      {"capacity --preset dr4-400g-lane --no-rate --json --quiet", "capacity"},
      {"sparams --preset pcie5-server -o ch.s4p --json", "sparams"},
      {"check ch.s4p --json", "check"},
      {"tdr ch.s4p --json", "tdr"},
      {"impedance --preset pcie5-server --target '85 ohm' --solve width --json", "impedance"},
      {"throughput --json --quiet", "throughput"},
      {"presets --json", "presets"},
      {"presets --kind systems --json", "presets"},
      {"materials --json", "materials"},
      {"claims --json --quiet", "claims"},
      {"study --points 2 --no-claims --json --quiet", "study"},
      {"sweep " + phylane::test::source_file("data/sweeps/loss-length-material.toml").string() + " -o s.h5 --json --quiet",
       "sweep"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_phylane(c.args, dir);
    REQUIRE(r.exit_code == 0);
    const auto keys = first_keys(r.out);
    CHECK(keys.first == "phylane_version");
    CHECK(keys.second == "command");
    CHECK_THAT(r.out, Catch::Contains("\"command\": \"" + c.command + "\""));
  }
  fs::remove_all(dir);
}

TEST_CASE("Long commands report their stages on stderr when piped and nothing with --quiet", "[app][cli][progress]") {
  const auto piped = run_phylane("maxrate --preset dr4-400g-lane --modulation pam4 --json");
  REQUIRE(piped.exit_code == 0);
  CHECK_THAT(piped.err, Catch::Contains("phylane maxrate: searching PAM4") && Catch::Contains("phylane maxrate: done"));
  CHECK(piped.err.find('\r') == std::string::npos);  // no bar redrawn in place when piped
  CHECK(piped.out.find("phylane maxrate:") == std::string::npos);  // progress never on stdout
  const auto quiet = run_phylane("maxrate --preset dr4-400g-lane --modulation pam4 --json --quiet");
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  CHECK(quiet.out == piped.out);
  const auto eye = run_phylane("eye --preset dr4-400g-lane");
  CHECK_THAT(eye.err, Catch::Contains("phylane eye: "));
  CHECK(run_phylane("eye --preset dr4-400g-lane -q").err.empty());
  const auto reach = run_phylane("reach --preset dr4-400g-lane --min '100 m' --max '50 km'");
  CHECK_THAT(reach.err, Catch::Contains("phylane reach: searching"));
  const auto tp = run_phylane("throughput");
  CHECK_THAT(tp.err, Catch::Contains("phylane throughput: "));
}

TEST_CASE("Exit code 3 means answered but negative: closed eye, no rate, no reach, a failed check", "[app][cli][exit]") {
  const auto dir = temp_dir("cli_exit");
  write_flat(dir + "/quiet.toml", "2 mV");
  write_flat(dir + "/noisy.toml", "2 V");
  CHECK(run_phylane("eye quiet.toml -q", dir).exit_code == 0);
  const auto closed = run_phylane("eye noisy.toml -q -o eye.h5", dir);
  CHECK(closed.exit_code == 3);
  CHECK(fs::exists(dir + "/eye.h5"));  // a negative answer is still an answer: the file is written
  CHECK(run_phylane("eye noisy.toml -q --json", dir).exit_code == 3);

  const auto none = run_phylane("maxrate --preset pcie5-server --margin 200 -q", dir);
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.out, Catch::Contains("no rate"));
  const auto far = run_phylane("reach --preset dr4-400g-lane --margin 200 --min '100 m' --max '50 km' -q --json", dir);
  CHECK(far.exit_code == 3);
  CHECK_THAT(far.out, Catch::Contains("\"max_length_m\""));

  // A 2-port with |S21| = 2 is not passive.
  {
    std::ofstream s2p(dir + "/gain.s2p");
    s2p << "# GHz S MA R 50\n";
    for (int f = 1; f <= 8; ++f) s2p << f << " 0.1 0 2 0 2 0 0.1 0\n";
  }
  const auto check = run_phylane("check gain.s2p", dir);
  CHECK(check.exit_code == 3);
  CHECK_THAT(check.out, Catch::Contains("FAIL"));
  fs::remove_all(dir);
}

TEST_CASE("Bad input exits with 2 and the old spellings of --preset still work", "[app][cli][exit]") {
  run_rejected("maxrate --no-such-flag");
  run_rejected("presets --kind nope");
  const auto tp = run_phylane("throughput --system pcie-vs-photonic --json --quiet");
  CHECK(tp.exit_code == 0);
  CHECK_THAT(tp.err, Catch::Contains("--system is deprecated; use --preset"));
  CHECK(run_phylane("throughput --preset pcie-vs-photonic --json --quiet").out == tp.out);
  const auto cl = run_rejected("claims --preset nope");
  CHECK_THAT(cl.err, Catch::Contains("photonic-vs-pcie"));
  const auto st = run_rejected("study --preset nope -o -");
  CHECK_THAT(st.err, Catch::Contains("default"));
  const auto list = run_phylane("presets");
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("pcie5-cem-link") && Catch::Contains("pcie-vs-photonic") &&
                           Catch::Contains("photonic-vs-pcie") && Catch::Contains("phylane study --preset NAME"));
}

TEST_CASE("Ctrl-C stops a search: exit 130, 'interrupted', no output file and no temporary left", "[app][cli][interrupt]") {
  const auto dir = temp_dir("cli_sigint");
  // The search of this link takes seconds (kr1-ck-28db: ~5 s; pcie5-cem-link became too fast at
  // 0.4 s); SIGINT arrives after 0.5 s.
  const std::string cmd = "cd '" + dir + "' && ('" + std::string(PHYLANE_BINARY) +
                          "' maxrate --preset kr1-ck-28db -o x.h5 >out 2>err & pid=$!; sleep 0.5; kill -INT $pid; wait $pid; "
                          "echo $? >rc)";
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(std::stoi(read_text_file(dir + "/rc")) == 130);
  CHECK_THAT(read_text_file(dir + "/err"), Catch::Contains("interrupted"));
  CHECK_FALSE(fs::exists(dir + "/x.h5"));
  CHECK_FALSE(fs::exists(dir + "/x.h5.tmp"));
  fs::remove_all(dir);
}
