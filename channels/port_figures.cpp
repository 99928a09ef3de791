#include "channels/port_figures.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "channels/resample.hpp"
#include "phy/units.hpp"

namespace phylane::channels {

namespace {
// Floored at 1e-300 (-6000 dB) as the insertion loss is: a symmetric modelled pair converts nothing.
double db(cplx s) { return phy::units::amplitude_ratio_to_db(std::max(std::abs(s), 1e-300)); }
}  // namespace

std::vector<PortFigures> port_figures(const Network& net) {
  if (net.ports() != 2 && net.ports() != 4)
    throw std::invalid_argument("port figures: " + std::to_string(net.ports()) +
                                " ports; a 2-port or a mixed-mode 4-port is needed");
  const bool mm = net.ports() == 4;
  std::vector<PortFigures> out(net.size());
  for (std::size_t k = 0; k < net.size(); ++k) {
    PortFigures& p = out[k];
    p.freq_hz = net.freq_hz()[k];
    p.mixed_mode = mm;
    p.s11_db = db(net.s(k, 0, 0));
    p.s22_db = db(net.s(k, 1, 1));
    if (mm) {
      // [D1, D2, C1, C2]: SCD21 = C2 <- D1, SDC21 = D2 <- C1.
      p.scd21_db = db(net.s(k, 3, 0));
      p.sdc21_db = db(net.s(k, 1, 2));
    }
  }
  return out;
}

std::vector<PortFigures> port_figures(std::span<const double> freq_hz, std::span<const cplx> s11,
                                      std::span<const cplx> s22) {
  if (s11.size() != freq_hz.size() || s22.size() != freq_hz.size())
    throw std::invalid_argument("port figures: S11 and S22 need one value per frequency");
  std::vector<PortFigures> out(freq_hz.size());
  for (std::size_t k = 0; k < freq_hz.size(); ++k) {
    out[k].freq_hz = freq_hz[k];
    out[k].s11_db = db(s11[k]);
    out[k].s22_db = db(s22[k]);
  }
  return out;
}

std::vector<PortFigures> port_figures_at(const Network& net, std::span<const double> freq_hz) {
  std::vector<PortFigures> out(freq_hz.size());
  if (net.size() == 0) return out;
  const double lo = net.freq_hz().front(), hi = net.freq_hz().back();
  std::vector<double> inside;
  for (double f : freq_hz)
    if (f >= lo && f <= hi) inside.push_back(f);
  std::sort(inside.begin(), inside.end());
  inside.erase(std::unique(inside.begin(), inside.end()), inside.end());
  std::vector<PortFigures> got;
  if (!inside.empty()) got = port_figures(resample(net, inside));
  for (std::size_t i = 0; i < freq_hz.size(); ++i) {
    const auto it = std::lower_bound(inside.begin(), inside.end(), freq_hz[i]);
    if (it != inside.end() && *it == freq_hz[i]) {
      out[i] = got[static_cast<std::size_t>(it - inside.begin())];
    } else {
      out[i].freq_hz = freq_hz[i];
      out[i].mixed_mode = net.ports() == 4;
    }
  }
  return out;
}

}  // namespace phylane::channels
