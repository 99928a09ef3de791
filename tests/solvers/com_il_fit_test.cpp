// The fitted insertion loss of 93A.3 (solvers/com_il_fit.hpp) against a fit computed here by
// another route: the weighted normal equations (F^T W^2 F) a = F^T W^2 IL written out in long
// double with f in Hz (as the standard writes them) and solved by Gaussian elimination, on a
// synthetic channel whose IL is a skin/dielectric loss plus a resonance ripple (so the fit does
// not pass through the data); an IL that is exactly of the fitted form returns its coefficients;
// the frequency ranges follow the reference code's rules.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <vector>

#include "channels/network.hpp"
#include "solvers/com_il_fit.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

// IL [dB] of the synthetic channel: 1.1 sqrt(f) + 0.35 f + 0.004 f^2 (f in GHz) plus a ripple.
double synthetic_il(double f_hz, double ripple_db) {
  const double g = f_hz / 1e9;
  return 0.2 + 1.1 * std::sqrt(g) + 0.35 * g + 0.004 * g * g + ripple_db * std::sin(2.0 * M_PI * g / 3.7);
}

// The weighted least-squares coefficients (a0, a1, a2, a4 per Hz^k) by the normal equations in
// long double, from the weights |S21| = 10^(-IL/20).
std::array<long double, 4> normal_equations(const std::vector<double>& f, const std::vector<double>& il) {
  std::array<std::array<long double, 5>, 4> m{};  // augmented [A | b]
  for (std::size_t k = 0; k < f.size(); ++k) {
    const long double w = std::pow(10.0L, -static_cast<long double>(il[k]) / 20.0L), x = f[k];
    const std::array<long double, 4> row{1.0L, std::sqrt(x), x, x * x};
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) m[i][j] += w * w * row[i] * row[j];
      m[i][4] += w * w * row[i] * il[k];
    }
  }
  for (int c = 0; c < 4; ++c) {  // elimination with partial pivoting
    int piv = c;
    for (int r = c + 1; r < 4; ++r)
      if (std::fabs(m[r][c]) > std::fabs(m[piv][c])) piv = r;
    std::swap(m[c], m[piv]);
    for (int r = 0; r < 4; ++r) {
      if (r == c) continue;
      const long double q = m[r][c] / m[c][c];
      for (int j = c; j < 5; ++j) m[r][j] -= q * m[c][j];
    }
  }
  std::array<long double, 4> a{};
  for (int i = 0; i < 4; ++i) a[i] = m[i][4] / m[i][i];
  return a;
}

channels::Network channel(const std::vector<double>& f, double ripple_db) {
  channels::Network n(f, 2, {100.0, 100.0});
  for (std::size_t k = 0; k < f.size(); ++k) {
    const double mag = std::pow(10.0, -synthetic_il(f[k], ripple_db) / 20.0);
    n.s(k, 1, 0) = n.s(k, 0, 1) = std::polar(mag, -2.0 * M_PI * f[k] * 1e-9);
  }
  return n;
}

std::vector<double> grid(double f0, double step, double f_end) {
  std::vector<double> f;
  for (double x = f0; x <= f_end * (1 + 1e-12); x += step) f.push_back(x);
  return f;
}

}  // namespace

TEST_CASE("fitted IL: equals the weighted normal equations solved independently", "[solvers][com][il_fit]") {
  const std::vector<double> f = grid(10e6, 10e6, 30e9);
  std::vector<double> il(f.size()), mag(f.size());
  for (std::size_t k = 0; k < f.size(); ++k) {
    il[k] = synthetic_il(f[k], 0.4);
    mag[k] = std::pow(10.0, -il[k] / 20.0);
  }
  const ComIlFit fit = com_il_fit(f, mag, 0, f.size() - 1);
  const std::array<long double, 4> a = normal_equations(f, il);
  // The coefficients in the fit's units (f in GHz): a_k(GHz) = a_k(Hz) 1e9^p, p = 0, 1/2, 1, 2.
  const std::array<double, 4> scale{1.0, std::sqrt(1e9), 1e9, 1e18};
  // Measured within 1e-12 (relative; dB).
  for (int i = 0; i < 4; ++i)
    CHECK(fit.a_db[static_cast<std::size_t>(i)] == Approx(static_cast<double>(a[i]) * scale[i]).epsilon(1e-11));
  // The fit does not go through the rippled data, and its value anywhere is the polynomial's.
  double worst = 0.0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    const long double x = f[k];
    const long double ref = a[0] + a[1] * std::sqrt(x) + a[2] * x + a[3] * x * x;
    CHECK(fit.at(f[k]) == Approx(static_cast<double>(ref)).margin(1e-11));
    worst = std::max(worst, std::abs(fit.at(f[k]) - il[k]));
  }
  CHECK(worst > 0.2);
}

TEST_CASE("fitted IL: an IL of the fitted form returns its coefficients", "[solvers][com][il_fit]") {
  const std::vector<double> f = grid(50e6, 25e6, 40e9);
  std::vector<double> mag(f.size());
  for (std::size_t k = 0; k < f.size(); ++k) mag[k] = std::pow(10.0, -synthetic_il(f[k], 0.0) / 20.0);
  const ComIlFit fit = com_il_fit(f, mag, 0, f.size() - 1);
  CHECK(fit.a_db[0] == Approx(0.2).margin(1e-11));
  CHECK(fit.a_db[1] == Approx(1.1).epsilon(1e-11));
  CHECK(fit.a_db[2] == Approx(0.35).epsilon(1e-11));
  CHECK(fit.a_db[3] == Approx(0.004).epsilon(1e-11));
  CHECK(fit.points == f.size());
}

TEST_CASE("fitted IL: the reference code's ranges and the value at f_b/2", "[solvers][com][il_fit]") {
  // Points every 30 MHz from 10 MHz: f_1 = f_min = 0.05 GHz falls between 40 and 70 MHz (the last
  // at or below: 40 MHz); f_2 = f_b = 25.78125 GHz between 25.78 and 25.81 GHz (the first at or
  // above: 25.81 GHz).
  const std::vector<double> f = grid(10e6, 30e6, 30e9);
  const channels::Network sdd = channel(f, 0.4);
  ComParameters p;
  p.f_b_baud = 25.78125e9;
  p.f_min_hz = 0.05e9;
  const ComFittedIl r = com_fitted_il(p, sdd);
  CHECK(r.ild.f_lo_hz == Approx(40e6));
  CHECK(r.ild.f_hi_hz == Approx(25.81e9));
  CHECK(r.whole.f_lo_hz == Approx(10e6));
  CHECK(r.whole.f_hi_hz == Approx(f.back()));
  CHECK(r.il_db_at_f_2_ild == Approx(r.ild.at(25.81e9)));
  // f_b/2 = 12.890625 GHz between the points 12.88 and 12.91 GHz: the fit's values there
  // interpolated linearly (within 1e-4 dB of the fit itself on this smooth curve).
  REQUIRE(r.il_db_at_nyquist);
  const double t = (12.890625e9 - 12.88e9) / 30e6;
  CHECK(*r.il_db_at_nyquist == Approx((1 - t) * r.whole.at(12.88e9) + t * r.whole.at(12.91e9)).margin(1e-11));
  CHECK(*r.il_db_at_nyquist == Approx(r.whole.at(12.890625e9)).margin(1e-4));
  // The fit over f_1 ... f_2 is not the fit over all the data (the ripple differs).
  CHECK(std::abs(r.ild.a_db[1] - r.whole.a_db[1]) > 1e-3);
  // f_2_ILD moves the end of the ILD fit; f_2 below f_b/2 leaves the value at f_b/2 out, as 4.15 does.
  p.f_2_ild_hz = 20e9;
  CHECK(com_fitted_il(p, sdd).ild.f_hi_hz == Approx(20.02e9));
  p.f_2_hz = 10e9;
  p.f_2_ild_hz.reset();
  const ComFittedIl low = com_fitted_il(p, sdd);
  CHECK_FALSE(low.il_db_at_nyquist);
  CHECK(low.ild.f_hi_hz == Approx(10e9));  // a point lies on 10 GHz
}

TEST_CASE("fitted IL: refuses too few points and a bad |S21|, and a zero |S21| weighs nothing", "[solvers][com][il_fit]") {
  const std::vector<double> f{1e9, 2e9, 3e9, 4e9, 5e9, 6e9};
  const std::vector<double> mag{0.9, 0.8, 0.7, 0.0, 0.5, 0.45};
  CHECK_THROWS_AS(com_il_fit(f, mag, 0, 2), std::invalid_argument);
  const std::vector<double> bad{0.9, 0.8, 0.7, NAN, 0.5, 0.45};
  CHECK_THROWS_WITH(com_il_fit(f, bad, 0, 5), Catch::Contains("finite |S21| >= 0"));
  // The weighted fit with a zero weight is the fit without that point (its row is 0).
  const ComIlFit with_zero = com_il_fit(f, mag, 0, 5);
  const std::vector<double> f5{1e9, 2e9, 3e9, 5e9, 6e9}, m5{0.9, 0.8, 0.7, 0.5, 0.45};
  const ComIlFit without = com_il_fit(f5, m5, 0, 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(with_zero.a_db[i] == Approx(without.a_db[i]).epsilon(1e-9));
}

namespace {

// sqrt(1/f_b integral W ILD^2 df) by the trapezoid rule over the fit's points, the fit by the
// long-double normal equations above and W (93A-57) written out here.
double fom_ild_trapezoid(const std::vector<double>& f, const std::vector<double>& il, double f_b, double f_t, double f_r) {
  const std::array<long double, 4> a = normal_equations(f, il);
  auto g = [&](std::size_t k) {
    const long double x = f[k];
    const double ild = il[k] - static_cast<double>(a[0] + a[1] * std::sqrt(x) + a[2] * x + a[3] * x * x);
    const double s = std::sin(M_PI * f[k] / f_b) / (M_PI * f[k] / f_b);
    return s * s / (1.0 + std::pow(f[k] / f_t, 4)) / (1.0 + std::pow(f[k] / f_r, 8)) * ild * ild;
  };
  double sum = 0.0;
  for (std::size_t k = 0; k + 1 < f.size(); ++k) sum += 0.5 * (f[k + 1] - f[k]) * (g(k) + g(k + 1));
  return std::sqrt(sum / f_b);
}

}  // namespace

TEST_CASE("FOM_ILD: the weighted rms ILD against an integral of an independent fit's deviation",
          "[solvers][com][il_fit]") {
  ComParameters p;
  p.f_b_baud = 25.78125e9;
  p.f_min_hz = 0.05e9;
  const double f_t = p.f_v * p.f_b_baud, f_r = p.f_r * p.f_b_baud;
  // A uniform 10 MHz grid, and one 10 MHz to 10 GHz then 40 MHz apart (each point's share of the
  // grid, not 4.15's single delta_f, carries the sum there).
  std::vector<double> uneven = grid(10e6, 10e6, 10e9);
  for (double x = 10.04e9; x <= 30e9; x += 40e6) uneven.push_back(x);
  for (const std::vector<double>& f : {grid(10e6, 10e6, 30e9), uneven}) {
    const ComFittedIl r = com_fitted_il(p, channel(f, 0.4));
    std::vector<double> fs, il;
    for (double x : f)
      if (x >= r.ild.f_lo_hz * (1 - 1e-12) && x <= r.ild.f_hi_hz * (1 + 1e-12)) {
        fs.push_back(x);
        il.push_back(synthetic_il(x, 0.4));
      }
    REQUIRE(fs.size() == r.ild.points);
    const double ref = fom_ild_trapezoid(fs, il, p.f_b_baud, f_t, f_r);
    // The sum gives the end points a whole share where the trapezoid gives half (the first, at
    // 40 MHz, where W is 1): measured +3.8e-4 (uniform) and +4.0e-4 (uneven grid) relative.
    CHECK(r.fom_ild_db == Approx(ref).epsilon(5e-4));
    CHECK(r.fom_ild_db > 0.1);  // a 0.4 dB ripple weighted by W over 0 ... f_b
  }
  // An IL of the fitted form deviates nowhere.
  const std::vector<double> f = grid(10e6, 10e6, 30e9);
  CHECK(com_fitted_il(p, channel(f, 0.0)).fom_ild_db == Approx(0.0).margin(1e-9));
}
