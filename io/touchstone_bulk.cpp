// The Touchstone reader's fast path (io/detail/touchstone_parser.hpp): network records laid out as
// the first one are read in bulk (bulk_scan), and for large data a second thread reads chunks of
// the data from the end backwards while this pass reads forwards, its records taken over as the
// pass reaches them, so that the result (network, comments, notices, errors, line numbers) is that
// of a one-thread read. The one thread is one of solvers::parallel_for's. Knobs for testing:
// io/detail/touchstone_scan.hpp; the grammar every other line goes to: io/touchstone.cpp.
// Measured in docs/touchstone.md, "Speed"; tested by tests/io/touchstone_parallel_test.cpp.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <limits>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "io/detail/touchstone_bulk_scan.hpp"
#include "io/detail/touchstone_parser.hpp"
#include "io/detail/touchstone_polar.hpp"
#include "solvers/parallel.hpp"

namespace phylane::io::detail::touchstone {

/// The network data of a large file cut into chunks at guessed record starts, for a second thread
/// (worker) that reads them from the last one backwards while the reading thread reads forwards
/// (Parser::read_beside_worker). Whichever thread gets to a chunk first claims it: the two meet wherever
/// their speeds (and the machine's load) take them, and the reading thread never waits. When the
/// reading thread arrives at the start of a chunk the worker has read, with no record under way,
/// it takes the worker's records (Parser::take_chunk); lines are counted from the chunk's start,
/// and values are stored converted to (re, im) already.
struct Chunks {
  enum State : int { unclaimed, worker_reading, main_reading, worker_read };
  struct Record {
    double freq_hz;
    int first_line;        ///< line of its first data line
    int end_line;          ///< lines up to its last line
    const char* next;      ///< start of the line after it
    std::size_t comments;  ///< comment lines up to its end
    bool finite;           ///< its converted values are finite
  };
  struct Comment {
    int line;
    const char* bang;
    const char* line_end;
  };
  struct Chunk {
    const char* begin = nullptr;  ///< a guessed record start
    const char* end = nullptr;    ///< the next chunk's begin, or the text's end
    std::atomic<int> state{unclaimed};
    // Written by the worker before it sets state = worker_read (release).
    std::size_t first_record = 0, record_room = 0;    ///< its part of `records` (and of `values`)
    std::size_t first_comment = 0, comment_room = 0;  ///< its part of `comments`
    std::size_t records = 0;                          ///< records read
    bool complete = false;                            ///< read up to `end`
  };

  const char* text_end = nullptr;
  RecordShape shape;
  TouchstoneFormat format = TouchstoneFormat::ri;
  std::size_t max_records = 0;
  std::vector<Chunk> chunks;  ///< sized once, before the worker starts
  Scratch<Record> records;
  Scratch<double> values;
  Scratch<Comment> comments;
  std::atomic<bool> stop{false};  ///< set by the reading thread: no more chunks are needed
  std::atomic<bool> done{false};  ///< set by the worker when it returns
};

namespace {

/// The cores this process may run on (its affinity mask on Linux, so that `taskset -c 0 phylane`
/// reads with one thread), 0 when unknown.
unsigned usable_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
#endif
  return std::thread::hardware_concurrency();
}

/// bulk_scan's sink for one chunk of a Chunks, in the worker.
struct ChunkSink {
  Chunks& all;
  Chunks::Chunk& chunk;
  std::size_t& total_records;
  std::size_t n = 0;                              ///< records so far
  std::size_t comment_count = 0, comment_mark = 0;

  bool stop_requested() const {
    return all.stop.load(std::memory_order_relaxed) || total_records >= all.max_records;
  }
  double* room() {
    if (n >= chunk.record_room) return nullptr;
    return all.values.data() + (chunk.first_record + n) * all.shape.per_record;
  }
  void begin_record() { comment_mark = comment_count; }
  bool comment(int line, const char* bang, const char* line_end) {
    if (comment_count == chunk.comment_room) return false;
    all.comments.data()[chunk.first_comment + comment_count++] = {line, bang, line_end};
    return true;
  }
  void rollback() { comment_count = comment_mark; }
  double prev_freq() const {
    return n ? all.records.data()[chunk.first_record + n - 1].freq_hz : -std::numeric_limits<double>::infinity();
  }
  void commit(double* values_at, double f, int first_line, const char*, const char* next, int end_line) {
    const bool finite =
        all.format == TouchstoneFormat::ri || polar_pairs_in_place(values_at, all.shape.per_record / 2, all.format);
    all.records.data()[chunk.first_record + n] = {f, first_line, end_line, next, comment_count, finite};
    ++n;
    ++total_records;
  }
};

/// The second thread: chunks from the last one backwards, each claimed first, until one is claimed by
/// the reading thread, a stop request or options' record limit.
void read_chunks(Chunks& all) noexcept {
  std::size_t total = 0;
  for (std::size_t c = all.chunks.size(); c-- > 0;) {
    Chunks::Chunk& chunk = all.chunks[c];
    int expected = Chunks::unclaimed;
    if (all.stop.load(std::memory_order_relaxed) || total >= all.max_records ||
        !chunk.state.compare_exchange_strong(expected, Chunks::worker_reading, std::memory_order_acq_rel))
      break;
    ChunkSink sink{all, chunk, total};
    const char* p = chunk.begin;
    int line = 0;
    const BulkStop stop = bulk_scan(p, line, all.text_end, all.shape, sink, chunk.end);
    chunk.records = sink.n;
    chunk.complete = stop == BulkStop::seam || (stop == BulkStop::end && chunk.end == all.text_end);
    chunk.state.store(Chunks::worker_read, std::memory_order_release);
  }
  all.done.store(true, std::memory_order_release);
}

}  // namespace

/// The sink of bulk_scan for this thread: records go to net_ and values_, comments to info_.
struct Parser::Sink {
  Parser& ps;
  std::size_t comments = 0, notices = 0;
  bool noticed = false;
  bool stop_requested() const { return false; }
  double* room() { return ps.values_.extend(ps.net_.len - 1); }
  void begin_record() {
    comments = ps.info_.comments.size();
    notices = ps.info_.notices.size();
    noticed = ps.port_impedance_noticed_;
  }
  bool comment(int line, const char* bang, const char* line_end) {
    ps.comment_line(line, bang, line_end);
    return true;
  }
  void rollback() {
    ps.info_.comments.resize(comments);
    ps.info_.notices.resize(notices);
    ps.port_impedance_noticed_ = noticed;
  }
  double prev_freq() const { return ps.net_.freq_hz.back(); }
  void commit(double* values_at, double f, int first_line, const char* first_begin, const char*, int) {
    Records& rs = ps.net_;
    const std::size_t per_record = rs.len - 1;
    if (ps.info_.format != TouchstoneFormat::ri)
      ps.all_finite_ &= polar_pairs_in_place(values_at, per_record / 2, ps.info_.format);
    ps.converted_.resize(rs.freq_hz.size(), 0);
    ps.converted_.push_back(1);
    rs.freq_hz.push_back(f);
    rs.start_line.push_back(first_line);
    rs.start_ptr = first_begin;
    ps.values_.set_size(ps.values_.size() + per_record);
  }
};

bool Parser::bulk_ready() const {
  return options_.bulk && section_ == Section::network && net_.have == 0 && !net_.layout.empty() &&
         !reference_pending_ && !fatal_;
}

/// Records read by bulk_scan in this thread and, for a large file, the chunks of the second thread
/// (read_beside_worker) taken as this thread gets to them. Returns with p and number at the first
/// line for the line-by-line path.
void Parser::bulk_records(const char*& p, int& number) {
  const char* const end = text_.data() + text_.size();
  const RecordShape shape{&net_.layout, net_.len - 1, unit_exp_};
  Sink sink{*this};
  for (;;) {
    const BulkStop stop = bulk_scan(p, number, end, shape, sink, next_seam(p));
    if (stop != BulkStop::seam) return;
    take_chunk(p, number);
  }
}

/// The first line at or after the line start q that can only be the first line of a record: a data
/// line with as many numbers as a record's first line has, when no other line of a record has that
/// many (otherwise records cannot be told apart from the middle of the data); nullptr if there is
/// none within a record's lines and 16 more.
const char* Parser::record_start_from(const char* q) const {
  const char* const end = text_.data() + text_.size();
  const std::vector<int>& layout = net_.layout;
  const int first_count = layout.front();
  if (std::count(layout.begin(), layout.end(), first_count) != 1) return nullptr;
  const auto most = static_cast<std::size_t>(*std::max_element(layout.begin(), layout.end()));
  std::vector<double> scratch(most + 1);
  for (std::size_t lines = 0; q < end && lines <= layout.size() + 16; ++lines) {
    const char* line = q;
    ScannedLine sl;
    const ScanKind kind = scan_data_line(q, end, most, scratch.data(), scratch.data() + 1, sl);
    if (kind == ScanKind::other) return nullptr;
    if (kind == ScanKind::data && sl.values == static_cast<std::size_t>(first_count)) return line;
  }
  return nullptr;
}

/// For large data: the rest of the data from p on cut into chunks of about options_.chunk_bytes at
/// guessed record starts, with room for the records the second thread reads. False (and no
/// chunks) for data too small for a second thread, one core, records that cannot be told apart
/// (record_start_from) or no memory.
bool Parser::plan_chunks(const char* p, Chunks& ck) const {
  const char* const end = text_.data() + text_.size();
  const auto bytes = static_cast<std::size_t>(end - p);
  if (bytes < options_.parallel_min_bytes) return false;
  static const unsigned cores = usable_cores();
  if (cores < 2 && !options_.ignore_core_count) return false;
  const std::vector<int>& layout = net_.layout;
  if (std::count(layout.begin(), layout.end(), layout.front()) != 1) return false;  // see record_start_from
  try {
    // Chunk starts: the first record start from each line start about chunk_bytes after the last.
    std::vector<const char*> starts;
    const std::size_t step = std::max<std::size_t>(options_.chunk_bytes, 1);
    for (const char* from = p; static_cast<std::size_t>(end - from) > step;) {
      const char* target = from + step;
      if (target[-1] != '\n') {
        const auto* nl = static_cast<const char*>(std::memchr(target, '\n', static_cast<std::size_t>(end - target)));
        if (!nl) break;
        target = nl + 1;
      }
      const char* start = target < end ? record_start_from(target) : nullptr;
      if (start) starts.push_back(start);
      from = start ? start : target;
    }
    if (starts.empty()) return false;
    ck.text_end = end;
    ck.shape = RecordShape{&net_.layout, net_.len - 1, unit_exp_};
    ck.format = info_.format;
    ck.max_records = options_.worker_max_records;
    ck.chunks = std::vector<Chunks::Chunk>(starts.size());
    // Room for the records a chunk holds if they are as long as the first one (plus a margin); a
    // chunk that fills up ends early and this thread reads the rest of it.
    std::size_t records = 0, comments = 0;
    for (std::size_t c = 0; c < starts.size(); ++c) {
      Chunks::Chunk& ch = ck.chunks[c];
      ch.begin = starts[c];
      ch.end = c + 1 < starts.size() ? starts[c + 1] : end;
      const auto part = static_cast<std::size_t>(ch.end - ch.begin);
      ch.first_record = records;
      ch.record_room = part / std::max<std::size_t>(first_record_bytes_, 1) * 5 / 4 + 2;
      ch.first_comment = comments;
      ch.comment_room = std::min(ch.record_room * (net_.layout.size() + 2), part / 2 + 1);  // 2 bytes or more each
      records += ch.record_room;
      comments += ch.comment_room;
    }
    ck.records.allocate(records);
    ck.values.allocate(records * ck.shape.per_record);
    ck.comments.allocate(comments);
    return true;
  } catch (const std::exception&) {
    return false;  // no memory: read on in this thread alone
  }
}

/// For large data, once (from the first record read in bulk): the rest of the pass (read_lines)
/// runs on this thread while a second one reads the chunks of plan_chunks from the last one
/// backwards (read_chunks); this thread takes the second one's records as it gets to them
/// (take_chunk). Returns false, having done nothing, when plan_chunks declines.
///
/// The two are the two tasks of solvers::parallel_for on two workers, told apart by worker id:
/// the calling thread is worker 0 and runs the pass, so the rest of the reader's state and its
/// memory pool (touchstone_buffers.hpp) stay on the caller's thread; the started thread reads
/// chunks. Tasks go to whichever worker asks first, so the started thread, done with its chunks,
/// waits for the pass to have begun before it returns and could ask for the other task. Should
/// worker 0 get to the second task as well (the started thread had not taken one yet when the pass
/// ended, or no thread could be started), it has nothing left to do. The pass tells the second
/// thread to stop when it ends, also by an exception, and parallel_for returns once that thread
/// has.
bool Parser::read_beside_worker(const char*& p, int& number) {
  worker_tried_ = true;
  Chunks ck;
  if (!plan_chunks(p, ck)) return false;
  chunks_ = &ck;
  next_chunk_ = 0;
  struct StopWorker {
    Chunks& ck;
    ~StopWorker() { ck.stop.store(true, std::memory_order_relaxed); }
  };
  std::atomic<bool> pass_begun{false};
  solvers::ParallelOptions two;
  two.workers = 2;
  try {
    solvers::parallel_for(
        2,
        [&](std::size_t, int worker) {
          if (worker != 0) {
            read_chunks(ck);
            while (!pass_begun.load(std::memory_order_acquire)) std::this_thread::yield();
            return;
          }
          if (pass_begun.load(std::memory_order_relaxed)) return;
          pass_begun.store(true, std::memory_order_release);
          const StopWorker stop{ck};
          // Testing (wait_for_worker): the second thread reads all it can first. This needs the
          // second thread: test machines start it.
          if (options_.wait_for_worker)
            while (!ck.done.load(std::memory_order_acquire)) std::this_thread::yield();
          read_lines(p, number);
        },
        two);
  } catch (...) {
    chunks_ = nullptr;
    throw;
  }
  chunks_ = nullptr;
  return true;
}

/// The start of the next chunk from p on that this thread has not handled, or nullptr.
const char* Parser::next_seam(const char* p) {
  if (!chunks_) return nullptr;
  const auto& chunks = chunks_->chunks;
  while (next_chunk_ < chunks.size() && chunks[next_chunk_].begin < p) ++next_chunk_;
  return next_chunk_ < chunks.size() ? chunks[next_chunk_].begin : nullptr;
}

/// At the start of chunk next_chunk_, with no record under way. A chunk nobody has read yet is this
/// thread's to read. A chunk the worker is reading is read here too (the worker is told to stop:
/// waiting for it could take long on a busy machine). A chunk the worker has read gives its records,
/// with their comment lines, exactly as bulk_scan here would have read them, if its first frequency
/// is above the last one read here; this thread goes on after its last record (the next chunk's
/// start when the chunk was read to its end).
void Parser::take_chunk(const char*& p, int& number) {
  Chunks::Chunk& ch = chunks_->chunks[next_chunk_++];
  int state = Chunks::unclaimed;
  if (ch.state.compare_exchange_strong(state, Chunks::main_reading, std::memory_order_acq_rel)) return;
  if (state == Chunks::worker_reading && options_.wait_for_worker)
    while ((state = ch.state.load(std::memory_order_acquire)) == Chunks::worker_reading) std::this_thread::yield();
  if (state == Chunks::worker_reading) {
    chunks_->stop.store(true, std::memory_order_relaxed);
    return;
  }
  const Chunks::Record* rec = chunks_->records.data() + ch.first_record;
  if (ch.records == 0 || !(rec[0].freq_hz > net_.freq_hz.back())) return;
  const Chunks::Record& last = rec[ch.records - 1];
  for (std::size_t c = 0; c < last.comments; ++c) {
    const Chunks::Comment& cm = chunks_->comments.data()[ch.first_comment + c];
    comment_line(number + cm.line, cm.bang, cm.line_end);
  }
  const std::size_t per_record = net_.len - 1;
  std::memcpy(values_.extend(ch.records * per_record), chunks_->values.data() + ch.first_record * per_record,
              ch.records * per_record * sizeof(double));
  values_.set_size(values_.size() + ch.records * per_record);
  converted_.resize(net_.freq_hz.size(), 0);
  converted_.resize(net_.freq_hz.size() + ch.records, 1);
  for (std::size_t r = 0; r < ch.records; ++r) {
    net_.freq_hz.push_back(rec[r].freq_hz);
    net_.start_line.push_back(number + rec[r].first_line);
    all_finite_ &= rec[r].finite;
  }
  p = last.next;
  number += last.end_line;
}

}  // namespace phylane::io::detail::touchstone
