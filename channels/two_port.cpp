#include "channels/two_port.hpp"

#include <cmath>

namespace phylane::channels {

S2 to_s(const Abcd& m, double z1, double z2) {
  const cplx inv_den = 1.0 / (m.a * z2 + m.b + m.c * z1 * z2 + m.d * z1);
  const double k = 2.0 * std::sqrt(z1 * z2);
  const cplx det = m.a * m.d - m.b * m.c;
  return {(m.a * z2 + m.b - m.c * z1 * z2 - m.d * z1) * inv_den, k * det * inv_den, k * inv_den,
          (-m.a * z2 + m.b - m.c * z1 * z2 + m.d * z1) * inv_den};
}

}  // namespace phylane::channels
