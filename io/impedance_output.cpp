#include "io/impedance_output.hpp"

#include <string>

#include "io/detail/command_output.hpp"
#include "io/json_writer.hpp"
#include "phy/units.hpp"

namespace phylane::io {

namespace {
const char* z_field(phy::LineMode m) {
  return m == phy::LineMode::differential ? "zdiff_ohm" : m == phy::LineMode::common ? "zcm_ohm" : "z0_ohm";
}
}  // namespace

void write_impedance_json(std::ostream& os, const Config& cfg, std::size_t segment, const workflows::ImpedanceAnswer& a) {
  using phy::units::inch;
  JsonWriter j(os);
  detail::begin_config_json(j, "impedance", cfg);
  j.field("segment", segment);
  j.field("segment_name", a.segment_name);
  j.field("geometry", a.geometry);
  j.field("mode", std::string(phy::to_string(a.mode)));
  j.field("solved", std::string(phy::to_string(a.solved)));
  j.field(std::string(phy::to_string(a.solved)) + "_m", a.solved_m);
  j.field("original_m", a.original_m);
  j.field("target_ohm", a.target_ohm);
  j.field(z_field(a.mode), a.impedance_ohm);
  j.field("original_impedance_ohm", a.original_impedance_ohm);
  j.field("impedance_freq_hz", a.impedance_freq_hz);
  j.field("delay_s_per_m", a.delay_s_per_m);
  j.field("delay_s_per_in", a.delay_s_per_m * inch);
  j.key("loss").begin_array();
  for (std::size_t k = 0; k < a.freqs_hz.size(); ++k)
    j.begin_object().field("freq_hz", a.freqs_hz[k]).field("loss_db_per_m", a.loss_db_per_m[k])
        .field("loss_db_per_in", a.loss_db_per_m[k] * inch).end_object();
  j.end_array();
  j.field("searched_min_m", a.searched_min_m);
  j.field("searched_max_m", a.searched_max_m);
  j.field("evaluations", a.evaluations);
  j.end_object();
  j.done();
}

}  // namespace phylane::io
