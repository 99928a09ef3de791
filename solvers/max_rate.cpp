#include "solvers/max_rate.hpp"

#include <algorithm>
#include <tuple>
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
// the first meeting point is the answer's bracket). Lengths (the whole curve of a reach search,
// full_curve) scan up from the shortest.
enum class Scan { down, up };

template <class Point, class Eval>
void scan_then_refine(double lo_x, double hi_x, int points, double resolution, bool full_curve, Scan dir,
                      const Eval& eval, std::vector<Point>& curve, double& best_x, EyeAnalysis& at_best, bool& found,
                      bool& capped) {
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

// The reach search without full_curve (max_rate.hpp, find_max_reach): rounds of (at most) two
// lengths that bracket the crossing from the slack's trend and then close the bracket. The lengths
// of a round depend only on the results of earlier rounds, never on the thread count.
class ReachBracket {
 public:
  using Eval = std::function<ReachPoint(double, EyeAnalysis&, double&)>;
  ReachBracket(const ReachOptions& opt, Eval eval, ReachResult& r)
      : opt_(opt), eval_(std::move(eval)), r_(r), lo_(opt.min_length_m), hi_(opt.max_length_m),
        ratio_(std::pow(hi_ / lo_, 1.0 / (opt.coarse_points - 1))), step_(std::log1p(0.9 * opt.resolution)) {}

  void run() {
    const double x0 = opt_.start_length_m > 0.0 ? std::clamp(opt_.start_length_m, lo_, hi_) : std::sqrt(lo_ * hi_);
    // First round: the start and 2 dB of loss beyond it (one scan ratio without a loss slope):
    // their slacks give the trend the next round extrapolates, or already bracket the answer.
    const double beyond = opt_.loss_db_per_m > 0.0 ? x0 + 2.0 / opt_.loss_db_per_m : x0 * ratio_;
    double x1 = std::min({beyond, x0 * ratio_, hi_});
    if (x1 <= x0) x1 = std::max(lo_, opt_.loss_db_per_m > 0.0 ? x0 - 2.0 / opt_.loss_db_per_m : x0 / ratio_);
    evaluate({x0, x1});
    double last_width = 0.0;  // log width of the bracket before the last round that closed it in
    for (int round = 0; round < kMaxRounds; ++round) {
      std::vector<double> next;
      if (const Tried* g = highest_meeting()) {
        const Tried* b = lowest_failing_above(g->x);
        if (!b) {
          if (g->x >= hi_) {
            r_.capped = true;
            break;
          }
          next = up_from(*g);
          last_width = 0.0;
        } else {
          const double w = std::log(b->x / g->x);
          if (b->x / g->x - 1.0 <= opt_.resolution) break;
          next = inside(*g, *b, last_width > 0.0 && w > 0.5 * last_width);
          last_width = w;
        }
      } else {
        const Tried& f = shortest();
        if (f.x <= lo_) break;  // even the shortest length fails: nothing meets
        next = down_from(f);
      }
      if (!evaluate(next)) break;
    }
    r_.found = best_ >= 0;
    if (r_.found) {
      r_.max_length_m = tried_[static_cast<std::size_t>(best_)].x;
      r_.at_max = std::move(best_eye_);
    }
  }

 private:
  struct Tried {
    double x = 0.0;
    double slack = 0.0;
    bool meets = false;
  };
  static constexpr int kMaxRounds = 200;  // a bound only: each round shrinks the unknown range

  const Tried* highest_meeting() const { return best_ >= 0 ? &tried_[static_cast<std::size_t>(best_)] : nullptr; }
  const Tried* lowest_failing_above(double x) const {
    const Tried* b = nullptr;
    for (const auto& t : tried_)
      if (!t.meets && t.x > x && (!b || t.x < b->x)) b = &t;
    return b;
  }
  const Tried& shortest() const {
    return *std::min_element(tried_.begin(), tried_.end(), [](const Tried& a, const Tried& b) { return a.x < b.x; });
  }
  // The nearest length tried on the given side of x (above: true), or null.
  const Tried* neighbour(double x, bool above) const {
    const Tried* n = nullptr;
    for (const auto& t : tried_)
      if ((above ? t.x > x : t.x < x) && (!n || std::abs(t.x - x) < std::abs(n->x - x))) n = &t;
    return n;
  }
  // Slope of the slack [dB/m] between two lengths, when it falls with the length (else 0).
  static double falling_slope(const Tried& a, const Tried& b) {
    const double m = (b.slack - a.slack) / (b.x - a.x);
    return std::isfinite(m) && m < 0.0 ? m : 0.0;
  }

  // Every length tried meets up to g: two lengths past the crossing extrapolated from g's
  // neighbour below (or from the loss slope); at most one scan ratio above g, where the scan
  // would have gone, and only that one length when the crossing lies beyond it.
  std::vector<double> up_from(const Tried& g) const {
    const double cap = std::min(hi_, g.x * ratio_);
    const double least = g.x * std::exp(step_);
    if (least >= cap) return {cap};  // g is within a step of the top: only the top is left
    double a = 0.0, b = 0.0;
    const Tried* p = neighbour(g.x, false);
    const double m = p ? falling_slope(*p, g) : 0.0;
    if (m < 0.0) {
      std::tie(a, b) = around(g.x - g.slack / m, g.x);
    } else if (opt_.loss_db_per_m > 0.0) {
      a = g.x + g.slack / (kFastDbPerDb * opt_.loss_db_per_m);
      b = g.x + g.slack / (kSlowDbPerDb * opt_.loss_db_per_m);
    } else {
      return {cap};
    }
    if (a >= cap) return {cap};
    b = std::clamp(b, least, cap);
    a = std::clamp(a, least, b);
    if (a >= b) a = std::max(least, g.x * std::sqrt(b / g.x));
    return {a, b};
  }

  // Two lengths around the crossing c extrapolated from the length x: c e^{-d} and c e^{+d}, d at
  // least half a step and 15 % of the log distance from x (the extrapolation's likely error).
  std::pair<double, double> around(double c, double x) const {
    const double d = std::max(0.5 * step_, 0.15 * std::abs(std::log(c / x)));
    return {c * std::exp(-d), c * std::exp(d)};
  }

  // Every length tried fails down to f: two lengths short of the crossing extrapolated from f's
  // neighbour above (or from the loss slope), down to the shortest length.
  std::vector<double> down_from(const Tried& f) const {
    const double most = f.x * std::exp(-step_);
    if (most <= lo_) return {lo_};
    double a = 0.0, b = 0.0;  // a < b
    const Tried* q = neighbour(f.x, true);
    const double m = q ? falling_slope(f, *q) : 0.0;
    if (m < 0.0) {
      const double c = f.x - f.slack / m;
      if (c <= lo_) return {lo_};
      std::tie(a, b) = around(c, f.x);
    } else if (opt_.loss_db_per_m > 0.0) {
      a = f.x + f.slack / (kSlowDbPerDb * opt_.loss_db_per_m);
      b = f.x + f.slack / (kFastDbPerDb * opt_.loss_db_per_m);
    } else {
      a = f.x / (ratio_ * ratio_);
      b = f.x / ratio_;
    }
    b = std::clamp(b, lo_, most);
    a = std::clamp(a, lo_, b);
    if (a >= b) return {b};
    return {a, b};
  }

  // A meeting g below a failing b. Narrow (within 20 %): two lengths a closing step apart around
  // the crossing the slacks interpolate to (linear in length, as the loss is; slacks beyond
  // +-6 dB, a nearly closed eye at -180 dB, count as 6 dB: the relation is not linear that far
  // out), which end the search when the interpolation holds. Wide, or after such a pair missed
  // (the slack curves, or is noisy at the 0.1 dB level): the interpolated crossing and the
  // bracket's middle, which halves it whatever the slack does. Within three closing steps: split
  // in three, which closes it.
  std::vector<double> inside(const Tried& g, const Tried& b, bool missed) const {
    const double w = std::log(b.x / g.x);
    const auto thirds = std::vector<double>{g.x * std::exp(w / 3.0), g.x * std::exp(2.0 * w / 3.0)};
    if (w <= 3.0 * step_) return thirds;
    const double sg = std::min(g.slack, kLinearDb), sb = std::max(b.slack, -kLinearDb);
    const double t = std::clamp(sg - sb > 0.0 ? sg / (sg - sb) : 0.5, 0.02, 0.98);
    const double u = std::log((g.x + t * (b.x - g.x)) / g.x);
    if (!missed && w <= kNarrow) {
      const double u0 = std::clamp(u - 0.5 * step_, 0.02 * w, 0.98 * w - step_);
      return {g.x * std::exp(u0), g.x * std::exp(u0 + step_)};
    }
    if (std::abs(u - 0.5 * w) < step_) return thirds;
    return {g.x * std::exp(u), g.x * std::exp(0.5 * w)};
  }

  // Evaluates the new lengths among xs (concurrently up to opt.threads); false when none is new.
  bool evaluate(std::vector<double> xs) {
    std::vector<double> fresh;
    for (double x : xs) {
      x = std::clamp(x, lo_, hi_);
      const bool seen = std::any_of(tried_.begin(), tried_.end(), [x](const Tried& t) { return t.x == x; }) ||
                        std::find(fresh.begin(), fresh.end(), x) != fresh.end();
      if (!seen) fresh.push_back(x);
    }
    if (fresh.empty()) return false;
    std::sort(fresh.begin(), fresh.end());
    const std::size_t n = fresh.size();
    std::vector<ReachPoint> points(n);
    std::vector<EyeAnalysis> eyes(n);
    std::vector<double> slacks(n, 0.0);
    ParallelOptions po;
    po.workers = std::clamp(opt_.threads, 1, static_cast<int>(n));
    po.stop = opt_.hooks.stop;
    const ParallelSummary ran =
        parallel_for(n, [&](std::size_t i, int) { points[i] = eval_(fresh[i], eyes[i], slacks[i]); }, po);
    if (ran.stopped) throw SearchInterrupted();
    for (std::size_t i = 0; i < n; ++i) {
      r_.curve.push_back(points[i]);
      tried_.push_back({fresh[i], slacks[i], points[i].meets});
      if (points[i].meets && (best_ < 0 || fresh[i] > tried_[static_cast<std::size_t>(best_)].x)) {
        best_ = static_cast<int>(tried_.size() - 1);
        best_eye_ = std::move(eyes[i]);
      }
    }
    return true;
  }

  // Margin lost per dB of loss that bound the first extrapolation (measured near the reach:
  // kr1-ck-28db 0.34, pcie5-cem-link 0.45, pcie5-server 0.48, waveguide-on-package 0.26,
  // dr4-400g-lane 0.9).
  static constexpr double kFastDbPerDb = 1.0;
  static constexpr double kSlowDbPerDb = 0.3;
  static constexpr double kLinearDb = 6.0;  // slack within which a bracket is interpolated linearly
  static constexpr double kNarrow = 0.2;    // log width of a bracket narrow enough to aim a closing pair at

  const ReachOptions& opt_;
  Eval eval_;
  ReachResult& r_;
  double lo_, hi_, ratio_, step_;
  std::vector<Tried> tried_;
  int best_ = -1;  // index in tried_ of the highest meeting length
  EyeAnalysis best_eye_;
};

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
  if (opt.full_curve)
    scan_then_refine<ReachPoint>(opt.min_length_m, opt.max_length_m, opt.coarse_points, opt.resolution, true, Scan::up,
                                 eval, r.curve, r.max_length_m, r.at_max, r.found, r.capped);
  else
    ReachBracket(opt, eval, r).run();
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
