#pragma once
// Internal to phylane_io and its tests: how the Touchstone reader (io/touchstone.cpp,
// io/touchstone_bulk.cpp) reads the network data. After the first record it reads whole records at
// a time where they are laid out as the first one (the bulk path), and for large data a second
// thread (solvers::parallel_for) reads the second part meanwhile. read_touchstone and read_touchstone_text use the defaults; the knobs exist so that
// tests can force every path (line by line only, never or always split, split anywhere, a second
// thread that stops early, a hand-over at a fixed point) and check that all give the same network,
// comments, notices and errors. See docs/touchstone.md, "Speed".
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "channels/network.hpp"
#include "io/touchstone.hpp"

namespace phylane::io::detail {

struct TouchstoneScanOptions {
  /// Read the network data a record at a time where records look as the first one does (false:
  /// every line through the line-by-line path, the reference the other paths are tested against).
  bool bulk = true;
  /// Network data (from the second record on) at least this long [bytes] are shared with a second
  /// thread when the machine has two or more cores. 0: always (even one record);
  /// std::numeric_limits<std::size_t>::max(): never.
  std::size_t parallel_min_bytes = std::size_t{256} << 10;
  /// The data are cut into chunks of about this many bytes, each starting with a record; the second
  /// thread reads them from the last one backwards while this one reads from the first one on,
  /// and whichever gets to a chunk first reads it.
  std::size_t chunk_bytes = std::size_t{32} << 10;
  /// The second thread reads at most this many records (testing: a worker that stops early).
  std::size_t worker_max_records = std::numeric_limits<std::size_t>::max();
  /// This thread waits for the second one to finish before reading on, and waits for a chunk the
  /// second thread is reading instead of reading it too (testing: the second thread then reads all
  /// it can, deterministically). Needs a second thread: where none can be started, it waits forever.
  bool wait_for_worker = false;
  /// Use the second thread even on a single-core machine (testing).
  bool ignore_core_count = false;
};

/// read_touchstone_text with explicit scan options; the result (network, info, or the InputError
/// and its messages) does not depend on them.
channels::Network read_touchstone_text(std::string_view text, const std::string& name, int ports_hint,
                                       TouchstoneInfo* info, const TouchstoneScanOptions& options);

}  // namespace phylane::io::detail
