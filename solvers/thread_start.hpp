#pragma once
/// Starting a worker thread where it can run at once.
///
/// On the 2-vCPU virtual machines phylane is built and used on, a new thread is queued on its
/// parent's CPU and moves to the idle one only at the next load-balancing tick, ~4 ms later
/// (measured: a thread created while its parent computes starts 3.7-4.4 ms after creation; with
/// an explicit CPU, 0.1 ms). A parallel section shorter than that — most of an eye's — then runs
/// on one core. So a worker is started on a CPU the caller is not on, and given back the
/// caller's whole CPU set as soon as it runs, so that the scheduler may move it later as usual.
///
/// Tested by: tests/solvers/parallel_test.cpp
#include <functional>
#include <thread>

namespace phylane::solvers {

/// Runs `body` on a new thread, placed first on the k-th (cyclically) of the CPUs the calling
/// thread may use other than the one it is on, when there is one (Linux); otherwise a plain
/// std::thread. Throws what std::thread throws when no thread can be started.
std::thread start_thread_elsewhere(std::function<void()> body, int k = 0);

}  // namespace phylane::solvers
