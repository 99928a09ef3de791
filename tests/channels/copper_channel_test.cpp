// Copper channel: cascade, terminations, reflections, passivity.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "channels/copper_channel.hpp"
#include "phy/constants.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"

using namespace phylane;
using namespace phylane::channels;
using phy::units::inch;
using phy::units::mil;

namespace {

phy::TransmissionLine line(double w_mil, double sigma, double df, phy::LineMode mode = phy::LineMode::single_ended) {
  phy::StriplineDims d{w_mil * mil, 0.6 * mil, 5 * mil, 5 * mil, 6 * mil, 1.2 * mil};
  std::shared_ptr<const phy::LineGeometry> g;
  if (mode == phy::LineMode::single_ended)
    g = std::make_shared<phy::Stripline>(d);
  else
    g = std::make_shared<phy::CoupledStripline>(d, mode);
  return phy::TransmissionLine(g, df > 0 ? phy::Dielectric::djordjevic_sarkar(3.6, df, 1e10)
                                         : phy::Dielectric::constant(3.6, 0.0),
                               {sigma, {}, {}});
}

}  // namespace

TEST_CASE("A lossless matched line transmits everything", "[channels][copper][reference]") {
  auto tl = line(5, 1e30, 0.0);
  const double z0 = tl.impedance_ohm(1e9);
  CopperChannel ch({{"l", 10 * inch, tl}}, z0, z0);
  for (double f : {1e8, 1e9, 1e10, 5e10}) {
    const auto s = ch.s_params(f);
    CHECK(std::abs(s.s21) == Approx(1.0).epsilon(1e-9));
    CHECK(std::abs(s.s11) < 1e-6);
    // Phase: exactly the line's delay, beta l = 2 pi f sqrt(Dk) l / c.
    const double phase = -2 * phy::pi * f * std::sqrt(3.6) * 10 * inch / phy::c0;
    CHECK(std::remainder(std::arg(s.s21) - phase, 2 * phy::pi) == Approx(0.0).margin(1e-6));
  }
}

TEST_CASE("A lossless mismatched line follows the exact two-reflection formula", "[channels][copper][reference]") {
  // Lossless line of impedance Z between terminations R, electrical length theta:
  // S21 = 1 / (cos(theta) + (j/2)(Z/R + R/Z) sin(theta))  (Pozar 4th ed., sec. 4.4, ABCD -> S).
  auto tl = line(5, 1e30, 0.0);
  const double z = tl.impedance_ohm(1e9);
  const double r = 50.0;
  const double len = 3 * inch;
  CopperChannel ch({{"l", len, tl}}, r, r);
  for (double f = 1e8; f < 3e10; f *= 1.37) {
    const double theta = 2 * phy::pi * f * std::sqrt(3.6) * len / phy::c0;
    const std::complex<double> expected =
        1.0 / (std::cos(theta) + std::complex<double>(0.0, 0.5) * (z / r + r / z) * std::sin(theta));
    const auto s = ch.s_params(f);
    CHECK(std::abs(s.s21 - expected) < 1e-9);
    CHECK(std::norm(s.s11) + std::norm(s.s21) == Approx(1.0).epsilon(1e-9));  // lossless
  }
}

TEST_CASE("Splitting a segment in two changes nothing", "[channels][copper][property]") {
  auto tl = line(5, 5.8e7, 0.01);
  CopperChannel whole({{"a", 8 * inch, tl}}, 45.0, 55.0);
  CopperChannel split({{"a", 3 * inch, tl}, {"b", 5 * inch, tl}}, 45.0, 55.0);
  for (double f : {1e7, 1e9, 2e10}) {
    CHECK(std::abs(whole.s_params(f).s21 - split.s_params(f).s21) < 1e-12);
    CHECK(std::abs(whole.s_params(f).s11 - split.s_params(f).s11) < 1e-12);
  }
}

TEST_CASE("The channel is passive and reciprocal", "[channels][copper][property]") {
  CopperChannel ch({{"a", 2 * inch, line(4, 5.8e7, 0.01)}, {"b", 6 * inch, line(7, 5.8e7, 0.01)}}, 50, 50);
  for (double f = 1e6; f < 5e10; f *= 1.5) {
    const auto s = ch.s_params(f);
    CHECK(std::norm(s.s11) + std::norm(s.s21) <= 1.0 + 1e-12);
    CHECK(std::norm(s.s22) + std::norm(s.s12) <= 1.0 + 1e-12);
    CHECK(std::abs(s.s12 - s.s21) < 1e-12);
  }
}

TEST_CASE("Insertion loss grows monotonically with length and frequency", "[channels][copper][property]") {
  auto tl = line(5, 5.8e7, 0.008, phy::LineMode::differential);
  const double z = tl.impedance_ohm(1e10);
  double prev_len = 0.0;
  for (double l_in = 1; l_in <= 40; l_in += 3) {
    CopperChannel ch({{"l", l_in * inch, tl}}, z, z);
    const std::vector<double> freqs = {1e9, 4e9, 8e9, 16e9, 32e9};
    const auto r = compute_response(ch, freqs, true);
    for (std::size_t k = 1; k < freqs.size(); ++k) CHECK(r.loss[k].total_db > r.loss[k - 1].total_db);
    CHECK(r.loss[3].total_db > prev_len);
    prev_len = r.loss[3].total_db;
  }
}

TEST_CASE("The loss breakdown sums to the insertion loss", "[channels][copper][property]") {
  CopperChannel ch({{"a", 2 * inch, line(4, 5.8e7, 0.01)}, {"b", 6 * inch, line(7, 5.8e7, 0.01)}}, 50, 50);
  const std::vector<double> freqs = {1e8, 1e9, 1e10};
  const auto r = compute_response(ch, freqs, true);
  for (std::size_t k = 0; k < freqs.size(); ++k) {
    const auto& b = r.loss[k];
    CHECK(b.conductor_db + b.roughness_db + b.dielectric_db + b.mismatch_db == Approx(b.total_db).epsilon(1e-12));
    CHECK(b.total_db == Approx(-20 * std::log10(std::abs(r.s21[k]))).epsilon(1e-12));
  }
}

TEST_CASE("At DC the channel is a resistive divider", "[channels][copper][reference]") {
  auto tl = line(5, 5.8e7, 0.01);
  CopperChannel ch({{"l", 10 * inch, tl}}, 50, 50);
  const double r = tl.at(0.0).z_per_m.real() * 10 * inch;
  // Series R between two 50-ohm ports: S21 = 2*50 / (100 + R).
  CHECK(ch.s_params(0.0).s21.real() == Approx(100.0 / (100.0 + r)).epsilon(1e-12));
}

TEST_CASE("Segments carrying different modes are refused", "[channels][copper][unit]") {
  CHECK_THROWS_WITH(CopperChannel({{"a", inch, line(5, 5.8e7, 0.01)},
                                   {"b", inch, line(5, 5.8e7, 0.01, phy::LineMode::differential)}},
                                  50, 50),
                    Catch::Contains("same mode"));
  CHECK_THROWS_AS(CopperChannel({}, 50, 50), std::invalid_argument);
}
