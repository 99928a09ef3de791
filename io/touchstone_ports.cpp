#include "io/touchstone_ports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace phylane::io {

namespace {

constexpr std::array<ThruPairs, 3> kPairs = {ThruPairs::p12_34, ThruPairs::p13_24, ThruPairs::p14_23};

// The two lines of each pairing as (from, to) 0-based ports.
constexpr std::array<std::array<std::array<int, 2>, 2>, 3> kLines = {{
    {{{0, 1}, {2, 3}}},  // 12-34: 1 -> 2, 3 -> 4
    {{{0, 2}, {1, 3}}},  // 13-24: 1 -> 3, 2 -> 4
    {{{0, 3}, {1, 2}}},  // 14-23: 1 -> 4, 2 -> 3
}};

std::size_t index(ThruPairs p) { return static_cast<std::size_t>(p); }

std::string line_text(const ThruPairing& t, ThruPairs p) {
  const auto& l = kLines[index(p)];
  return fmt::format("|S{}{}| {:.3f}, |S{}{}| {:.3f}", l[0][1] + 1, l[0][0] + 1, t.line[index(p)][0], l[1][1] + 1,
                     l[1][0] + 1, t.line[index(p)][1]);
}

}  // namespace

std::string_view to_string(ThruPairs p) {
  switch (p) {
    case ThruPairs::p12_34: return "12-34";
    case ThruPairs::p13_24: return "13-24";
    case ThruPairs::p14_23: return "14-23";
  }
  return "?";
}

std::optional<channels::PortOrder> port_order_of(ThruPairs p) {
  if (p == ThruPairs::p12_34) return channels::PortOrder::pairs_12_34;
  if (p == ThruPairs::p13_24) return channels::PortOrder::pairs_13_24;
  return std::nullopt;
}

ThruPairing detect_thru_pairing(const channels::Network& se4) {
  if (se4.ports() != 4)
    throw std::invalid_argument("detect_thru_pairing: the network has " + std::to_string(se4.ports()) +
                                " ports; the thru pairing is a question about 4-ports");
  ThruPairing out;
  const auto& f = se4.freq_hz();
  out.band_top_hz = std::max(f.front(), thru_band_top_hz);
  std::size_t n = 0;
  for (std::size_t k = 0; k < f.size() && f[k] <= out.band_top_hz; ++k) {
    ++n;
    for (std::size_t p = 0; p < kPairs.size(); ++p)
      for (std::size_t l = 0; l < 2; ++l) {
        const int a = kLines[p][l][0], b = kLines[p][l][1];
        // Both directions: a measured file is reciprocal to its noise; the mean damps that noise.
        out.line[p][l] += 0.5 * (std::abs(se4.s(k, b, a)) + std::abs(se4.s(k, a, b)));
      }
  }
  for (std::size_t p = 0; p < kPairs.size(); ++p) {
    for (double& v : out.line[p]) v /= static_cast<double>(n);
    out.score[p] = std::min(out.line[p][0], out.line[p][1]);
  }
  const auto best = static_cast<std::size_t>(std::max_element(out.score.begin(), out.score.end()) - out.score.begin());
  bool decides = out.score[best] >= thru_min_score;
  for (std::size_t p = 0; p < kPairs.size(); ++p)
    if (p != best && !(out.score[best] >= thru_min_ratio * out.score[p])) decides = false;
  if (decides) out.shown = kPairs[best];
  return out;
}

std::string ThruPairing::evidence(ThruPairs other) const {
  if (!shown) return {};
  return fmt::format("{} against {} (mean at or below {:g} GHz)", line_text(*this, *shown), line_text(*this, other),
                     band_top_hz / 1e9);
}

std::string port_order_conflict(const ThruPairing& p, channels::PortOrder order) {
  if (!p.shown) return {};
  const ThruPairs used = order == channels::PortOrder::pairs_12_34 ? ThruPairs::p12_34 : ThruPairs::p13_24;
  if (*p.shown == used) return {};
  const auto& l = kLines[index(*p.shown)];
  return fmt::format("the data show the thrus {} -> {} and {} -> {} ({}): {}", l[0][0] + 1, l[0][1] + 1, l[1][0] + 1,
                     l[1][1] + 1, to_string(*p.shown), p.evidence(used));
}

}  // namespace phylane::io
