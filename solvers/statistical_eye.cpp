#include "solvers/statistical_eye.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "phy/gaussian.hpp"
#include "phy/units.hpp"
#include "solvers/parallel.hpp"
#include "solvers/simd.hpp"

namespace phylane::solvers {

DfeSpec DfeSpec::limited(int taps, const channels::DfeLimits& limits, double h0_v) {
  DfeSpec d;
  d.taps = taps;
  if (taps <= 0 || !limits.limited()) return d;
  const double h0 = std::abs(h0_v);
  for (int j = 1; j <= taps; ++j) {
    // The same bounds as DfeLimits::feedback: the relative clip, then the absolute clamp.
    const double a = limits.abs_for(j);
    const double lo = std::isinf(limits.min_for(j)) ? limits.min_for(j) : limits.min_for(j) * h0;
    const double hi = std::isinf(limits.max_for(j)) ? limits.max_for(j) : limits.max_for(j) * h0;
    d.tap_min_v.push_back(std::max(lo, -a));
    d.tap_max_v.push_back(std::min(hi, a));
  }
  return d;
}

using phy::normal_pdf;
using phy::q_function;
using phy::q_inverse;

std::string to_string(EyeStatus s) { return s == EyeStatus::open ? "open" : "closed"; }

std::string to_string(Impairment i) {
  switch (i) {
    case Impairment::isi:
      return "isi";
    case Impairment::noise:
      return "noise";
    case Impairment::jitter:
      return "jitter";
    case Impairment::crosstalk:
      return "crosstalk";
  }
  return "?";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Q(z) = phi(z) R(z) with R the Mills ratio Q/phi, which is smooth and slowly varying (about 1/z
// in the tail), tabulated on a 1/64 grid and interpolated cubically: relative error < 1e-9 for
// 0 <= z < 37.5 (the enumeration tests compare against std::erfc). Q(z) = 1 - Q(-z) for z < 0;
// 0 beyond z = 37.5 (Q(37.5) = 5e-309). Along an arithmetic sequence of z (a kernel of the
// Gaussian tail on the grid) phi is updated by a two-multiply recurrence, so a kernel costs no
// exp per entry.
class QTable {
 public:
  static const QTable& instance() {
    static const QTable t;
    return t;
  }
  // out[i] = Q(z0 + i dz), i = 0 ... n-1.
  void fill(double z0, double dz, long n, double* out) const {
    double phi = 0.0, a = 0.0;
    const double b = std::exp(-dz * dz);
    for (long i = 0; i < n; ++i) {
      const double z = z0 + static_cast<double>(i) * dz;
      if ((i & 63) == 0) {  // re-anchor the recurrence (bounds its rounding drift to ~1e-13)
        phi = normal_pdf(z);
        a = std::exp(-z * dz - 0.5 * dz * dz);
      }
      out[i] = z >= 0.0 ? phi * mills(z) : 1.0 - phi * mills(-z);
      phi *= a;
      a *= b;
    }
  }

 private:
  static constexpr double kInvStep = 64.0;
  static constexpr double kMax = 37.5;
  std::vector<double> r_;  // r_[k] = R((k - 1) / 64), k = 0 ... N + 3

  static double mills_exact(double z) {
    if (z < 8.0) return q_function(z) / normal_pdf(z);
    // Laplace's continued fraction R = 1/(z + 1/(z + 2/(z + 3/(z + ...)))), converged for z >= 8:
    // from 15 terms on, every table point's value is the same double as with 200 (checked over
    // the whole table); 40 keep a margin at a fifth of the cost (the table is built once per
    // process, and 200 terms made it 2 % of an eye on a measured channel).
    double f = z;
    for (int k = 40; k >= 1; --k) f = z + k / f;
    return 1.0 / f;
  }
  QTable() {
    const int n = static_cast<int>(kMax * kInvStep) + 4;
    r_.resize(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) r_[static_cast<std::size_t>(k)] = mills_exact((k - 1) / kInvStep);
  }
  double mills(double z) const {  // z >= 0
    if (z >= kMax) return 0.0;
    const double u = z * kInvStep;
    const int i = static_cast<int>(u);
    const double f = u - i;
    const double* p = &r_[static_cast<std::size_t>(i)];  // nodes i-1, i, i+1, i+2
    const double fm1 = f - 1.0, fm2 = f - 2.0, fp1 = f + 1.0;
    return -p[0] * f * fm1 * fm2 / 6.0 + p[1] * fp1 * fm1 * fm2 / 2.0 - p[2] * fp1 * f * fm2 / 2.0 +
           p[3] * fp1 * f * fm1 / 6.0;
  }
};

// The two inner loops of the engine, each also compiled for AVX2 (solvers/simd.hpp; results
// unchanged). Measured (tests/bench/stat_eye_bench.cpp, medians of 5, three series): NRZ 200 UI
// 3.02 -> 2.72 ms, PAM4 with DFE and jitter 7.9 -> 7.2 ms.

// out[i] += wt src[i], i = 0 ... n-1.
PHYLANE_SIMD_CLONES void axpy(double* __restrict out, const double* __restrict src, double wt, long n) {
  for (long i = 0; i < n; ++i) out[i] += wt * src[i];
}

// Dot product with four accumulators (GCC does not vectorise a strict floating-point reduction).
PHYLANE_SIMD_CLONES double dot(const double* a, const double* b, long n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

// Pulse value at a fractional sample index: exact on samples, Catmull-Rom cubic between them,
// zero outside the record.
double pulse_at(const std::vector<double>& s, double pos) {
  const double fl = std::floor(pos);
  const long i = static_cast<long>(fl);
  const double f = pos - fl;
  const long n = static_cast<long>(s.size());
  auto at = [&](long k) { return (k >= 0 && k < n) ? s[static_cast<std::size_t>(k)] : 0.0; };
  if (f == 0.0) return at(i);
  const double p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
  return p1 + 0.5 * f * (p2 - p0 + f * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + f * (3.0 * (p1 - p2) + p3 - p0)));
}

// Moment-preserving split of an off-grid atom onto 8 grid nodes (-3 ... +4 around floor(u)):
// the weights are the Lagrange basis polynomials at the fraction f, so the split atom has the
// same moments of order 0 ... 7 as the atom itself, and any smooth function (here the Gaussian
// tail Q((t - x)/sigma)) summed over the nodes equals its value at the atom up to the
// interpolation remainder g^(8)(xi) prod(f - p) / 8! (|prod| / 8! <= 1.1e-3).
constexpr int kSplitNodes = 8;
constexpr int kSplitLow = -3;

void split_weights(double f, std::array<double, kSplitNodes>& w) {
  for (int a = 0; a < kSplitNodes; ++a) {
    const int pa = a + kSplitLow;
    double num = 1.0, den = 1.0;
    for (int b = 0; b < kSplitNodes; ++b) {
      if (b == a) continue;
      const int pb = b + kSplitLow;
      num *= f - pb;
      den *= pa - pb;
    }
    w[static_cast<std::size_t>(a)] = num / den;
  }
}

// Cursors of one sampling phase.
struct PhaseCursors {
  double main_v = 0.0;          // A h_0 [V]
  double main_slope_v = 0.0;    // A h'_0 [V/UI]
  std::vector<int> n;           // cursor offsets (n != 0)
  std::vector<double> isi_v;    // A h_n - b_n [V]
  std::vector<double> slope_v;  // A h'_n [V/UI]
};

// Which terms are present (for the limiting-impairment breakdown) and how finely to compute.
struct Variant {
  bool isi = true;
  bool noise = true;
  bool jitter = true;
  double points_per_sigma = 16.0;
  double noise_floor_v = 0.0;  // replaces the noise when noise == false
  bool crosstalk = true;
};

struct PhaseState {
  bool valid = false;  // main cursor > 0
  double main_v = 0.0;
  double delta = 0.0;             // ISI grid step [V]
  long base = 0;                  // grid coordinate of w[0]: x_j = (base + j) delta
  long ratio_r = 1, ratio_q = 1;  // voltage step / delta = r / q
  std::vector<double> w, prefix, suffix;
  int subs = 1;                  // main-cursor copies per level (2 with dual-Dirac jitter)
  std::vector<double> sub_mean;  // [level * subs + s] [V]
  std::vector<double> sub_prob;
  std::vector<double> sigma;  // per level [V]
  double sigma_min = 0.0;
  int exact = 0, folded = 0;
  bool capped = false;
};

struct EyeAtPhase {
  double min_p = 0.0;     // smallest P_k on the axis
  long argmin = 0;        // its axis index
  double height_v = 0.0;  // from the axis (log-linear interpolation of the crossings)
};

class Engine {
 public:
  Engine(const PulseResponse& pulse, const StatEyeSpec& spec, const StatEyeOptions& opt, int phases)
      : pulse_(pulse),
        spec_(spec),
        opt_(opt),
        m_(spec.signalling.levels),
        a_(spec.signalling.amplitude_v),
        levels_(pam_levels(m_)),
        var_a_(pam_level_variance(m_)),
        m4_a_(pam_level_fourth_moment(m_)),
        phases_(phases),
        q_(QTable::instance()) {
    noise_.resize(static_cast<std::size_t>(m_));
    for (int i = 0; i < m_; ++i)
      noise_[static_cast<std::size_t>(i)] = spec.noise.sigma_per_level_v.empty()
                                                ? spec.noise.sigma_v
                                                : spec.noise.sigma_per_level_v[static_cast<std::size_t>(i)];
    scale_ = 2.0 * (m_ - 1) / (m_ * bits_per_symbol(m_));
    // Window of the Gaussian kernel: terms below floor * 1e-6 are dropped, so the map is exact to
    // 1e-6 relative down to the floor.
    zcut_ = q_inverse(std::max(opt.ber_floor * 1e-6, 1e-300));
    zone_ = q_inverse(1e-7);
    zfold_ = q_inverse(opt.ber_floor);
  }

  double scale() const { return scale_; }
  double level(int i) const { return levels_[static_cast<std::size_t>(i)]; }

  double phase_ui(int j) const { return static_cast<double>(j - phases_ / 2) / phases_; }

  PhaseCursors cursors(double phase_ui) const {
    PhaseCursors c;
    const int spu = pulse_.samples_per_ui;
    const double pos0 = static_cast<double>(pulse_.main_index) + phase_ui * spu;
    const auto& s = pulse_.samples_v;
    const double half = 0.5 * spu;  // slope per UI from a +-1 sample central difference (93A-28)
    auto slope = [&](double pos) { return (pulse_at(s, pos + 1.0) - pulse_at(s, pos - 1.0)) * half; };
    c.main_v = a_ * pulse_at(s, pos0);
    c.main_slope_v = a_ * slope(pos0);
    const long nmin = static_cast<long>(std::ceil((-2.0 - pos0) / spu));
    const long nmax = static_cast<long>(std::floor((static_cast<double>(s.size()) + 1.0 - pos0) / spu));
    for (long n = nmin; n <= nmax; ++n) {
      if (n == 0) continue;
      const double pos = pos0 + static_cast<double>(n) * spu;
      const double h = a_ * pulse_at(s, pos);
      const double d = a_ * slope(pos);
      if (h == 0.0 && d == 0.0) continue;
      c.n.push_back(static_cast<int>(n));
      c.isi_v.push_back(h);
      c.slope_v.push_back(d);
    }
    return c;
  }

  // DFE taps b_j = clip(A h_j, [min_j, max_j]) of these cursors.
  std::vector<double> adapt_taps(const PhaseCursors& c) const {
    const int nt = spec_.dfe.taps;
    std::vector<double> b(static_cast<std::size_t>(nt), 0.0);
    for (std::size_t k = 0; k < c.n.size(); ++k) {
      const int j = c.n[k];
      if (j < 1 || j > nt) continue;
      double v = c.isi_v[k];
      if (!spec_.dfe.tap_max_v.empty()) {
        const auto i = static_cast<std::size_t>(j - 1);
        v = std::clamp(v, spec_.dfe.tap_min_v[i], spec_.dfe.tap_max_v[i]);
      }
      b[static_cast<std::size_t>(j - 1)] = v;
    }
    return b;
  }

  static void apply_taps(PhaseCursors& c, const std::vector<double>& b) {
    for (std::size_t k = 0; k < c.n.size(); ++k) {
      const int j = c.n[k];
      if (j >= 1 && j <= static_cast<int>(b.size())) c.isi_v[k] -= b[static_cast<std::size_t>(j - 1)];
    }
  }

  // The ISI-plus-jitter PDF on a grid and the per-level Gaussian of one phase.
  void build(const PhaseCursors& c, const Variant& var, double volt_step, PhaseState& st) {
    st.valid = c.main_v > 0.0;
    st.main_v = c.main_v;
    const double rj = var.jitter ? spec_.jitter.rj_rms_ui : 0.0;
    const double dd = var.jitter ? 0.5 * spec_.jitter.dj_pp_ui : 0.0;
    const int subs = dd > 0.0 ? 2 : 1;

    // Main cursor: each level is one copy, or two copies shifted by the dual-Dirac jitter through
    // the main cursor's slope (93A-40 applied to n = 0).
    st.subs = subs;
    st.sub_mean.assign(static_cast<std::size_t>(m_ * subs), 0.0);
    st.sub_prob.assign(static_cast<std::size_t>(m_ * subs), 1.0 / subs);
    for (int i = 0; i < m_; ++i)
      for (int s = 0; s < subs; ++s) {
        const double d = subs == 1 ? 0.0 : (s == 0 ? -dd : dd);
        st.sub_mean[static_cast<std::size_t>(i * subs + s)] = level(i) * (c.main_v + d * c.main_slope_v);
      }

    // Gaussian part per level: noise, plus RJ through the slopes (93A-31): the main cursor's term
    // l_i h'_0 sigma_RJ is exact per level; the other cursors' terms a_n h'_n sigma_RJ are summed
    // by variance with E[a^2] (exact for NRZ, a Gaussian approximation of a scale mixture for PAM).
    const std::size_t nc = c.n.size();
    double sum_j2 = 0.0;
    for (std::size_t k = 0; k < nc; ++k) sum_j2 += c.slope_v[k] * c.slope_v[k];
    std::vector<double> sig2(static_cast<std::size_t>(m_));
    for (int i = 0; i < m_; ++i) {
      const double nz = var.noise ? noise_[static_cast<std::size_t>(i)] : var.noise_floor_v;
      const double lj = level(i) * c.main_slope_v;
      sig2[static_cast<std::size_t>(i)] = nz * nz + rj * rj * (lj * lj + var_a_ * sum_j2);
    }
    const double smin2 = *std::min_element(sig2.begin(), sig2.end());

    // Per-cursor discrete variables X_n = a (c_n + d j_n), d = +-dd (93A-39, 93A-40, jointly: the
    // jitter of a symbol scales with that symbol).
    struct Cur {
      double c, j, spread, var, k4;
    };
    std::vector<Cur> cur;
    cur.reserve(nc + (var.crosstalk ? spec_.crosstalk_v.size() : 0));
    for (std::size_t k = 0; k < nc; ++k) {
      const double cc = var.isi ? c.isi_v[k] : 0.0;
      const double jj = c.slope_v[k];
      const double jd = jj * dd;
      const double spread = std::abs(cc) + std::abs(jd);
      if (spread == 0.0) continue;
      const double v = var_a_ * (cc * cc + jd * jd);
      const double m4 = m4_a_ * (cc * cc * cc * cc + 6.0 * cc * cc * jd * jd + jd * jd * jd * jd);
      cur.push_back({cc, jj, spread, v, m4 - 3.0 * v * v});
    }
    // Crosstalk cursors (93A-44): X = b x with b on the same M levels, independent of everything
    // else; no slope (COM applies no jitter to crosstalk), never touched by the DFE (the taps act
    // on c.isi_v only).
    if (var.crosstalk)
      for (const double x : spec_.crosstalk_v) {
        if (x == 0.0) continue;
        const double v = var_a_ * x * x;
        cur.push_back({x, 0.0, std::abs(x), v, m4_a_ * x * x * x * x - 3.0 * v * v});
      }
    std::sort(cur.begin(), cur.end(), [](const Cur& x, const Cur& y) { return x.spread < y.spread; });

    // Fold the smallest cursors into the Gaussian by their variance while the Edgeworth
    // fourth-cumulant term z^4 sum|k4| / (24 sigma^4) at the floor's z stays within tolerance.
    const double budget = opt_.fold_tolerance * 24.0 * smin2 * smin2 / std::pow(zfold_, 4);
    double used = 0.0, fold_var = 0.0;
    std::size_t first_kept = 0;
    while (first_kept < cur.size() && used + std::abs(cur[first_kept].k4) <= budget) {
      used += std::abs(cur[first_kept].k4);
      fold_var += cur[first_kept].var;
      ++first_kept;
    }
    st.folded = static_cast<int>(first_kept);
    st.exact = static_cast<int>(cur.size() - first_kept);
    st.sigma.resize(static_cast<std::size_t>(m_));
    for (int i = 0; i < m_; ++i)
      st.sigma[static_cast<std::size_t>(i)] = std::sqrt(sig2[static_cast<std::size_t>(i)] + fold_var);
    st.sigma_min = *std::min_element(st.sigma.begin(), st.sigma.end());

    // Grid step: sigma_min / points_per_sigma, commensurate with the voltage axis step so that all
    // axis points of one level share the same fractional offset (one Gaussian kernel per level).
    double spread_sum = 0.0;
    for (std::size_t k = first_kept; k < cur.size(); ++k) spread_sum += cur[k].spread;
    const double kept = static_cast<double>(cur.size() - first_kept);
    double d0 = st.sigma_min / var.points_per_sigma;
    const double room = static_cast<double>(opt_.max_grid_points) - kSplitNodes * kept - 1.0;
    st.capped = false;
    if (spread_sum > 0.0) {
      const double need = 2.0 * spread_sum / std::max(room, 0.5 * static_cast<double>(opt_.max_grid_points));
      if (need > d0) {
        d0 = need;
        st.capped = true;
      }
    }
    if (d0 <= volt_step) {
      // Finer than asked unless the cap forces the step up.
      st.ratio_r = st.capped ? std::max(1L, static_cast<long>(std::floor(volt_step / d0 + 1e-9)))
                             : static_cast<long>(std::ceil(volt_step / d0 - 1e-9));
      st.ratio_q = 1;
      st.delta = volt_step / static_cast<double>(st.ratio_r);
    } else {
      // Finer than asked unless the cap forces the step up.
      st.ratio_r = 1;
      st.ratio_q = st.capped ? static_cast<long>(std::ceil(d0 / volt_step - 1e-9))
                             : std::max(1L, static_cast<long>(std::floor(d0 / volt_step + 1e-9)));
      st.delta = volt_step * static_cast<double>(st.ratio_q);
    }

    // Convolve the kept cursors' PDFs (smallest first, so the support grows slowly). Every
    // cursor's PDF is symmetric about 0 (the levels and the dual-Dirac are), so the ISI PDF is
    // symmetric about grid coordinate 0: only its upper half is computed, then mirrored. After
    // each step, ends holding less than floor * 1e-7 in total are trimmed: they can move no
    // error probability above the floor by more than 1e-7 of it, and the bulk of a sum of many
    // cursors is far narrower than its peak distortion.
    auto& w = st.w;
    w.assign(1, 1.0);
    long ctr = 0;  // index of coordinate 0
    const double inv_delta = 1.0 / st.delta;
    const int ncopies = dd > 0.0 ? 2 : 1;
    const double p_atom = 1.0 / (m_ * ncopies);
    const double trim_eps = opt_.ber_floor * 1e-7 / (2.0 * (kept + 1.0));
    std::array<double, kSplitNodes> sw{};
    for (std::size_t k = first_kept; k < cur.size(); ++k) {
      const Cur& x = cur[k];
      const long hk = static_cast<long>(std::floor(x.spread * inv_delta)) + kSplitNodes + 1;
      dense_.assign(static_cast<std::size_t>(2 * hk + 1), 0.0);
      for (int i = 0; i < m_; ++i)
        for (int s = 0; s < ncopies; ++s) {
          const double d = ncopies == 1 ? 0.0 : (s == 0 ? -dd : dd);
          const double u = level(i) * (x.c + d * x.j) * inv_delta;
          const double fl = std::floor(u);
          split_weights(u - fl, sw);
          const long o = static_cast<long>(fl) + kSplitLow + hk;
          for (int a = 0; a < kSplitNodes; ++a)
            dense_[static_cast<std::size_t>(o + a)] += p_atom * sw[static_cast<std::size_t>(a)];
        }
      // Exact symmetry (mirrored atoms differ from each other only by rounding).
      nz_off_.clear();
      nz_w_.clear();
      long h = 0;
      for (long o = 0; o <= hk; ++o) {
        const double v =
            o == 0 ? dense_[static_cast<std::size_t>(hk)]
                   : 0.5 * (dense_[static_cast<std::size_t>(hk + o)] + dense_[static_cast<std::size_t>(hk - o)]);
        if (v != 0.0) {
          nz_off_.push_back(o);
          nz_w_.push_back(v);
          h = o;
        }
      }
      const long len = static_cast<long>(w.size());
      const long cn = ctr + h;
      next_.assign(static_cast<std::size_t>(2 * cn + 1), 0.0);
      double* out = next_.data() + cn;  // out[i], i = 0 ... cn: the upper half
      const double* in = w.data();
      auto add = [&](double wt, long shift) {  // out[i] += wt * in[ctr + i + shift]
        const long i0 = std::max(0L, -ctr - shift), i1 = std::min(cn, len - 1 - ctr - shift);
        if (i1 >= i0) axpy(out + i0, in + ctr + shift + i0, wt, i1 - i0 + 1);
      };
      for (std::size_t e = 0; e < nz_off_.size(); ++e) {
        add(nz_w_[e], -nz_off_[e]);
        if (nz_off_[e] != 0) add(nz_w_[e], nz_off_[e]);
      }
      for (long i = 1; i <= cn; ++i) next_[static_cast<std::size_t>(cn - i)] = next_[static_cast<std::size_t>(cn + i)];
      long t = 0;
      double acc = 0.0;
      while (t < cn && acc + std::abs(next_[static_cast<std::size_t>(t)]) <= trim_eps)
        acc += std::abs(next_[static_cast<std::size_t>(t++)]);
      w.assign(next_.begin() + t, next_.end() - t);
      ctr = cn - t;
    }
    st.base = -ctr;
    make_sums(st);
  }

  static void make_sums(PhaseState& st) {
    const std::size_t g = st.w.size();
    st.prefix.resize(g);
    st.suffix.resize(g);
    double acc = 0.0;
    for (std::size_t j = 0; j < g; ++j) st.prefix[j] = (acc += st.w[j]);
    acc = 0.0;
    for (std::size_t j = g; j-- > 0;) st.suffix[j] = (acc += st.w[j]);
  }

  // P(Y_i > v), P(Y_i < v) for the received sample of level i (exact sums over the grid atoms).
  double level_up(const PhaseState& st, int i, double v) {
    const long g = static_cast<long>(st.w.size());
    const double s = st.sigma[static_cast<std::size_t>(i)] / st.delta;
    const double t = (v - level(i) * st.main_v) / st.delta - static_cast<double>(st.base);
    sub_offsets(st, i);
    const auto [emin, emax] = offsets_range();
    // Atom j: Q((t + e_s - j)/s); Q ~ 1 for every copy when j > t + e_max + zone s, Q ~ 0 when
    // j < t + e_min - zcut s.
    const long jlo = std::max(0L, static_cast<long>(std::floor(t + emin - zcut_ * s)));
    const long jhi = static_cast<long>(std::ceil(t + emax + zone_ * s));
    double r = jhi + 1 >= g ? 0.0 : st.suffix[static_cast<std::size_t>(std::max(0L, jhi + 1))];
    const long jend = std::min(jhi, g - 1);
    if (jend >= jlo) {
      fill_kernel(st, i, (t - static_cast<double>(jlo)) / s, -1.0 / s, jend - jlo + 1);
      r += dot(st.w.data() + jlo, kern_.data(), jend - jlo + 1);
    }
    return r;
  }
  double level_low(const PhaseState& st, int i, double v) {
    const long g = static_cast<long>(st.w.size());
    const double s = st.sigma[static_cast<std::size_t>(i)] / st.delta;
    const double t = (v - level(i) * st.main_v) / st.delta - static_cast<double>(st.base);
    sub_offsets(st, i);
    const auto [emin, emax] = offsets_range();
    // Atom j: Q((j - t - e_s)/s); Q ~ 1 for every copy when j < t + e_min - zone s, Q ~ 0 when
    // j > t + e_max + zcut s.
    const long jlo = static_cast<long>(std::floor(t + emin - zone_ * s));
    const long jhi = std::min(g - 1, static_cast<long>(std::ceil(t + emax + zcut_ * s)));
    double r = jlo - 1 < 0 ? 0.0 : st.prefix[static_cast<std::size_t>(std::min(g - 1, jlo - 1))];
    const long j0 = std::max(0L, jlo);
    if (jhi >= j0) {
      fill_kernel(st, i, (static_cast<double>(j0) - t) / s, 1.0 / s, jhi - j0 + 1);
      r += dot(st.w.data() + j0, kern_.data(), jhi - j0 + 1);
    }
    return r;
  }
  // P_k(v) = 1/2 [P(Y_k > v) + P(Y_{k+1} < v)].
  double eye_p(const PhaseState& st, int k, double v) {
    if (!st.valid) return 0.5;
    // The moment-preserving split can leave tiny negative masses far below the floor.
    return std::max(0.0, 0.5 * (level_up(st, k, v) + level_low(st, k + 1, v)));
  }

  // Eye index of threshold v at a phase with main cursor main_v > 0.
  int eye_of(double main_v, double v) const {
    const double mu0 = level(0) * main_v;
    const double step = (level(1) - level(0)) * main_v;
    const double e = std::floor((v - mu0) / step);
    return static_cast<int>(std::clamp(e, 0.0, static_cast<double>(m_ - 2)));
  }

  // One column of the map: P_k(v_n) for every axis point (raw probabilities, eye chosen per point).
  void column(const PhaseState& st, const std::vector<double>& volts, std::vector<double>& p) {
    const long nv = static_cast<long>(volts.size());
    p.assign(static_cast<std::size_t>(nv), 0.5);
    if (!st.valid) return;
    // Eye regions [na_k, nb_k] on the axis.
    std::vector<long> na(static_cast<std::size_t>(m_ - 1), 0), nb(static_cast<std::size_t>(m_ - 1), -1);
    {
      int prev = -1;
      for (long n = 0; n < nv; ++n) {
        const int e = eye_of(st.main_v, volts[static_cast<std::size_t>(n)]);
        if (e != prev) na[static_cast<std::size_t>(e)] = n;
        nb[static_cast<std::size_t>(e)] = n;
        prev = e;
      }
    }
    up_.assign(static_cast<std::size_t>(nv), 0.0);
    low_.assign(static_cast<std::size_t>(nv), 0.0);
    for (int i = 0; i < m_; ++i) {
      const double s = st.sigma[static_cast<std::size_t>(i)] / st.delta;
      const double t0 = (volts[0] - level(i) * st.main_v) / st.delta - static_cast<double>(st.base);
      if (i <= m_ - 2 && nb[static_cast<std::size_t>(i)] >= na[static_cast<std::size_t>(i)])
        accumulate(st, i, s, t0, true, na[static_cast<std::size_t>(i)], nb[static_cast<std::size_t>(i)], up_.data());
      if (i >= 1 && nb[static_cast<std::size_t>(i - 1)] >= na[static_cast<std::size_t>(i - 1)])
        accumulate(st, i, s, t0, false, na[static_cast<std::size_t>(i - 1)], nb[static_cast<std::size_t>(i - 1)],
                   low_.data());
    }
    for (long n = 0; n < nv; ++n)
      p[static_cast<std::size_t>(n)] =
          std::max(0.0, 0.5 * (up_[static_cast<std::size_t>(n)] + low_[static_cast<std::size_t>(n)]));
  }

  // Offsets e_s (grid units) of level i's main-cursor copies from its nominal mean l_i A h_0:
  // copy s sits at t + e_s when the nominal one is at t.
  void sub_offsets(const PhaseState& st, int i) {
    offs_.resize(static_cast<std::size_t>(st.subs));
    for (int k = 0; k < st.subs; ++k)
      offs_[static_cast<std::size_t>(k)] =
          (level(i) * st.main_v - st.sub_mean[static_cast<std::size_t>(i * st.subs + k)]) / st.delta;
  }

  // Kernel of level i's tail on the grid: kern_[x] = sum_s p_s Q(sign (z0 + x dz + e_s / s)),
  // over x = 0 ... len-1 (the main-cursor copies of the dual-Dirac share one kernel).
  void fill_kernel(const PhaseState& st, int i, double z0, double dz, long len) {
    kern_.assign(static_cast<std::size_t>(len), 0.0);
    tmp_.resize(static_cast<std::size_t>(len));
    const double s = st.sigma[static_cast<std::size_t>(i)] / st.delta;
    for (int k = 0; k < st.subs; ++k) {
      const double e = offs_[static_cast<std::size_t>(k)] / s * (dz < 0.0 ? 1.0 : -1.0);
      q_.fill(z0 + e, dz, len, tmp_.data());
      const double pk = st.sub_prob[static_cast<std::size_t>(i * st.subs + k)];
      for (long x = 0; x < len; ++x) kern_[static_cast<std::size_t>(x)] += pk * tmp_[static_cast<std::size_t>(x)];
    }
  }

  // Window of a tail sum in grid units: atoms whose Q is below floor * 1e-6 are dropped (zcut_,
  // the far side), atoms whose Q is within 1e-7 of 1 count as 1 through the prefix/suffix sums
  // (zone_, the near side: the error is then relative to those atoms' own mass, hence to the
  // tail itself).
  std::pair<double, double> offsets_range() const {
    return {*std::min_element(offs_.begin(), offs_.end()), *std::max_element(offs_.begin(), offs_.end())};
  }

  // out[n] += tail of level i at t_n = t0 + n r / q for n in [na, nb] (upper: P(Y_i > v_n), lower:
  // P(Y_i < v_n)). Axis points with the same n mod q share the fractional grid offset, hence one
  // kernel of Q values per residue.
  void accumulate(const PhaseState& st, int i, double s, double t0, bool upper, long na, long nb, double* out) {
    const long g = static_cast<long>(st.w.size());
    const long r = st.ratio_r, q = st.ratio_q;
    const double inv_s = 1.0 / s;
    const double* w = st.w.data();
    sub_offsets(st, i);
    const auto [emin, emax] = offsets_range();
    // One pass per residue class that has axis points: n0 = na ... na + q - 1 are the first point
    // of each class. When the noise is far wider than the axis (a hopelessly closed eye, q up to
    // 1e8) only the nb - na + 1 classes with points are visited, not all q.
    for (long n0 = na; n0 <= nb && n0 - na < q; ++n0) {
      const double tau = t0 + static_cast<double>(n0) * static_cast<double>(r) / static_cast<double>(q);
      const double bf = std::floor(tau);
      const double gfrac = tau - bf;
      const long b = static_cast<long>(bf);
      if (upper) {
        // Term of atom j: Q((t - j)/s) with m = b + k r - j: Q((m + g + e_s)/s).
        const long mlo = static_cast<long>(std::floor(-zone_ * s - gfrac - emax));
        const long mhi = static_cast<long>(std::ceil(zcut_ * s - gfrac - emin));
        const long len = mhi - mlo + 1;
        fill_kernel(st, i, (static_cast<double>(mhi) + gfrac) * inv_s, -inv_s, len);
        long k = 0;
        for (long n = n0; n <= nb; n += q, ++k) {
          const long ja = b + k * r - mhi;  // w index paired with kern_[0]
          const long jb = ja + len - 1;
          double sum = jb + 1 >= g ? 0.0 : st.suffix[static_cast<std::size_t>(std::max(0L, jb + 1))];
          const long i0 = std::max(0L, -ja), i1 = std::min(len, g - ja);
          if (i1 > i0) sum += dot(w + ja + i0, kern_.data() + i0, i1 - i0);
          out[n] += sum;
        }
      } else {
        // Term of atom j: Q((j - t)/s) with m = j - b - k r: Q((m - g - e_s)/s).
        const long mlo = static_cast<long>(std::floor(gfrac + emin - zone_ * s));
        const long mhi = static_cast<long>(std::ceil(gfrac + emax + zcut_ * s));
        const long len = mhi - mlo + 1;
        fill_kernel(st, i, (static_cast<double>(mlo) - gfrac) * inv_s, inv_s, len);
        long k = 0;
        for (long n = n0; n <= nb; n += q, ++k) {
          const long ja = b + k * r + mlo;
          double sum = ja - 1 < 0 ? 0.0 : st.prefix[static_cast<std::size_t>(std::min(g - 1, ja - 1))];
          const long i0 = std::max(0L, -ja), i1 = std::min(len, g - ja);
          if (i1 > i0) sum += dot(w + ja + i0, kern_.data() + i0, i1 - i0);
          out[n] += sum;
        }
      }
    }
  }

  // Per-eye minimum and target-BER height from one column (log-linear interpolation between axis
  // points).
  std::vector<EyeAtPhase> summarise(const PhaseState& st, const std::vector<double>& volts,
                                    const std::vector<double>& p, double target_ber) const {
    std::vector<EyeAtPhase> out(static_cast<std::size_t>(m_ - 1));
    if (!st.valid) {
      for (auto& e : out) e.min_p = 0.5;
      return out;
    }
    const long nv = static_cast<long>(volts.size());
    const double lt = std::log10(target_ber / scale_);
    auto lg = [&](long n) { return std::log10(std::max(p[static_cast<std::size_t>(n)], 1e-300)); };
    for (int k = 0; k < m_ - 1; ++k) {
      long na = -1, nb = -1;
      for (long n = 0; n < nv; ++n)
        if (eye_of(st.main_v, volts[static_cast<std::size_t>(n)]) == k) {
          if (na < 0) na = n;
          nb = n;
        }
      EyeAtPhase& e = out[static_cast<std::size_t>(k)];
      e.min_p = 0.5;
      if (na < 0) continue;
      // Argmin; among equal minima (e.g. underflowed tails) take the middle one.
      double best = std::numeric_limits<double>::infinity();
      long first = na, last = na;
      for (long n = na; n <= nb; ++n) {
        const double v = p[static_cast<std::size_t>(n)];
        if (v < best) {
          best = v;
          first = last = n;
        } else if (v == best) {
          last = n;
        }
      }
      e.min_p = best;
      e.argmin = (first + last) / 2;
      if (lg(e.argmin) > lt) continue;
      long lo = e.argmin;
      while (lo > na && lg(lo - 1) <= lt) --lo;
      double vlo = volts[static_cast<std::size_t>(lo)];
      if (lo > na) {
        const double a = lg(lo - 1), b = lg(lo);
        vlo = volts[static_cast<std::size_t>(lo - 1)] + (a - lt) / (a - b) * (volts[1] - volts[0]);
      }
      long hi = e.argmin;
      while (hi < nb && lg(hi + 1) <= lt) ++hi;
      double vhi = volts[static_cast<std::size_t>(hi)];
      if (hi < nb) {
        const double a = lg(hi), b = lg(hi + 1);
        vhi = volts[static_cast<std::size_t>(hi)] + (lt - a) / (b - a) * (volts[1] - volts[0]);
      }
      e.height_v = std::max(0.0, vhi - vlo);
    }
    return out;
  }

 private:
  const PulseResponse& pulse_;
  const StatEyeSpec& spec_;
  const StatEyeOptions& opt_;
  int m_;
  double a_;
  std::vector<double> levels_;
  double var_a_, m4_a_;
  int phases_;
  const QTable& q_;
  std::vector<double> noise_;
  double scale_ = 1.0;
  double zcut_ = 10.0, zone_ = 5.2, zfold_ = 9.0;
  // Reused buffers (no allocation in the per-phase loops once warmed up).
  std::vector<double> dense_, nz_w_, next_, up_, low_, kern_, tmp_, offs_;
  std::vector<long> nz_off_;
};

// Root of f(x) = target on [a, b] with f(a), f(b) on opposite sides (Illinois regula falsi with a
// bisection safeguard), to |b - a| <= tol.
template <class F>
double find_crossing(F f, double a, double fa, double b, double fb, double target, double tol) {
  fa -= target;
  fb -= target;
  if (fa == 0.0) return a;
  if (fb == 0.0) return b;
  int side = 0;
  for (int it = 0; it < 200 && std::abs(b - a) > tol; ++it) {
    double x = (a * fb - b * fa) / (fb - fa);
    if (!(x > std::min(a, b) && x < std::max(a, b)) || it % 8 == 7) x = 0.5 * (a + b);
    const double fx = f(x) - target;
    if (fx == 0.0) return x;
    if ((fx > 0) == (fb > 0)) {
      b = x;
      fb = fx;
      if (side == -1) fa *= 0.5;
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side == 1) fb *= 0.5;
      side = 1;
    }
  }
  return std::abs(fa) < std::abs(fb) ? a : b;
}

void validate(const PulseResponse& pulse, const StatEyeSpec& spec, const StatEyeOptions& opt) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("statistical_eye: " + what); };
  auto num = [](double x) {
    std::ostringstream os;
    os << x;
    return os.str();
  };
  if (!(pulse.symbol_rate_baud > 0.0) || !std::isfinite(pulse.symbol_rate_baud))
    fail("pulse.symbol_rate_baud = " + num(pulse.symbol_rate_baud) + " must be > 0");
  if (pulse.samples_per_ui < 1)
    fail("pulse.samples_per_ui = " + std::to_string(pulse.samples_per_ui) + " must be >= 1");
  if (pulse.samples_v.empty()) fail("pulse.samples_v must not be empty");
  if (pulse.main_index >= pulse.samples_v.size())
    fail("pulse.main_index = " + std::to_string(pulse.main_index) + " must be < the " +
         std::to_string(pulse.samples_v.size()) + " samples");
  for (double x : pulse.samples_v)
    if (!std::isfinite(x)) fail("pulse.samples_v must be finite");
  const int m = spec.signalling.levels;
  if (m < 2 || m > 64) fail("signalling.levels = " + std::to_string(m) + " must be in [2, 64]");
  if (!(spec.signalling.amplitude_v > 0.0) || !std::isfinite(spec.signalling.amplitude_v))
    fail("signalling.amplitude_v = " + num(spec.signalling.amplitude_v) + " must be > 0");
  if (spec.noise.sigma_per_level_v.empty()) {
    if (!(spec.noise.sigma_v > 0.0) || !std::isfinite(spec.noise.sigma_v))
      fail("noise.sigma_v = " + num(spec.noise.sigma_v) + " must be > 0 (a statistical eye needs Gaussian noise)");
  } else {
    if (static_cast<int>(spec.noise.sigma_per_level_v.size()) != m)
      fail("noise.sigma_per_level_v has " + std::to_string(spec.noise.sigma_per_level_v.size()) +
           " values; it must have one per level (" + std::to_string(m) + ")");
    for (double s : spec.noise.sigma_per_level_v)
      if (!(s > 0.0) || !std::isfinite(s)) fail("noise.sigma_per_level_v = " + num(s) + " must be > 0");
  }
  if (!(spec.jitter.rj_rms_ui >= 0.0 && spec.jitter.rj_rms_ui < 0.5))
    fail("jitter.rj_rms_ui = " + num(spec.jitter.rj_rms_ui) + " must be in [0, 0.5)");
  if (!(spec.jitter.dj_pp_ui >= 0.0 && spec.jitter.dj_pp_ui < 1.0))
    fail("jitter.dj_pp_ui = " + num(spec.jitter.dj_pp_ui) + " must be in [0, 1)");
  for (std::size_t i = 0; i < spec.crosstalk_v.size(); ++i)
    if (!std::isfinite(spec.crosstalk_v[i]))
      fail("crosstalk_v[" + std::to_string(i) + "] = " + num(spec.crosstalk_v[i]) + " must be finite");
  if (spec.dfe.taps < 0) fail("dfe.taps = " + std::to_string(spec.dfe.taps) + " must be >= 0");
  if (!spec.dfe.tap_min_v.empty() || !spec.dfe.tap_max_v.empty()) {
    for (const auto* v : {&spec.dfe.tap_min_v, &spec.dfe.tap_max_v})
      if (static_cast<int>(v->size()) != spec.dfe.taps)
        fail(std::string(v == &spec.dfe.tap_min_v ? "dfe.tap_min_v" : "dfe.tap_max_v") + " has " +
             std::to_string(v->size()) + " values; tap_min_v and tap_max_v must both be empty or have one per tap (" +
             std::to_string(spec.dfe.taps) + ")");
    for (std::size_t i = 0; i < spec.dfe.tap_min_v.size(); ++i)
      if (!(spec.dfe.tap_min_v[i] <= spec.dfe.tap_max_v[i]))
        fail("dfe tap " + std::to_string(i + 1) + ": tap_min_v = " + num(spec.dfe.tap_min_v[i]) + " must be <= tap_max_v = " +
             num(spec.dfe.tap_max_v[i]));
  }
  if (opt.phases_per_ui < 0)
    fail("options.phases_per_ui = " + std::to_string(opt.phases_per_ui) + " must be >= 1 (or 0 = samples per UI)");
  if (!(opt.voltage_max_v >= 0.0) || !std::isfinite(opt.voltage_max_v))
    fail("options.voltage_max_v = " + num(opt.voltage_max_v) + " must be >= 0 (0 = auto)");
  if (opt.voltage_points < 3 || opt.voltage_points % 2 == 0)
    fail("options.voltage_points = " + std::to_string(opt.voltage_points) + " must be odd and >= 3");
  if (!(opt.ber_floor >= 1e-300 && opt.ber_floor <= 1e-3))
    fail("options.ber_floor = " + num(opt.ber_floor) + " must be in [1e-300, 1e-3]");
  if (opt.target_ser) {
    if (!(*opt.target_ser > 0.0 && *opt.target_ser <= 0.1))
      fail("options.target_ser = " + num(*opt.target_ser) + " must be in (0, 0.1]");
    if (!(ber_from_ser(*opt.target_ser, m) > opt.ber_floor))
      fail("options.target_ser = " + num(*opt.target_ser) + " must be above the BER floor times log2 M");
  } else if (!(opt.target_ber > opt.ber_floor && opt.target_ber <= 0.1)) {
    fail("options.target_ber = " + num(opt.target_ber) + " must be in (ber_floor = " + num(opt.ber_floor) + ", 0.1]");
  }
  if (!(opt.grid_points_per_sigma >= 2.0 && opt.grid_points_per_sigma <= 1000.0))
    fail("options.grid_points_per_sigma = " + num(opt.grid_points_per_sigma) + " must be in [2, 1000]");
  if (opt.max_grid_points < 1024)
    fail("options.max_grid_points = " + std::to_string(opt.max_grid_points) + " must be >= 1024");
  if (opt.workers < 1) fail("options.workers = " + std::to_string(opt.workers) + " must be >= 1");
  const int phases = opt.phases_per_ui > 0 ? opt.phases_per_ui : pulse.samples_per_ui;
  if (opt.dfe_phase_hint < -1 || opt.dfe_phase_hint >= phases)
    fail("options.dfe_phase_hint = " + std::to_string(opt.dfe_phase_hint) + " must be -1 (none) or a phase index in [0, " +
         std::to_string(phases - 1) + "]");
  if (!(opt.fold_tolerance >= 0.0 && opt.fold_tolerance <= 1e-2))
    fail("options.fold_tolerance = " + num(opt.fold_tolerance) + " must be in [0, 1e-2]");
  if (opt.sampling_index < -1 || opt.sampling_index >= static_cast<long>(pulse.samples_v.size()))
    fail("options.sampling_index = " + std::to_string(opt.sampling_index) + " must be -1 (none) or a sample index in [0, " +
         std::to_string(pulse.samples_v.size() - 1) + "]");
}

// Pass 1's phase without visiting every phase. The ranking key of a phase (its worst eye's height
// at the target BER, or, where every visited phase is closed, minus its mean smallest BER) is a
// smooth function of the phase with one peak on real channels: the cursors move continuously with
// the phase and the DFE follows them. So every `stride`-th phase is visited first; when the keys
// of those samples rise to one strict maximum and fall after it, the peak of a unimodal key lies
// within stride - 1 phases of that sample, and only those phases are visited besides. The choice
// among the visited phases is then the one the full pass makes (highest worst eye; all closed:
// smallest BER). Anything else — too few phases, samples that are not unimodal, a plateau at the
// maximum, tied heights after refinement (the full pass takes the middle of a tied run) — returns
// -1 and the caller visits every phase. 14 of 32 phases are visited in the common case; the
// equivalence test (tests/io/engine_equivalence_test.cpp) holds every preset and measured
// channel to the earlier engine's results.
template <class Eval>
int coarse_to_fine_phase(int phases, Eval&& eval, const std::vector<std::vector<EyeAtPhase>>& sums) {
  constexpr int stride = 4;
  if (phases < 4 * stride) return -1;
  auto height = [&](int j) {
    double h = std::numeric_limits<double>::infinity();
    for (const auto& x : sums[static_cast<std::size_t>(j)]) h = std::min(h, x.height_v);
    return h;
  };
  auto mean_p = [&](int j) {
    double s = 0.0;
    for (const auto& x : sums[static_cast<std::size_t>(j)]) s += x.min_p;
    return s / static_cast<double>(sums[static_cast<std::size_t>(j)].size());
  };
  std::vector<int> visited;
  for (int j = 0; j < phases; j += stride) {
    eval(j);
    visited.push_back(j);
  }
  auto keys_of = [&](const std::vector<int>& js, std::vector<double>& keys) {
    double hmax = 0.0;
    for (int j : js) hmax = std::max(hmax, height(j));
    keys.clear();
    for (int j : js) keys.push_back(hmax > 0.0 ? height(j) : -mean_p(j));
    return hmax > 0.0;
  };
  std::vector<double> keys;
  keys_of(visited, keys);
  const std::size_t n = keys.size();
  std::size_t top = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (keys[i] > keys[top]) top = i;
  for (std::size_t i = 0; i < n; ++i)
    if (i != top && keys[i] == keys[top]) return -1;  // plateau at the maximum
  for (std::size_t i = 0; i + 1 <= top; ++i)
    if (keys[i] > keys[i + 1]) return -1;
  for (std::size_t i = top; i + 1 < n; ++i)
    if (keys[i] < keys[i + 1]) return -1;
  const int centre = visited[top];
  for (int j = std::max(0, centre - stride + 1); j <= std::min(phases - 1, centre + stride - 1); ++j) eval(j);
  std::vector<int> all;
  for (int j = 0; j < phases; ++j)
    if (!sums[static_cast<std::size_t>(j)].empty()) all.push_back(j);
  const bool open = keys_of(all, keys);
  std::size_t best = 0;
  for (std::size_t i = 1; i < all.size(); ++i)
    if (keys[i] > keys[best]) best = i;
  if (open) {
    int tied = 0;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (keys[i] >= keys[best] * (1.0 - 1e-9)) ++tied;
    if (tied > 1) return -1;
  }
  // All closed: the first phase of smallest mean BER, as the full pass takes it.
  return all[best];
}

}  // namespace

StatEyeResult statistical_eye(const PulseResponse& pulse, const StatEyeSpec& spec, const StatEyeOptions& opt) {
  validate(pulse, spec, opt);
  const int m = spec.signalling.levels;
  const int phases = opt.phases_per_ui > 0 ? opt.phases_per_ui : pulse.samples_per_ui;
  // A sampling point set by another rule: the axis centred on it (a copy of the pulse whose
  // main_index is that sample; only then, so the default path copies nothing) and its phase fixed.
  std::optional<PulseResponse> centred;
  if (opt.sampling_index >= 0) {
    centred = pulse;
    centred->main_index = static_cast<std::size_t>(opt.sampling_index);
  }
  const PulseResponse& pu = centred ? *centred : pulse;
  const int fixed_phase = centred ? phases / 2 : -1;  // phase_ui(phases / 2) = 0: the sample itself
  Engine eng(pu, spec, opt, phases);
  const double scale = eng.scale();
  const double floor_ber = opt.ber_floor;
  const double target = opt.target_ser ? ber_from_ser(*opt.target_ser, m) : opt.target_ber;

  StatEyeResult res;
  res.levels = m;
  res.target_ber = target;
  // Crosstalk rms, sigma_X^2 sum x^2 (93A-29 with the sum of 93A-34 over the given cursors).
  bool has_crosstalk = false;
  {
    double sum2 = 0.0;
    for (const double x : spec.crosstalk_v) {
      has_crosstalk = has_crosstalk || x != 0.0;
      sum2 += x * x;
    }
    res.crosstalk_sigma_v = std::sqrt(pam_level_variance(m) * sum2);
  }
  res.phase_ui.resize(static_cast<std::size_t>(phases));
  for (int j = 0; j < phases; ++j) res.phase_ui[static_cast<std::size_t>(j)] = eng.phase_ui(j);

  std::vector<PhaseCursors> curs(static_cast<std::size_t>(phases));
  double main_max = 0.0;
  for (int j = 0; j < phases; ++j) {
    curs[static_cast<std::size_t>(j)] = eng.cursors(res.phase_ui[static_cast<std::size_t>(j)]);
    main_max = std::max(main_max, curs[static_cast<std::size_t>(j)].main_v);
  }
  if (!(main_max > 0.0)) {
    throw std::invalid_argument("statistical_eye: pulse.samples_v has no positive main cursor at any phase");
  }
  if (centred) {
    // The axis reported relative to the pulse's own main cursor, as without a sampling index.
    const double shift = (static_cast<double>(opt.sampling_index) - static_cast<double>(pulse.main_index)) /
                         static_cast<double>(pulse.samples_per_ui);
    for (double& x : res.phase_ui) x += shift;
  }
  const double vmax = opt.voltage_max_v > 0.0 ? opt.voltage_max_v : 1.2 * main_max;
  const int nv = opt.voltage_points;
  res.voltage_v.resize(static_cast<std::size_t>(nv));
  const double dv = 2.0 * vmax / (nv - 1);
  for (int i = 0; i < nv; ++i) res.voltage_v[static_cast<std::size_t>(i)] = -vmax + dv * i;
  const auto& volts = res.voltage_v;

  const Variant full{true, true, true, opt.grid_points_per_sigma, 0.0, true};
  auto worst_height = [](const std::vector<EyeAtPhase>& e) {
    double h = std::numeric_limits<double>::infinity();
    for (const auto& x : e) h = std::min(h, x.height_v);
    return h;
  };
  auto mean_min_p = [&](const std::vector<EyeAtPhase>& e) {
    double s = 0.0;
    for (const auto& x : e) s += x.min_p;
    return s / static_cast<double>(e.size());
  };
  // Best phase by worst-eye height; with every phase closed, by the smallest BER.
  auto best_by_height = [&](const std::vector<std::vector<EyeAtPhase>>& sums, std::vector<int>& ties) {
    double hmax = 0.0;
    for (const auto& s : sums) hmax = std::max(hmax, worst_height(s));
    ties.clear();
    if (hmax > 0.0) {
      for (int j = 0; j < phases; ++j)
        if (worst_height(sums[static_cast<std::size_t>(j)]) >= hmax * (1.0 - 1e-9)) ties.push_back(j);
      return ties.front();
    }
    int best = 0;
    for (int j = 1; j < phases; ++j)
      if (mean_min_p(sums[static_cast<std::size_t>(j)]) < mean_min_p(sums[static_cast<std::size_t>(best)])) best = j;
    ties.push_back(best);
    return best;
  };

  // Pass 1 (DFE only): taps adapted at every phase, as a receiver whose CDR and DFE co-adapt would
  // have them; the sampling phase is the one where the worst eye is highest (ties: the middle of
  // the tied run; all closed: the smallest BER). This pass only ranks phases, so it runs on a grid
  // twice as coarse (BER within ~1e-3, heights within ~1e-4 sigma). Pass 2 fixes the taps found
  // there for the whole map.
  std::vector<double> taps(static_cast<std::size_t>(spec.dfe.taps), 0.0);
  std::vector<double> pcol;
  std::vector<int> ties;
  int dfe_phase = -1;
  if (spec.dfe.taps > 0) {
    PhaseState st;
    const Variant coarse{true, true, true, std::max(6.0, 0.5 * opt.grid_points_per_sigma), 0.0, true};
    std::vector<std::vector<EyeAtPhase>> sums(static_cast<std::size_t>(phases));
    std::vector<char> done(static_cast<std::size_t>(phases), 0);
    auto eval = [&](int j) {
      if (done[static_cast<std::size_t>(j)]) return;
      PhaseCursors c = curs[static_cast<std::size_t>(j)];
      Engine::apply_taps(c, eng.adapt_taps(c));
      eng.build(c, coarse, dv, st);
      eng.column(st, volts, pcol);
      sums[static_cast<std::size_t>(j)] = eng.summarise(st, volts, pcol, target);
      done[static_cast<std::size_t>(j)] = 1;
    };
    if (fixed_phase >= 0) {
      dfe_phase = fixed_phase;
    } else if (opt.dfe_phase_hint >= 0) {
      dfe_phase = opt.dfe_phase_hint;
    } else {
      dfe_phase = opt.every_phase ? -1 : coarse_to_fine_phase(phases, eval, sums);
      if (dfe_phase < 0) {
        for (int j = 0; j < phases; ++j) eval(j);
        dfe_phase = best_by_height(sums, ties);
        if (ties.size() > 1 && worst_height(sums[static_cast<std::size_t>(ties.front())]) > 0.0)
          dfe_phase = ties[ties.size() / 2];
      }
    }
    taps = eng.adapt_taps(curs[static_cast<std::size_t>(dfe_phase)]);
    res.pass1_phases = static_cast<int>(std::count(done.begin(), done.end(), 1));
  }

  // Pass 2: the map with fixed taps; every phase's state is kept for exact evaluation off the axis.
  std::vector<PhaseState> states(static_cast<std::size_t>(phases));
  std::vector<std::vector<EyeAtPhase>> sums(static_cast<std::size_t>(phases));
  res.log10_ber.resize(static_cast<std::size_t>(phases) * static_cast<std::size_t>(nv));
  res.worst_eye_height_v.resize(static_cast<std::size_t>(phases));
  // Margin only (ranking candidates): with a DFE the phase is already chosen, and the margin reads
  // that phase's state alone.
  const int chosen_phase = dfe_phase >= 0 ? dfe_phase : fixed_phase;
  const bool margin_only = opt.margin_only && chosen_phase >= 0;
  auto map_phase = [&](int j, Engine& e, std::vector<double>& col) {
    PhaseCursors c = curs[static_cast<std::size_t>(j)];
    Engine::apply_taps(c, taps);
    PhaseState& st = states[static_cast<std::size_t>(j)];
    e.build(c, full, dv, st);
    e.column(st, volts, col);
    for (int i = 0; i < nv; ++i)
      res.log10_ber[static_cast<std::size_t>(j) * static_cast<std::size_t>(nv) + static_cast<std::size_t>(i)] =
          std::log10(std::max(floor_ber, scale * col[static_cast<std::size_t>(i)]));
    sums[static_cast<std::size_t>(j)] = e.summarise(st, volts, col, target);
    res.worst_eye_height_v[static_cast<std::size_t>(j)] = worst_height(sums[static_cast<std::size_t>(j)]);
  };
  const int workers = margin_only ? 1 : parallel_workers(opt.workers, static_cast<std::size_t>(phases));
  if (workers == 1) {
    for (int j = 0; j < phases; ++j)
      if (!margin_only || j == chosen_phase) map_phase(j, eng, pcol);
  } else {
    // Phases are independent: each worker has its own engine (its buffers) and column.
    std::vector<std::unique_ptr<Engine>> others;
    for (int w = 1; w < workers; ++w) others.push_back(std::make_unique<Engine>(pu, spec, opt, phases));
    std::vector<std::vector<double>> cols(static_cast<std::size_t>(workers));
    ParallelOptions po;
    po.workers = workers;
    parallel_for(
        static_cast<std::size_t>(phases),
        [&](std::size_t j, int w) {
          map_phase(static_cast<int>(j), w == 0 ? eng : *others[static_cast<std::size_t>(w - 1)],
                    cols[static_cast<std::size_t>(w)]);
        },
        po);
  }
  for (const auto& st : states) res.grid_capped = res.grid_capped || st.capped;

  const double lt = std::log10(target);
  auto log_ber = [&](const PhaseState& st, int k, double v) {
    return std::log10(std::max(scale * eng.eye_p(st, k, v), 1e-300));
  };
  // Horizontal bathtub of eye k along threshold v (exact at every phase) and the width around p0.
  auto horizontal = [&](int k, double v, std::vector<double>& h) {
    h.resize(static_cast<std::size_t>(phases));
    for (int j = 0; j < phases; ++j)
      h[static_cast<std::size_t>(j)] = log_ber(states[static_cast<std::size_t>(j)], k, v);
  };
  auto width_of = [&](const std::vector<double>& h, int p0) {
    if (h[static_cast<std::size_t>(p0)] > lt) return 0.0;
    const double dp = 1.0 / phases;
    int lo = p0;
    while (lo > 0 && h[static_cast<std::size_t>(lo - 1)] <= lt) --lo;
    double plo = res.phase_ui[static_cast<std::size_t>(lo)];
    if (lo > 0) {
      const double a = h[static_cast<std::size_t>(lo - 1)], b = h[static_cast<std::size_t>(lo)];
      plo = res.phase_ui[static_cast<std::size_t>(lo - 1)] + (a - lt) / (a - b) * dp;
    }
    int hi = p0;
    while (hi < phases - 1 && h[static_cast<std::size_t>(hi + 1)] <= lt) ++hi;
    double phi = res.phase_ui[static_cast<std::size_t>(hi)];
    if (hi < phases - 1) {
      const double a = h[static_cast<std::size_t>(hi)], b = h[static_cast<std::size_t>(hi + 1)];
      phi = res.phase_ui[static_cast<std::size_t>(hi)] + (lt - a) / (b - a) * dp;
    }
    return phi - plo;
  };

  int best = chosen_phase >= 0 ? chosen_phase : best_by_height(sums, ties);
  if (chosen_phase < 0 && ties.size() > 1) {
    // Equal worst-eye heights: the widest worst eye wins.
    double wbest = -1.0;
    std::vector<double> h;
    for (int j : ties) {
      double wmin = std::numeric_limits<double>::infinity();
      for (int k = 0; k < m - 1; ++k) {
        horizontal(
            k, volts[static_cast<std::size_t>(sums[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)].argmin)],
            h);
        wmin = std::min(wmin, width_of(h, j));
      }
      if (wmin > wbest + 1e-12) {
        wbest = wmin;
        best = j;
      }
    }
  }
  res.best_phase_index = static_cast<std::size_t>(best);
  res.best_phase_ui = res.phase_ui[static_cast<std::size_t>(best)];
  const PhaseState& sb = states[static_cast<std::size_t>(best)];
  const auto& eb = sums[static_cast<std::size_t>(best)];
  res.main_cursor_v = sb.main_v;
  res.dfe_taps_v = taps;
  res.grid_step_v = sb.delta;
  res.grid_step_over_sigma = sb.delta / sb.sigma_min;
  res.cursors_exact = sb.exact;
  res.cursors_folded = sb.folded;
  res.vertical_bathtub_log10_ber.assign(res.log10_ber.begin() + static_cast<long>(best) * nv,
                                        res.log10_ber.begin() + static_cast<long>(best + 1) * nv);

  // Refine each eye at the optimal phase with exact evaluations between axis points.
  eng.column(sb, volts, pcol);
  const double tol_v = 1e-9 * vmax;
  res.eyes.resize(static_cast<std::size_t>(m - 1));
  res.horizontal_bathtub_log10_ber.resize(static_cast<std::size_t>(m - 1));
  double ser_sum = 0.0;
  for (int k = 0; k < m - 1; ++k) {
    EyeOpening& eo = res.eyes[static_cast<std::size_t>(k)];
    const EyeAtPhase& ea = eb[static_cast<std::size_t>(k)];
    eo.signal_v = sb.valid ? sb.main_v / (m - 1) : 0.0;
    if (margin_only) continue;
    if (!sb.valid) {
      eo.threshold_v = 0.0;
      eo.log10_ber = std::log10(0.5 * scale);
      ser_sum += 0.5;
      res.horizontal_bathtub_log10_ber[static_cast<std::size_t>(k)].assign(static_cast<std::size_t>(phases),
                                                                           eo.log10_ber);
      continue;
    }
    auto lb = [&](double v) { return log_ber(sb, k, v); };
    const long n0 = ea.argmin;
    auto axis_lb = [&](long n) { return std::log10(std::max(scale * pcol[static_cast<std::size_t>(n)], 1e-300)); };
    // From (x0, f0) with f0 <= level, walk the axis outwards (dir = +-1) to the first point above
    // `level` and refine the crossing between it and the last point below.
    auto crossing = [&](double level, int dir, double x0, double f0) {
      double x = x0, fx = f0;
      const double u = (x0 - volts[0]) / dv;
      long n = dir > 0 ? static_cast<long>(std::floor(u)) + 1 : static_cast<long>(std::ceil(u)) - 1;
      while (n >= 0 && n < nv && eng.eye_of(sb.main_v, volts[static_cast<std::size_t>(n)]) == k) {
        const double fn = axis_lb(n);
        if (fn > level) return find_crossing(lb, x, fx, volts[static_cast<std::size_t>(n)], fn, level, tol_v);
        x = volts[static_cast<std::size_t>(n)];
        fx = fn;
        n += dir;
      }
      return x;  // truncated by the axis or the eye's region
    };
    // Optimal threshold: the minimum of P_k (golden section between the axis neighbours); where
    // that minimum is below the BER floor it is not resolvable, and the threshold is the centre
    // of the opening at the floor instead.
    double vstar;
    if (axis_lb(n0) > std::log10(floor_ber)) {
      double a = volts[static_cast<std::size_t>(std::max(0L, n0 - 1))],
             b = volts[static_cast<std::size_t>(std::min<long>(nv - 1, n0 + 1))];
      const double gr = 0.6180339887498949;
      double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
      double f1 = lb(x1), f2 = lb(x2);
      for (int it = 0; it < 80 && b - a > tol_v; ++it) {
        if (f1 < f2) {
          b = x2;
          x2 = x1;
          f2 = f1;
          x1 = b - gr * (b - a);
          f1 = lb(x1);
        } else {
          a = x1;
          x1 = x2;
          f1 = f2;
          x2 = a + gr * (b - a);
          f2 = lb(x2);
        }
      }
      vstar = 0.5 * (a + b);
    } else {
      const double lf = std::log10(floor_ber);
      const double x0 = volts[static_cast<std::size_t>(n0)], f0 = axis_lb(n0);
      vstar = 0.5 * (crossing(lf, -1, x0, f0) + crossing(lf, +1, x0, f0));
    }
    eo.threshold_v = vstar;
    const double pk = eng.eye_p(sb, k, vstar);
    ser_sum += pk;
    eo.log10_ber = std::log10(std::max(floor_ber, scale * pk));
    const double fstar = lb(vstar);
    eo.height_v = fstar <= lt ? std::max(0.0, crossing(lt, +1, vstar, fstar) - crossing(lt, -1, vstar, fstar)) : 0.0;
    auto& hb = res.horizontal_bathtub_log10_ber[static_cast<std::size_t>(k)];
    horizontal(k, vstar, hb);
    eo.width_ui = eo.height_v > 0.0 ? width_of(hb, best) : 0.0;
    for (double& x : hb) x = std::max(x, std::log10(floor_ber));
  }
  // Below the floor the value is not resolved (terms under floor * 1e-6 are dropped): report the floor.
  res.ber = std::max(floor_ber, ber_from_ser(2.0 / m * ser_sum, m));
  res.ser = ser_from_ber(res.ber, m);

  // COM-style margin (93A.1.7): A_ni solves 1/2 [P(N_k > y) + P(N_{k+1} < -y)] = target / scale,
  // N_i = Y_i - l_i A h_0, i.e. the eye's error probability with the threshold midway equals the
  // target when the half spacing is y.
  const double p_target = target / scale;
  auto a_ni = [&](const PhaseState& st, int k) {
    if (!st.valid) return std::numeric_limits<double>::infinity();
    const double mk = eng.level(k) * st.main_v, mk1 = eng.level(k + 1) * st.main_v;
    auto f = [&](double y) {
      return std::log(std::max(0.5 * (eng.level_up(st, k, mk + y) + eng.level_low(st, k + 1, mk1 - y)), 1e-300));
    };
    const double lp = std::log(p_target);
    double a = 0.0, fa = f(0.0);
    if (fa <= lp) return 0.0;
    double b = std::max(st.main_v / (m - 1), st.sigma_min), fb = f(b);
    for (int it = 0; it < 80 && fb > lp; ++it) {
      a = b;
      fa = fb;
      b *= 2.0;
      fb = f(b);
    }
    return find_crossing(f, a, fa, b, fb, lp, 1e-9 * b);
  };
  double mmin = std::numeric_limits<double>::infinity();
  int worst = 0;
  for (int k = 0; k < m - 1; ++k) {
    EyeOpening& eo = res.eyes[static_cast<std::size_t>(k)];
    eo.noise_interference_v = a_ni(sb, k);
    eo.margin_db =
        (eo.signal_v > 0.0 && std::isfinite(eo.noise_interference_v))
            ? (eo.noise_interference_v > 0.0 ? phy::units::amplitude_ratio_to_db(eo.signal_v / eo.noise_interference_v)
                                             : std::numeric_limits<double>::infinity())
            : -std::numeric_limits<double>::infinity();
    if (eo.margin_db < mmin) {
      mmin = eo.margin_db;
      worst = k;
    }
  }
  res.margin_db = mmin;
  res.height_v = std::numeric_limits<double>::infinity();
  res.width_ui = std::numeric_limits<double>::infinity();
  for (const auto& eo : res.eyes) {
    res.height_v = std::min(res.height_v, eo.height_v);
    res.width_ui = std::min(res.width_ui, eo.width_ui);
  }
  res.worst_eye_height_v[static_cast<std::size_t>(best)] = res.height_v;
  if (margin_only) return res;

  // Limiting impairment: A_ni of the worst eye with each term removed (coarser grid; the noise is
  // replaced by 1 % of A_s so that the distribution keeps a smooth tail).
  {
    PhaseCursors c = curs[static_cast<std::size_t>(best)];
    Engine::apply_taps(c, taps);
    const double floor_noise = 0.01 * (sb.valid ? sb.main_v / (m - 1) : spec.signalling.amplitude_v);
    PhaseState st;
    res.closure.a_ni_v = res.eyes[static_cast<std::size_t>(worst)].noise_interference_v;
    eng.build(c, Variant{false, true, true, 8.0, 0.0, true}, dv, st);
    res.closure.a_ni_without_isi_v = a_ni(st, worst);
    eng.build(c, Variant{true, false, true, 4.0, floor_noise, true}, dv, st);
    res.closure.a_ni_without_noise_v = a_ni(st, worst);
    eng.build(c, Variant{true, true, false, 8.0, 0.0, true}, dv, st);
    res.closure.a_ni_without_jitter_v = a_ni(st, worst);
    const double di = res.closure.a_ni_v - res.closure.a_ni_without_isi_v;
    const double dn = res.closure.a_ni_v - res.closure.a_ni_without_noise_v;
    const double dj = res.closure.a_ni_v - res.closure.a_ni_without_jitter_v;
    res.closure.limiting = di >= dn && di >= dj ? Impairment::isi : (dn >= dj ? Impairment::noise : Impairment::jitter);
    res.closure.a_ni_without_crosstalk_v = res.closure.a_ni_v;
    if (has_crosstalk) {
      eng.build(c, Variant{true, true, true, 8.0, 0.0, false}, dv, st);
      res.closure.a_ni_without_crosstalk_v = a_ni(st, worst);
      const double dx = res.closure.a_ni_v - res.closure.a_ni_without_crosstalk_v;
      if (dx > std::max({di, dn, dj})) res.closure.limiting = Impairment::crosstalk;
    }
  }

  if (res.height_v > 0.0) {
    res.status = EyeStatus::open;
  } else {
    res.status = EyeStatus::closed;
    std::ostringstream os;
    os << "eye " << worst << " of " << (m - 1) << " does not open at the target BER " << target
       << " at any phase; best BER " << res.ber << " at phase " << res.best_phase_ui << " UI (margin " << res.margin_db
       << " dB, limited by " << to_string(res.closure.limiting) << ")";
    if (!sb.valid) os << "; the main cursor is not positive";
    res.reason = os.str();
  }
  return res;
}

}  // namespace phylane::solvers
