// phylane com: IEEE 802.3 Annex 93A Channel Operating Margin of a Touchstone thru with optional
// crosstalk aggressors, for every package case of a COM sheet (docs/com.md).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/hdf5_writer.hpp"
#include "workflows/com.hpp"

namespace phylane::app {

CLI::App* register_com(CLI::App& cli, ComArgs& args) {
  auto* c = cli.add_subcommand("com", "Channel Operating Margin (IEEE 802.3 Annex 93A) of a Touchstone thru");
  c->add_option("thru", args.thrus,
                "Thru channel(s): single-ended 4-port (the sheet's Port Order) or differential 2-port; several files: "
                "one row each, evaluated on all cores")
      ->required();
  c->add_option("-j,--jobs", args.jobs, "Threads for several thru files (default: all cores)")->check(CLI::NonNegativeNumber);
  c->add_option("--fext", args.fext, "FEXT aggressor 4-port (repeatable)");
  c->add_option("--next", args.next, "NEXT aggressor 4-port (repeatable)");
  c->add_option("--sheet", args.sheet,
                "COM sheet: an embedded name (100gbase-kr4, 100gbase-kr1-ck) or a TOML sheet file; default 100gbase-kr4");
  c->add_option("--set", args.set, "Override a sheet parameter by its sheet name: NAME=VALUE (repeatable)");
  add_result_flags(*c, args);
  return c;
}

namespace {

void write_hdf5(const std::string& file, const ComArgs& a, const solvers::ComParameters& p,
                const workflows::ComAnswer& r) {
  io::Hdf5Writer h(file);
  h.attribute("/", "command", "com");
  h.attribute("/", "thru", a.thrus.front());
  h.attribute("/", "sheet", p.name);
  h.attribute("/", "com_db", r.com_db);
  for (const auto& c : r.cases) {
    const std::string g = fmt::format("/cases/{}", c.package_case);
    h.dataset(g + "/pulse_v", c.pulse.samples_v, "V", "victim pulse with the chosen CTLE and Tx FFE, M samples per UI");
    h.dataset(g + "/dfe", c.equalizer.dfe, "1", "b(1) ... b(N_b)");
    h.dataset(g + "/tx_ffe", c.equalizer.tx_ffe.taps, "1", "c(-n) ... c(0) ... c(n)");
    h.attribute(g, "com_db", c.com_db);
    h.attribute(g, "a_s_v", c.a_s_v);
    h.attribute(g, "a_ni_v", c.a_ni_v);
    h.attribute(g, "g_dc_db", c.equalizer.g_dc_db);
    h.attribute(g, "cursor_ui", c.cursor_ui);
    if (p.erl) h.attribute(g, "erl_db", r.erl_db);
  }
  // TDR and ERL (Annex 93A.5): per port the TDR impedance, the reflection pulse and its weighted
  // (gated) form on the same time axis.
  for (const auto& t : r.tdr) {
    const std::string g = fmt::format("/tdr/port{}", t.port);
    h.dataset(g + "/t_s", t.t_s, "s", "time after the TDR edge's launch (t = 0 at the port)");
    h.dataset(g + "/tdr_ohm", t.tdr_ohm, "Ohm", "TDR impedance 2 Z_t (1 + rho)/(1 - rho)");
    h.dataset(g + "/reflection_pulse", t.reflection_pulse, "1", "PTDR: reflection of a 1-UI pulse");
    h.dataset(g + "/weighted_pulse", t.weighted_pulse, "1", "R_eff = PTDR G_loss G_rr (93A.5)");
    h.attribute(g, "z_port_ohm", t.z_port_ohm);
    h.attribute(g, "fixture_delay_s", t.fixture_delay_s);
    if (p.erl) h.attribute(g, "erl_db", t.erl_db);
  }
  if (p.erl) h.attribute("/", "erl_db", r.erl_db);
  if (r.icn) h.attribute("/", "icn_v", r.icn->icn_v);
  h.commit();
}

void print_text(const ComArgs& a, const solvers::ComParameters& p, const workflows::ComAnswer& r) {
  fmt::print("phylane com {}  (sheet: {})\n", a.thrus.front(), p.name);
  if (!a.fext.empty() || !a.next.empty()) fmt::print("  aggressors: {} FEXT, {} NEXT\n", a.fext.size(), a.next.size());
  fmt::print("  thru insertion loss at f_b/2 = {:.4g} GHz: {:.2f} dB (without packages)\n\n", p.f_b_baud / 2e9,
             r.il_db_at_nyquist);
  fmt::print("  {:>4} {:>9} {:>10} {:>10} {:>9} {:>7} {:>8}  {}\n", "case", "COM [dB]", "A_s [mV]", "A_ni [mV]", "FOM [dB]",
             "g_DC", "ts [UI]", "Tx FFE c(-n..n)");
  for (const auto& c : r.cases) {
    std::string taps;
    for (double t : c.equalizer.tx_ffe.taps) taps += fmt::format("{}{:.3f}", taps.empty() ? "" : " ", t);
    fmt::print("  {:>4} {:>9.3f} {:>10.4f} {:>10.4f} {:>9.3f} {:>7.1f} {:>8.3f}  [{}]\n", c.package_case, c.com_db,
               c.a_s_v * 1e3, c.a_ni_v * 1e3, c.fom_db, c.equalizer.g_dc_db, c.cursor_ui, taps);
  }
  fmt::print("\nCOM = {:.3f} dB (case {}): {} (threshold {:g} dB)\n", r.com_db, r.cases[r.worst].package_case,
             r.pass ? "pass" : "FAIL", p.pass_threshold_db);
  for (const auto& t : r.tdr) {
    fmt::print("{}port {} ({} side): ", t.port == 1 ? "\n" : "", t.port, t.port == 1 ? "Tx" : "Rx");
    if (p.erl) fmt::print("ERL {:.3f} dB, ", t.erl_db);
    fmt::print("TDR port impedance {:.2f} Ohm (fixture delay {:g} ps)\n", t.z_port_ohm, t.fixture_delay_s * 1e12);
  }
  if (p.erl)
    fmt::print("ERL = {:.3f} dB: {} (threshold {:g} dB)\n", r.erl_db, r.erl_pass ? "pass" : "FAIL",
               p.erl_pass_threshold_db);
  if (r.icn)
    fmt::print("ICN = {:.3f} mV (FEXT {:.3f} mV, NEXT {:.3f} mV; {:g} to {:g} GHz)\n", r.icn->icn_v * 1e3,
               r.icn->fext_icn_v * 1e3, r.icn->next_icn_v * 1e3, r.icn->f_1_hz / 1e9, r.icn->f_2_hz / 1e9);
}

// The batch form: one row per thru file.
int run_batch(const ComArgs& args, const solvers::ComParameters& p, Progress& progress) {
  if (!args.fext.empty() || !args.next.empty() || !args.output.empty())
    throw io::InputError("several thru files: --fext, --next and -o take one thru file (" +
                         std::to_string(args.thrus.size()) + " given)");
  std::vector<workflows::ComChannel> thrus;
  for (const auto& f : args.thrus) thrus.push_back(com_channel(f));
  solvers::ParallelOptions opt;
  opt.workers = args.jobs;
  opt.stop = &interrupt_flag();
  progress.stage(fmt::format("{} channels", thrus.size()));
  opt.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total, "channels"); };
  const std::vector<workflows::ComAnswer> rs = workflows::com_batch(p, thrus, opt);
  progress.complete();
  bool all = true;
  for (const auto& r : rs) all = all && r.pass && r.erl_pass;
  const int rc = all ? exit_code::answered : exit_code::negative;
  if (args.json) {
    write_com_batch_json(std::cout, args.thrus, p, rs);
    return rc;
  }
  fmt::print("phylane com: {} channels (sheet: {})\n\n  {:<44} {:>9}", rs.size(), p.name, "thru", "IL [dB]");
  for (const auto& c : rs.front().cases) fmt::print(" {:>11}", fmt::format("COM case {}", c.package_case));
  fmt::print(" {:>9}{}  {}\n", "COM [dB]", p.erl ? fmt::format(" {:>9}", "ERL [dB]") : "", "");
  for (std::size_t i = 0; i < rs.size(); ++i) {
    fmt::print("  {:<44} {:>9.2f}", thrus[i].name.substr(0, 44), rs[i].il_db_at_nyquist);
    for (const auto& c : rs[i].cases) fmt::print(" {:>11.3f}", c.com_db);
    fmt::print(" {:>9.3f}{}  {}\n", rs[i].com_db, p.erl ? fmt::format(" {:>9.3f}", rs[i].erl_db) : "",
               rs[i].pass && rs[i].erl_pass ? "pass" : "FAIL");
  }
  return rc;
}

}  // namespace

int run_com(const ComArgs& args) {
  return guarded([&]() -> int {
    Progress progress("com", args.quiet);
    progress.stage("reading the sheet and channels");
    const solvers::ComParameters p = com_sheet(args);
    if (args.thrus.size() > 1) return run_batch(args, p, progress);
    workflows::ComRequest rq = com_request(args);
    rq.stop = &interrupt_flag();
    rq.progress = [&](int c) { progress.stage(fmt::format("package case {}", c)); };
    const workflows::ComAnswer r = workflows::com(p, rq);
    progress.complete();
    const int rc = r.pass && r.erl_pass ? exit_code::answered : exit_code::negative;
    return deliver(
        args, rc, [&](const std::string& file) { write_hdf5(file, args, p, r); },
        [&](std::ostream& os) { write_com_json(os, args.thrus.front(), p, r); }, [&] { print_text(args, p, r); });
  });
}

}  // namespace phylane::app
