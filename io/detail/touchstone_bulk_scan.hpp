#pragma once
// Internal to phylane_io: the Touchstone reader's bulk path, bulk_scan, which reads whole records
// laid out line for line as the first one and hands them to a sink: the reading thread's (the
// parser's network data) or the second thread's (a chunk of a large file). Used by
// io/touchstone_bulk.cpp; any record it does not take goes to the grammar (io/touchstone.cpp).
// See docs/touchstone.md, "Speed".
#include <cmath>
#include <cstddef>
#include <string_view>
#include <vector>

#include "io/detail/touchstone_numbers.hpp"

namespace phylane::io::detail::touchstone {

/// What bulk_scan needs to know of a record: the values on each of its lines (those of the
/// first record, Records::layout) and the frequency unit.
struct RecordShape {
  const std::vector<int>* layout = nullptr;
  std::size_t per_record = 0;  ///< values after the frequency (2 per complex parameter)
  int unit_exp = 0;
};

enum class BulkStop {
  end,      ///< the end of the text
  misfit,   ///< a record (or the lines before it) that bulk_scan does not take: p is at its first line
  seam,     ///< p reached the hand-over point
  full,     ///< the sink has no room left
  stopped   ///< the sink was asked to stop
};

/// Whole records laid out line for line as the first one, with blank and comment lines anywhere,
/// read with scan_data_line: the common case the reader is fast for. For each record, sink.room()
/// gives where its values go, the frequency is checked (finite, >= 0, above sink.prev_freq()) and
/// sink.commit() takes it; comment-only lines go to sink.comment() as they come. A record that does
/// not fit (a short or long line, a token that is not a finite number, a frequency not above the
/// previous one, a keyword, the end of the text within it ...) is undone with sink.rollback(),
/// together with the comment lines before it, and bulk_scan returns with p and line at its first
/// line (BulkStop::misfit): the line-by-line path then reads it, and reports it as it always has.
/// At `seam` (a line start; nullptr: none), when no record is under way, it returns BulkStop::seam.
template <class Sink>
BulkStop bulk_scan(const char*& p, int& line, const char* end, const RecordShape& shape, Sink& sink,
                   const char* seam) {
  const std::vector<int>& layout = *shape.layout;
  while (p < end) {
    if (sink.stop_requested()) return BulkStop::stopped;
    double* const room = sink.room();
    if (!room) return BulkStop::full;
    sink.begin_record();
    const char* q = p;
    int ln = line;
    double* out = room;
    double f = 0;
    int first_line = 0;
    const char* first_begin = nullptr;
    std::size_t i = 0;  // data lines of the record so far
    bool fits = true;
    while (i < layout.size()) {
      if (i == 0 && q == seam) {
        p = q;  // the comment and blank lines before it are taken
        line = ln;
        return BulkStop::seam;
      }
      const char* begin = q;
      const auto want = static_cast<std::size_t>(layout[i]);
      ScannedLine sl;
      const ScanKind kind = q == end ? ScanKind::other
                                     : scan_data_line(q, end, want, i == 0 ? &f : out, i == 0 ? out : out + 1, sl);
      if (kind == ScanKind::other) {
        fits = false;
        break;
      }
      ++ln;
      if (kind == ScanKind::blank) continue;
      if (kind == ScanKind::comment) {
        if (!sink.comment(ln, sl.bang, sl.line_end)) {
          sink.rollback();
          return BulkStop::full;
        }
        continue;
      }
      if (sl.values != want) {
        fits = false;
        break;
      }
      if (i == 0) {
        const std::string_view token(sl.first, static_cast<std::size_t>(sl.first_end - sl.first));
        f = scaled_decimal(token, shape.unit_exp, f);
        if (!(std::isfinite(f) && f >= 0.0 && f > sink.prev_freq())) {
          fits = false;
          break;
        }
        first_line = ln;
        first_begin = begin;
        out += want - 1;
      } else {
        out += want;
      }
      ++i;
    }
    if (!fits) {
      sink.rollback();
      return BulkStop::misfit;
    }
    sink.commit(room, f, first_line, first_begin, q, ln);
    p = q;
    line = ln;
  }
  return BulkStop::end;
}

}  // namespace phylane::io::detail::touchstone
