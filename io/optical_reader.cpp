// Reading an optical channel from a config: [channel] type = "optical" with [channel.laser],
// [channel.modulator], [[channel.path]], [channel.receiver] and [channel.wdm]. Format in
// docs/optical.md.
#include <cmath>
#include <sstream>
#include <string>

#include "io/detail/optical_reader.hpp"
#include "io/detail/waveguide_geometry.hpp"
#include "phy/units.hpp"
#include "workflows/waveguide.hpp"
#include "phy/constants.hpp"
#include "phy/optics.hpp"
#include "phy/ring_coupling.hpp"

namespace phylane::io::detail {

namespace {

// ITU-T G.652 single-mode fiber: D(lambda) = (S0/4) (lambda - lambda0^4 / lambda^3), with the
// recommendation's typical S0 = 0.092 ps/(nm^2 km) and lambda0 = 1310 nm (ITU-T G.652 (11/2016),
// sec. 6 and Table 1: 1300 <= lambda0 <= 1324 nm, S0max = 0.092 ps/(nm^2 km)).
double g652_dispersion_s_per_m2(double wavelength_m) {
  const double s0 = 0.092e-12 / (1e-9 * 1e-9 * 1e3);  // 0.092 ps/(nm^2 km) = 92 s/m^3
  const double l0 = 1310e-9;
  return s0 / 4.0 * (wavelength_m - std::pow(l0, 4) / std::pow(wavelength_m, 3));
}

const char* const kElements = "coupler, waveguide, fiber, splitter, mux, demux, connector, loss";

// A micro-ring by its design (docs/optical.md, "Couplers and rings by design"): radius, group
// index, propagation loss and the power coupling of its bus couplers, given as numbers
// (`coupling`, `drop_coupling`) or by their gaps (`gap`, `drop_gap`) with the guide's cross-section
// (`geometry`, as a waveguide element's): then phy::ring_bus_coupling at the laser wavelength.
// `drop` reads the drop coupler's (a demux), otherwise the ring is all-pass (a modulator).
std::optional<channels::RingDesign> read_ring_design(TableReader& t, bool drop, double wavelength_m) {
  const auto radius = t.quantity("radius", Dimension::length, Rule::between(0.5e-6, 1e-2), true);
  const auto ng = t.number("group_index", Rule::between(1.0, 10.0), true);
  const auto loss = t.quantity_or("loss", Dimension::attenuation_per_length, Rule::between(0.0, 1e5), "0 dB/m");
  std::optional<double> k1, k2 = 0.0;
  if (!drop) {
    t.reject("drop_coupling", "a ring modulator is an all-pass ring (one bus coupler)");
    t.reject("drop_gap", "a ring modulator is an all-pass ring (one bus coupler)");
  }
  if (t.has("gap")) {
    t.reject("coupling", "is computed from the gap; give either gap or coupling");
    if (drop) t.reject("drop_coupling", "is computed from drop_gap; give either drop_gap or drop_coupling");
    const Rule gap_rule = Rule::between(0.0, 5e-6, false, true);
    const auto gap = t.quantity("gap", Dimension::length, gap_rule, true);
    std::optional<double> drop_gap;
    if (drop) drop_gap = t.quantity("drop_gap", Dimension::length, gap_rule, true);
    workflows::WaveguideRequest q;
    bool ok = false;
    if (auto g = t.table("geometry", true)) {
      ok = read_waveguide_geometry(*g, q, wavelength_m, nullptr, "channel.laser.wavelength");
      g->finish();
    }
    if (!ok || !radius || !gap || (drop && !drop_gap)) return std::nullopt;
    const phy::StripGuide guide{phy::Medium::of(q.core), phy::Medium::of(q.cladding), q.width_m, q.height_m, q.mesh_m};
    auto coupling_at = [&](const char* key, double g) -> std::optional<double> {
      try {
        return phy::ring_bus_coupling(guide, g, *radius, wavelength_m).power_coupling;
      } catch (const std::exception& ex) {
        const toml::node* n = t.input().get(key);
        t.context().error(n ? n : &t.input(), t.key_path(key), n ? node_text(*n) : "", ex.what());
        return std::nullopt;
      }
    };
    k1 = coupling_at("gap", *gap);
    if (drop) k2 = coupling_at("drop_gap", *drop_gap);
  } else {
    t.reject("geometry", "describes the guide for gap = ...; give gap (and drop_gap) with it");
    if (drop) t.reject("drop_gap", "applies with gap = ... (a ring given by its gaps)");
    const Rule coupling = Rule::between(0.0, 1.0, false, false);
    k1 = t.number("coupling", coupling, true);
    if (drop) k2 = t.number("drop_coupling", coupling, true);
  }
  if (!radius || !ng || !loss || !k1 || !k2) return std::nullopt;
  return channels::RingDesign{*radius, *ng, *loss, *k1, *k2};
}

// A fibre-to-chip coupler by its mode sizes and alignment (Gaussian overlap).
std::optional<channels::GaussianCouplerDesign> read_coupler_geometry(TableReader& g) {
  const auto kind = g.choice<std::string>(
      "kind",
      [](std::string_view s) -> std::optional<std::string> {
        if (s == "edge" || s == "grating") return std::string(s);
        return std::nullopt;
      },
      "edge, grating", std::nullopt);
  const auto chip = g.quantity("mode_field_diameter", Dimension::length, Rule::between(0.1e-6, 100e-6), true);
  const auto fiber = g.quantity_or("fiber_mode_field_diameter", Dimension::length, Rule::between(0.1e-6, 100e-6), "9.2 um");
  const auto offset = g.quantity_or("lateral_offset", Dimension::length, Rule::between(0.0, 100e-6), "0 um");
  const auto tilt = g.number_or("tilt_deg", Rule::between(0.0, 30.0), 0.0);
  const auto gap = g.quantity_or("gap", Dimension::length, Rule::between(0.0, 1e-3), "0 um");
  const auto gap_index = g.number_or("gap_index", Rule::between(1.0, 4.0), 1.0);
  std::optional<double> own;
  if (kind && *kind == "grating") {
    g.reject("excess_loss", "applies to an edge coupler; a grating coupler's own loss is grating_loss");
    own = g.quantity("grating_loss", Dimension::decibel, Rule::between(0.0, 30.0), true);
  } else {
    g.reject("grating_loss", "applies to a grating coupler (kind = \"grating\")");
    own = g.quantity_or("excess_loss", Dimension::decibel, Rule::between(0.0, 30.0), "0 dB");
  }
  if (!kind || !chip || !fiber || !offset || !tilt || !gap || !gap_index || !own) return std::nullopt;
  channels::GaussianCouplerDesign d;
  d.kind = *kind;
  d.chip_mfd_m = *chip;
  d.fiber_mfd_m = *fiber;
  d.misalignment = {*offset, *tilt * phylane::phy::pi / 180.0, *gap, *gap_index};
  d.own_loss_db = *own;
  return d;
}

std::optional<channels::PathElement> read_element(TableReader& e, std::size_t index, double wavelength_m,
                                                   double spacing_hz) {
  const auto kind = e.choice<std::string>(
      "element",
      [](std::string_view s) -> std::optional<std::string> {
        for (std::string_view k : {"coupler", "waveguide", "fiber", "splitter", "mux", "demux", "connector", "loss"})
          if (s == k) return std::string(s);
        return std::nullopt;
      },
      kElements, std::nullopt);
  const std::string name = e.text_or("name", kind.value_or("element") + " " + std::to_string(index + 1)).value_or("");
  if (!kind) {
    for (auto k : {"loss", "bandwidth_1db", "center", "loss_per_length", "length", "bends", "bend_loss", "bend_radius", "geometry", "crossings",
                   "crossing_loss", "dispersion", "connectors", "connector_loss", "splices", "splice_loss", "ways",
                   "excess_loss", "crosstalk", "ring"})
      e.accept(k);
    e.finish();
    return std::nullopt;
  }
  const Rule db_nonneg = Rule::between(0.0, 100.0);
  std::optional<channels::PathElement> out;
  if (*kind == "coupler" && e.has("geometry")) {
    for (const char* k : {"loss", "bandwidth_1db", "center"})
      e.reject(k, "applies to a coupler given by its loss; this one is given by geometry");
    if (auto g = e.table("geometry", true)) {
      const auto d = read_coupler_geometry(*g);
      g->finish();
      if (d) {
        try {
          out = channels::make_gaussian_coupler(name, *d, wavelength_m);
        } catch (const std::invalid_argument& ex) {
          e.context().error(e.input().get("geometry"), e.key_path("geometry"), "", ex.what());
        }
      }
    }
  } else if (*kind == "demux" && e.has("ring")) {
    for (const char* k : {"loss", "crosstalk"})
      e.reject(k, "is computed from the ring; give either ring or " + std::string(k));
    if (auto r = e.table("ring", true)) {
      const auto d = read_ring_design(*r, true, wavelength_m);
      r->finish();
      if (d && !(spacing_hz > 0)) {
        e.context().error(e.input().get("ring"), e.key_path("ring"), "",
                          "a ring demux's crosstalk needs the channel spacing: add [channel.wdm] with spacing > 0");
      } else if (d) {
        try {
          out = channels::make_ring_demux(name, *d, wavelength_m, spacing_hz);
        } catch (const std::invalid_argument& ex) {
          e.context().error(e.input().get("ring"), e.key_path("ring"), "", ex.what());
        }
      }
    }
  } else if (*kind == "coupler") {
    const auto il = e.quantity("loss", Dimension::decibel, db_nonneg, true);
    const auto bw = e.quantity_or("bandwidth_1db", Dimension::length, Rule::non_negative(), "0 nm");
    const auto centre = e.quantity("center", Dimension::wavelength, Rule::positive(), false);
    if (il && bw) out = channels::make_coupler(name, *il, *bw, centre.value_or(wavelength_m), wavelength_m);
  } else if (*kind == "waveguide" && e.has("geometry")) {
    // Loss from the cross-section (docs/optical.md, "A waveguide by its geometry"): roughness
    // scattering of the quasi-TE mode per length, and the bend loss at bend_radius.
    for (const char* k : {"loss_per_length", "bend_loss"})
      if (e.has(k)) e.reject(k, "is computed from geometry; give either geometry or " + std::string(k));
    const auto len = e.quantity("length", Dimension::length, Rule::positive(), true);
    const auto bends = e.integer_or("bends", Rule::between(0, 1e6), 0);
    const auto radius = e.quantity("bend_radius", Dimension::length, Rule::positive(), bends && *bends > 0);
    const auto cr = e.integer_or("crossings", Rule::between(0, 1e6), 0);
    const auto cl = e.quantity_or("crossing_loss", Dimension::decibel, db_nonneg, "0 dB");
    workflows::WaveguideRequest q;
    q.quasi_tm = false;
    q.group_index = false;
    bool ok = false;
    if (auto g = e.table("geometry", true)) {
      ok = read_waveguide_geometry(*g, q, wavelength_m, nullptr, "channel.laser.wavelength");
      g->finish();
    }
    if (radius && *radius <= q.width_m) {
      ok = false;
      const toml::node* rn = e.input().get("bend_radius");
      e.context().error(rn, e.key_path("bend_radius"), node_text(*rn),
                        "not larger than the core width: a bend must be larger than its mode");
    }
    if (ok && len && bends && cr && cl) {
      if (radius && *bends > 0) q.bend_radii_m = {*radius};
      workflows::WaveguideResult r;
      try {
        r = workflows::analyze_waveguide(q);
      } catch (const std::invalid_argument& ex) {
        const toml::node* rn = e.input().get("bend_radius");
        e.context().error(rn ? rn : &e.input(), e.key_path("bend_radius"), rn ? node_text(*rn) : "", ex.what());
        return std::nullopt;
      }
      const auto& s = r.modes.front().scattering;
      const double loss_db_per_m = phy::units::nepers_to_db(0.5 * (s.sidewalls_per_m + s.top_bottom_per_m));
      const double bend_db = r.bends.empty() ? 0.0 : r.bends.front().total_db_per_90deg;
      out = channels::make_waveguide(name, loss_db_per_m, *len, static_cast<int>(*bends), bend_db, static_cast<int>(*cr), *cl);
    }
  } else if (*kind == "waveguide") {
    e.accept("bend_radius");
    if (e.has("bend_radius")) e.reject("bend_radius", "applies to a waveguide given by geometry");
    const auto lpl = e.quantity("loss_per_length", Dimension::attenuation_per_length, Rule::between(0.0, 1e5), true);
    const auto len = e.quantity("length", Dimension::length, Rule::positive(), true);
    const auto bends = e.integer_or("bends", Rule::between(0, 1e6), 0);
    const auto bl = e.quantity_or("bend_loss", Dimension::decibel, db_nonneg, "0 dB");
    const auto cr = e.integer_or("crossings", Rule::between(0, 1e6), 0);
    const auto cl = e.quantity_or("crossing_loss", Dimension::decibel, db_nonneg, "0 dB");
    if (lpl && len && bends && bl && cr && cl)
      out = channels::make_waveguide(name, *lpl, *len, static_cast<int>(*bends), *bl, static_cast<int>(*cr), *cl);
  } else if (*kind == "fiber") {
    const auto lpl = e.quantity_or("loss_per_length", Dimension::attenuation_per_length, Rule::between(0.0, 1e5),
                                   "0.35 dB/km");
    const auto len = e.quantity("length", Dimension::length, Rule::positive(), true);
    std::optional<double> d;
    if (e.has("dispersion"))
      d = e.quantity("dispersion", Dimension::dispersion, Rule::between(-1e-3, 1e-3), false);
    else {
      e.accept("dispersion");
      d = g652_dispersion_s_per_m2(wavelength_m);
    }
    const auto nc = e.integer_or("connectors", Rule::between(0, 1e6), 0);
    const auto cl = e.quantity_or("connector_loss", Dimension::decibel, db_nonneg, "0.3 dB");
    const auto ns = e.integer_or("splices", Rule::between(0, 1e6), 0);
    const auto sl = e.quantity_or("splice_loss", Dimension::decibel, db_nonneg, "0.05 dB");
    if (lpl && len && d && nc && cl && ns && sl)
      out = channels::make_fiber(name, *lpl, *len, *d, static_cast<int>(*nc), *cl, static_cast<int>(*ns), *sl);
  } else if (*kind == "splitter") {
    const auto ways = e.integer_or("ways", Rule::between(2, 1024), 2);
    const auto ex = e.quantity_or("excess_loss", Dimension::decibel, db_nonneg, "0 dB");
    if (ways && ex) out = channels::make_splitter(name, static_cast<int>(*ways), *ex);
  } else if (*kind == "mux" || *kind == "demux") {
    if (*kind == "mux") e.reject("ring", "a ring by design is read for a demux (its drop port)");
    else e.accept("ring");
    const auto il = e.quantity("loss", Dimension::decibel, db_nonneg, true);
    const auto xt = e.quantity_or("crosstalk", Dimension::decibel, Rule::between(-100.0, 0.0), "-30 dB");
    if (il && xt) out = channels::make_wdm(*kind, name, *il, *xt);
  } else {
    const auto il = e.quantity("loss", Dimension::decibel, db_nonneg, true);
    if (il) out = channels::make_loss(*kind, name, *il);
  }
  e.finish();
  return out;
}

}  // namespace

void read_optical(TableReader& ch, std::optional<OpticalParts>& out, channels::OpticalInfo& info) {
  Context& ctx = ch.context();
  for (auto k : {"temperature", "mode", "driver", "receiver_impedance", "segments"})
    ch.reject(k, std::string("'") + k + "' belongs to copper channels (type = \"copper\")");
  bool ok = true;

  channels::Laser laser;
  if (auto t = ch.table("laser", true)) {
    const auto p = t->quantity("power", Dimension::power, Rule::between(1e-9, 10.0), true);
    const auto wl = t->quantity("wavelength", Dimension::wavelength, Rule::between(200e-9, 3e-6), true);
    const auto rin = t->quantity_or("rin", Dimension::rin, Rule::between(-200.0, -80.0), "-150 dB/Hz");
    const auto wpe = t->number_or("wall_plug_efficiency", Rule::between(0.0, 1.0, false, true), 0.1);
    t->finish();
    if (p && wl && rin && wpe) laser = {*p, *wl, *rin, *wpe};
    else ok = false;
  } else {
    ok = false;
  }

  channels::Modulator mod;
  if (auto t = ch.table("modulator", true)) {
    const auto kind = t->choice<phy::ModulatorKind>("kind", phy::parse_modulator_kind,
                                                    "mach-zehnder, microring, electro-absorption", "mach-zehnder");
    std::optional<double> il, er;
    if (t->has("ring")) {
      // A ring modulator by design: static insertion loss and extinction ratio from the all-pass
      // response at the two drive levels (channels::ring_modulator_figures).
      for (const char* k : {"insertion_loss", "extinction_ratio"})
        t->reject(k, "is computed from the ring; give either ring or " + std::string(k));
      if (kind && *kind != phy::ModulatorKind::microring)
        t->reject("ring", "applies to kind = \"microring\"");
      if (auto r = t->table("ring", true)) {
        const auto d = read_ring_design(*r, false, laser.wavelength_m);
        const auto detuning = r->quantity_or("detuning", Dimension::wavelength, Rule::between(0.0, 100e-9), "0 nm");
        const auto shift = r->quantity("resonance_shift", Dimension::wavelength, Rule::between(0.0, 100e-9, false, true), true);
        r->finish();
        if (d && detuning && shift && laser.wavelength_m > 0) {
          const auto f = channels::ring_modulator_figures(*d, laser.wavelength_m, *detuning, *shift);
          if (!(f.extinction_ratio_db > 0.0 && f.extinction_ratio_db <= 60.0)) {
            std::ostringstream os;
            os << "gives an extinction ratio of " << f.extinction_ratio_db
               << " dB (through power " << f.through_0 << " at the \"0\" level), outside (0, 60] dB: detune the laser "
               << "from critical coupling's null or change the coupling";
            t->context().error(t->input().get("ring"), t->key_path("ring"), "", os.str());
          } else {
            il = f.insertion_loss_db;
            er = f.extinction_ratio_db;
          }
        }
      }
    } else {
      t->accept("ring");
      il = t->quantity_or("insertion_loss", Dimension::decibel, Rule::between(0.0, 50.0), "0 dB");
      er = t->quantity("extinction_ratio", Dimension::decibel, Rule::between(0.0, 60.0, false, true), true);
    }
    const auto bw = t->quantity("bandwidth", Dimension::frequency, Rule::positive(), true);
    const auto shape = t->choice<phy::ResponseShape>("shape", phy::parse_response_shape,
                                                     "single-pole, second-order, skin-effect", "single-pole");
    const auto q = t->number_or("q", Rule::between(0.1, 20.0), 0.7071067811865476);
    const auto chirp = t->number_or("chirp", Rule::between(-10.0, 10.0), 0.0);
    const auto swing = t->quantity_or("drive_swing", Dimension::voltage, Rule::between(0.0, 100.0), "1 V");
    const auto dp = t->quantity_or("driver_power", Dimension::power, Rule::between(0.0, 100.0), "0 W");
    t->finish();
    if (kind && il && er && bw && shape && q && chirp && swing && dp)
      mod = {*kind, *il, *er, *bw, *shape, *q, *chirp, *swing, *dp};
    else ok = false;
  } else {
    ok = false;
  }

  // The WDM grid first: a ring demux given by design needs the channel spacing for its crosstalk.
  if (auto t = ch.table("wdm", false)) {
    info.wdm_channels = static_cast<int>(t->integer_or("channels", Rule::between(1, 1024), 1).value_or(1));
    info.wdm_spacing_hz = t->quantity_or("spacing", Dimension::frequency, Rule::non_negative(), "0 Hz").value_or(0.0);
    t->finish();
  } else {
    ch.accept("wdm");
  }

  std::vector<channels::PathElement> path;
  auto elems = ch.table_array("path", false);
  for (std::size_t i = 0; i < elems.size(); ++i) {
    auto e = read_element(elems[i], i, laser.wavelength_m, info.wdm_spacing_hz);
    if (e) path.push_back(*e);
    else ok = false;
  }

  channels::Receiver rx;
  const toml::node* out_ratio = nullptr;
  std::string out_ratio_key;
  if (auto t = ch.table("receiver", true)) {
    std::optional<double> resp;
    if (t->has("quantum_efficiency")) {
      t->reject("responsivity", "give either responsivity or quantum_efficiency");
      const auto qe = t->number("quantum_efficiency", Rule::between(0.0, 1.0, false, true), true);
      if (qe) resp = phy::responsivity_a_per_w(*qe, laser.wavelength_m);
    } else {
      t->accept("quantum_efficiency");
      resp = t->quantity("responsivity", Dimension::responsivity, Rule::between(0.0, 10.0, false, true), true);
    }
    const auto dark = t->quantity_or("dark_current", Dimension::current, Rule::between(0.0, 1e-3), "0 A");
    // Photodiode bandwidth directly, or from its capacitance and the TIA's input resistance as
    // an RC pole f = 1 / (2 pi R C) (transit time neglected; Agrawal 2010, ch. 4), or as a ratio
    // of the symbol rate (a photodiode built for the rate, like [rx] bandwidth_ratio on copper).
    // The ratio's range is the copper receiver's (0.05 ... 10 x symbol rate).
    const Rule ratio_rule = Rule::between(0.05, 10.0);
    std::optional<double> pdbw, pd_ratio = 0.0;
    if (t->has("pd_bandwidth_ratio")) {
      for (auto k : {"pd_bandwidth", "pd_capacitance"})
        t->reject(k, "give one of pd_bandwidth (fixed), pd_capacitance (fixed) or pd_bandwidth_ratio (follows the rate)");
      t->reject("tia_input_resistance", "applies with pd_capacitance");
      pd_ratio = t->number("pd_bandwidth_ratio", ratio_rule, true);
      pdbw = 0.0;
    } else if (t->has("pd_capacitance")) {
      t->accept("pd_bandwidth_ratio");
      t->reject("pd_bandwidth", "give either pd_bandwidth or pd_capacitance with tia_input_resistance");
      const auto cpd = t->quantity("pd_capacitance", Dimension::capacitance, Rule::between(0.0, 1e-9, false, true), true);
      const auto rin_tia = t->quantity("tia_input_resistance", Dimension::resistance, Rule::between(0.0, 1e6, false, true), true);
      if (cpd && rin_tia) pdbw = 1.0 / (2.0 * phy::pi * *rin_tia * *cpd);
    } else {
      t->accept("pd_bandwidth_ratio");
      t->accept("pd_capacitance");
      t->reject("tia_input_resistance", "applies with pd_capacitance");
      pdbw = t->quantity("pd_bandwidth", Dimension::frequency, Rule::positive(), true);
    }
    std::optional<double> tia_noise, rf, nf;
    if (t->has("feedback_resistance")) {
      t->reject("tia_noise", "give either tia_noise or feedback_resistance (with noise_figure)");
      rf = t->quantity("feedback_resistance", Dimension::resistance, Rule::positive(), true);
      nf = t->quantity_or("noise_figure", Dimension::decibel, Rule::between(0.0, 30.0), "0 dB");
      tia_noise = 0.0;
    } else {
      t->accept("feedback_resistance");
      t->accept("noise_figure");
      tia_noise = t->quantity("tia_noise", Dimension::current_density, Rule::between(0.0, 1e-6, false, true), true);
      rf = 0.0;
      nf = 0.0;
    }
    std::optional<double> tiabw, tia_ratio = 0.0;
    if (t->has("tia_bandwidth_ratio")) {
      t->reject("tia_bandwidth", "give either tia_bandwidth (fixed) or tia_bandwidth_ratio (follows the rate)");
      tia_ratio = t->number("tia_bandwidth_ratio", ratio_rule, true);
      tiabw = 0.0;
    } else {
      t->accept("tia_bandwidth_ratio");
      tiabw = t->quantity("tia_bandwidth", Dimension::frequency, Rule::positive(), true);
    }
    // The TIA's damping: 1/sqrt 3, the second-order Bessel-Thomson response of a TIA designed for
    // data (maximally flat group delay, 0.4 % step overshoot; Saeckinger 2017, App. H), unless given.
    const auto tia_q = t->number_or("tia_q", Rule::between(0.3, 5.0), 0.5773502691896258);
    if (pd_ratio && *pd_ratio > 0.0) {
      out_ratio = t->input().get("pd_bandwidth_ratio");
      out_ratio_key = t->key_path("pd_bandwidth_ratio");
    } else if (tia_ratio && *tia_ratio > 0.0) {
      out_ratio = t->input().get("tia_bandwidth_ratio");
      out_ratio_key = t->key_path("tia_bandwidth_ratio");
    }
    const auto zt = t->quantity_or("transimpedance", Dimension::resistance, Rule::positive(), "1 kohm");
    const auto temp = t->quantity_or("temperature", Dimension::temperature, Rule::between(-100.0, 300.0), "27 degC");
    const auto pw = t->quantity_or("power", Dimension::power, Rule::between(0.0, 100.0), "0 W");
    t->finish();
    if (resp && dark && pdbw && pd_ratio && tia_noise && rf && nf && tiabw && tia_ratio && tia_q && zt && temp && pw) {
      rx.front_end.responsivity_a_per_w = *resp;
      rx.front_end.dark_current_a = *dark;
      rx.front_end.tia_noise_a_per_rthz = *tia_noise;
      rx.front_end.feedback_resistance_ohm = *rf;
      rx.front_end.noise_figure_db = *nf;
      rx.front_end.temperature_k = *temp + 273.15;
      rx.pd_bandwidth_hz = *pdbw;
      rx.tia_bandwidth_hz = *tiabw;
      rx.pd_bandwidth_ratio = *pd_ratio;
      rx.tia_bandwidth_ratio = *tia_ratio;
      rx.tia_q = *tia_q;
      rx.transimpedance_ohm = *zt;
      rx.power_w = *pw;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }

  ch.finish();
  if (!ok || !ctx.ok()) return;
  out.emplace(OpticalParts{laser, mod, std::move(path), rx, &ch.input(), ch.path(), out_ratio, out_ratio_key});
}

void build_optical(Context& ctx, const OpticalParts& p, std::optional<double> symbol_rate_baud,
                   std::optional<channels::OpticalLink>& out) {
  channels::Receiver rx = p.receiver;
  if (rx.follows_rate()) {
    if (!symbol_rate_baud) {
      std::ostringstream v;
      v << (rx.pd_bandwidth_ratio > 0.0 ? rx.pd_bandwidth_ratio : rx.tia_bandwidth_ratio);
      ctx.error(p.ratio, p.ratio_key, v.str(),
                "a receiver bandwidth that follows the rate needs the rate it multiplies: add a [signal] section "
                "with rate, or give the bandwidth in Hz (fixed hardware)");
      return;
    }
    if (rx.pd_bandwidth_ratio > 0.0) rx.pd_bandwidth_hz = rx.pd_bandwidth_ratio * *symbol_rate_baud;
    if (rx.tia_bandwidth_ratio > 0.0) rx.tia_bandwidth_hz = rx.tia_bandwidth_ratio * *symbol_rate_baud;
  }
  try {
    out.emplace(p.laser, p.modulator, p.path, rx);
  } catch (const std::invalid_argument& e) {
    ctx.error(p.table, p.table_path, "", std::string("cannot build this optical link: ") + e.what());
  }
}

}  // namespace phylane::io::detail
