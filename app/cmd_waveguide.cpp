// phylane waveguide: the modes, indices, loss per length by mechanism and bend loss of a strip
// waveguide described by its geometry (docs/optical_physics.md).
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/commands.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/waveguide.hpp"
#include "workflows/waveguide.hpp"

namespace phylane::app {

CLI::App* register_waveguide(CLI::App& cli, WaveguideArgs& args) {
  auto* c = cli.add_subcommand("waveguide", "Modes, indices, loss by mechanism and bend loss of a strip waveguide");
  c->add_option("config", args.config, "Waveguide file (TOML with a [waveguide] table)")->required();
  add_result_flags(*c, args);
  return c;
}

int run_waveguide(const WaveguideArgs& args) {
  return guarded([&]() -> int {
    const io::WaveguideConfig cfg = io::load_waveguide(args.config);
    // Progress per solve (modes, then each bend radius) on stderr; Ctrl-C stops between solves.
    Progress progress("waveguide", args.quiet);
    progress.stage("solving the modes and bends");
    workflows::RunHooks hooks;
    hooks.stop = &interrupt_flag();
    hooks.progress = progress.callback("solves");
    const workflows::WaveguideResult r = waveguide_result(cfg, hooks);
    progress.complete();
    return deliver(
        args, exit_code::answered, [&](const std::string& file) { io::write_waveguide_hdf5(file, cfg, r); },
        [&](std::ostream& os) { io::write_waveguide_json(os, cfg, r); }, [&] { io::print_waveguide(std::cout, cfg, r); });
  });
}

}  // namespace phylane::app
