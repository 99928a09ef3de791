#include "phy/roughness.hpp"

#include <array>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "phy/constants.hpp"
#include "phy/name_table.hpp"

namespace phylane::phy {

constexpr EnumName<RoughnessModel> kRoughnessModels[] = {
    {RoughnessModel::none, "none"}, {RoughnessModel::hammerstad, "hammerstad"},
    {RoughnessModel::huray, "huray"}, {RoughnessModel::groisse, "groisse"}};

std::string_view to_string(RoughnessModel m) { return name_of(kRoughnessModels, m); }

std::optional<RoughnessModel> parse_roughness_model(std::string_view s) { return value_named(kRoughnessModels, s); }

std::string_view roughness_model_names() { return "none, hammerstad, huray, groisse"; }

double hammerstad_factor(double rms_m, double skin_depth_m) {
  const double r = rms_m / skin_depth_m;
  return 1.0 + (2.0 / pi) * std::atan(1.4 * r * r);
}

double huray_factor(double nodule_radius_m, double surface_ratio, double flat_ratio,
                    double skin_depth_m) {
  const double x = skin_depth_m / nodule_radius_m;
  return flat_ratio + 1.5 * surface_ratio / (1.0 + x + 0.5 * x * x);
}

double groisse_factor(double rms_m, double skin_depth_m) {
  if (rms_m <= 0.0) return 1.0;
  return 1.0 + std::exp(-std::pow(skin_depth_m / (2.0 * rms_m), 1.6));
}

void Roughness::validate() const {
  auto bad = [](const std::string& what) { throw std::invalid_argument("roughness: " + what); };
  switch (model) {
    case RoughnessModel::none: return;
    case RoughnessModel::hammerstad:
    case RoughnessModel::groisse:
      if (!(rms_m >= 0.0 && rms_m < 1e-3)) bad("rms roughness must be in [0, 1 mm)");
      return;
    case RoughnessModel::huray:
      if (!(nodule_radius_m > 0.0 && nodule_radius_m < 1e-3))
        bad("Huray nodule radius must be in (0, 1 mm)");
      if (!(surface_ratio >= 0.0 && surface_ratio <= 100.0))
        bad("Huray surface ratio must be in [0, 100]");
      if (!(flat_ratio >= 1.0 && flat_ratio <= 10.0)) bad("Huray flat ratio must be in [1, 10]");
      return;
  }
}

double Roughness::factor(double skin_depth_m) const {
  switch (model) {
    case RoughnessModel::none: return 1.0;
    case RoughnessModel::hammerstad: return hammerstad_factor(rms_m, skin_depth_m);
    case RoughnessModel::huray:
      return huray_factor(nodule_radius_m, surface_ratio, flat_ratio, skin_depth_m);
    case RoughnessModel::groisse: return groisse_factor(rms_m, skin_depth_m);
  }
  return 1.0;
}

namespace {

// Causal completion of a roughness model. Each model's excess loss has the form
//   dR(w) = c Rs(w) F(v),   v = L / delta  (L = Rq, or the nodule radius a for Huray),
// with v proportional to sqrt(w). The reactance that makes dR + j dX causal is the Hilbert
// transform dX(w) = (2w/pi) P Int_0^inf dR(w') / (w'^2 - w^2) dw' (Bode, Network Analysis and
// Feedback Amplifier Design, 1945, ch. 14; Kramers-Kronig for impedances). Substituting
// w = w0 v^2 makes it scale-free: dX = c Rs G(v) with
//   G(v) = (4v/pi) Int_0^inf [v'^2 F(v') - v^2 F(v)] / (v'^4 - v^4) dv'  -  F(v)
// (the subtracted term carries the principal value: P Int_0^inf dv'/(v'^4 - v^4) = -pi/(4 v^3)).
// F = 1 gives G = 1: the smooth surface impedance (1 + j) Rs is its own Hilbert pair.
// G is tabulated once per model on a logarithmic grid of v and interpolated.
class HilbertTable {
 public:
  explicit HilbertTable(std::function<double(double)> f) : f_(std::move(f)) {
    for (int i = 0; i < kPoints; ++i) g_[static_cast<std::size_t>(i)] = compute(std::exp(kLogMin + i * step()));
  }
  double operator()(double v) const {
    if (v <= 0.0) return 0.0;
    const double x = (std::log(v) - kLogMin) / step();
    if (x <= 0.0) return g_.front() * v / std::exp(kLogMin);  // G ~ v F(v) -> 0 linearly or faster
    if (x >= kPoints - 1) return g_.back();                   // F and G saturate together
    // Catmull-Rom cubic in ln v (G is smooth in ln v; linear interpolation leaves ~1e-4 errors).
    const auto i = static_cast<std::size_t>(x);
    const double t = x - static_cast<double>(i);
    const double p0 = g_[i == 0 ? 0 : i - 1], p1 = g_[i], p2 = g_[i + 1];
    const double p3 = g_[i + 2 < g_.size() ? i + 2 : i + 1];
    return p1 + 0.5 * t * (p2 - p0 + t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
  }

 private:
  static constexpr int kPoints = 561;  // 40 points per decade over v = 1e-5 ... 1e9
  static constexpr double kLogMin = -11.512925464970229;  // ln 1e-5
  static constexpr double kLogMax = 20.72326583694641;    // ln 1e9
  static double step() { return (kLogMax - kLogMin) / (kPoints - 1); }

  double compute(double v) const {
    const double fv = f_(v);
    const double v2 = v * v, v4 = v2 * v2;
    // Integrate in t = ln v' from ln v - 30 to ln v + 30 (the integrand decays as e^{-|t|}), on a
    // grid offset by half a step from ln v so that the removable singularity at v' = v is never
    // evaluated. The trapezoid rule converges geometrically for this smooth, decaying integrand:
    // h = 0.05 agrees with h = 0.02 to 1e-9.
    const int n = 1200;
    const double h = 60.0 / n;
    const double t0 = std::log(v) - 30.0 + 0.5 * h;
    double sum = 0.0;
    for (int k = 0; k < n; ++k) {
      const double vp = std::exp(t0 + k * h);
      const double vp2 = vp * vp;
      sum += (vp2 * f_(vp) - v2 * fv) / (vp2 * vp2 - v4) * vp;
    }
    return 4.0 * v / pi * sum * h - fv;
  }

  std::function<double(double)> f_;
  std::array<double, kPoints> g_{};
};

// The scale-free shapes F(v) of each model's excess (K - 1 = c F).
const HilbertTable& hammerstad_table() {
  static const HilbertTable t([](double v) { return (2.0 / pi) * std::atan(1.4 * v * v); });
  return t;
}
const HilbertTable& huray_table() {  // v = a / delta
  static const HilbertTable t([](double v) { return 1.0 / (1.0 + 1.0 / v + 0.5 / (v * v)); });
  return t;
}
const HilbertTable& groisse_table() {  // v = Rq / delta
  static const HilbertTable t([](double v) { return std::exp(-std::pow(0.5 / v, 1.6)); });
  return t;
}

}  // namespace

std::complex<double> Roughness::surface_factor(double skin_depth_m) const {
  const double re = factor(skin_depth_m);
  switch (model) {
    case RoughnessModel::none: return {1.0, 1.0};
    case RoughnessModel::hammerstad:
      if (rms_m <= 0.0) return {1.0, 1.0};
      return {re, 1.0 + hammerstad_table()(rms_m / skin_depth_m)};
    case RoughnessModel::huray:
      // flat_ratio - 1 is a frequency-independent multiple of Rs: its own Hilbert pair.
      return {re, flat_ratio + 1.5 * surface_ratio * huray_table()(nodule_radius_m / skin_depth_m)};
    case RoughnessModel::groisse:
      if (rms_m <= 0.0) return {1.0, 1.0};
      return {re, 1.0 + groisse_table()(rms_m / skin_depth_m)};
  }
  return {re, re};
}

double Roughness::high_frequency_limit() const {
  switch (model) {
    case RoughnessModel::none: return 1.0;
    case RoughnessModel::hammerstad:
    case RoughnessModel::groisse: return rms_m > 0.0 ? 2.0 : 1.0;
    case RoughnessModel::huray: return flat_ratio + 1.5 * surface_ratio;
  }
  return 1.0;
}

}  // namespace phylane::phy
