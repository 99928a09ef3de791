#include "channels/network_checks.hpp"

#include <Eigen/Dense>
#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "channels/resample.hpp"
#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

double sigma_max(const Eigen::MatrixXcd& s) {
  if (s.rows() == 1) return std::abs(s(0, 0));
  return Eigen::JacobiSVD<Eigen::MatrixXcd>(s).singularValues()(0);
}

}  // namespace

PassivityReport check_passivity(const Network& net, double tolerance) {
  if (!(tolerance >= 0.0)) throw std::invalid_argument("check_passivity: tolerance = " + phy::number_text(tolerance, 9) + " must be >= 0");
  PassivityReport r;
  r.tolerance = tolerance;
  r.sigma_max.resize(net.size());
  for (std::size_t k = 0; k < net.size(); ++k) {
    const double s = sigma_max(net.s(k));
    r.sigma_max[k] = s;
    if (s > 1.0 + tolerance) ++r.violations;
    if (k == 0 || s > r.worst) {
      r.worst = s;
      r.worst_index = k;
      r.worst_freq_hz = net.freq_hz()[k];
    }
  }
  return r;
}

ReciprocityReport check_reciprocity(const Network& net, double floor, double tolerance) {
  if (!(floor >= 0.0)) throw std::invalid_argument("check_reciprocity: floor = " + phy::number_text(floor, 9) + " must be >= 0");
  if (!(tolerance >= 0.0))
    throw std::invalid_argument("check_reciprocity: tolerance = " + phy::number_text(tolerance, 9) + " must be >= 0");
  ReciprocityReport r;
  r.floor = floor;
  r.tolerance = tolerance;
  for (std::size_t k = 0; k < net.size(); ++k)
    for (int i = 0; i < net.ports(); ++i)
      for (int j = i + 1; j < net.ports(); ++j) {
        const cplx a = net.s(k, i, j), b = net.s(k, j, i);
        const double d = std::abs(a - b);
        r.worst_absolute = std::max(r.worst_absolute, d);
        const double m = std::max(std::abs(a), std::abs(b));
        if (m >= floor && m > 0.0 && d / m > r.worst_relative) {
          r.worst_relative = d / m;
          r.worst_freq_hz = net.freq_hz()[k];
          r.worst_i = i;
          r.worst_j = j;
        }
      }
  return r;
}

CausalityReport check_causality(const Network& net, const CausalityOptions& o) {
  if (o.to_port < 0 || o.from_port < 0 || o.to_port >= net.ports() || o.from_port >= net.ports())
    throw std::invalid_argument("check_causality: term S[" + std::to_string(o.to_port) + "][" +
                                std::to_string(o.from_port) + "] is not in a " + std::to_string(net.ports()) + "-port");
  if (!(o.df_hz >= 0.0)) throw std::invalid_argument("check_causality: df_hz = " + phy::number_text(o.df_hz, 9) + " must be >= 0");
  if (!(o.window_hz >= 0.0))
    throw std::invalid_argument("check_causality: window_hz = " + phy::number_text(o.window_hz, 9) + " must be >= 0");
  if (!(o.guard_s >= 0.0)) throw std::invalid_argument("check_causality: guard_s = " + phy::number_text(o.guard_s, 9) + " must be >= 0");
  if (!(o.arrival_fraction > 0.0 && o.arrival_fraction < 1.0))
    throw std::invalid_argument("check_causality: arrival_fraction = " + phy::number_text(o.arrival_fraction, 9) + " must be in (0, 1)");
  if (!(o.limit > 0.0)) throw std::invalid_argument("check_causality: limit = " + phy::number_text(o.limit, 9) + " must be > 0");
  if (net.size() < 4) throw std::invalid_argument("check_causality: needs at least 4 frequencies");

  // The term alone, as a 1-port (only it is resampled).
  Network term(net.freq_hz(), 1, {50.0});
  for (std::size_t k = 0; k < net.size(); ++k) term.s(k, 0, 0) = net.s(k, o.to_port, o.from_port);

  CausalityReport r;
  r.to_port = o.to_port;
  r.from_port = o.from_port;
  r.limit = o.limit;
  r.group_delay_s = term_delay_s(term, 0, 0);
  const auto& f = term.freq_hz();
  const double f_end = f.back();
  double df = o.df_hz;
  if (df == 0.0) {
    df = f_end;
    for (std::size_t k = 1; k < f.size(); ++k)
      if (f[k - 1] > 0.0) df = std::min(df, f[k] - f[k - 1]);
    if (r.group_delay_s > 0.0) df = std::min(df, 1.0 / (20.0 * r.group_delay_s));
  }
  // 2^22 points is ~70 MB of work arrays; more means df is unreasonably small for the band.
  if (f_end / df > 1 << 20)
    throw std::invalid_argument("check_causality: df = " + phy::number_text(df, 9) + " Hz gives more than 2^20 points up to " +
                                phy::number_text(f_end, 9) + " Hz");
  r.df_hz = df;
  r.window_hz = o.window_hz > 0.0 ? o.window_hz : f_end / 3.0;

  const Network u = to_uniform_grid(term, df, f_end);
  // Zero-padded to four times the data bandwidth (Nyquist 2 f_end): finer time samples.
  std::size_t n = 1;
  while (n < 4 * u.size()) n <<= 1;
  std::vector<cplx> spec(n / 2 + 1, cplx(0.0, 0.0));
  for (std::size_t k = 0; k < u.size(); ++k) {
    const double x = u.freq_hz()[k] / r.window_hz;
    spec[k] = u.s(k, 0, 0) * std::exp(-x * x);
  }
  spec[0] = cplx(spec[0].real(), 0.0);
  Eigen::FFT<double> fft;
  fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
  std::vector<double> h;
  fft.inv(h, spec, static_cast<Eigen::Index>(n));
  const double dt = 1.0 / (df * static_cast<double>(n));

  // Times from -T/2: sample m of the ordered sequence is h[(m + n/2) mod n] at t = (m - n/2) dt.
  auto at = [&](std::size_t m) { return h[(m + n / 2) % n]; };
  auto time = [&](std::size_t m) { return (static_cast<double>(m) - static_cast<double>(n / 2)) * dt; };
  double peak = 0.0, total = 0.0;
  for (std::size_t m = 0; m < n; ++m) {
    peak = std::max(peak, std::abs(at(m)));
    total += at(m) * at(m);
  }
  if (!(total > 0.0)) throw std::invalid_argument("check_causality: the term is zero");
  // Arrival: first sample at or above the threshold, interpolated linearly with the one before.
  const double threshold = o.arrival_fraction * peak;
  std::size_t first = 0;
  while (std::abs(at(first)) < threshold) ++first;
  double arrival = time(first);
  if (first > 0) {
    const double a0 = std::abs(at(first - 1)), a1 = std::abs(at(first));
    arrival -= dt * (a1 - threshold) / (a1 - a0);
  }
  r.arrival_s = arrival;
  r.guard_s = o.guard_s > 0.0 ? o.guard_s : 1.5 / r.window_hz;
  // Precursor: 0 <= t < arrival - guard. Negative time: t < -guard, wherever the arrival is (a
  // response arriving before the excitation is acausal however clean its front).
  double before = 0.0, negative = 0.0;
  for (std::size_t m = 0; m < n; ++m) {
    const double t = time(m);
    if (t < -r.guard_s) negative += at(m) * at(m);
    else if (t >= 0.0 && t < arrival - r.guard_s) before += at(m) * at(m);
  }
  r.negative_time_energy = negative / total;
  r.precursor_energy = before / total;
  return r;
}

PassivityEnforcement enforce_passivity(const Network& net) {
  PassivityEnforcement e{net, 0, 0.0, 0.0, 0.0};
  for (std::size_t k = 0; k < net.size(); ++k) {
    const Eigen::MatrixXcd s = net.s(k);
    Eigen::JacobiSVD<Eigen::MatrixXcd> svd(s, Eigen::ComputeFullU | Eigen::ComputeFullV);
    Eigen::VectorXd sv = svd.singularValues();
    e.largest_sigma_before = std::max(e.largest_sigma_before, sv(0));
    if (!(sv(0) > 1.0)) continue;
    ++e.frequencies_changed;
    for (Eigen::Index i = 0; i < sv.size(); ++i) sv(i) = std::min(sv(i), 1.0);
    const Eigen::MatrixXcd fixed = svd.matrixU() * sv.cast<cplx>().asDiagonal() * svd.matrixV().adjoint();
    e.largest_change = std::max(e.largest_change, svd.singularValues()(0) - 1.0);
    e.largest_relative_change = std::max(e.largest_relative_change, (fixed - s).norm() / s.norm());
    e.network.s(k) = fixed;
  }
  return e;
}

}  // namespace phylane::channels
