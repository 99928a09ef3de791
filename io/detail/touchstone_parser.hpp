#pragma once
// Internal to phylane_io: the Touchstone reader's parser, one pass over the text. Its grammar
// (header, option line, keywords, records, the checks at the end and the network built from the
// values) is in io/touchstone.cpp; records laid out as the first one are read in bulk, and for large
// data partly by a second thread, in io/touchstone_bulk.cpp. Spec: IBIS Open Forum, "Touchstone
// File Format Specification", Version 2.0 (2009) and 2.1 (2024). Tested by tests/io/touchstone_test.cpp,
// touchstone_fuzz_test.cpp, touchstone_parallel_test.cpp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/network.hpp"
#include "io/detail/touchstone_buffers.hpp"
#include "io/detail/touchstone_numbers.hpp"
#include "io/detail/touchstone_scan.hpp"
#include "io/diagnostics.hpp"
#include "io/touchstone.hpp"

namespace phylane::io::detail::touchstone {

constexpr std::size_t max_diagnostics = 20;

struct Line {
  int number = 0;
  const char* begin = nullptr;
  const char* code_end = nullptr;  ///< the '!' of a comment, or the end of the line
  const char* end = nullptr;
};

enum class Section { header, network, noise, information, done };
enum class MatrixFormat { full, lower, upper };
enum class TwoPortOrder { unset, n12_21, n21_12 };

/// Frequency records being read: the network data (1 + 2M values each) or the noise data (5).
struct Records {
  std::size_t len = 0;                        ///< values per record, frequency included
  std::size_t have = 0;                       ///< values of the current record so far (0: between records)
  std::vector<double> freq_hz;                ///< one per record
  std::vector<int> start_line;                ///< one per record
  std::vector<std::pair<int, int>> current;   ///< (line, values) of the current record's lines so far
  std::vector<int> layout;                    ///< values per line of the first record
  const char* start_ptr = nullptr;            ///< start of the line where the current record began
};

struct Chunks;  // io/touchstone_bulk.cpp

class Parser {
 public:
  Parser(std::string_view text, std::string name, int ports_hint, const TouchstoneScanOptions& options)
      : text_(text), name_(std::move(name)), ports_hint_(ports_hint), options_(options) {
    info_.version = "1.0";
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  channels::Network run(TouchstoneInfo* info_out);

 private:
  // --- diagnostics
  void error(int line, int column, std::string message, std::string key = {}, std::string value = {}) {
    if (diags_.size() >= max_diagnostics) {
      fatal_ = true;
      return;
    }
    Diagnostic d;
    d.file = name_;
    d.line = line;
    d.column = column;
    // Diagnostic::to_string prints a value only after a key; a bare token leads the message.
    if (key.empty() && !value.empty()) message = value + ": " + message;
    if (!key.empty()) d.value = std::move(value);
    d.key = std::move(key);
    d.message = std::move(message);
    diags_.push_back(std::move(d));
    if (diags_.size() == max_diagnostics) {
      Diagnostic stop;
      stop.file = name_;
      stop.message = "stopping after " + std::to_string(max_diagnostics) + " errors";
      diags_.push_back(std::move(stop));
      fatal_ = true;
    }
  }
  void fatal(int line, int column, std::string message, std::string key = {}, std::string value = {}) {
    error(line, column, std::move(message), std::move(key), std::move(value));
    fatal_ = true;
  }
  void notice(std::string text) { info_.notices.push_back(std::move(text)); }
  std::string at_line(int line) const { return "line " + std::to_string(line); }

  // --- the pass over the text (io/touchstone.cpp)
  void read_lines(const char*& p, int& number);

  // --- records in bulk, and a second thread for large data (io/touchstone_bulk.cpp)
  bool bulk_ready() const;
  void bulk_records(const char*& p, int& number);
  bool read_beside_worker(const char*& p, int& number);
  bool plan_chunks(const char* p, Chunks& chunks) const;
  const char* record_start_from(const char* q) const;
  const char* next_seam(const char* p);
  void take_chunk(const char*& p, int& number);

  // --- line handlers (io/touchstone.cpp)
  void process_line(const Line& ln, const char* bang);
  void comment_line(int number, const char* bang, const char* line_end);

  /// The sink of bulk_scan for this thread: records go to net_ and values_, comments to info_.
  struct Sink;

  void option_line(const Line& ln, const char* hash);
  void keyword_line(const Line& ln, const char* open);
  void data_line(const Line& ln);
  void reference_values(const Line& ln, Tokens tk);
  void start_network(const Line& ln);
  void record_line(const Line& ln, Tokens tk, bool noise);
  void record_overflow(const Line& ln, Records& rs, std::string_view extra, std::size_t extra_count, bool noise);
  void record_truncated(Records& rs, bool noise, const std::string& where);
  std::string record_description(bool noise) const;
  void finish();
  channels::Network build();

  // --- helpers for keyword arguments
  bool keyword_count(const Line& ln, Tokens tk, const std::string& key, std::uint64_t& out);
  bool keyword_word(const Line& ln, Tokens tk, const std::string& key, std::string_view& out);
  bool header_keyword_allowed(const Line& ln, const std::string& key);

  std::string_view text_;
  std::string name_;
  int ports_hint_;
  TouchstoneScanOptions options_;
  TouchstoneInfo info_;
  std::vector<Diagnostic> diags_;
  bool fatal_ = false;

  int version_major_ = 1;
  bool anything_seen_ = false;
  bool option_seen_ = false;
  int option_line_ = 0;
  int unit_exp_ = 9;
  std::vector<double> option_r_{50.0};
  int ports_ = 0;
  int ports_line_ = 0;
  TwoPortOrder order_ = TwoPortOrder::unset;
  std::optional<std::uint64_t> declared_freqs_;
  int declared_freqs_line_ = 0;
  std::optional<std::uint64_t> declared_noise_;
  int declared_noise_line_ = 0;
  std::vector<double> reference_;
  bool reference_seen_ = false;
  bool reference_pending_ = false;
  int reference_line_ = 0;
  MatrixFormat matrix_ = MatrixFormat::full;
  bool network_keyword_seen_ = false;
  bool end_seen_ = false;
  bool after_end_noticed_ = false;
  bool port_impedance_noticed_ = false;
  Section section_ = Section::header;
  Section before_information_ = Section::header;
  int information_line_ = 0;
  bool reserved_ = false;
  int last_line_ = 0;

  Records net_;
  Records noise_;
  Values values_;  ///< network data without the frequencies, record after record

  std::size_t first_record_bytes_ = 0;    ///< text of the first network record [bytes]
  std::vector<unsigned char> converted_;  ///< per record: values_ holds it as (re, im) already (bulk_records)
  bool all_finite_ = true;                ///< every value converted so far is finite

  // The chunks of a large file's data that a second thread reads while this pass goes on
  // (read_beside_worker), for as long as it does; nullptr otherwise.
  Chunks* chunks_ = nullptr;
  bool worker_tried_ = false;
  std::size_t next_chunk_ = 0;  ///< the first chunk whose start this thread has not handled
};

}  // namespace phylane::io::detail::touchstone
