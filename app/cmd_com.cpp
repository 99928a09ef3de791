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
#include "solvers/real_fft.hpp"
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

// The TDR and ERL lines (Annex 93A.5), when the sheet asked for them.
void print_tdr_erl(const solvers::ComParameters& p, const workflows::ComAnswer& r) {
  for (const auto& t : r.tdr) {
    fmt::print("{}port {} ({} side): ", t.port == 1 ? "\n" : "", t.port, t.port == 1 ? "Tx" : "Rx");
    if (p.erl) fmt::print("ERL {:.3f} dB, ", t.erl_db);
    fmt::print("TDR port impedance {:.2f} Ohm (fixture delay {:g} ps)\n", t.z_port_ohm, t.fixture_delay_s * 1e12);
  }
  if (p.erl)
    fmt::print("ERL = {:.3f} dB: {} (threshold {:g} dB)\n", r.erl_db, r.erl_pass ? "pass" : "FAIL",
               p.erl_pass_threshold_db);
}

void print_text(const ComArgs& a, const solvers::ComParameters& p, const workflows::ComAnswer& r) {
  fmt::print("phylane com {}  (sheet: {})\n", a.thrus.front(), p.name);
  if (r.erl_only) {
    fmt::print("  ERL_ONLY: the thru's TDR and ERL (Annex 93A.5) alone, no COM\n");
    print_tdr_erl(p, r);
    return;
  }
  if (!a.fext.empty() || !a.next.empty()) fmt::print("  aggressors: {} FEXT, {} NEXT\n", a.fext.size(), a.next.size());
  fmt::print("  thru insertion loss at f_b/2 = {:.4g} GHz: {:.2f} dB (without packages)\n", p.f_b_baud / 2e9,
             r.il_db_at_nyquist);
  const auto& fit = r.fitted_il;
  if (fit.il_db_at_nyquist)
    fmt::print("  fitted insertion loss (93A.3, the data's {:g} to {:g} GHz) at f_b/2: {:.2f} dB\n", fit.whole.f_lo_hz / 1e9,
               fit.whole.f_hi_hz / 1e9, *fit.il_db_at_nyquist);
  fmt::print("  fitted insertion loss ({:g} to {:g} GHz) at {:g} GHz: {:.2f} dB; a0 {:.4g} dB, a1 {:.4g} dB/GHz^0.5, a2 {:.4g} "
             "dB/GHz, a4 {:.4g} dB/GHz^2\n",
             fit.ild.f_lo_hz / 1e9, fit.ild.f_hi_hz / 1e9, fit.ild.f_hi_hz / 1e9, fit.il_db_at_f_2_ild, fit.ild.a_db[0],
             fit.ild.a_db[1], fit.ild.a_db[2], fit.ild.a_db[3]);
  fmt::print("  FOM_ILD (93A-56, insertion loss deviation about that fit): {:.4f} dB\n\n", fit.fom_ild_db);
  fmt::print("  {:>4} {:>9} {:>10} {:>10} {:>9} {:>9} {:>7} {:>8}  {}\n", "case", "COM [dB]", "A_s [mV]", "A_ni [mV]",
             "VEO [mV]", "FOM [dB]", "g_DC", "ts [UI]", "Tx FFE c(-n..n)");
  for (const auto& c : r.cases) {
    std::string taps;
    for (double t : c.equalizer.tx_ffe.taps) taps += fmt::format("{}{:.3f}", taps.empty() ? "" : " ", t);
    fmt::print("  {:>4} {:>9.3f} {:>10.4f} {:>10.4f} {:>9.3f} {:>9.3f} {:>7.1f} {:>8.3f}  [{}]\n", c.package_case, c.com_db,
               c.a_s_v * 1e3, c.a_ni_v * 1e3, c.veo_v * 1e3, c.fom_db, c.equalizer.g_dc_db, c.cursor_ui, taps);
  }
  for (const auto& c : r.cases) {
    if (c.ew_ui.empty()) continue;
    std::string ew;
    for (double w : c.ew_ui) ew += fmt::format("{}{:.2f}", ew.empty() ? "" : " ", w);
    fmt::print("  case {} eye width at DER_0 (EW_UI_est, per eye): [{}] UI; VEO over a window of +-{:g} mUI: {:.3f} mV\n",
               c.package_case, ew, c.veo_window_mui, c.veo_v * 1e3);
  }
  for (const auto& c : r.cases) {
    if (!c.equalizer.rx_ffe.taps.empty()) {
      std::string taps;
      for (double t : c.equalizer.rx_ffe.taps) taps += fmt::format("{}{:.3f}", taps.empty() ? "" : " ", t);
      fmt::print("  case {} Rx FFE ({} pre-cursor taps): [{}]\n", c.package_case, c.equalizer.rx_ffe.n_pre, taps);
      if (!c.equalizer.rx_ffe_floating_taps.empty()) {
        std::string fl;
        for (int n : c.equalizer.rx_ffe_floating_taps)
          fl += fmt::format("{}{}:{:.3f}", fl.empty() ? "" : " ", n,
                            c.equalizer.rx_ffe.taps[static_cast<std::size_t>(c.equalizer.rx_ffe.n_pre + n)]);
        fmt::print("  case {} floating Rx FFE taps (post-cursor:weight): {}\n", c.package_case, fl);
      }
    }
    if (!c.equalizer.floating_taps.empty()) {
      std::string taps;
      for (std::size_t i = 0; i < c.equalizer.floating_taps.size(); ++i)
        taps += fmt::format("{}b({})={:.3f}", i ? " " : "", c.equalizer.floating_taps[i], c.equalizer.floating_b[i]);
      fmt::print("  case {} floating DFE taps: {}\n", c.package_case, taps);
    }
  }
  fmt::print("\nCOM = {:.3f} dB (case {}): {} (threshold {:g} dB)\n", r.com_db, r.cases[r.worst].package_case,
             r.pass ? "pass" : "FAIL", p.pass_threshold_db);
  print_tdr_erl(p, r);
  if (r.icn)
    fmt::print("ICN = {:.3f} mV (FEXT {:.3f} mV, NEXT {:.3f} mV; {:g} to {:g} GHz)\n", r.icn->icn_v * 1e3,
               r.icn->fext_icn_v * 1e3, r.icn->next_icn_v * 1e3, r.icn->f_1_hz / 1e9, r.icn->f_2_hz / 1e9);
}

// The batch form: one row per thru file.
int run_batch(const ComArgs& args, const solvers::ComParameters& p, Progress& progress) {
  const std::vector<workflows::ComChannel> thrus = com_batch_channels(args);
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
  if (p.erl_only) {  // the thrus' ERL alone
    fmt::print("phylane com: {} channels (sheet: {}), ERL_ONLY\n\n  {:<44} {:>9}\n", rs.size(), p.name, "thru",
               p.erl ? "ERL [dB]" : "");
    for (std::size_t i = 0; i < rs.size(); ++i)
      fmt::print("  {:<44} {}  {}\n", thrus[i].name.substr(0, 44), p.erl ? fmt::format("{:>9.3f}", rs[i].erl_db) : "",
                 rs[i].erl_pass ? "pass" : "FAIL");
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
    solvers::start_fft_planner_warm_up();  // overlaps reading the sheet and channels
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
        args, rc, [&](const std::string& file) { write_com_hdf5(file, args.thrus.front(), p, r); },
        [&](std::ostream& os) { write_com_json(os, args.thrus.front(), p, r); }, [&] { print_text(args, p, r); });
  });
}

}  // namespace phylane::app
