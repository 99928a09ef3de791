// phylane tdr: step TDR/TDT impedance profile of a Touchstone file or a configured channel.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/diagnostics.hpp"
#include "io/tdr_output.hpp"
#include "workflows/tdr.hpp"

namespace phylane::app {

CLI::App* register_tdr(CLI::App& cli, TdrArgs& args) {
  auto* c = cli.add_subcommand("tdr", "Step (and pulse) TDR/TDT impedance profile of a Touchstone file or a configured channel");
  add_link_input(*c, args.input, "Touchstone file (.s2p/.s4p) or config file (TOML); default: the default preset");
  c->add_option("--rise-time", args.rise_time,
                "10-90 % rise time of the incident step, e.g. \"20 ps\" (default: 20 ps or the fastest the data support)");
  c->add_option("--edge", args.edge, "Edge shape: gaussian (default) or 10-90 (a linear ramp)");
  c->add_option("--length", args.length, "Physical length of the route, e.g. \"10 in\" (distance = length x t / round trip)");
  c->add_option("--eps-eff", args.eps_eff, "Effective permittivity for the distance axis (v = c0 / sqrt(eps_eff))");
  c->add_option("--pulse", args.pulse,
                "Pulse TDR/TDT as well: width of the incident rectangular pulse (same edges), e.g. \"50 ps\"");
  add_output_flags(*c, args.json);
  c->add_option("-o,--output", args.output, "Write the profile to an HDF5 file");
  return c;
}

namespace {

void print_human(const io::Config& cfg, const workflows::TdrAnswer& a) {
  fmt::print("{}\n", header_line("tdr", cfg));
  fmt::print("  {} step, {} edge, rise time {:.1f} ps (10-90 %){}\n", a.profile.mode, solvers::to_string(a.edge),
             a.rise_time_s * 1e12,
             a.fastest_rise_time_s > 0.0 ? fmt::format("; the data (band to {:g} GHz) support {:.1f} ps", a.band_top_hz / 1e9,
                                                       a.fastest_rise_time_s * 1e12)
                                         : std::string());
  fmt::print("  reference {:g} ohm{}; thru delay {:.1f} ps; distance from {} ({:.4g} m/ns)\n\n", a.profile.reference_ohm,
             a.common ? fmt::format(" (common mode {:g} ohm)", a.common->reference_ohm) : std::string(),
             a.thru_delay_s * 1e12, a.distance_basis, a.velocity_m_per_s * 1e-9);
  const bool pulse = a.pulse_width_s > 0.0;
  if (pulse)
    fmt::print("  pulse of {:.1f} ps (between the 50 % points of its edges): reflected and transmitted pulse in units of "
               "its height\n\n", a.pulse_width_s * 1e12);
  fmt::print("  {:>10}{:>12}{:>12}{:>10}{}{:>9}{}\n", "time", "distance", a.common ? "Zdiff" : "Z", "rho",
             a.common ? fmt::format("{:>12}", "Zcm") : std::string(), "TDT",
             pulse ? fmt::format("{:>10}{:>10}", "pulse R", "pulse T") : std::string());
  const std::size_t rows = 24;
  const std::size_t stride = std::max<std::size_t>(1, a.time_s.size() / rows);
  for (std::size_t i = 0; i < a.time_s.size(); i += stride)
    fmt::print("  {:>7.1f} ps{:>9.2f} mm{:>8.2f} ohm{:>10.4f}{}{:>9.4f}{}\n", a.time_s[i] * 1e12, a.distance_m[i] * 1e3,
               a.profile.impedance_ohm[i], a.profile.rho[i],
               a.common ? fmt::format("{:>8.2f} ohm", a.common->impedance_ohm[i]) : std::string(), a.tdt[i],
               pulse ? fmt::format("{:>10.4f}{:>10.4f}", a.profile.pulse_rho[i], a.pulse_tdt[i]) : std::string());
  // The range over the route itself (up to the round trip).
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t i = 0; i < a.time_s.size(); ++i)
    if (a.time_s[i] <= 2.0 * a.thru_delay_s) {
      lo = std::min(lo, a.profile.impedance_ohm[i]);
      hi = std::max(hi, a.profile.impedance_ohm[i]);
    }
  fmt::print("\n  along the route (t <= round trip {:.1f} ps): {:.2f} ... {:.2f} ohm\n", 2e12 * a.thru_delay_s, lo, hi);
}

}  // namespace

int run_tdr(const TdrArgs& args) {
  return guarded([&]() -> int {
    const workflows::TdrRequest r = tdr_request(args);
    const io::Config cfg = load_link(args.input);
    check_tdr_link(cfg);
    const workflows::TdrAnswer a = workflows::tdr(cfg, r);
    if (!args.output.empty()) io::write_tdr_hdf5(args.output, cfg, a);
    if (args.json)
      io::write_tdr_json(std::cout, cfg, a);
    else
      print_human(cfg, a);
    if (!args.output.empty() && !args.json) fmt::print("wrote {}\n", args.output);
    return exit_code::answered;
  });
}

}  // namespace phylane::app
