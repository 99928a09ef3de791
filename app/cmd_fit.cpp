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
  fmt::print("  delay {:.2f} ps/in measured, {:.2f} ps/in fitted line\n", m.measured_delay_s_per_m * inch * 1e12,
             m.model_delay_s_per_m * inch * 1e12);
  fmt::print("  loss per length reproduced within {:.2f} % (max, at {:.2f} GHz), {:.2f} % rms, {:.2f} ... {:.2f} GHz\n",
             100.0 * m.max_relative_error, m.max_relative_error_freq_hz / 1e9, 100.0 * m.rms_relative_error,
             m.freq_hz.front() / 1e9, m.freq_hz.back() / 1e9);
  fmt::print("  {:>10}{:>12}{:>12}{:>12}\n", "freq", "measured", "model", "residual");
  const std::size_t stride = std::max<std::size_t>(1, m.freq_hz.size() / 20);
  for (std::size_t k = 0; k < m.freq_hz.size(); k += stride)
    fmt::print("  {:>6.2f} GHz{:>12.4f}{:>12.4f}{:>9.4f} dB/in\n", m.freq_hz[k] / 1e9, m.measured_db_per_m[k] * inch,
               m.model_db_per_m[k] * inch, m.residual_db_per_m[k] * inch);
}

}  // namespace

int run_fit(const FitArgs& args) {
  return guarded([&]() -> int {
    std::vector<double> lengths;
    {
      std::stringstream ss(args.lengths);
      std::string item;
      while (std::getline(ss, item, ',')) lengths.push_back(option_length("--lengths", item));
    }
    if (lengths.size() != args.files.size())
      throw io::InputError(fmt::format("--lengths \"{}\": {} length{} for {} files; give one length per file", args.lengths,
                                       lengths.size(), lengths.size() == 1 ? "" : "s", args.files.size()));
    const bool material = !args.cross_section.empty();
    if (!material) {
      for (const auto& [flag, given] : {std::pair{"--segment", args.segment.has_value()},
                                        std::pair{"--write-material", !args.write_material.empty()},
                                        std::pair{"--write-config", !args.write_config.empty()},
                                        std::pair{"--roughness", !args.roughness.empty()}})
        if (given) throw io::InputError(fmt::format("{}: needs --cross-section CONFIG (the cross-section to fit)", flag));
      if (args.files.size() < 2)
        throw io::InputError("fit: one file given; give two or more lengths, or one with --cross-section CONFIG "
                             "(the known cross-section whose laminate and foil are fitted to its total loss)");
    }
    // Options of the material fit, all checked before any file is read.
    workflows::MaterialFitOptions mo;
    std::size_t segment = 0;
    double launch_db = 0.0;
    if (material) {
      if (args.segment) {
        if (*args.segment < 1) throw io::InputError(fmt::format("--segment {}: must be 1 or more (segments count from 1)", *args.segment));
        segment = static_cast<std::size_t>(*args.segment - 1);
      }
      mo.reference_hz = option_frequency("--reference", args.reference);
      const auto from = io::parse_quantity(args.fit_from, io::Dimension::frequency);
      if (!from.value || !(*from.value >= 0.0)) throw io::InputError("--fit-from \"" + args.fit_from + "\": " + (from.value ? "must be >= 0 Hz" : from.error));
      mo.fit_from_hz = *from.value;
      if (!args.fit_to.empty()) {
        mo.fit_to_hz = option_frequency("--fit-to", args.fit_to);
        if (!(mo.fit_to_hz > mo.fit_from_hz))
          throw io::InputError(fmt::format("--fit-to \"{}\": must be above --fit-from \"{}\"", args.fit_to, args.fit_from));
      }
      if (!args.roughness.empty()) {
        mo.roughness = phy::parse_roughness_model(args.roughness);
        if (!mo.roughness)
          throw io::InputError(fmt::format("--roughness \"{}\": must be one of {}", args.roughness, phy::roughness_model_names()));
      }
      const auto l = io::parse_quantity(args.launch_loss, io::Dimension::decibel);
      if (!l.value || !(*l.value >= 0.0))
        throw io::InputError("--launch-loss \"" + args.launch_loss + "\": " + (l.value ? "must be a loss >= 0 dB" : l.error));
      launch_db = *l.value;
      if (args.files.size() > 1 && launch_db != 0.0)
        throw io::InputError("--launch-loss: applies to one file only (two or more lengths remove the launches by differencing)");
      const bool id_ok = !args.material_id.empty() && std::all_of(args.material_id.begin(), args.material_id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
      });
      if (!id_ok)
        throw io::InputError(fmt::format("--material-id \"{}\": must be lowercase letters, digits and hyphens", args.material_id));
    }
    std::optional<channels::PortOrder> given;
    if (!args.port_order.empty()) given = option_port_order(args.port_order);
    std::optional<io::Config> cfg;
    if (material) cfg = io::load_config(args.cross_section);
    std::vector<workflows::MeasuredLength> in;
    for (std::size_t i = 0; i < args.files.size(); ++i) {
      workflows::MeasuredLength m;
      m.network = io::read_touchstone(args.files[i]);
      m.name = args.files[i];
      m.length_m = lengths[i];
      if (m.network.ports() == 4) {
        if (given) {
          m.order = *given;
        } else {
          const auto p = io::detect_thru_pairing(m.network);
          if (p.shown && io::port_order_of(*p.shown)) m.order = *io::port_order_of(*p.shown);
        }
      }
      in.push_back(std::move(m));
    }
    const workflows::LengthFit f = in.size() == 1 ? workflows::single_length_loss(in.front(), launch_db) : workflows::fit_lengths(in);
    std::optional<workflows::MaterialFit> mf;
    std::string material_text, config_text;
    if (material) {
      mf = workflows::fit_material(f, lengths, *cfg, segment, mo);
      std::string provenance = "phylane fit of";
      for (std::size_t i = 0; i < args.files.size(); ++i)
        provenance += fmt::format(" {} ({:g} in)", std::filesystem::path(args.files[i]).filename().string(), lengths[i] / phy::units::inch);
      provenance += fmt::format(", cross-section {} segment {}", std::filesystem::path(args.cross_section).filename().string(),
                                segment + 1);
      if (in.size() == 1) provenance += fmt::format(", launches {:g} dB", launch_db);
      material_text = io::fitted_material_toml(*mf, args.material_id, provenance);
      if (!args.write_config.empty())
        config_text = io::config_with_fitted_material(args.cross_section, segment, *mf, args.material_id, provenance);
      if (!mf->converged) {
        // A numeric failure (exit 1): nothing is written.
        throw std::runtime_error(fmt::format("fit: the material fit did not converge after {} iterations: {}", mf->iterations,
                                             mf->reason));
      }
    }
    const workflows::MaterialFit* mp = mf ? &*mf : nullptr;
    if (!args.output.empty()) io::write_fit_hdf5(args.output, args.files, lengths, f, mp);
    if (!args.write_material.empty()) io::write_text_file(args.write_material, material_text);
    if (!args.write_config.empty()) io::write_text_file(args.write_config, config_text);
    if (args.json) {
      io::write_fit_json(std::cout, args.files, lengths, f, mp);
    } else {
      using phy::units::inch;
      if (in.size() == 1)
        fmt::print("phylane fit: 1 length, {} per length with launches of {:g} dB taken out\n", f.quantity, launch_db);
      else
        fmt::print("phylane fit: {} lengths, {} per length (launches removed by differencing)\n", in.size(), f.quantity);
      fmt::print("  delay {:.2f} ps/in, effective permittivity {:.3f}\n", f.delay_s_per_m * inch * 1e12, f.eps_eff);
      if (mp) {
        print_material(*mp, f.quantity);
        if (args.write_material.empty()) fmt::print("\n{}", material_text);
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
