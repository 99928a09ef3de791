#include "io/fit_output.hpp"

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "phy/units.hpp"

namespace phylane::io {

void write_fit_json(std::ostream& os, const std::vector<std::string>& files, const std::vector<double>& lengths_m,
                    const workflows::LengthFit& f) {
  JsonWriter j(os);
  detail::begin_command_json(j, "fit");
  j.key("files").begin_array();
  for (const auto& s : files) j.value(s);
  j.end_array();
  j.array("lengths_m", lengths_m);
  j.field("quantity", f.quantity);
  j.field("delay_s_per_m", f.delay_s_per_m);
  j.field("eps_eff", f.eps_eff);
  j.array("delay_s", f.delay_s);
  j.array("freq_hz", f.freq_hz);
  j.array("loss_db_per_m", f.loss_db_per_m);
  std::vector<double> per_in(f.loss_db_per_m.size());
  for (std::size_t k = 0; k < per_in.size(); ++k) per_in[k] = f.loss_db_per_m[k] * phy::units::inch;
  j.array("loss_db_per_in", per_in);
  j.array("uncertainty_db_per_m", f.uncertainty_db_per_m);
  j.array("launch_db", f.launch_db);
  j.end_object();
  j.done();
}

void write_fit_hdf5(const std::filesystem::path& file, const std::vector<std::string>& files,
                    const std::vector<double>& lengths_m, const workflows::LengthFit& f) {
  Hdf5Writer h(file);
  h.dataset("/frequency_hz", f.freq_hz, "Hz", "the files' common grid");
  h.dataset("/loss_db_per_m", f.loss_db_per_m, "dB/m", "per-length insertion loss (" + f.quantity + "), launches removed");
  h.dataset("/uncertainty_db_per_m", f.uncertainty_db_per_m, "dB/m", "standard error of the slope (0 for two lengths)");
  h.dataset("/launch_db", f.launch_db, "dB", "intercept: insertion loss of the two launches");
  h.dataset("/lengths_m", lengths_m, "m", "the lengths, in the order of the files");
  h.dataset("/delay_s", f.delay_s, "s", "each file's thru delay");
  h.strings("/files", files, "the measured files");
  detail::command_attributes(h, "fit");
  h.attribute("/", "quantity", f.quantity);
  h.attribute("/", "delay_s_per_m", f.delay_s_per_m);
  h.attribute("/", "eps_eff", f.eps_eff);
  h.commit();
}

}  // namespace phylane::io
