#include "phy/ring.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::phy {

namespace {

void check(const RingResonator& r) {
  std::ostringstream os;
  if (!(r.length_m > 0)) os << "length " << r.length_m << " m must be > 0; ";
  if (!(r.n_eff >= 1.0) || !(r.n_g >= 1.0)) os << "n_eff " << r.n_eff << " and n_g " << r.n_g << " must be >= 1; ";
  if (!(r.reference_wavelength_m > 0)) os << "reference wavelength must be > 0; ";
  if (!(r.loss_db_per_m >= 0)) os << "loss " << r.loss_db_per_m << " dB/m must be >= 0; ";
  if (!(r.self_coupling > 0 && r.self_coupling <= 1)) os << "self-coupling r1 = " << r.self_coupling << " must be in (0, 1]; ";
  if (!(r.drop_self_coupling > 0 && r.drop_self_coupling <= 1))
    os << "drop self-coupling r2 = " << r.drop_self_coupling << " must be in (0, 1]; ";
  const std::string msg = os.str();
  if (!msg.empty()) throw std::invalid_argument("ring: " + msg.substr(0, msg.size() - 2));
}

}  // namespace

double round_trip_amplitude(const RingResonator& ring) {
  check(ring);
  // Power loss alpha [1/m] from dB/m; amplitude a = exp(-alpha L / 2).
  return std::sqrt(units::db_to_power_ratio(-ring.loss_db_per_m * ring.length_m));
}

double round_trip_phase(const RingResonator& ring, double wavelength_m) {
  check(ring);
  const double l0 = ring.reference_wavelength_m;
  const double n = ring.n_eff - (ring.n_g - ring.n_eff) * (wavelength_m - l0) / l0;
  return 2 * pi * n * ring.length_m / wavelength_m;
}

RingResponse ring_response(const RingResonator& ring, double wavelength_m) {
  const double a = round_trip_amplitude(ring);
  const double c = std::cos(round_trip_phase(ring, wavelength_m));
  const double r1 = ring.self_coupling, r2 = ring.drop_self_coupling;
  const double den = 1 - 2 * r1 * r2 * a * c + std::pow(r1 * r2 * a, 2);
  RingResponse out;
  out.through = (r2 * r2 * a * a - 2 * r1 * r2 * a * c + r1 * r1) / den;
  out.drop = (1 - r1 * r1) * (1 - r2 * r2) * a / den;
  return out;
}

double ring_fsr_m(const RingResonator& ring) {
  check(ring);
  return std::pow(ring.reference_wavelength_m, 2) / (ring.n_g * ring.length_m);
}

double ring_fwhm_m(const RingResonator& ring) {
  const double ra = ring.self_coupling * ring.drop_self_coupling * round_trip_amplitude(ring);
  return (1 - ra) * std::pow(ring.reference_wavelength_m, 2) / (pi * ring.n_g * ring.length_m * std::sqrt(ra));
}

double ring_loaded_q(const RingResonator& ring) { return ring.reference_wavelength_m / ring_fwhm_m(ring); }

double ring_extinction_db(const RingResonator& ring) {
  const double a = ring.drop_self_coupling * round_trip_amplitude(ring), r = ring.self_coupling;
  // T(phi = pi) / T(phi = 0) = [(a + r)(1 - a r)]^2 / [(1 + a r)(a - r)]^2.
  return units::power_ratio_to_db(std::pow((a + r) * (1 - a * r), 2) / std::pow((1 + a * r) * (a - r), 2));
}

double ring_resonance_m(const RingResonator& ring, double near_m) {
  const double order = std::round(round_trip_phase(ring, near_m) / (2 * pi));
  double l = near_m;
  for (int i = 0; i < 50; ++i) {
    const double h = 1e-13;
    const double f = round_trip_phase(ring, l) - 2 * pi * order;
    const double df = (round_trip_phase(ring, l + h) - round_trip_phase(ring, l - h)) / (2 * h);
    const double step = f / df;
    l -= step;
    if (std::abs(step) < 1e-18) break;
  }
  return l;
}

double lorentzian_crosstalk_db(double q, double f, double df) {
  if (!(q > 0) || !(f > 0)) throw std::invalid_argument("Lorentzian crosstalk: Q and the channel frequency must be > 0");
  return units::power_ratio_to_db(1.0 / (1.0 + std::pow(2 * q * df / f, 2)));
}

}  // namespace phylane::phy
