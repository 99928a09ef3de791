#include "solvers/max_rate.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "solvers/parallel.hpp"

namespace phylane::solvers {

namespace {

// Scan x from the top of [lo_x, hi_x] down (log-spaced) and keep the highest point that meets;
// then shrink the bracket between it and its failing upper neighbour to `resolution`. Larger x
// is harder (rate, length). Each refinement step puts a point where the slack (dB above the
// requirement) interpolates to zero in log x and a second one just across it; where the slack is
// locally linear the bracket closes after that pair, and a step that shrinks the bracket less
// than bisection would is followed by a plain bisection. Every evaluated point lands in `curve`;
// the eye of the answer in `at_best`.
// Direction of the coarse scan. Rates scan down from the top (high rates are cheap to evaluate and
// the first meeting point is the answer's bracket). Lengths scan up from the shortest (very long
// channels are the expensive ones) and stop once the margin is `stop_below_db` under the
// requirement past the last meeting point: the channel only gets longer from there.
enum class Scan { down, up };

template <class Point, class Eval>
void scan_then_refine(double lo_x, double hi_x, int points, double resolution, bool full_curve, Scan dir,
                      const Eval& eval, std::vector<Point>& curve, double& best_x, EyeAnalysis& at_best, bool& found,
                      bool& capped) {
  constexpr double stop_below_db = 6.0;
  std::vector<double> xs(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i)
    xs[static_cast<std::size_t>(i)] = lo_x * std::pow(hi_x / lo_x, static_cast<double>(i) / (points - 1));
  std::vector<double> slacks(static_cast<std::size_t>(points), 0.0);
  int best = -1;
  double good_slack = 0.0, bad_slack = 0.0;
  if (dir == Scan::down) {
    for (int i = points - 1; i >= 0; --i) {
      EyeAnalysis a;
      const Point p = eval(xs[static_cast<std::size_t>(i)], a, slacks[static_cast<std::size_t>(i)]);
      curve.push_back(p);
      if (p.meets && best < 0) {
        best = i;
        at_best = std::move(a);
        if (!full_curve) break;
      }
    }
  } else {
    for (int i = 0; i < points; ++i) {
      EyeAnalysis a;
      const Point p = eval(xs[static_cast<std::size_t>(i)], a, slacks[static_cast<std::size_t>(i)]);
      curve.push_back(p);
      if (p.meets) {
        best = i;
        at_best = std::move(a);
      } else if (!full_curve && slacks[static_cast<std::size_t>(i)] < -stop_below_db) {
        // Longer is worse: past a point this far below the target (met before or not) nothing
        // meets it, and the engine need not be taken to lengths it cannot compute.
        break;
      }
    }
  }
  if (best >= 0) {
    good_slack = slacks[static_cast<std::size_t>(best)];
    if (best + 1 < points) bad_slack = slacks[static_cast<std::size_t>(best + 1)];
  }
  found = best >= 0;
  if (!found) return;
  best_x = xs[static_cast<std::size_t>(best)];
  if (best == points - 1) {
    capped = true;
    return;
  }
  double bad = xs[static_cast<std::size_t>(best + 1)];
  auto probe = [&](double x) {
    EyeAnalysis a;
    double slack = 0.0;
    const Point p = eval(x, a, slack);
    curve.push_back(p);
    if (p.meets) {
      best_x = x;
      good_slack = slack;
      at_best = std::move(a);
    } else {
      bad = x;
      bad_slack = slack;
    }
    return p.meets;
  };
  const double step = std::log1p(0.9 * resolution);
  while (bad / best_x - 1.0 > resolution) {
    const double width = std::log(bad / best_x);
    double t = good_slack - bad_slack > 0.0 ? good_slack / (good_slack - bad_slack) : 0.5;
    t = std::clamp(t, 0.02, 0.98);
    const double x = best_x * std::exp(t * width);
    const bool ok = probe(x);
    if (bad / best_x - 1.0 <= resolution) break;
    // Across the estimated crossing by just under the resolution.
    if (ok) probe(std::min(x * std::exp(step), std::sqrt(x * bad)));
    else probe(std::max(x * std::exp(-step), std::sqrt(best_x * x)));
    if (bad / best_x - 1.0 > resolution && std::log(bad / best_x) > 0.5 * width) probe(std::sqrt(best_x * bad));
  }
}

// The stop check before an eye and the progress call after it.
template <class F>
auto hooked(const SearchHooks& hooks, F&& f) {
  if (hooks.stop && hooks.stop->load()) throw SearchInterrupted();
  auto r = f();
  if (hooks.on_point) hooks.on_point();
  return r;
}

bool meets_mask(const EyeAnalysis& a, double margin_db, double height_v, double width_ui) {
  return a.eye.status == EyeStatus::open && a.eye.margin_db >= margin_db && a.eye.height_v >= height_v &&
         a.eye.width_ui >= width_ui;
}

// How far above the requirement a point is [dB]: the smallest of the margin's excess and the eye
// height and width over the mask (as 20 log10 ratios). Only steers the refinement.
double slack_db(const EyeAnalysis& a, double margin_db, double height_v, double width_ui) {
  double s = a.eye.margin_db - margin_db;
  if (height_v > 0.0) s = std::min(s, 20.0 * std::log10(std::max(a.eye.height_v, 1e-9 * height_v) / height_v));
  if (width_ui > 0.0) s = std::min(s, 20.0 * std::log10(std::max(a.eye.width_ui, 1e-9 * width_ui) / width_ui));
  return s;
}

}  // namespace

MaxRateResult find_max_rate(const EyeAtRate& eye_at, const MaxRateOptions& opt) {
  if (!(opt.min_rate_bps > 0.0 && opt.max_rate_bps > opt.min_rate_bps))
    throw std::invalid_argument("max rate: need 0 < min_rate < max_rate");
  if (opt.coarse_points < 2) throw std::invalid_argument("max rate: coarse_points must be >= 2");
  if (!(opt.resolution > 0.0)) throw std::invalid_argument("max rate: resolution must be > 0");
  if (opt.levels.empty()) throw std::invalid_argument("max rate: no modulation to search");
  for (int levels : opt.levels)
    if (levels < 2) throw std::invalid_argument("max rate: levels must be >= 2");

  auto search = [&](int levels) {
    ModulationMaxRate m;
    m.levels = levels;
    const double bits = std::log2(static_cast<double>(levels));
    const double min_eh = opt.min_eye_height_for(levels);
    const double min_ew = opt.min_eye_width_for(levels);
    auto eval = [&](double rate, EyeAnalysis& a, double& slack) {
      RatePoint p;
      p.rate_bps = rate;
      p.symbol_rate_baud = rate / bits;
      a = hooked(opt.hooks, [&] { return eye_at(p.symbol_rate_baud, levels); });
      p.margin_db = a.eye.margin_db;
      p.eye_height_v = a.eye.height_v;
      p.eye_width_ui = a.eye.width_ui;
      p.meets = meets_mask(a, opt.required_margin_db, min_eh, min_ew);
      slack = slack_db(a, opt.required_margin_db, min_eh, min_ew);
      p.limiting = to_string(a.eye.closure.limiting);
      return p;
    };
    scan_then_refine<RatePoint>(opt.min_rate_bps, opt.max_rate_bps, opt.coarse_points, opt.resolution,
                                opt.full_curve, Scan::down, eval, m.curve, m.max_rate_bps, m.at_max, m.found, m.capped);
    std::sort(m.curve.begin(), m.curve.end(),
              [](const RatePoint& a, const RatePoint& b) { return a.rate_bps < b.rate_bps; });
    return m;
  };

  // Modulations are independent searches: run them concurrently (each eye evaluation owns its
  // FFT engine; FFTW planning is serialised inside it).
  MaxRateResult r;
  r.per_modulation.resize(opt.levels.size());
  ParallelOptions po;
  po.workers = opt.threads > 1 ? opt.threads : 1;
  po.stop = opt.hooks.stop;
  const ParallelSummary ran = parallel_for(
      opt.levels.size(), [&](std::size_t i, int) { r.per_modulation[i] = search(opt.levels[i]); }, po);
  if (ran.stopped) throw SearchInterrupted();
  for (const auto& m : r.per_modulation) {
    if (m.found && (!r.found || m.max_rate_bps > r.max_rate_bps)) {
      r.found = true;
      r.max_rate_bps = m.max_rate_bps;
      r.best_levels = m.levels;
    }
  }
  if (!r.found)
    r.reason = "no scanned rate down to the range's minimum meets the target BER with the required margin";
  return r;
}

ReachResult find_max_reach(const EyeAtLength& eye_at, const ReachOptions& opt) {
  if (!(opt.min_length_m > 0.0 && opt.max_length_m > opt.min_length_m))
    throw std::invalid_argument("reach: need 0 < min_length < max_length");
  if (opt.coarse_points < 2) throw std::invalid_argument("reach: coarse_points must be >= 2");
  if (!(opt.resolution > 0.0)) throw std::invalid_argument("reach: resolution must be > 0");
  ReachResult r;
  auto eval = [&](double len, EyeAnalysis& a, double& slack) {
    ReachPoint p;
    p.length_m = len;
    a = hooked(opt.hooks, [&] { return eye_at(len); });
    p.margin_db = a.eye.margin_db;
    p.eye_height_v = a.eye.height_v;
    p.eye_width_ui = a.eye.width_ui;
    p.meets = meets_mask(a, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
    slack = slack_db(a, opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui);
    return p;
  };
  scan_then_refine<ReachPoint>(opt.min_length_m, opt.max_length_m, opt.coarse_points, opt.resolution,
                               opt.full_curve, Scan::up, eval, r.curve, r.max_length_m, r.at_max, r.found, r.capped);
  std::sort(r.curve.begin(), r.curve.end(), [](const ReachPoint& a, const ReachPoint& b) { return a.length_m < b.length_m; });
  if (!r.found) r.reason = "even the shortest length in the range does not meet the target";
  return r;
}

TransferFunction without_bulk_delay(const TransferFunction& h, double fmax_hz, double* removed_delay_s) {
  if (!(fmax_hz > 0.0)) throw std::invalid_argument("bulk delay: need fmax > 0");
  // Median group delay -d(arg H)/(2 pi df) at 32 frequencies over 1 % ... 25 % of fmax, each from a
  // 1e-6 fmax finite difference (no phase unwrapping, so any delay is found).
  constexpr int m = 32;
  const double delta = 1e-6 * fmax_hz;
  std::vector<double> f(2 * m);
  for (int i = 0; i < m; ++i) {
    f[static_cast<std::size_t>(2 * i)] = fmax_hz * (0.01 + 0.24 * i / (m - 1));
    f[static_cast<std::size_t>(2 * i + 1)] = f[static_cast<std::size_t>(2 * i)] + delta;
  }
  std::vector<std::complex<double>> g(f.size());
  h(f, g);
  std::vector<double> taus;
  for (int i = 0; i < m; ++i) {
    const auto a = g[static_cast<std::size_t>(2 * i)], b = g[static_cast<std::size_t>(2 * i + 1)];
    if (std::abs(a) > 0.0 && std::abs(b) > 0.0 && std::isfinite(std::abs(a)) && std::isfinite(std::abs(b)))
      taus.push_back(-std::arg(b / a) / (2 * M_PI * delta));
  }
  double tau = 0.0;
  if (!taus.empty()) {
    std::nth_element(taus.begin(), taus.begin() + static_cast<std::ptrdiff_t>(taus.size() / 2), taus.end());
    tau = std::max(0.0, taus[taus.size() / 2]);
  }
  if (removed_delay_s) *removed_delay_s = tau;
  if (tau == 0.0) return h;
  return [h, tau](std::span<const double> fq, std::span<std::complex<double>> out) {
    h(fq, out);
    for (std::size_t k = 0; k < fq.size(); ++k) out[k] *= std::polar(1.0, 2 * M_PI * fq[k] * tau);
  };
}

namespace {
// Linear interpolation in a table of g at 0, df, 2 df, ...; frequencies outside it (or not finite)
// are evaluated by g itself.
void interpolate_table(const std::vector<std::complex<double>>& table, double df_hz, const TransferFunction& g,
                       std::span<const double> fq, std::span<std::complex<double>> out) {
  const std::size_t nt = table.size();
  std::vector<double> outside_f;
  std::vector<std::size_t> outside_k;
  for (std::size_t k = 0; k < fq.size(); ++k) {
    const double x = fq[k] / df_hz;
    if (!(x >= 0.0) || x > static_cast<double>(nt - 1)) {
      outside_f.push_back(fq[k]);
      outside_k.push_back(k);
      continue;
    }
    const auto i = std::min(static_cast<std::size_t>(x), nt - 2);
    const double t = x - static_cast<double>(i);
    out[k] = table[i] * (1.0 - t) + table[i + 1] * t;
  }
  if (!outside_f.empty()) {
    std::vector<std::complex<double>> v(outside_f.size());
    g(outside_f, v);
    for (std::size_t j = 0; j < v.size(); ++j) out[outside_k[j]] = v[j];
  }
}
}  // namespace

TransferFunction tabulated_transfer_function(const TransferFunction& h, double fmax_hz, double df_hz) {
  if (!(df_hz > 0.0 && fmax_hz > df_hz)) throw std::invalid_argument("transfer table: need 0 < df < fmax");
  const TransferFunction g = without_bulk_delay(h, fmax_hz);
  const auto n = static_cast<std::size_t>(std::ceil(fmax_hz / df_hz)) + 1;
  std::vector<double> f(n);
  for (std::size_t k = 0; k < n; ++k) f[k] = df_hz * static_cast<double>(k);
  auto table = std::make_shared<std::vector<std::complex<double>>>(n);
  g(f, *table);
  return [g, table, df_hz](std::span<const double> fq, std::span<std::complex<double>> out) {
    interpolate_table(*table, df_hz, g, fq, out);
  };
}

TransferFunction tabulated_on_demand(const TransferFunction& h, double df_hz, double delay_fmax_hz) {
  if (!(df_hz > 0.0 && delay_fmax_hz > df_hz)) throw std::invalid_argument("transfer table: need 0 < df < delay fmax");
  using Table = std::vector<std::complex<double>>;
  struct State {
    std::mutex m;
    TransferFunction raw;
    TransferFunction g;                  // raw without its bulk delay (estimated on first use)
    std::shared_ptr<const Table> table;  // g at 0, df, 2 df, ...
  };
  auto st = std::make_shared<State>();
  st->raw = h;
  return [st, df_hz, delay_fmax_hz](std::span<const double> fq, std::span<std::complex<double>> out) {
    double top = 0.0;
    for (double x : fq)
      if (std::isfinite(x)) top = std::max(top, x);
    const auto need = static_cast<std::size_t>(std::ceil(std::max(1.25 * top, 1e9) / df_hz)) + 1;
    std::shared_ptr<const Table> table;
    TransferFunction g;
    {
      const std::lock_guard<std::mutex> lock(st->m);
      if (!st->g) st->g = without_bulk_delay(st->raw, delay_fmax_hz);
      const std::size_t have = st->table ? st->table->size() : 0;
      if (have < need) {
        auto grown = std::make_shared<Table>(need);
        if (st->table) std::copy(st->table->begin(), st->table->end(), grown->begin());
        std::vector<double> f(need - have);
        for (std::size_t k = have; k < need; ++k) f[k - have] = df_hz * static_cast<double>(k);
        st->g(f, std::span<std::complex<double>>(grown->data() + have, need - have));
        st->table = std::move(grown);
      }
      table = st->table;
      g = st->g;
    }
    // The table reaches past 1.25 x the highest frequency asked: every finite f >= 0 is inside.
    interpolate_table(*table, df_hz, g, fq, out);
  };
}

}  // namespace phylane::solvers
