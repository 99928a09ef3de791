// phylane study: the question phylane exists for, on one page — copper against optics over reach.
#include "app/cmd_study.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/claims_output.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "io/quantity.hpp"
#include "io/study.hpp"
#include "workflows/claims.hpp"
#include "workflows/study.hpp"

namespace phylane::app {

CLI::App* register_study(CLI::App& cli, StudyArgs& args) {
  auto* c = cli.add_subcommand(
      "study", "Copper vs optics over reach: loss, max rate and capacity, link bandwidth, all-reduce time per step");
  c->add_option("study", args.study, "Study file (TOML, see docs/study.md); default: the embedded study");
  add_preset_option(*c, args.preset, "Use an embedded study (see `phylane presets --kind studies`)");
  c->add_option("-o,--output", args.output, "HDF5 results (default results/study.h5; \"-\" for none)");
  c->add_option("--points", args.points, "Number of reach points (overrides [reach] points)")->check(CLI::Range(2, 200));
  add_output_flags(*c, args.json, &args.quiet);
  c->add_flag("--no-claims", args.no_claims, "Do not evaluate the study's claim file");
  return c;
}

namespace {

std::string length_text(double m) {
  if (m < 1.0) return fmt::format("{:.3g} cm", m * 100.0);
  return fmt::format("{:.3g} m", m);
}

std::string rate_text(double bps) { return bps > 0.0 ? fmt::format("{:.1f}", bps / 1e9) : std::string("-"); }

std::string time_text(double s) { return std::isfinite(s) ? fmt::format("{:.3g}", s) : std::string("-"); }

void print_table(const workflows::Study& st, const workflows::StudyResult& r) {
  const auto& w = st.workload;
  fmt::print("phylane study: {} ({})\n", st.name, st.source);
  fmt::print("  {} lengths from {} to {}; {} all-reduce of {:g} parameters x {:g} B = {:g} GB per step on", st.reach_m.size(),
             length_text(st.reach_m.front()), length_text(st.reach_m.back()), solvers::to_string(w.algorithm), w.parameters,
             w.bytes_per_parameter, w.parameters * w.bytes_per_parameter / 1e9);
  for (std::size_t i = 0; i < w.devices.size(); ++i) fmt::print("{}{}", i == 0 ? " " : ", ", w.devices[i]);
  fmt::print(" devices\n  convention: 1 GB = 1e9 B; bandwidths per direction; max rate at each link's target BER and eye mask;\n"
             "  PHY lat = flight time + FEC (codeword over the lanes + decoder, docs/fec.md); a ring step adds the link's alpha;\n"
             "  comm s = the all-reduce per step{}\n",
             w.compute_time_s ? fmt::format("; step s = {:.3g} s of compute + the exposed all-reduce (overlap {:g})",
                                            *w.compute_time_s, w.overlap)
                              : std::string());
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    const auto& lr = r.links[i];
    const auto& sl = st.links[i];
    const auto& sig = *sl.link->signalling;
    auto coding = [&](int levels) {
      const channels::Fec& fec = sig.fec_for(levels);
      return fmt::format("{} {}{}", modulation_label(levels), sl.encoding_for(levels).name,
                         fec.name == "none" ? fmt::format(" at BER {:g}", sig.target_ber_for(levels))
                                            : fmt::format(" at pre-FEC BER {:g}", sig.target_ber_for(levels)));
    };
    fmt::print("\n{} ({}, {}; {}, {})\n", lr.name, sl.link->source, sl.lanes_label, coding(2), coding(4));
    fmt::print("  reach varies {}; loss = {}\n", lr.element_label, lr.loss_label);
    fmt::print("  {:>9} {:>8} {:>8} {:>8} {:>5} {:>9} {:>9} {:>8}", "length", "loss", "NRZ", "PAM4", "best", "capacity",
               "link", "PHY lat");
    for (int n : w.devices) fmt::print(" {:>9}", fmt::format("n={}", n));
    if (w.compute_time_s)
      for (int n : w.devices) fmt::print(" {:>9}", fmt::format("n={}", n));
    fmt::print("\n  {:>9} {:>8} {:>8} {:>8} {:>5} {:>9} {:>9} {:>8}", "", "dB", "Gb/s", "Gb/s", "", "Gb/s", "GB/s", "ns");
    for (std::size_t d = 0; d < w.devices.size(); ++d) fmt::print(" {:>9}", "comm s");
    if (w.compute_time_s)
      for (std::size_t d = 0; d < w.devices.size(); ++d) fmt::print(" {:>9}", "step s");
    fmt::print("\n");
    for (const auto& p : lr.points) {
      fmt::print("  {:>9} {:>8.1f} {:>8} {:>8} {:>5} {:>9} {:>9.1f} {:>8}", length_text(p.length_m), p.loss_db,
                 rate_text(p.max_rate_nrz_bps), rate_text(p.max_rate_pam4_bps),
                 p.best_levels == 0 ? std::string("-") : p.best_levels == 2 ? std::string("NRZ") : fmt::format("PAM{}", p.best_levels),
                 rate_text(p.capacity_bps), p.link_bandwidth_bytes_per_s / 1e9,
                 p.best_levels == 0 ? std::string("-") : fmt::format("{:.1f}", (p.propagation_s + p.fec_latency_s) * 1e9));
      for (double t : p.sync_time_s) fmt::print(" {:>9}", time_text(t));
      if (w.compute_time_s)
        for (double t : p.step_time_s) fmt::print(" {:>9}", time_text(t));
      fmt::print("\n");
    }
    const auto& e = lr.eye_at_config;
    fmt::print("  at the configured {} and {:g} Gb/s: eye height {:.1f} mV, width {:.3f} UI, margin {:.2f} dB\n",
               length_text(lr.config_length_m), lr.config_rate_bps / 1e9, e.eye.height_v * 1e3, e.eye.width_ui,
               e.eye.margin_db);
  }
}

}  // namespace

int run_study(const StudyArgs& args) {
  return guarded([&] {
    const workflows::Study st = study_of(args);
    // The claim file is read (and checked) before anything is computed.
    const std::optional<io::ClaimSet> claim_set = args.no_claims ? std::nullopt : io::load_study_claims(st);
    Progress progress("study", args.quiet);
    progress.stage("computing");
    workflows::StudyRequest rq;
    rq.hooks = progress.run_hooks();
    const workflows::StudyResult r = workflows::run_study(st, rq);
    std::optional<io::ClaimsReport> claims;
    if (claim_set) {
      progress.stage("judging the claims");
      workflows::ClaimsRequest cq;
      cq.hooks = progress.run_hooks("computations");
      claims = io::evaluate_claims(*claim_set, cq);
    }
    progress.complete();
    const io::ClaimsReport* cr = claims ? &*claims : nullptr;
    const bool write = !args.output.empty() && args.output != "-";
    if (write) {
      const std::filesystem::path out(args.output);
      if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
      io::write_study_hdf5(out, st, r, cr);
    }
    if (args.json) {
      io::write_study_json(std::cout, st, r, cr);
      return 0;
    }
    print_table(st, r);
    if (claims) {
      std::ostringstream os;
      io::print_claims(os, *claims, true);
      const bool embedded = io::embedded_file(st.claims).has_value();
      fmt::print("\n{}  details: phylane claims {}{}\n", os.str(), embedded ? "--preset " : "", st.claims);
    }
    fmt::print("\n{:.1f} s on {} threads.", r.seconds, r.threads);
    if (write)
      fmt::print(" Wrote {}; plot it with\n  PHYLANE_H5={} /usr/bin/python3 -m nbconvert --to html --execute notebooks/study.ipynb\n",
                 args.output, args.output);
    else
      fmt::print("\n");
    return 0;
  });
}

}  // namespace phylane::app
