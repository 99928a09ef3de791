#include "io/loss_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "io/version.hpp"
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

}  // namespace

void write_loss_json(std::ostream& os, const Config& cfg, const solvers::LossAnalysis& a) {
  using phy::units::inch;
  JsonWriter j(os);
  j.begin_object();
  j.field("phylane_version", phylane_version());
  j.field("command", "loss");
  j.field("config", cfg.source);
  j.field("name", cfg.title);
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
  const std::size_t n = sw.freq_hz.size();
  h.dataset("/frequency_hz", sw.freq_hz, "Hz", "frequency grid");
  std::vector<double> il(n), cond(n), rough(n), diel(n), blk(n), mism(n);
  for (std::size_t k = 0; k < n; ++k) {
    il[k] = sw.loss[k].total_db;
    cond[k] = sw.loss[k].conductor_db;
    rough[k] = sw.loss[k].roughness_db;
    diel[k] = sw.loss[k].dielectric_db;
    blk[k] = sw.loss[k].blocks_db;
    mism[k] = sw.loss[k].mismatch_db;
  }
  h.dataset("/insertion_loss_db", il, "dB", "insertion loss -20 log10|S21| (SDD21 for differential)");
  h.dataset("/breakdown/conductor_db", cond, "dB", "smooth-conductor attenuation summed over segments");
  h.dataset("/breakdown/roughness_db", rough, "dB", "excess attenuation from surface roughness");
  h.dataset("/breakdown/dielectric_db", diel, "dB", "dielectric attenuation");
  h.dataset("/breakdown/blocks_db", blk, "dB", "matched insertion loss of Touchstone and element blocks");
  h.dataset("/breakdown/mismatch_db", mism, "dB", "insertion loss minus matched attenuation (reflections)");
  h.dataset_complex("/s21", sw.s21, "1", "transmission, referenced to the terminations");
  if (!sw.s11.empty()) h.dataset_complex("/s11", sw.s11, "1", "reflection at the driver");
  if (!sw.s22.empty()) h.dataset_complex("/s22", sw.s22, "1", "reflection at the receiver");

  h.dataset("/report/frequency_hz", a.report_freqs_hz, "Hz", "named report frequencies");
  std::vector<double> r_il, r_c, r_r, r_d, r_m;
  for (const auto& b : a.at_report) {
    r_il.push_back(b.total_db);
    r_c.push_back(b.conductor_db);
    r_r.push_back(b.roughness_db);
    r_d.push_back(b.dielectric_db);
    r_m.push_back(b.mismatch_db);
  }
  h.dataset("/report/insertion_loss_db", r_il, "dB");
  h.dataset("/report/conductor_db", r_c, "dB");
  h.dataset("/report/roughness_db", r_r, "dB");
  h.dataset("/report/dielectric_db", r_d, "dB");
  h.dataset("/report/mismatch_db", r_m, "dB");

  const auto infos = channels::trace_infos(cfg);
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    char grp[32];
    std::snprintf(grp, sizeof grp, "/segments/%02zu", i);
    const std::string g(grp);
    const auto& s = a.segments[i];
    std::vector<double> z(1, s.length_m);
    h.dataset(g + "/length_m", z, "m");
    std::vector<double> imp, loss, lc, lr, ld;
    for (const auto& x : s.at) {
      imp.push_back(x.impedance_ohm);
      loss.push_back(x.loss_db_per_m);
      lc.push_back(x.conductor_db_per_m);
      lr.push_back(x.roughness_db_per_m);
      ld.push_back(x.dielectric_db_per_m);
    }
    h.dataset(g + "/report_impedance_ohm", imp, "ohm", "Re Z0 at the report frequencies");
    h.dataset(g + "/report_loss_db_per_m", loss, "dB/m");
    h.dataset(g + "/report_conductor_db_per_m", lc, "dB/m");
    h.dataset(g + "/report_roughness_db_per_m", lr, "dB/m");
    h.dataset(g + "/report_dielectric_db_per_m", ld, "dB/m");
    if (i < a.line_points.size()) {
      const auto& pts = a.line_points[i];
      std::vector<double> R, L, G, C, alpha, beta, zre, zim;
      for (const auto& p : pts) {
        R.push_back(p.r_ohm_per_m());
        L.push_back(p.l_h_per_m());
        G.push_back(p.g_s_per_m());
        C.push_back(p.c_f_per_m());
        alpha.push_back(p.gamma.real());
        beta.push_back(p.gamma.imag());
        zre.push_back(p.z0.real());
        zim.push_back(p.z0.imag());
      }
      h.dataset(g + "/r_ohm_per_m", R, "ohm/m", "series resistance per length on /frequency_hz");
      h.dataset(g + "/l_h_per_m", L, "H/m", "series inductance per length");
      h.dataset(g + "/g_s_per_m", G, "S/m", "shunt conductance per length");
      h.dataset(g + "/c_f_per_m", C, "F/m", "shunt capacitance per length");
      h.dataset(g + "/alpha_np_per_m", alpha, "Np/m", "attenuation constant");
      h.dataset(g + "/beta_rad_per_m", beta, "rad/m", "phase constant");
      h.dataset(g + "/z0_real_ohm", zre, "ohm", "characteristic impedance, real part");
      h.dataset(g + "/z0_imag_ohm", zim, "ohm", "characteristic impedance, imaginary part");
    }
    h.attribute(g, "name", s.name);
    h.attribute(g, "geometry", s.geometry);
    h.attribute(g, "material", infos[i].material);
    h.attribute(g, "foil", infos[i].foil);
    h.attribute(g, "field_solver", infos[i].field_solver);
  }
  h.attribute("/", "phylane_version", phylane_version());
  h.attribute("/", "command", "loss");
  h.attribute("/", "source", cfg.source);
  h.attribute("/", "mode", mode_name(cfg));
  h.attribute("/", "config", cfg.stored_toml);
  h.attribute("/", "config_resolved", cfg.resolved_toml);
  h.attribute("/", "driver_impedance_ohm", driver_ohm(cfg));
  h.attribute("/", "receiver_impedance_ohm", receiver_ohm(cfg));
  h.commit();
}

void write_budget_json(std::ostream& os, const Config& cfg) {
  const auto& link = *cfg.optical();
  JsonWriter j(os);
  j.begin_object();
  j.field("phylane_version", phylane_version());
  j.field("command", "loss");
  j.field("config", cfg.source);
  j.field("name", cfg.title);
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
  h.attribute("/", "phylane_version", phylane_version());
  h.attribute("/", "command", "loss");
  h.attribute("/", "kind", "optical");
  h.attribute("/", "source", cfg.source);
  h.attribute("/", "config", cfg.stored_toml);
  h.attribute("/", "config_resolved", cfg.resolved_toml);
  h.attribute("/", "received_average_power_dbm", phy::units::watts_to_dbm(link.received_average_power_w()));
  h.attribute("/", "received_oma_dbm", phy::units::watts_to_dbm(link.received_oma_w()));
  h.attribute("/", "path_loss_db", link.path_loss_db());
  h.commit();
}

}  // namespace phylane::io
