#include "workflows/impedance.hpp"

#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "phy/constants.hpp"
#include "phy/transmission_line.hpp"
#include "phy/units.hpp"

namespace phylane::workflows {

std::vector<const channels::TraceSegment*> trace_segments(const channels::Link& link) {
  std::vector<const channels::TraceSegment*> out;
  if (const auto* c = link.copper()) {
    for (const auto& s : c->segments()) out.push_back(&s);
  } else if (const auto* composed = link.composed()) {
    for (const auto& b : composed->blocks())
      if (b.trace) out.push_back(&*b.trace);
  }
  return out;
}

namespace {

const char* mode_symbol(phy::LineMode m) {
  return m == phy::LineMode::differential ? "Zdiff" : m == phy::LineMode::common ? "Zcm" : "Z0";
}

// Brent's method on [a, b] with f(a), f(b) of opposite signs (Brent 1973, ch. 4: inverse quadratic
// interpolation, secant, bisection when they do not shrink the bracket fast enough).
double brent(const std::function<double(double)>& f, double a, double b, double fa, double fb, double ftol, double xtol,
             int& evaluations) {
  double c = a, fc = fa, d = b - a, e = d;
  for (int it = 0; it < 100; ++it) {
    if ((fb > 0.0) == (fc > 0.0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::abs(fc) < std::abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol = 2.0 * std::numeric_limits<double>::epsilon() * std::abs(b) + 0.5 * xtol;
    const double m = 0.5 * (c - b);
    if (std::abs(fb) < ftol || std::abs(m) <= tol) return b;
    if (std::abs(e) >= tol && std::abs(fa) > std::abs(fb)) {
      double p, q;
      const double s = fb / fa;
      if (a == c) {
        p = 2.0 * m * s;
        q = 1.0 - s;
      } else {
        const double qq = fa / fc, r = fb / fc;
        p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
        q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0.0) q = -q;
      else p = -p;
      if (2.0 * p < std::min(3.0 * m * q - std::abs(tol * q), std::abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += std::abs(d) > tol ? d : (m > 0.0 ? tol : -tol);
    fb = f(b);
    ++evaluations;
  }
  return b;
}

}  // namespace

ImpedanceAnswer solve_impedance(const channels::Link& link, const ImpedanceRequest& r) {
  const auto traces = trace_segments(link);
  if (traces.empty()) throw std::invalid_argument(link.source + ": has no trace segment whose impedance could be solved");
  if (r.segment >= traces.size())
    throw std::invalid_argument(fmt::format("--segment {}: {} has {} trace segment{} (1 ... {})", r.segment + 1, link.source,
                                            traces.size(), traces.size() == 1 ? "" : "s", traces.size()));
  if (!(r.target_ohm > 0.0) || !std::isfinite(r.target_ohm))
    throw std::invalid_argument(fmt::format("--target {:g} ohm: must be an impedance > 0", r.target_ohm));
  if (r.freqs_hz.empty()) throw std::invalid_argument("impedance: at least one frequency is needed");
  const channels::TraceSegment& seg = *traces[r.segment];
  const phy::TransmissionLine& line = seg.line;
  const phy::LineGeometry& g0 = line.geometry();
  if (r.solve == phy::CrossSectionDimension::spacing && g0.mode() == phy::LineMode::single_ended)
    throw std::invalid_argument(fmt::format("--solve spacing: segment {} ({}) is a single {}; spacing applies to coupled "
                                            "geometries (solve width or height)", r.segment + 1, seg.name, g0.kind()));
  const double f_z = *std::max_element(r.freqs_hz.begin(), r.freqs_hz.end());
  const double dk = line.dielectric().dk(0.0);

  ImpedanceAnswer a;
  a.segment_name = seg.name;
  a.geometry = std::string(g0.kind());
  a.mode = g0.mode();
  a.solved = r.solve;
  a.target_ohm = r.target_ohm;
  a.impedance_freq_hz = f_z;
  a.original_m = phy::dimension_m(g0, r.solve);
  // Re Z0 of the lossy line (with the copper's internal inductance), as `phylane loss` reports it.
  auto re_z0 = [f_z](const phy::TransmissionLine& l) { return l.at(f_z, false).z0.real(); };
  a.original_impedance_ohm = re_z0(line);

  // The line with the dimension at x, when the segment's model is valid there.
  auto build_line = [&](double x) -> std::optional<phy::TransmissionLine> {
    try {
      auto g = phy::with_dimension(g0, r.solve, x);
      if (!g->violations(dk).empty()) return std::nullopt;
      return phy::TransmissionLine(g, line.dielectric(), line.conductor());
    } catch (const std::invalid_argument&) {
      return std::nullopt;
    }
  };
  std::size_t built = 0;
  auto line_at = [&](double x) {
    r.hooks.throw_if_stopped();
    auto l = build_line(x);
    if (r.hooks.progress) r.hooks.progress(++built, 0);
    return l;
  };
  // Scan: 33 values from x0/10 to 10 x0, logarithmically spaced.
  constexpr int n = 33;
  std::vector<double> xs, zs;
  for (int i = 0; i < n; ++i) {
    const double x = a.original_m * std::pow(10.0, -1.0 + 2.0 * i / (n - 1));
    const auto l = line_at(x);
    ++a.evaluations;
    if (!l) continue;
    xs.push_back(x);
    zs.push_back(re_z0(*l));
  }
  if (xs.empty())
    throw std::invalid_argument(fmt::format("--solve {}: no value from {:.4g} to {:.4g} m is inside the {} model's range",
                                            phy::to_string(r.solve), 0.1 * a.original_m, 10.0 * a.original_m, g0.kind()));
  a.searched_min_m = xs.front();
  a.searched_max_m = xs.back();
  std::optional<std::size_t> bracket;
  for (std::size_t i = 0; i + 1 < xs.size(); ++i)
    if ((zs[i] - r.target_ohm) * (zs[i + 1] - r.target_ohm) <= 0.0) {
      bracket = i;
      break;
    }
  if (!bracket) {
    const auto [lo, hi] = std::minmax_element(zs.begin(), zs.end());
    throw std::invalid_argument(fmt::format(
        "--target {:g} ohm cannot be reached by solving {} of segment {} ({}): over {:.4g} ... {:.4g} m (the {} model's "
        "valid range within 1/10 ... 10x the config's {:.4g} m) its {} spans {:.2f} ... {:.2f} ohm "
        "({:.2f} ohm at {:.4g} m, {:.2f} ohm at {:.4g} m); solve another dimension or change the stack-up",
        r.target_ohm, phy::to_string(r.solve), r.segment + 1, seg.name, xs.front(), xs.back(), g0.kind(), a.original_m,
        mode_symbol(a.mode), *lo, *hi, *lo, xs[static_cast<std::size_t>(lo - zs.begin())], *hi,
        xs[static_cast<std::size_t>(hi - zs.begin())]));
  }
  const std::size_t i = *bracket;
  auto f = [&](double x) {
    const auto l = line_at(x);
    // Inside a bracket of valid points the model is valid (its limits are intervals of each ratio).
    if (!l) throw std::runtime_error("impedance: the model became invalid inside a valid bracket");
    return re_z0(*l) - r.target_ohm;
  };
  a.solved_m = brent(f, xs[i], xs[i + 1], zs[i] - r.target_ohm, zs[i + 1] - r.target_ohm, 1e-4, 1e-9 * a.original_m,
                     a.evaluations);
  const auto solved = line_at(a.solved_m);
  a.impedance_ohm = re_z0(*solved);
  a.delay_s_per_m = solved->at(f_z, false).gamma.imag() / (2.0 * phy::pi * f_z);  // phase delay beta / omega
  a.freqs_hz = r.freqs_hz;
  for (double fq : r.freqs_hz) a.loss_db_per_m.push_back(phy::units::nepers_to_db(solved->at(fq, false).gamma.real()));
  return a;
}

}  // namespace phylane::workflows
