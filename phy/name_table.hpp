#pragma once
/// One table of names per enum: a row per value (`value`, `name` and whatever else belongs to the
/// value), read both by to_string and by the parser, so that the two cannot drift apart. One helper
/// for every layer's enums.
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace phylane::phy {

/// The plainest row: a value and its name.
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

/// The row of `value` in `rows`, or nullptr when no row has it.
template <class Row, std::size_t N>
constexpr const Row* row_of(const Row (&rows)[N], decltype(Row::value) value) {
  for (const Row& r : rows)
    if (r.value == value) return &r;
  return nullptr;
}

/// The name of `value` in `rows`, or `unknown` when no row has it.
template <class Row, std::size_t N>
constexpr std::string_view name_of(const Row (&rows)[N], decltype(Row::value) value,
                                   std::string_view unknown = "?") {
  const Row* r = row_of(rows, value);
  return r ? r->name : unknown;
}

/// The value whose name equals `text` under `equal` (exact by default), or nullopt.
template <class Row, std::size_t N, class Equal = std::equal_to<>>
std::optional<decltype(Row::value)> value_named(const Row (&rows)[N], std::string_view text, Equal equal = {}) {
  for (const Row& r : rows)
    if (equal(text, r.name)) return r.value;
  return std::nullopt;
}

}  // namespace phylane::phy
