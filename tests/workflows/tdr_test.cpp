// TDR of exact lines (phy/ transmission lines composed as networks): a matched line is flat at its
// Z0, a step between two lines shows both levels and the reflection coefficient of the step, and
// the same lines sampled like a measurement (from 10 MHz, band-limited) give the same profile.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "channels/composed_channel.hpp"
#include "channels/link.hpp"
#include "phy/constants.hpp"
#include "phy/stripline.hpp"
#include "phy/units.hpp"
#include "workflows/tdr.hpp"

using namespace phylane;
using namespace phylane::channels;
using phy::units::inch;
using phy::units::mil;

namespace {

phy::TransmissionLine stripline(double w_mil, bool lossy, phy::LineMode mode = phy::LineMode::single_ended) {
  phy::StriplineDims d{w_mil * mil, 0.6 * mil, 5 * mil, 5 * mil, 6 * mil, 1.2 * mil};
  std::shared_ptr<const phy::LineGeometry> g;
  if (mode == phy::LineMode::single_ended) g = std::make_shared<phy::Stripline>(d);
  else g = std::make_shared<phy::CoupledStripline>(d, mode);
  return phy::TransmissionLine(g, lossy ? phy::Dielectric::djordjevic_sarkar(3.6, 0.01, 1e10) : phy::Dielectric::constant(3.6, 0.0),
                               {lossy ? 5.8e7 : 1e30, {}, {}});
}

ChannelBlock trace_block(const std::string& name, double length_m, phy::TransmissionLine line) {
  ChannelBlock b;
  b.name = name;
  b.kind = "trace";
  b.trace = TraceSegment{name, length_m, std::move(line)};
  return b;
}

Link link_of(ComposedChannel ch) {
  Link l;
  l.source = "test";
  l.channel = std::move(ch);
  return l;
}

// The network of `ch` as a measurement would give it: 10 MHz steps from 10 MHz to fmax, then taken
// as a Touchstone block (DC extrapolation and band limit of channels/resample).
Link measured_like(const ComposedChannel& ch, double fmax) {
  std::vector<double> f;
  for (double x = 10e6; x <= fmax * (1 + 1e-12); x += 10e6) f.push_back(x);
  auto src = std::make_shared<NetworkSource>(ch.network(f));
  ChannelBlock b;
  b.name = "file";
  b.kind = "touchstone";
  b.network = [src](std::span<const double> g) { return src->evaluate(g); };
  b.zero_above_hz = src->zero_above_hz();
  return link_of(ComposedChannel(ch.differential(), {b}, ch.driver_ohm(), ch.receiver_ohm()));
}

// Largest |Z/z - 1| over t in [t0, t1].
double deviation(const workflows::TdrAnswer& a, const std::vector<double>& z, double level, double t0, double t1) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.time_s.size(); ++i)
    if (a.time_s[i] >= t0 && a.time_s[i] <= t1) worst = std::max(worst, std::abs(z[i] / level - 1.0));
  return worst;
}

double mean(const workflows::TdrAnswer& a, const std::vector<double>& v, double t0, double t1) {
  double s = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < a.time_s.size(); ++i)
    if (a.time_s[i] >= t0 && a.time_s[i] <= t1) {
      s += v[i];
      ++n;
    }
  return s / n;
}

}  // namespace

TEST_CASE("A matched line's TDR is flat at its Z0 within 1 %", "[workflows][tdr][reference]") {
  const auto line = stripline(5, false);
  const double z0 = line.impedance_ohm(1e9);
  const ComposedChannel ch(false, {trace_block("line", 5 * inch, line)}, z0, z0);
  for (const Link& link : {link_of(ch), measured_like(ch, 40e9)}) {
    const auto a = workflows::tdr(link, {});
    // Through the whole record: the line and its matched far end.
    const double worst = deviation(a, a.profile.impedance_ohm, z0, 0.0, a.time_s.back());
    INFO("worst deviation " << worst);
    CHECK(worst < 0.01);
    // The thru delay of the line: sqrt(3.6) l / c0.
    CHECK(a.thru_delay_s == Approx(std::sqrt(3.6) * 5 * inch / phy::c0).epsilon(1e-6));
  }
  // The distance axis from the config's trace length: the far end at 5 in.
  const auto a = workflows::tdr(link_of(ch), {});
  CHECK(0.5 * a.velocity_m_per_s * 2.0 * a.thru_delay_s == Approx(5 * inch).epsilon(1e-12));
}

TEST_CASE("A matched lossy line's TDR starts at its high-frequency Z0 and rises along the line",
          "[workflows][tdr][property]") {
  // The series resistance and internal inductance of the copper make the impedance the step sees
  // grow with time along a lossy line (the skin-effect "creep" of a TDR trace); it starts at the
  // line's Z0 at the frequencies of the edge and falls back once the step has passed the far end.
  const auto line = stripline(5, true);
  const double z0 = line.impedance_ohm(1e9);
  const ComposedChannel ch(false, {trace_block("line", 5 * inch, line)}, z0, z0);
  const auto a = workflows::tdr(link_of(ch), {});
  const double t2 = 2.0 * a.thru_delay_s;
  std::size_t i_start = 0, i_end = 0;
  for (std::size_t i = 0; i < a.time_s.size(); ++i) {
    if (a.time_s[i] <= 5 * a.rise_time_s) i_start = i;
    if (a.time_s[i] <= t2 - 5 * a.rise_time_s) i_end = i;
  }
  CHECK(std::abs(a.profile.impedance_ohm[i_start] / line.impedance_ohm(10e9) - 1.0) < 0.01);
  for (std::size_t i = i_start + 1; i <= i_end; ++i) CHECK(a.profile.impedance_ohm[i] >= a.profile.impedance_ohm[i - 1]);
}

TEST_CASE("Two lines of different Z0 show both levels and the reflection coefficient of the step",
          "[workflows][tdr][reference]") {
  const auto l1 = stripline(5, false), l2 = stripline(9, false);
  const double z1 = l1.impedance_ohm(1e9), z2 = l2.impedance_ohm(1e9);
  REQUIRE(std::abs(z2 / z1 - 1.0) > 0.15);
  const double gamma = (z2 - z1) / (z2 + z1);  // the step's reflection coefficient (Pozar 4th ed., eq. 2.35)
  const ComposedChannel ch(false, {trace_block("a", 3 * inch, l1), trace_block("b", 4 * inch, l2)}, z1, z1);
  const double t1 = 2.0 * std::sqrt(3.6) * 3 * inch / phy::c0;  // round trip to the step
  const double t2 = t1 + 2.0 * std::sqrt(3.6) * 4 * inch / phy::c0;  // and to the far end
  for (const Link& link : {link_of(ch), measured_like(ch, 40e9)}) {
    const auto a = workflows::tdr(link, {});
    const double settle = 5.0 * a.rise_time_s;
    // Issue 16 asks for both levels within 1 % and rho within 2 %; measured: levels within 1.6e-4
    // (the measured-like data: DC extrapolation and band limit), rho within 1e-6.
    CHECK(deviation(a, a.profile.impedance_ohm, z1, 0.0, t1 - settle) < 1e-3);
    CHECK(deviation(a, a.profile.impedance_ohm, z2, t1 + settle, t2 - settle) < 1e-3);
    const double rho = mean(a, a.profile.rho, t1 + settle, t2 - settle);
    INFO("rho " << rho << " expected " << gamma);
    CHECK(std::abs(rho / gamma - 1.0) < 1e-4);
  }
}

TEST_CASE("A differential pair's TDR shows Zdiff and its common-mode Zcm", "[workflows][tdr][reference]") {
  const auto dm = stripline(5, false, phy::LineMode::differential);
  const auto cm = stripline(5, false, phy::LineMode::common);
  const double zd = dm.impedance_ohm(1e9), zc = cm.impedance_ohm(1e9);
  ChannelBlock b = trace_block("pair", 4 * inch, dm);
  b.trace_common = TraceSegment{"pair", 4 * inch, cm};
  const ComposedChannel ch(true, {b}, zd, zd);
  const auto a = workflows::tdr(link_of(ch), {});
  const double t2 = 2.0 * std::sqrt(3.6) * 4 * inch / phy::c0;
  CHECK(a.profile.mode == "differential");
  CHECK(a.profile.reference_ohm == Approx(zd).epsilon(1e-12));
  CHECK(deviation(a, a.profile.impedance_ohm, zd, 0.0, a.time_s.back()) < 0.01);
  REQUIRE(a.common);
  CHECK(a.common->reference_ohm == Approx(zd / 4).epsilon(1e-12));
  CHECK(deviation(a, a.common->impedance_ohm, zc, 5 * a.rise_time_s, t2 - 5 * a.rise_time_s) < 0.01);
  // The transmitted step arrives at the thru delay with the full amplitude (lossless, matched).
  CHECK(mean(a, a.tdt, t2 / 2 + 5 * a.rise_time_s, a.time_s.back()) == Approx(1.0).epsilon(1e-3));
}

namespace {

// The incident pulse of width w with Gaussian edges of 10-90 % time tr, delayed by d: the
// difference of two error-function steps (sigma = tr / 2.5631: erf's 10-90 % points are
// +/- 1.2816 sigma).
double gaussian_pulse(double t, double w, double tr, double d) {
  const double sigma = tr / 2.5631031310892007;
  return 0.5 * (std::erf((t - d) / (std::sqrt(2.0) * sigma)) - std::erf((t - d - w) / (std::sqrt(2.0) * sigma)));
}

}  // namespace

TEST_CASE("Pulse TDR of a matched line is zero and its TDT is the incident pulse delayed", "[workflows][tdr][reference]") {
  const auto line = stripline(5, false);
  const double z0 = line.impedance_ohm(1e9);
  const ComposedChannel ch(false, {trace_block("line", 5 * inch, line)}, z0, z0);
  workflows::TdrRequest r;
  r.pulse_width_s = 50e-12;
  const auto a = workflows::tdr(link_of(ch), r);
  CHECK(a.pulse_width_s == 50e-12);
  REQUIRE(a.profile.pulse_rho.size() == a.time_s.size());
  REQUIRE(a.pulse_tdt.size() == a.time_s.size());
  const double tau = std::sqrt(3.6) * 5 * inch / phy::c0;
  double worst_r = 0.0, worst_t = 0.0;
  for (std::size_t i = 0; i < a.time_s.size(); ++i) {
    worst_r = std::max(worst_r, std::abs(a.profile.pulse_rho[i]));
    worst_t = std::max(worst_t, std::abs(a.pulse_tdt[i] - gaussian_pulse(a.time_s[i], 50e-12, a.rise_time_s, tau)));
  }
  INFO("pulse rho " << worst_r << ", pulse TDT vs the delayed pulse " << worst_t);
  // Measured: 4e-14 and 1.3e-3 (the edge sampled at t_r / 10: a 0.03 ps shift of a 20 ps edge).
  CHECK(worst_r < 1e-6);
  CHECK(worst_t < 3e-3);
}

TEST_CASE("Pulse TDR of a single impedance step is the reflection coefficient times the pulse",
          "[workflows][tdr][reference]") {
  const auto l1 = stripline(5, false), l2 = stripline(9, false);
  const double z1 = l1.impedance_ohm(1e9), z2 = l2.impedance_ohm(1e9);
  const double gamma = (z2 - z1) / (z2 + z1);  // Pozar 4th ed., eq. 2.35
  const ComposedChannel ch(false, {trace_block("a", 3 * inch, l1), trace_block("b", 4 * inch, l2)}, z1, z1);
  const double t1 = 2.0 * std::sqrt(3.6) * 3 * inch / phy::c0;
  const double t2 = t1 + 2.0 * std::sqrt(3.6) * 4 * inch / phy::c0;
  workflows::TdrRequest r;
  r.pulse_width_s = 80e-12;
  for (const Link& link : {link_of(ch), measured_like(ch, 40e9)}) {
    const auto a = workflows::tdr(link, r);
    // Until the far end's echo returns: Gamma p(t - t1) (the first echo, and nothing before it).
    double worst = 0.0;
    for (std::size_t i = 0; i < a.time_s.size() && a.time_s[i] < t2 - 5 * a.rise_time_s; ++i)
      worst = std::max(worst, std::abs(a.profile.pulse_rho[i] - gamma * gaussian_pulse(a.time_s[i], 80e-12, a.rise_time_s, t1)));
    INFO("worst |pulse rho - Gamma p(t - t1)| " << worst << ", Gamma " << gamma);
    // Within 2 % of Gamma (issue 16's tolerance on the step's reflection); measured 2.1e-4 (model)
    // and 3.5e-4 (measured-like: DC extrapolation and band limit), the edge sampled at t_r / 10.
    CHECK(worst < 0.02 * std::abs(gamma));
    CHECK(worst < 1e-3);
  }
}

TEST_CASE("A differential pair's pulse TDR/TDT: matched differential mode, mismatched common mode",
          "[workflows][tdr][reference]") {
  const auto dm = stripline(5, false, phy::LineMode::differential);
  const auto cm = stripline(5, false, phy::LineMode::common);
  ChannelBlock b = trace_block("pair", 4 * inch, dm);
  b.trace_common = TraceSegment{"pair", 4 * inch, cm};
  const double zd = dm.impedance_ohm(1e9), zc = cm.impedance_ohm(1e9);
  const ComposedChannel ch(true, {b}, zd, zd);
  workflows::TdrRequest r;
  r.pulse_width_s = 60e-12;
  const auto a = workflows::tdr(link_of(ch), r);
  REQUIRE(a.common);
  REQUIRE(a.common->pulse_rho.size() == a.time_s.size());
  REQUIRE(a.common_tdt.size() == a.time_s.size());
  REQUIRE(a.common_pulse_tdt.size() == a.time_s.size());
  const double tau = std::sqrt(3.6) * 4 * inch / phy::c0;
  // Differential: terminated in its own Zdiff, so no reflected pulse and the pulse arrives whole.
  // Common mode: the port's reference is Zdiff / 4, so the pulse reflects at the launch with
  // Gamma_c = (Zcm - Zdiff/4) / (Zcm + Zdiff/4) and nothing else until the far end's echo (2 tau).
  const double gamma_c = (zc - zd / 4) / (zc + zd / 4);
  REQUIRE(std::abs(gamma_c) > 0.05);
  double worst_d = 0.0, worst_t = 0.0, worst_c = 0.0;
  for (std::size_t i = 0; i < a.time_s.size(); ++i) {
    const double t = a.time_s[i];
    worst_d = std::max(worst_d, std::abs(a.profile.pulse_rho[i]));
    worst_t = std::max(worst_t, std::abs(a.pulse_tdt[i] - gaussian_pulse(t, 60e-12, a.rise_time_s, tau)));
    if (t < 2 * tau - 5 * a.rise_time_s)
      worst_c = std::max(worst_c, std::abs(a.common->pulse_rho[i] - gamma_c * gaussian_pulse(t, 60e-12, a.rise_time_s, 0.0)));
  }
  INFO("differential " << worst_d << ", TDT " << worst_t << ", common " << worst_c << " (Gamma_c " << gamma_c << ")");
  // Measured: 4e-14, 1.3e-3 and 7.7e-5 (the edge sampled at t_r / 10).
  CHECK(worst_d < 1e-6);
  CHECK(worst_t < 3e-3);
  CHECK(worst_c < 0.02 * std::abs(gamma_c));
  // The common-mode TDT: a mismatched line at both ends still passes DC whole (the line is a
  // wire at DC, source and load the same reference).
  CHECK(a.common_tdt.back() == Approx(1.0).margin(0.02));
}

TEST_CASE("TDR refuses what it cannot answer", "[workflows][tdr][unit]") {
  Link empty;
  empty.source = "x.toml";
  CHECK_THROWS_WITH(workflows::tdr(empty, {}), Catch::Contains("x.toml") && Catch::Contains("copper channel"));
  const auto line = stripline(5, false);
  const ComposedChannel ch(false, {trace_block("line", inch, line)}, 50, 50);
  workflows::TdrRequest r;
  r.rise_time_s = -1e-12;
  CHECK_THROWS_WITH(workflows::tdr(link_of(ch), r), Catch::Contains("rise time") && Catch::Contains("> 0"));
  workflows::TdrRequest p;
  p.pulse_width_s = 0.0;
  CHECK_THROWS_WITH(workflows::tdr(link_of(ch), p), Catch::Contains("pulse width") && Catch::Contains("> 0"));
}
