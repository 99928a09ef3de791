// phylane study: the question phylane exists for, on one page — copper against optics over reach.
#include "app/cmd_study.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
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

std::string num_text(double v, const char* f) { return std::isfinite(v) ? fmt::format(fmt::runtime(f), v) : std::string("-"); }

void print_table(const workflows::Study& st, const workflows::StudyResult& r) {
  const auto& w = st.workload;
  fmt::print("phylane study: {} ({})\n", st.name, st.source);
  fmt::print("  {} lengths from {} to {}; {} all-reduce of {:g} parameters x {:g} B = {:g} GB per step on", st.reach_m.size(),
             length_text(st.reach_m.front()), length_text(st.reach_m.back()), solvers::to_string(w.algorithm), w.parameters,
             w.bytes_per_parameter, w.parameters * w.bytes_per_parameter / 1e9);
  for (std::size_t i = 0; i < w.devices.size(); ++i) fmt::print("{}{}", i == 0 ? " " : ", ", w.devices[i]);
  fmt::print(" devices\n  convention: 1 GB = 1e9 B; rates and bandwidths per direction; max rate at each link's target BER and eye mask;\n"
             "  rt = retimers used; Gb/s/mm = lanes per mm of die edge x rate; pJ/b = energy per line bit (all parts);\n"
             "  PHY ns = SerDes + FEC + retimers + flight time; a ring step adds the link's alpha; comm s = the all-reduce per step{}\n"
             "  \"-\": not reachable (beyond the option's max_length) or no rate meets the target;\n"
             "  best \"*\": the rate is the transceiver's symbol-rate ceiling (max_symbol_rate x log2 levels)\n",
             w.compute_time_s ? fmt::format(";\n  step s = {:.3g} s of compute + the exposed all-reduce (overlap {:g})",
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
    fmt::print("  reach varies {}; loss = {}{}{}\n", lr.element_label, lr.loss_label,
               sl.retimers.max_count > 0 ? fmt::format(" (per hop); up to {} retimers, {:g} dB per hop", sl.retimers.max_count,
                                                       sl.retimers.budget_db)
                                         : std::string(),
               std::isfinite(sl.max_length_m) ? fmt::format("; max length {}", length_text(sl.max_length_m)) : std::string());
    fmt::print("  {:>9} {:>6} {:>7} {:>7} {:>5} {:>8} {:>3} {:>7} {:>8} {:>6} {:>7}", "length", "loss", "NRZ", "PAM4", "best",
               "capacity", "rt", "link", "density", "energy", "PHY");
    for (int n : w.devices) fmt::print(" {:>8}", fmt::format("n={}", n));
    if (w.compute_time_s)
      for (int n : w.devices) fmt::print(" {:>8}", fmt::format("n={}", n));
    fmt::print("\n  {:>9} {:>6} {:>7} {:>7} {:>5} {:>8} {:>3} {:>7} {:>8} {:>6} {:>7}", "", "dB", "Gb/s", "Gb/s", "", "Gb/s", "",
               "GB/s", "Gb/s/mm", "pJ/b", "ns");
    for (std::size_t d = 0; d < w.devices.size(); ++d) fmt::print(" {:>8}", "comm s");
    if (w.compute_time_s)
      for (std::size_t d = 0; d < w.devices.size(); ++d) fmt::print(" {:>8}", "step s");
    fmt::print("\n");
    for (const auto& p : lr.points) {
      const bool has = p.reachable && p.max_rate_bps > 0.0;
      fmt::print("  {:>9} {:>6} {:>7} {:>7} {:>5} {:>8} {:>3} {:>7} {:>8} {:>6} {:>7}", length_text(p.length_m),
                 num_text(p.loss_db, "{:.1f}"), rate_text(p.max_rate_nrz_bps), rate_text(p.max_rate_pam4_bps),
                 p.best_levels == 0 ? std::string("-")
                                    : (p.best_levels == 2 ? std::string("NRZ") : fmt::format("PAM{}", p.best_levels)) +
                                          (p.symbol_rate_limited ? "*" : ""),
                 p.reachable ? rate_text(p.capacity_bps) : std::string("-"), p.reachable ? fmt::format("{}", p.retimers) : std::string("-"),
                 has ? fmt::format("{:.1f}", p.link_bandwidth_bytes_per_s / 1e9) : std::string("-"),
                 has ? num_text(p.density_bps_per_mm / 1e9, "{:.0f}") : std::string("-"),
                 has ? num_text(p.energy_per_bit_j * 1e12, "{:.2f}") : std::string("-"),
                 has ? num_text(p.phy_latency_s * 1e9, "{:.1f}") : std::string("-"));
      for (double t : p.sync_time_s) fmt::print(" {:>8}", time_text(t));
      if (w.compute_time_s)
        for (double t : p.step_time_s) fmt::print(" {:>8}", time_text(t));
      fmt::print("\n");
    }
    const auto& e = lr.eye_at_config;
    fmt::print("  at the configured {} and {:g} Gb/s: eye height {:.1f} mV, width {:.3f} UI, margin {:.2f} dB\n",
               length_text(lr.config_length_m), lr.config_rate_bps / 1e9, e.eye.height_v * 1e3, e.eye.width_ui,
               e.eye.margin_db);
  }
  // The winner of each axis at each length (workflows::study_winners).
  if (r.links.size() < 2) return;
  const auto& win = r.winners;
  auto who = [&](int i) { return i < 0 ? std::string("-") : r.links[static_cast<std::size_t>(i)].name; };
  std::size_t width = 1;
  for (const auto& l : r.links) width = std::max(width, l.name.size());
  width = std::min<std::size_t>(width, 24);
  auto cell = [&](int i) {
    std::string n = who(i);
    if (n.size() > width) n = n.substr(0, width);
    return fmt::format(" {:<{}}", n, width);
  };
  fmt::print("\nWinners per length: highest rate and density; lowest energy per bit, PHY latency and {}\n",
             w.compute_time_s ? "step time" : "all-reduce time");
  fmt::print("  {:>9}{}{}{}{}", "length", fmt::format(" {:<{}}", "rate", width), fmt::format(" {:<{}}", "density", width),
             fmt::format(" {:<{}}", "energy", width), fmt::format(" {:<{}}", "latency", width));
  for (int n : w.devices) fmt::print(" {:<{}}", fmt::format("{} n={}", w.compute_time_s ? "step" : "comm", n), width);
  fmt::print("\n");
  for (std::size_t k = 0; k < st.reach_m.size(); ++k) {
    fmt::print("  {:>9}{}{}{}{}", length_text(st.reach_m[k]), cell(win.max_rate[k]), cell(win.density[k]), cell(win.energy[k]),
               cell(win.latency[k]));
    for (const auto& row : win.step_time) fmt::print("{}", cell(row[k]));
    fmt::print("\n");
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
