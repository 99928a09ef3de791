// phylane eye: pulse response, equalization, statistical eye and BER of a link.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/progress.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/eye_output.hpp"
#include "phy/units.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/optical_analysis.hpp"
#include "solvers/real_fft.hpp"
#include "workflows/eye.hpp"

namespace phylane::app {

namespace {

void print_eye(const io::Config& cfg, const solvers::EyeAnalysis& a) {
  const auto& es = *cfg.signalling;
  const auto& eye = a.eye;
  const auto& eq = a.equalizer;
  fmt::print("{}\n", header_line("eye", cfg));
  const channels::Fec& fec = es.fec_for(es.spec.levels);
  fmt::print("  {} {:g} GBd ({:g} Gb/s), target BER {:g}{}, {} channel\n\n", channels::display_name(es.modulation),
             es.spec.symbol_rate_baud / 1e9, es.data_rate_bps / 1e9, es.spec.target_ber,
             fec.name == "none" ? std::string() : " at the input of " + fec.title,
             cfg.optical() ? "optical" : cfg.sampled() ? (cfg.sampled()->impulse ? "impulse-response" : "pulse-response") : "copper");
  fmt::print("Equalization ({} candidates searched)\n", eq.candidates.size());
  fmt::print("  CTLE     {} (peaking {:.1f} dB)\n", eq.ctle.label(), eq.ctle.peaking_db());
  std::string taps;
  for (double c : eq.ffe.taps.empty() ? std::vector<double>{1.0} : eq.ffe.taps) taps += fmt::format("{:+.3f} ", c);
  fmt::print("  Tx FFE   {}({} pre-cursor)\n", taps, eq.ffe.n_pre);
  std::string dfe;
  for (double b : eye.dfe_taps_v) dfe += fmt::format("{:+.1f} ", b * 1e3);
  fmt::print("  DFE      {}\n\n", eye.dfe_taps_v.empty() ? std::string("none") : dfe + "mV");
  fmt::print("Eye at BER {:g}: {}{}\n", es.spec.target_ber, solvers::to_string(eye.status),
             eye.reason.empty() ? "" : " (" + eye.reason + ")");
  fmt::print("  {:<8}{:>12}{:>11}{:>13}{:>12}{:>13}\n", "eye", "height mV", "width UI", "threshold mV", "margin dB",
             "log10 BER");
  for (std::size_t i = 0; i < eye.eyes.size(); ++i) {
    const auto& e = eye.eyes[i];
    fmt::print("  {:<8}{:>12.2f}{:>11.3f}{:>13.2f}{:>12.2f}{:>13.2f}\n", i + 1, e.height_v * 1e3, e.width_ui,
               e.threshold_v * 1e3, e.margin_db, e.log10_ber);
  }
  fmt::print("\n  sampling phase {:+.3f} UI, main cursor {:.2f} mV, noise {:.3f} mV rms\n", eye.best_phase_ui,
             eye.main_cursor_v * 1e3, a.noise_sigma_v * 1e3);
  fmt::print("  BER at the optimum {:.3g} (SER {:.3g}); margin {:.2f} dB; COM-style SNR {:.2f} dB\n", eye.ber, eye.ser,
             eye.margin_db, eq.snr.snr_db);
  if (a.com.sampling_index >= 0) {
    const auto& sp = cfg.signalling->spec;
    fmt::print("  sampling rule {} ({:+.3f} UI from the pulse's peak)", channels::to_string(sp.sampling), a.com.sampling_ui);
    if (a.com.pdf)
      fmt::print("; COM's PDFs: A_s {:.3f} mV, A_ni {:.3f} mV, margin {:.2f} dB (the statistical eye's {:.2f} dB)",
                 a.com.a_s_v * 1e3, a.com.a_ni_v * 1e3, a.com.margin_db, a.com.statistical_margin_db);
    fmt::print("\n");
  }
  fmt::print("  limiting term: {} (closure {:.2f} mV; without ISI {:.2f}, without noise {:.2f}, without jitter {:.2f})\n",
             solvers::to_string(eye.closure.limiting), eye.closure.a_ni_v * 1e3, eye.closure.a_ni_without_isi_v * 1e3,
             eye.closure.a_ni_without_noise_v * 1e3, eye.closure.a_ni_without_jitter_v * 1e3);
  if (!a.crosstalk.empty()) {
    fmt::print("  crosstalk {:.3f} mV rms (closure without it {:.2f} mV)\n", eye.crosstalk_sigma_v * 1e3,
               eye.closure.a_ni_without_crosstalk_v * 1e3);
    for (const auto& x : a.crosstalk)
      fmt::print("    {:<48} phase {:+.3f} UI, {:.3f} mV rms, peak {:.3f} mV\n", x.name, x.phase_ui, x.sigma_v * 1e3,
                 x.peak_v * 1e3);
  }
}

void print_optical(const solvers::OpticalAnalysis& oa) {
  fmt::print("\nOptical link figures\n");
  fmt::print("  received OMA {:.2f} dBm (average {:.2f} dBm)\n", oa.received_oma_dbm, oa.received_average_dbm);
  fmt::print("  receiver: {}\n", oa.receiver.summary());
  if (!oa.reachable) {
    fmt::print("  sensitivity: not reachable ({})\n", oa.reason);
  } else {
    fmt::print("  sensitivity {:.2f} dBm OMA ({:.2f} dBm average) at the target BER\n", oa.sensitivity_oma_dbm,
               oa.sensitivity_average_dbm);
    fmt::print("  link margin {:.2f} dB; maximum channel loss {:.2f} dB\n", oa.link_margin_db, oa.max_channel_loss_db);
    fmt::print("  penalties [dB]: extinction ratio {:.2f}, ISI {:.2f}, RIN {:.2f}, dispersion {:.2f}, WDM crosstalk {:.2f}\n",
               oa.penalties.extinction_ratio_db, oa.penalties.isi_db, oa.penalties.rin_db, oa.penalties.dispersion_db,
               oa.penalties.crosstalk_db);
  }
  fmt::print("  {} wavelength{} x {:g} Gb/s = {:g} Gb/s; energy {:.2f} pJ/bit\n", oa.wavelengths,
             oa.wavelengths == 1 ? "" : "s", oa.lane_rate_bps / 1e9, oa.aggregate_rate_bps / 1e9, oa.energy_per_bit_j * 1e12);
}

}  // namespace

CLI::App* register_eye(CLI::App& cli, EyeArgs& args) {
  auto* c = cli.add_subcommand("eye", "Pulse response, equalization, statistical eye and BER");
  add_signal_link_input(*c, args.input);
  c->add_option("--rate", args.signal.rate,
                "With a Touchstone file as the link: the rate, e.g. \"28 Gb/s\" (a config has its own [signal])");
  c->add_option("--modulation", args.signal.modulation, "With a Touchstone file as the link: nrz (default), pam4, pam8, pam16");
  add_result_flags(*c, args);
  return c;
}

int run_eye(const EyeArgs& args) {
  return guarded([&]() -> int {
    Progress progress("eye", args.quiet);
    solvers::start_fft_planner_warm_up();  // overlaps the loading below
    progress.stage("loading the link");
    const io::Config cfg = load_link(args.input, false, &args.signal);
    workflows::EyeRequest rq;
    rq.stop = &interrupt_flag();
    rq.progress = [&](const char* stage) { progress.stage(stage); };
    const workflows::EyeAnswer answer = workflows::eye(cfg, rq);
    throw_if_interrupted();
    progress.finish();
    const solvers::OpticalAnalysis* optical = answer.optical ? &*answer.optical : nullptr;
    const int rc = answer.analysis.eye.status == solvers::EyeStatus::open ? exit_code::answered : exit_code::negative;
    if (!args.output.empty()) io::write_eye_hdf5(args.output, cfg, answer.analysis, optical);
    if (args.json) {
      io::write_eye_json(std::cout, cfg, answer.analysis, optical);
      return rc;
    }
    print_eye(cfg, answer.analysis);
    if (optical) print_optical(*optical);
    return rc;
  });
}

}  // namespace phylane::app
