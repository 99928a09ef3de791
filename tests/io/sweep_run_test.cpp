// Running a sweep on threads into its HDF5 file: values equal each case evaluated alone, an
// interrupted run resumed equals an uninterrupted one, failures are recorded in case order.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "io/sweep.hpp"
#include "io/sweep_run.hpp"
#include "io/sweep_store.hpp"
#include "tests/support/run_command.hpp"

using namespace phylane::io;
namespace fs = std::filesystem;

namespace {

const char* kSweep = R"(base = "preset:pcie5-server"
[[axis]]
key = "channel.segments[2].length"
from = "2 in"
to = "12 in"
steps = 6
[[axis]]
key = "channel.segments[2].material"
values = ["fr408hr", "megtron6", "fr4"]
[outputs]
scalars = ["loss.insertion_loss_db@16 GHz", "loss.dc_resistance_ohm"]
curves = ["loss.insertion_loss_db"]
curve_fmax = "20 GHz"
curve_points = 8
)";

std::vector<double> read_doubles(const std::string& file, const std::string& ds) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t d = H5Dopen2(f, ds.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t sp = H5Dget_space(d);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp));
  std::vector<double> v(n);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<std::string> datasets() {
  return {"/outputs/loss.insertion_loss_db@16 GHz", "/outputs/loss.dc_resistance_ohm", "/curves/loss.insertion_loss_db",
          "/status", "/axes/channel.segments[2].length"};
}

}  // namespace

TEST_CASE("a threaded sweep writes each case's values exactly as the case evaluated alone", "[io][sweep][regression]") {
  const auto dir = phylane::test::temp_dir("sweep_run");
  const Sweep s = load_sweep_text(kSweep, "t.toml", dir);
  validate_sweep(s, 2);
  const std::string file = dir + "/r.h5";
  {
    auto store = SweepStore::create(file, s);
    const auto todo = store->missing_cases();
    REQUIRE(todo.size() == 18);
    SweepRunOptions opt;
    opt.jobs = 2;
    opt.max_batch = 5;  // several batches
    const auto sum = run_sweep_cases(s, todo, *store, opt);
    CHECK(sum.computed == 18);
    CHECK_FALSE(sum.interrupted);
    CHECK(store->done_count() == 18);
    store->close();
  }
  const auto il = read_doubles(file, "/outputs/loss.insertion_loss_db@16 GHz");
  const auto curve = read_doubles(file, "/curves/loss.insertion_loss_db");
  const auto status = read_doubles(file, "/status");
  REQUIRE(il.size() == 18);
  for (std::size_t c = 0; c < 18; ++c) {
    const CaseResult alone = evaluate_case(s, c);
    REQUIRE(alone.ok);
    CHECK(il[c] == alone.scalars[0]);
    for (std::size_t k = 0; k < 8; ++k) CHECK(curve[c * 8 + k] == alone.curves[k]);
    CHECK(status[c] == 1.0);
  }
  // Longer trace, more loss; MEGTRON 6 below FR408HR below FR-4 (independent ordering of the
  // laminates' Df: 0.002 < 0.009 < ~0.02 at 1 GHz, data/materials/dielectrics.toml sources).
  for (std::size_t i = 0; i + 1 < 6; ++i) CHECK(il[(i + 1) * 3] > il[i * 3]);
  CHECK(il[1] < il[0]);
  CHECK(il[0] < il[2]);
  fs::remove_all(dir);
}

TEST_CASE("a sweep stopped halfway and resumed gives the file of an uninterrupted run", "[io][sweep][regression]") {
  const auto dir = phylane::test::temp_dir("sweep_resume");
  const Sweep s = load_sweep_text(kSweep, "t.toml", dir);
  const std::string full = dir + "/full.h5", part = dir + "/part.h5";
  {
    auto store = SweepStore::create(full, s);
    run_sweep_cases(s, store->missing_cases(), *store, {});
    store->close();
  }
  {
    // Stopped before anything starts: nothing computed, the file says every case is missing.
    auto store = SweepStore::create(part, s);
    std::atomic<bool> stop{true};
    SweepRunOptions opt;
    opt.stop = &stop;
    const auto sum = run_sweep_cases(s, store->missing_cases(), *store, opt);
    CHECK(sum.interrupted);
    CHECK(sum.computed == 0);
    // Then half of them, and the file closed as an interrupted run leaves it.
    const auto todo = store->missing_cases();
    run_sweep_cases(s, std::span<const std::uint64_t>(todo.data(), 7), *store, {});
    store->close();
  }
  {
    auto store = SweepStore::open(part, s);
    const auto todo = store->missing_cases();
    REQUIRE(todo.size() == 11);
    CHECK(todo.front() == 7);
    CHECK(store->done_count() == 7);
    run_sweep_cases(s, todo, *store, {});
    store->close();
  }
  for (const auto& ds : datasets()) {
    INFO(ds);
    CHECK(same_bits(read_doubles(full, ds), read_doubles(part, ds)));
  }
  fs::remove_all(dir);
}

TEST_CASE("failed cases are marked, their reasons listed in case order", "[io][sweep][unit]") {
  const auto dir = phylane::test::temp_dir("sweep_fail");
  const Sweep s = load_sweep_text(kSweep, "t.toml", dir);
  const std::string file = dir + "/f.h5";
  auto store = SweepStore::create(file, s);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<CaseResult> batch1 = {{9, false, "eye: second", {nan, nan}, std::vector<double>(8, nan)}};
  std::vector<CaseResult> batch2 = {{2, false, "loss: first", {nan, 1.0}, std::vector<double>(8, nan)},
                                    {3, true, "", {1.0, 2.0}, std::vector<double>(8, 0.5)}};
  store->write(batch1);
  store->write(batch2);
  CHECK(store->failed_count() == 2);
  CHECK(store->done_count() == 1);
  store->close();
  const auto status = read_doubles(file, "/status");
  CHECK(status[2] == 2.0);
  CHECK(status[3] == 1.0);
  CHECK(status[9] == 2.0);
  CHECK(status[4] == 0.0);
  CHECK(read_doubles(file, "/failures/case") == std::vector<double>{2.0, 9.0});
  CHECK(read_doubles(file, "/outputs/loss.dc_resistance_ohm")[2] == 1.0);
  fs::remove_all(dir);
}
