#include "io/fit_output.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "io/detail/command_output.hpp"
#include "io/diagnostics.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"
#include "phy/units.hpp"

namespace phylane::io {

namespace {

// A per-metre array as per inch (the JSON gives both).
std::vector<double> per_inch(const std::vector<double>& per_m) {
  std::vector<double> out(per_m.size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = per_m[k] * phy::units::inch;
  return out;
}

void material_json(JsonWriter& j, const workflows::MaterialFit& m) {
  j.key("material").begin_object();
  j.field("converged", m.converged);
  j.field("reason", m.reason);
  j.field("iterations", m.iterations);
  j.field("segment", m.segment_name);
  j.field("geometry", m.geometry);
  j.field("reference_hz", m.reference_hz);
  j.field("dk", m.dk);
  j.field("df", m.df);
  j.field("roughness_model", std::string(phy::to_string(m.roughness.model)));
  j.key("parameters").begin_array();
  for (const auto& p : m.parameters) {
    j.begin_object();
    j.field("name", p.name);
    j.field("unit", p.unit);
    j.field("value", p.value);
    j.field("uncertainty", p.uncertainty);
    j.field("initial", p.initial);
    j.end_object();
  }
  j.end_array();
  j.field("measured_delay_s_per_m", m.measured_delay_s_per_m);
  j.field("model_delay_s_per_m", m.model_delay_s_per_m);
  j.field("max_relative_error", m.max_relative_error);
  j.field("max_relative_error_freq_hz", m.max_relative_error_freq_hz);
  j.field("rms_relative_error", m.rms_relative_error);
  j.field("basis", m.basis);
  j.field("uncertainty_inflation", m.uncertainty_inflation);
  j.field("ill_conditioned_points", static_cast<std::int64_t>(m.ill_conditioned_points));
  j.field("difference_max_relative_error", m.difference_max_relative_error);
  j.field("difference_max_relative_error_freq_hz", m.difference_max_relative_error_freq_hz);
  j.field("difference_rms_relative_error", m.difference_rms_relative_error);
  j.array("freq_hz", m.freq_hz);
  j.array("measured_db_per_m", m.measured_db_per_m);
  j.array("model_db_per_m", m.model_db_per_m);
  j.array("residual_db_per_m", m.residual_db_per_m);
  j.array("residual_db_per_in", per_inch(m.residual_db_per_m));
  j.end_object();
}

std::string quoted(const std::string& s) { return "\"" + JsonWriter::escape(s) + "\""; }

// The fitted foil's keys, in the units of data/materials/foils.toml.
std::vector<std::pair<std::string, std::string>> foil_keys(const phy::Roughness& r) {
  std::vector<std::pair<std::string, std::string>> k;
  k.emplace_back("model", quoted(std::string(phy::to_string(r.model))));
  if (r.model == phy::RoughnessModel::hammerstad || r.model == phy::RoughnessModel::groisse)
    k.emplace_back("rq", quoted(fmt::format("{:.5g} um", r.rms_m / phy::units::um)));
  if (r.model == phy::RoughnessModel::huray) {
    k.emplace_back("nodule_radius", quoted(fmt::format("{:.5g} um", r.nodule_radius_m / phy::units::um)));
    k.emplace_back("surface_ratio", fmt::format("{:.5g}", r.surface_ratio));
  }
  return k;
}

std::string note_text(const workflows::MaterialFit& f) {
  std::string n = "Fitted by phylane fit (Levenberg-Marquardt";
  n += f.converged ? ", converged" : ", NOT converged: " + f.reason;
  n += "). One standard deviation:";
  for (const auto& p : f.parameters)
    n += fmt::format(" {} {:.4g}{} +/- {:.2g}{};", p.name, p.unit == "m" ? p.value / phy::units::um : p.value,
                     p.unit == "m" ? " um" : "", p.unit == "m" ? p.uncertainty / phy::units::um : p.uncertainty,
                     p.unit == "m" ? " um" : "");
  n += fmt::format(" loss per length reproduced within {:.2f} % (max, at {:.3g} GHz), {:.2f} % rms, {:.3g} ... {:.3g} GHz.",
                   100.0 * f.max_relative_error, f.max_relative_error_freq_hz / 1e9, 100.0 * f.rms_relative_error,
                   f.freq_hz.front() / 1e9, f.freq_hz.back() / 1e9);
  n += " The foil stands for the strip and the planes together (one equivalent roughness).";
  return n;
}

}  // namespace

void write_fit_json(std::ostream& os, const std::vector<std::string>& files, const std::vector<double>& lengths_m,
                    const workflows::LengthFit& f, const workflows::MaterialFit* material) {
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
  j.array("loss_db_per_in", per_inch(f.loss_db_per_m));
  j.array("uncertainty_db_per_m", f.uncertainty_db_per_m);
  j.array("launch_db", f.launch_db);
  if (!f.line_loss_db_per_m.empty()) {
    j.array("line_loss_db_per_m", f.line_loss_db_per_m);
    j.array("line_loss_db_per_in", per_inch(f.line_loss_db_per_m));
    j.array("line_uncertainty_db_per_m", f.line_uncertainty_db_per_m);
    j.array("line_conditioning", f.line_conditioning);
  }
  if (material) material_json(j, *material);
  j.end_object();
  j.done();
}

void write_fit_hdf5(const std::filesystem::path& file, const std::vector<std::string>& files,
                    const std::vector<double>& lengths_m, const workflows::LengthFit& f,
                    const workflows::MaterialFit* material) {
  Hdf5Writer h(file);
  h.dataset("/frequency_hz", f.freq_hz, "Hz", "the files' common grid");
  h.dataset("/loss_db_per_m", f.loss_db_per_m, "dB/m", "per-length insertion loss (" + f.quantity + "), launches removed");
  h.dataset("/uncertainty_db_per_m", f.uncertainty_db_per_m, "dB/m", "standard error of the slope (0 for two lengths)");
  h.dataset("/launch_db", f.launch_db, "dB", "intercept: insertion loss of the two launches");
  if (!f.line_loss_db_per_m.empty()) {
    h.dataset("/line_loss_db_per_m", f.line_loss_db_per_m, "dB/m",
              "the line's attenuation from the eigenvalues of T_long T_short^-1 (line-line)");
    h.dataset("/line_uncertainty_db_per_m", f.line_uncertainty_db_per_m, "dB/m",
              "standard error of the line-line attenuation (0 for two lengths)");
    h.dataset("/line_conditioning", f.line_conditioning, "1", "|sinh(gamma dL)| of the best-conditioned pair");
  }
  h.dataset("/lengths_m", lengths_m, "m", "the lengths, in the order of the files");
  h.dataset("/delay_s", f.delay_s, "s", "each file's thru delay");
  h.strings("/files", files, "the measured files");
  detail::command_attributes(h, "fit");
  h.attribute("/", "quantity", f.quantity);
  h.attribute("/", "delay_s_per_m", f.delay_s_per_m);
  h.attribute("/", "eps_eff", f.eps_eff);
  if (material) {
    const auto& m = *material;
    h.dataset("/material/frequency_hz", m.freq_hz, "Hz", "the fit band");
    h.dataset("/material/measured_db_per_m", m.measured_db_per_m, "dB/m", "measured per-length loss in the fit band");
    h.dataset("/material/model_db_per_m", m.model_db_per_m, "dB/m", "attenuation of the fitted line");
    h.dataset("/material/residual_db_per_m", m.residual_db_per_m, "dB/m", "model - measured");
    h.attribute("/material", "converged", static_cast<std::int64_t>(m.converged ? 1 : 0));
    h.attribute("/material", "reason", m.reason);
    h.attribute("/material", "basis", m.basis);
    h.attribute("/material", "uncertainty_inflation", m.uncertainty_inflation);
    h.attribute("/material", "ill_conditioned_points", static_cast<std::int64_t>(m.ill_conditioned_points));
    h.attribute("/material", "difference_max_relative_error", m.difference_max_relative_error);
    h.attribute("/material", "difference_rms_relative_error", m.difference_rms_relative_error);
    h.attribute("/material", "reference_hz", m.reference_hz);
    h.attribute("/material", "roughness_model", std::string(phy::to_string(m.roughness.model)));
    h.attribute("/material", "max_relative_error", m.max_relative_error);
    h.attribute("/material", "rms_relative_error", m.rms_relative_error);
    for (const auto& p : m.parameters) {
      h.attribute("/material", p.name, p.value);
      h.attribute("/material", p.name + "_uncertainty", p.uncertainty);
    }
  }
  h.commit();
}

std::string fitted_material_toml(const workflows::MaterialFit& f, const std::string& id, const std::string& provenance) {
  std::ostringstream t;
  t << "# Laminate and copper foil fitted by `phylane fit` (docs/fit.md). Use them in a config that\n"
    << "# holds these tables: material = \"" << id << "\" and foil = \"" << id << "\" in the segment.\n";
  t << "[materials." << id << "]\n";
  t << "name = " << quoted("fitted: " + provenance) << "\n";
  t << fmt::format("dk = {:.5g}\ndf = {:.5g}\nat = \"{:g} GHz\"\n", f.dk, f.df, f.reference_hz / 1e9);
  t << "source = " << quoted(provenance) << "\n";
  t << "note = " << quoted(note_text(f)) << "\n\n";
  t << "[foils." << id << "]\n";
  t << "name = " << quoted("fitted: " + provenance) << "\n";
  for (const auto& [k, v] : foil_keys(f.roughness)) t << k << " = " << v << "\n";
  t << "source = " << quoted(provenance) << "\n";
  t << "note = " << quoted(note_text(f)) << "\n";
  return t.str();
}

std::string config_with_fitted_material(const std::filesystem::path& config_file, std::size_t segment,
                                        const workflows::MaterialFit& f, const std::string& id,
                                        const std::string& provenance, const std::string& length) {
  toml::table root;
  try {
    root = toml::parse_file(config_file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: {}", config_file.string(), e.description()));
  }
  toml::array* segs = root["channel"]["segments"].as_array();
  toml::table* seg = nullptr;
  std::size_t traces = 0;
  if (segs)
    for (auto& s : *segs)
      if (auto* t = s.as_table(); t && t->contains("geometry") && traces++ == segment) seg = t;
  if (!seg)
    throw InputError(fmt::format("--write-config: {} has no trace segment {} in [[channel.segments]] to point at the fitted "
                                 "material", config_file.string(), segment + 1));
  for (const char* k : {"materials", "foils"})
    if (root[k][id])
      throw InputError(fmt::format("--material-id {}: {} already defines [{}.{}]; choose another id", id,
                                   config_file.string(), k, id));
  for (const char* k : {"dk", "df", "at", "roughness_model", "plane_foil"}) seg->erase(k);
  seg->insert_or_assign("material", id);
  seg->insert_or_assign("foil", id);
  if (!length.empty()) seg->insert_or_assign("length", length);
  // The tables follow as --write-material writes them (TOML lets [materials.ID] follow an existing
  // [materials] table), so both files carry the same text.
  std::ostringstream out;
  out << "# " << config_file.filename().string() << " with the laminate and foil fitted by `phylane fit` (" << provenance
      << ")\n";
  out << toml::toml_formatter{root} << "\n\n" << fitted_material_toml(f, id, provenance);
  return out.str();
}

}  // namespace phylane::io
