#include "channels/copper_channel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "phy/units.hpp"

namespace phylane::channels {

namespace {

// A chain matrix kept as e^{log_scale} m, so that a long or lossy cascade neither overflows
// (cosh(gamma l) passes 1e308 at Re(gamma l) = 710 Np = 6170 dB, and S21 = 2/(A + ...) then
// becomes inf/inf = NaN) nor loses its loss to underflow: S21 = S21(m) e^{-log_scale} and the loss
// in dB is -20 log10|S21(m)| + 20 log10(e) Re(log_scale), finite for any length.
struct ScaledAbcd {
  Abcd m;
  cplx log_scale{0.0, 0.0};

  void chain(const TraceSegment& s, const phy::LinePoint& p) {
    const cplx gl = p.gamma * s.length_m;
    if (p.freq_hz <= 0.0) {
      m = m * Abcd::series(p.z_per_m * s.length_m);
    } else if (gl.real() < 30.0) {
      m = m * Abcd::line(p.gamma, p.z0, s.length_m);
    } else {
      // e^{-gl} [cosh gl, z0 sinh gl; sinh gl / z0, cosh gl] with e = e^{-2 gl} (|e| < 1e-26, so
      // (1 +- e)/2 loses nothing to rounding).
      const cplx e = std::exp(-2.0 * gl);
      const cplx ch = 0.5 * (1.0 + e), sh = 0.5 * (1.0 - e);
      m = m * Abcd{ch, p.z0 * sh, sh / p.z0, ch};
      log_scale += gl;
    }
    // Keep the entries near 1: divide by a power of two (exact) when they grow.
    const double big = std::max({std::abs(m.a), std::abs(m.b), std::abs(m.c), std::abs(m.d)});
    if (big > 1e100) {
      const int e2 = std::ilogb(big);
      const double k = std::ldexp(1.0, -e2);
      m = {m.a * k, m.b * k, m.c * k, m.d * k};
      log_scale += static_cast<double>(e2) * std::log(2.0);
    }
  }

  // S-parameters: S11 and S22 are ratios of the entries (scale-free); S21 scales as 1/scale.
  S2 s_params(double z1, double z2, double& loss_db) const {
    S2 sp = to_s(m, z1, z2);
    loss_db = -phy::units::amplitude_ratio_to_db(std::abs(sp.s21)) + phy::units::nepers_to_db(log_scale.real());
    const cplx f = std::exp(-log_scale);
    sp.s21 *= f;
    // Every block here is reciprocal (AD - BC = 1 analytically); S12 from the computed
    // determinant differs from S21 only by rounding (1e-10), so use S21 itself.
    sp.s12 = sp.s21;
    return sp;
  }
};

}  // namespace

CopperChannel::CopperChannel(std::vector<TraceSegment> segments, double driver_ohm,
                             double receiver_ohm)
    : segments_(std::move(segments)), driver_ohm_(driver_ohm), receiver_ohm_(receiver_ohm) {
  if (segments_.empty()) throw std::invalid_argument("copper channel: no segments");
  if (!(driver_ohm_ > 0.0) || !(receiver_ohm_ > 0.0))
    throw std::invalid_argument("copper channel: termination impedances must be > 0");
  mode_ = segments_.front().line.geometry().mode();
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& s = segments_[i];
    if (!(s.length_m > 0.0))
      throw std::invalid_argument("copper channel: segment " + std::to_string(i) +
                                  " length must be > 0");
    if (s.line.geometry().mode() != mode_)
      throw std::invalid_argument(
          "copper channel: segment " + std::to_string(i) + " is " +
          std::string(phy::to_string(s.line.geometry().mode())) + " but segment 0 is " +
          std::string(phy::to_string(mode_)) + "; all segments must carry the same mode");
  }
}

double CopperChannel::total_length_m() const {
  double l = 0.0;
  for (const auto& s : segments_) l += s.length_m;
  return l;
}

S2 CopperChannel::s_params(double freq_hz) const {
  ScaledAbcd m;
  for (const auto& s : segments_) m.chain(s, s.line.at(freq_hz, false));
  double loss_db = 0.0;
  return m.s_params(driver_ohm_, receiver_ohm_, loss_db);
}

ChannelResponse compute_response(const CopperChannel& channel, std::span<const double> freq_hz,
                                 bool with_breakdown) {
  ChannelResponse r;
  const std::size_t n = freq_hz.size();
  r.freq_hz.assign(freq_hz.begin(), freq_hz.end());
  r.s11.resize(n);
  r.s21.resize(n);
  r.s22.resize(n);
  if (with_breakdown) r.loss.resize(n);
  // Segments of the same materials share their frequency-dependent inputs (Debye permittivity,
  // roughness): compute them once per frequency per distinct material set.
  const auto& segs = channel.segments();
  std::vector<std::size_t> group(segs.size());
  std::vector<std::size_t> leaders;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    group[i] = leaders.size();
    for (std::size_t g = 0; g < leaders.size(); ++g)
      if (segs[leaders[g]].line.same_materials(segs[i].line)) {
        group[i] = g;
        break;
      }
    if (group[i] == leaders.size()) leaders.push_back(i);
  }
  std::vector<phy::LineInputs> inputs(leaders.size());
  for (std::size_t k = 0; k < n; ++k) {
    const double f = freq_hz[k];
    for (std::size_t g = 0; g < leaders.size(); ++g) inputs[g] = segs[leaders[g]].line.inputs(f);
    ScaledAbcd m;
    LossBreakdown lb;
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& s = segs[i];
      const phy::LinePoint p = s.line.at(f, inputs[group[i]], with_breakdown);
      m.chain(s, p);
      if (with_breakdown) {
        lb.conductor_db += phy::units::nepers_to_db(p.alpha_conductor * s.length_m);
        lb.roughness_db += phy::units::nepers_to_db(p.alpha_roughness * s.length_m);
        lb.dielectric_db += phy::units::nepers_to_db(p.alpha_dielectric * s.length_m);
      }
    }
    double total_db = 0.0;
    const S2 sp = m.s_params(channel.driver_ohm(), channel.receiver_ohm(), total_db);
    r.s11[k] = sp.s11;
    r.s21[k] = sp.s21;
    r.s22[k] = sp.s22;
    if (with_breakdown) {
      lb.total_db = total_db;
      lb.mismatch_db = lb.total_db - lb.conductor_db - lb.roughness_db - lb.dielectric_db;
      r.loss[k] = lb;
    }
  }
  return r;
}

}  // namespace phylane::channels
