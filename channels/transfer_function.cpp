#include "channels/transfer_function.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

using cplx = std::complex<double>;

// Where the chain matrix of a long line overflows, the transmission is below 1e-130 if the traces
// attenuate by more than 300 Np at that frequency: it is 0 then. Anything else non-finite is a bug.
template <class TraceAttenuation>
void zero_overflowed(std::span<const double> f, std::span<cplx> h, const char* what, TraceAttenuation np_at) {
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (std::isfinite(h[k].real()) && std::isfinite(h[k].imag())) continue;
    const double np = np_at(f[k]);
    if (!(np > 300.0))
      throw std::runtime_error(std::string(what) + ": transfer at " + phy::number_text(f[k]) + " Hz is not finite with only " + phy::number_text(np) +
                               " Np of trace attenuation");
    h[k] = 0.0;
  }
}

}  // namespace

TransferFunction copper_transfer_function(const CopperChannel& channel) {
  return [ch = channel](std::span<const double> f, std::span<cplx> h) {
    const auto r = compute_response(ch, f, false);
    std::copy(r.s21.begin(), r.s21.end(), h.begin());
    zero_overflowed(f, h, "copper channel", [&ch](double fk) {
      double np = 0.0;
      for (const auto& s : ch.segments()) np += s.line.at(fk).gamma.real() * s.length_m;
      return np;
    });
  };
}

TransferFunction composed_transfer_function(ComposedChannel channel) {
  auto c = std::make_shared<const ComposedChannel>(std::move(channel));
  return [c](std::span<const double> f, std::span<cplx> h) {
    const auto t = c->transfer(f);
    std::copy(t.begin(), t.end(), h.begin());
    zero_overflowed(f, h, "composed channel", [&c](double fk) {
      double np = 0.0;
      for (const auto& b : c->blocks())
        if (b.trace) np += b.trace->line.at(fk).gamma.real() * b.trace->length_m;
      return np;
    });
  };
}

TransferFunction optical_transfer_function(const OpticalLink& link) {
  return [link](std::span<const double> f, std::span<cplx> h) {
    for (std::size_t k = 0; k < f.size(); ++k) h[k] = link.path_response(f[k]);
  };
}

TransferFunction impulse_transfer_function(std::vector<double> h, double dt) {
  if (h.empty()) throw std::invalid_argument("impulse response: no samples");
  if (!(dt > 0.0)) throw std::invalid_argument("impulse response: the sample interval must be > 0");
  auto data = std::make_shared<const std::vector<double>>(std::move(h));
  return [data, dt](std::span<const double> f, std::span<cplx> out) {
    for (std::size_t k = 0; k < f.size(); ++k) {
      // Recurrence for e^{-j w n dt}: one complex multiply per sample.
      const cplx step = std::polar(1.0, -2.0 * phy::pi * f[k] * dt);
      cplx rot(1.0, 0.0), acc(0.0, 0.0);
      for (double v : *data) {
        acc += v * rot;
        rot *= step;
      }
      out[k] = acc * dt;
    }
  };
}

}  // namespace phylane::channels
