#include "solvers/com.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "channels/com_package.hpp"
#include "solvers/com_mmse.hpp"
#include "solvers/com_sparam_interp.hpp"
#include "solvers/simd.hpp"
#include "phy/constants.hpp"
#include "phy/gaussian.hpp"
#include "phy/units.hpp"

namespace phylane::solvers {

std::string to_string(ComPathKind k) {
  switch (k) {
    case ComPathKind::thru: return "thru";
    case ComPathKind::fext: return "fext";
    case ComPathKind::next: return "next";
  }
  return "?";
}

namespace {

ComPackageRole tx_role(ComPathKind k) {
  return k == ComPathKind::fext ? ComPackageRole::fext : k == ComPathKind::next ? ComPackageRole::next : ComPackageRole::tx;
}

// The board of Table 92-12 between a package and the channel: one line segment.
channels::ComPackage board(const ComParameters& p, ComPackageRole role) {
  channels::ComPackage b;
  b.r0_ohm = p.r0_ohm;
  b.line = p.board_line;
  b.segments.push_back({p.board_z_c_ohm, p.z_bp_m[static_cast<std::size_t>(role)]});
  return b;
}

}  // namespace

// The channel between the boards, channels::com_cascade(tx board, SDD, rx board) (the SDD alone
// without Include PCB), on one frequency grid: the same in every package case.
struct ComPathCache {
  struct Grid {
    std::array<double, 9> boards{};  // what the boards were made of (the key, with f)
    std::vector<double> f;
    std::vector<channels::S2> s;
  };
  std::mutex lock;
  std::vector<std::shared_ptr<const Grid>> grids;
};

std::shared_ptr<ComPathCache> make_com_path_cache() { return std::make_shared<ComPathCache>(); }

struct ComSdd::State {
  std::optional<channels::Network> data;
  double zero_above_hz = 0.0;
  std::once_flag once;
  std::optional<channels::BandLimitedNetwork> band_limited;
};

ComSdd::ComSdd(channels::Network data) : state_(std::make_shared<State>()) {
  if (data.ports() != 2 || data.size() == 0)
    throw std::invalid_argument("COM path: the SDD must be a 2-port with at least one frequency");
  // BandLimitedNetwork's band limit with its default taper: the data's end plus a tenth of it.
  const double f_end = data.freq_hz().back();
  state_->zero_above_hz = f_end + 0.1 * f_end;
  state_->data = std::move(data);
}

ComSdd::ComSdd(channels::BandLimitedNetwork band_limited) : state_(std::make_shared<State>()) {
  state_->zero_above_hz = band_limited.zero_above_hz();
  state_->band_limited = std::move(band_limited);
}

const channels::Network* ComSdd::data() const { return state_->data ? &*state_->data : nullptr; }
double ComSdd::zero_above_hz() const { return state_->zero_above_hz; }

const channels::BandLimitedNetwork& ComSdd::band_limited() const {
  State& s = *state_;
  std::call_once(s.once, [&s] {
    if (!s.band_limited) s.band_limited.emplace(*s.data);
  });
  return *s.band_limited;
}

// The packages of one case on each grid they were asked for, keyed by every value that defines
// them (channels::ComPackage, flattened) and the side.
struct ComPackageCache {
  struct Entry {
    std::vector<double> key;
    std::vector<double> f;
    std::vector<channels::S2> s;
  };
  std::mutex lock;
  std::vector<std::shared_ptr<const Entry>> entries;

  static std::vector<double> key_of(const channels::ComPackage& k, channels::ComPackageSide side) {
    std::vector<double> v{side == channels::ComPackageSide::tx ? 0.0 : 1.0, k.r0_ohm, k.c_b_f, k.c_p_f,
                          k.line.gamma0_per_m, k.line.a1_per_m_sqrt_hz, k.line.a2_s_per_m, k.line.tau_s_per_m,
                          static_cast<double>(k.c_d_f.size()), static_cast<double>(k.l_s_h.size()),
                          static_cast<double>(k.segments.size())};
    v.insert(v.end(), k.c_d_f.begin(), k.c_d_f.end());
    v.insert(v.end(), k.l_s_h.begin(), k.l_s_h.end());
    for (const auto& g : k.segments) {
      v.push_back(g.z_c_ohm);
      v.push_back(g.length_m);
    }
    return v;
  }
  // The package's 2-port at f (the grid of a ComPathCache::Grid), evaluated once. Evaluated
  // outside the lock, so that the two sides of a case are prepared side by side (should two
  // threads ask for the same package at once, both evaluate it and the first one's is kept: the
  // same values).
  std::shared_ptr<const Entry> get(const channels::ComPackage& k, channels::ComPackageSide side,
                                   const std::vector<double>& f) {
    std::vector<double> key = key_of(k, side);
    auto find = [&]() -> std::shared_ptr<const Entry> {
      for (const auto& e : entries)
        if (e->key == key && e->f == f) return e;
      return nullptr;
    };
    {
      std::lock_guard<std::mutex> hold(lock);
      if (auto e = find()) return e;
    }
    auto e = std::make_shared<Entry>();
    e->f = f;
    e->s.resize(f.size());
    channels::com_package_s(k, f, side, e->s);
    std::lock_guard<std::mutex> hold(lock);
    if (auto kept = find()) return kept;
    e->key = std::move(key);
    entries.push_back(e);
    return e;
  }
};

std::shared_ptr<ComPackageCache> make_com_package_cache() { return std::make_shared<ComPackageCache>(); }

void com_prepare_packages(const ComParameters& p, int case_number, std::span<const ComPathKind> kinds,
                          const std::vector<double>& f, ComPackageCache& packages,
                          std::optional<channels::ComPackageSide> only) {
  if (!p.inc_package) return;
  using channels::ComPackageSide;
  if (only != ComPackageSide::rx)
    for (const ComPathKind k : kinds) packages.get(com_package(p, case_number, tx_role(k)), ComPackageSide::tx, f);
  if (only != ComPackageSide::tx) packages.get(com_package(p, case_number, ComPackageRole::rx), ComPackageSide::rx, f);
}

namespace {

// A path's boards (Table 92-12, with Include PCB) and what they are made of (the cache's key).
struct PathBoards {
  bool pcb = false;
  channels::ComPackage tx, rx;
  std::array<double, 9> key{};
};

PathBoards path_boards(const ComParameters& p, ComPathKind kind) {
  PathBoards b;
  b.pcb = p.include_pcb;
  b.tx = board(p, tx_role(kind));
  b.rx = board(p, ComPackageRole::rx);
  b.key = {b.pcb ? 1.0 : 0.0,         p.r0_ohm,
           p.board_line.gamma0_per_m, p.board_line.a1_per_m_sqrt_hz,
           p.board_line.a2_s_per_m,   p.board_line.tau_s_per_m,
           p.board_z_c_ohm,           b.tx.segments.front().length_m,
           b.rx.segments.front().length_m};
  return b;
}

// The channel between the boards of a path (the SDD with the boards when Include PCB) on the grid
// fin, from the path's cache or evaluated into it (a second package case waits for it rather than
// evaluating it again).
std::shared_ptr<const ComPathCache::Grid> path_channel(const ComSdd& sdd, const PathBoards& b, ComPathCache& cache,
                                                       std::vector<double>&& fin) {
  using channels::ComPackageSide;
  std::lock_guard<std::mutex> hold(cache.lock);
  for (const auto& g : cache.grids)
    if (g->boards == b.key && g->f == fin) return g;
  auto g = std::make_shared<ComPathCache::Grid>();
  g->boards = b.key;
  // At the data's own frequencies, the data (as the reference code takes them); elsewhere the
  // band-limited interpolant.
  const channels::Network* data = sdd.data();
  std::optional<channels::Network> interpolated;
  if (!(data && data->freq_hz() == fin)) interpolated = sdd.evaluate(fin);
  const channels::Network& ch = interpolated ? *interpolated : *data;
  g->s.resize(fin.size());
  std::vector<channels::S2> tx_board, rx_board;
  if (b.pcb) {
    tx_board.resize(fin.size());
    rx_board.resize(fin.size());
    channels::com_package_s(b.tx, fin, ComPackageSide::tx, tx_board);
    channels::com_package_s(b.rx, fin, ComPackageSide::rx, rx_board);
  }
  for (std::size_t q = 0; q < fin.size(); ++q) {
    channels::S2 s{ch.s(q, 0, 0), ch.s(q, 0, 1), ch.s(q, 1, 0), ch.s(q, 1, 1)};
    if (b.pcb) s = channels::com_cascade(channels::com_cascade(tx_board[q], s), rx_board[q]);
    g->s[q] = s;
  }
  g->f = std::move(fin);
  cache.grids.push_back(g);
  return g;
}

// Of f, the frequencies below the path's band limit (above it the channel is 0: channels/resample.hpp)
// and where they are in f.
std::vector<double> below_band_limit(double zero_above, std::span<const double> f, std::vector<std::size_t>* at) {
  std::vector<double> fin;
  for (std::size_t k = 0; k < f.size(); ++k)
    if (f[k] < zero_above) {
      fin.push_back(f[k]);
      if (at) at->push_back(k);
    }
  return fin;
}

}  // namespace

void com_prepare_channel(const ComParameters& p, const ComPath& path) {
  if (path.cache && !path.data_hz.empty())
    path_channel(path.sdd, path_boards(p, path.kind), *path.cache, below_band_limit(path.sdd.zero_above_hz(), path.data_hz, nullptr));
}

TransferFunction com_path_transfer(const ComParameters& p, int case_number, const ComPath& path,
                                   std::shared_ptr<ComPackageCache> packages) {
  using channels::ComPackageSide;
  const ComPackageRole role = tx_role(path.kind);
  const bool pkg = p.inc_package;
  const channels::ComPackage tx_pkg = pkg ? com_package(p, case_number, role) : channels::ComPackage{};
  const channels::ComPackage rx_pkg = pkg ? com_package(p, case_number, ComPackageRole::rx) : channels::ComPackage{};
  const double g1 = p.ideal_tx_term ? 0.0 : channels::com_termination_reflection(p.r_d_ohm[0], p.r0_ohm);
  const double g2 = p.ideal_rx_term ? 0.0 : channels::com_termination_reflection(p.r_d_ohm[1], p.r0_ohm);
  const std::shared_ptr<ComPathCache> cache = path.cache ? path.cache : make_com_path_cache();
  // What the evaluation needs, prepared once (not the sheet or the path themselves).
  const ComSdd sdd = path.sdd;
  const PathBoards boards = path_boards(p, path.kind);
  const double zero_above = sdd.zero_above_hz();
  return [=](std::span<const double> f, std::span<std::complex<double>> h) {
    std::fill(h.begin(), h.end(), std::complex<double>(0.0, 0.0));
    std::vector<std::size_t> at;
    std::vector<double> fin = below_band_limit(zero_above, f, &at);
    const std::shared_ptr<const ComPathCache::Grid> ch = path_channel(sdd, boards, *cache, std::move(fin));
    // The packages on this grid: from the case's shared cache, or evaluated for this call alone.
    std::shared_ptr<const ComPackageCache::Entry> tx_s, rx_s;
    if (pkg) {
      ComPackageCache own;
      ComPackageCache& held = packages ? *packages : own;
      tx_s = held.get(tx_pkg, ComPackageSide::tx, ch->f);
      rx_s = held.get(rx_pkg, ComPackageSide::rx, ch->f);
    }
    for (std::size_t q = 0; q < ch->f.size(); ++q) {
      const double fq = ch->f[q];
      channels::S2 s = ch->s[q];
      if (pkg) s = channels::com_cascade(channels::com_cascade(tx_s->s[q], s), rx_s->s[q]);
      std::complex<double> v = channels::com_terminated_h21(s, g1, g2);  // (93A-18)
      // A measured DC point may carry a small imaginary part; the inverse FFT of the reference
      // code uses only the real part of the DC bin, and so does this.
      if (fq == 0.0) v = v.real();
      h[at[q]] = v;
    }
  };
}

std::complex<double> com_box_sum_ratio(double f, double dt) {
  if (!(dt > 0.0) || !(f >= 0.0) || !(f * dt < 1.0))
    throw std::invalid_argument("COM box-sum ratio: dt > 0 and 0 <= f < 1/dt are required (f = " + std::to_string(f) +
                                " Hz, dt = " + std::to_string(dt) + " s)");
  const double x = phy::pi * f * dt;
  return std::polar(x == 0.0 ? 1.0 : x / std::sin(x), x);
}

std::optional<std::size_t> com_cursor_index(std::span<const double> y, std::size_t peak, int m_ui, double b1_max) {
  const std::size_t m = static_cast<std::size_t>(m_ui);
  if (m_ui < 1 || peak >= y.size() || peak + 3 * m > y.size())
    throw std::invalid_argument("COM sampling point: the record must hold 3 UI after the peak (sample " +
                                std::to_string(peak) + " of " + std::to_string(y.size()) + ")");
  // The reference code 4.15 (cursor_sample_index): the last upward crossing of 1 % of the peak
  // within 4 UI before it, diff(sign(y - 0.01 A_p)) >= 1 (sign(0) = 0), j the sample before it.
  const double thr = 0.01 * y[peak];
  auto sgn = [&](double v) { return v > thr ? 1 : (v < thr ? -1 : 0); };
  // The last one: searched from the peak backwards (it is usually within a UI of the peak).
  const std::size_t start = peak >= 4 * m ? peak - 4 * m : 0;
  std::optional<std::size_t> zx;
  for (std::size_t j = peak; j-- > start;)
    if (sgn(y[j + 1]) - sgn(y[j]) >= 1) {
      zx = j;
      break;
    }
  if (!zx) return std::nullopt;
  if (*zx < m)
    throw std::invalid_argument("COM sampling point: the record must hold 1 UI before the 1 % crossing (sample " +
                                std::to_string(*zx) + ")");
  // Its MM metric over the 2 UI from there: |h(-1) - max(h(1) - b_max(1) h(0), 0)| (93A-25 with
  // b(1) at its limit), the first least one (MATLAB's min).
  std::size_t best = *zx;
  double best_metric = std::numeric_limits<double>::infinity();
  for (std::size_t t = *zx; t <= *zx + 2 * m; ++t) {
    const double metric = std::abs(y[t - m] - std::max(y[t + m] - b1_max * y[t], 0.0));
    if (metric < best_metric) {
      best_metric = metric;
      best = t;
    }
  }
  return best;
}

std::optional<std::size_t> com_anchor_index(std::span<const double> y, std::size_t peak, int m_ui, int ts_anchor,
                                            double b1_max) {
  switch (ts_anchor) {
    case 0: return com_cursor_index(y, peak, m_ui, b1_max);
    case 1: return peak;
    case 2: {
      const std::size_t m = static_cast<std::size_t>(m_ui);
      if (m_ui < 1 || peak < 2 * m || peak + m >= y.size())
        throw std::invalid_argument("COM sampling point (ts_anchor 2): the record must hold 2 UI before and 1 UI after "
                                    "the peak");
      // The largest rise over one UI, y(i) - y(i - M), i in [peak - M, peak + M]; ties: the first.
      std::size_t best = peak - m;
      for (std::size_t i = peak - m; i <= peak + m; ++i)
        if (y[i] - y[i - m] > y[best] - y[best - m]) best = i;
      return best;
    }
    default:
      throw std::invalid_argument("COM: ts_anchor = " + std::to_string(ts_anchor) + ": allowed 0, 1 or 2");
  }
}

void ComSlopeSums::reset(std::span<const double> x, int samples_per_ui, int max_taps) {
  if (samples_per_ui < 1 || max_taps < 1)
    throw std::invalid_argument("COM slope sums: samples_per_ui >= 1 and max_taps >= 1 are required");
  x_ = x;
  m_ = samples_per_ui;
  max_taps_ = max_taps;
  lags_.assign(static_cast<std::size_t>(m_), {});
}

double ComSlopeSums::slope(long i) const {
  const long n = static_cast<long>(x_.size());
  const double after = i + 1 >= 0 && i + 1 < n ? x_[static_cast<std::size_t>(i + 1)] : 0.0;
  const double before = i - 1 >= 0 && i - 1 < n ? x_[static_cast<std::size_t>(i - 1)] : 0.0;
  return (after - before) * static_cast<double>(m_) / 2.0;  // (93A-28)
}

namespace {
// sum_{k < common} l[k] l[k + d0 + j] for j = 0 ... D - 1 into out[j], each in ascending k.
template <std::size_t D>
void lag_block(const double* l, std::size_t common, std::size_t d0, double* out) {
  double a[D] = {};
  for (std::size_t k = 0; k < common; ++k) {
    const double x = l[k];
    const double* y = l + k + d0;
    for (std::size_t j = 0; j < D; ++j) a[j] += x * y[j];
  }
  for (std::size_t j = 0; j < D; ++j) out[j] = a[j];
}
}  // namespace

double ComSlopeSums::sum(const TxFfe& ffe, std::size_t phase) {
  const long m = m_, n = static_cast<long>(x_.size()), p = static_cast<long>(phase);
  const long nt = static_cast<long>(ffe.taps.size());
  if (phase >= lags_.size() || nt < 1 || nt > max_taps_)
    throw std::invalid_argument("COM slope sums: a phase below M and an FIR of 1 .. max_taps taps are required");
  // The phase's slope lane s(k) = slope(k M + p), non-zero only for k M + p in [-1, N].
  const long k_lo = p == m - 1 ? -1 : 0;
  const long k_hi = (n - p) / m;  // the last k with k M + p <= N
  std::vector<double>& r = lags_[phase];
  if (r.empty()) {
    lane_.resize(static_cast<std::size_t>(k_hi - k_lo + 1));
    for (long k = k_lo; k <= k_hi; ++k) lane_[static_cast<std::size_t>(k - k_lo)] = slope(k * m + p);
    r.assign(static_cast<std::size_t>(max_taps_), 0.0);
    // Every lag in one pass over the lane, each summed in a local of its own (in registers: r and
    // lane_ might alias) in ascending k as a pass per lag would: the same additions in the same
    // order, but the lags' chains of additions interleave instead of each waiting on its own
    // previous sum (a lag's sum alone was latency-bound, most of this function's time).
    constexpr std::size_t kLags = 8;
    const std::size_t nl = lane_.size();
    for (std::size_t d0 = 0; d0 < r.size(); d0 += kLags) {
      const std::size_t dn = std::min(kLags, r.size() - d0);
      std::array<double, kLags> acc{};
      // k where every lag of the block still has its pair inside the lane, then each lag's tail.
      const std::size_t common = nl > d0 + dn - 1 ? nl - (d0 + dn - 1) : 0;
      const double* l = lane_.data();
      switch (dn) {  // the block's width a constant, so that its sums stay in registers
        case 1: lag_block<1>(l, common, d0, acc.data()); break;
        case 2: lag_block<2>(l, common, d0, acc.data()); break;
        case 3: lag_block<3>(l, common, d0, acc.data()); break;
        case 4: lag_block<4>(l, common, d0, acc.data()); break;
        case 5: lag_block<5>(l, common, d0, acc.data()); break;
        case 6: lag_block<6>(l, common, d0, acc.data()); break;
        case 7: lag_block<7>(l, common, d0, acc.data()); break;
        default: lag_block<8>(l, common, d0, acc.data()); break;
      }
      for (std::size_t jj = 0; jj < dn; ++jj) {
        const std::size_t d = d0 + jj;
        for (std::size_t k = common; k + d < nl; ++k) acc[jj] += l[k] * l[k + d];
        r[d] = acc[jj];
      }
    }
  }
  // Every filtered slope g(k) = sum_t c_t s(k - a_t), k over all integers ...
  double total = 0.0;
  for (long t = 0; t < nt; ++t)
    for (long u = 0; u < nt; ++u)
      total += ffe.taps[static_cast<std::size_t>(t)] * ffe.taps[static_cast<std::size_t>(u)] *
               r[static_cast<std::size_t>(std::abs(t - u))];
  // ... less those outside the record's [1, N - 2] (the reference code's sbr(sampling_offset -+ 1 : M : end)).
  auto g = [&](long k) {
    double v = 0.0;
    for (long t = 0; t < nt; ++t) v += ffe.taps[static_cast<std::size_t>(t)] * slope((k - (t - ffe.n_pre)) * m + p);
    return v;
  };
  const long a_min = -ffe.n_pre, a_max = nt - 1 - ffe.n_pre;
  for (long k = k_lo + a_min; k * m + p < 1; ++k) total -= g(k) * g(k);
  for (long k = k_hi + a_max; k >= k_lo + a_min && k * m + p > n - 2; --k) total -= g(k) * g(k);
  return std::max(total, 0.0);
}

ComPmf com_symbol_pmf(std::span<const double> h_v, int levels, double step_v) {
  if (levels < 2 || !(step_v > 0.0)) throw std::invalid_argument("COM PMF: levels >= 2 and a step > 0 are required");
  ComPmf out;
  out.step_v = step_v;
  std::vector<long> shift(static_cast<std::size_t>(levels));
  std::vector<double> next;
  const double w = 1.0 / levels;
  // Both buffers at the final support from the start: growing them term by term reallocated (and
  // first-touched) the whole PMF at every term, which dominated long inputs such as ERL's.
  {
    std::size_t span = 1;
    for (double h : h_v) span += 2 * static_cast<std::size_t>(std::lround(std::nearbyint(std::abs(h) / step_v)));
    out.p.reserve(span);
    next.reserve(span);
  }
  for (double h : h_v) {
    long lo = 0, hi = 0;
    for (int l = 0; l < levels; ++l) {
      const double a = -1.0 + 2.0 * l / (levels - 1);  // the symbol levels of (93A-39)
      shift[static_cast<std::size_t>(l)] = std::lround(std::nearbyint(a * h / step_v));
      lo = std::min(lo, shift[static_cast<std::size_t>(l)]);
      hi = std::max(hi, shift[static_cast<std::size_t>(l)]);
    }
    if (lo == 0 && hi == 0) continue;  // below half a grid step: a delta at 0
    next.assign(out.p.size() + static_cast<std::size_t>(hi - lo), 0.0);
    for (long s : shift) {
      double* dst = next.data() + (s - lo);
      for (std::size_t i = 0; i < out.p.size(); ++i) dst[i] += w * out.p[i];
    }
    out.p.swap(next);
    out.lo += lo;
  }
  return out;
}

ComPmf com_gaussian_pmf(double sigma_v, double step_v) {
  if (!(step_v > 0.0) || !(sigma_v >= 0.0)) throw std::invalid_argument("COM PMF: sigma >= 0 and a step > 0 are required");
  ComPmf out;
  out.step_v = step_v;
  const long k = static_cast<long>(std::ceil(8.0 * sigma_v / step_v));
  if (k == 0) return out;
  out.lo = -k;
  out.p.resize(static_cast<std::size_t>(2 * k + 1));
  double sum = 0.0;
  for (long i = -k; i <= k; ++i) {
    const double y = static_cast<double>(i) * step_v / sigma_v;
    sum += out.p[static_cast<std::size_t>(i + k)] = std::exp(-0.5 * y * y);  // (93A-42)
  }
  for (double& v : out.p) v /= sum;
  return out;
}

ComPmf convolve(const ComPmf& a, const ComPmf& b) {
  if (a.step_v != b.step_v) throw std::invalid_argument("COM PMF: convolution of PMFs on different grids");
  ComPmf out;
  out.step_v = a.step_v;
  out.lo = a.lo + b.lo;
  out.p.assign(a.p.size() + b.p.size() - 1, 0.0);
  for (std::size_t i = 0; i < a.p.size(); ++i) {
    const double ai = a.p[i];
    if (ai == 0.0) continue;
    double* dst = out.p.data() + i;
    for (std::size_t j = 0; j < b.p.size(); ++j) dst[j] += ai * b.p[j];
  }
  return out;
}

double com_noise_interference_v(const ComPmf& pmf, double der0) {
  if (!(der0 > 0.0 && der0 < 1.0)) throw std::invalid_argument("COM: DER_0 must be in (0, 1)");
  double cdf = 0.0;
  for (std::size_t i = 0; i < pmf.p.size(); ++i) {
    cdf += pmf.p[i];
    if (cdf >= der0) return -pmf.value(i);
  }
  return -pmf.value(pmf.p.size() - 1);
}

namespace {

// The reference code's get_pdf_from_sampled_signal: with any term above one bin, only the terms
// above one bin; else a delta.
ComPmf com_pmf_above_bin(std::vector<double> h, int levels, double step) {
  double mx = 0.0;
  for (double v : h) mx = std::max(mx, std::abs(v));
  if (!(mx > step)) {
    ComPmf d;
    d.step_v = step;
    return d;
  }
  std::erase_if(h, [&](double v) { return !(std::abs(v) > step); });
  return com_symbol_pmf(h, levels, step);
}

// The reference code's normal_dist: exp(-x^2 / (2 sigma^2 + eps)) on +-round(2 q sigma / step) bins, normalised.
ComPmf com_normal_dist(double sigma, double q, double step) {
  ComPmf g;
  g.step_v = step;
  const long k = std::lround(2.0 * q * sigma / step);
  g.lo = -k;
  g.p.resize(static_cast<std::size_t>(2 * k + 1));
  double sum = 0.0;
  for (long i = -k; i <= k; ++i) {
    const double x = static_cast<double>(i) * step;
    sum += g.p[static_cast<std::size_t>(i + k)] = std::exp(-x * x / (2.0 * sigma * sigma + 2.220446049250313e-16));
  }
  for (double& v : g.p) v /= sum;
  return g;
}

// The bounds of a PMF at DER_0 (the reference's pdf_to_cdf, cdf_to_ber_contour): the lowest and the
// highest value whose two-sided tail min(CDF, 1 - CDF + p) exceeds der0, as grid indices.
std::pair<long, long> com_pmf_bounds(const ComPmf& pmf, double der0) {
  const std::size_t n = pmf.p.size();
  std::vector<double> up(n), down(n);
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) up[i] = s += pmf.p[i];
  s = 0.0;
  for (std::size_t i = n; i-- > 0;) down[i] = s += pmf.p[i];
  long first = -1, last = -1;
  for (std::size_t i = 0; i < n; ++i)
    if (std::min(up[i], down[i]) > der0) {
      if (first < 0) first = static_cast<long>(i);
      last = static_cast<long>(i);
    }
  if (first < 0) first = last = static_cast<long>(n / 2);  // no sample above DER_0: the reference finds none either
  return {first + pmf.lo, last + pmf.lo};
}

// The reference's vref_intersect: where the line through contour samples x_in - 1 and x_in (1-based)
// reaches vref.
double com_vref_intersect(std::span<const double> e, long x_in, double vref) {
  const double m1 = e[static_cast<std::size_t>(x_in - 1)] - e[static_cast<std::size_t>(x_in - 2)];
  const double b1 = e[static_cast<std::size_t>(x_in - 1)] - m1 * static_cast<double>(x_in);
  return (vref - b1) / m1;
}

// The reference's find_eye_width: left and right widths [contour samples] of one eye from its
// centre (1-based half), each the lesser of the top's and the bottom's vref crossing.
std::pair<double, double> com_eye_widths(const std::vector<double>& top, const std::vector<double>& bot, long half,
                                         double vref) {
  const long s = static_cast<long>(top.size());
  auto left = [&](const std::vector<double>& e, bool is_top) {
    long c = 0;  // the first sample from the centre leftwards past vref (1-based from the centre)
    for (long k = 1; k <= half; ++k) {
      const double v = e[static_cast<std::size_t>(half - k)];
      if (is_top ? v < vref : v > vref) { c = k; break; }
    }
    if (c == 0) return static_cast<double>(half);
    if (c == 1) return 0.0;
    return static_cast<double>(half) - com_vref_intersect(std::span<const double>(e).first(static_cast<std::size_t>(half)),
                                                          half - c + 2, vref);
  };
  auto right = [&](const std::vector<double>& e, bool is_top) {
    long c = 0;
    for (long k = 1; k <= s - half + 1; ++k) {
      const double v = e[static_cast<std::size_t>(half - 1 + k - 1)];
      if (is_top ? v < vref : v > vref) { c = k; break; }
    }
    if (c == 0) return static_cast<double>(s - half);
    if (c == 1) return 0.0;
    const double at = com_vref_intersect(std::span<const double>(e).subspan(static_cast<std::size_t>(half - 1)), c, vref) +
                      static_cast<double>(half) - 1.0;
    return at - static_cast<double>(half);
  };
  return {std::min(left(top, true), left(bot, false)), std::min(right(top, true), right(bot, false))};
}

}  // namespace

ComEye com_eye(std::span<const double> pulse, std::size_t cursor, const ComPmf& crosstalk, const ComEyeSpec& sp) {
  const long m = sp.samples_per_ui, s = sp.samples_for_c2m, n = static_cast<long>(pulse.size());
  const long nb = static_cast<long>(sp.b_max.size());
  if (m < 1 || s < 3 || sp.levels < 2 || !(sp.step_v > 0.0) || cursor >= pulse.size() || sp.b_min.size() != sp.b_max.size())
    throw std::invalid_argument("COM eye: M >= 1, samples_for_C2M >= 3, L >= 2, a grid step > 0, a cursor inside the record "
                                "and as many b_min as b_max are required");
  // The contour's centre, 1-based (get_center_of_UI): the sample k/S nearest 0.5, the first on a tie.
  const double ds = static_cast<double>(s), dm = static_cast<double>(m);
  long half = 1;
  for (long k = 1; k < s; ++k)
    if (std::abs(static_cast<double>(k) / ds - 0.5) < std::abs(static_cast<double>(half - 1) / ds - 0.5)) half = k + 1;
  const long t_o = static_cast<long>(std::floor((sp.t_o_mui / 1000.0) * static_cast<double>(s)));
  if (t_o < 0 || half - t_o < 1 || half + t_o > s)
    throw std::invalid_argument("COM eye: the window T_O = " + std::to_string(sp.t_o_mui) + " mUI (" + std::to_string(t_o) +
                                " contour samples) must stay inside the UI (" + std::to_string(s) + " samples, centre " +
                                std::to_string(half) + ")");
  // The pulse on the time axis k / S UI about the sampling point, linearly interpolated (interp1).
  const double tmin = -static_cast<double>(cursor) / dm, tmax = static_cast<double>(n - 1 - static_cast<long>(cursor)) / dm;
  const long na = static_cast<long>(std::floor(-tmin * ds + 1e-10)), nbk = static_cast<long>(std::floor(tmax * ds + 1e-10));
  std::vector<double> y(static_cast<std::size_t>(na + nbk + 1));
  for (long q = -na; q <= nbk; ++q) {
    const double pos = static_cast<double>(cursor) + static_cast<double>(q) / ds * dm;
    const long i0 = std::clamp(static_cast<long>(std::floor(pos)), 0L, n - 1);
    const double f = pos - static_cast<double>(i0);
    y[static_cast<std::size_t>(q + na)] = i0 + 1 < n ? pulse[static_cast<std::size_t>(i0)] * (1.0 - f) + pulse[static_cast<std::size_t>(i0 + 1)] * f
                                                     : pulse[static_cast<std::size_t>(i0)];
  }
  const long len = static_cast<long>(y.size()), ts = na;  // 0-based sampling point
  const double h0 = y[static_cast<std::size_t>(ts)];
  // The DFE (93A-26, 93A-27): b(n) h0 clipped, taken off the whole UI of post-cursor n; the cursor's UI removed.
  std::vector<double> res = y;
  const long start = ts - half + 1 + s;  // 0-based start of post-cursor 1's UI
  if (ts + s * nb >= len || start - s < 0 || start + nb * s > len)
    throw std::invalid_argument("COM eye: the record must hold the DFE's " + std::to_string(nb) + " UI after the sampling point");
  for (long k = 1; k <= nb; ++k) {
    const double c = y[static_cast<std::size_t>(ts + s * k)];
    const double hi = h0 * sp.b_max[static_cast<std::size_t>(k - 1)], lo = h0 * sp.b_min[static_cast<std::size_t>(k - 1)];
    const double eff = c > hi ? hi : (c < lo ? lo : c);
    for (long j = 0; j < s; ++j) res[static_cast<std::size_t>(start + (k - 1) * s + j)] -= eff;
  }
  std::vector<double> amp(static_cast<std::size_t>(s));  // R_LM h(t) over the cursor's UI, contour phase order
  for (long j = 0; j < s; ++j) {
    amp[static_cast<std::size_t>(j)] = sp.r_lm * y[static_cast<std::size_t>(start - s + j)];
    res[static_cast<std::size_t>(start - s + j)] = 0.0;
  }
  // UI rows 2 ... round(len / S) - 1 (MATLAB's round: half away from zero); columns are phases.
  const long nui = std::lround(static_cast<double>(len) / ds), rows = nui - 2;
  if (rows < 2) throw std::invalid_argument("COM eye: the record is shorter than 4 UI");
  auto at = [&](const std::vector<double>& v, long r, long c) { return v[static_cast<std::size_t>(s + r * s + c - 1)]; };
  long phase = (ts + 1) % s;  // the sampling point's column, 1-based
  if (phase == 0) phase = s;
  const long shift = half - phase;
  const double sigma_x = std::sqrt((sp.levels * sp.levels - 1.0) / (3.0 * (sp.levels - 1.0) * (sp.levels - 1.0)));
  const double q = phy::q_inverse(sp.der0);  // sqrt(2) erfcinv(2 DER_0), the reference's ber_q
  std::vector<ComPmf> total(static_cast<std::size_t>(s));
  std::vector<long> lo_b(static_cast<std::size_t>(s)), hi_b(static_cast<std::size_t>(s));
  std::vector<double> col(static_cast<std::size_t>(rows)), hj(static_cast<std::size_t>(rows));
  for (long k = 1; k <= s; ++k) {
    long hk = k - shift;
    if (hk < 1) hk += s;
    else if (hk > s) hk -= s;
    for (long r = 0; r < rows; ++r) col[static_cast<std::size_t>(r)] = at(res, r, hk);
    // The jitter slopes (93A-28) of the phase on the interpolated pulse, one UI per row.
    std::fill(hj.begin(), hj.end(), 0.0);
    for (long r = 0; r < rows; ++r) {
      double d;
      if (hk == 1) { if (r + 1 >= rows) continue; d = at(y, r + 1, 2) - at(y, r, s); }
      else if (hk == s) { if (r + 1 >= rows) continue; d = at(y, r + 1, 1) - at(y, r, s - 1); }
      else d = at(y, r, hk + 1) - at(y, r, hk - 1);
      hj[static_cast<std::size_t>(r)] = d / 2.0 * static_cast<double>(s);
    }
    double hj2 = 0.0;
    for (double v : hj) hj2 += v * v;
    const double rj = sp.sigma_rj_ui * sigma_x * std::sqrt(hj2);
    const double sigma_g = std::sqrt(rj * rj + sp.sigma_n_v * sp.sigma_n_v + sp.sigma_tx_v * sp.sigma_tx_v);  // (93A-41)
    std::vector<double> dd(hj);
    for (double& v : dd) v *= sp.a_dd_ui;
    const ComPmf noise = convolve(com_normal_dist(sigma_g, q, sp.step_v), com_pmf_above_bin(dd, sp.levels, sp.step_v));  // (93A-43)
    ComPmf& t = total[static_cast<std::size_t>(k - 1)];
    t = convolve(convolve(com_pmf_above_bin(col, sp.levels, sp.step_v), crosstalk), noise);  // (93A-44, 93A-45)
    std::tie(lo_b[static_cast<std::size_t>(k - 1)], hi_b[static_cast<std::size_t>(k - 1)]) = com_pmf_bounds(t, sp.der0);
  }
  // Each level's shift of the phase's PDF: round(R_LM h(t) a_l / step) bins (conv_fct_MeanNotZero rounds it).
  auto level_shift = [&](long k, int l) {
    const double a = -1.0 + 2.0 * l / (sp.levels - 1);
    return std::lround(amp[static_cast<std::size_t>(k - 1)] * a / sp.step_v);
  };
  ComEye out;
  double best_eh = std::numeric_limits<double>::infinity();
  for (int e = 0; e + 1 < sp.levels; ++e) {
    std::vector<double> top(static_cast<std::size_t>(s)), bot(static_cast<std::size_t>(s));
    for (long k = 1; k <= s; ++k) {
      top[static_cast<std::size_t>(k - 1)] = static_cast<double>(lo_b[static_cast<std::size_t>(k - 1)] + level_shift(k, e + 1)) * sp.step_v;
      bot[static_cast<std::size_t>(k - 1)] = static_cast<double>(hi_b[static_cast<std::size_t>(k - 1)] + level_shift(k, e)) * sp.step_v;
    }
    const double vref = top[static_cast<std::size_t>(half - 1)] / 2.0 + bot[static_cast<std::size_t>(half - 1)] / 2.0;
    const auto [l, r] = com_eye_widths(top, bot, half, vref);
    out.ew_ui.push_back(std::floor(l + r) / static_cast<double>(s));
    const double eh = top[static_cast<std::size_t>(half - 1)] - bot[static_cast<std::size_t>(half - 1)];
    if (eh < best_eh) {
      best_eh = eh;
      out.top_v = std::move(top);
      out.bottom_v = std::move(bot);
    }
  }
  if (t_o > 0 || sp.t_o_mui > 0.0) {
    // The window's phases pooled per level (combine_pdf_same_voltage_axis, rectangle weights),
    // normalised; the eye's bounds from the pooled PDFs; the least opening over the eyes.
    std::vector<long> lo_l(static_cast<std::size_t>(sp.levels)), hi_l(static_cast<std::size_t>(sp.levels));
    for (int l = 0; l < sp.levels; ++l) {
      long a = std::numeric_limits<long>::max(), b = std::numeric_limits<long>::min();
      for (long k = half - t_o; k <= half + t_o; ++k) {
        const ComPmf& t = total[static_cast<std::size_t>(k - 1)];
        a = std::min(a, t.lo + level_shift(k, l));
        b = std::max(b, t.lo + level_shift(k, l) + static_cast<long>(t.p.size()) - 1);
      }
      ComPmf pool;
      pool.step_v = sp.step_v;
      pool.lo = a;
      pool.p.assign(static_cast<std::size_t>(b - a + 1), 0.0);
      for (long k = half - t_o; k <= half + t_o; ++k) {
        const ComPmf& t = total[static_cast<std::size_t>(k - 1)];
        const long off = t.lo + level_shift(k, l) - a;
        for (std::size_t i = 0; i < t.p.size(); ++i) pool.p[static_cast<std::size_t>(off) + i] += t.p[i];
      }
      double sum = 0.0;
      for (double v : pool.p) sum += v;
      for (double& v : pool.p) v /= sum;
      std::tie(lo_l[static_cast<std::size_t>(l)], hi_l[static_cast<std::size_t>(l)]) = com_pmf_bounds(pool, sp.der0);
    }
    double veo = std::numeric_limits<double>::infinity();
    for (int e = 0; e + 1 < sp.levels; ++e)
      veo = std::min(veo, static_cast<double>(lo_l[static_cast<std::size_t>(e + 1)] - hi_l[static_cast<std::size_t>(e)]) * sp.step_v);
    out.veo_v = veo;
  }
  return out;
}

void ComFomSums::reset(std::span<const double> x, int samples_per_ui, int n_pre, int n_post, std::size_t cursor_from,
                       std::size_t cursor_to, int n_b) {
  if (samples_per_ui < 1 || n_pre < 0 || n_post < 0 || n_b < 0 || cursor_to < cursor_from)
    throw std::invalid_argument("COM FOM sums: samples_per_ui >= 1, tap counts >= 0 and a cursor range are required");
  x_ = x;
  m_ = samples_per_ui;
  n_pre_ = n_pre;
  n_post_ = n_post;
  n_b_ = n_b;
  cursor_from_ = cursor_from;
  cursor_to_ = cursor_to;
  off_ = std::max(n_pre, n_post) + 2;  // lane entries before j = 0 (and after the record)
  phases_.resize(static_cast<std::size_t>(m_));
  for (auto& ph : phases_) ph.lane_built = false;  // their storage is kept for the next pulse
  build_suffix();
}

namespace {
// dst[i] += c src[i], i < n (the AVX2 clone four at a time; no FMA: the same roundings).
PHYLANE_SIMD_CLONES void add_scaled(double* __restrict dst, const double* __restrict src, double c, long n) {
  for (long i = 0; i < n; ++i) dst[i] += c * src[i];
}
}  // namespace

void ComFomSums::window(const TxFfe& ffe, long from, long to, std::vector<double>& out) const {
  const long nx = static_cast<long>(x_.size());
  if (ffe.n_pre > n_pre_ || ffe.n_post() > n_post_ || to < from)
    throw std::invalid_argument("COM FOM sums: a window needs from <= to and an FFE the sums were built for");
  // resize + fill, not assign(n, 0): the fill then compiles to memset (with assign the inliner's
  // choice varied with the rest of this file: 2 M more instructions per KR4 run).
  out.resize(static_cast<std::size_t>(to - from));
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t t = 0; t < ffe.taps.size(); ++t) {
    const double c = ffe.taps[t];
    const long shift = (static_cast<long>(t) - ffe.n_pre) * m_;  // reads x(i - shift), zero outside the record
    const long lo = std::clamp(from, shift, nx + shift), hi = std::clamp(to, shift, nx + shift);
    add_scaled(out.data() + (lo - from), x_.data() + (lo - shift), c, hi - lo);
  }
}

const ComFomSums::Phase& ComFomSums::lane(std::size_t phase, std::size_t upto) {
  Phase& ph = phases_[phase];
  const std::size_t m = static_cast<std::size_t>(m_), nx = x_.size(), off = static_cast<std::size_t>(off_);
  if (!ph.lane_built) {
    const std::size_t k = phase < nx ? (nx - phase + m - 1) / m : 0;
    ph.k = k;
    // Entries are written as they are needed, so the storage of the previous pulse is reused
    // without clearing it.
    ph.lane.resize(k + 2 * off);
    std::fill(ph.lane.begin(), ph.lane.begin() + off_, 0.0);
    ph.filled = 0;
    ph.lane_built = true;
  }
  const std::size_t k = ph.k;
  if (ph.filled < upto && ph.filled < k + off) {
    const std::size_t to = std::min(upto, k);
    for (std::size_t j = ph.filled; j < to; ++j) ph.lane[off + j] = x_[j * m + phase];
    ph.filled = std::max(ph.filled, to);
    if (upto > k) {  // past the record: zeros
      std::fill(ph.lane.begin() + static_cast<std::ptrdiff_t>(off + k), ph.lane.end(), 0.0);
      ph.filled = k + off;
    }
  }
  return ph;
}

namespace {
// One lag's suffix sums of build_suffix: from the last row down, acc[p] += x[j M + p] x[(j + d) M + p]
// (zero outside the record), the running sums kept from row end_lo on in `end` and over the near
// rows in `near`, stopping below both. The same additions in the same order as a plain loop; M a
// compile-time constant (0: any, given by m) keeps the running sums in registers, and the AVX2
// clone works on four phases at a time (no FMA: the same roundings).
struct SuffixPass {
  const double* x;
  std::size_t nx, m, rows, d;
  std::size_t near_lo, near_n, end_lo;
  double* near;
  double* end;
};
template <std::size_t M>
PHYLANE_SIMD_CLONES void suffix_pass(const SuffixPass& s) {
  const std::size_t m = M ? M : s.m;
  constexpr std::size_t kMax = M ? M : 1;
  double fixed[kMax] = {};
  std::vector<double> dynamic(M ? 0 : m, 0.0);
  double* acc = M ? fixed : dynamic.data();
  const double* x = s.x;
  for (std::size_t j = s.rows + 1; j-- > 0;) {
    if (j < s.rows) {
      const std::size_t a = j * m, b = (j + s.d) * m;
      if (b + m <= s.nx) {
        const double* xa = x + a;
        const double* xb = x + b;
        for (std::size_t p = 0; p < m; ++p) acc[p] += xa[p] * xb[p];
      } else {
        for (std::size_t p = 0; p < m; ++p)
          acc[p] += (a + p < s.nx ? x[a + p] : 0.0) * (b + p < s.nx ? x[b + p] : 0.0);
      }
    }
    if (j >= s.end_lo) std::copy(acc, acc + m, s.end + (j - s.end_lo) * m);
    if (j >= s.near_lo && j < s.near_lo + s.near_n) std::copy(acc, acc + m, s.near + (j - s.near_lo) * m);
    if (j <= s.near_lo && j <= s.end_lo) break;
  }
}
}  // namespace

void ComFomSums::build_suffix() {
  const std::size_t m = static_cast<std::size_t>(m_), nx = x_.size(), lags = static_cast<std::size_t>(n_pre_ + n_post_ + 1);
  const std::size_t rows = (nx + m - 1) / m;  // UI rows of x, the last one possibly partial
  // The ISI sum of a cursor in UI q starts at j = q + N_b + 1 - a_u and ends at q + n_last + 1 - a_u,
  // n_last = the last n with cursor + n M + 1 inside the record: within lags + 3 of a phase's end.
  const std::size_t q_lo = cursor_from_ / m, q_hi = cursor_to_ / m + 1;
  const std::size_t first = q_lo + static_cast<std::size_t>(n_b_) + 1;
  near_lo_ = std::min(rows, first > static_cast<std::size_t>(n_post_) ? first - static_cast<std::size_t>(n_post_) : 0);
  near_n_ = std::min(rows + 1, q_hi + static_cast<std::size_t>(n_b_ + 1 + n_pre_) + 1) - near_lo_;
  end_lo_ = rows > lags + 4 ? rows - lags - 4 : 0;
  end_n_ = rows + 1 - end_lo_;
  near_.resize(lags * near_n_ * m);
  end_.resize(lags * end_n_ * m);
  for (std::size_t d = 0; d < lags; ++d) {
    const SuffixPass pass{x_.data(), nx, m, rows, d, near_lo_, near_n_, end_lo_, near_.data() + d * near_n_ * m,
                          end_.data() + d * end_n_ * m};
    if (m == 32) suffix_pass<32>(pass);  // COM's usual M
    else if (m == 16) suffix_pass<16>(pass);
    else suffix_pass<0>(pass);
  }
}

double ComFomSums::suffix(std::size_t phase, std::size_t lag, std::size_t j) const {
  const std::size_t m = phases_.size();
  if (j >= end_lo_ && j < end_lo_ + end_n_) return end_[(lag * end_n_ + (j - end_lo_)) * m + phase];
  if (j >= near_lo_ && j < near_lo_ + near_n_) return near_[(lag * near_n_ + (j - near_lo_)) * m + phase];
  // A cursor outside the expected range: summed here, from the end as the kept ones are.
  const std::size_t nx = x_.size();
  double sum = 0.0;
  for (std::size_t i = (nx + m - 1) / m; i-- > j;) {
    const std::size_t a = i * m + phase, b = (i + lag) * m + phase;
    sum += (a < nx ? x_[a] : 0.0) * (b < nx ? x_[b] : 0.0);
  }
  return sum;
}

ComFomSums::Sums ComFomSums::evaluate(const TxFfe& ffe, std::size_t cursor, double h0, std::span<const double> b_min,
                                      std::span<const double> b_max, const ComFloatingDfe* floating,
                                      double isi_budget_v2) {
  const int n_post = ffe.n_post();
  if (ffe.n_pre > n_pre_ || n_post > n_post_ || ffe.taps.empty())
    throw std::invalid_argument("COM FOM sums: the Tx FFE has more taps than the sums were built for");
  if (b_min.size() != b_max.size()) throw std::invalid_argument("COM FOM sums: b_min and b_max differ in length");
  const long m = m_, nx = static_cast<long>(x_.size()), cur = static_cast<long>(cursor);
  if (cur < m || cur + 1 >= nx) throw std::invalid_argument("COM FOM sums: the cursor must lie inside the record");
  const std::size_t nt = ffe.taps.size();
  const long n_last = (nx - 2 - cur) / m;  // the last n with cursor + n M + 1 inside the record
  const long n_b = static_cast<long>(b_max.size());
  const std::size_t phase = static_cast<std::size_t>(cur % m);
  const long q = cur / m;
  // The lane is read up to UI q + n_pre + N_b (the pre-cursors and the DFE's span).
  const Phase& ph = lane(phase, static_cast<std::size_t>(q) + static_cast<std::size_t>(n_pre_) + b_max.size() + 2);
  const long kk = static_cast<long>(ph.k);
  auto clamp_k = [&](long k) { return static_cast<std::size_t>(std::clamp(k, 0L, kk)); };

  Sums out;
  double tail = 0.0;
  // The ISI beyond the DFE, n = N_b + 1 .. n_last: sum_{t,u} c_t c_u sum_n x_p(L_t + n) x_p(L_u + n)
  // with L_t = q - a_t; for t <= u the lag is e = a_u - a_t >= 0 and the sum runs over
  // k = L_u + n from L_u + N_b + 1 to L_u + n_last.
  const long n0 = n_b + 1;
  if (n0 <= n_last) {
    for (std::size_t u = 0; u < nt; ++u) {
      const double cu = ffe.taps[u];
      if (cu == 0.0) continue;
      const long l_u = q - (static_cast<long>(u) - ffe.n_pre);
      const std::size_t k0 = clamp_k(l_u + n0), k1 = clamp_k(l_u + n_last + 1);
      for (std::size_t t = 0; t <= u; ++t) {
        const double ct = ffe.taps[t];
        if (ct == 0.0) continue;
        tail += (t == u ? 1.0 : 2.0) * ct * cu * (suffix(phase, u - t, k0) - suffix(phase, u - t, k1));
      }
    }
  }
  // Every pre-cursor, n = -1 .. -q (the UI-spaced samples from the cursor back to the record's
  // start), as the reference code's optimize_fom: its sigma_ISI is the norm of [precursors;
  // excess_dfe_cursors; far_cursors], 93A-31 over every n != 0 (PyChOpMarg starts at the cursor).
  // Taps summed in order from 0, as apply_tx_ffe does.
  for (long n = 1; n <= q; ++n) {
    double y = 0.0;
    for (std::size_t t = 0; t < nt; ++t)
      y += ffe.taps[t] * ph.lane[static_cast<std::size_t>(off_ + q - n - (static_cast<long>(t) - ffe.n_pre))];
    tail += y * y;
  }
  // The pre-cursors and the ISI beyond the DFE are a lower bound of the setting's ISI (the
  // reference code's skip test, its sigma_ISI_ignoreDFE): past the budget, the setting cannot win.
  if (tail > isi_budget_v2) {
    out.isi_v2 = tail;
    out.pruned = true;
    return out;
  }

  // y(n), n = 0 .. n_e - 1 (the cursor and the DFE's span), one pass over the phase's lane per
  // tap, summed in order from 0 as the record filtered by apply_tx_ffe would be.
  const long n_e = std::min(n_last, n_b) + 1;
  y_.assign(static_cast<std::size_t>(std::max(n_e, 0L)), 0.0);
  for (std::size_t t = 0; t < nt; ++t) {
    const double c = ffe.taps[t];
    const double* src = ph.lane.data() + off_ + q - (static_cast<long>(t) - ffe.n_pre);
    for (long n = 0; n < n_e; ++n) y_[static_cast<std::size_t>(n)] += c * src[n];
  }

  if (floating) {
    // The floating groups for this setting's post-cursors y(1) .. y(N_f), as the reference code
    // places them per candidate; their taps get -+bmaxg, the other taps past N_b none.
    lim_lo_.assign(b_min.begin(), b_min.end());
    lim_hi_.assign(b_max.begin(), b_max.end());
    const std::size_t n_avail = static_cast<std::size_t>(std::max(0L, n_e - 1));
    for (int n : com_floating_dfe_taps(std::span<const double>(y_).subspan(1, std::min(n_avail, b_max.size())), h0,
                                       *floating)) {
      lim_lo_[static_cast<std::size_t>(n - 1)] = -floating->bmaxg;
      lim_hi_[static_cast<std::size_t>(n - 1)] = floating->bmaxg;
    }
    b_min = lim_lo_;
    b_max = lim_hi_;
  }
  for (long n = 1; n <= std::min(n_b, n_e - 1); ++n) {
    const double y = y_[static_cast<std::size_t>(n)];
    const std::size_t b = static_cast<std::size_t>(n - 1);
    const double r = y - std::clamp(y / h0, b_min[b], b_max[b]) * h0;  // (93A-26, 93A-27)
    out.isi_v2 += r * r;
  }
  out.isi_v2 += tail;
  return out;
}

ComCursorResult com_at_cursor(std::span<const double> v, std::size_t cur, const ComCursorSpec& sp,
                              std::span<const std::vector<double>> crosstalk_v) {
  const int m = sp.samples_per_ui, levels = sp.levels;
  const long nv = static_cast<long>(v.size());
  if (m < 1 || levels < 2 || !(sp.der0 > 0.0 && sp.der0 < 1.0) || sp.b_min.size() != sp.b_max.size() ||
      !(sp.a_dd_ui >= 0.0) || !(sp.sigma_rj_ui >= 0.0) || !(sp.sigma_tx_v >= 0.0) || !(sp.sigma_n_v >= 0.0))
    throw std::invalid_argument("com_at_cursor: M >= 1, L >= 2, 0 < DER_0 < 1, sigmas >= 0 and as many b_min as b_max "
                                "are required");
  if (static_cast<long>(cur) < m || static_cast<long>(cur) + m >= nv)
    throw std::invalid_argument("com_at_cursor: cursor " + std::to_string(cur) + " must leave one UI of the " +
                                std::to_string(nv) + "-sample record on each side");
  const double h0 = v[cur];
  if (!(h0 > 0.0)) throw std::invalid_argument("com_at_cursor: h(0) = " + std::to_string(h0) + " V must be > 0");
  const double var_x = (levels * levels - 1.0) / (3.0 * (levels - 1.0) * (levels - 1.0));  // (93A-29)
  const long n_dfe = static_cast<long>(sp.b_max.size());
  ComCursorResult r;
  r.h0_v = h0;
  r.a_s_v = sp.r_lm * h0 / (levels - 1);
  const double ymax = 1.1 * r.a_s_v;
  const long half = std::min(static_cast<long>(ymax / 1e-5), 1000L);  // the reference code's grid (Note 1 of 93A.1.7.1)
  const double step = ymax / static_cast<double>(std::max(half, 1L));
  const double keep = 1e-3 * ymax;  // Note 2 of 93A.1.7.1: smaller samples are left out
  r.step_v = step;
  // The reference code 4.15: the thru's ISI PDF (its get_pdf) from every UI-spaced sample of the
  // cursor's phase but those in the record's first and last UI, every pre-cursor included; the
  // jitter slopes (its OptFom_Calc_Noise, then Create_Noise_PDF) at every UI-spaced sample i with
  // 1 <= i <= N - 2, pre-cursors and the whole tail, no amplitude floor (93A-28, 93A-32).
  const long isi_end = (std::lround(static_cast<double>(nv) / m) - 1) * m;  // round(N / M) - 1 UI
  std::vector<double> isi, hj;
  double var_isi = 0.0, var_slope = 0.0;
  r.dfe.assign(static_cast<std::size_t>(n_dfe), 0.0);
  for (long n = -(static_cast<long>(cur) / m); static_cast<long>(cur) + n * m + 1 < nv; ++n) {
    const long i = static_cast<long>(cur) + n * m;
    if (i < 1) continue;
    double h = v[static_cast<std::size_t>(i)];
    if (n >= 1 && n <= n_dfe) {
      const std::size_t k = static_cast<std::size_t>(n - 1);
      const double b = std::clamp(h / h0, sp.b_min[k], sp.b_max[k]);  // (93A-26)
      r.dfe[k] = b;
      h -= b * h0;  // (93A-27)
    }
    if (n != 0 && i >= m && i < isi_end) {
      var_isi += var_x * h * h;
      if (std::abs(h) > keep) isi.push_back(h);
    }
    const double s = (v[static_cast<std::size_t>(i + 1)] - v[static_cast<std::size_t>(i - 1)]) * m / 2.0;  // (93A-28)
    var_slope += s * s;
    if (std::abs(sp.a_dd_ui * s) > keep) hj.push_back(sp.a_dd_ui * s);
  }
  r.sigma_isi_v = std::sqrt(var_isi);
  r.sigma_rj_v = sp.sigma_rj_ui * std::sqrt(var_x * var_slope);  // (93A-32), random part
  r.sigma_dd_v = sp.a_dd_ui * std::sqrt(var_x * var_slope);      // its dual-Dirac part
  const double sigma_g =
      std::sqrt(sp.sigma_tx_v * sp.sigma_tx_v + r.sigma_rj_v * r.sigma_rj_v + sp.sigma_n_v * sp.sigma_n_v);  // (93A-41)
  ComPdfs& pdf = r.pdfs;
  pdf.isi = com_symbol_pmf(isi, levels, step);
  pdf.noise = com_gaussian_pmf(sigma_g, step);
  pdf.jitter = com_symbol_pmf(hj, levels, step);
  pdf.total = convolve(pdf.isi, convolve(pdf.noise, pdf.jitter));  // (93A-43)
  pdf.crosstalk.step_v = step;
  for (const auto& all : crosstalk_v) {
    std::vector<double> xs;
    for (double x : all)
      if (std::abs(x) > keep) xs.push_back(x);
    pdf.crosstalk = convolve(pdf.crosstalk, com_symbol_pmf(xs, levels, step));  // (93A-44)
  }
  if (!crosstalk_v.empty()) pdf.total = convolve(pdf.total, pdf.crosstalk);
  r.a_ni_v = com_noise_interference_v(pdf.total, sp.der0);
  r.com_db = 20.0 * std::log10(r.a_s_v / r.a_ni_v);
  return r;
}

std::vector<std::string> com_unsupported(const ComParameters& p) {
  std::vector<std::string> out;
  const bool rx_ffe = p.ffe_pre_tap_len > 0 || p.ffe_post_tap_len > 0;
  if (rx_ffe && p.n_bg > 0 && !p.ffe_mmse)
    out.push_back("N_bg = " + std::to_string(p.n_bg) +
                  " with a zero-forcing Rx FFE (floating Rx FFE taps with FFE_OPT_METHOD = MMSE only)");
  if (p.ffe_backoff != 0) out.push_back("ffe_backoff = " + std::to_string(p.ffe_backoff) + " (only 0)");
  if (p.ts_anchor < 0 || p.ts_anchor > 2) out.push_back("ts_anchor = " + std::to_string(p.ts_anchor) + " (0, 1 or 2)");
  if (p.sample_adjustment[0] > 0 || p.sample_adjustment[1] < 0)
    out.push_back("sample_adjustment = [" + std::to_string(p.sample_adjustment[0]) + " " +
                  std::to_string(p.sample_adjustment[1]) + "] (must hold 0: [min max], min <= 0 <= max)");
  if (p.rx_calibration) out.push_back("RX_CALIBRATION");
  if (p.tdr_w_txpkg) out.push_back("TDR_W_TXPKG (the TDR of the channel without packages only)");
  if (p.show_brd) out.push_back("SHOW_BRD (the TDR of the channel without the board only)");
  if (!p.ctle_type.empty() && p.ctle_type != "CL93" && p.ctle_type != "CL120d")
    out.push_back("CTLE_type = " + p.ctle_type + " (CL93 or CL120d)");
  if (p.ctle_type == "CL120d" && (p.g_dc_hp_db.empty() || !p.f_hp_pz_hz))
    out.push_back("CTLE_type = CL120d without g_DC_HP and f_HP_PZ");
  if (p.local_search > 0) {
    // The reference code's local search visits part of the grid; with one setting it is the grid.
    std::size_t settings = std::max<std::size_t>(1, p.g_dc_db.size()) * std::max<std::size_t>(1, p.g_dc_hp_db.size());
    for (const auto& [k, v] : p.tx_taps) settings *= std::max<std::size_t>(1, v.size());
    if (settings > 1)
      out.push_back("Local Search = " + std::to_string(p.local_search) + " with " + std::to_string(settings) +
                    " CTLE and Tx FFE settings (the reference's local search is not implemented: phylane searches "
                    "the whole grid; set Local Search = 0)");
  }
  if (p.raised_cosine && !(p.rc_end_hz > p.rc_start_hz)) out.push_back("Raised_Cosine with RC_end <= RC_Start");
  return out;
}

namespace {

struct Aggressor {
  ComPathKind kind;
  ChannelSpectrum spectrum;
  PulseResult pulse;              // through the current CTLE
  CrosstalkFfeEnergy fext_energy; // FEXT: energy per Tx FFE (and Rx FFE) setting; NEXT with an Rx FFE: per Rx FFE
  double next_energy_v2 = 0.0;    // NEXT: no Tx FFE
};

// The Tx FFE grid of the sheet: the cartesian product of its c(k) lists, c(-n_pre) outermost,
// kept where c(0) = 1 - sum |c(k)| >= c(0) min (93A.1.6; the reference code's filter).
std::vector<TxFfe> com_ffe_grid(const ComParameters& p, int& n_pre, int& n_post) {
  n_pre = 0;
  n_post = 0;
  for (const auto& [k, v] : p.tx_taps) {
    if (k < 0) n_pre = std::max(n_pre, -k);
    if (k > 0) n_post = std::max(n_post, k);
  }
  std::vector<std::vector<double>> lists;
  for (int k = -n_pre; k <= n_post; ++k) {
    if (k == 0) continue;
    auto it = p.tx_taps.find(k);
    lists.push_back(it == p.tx_taps.end() || it->second.empty() ? std::vector<double>{0.0} : it->second);
  }
  std::vector<TxFfe> out;
  std::vector<std::size_t> idx(lists.size(), 0);
  while (true) {
    TxFfe f;
    f.n_pre = n_pre;
    double side = 0.0;
    for (std::size_t i = 0; i < lists.size(); ++i) side += std::abs(lists[i][idx[i]]);
    const double c0 = 1.0 - side;
    if (c0 >= p.c0_min && c0 > 0.0) {  // no tolerance: the reference code compares the same sums
      for (std::size_t i = 0; i < lists.size(); ++i) {
        if (static_cast<int>(i) == n_pre) f.taps.push_back(c0);
        f.taps.push_back(lists[i][idx[i]]);
      }
      if (static_cast<int>(lists.size()) == n_pre) f.taps.push_back(c0);
      out.push_back(std::move(f));
    }
    std::size_t d = lists.size();
    while (d > 0) {
      --d;
      if (++idx[d] < lists[d].size()) break;
      idx[d] = 0;
      if (d == 0) return out;
    }
    if (lists.empty()) return out;
  }
}

// The CTLE settings of the sheet, their (g_DC, g_DC2) and, per setting, the AffineCtle family it
// belongs to (families[fam[i]]) with its gain G = 10^{g_DC/20}: the pulse engine then transforms
// each path twice per family (93A-22 is affine in G at fixed poles) instead of once per setting.
// Without a CTLE: one family, H = 1 = 1 * 1 + 0.
std::vector<Ctle> com_ctles(const ComParameters& p, std::vector<std::pair<double, double>>& gains,
                            std::vector<AffineCtle>& families, std::vector<std::size_t>& fam,
                            std::vector<double>& fam_gain) {
  std::vector<Ctle> out;
  if (!p.include_ctle) {
    out.push_back(Ctle::none());
    gains.push_back({0.0, 0.0});
    families.push_back({{1.0}, {0.0}, {}});
    fam.push_back(0);
    fam_gain.push_back(1.0);
    return out;
  }
  const bool ck = !p.g_dc_hp_db.empty();
  const std::vector<double> g2 = ck ? p.g_dc_hp_db : std::vector<double>{0.0};
  const double f_z = p.f_z_hz > 0 ? p.f_z_hz : p.f_b_baud / 4, f_p1 = p.f_p1_hz > 0 ? p.f_p1_hz : p.f_b_baud / 4,
               f_p2 = p.f_p2_hz > 0 ? p.f_p2_hz : p.f_b_baud;
  for (double b : g2) {  // g_DC2 outer, as the reference code loops
    if (ck && !p.f_hp_pz_hz) throw std::invalid_argument("COM: g_DC_HP needs f_HP_PZ");
    families.push_back(ck ? AffineCtle::com_ck(b, f_z, f_p1, f_p2, *p.f_hp_pz_hz) : AffineCtle::com(f_z, f_p1, f_p2));
    for (double a : p.g_dc_db) {
      out.push_back(ck ? Ctle::com_ck(a, b, f_z, f_p1, f_p2, *p.f_hp_pz_hz) : Ctle::com(a, f_z, f_p1, f_p2));
      gains.push_back({a, b});
      fam.push_back(families.size() - 1);
      fam_gain.push_back(phy::units::db_to_amplitude_ratio(a));
    }
  }
  return out;
}

// The lag products sum_k v(k) v(k + l) of a record's UI-spaced lanes, per phase, computed when a
// candidate first samples that phase (the MMSE Rx FFE's H^T H and noise autocorrelations, per
// CTLE). slope: the lane of jitter slopes (x(i + 1) - x(i - 1)) M / 2 at i = phase + k M (93A-28),
// samples outside the record 0.
class LaneLags {
 public:
  void reset(std::span<const double> x, int m, int lags, bool slope) {
    x_ = x;
    m_ = static_cast<std::size_t>(m);
    lags_ = lags;
    slope_ = slope;
    done_.assign(m_, false);
    s_.resize(m_);
  }
  const std::vector<double>& at(std::size_t phase) {
    if (!done_[phase]) {
      const std::size_t nx = x_.size(), k = (nx + m_ - 1) / m_;
      auto v = [&](long i) { return i >= 0 && i < static_cast<long>(nx) ? x_[static_cast<std::size_t>(i)] : 0.0; };
      lane_.assign(k, 0.0);
      for (std::size_t j = 0; j < k; ++j) {
        const long i = static_cast<long>(j * m_ + phase);
        lane_[j] = slope_ ? (v(i + 1) - v(i - 1)) * static_cast<double>(m_) / 2.0 : v(i);
      }
      com_lag_products(lane_, lags_, s_[phase]);
      done_[phase] = true;
    }
    return s_[phase];
  }

 private:
  std::span<const double> x_;
  std::size_t m_ = 1;
  int lags_ = 1;
  bool slope_ = false;
  std::vector<bool> done_;
  std::vector<std::vector<double>> s_;
  std::vector<double> lane_;
};

}  // namespace

ComCaseResult com_case(const ComParameters& p, int case_number, const ComPath& thru,
                       std::span<const ComPath> aggressors, PulseResponseEngine& engine,
                       std::shared_ptr<ComPackageCache> packages) {
  if (const auto u = com_unsupported(p); !u.empty()) {
    std::string msg = "COM: not supported yet:";
    for (const auto& s : u) msg += " " + s + ";";
    throw std::invalid_argument(msg);
  }
  if (thru.kind != ComPathKind::thru) throw std::invalid_argument("COM: the first path must be the thru");
  if (static_cast<int>(p.b_max.size()) != p.n_b) throw std::invalid_argument("COM: b_max must have N_b values");
  const int m = p.samples_per_ui;
  const double b1_max = p.n_b > 0 ? p.b_max[0] : 0.0;  // no DFE: b(1) = 0 in (93A-25)
  const int levels = p.levels;
  const double var_x = (levels * levels - 1.0) / (3.0 * (levels - 1.0) * (levels - 1.0));  // (93A-29)

  PulseResponseOptions po;
  po.symbol_rate_baud = p.f_b_baud;
  po.samples_per_ui = m;
  po.tx_swing_v = p.a_v_v;
  // FORCE_TR: the Tx edge (93A-46) is applied only when forced, as the reference code does.
  if (p.force_tr && p.include_tx_rx_filter) po.tx_edge = TxEdgeFilter::gaussian(p.t_r_s);
  if (p.include_tx_rx_filter && p.butterworth) po.rx_filter = RxFilter::com_receiver(p.f_b_baud, p.f_r);  // (93A-20)
  // The raised-cosine Rx filter (802.3dj sheets, Raised_Cosine): in cascade with the Butterworth,
  // applied to every path's transfer function and to the receiver noise.
  ComRaisedCosine rc;
  if (p.include_tx_rx_filter && p.raised_cosine) rc = ComRaisedCosine{p.rc_start_hz, p.rc_end_hz};
  // As the reference code 4.15 (FD_Processing, then s21_to_impulse_DC): each path's H21 times the
  // Tx edge and Rx filters at the data frequencies, continued onto the pulse grid 0 ... M f_b / 2
  // by its interp_Sparam (com_reference_continuation), not band-limited above the data; the
  // engine applies no filter of its own. The receiver noise keeps the filters (93A-35).
  const RxFilter rx_filter = po.rx_filter;
  const TxEdgeFilter tx_edge = po.tx_edge;
  const bool continued = !thru.data_hz.empty();
  const auto filters = [tx_edge, rx_filter, rc](double f) {
    return tx_edge.response(f) * rx_filter.response(f) * (rc.on() ? rc.response(f) : 1.0);
  };
  const ComRaisedCosine rc_path = continued ? ComRaisedCosine{} : rc;
  // And the reference code's pulse, the running sum of M impulse samples (com_box_sum_ratio, on
  // the continued spectrum: 4.15 sums in time after its inverse FFT): the exact rectangle's pulse
  // sampled dt/2 later than 4.15's gave A_s 0.3-1.4 % low at 4.15's own equalizer, the MM point
  // falling half a sample earlier on the rising edge (docs/com.md).
  const double dt = 1.0 / (p.f_b_baud * m);
  // The case's packages, shared by its paths when there are several (a thru alone would only
  // keep a copy of each), unless the caller prepared them.
  if (!packages && !aggressors.empty()) packages = make_com_package_cache();
  auto path_transfer = [&](const ComPath& path) {
    TransferFunction t = com_path_transfer(p, case_number, path, packages);
    // Continued: the ratio is applied inside the continuation (one rotation per point, by
    // recurrence above the data; ComSparamInterp::evaluate).
    if (continued) return com_reference_continuation(t, path.data_hz, filters, 0.5 * m * p.f_b_baud, path.name, dt);
    return TransferFunction([t, rc_path, dt](std::span<const double> f, std::span<std::complex<double>> h) {
      t(f, h);
      for (std::size_t k = 0; k < f.size(); ++k) {
        h[k] *= com_box_sum_ratio(f[k], dt);
        if (rc_path.on()) h[k] *= rc_path.response(f[k]);
      }
    });
  };
  if (continued) {
    po.tx_edge = TxEdgeFilter::none();
    po.rx_filter = RxFilter::none();
  }
  // 1500 UI of record (the reference code keeps up to 2048 UI of ISI): a measured cable's slow
  // tail moved its A_ni by 2.7 % between 400 and 1500 UI (COM 0.2 dB), the backplanes' by < 0.5 %.
  // Wrap tolerance 1e-4 of the peak instead of the engine's 1e-5: the pulse engine's time halves,
  // and COM still agrees with the reference code within 0.05 dB (docs/com.md "Agreement").
  // 12 UI before the peak hold the FOM's pre-cursors (every one in the record, as the reference
  // code's optimize_fom): with 60 UI the FOM moved <= 0.003 dB and no choice changed (docs/com.md).
  po.precursor_ui = 12;
  po.record_ui = 1500;
  // Passive: |H| <= 1 but for the box-sum ratio, <= pi/2 at the grid's last bin 1/(2 dt), so the
  // bins the engine leaves out (bounded at 1e-12 of A_v for |H| <= 1) add at most 1.6e-12 A_v.
  po.passive_channel = true;
  // With 4.15's continuation above the data (no Rx filter roll-off there, a kink in |H| and in
  // the phase slope at the data's last point) the pulses keep a slow tail of 1e-4 ... 3e-4 of the
  // peak: at 1e-4 the wrap check grew Peters T20's grid to 486,000 points and the crosstalk set's
  // NEXT paths' to 1,944,000 (3-5x the CPU of the band-limited paths); at 3e-4 the grids of the
  // KR4 NRZ thrus looked at (Peters B1, T20, Case4, Meg6, Nelco6, CABLE1) and of the crosstalk
  // set are 60,750-72,900 points, and on the 44 reference rows A_s and A_ni moved by < 3.7e-5
  // relative, COM by < 1e-14 dB, no choice changed (docs/com.md, "Speed").
  po.wrap_tolerance = continued ? 3e-4 : 1e-4;

  ChannelSpectrum victim = engine.prepare(path_transfer(thru), po);
  std::vector<Aggressor> agg;
  for (const auto& a : aggressors) {
    if (a.kind == ComPathKind::thru) throw std::invalid_argument("COM: an aggressor must be fext or next");
    PulseResponseOptions ao = po;
    ao.tx_swing_v = a.kind == ComPathKind::fext ? p.a_fe_v : p.a_ne_v;
    agg.push_back({a.kind, engine.prepare(path_transfer(a), ao), {}, {}, 0.0});
  }

  int n_pre = 0, n_post = 0;
  const std::vector<TxFfe> ffes = com_ffe_grid(p, n_pre, n_post);
  // The Rx FFE (802.3ck/dj): zero-forced per candidate; it and the Tx FFE act as one UI-spaced
  // filter of n_pre + cmx pre- and n_post + cpx post-cursor taps on the victim and the FEXT.
  const bool rx_ffe = p.ffe_pre_tap_len > 0 || p.ffe_post_tap_len > 0;
  ComRxFfeSpec rx_spec;
  rx_spec.n_pre = p.ffe_pre_tap_len;
  rx_spec.n_post = p.ffe_post_tap_len;
  rx_spec.main_cursor_min = p.ffe_main_cursor_min;
  rx_spec.pre_tap1_max = p.ffe_pre_tap1_max;
  rx_spec.post_tap1_max = p.ffe_post_tap1_max;
  rx_spec.tapn_max = p.ffe_tapn_max;
  rx_spec.step = p.ffe_tap_step_size;
  const int cmx = rx_spec.n_pre, cpx = rx_spec.n_post, n_rx = rx_spec.taps();
  // Floating DFE taps (802.3ck): the DFE spans taps 1 .. N_f, the fixed ones 1 .. N_b with their
  // limits, the N_bg groups placed per candidate (the reference code sets its ndfe to N_f). With an
  // Rx FFE, N_bg groups are floating Rx FFE taps instead (802.3dj, MMSE only; the reference code's
  // Floating_RXFFE): the FFE then spans cmx + 1 + N_f taps, n_span, of which the fixed ones and
  // the groups placed are non-zero.
  const bool floating = p.n_bg > 0 && !rx_ffe;
  const bool floating_rx = p.n_bg > 0 && rx_ffe;
  const int n_span = floating_rx ? cmx + 1 + p.n_f : n_rx, post_span = floating_rx ? p.n_f : cpx;
  ComMmseFloating mfl;
  mfl.n_bg = p.n_bg;
  mfl.n_bf = p.n_bf;
  mfl.n_max = p.n_f;
  mfl.bmaxg = p.bmaxg;
  ComFloatingDfe fl;
  fl.n_b = p.n_b;
  fl.n_f = p.n_f;
  fl.n_bf = p.n_bf;
  fl.n_bg = p.n_bg;
  fl.bmaxg = p.bmaxg;
  const int n_dfe = floating ? p.n_f : p.n_b;
  if (ffes.empty()) throw std::invalid_argument("COM: no Tx FFE setting of the sheet has c(0) >= c(0) min");
  std::vector<std::pair<double, double>> gains;
  std::vector<AffineCtle> families;
  std::vector<std::size_t> fam;
  std::vector<double> fam_gain;
  const std::vector<Ctle> ctles = com_ctles(p, gains, families, fam, fam_gain);
  // Setting ci's pulse of a path: g p_a + p_b of its family (equal to engine.compute(spectrum,
  // ctles[ci]) to rounding, the same grid decisions); a family of one setting (one g_DC, or no
  // CTLE) takes its own single transform instead of two.
  const bool combine = p.include_ctle && p.g_dc_db.size() > 1;
  auto pulse = [&](ChannelSpectrum& spectrum, std::size_t ci) {
    return combine ? engine.compute(spectrum, families[fam[ci]], fam_gain[ci]) : engine.compute(spectrum, ctles[ci]);
  };
  const double fmax = victim.fmax_hz();
  // sigma_N (93A-35) as 4.15 sums it (get_sigma_eta_ACCM_noise): over the thru's data frequencies,
  // so up to their last one when they end below M f_b / 2 (Case4, data to 15 GHz: 0.595 mV as
  // 4.15's instead of 0.711 mV to 412.5 GHz). The Rx FFE's noise autocorrelation keeps the whole
  // band, as 4.15's (its f_xc grid spans 0 ... M f_b / 2).
  const double noise_fmax = continued ? std::min(fmax, thru.data_hz.back()) : fmax;
  const double snr_tx = std::pow(10.0, -p.snr_tx_db / 10.0);

  // The FOM's crosstalk without an Rx FFE as the reference code 4.15 takes it (OptFom_Calc_Noise,
  // its get_xtlk_noise), not from the sampled pulses (93A-33, which COM's A_ni keeps, as 4.15's
  // get_pdf does): on the grid 0, Delta_f, ... to the first point above f_b,
  //   sigma_XT^2 = sigma_X^2 (2 Delta_f / f_2) sum_f A^2 sinc^2(f / f_b) |H_xt(f) H_CTLE(f)|^2 w(f),
  // w = |H_FFE(f)| (the Tx FFE's magnitude, not squared, as 4.15) for FEXT and 1 for NEXT, H_xt
  // the aggressor's H21 with packages and terminations times the Rx filter. Per grid point:
  // xt_w = A^2 sinc^2 sum |H_xt H_r|^2 of each kind; per CTLE, per Tx FFE setting, the sums.
  // The FEXT sum of a Tx FFE setting is formed for every CTLE in one pass over the grid when the
  // setting is first reached (|H_FFE| is evaluated once per point and never stored): per CTLE
  // the same products summed in the same order as one sum per candidate, 13 x fewer passes
  // and no 4 MB table of |H_FFE| per package case.
  const bool xt_fd = !agg.empty() && !rx_ffe;
  const std::size_t nc = ctles.size();
  std::vector<double> xt_f, xt_w_fext, xt_w_next;
  std::vector<double> xt_ctle_fext;   // [k nc + ci]: |H_CTLE,ci(f_k)|^2 xt_w_fext(f_k)
  std::vector<double> xt_ctle_next;   // [ci]: sum_k |H_CTLE,ci(f_k)|^2 xt_w_next(f_k)
  std::vector<double> xt_fext_sum;    // [fi nc + ci]: sum_k xt_ctle_fext(k, ci) |H_FFE,fi(f_k)|
  std::vector<char> xt_fext_done;     // per Tx FFE setting
  std::vector<std::complex<double>> xt_z;        // e^{-j 2 pi f / f_b} on xt_f
  double xt_scale = 0.0;
  if (xt_fd) {
    const double df = p.delta_f_hz;
    if (!(df > 0.0 && df < p.f_b_baud))
      throw std::invalid_argument("COM: Delta_f = " + std::to_string(df) +
                                  " Hz: with aggressors it must be in (0, f_b) (the FOM's crosstalk sum)");
    const auto n2 = static_cast<std::size_t>(std::floor(p.f_b_baud / df * (1.0 + 1e-12))) + 1;
    for (std::size_t n = 0; n <= n2; ++n) xt_f.push_back(static_cast<double>(n) * df);
    xt_scale = 2.0 * df / p.f_2_hz.value_or(p.f_b_baud);
    xt_w_fext.assign(xt_f.size(), 0.0);
    xt_w_next.assign(xt_f.size(), 0.0);
    std::vector<std::complex<double>> h(xt_f.size());
    for (const ComPath& a : aggressors) {
      com_path_transfer(p, case_number, a, packages)(xt_f, h);
      const bool fext = a.kind == ComPathKind::fext;
      const double amp = fext ? p.a_fe_v : p.a_ne_v;
      std::vector<double>& w = fext ? xt_w_fext : xt_w_next;
      for (std::size_t k = 0; k < xt_f.size(); ++k) {
        const double x = phy::pi * xt_f[k] / p.f_b_baud;
        const double sinc = x == 0.0 ? 1.0 : std::sin(x) / x;
        const double rcf = rc.on() ? rc.response(xt_f[k]) : 1.0;
        w[k] += amp * amp * sinc * sinc * std::norm(h[k] * rx_filter.response(xt_f[k]) * rcf);
      }
    }
    xt_z.resize(xt_f.size());
    for (std::size_t k = 0; k < xt_f.size(); ++k) xt_z[k] = std::polar(1.0, -2.0 * phy::pi * xt_f[k] / p.f_b_baud);
    xt_ctle_fext.resize(xt_f.size() * nc);
    xt_ctle_next.assign(nc, 0.0);
    for (std::size_t ci = 0; ci < nc; ++ci)
      for (std::size_t k = 0; k < xt_f.size(); ++k) {
        const double c2 = std::norm(ctles[ci].response(xt_f[k]));
        xt_ctle_fext[k * nc + ci] = c2 * xt_w_fext[k];
        xt_ctle_next[ci] += c2 * xt_w_next[k];
      }
    xt_fext_sum.assign(ffes.size() * nc, 0.0);
    xt_fext_done.assign(ffes.size(), 0);
  }
  // Setting fi's FEXT sum for CTLE ci.
  auto xt_fext = [&](std::size_t fi, std::size_t ci) {
    double* sum = xt_fext_sum.data() + fi * nc;
    if (!xt_fext_done[fi]) {
      const TxFfe& ffe = ffes[fi];
      for (std::size_t k = 0; k < xt_f.size(); ++k) {
        // |sum_t c_t z^(t - n_pre)| = |sum_t c_t z^t| (|z| = 1), by Horner from the last tap
        std::complex<double> v = 0.0;
        for (std::size_t t = ffe.taps.size(); t-- > 0;) v = v * xt_z[k] + ffe.taps[t];
        const double mag = std::abs(v);
        const double* w = xt_ctle_fext.data() + k * nc;
        for (std::size_t c = 0; c < nc; ++c) sum[c] += w[c] * mag;
      }
      xt_fext_done[fi] = 1;
    }
    return sum[ci];
  };

  CandidateRanking ranking;
  std::size_t best_ctle = 0, best_ffe = 0;
  double best_fom = -std::numeric_limits<double>::infinity();
  // The pulses of the best CTLE so far (the victim's and each aggressor's), for COM below, and the
  // grid each was computed on: a later CTLE may enlarge a path's grid (the wrap check), and COM
  // then takes that path's pulse on the final grid, as computing it after the search does.
  PulseResult best_pulse;
  std::vector<PulseResult> best_agg(agg.size());
  // Grids only grow: the same size and low band as at the end of the search means the same grid.
  using Grid = std::pair<std::size_t, double>;
  auto grid = [](const PulseResult& r) { return Grid{r.fft_size, r.low_band_period_s}; };
  Grid last_grid;                                     // the victim's after the last CTLE
  std::vector<Grid> last_agg_grid(agg.size());
  std::size_t kept_ctle = ctles.size();
  std::vector<double> win;
  if (n_pre + n_post + 1 > 8) throw std::invalid_argument("COM: at most 8 Tx FFE taps");
  // The DFE limits of taps 1 .. n_dfe: the sheet's for 1 .. N_b, 0 beyond (floating taps get
  // +-bmaxg where placed).
  std::vector<double> b_lo(static_cast<std::size_t>(n_dfe), 0.0), b_hi(static_cast<std::size_t>(n_dfe), 0.0);
  for (std::size_t n = 0; n < static_cast<std::size_t>(p.n_b); ++n) {
    b_hi[n] = p.b_max[n];
    b_lo[n] = p.b_min.empty() ? -p.b_max[n] : p.b_min[n];
  }
  ComFomSums sums;
  ComSlopeSums slopes;
  // sigma_N per CTLE (93A-35): without the rc filter, the family's integrals at once.
  std::vector<double> noise_v =
      rc.on() ? std::vector<double>(ctles.size()) : integrated_noise_sigmas_v(p.eta_0_v2_per_hz, rx_filter, ctles, noise_fmax);
  std::vector<std::vector<double>> noise_r(ctles.size());  // with an Rx FFE: the noise's UI-lag autocorrelation
  std::vector<double> best_rx;                 // the winner's Rx FFE taps
  std::vector<double> hs(static_cast<std::size_t>(2 * n_rx + 1)), rx_taps;
  TxFfe cascade;                               // Tx FFE then Rx FFE, per candidate
  // The MMSE Rx FFE (802.3dj, FFE_OPT_METHOD = MMSE): per candidate the noise autocorrelation at
  // the FFE's input and the pulse's lag products from per-phase lag products of the CTLE's output
  // (lanes of the victim, its jitter slopes and each aggressor), filtered by the Tx FFE.
  const bool mmse = rx_ffe && p.ffe_mmse;
  ComMmseSpec mspec;
  mspec.n_pre = cmx;
  mspec.n_post = cpx;
  mspec.pre_tap1_max = p.ffe_pre_tap1_max;
  mspec.post_tap1_max = p.ffe_post_tap1_max;
  mspec.tapn_max = p.ffe_tapn_max;
  mspec.b_min.assign(b_lo.begin(), b_lo.begin() + p.n_b);
  mspec.b_max.assign(b_hi.begin(), b_hi.begin() + p.n_b);
  const int tx_taps = n_pre + n_post + 1, mlags = n_span + tx_taps - 1;
  LaneLags vic_lags, slope_lags;
  std::vector<LaneLags> agg_lags(mmse ? agg.size() : 0);
  std::vector<std::size_t> next_phase(agg.size(), 0);
  std::vector<double> hl, rj, rx_lag, rn(static_cast<std::size_t>(n_span)), hwin;
  double best_tn_v = 0.0;                      // MMSE: the winner's Tx noise through its Rx FFE
  std::vector<int> best_rx_floating;           // floating Rx FFE taps: the winner's post-cursors
  // sample_adjustment [lo hi]: offsets from the anchored point in the reference's order (sorted by
  // |itick|, stable: -1 before +1); [0 0]: the point itself.
  std::vector<int> itick_order;
  for (int it = p.sample_adjustment[0]; it <= p.sample_adjustment[1]; ++it) itick_order.push_back(it);
  if (itick_order.empty()) itick_order.push_back(0);
  std::stable_sort(itick_order.begin(), itick_order.end(), [](int a, int b) { return std::abs(a) < std::abs(b); });
  int best_itick = 0;
  std::size_t candidates = 0;
  for (std::size_t ci = 0; ci < ctles.size(); ++ci) {
    PulseResult pr = pulse(victim, ci);
    const std::vector<double>& x = pr.pulse.samples_v;
    const long peak0 = static_cast<long>(pr.pulse.main_index);
    if (rc.on()) noise_v[ci] = std::sqrt(com_noise_autocorrelation(p.eta_0_v2_per_hz, rx_filter, ctles[ci], noise_fmax, p.f_b_baud, 1, rc)[0]);
    double sigma_n = noise_v[ci];  // (93A-35)
    if (rx_ffe)  // 93A-35 through the Rx FFE: sigma_N^2 = sum_ij c_i c_j r(|i - j|)
      noise_r[ci] = com_noise_autocorrelation(p.eta_0_v2_per_hz, rx_filter, ctles[ci], fmax, p.f_b_baud, n_span, rc);
    double next_xt = 0.0;
    // Without an Rx FFE the FOM's crosstalk comes from the spectra (above): the aggressors'
    // pulses are formed only for the chosen CTLE, for A_ni, after the search.
    for (std::size_t k = 0; k < agg.size() && !xt_fd; ++k) {
      auto& a = agg[k];
      a.pulse = pulse(a.spectrum, ci);
      if (mmse) {  // FEXT: best phase after each Tx FFE; NEXT: through no Tx FFE, its best phase
        if (a.kind == ComPathKind::fext) a.fext_energy.reset(a.pulse.pulse, n_pre, n_post);
        else next_phase[k] = crosstalk_phase(a.pulse.pulse).phase;
        agg_lags[k].reset(a.pulse.pulse.samples_v, m, mlags, false);
      } else if (a.kind == ComPathKind::fext) a.fext_energy.reset(a.pulse.pulse, n_pre + cmx, n_post + cpx);
      else if (rx_ffe) a.fext_energy.reset(a.pulse.pulse, cmx, cpx);  // NEXT: through the Rx FFE alone
      else next_xt += crosstalk_phase(a.pulse.pulse).energy_v2;  // NEXT: through no Tx FFE (93A.1.6)
    }
    if (mmse) {
      vic_lags.reset(x, m, mlags, false);
      slope_lags.reset(x, m, mlags, true);
    }
    // The window of the equalised pulse around the unequalised peak: the peak within 2 UI of it,
    // the sampling rule reading 5 UI before and 3 UI after that.
    const long w0 = peak0 - 8L * m, w1 = peak0 + 8L * m;
    sums.reset(x, m, n_pre + cmx, n_post + cpx, static_cast<std::size_t>(std::max(w0, 0L)),
               static_cast<std::size_t>(std::max(w1, 0L)), n_dfe);
    slopes.reset(x, m, n_pre + cmx + n_post + cpx + 1);
    for (std::size_t fi = 0; fi < ffes.size(); ++fi) {
      const TxFfe& ffe = ffes[fi];
      sums.window(ffe, w0, w1, win);
      // The equalised pulse's peak near the unequalised one, then COM's sampling point.
      std::size_t pk = static_cast<std::size_t>(6 * m);
      for (std::size_t i = 6 * m; i < win.size() - 6 * static_cast<std::size_t>(m); ++i)
        if (win[i] > win[pk]) pk = i;
      const std::optional<std::size_t> anchored = com_anchor_index(win, pk, m, p.ts_anchor, b1_max);
      if (!anchored) continue;  // no 1 % crossing: the reference code skips the setting
      const std::size_t cw0 = *anchored;
      // sample_adjustment: the reference code's itick sweep around that point, |itick| ascending
      // (ties: the earlier), each offset a candidate of its own.
      for (const int itick : itick_order) {
      const long cwl = static_cast<long>(cw0) + itick;
      if (cwl < m || cwl + m + 1 >= static_cast<long>(win.size())) continue;
      const std::size_t cw = static_cast<std::size_t>(cwl);
      const long cursor = w0 + static_cast<long>(cw);
      double h0 = win[cw];
      ++candidates;
      const TxFfe* eq = &ffe;
      if (mmse) {
        // The reference code's order (4.x, FFE_OPT_METHOD = MMSE): the sampling point of the Tx
        // FFE's output, the noise autocorrelation there (its get_PSDs: receiver noise, Tx noise,
        // jitter, crosstalk), the MMSE Rx FFE and DFE; its FOM ranks the candidate.
        if (!(h0 > 0.0)) continue;
        const std::size_t ph = static_cast<std::size_t>(cursor % m);
        const long q = cursor / m;
        const std::vector<double>& sx = vic_lags.at(ph);
        com_filtered_autocorrelation(sx, ffe, n_span, hl);                   // H^T H
        com_filtered_autocorrelation(slope_lags.at(ph), ffe, n_span, rj);    // jitter slopes
        const double jit = p.a_dd_ui * p.a_dd_ui + p.sigma_rj_ui * p.sigma_rj_ui;
        for (std::size_t d = 0; d < rn.size(); ++d)
          rn[d] = noise_r[ci][d] + var_x * (snr_tx * sx[d] + jit * rj[d]);
        for (std::size_t k = 0; k < agg.size(); ++k) {
          if (agg[k].kind == ComPathKind::fext) {
            com_filtered_autocorrelation(agg_lags[k].at(agg[k].fext_energy.best(ffe).phase), ffe, n_span, rx_lag);
            for (std::size_t d = 0; d < rn.size(); ++d) rn[d] += var_x * rx_lag[d];
          } else {
            const std::vector<double>& sa = agg_lags[k].at(next_phase[k]);
            for (std::size_t d = 0; d < rn.size(); ++d) rn[d] += var_x * sa[d];
          }
        }
        // The pulse's UI samples the MMSE reads: q - post ... q + pre + N_b (post: the FFE's
        // last post-cursor tap, N_f with floating taps).
        hwin.assign(static_cast<std::size_t>(post_span + cmx + p.n_b + 1), 0.0);
        for (std::size_t j = 0; j < hwin.size(); ++j) {
          const long n = q - post_span + static_cast<long>(j);
          double v = 0.0;
          for (std::size_t t = 0; t < ffe.taps.size(); ++t) {
            const long i = (n - (static_cast<long>(t) - ffe.n_pre)) * m + static_cast<long>(ph);
            if (i >= 0 && i < static_cast<long>(x.size())) v += ffe.taps[t] * x[static_cast<std::size_t>(i)];
          }
          hwin[j] = v;
        }
        const ComMmseResult mr =
            floating_rx ? com_rx_ffe_mmse_floating(hwin, static_cast<std::size_t>(post_span), rn, var_x, p.r_lm, levels, mspec, mfl, hl)
                        : com_rx_ffe_mmse(hwin, static_cast<std::size_t>(cpx), rn, var_x, p.r_lm, levels, mspec, hl);
        if (!mr.solved) continue;
        if (ranking.offer(mr.fom_db, ctles[ci].peaking_db(), ffe.side_weight())) {
          best_fom = mr.fom_db;
          best_ctle = ci;
          best_ffe = fi;
          best_itick = itick;
          best_rx = mr.c;
          best_rx_floating = mr.floating_taps;
          // The Tx noise through the Rx FFE (the reference code's tn_rms of its PSDs).
          double tn = 0.0;
          for (int i = 0; i < n_span; ++i)
            for (int j = 0; j < n_span; ++j)
              tn += mr.c[static_cast<std::size_t>(i)] * mr.c[static_cast<std::size_t>(j)] * sx[static_cast<std::size_t>(std::abs(i - j))];
          best_tn_v = std::sqrt(std::max(0.0, var_x * snr_tx * tn));
        }
        continue;
      }
      if (rx_ffe) {
        // The reference code's order: the sampling point of the Tx FFE's output, the Rx FFE
        // zero-forced there, illegal taps skip the candidate, the cursor read at the same sample.
        for (int k = -n_rx; k <= n_rx; ++k) {
          double v = 0.0;
          for (std::size_t t = 0; t < ffe.taps.size(); ++t) {
            const long i = cursor + (k - (static_cast<long>(t) - ffe.n_pre)) * m;
            if (i >= 0 && i < static_cast<long>(x.size())) v += ffe.taps[t] * x[static_cast<std::size_t>(i)];
          }
          hs[static_cast<std::size_t>(k + n_rx)] = v;
        }
        rx_taps = com_rx_ffe_force(hs, rx_spec, p.n_b > 0, b1_max);
        if (rx_taps.empty() || !com_rx_ffe_legal(rx_taps, rx_spec)) continue;
        cascade = com_cascade_ffe(ffe, rx_taps, cmx);
        eq = &cascade;
        h0 = 0.0;
        for (int i = 0; i < n_rx; ++i) h0 += rx_taps[static_cast<std::size_t>(i)] * hs[static_cast<std::size_t>(cmx - i + n_rx)];
        double var_n = 0.0;
        for (int i = 0; i < n_rx; ++i)
          for (int j = 0; j < n_rx; ++j)
            var_n += rx_taps[static_cast<std::size_t>(i)] * rx_taps[static_cast<std::size_t>(j)] *
                     noise_r[ci][static_cast<std::size_t>(std::abs(i - j))];
        sigma_n = std::sqrt(std::max(0.0, var_n));
      }
      if (!(h0 > 0.0)) continue;
      const double a_s = p.r_lm * h0 / (levels - 1);
      // A setting whose ISI beyond the DFE alone keeps its FOM 1e-6 dB below the best cannot win
      // (nor tie): its other sums are skipped.
      const double budget = std::isfinite(best_fom) ? a_s * a_s / (var_x * std::pow(10.0, (best_fom - 1e-6) / 10.0))
                                                    : std::numeric_limits<double>::infinity();
      // ISI after the DFE, every pre-cursor and the jitter slopes (93A-27, 93A-28, 93A-31, 93A-32).
      const ComFomSums::Sums s =
          sums.evaluate(*eq, static_cast<std::size_t>(cursor), h0, b_lo, b_hi, floating ? &fl : nullptr, budget);
      if (s.pruned) continue;
      // The jitter slopes of every UI-spaced sample of the record (the reference code 4.15).
      const double slope_v2 = slopes.sum(*eq, static_cast<std::size_t>(cursor % m));
      double xt = next_xt;
      if (xt_fd) {
        xt = xt_scale * (xt_fext(fi, ci) + xt_ctle_next[ci]);
      } else {
        for (const auto& a : agg) {
          if (a.kind == ComPathKind::fext) xt += a.fext_energy.best(*eq).energy_v2;  // (93A-33)
          else if (rx_ffe) xt += a.fext_energy.best(TxFfe{cmx, rx_taps}).energy_v2;
        }
      }
      const double var = var_x * s.isi_v2 + (p.a_dd_ui * p.a_dd_ui + p.sigma_rj_ui * p.sigma_rj_ui) * var_x * slope_v2 +
                         h0 * h0 * snr_tx + var_x * xt + sigma_n * sigma_n;  // (93A-30 ... 93A-35)
      const double fom = 10.0 * std::log10(a_s * a_s / var);                  // (93A-36)
      if (ranking.offer(fom, ctles[ci].peaking_db(), ffe.side_weight())) {
        best_fom = fom;
        best_ctle = ci;
        best_ffe = fi;
        best_itick = itick;
        if (rx_ffe) best_rx = rx_taps;
      }
      }
    }
    last_grid = grid(pr);
    if (!xt_fd)
      for (std::size_t k = 0; k < agg.size(); ++k) last_agg_grid[k] = grid(agg[k].pulse);
    if (best_ctle == ci && kept_ctle != ci && std::isfinite(best_fom)) {  // kept by moving: no copies
      best_pulse = std::move(pr);
      if (!xt_fd)
        for (std::size_t k = 0; k < agg.size(); ++k) best_agg[k] = std::move(agg[k].pulse);
      kept_ctle = ci;
    }
  }
  if (!std::isfinite(best_fom)) throw std::runtime_error(
        "COM: no equalizer setting gives a sampling point (a rise through 1 % of the peak within 4 UI before it, the "
        "reference code's rule for ts_anchor 0) with a positive main cursor");
  if (grid(best_pulse) != last_grid) best_pulse = pulse(victim, best_ctle);
  for (std::size_t k = 0; k < agg.size(); ++k)
    if (xt_fd || grid(best_agg[k]) != last_agg_grid[k]) best_agg[k] = pulse(agg[k].spectrum, best_ctle);

  // The chosen setting: COM from the PDFs (93A.1.7).
  ComCaseResult r;
  r.package_case = case_number;
  r.fom_db = best_fom;
  r.candidates = candidates;
  r.equalizer.g_dc_db = gains[best_ctle].first;
  r.equalizer.g_dc2_db = gains[best_ctle].second;
  r.equalizer.tx_ffe = ffes[best_ffe];
  PulseResponse y = apply_tx_ffe(best_pulse.pulse, ffes[best_ffe]);
  std::size_t peak = 0;
  for (std::size_t i = 1; i < y.samples_v.size(); ++i)
    if (y.samples_v[i] > y.samples_v[peak]) peak = i;
  const std::optional<std::size_t> anchored = com_anchor_index(y.samples_v, peak, m, p.ts_anchor, b1_max);
  if (!anchored) throw std::runtime_error("COM: the chosen setting's pulse has no 1 % crossing before its peak");
  const std::size_t cur = static_cast<std::size_t>(static_cast<long>(*anchored) + best_itick);
  if (rx_ffe) {  // the Rx FFE after the sampling point was found, as in the search
    r.equalizer.rx_ffe = TxFfe{cmx, best_rx};
    r.equalizer.rx_ffe_floating_taps = best_rx_floating;
    PulseResponse ytx = std::move(y);
    com_apply_fir(ytx, r.equalizer.rx_ffe, y);
  }
  const auto& v = y.samples_v;
  const double h0 = v[cur];
  r.h0_v = h0;
  r.cursor_ui = (static_cast<double>(cur) - static_cast<double>(peak)) / m;
  const double a_s = p.r_lm * h0 / (levels - 1);
  const double keep = 1e-3 * (1.1 * a_s);  // Note 2 of 93A.1.7.1 (as com_at_cursor): smaller samples are left out

  // The DFE's limits: the sheet's, and with floating taps the groups placed for this pulse as in
  // the search (the same pulse and cursor give the same groups).
  std::vector<double> lo = b_lo, hi = b_hi;
  if (floating) {
    std::vector<double> post(static_cast<std::size_t>(n_dfe), 0.0);
    for (long n = 1; n <= n_dfe; ++n) {
      const long i = static_cast<long>(cur) + n * m;
      if (i + 1 < static_cast<long>(v.size())) post[static_cast<std::size_t>(n - 1)] = v[static_cast<std::size_t>(i)];
    }
    r.equalizer.floating_taps = com_floating_dfe_taps(post, h0, fl);
    for (int n : r.equalizer.floating_taps) {
      lo[static_cast<std::size_t>(n - 1)] = -p.bmaxg;
      hi[static_cast<std::size_t>(n - 1)] = p.bmaxg;
    }
  }
  double sigma_n = noise_v[best_ctle];
  // With the MMSE Rx FFE the reference code keeps sigma_N of the CTLE alone (its optimize_fom
  // filters eta_0 through the Rx FFE only on the zero-forcing path): followed, docs/com.md.
  if (rx_ffe && !mmse) {  // 93A-35 through the Rx FFE
    double var_n = 0.0;
    for (int i = 0; i < n_rx; ++i)
      for (int j = 0; j < n_rx; ++j)
        var_n += best_rx[static_cast<std::size_t>(i)] * best_rx[static_cast<std::size_t>(j)] *
                 noise_r[best_ctle][static_cast<std::size_t>(std::abs(i - j))];
    sigma_n = std::sqrt(std::max(0.0, var_n));
  }
  // The aggressors' UI-spaced samples at their own best phase (93A-33): FEXT through the Tx FFE
  // (and the Rx FFE), NEXT through no Tx FFE (and the Rx FFE).
  double var_xt = 0.0;
  std::vector<std::vector<double>> xt_all, xt_samples;  // all samples; those kept, for the eye's grid (com_eye)
  for (std::size_t k = 0; k < agg.size(); ++k) {
    PulseResponse filtered;
    const bool fext = agg[k].kind == ComPathKind::fext;
    if (rx_ffe) com_apply_fir(best_agg[k].pulse, fext ? com_cascade_ffe(ffes[best_ffe], best_rx, cmx) : r.equalizer.rx_ffe, filtered);
    else if (fext) apply_tx_ffe(best_agg[k].pulse, ffes[best_ffe], filtered);
    const PulseResponse& ap = rx_ffe || fext ? filtered : best_agg[k].pulse;
    const CrosstalkPhase ph = crosstalk_phase(ap);  // (93A-33)
    std::vector<double> xs;
    for (std::size_t i = ph.phase; i < ap.samples_v.size(); i += static_cast<std::size_t>(m)) xs.push_back(ap.samples_v[i]);
    var_xt += var_x * ph.energy_v2;
    if (p.eye_width || p.c2m) {
      std::vector<double> kept;
      for (double x : xs)
        if (std::abs(x) > keep) kept.push_back(x);
      xt_samples.push_back(std::move(kept));
    }
    xt_all.push_back(std::move(xs));
  }
  ComCursorSpec cs;
  cs.samples_per_ui = m;
  cs.levels = levels;
  cs.r_lm = p.r_lm;
  cs.der0 = p.der_0;
  cs.a_dd_ui = p.a_dd_ui;
  cs.sigma_rj_ui = p.sigma_rj_ui;
  // (93A-30); with the MMSE Rx FFE the Tx noise through it, as the reference code's PSDs.
  cs.sigma_tx_v = mmse ? best_tn_v : h0 * std::sqrt(snr_tx);
  cs.sigma_n_v = sigma_n;
  cs.b_min = lo;
  cs.b_max = hi;
  ComCursorResult at = com_at_cursor(v, cur, cs, xt_all);
  for (long n = 1; n <= n_dfe; ++n) {
    const double b = at.dfe[static_cast<std::size_t>(n - 1)];
    if (n <= p.n_b) r.equalizer.dfe.push_back(b);
    else if (std::find(r.equalizer.floating_taps.begin(), r.equalizer.floating_taps.end(), n) !=
             r.equalizer.floating_taps.end())
      r.equalizer.floating_b.push_back(b);
  }
  r.a_s_v = at.a_s_v;
  r.sigma_isi_v = at.sigma_isi_v;
  r.sigma_tx_v = cs.sigma_tx_v;
  r.sigma_rj_v = at.sigma_rj_v;
  r.sigma_dd_v = at.sigma_dd_v;
  r.sigma_n_v = sigma_n;
  r.pdfs = std::move(at.pdfs);
  r.sigma_xt_v = std::sqrt(var_xt);
  r.a_ni_v = at.a_ni_v;
  r.com_db = at.com_db;
  // VEO as 4.15 reports it (VEO_mV = 1000 * 2 (A_s - A_ni), its T_O = 0 branch): the opening
  // between the inner eye's upper and lower edges at DER_0.
  r.veo_v = 2.0 * (r.a_s_v - r.a_ni_v);
  if (p.eye_width || p.c2m) {
    // 4.15's EW (forced on by PMD_type C2M): the eye over the UI (com_eye); with C2M and T_O > 0
    // VEO is its windowed opening and 4.15 redefines A_ni and COM from it (its eq. "124E-4" branch).
    ComEyeSpec es;
    es.samples_per_ui = m;
    es.samples_for_c2m = p.samples_for_c2m;
    es.levels = levels;
    es.r_lm = p.r_lm;
    // 4.15's grid for the eye: its delta_y = min(A_s / 1000, PDF bin size), finer than the grid
    // of A_ni above (docs/com.md), the crosstalk PDF rebuilt on it.
    es.step_v = std::min(r.a_s_v / 1000.0, p.pdf_bin_size_v);
    es.der0 = p.der_0;
    es.b_min = lo;
    es.b_max = hi;
    es.sigma_rj_ui = p.sigma_rj_ui;
    es.a_dd_ui = p.a_dd_ui;
    es.sigma_n_v = r.sigma_n_v;
    es.sigma_tx_v = r.sigma_tx_v;
    const double t_o = p.c2m ? p.t_o_mui : 0.0;
    es.t_o_mui = t_o;
    ComPmf xt_eye;
    xt_eye.step_v = es.step_v;
    for (const auto& xs : xt_samples) xt_eye = convolve(xt_eye, com_symbol_pmf(xs, levels, es.step_v));
    const ComEye eye = com_eye(v, cur, xt_eye, es);
    r.ew_ui = eye.ew_ui;
    r.veo_window_mui = t_o;
    if (t_o != 0.0) {
      r.veo_v = eye.veo_v;
      r.a_ni_v = 2.0 * r.a_s_v - r.veo_v;
      r.com_db = 20.0 * std::log10(2.0 * r.a_s_v / r.a_ni_v);
    }
  }
  r.pulse = std::move(y);
  return r;
}

}  // namespace phylane::solvers
