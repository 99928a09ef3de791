#include "io/loss_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "phy/units.hpp"

namespace phylane::io {

namespace {

std::string mode_name(const Config& cfg) {
  if (cfg.copper()) return std::string(phy::to_string(cfg.copper()->mode()));
  if (cfg.composed()) return cfg.composed()->differential() ? "differential" : "single-ended";
  return "";
}

double driver_ohm(const Config& cfg) { return cfg.copper() ? cfg.copper()->driver_ohm() : cfg.composed()->driver_ohm(); }
double receiver_ohm(const Config& cfg) { return cfg.copper() ? cfg.copper()->receiver_ohm() : cfg.composed()->receiver_ohm(); }

bool differential(const Config& cfg) {
  return cfg.copper() ? cfg.copper()->mode() == phy::LineMode::differential : cfg.composed()->differential();
}

}  // namespace

void port_figures_json(JsonWriter& j, const channels::PortFigures& p, bool differential) {
  j.field(differential ? "sdd11_db" : "s11_db", p.s11_db);
  j.field(differential ? "sdd22_db" : "s22_db", p.s22_db);
  if (p.mixed_mode) {
    j.field("scd21_db", p.scd21_db);
    j.field("sdc21_db", p.sdc21_db);
  }
}

void write_loss_json(std::ostream& os, const Config& cfg, const solvers::LossAnalysis& a) {
  using phy::units::inch;
  JsonWriter j(os);
  detail::begin_config_json(j, "loss", cfg);
  j.field("mode", mode_name(cfg));
  j.field("driver_impedance_ohm", driver_ohm(cfg));
  j.field("receiver_impedance_ohm", receiver_ohm(cfg));
  j.field("total_length_m", a.total_length_m);
  j.field("total_length_in", a.total_length_m / inch);
  j.field("total_delay_s", a.total_delay_s);
  j.field("dc_resistance_ohm", a.dc_resistance_ohm);
  j.key("at_frequencies").begin_array();
  for (std::size_t k = 0; k < a.report_freqs_hz.size(); ++k) {
    const auto& b = a.at_report[k];
    j.begin_object();
    j.field("freq_hz", a.report_freqs_hz[k]);
    j.field("insertion_loss_db", b.total_db);
    j.field("conductor_db", b.conductor_db);
    j.field("roughness_db", b.roughness_db);
    j.field("dielectric_db", b.dielectric_db);
    j.field("blocks_db", b.blocks_db);
    j.field("mismatch_db", b.mismatch_db);
    j.field("s21_phase_rad", std::arg(a.s21_at_report[k]));
    port_figures_json(j, a.ports_at_report[k], differential(cfg));
    j.end_object();
  }
  j.end_array();
  j.key("blocks").begin_array();
  for (std::size_t i = 0; i < a.block_names.size(); ++i) {
    j.begin_object().field("name", a.block_names[i]);
    j.key("at_frequencies").begin_array();
    for (std::size_t k = 0; k < a.report_freqs_hz.size(); ++k)
      j.begin_object().field("freq_hz", a.report_freqs_hz[k]).field("insertion_loss_db", a.block_loss_db_at_report[i][k]).end_object();
    j.end_array().end_object();
  }
  j.end_array();
  j.key("crosstalk").begin_array();
  for (const auto& x : a.crosstalk) {
    j.begin_object().field("name", x.name);
    j.key("at_frequencies").begin_array();
    for (std::size_t k = 0; k < a.report_freqs_hz.size(); ++k)
      j.begin_object().field("freq_hz", a.report_freqs_hz[k]).field("coupling_db", x.db[k]).end_object();
    j.end_array().end_object();
  }
  j.end_array();
  const auto infos = channels::trace_infos(cfg);
  j.key("segments").begin_array();
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    const auto& s = a.segments[i];
    const auto& info = infos[i];
    j.begin_object();
    j.field("name", s.name);
    j.field("geometry", s.geometry);
    j.field("material", info.material);
    j.field("material_name", info.material_name);
    j.field("foil", info.foil);
    j.field("roughness_model", info.roughness_model);
    j.field("field_solver", info.field_solver);
    j.field("length_m", s.length_m);
    j.field("length_in", s.length_m / inch);
    j.field("delay_s_per_m", s.delay_s_per_m);
    j.field("delay_s_per_in", s.delay_s_per_m * inch);
    j.field("dc_resistance_ohm_per_m", s.dc_resistance_ohm_per_m);
    j.key("at_frequencies").begin_array();
    for (const auto& x : s.at) {
      j.begin_object();
      j.field("freq_hz", x.freq_hz);
      j.field("impedance_ohm", x.impedance_ohm);
      j.field("loss_db_per_m", x.loss_db_per_m);
      j.field("loss_db_per_in", x.loss_db_per_m * inch);
      j.field("conductor_db_per_in", x.conductor_db_per_m * inch);
      j.field("roughness_db_per_in", x.roughness_db_per_m * inch);
      j.field("dielectric_db_per_in", x.dielectric_db_per_m * inch);
      j.field("dk", x.dk);
      j.field("df", x.df);
      j.field("eps_eff", x.eps_eff);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.done();
}

void write_loss_hdf5(const std::filesystem::path& file, const Config& cfg,
                     const solvers::LossAnalysis& a) {
  Hdf5Writer h(file);
  const auto& sw = a.sweep;
  using Loss = channels::LossBreakdown;
  h.dataset("/frequency_hz", sw.freq_hz, "Hz", "frequency grid");
  h.columns<Loss>("", sw.loss,
                  {{"insertion_loss_db", "dB", "insertion loss -20 log10|S21| (SDD21 for differential)",
                    [](const Loss& b) { return b.total_db; }}});
  h.columns<Loss>(
      "/breakdown", sw.loss,
      {{"conductor_db", "dB", "smooth-conductor attenuation summed over segments", [](const Loss& b) { return b.conductor_db; }},
       {"roughness_db", "dB", "excess attenuation from surface roughness", [](const Loss& b) { return b.roughness_db; }},
       {"dielectric_db", "dB", "dielectric attenuation", [](const Loss& b) { return b.dielectric_db; }},
       {"blocks_db", "dB", "matched insertion loss of Touchstone and element blocks", [](const Loss& b) { return b.blocks_db; }},
       {"mismatch_db", "dB", "insertion loss minus matched attenuation (reflections)", [](const Loss& b) { return b.mismatch_db; }}});
  h.dataset_complex("/s21", sw.s21, "1", "transmission, referenced to the terminations");
  if (!sw.s11.empty()) h.dataset_complex("/s11", sw.s11, "1", "reflection at the driver (SDD11 for differential)");
  if (!sw.s22.empty()) h.dataset_complex("/s22", sw.s22, "1", "reflection at the receiver (SDD22 for differential)");
  if (!a.scd21.empty()) h.dataset_complex("/scd21", a.scd21, "1", "mode conversion: common out at side 2, differential in at side 1");
  if (!a.sdc21.empty()) h.dataset_complex("/sdc21", a.sdc21, "1", "mode conversion: differential out at side 2, common in at side 1");

  h.dataset("/report/frequency_hz", a.report_freqs_hz, "Hz", "named report frequencies");
  h.columns<Loss>("/report", a.at_report,
                  {{"insertion_loss_db", "dB", "", [](const Loss& b) { return b.total_db; }},
                   {"conductor_db", "dB", "", [](const Loss& b) { return b.conductor_db; }},
                   {"roughness_db", "dB", "", [](const Loss& b) { return b.roughness_db; }},
                   {"dielectric_db", "dB", "", [](const Loss& b) { return b.dielectric_db; }},
                   {"mismatch_db", "dB", "", [](const Loss& b) { return b.mismatch_db; }}});
  {
    using P = channels::PortFigures;
    const bool d = differential(cfg);
    h.columns<P>("/report", a.ports_at_report,
                 {{d ? "sdd11_db" : "s11_db", "dB", "20 log10 |S11| (return loss is its negative)", [](const P& p) { return p.s11_db; }},
                  {d ? "sdd22_db" : "s22_db", "dB", "20 log10 |S22|", [](const P& p) { return p.s22_db; }}});
    if (d && cfg.composed() && !cfg.copper())
      h.columns<P>("/report", a.ports_at_report,
                   {{"scd21_db", "dB", "20 log10 |SCD21|", [](const P& p) { return p.scd21_db; }},
                    {"sdc21_db", "dB", "20 log10 |SDC21|", [](const P& p) { return p.sdc21_db; }}});
  }

  for (std::size_t i = 0; i < a.crosstalk.size(); ++i) {
    char grp[32];
    std::snprintf(grp, sizeof grp, "/crosstalk/%02zu", i);
    h.dataset(std::string(grp) + "/coupling_db", a.crosstalk[i].db, "dB",
              "20 log10 |H| of the aggressor's path to the victim's receiver at /report/frequency_hz");
    h.attribute(grp, "name", a.crosstalk[i].name);
  }
  const auto infos = channels::trace_infos(cfg);
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    char grp[32];
    std::snprintf(grp, sizeof grp, "/segments/%02zu", i);
    const std::string g(grp);
    const auto& s = a.segments[i];
    std::vector<double> z(1, s.length_m);
    h.dataset(g + "/length_m", z, "m");
    using At = solvers::SegmentAtFrequency;
    h.columns<At>(g, s.at,
                  {{"report_impedance_ohm", "ohm", "Re Z0 at the report frequencies", [](const At& x) { return x.impedance_ohm; }},
                   {"report_loss_db_per_m", "dB/m", "", [](const At& x) { return x.loss_db_per_m; }},
                   {"report_conductor_db_per_m", "dB/m", "", [](const At& x) { return x.conductor_db_per_m; }},
                   {"report_roughness_db_per_m", "dB/m", "", [](const At& x) { return x.roughness_db_per_m; }},
                   {"report_dielectric_db_per_m", "dB/m", "", [](const At& x) { return x.dielectric_db_per_m; }}});
    if (i < a.line_points.size()) {
      using P = phy::LinePoint;
      h.columns<P>(g, a.line_points[i],
                   {{"r_ohm_per_m", "ohm/m", "series resistance per length on /frequency_hz", [](const P& p) { return p.r_ohm_per_m(); }},
                    {"l_h_per_m", "H/m", "series inductance per length", [](const P& p) { return p.l_h_per_m(); }},
                    {"g_s_per_m", "S/m", "shunt conductance per length", [](const P& p) { return p.g_s_per_m(); }},
                    {"c_f_per_m", "F/m", "shunt capacitance per length", [](const P& p) { return p.c_f_per_m(); }},
                    {"alpha_np_per_m", "Np/m", "attenuation constant", [](const P& p) { return p.gamma.real(); }},
                    {"beta_rad_per_m", "rad/m", "phase constant", [](const P& p) { return p.gamma.imag(); }},
                    {"z0_real_ohm", "ohm", "characteristic impedance, real part", [](const P& p) { return p.z0.real(); }},
                    {"z0_imag_ohm", "ohm", "characteristic impedance, imaginary part", [](const P& p) { return p.z0.imag(); }}});
    }
    h.attribute(g, "name", s.name);
    h.attribute(g, "geometry", s.geometry);
    h.attribute(g, "material", infos[i].material);
    h.attribute(g, "foil", infos[i].foil);
    h.attribute(g, "field_solver", infos[i].field_solver);
  }
  detail::config_attributes(h, "loss", cfg);
  h.attribute("/", "mode", mode_name(cfg));
  h.attribute("/", "driver_impedance_ohm", driver_ohm(cfg));
  h.attribute("/", "receiver_impedance_ohm", receiver_ohm(cfg));
  h.commit();
}

void write_budget_json(std::ostream& os, const Config& cfg) {
  const auto& link = *cfg.optical();
  JsonWriter j(os);
  detail::begin_config_json(j, "loss", cfg);
  j.field("kind", "optical");
  j.field("wavelength_m", link.laser().wavelength_m);
  j.field("wdm_channels", cfg.optical_info.wdm_channels);
  j.field("wdm_spacing_hz", cfg.optical_info.wdm_spacing_hz);
  j.field("laser_power_dbm", phy::units::watts_to_dbm(link.laser().power_w));
  j.field("launch_average_power_dbm", phy::units::watts_to_dbm(link.launch_average_power_w()));
  j.field("path_loss_db", link.path_loss_db());
  j.field("received_average_power_dbm", phy::units::watts_to_dbm(link.received_average_power_w()));
  j.field("received_oma_dbm", phy::units::watts_to_dbm(link.received_oma_w()));
  j.field("extinction_ratio_db", link.modulator().extinction_ratio_db);
  j.field("receiver_noise_bandwidth_hz", link.receiver_noise_bandwidth_hz());
  j.field("electrical_power_w", link.electrical_power_w());
  j.key("budget").begin_array();
  for (const auto& b : link.budget())
    j.begin_object().field("element", b.element).field("detail", b.detail).field("loss_db", b.loss_db)
        .field("power_dbm", b.power_dbm).end_object();
  j.end_array();
  j.end_object();
  j.done();
}

void write_budget_hdf5(const std::filesystem::path& file, const Config& cfg) {
  const auto& link = *cfg.optical();
  Hdf5Writer h(file);
  std::vector<std::string> names, details;
  std::vector<double> loss, power;
  for (const auto& b : link.budget()) {
    names.push_back(b.element);
    details.push_back(b.detail);
    loss.push_back(b.loss_db);
    power.push_back(b.power_dbm);
  }
  h.strings("/budget/element", names, "element names in order from the laser");
  h.strings("/budget/detail", details, "how each loss was computed");
  h.dataset("/budget/loss_db", loss, "dB", "loss of each element");
  h.dataset("/budget/power_dbm", power, "dBm", "average optical power after each element");
  // Electrical-equivalent response on a grid to 2x the receiver bandwidth.
  const double fmax = 2.0 * std::max(link.receiver().tia_bandwidth_hz, link.modulator().bandwidth_hz);
  std::vector<double> f(400), mag(400);
  std::vector<std::complex<double>> hs(400);
  for (std::size_t k = 0; k < f.size(); ++k) {
    f[k] = fmax * static_cast<double>(k) / 399.0;
    hs[k] = link.response(f[k]);
    mag[k] = phy::units::amplitude_ratio_to_db(std::max(std::abs(hs[k]), 1e-300));
  }
  h.dataset("/response/frequency_hz", f, "Hz");
  h.dataset_complex("/response/h", hs, "1", "electrical-equivalent response, 1 at DC");
  h.dataset("/response/magnitude_db", mag, "dB");
  detail::config_attributes(h, "loss", cfg);
  h.attribute("/", "kind", "optical");
  h.attribute("/", "received_average_power_dbm", phy::units::watts_to_dbm(link.received_average_power_w()));
  h.attribute("/", "received_oma_dbm", phy::units::watts_to_dbm(link.received_oma_w()));
  h.attribute("/", "path_loss_db", link.path_loss_db());
  h.commit();
}

}  // namespace phylane::io
