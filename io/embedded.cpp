#include "io/embedded.hpp"

#include <algorithm>
#include <utility>

#include "io/diagnostics.hpp"

namespace phylane::io {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}

std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& [p, body] : detail::embedded_files())
    if (p == path) return body;
  return std::nullopt;
}

std::vector<std::string> embedded_paths(std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& [p, body] : detail::embedded_files())
    if (p.substr(0, prefix.size()) == prefix) out.emplace_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> embedded_toml_names(std::string_view folder) {
  const std::string prefix = std::string(folder) + "/";
  std::vector<std::string> out;
  for (const auto& p : embedded_paths(prefix)) {
    std::string n = p.substr(prefix.size());
    if (n.size() > 5 && n.substr(n.size() - 5) == ".toml") out.push_back(n.substr(0, n.size() - 5));
  }
  return out;
}

std::string_view embedded_toml(std::string_view folder, const std::string& name, std::string_view what,
                               std::string_view list_label, std::string_view as_written) {
  if (const auto text = embedded_file(std::string(folder) + "/" + name + ".toml")) return *text;
  const auto names = embedded_toml_names(folder);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string guess = closest_match(name, names);
  throw InputError("unknown " + std::string(what) + " \"" + std::string(as_written.empty() ? name : as_written) + "\"" +
                   (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") + " (" + std::string(list_label) + ": " +
                   list + ")");
}

}  // namespace phylane::io
