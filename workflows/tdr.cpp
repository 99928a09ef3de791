#include "workflows/tdr.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <span>
#include <stdexcept>

#include "channels/network_ops.hpp"
#include "channels/resample.hpp"
#include "phy/constants.hpp"
#include "phy/number_text.hpp"

namespace phylane::workflows {

namespace {

using channels::cplx;

// 1.238 / f_end: the Gaussian edge whose response is 1 % at f_end (exp(-w^2/2) = 0.01 at w = 3.035,
// t_r = 2.5631 sigma).
constexpr double fastest_rise_times_f_end = 2.5631031310892007 * 3.0349 / (2.0 * phy::pi);

TdrProfile reflected(std::string mode, double reference_ohm, std::vector<double> rho) {
  TdrProfile p;
  p.mode = std::move(mode);
  p.reference_ohm = reference_ohm;
  p.impedance_ohm.resize(rho.size());
  for (std::size_t i = 0; i < rho.size(); ++i)
    p.impedance_ohm[i] = rho[i] < 1.0 ? reference_ohm * (1.0 + rho[i]) / (1.0 - rho[i])
                                      : std::numeric_limits<double>::infinity();
  p.rho = std::move(rho);
  return p;
}

}  // namespace

TdrAnswer tdr(const channels::Link& link, const TdrRequest& request) {
  const channels::ComposedChannel* composed = link.composed();
  if (!composed)
    throw std::invalid_argument(link.source + ": the TDR needs a copper channel (modelled traces, Touchstone or element blocks)");
  if (request.rise_time_s && (!(*request.rise_time_s > 0.0) || !std::isfinite(*request.rise_time_s)))
    throw std::invalid_argument("rise time = " + phy::number_text(*request.rise_time_s) + " s: must be finite and > 0");
  if (!(request.route_length_m >= 0.0) || !std::isfinite(request.route_length_m))
    throw std::invalid_argument("route length = " + phy::number_text(request.route_length_m) + " m: must be finite and > 0");
  if (!(request.eps_eff >= 0.0) || !std::isfinite(request.eps_eff) || (request.eps_eff > 0.0 && request.eps_eff < 1.0))
    throw std::invalid_argument("eps_eff = " + phy::number_text(request.eps_eff) + ": must be a finite permittivity >= 1");
  if (request.pulse_width_s && (!(*request.pulse_width_s > 0.0) || !std::isfinite(*request.pulse_width_s)))
    throw std::invalid_argument("pulse width = " + phy::number_text(*request.pulse_width_s) + " s: must be finite and > 0");

  TdrAnswer a;
  a.edge = request.edge;
  a.band_top_hz = composed->zero_above_hz();
  const bool measured = std::isfinite(a.band_top_hz);
  a.fastest_rise_time_s = measured ? fastest_rise_times_f_end / a.band_top_hz : 0.0;
  a.rise_time_s = request.rise_time_s ? *request.rise_time_s : std::max(20e-12, a.fastest_rise_time_s);
  const solvers::StepEdge edge{request.edge, a.rise_time_s};
  const bool diff = composed->differential();

  // The thru delay: the phase slope of the main transmission on a 5 MHz grid (to 10 GHz at most),
  // fine enough to unwrap the phase of a delay up to 100 ns.
  const double coarse_top = std::min({measured ? a.band_top_hz : 1e300, 10e9, edge.band_hz()});
  const auto coarse_n = static_cast<std::size_t>(std::max(50.0, std::ceil(coarse_top / 5e6)));
  std::vector<double> coarse(coarse_n);
  for (std::size_t k = 0; k < coarse_n; ++k) coarse[k] = coarse_top * static_cast<double>(k + 1) / static_cast<double>(coarse_n);
  auto mode_network = [&](std::span<const double> f) {
    const channels::Network se = composed->network(f);
    return diff ? channels::to_mixed_mode(se, channels::PortOrder::pairs_13_24) : se;
  };
  a.thru_delay_s = std::max(0.0, channels::term_delay_s(mode_network(coarse), 1, 0));

  // Record: the round trip, the edge and its settling; the period four times that, so the
  // round-trip echoes of a mismatched route have decayed before they fold back onto the record.
  a.pulse_width_s = request.pulse_width_s.value_or(0.0);
  const double record = 2.0 * a.thru_delay_s + 10.0 * a.rise_time_s + 0.5e-9 + a.pulse_width_s;
  const double period = std::max(4.0 * record, 4e-9);
  if (period > 1e-6)
    throw std::invalid_argument(link.source + ": the route's thru delay " + phy::number_text(a.thru_delay_s) +
                                " s and rise time need a record over 1 us; the TDR covers routes below ~100 ns of delay");
  const double df = 1.0 / period;
  const double fmax = std::min(measured ? a.band_top_hz : std::numeric_limits<double>::infinity(), edge.band_hz());
  const auto bins = static_cast<std::size_t>(std::ceil(fmax / df)) + 1;
  std::vector<double> grid(bins);
  for (std::size_t k = 0; k < bins; ++k) grid[k] = df * static_cast<double>(k);
  const channels::Network net = mode_network(grid);

  // Samples: at least 10 per rise time.
  const double max_dt = a.rise_time_s / 10.0;
  auto step = [&](int i, int j) { return solvers::step_response(net.trace(i, j), df, edge, max_dt); };
  const solvers::StepResponse r11 = step(0, 0);
  a.dt_s = r11.dt_s;
  const auto first = static_cast<std::size_t>(std::llround(-r11.start_time_s / r11.dt_s));
  const std::size_t count = static_cast<std::size_t>(std::floor(record / r11.dt_s)) + 1;
  auto cut = [&](const solvers::StepResponse& r) {
    return std::vector<double>(r.values.begin() + static_cast<std::ptrdiff_t>(first),
                               r.values.begin() + static_cast<std::ptrdiff_t>(first + count));
  };
  a.time_s.resize(count);
  for (std::size_t i = 0; i < count; ++i) a.time_s[i] = static_cast<double>(i) * r11.dt_s;
  const auto& z = net.z0_ohm();
  a.profile = reflected(diff ? "differential" : "single-ended", z[0], cut(r11));
  if (diff) a.common = reflected("common", z[2], cut(step(2, 2)));
  a.tdt = cut(step(1, 0));
  if (diff) a.common_tdt = cut(step(3, 2));
  if (a.pulse_width_s > 0.0) {
    // The pulse s(t) - s(t - W): the step response of S(f) (1 - exp(-j 2 pi f W)), same grid and
    // edge, so the same samples as the steps.
    auto pulse = [&](int i, int j) {
      std::vector<cplx> t = net.trace(i, j);
      for (std::size_t k = 0; k < t.size(); ++k) t[k] *= 1.0 - std::polar(1.0, -2.0 * phy::pi * grid[k] * a.pulse_width_s);
      return cut(solvers::step_response(t, df, edge, max_dt));
    };
    a.profile.pulse_rho = pulse(0, 0);
    a.pulse_tdt = pulse(1, 0);
    if (diff) {
      a.common->pulse_rho = pulse(2, 2);
      a.common_pulse_tdt = pulse(3, 2);
    }
  }

  // Distance axis.
  double trace_length = 0.0;
  for (const auto& b : composed->blocks())
    if (b.trace) trace_length += b.trace->length_m;
  if (request.route_length_m > 0.0 && a.thru_delay_s > 0.0) {
    a.velocity_m_per_s = request.route_length_m / a.thru_delay_s;
    a.distance_basis = "route length " + phy::number_text(request.route_length_m) + " m over the thru delay";
  } else if (request.eps_eff > 0.0) {
    a.velocity_m_per_s = phy::c0 / std::sqrt(request.eps_eff);
    a.distance_basis = "eps_eff " + phy::number_text(request.eps_eff) + " as given";
  } else if (trace_length > 0.0 && a.thru_delay_s > 0.0) {
    a.velocity_m_per_s = trace_length / a.thru_delay_s;
    a.distance_basis = "the config's trace length " + phy::number_text(trace_length) + " m over the thru delay";
  } else {
    a.velocity_m_per_s = phy::c0 / 2.0;
    a.distance_basis = "assumed eps_eff 4 (give the route length or eps_eff)";
  }
  a.distance_m.resize(count);
  for (std::size_t i = 0; i < count; ++i) a.distance_m[i] = 0.5 * a.velocity_m_per_s * a.time_s[i];
  return a;
}

}  // namespace phylane::workflows
