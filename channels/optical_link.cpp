#include "channels/optical_link.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::channels {

namespace {
using phy::units::db_to_power_ratio;
using phy::units::power_ratio_to_db;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("optical link: " + what);
}

std::string fmt(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", prec, v);
  return buf;
}
}  // namespace

RxFilter receiver_filter(const Receiver& rx) {
  return RxFilter::photoreceiver(rx.pd_bandwidth_hz, rx.tia_bandwidth_hz, rx.tia_q);
}

std::string ReceiverBandwidth::summary() const {
  const std::string pd = fmt(pd_bandwidth_hz / 1e9) + " GHz", tia = fmt(tia_bandwidth_hz / 1e9) + " GHz";
  const std::string tail = "3-dB bandwidth " + fmt(f3db_hz / 1e9) + " GHz, noise bandwidth " +
                           fmt(noise_bandwidth_hz / 1e9) + " GHz";
  if (!follows_rate) return "fixed bandwidth (photodiode " + pd + " x TIA " + tia + "): " + tail;
  auto part = [](double ratio, const std::string& at) {
    return ratio > 0.0 ? fmt(ratio) + " x symbol rate = " + at : at + " fixed";
  };
  return "following the rate (photodiode " + part(pd_bandwidth_ratio, pd) + ", TIA " + part(tia_bandwidth_ratio, tia) +
         ") at " + fmt(symbol_rate_baud / 1e9, 4) + " GBd: " + tail;
}

PathElement make_coupler(const std::string& name, double il_db, double bw_1db_m, double centre_m, double wavelength_m) {
  PathElement e;
  e.kind = "coupler";
  e.name = name;
  e.loss_db = phy::coupler_loss_db(il_db, bw_1db_m, centre_m, wavelength_m);
  e.detail = fmt(il_db) + " dB" + (bw_1db_m > 0 && wavelength_m != centre_m ? " + detuning" : "");
  return e;
}

PathElement make_gaussian_coupler(const std::string& name, const GaussianCouplerDesign& d, double wavelength_m) {
  require(d.own_loss_db >= 0.0, "coupler \"" + name + "\": its own loss must be >= 0 dB");
  // Mode-size mismatch alone, then with the misalignment: the difference is the misalignment's
  // share (Joyce & DeLoach 1984; the closed form factorises, so the split is exact for the offset
  // and tilt and the gap's part includes its interplay with the size mismatch).
  const double w1 = 0.5 * d.chip_mfd_m, w2 = 0.5 * d.fiber_mfd_m;
  const double size_db = -power_ratio_to_db(phy::gaussian_coupling_efficiency(w1, w2, wavelength_m));
  const double all_db = -power_ratio_to_db(phy::gaussian_coupling_efficiency(w1, w2, wavelength_m, d.misalignment));
  PathElement e;
  e.kind = "coupler";
  e.name = name;
  e.loss_db = all_db + d.own_loss_db;
  e.detail = d.kind + ": mode mismatch " + fmt(size_db) + " dB (MFD " + fmt(d.chip_mfd_m * 1e6) + " / " +
             fmt(d.fiber_mfd_m * 1e6) + " um) + misalignment " + fmt(all_db - size_db) + " dB + " +
             (d.kind == "grating" ? "grating efficiency " : "excess ") + fmt(d.own_loss_db) + " dB";
  return e;
}

namespace {
void check_ring(const RingDesign& d, const std::string& what) {
  require(d.radius_m > 0 && d.group_index >= 1.0 && d.loss_db_per_m >= 0, what + ": radius > 0, group index >= 1 and loss >= 0 needed");
  require(d.power_coupling > 0 && d.power_coupling < 1, what + ": power coupling must be in (0, 1)");
  require(d.drop_power_coupling >= 0 && d.drop_power_coupling < 1, what + ": drop power coupling must be in [0, 1)");
}
}  // namespace

phy::RingResonator tuned_ring(const RingDesign& d, double wavelength_m) {
  check_ring(d, "ring");
  phy::RingResonator r;
  r.length_m = 2 * phy::pi * d.radius_m;
  r.n_g = d.group_index;
  r.reference_wavelength_m = wavelength_m;
  // Resonance condition n_eff L = m lambda with the order m nearest n_g L / lambda.
  r.n_eff = std::max(1.0, std::round(d.group_index * r.length_m / wavelength_m)) * wavelength_m / r.length_m;
  r.loss_db_per_m = d.loss_db_per_m;
  r.self_coupling = std::sqrt(1 - d.power_coupling);
  r.drop_self_coupling = std::sqrt(1 - d.drop_power_coupling);
  return r;
}

PathElement make_ring_demux(const std::string& name, const RingDesign& d, double wavelength_m, double spacing_hz) {
  check_ring(d, "ring demux \"" + name + "\"");
  require(d.drop_power_coupling > 0, "ring demux \"" + name + "\" needs a drop coupler (drop power coupling > 0)");
  require(spacing_hz > 0, "ring demux \"" + name + "\": its crosstalk needs the WDM channel spacing > 0");
  const phy::RingResonator r = tuned_ring(d, wavelength_m);
  const double f = phy::c0 / wavelength_m;
  const double drop_on = phy::ring_response(r, wavelength_m).drop;
  // The neighbours one spacing either side, through the same ring (exact add-drop response).
  const double leak = std::max(phy::ring_response(r, phy::c0 / (f + spacing_hz)).drop,
                               phy::ring_response(r, phy::c0 / (f - spacing_hz)).drop);
  PathElement e;
  e.kind = "demux";
  e.name = name;
  e.loss_db = -power_ratio_to_db(drop_on);
  e.crosstalk_db = power_ratio_to_db(leak / drop_on);
  e.detail = "ring R " + fmt(d.radius_m * 1e6) + " um, Q " + fmt(phy::ring_loaded_q(r)) + ", FSR " +
             fmt(phy::ring_fsr_m(r) * 1e9) + " nm: drop loss " + fmt(e.loss_db) + " dB (round trip " +
             fmt(d.loss_db_per_m * r.length_m) + " dB), adjacent crosstalk " + fmt(e.crosstalk_db) + " dB at " +
             fmt(spacing_hz / 1e9) + " GHz";
  return e;
}

RingModulatorFigures ring_modulator_figures(const RingDesign& d, double wavelength_m, double detuning_m, double shift_m) {
  check_ring(d, "ring modulator");
  require(d.drop_power_coupling == 0, "ring modulator: an all-pass ring (no drop coupler) is modelled");
  require(detuning_m >= 0 && shift_m > 0, "ring modulator: detuning must be >= 0 and the resonance shift > 0");
  // The resonance sits detuning (level 0) or detuning + shift (level 1) from the laser: a ring
  // tuned there, evaluated at the laser wavelength.
  RingModulatorFigures out;
  out.through_0 = phy::ring_response(tuned_ring(d, wavelength_m - detuning_m), wavelength_m).through;
  out.through_1 = phy::ring_response(tuned_ring(d, wavelength_m - detuning_m - shift_m), wavelength_m).through;
  out.insertion_loss_db = -power_ratio_to_db(out.through_1);
  out.extinction_ratio_db = power_ratio_to_db(out.through_1 / out.through_0);
  const phy::RingResonator r = tuned_ring(d, wavelength_m);
  out.loaded_q = phy::ring_loaded_q(r);
  out.fsr_m = phy::ring_fsr_m(r);
  return out;
}

PathElement make_waveguide(const std::string& name, double loss_db_per_m, double length_m, int bends,
                           double bend_loss_db, int crossings, double crossing_loss_db) {
  PathElement e;
  e.kind = "waveguide";
  e.name = name;
  e.length_m = length_m;
  e.loss_db = loss_db_per_m * length_m + bends * bend_loss_db + crossings * crossing_loss_db;
  e.loss_db_per_m = loss_db_per_m;
  e.detail = fmt(loss_db_per_m / 100.0) + " dB/cm x " + fmt(length_m * 100.0) + " cm";
  if (bends) e.detail += ", " + std::to_string(bends) + " bends";
  if (crossings) e.detail += ", " + std::to_string(crossings) + " crossings";
  return e;
}

PathElement make_fiber(const std::string& name, double loss_db_per_m, double length_m, double d,
                       int connectors, double connector_loss_db, int splices, double splice_loss_db) {
  PathElement e;
  e.kind = "fiber";
  e.name = name;
  e.length_m = length_m;
  e.dispersion_s_per_m2 = d;
  e.loss_db = loss_db_per_m * length_m + connectors * connector_loss_db + splices * splice_loss_db;
  e.loss_db_per_m = loss_db_per_m;
  // |D| below 1e-12 s/m^2 (1e-6 ps/(nm km)) is rounding at the zero-dispersion wavelength: shown as 0.
  e.detail = fmt(loss_db_per_m * 1e3) + " dB/km x " + fmt(length_m) + " m, D " +
             fmt(std::abs(d) < 1e-12 ? 0.0 : d * 1e6) + " ps/(nm km)";
  if (connectors) e.detail += ", " + std::to_string(connectors) + " connectors";
  if (splices) e.detail += ", " + std::to_string(splices) + " splices";
  return e;
}

PathElement with_length(const PathElement& e, double length_m) {
  if (e.kind != "fiber" && e.kind != "waveguide")
    throw std::invalid_argument("path element \"" + e.name + "\" (" + e.kind + ") has no length to change");
  if (!(length_m > 0.0)) throw std::invalid_argument("path element \"" + e.name + "\": length must be > 0");
  PathElement out = e;
  const double fixed = e.loss_db - e.loss_db_per_m * e.length_m;
  out.length_m = length_m;
  out.loss_db = fixed + e.loss_db_per_m * length_m;
  out.detail = e.detail + " (length set to " + fmt(length_m) + " m)";
  return out;
}

PathElement make_splitter(const std::string& name, int ways, double excess_db) {
  PathElement e;
  e.kind = "splitter";
  e.name = name;
  // Ideal 1xN power split 10 log10(N) (energy conservation) plus excess loss.
  e.loss_db = 10.0 * std::log10(static_cast<double>(ways)) + excess_db;
  e.detail = "1x" + std::to_string(ways) + " + " + fmt(excess_db) + " dB excess";
  return e;
}

PathElement make_wdm(const std::string& kind, const std::string& name, double il_db, double crosstalk_db) {
  PathElement e;
  e.kind = kind;
  e.name = name;
  e.loss_db = il_db;
  e.crosstalk_db = crosstalk_db;
  e.detail = "IL " + fmt(il_db) + " dB, adjacent crosstalk " + fmt(crosstalk_db) + " dB";
  return e;
}

PathElement make_loss(const std::string& kind, const std::string& name, double loss_db) {
  PathElement e;
  e.kind = kind;
  e.name = name;
  e.loss_db = loss_db;
  e.detail = fmt(loss_db) + " dB";
  return e;
}

OpticalLink::OpticalLink(Laser laser, Modulator modulator, std::vector<PathElement> path, Receiver receiver)
    : laser_(laser), mod_(modulator), path_(std::move(path)), rx_(receiver) {
  require(laser_.power_w > 0.0, "laser power must be > 0");
  require(laser_.wavelength_m > 0.0, "laser wavelength must be > 0");
  require(laser_.wall_plug_efficiency > 0.0 && laser_.wall_plug_efficiency <= 1.0,
          "laser wall-plug efficiency must be in (0, 1]");
  require(mod_.insertion_loss_db >= 0.0, "modulator insertion loss must be >= 0 dB");
  require(mod_.extinction_ratio_db > 0.0, "modulator extinction ratio must be > 0 dB");
  require(mod_.bandwidth_hz > 0.0, "modulator bandwidth must be > 0");
  for (const auto& e : path_) require(e.loss_db >= 0.0 && std::isfinite(e.loss_db), "element '" + e.name + "' has a negative loss");
  require(rx_.pd_bandwidth_hz > 0.0 && rx_.tia_bandwidth_hz > 0.0, "receiver bandwidths must be > 0");
  require(rx_.pd_bandwidth_ratio >= 0.0 && rx_.tia_bandwidth_ratio >= 0.0, "receiver bandwidth ratios must be >= 0");
  require(rx_.tia_q >= 0.3 && rx_.tia_q <= 5.0, "TIA damping Q must be in [0.3, 5]");
  require(rx_.transimpedance_ohm > 0.0, "transimpedance must be > 0");
  rx_filter_ = channels::receiver_filter(rx_);
  // Noise bandwidth: trapezoid integral of |H_pd H_tia|^2 up to 40x the smaller bandwidth; the
  // TIA's f^-4 tail beyond it holds < 1e-5 of the total.
  const double fmax = 40.0 * std::min(rx_.pd_bandwidth_hz, rx_.tia_bandwidth_hz);
  const int n = 40000;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double f = fmax * i / n;
    const double h2 = std::norm(rx_filter_.response(f));
    sum += (i == 0 || i == n ? 0.5 : 1.0) * h2;
  }
  noise_bw_hz_ = sum * fmax / n;
  rx_.front_end.noise_bandwidth_hz = noise_bw_hz_;
  rx_.front_end.rin_db_per_hz = laser_.rin_db_per_hz;
  rx_.front_end.validate();
}

double OpticalLink::path_loss_db() const {
  double l = 0.0;
  for (const auto& e : path_) l += e.loss_db;
  return l;
}

double OpticalLink::extinction_ratio() const { return db_to_power_ratio(mod_.extinction_ratio_db); }

double OpticalLink::launch_average_power_w() const {
  // The modulator's insertion loss applies to the "1" level; the "0" level is P1/r, so the average
  // of equiprobable outer levels is P1 (1 + 1/r)/2.
  const double p1 = laser_.power_w / db_to_power_ratio(mod_.insertion_loss_db);
  return 0.5 * p1 * (1.0 + 1.0 / extinction_ratio());
}

double OpticalLink::received_average_power_w() const {
  return launch_average_power_w() / db_to_power_ratio(path_loss_db());
}

double OpticalLink::received_oma_w() const { return phy::oma_w(received_average_power_w(), extinction_ratio()); }

double OpticalLink::level_power_w(int k, int levels) const {
  const double r = extinction_ratio();
  const double pav = received_average_power_w();
  const double p1 = 2.0 * pav * r / (r + 1.0), p0 = 2.0 * pav / (r + 1.0);
  return p0 + (p1 - p0) * static_cast<double>(k) / static_cast<double>(levels - 1);
}

std::vector<BudgetLine> OpticalLink::budget() const {
  std::vector<BudgetLine> out;
  double p = laser_.power_w;
  out.push_back({"laser", fmt(laser_.wavelength_m * 1e9, 5) + " nm, RIN " + fmt(laser_.rin_db_per_hz) + " dB/Hz",
                 0.0, phy::units::watts_to_dbm(p)});
  const double launch = launch_average_power_w();
  out.push_back({"modulator",
                 std::string(phy::to_string(mod_.kind)) + ", IL " + fmt(mod_.insertion_loss_db) + " dB, ER " +
                     fmt(mod_.extinction_ratio_db) + " dB (average over levels)",
                 power_ratio_to_db(p / launch), phy::units::watts_to_dbm(launch)});
  p = launch;
  for (const auto& e : path_) {
    p /= db_to_power_ratio(e.loss_db);
    out.push_back({e.name.empty() ? e.kind : e.name, e.kind + ": " + e.detail, e.loss_db, phy::units::watts_to_dbm(p)});
  }
  return out;
}

std::complex<double> OpticalLink::path_response(double f) const {
  std::complex<double> h = phy::eo_response(mod_.shape, mod_.bandwidth_hz, f, mod_.q);
  // Dispersion accumulates along the path: one power-fading response for the total D L.
  const double dl = total_dispersion_s_per_m();
  if (dl != 0.0) h *= phy::fiber_dispersion_response(laser_.wavelength_m, dl, 1.0, f, mod_.chirp_alpha);
  return h;
}

std::complex<double> OpticalLink::response(double f) const { return path_response(f) * rx_filter_.response(f); }

OpticalLink OpticalLink::at_symbol_rate(double baud) const {
  require(baud > 0.0, "the symbol rate must be > 0");
  if (!rx_.follows_rate()) return *this;
  Receiver rx = rx_;
  if (rx.pd_bandwidth_ratio > 0.0) rx.pd_bandwidth_hz = rx.pd_bandwidth_ratio * baud;
  if (rx.tia_bandwidth_ratio > 0.0) rx.tia_bandwidth_hz = rx.tia_bandwidth_ratio * baud;
  return OpticalLink(laser_, mod_, path_, rx);
}

ReceiverBandwidth OpticalLink::receiver_bandwidth(double baud) const {
  const OpticalLink at = at_symbol_rate(baud);
  ReceiverBandwidth b;
  b.follows_rate = rx_.follows_rate();
  b.pd_bandwidth_ratio = rx_.pd_bandwidth_ratio;
  b.tia_bandwidth_ratio = rx_.tia_bandwidth_ratio;
  b.symbol_rate_baud = baud;
  b.pd_bandwidth_hz = at.rx_.pd_bandwidth_hz;
  b.tia_bandwidth_hz = at.rx_.tia_bandwidth_hz;
  b.tia_q = rx_.tia_q;
  b.f3db_hz = at.rx_filter_.f3db_hz();
  b.noise_bandwidth_hz = at.noise_bw_hz_;
  return b;
}

double OpticalLink::receiver_noise_bandwidth_hz() const { return noise_bw_hz_; }

phy::Photoreceiver OpticalLink::front_end() const { return rx_.front_end; }

double OpticalLink::level_noise_v(int k, int levels) const {
  return rx_.transimpedance_ohm * rx_.front_end.noise_rms_a(level_power_w(k, levels));
}

double OpticalLink::electrical_power_w() const {
  return laser_.power_w / laser_.wall_plug_efficiency + mod_.driver_power_w + rx_.power_w;
}

double OpticalLink::total_dispersion_s_per_m() const {
  double dl = 0.0;
  for (const auto& e : path_)
    if (e.kind == "fiber") dl += e.dispersion_s_per_m2 * e.length_m;
  return dl;
}

}  // namespace phylane::channels
