#include "solvers/thread_start.hpp"

#include <atomic>
#include <memory>
#include <utility>
#include <vector>
#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace phylane::solvers {

std::thread start_thread_elsewhere(std::function<void()> body, int k) {
#if defined(__linux__)
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 1) {
    const int here = sched_getcpu();
    std::vector<int> others;
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &allowed) && c != here) others.push_back(c);
    if (!others.empty()) {
      cpu_set_t first;
      CPU_ZERO(&first);
      CPU_SET(others[static_cast<std::size_t>(k) % others.size()], &first);
      // The thread waits until it has been placed before it takes the whole set back, so the
      // placement cannot land after (and outlast) the release.
      auto placed = std::make_shared<std::atomic<bool>>(false);
      std::thread t([body = std::move(body), placed, allowed]() mutable {
        while (!placed->load(std::memory_order_acquire)) std::this_thread::yield();
        sched_setaffinity(0, sizeof allowed, &allowed);  // advice only: on failure it stays placed
        body();
      });
      pthread_setaffinity_np(t.native_handle(), sizeof first, &first);  // advice only
      placed->store(true, std::memory_order_release);
      return t;
    }
  }
#else
  (void)k;
#endif
  return std::thread(std::move(body));
}

}  // namespace phylane::solvers
