#include "channels/two_port.hpp"

#include <cmath>

namespace phylane::channels {

Abcd Abcd::line(cplx gamma, cplx z0, double length_m) {
  // cosh and sinh from one exponential: e^{+gl} = e^{al} (cos bl + j sin bl) and its reciprocal.
  const double a = gamma.real() * length_m, b = gamma.imag() * length_m;
  const double ea = std::exp(a);
  const double c = std::cos(b), s = std::sin(b);
  const cplx ep(ea * c, ea * s);
  const cplx em(c / ea, -s / ea);
  const cplx ch = 0.5 * (ep + em);
  const cplx sh = 0.5 * (ep - em);
  return {ch, z0 * sh, sh / z0, ch};
}

S2 to_s(const Abcd& m, double z1, double z2) {
  const cplx den = m.a * z2 + m.b + m.c * z1 * z2 + m.d * z1;
  const double k = 2.0 * std::sqrt(z1 * z2);
  const cplx det = m.a * m.d - m.b * m.c;
  return {(m.a * z2 + m.b - m.c * z1 * z2 - m.d * z1) / den, k * det / den, k / den,
          (-m.a * z2 + m.b - m.c * z1 * z2 + m.d * z1) / den};
}

}  // namespace phylane::channels
