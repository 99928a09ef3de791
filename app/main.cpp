// The phylane command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.hpp"
#include "app/cmd_study.hpp"
#include "app/cmd_sweep.hpp"
#include "app/cmd_throughput.hpp"
#include "app/cmd_claims.hpp"

int main(int argc, char** argv) {
  using namespace phylane::app;
  CLI::App cli{"phylane: physical-layer signal-integrity modeler for copper and optical links"};
  cli.set_version_flag("--version", std::string("phylane ") + PHYLANE_VERSION);
  cli.require_subcommand(0, 1);

  LossArgs loss;
  auto* c_loss = cli.add_subcommand("loss", "Insertion loss vs frequency with its breakdown");
  c_loss->add_option("config", loss.config, "Config file (TOML); default: the embedded preset");
  c_loss->add_option("--preset", loss.preset, "Use an embedded preset (see `phylane presets`)");
  c_loss->add_option("--freq", loss.freqs, "Report frequency, e.g. \"16 GHz\" (repeatable)");
  c_loss->add_option("--fmax", loss.fmax, "Top of the swept grid, e.g. \"50 GHz\"");
  c_loss->add_option("--points", loss.points, "Number of swept frequency points");
  c_loss->add_flag("--json", loss.json, "Machine-readable JSON on stdout");
  c_loss->add_option("-o,--output", loss.output, "Write results to an HDF5 file");

  EyeArgs eye;
  auto* c_eye = cli.add_subcommand("eye", "Pulse response, equalization, statistical eye and BER");
  c_eye->add_option("config", eye.config, "Config file (TOML) with a [signal] section");
  c_eye->add_option("--preset", eye.preset, "Use an embedded preset (see `phylane presets`)");
  c_eye->add_flag("--json", eye.json, "Machine-readable JSON on stdout");
  c_eye->add_option("-o,--output", eye.output, "Write results to an HDF5 file");

  MaxRateArgs mr;
  auto* c_mr = cli.add_subcommand("maxrate", "Highest per-lane data rate meeting the target BER (NRZ vs PAM4)");
  c_mr->add_option("config", mr.config, "Config file (TOML) with a [signal] section");
  c_mr->add_option("--preset", mr.preset, "Use an embedded preset");
  c_mr->add_option("--modulation", mr.modulations, "Comma list: nrz, pam4, pam8 (default nrz,pam4)");
  c_mr->add_option("--min", mr.min_rate, "Lowest rate searched, e.g. \"1 Gb/s\"");
  c_mr->add_option("--max", mr.max_rate, "Highest rate searched, e.g. \"224 Gb/s\"");
  c_mr->add_option("--margin", mr.margin_db, "Eye margin required at the target BER [dB] (default: [signal] required_margin)");
  c_mr->add_flag("--curve", mr.full_curve, "Evaluate every scan point (the whole margin-vs-rate curve)");
  c_mr->add_flag("--json", mr.json, "Machine-readable JSON on stdout");
  c_mr->add_option("-o,--output", mr.output, "Write results to an HDF5 file");

  ReachArgs re;
  auto* c_re = cli.add_subcommand("reach", "Longest length meeting the target BER at a rate (loss vs reach)");
  c_re->add_option("config", re.config, "Config file (TOML) with a [signal] section");
  c_re->add_option("--preset", re.preset, "Use an embedded preset");
  c_re->add_option("--rate", re.rate, "Data rate, e.g. \"64 GT/s\" (default: [signal] rate)");
  c_re->add_option("--modulation", re.modulation, "nrz, pam4 or pam8 (default: [signal] modulation)");
  c_re->add_option("--element", re.element, "Segment or path element to stretch: 1-based index or name");
  c_re->add_option("--min", re.min_length, "Shortest length, e.g. \"1 cm\" (default: config length / 100)");
  c_re->add_option("--max", re.max_length, "Longest length, e.g. \"10 m\" (default: config length x 100)");
  c_re->add_option("--margin", re.margin_db, "Eye margin required at the target BER [dB]");
  c_re->add_flag("--curve", re.full_curve, "Evaluate every scan point");
  c_re->add_flag("--json", re.json, "Machine-readable JSON on stdout");
  c_re->add_option("-o,--output", re.output, "Write results to an HDF5 file");

  CapacityArgs ca;
  auto* c_ca = cli.add_subcommand("capacity", "Shannon capacity (water-filling) and the achieved rate as its fraction");
  c_ca->add_option("config", ca.config, "Config file (TOML) with a [signal] section");
  c_ca->add_option("--preset", ca.preset, "Use an embedded preset");
  c_ca->add_option("--bandwidth", ca.bandwidth, "Top of the band, e.g. \"100 GHz\"");
  c_ca->add_option("--points", ca.points, "Cells of the integration grid (default 4000)");
  c_ca->add_flag("--no-rate", ca.no_rate, "Skip the max-rate search");
  c_ca->add_flag("--json", ca.json, "Machine-readable JSON on stdout");
  c_ca->add_option("-o,--output", ca.output, "Write results to an HDF5 file");

  SparamsArgs sp;
  auto* c_sp = cli.add_subcommand("sparams", "Write the composed channel as a Touchstone file");
  c_sp->add_option("config", sp.config, "Config file (TOML); default: the embedded preset");
  c_sp->add_option("--preset", sp.preset, "Use an embedded preset");
  c_sp->add_option("-o,--output", sp.output, "Output FILE.s2p or FILE.s4p")->required();
  c_sp->add_option("--fmax", sp.fmax, "Top of the grid, e.g. \"50 GHz\"");
  c_sp->add_option("--points", sp.points, "Number of frequency points");
  c_sp->add_option("--port-order", sp.port_order, "4-port order: 12-34 (1->2, 3->4) or 13-24 (1->3, 2->4)");
  c_sp->add_flag("--dc", sp.from_dc, "Include a DC point");

  CheckArgs ck;
  auto* c_ck = cli.add_subcommand("check", "Passivity, reciprocity, causality and coverage of a Touchstone file");
  c_ck->add_option("file", ck.file, "Touchstone file (.sNp)")->required();
  c_ck->add_option("--freq", ck.freqs, "Report insertion loss at this frequency (repeatable)");
  c_ck->add_option("--port-order", ck.port_order, "4-port order: 12-34 (1->2, 3->4) or 13-24 (1->3, 2->4)");
  c_ck->add_flag("--json", ck.json, "Machine-readable JSON on stdout");
  c_ck->add_option("--enforce-passivity", ck.enforce_output,
                   "Write a copy with singular values above 1 clipped to 1 (same number of ports)");

  ThroughputArgs tp; auto* c_tp = register_throughput(cli, tp);
  ClaimsArgs cl; auto* c_cl = register_claims(cli, cl);
  StudyArgs sa; auto* c_st = register_study(cli, sa);
  SweepArgs sw; auto* c_sw = register_sweep(cli, sw);

  bool presets_json = false, materials_json = false;
  auto* c_presets = cli.add_subcommand("presets", "List the embedded example links");
  c_presets->add_flag("--json", presets_json, "JSON output");
  auto* c_mat = cli.add_subcommand("materials", "List the material and copper-foil library");
  c_mat->add_flag("--json", materials_json, "JSON output");

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
    return 2;
  }
  if (*c_loss) return run_loss(loss);
  if (*c_eye) return run_eye(eye);
  if (*c_sp) return run_sparams(sp);
  if (*c_mr) return run_maxrate(mr);
  if (*c_re) return run_reach(re);
  if (*c_ca) return run_capacity(ca);
  if (*c_ck) return run_check(ck);
  if (*c_tp) return run_throughput(tp);
  if (*c_cl) return run_claims(cl);
  if (*c_st) return run_study(sa);
  if (*c_sw) return run_sweep(sw);
  if (*c_presets) return run_presets(presets_json);
  if (*c_mat) return run_materials(materials_json);
  std::cout << cli.help();
  return 0;
}
