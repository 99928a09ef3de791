#pragma once
// Internal to phylane_io: the Touchstone reader's large scratch arrays (the file text, the network
// values, the second thread's records) and the per-thread pool of memory blocks they come from,
// which keeps large blocks as huge-page-advised anonymous mappings for the next read. The pool's
// functions are in io/touchstone_buffers.cpp. Measured in docs/touchstone.md, "Speed".
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace phylane::io::detail::touchstone {

/// Raw memory for Scratch. Blocks of 64 KiB and more are, on Linux, anonymous mappings, from 1 MiB
/// on advised for transparent huge pages: the reader touches every byte of them, and a first touch
/// of a 4 KiB page costs a kernel fault and zeroing, ~1.4 us on the development VM (0.35 ms per
/// megabyte, as long as parsing a sixth of it), against ~25 us per 2 MiB page. Released mappings
/// are kept for the next read in the same thread (a benchmark, a sweep or a cascade reads many
/// files), up to 8 of them and 32 MiB: reusing them costs nothing. Smaller blocks, and other
/// systems, use new[].
struct Block {
  char* data = nullptr;
  std::size_t bytes = 0;   ///< usable from data
  void* map = nullptr;     ///< the mapping, when there is one
  std::size_t map_length = 0;
};

class BlockPool {
 public:
  BlockPool() = default;
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;
  ~BlockPool();
  /// This thread's pool.
  static BlockPool& local();
  /// A block of at least `bytes` bytes (uninitialised). Throws std::bad_alloc.
  Block acquire(std::size_t bytes);
  /// Gives b back (kept for a later acquire, or freed); an empty b is ignored.
  void release(const Block& b);

 private:
  std::vector<Block> kept_;
  std::size_t kept_bytes_ = 0;
};

/// Uninitialised storage of n elements of a trivial type T for the reader's large scratch arrays
/// (the file text, the values, the second thread's records), from BlockPool.
template <class T>
class Scratch {
  static_assert(std::is_trivial_v<T>);

 public:
  Scratch() = default;
  explicit Scratch(std::size_t n) { allocate(n); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { BlockPool::local().release(block_); }

  T* data() const { return reinterpret_cast<T*>(block_.data); }
  std::size_t capacity() const { return block_.bytes / sizeof(T); }
  /// Drops the contents and makes room for n elements.
  void allocate(std::size_t n) {
    BlockPool& pool = BlockPool::local();
    pool.release(block_);
    block_ = Block{};
    if (n > 0) block_ = pool.acquire(n * sizeof(T));
  }
  /// Makes room for n elements keeping the first `keep`.
  void grow(std::size_t n, std::size_t keep) {
    if (n <= capacity()) return;
    Scratch bigger(n);
    if (keep) std::memcpy(bigger.data(), data(), keep * sizeof(T));
    std::swap(block_, bigger.block_);
  }

 private:
  Block block_;
};

/// The network values (frequencies left out) in file order: a vector without zero-filling.
class Values {
 public:
  std::size_t size() const { return size_; }
  double* data() { return store_.data(); }
  double& operator[](std::size_t i) { return store_.data()[i]; }
  void reserve(std::size_t n) { store_.grow(n, size_); }
  /// Room for n more values, growing geometrically; returns where they go.
  double* extend(std::size_t n) {
    if (size_ + n > store_.capacity()) store_.grow(std::max(size_ + n, 2 * store_.capacity()), size_);
    return store_.data() + size_;
  }
  void push_back(double v) { *extend(1) = v; ++size_; }
  void set_size(std::size_t n) { size_ = n; }  ///< after writing through extend(); n <= capacity

 private:
  Scratch<double> store_;
  std::size_t size_ = 0;
};

}  // namespace phylane::io::detail::touchstone
