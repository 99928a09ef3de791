#pragma once
/// Writing self-describing HDF5 result files. The file is written under a temporary name and
/// renamed into place by commit(); a writer destroyed without commit() removes the temporary, so
/// a failed or interrupted run never leaves a partial result behind. Every dataset carries a
/// `units` attribute.
#include <atomic>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::io {

class Hdf5Writer {
 public:
  /// Creates `<final_path>.tmp`. Throws std::runtime_error when it cannot.
  explicit Hdf5Writer(std::filesystem::path final_path);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  /// 1-D dataset of doubles at `path` ("/a/b/name"; groups created as needed).
  void dataset(std::string_view path, std::span<const double> data, std::string_view units,
               std::string_view description = {});
  /// 2-D row-major dataset (rows x cols).
  void dataset_2d(std::string_view path, std::span<const double> data, std::size_t rows,
                  std::size_t cols, std::string_view units, std::string_view description = {});
  /// 1-D complex dataset as the compound {r, i} that h5py and numpy read as complex128.
  void dataset_complex(std::string_view path, std::span<const std::complex<double>> data,
                       std::string_view units, std::string_view description = {});
  /// 1-D dataset of variable-length UTF-8 strings (units "1" implied, none written).
  void strings(std::string_view path, const std::vector<std::string>& values,
               std::string_view description = {});
  /// Scalar attributes on a group or dataset (created groups only; "/" is the root).
  void attribute(std::string_view object_path, std::string_view name, std::string_view value);
  void attribute(std::string_view object_path, std::string_view name, double value);
  void attribute(std::string_view object_path, std::string_view name, std::int64_t value);

  /// Closes the file and renames it to the final path. Once the flag given to
  /// abandon_commits_when() is set, the result is abandoned instead: commit() throws
  /// std::runtime_error and the destructor removes the temporary. The rename is atomic, so the
  /// final path holds either the whole file or nothing (whatever was there before).
  void commit();

  /// The process's interrupt flag (app/progress.hpp: set by Ctrl-C), read by every commit();
  /// nullptr: commits are never abandoned (the default).
  static void abandon_commits_when(const std::atomic<bool>* flag);

  /// One column of a table of records: its dataset name (under the group), units, description
  /// and how to read it from a record.
  template <class Row>
  struct Column {
    std::string_view name;
    std::string_view units;
    std::string_view description;
    std::function<double(const Row&)> get;
  };
  /// Writes each column of `rows` as a 1-D dataset `group/name` (one value per record, in order):
  /// the records-to-columns loop every result writer needs, once.
  template <class Row>
  void columns(std::string_view group, const std::vector<Row>& rows, std::initializer_list<Column<Row>> cols) {
    std::vector<double> v(rows.size());
    for (const auto& c : cols) {
      for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c.get(rows[i]);
      dataset(std::string(group) + "/" + std::string(c.name), v, c.units, c.description);
    }
  }

 private:
  void ensure_groups(std::string_view path);
  std::filesystem::path final_;
  std::filesystem::path tmp_;
  std::int64_t file_ = -1;
  bool committed_ = false;
};

}  // namespace phylane::io
