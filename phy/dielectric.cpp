#include "phy/dielectric.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace phylane::phy {

namespace {
constexpr double ln10 = 2.30258509299404568402;

// log10((f2 + j f) / (f1 + j f)), split into real and imaginary parts without complex division.
std::complex<double> ds_log_term(double f, double f1, double f2) {
  const double re = 0.5 * std::log((f2 * f2 + f * f) / (f1 * f1 + f * f)) / ln10;
  // arg((f2 + jf)/(f1 + jf)) = atan(f/f2) - atan(f/f1), which lies in (-pi/2, 0] for f >= 0, so
  // one atan of the difference formula gives it: atan((f/f2 - f/f1) / (1 + f^2/(f1 f2))).
  const double im = std::atan(f * (f1 - f2) / (f1 * f2 + f * f)) / ln10;
  return {re, im};
}

void check_dk_df(double dk, double df) {
  if (!(dk >= 1.0 && dk <= 100.0))
    throw std::invalid_argument("dielectric: dk = " + std::to_string(dk) + " must be in [1, 100]");
  if (!(df >= 0.0 && df < 1.0))
    throw std::invalid_argument("dielectric: df = " + std::to_string(df) + " must be in [0, 1)");
}
}  // namespace

std::string_view to_string(DielectricModel m) {
  return m == DielectricModel::constant ? "constant" : "djordjevic-sarkar";
}

std::optional<DielectricModel> parse_dielectric_model(std::string_view s) {
  if (s == "constant") return DielectricModel::constant;
  if (s == "djordjevic-sarkar") return DielectricModel::djordjevic_sarkar;
  return std::nullopt;
}

std::string_view dielectric_model_names() { return "djordjevic-sarkar, constant"; }

Dielectric Dielectric::constant(double dk, double df) {
  check_dk_df(dk, df);
  Dielectric d;
  d.model_ = DielectricModel::constant;
  d.ref_dk_ = dk;
  d.ref_df_ = df;
  d.eps_inf_ = dk;
  return d;
}

Dielectric Dielectric::djordjevic_sarkar(double dk, double df, double at_hz, double f_low_hz,
                                         double f_high_hz) {
  check_dk_df(dk, df);
  if (!(f_low_hz > 0.0 && f_low_hz < at_hz && at_hz < f_high_hz))
    throw std::invalid_argument("dielectric: Djordjevic-Sarkar needs 0 < f_low < at < f_high (got " +
                                std::to_string(f_low_hz) + ", " + std::to_string(at_hz) + ", " +
                                std::to_string(f_high_hz) + " Hz)");
  Dielectric d;
  d.model_ = DielectricModel::djordjevic_sarkar;
  d.ref_dk_ = dk;
  d.ref_df_ = df;
  d.ref_f_ = at_hz;
  d.f1_ = f_low_hz;
  d.f2_ = f_high_hz;
  // Fit (Djordjevic et al. 2001, eq. 3): with s = d_eps/(m2-m1) and L = log10((f2+jf)/(f1+jf)),
  // eps' = eps_inf + s Re L and eps'' = -s Im L at the reference frequency. Im L < 0 there.
  const double m_span = std::log10(f_high_hz / f_low_hz);
  const auto lterm = ds_log_term(at_hz, f_low_hz, f_high_hz);
  const double s = -(dk * df) / lterm.imag();
  d.delta_eps_ = s * m_span;
  d.eps_inf_ = dk - s * lterm.real();
  if (d.eps_inf_ < 1.0)
    throw std::invalid_argument("dielectric: dk = " + std::to_string(dk) + ", df = " +
                                std::to_string(df) +
                                " gives eps_inf < 1 in the Djordjevic-Sarkar fit (loss too high "
                                "for this Dk)");
  return d;
}

std::complex<double> Dielectric::permittivity(double freq_hz) const {
  if (model_ == DielectricModel::constant) return {ref_dk_, -ref_dk_ * ref_df_};
  const double s = delta_eps_ / std::log10(f2_ / f1_);
  const auto lterm = ds_log_term(freq_hz, f1_, f2_);
  return {eps_inf_ + s * lterm.real(), s * lterm.imag()};
}

}  // namespace phylane::phy
