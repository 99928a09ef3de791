// The parallel executor (solvers/parallel.hpp): every task runs once, on the worker ids it
// promises; one worker means the calling thread alone; the lowest-indexed failure is rethrown and
// stops new tasks; the stop flag leaves a prefix of the tasks run; progress is serialised and
// complete; parallel_produce hands every result to the calling thread through a bounded hand-over.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "solvers/parallel.hpp"
#include "solvers/thread_start.hpp"
#if defined(__linux__)
#include <sched.h>
#endif

using namespace phylane::solvers;

namespace {

/// How often each index ran.
struct Counts {
  explicit Counts(std::size_t n) : runs(n) {}
  std::vector<std::atomic<int>> runs;
  void add(std::size_t i) { runs.at(i).fetch_add(1); }
  bool each_once() const {
    for (const auto& r : runs)
      if (r.load() != 1) return false;
    return true;
  }
  /// Indices [0, k) ran once each, the others never.
  bool prefix(std::size_t k) const {
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (runs[i].load() != (i < k ? 1 : 0)) return false;
    return true;
  }
};

ParallelOptions with_workers(int workers) {
  ParallelOptions o;
  o.workers = workers;
  return o;
}

}  // namespace

TEST_CASE("every index runs exactly once, whatever the worker count", "[solvers][parallel][unit]") {
  for (int workers : {0, 1, 2, 3, 4, 8}) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
      INFO("workers " << workers << ", tasks " << n);
      Counts c(n);
      const ParallelSummary s = parallel_for(n, [&](std::size_t i, int) { c.add(i); }, with_workers(workers));
      CHECK(c.each_once());
      CHECK(s.total == n);
      CHECK(s.completed == n);
      CHECK_FALSE(s.stopped);
      CHECK(s.workers == parallel_workers(workers, n));
    }
  }
}

TEST_CASE("the worker count is the request (0: all cores) capped at the number of tasks, at least one",
          "[solvers][parallel][unit]") {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CHECK(parallel_workers(8, 3) == 3);
  CHECK(parallel_workers(2, 100) == 2);
  CHECK(parallel_workers(1, 100) == 1);
  CHECK(parallel_workers(4, 0) == 1);
  CHECK(parallel_workers(0, 100000) == cores);
  CHECK(parallel_workers(0, 1) == 1);
  CHECK_THROWS_AS(parallel_workers(-1, 10), std::invalid_argument);
  CHECK_THROWS_AS(parallel_for(10, [](std::size_t, int) {}, with_workers(-2)), std::invalid_argument);
}

TEST_CASE("one worker runs every task inline on the calling thread, in index order", "[solvers][parallel][unit]") {
  const auto caller = std::this_thread::get_id();
  std::vector<std::size_t> order;
  bool all_here = true;
  const ParallelSummary s = parallel_for(
      50,
      [&](std::size_t i, int worker) {
        all_here = all_here && std::this_thread::get_id() == caller && worker == 0;
        order.push_back(i);
      },
      with_workers(1));
  CHECK(all_here);
  CHECK(s.workers == 1);
  REQUIRE(order.size() == 50);
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
}

TEST_CASE("tasks of a call that started threads know they share the cores, inline tasks and other code do not",
          "[solvers][parallel][unit]") {
  CHECK_FALSE(inside_parallel_region());
  std::atomic<int> inside{0}, outside{0};
  auto count = [&](std::size_t, int) { (inside_parallel_region() ? inside : outside)++; };
  parallel_for(6, count, with_workers(2));
  CHECK(inside == 6);  // the calling thread's tasks too
  CHECK(outside == 0);
  inside = outside = 0;
  parallel_for(6, count, with_workers(1));  // inline: the caller's cores are its own
  CHECK(inside == 0);
  CHECK(outside == 6);
  // Nested: an inline call inside a task of a wide one stays inside; the mark ends with the task.
  inside = outside = 0;
  parallel_for(2, [&](std::size_t, int) { parallel_for(3, count, with_workers(1)); }, with_workers(2));
  CHECK(inside == 6);
  CHECK_FALSE(inside_parallel_region());
}

TEST_CASE("two workers run two tasks at the same time", "[solvers][parallel][unit]") {
  // Each of the two tasks waits for the other to have started: run one after the other, the first
  // would wait out the (generous, for a loaded machine) timeout.
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  std::atomic<int> met{0};
  parallel_for(
      2,
      [&](std::size_t, int) {
        std::unique_lock<std::mutex> lock(m);
        ++started;
        cv.notify_all();
        if (cv.wait_for(lock, std::chrono::seconds(30), [&] { return started == 2; })) ++met;
      },
      with_workers(2));
  CHECK(met == 2);
}

TEST_CASE("worker ids run from 0 to workers - 1 and no two running tasks share one", "[solvers][parallel][unit]") {
  for (int workers : {1, 2, 3, 4}) {
    INFO("workers " << workers);
    std::vector<std::atomic<bool>> busy(static_cast<std::size_t>(workers));
    std::atomic<bool> ids_ok{true}, exclusive{true};
    const ParallelSummary s = parallel_for(
        400,
        [&](std::size_t, int worker) {
          if (worker < 0 || worker >= workers) {
            ids_ok = false;
            return;
          }
          auto& b = busy[static_cast<std::size_t>(worker)];
          if (b.exchange(true)) exclusive = false;
          std::this_thread::yield();
          b = false;
        },
        with_workers(workers));
    CHECK(s.workers == workers);
    CHECK(ids_ok);
    CHECK(exclusive);
  }
}

TEST_CASE("a task's exception is rethrown on the calling thread and no new task starts after it",
          "[solvers][parallel][unit]") {
  // Every task takes a millisecond, so that a run that went on after the failure would run far
  // more tasks than a stopped one, even on a loaded machine.
  constexpr std::size_t n = 2000, failing = 5;
  for (int workers : {1, 2, 3, 4}) {
    INFO("workers " << workers);
    Counts c(n);
    try {
      parallel_for(
          n,
          [&](std::size_t i, int) {
            c.add(i);
            if (i == failing) throw std::runtime_error("task " + std::to_string(i));
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          },
          with_workers(workers));
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "task 5");
    }
    std::size_t ran = 0;
    for (const auto& r : c.runs) ran += static_cast<std::size_t>(r.load());
    CHECK(c.prefix(ran));  // tasks are taken in order and every task taken runs
    CHECK(ran > failing);
    CHECK(ran < n / 2);
    if (workers == 1) CHECK(ran == failing + 1);
  }
}

TEST_CASE("of several failing tasks, the lowest index's exception is rethrown, whichever failed first",
          "[solvers][parallel][unit]") {
  for (int workers : {1, 2, 4}) {
    INFO("workers " << workers);
    try {
      parallel_for(
          100,
          [](std::size_t i, int) {
            if (i == 3) {
              // Fails late: task 7 (on another worker) has most likely failed by then.
              std::this_thread::sleep_for(std::chrono::milliseconds(50));
              throw std::runtime_error("task 3");
            }
            if (i == 7) throw std::runtime_error("task 7");
          },
          with_workers(workers));
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "task 3");
    }
  }
}

TEST_CASE("an exception of any type keeps its type through the executor", "[solvers][parallel][unit]") {
  CHECK_THROWS_AS(parallel_for(
                      8, [](std::size_t i, int) { if (i == 2) throw 42; }, with_workers(3)),
                  int);
  CHECK_THROWS_AS(parallel_for(
                      8, [](std::size_t i, int) { if (i == 2) throw std::invalid_argument("x"); }, with_workers(1)),
                  std::invalid_argument);
}

TEST_CASE("the stop flag stops the run early, and the tasks that ran are the first `completed` indices",
          "[solvers][parallel][unit]") {
  // As above: a millisecond per task makes "stopped early" unmistakable.
  constexpr std::size_t n = 2000, trigger = 10;
  for (int workers : {1, 2, 4}) {
    INFO("workers " << workers);
    Counts c(n);
    std::atomic<bool> stop{false};
    ParallelOptions o = with_workers(workers);
    o.stop = &stop;
    const ParallelSummary s = parallel_for(
        n,
        [&](std::size_t i, int) {
          c.add(i);
          if (i == trigger) stop = true;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        },
        o);
    CHECK(s.stopped);
    CHECK(s.total == n);
    CHECK(s.completed > trigger);
    CHECK(s.completed < n / 2);
    if (workers == 1) CHECK(s.completed == trigger + 1);
    CHECK(c.prefix(s.completed));
  }
}

TEST_CASE("a stop flag set before the call runs nothing", "[solvers][parallel][unit]") {
  const std::atomic<bool> stop{true};
  ParallelOptions o = with_workers(4);
  o.stop = &stop;
  std::atomic<int> calls{0};
  const ParallelSummary s = parallel_for(100, [&](std::size_t, int) { ++calls; }, o);
  CHECK(calls == 0);
  CHECK(s.completed == 0);
  CHECK(s.stopped);
}

TEST_CASE("progress is called once per task, never concurrently, rising by one to the total",
          "[solvers][parallel][unit]") {
  constexpr std::size_t n = 2000;
  for (int workers : {1, 2, 4}) {
    INFO("workers " << workers);
    // Plain containers: the executor promises the calls never overlap.
    std::vector<std::size_t> seen;
    bool totals_ok = true;
    std::atomic<bool> inside{false}, overlapped{false};
    ParallelOptions o = with_workers(workers);
    o.progress = [&](std::size_t done, std::size_t total) {
      if (inside.exchange(true)) overlapped = true;
      seen.push_back(done);
      totals_ok = totals_ok && total == n;
      std::this_thread::yield();
      inside = false;
    };
    parallel_for(n, [](std::size_t, int) {}, o);
    CHECK_FALSE(overlapped);
    CHECK(totals_ok);
    REQUIRE(seen.size() == n);
    bool rising = true;
    for (std::size_t i = 0; i < seen.size(); ++i) rising = rising && seen[i] == i + 1;
    CHECK(rising);
  }
}

TEST_CASE("parallel_produce hands every result once to the calling thread, the last call after all",
          "[solvers][parallel][unit]") {
  constexpr std::size_t n = 3000;
  const auto caller = std::this_thread::get_id();
  for (int workers : {1, 2, 4}) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{64}}) {
      INFO("workers " << workers << ", batch " << batch);
      std::vector<int> got(n, 0);
      int last_calls = 0;
      bool on_caller = true, after_last = false;
      std::atomic<bool> producers_elsewhere{true};
      HandOverOptions h;
      h.capacity = 128;
      h.batch = batch;
      h.poll_s = 0.01;
      const ParallelSummary s = parallel_produce<std::size_t>(
          n,
          [&](std::size_t i, int) {
            if (std::this_thread::get_id() == caller) producers_elsewhere = false;
            return i;
          },
          [&](std::vector<std::size_t>& results, bool last) {
            on_caller = on_caller && std::this_thread::get_id() == caller;
            after_last = after_last || last_calls > 0;
            for (std::size_t i : results) ++got.at(i);
            if (last) ++last_calls;
          },
          with_workers(workers), h);
      CHECK(s.completed == n);
      CHECK(s.workers == workers);
      CHECK(on_caller);
      CHECK(producers_elsewhere);
      CHECK_FALSE(after_last);
      CHECK(last_calls == 1);
      bool once = true;
      for (int g : got) once = once && g == 1;
      CHECK(once);
    }
  }
}

TEST_CASE("a slow consumer holds the workers back: results waiting never exceed the hand-over's capacity",
          "[solvers][parallel][unit]") {
  constexpr std::size_t n = 400, capacity = 8;
  constexpr int workers = 3;
  std::atomic<std::size_t> produced{0}, consumed{0}, worst{0};
  HandOverOptions h;
  h.capacity = capacity;
  h.batch = 2;
  h.poll_s = 0.01;
  parallel_produce<int>(
      n,
      [&](std::size_t, int) {
        // Results made but not yet counted as consumed: at most `capacity` waiting, `capacity` in
        // the consumer's hands and one held by each worker.
        const std::size_t ahead = ++produced - consumed.load();
        std::size_t w = worst.load();
        while (ahead > w && !worst.compare_exchange_weak(w, ahead)) {
        }
        return 0;
      },
      [&](std::vector<int>& results, bool) {
        CHECK(results.size() <= capacity);
        std::this_thread::sleep_for(std::chrono::microseconds(300));
        consumed += results.size();
      },
      with_workers(workers), h);
  CHECK(consumed == n);
  CHECK(worst <= 2 * capacity + workers);
}

TEST_CASE("parallel_produce consumes everything produced before a stop, then returns stopped",
          "[solvers][parallel][unit]") {
  constexpr std::size_t n = 100000;
  std::atomic<bool> stop{false};
  ParallelOptions o = with_workers(2);
  o.stop = &stop;
  std::vector<int> got(n, 0);
  const ParallelSummary s = parallel_produce<std::size_t>(
      n,
      [&](std::size_t i, int) {
        if (i == 50) stop = true;
        return i;
      },
      [&](std::vector<std::size_t>& results, bool) {
        for (std::size_t i : results) ++got.at(i);
      },
      o);
  CHECK(s.stopped);
  CHECK(s.completed > 50);
  bool prefix = true;
  for (std::size_t i = 0; i < n; ++i) prefix = prefix && got[i] == (i < s.completed ? 1 : 0);
  CHECK(prefix);
}

TEST_CASE("parallel_produce rethrows a consumer's or a producer's exception after joining the workers",
          "[solvers][parallel][unit]") {
  HandOverOptions h;
  h.capacity = 4;
  h.poll_s = 0.01;
  std::atomic<std::size_t> produced{0};
  CHECK_THROWS_WITH(parallel_produce<int>(
                        100000,
                        [&](std::size_t, int) {
                          ++produced;
                          return 1;
                        },
                        [](std::vector<int>&, bool) { throw std::runtime_error("disk full"); }, with_workers(2), h),
                    "disk full");
  CHECK(produced < 100000);  // the workers stopped

  std::size_t consumed = 0;
  bool last_seen = false;
  CHECK_THROWS_WITH(parallel_produce<std::size_t>(
                        1000,
                        [](std::size_t i, int) -> std::size_t {
                          if (i == 20) throw std::runtime_error("case 20");
                          return i;
                        },
                        [&](std::vector<std::size_t>& results, bool last) {
                          consumed += results.size();
                          last_seen = last_seen || last;
                        },
                        with_workers(3), h),
                    "case 20");
  CHECK(last_seen);       // what was produced was still consumed
  CHECK(consumed >= 20);  // tasks 0..19 at least
}

TEST_CASE("parallel_produce rejects a hand-over without room, batch or poll interval", "[solvers][parallel][unit]") {
  auto run = [](HandOverOptions h) {
    return parallel_produce<int>(
        3, [](std::size_t, int) { return 0; }, [](std::vector<int>&, bool) {}, {}, h);
  };
  HandOverOptions h;
  h.capacity = 0;
  CHECK_THROWS_AS(run(h), std::invalid_argument);
  h = {};
  h.batch = 0;
  CHECK_THROWS_AS(run(h), std::invalid_argument);
  h = {};
  h.poll_s = 0.0;
  CHECK_THROWS_AS(run(h), std::invalid_argument);
}

TEST_CASE("a thread started elsewhere runs its body and then may use every CPU its caller may",
          "[solvers][parallel][unit]") {
  // start_thread_elsewhere places the thread on another CPU first (a placement the scheduler would
  // otherwise make only at its next balancing tick) and must give the whole set back, so that a
  // long task is not pinned to one CPU.
  for (int k = 0; k < 3; ++k) {
    std::atomic<bool> ran{false};
#if defined(__linux__)
    cpu_set_t caller, inside;
    CPU_ZERO(&caller);
    CPU_ZERO(&inside);
    REQUIRE(sched_getaffinity(0, sizeof caller, &caller) == 0);
    std::thread t = start_thread_elsewhere(
        [&] {
          sched_getaffinity(0, sizeof inside, &inside);
          ran = true;
        },
        k);
    t.join();
    CHECK(CPU_EQUAL(&caller, &inside));
#else
    std::thread t = start_thread_elsewhere([&] { ran = true; }, k);
    t.join();
#endif
    CHECK(ran);
  }
}
