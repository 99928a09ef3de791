// `phylane sweep` end to end: values equal each case run on its own with the ordinary commands,
// a sweep killed halfway by a real signal and resumed gives the uninterrupted run's file, bad
// sweeps exit 2 naming the axis and leave no file.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/reference_data.hpp"
#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
namespace fs = std::filesystem;

extern char** environ;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

// The number after `"key": ` at the first occurrence after `anchor` in a JSON text.
double json_number(const std::string& json, const std::string& anchor, const std::string& key) {
  const auto a = json.find(anchor);
  REQUIRE(a != std::string::npos);
  const auto k = json.find("\"" + key + "\": ", a);
  REQUIRE(k != std::string::npos);
  return std::strtod(json.c_str() + k + key.size() + 4, nullptr);
}

double h5_value(const std::string& file, const std::string& ds, std::size_t index) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t d = H5Dopen2(f, ds.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t sp = H5Dget_space(d);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return v.at(index);
}

// Every dataset and attribute of a file as bytes (variable-length strings as their text), by path.
std::map<std::string, std::string> dump(const std::string& file) {
  std::map<std::string, std::string> out;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_file_locking(fapl, false, true);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  REQUIRE(f >= 0);
  struct Ctx {
    std::map<std::string, std::string>* out;
  } ctx{&out};
  auto read_any = [](hid_t type, hid_t space, auto reader) -> std::string {
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    if (H5Tis_variable_str(type) > 0) {
      hid_t st = H5Tcopy(H5T_C_S1);
      H5Tset_size(st, H5T_VARIABLE);
      H5Tset_cset(st, H5Tget_cset(type));
      std::vector<char*> p(n);
      reader(st, p.data());
      std::string s;
      for (auto* c : p) {
        s += std::string(c ? c : "") + '\x1f';
        H5free_memory(c);
      }
      H5Tclose(st);
      return s;
    }
    hid_t nt = H5Tget_native_type(type, H5T_DIR_ASCEND);
    std::string s(n * H5Tget_size(nt), '\0');
    reader(nt, s.data());
    H5Tclose(nt);
    return s;
  };
  auto attrs = [&](hid_t obj, const std::string& path) {
    H5O_info_t info;
    H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS);
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      hid_t a = H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
      char name[256];
      H5Aget_name(a, sizeof name, name);
      hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
      out[path + "@" + name] = read_any(t, sp, [&](hid_t mt, void* buf) { H5Aread(a, mt, buf); });
      H5Sclose(sp);
      H5Tclose(t);
      H5Aclose(a);
    }
  };
  attrs(f, "/");
  H5Ovisit2(
      f, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        auto* c = static_cast<Ctx*>(data);
        if (info->type != H5O_TYPE_DATASET) return 0;
        hid_t d = H5Dopen2(root, name, H5P_DEFAULT);
        hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
        const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp));
        std::string s;
        if (H5Tis_variable_str(t) > 0) {
          hid_t st = H5Tcopy(H5T_C_S1);
          H5Tset_size(st, H5T_VARIABLE);
          H5Tset_cset(st, H5Tget_cset(t));
          std::vector<char*> p(n);
          H5Dread(d, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
          for (auto* x : p) {
            s += std::string(x ? x : "") + '\x1f';
            H5free_memory(x);
          }
          H5Tclose(st);
        } else {
          hid_t nt = H5Tget_native_type(t, H5T_DIR_ASCEND);
          s.assign(n * H5Tget_size(nt), '\0');
          H5Dread(d, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data());
          H5Tclose(nt);
        }
        (*c->out)[std::string("/") + name] = s;
        H5Sclose(sp);
        H5Tclose(t);
        H5Dclose(d);
        return 0;
      },
      &ctx, H5O_INFO_BASIC);
  for (const auto& [path, v] : std::map<std::string, std::string>(out)) {
    if (path.find('@') != std::string::npos) continue;
    hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    attrs(d, path);
    H5Dclose(d);
  }
  H5Fclose(f);
  return out;
}

// Done cases in a results file that may be being written (0 when it does not exist yet).
std::size_t done_cases(const std::string& file) {
  if (!fs::exists(file)) return 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_file_locking(fapl, false, true);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (f < 0) return 0;
  std::size_t done = 0;
  hid_t d = H5Dopen2(f, "/status", H5P_DEFAULT);
  if (d >= 0) {
    hid_t sp = H5Dget_space(d);
    std::vector<signed char> st(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
    if (H5Dread(d, H5T_NATIVE_SCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, st.data()) >= 0)
      for (auto v : st) done += v != 0;
    H5Sclose(sp);
    H5Dclose(d);
  }
  H5Fclose(f);
  return done;
}

const char* kLossSweep = R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[2].length"
values = ["3 in", "9 in"]
[[axis]]
key = "channel.segments[2].width"
values = ["4 mil", "5 mil"]
[outputs]
scalars = ["loss.insertion_loss_db@16 GHz", "loss.dielectric_db@8 GHz", "loss.dc_resistance_ohm"]
)";

}  // namespace

TEST_CASE("a 2-axis sweep equals each case run on its own with phylane loss and phylane eye", "[app][sweep][regression]") {
  const auto dir = temp_dir("sweep_cmd");
  write_file(dir + "/loss.toml", kLossSweep);
  const auto r = run_phylane("sweep loss.toml -o loss.h5 --jobs 2", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("grid 2 x 2, 4 cases") && Catch::Contains("4 done, 0 failed, 0 missing"));
  for (std::size_t c = 0; c < 4; ++c) {
    INFO("case " << c);
    const auto cc = run_phylane("sweep loss.toml --case " + std::to_string(c + 1), dir);
    REQUIRE(cc.exit_code == 0);
    write_file(dir + "/case.toml", cc.out);
    const auto j = run_phylane("loss case.toml --freq \"16 GHz\" --freq \"8 GHz\" --json", dir);
    REQUIRE(j.exit_code == 0);
    // Bitwise: the JSON holds each double's shortest round-trip text.
    CHECK(h5_value(dir + "/loss.h5", "/outputs/loss.insertion_loss_db@16 GHz", c) ==
          json_number(j.out, "\"freq_hz\": 1.6e+10", "insertion_loss_db"));
    CHECK(h5_value(dir + "/loss.h5", "/outputs/loss.dielectric_db@8 GHz", c) ==
          json_number(j.out, "\"freq_hz\": 8e+09", "dielectric_db"));
    CHECK(h5_value(dir + "/loss.h5", "/outputs/loss.dc_resistance_ohm", c) == json_number(j.out, "", "dc_resistance_ohm"));
  }

  // The eye: a 2 x 1 grid (DFE taps x rate) of the PCIe 5.0 route, against `phylane eye`.
  write_file(dir + "/eye.toml", R"(base = "preset:pcie5-server"
[[axis]]
key = "rx.dfe_taps"
values = [1, 3]
[[axis]]
key = "signal.rate"
values = ["32 GT/s"]
[outputs]
scalars = ["eye.margin_db", "eye.eye_height_v"]
)");
  REQUIRE(run_phylane("sweep eye.toml -o eye.h5", dir).exit_code == 0);
  for (std::size_t c = 0; c < 2; ++c) {
    const auto cc = run_phylane("sweep eye.toml --case " + std::to_string(c + 1), dir);
    REQUIRE(cc.exit_code == 0);
    write_file(dir + "/case.toml", cc.out);
    const auto j = run_phylane("eye case.toml --json", dir);
    REQUIRE(j.exit_code == 0);
    CHECK(h5_value(dir + "/eye.h5", "/outputs/eye.margin_db", c) == json_number(j.out, "", "margin_db"));
    CHECK(h5_value(dir + "/eye.h5", "/outputs/eye.eye_height_v", c) == json_number(j.out, "", "eye_height_v"));
  }
  fs::remove_all(dir);
}

TEST_CASE("phylane sweep --json reports the run as one JSON object on stdout", "[app][sweep][unit]") {
  const auto dir = temp_dir("sweep_json");
  write_file(dir + "/loss.toml", kLossSweep);
  const auto r = run_phylane("sweep loss.toml -o loss.h5 --jobs 2 --json", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.front() == '{');
  CHECK(r.out.find("computed 4 cases") == std::string::npos);  // no human summary
  CHECK_THAT(r.out, Catch::Contains("\"phylane_version\": ") && Catch::Contains("\"command\": \"sweep\"") &&
                        Catch::Contains("\"sweep\": \"loss.toml\"") && Catch::Contains("\"mode\": \"grid\"") &&
                        Catch::Contains("\"interrupted\": false") && Catch::Contains("\"output\": \"loss.h5\""));
  CHECK(json_number(r.out, "", "cases") == 4);
  CHECK(json_number(r.out, "", "computed") == 4);
  CHECK(json_number(r.out, "", "done") == 4);
  CHECK(json_number(r.out, "", "failed") == 0);
  CHECK(json_number(r.out, "", "missing") == 0);
  // --check: the cases checked.
  const auto c = run_phylane("sweep loss.toml --check --json", dir);
  REQUIRE(c.exit_code == 0);
  CHECK(json_number(c.out, "", "valid_cases") == 4);
  CHECK(c.out.find("\"computed\"") == std::string::npos);
  // --case prints TOML, not JSON.
  CHECK(run_phylane("sweep loss.toml --case 1 --json", dir).exit_code == 2);
  fs::remove_all(dir);
}

TEST_CASE("bad sweeps exit with code 2, name the axis and write nothing", "[app][sweep][validation]") {
  const auto dir = temp_dir("sweep_bad");
  const std::string head = "base = \"preset:pcie5-server\"\n[[axis]]\n";
  const std::string tail = "\n[outputs]\nscalars = [\"loss.insertion_loss_db@16 GHz\"]\n";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"key = \"channel.segments[2].lenght\"\nvalues = [\"1 in\", \"2 in\"]", "axis 1 (channel.segments[2].lenght)"},
      {"key = \"channel.segments[2].length\"\nvalues = [\"1 in\", \"2 GHz\"]", "unit mismatch along axis 1 (channel.segments[2].length)"},
      {"key = \"channel.segments[2].length\"\nfrom = \"1 in\"\nto = \"9 in\"\nsteps = 0", "empty range on axis 1 (channel.segments[2].length)"},
  };
  for (const auto& [axis, message] : bad) {
    INFO(axis);
    write_file(dir + "/bad.toml", head + axis + tail);
    const auto r = run_phylane("sweep bad.toml -o bad.h5", dir);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK_FALSE(fs::exists(dir + "/bad.h5"));
    CHECK_FALSE(fs::exists(dir + "/bad.h5.tmp"));
  }
  const auto none = run_phylane("sweep --resume nosuch.h5", dir);
  CHECK(none.exit_code == 2);
  fs::remove_all(dir);
}

// Issue 14, point 11: a key typo was reported once per axis value (one line per case group), an
// absurd sweep started checking its cases (estimating 200 h), and -o silently replaced a finished
// sweep.
TEST_CASE("a mistyped axis key is reported once, whatever the number of values", "[app][sweep][validation]") {
  const auto dir = temp_dir("sweep_typo");
  write_file(dir + "/typo.toml", R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[2].widht"
values = ["4 mil", "5 mil", "6 mil", "7 mil"]
[[axis]]
key = "channel.segments[2].length"
values = ["4 in", "5 in"]
[outputs]
scalars = ["loss.insertion_loss_db@16 GHz"]
)");
  const auto r = run_phylane("sweep typo.toml --check", dir);
  CHECK(r.exit_code == 2);
  // Once, at the axis (its [[axis]] line), with the suggestion; no per-case report.
  CHECK_THAT(r.err, Catch::Contains("typo.toml:2:1") && Catch::Contains("did you mean \"width\"?"));
  std::size_t n = 0;
  for (auto at = r.err.find("widht"); at != std::string::npos; at = r.err.find("widht", at + 1)) ++n;
  CHECK(n == 1);
  CHECK_THAT(r.err, !Catch::Contains("case"));
  fs::remove_all(dir);
}

TEST_CASE("a sweep of more than a million cases needs --force, more than 1e9 is refused", "[app][sweep][validation]") {
  const auto dir = temp_dir("sweep_huge");
  // 2000 x 2000 = 4e6 cases: refused at once, before any case is checked, with the count and shape.
  const std::string axes = R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[2].length"
from = "1 in"
to = "20 in"
steps = 2000
[[axis]]
key = "channel.segments[2].width"
from = "3 mil"
to = "7 mil"
steps = )";
  const std::string outputs = "\n[outputs]\nscalars = [\"loss.insertion_loss_db@16 GHz\"]\n";
  write_file(dir + "/big.toml", axes + "2000" + outputs);
  for (const char* run : {"sweep big.toml -o big.h5", "sweep big.toml --check"}) {
    INFO(run);
    const auto r = run_phylane(run, dir);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("4000000 cases (2000 x 2000)") && Catch::Contains("--force"));
    CHECK_FALSE(fs::exists(dir + "/big.h5"));
  }
  // One case of it can still be printed.
  CHECK(run_phylane("sweep big.toml --case 4000000", dir).exit_code == 0);
  // 2000 x 2000 x 2000 = 8e9: beyond any run, --force or not.
  write_file(dir + "/huge.toml", axes + "2000\n[[axis]]\nkey = \"channel.segments[2].height\"\nfrom = \"3 mil\"\nto = \"7 mil\"\nsteps = 2000" + outputs);
  const auto h = run_phylane("sweep huge.toml --check --force", dir);
  CHECK(h.exit_code == 2);
  CHECK_THAT(h.err, Catch::Contains("8e+09 cases; at most 1e9"));
  fs::remove_all(dir);
}

TEST_CASE("A finished sweep is not replaced by -o without --overwrite", "[app][sweep][validation]") {
  const auto dir = temp_dir("sweep_overwrite");
  write_file(dir + "/loss.toml", kLossSweep);
  REQUIRE(run_phylane("sweep loss.toml -o done.h5", dir).exit_code == 0);
  const auto before = fs::last_write_time(dir + "/done.h5");
  const auto again = run_phylane("sweep loss.toml -o done.h5", dir);
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("done.h5 holds a finished sweep") && Catch::Contains("--overwrite"));
  CHECK(fs::last_write_time(dir + "/done.h5") == before);
  CHECK(run_phylane("sweep loss.toml -o done.h5 --overwrite", dir).exit_code == 0);
  fs::remove_all(dir);
}

TEST_CASE("a sweep killed halfway by a signal and resumed gives the uninterrupted run's file", "[app][sweep][regression]") {
  const auto dir = temp_dir("sweep_kill");
  // 300 small loss cases: about a third of a second on one thread.
  write_file(dir + "/s.toml", R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[2].length"
from = "1 in"
to = "30 in"
steps = 10
[[axis]]
key = "channel.segments[2].material"
values = ["fr408hr", "megtron6", "fr4"]
[[axis]]
key = "channel.temperature"
from = "0 degC"
to = "90 degC"
steps = 10
[outputs]
scalars = ["loss.insertion_loss_db@16 GHz", "loss.conductor_db@4 GHz"]
)");
  REQUIRE(run_phylane("sweep '" + dir + "/s.toml' -o full.h5 --jobs 2", dir).exit_code == 0);
  const auto reference = dump(dir + "/full.h5");
  REQUIRE(reference.count("/outputs/loss.insertion_loss_db@16 GHz") == 1);

  for (int sig : {SIGKILL, SIGINT}) {
    INFO("signal " << sig);
    const std::string file = dir + "/part.h5";
    fs::remove(file);
    const std::string bin = phylane::test::phylane_binary().string();
    std::vector<std::string> args = {bin, "sweep", dir + "/s.toml", "-o", file, "--jobs", "1", "--flush-every", "0.02"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    // Wait until some cases are in the file, then interrupt.
    std::size_t done = 0;
    for (int i = 0; i < 2000 && done < 40; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      done = done_cases(file);
    }
    REQUIRE(kill(pid, sig) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    if (sig == SIGKILL) {
      CHECK(WIFSIGNALED(status));
    } else {
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 128 + SIGINT);  // stopped cleanly, reports the signal
    }
    const std::size_t kept = done_cases(file);
    CHECK(kept >= 40);
    CHECK(kept < 300);  // interrupted halfway, not after the end
    // Starting the same output over is refused: it would throw the finished cases away.
    const auto again = run_phylane("sweep '" + dir + "/s.toml' -o part.h5", dir);
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("unfinished sweep") && Catch::Contains("--resume part.h5"));
    const auto r = run_phylane("sweep --resume part.h5 --jobs 2", dir);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("computed " + std::to_string(300 - kept) + " cases"));
    const auto resumed = dump(file);
    CHECK(resumed.size() == reference.size());
    for (const auto& [path, bytes] : reference) {
      INFO(path);
      REQUIRE(resumed.count(path) == 1);
      CHECK((resumed.at(path) == bytes));
    }
  }
  fs::remove_all(dir);
}
