#include "workflows/length_fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>
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

// The 2-port whose cascading matrix is used: S, or SDD (the differential block of the mixed-mode
// 4-port [D1, D2, C1, C2]) of a pair.
std::vector<Eigen::Matrix2cd> two_port(const MeasuredLength& m) {
  const channels::Network n = m.network.ports() == 4 ? channels::to_mixed_mode(m.network, m.order) : m.network;
  std::vector<Eigen::Matrix2cd> out(n.size());
  for (std::size_t k = 0; k < n.size(); ++k) out[k] = n.s(k).topLeftCorner<2, 2>();
  return out;
}

// Wave cascading matrix of TRL, (b1, a1) = T (a2, b2): from b1 = S11 a1 + S12 a2 and
// b2 = S21 a1 + S22 a2, a1 = (b2 - S22 a2) / S21, so T = (1/S21) [[S12 S21 - S11 S22, S11], [-S22, 1]].
// Port 2's (a2, b2) is the next block's (b1, a1), so a cascade is the product of the T's, and a
// matched line of gamma L is diag(exp(-gamma L), exp(gamma L)).
Eigen::Matrix2cd cascading(const Eigen::Matrix2cd& s) {
  Eigen::Matrix2cd t;
  t << s(0, 1) * s(1, 0) - s(0, 0) * s(1, 1), s(0, 0), -s(1, 1), 1.0;
  return t / s(1, 0);
}

// The line between two lengths from the eigenvalues l = exp(-gamma dL), exp(gamma dL) of
// T_long T_short^-1: alpha dL [Np] = ln(|l_big| / |l_small|) / 2, and the conditioning
// |sinh(gamma dL)| = |l_big - l_small| / (2 sqrt|l_big l_small|). Marks 1991 (sec. III) shows the
// estimate's variance grows as 1 / |sinh(gamma dL)|^2: where dL is near a multiple of half a
// wavelength and the line has little loss, the two eigenvalues nearly coincide and any difference
// between the launches of the two lengths is amplified.
struct LineLine {
  double alpha_np = 0.0;
  double conditioning = 0.0;
};
LineLine line_line(const Eigen::Matrix2cd& s_short, const Eigen::Matrix2cd& s_long) {
  const Eigen::Matrix2cd m = cascading(s_long) * cascading(s_short).inverse();
  const channels::cplx tr = m.trace(), root = std::sqrt(tr * tr - 4.0 * m.determinant());
  const channels::cplx l1 = (tr + root) / 2.0, l2 = (tr - root) / 2.0;
  return {0.5 * std::abs(std::log(std::abs(l1) / std::abs(l2))), std::abs(l1 - l2) / (2.0 * std::sqrt(std::abs(l1 * l2)))};
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
  // The line's own attenuation from the cascading matrices (line-line), each length against the
  // shortest. Three or more: weighted least squares through the origin of alpha dL_i over dL_i,
  // weights |sinh(gamma dL_i)|^2 (the inverse variance of each pair's estimate, Marks 1991).
  {
    std::vector<std::vector<Eigen::Matrix2cd>> s2(n);
    for (std::size_t i = 0; i < n; ++i) s2[i] = two_port(in[i]);
    out.line_loss_db_per_m.resize(nf);
    out.line_uncertainty_db_per_m.assign(nf, 0.0);
    out.line_conditioning.resize(nf);
    std::vector<LineLine> g(n);
    for (std::size_t k = 0; k < nf; ++k) {
      double sdg = 0.0, sdd = 0.0, best = 0.0;
      for (std::size_t i = 1; i < n; ++i) {
        g[i] = line_line(s2[0][k], s2[i][k]);
        const double dl = in[i].length_m - in[0].length_m, w = g[i].conditioning * g[i].conditioning;
        sdg += w * dl * g[i].alpha_np;
        sdd += w * dl * dl;
        best = std::max(best, g[i].conditioning);
      }
      out.line_conditioning[k] = best;
      if (!(sdd > 0.0)) {  // every eigenvalue pair coincides (a lossless line at exactly n half-waves):
                           // no line-line information; conditioning 0 keeps it out of any fit
        out.line_loss_db_per_m[k] = out.loss_db_per_m[k];
        continue;
      }
      const double a = sdg / sdd;
      out.line_loss_db_per_m[k] = phy::units::nepers_to_db(a);
      if (n >= 3) {
        double rss = 0.0;
        for (std::size_t i = 1; i < n; ++i) {
          const double dl = in[i].length_m - in[0].length_m;
          rss += g[i].conditioning * g[i].conditioning * std::pow(g[i].alpha_np - a * dl, 2);
        }
        out.line_uncertainty_db_per_m[k] = phy::units::nepers_to_db(std::sqrt(rss / static_cast<double>(n - 2) / sdd));
      }
    }
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
