#include "channels/com_package.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

void require(bool ok, const char* field, double value, const char* rule) {
  if (!ok)
    throw std::invalid_argument(std::string("COM package: ") + field + " = " + phy::number_text(value, 9) +
                                " must be " + rule);
}

void require_non_negative(const char* field, double value) {
  require(value >= 0.0 && std::isfinite(value), field, value, ">= 0");
}

void check(const ComPackage& p) {
  require(p.r0_ohm > 0.0 && std::isfinite(p.r0_ohm), "r0_ohm", p.r0_ohm, "> 0");
  for (double c : p.c_d_f) require_non_negative("c_d_f", c);
  for (double l : p.l_s_h) require_non_negative("l_s_h", l);
  if (!p.l_s_h.empty() && p.l_s_h.size() != p.c_d_f.size())
    require(false, "l_s_h size", static_cast<double>(p.l_s_h.size()), "0 or the number of C_d sections");
  require_non_negative("c_b_f", p.c_b_f);
  require_non_negative("c_p_f", p.c_p_f);
  require_non_negative("line.gamma0_per_m", p.line.gamma0_per_m);
  require_non_negative("line.a1_per_m_sqrt_hz", p.line.a1_per_m_sqrt_hz);
  require_non_negative("line.a2_s_per_m", p.line.a2_s_per_m);
  require_non_negative("line.tau_s_per_m", p.line.tau_s_per_m);
  for (const auto& s : p.segments) {
    require(s.z_c_ohm > 0.0 && std::isfinite(s.z_c_ohm), "segments[].z_c_ohm", s.z_c_ohm, "> 0");
    require_non_negative("segments[].length_m", s.length_m);
  }
}

S2 flipped(const S2& s) { return {s.s22, s.s21, s.s12, s.s11}; }

// 93A-9 ... 93A-11 take f in GHz; the coefficients here are SI, so only the logarithm keeps a
// reference frequency.
constexpr double ln_reference_hz = 1e9;

}  // namespace

S2 com_shunt_capacitance_s(double c_f, double r0_ohm, double freq_hz) {
  const cplx jwcr(0.0, 2.0 * phy::pi * freq_hz * c_f * r0_ohm);
  const cplx s11 = -jwcr / (2.0 + jwcr);  // (93A-8)
  const cplx s21 = 2.0 / (2.0 + jwcr);
  return {s11, s21, s21, s11};
}

S2 com_series_inductance_s(double l_h, double r0_ohm, double freq_hz) {
  const cplx jwl(0.0, 2.0 * phy::pi * freq_hz * l_h);
  const cplx s11 = jwl / (2.0 * r0_ohm + jwl);
  const cplx s21 = 2.0 * r0_ohm / (2.0 * r0_ohm + jwl);
  return {s11, s21, s21, s11};
}

cplx com_line_gamma(const ComLineLoss& loss, double freq_hz) {
  if (freq_hz <= 0.0) return {loss.gamma0_per_m, 0.0};
  const cplx gamma1 = loss.a1_per_m_sqrt_hz * cplx(1.0, 1.0);                                   // (93A-10)
  const cplx gamma2 = loss.a2_s_per_m * cplx(1.0, -(2.0 / phy::pi) * std::log(freq_hz / ln_reference_hz)) +
                      cplx(0.0, 2.0 * phy::pi * loss.tau_s_per_m);                            // (93A-11)
  return loss.gamma0_per_m + gamma1 * std::sqrt(freq_hz) + gamma2 * freq_hz;                 // (93A-9)
}

S2 com_line_s(const ComLineLoss& loss, const ComLineSegment& segment, double r0_ohm, double freq_hz) {
  const double rho = (segment.z_c_ohm - 2.0 * r0_ohm) / (segment.z_c_ohm + 2.0 * r0_ohm);  // (93A-12)
  const cplx e1 = std::exp(-com_line_gamma(loss, freq_hz) * segment.length_m);
  const cplx e2 = e1 * e1;
  const cplx den = 1.0 - rho * rho * e2;
  const cplx s11 = rho * (1.0 - e2) / den;         // (93A-13)
  const cplx s21 = (1.0 - rho * rho) * e1 / den;   // (93A-14)
  return {s11, s21, s21, s11};
}

S2 com_cascade(const S2& a, const S2& b) {
  // Signal-flow reduction of two 2-ports in cascade (the S-parameter form of the T-matrix product
  // the reference code uses for 93A-15); den accounts for the multiple reflections between them.
  const cplx den = 1.0 - a.s22 * b.s11;
  return {a.s11 + a.s12 * a.s21 * b.s11 / den, a.s12 * b.s12 / den, a.s21 * b.s21 / den,
          b.s22 + b.s21 * b.s12 * a.s22 / den};
}

namespace {
// com_package_s of a checked package at a checked frequency.
S2 package_s(const ComPackage& p, double freq_hz, ComPackageSide side) {
  S2 s{0.0, 1.0, 1.0, 0.0};  // matched through connection
  // The first element is the cascade so far (the through connection before it changes nothing:
  // the same values, one cascade fewer per frequency).
  bool first = true;
  auto add = [&](const S2& next) {
    s = first ? next : com_cascade(s, next);
    first = false;
  };
  for (std::size_t i = 0; i < p.c_d_f.size(); ++i) {
    if (p.c_d_f[i] > 0.0) add(com_shunt_capacitance_s(p.c_d_f[i], p.r0_ohm, freq_hz));
    if (!p.l_s_h.empty() && p.l_s_h[i] > 0.0) add(com_series_inductance_s(p.l_s_h[i], p.r0_ohm, freq_hz));
  }
  if (p.c_b_f > 0.0) add(com_shunt_capacitance_s(p.c_b_f, p.r0_ohm, freq_hz));
  for (const auto& seg : p.segments)
    if (seg.length_m > 0.0) add(com_line_s(p.line, seg, p.r0_ohm, freq_hz));
  if (p.c_p_f > 0.0) add(com_shunt_capacitance_s(p.c_p_f, p.r0_ohm, freq_hz));
  return side == ComPackageSide::tx ? s : flipped(s);
}
}  // namespace

S2 com_package_s(const ComPackage& p, double freq_hz, ComPackageSide side) {
  check(p);
  require(freq_hz >= 0.0 && std::isfinite(freq_hz), "freq_hz", freq_hz, ">= 0");
  return package_s(p, freq_hz, side);
}

void com_package_s(const ComPackage& p, std::span<const double> freq_hz, ComPackageSide side, std::span<S2> out) {
  check(p);
  if (out.size() != freq_hz.size())
    throw std::invalid_argument("COM package: " + std::to_string(freq_hz.size()) + " frequencies and " +
                                std::to_string(out.size()) + " outputs");
  for (double f : freq_hz) require(f >= 0.0 && std::isfinite(f), "freq_hz", f, ">= 0");
  for (std::size_t k = 0; k < freq_hz.size(); ++k) out[k] = package_s(p, freq_hz[k], side);
}

Network com_package_network(const ComPackage& package, std::span<const double> freq_hz, ComPackageSide side) {
  check(package);
  Network n(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {2.0 * package.r0_ohm});
  std::vector<S2> all(freq_hz.size());
  com_package_s(package, freq_hz, side, all);
  for (std::size_t k = 0; k < freq_hz.size(); ++k) {
    const S2& s = all[k];
    n.s(k, 0, 0) = s.s11;
    n.s(k, 0, 1) = s.s12;
    n.s(k, 1, 0) = s.s21;
    n.s(k, 1, 1) = s.s22;
  }
  n.name = side == ComPackageSide::tx ? "COM package (Annex 93A), die to ball" : "COM package (Annex 93A), ball to die";
  return n;
}

Network com_package_line_network(const ComPackage& package, std::span<const double> freq_hz, ComPackageSide side) {
  const Network d = com_package_network(package, freq_hz, side);
  Network n(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {package.r0_ohm});
  for (std::size_t k = 0; k < freq_hz.size(); ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) n.s(k, i, j) = d.s(k, i, j);
  n.name = d.name + ", one line";
  return n;
}

double com_termination_reflection(double r_d_ohm, double r0_ohm) {
  require(r_d_ohm > 0.0 && std::isfinite(r_d_ohm), "r_d_ohm", r_d_ohm, "> 0");
  require(r0_ohm > 0.0 && std::isfinite(r0_ohm), "r0_ohm", r0_ohm, "> 0");
  return (r_d_ohm - r0_ohm) / (r_d_ohm + r0_ohm);  // (93A-17)
}

cplx com_terminated_h21(const S2& s, double g1, double g2) {
  return s.s21 * (1.0 - g1) * (1.0 + g2) /
         (1.0 - s.s11 * g1 - s.s22 * g2 - s.s12 * s.s21 * g1 * g2 + s.s11 * s.s22 * g1 * g2);  // (93A-18)
}

}  // namespace phylane::channels
