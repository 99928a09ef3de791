#include "solvers/crosstalk_models.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace phylane::solvers {

namespace {
constexpr double kPi = 3.14159265358979323846;

void require_positive(double v, const char* what) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw std::invalid_argument(std::string("crosstalk: ") + what + " must be finite and > 0");
}
}  // namespace

TransferFunction fext_relative(double level_ratio, double f_ref_hz) {
  require_positive(level_ratio, "the FEXT level");
  require_positive(f_ref_hz, "the FEXT reference frequency");
  const double slope = level_ratio / f_ref_hz;
  // Paul (weak coupling): V_FE proportional to dV_thru/dt -> j omega; the sign of the modal
  // difference (1/2)(e^{-j beta_e l} - e^{-j beta_o l}) ~ -j (beta_e - beta_o) l / 2 e^{-j beta l}.
  return [slope](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t k = 0; k < f.size(); ++k) h[k] = std::complex<double>(0.0, -slope * f[k]);
  };
}

TransferFunction next_section(double level_ratio, double delay_s) {
  require_positive(level_ratio, "the NEXT level");
  require_positive(delay_s, "the NEXT coupled-section delay");
  // Paul (weak coupling): V_NE(t) = K_b [V(t) - V(t - 2 tau)] -> K_b (1 - e^{-j omega 2 tau}).
  return [level_ratio, delay_s](std::span<const double> f, std::span<std::complex<double>> h) {
    for (std::size_t k = 0; k < f.size(); ++k)
      h[k] = level_ratio * (1.0 - std::polar(1.0, -4.0 * kPi * f[k] * delay_s));
  };
}

TransferFunction product(std::vector<TransferFunction> factors) {
  if (factors.empty()) throw std::invalid_argument("crosstalk: a product of no transfer functions");
  auto fs = std::make_shared<const std::vector<TransferFunction>>(std::move(factors));
  return [fs](std::span<const double> f, std::span<std::complex<double>> h) {
    (*fs)[0](f, h);
    std::vector<std::complex<double>> tmp(f.size());
    for (std::size_t i = 1; i < fs->size(); ++i) {
      (*fs)[i](f, tmp);
      for (std::size_t k = 0; k < f.size(); ++k) h[k] *= tmp[k];
    }
  };
}

TransferFunction squared(TransferFunction h) {
  return [h = std::move(h)](std::span<const double> f, std::span<std::complex<double>> out) {
    h(f, out);
    for (auto& v : out) v *= v;
  };
}

}  // namespace phylane::solvers
