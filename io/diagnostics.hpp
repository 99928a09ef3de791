#pragma once
/// Input errors reported compiler style: "link.toml:14:10: channel.segments[1].length = "-3 in":
/// must be a positive length". All problems in a file are collected and reported together.
#include <stdexcept>
#include <string>
#include <vector>

namespace phylane::io {

struct Diagnostic {
  std::string file;     ///< file name as given, or "<preset NAME>" for embedded presets
  int line = 0;         ///< 1-based; 0 when unknown (the key is missing)
  int column = 0;       ///< 1-based; 0 when unknown
  std::string key;      ///< full key path, e.g. channel.segments[1].length
  std::string value;    ///< the offending value as written (empty when missing)
  std::string message;  ///< what is wrong and what is allowed
  bool unknown_key = false;  ///< the key itself is not allowed where it stands (not its value)

  /// "file:line:col: key = value: message" (position and value omitted when unknown).
  std::string to_string() const;
};

/// Bad user input: a config, a command-line value, a data file. The app exits with code 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(const std::string& message);  ///< a single message without position
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Levenshtein edit distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
/// The closest candidate within a small edit distance (or sharing a prefix), or "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace phylane::io
