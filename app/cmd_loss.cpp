// phylane loss: insertion loss of a copper channel, with its breakdown.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <stdexcept>
#include <utility>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/loss_output.hpp"
#include "io/quantity.hpp"
#include "phy/units.hpp"
#include "solvers/loss_analysis.hpp"
#include "workflows/loss.hpp"

namespace phylane::app {

namespace {

std::string ghz(double f) { return fmt::format("{:g} GHz", f / 1e9); }

void print_human(const io::Config& cfg, const solvers::LossAnalysis& a) {
  using phy::units::inch;
  const bool composed = cfg.copper() == nullptr;
  const phy::LineMode mode = cfg.copper() ? cfg.copper()->mode()
                                        : (cfg.composed()->differential() ? phy::LineMode::differential
                                                                        : phy::LineMode::single_ended);
  const double zd = cfg.copper() ? cfg.copper()->driver_ohm() : cfg.composed()->driver_ohm();
  const double zr = cfg.copper() ? cfg.copper()->receiver_ohm() : cfg.composed()->receiver_ohm();
  const bool diff = mode == phy::LineMode::differential;
  const char* zname = diff ? "Zdiff" : mode == phy::LineMode::common ? "Zcm" : "Z0";
  fmt::print("{}\n", header_line("loss", cfg));
  fmt::print("  {} channel, {} trace segment{}{}, {:.3f} in ({:.1f} mm) of trace, trace delay {:.1f} ps\n",
             phy::to_string(mode), a.segments.size(), a.segments.size() == 1 ? "" : "s",
             composed ? fmt::format(" and {} other block{}", a.block_names.size(), a.block_names.size() == 1 ? "" : "s")
                      : std::string(),
             a.total_length_m / inch, a.total_length_m * 1e3, a.total_delay_s * 1e12);
  fmt::print("  driver {:g} ohm, receiver {:g} ohm (S-parameters referenced to these)\n\n", zd, zr);

  if (!a.segments.empty()) {
    const auto infos = channels::trace_infos(cfg);
    const double fz = a.report_freqs_hz.back();
    fmt::print("Trace segments ({} and delay at {})\n", zname, ghz(fz));
    fmt::print("  {:<3}{:<18}{:<20}{:>9}  {:<14}{:<10}{:>9}{:>11}\n", "#", "name", "geometry", "length", "material",
               "foil", zname, "delay");
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      const auto& s = a.segments[i];
      const auto& info = infos[i];
      fmt::print("  {:<3}{:<18}{:<20}{:>6.3f} in  {:<14}{:<10}{:>5.1f} ohm{:>6.1f} ps/in\n", i + 1,
                 s.name.substr(0, 17), s.geometry, s.length_m / inch, info.material, info.foil,
                 s.at.back().impedance_ohm, s.delay_s_per_m * inch * 1e12);
    }
    fmt::print("\nLoss per inch of each segment [dB/in]: total = conductor + roughness + dielectric\n");
    fmt::print("  {:<3}{:<18}{:>10}{:>9}{:>11}{:>11}{:>12}{:>8}{:>8}\n", "#", "name", "freq", "total", "conductor",
               "roughness", "dielectric", "Dk", "Df");
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      const auto& s = a.segments[i];
      for (const auto& x : s.at)
        fmt::print("  {:<3}{:<18}{:>10}{:>9.3f}{:>11.3f}{:>11.3f}{:>12.3f}{:>8.3f}{:>8.4f}\n", i + 1,
                   s.name.substr(0, 17), ghz(x.freq_hz), x.loss_db_per_m * inch, x.conductor_db_per_m * inch,
                   x.roughness_db_per_m * inch, x.dielectric_db_per_m * inch, x.dk, x.df);
    }
    fmt::print("\n");
  }
  if (!a.block_names.empty()) {
    fmt::print("Other blocks: own insertion loss between matched references [dB]\n  {:<24}", "block");
    for (double f : a.report_freqs_hz) fmt::print("{:>12}", ghz(f));
    fmt::print("\n");
    for (std::size_t i = 0; i < a.block_names.size(); ++i) {
      fmt::print("  {:<24}", a.block_names[i].substr(0, 23));
      for (double v : a.block_loss_db_at_report[i]) fmt::print("{:>12.3f}", v);
      fmt::print("\n");
    }
    fmt::print("\n");
  }
  fmt::print("Channel insertion loss [dB] ({})\n", diff ? "SDD21" : "S21");
  // Columns wide enough for a 1 km line (five-digit dB totals).
  fmt::print("  {:>10}{:>11}{:>11}{:>11}{:>12}{}{:>10}\n", "freq", "total", "conductor", "roughness", "dielectric",
             composed ? fmt::format("{:>9}", "blocks") : std::string(), "mismatch");
  for (std::size_t k = 0; k < a.report_freqs_hz.size(); ++k) {
    const auto& b = a.at_report[k];
    fmt::print("  {:>10}{:>11.3f}{:>11.3f}{:>11.3f}{:>12.3f}{}{:>10.3f}\n", ghz(a.report_freqs_hz[k]), b.total_db,
               b.conductor_db, b.roughness_db, b.dielectric_db,
               composed ? fmt::format("{:>9.3f}", b.blocks_db) : std::string(), b.mismatch_db);
  }
  print_port_figures(a.ports_at_report, diff);
  if (!a.crosstalk.empty()) {
    fmt::print("\nCrosstalk [dB, 20 log10 |H| aggressor -> victim receiver]\n  {:<28}", "aggressor");
    for (double f : a.report_freqs_hz) fmt::print("{:>12}", ghz(f));
    fmt::print("\n");
    for (const auto& x : a.crosstalk) {
      fmt::print("  {:<28}", x.name.substr(0, 27));
      for (double v : x.db) fmt::print("{:>12.2f}", v);
      fmt::print("\n");
    }
  }
}

void print_budget(const io::Config& cfg) {
  const auto& link = *cfg.optical();
  fmt::print("{}\n", header_line("loss", cfg));
  fmt::print("  optical link, {:.2f} nm{}\n\n", link.laser().wavelength_m * 1e9,
             cfg.optical_info.wdm_channels > 1
                 ? fmt::format(", {} wavelengths at {:g} GHz spacing", cfg.optical_info.wdm_channels,
                               cfg.optical_info.wdm_spacing_hz / 1e9)
                 : std::string());
  fmt::print("Power budget (average power)\n  {:<22}{:>9}{:>12}  {}\n", "element", "loss dB", "power dBm", "detail");
  for (const auto& b : link.budget())
    fmt::print("  {:<22}{:>9.3f}{:>12.3f}  {}\n", b.element.substr(0, 21), b.loss_db, b.power_dbm, b.detail);
  fmt::print("\n  path loss {:.3f} dB; received average {:.3f} dBm, OMA {:.3f} dBm, extinction ratio {:.2f} dB\n",
             link.path_loss_db(), phy::units::watts_to_dbm(link.received_average_power_w()),
             phy::units::watts_to_dbm(link.received_oma_w()), link.modulator().extinction_ratio_db);
  fmt::print("  receiver noise bandwidth {:.2f} GHz; electrical power {:.1f} mW per wavelength\n",
             link.receiver_noise_bandwidth_hz() / 1e9, link.electrical_power_w() * 1e3);
}

}  // namespace

CLI::App* register_loss(CLI::App& cli, LossArgs& args) {
  auto* c = cli.add_subcommand("loss", "Insertion loss vs frequency with its breakdown");
  add_link_input(*c, args.input);
  c->add_option("--freq", args.freqs, "Report frequency, e.g. \"16 GHz\" (repeatable)");
  c->add_option("--fmax", args.fmax, "Top of the swept grid, e.g. \"50 GHz\"");
  c->add_option("--points", args.points, "Number of swept frequency points");
  add_output_flags(*c, args.json);
  c->add_option("-o,--output", args.output, "Write results to an HDF5 file");
  return c;
}

int run_loss(const LossArgs& args) {
  return guarded([&]() -> int {
    const io::Config cfg = load_link(args.input);
    const workflows::LossRequest opt = loss_request(cfg, args);
    if (cfg.optical()) {
      if (!args.output.empty()) io::write_budget_hdf5(args.output, cfg);
      if (args.json)
        io::write_budget_json(std::cout, cfg);
      else
        print_budget(cfg);
      return 0;
    }
    const solvers::LossAnalysis a = std::move(*workflows::loss(cfg, opt).analysis);

    if (!args.output.empty()) io::write_loss_hdf5(args.output, cfg, a);
    if (args.json)
      io::write_loss_json(std::cout, cfg, a);
    else
      print_human(cfg, a);
    return 0;
  });
}

}  // namespace phylane::app
