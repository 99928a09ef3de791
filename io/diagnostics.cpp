#include "io/diagnostics.hpp"

#include <algorithm>
#include <numeric>

namespace phylane::io {

namespace {
std::string join_lines(const std::vector<Diagnostic>& d) {
  std::string out;
  for (const auto& x : d) {
    if (!out.empty()) out += '\n';
    out += x.to_string();
  }
  return out;
}
}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) {
    out += key;
    if (!value.empty()) out += " = " + value;
    out += ": ";
  }
  out += message;
  return out;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

InputError::InputError(const std::string& message) : std::runtime_error(message) {
  Diagnostic d;
  d.message = message;
  diagnostics_.push_back(d);
}

// Optimal string alignment distance: Levenshtein's insertions, deletions and substitutions plus
// the transposition of two adjacent characters as one edit, the commonest typing slip ("lenght")
// (F. J. Damerau, "A technique for computer detection and correction of spelling errors",
// Comm. ACM 7(3), 1964).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  const std::string w = lower(word);
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(w, lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Accept up to a third of the word's length in edits (at least 2).
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best_d <= limit) return best;
  // Otherwise a candidate that starts with the word ("quantum" -> "quantum_efficiency").
  if (w.size() >= 3)
    for (const auto& c : candidates)
      if (lower(c).rfind(w, 0) == 0) return c;
  return std::string();
}

}  // namespace phylane::io
