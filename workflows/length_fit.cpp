#include "workflows/length_fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "channels/resample.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::workflows {

namespace {

// The thru term of one length: S21, or SDD21 of a pair in its port order.
std::vector<channels::cplx> thru(const MeasuredLength& m) {
  return m.network.ports() == 4 ? channels::sdd21(m.network, m.order) : m.network.trace(1, 0);
}

}  // namespace

LengthFit fit_lengths(const std::vector<MeasuredLength>& in) {
  if (in.size() < 2) throw std::invalid_argument(fmt::format("fit: {} length given; at least two are needed", in.size()));
  const auto& first = in.front().network;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& m = in[i];
    if (!(m.length_m > 0.0) || !std::isfinite(m.length_m))
      throw std::invalid_argument(fmt::format("--lengths: {} m for {} must be a positive length", m.length_m, m.name));
    if (i > 0 && !(m.length_m > in[i - 1].length_m))
      throw std::invalid_argument(fmt::format("--lengths: {:g} m ({}) after {:g} m ({}): lengths must increase with the files",
                                              m.length_m, m.name, in[i - 1].length_m, in[i - 1].name));
    if (m.network.ports() != 2 && m.network.ports() != 4)
      throw std::invalid_argument(fmt::format("{}: {} ports; fit takes 2-ports (S21) or 4-ports (SDD21)", m.name, m.network.ports()));
    if (m.network.ports() != first.ports())
      throw std::invalid_argument(fmt::format("{}: {} ports, but {} has {}: all lengths must be measured alike", m.name,
                                              m.network.ports(), in.front().name, first.ports()));
    bool same = m.network.size() == first.size();
    for (std::size_t k = 0; same && k < first.size(); ++k)
      same = std::abs(m.network.freq_hz()[k] - first.freq_hz()[k]) <= 1e-9 * first.freq_hz()[k];
    if (!same)
      throw std::invalid_argument(fmt::format("{}: its frequency grid ({} points, {:g} ... {:g} GHz) differs from {}'s ({} points, "
                                              "{:g} ... {:g} GHz); measure every length on the same grid",
                                              m.name, m.network.size(), m.network.freq_hz().front() / 1e9,
                                              m.network.freq_hz().back() / 1e9, in.front().name, first.size(),
                                              first.freq_hz().front() / 1e9, first.freq_hz().back() / 1e9));
  }
  LengthFit out;
  out.quantity = first.ports() == 4 ? "SDD21" : "S21";
  out.freq_hz = first.freq_hz();
  const std::size_t n = in.size(), nf = first.size();
  std::vector<std::vector<double>> il(n);
  double mean_l = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = thru(in[i]);
    il[i].resize(nf);
    for (std::size_t k = 0; k < nf; ++k) il[i][k] = -phy::units::amplitude_ratio_to_db(std::max(std::abs(t[k]), 1e-300));
    channels::Network one(first.freq_hz(), 2, {50.0});
    for (std::size_t k = 0; k < nf; ++k) one.s(k, 1, 0) = t[k];
    out.delay_s.push_back(channels::term_delay_s(one, 1, 0));
    mean_l += in[i].length_m / static_cast<double>(n);
  }
  double sxx = 0.0;
  for (const auto& m : in) sxx += (m.length_m - mean_l) * (m.length_m - mean_l);
  // Least-squares line y = c + a L (for two points it passes through both: the 2L-1L difference).
  auto line = [&](const std::vector<double>& y, double& slope, double& intercept, double& stderr_slope) {
    double mean_y = 0.0;
    for (double v : y) mean_y += v / static_cast<double>(n);
    double sxy = 0.0;
    for (std::size_t i = 0; i < n; ++i) sxy += (in[i].length_m - mean_l) * (y[i] - mean_y);
    slope = sxy / sxx;
    intercept = mean_y - slope * mean_l;
    if (n < 3) {
      stderr_slope = 0.0;
      return;
    }
    double rss = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double r = y[i] - intercept - slope * in[i].length_m;
      rss += r * r;
    }
    stderr_slope = std::sqrt(rss / static_cast<double>(n - 2) / sxx);
  };
  out.loss_db_per_m.resize(nf);
  out.uncertainty_db_per_m.resize(nf);
  out.launch_db.resize(nf);
  std::vector<double> y(n);
  for (std::size_t k = 0; k < nf; ++k) {
    for (std::size_t i = 0; i < n; ++i) y[i] = il[i][k];
    line(y, out.loss_db_per_m[k], out.launch_db[k], out.uncertainty_db_per_m[k]);
  }
  double intercept = 0.0, unused = 0.0;
  line(out.delay_s, out.delay_s_per_m, intercept, unused);
  out.eps_eff = std::pow(phy::c0 * out.delay_s_per_m, 2);
  if (!(out.eps_eff >= 1.0))
    throw std::invalid_argument(fmt::format(
        "{} and {}: the thru delay grows by {:.4g} s/m with length, slower than light in vacuum (eps_eff {:.3g} < 1): "
        "the pair is not the same structure at two lengths, or the lengths or port orders are wrong",
        in.front().name, in.back().name, out.delay_s_per_m, out.eps_eff));
  // A per-length loss below -0.01 dB/in (a longer line losing less) at more than 5 % of the band above 1 GHz.
  const double floor_db_per_m = -0.01 / phy::units::inch;
  std::size_t above = 0, negative = 0;
  for (std::size_t k = 0; k < nf; ++k)
    if (out.freq_hz[k] >= 1e9) {
      ++above;
      if (out.loss_db_per_m[k] < floor_db_per_m) ++negative;
    }
  if (above > 0 && negative > above / 20)
    throw std::invalid_argument(fmt::format(
        "{} and {}: the longer length loses less than the shorter at {} of {} frequencies above 1 GHz (by more than "
        "0.01 dB/in): not a physical length pair (files swapped, or different structures)",
        in.front().name, in.back().name, negative, above));
  return out;
}

}  // namespace phylane::workflows
