// The Touchstone reader's pool of memory blocks (io/detail/touchstone_buffers.hpp): anonymous
// mappings for large blocks on Linux, advised for transparent huge pages, kept per thread for the
// next read; new[] otherwise.
#include "io/detail/touchstone_buffers.hpp"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace phylane::io::detail::touchstone {

namespace {

void unmap(const Block& b) {
#if defined(__linux__)
  munmap(b.map, b.map_length);
#else
  (void)b;
#endif
}

}  // namespace

BlockPool::~BlockPool() {
  for (const Block& b : kept_) unmap(b);
}

BlockPool& BlockPool::local() {
  thread_local BlockPool pool;
  return pool;
}

Block BlockPool::acquire(std::size_t bytes) {
#if defined(__linux__)
  if (bytes >= (std::size_t{64} << 10)) {
    // The smallest kept mapping that is large enough, if not wastefully so.
    std::size_t best = kept_.size();
    for (std::size_t i = 0; i < kept_.size(); ++i)
      if (kept_[i].bytes >= bytes && kept_[i].bytes <= 4 * bytes + (std::size_t{2} << 20) &&
          (best == kept_.size() || kept_[i].bytes < kept_[best].bytes))
        best = i;
    if (best < kept_.size()) {
      const Block b = kept_[best];
      kept_bytes_ -= b.map_length;
      kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(best));
      return b;
    }
    // 1 MiB and more: whole 2 MiB pages, aligned; less: 4 KiB pages.
    const std::size_t page = bytes >= (std::size_t{1} << 20) ? std::size_t{2} << 20 : std::size_t{4} << 10;
    const std::size_t usable = (bytes + page - 1) / page * page;
    const std::size_t length = usable + (page > 4096 ? page : 0);  // room to align
    void* m = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    auto* aligned = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(m) + page - 1) & ~(page - 1));
    if (page > 4096) madvise(aligned, usable, MADV_HUGEPAGE);  // advice only: failure is harmless
    return Block{aligned, usable, m, length};
  }
#endif
  return Block{new char[bytes], bytes, nullptr, 0};
}

void BlockPool::release(const Block& b) {
  if (!b.data) return;
  if (!b.map) {
    delete[] b.data;
    return;
  }
  constexpr std::size_t keep_at_most = std::size_t{32} << 20;
  if (kept_bytes_ + b.map_length <= keep_at_most && kept_.size() < 8) {
    kept_.push_back(b);
    kept_bytes_ += b.map_length;
    return;
  }
  unmap(b);
}

}  // namespace phylane::io::detail::touchstone
