// phylane fit: per-length insertion loss and delay from two or more measured lengths (2L-1L), and
// with --cross-section the laminate and foil of a known cross-section fitted to them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/fit_output.hpp"
#include "io/text_file.hpp"
#include "io/quantity.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "phy/units.hpp"
#include "workflows/length_fit.hpp"
#include "workflows/material_fit.hpp"

namespace phylane::app {

CLI::App* register_fit(CLI::App& cli, FitArgs& args) {
  auto* c = cli.add_subcommand(
      "fit", "Per-length insertion loss and delay from measured lengths (launches removed); with --cross-section, the "
             "laminate's Dk/Df and the copper roughness fitted to them");
  c->add_option("files", args.files,
                "Touchstone files of the same structure at increasing lengths (one file with --cross-section)")
      ->required();
  c->add_option("--lengths", args.lengths, "Their lengths, comma separated, e.g. \"4 in,10 in\"")->required();
  c->add_option("--port-order", args.port_order, "4-port order: 12-34 or 13-24; default: the order each file's data show");
  c->add_option("--cross-section", args.cross_section,
                "Config whose trace segment gives the cross-section: fit its laminate (Dk, Df) and copper roughness");
  c->add_option("--segment", args.segment, "Trace segment of --cross-section, counted from 1 (default 1)");
  c->add_option("--reference", args.reference, "Frequency of the fitted Dk and Df (default 10 GHz)");
  c->add_option("--fit-from", args.fit_from, "Lowest frequency of the fit (default 1 GHz)");
  c->add_option("--fit-to", args.fit_to, "Highest frequency of the fit (default: the top of the data)");
  c->add_option("--roughness", args.roughness,
                "Roughness model to fit: none, hammerstad, huray, groisse (default: the segment's foil's)");
  c->add_option("--launch-loss", args.launch_loss,
                "One file only: loss of both launches together, taken as flat (default \"0 dB\")");
  c->add_option("--write-material", args.write_material, "Write the fitted [materials.ID] and [foils.ID] tables (TOML)");
  c->add_option("--write-config", args.write_config,
                "Write the --cross-section config with its segment using the fitted material and foil (TOML)");
  c->add_flag("--from-difference", args.from_difference,
              "Fit the plain 2L-1L insertion-loss difference instead of the line-line attenuation (launch reflections "
              "not cancelled)");
  c->add_option("--weighting", args.weighting,
                "Weight of the loss residuals: uniform (every frequency alike, default) or octave (every octave alike)");
  c->add_option("--config-length", args.config_length,
                "Length of the fitted segment in the --write-config file, e.g. \"30 in\" (default: the config's)");
  c->add_option("--material-id", args.material_id, "Id of the written material and foil (default \"fitted\")");
  add_output_flags(*c, args.json);
  c->add_option("-o,--output", args.output, "Write the result to an HDF5 file");
  return c;
}

namespace {

void print_material(const workflows::MaterialFit& m, const std::string& quantity) {
  using phy::units::inch;
  fmt::print("\nmaterial fit of segment \"{}\" ({}) to the per-length {}: {} after {} iterations ({})\n", m.segment_name,
             m.geometry, quantity, m.converged ? "converged" : "NOT converged", m.iterations, m.reason);
  fmt::print("  {:<16}{:>14}{:>14}{:>14}\n", "parameter", "fitted", "+/- 1 sigma", "start");
  for (const auto& p : m.parameters) {
    const double scale = p.unit == "m" ? 1e6 : 1.0;
    const std::string name = p.unit == "m" ? p.name + " [um]" : p.name;
    fmt::print("  {:<16}{:>14.5g}{:>14.2g}{:>14.5g}\n", name, p.value * scale, p.uncertainty * scale, p.initial * scale);
  }
  fmt::print("  Dk and Df at {:g} GHz (Djordjevic-Sarkar); roughness model {} on strip and planes\n", m.reference_hz / 1e9,
             phy::to_string(m.roughness.model));
  fmt::print("  uncertainties x {:.3g} for the residuals' correlation in frequency (docs/fit.md)\n", m.uncertainty_inflation);
  fmt::print("  delay {:.2f} ps/in measured, {:.2f} ps/in fitted line\n", m.measured_delay_s_per_m * inch * 1e12,
             m.model_delay_s_per_m * inch * 1e12);
  fmt::print("  {} loss per length reproduced within {:.2f} % (max, at {:.2f} GHz), {:.2f} % rms, {:.2f} ... {:.2f} GHz\n",
             m.basis, 100.0 * m.max_relative_error, m.max_relative_error_freq_hz / 1e9, 100.0 * m.rms_relative_error,
             m.freq_hz.front() / 1e9, m.freq_hz.back() / 1e9);
  if (m.ill_conditioned_points > 0)
    fmt::print("  ({} frequencies left out: the pair's length difference near a multiple of half a wavelength)\n",
               m.ill_conditioned_points);
  if (m.basis != "difference")
    fmt::print("  plain 2L-1L difference reproduced within {:.2f} % (max, at {:.2f} GHz), {:.2f} % rms\n",
               100.0 * m.difference_max_relative_error, m.difference_max_relative_error_freq_hz / 1e9,
               100.0 * m.difference_rms_relative_error);
  fmt::print("  {:>10}{:>12}{:>12}{:>12}\n", "freq", "measured", "model", "residual");
  const std::size_t stride = std::max<std::size_t>(1, m.freq_hz.size() / 20);
  for (std::size_t k = 0; k < m.freq_hz.size(); k += stride)
    fmt::print("  {:>6.2f} GHz{:>12.4f}{:>12.4f}{:>9.4f} dB/in\n", m.freq_hz[k] / 1e9, m.measured_db_per_m[k] * inch,
               m.model_db_per_m[k] * inch, m.residual_db_per_m[k] * inch);
}

}  // namespace

int run_fit(const FitArgs& args) {
  return guarded([&]() -> int {
    const FitAnswer fa = fit_answer(args);
    const std::vector<double>& lengths = fa.lengths_m;
    const workflows::LengthFit& f = fa.fit;
    const workflows::MaterialFit* mp = fa.material ? &*fa.material : nullptr;
    write_fit_files(args, fa);
    if (args.json) {
      io::write_fit_json(std::cout, args.files, lengths, f, mp);
    } else {
      using phy::units::inch;
      if (args.files.size() == 1)
        fmt::print("phylane fit: 1 length, {} per length with launches of {:g} dB taken out\n", f.quantity, fa.launch_db);
      else
        fmt::print("phylane fit: {} lengths, {} per length (launches removed by differencing)\n", args.files.size(), f.quantity);
      fmt::print("  delay {:.2f} ps/in, effective permittivity {:.3f}\n", f.delay_s_per_m * inch * 1e12, f.eps_eff);
      if (mp) {
        print_material(*mp, f.quantity);
        if (args.write_material.empty()) fmt::print("\n{}", fa.material_toml);
      } else {
        fmt::print("  {:>10}{:>12}{:>14}{:>12}\n", "freq", "dB/in", "uncertainty", "launches");
        const std::size_t stride = std::max<std::size_t>(1, f.freq_hz.size() / 20);
        for (std::size_t k = 0; k < f.freq_hz.size(); k += stride)
          fmt::print("  {:>6.2f} GHz{:>12.4f}{:>14.4f}{:>9.3f} dB\n", f.freq_hz[k] / 1e9, f.loss_db_per_m[k] * inch,
                     f.uncertainty_db_per_m[k] * inch, f.launch_db[k]);
      }
      for (const auto* w : {&args.output, &args.write_material, &args.write_config})
        if (!w->empty()) fmt::print("wrote {}\n", *w);
    }
    return exit_code::answered;
  });
}

}  // namespace phylane::app
