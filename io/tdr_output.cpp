#include "io/tdr_output.hpp"

#include <string>

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

void write_tdr_json(std::ostream& os, const Config& cfg, const workflows::TdrAnswer& a) {
  JsonWriter j(os);
  detail::begin_config_json(j, "tdr", cfg);
  j.field("mode", a.profile.mode);
  j.field("reference_impedance_ohm", a.profile.reference_ohm);
  j.field("rise_time_s", a.rise_time_s);
  j.field("edge", std::string(solvers::to_string(a.edge)));
  j.field("fastest_rise_time_s", a.fastest_rise_time_s);
  j.field("band_top_hz", a.band_top_hz);
  j.field("thru_delay_s", a.thru_delay_s);
  j.field("velocity_m_per_s", a.velocity_m_per_s);
  j.field("distance_basis", a.distance_basis);
  j.field("dt_s", a.dt_s);
  j.array("time_s", a.time_s);
  j.array("distance_m", a.distance_m);
  j.array("impedance_ohm", a.profile.impedance_ohm);
  j.array("rho", a.profile.rho);
  j.array("tdt", a.tdt);
  if (a.pulse_width_s > 0.0) {
    j.field("pulse_width_s", a.pulse_width_s);
    j.array("pulse_rho", a.profile.pulse_rho);
    j.array("pulse_tdt", a.pulse_tdt);
  } else {
    j.key("pulse_width_s").null();
  }
  if (a.common) {
    j.key("common_mode").begin_object();
    j.field("reference_impedance_ohm", a.common->reference_ohm);
    j.array("impedance_ohm", a.common->impedance_ohm);
    j.array("rho", a.common->rho);
    j.array("tdt", a.common_tdt);
    if (a.pulse_width_s > 0.0) {
      j.array("pulse_rho", a.common->pulse_rho);
      j.array("pulse_tdt", a.common_pulse_tdt);
    }
    j.end_object();
  } else {
    j.key("common_mode").null();
  }
  j.end_object();
  j.done();
}

void write_tdr_hdf5(const std::filesystem::path& file, const Config& cfg, const workflows::TdrAnswer& a) {
  Hdf5Writer h(file);
  h.dataset("/time_s", a.time_s, "s", "time after the incident edge's 50 % point at port 1");
  h.dataset("/distance_m", a.distance_m, "m", "one-way distance v t / 2 (velocity attribute of the root)");
  h.dataset("/impedance_ohm", a.profile.impedance_ohm, "ohm", "Z_ref (1 + rho) / (1 - rho), " + a.profile.mode);
  h.dataset("/rho", a.profile.rho, "1", "reflected step (S11 or SDD11)");
  h.dataset("/tdt", a.tdt, "1", "transmitted step (S21 or SDD21)");
  if (a.pulse_width_s > 0.0) {
    h.dataset("/pulse_rho", a.profile.pulse_rho, "1", "reflected pulse (S11 or SDD11), in units of the incident pulse");
    h.dataset("/pulse_tdt", a.pulse_tdt, "1", "transmitted pulse (S21 or SDD21), in units of the incident pulse");
    h.attribute("/", "pulse_width_s", a.pulse_width_s);
  }
  if (a.common) {
    h.dataset("/common_mode/impedance_ohm", a.common->impedance_ohm, "ohm", "common-mode impedance from SCC11");
    h.dataset("/common_mode/rho", a.common->rho, "1", "reflected common-mode step (SCC11)");
    h.dataset("/common_mode/tdt", a.common_tdt, "1", "transmitted common-mode step (SCC21)");
    if (a.pulse_width_s > 0.0) {
      h.dataset("/common_mode/pulse_rho", a.common->pulse_rho, "1", "reflected common-mode pulse (SCC11)");
      h.dataset("/common_mode/pulse_tdt", a.common_pulse_tdt, "1", "transmitted common-mode pulse (SCC21)");
    }
    h.attribute("/common_mode", "reference_impedance_ohm", a.common->reference_ohm);
  }
  detail::config_attributes(h, "tdr", cfg);
  h.attribute("/", "mode", a.profile.mode);
  h.attribute("/", "reference_impedance_ohm", a.profile.reference_ohm);
  h.attribute("/", "rise_time_s", a.rise_time_s);
  h.attribute("/", "edge", std::string(solvers::to_string(a.edge)));
  h.attribute("/", "thru_delay_s", a.thru_delay_s);
  h.attribute("/", "velocity_m_per_s", a.velocity_m_per_s);
  h.attribute("/", "distance_basis", a.distance_basis);
  h.commit();
}

}  // namespace phylane::io
