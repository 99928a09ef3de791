#pragma once
/// PHYLANE_SIMD_CLONES before a function definition compiles it twice, for baseline x86-64 (SSE2:
/// two doubles per vector) and for AVX2 (four), the copy chosen once at load time (GCC's
/// target_clones). AVX2 without FMA computes every product and sum as the baseline does, so the
/// results are the same on every machine; only the order of a sum the function itself splits into
/// lanes can differ. Elsewhere (other compilers, other processors) the macro is empty.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PHYLANE_SIMD_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define PHYLANE_SIMD_CLONES
#endif
