// phylane sparams: write the composed channel as a Touchstone file.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/json_writer.hpp"
#include "io/touchstone.hpp"
#include "io/version.hpp"

namespace phylane::app {

CLI::App* register_sparams(CLI::App& cli, SparamsArgs& args) {
  auto* c = cli.add_subcommand("sparams", "Write the composed channel as a Touchstone file");
  add_link_input(*c, args.input);
  c->add_option("-o,--output", args.output, "Output FILE.s2p or FILE.s4p")->required();
  c->add_option("--fmax", args.fmax, "Top of the grid, e.g. \"50 GHz\"");
  c->add_option("--points", args.points, "Number of frequency points");
  c->add_option("--port-order", args.port_order, "4-port order: 12-34 (1->2, 3->4) or 13-24 (1->3, 2->4)");
  c->add_flag("--dc", args.from_dc, "Include a DC point");
  add_output_flags(*c, args.json);
  return c;
}

int run_sparams(const SparamsArgs& args) {
  return guarded([&]() -> int {
    if (args.output.empty()) throw io::InputError("sparams needs -o FILE.s2p or FILE.s4p");
    const io::Config cfg = load_link(args.input);
    const channels::Network net = sparams_network(cfg, args);
    throw_if_interrupted();
    write_sparams_file(args, net);
    if (args.json) {
      write_sparams_json(std::cout, cfg, args, net);
      return exit_code::answered;
    }
    fmt::print("wrote {} ({} ports, {} frequencies, {:g} ... {:g} GHz, reference {:g} ohm)\n", args.output, net.ports(),
               net.size(), net.freq_hz().front() / 1e9, net.freq_hz().back() / 1e9, net.z0_ohm().front());
    return exit_code::answered;
  });
}

}  // namespace phylane::app
