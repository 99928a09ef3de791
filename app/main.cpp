// The phylane command line: one registration per subcommand (app/cmd_<name>.cpp); the exit codes
// follow the one contract of docs/cli.md.
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "app/cmd_claims.hpp"
#include "app/cmd_study.hpp"
#include "app/cmd_sweep.hpp"
#include "app/cmd_throughput.hpp"
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"

int main(int argc, char** argv) {
  using namespace phylane::app;
  CLI::App cli{"phylane: physical-layer signal-integrity modeler for copper and optical links"};
  cli.set_version_flag("--version", std::string("phylane ") + PHYLANE_VERSION);
  cli.require_subcommand(0, 1);

  const std::vector<Command> commands = {
      command<LossArgs>(cli, register_loss, run_loss),
      command<EyeArgs>(cli, register_eye, run_eye),
      command<MaxRateArgs>(cli, register_maxrate, run_maxrate),
      command<ReachArgs>(cli, register_reach, run_reach),
      command<ComArgs>(cli, register_com, run_com),
      command<CapacityArgs>(cli, register_capacity, run_capacity),
      command<SparamsArgs>(cli, register_sparams, run_sparams),
      command<CheckArgs>(cli, register_check, run_check),
      command<TdrArgs>(cli, register_tdr, run_tdr),
      command<ImpedanceArgs>(cli, register_impedance, run_impedance),
      command<FitArgs>(cli, register_fit, run_fit),
      command<ThroughputArgs>(cli, register_throughput, run_throughput),
      command<ClaimsArgs>(cli, register_claims, run_claims),
      command<StudyArgs>(cli, register_study, run_study),
      command<SweepArgs>(cli, register_sweep, run_sweep),
      command<PresetsArgs>(cli, register_presets, run_presets),
      command<MaterialsArgs>(cli, register_materials, run_materials),
      command<WaveguideArgs>(cli, register_waveguide, run_waveguide),
  };

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return exit_code::bad_input;
  }
  install_interrupt_handler();
  keep_freed_memory();
  for (const Command& c : commands)
    if (*c.app) return c.run();
  std::cout << cli.help();
  return exit_code::answered;
}
