#include "channels/network.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace phylane::channels {

namespace {

std::vector<double> expand_z0(std::vector<double> z0, int ports) {
  if (z0.size() == 1 && ports > 1) z0.assign(static_cast<std::size_t>(ports), z0.front());
  if (static_cast<int>(z0.size()) != ports)
    throw std::invalid_argument("network: " + std::to_string(z0.size()) + " reference impedances for " +
                                std::to_string(ports) + " ports");
  for (double z : z0)
    if (!(z > 0.0) || !std::isfinite(z))
      throw std::invalid_argument("network: reference impedance " + std::to_string(z) + " ohm must be > 0");
  return z0;
}

Eigen::VectorXd sqrt_z0(const std::vector<double>& z0) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(z0.size()));
  for (std::size_t i = 0; i < z0.size(); ++i) v(static_cast<Eigen::Index>(i)) = std::sqrt(z0[i]);
  return v;
}

}  // namespace

Network::Network(std::vector<double> freq_hz, int ports, std::vector<double> z0_ohm)
    : freq_(std::move(freq_hz)), ports_(ports) {
  if (ports_ < 1) throw std::invalid_argument("network: needs at least one port");
  for (std::size_t k = 0; k < freq_.size(); ++k) {
    if (!(freq_[k] >= 0.0) || !std::isfinite(freq_[k]))
      throw std::invalid_argument("network: frequency " + std::to_string(freq_[k]) + " Hz must be >= 0");
    if (k > 0 && !(freq_[k] > freq_[k - 1]))
      throw std::invalid_argument("network: frequencies must be strictly increasing (index " + std::to_string(k) +
                                  ")");
  }
  z0_ = expand_z0(std::move(z0_ohm), ports_);
  data_.assign(freq_.size() * static_cast<std::size_t>(ports_ * ports_), cplx(0.0, 0.0));
}

void Network::set_z0_ohm(std::vector<double> z0) { z0_ = expand_z0(std::move(z0), ports_); }

std::vector<cplx> Network::trace(int i, int j) const {
  if (i < 0 || j < 0 || i >= ports_ || j >= ports_)
    throw std::invalid_argument("network: port index out of range");
  std::vector<cplx> out(freq_.size());
  for (std::size_t k = 0; k < freq_.size(); ++k) out[k] = s(k, i, j);
  return out;
}

Eigen::MatrixXcd s_to_z(const Eigen::MatrixXcd& s, const std::vector<double>& z0) {
  const auto n = s.rows();
  const Eigen::VectorXd r = sqrt_z0(z0);
  const Eigen::MatrixXcd id = Eigen::MatrixXcd::Identity(n, n);
  const Eigen::MatrixXcd core = (id - s).partialPivLu().solve(id + s);
  return r.asDiagonal() * core * r.asDiagonal();
}

Eigen::MatrixXcd z_to_s(const Eigen::MatrixXcd& z, const std::vector<double>& z0) {
  const auto n = z.rows();
  const Eigen::VectorXd r = sqrt_z0(z0);
  const Eigen::VectorXd rinv = r.cwiseInverse();
  // Normalised impedance zn = G^-1/2 Z G^-1/2; S = (zn - I)(zn + I)^-1.
  const Eigen::MatrixXcd zn = rinv.asDiagonal() * z * rinv.asDiagonal();
  const Eigen::MatrixXcd id = Eigen::MatrixXcd::Identity(n, n);
  // (zn - I)(zn + I)^-1 = ((zn + I)^-T (zn - I)^T)^T
  return (zn + id).transpose().partialPivLu().solve((zn - id).transpose()).transpose();
}

Eigen::MatrixXcd s_to_y(const Eigen::MatrixXcd& s, const std::vector<double>& z0) {
  const auto n = s.rows();
  const Eigen::VectorXd rinv = sqrt_z0(z0).cwiseInverse();
  const Eigen::MatrixXcd id = Eigen::MatrixXcd::Identity(n, n);
  const Eigen::MatrixXcd core = (id + s).partialPivLu().solve(id - s);
  return rinv.asDiagonal() * core * rinv.asDiagonal();
}

Eigen::MatrixXcd y_to_s(const Eigen::MatrixXcd& y, const std::vector<double>& z0) {
  const auto n = y.rows();
  const Eigen::VectorXd r = sqrt_z0(z0);
  // Normalised admittance yn = G^1/2 Y G^1/2; S = (I - yn)(I + yn)^-1.
  const Eigen::MatrixXcd yn = r.asDiagonal() * y * r.asDiagonal();
  const Eigen::MatrixXcd id = Eigen::MatrixXcd::Identity(n, n);
  return (id + yn).transpose().partialPivLu().solve((id - yn).transpose()).transpose();
}

namespace {

// renormalize's per-frequency transform with P x P matrices (P fixed for 2- and 4-ports, so that
// nothing is allocated per frequency; Eigen::Dynamic otherwise).
template <int P>
void renormalize_all(const Network& n, Network& out, const Eigen::VectorXd& g, const Eigen::VectorXd& k) {
  using M = Eigen::Matrix<cplx, P, P>;
  const auto p = static_cast<Eigen::Index>(n.ports());
  const M gd = g.cast<cplx>().asDiagonal();
  const M id = M::Identity(p, p);
  const M kd = k.cast<cplx>().asDiagonal();
  const M kinv = k.cwiseInverse().cast<cplx>().asDiagonal();
  for (std::size_t f = 0; f < n.size(); ++f) {
    const M s = n.s(f);
    // (S - G)(I - G S)^-1 = ((I - G S)^-T (S - G)^T)^T
    const M y = (id - gd * s).transpose().partialPivLu().solve((s - gd).transpose()).transpose();
    out.s(f) = kd * y * kinv;
  }
}

}  // namespace

Network renormalize(const Network& n, std::vector<double> new_z0) {
  Network out(n.freq_hz(), n.ports(), std::move(new_z0));
  out.name = n.name;
  // Directly between the two sets of power waves, not through Z: Z does not exist for a thru or
  // a lossless line at a multiple of half a wavelength (I - S singular), and loses digits near it.
  // With g = (z' - z)/(z' + z), k = (z + z')/(2 sqrt(z z')): a' = k (a - g b), b' = k (b - g a), so
  // S' = K (S - G)(I - G S)^-1 K^-1 (Kurokawa 1965, power waves; see also
  // channels/network_ops.hpp renormalize_matrix). (I - G S) is invertible for passive S, |g| < 1.
  const auto p = static_cast<Eigen::Index>(n.ports());
  Eigen::VectorXd g(p), k(p);
  bool same = true;
  for (Eigen::Index i = 0; i < p; ++i) {
    const double zo = n.z0_ohm()[static_cast<std::size_t>(i)], zn = out.z0_ohm()[static_cast<std::size_t>(i)];
    g(i) = (zn - zo) / (zn + zo);
    k(i) = (zo + zn) / (2.0 * std::sqrt(zo * zn));
    same = same && zo == zn;
  }
  if (same) {  // G = 0, K = I: S' = S
    for (std::size_t f = 0; f < n.size(); ++f) out.s(f) = n.s(f);
    return out;
  }
  if (p == 2) renormalize_all<2>(n, out, g, k);
  else if (p == 4) renormalize_all<4>(n, out, g, k);
  else renormalize_all<Eigen::Dynamic>(n, out, g, k);
  return out;
}

}  // namespace phylane::channels
