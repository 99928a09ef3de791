#include "solvers/com_sparam_interp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <stdexcept>

namespace phylane::solvers {

namespace {

// Piecewise-linear interpolation through (x, y), the end segments continued (MATLAB's
// interp1(..., 'linear', 'extrap')).
double lerp_extrap(const std::vector<double>& x, const std::vector<double>& y, double f) {
  const std::size_t n = x.size();
  if (n == 1) return y[0];
  std::size_t k;
  if (f <= x[1]) k = 0;
  else if (f >= x[n - 2]) k = n - 2;
  else k = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), f) - x.begin()) - 1;
  return y[k] + (y[k + 1] - y[k]) * (f - x[k]) / (x[k + 1] - x[k]);
}

// The least-squares line a + b x through the points [i0, i1) evaluated at x0 (MATLAB's polyfit
// of degree 1 then polyval; centred for rounding).
double line_at(const std::vector<double>& x, const std::vector<double>& y, std::size_t i0, std::size_t i1, double x0) {
  double mx = 0.0, my = 0.0;
  for (std::size_t i = i0; i < i1; ++i) {
    mx += x[i];
    my += y[i];
  }
  const double n = static_cast<double>(i1 - i0);
  mx /= n;
  my /= n;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = i0; i < i1; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return my + (sxx > 0.0 ? sxy / sxx : 0.0) * (x0 - mx);
}

// The mean of v within one (sample) standard deviation of its median, strictly; the median
// itself when none is (the reference code would take the mean of nothing, NaN).
double trend(std::vector<double> v) {
  const std::size_t n = v.size();
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sigma = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  const double med = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  double sum = 0.0;
  std::size_t cnt = 0;
  for (double x : v)
    if (std::abs(x - med) < sigma) {
      sum += x;
      ++cnt;
    }
  return cnt ? sum / static_cast<double>(cnt) : med;
}

}  // namespace

ComSparamInterp::ComSparamInterp(std::span<const double> fin, std::span<const std::complex<double>> h,
                                 double f_out_end, const std::string& name) {
  const std::size_t n = fin.size();
  if (n != h.size()) throw std::invalid_argument(name + ": COM interpolation: frequencies and values differ in count");
  if (n < 3) throw std::invalid_argument(name + ": COM interpolation needs at least 3 frequency points");
  if (!(f_out_end > 0.0)) throw std::invalid_argument(name + ": COM interpolation: the output grid must end above 0 Hz");
  for (std::size_t k = 0; k < n; ++k)
    if (!std::isfinite(fin[k]) || fin[k] < 0.0 || (k > 0 && !(fin[k] > fin[k - 1])))
      throw std::invalid_argument(name + ": COM interpolation: the frequencies must be finite, >= 0 and increasing");
  const bool dc = fin[0] == 0.0;
  if (!dc && n < 52)
    throw std::invalid_argument(name + ": COM interpolation (reference code 4.15) needs at least 52 frequency points "
                                "without a DC point (" + std::to_string(n) + " given)");
  const std::vector<double> f(fin.begin(), fin.end());
  data_end_hz_ = f.back();
  const double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> mag(n), ph(n);
  for (std::size_t k = 0; k < n; ++k) mag[k] = std::max(std::abs(h[k]), eps);
  // unwrap(angle(S)) as MATLAB: each step brought into [-pi, pi) (+pi kept for a rise of pi).
  ph[0] = std::arg(h[0]);
  double corr = 0.0;
  for (std::size_t k = 1; k < n; ++k) {
    const double a = std::arg(h[k]), dp = a - std::arg(h[k - 1]);
    double dps = std::fmod(dp + std::numbers::pi, 2.0 * std::numbers::pi);
    if (dps < 0.0) dps += 2.0 * std::numbers::pi;
    dps -= std::numbers::pi;
    if (dps == -std::numbers::pi && dp > 0.0) dps = std::numbers::pi;
    if (std::abs(dp) >= std::numbers::pi) corr += dps - dp;
    ph[k] = a + corr;
  }
  if ((ph[n - 1] - ph[0]) / static_cast<double>(n - 1) > 0.0)
    throw std::invalid_argument(name + ": the phase of the transfer function rises with frequency on average "
                                "(anti-causal); the COM reference code 4.15 refuses it: a finer frequency step "
                                "is required");

  // Magnitude knots.
  if (!dc) {
    mag_f_.push_back(0.0);
    mag_v_.push_back(line_at(f, mag, 0, 10, 0.0));
  }
  mag_f_.insert(mag_f_.end(), f.begin(), f.end());
  mag_v_.insert(mag_v_.end(), mag.begin(), mag.end());
  if (f.back() < f_out_end) {
    const std::size_t mid = static_cast<std::size_t>(std::lround(static_cast<double>(n) / 2.0)) - 1;
    double v = line_at(f, mag, mid, n, f_out_end);
    if (v > mag.back()) v = mag.back();
    else if (v < eps) v = eps;
    mag_f_.push_back(f_out_end);
    mag_v_.push_back(v);
  }

  // Phase.
  if (!dc) {
    std::vector<double> gd(n - 1);
    for (std::size_t k = 0; k + 1 < n; ++k) gd[k] = -(ph[k + 1] - ph[k]) / (f[k + 1] - f[k]);
    const double lf = trend(std::vector<double>(gd.begin(), gd.begin() + 50));
    for (std::size_t k = 10; k-- > 0;) ph[k] = ph[k + 1] + lf * (f[k + 1] - f[k]);
    hf_slope_ = -trend(std::vector<double>(gd.end() - 51, gd.end()));
    if (f.back() < f_out_end) {
      // The last point of the reference's output grid not above the data's end.
      const double step = f_out_end / std::round(f_out_end / (f[2] - f[1]));
      double anchor = std::floor(f.back() / step) * step;
      if ((anchor + step) <= f.back()) anchor += step;
      hf_phase_ = true;
      ph_anchor_f_ = anchor;
      ph_anchor_v_ = lerp_extrap(f, ph, anchor);
    }
  }
  ph_f_ = f;
  ph_v_ = ph;
}

double ComSparamInterp::magnitude(double f) const { return std::max(lerp_extrap(mag_f_, mag_v_, f), 0.0); }

double ComSparamInterp::phase_rad(double f) const {
  if (hf_phase_ && f > data_end_hz_) return ph_anchor_v_ + (f - ph_anchor_f_) * hf_slope_;
  return lerp_extrap(ph_f_, ph_v_, f);
}

std::complex<double> ComSparamInterp::operator()(double f) const { return std::polar(magnitude(f), phase_rad(f)); }

void ComSparamInterp::evaluate(std::span<const double> f, std::span<std::complex<double>> h, double box_dt) const {
  if (f.size() != h.size()) throw std::invalid_argument("COM interpolation: frequencies and values differ in count");
  const double pi = std::numbers::pi;
  if (box_dt < 0.0 || !std::isfinite(box_dt)) throw std::invalid_argument("COM interpolation: box_dt must be >= 0");
  // The phase's slope above the data: the high-frequency group delay, or the last segment's.
  const std::size_t np = ph_f_.size();
  const double slope =
      hf_phase_ ? hf_slope_ : (ph_v_[np - 1] - ph_v_[np - 2]) / (ph_f_[np - 1] - ph_f_[np - 2]);
  const double rate = slope + pi * box_dt;  // d(phase + x)/df
  constexpr std::size_t reanchor = 64;
  std::complex<double> z, z_step, e, e_step;  // e^{j(phase + x)}, e^{jx} and their steps
  double d = 0.0, f_prev = 0.0;
  std::size_t run = 0;  // points since the last exact evaluation; 0: none yet
  for (std::size_t k = 0; k < f.size(); ++k) {
    const double fk = f[k];
    if (!(fk >= 0.0) || !std::isfinite(fk) || (box_dt > 0.0 && !(fk * box_dt < 1.0)))
      throw std::invalid_argument("COM interpolation: f = " + std::to_string(fk) +
                                  " Hz: finite, >= 0 and below 1/box_dt are required");
    const double x = pi * fk * box_dt;
    double mag = magnitude(fk);
    if (fk <= data_end_hz_) {
      // Within (and below) the data: exact, one rotation for both phases.
      double ph = phase_rad(fk);
      if (x != 0.0) {
        mag *= x / std::sin(x);
        ph += x;
      }
      h[k] = fk == 0.0 ? std::complex<double>(std::polar(mag, ph).real(), 0.0) : std::polar(mag, ph);
      run = 0;
      continue;
    }
    const double step = fk - f_prev;
    if (run == 0 || run == reanchor || std::abs(step - d) > 1e-9 * d) {
      z = std::polar(1.0, phase_rad(fk) + x);
      e = std::polar(1.0, x);
      // The spacing over the block ahead (one rounded difference would carry its rounding into
      // every step of the block).
      const std::size_t j = std::min(k + reanchor, f.size() - 1);
      d = j > k ? (f[j] - fk) / static_cast<double>(j - k) : 0.0;
      z_step = std::polar(1.0, rate * d);
      e_step = std::polar(1.0, pi * box_dt * d);
      run = 1;
    } else {
      z *= z_step;
      e *= e_step;
      ++run;
    }
    f_prev = fk;
    if (x != 0.0) mag *= x / e.imag();
    h[k] = mag * z;
  }
}

channels::TransferFunction com_reference_continuation(const channels::TransferFunction& path,
                                                      std::span<const double> data_hz,
                                                      const std::function<std::complex<double>(double)>& filters,
                                                      double f_out_end_hz, const std::string& name,
                                                      double box_dt) {
  if (data_hz.empty()) throw std::invalid_argument(name + ": COM interpolation: the data frequencies are missing");
  std::vector<std::complex<double>> h(data_hz.size());
  path(data_hz, h);
  for (std::size_t k = 0; k < h.size(); ++k) h[k] *= filters(data_hz[k]);
  auto in = std::make_shared<const ComSparamInterp>(data_hz, h, f_out_end_hz, name);
  return [in, box_dt](std::span<const double> f, std::span<std::complex<double>> hv) { in->evaluate(f, hv, box_dt); };
}

}  // namespace phylane::solvers
