#pragma once
/// N-port networks: S-parameters on a frequency grid with real reference impedances per port.
/// The container shared by Touchstone I/O (io/touchstone.hpp), the network algebra
/// (channels/network_ops.hpp), the checks (channels/network_checks.hpp) and channel assembly.
#include <Eigen/Dense>
#include <complex>
#include <string>
#include <vector>

namespace phylane::channels {

using cplx = std::complex<double>;

/// S-parameters (power waves, which for real reference impedances equal the pseudo-waves used by
/// Touchstone and scikit-rf) of an N-port at F frequencies. Ports are 0-based in code and 1-based
/// in files and messages. Storage is one contiguous block, frequency-major, each matrix
/// column-major, so s(k) is a zero-copy Eigen view.
class Network {
 public:
  Network() = default;
  /// All S = 0. freq_hz must be strictly increasing and >= 0; z0_ohm has one entry per port, each > 0
  /// (or a single entry used for every port). Throws std::invalid_argument otherwise.
  Network(std::vector<double> freq_hz, int ports, std::vector<double> z0_ohm);

  int ports() const { return ports_; }
  std::size_t size() const { return freq_.size(); }
  const std::vector<double>& freq_hz() const { return freq_; }
  const std::vector<double>& z0_ohm() const { return z0_; }
  void set_z0_ohm(std::vector<double> z0);  ///< relabel only (no renormalisation)

  using MatrixMap = Eigen::Map<Eigen::MatrixXcd>;
  using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXcd>;
  /// The S-matrix at frequency index k (ports x ports).
  MatrixMap s(std::size_t k) { return MatrixMap(data_.data() + k * ports_ * ports_, ports_, ports_); }
  ConstMatrixMap s(std::size_t k) const {
    return ConstMatrixMap(data_.data() + k * ports_ * ports_, ports_, ports_);
  }
  /// S_ij at frequency index k (0-based ports).
  cplx s(std::size_t k, int i, int j) const { return data_[k * ports_ * ports_ + j * ports_ + i]; }
  cplx& s(std::size_t k, int i, int j) { return data_[k * ports_ * ports_ + j * ports_ + i]; }
  /// S_ij over all frequencies.
  std::vector<cplx> trace(int i, int j) const;

  /// Free-form description (file name, "composed channel", ...), carried into reports.
  std::string name;

 private:
  std::vector<double> freq_;
  int ports_ = 0;
  std::vector<double> z0_;
  std::vector<cplx> data_;
};

/// Conversions between S (referenced to the network's z0) and Z or Y matrices at one frequency.
/// For real reference impedances, with G = diag(z0):
///   Z = G^(1/2) (I - S)^-1 (I + S) G^(1/2),   S = (zn - I)(zn + I)^-1, zn = G^(-1/2) Z G^(-1/2),
///   Y = G^(-1/2) (I + S)^-1 (I - S) G^(-1/2), S = (I - yn)(I + yn)^-1, yn = G^(1/2) Y G^(1/2).
/// Source: K. Kurokawa, "Power waves and the scattering matrix", IEEE Trans. MTT-13(2), 1965;
/// D. M. Pozar, Microwave Engineering, 4th ed., sec. 4.3. Tested by tests/channels/network_test.cpp.
Eigen::MatrixXcd s_to_z(const Eigen::MatrixXcd& s, const std::vector<double>& z0);
Eigen::MatrixXcd z_to_s(const Eigen::MatrixXcd& z, const std::vector<double>& z0);
Eigen::MatrixXcd s_to_y(const Eigen::MatrixXcd& s, const std::vector<double>& z0);
Eigen::MatrixXcd y_to_s(const Eigen::MatrixXcd& y, const std::vector<double>& z0);

/// The same network referenced to other real impedances (one per port, or one for all).
Network renormalize(const Network& n, std::vector<double> new_z0);

}  // namespace phylane::channels
