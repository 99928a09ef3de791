#include "solvers/signalling.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/gaussian.hpp"

namespace phylane::solvers {

using phy::normal_pdf;
using phy::q_function;
using phy::q_inverse;

namespace {
void check_levels(int levels) {
  if (levels < 2) throw std::invalid_argument("signalling: levels = " + std::to_string(levels) + " must be >= 2");
}
}  // namespace

std::vector<double> pam_levels(int levels) {
  check_levels(levels);
  std::vector<double> l(static_cast<std::size_t>(levels));
  for (int i = 0; i < levels; ++i) l[static_cast<std::size_t>(i)] = -1.0 + 2.0 * i / (levels - 1);
  return l;
}

double bits_per_symbol(int levels) {
  check_levels(levels);
  return std::log2(static_cast<double>(levels));
}

double pam_level_variance(int levels) {
  check_levels(levels);
  return (levels + 1.0) / (3.0 * (levels - 1.0));
}

double pam_level_fourth_moment(int levels) {
  double s = 0.0;
  for (double l : pam_levels(levels)) s += l * l * l * l;
  return s / levels;
}

double ber_from_ser(double ser, int levels) { return ser / bits_per_symbol(levels); }
double ser_from_ber(double ber, int levels) { return ber * bits_per_symbol(levels); }

double pam_ser_awgn(int levels, double half_spacing_v, double sigma_v) {
  check_levels(levels);
  if (!(sigma_v > 0.0)) throw std::invalid_argument("pam_ser_awgn: sigma_v must be > 0");
  if (!(half_spacing_v >= 0.0)) throw std::invalid_argument("pam_ser_awgn: half_spacing_v must be >= 0");
  return 2.0 * (1.0 - 1.0 / levels) * q_function(half_spacing_v / sigma_v);
}

unsigned gray_encode(unsigned i) { return i ^ (i >> 1); }

unsigned gray_decode(unsigned g) {
  unsigned i = g;
  for (unsigned s = 1; s < 8 * sizeof(unsigned); s <<= 1) i ^= i >> s;
  return i;
}

}  // namespace phylane::solvers
