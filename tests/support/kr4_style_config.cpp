#include "tests/support/kr4_style_config.hpp"

#include <utility>

#include "tests/support/reference_data.hpp"
#include "tests/support/text_file.hpp"

namespace phylane::test {

std::string kr4_style_config(const std::filesystem::path& s4p) {
  std::string text = read_text_file(source_file("tests/reference/engine_equivalence/kr4_style.toml.in"));
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"@FILE@", s4p.string()}, {"@NAME@", s4p.stem().string()}})
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  return text;
}

}  // namespace phylane::test
