// phylane maxrate / reach / capacity: the highest per-lane rate, the longest reach at a rate, and
// the Shannon capacity of a link.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/json_writer.hpp"
#include "io/hdf5_writer.hpp"
#include "io/rate_output.hpp"
#include "io/quantity.hpp"
#include "io/version.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/rate.hpp"

namespace phylane::app {

namespace {

io::Config load(const std::string& config, const std::string& preset) {
  if (!config.empty() && !preset.empty()) throw io::InputError("give either a config file or --preset, not both");
  io::Config cfg = !config.empty() ? io::load_config(config)
                                   : io::load_preset(preset.empty() ? io::default_preset_name() : preset);
  if (!cfg.signalling) throw io::InputError(cfg.source + ": needs a [signal] section (modulation, target BER); see docs/eye.md");
  return cfg;
}

// A rate option in the one vocabulary (channels/modulation.hpp): Bd is a symbol rate, b/s and
// T/s a bit rate; the modulation turns one into the other.
channels::LineRate option_rate(const std::string& option, const std::string& text) {
  const auto p = io::parse_rate(text);
  if (!p.rate || !(p.rate->value > 0.0))
    throw io::InputError(option + " \"" + text + "\": " + (p.rate ? "must be > 0" : p.error));
  return *p.rate;
}


std::vector<int> parse_levels(const std::string& text) {
  auto p = io::parse_modulation_list(text);
  if (!p.error.empty()) throw io::InputError("--modulation \"" + text + "\": " + p.error);
  return p.levels;
}

}  // namespace

std::string criterion_text(double margin_db, double eh_v, double ew_ui) {
  std::string t = fmt::format("margin >= {:g} dB", margin_db);
  if (eh_v > 0.0) t += fmt::format(", eye height >= {:g} mV", eh_v * 1e3);
  if (ew_ui > 0.0) t += fmt::format(", eye width >= {:g} UI", ew_ui);
  return t;
}

std::string eq_text(const solvers::EyeAnalysis& a) {
  std::string t = "CTLE " + a.equalizer.ctle.label();
  if (!a.equalizer.ffe.taps.empty()) {
    t += ", Tx FFE";
    for (double c : a.equalizer.ffe.taps) t += fmt::format(" {:+.2f}", c);
  }
  if (!a.eye.dfe_taps_v.empty()) t += fmt::format(", DFE {} taps", a.eye.dfe_taps_v.size());
  return t;
}

int run_maxrate(const MaxRateArgs& args) {
  return guarded([&]() -> int {
    const io::Config cfg = load(args.config, args.preset);
    workflows::MaxRateRequest rq;
    rq.levels = parse_levels(args.modulations);
    if (!args.min_rate.empty()) rq.min_rate = option_rate("--min", args.min_rate);
    if (!args.max_rate.empty()) rq.max_rate = option_rate("--max", args.max_rate);
    rq.margin_db = args.margin_db;
    rq.full_curve = args.full_curve;
    const workflows::MaxRateAnswer answer = workflows::max_rate(cfg, rq);
    const solvers::MaxRateOptions& opt = answer.options;
    const solvers::MaxRateResult& r = answer.result;
    if (!args.output.empty()) io::write_maxrate_hdf5(args.output, cfg, answer);
    if (args.json) {
      io::write_maxrate_json(std::cout, cfg, answer);
      return 0;
    }
    fmt::print("phylane maxrate: {}{}\n", cfg.title.empty() ? "" : cfg.title + " ", "(" + cfg.source + ")");
    fmt::print("  target BER {:g}, {}; search {:g} ... {:g} Gb/s to {:g} %\n\n", cfg.signalling->spec.target_ber,
               criterion_text(opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui),
               opt.min_rate_bps / 1e9, opt.max_rate_bps / 1e9, opt.resolution * 100);
    for (const auto& m : r.per_modulation) {
      const std::string name = m.levels == 2 ? "NRZ" : fmt::format("PAM{}", m.levels);
      if (!m.found) {
        fmt::print("  {:<5} no rate down to {:g} Gb/s meets the target\n", name, opt.min_rate_bps / 1e9);
        continue;
      }
      fmt::print("  {:<5} max {:7.2f} Gb/s{} ({:.2f} GBd): margin {:.2f} dB, eye {:.1f} mV x {:.3f} UI, limited by {}\n",
                 name, m.max_rate_bps / 1e9, m.capped ? " (top of the range)" : "",
                 m.max_rate_bps / std::log2(m.levels) / 1e9, m.at_max.eye.margin_db, m.at_max.eye.height_v * 1e3,
                 m.at_max.eye.width_ui, solvers::to_string(m.at_max.eye.closure.limiting));
      fmt::print("        {}{}\n", eq_text(m.at_max),
                 opt.min_eye_height_for(m.levels) > 0.0 || opt.min_eye_width_for(m.levels) > 0.0
                     ? fmt::format("; mask {:g} mV x {:g} UI", opt.min_eye_height_for(m.levels) * 1e3,
                                   opt.min_eye_width_for(m.levels))
                     : std::string());
    }
    if (r.found)
      fmt::print("\n  best: {} at {:.2f} Gb/s per lane\n", r.best_levels == 2 ? "NRZ" : fmt::format("PAM{}", r.best_levels),
                 r.max_rate_bps / 1e9);
    else
      fmt::print("\n  {}\n", r.reason);
    fmt::print("\nMargin vs rate [dB]{}\n", args.full_curve ? "" : " (from the top down to the first meeting point; --curve for all)");
    for (const auto& m : r.per_modulation) {
      fmt::print("  {:<5}", m.levels == 2 ? "NRZ" : fmt::format("PAM{}", m.levels));
      for (const auto& p : m.curve) fmt::print(" {:.4g}G:{:+.1f}", p.rate_bps / 1e9, p.margin_db);
      fmt::print("\n");
    }
    if (!args.output.empty()) fmt::print("\nwrote {}\n", args.output);
    return 0;
  });
}

namespace {

std::string length_text(double m, bool optical) {
  if (optical) return m >= 1000.0 ? fmt::format("{:.4g} km", m / 1000.0) : fmt::format("{:.4g} m", m);
  return fmt::format("{:.4g} m ({:.4g} in)", m, m / 0.0254);
}

double option_length(const std::string& option, const std::string& text) {
  const auto q = io::parse_quantity(text, io::Dimension::length);
  if (!q.value || !(*q.value > 0.0)) throw io::InputError(option + " \"" + text + "\": " + (q.value ? "must be > 0" : q.error));
  return *q.value;
}

}  // namespace

int run_reach(const ReachArgs& args) {
  return guarded([&]() -> int {
    const io::Config cfg = load(args.config, args.preset);
    workflows::ReachRequest rq;
    if (!args.modulation.empty()) {
      const auto levels = parse_levels(args.modulation);
      if (levels.size() != 1) throw io::InputError("--modulation \"" + args.modulation + "\": give one modulation");
      rq.modulation = channels::modulation_with_levels(levels[0]);
    }
    if (!args.rate.empty()) rq.rate = option_rate("--rate", args.rate);
    rq.element = args.element;
    if (!args.min_length.empty()) rq.min_length_m = option_length("--min", args.min_length);
    if (!args.max_length.empty()) rq.max_length_m = option_length("--max", args.max_length);
    rq.margin_db = args.margin_db;
    rq.full_curve = args.full_curve;
    const workflows::ReachAnswer answer = workflows::reach(cfg, rq);
    const solvers::ReachOptions& opt = answer.options;
    const solvers::ReachResult& r = answer.result;
    const double rate = answer.rate_bps;
    const double baud = answer.symbol_rate_baud;
    if (!args.output.empty()) io::write_reach_hdf5(args.output, cfg, answer);
    if (args.json) {
      io::write_reach_json(std::cout, cfg, answer);
      return 0;
    }
    fmt::print("phylane reach: {}{}\n", cfg.title.empty() ? "" : cfg.title + " ", "(" + cfg.source + ")");
    fmt::print("  {} at {:g} Gb/s ({:g} GBd), target BER {:g}, {}\n", channels::display_name(answer.modulation), rate / 1e9, baud / 1e9,
               cfg.signalling->spec.target_ber,
               criterion_text(opt.required_margin_db, opt.min_eye_height_v, opt.min_eye_width_ui));
    fmt::print("  varying {} (config: {:g} m), search {:g} ... {:g} m\n\n", answer.element, answer.base_length_m, opt.min_length_m,
               opt.max_length_m);
    if (r.found) {
      fmt::print("  max reach {}{}: margin {:.2f} dB, eye {:.1f} mV x {:.3f} UI, limited by {}\n",
                 length_text(r.max_length_m, cfg.optical() != nullptr), r.capped ? " (top of the range)" : "", r.at_max.eye.margin_db,
                 r.at_max.eye.height_v * 1e3, r.at_max.eye.width_ui, solvers::to_string(r.at_max.eye.closure.limiting));
      fmt::print("  {}\n", eq_text(r.at_max));
    } else {
      fmt::print("  {}\n", r.reason);
    }
    fmt::print("\n  {:>12} {:>15} {:>10}  meets\n", "length m", cfg.optical() ? "path loss dB" : "Nyquist loss dB", "margin dB");
    for (const auto& p : r.curve)
      fmt::print("  {:>12.4g} {:>15.2f} {:>10.2f}  {}\n", p.length_m, p.loss_db, p.margin_db, p.meets ? "yes" : "no");
    if (!args.output.empty()) fmt::print("\nwrote {}\n", args.output);
    return 0;
  });
}

int run_capacity(const CapacityArgs& args) {
  return guarded([&]() -> int {
    const io::Config cfg = load(args.config, args.preset);
    workflows::LinkCapacityOptions co;
    if (!args.bandwidth.empty()) co.bandwidth_hz = option_frequency("--bandwidth", args.bandwidth);
    if (args.points) {
      if (*args.points < 16 || *args.points > 1000000) throw io::InputError("--points " + std::to_string(*args.points) + ": must be from 16 to 1000000");
      co.points = *args.points;
    }
    const workflows::CapacityAnswer answer = workflows::capacity(cfg, co, args.no_rate ? std::nullopt : std::optional<workflows::MaxRateRequest>(workflows::MaxRateRequest{}));
    const workflows::LinkCapacity& c = answer.capacity;
    const solvers::MaxRateResult* mr = answer.rate ? &answer.rate->result : nullptr;
    const double cap = c.result.capacity_bps;
    const double rate = mr && mr->found ? mr->max_rate_bps : 0.0;
    if (!args.output.empty()) {
      io::Hdf5Writer w(args.output);
      std::vector<double> gain_db(c.gain2.size()), snr_db(c.result.snr.size());
      for (std::size_t k = 0; k < gain_db.size(); ++k) gain_db[k] = 10.0 * std::log10(std::max(c.gain2[k], 1e-300));
      for (std::size_t k = 0; k < snr_db.size(); ++k) snr_db[k] = 10.0 * std::log10(std::max(c.result.snr[k], 1e-300));
      w.dataset("/capacity/freq_hz", c.result.freq_hz, "Hz", "cell midpoints");
      w.dataset("/capacity/gain_db", gain_db, "dB", "channel power gain |H|^2");
      w.dataset("/capacity/noise_psd", c.noise_psd, "V^2/Hz", "one-sided noise PSD");
      w.dataset("/capacity/tx_psd", c.result.tx_psd, "V^2/Hz", "water-filled transmit PSD");
      w.dataset("/capacity/snr_db", snr_db, "dB", "SNR per cell (-3000 where no power is sent)");
      w.attribute("/capacity", "capacity_bps", cap);
      w.attribute("/capacity", "used_bandwidth_hz", c.result.used_bandwidth_hz);
      w.attribute("/capacity", "tx_power_v2", c.tx_power_v2);
      w.attribute("/capacity", "bandwidth_hz", c.bandwidth_hz);
      w.attribute("/capacity", "max_rate_bps", rate);
      w.strings("/capacity/assumptions", c.assumptions);
      w.attribute("/", "phylane_version", io::phylane_version());
      w.attribute("/", "command", "capacity");
      w.attribute("/", "source", cfg.source);
      w.attribute("/", "config", cfg.stored_toml);
      w.attribute("/", "config_resolved", cfg.resolved_toml);
      w.commit();
    }
    if (args.json) {
      io::JsonWriter j(std::cout);
      j.begin_object().field("phylane_version", io::phylane_version()).field("command", "capacity").field("config", cfg.source);
      j.field("capacity_bps", cap).field("used_bandwidth_hz", c.result.used_bandwidth_hz).field("bandwidth_hz", c.bandwidth_hz);
      j.field("tx_power_v2", c.tx_power_v2).field("pam_power_v2", c.pam_power_v2).field("water_level_v2_per_hz", c.result.water_level);
      if (mr) {
        j.field("max_rate_bps", rate).field("max_rate_modulation", mr->found ? channels::modulation_name(mr->best_levels) : std::string());
        j.field("fraction_of_capacity", cap > 0.0 ? rate / cap : 0.0);
      }
      j.key("assumptions").begin_array();
      for (const auto& a : c.assumptions) j.value(a);
      j.end_array().end_object();
      j.done();
      return 0;
    }
    fmt::print("phylane capacity: {}{}\n", cfg.title.empty() ? "" : cfg.title + " ", "(" + cfg.source + ")");
    fmt::print("  Shannon capacity {:.1f} Gb/s (water-filled over {:.1f} of {:g} GHz; power {:.3g} V^2)\n", cap / 1e9,
               c.result.used_bandwidth_hz / 1e9, c.bandwidth_hz / 1e9, c.tx_power_v2);
    if (mr) {
      if (mr->found)
        fmt::print("  max rate {:.1f} Gb/s ({}) = {:.1f} % of capacity\n", rate / 1e9, channels::modulation_name(mr->best_levels),
                   100.0 * rate / cap);
      else
        fmt::print("  max rate: {}\n", mr->reason);
    }
    fmt::print("  assumptions:\n");
    for (const auto& a : c.assumptions) fmt::print("    - {}\n", a);
    if (!args.output.empty()) fmt::print("\nwrote {}\n", args.output);
    return 0;
  });
}

}  // namespace phylane::app
