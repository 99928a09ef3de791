#pragma once
/// Root of a function on a bracket by plain bisection: the tests' own root finder for exact
/// dispersion equations (slab, fibre), independent of the solvers' methods.
#include <functional>

namespace phylane::test {

/// The root of f on [lo, hi], f changing sign on the bracket; 200 halvings (to the last bit).
inline double bisect(const std::function<double(double)>& f, double lo, double hi) {
  const bool lo_positive = f(lo) > 0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if ((f(mid) > 0) == lo_positive) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace phylane::test
