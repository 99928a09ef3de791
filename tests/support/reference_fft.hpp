#pragma once
// A plain radix-2 FFT for tests: an implementation independent of FFTW, so that tests of the
// time-domain engines do not check FFTW against itself. Not for production use.
#include <cmath>
#include <complex>
#include <stdexcept>
#include <vector>

namespace phylane::test {

/// In-place FFT of a power-of-two length; inverse = true computes sum x_k e^{+2 pi i k n / N}
/// without the 1/N factor.
inline void reference_fft(std::vector<std::complex<double>>& a, bool inverse) {
  const std::size_t n = a.size();
  if (n == 0 || (n & (n - 1)) != 0) throw std::invalid_argument("reference_fft: length must be a power of 2");
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = 2.0 * M_PI / static_cast<double>(len) * (inverse ? 1.0 : -1.0);
    for (std::size_t i = 0; i < n; i += len) {
      for (std::size_t k = 0; k < len / 2; ++k) {
        const std::complex<double> w = std::polar(1.0, ang * static_cast<double>(k));
        const auto u = a[i + k];
        const auto v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
      }
    }
  }
}

}  // namespace phylane::test
