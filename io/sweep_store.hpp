#pragma once
/// The HDF5 file of a sweep, written as cases complete (layout in docs/sweep.md):
///   /outputs/LABEL   one dataset per scalar output, shaped by the axes (grid) or by case (zip,
///                    Latin hypercube), NaN until computed; attributes units, description, label
///   /curves/LABEL    the same with a last dimension over /curves/freq_hz
///   /axes/KEY        the axis values (numbers in the axis's units, or strings); attribute index
///   /status          int8 per case: 0 missing, 1 done, 2 failed
///   /failures/case, /failures/reason   the failed cases and why (sorted by case when complete)
///   root attributes: phylane_version, the sweep file text and the base config text (so that
///   `--resume` needs nothing else), mode, cases, complete.
///
/// Durability: every dataset is allocated (and filled) when the file is created, so writing a
/// result changes raw data only, never the file's structure; each batch is flushed outputs
/// first, status last. A process killed at any moment therefore leaves a readable file in
/// which every case marked done has its values on disk; resume re-runs the cases still missing.
/// No compression: a compressed chunk changes size when rewritten, which is a structural change.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "io/sweep.hpp"

namespace phylane::io {

/// What a sweep file stores about its own sweep (for --resume).
struct StoredSweep {
  std::string sweep_text;
  std::string sweep_source;
  std::string sweep_dir;
  std::string base_text;
  std::string phylane_version;
  bool complete = false;  ///< no case missing
};

/// Reads the stored sweep of a results file. Throws InputError when the file is not a phylane
/// sweep file.
StoredSweep read_stored_sweep(const std::filesystem::path& file);

class SweepStore {
 public:
  /// Creates the file for `sweep` with every case missing (as PATH.tmp, renamed into place once
  /// it is complete and flushed). Throws std::runtime_error.
  static std::unique_ptr<SweepStore> create(const std::filesystem::path& file, const Sweep& sweep);
  /// Opens an existing file of the same sweep to finish it. Throws InputError when its layout
  /// does not match `sweep`.
  static std::unique_ptr<SweepStore> open(const std::filesystem::path& file, const Sweep& sweep);
  ~SweepStore();
  SweepStore(const SweepStore&) = delete;
  SweepStore& operator=(const SweepStore&) = delete;

  /// Cases neither done nor failed, ascending.
  std::vector<std::uint64_t> missing_cases() const;
  std::size_t done_count() const { return done_; }
  std::size_t failed_count() const { return failed_; }

  /// Writes a batch of results (any order) and makes it durable (outputs, failures, then status).
  void write(std::span<const CaseResult> results);
  /// Sorts the failure list by case, sets `complete` when no case is missing, closes the file.
  void close();

 private:
  struct Impl;
  explicit SweepStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::size_t done_ = 0, failed_ = 0;
};

/// The HDF5 dataset name for an output label ("/" is a path separator in HDF5).
std::string sweep_dataset_name(const std::string& label);

}  // namespace phylane::io
