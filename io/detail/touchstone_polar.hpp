#pragma once
// Internal to phylane_io: the Touchstone reader's conversion of MA and DB value pairs (magnitude or
// dB, angle in degrees) to (re, im), with fdlibm's sine and cosine kernels after an exact reduction
// of the angle, two pairs at a time with SSE2. Sources: fdlibm (Sun Microsystems, 1993, k_sin.c
// and k_cos.c). The kernels are in io/touchstone_polar.cpp. Tested through the reader:
// tests/io/touchstone_test.cpp "MA and DB pairs ...", touchstone_parallel_test.cpp.
#include <cstddef>

#include "io/touchstone.hpp"

namespace phylane::io::detail::touchstone {

/// Converts `pairs` (magnitude or dB, angle [deg]) pairs at v to (re, im) in place, and returns
/// false when some result is not finite: two pairs at a time (polar_two_pairs_sse2) while the
/// angles are within the exact reduction's range, one by one (polar_degrees) from there on. Both
/// give bit-identical results, so how the pairs are batched does not change any value.
bool polar_pairs_in_place(double* v, std::size_t pairs, TouchstoneFormat fmt);

}  // namespace phylane::io::detail::touchstone
