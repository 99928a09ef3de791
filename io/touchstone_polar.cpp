// MA and DB pairs to (re, im) for the Touchstone reader (io/detail/touchstone_polar.hpp): the dB
// conversion, fdlibm's polynomial kernels for sin and cos on [-pi/4, pi/4] (Sun Microsystems,
// 1993, k_sin.c and k_cos.c; freely distributable), the exact reduction of an angle in degrees,
// and the same two pairs at a time with SSE2 (bit-identical results).
#include "io/detail/touchstone_polar.hpp"

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "phy/constants.hpp"

namespace phylane::io::detail::touchstone {

namespace {

using cplx = std::complex<double>;

/// |S| from a Touchstone DB value, 10^(dB/20), computed as exp(dB ln(10)/20): the same accuracy as
/// phy::units::db_to_amplitude_ratio's pow (both round the exponent once; a relative error of a
/// few 1e-16 per 100 dB) at a third of the cost, which was a fifth of the reading time of a DB
/// file. Tested against pow by tests/io/touchstone_test.cpp "MA and DB pairs ...".
double db_to_magnitude(double db) {
  constexpr double ln10_over_20 = 0.11512925464970228420089957273422;  // ln(10) / 20
  return std::exp(db * ln10_over_20);
}

/// sin x and cos x for |x| <= pi/4: the polynomial kernels of fdlibm (Sun Microsystems, 1993,
/// k_sin.c and k_cos.c; freely distributable), each within 1 ulp on this interval. glibc's sincos
/// spent most of its time deciding which range it is in; here the range is known. The
/// coefficients are shared with polar_two_pairs_sse2.
constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03,
                 s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06,
                 s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03,
                 c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07,
                 c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;

double kernel_sin(double x) {
  const double z = x * x, v = z * x;
  const double r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)));
  return x + v * (s1 + z * r);
}

double kernel_cos(double x) {
  const double z = x * x;
  const double r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))));
  const double ax = std::abs(x);
  // 1 - z/2 loses bits for |x| >= 0.3: split off qx ~ x^2/4 exactly (fdlibm's high-word trick).
  // For |x| < 0.3 fdlibm returns 1 - (z/2 - z r), which is what qx = 0 gives (1 - 0 and z/2 - 0
  // are exact); selecting qx instead of branching keeps the loop over a record branch-free.
  const double qx_mid = std::bit_cast<double>((std::bit_cast<std::uint64_t>(ax) - (std::uint64_t{0x00200000} << 32)) &
                                              0xffffffff00000000ull);
  const double qx = ax < 0.3 ? 0.0 : ax > 0.78125 ? 0.28125 : qx_mid;
  return (1.0 - qx) - ((0.5 * z - qx) - z * r);
}

/// Round to the nearest integer, ties to even, for |x| < 2^51: adding and subtracting 1.5 * 2^52
/// leaves no fraction bits (the default rounding mode does the rounding), the same value as
/// std::nearbyint without its library call. The low bits of the intermediate sum's representation
/// are the integer in two's complement.
constexpr double round_shift = 6755399441055744.0;  // 1.5 * 2^52

/// mag (cos t, sin t) for an angle t in degrees, reduced exactly to [-45, 45] degrees first
/// (r = t - 90 q is exact: r is a multiple of ulp(t) no larger than |t|). Multiples of 90 degrees
/// come out exact (-1 at 180 degrees, without a 1e-16 imaginary part), and the quadrant is applied
/// without branches (the angles of measured data are random, so a switch mispredicts).
/// Valid for |t| < 1e15 (polar_degrees takes any t).
inline void polar_degrees_reduced(double mag, double t, double& re, double& im) {
  const double shifted = t / 90.0 + round_shift;
  const double q = shifted - round_shift;
  const auto k = std::bit_cast<std::uint64_t>(shifted);  // low two bits: the quadrant q mod 4
  const double rad = (t - 90.0 * q) * (phy::pi / 180.0);
  const double c = mag * kernel_cos(rad), s = mag * kernel_sin(rad);
  const bool odd = k & 1;
  // cos(r + k 90) = (1, 0, -1, 0)-weighted c and s: the real part is +-c or +-s, the imaginary part +-s or +-c;
  // the signs are applied as sign-bit flips, which are exact.
  const std::uint64_t flip_re = ((k ^ (k >> 1)) & 1) << 63, flip_im = ((k >> 1) & 1) << 63;
  re = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? s : c) ^ flip_re);
  im = std::bit_cast<double>(std::bit_cast<std::uint64_t>(odd ? c : s) ^ flip_im);
}

#if defined(__SSE2__)
/// polar_degrees_reduced for the two pairs (mag, t) at v[0..1] and v[2..3], written back as
/// (re, im): the same IEEE operations in the same order (so bit-identical results), two at a time
/// and with selects instead of branches, which GCC does not manage to vectorise by itself.
inline void polar_two_pairs_sse2(double* v) {
  const __m128d p0 = _mm_loadu_pd(v), p1 = _mm_loadu_pd(v + 2);
  const __m128d mag = _mm_unpacklo_pd(p0, p1), t = _mm_unpackhi_pd(p0, p1);
  const __m128d shift = _mm_set1_pd(round_shift);
  const __m128d shifted = _mm_add_pd(_mm_div_pd(t, _mm_set1_pd(90.0)), shift);
  const __m128d q = _mm_sub_pd(shifted, shift);
  const __m128i k = _mm_castpd_si128(shifted);
  const __m128d x = _mm_mul_pd(_mm_sub_pd(t, _mm_mul_pd(_mm_set1_pd(90.0), q)), _mm_set1_pd(phy::pi / 180.0));
  const __m128d z = _mm_mul_pd(x, x);
  auto madd = [](__m128d a, __m128d b, double c) { return _mm_add_pd(_mm_set1_pd(c), _mm_mul_pd(a, b)); };
  // kernel_sin
  const __m128d vv = _mm_mul_pd(z, x);
  __m128d r = madd(z, _mm_set1_pd(s6), s5);
  r = madd(z, r, s4);
  r = madd(z, r, s3);
  r = madd(z, r, s2);
  const __m128d sn = _mm_add_pd(x, _mm_mul_pd(vv, madd(z, r, s1)));
  // kernel_cos
  __m128d rc = madd(z, _mm_set1_pd(c6), c5);
  rc = madd(z, rc, c4);
  rc = madd(z, rc, c3);
  rc = madd(z, rc, c2);
  rc = madd(z, rc, c1);
  rc = _mm_mul_pd(z, rc);
  const __m128d ax = _mm_andnot_pd(_mm_set1_pd(-0.0), x);
  const __m128d qx_mid = _mm_castsi128_pd(
      _mm_and_si128(_mm_sub_epi64(_mm_castpd_si128(ax), _mm_set1_epi64x(std::int64_t{0x00200000} << 32)),
                    _mm_set1_epi64x(static_cast<std::int64_t>(0xffffffff00000000ull))));
  const __m128d big = _mm_cmpgt_pd(ax, _mm_set1_pd(0.78125)), small = _mm_cmplt_pd(ax, _mm_set1_pd(0.3));
  __m128d qx = _mm_or_pd(_mm_and_pd(big, _mm_set1_pd(0.28125)), _mm_andnot_pd(big, qx_mid));
  qx = _mm_andnot_pd(small, qx);
  const __m128d half_z = _mm_mul_pd(_mm_set1_pd(0.5), z);
  const __m128d cs =
      _mm_sub_pd(_mm_sub_pd(_mm_set1_pd(1.0), qx), _mm_sub_pd(_mm_sub_pd(half_z, qx), _mm_mul_pd(z, rc)));
  const __m128d c = _mm_mul_pd(mag, cs), s = _mm_mul_pd(mag, sn);
  // quadrant: odd k swaps cos and sin; sign flips as in polar_degrees_reduced
  const __m128i one = _mm_set1_epi64x(1);
  // All ones where k is odd.
  const __m128d odd = _mm_castsi128_pd(_mm_sub_epi64(_mm_setzero_si128(), _mm_and_si128(k, one)));
  const __m128i flip_re = _mm_slli_epi64(_mm_and_si128(_mm_xor_si128(k, _mm_srli_epi64(k, 1)), one), 63);
  const __m128i flip_im = _mm_slli_epi64(_mm_and_si128(_mm_srli_epi64(k, 1), one), 63);
  const __m128d re = _mm_xor_pd(_mm_or_pd(_mm_and_pd(odd, s), _mm_andnot_pd(odd, c)), _mm_castsi128_pd(flip_re));
  const __m128d im = _mm_xor_pd(_mm_or_pd(_mm_and_pd(odd, c), _mm_andnot_pd(odd, s)), _mm_castsi128_pd(flip_im));
  _mm_storeu_pd(v, _mm_unpacklo_pd(re, im));
  _mm_storeu_pd(v + 2, _mm_unpackhi_pd(re, im));
}
#endif

/// The same for any t (|t| >= 1e15 has no exact reduction in double; such angles only come from
/// corrupted files).
cplx polar_degrees(double mag, double t) {
  if (!(std::abs(t) < 1e15)) {
    const double rad = t * (phy::pi / 180.0);
    return {mag * std::cos(rad), mag * std::sin(rad)};
  }
  double re = 0, im = 0;
  polar_degrees_reduced(mag, t, re, im);
  return {re, im};
}

}  // namespace

/// Converts `pairs` (magnitude or dB, angle [deg]) pairs at v to (re, im) in place, and returns
/// false when some result is not finite: two pairs at a time (polar_two_pairs_sse2) while the
/// angles are within the exact reduction's range, one by one (polar_degrees) from there on. Both
/// give bit-identical results, so how the pairs are batched does not change any value.
bool polar_pairs_in_place(double* v, std::size_t pairs, TouchstoneFormat fmt) {
  if (fmt == TouchstoneFormat::db)
    for (std::size_t i = 0; i < pairs; ++i) v[2 * i] = db_to_magnitude(v[2 * i]);
  std::size_t i = 0;
  bool finite = true;
#if defined(__SSE2__)
  __m128d nan_if_not_finite = _mm_setzero_pd();  // x - x is 0 for finite x, NaN otherwise; NaN sticks in a sum
  auto accumulate = [&](const double* w) {
    const __m128d a = _mm_loadu_pd(w), b = _mm_loadu_pd(w + 2);
    nan_if_not_finite = _mm_add_pd(nan_if_not_finite, _mm_add_pd(_mm_sub_pd(a, a), _mm_sub_pd(b, b)));
  };
  auto in_range = [&](std::size_t j) { return std::abs(v[2 * j + 1]) < 1e15; };
  // Four pairs at a time: two independent chains of dependent multiplications and additions
  // (the polynomials) overlap in the processor.
  for (; i + 4 <= pairs && in_range(i) && in_range(i + 1) && in_range(i + 2) && in_range(i + 3); i += 4) {
    polar_two_pairs_sse2(v + 2 * i);
    polar_two_pairs_sse2(v + 2 * i + 4);
    accumulate(v + 2 * i);
    accumulate(v + 2 * i + 4);
  }
  for (; i + 2 <= pairs && in_range(i) && in_range(i + 1); i += 2) {
    polar_two_pairs_sse2(v + 2 * i);
    accumulate(v + 2 * i);
  }
  finite = _mm_movemask_pd(_mm_cmpunord_pd(nan_if_not_finite, nan_if_not_finite)) == 0;
#endif
  for (; i < pairs; ++i) {  // the last pair, and every pair from an angle beyond 1e15 degrees on
    const cplx c = polar_degrees(v[2 * i], v[2 * i + 1]);
    v[2 * i] = c.real();
    v[2 * i + 1] = c.imag();
    finite &= std::isfinite(c.real()) && std::isfinite(c.imag());
  }
  return finite;
}

}  // namespace phylane::io::detail::touchstone
