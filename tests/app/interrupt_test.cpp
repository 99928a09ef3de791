// Ctrl-C in the long commands (docs/cli.md "Ctrl-C", "Progress"): the workflows behind `study`,
// `claims` and `throughput` stop between their cases once the stop flag is set and say so
// (solvers::SearchInterrupted), an HDF5 result whose commit comes after Ctrl-C is abandoned, the
// commands themselves, sent SIGINT while they compute, exit 130 leaving no output file, and
// `sweep` reports its stages through the one progress renderer.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "io/claims.hpp"
#include "io/hdf5_writer.hpp"
#include "io/study.hpp"
#include "io/system.hpp"
#include "solvers/max_rate.hpp"
#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/text_file.hpp"
#include "workflows/claims.hpp"
#include "workflows/study.hpp"
#include "workflows/throughput.hpp"

using namespace phylane::test;
namespace fs = std::filesystem;
namespace wf = phylane::workflows;

extern char** environ;

namespace {

struct Run {
  int exit_code = -1;
  std::string out, err;
};

// Runs `phylane args...` in `dir` with stdout and stderr to files, sends SIGINT as soon as
// `marker` (a progress stage line, printed when the stage starts) is on its stderr, and waits
// for it to end.
Run interrupt_at(const std::string& dir, std::vector<std::string> args, const std::string& marker) {
  const std::string bin = phylane::test::phylane_binary().string();
  args.insert(args.begin(), bin);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  bool ended = false;
  while (read_text_file(err).find(marker) == std::string::npos) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      ended = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO("stderr: " << read_text_file(err));
  REQUIRE_FALSE(ended);  // the command reached the stage and was still computing
  REQUIRE(kill(pid, SIGINT) == 0);
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text_file(out);
  r.err = read_text_file(err);
  return r;
}

}  // namespace

TEST_CASE("A study stops between its cases once the stop flag is set", "[app][interrupt][unit]") {
  const wf::Study st = phylane::io::default_study(2);
  std::atomic<bool> stop{false};
  wf::StudyRequest rq;
  rq.threads = 1;  // one case at a time: the flag set after the first case stops the second
  std::vector<std::size_t> calls;
  std::size_t total = 0;
  rq.hooks.progress = [&](std::size_t done, std::size_t all) {
    calls.push_back(done);
    total = all;
    stop = true;
  };
  rq.hooks.stop = &stop;
  CHECK_THROWS_AS(wf::run_study(st, rq), phylane::solvers::SearchInterrupted);
  CHECK(calls == std::vector<std::size_t>{1});
  // Per link the configured eye, and each reach point within the option's reach, a board route
  // with and without retimers sharing the point where no retimer is needed (docs/study.md): at
  // 1 cm and 10 m, 8 eyes + PCB 1 (10 m is beyond its 1 m) + PCB with retimers 0 (shared) + twinax
  // 1 (beyond 3 m) + 5 optical options x 2 = 20.
  CHECK(total == 20);
}

TEST_CASE("Claims and systems stop before their computations once the stop flag is set", "[app][interrupt][unit]") {
  std::atomic<bool> stop{true};
  std::size_t progress_calls = 0;
  const wf::RunHooks hooks{[&](std::size_t, std::size_t) { ++progress_calls; }, &stop};

  wf::ClaimsRequest cq;
  cq.hooks = hooks;
  const auto set = phylane::io::load_embedded_claims(phylane::io::default_claim_set_name());
  CHECK_THROWS_AS(wf::evaluate_claims(set, cq), phylane::solvers::SearchInterrupted);

  const auto sys = phylane::io::load_embedded_system(phylane::io::default_system_name());
  CHECK_THROWS_AS(wf::evaluate_system(sys, hooks), phylane::solvers::SearchInterrupted);
  CHECK(progress_calls == 0);  // nothing was computed

  // Unset, the same system is evaluated with one progress call per link.
  stop = false;
  const auto r = wf::evaluate_system(sys, hooks);
  CHECK(progress_calls == sys.links.size());
  CHECK(r.links.size() == sys.links.size());
}

TEST_CASE("An HDF5 result committed after Ctrl-C is abandoned: no file and no temporary", "[app][interrupt][unit]") {
  const auto dir = temp_dir("h5_abandon");
  std::atomic<bool> interrupt{false};
  phylane::io::Hdf5Writer::abandon_commits_when(&interrupt);
  const std::vector<double> v = {1.0, 2.0};
  {
    phylane::io::Hdf5Writer h(dir + "/kept.h5");
    h.dataset("/x", v, "1");
    h.commit();
  }
  CHECK(fs::exists(dir + "/kept.h5"));
  {
    phylane::io::Hdf5Writer h(dir + "/dropped.h5");
    h.dataset("/x", v, "1");
    interrupt = true;  // Ctrl-C while the file is written
    CHECK_THROWS_WITH(h.commit(), Catch::Contains("interrupted"));
  }
  phylane::io::Hdf5Writer::abandon_commits_when(nullptr);
  CHECK_FALSE(fs::exists(dir + "/dropped.h5"));
  CHECK_FALSE(fs::exists(dir + "/dropped.h5.tmp"));
  fs::remove_all(dir);
}

// throughput is left out: its default system is evaluated in well under a second, too soon to
// be interrupted reliably (its stop between links is tested above).
TEST_CASE("Ctrl-C during study or claims: exit 130, 'interrupted', no output file", "[app][cli][interrupt]") {
  const auto dir = temp_dir("cli_sigint_workflows");
  struct Case {
    std::vector<std::string> args;
    std::string marker, output;
  };
  const Case cases[] = {
      {{"study", "-o", dir + "/study.h5"}, "phylane study: computing", dir + "/study.h5"},
      {{"claims", "-o", dir + "/claims.h5"}, "phylane claims: judging the claims", dir + "/claims.h5"},
  };
  for (const auto& c : cases) {
    INFO(c.args[0]);
    const Run r = interrupt_at(dir, c.args, c.marker);
    CHECK(r.exit_code == 130);
    CHECK_THAT(r.err, Catch::Contains("interrupted"));
    CHECK_FALSE(fs::exists(c.output));
    CHECK_FALSE(fs::exists(c.output + ".tmp"));
  }
  fs::remove_all(dir);
}

TEST_CASE("sweep reports its stages through the one progress renderer, nothing with --quiet", "[app][sweep][progress]") {
  const auto dir = temp_dir("sweep_progress");
  const std::string sweep = phylane::test::source_file("data/sweeps/loss-length-material.toml").string();
  const auto piped = run_phylane("sweep '" + sweep + "' -o s.h5", dir);
  REQUIRE(piped.exit_code == 0);
  CHECK_THAT(piped.err, Catch::Contains("phylane sweep: checking") && Catch::Contains("phylane sweep: computing"));
  CHECK(piped.err.find('\r') == std::string::npos);  // no bar redrawn in place when piped
  fs::remove(dir + "/s.h5");
  const auto quiet = run_phylane("sweep '" + sweep + "' -o s.h5 --quiet", dir);
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  fs::remove_all(dir);
}
