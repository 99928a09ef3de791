// phylane fit: per-length insertion loss and delay from two or more measured lengths (2L-1L).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "io/diagnostics.hpp"
#include "io/fit_output.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "phy/units.hpp"
#include "workflows/length_fit.hpp"

namespace phylane::app {

CLI::App* register_fit(CLI::App& cli, FitArgs& args) {
  auto* c = cli.add_subcommand("fit", "Per-length insertion loss and delay from measured lengths (launches removed)");
  c->add_option("files", args.files, "Touchstone files of the same structure at increasing lengths")->required();
  c->add_option("--lengths", args.lengths, "Their lengths, comma separated, e.g. \"4 in,10 in\"")->required();
  c->add_option("--port-order", args.port_order, "4-port order: 12-34 or 13-24; default: the order each file's data show");
  add_output_flags(*c, args.json);
  c->add_option("-o,--output", args.output, "Write the result to an HDF5 file");
  return c;
}

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
    std::optional<channels::PortOrder> given;
    if (!args.port_order.empty()) given = option_port_order(args.port_order);
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
    const workflows::LengthFit f = workflows::fit_lengths(in);
    if (!args.output.empty()) io::write_fit_hdf5(args.output, args.files, lengths, f);
    if (args.json) {
      io::write_fit_json(std::cout, args.files, lengths, f);
    } else {
      using phy::units::inch;
      fmt::print("phylane fit: {} lengths, {} per length (launches removed by differencing)\n", in.size(), f.quantity);
      fmt::print("  delay {:.2f} ps/in, effective permittivity {:.3f}\n", f.delay_s_per_m * inch * 1e12, f.eps_eff);
      fmt::print("  {:>10}{:>12}{:>14}{:>12}\n", "freq", "dB/in", "uncertainty", "launches");
      const std::size_t stride = std::max<std::size_t>(1, f.freq_hz.size() / 20);
      for (std::size_t k = 0; k < f.freq_hz.size(); k += stride)
        fmt::print("  {:>6.2f} GHz{:>12.4f}{:>14.4f}{:>9.3f} dB\n", f.freq_hz[k] / 1e9, f.loss_db_per_m[k] * inch,
                   f.uncertainty_db_per_m[k] * inch, f.launch_db[k]);
      if (!args.output.empty()) fmt::print("wrote {}\n", args.output);
    }
    return exit_code::answered;
  });
}

}  // namespace phylane::app
