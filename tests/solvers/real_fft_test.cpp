// The inverse real transform against the DFT summed term by term in long double.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <random>
#include <vector>

#include "solvers/real_fft.hpp"

using phylane::solvers::InverseRealFft;

namespace {

// x_m = X_0 + (-1)^m X_{n/2} + 2 Re sum_{k=1}^{n/2-1} X_k e^{2 pi i k m/n}: the real signal's
// inverse DFT from its half spectrum, with only the real parts of X_0 and X_{n/2}.
long double direct(const std::vector<std::complex<double>>& x, std::size_t n, std::size_t m) {
  const std::size_t h = n / 2;
  long double sum = x[0].real() + ((m % 2 == 0) ? 1.0L : -1.0L) * x[h].real();
  for (std::size_t k = 1; k < h; ++k) {
    const long double a = 2.0L * std::numbers::pi_v<long double> * static_cast<long double>((k * m) % n) / static_cast<long double>(n);
    sum += 2.0L * (x[k].real() * std::cos(a) - x[k].imag() * std::sin(a));
  }
  return sum;
}

std::vector<std::complex<double>> random_half_spectrum(std::size_t n, std::size_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::vector<std::complex<double>> x(n / 2 + 1);
  for (auto& v : x) v = {g(rng), g(rng)};  // DC and Nyquist keep an imaginary part to be ignored
  return x;
}

}  // namespace

TEST_CASE("InverseRealFft equals the directly summed inverse DFT of a real signal", "[solvers][fft]") {
  // Sizes of every kind the pulse engine makes (2^a 3^b 5^c), the smallest, and n/2 odd.
  for (std::size_t n : {2u, 6u, 10u, 30u, 64u, 270u, 3840u, 7680u}) {
    const auto x = random_half_spectrum(n, 7 + n);
    InverseRealFft fft(n);
    std::copy(x.begin(), x.end(), fft.spectrum());
    const double* y = fft.execute();
    double worst = 0.0, scale = 0.0;
    for (std::size_t m = 0; m < n; ++m) {
      const long double ref = direct(x, n, m);
      worst = std::max(worst, static_cast<double>(std::fabs(y[m] - ref)));
      scale = std::max(scale, static_cast<double>(std::fabs(ref)));
    }
    INFO("n = " << n << ", worst error " << worst << " of " << scale);
    // Measured: at most 3.4e-16 of the largest sample (n = 7680).
    CHECK(worst <= 2e-15 * scale);
  }
}

TEST_CASE("InverseRealFft at the pulse engine's large sizes, sampled against the direct sum", "[solvers][fft]") {
  for (std::size_t n : {26244u, 52488u, 46656u}) {  // 2^2 3^8, 2^3 3^8, 2^6 3^6
    const auto x = random_half_spectrum(n, 11 + n);
    InverseRealFft fft(n);
    std::copy(x.begin(), x.end(), fft.spectrum());
    const double* y = fft.execute();
    double worst = 0.0, scale = 0.0;
    for (std::size_t m : {std::size_t{0}, std::size_t{1}, n / 4 + 3, n / 2, n - 1}) {
      const long double ref = direct(x, n, m);
      worst = std::max(worst, static_cast<double>(std::fabs(y[m] - ref)));
      scale = std::max(scale, static_cast<double>(std::fabs(ref)));
    }
    INFO("n = " << n << ", worst error " << worst << " of " << scale);
    CHECK(worst <= 2e-15 * scale);  // measured: 4.7e-16 at most
  }
}

TEST_CASE("InverseRealFft reuses its size's plan and refuses odd sizes", "[solvers][fft]") {
  // A cosine at bin 3: x_m = 2 cos(2 pi 3 m / n), in two engines of the same size.
  const std::size_t n = 48;
  InverseRealFft a(n), b(n);
  const double* y[2];
  for (int i = 0; i < 2; ++i) {
    InverseRealFft& f = i == 0 ? a : b;
    std::fill(f.spectrum(), f.spectrum() + n / 2 + 1, std::complex<double>(0.0, 0.0));
    f.spectrum()[3] = 1.0;
    y[i] = f.execute();
  }
  for (std::size_t m = 0; m < n; ++m) {
    const double ref = 2.0 * std::cos(2.0 * std::numbers::pi * 3.0 * static_cast<double>(m) / static_cast<double>(n));
    CHECK(y[0][m] == Approx(ref).margin(1e-14));
    CHECK(y[1][m] == y[0][m]);
  }
  // A second transform in the same object: the spectrum is written again, the samples follow.
  std::fill(a.spectrum(), a.spectrum() + n / 2 + 1, std::complex<double>(0.0, 0.0));
  a.spectrum()[0] = 2.0;
  const double* z = a.execute();
  for (std::size_t m = 0; m < n; ++m) CHECK(z[m] == Approx(2.0).margin(1e-14));
  CHECK_THROWS_WITH(InverseRealFft(7), Catch::Contains("even size >= 2"));
  CHECK_THROWS_AS(InverseRealFft(0), std::invalid_argument);
}
