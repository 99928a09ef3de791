#pragma once
/// Frequency helpers shared by the channel, solver and io tests: an evenly spaced grid, and a
/// transfer function's value at one frequency. Header-only: the channels layer and above use it.
#include <complex>
#include <vector>

#include "channels/transfer_function.hpp"

namespace phylane::test {

/// f0, f0 + df, f0 + 2 df, ... up to f1 (f1 included when it is on the grid, within 1e-12
/// relative), in the units given.
inline std::vector<double> grid(double f0, double f1, double df) {
  std::vector<double> f;
  for (double x = f0; x <= f1 * (1 + 1e-12); x += df) f.push_back(x);
  return f;
}

/// h(f) at one frequency.
inline std::complex<double> eval(const channels::TransferFunction& h, double f) {
  std::vector<double> fs{f};
  std::vector<std::complex<double>> out(1);
  h(fs, out);
  return out[0];
}

}  // namespace phylane::test
