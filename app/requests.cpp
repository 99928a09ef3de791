#include "app/requests.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "app/common.hpp"
#include "channels/network_checks.hpp"
#include "channels/network_ops.hpp"
#include "io/com_sheet.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "io/fit_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/study.hpp"
#include "io/text_file.hpp"
#include "io/json_writer.hpp"
#include "io/loss_output.hpp"
#include "io/quantity.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "io/version.hpp"
#include "solvers/loss_analysis.hpp"
#include "phy/cross_section_dimension.hpp"
#include "phy/units.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::app {

workflows::LossRequest loss_request(const io::Config& cfg, const LossArgs& args) {
  if (cfg.optical()) {
    if (!args.freqs.empty() || !args.fmax.empty() || args.points)
      throw io::InputError("--freq, --fmax and --points apply to copper channels; " + cfg.source +
                           " describes an optical link");
    return {};
  }
  if (!cfg.copper() && !cfg.composed())
    throw io::InputError(cfg.source + ": the loss report needs a copper or optical channel");
  workflows::LossRequest opt;
  opt.report_freqs_hz = cfg.report.frequencies_hz;
  opt.fmax_hz = cfg.report.fmax_hz;
  opt.points = cfg.report.points;
  if (!args.freqs.empty()) {
    opt.report_freqs_hz.clear();
    for (const auto& f : args.freqs) opt.report_freqs_hz.push_back(option_frequency("--freq", f));
  }
  if (!args.fmax.empty()) opt.fmax_hz = option_frequency("--fmax", args.fmax);
  if (args.points) {
    if (*args.points < 2 || *args.points > 1000000)
      throw io::InputError("--points " + std::to_string(*args.points) + ": must be a whole number from 2 to 1000000");
    opt.points = *args.points;
  }
  opt.keep_line_points = !args.output.empty();
  return opt;
}

workflows::MaxRateRequest maxrate_request(const MaxRateArgs& args) {
  workflows::MaxRateRequest rq;
  rq.levels = option_modulations(args.modulations);
  if (!args.min_rate.empty()) rq.min_rate = option_rate("--min", args.min_rate);
  if (!args.max_rate.empty()) rq.max_rate = option_rate("--max", args.max_rate);
  rq.margin_db = args.margin_db;
  rq.full_curve = args.full_curve;
  return rq;
}

io::Config maxrate_link(const MaxRateArgs& args, const workflows::MaxRateRequest& rq) {
  if (!touchstone_input(args.input)) return load_link(args.input, true);
  SignalFlags signal;
  signal.rate = !args.max_rate.empty() ? args.max_rate
                                       : fmt::format("{:g} Gb/s", solvers::MaxRateOptions{}.max_rate_bps / 1e9);
  if (!rq.levels.empty())
    if (const auto m = channels::modulation_with_levels(rq.levels.front()))
      signal.modulation = std::string(channels::to_string(*m));
  return load_link(args.input, true, &signal);
}

workflows::ReachRequest reach_request(const ReachArgs& args) {
  workflows::ReachRequest rq;
  if (!args.modulation.empty()) {
    const auto levels = option_modulations(args.modulation);
    if (levels.size() != 1) throw io::InputError("--modulation \"" + args.modulation + "\": give one modulation");
    rq.modulation = channels::modulation_with_levels(levels[0]);
  }
  if (!args.rate.empty()) rq.rate = option_rate("--rate", args.rate);
  rq.element = args.element;
  if (!args.min_length.empty()) rq.min_length_m = option_length("--min", args.min_length);
  if (!args.max_length.empty()) rq.max_length_m = option_length("--max", args.max_length);
  rq.margin_db = args.margin_db;
  rq.full_curve = args.full_curve;
  return rq;
}

workflows::LinkCapacityOptions capacity_options(const CapacityArgs& args) {
  workflows::LinkCapacityOptions co;
  if (!args.bandwidth.empty()) co.bandwidth_hz = option_frequency("--bandwidth", args.bandwidth);
  if (args.points) {
    if (*args.points < 16 || *args.points > 1000000)
      throw io::InputError("--points " + std::to_string(*args.points) + ": must be from 16 to 1000000");
    co.points = *args.points;
  }
  return co;
}

void write_capacity_json(std::ostream& os, const io::Config& cfg, const workflows::CapacityAnswer& answer) {
  const workflows::LinkCapacity& c = answer.capacity;
  const solvers::MaxRateResult* mr = answer.rate ? &answer.rate->result : nullptr;
  const double cap = c.result.capacity_bps;
  const double rate = mr && mr->found ? mr->max_rate_bps : 0.0;
  io::JsonWriter j(os);
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
}

void write_capacity_hdf5(const std::string& file, const io::Config& cfg, const workflows::CapacityAnswer& answer) {
  const workflows::LinkCapacity& c = answer.capacity;
  const solvers::MaxRateResult* mr = answer.rate ? &answer.rate->result : nullptr;
  io::Hdf5Writer w(file);
  std::vector<double> gain_db(c.gain2.size()), snr_db(c.result.snr.size());
  for (std::size_t k = 0; k < gain_db.size(); ++k) gain_db[k] = 10.0 * std::log10(std::max(c.gain2[k], 1e-300));
  for (std::size_t k = 0; k < snr_db.size(); ++k) snr_db[k] = 10.0 * std::log10(std::max(c.result.snr[k], 1e-300));
  w.dataset("/capacity/freq_hz", c.result.freq_hz, "Hz", "cell midpoints");
  w.dataset("/capacity/gain_db", gain_db, "dB", "channel power gain |H|^2");
  w.dataset("/capacity/noise_psd", c.noise_psd, "V^2/Hz", "one-sided noise PSD");
  w.dataset("/capacity/tx_psd", c.result.tx_psd, "V^2/Hz", "water-filled transmit PSD");
  w.dataset("/capacity/snr_db", snr_db, "dB", "SNR per cell (-3000 where no power is sent)");
  w.attribute("/capacity", "capacity_bps", c.result.capacity_bps);
  w.attribute("/capacity", "used_bandwidth_hz", c.result.used_bandwidth_hz);
  w.attribute("/capacity", "tx_power_v2", c.tx_power_v2);
  w.attribute("/capacity", "bandwidth_hz", c.bandwidth_hz);
  w.attribute("/capacity", "max_rate_bps", mr && mr->found ? mr->max_rate_bps : 0.0);
  w.strings("/capacity/assumptions", c.assumptions);
  w.attribute("/", "phylane_version", io::phylane_version());
  w.attribute("/", "command", "capacity");
  w.attribute("/", "source", cfg.source);
  w.attribute("/", "config", cfg.stored_toml);
  w.attribute("/", "config_resolved", cfg.resolved_toml);
  w.commit();
}

io::System throughput_system(const ThroughputArgs& args) {
  either_file_or_preset(args.system, args.embedded, "a system file");
  if (!args.system.empty()) return io::load_system(args.system);
  return io::load_embedded_system(args.embedded.empty() ? io::default_system_name() : args.embedded);
}

io::ClaimSet claim_set(const ClaimsArgs& args) {
  either_file_or_preset(args.file, args.embedded, "a claim file");
  if (!args.file.empty()) return io::load_claims(args.file);
  return io::load_embedded_claims(args.embedded.empty() ? io::default_claim_set_name() : args.embedded);
}

workflows::Study study_of(const StudyArgs& args) {
  either_file_or_preset(args.study, args.preset, "a study file");
  if (args.points != 0 && (args.points < 2 || args.points > 200))
    throw io::InputError("--points " + std::to_string(args.points) + ": must be from 2 to 200 (0: the study's own)");
  if (!args.study.empty()) return io::load_study(args.study, args.points);
  if (args.preset.empty()) return io::default_study(args.points);
  const auto text = io::embedded_file("studies/" + args.preset + ".toml");
  if (!text) {
    std::string known;
    for (const auto& n : io::embedded_toml_names("studies")) known += (known.empty() ? "" : ", ") + n;
    throw io::InputError("--preset \"" + args.preset + "\": no such study; built in: " + known);
  }
  return io::load_study_text(*text, "embedded:studies/" + args.preset + ".toml", std::filesystem::current_path(),
                             args.points);
}

workflows::TdrRequest tdr_request(const TdrArgs& args) {
  workflows::TdrRequest r;
  if (!args.rise_time.empty()) {
    const auto q = io::parse_quantity(args.rise_time, io::Dimension::time);
    if (!q.value) throw io::InputError("--rise-time \"" + args.rise_time + "\": " + q.error);
    if (!(*q.value > 0.0) || *q.value > 1e-6)
      throw io::InputError("--rise-time \"" + args.rise_time + "\": must be a time > 0 and at most 1 us");
    r.rise_time_s = *q.value;
  }
  if (!args.edge.empty()) {
    const auto e = solvers::parse_edge_shape(args.edge);
    if (!e) throw io::InputError("--edge \"" + args.edge + "\": must be one of gaussian, 10-90");
    r.edge = *e;
  }
  if (!args.length.empty()) r.route_length_m = option_length("--length", args.length);
  if (args.eps_eff) {
    if (!(*args.eps_eff >= 1.0) || !std::isfinite(*args.eps_eff))
      throw io::InputError("--eps-eff " + fmt::format("{:g}", *args.eps_eff) + ": must be a permittivity >= 1");
    if (!args.length.empty()) throw io::InputError("give either --length or --eps-eff (both set the distance axis)");
    r.eps_eff = *args.eps_eff;
  }
  if (!args.pulse.empty()) {
    const auto q = io::parse_quantity(args.pulse, io::Dimension::time);
    if (!q.value) throw io::InputError("--pulse \"" + args.pulse + "\": " + q.error);
    if (!(*q.value > 0.0) || *q.value > 1e-6)
      throw io::InputError("--pulse \"" + args.pulse + "\": must be a pulse width > 0 and at most 1 us");
    r.pulse_width_s = *q.value;
  }
  return r;
}

void check_tdr_link(const io::Config& cfg) {
  if (!cfg.composed())
    throw io::InputError(cfg.source + ": the TDR needs a copper channel (modelled traces, Touchstone or element blocks)");
}

workflows::ImpedanceRequest impedance_request(const ImpedanceArgs& args) {
  workflows::ImpedanceRequest r;
  const auto q = io::parse_quantity(args.target, io::Dimension::resistance);
  if (!q.value) throw io::InputError("--target \"" + args.target + "\": " + q.error);
  if (!(*q.value > 0.0) || *q.value > 1e4)
    throw io::InputError("--target \"" + args.target + "\": must be an impedance > 0 and at most 10000 ohm");
  r.target_ohm = *q.value;
  const auto d = phy::parse_cross_section_dimension(args.solve);
  if (!d) throw io::InputError("--solve \"" + args.solve + "\": must be one of width, spacing, height");
  r.solve = *d;
  if (args.segment) {
    if (*args.segment < 1) throw io::InputError(fmt::format("--segment {}: must be 1 or more (segments count from 1)", *args.segment));
    r.segment = static_cast<std::size_t>(*args.segment - 1);
  }
  for (const auto& f : args.freqs) r.freqs_hz.push_back(option_frequency("--freq", f));
  return r;
}

void default_impedance_freqs(const io::Config& cfg, workflows::ImpedanceRequest& rq) {
  if (rq.freqs_hz.empty()) rq.freqs_hz = cfg.report.frequencies_hz;
  if (rq.freqs_hz.empty()) rq.freqs_hz = {10e9};
}

workflows::WaveguideResult waveguide_result(const io::WaveguideConfig& cfg, const workflows::RunHooks& hooks) {
  workflows::WaveguideRequest rq = cfg.request;
  rq.hooks = hooks;
  try {
    return workflows::analyze_waveguide(rq);
  } catch (const std::invalid_argument& e) {
    // A geometry the file's checks cannot see before solving (a bend inside its own mode).
    throw io::InputError(cfg.source + ": waveguide: " + e.what());
  }
}

FitAnswer fit_answer(const FitArgs& args) {
  std::vector<double> lengths;
  {
    std::stringstream ss(args.lengths);
    std::string item;
    while (std::getline(ss, item, ',')) lengths.push_back(option_length("--lengths", item));
  }
  if (lengths.size() != args.files.size())
    throw io::InputError(fmt::format("--lengths \"{}\": {} length{} for {} files; give one length per file", args.lengths,
                                     lengths.size(), lengths.size() == 1 ? "" : "s", args.files.size()));
  const bool material = !args.cross_section.empty();
  if (!material) {
    for (const auto& [flag, given] : {std::pair{"--segment", args.segment.has_value()},
                                      std::pair{"--write-material", !args.write_material.empty()},
                                      std::pair{"--write-config", !args.write_config.empty()},
                                      std::pair{"--roughness", !args.roughness.empty()},
                                      std::pair{"--from-difference", args.from_difference},
                                      std::pair{"--weighting", args.weighting != "uniform"},
                                      std::pair{"--config-length", !args.config_length.empty()}})
      if (given) throw io::InputError(fmt::format("{}: needs --cross-section CONFIG (the cross-section to fit)", flag));
    if (args.files.size() < 2)
      throw io::InputError("fit: one file given; give two or more lengths, or one with --cross-section CONFIG "
                           "(the known cross-section whose laminate and foil are fitted to its total loss)");
  }
  // Options of the material fit, all checked before any file is read.
  workflows::MaterialFitOptions mo;
  std::size_t segment = 0;
  double launch_db = 0.0;
  if (material) {
    if (args.segment) {
      if (*args.segment < 1) throw io::InputError(fmt::format("--segment {}: must be 1 or more (segments count from 1)", *args.segment));
      segment = static_cast<std::size_t>(*args.segment - 1);
    }
    mo.reference_hz = option_frequency("--reference", args.reference);
    mo.from_difference = args.from_difference;
    if (!args.config_length.empty()) {
      if (args.write_config.empty())
        throw io::InputError("--config-length: sets the fitted segment's length in the --write-config file; give --write-config");
      option_length("--config-length", args.config_length);
    }
    if (args.weighting == "octave") mo.weighting = workflows::FitWeighting::octave;
    else if (args.weighting != "uniform")
      throw io::InputError(fmt::format("--weighting \"{}\": must be uniform or octave", args.weighting));
    const auto from = io::parse_quantity(args.fit_from, io::Dimension::frequency);
    if (!from.value || !(*from.value >= 0.0)) throw io::InputError("--fit-from \"" + args.fit_from + "\": " + (from.value ? "must be >= 0 Hz" : from.error));
    mo.fit_from_hz = *from.value;
    if (!args.fit_to.empty()) {
      mo.fit_to_hz = option_frequency("--fit-to", args.fit_to);
      if (!(mo.fit_to_hz > mo.fit_from_hz))
        throw io::InputError(fmt::format("--fit-to \"{}\": must be above --fit-from \"{}\"", args.fit_to, args.fit_from));
    }
    if (!args.roughness.empty()) {
      mo.roughness = phy::parse_roughness_model(args.roughness);
      if (!mo.roughness)
        throw io::InputError(fmt::format("--roughness \"{}\": must be one of {}", args.roughness, phy::roughness_model_names()));
    }
    const auto l = io::parse_quantity(args.launch_loss, io::Dimension::decibel);
    if (!l.value || !(*l.value >= 0.0))
      throw io::InputError("--launch-loss \"" + args.launch_loss + "\": " + (l.value ? "must be a loss >= 0 dB" : l.error));
    launch_db = *l.value;
    if (args.files.size() > 1 && launch_db != 0.0)
      throw io::InputError("--launch-loss: applies to one file only (two or more lengths remove the launches by differencing)");
    const bool id_ok = !args.material_id.empty() && std::all_of(args.material_id.begin(), args.material_id.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (!id_ok)
      throw io::InputError(fmt::format("--material-id \"{}\": must be lowercase letters, digits and hyphens", args.material_id));
  }
  std::optional<channels::PortOrder> given;
  if (!args.port_order.empty()) given = option_port_order(args.port_order);
  std::optional<io::Config> cfg;
  if (material) cfg = io::load_config(args.cross_section);
  std::vector<workflows::MeasuredLength> in;
  for (std::size_t i = 0; i < args.files.size(); ++i) {
    workflows::MeasuredLength m;
    m.network = io::read_touchstone(args.files[i]);
    m.name = args.files[i];
    m.length_m = lengths[i];
    if (m.network.ports() == 4) {
      if (given) {
        m.order = *given;
      } else {
        const auto p = io::detect_thru_pairing(m.network);
        if (p.shown && io::port_order_of(*p.shown)) m.order = *io::port_order_of(*p.shown);
      }
    }
    in.push_back(std::move(m));
  }
  const workflows::LengthFit f = in.size() == 1 ? workflows::single_length_loss(in.front(), launch_db) : workflows::fit_lengths(in);
  std::optional<workflows::MaterialFit> mf;
  std::string material_text, config_text;
  if (material) {
    mf = workflows::fit_material(f, lengths, *cfg, segment, mo);
    std::string provenance = "phylane fit of";
    for (std::size_t i = 0; i < args.files.size(); ++i)
      provenance += fmt::format(" {} ({:g} in)", std::filesystem::path(args.files[i]).filename().string(), lengths[i] / phy::units::inch);
    provenance += fmt::format(", cross-section {} segment {}", std::filesystem::path(args.cross_section).filename().string(),
                              segment + 1);
    if (in.size() == 1) provenance += fmt::format(", launches {:g} dB", launch_db);
    material_text = io::fitted_material_toml(*mf, args.material_id, provenance);
    if (!args.write_config.empty())
      config_text = io::config_with_fitted_material(args.cross_section, segment, *mf, args.material_id, provenance,
                                                    args.config_length);
    if (!mf->converged) {
      // A numeric failure (exit 1): nothing is written.
      throw std::runtime_error(fmt::format("fit: the material fit did not converge after {} iterations: {}", mf->iterations,
                                           mf->reason));
    }
  }
  FitAnswer answer;
  answer.lengths_m = std::move(lengths);
  answer.fit = f;
  answer.material = std::move(mf);
  answer.launch_db = launch_db;
  answer.material_toml = std::move(material_text);
  answer.config_toml = std::move(config_text);
  return answer;
}

void write_fit_files(const FitArgs& args, const FitAnswer& a) {
  if (!args.output.empty())
    io::write_fit_hdf5(args.output, args.files, a.lengths_m, a.fit, a.material ? &*a.material : nullptr);
  if (!args.write_material.empty()) io::write_text_file(args.write_material, a.material_toml);
  if (!args.write_config.empty()) io::write_text_file(args.write_config, a.config_toml);
}

namespace {

// The head of check's JSON for a config and for a Touchstone file alike.
void begin_check_json(io::JsonWriter& j, const CheckArgs& args) {
  j.begin_object().field("phylane_version", io::phylane_version()).field("command", "check").field("file", args.file);
}

}  // namespace

ConfigCheck check_config_file(const CheckArgs& args) {
  if (!args.freqs.empty() || !args.port_order.empty() || !args.enforce_output.empty())
    throw io::InputError(args.file + " is a config: --freq, --port-order and --enforce-passivity apply to a Touchstone "
                         "file (check the file it names, or ask `phylane loss " + args.file + "`)");
  const io::Config cfg = io::load_config(args.file);
  ConfigCheck c;
  c.title = cfg.title;
  c.channel = cfg.optical()    ? "optical"
              : cfg.sampled()  ? "pulse response"
              : cfg.composed() ? "copper, composed of blocks"
                               : "copper, modelled traces";
  c.segments = cfg.segments.size();
  for (const auto& seg : cfg.segments) c.touchstone_blocks += seg.geometry == "touchstone" ? 1 : 0;
  c.signal = cfg.signalling.has_value();
  return c;
}

void write_check_json(std::ostream& os, const CheckArgs& args, const ConfigCheck& c) {
  io::JsonWriter j(os);
  begin_check_json(j, args);
  j.field("kind", "config");
  j.field("valid", true);
  j.field("title", c.title);
  j.field("channel", c.channel);
  j.field("segments", c.segments);
  j.field("touchstone_blocks", c.touchstone_blocks);
  j.field("signal", c.signal);
  j.end_object();
  j.done();
}

TouchstoneCheck check_touchstone_file(const CheckArgs& args) {
  TouchstoneCheck c;
  c.network = io::read_touchstone(args.file, &c.info);
  const channels::Network& net = c.network;
  // The port order: the one given, checked against the thrus the data show; else the data's.
  std::optional<io::ThruPairing>& pairing = c.pairing;
  if (net.ports() == 4) pairing = io::detect_thru_pairing(net);
  channels::PortOrder& order = c.order;
  std::string& order_from = c.order_from;
  if (!args.port_order.empty()) {
    order = option_port_order(args.port_order);
    order_from = "option";
    if (pairing) {
      const std::string conflict = io::port_order_conflict(*pairing, order);
      if (!conflict.empty())
        throw io::InputError("--port-order \"" + args.port_order + "\" does not fit " + args.file + ": " + conflict +
                             (io::port_order_of(*pairing->shown)
                                  ? "; give --port-order " + std::string(io::to_string(*pairing->shown)) +
                                        " or leave it out (check then uses the order the data show)"
                                  : "; phylane takes 12-34 or 13-24: renumber the file's ports"));
    }
  } else if (pairing && pairing->shown && io::port_order_of(*pairing->shown)) {
    order = *io::port_order_of(*pairing->shown);
    order_from = "data";
  }
  std::vector<double>& freqs = c.freqs_hz;
  for (const auto& f : args.freqs) freqs.push_back(option_frequency("--freq", f));
  c.passivity = channels::check_passivity(net);
  c.reciprocity = channels::check_reciprocity(net);
  // Causality of the main transmission: S21 (2-port) or line A's thru (4-port, in the order given).
  channels::CausalityOptions co;
  if (net.ports() == 4) {
    co.from_port = 0;
    co.to_port = order == channels::PortOrder::pairs_12_34 ? 1 : 2;
  } else if (net.ports() == 1) {
    co.to_port = 0;
  }
  c.causality = channels::check_causality(net, co);
  const auto& f = net.freq_hz();
  double min_step = INFINITY, max_step = 0;
  for (std::size_t k = 1; k < f.size(); ++k) {
    min_step = std::min(min_step, f[k] - f[k - 1]);
    max_step = std::max(max_step, f[k] - f[k - 1]);
  }
  c.uniform_grid = f.size() > 1 && (max_step - min_step) <= 1e-6 * max_step;
  // Insertion loss at the named frequencies: S21, or SDD21 and each line's thru for 4-ports.
  std::vector<channels::cplx> thru;
  if (net.ports() == 2) thru = net.trace(1, 0);
  else if (net.ports() == 4) thru = channels::sdd21(net, order);
  auto il_at = [&](double fq) -> double {
    if (thru.empty() || fq < f.front() || fq > f.back()) return std::nan("");
    auto it = std::lower_bound(f.begin(), f.end(), fq);
    std::size_t k = static_cast<std::size_t>(it - f.begin());
    if (k == 0) return -phy::units::amplitude_ratio_to_db(std::abs(thru[0]));
    const double t = (fq - f[k - 1]) / (f[k] - f[k - 1]);
    const double a = std::abs(thru[k - 1]), b = std::abs(thru[k]);
    return -phy::units::amplitude_ratio_to_db(a + t * (b - a));
  };
  for (double fq : freqs) c.insertion_loss_db.push_back(il_at(fq));
  // Return loss and mode conversion at the same frequencies (SDD11, SDD22, SCD21, SDC21 of a pair).
  if (!freqs.empty() && (net.ports() == 2 || net.ports() == 4))
    c.ports = channels::port_figures_at(net.ports() == 4 ? channels::to_mixed_mode(net, order) : net, freqs);
  return c;
}

void write_check_json(std::ostream& os, const CheckArgs& args, const TouchstoneCheck& c) {
  io::JsonWriter j(os);
  begin_check_json(j, args);
  const channels::Network& net = c.network;
  const auto& f = net.freq_hz();
  const auto& pairing = c.pairing;
  const char* quantity = c.quantity();
  j.field("ports", net.ports());
  j.field("touchstone_version", c.info.version);
  j.field("frequencies", net.size());
  j.field("fmin_hz", f.front());
  j.field("fmax_hz", f.back());
  j.field("uniform_grid", c.uniform_grid);
  j.field("starts_at_dc", f.front() == 0.0);
  j.field("kind", "touchstone");
  if (pairing) {
    j.key("port_order").begin_object().field("used", channels::to_string(c.order)).field("from", c.order_from);
    if (pairing->shown) j.field("detected", io::to_string(*pairing->shown));
    else j.key("detected").null();
    j.field("band_top_hz", pairing->band_top_hz);
    j.key("thru_score").begin_object();
    for (auto p : {io::ThruPairs::p12_34, io::ThruPairs::p13_24, io::ThruPairs::p14_23})
      j.field(std::string(io::to_string(p)), pairing->score[static_cast<std::size_t>(p)]);
    j.end_object().end_object();
  } else {
    j.key("port_order").null();
  }
  if (*quantity) j.field("insertion_loss_quantity", quantity);
  else j.key("insertion_loss_quantity").null();
  j.field("mixed_mode", net.ports() == 4);
  j.key("passivity").begin_object().field("passive", c.passivity.passive()).field("worst_sigma", c.passivity.worst)
      .field("worst_freq_hz", c.passivity.worst_freq_hz).field("violations", c.passivity.violations).end_object();
  j.key("reciprocity").begin_object().field("reciprocal", c.reciprocity.reciprocal())
      .field("worst_relative", c.reciprocity.worst_relative).field("worst_freq_hz", c.reciprocity.worst_freq_hz).end_object();
  j.key("causality").begin_object().field("causal", c.causality.causal()).field("precursor_energy", c.causality.precursor_energy)
      .field("negative_time_energy", c.causality.negative_time_energy).field("arrival_s", c.causality.arrival_s)
      .field("limit", c.causality.limit).end_object();
  j.key("insertion_loss").begin_array();
  for (std::size_t i = 0; i < c.freqs_hz.size(); ++i)
    j.begin_object().field("freq_hz", c.freqs_hz[i]).field("loss_db", c.insertion_loss_db[i]).end_object();
  j.end_array();
  j.key("return_loss_and_conversion").begin_array();
  for (const auto& p : c.ports) {
    j.begin_object().field("freq_hz", p.freq_hz);
    io::port_figures_json(j, p, net.ports() == 4);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.done();
}

channels::PassivityEnforcement write_enforced_passivity(const CheckArgs& args, const TouchstoneCheck& c) {
  auto fixed = channels::enforce_passivity(c.network);
  io::TouchstoneWriteOptions wo;
  wo.program_version = std::string(io::phylane_version());
  wo.comments = {"passivity enforced by phylane check: " + std::to_string(fixed.frequencies_changed) +
                 " frequencies changed, largest singular value before " + std::to_string(fixed.largest_sigma_before)};
  io::write_touchstone(fixed.network, args.enforce_output, wo);
  return fixed;
}

channels::Network sparams_network(const io::Config& cfg, const SparamsArgs& args) {
  if (!cfg.composed()) throw io::InputError(cfg.source + ": S-parameters need a copper or Touchstone channel");
  const double fmax = args.fmax.empty() ? cfg.report.fmax_hz : option_frequency("--fmax", args.fmax);
  const int points = args.points.value_or(cfg.report.points);
  if (points < 2 || points > 1000000)
    throw io::InputError("--points " + std::to_string(points) + ": must be a whole number from 2 to 1000000");
  const auto order = option_port_order(args.port_order);
  // Grid from DC (or fmax/points) to fmax.
  std::vector<double> f = solvers::loss_grid(fmax, points);
  if (args.from_dc) f.insert(f.begin(), 0.0);
  channels::Network net = cfg.composed()->network(f);
  if (cfg.composed()->differential()) {
    // inputs-outputs (1,2 -> 3,4) to the requested order.
    if (order == channels::PortOrder::pairs_12_34) {
      const int to_12_34[4] = {0, 2, 1, 3};
      net = channels::reorder_ports(net, to_12_34);
    }
  }
  net.name = cfg.title.empty() ? cfg.source : cfg.title;
  return net;
}

void write_sparams_file(const SparamsArgs& args, const channels::Network& net) {
  const auto order = option_port_order(args.port_order);
  const int want = net.ports();
  const std::string ext = args.output.size() >= 4 ? args.output.substr(args.output.size() - 4) : "";
  if (ext != (want == 4 ? ".s4p" : ".s2p"))
    throw io::InputError("-o " + args.output + ": this channel is a " + std::to_string(want) +
                         "-port; name the file *.s" + std::to_string(want) + "p");
  io::TouchstoneWriteOptions wo;
  wo.version = io::TouchstoneVersion::v1_1;
  wo.program_version = std::string(io::phylane_version());
  wo.comments = {"phylane sparams: " + net.name,
                 std::string("port order ") + std::string(channels::to_string(order)) +
                     (want == 4 ? " (line A 1->2, line B 3->4 for 12-34; 1->3 and 2->4 for 13-24)" : "")};
  io::write_touchstone(net, args.output, wo);
}

void write_sparams_json(std::ostream& os, const io::Config& cfg, const SparamsArgs& args, const channels::Network& net) {
  io::JsonWriter j(os);
  j.begin_object().field("phylane_version", io::phylane_version()).field("command", "sparams").field("config", cfg.source);
  j.field("file", args.output).field("ports", net.ports()).field("frequencies", net.size());
  j.field("fmin_hz", net.freq_hz().front()).field("fmax_hz", net.freq_hz().back()).field("reference_ohm", net.z0_ohm().front());
  j.field("port_order", std::string(channels::to_string(option_port_order(args.port_order))));
  j.end_object();
  j.done();
}

solvers::ComParameters com_sheet(const ComArgs& a) {
  const std::filesystem::path f(a.sheet);
  if (f.extension() == ".toml" || std::filesystem::exists(f)) return io::read_com_sheet(f, a.set);
  return io::embedded_com_sheet(a.sheet, a.set);
}

workflows::ComChannel com_channel(const std::string& file) {
  return {io::read_touchstone(file), std::filesystem::path(file).filename().string()};
}

std::vector<workflows::ComChannel> com_batch_channels(const ComArgs& args) {
  if (!args.fext.empty() || !args.next.empty() || !args.output.empty())
    throw io::InputError("several thru files: --fext, --next and -o take one thru file (" +
                         std::to_string(args.thrus.size()) + " given)");
  std::vector<workflows::ComChannel> thrus;
  for (const auto& f : args.thrus) thrus.push_back(com_channel(f));
  return thrus;
}

workflows::ComRequest com_request(const ComArgs& args) {
  workflows::ComRequest rq;
  rq.thru = com_channel(args.thrus.front());
  for (const auto& f : args.fext) rq.fext.push_back(com_channel(f));
  for (const auto& f : args.next) rq.next.push_back(com_channel(f));
  return rq;
}

namespace {

// One channel's answer as JSON fields (inside an object).
void write_answer(io::JsonWriter& j, const std::string& thru, const solvers::ComParameters& p,
                  const workflows::ComAnswer& r) {
  if (r.erl_only) {  // ERL_ONLY: the TDR and ERL alone (no COM: com_db null, no cases)
    j.field("thru", thru).field("erl_only", true).key("com_db").null();
    j.field("pass", r.pass).key("cases").begin_array().end_array();
  } else {
  j.field("thru", thru).field("com_db", r.com_db).field("pass", r.pass).field("pass_threshold_db", p.pass_threshold_db);
  j.field("worst_case", r.cases[r.worst].package_case).field("il_db_at_nyquist", r.il_db_at_nyquist);
  // The fitted IL (93A.3) as 4.15 reports it: at f_b/2 from the fit over all the data (null where
  // 4.15 leaves it empty), at f_2_ILD from the fit over f_1 ... f_2_ILD; the fits' coefficients
  // (f in GHz).
  j.key("fitted_il_db_at_nyquist");
  if (r.fitted_il.il_db_at_nyquist)
    j.value(*r.fitted_il.il_db_at_nyquist);
  else
    j.null();
  auto fit = [&](const char* key, const solvers::ComIlFit& f) {
    j.key(key).begin_object().field("f_lo_hz", f.f_lo_hz).field("f_hi_hz", f.f_hi_hz).field("points", f.points);
    j.array("a_db", std::vector<double>(f.a_db.begin(), f.a_db.end())).end_object();
  };
  // FOM_ILD (93A-56) about the f_1 ... f_2_ILD fit, as 4.15 reports it.
  j.field("fom_ild_db", r.fitted_il.fom_ild_db);
  j.key("il_fit").begin_object().field("il_db_at_f_2_ild", r.fitted_il.il_db_at_f_2_ild);
  fit("ild_fit", r.fitted_il.ild);
  fit("whole_fit", r.fitted_il.whole);
  j.end_object();
  j.key("cases").begin_array();
  for (const auto& c : r.cases) {
    j.begin_object().field("package_case", c.package_case).field("com_db", c.com_db).field("a_s_v", c.a_s_v);
    j.field("a_ni_v", c.a_ni_v).field("veo_v", c.veo_v).field("fom_db", c.fom_db).field("h0_v", c.h0_v).field("cursor_ui", c.cursor_ui);
    if (!c.ew_ui.empty()) j.array("ew_ui", c.ew_ui).field("veo_window_mui", c.veo_window_mui);  // 4.15's EW_UI_est, VEO_window_mUI
    j.key("equalizer").begin_object().field("g_dc_db", c.equalizer.g_dc_db).field("g_dc2_db", c.equalizer.g_dc2_db);
    j.field("tx_ffe_pre_taps", c.equalizer.tx_ffe.n_pre).array("tx_ffe", c.equalizer.tx_ffe.taps);
    j.array("dfe", c.equalizer.dfe);
    if (!c.equalizer.rx_ffe.taps.empty())  // 802.3ck/dj Rx FFE: unit cursor tap
      j.field("rx_ffe_pre_taps", c.equalizer.rx_ffe.n_pre).array("rx_ffe", c.equalizer.rx_ffe.taps);
    if (!c.equalizer.rx_ffe_floating_taps.empty()) {  // floating Rx FFE taps: their post-cursors n
      j.key("rx_ffe_floating_taps").begin_array();
      for (int n : c.equalizer.rx_ffe_floating_taps) j.value(n);
      j.end_array();
    }
    if (!c.equalizer.floating_taps.empty())  // floating DFE taps n and their b(n)
    {
      j.key("floating_dfe_taps").begin_array();
      for (int n : c.equalizer.floating_taps) j.value(n);
      j.end_array().array("floating_dfe", c.equalizer.floating_b);
    }
    j.end_object();
    j.key("sigma_v").begin_object().field("isi", c.sigma_isi_v).field("tx", c.sigma_tx_v).field("rj", c.sigma_rj_v);
    j.field("dd", c.sigma_dd_v).field("noise", c.sigma_n_v).field("crosstalk", c.sigma_xt_v).end_object();
    j.field("candidates", c.candidates);
    if (p.erl) j.field("erl_db", r.erl_db);  // the thru's ERL: the same for every case (docs/com.md)
    j.end_object();
  }
  j.end_array();
  }
  if (!r.tdr.empty()) {
    if (p.erl)
      j.field("erl_db", r.erl_db).field("erl_pass", r.erl_pass).field("erl_pass_threshold_db", p.erl_pass_threshold_db);
    j.key("ports").begin_array();
    for (const auto& t : r.tdr) {
      j.begin_object().field("port", t.port).field("z_port_ohm", t.z_port_ohm).field("fixture_delay_s", t.fixture_delay_s);
      if (p.erl) j.field("erl_db", t.erl_db).field("sampling_phase", t.best_phase);
      j.end_object();
    }
    j.end_array();
  }
  if (r.icn) {
    j.key("icn").begin_object().field("icn_v", r.icn->icn_v).field("fext_icn_v", r.icn->fext_icn_v);
    j.field("next_icn_v", r.icn->next_icn_v).field("f_1_hz", r.icn->f_1_hz).field("f_2_hz", r.icn->f_2_hz).end_object();
  }
}

// A case's PDFs (93A.1.7) in `g`/pdf: one voltage axis, the union of their grids (all on COM's
// step, each PDF zero outside its own), and the bathtub B(y) = P(interference and noise <= -y),
// the probability that they close the eye by more than y, from the total's cumulative sum; A_ni
// is the y where B first falls below DER_0 going outwards (attributes a_ni_v and der_0).
void write_com_pdfs(io::Hdf5Writer& h, const std::string& g, const solvers::ComCaseResult& c, double der_0,
                    bool crosstalk) {
  const solvers::ComPdfs& d = c.pdfs;
  std::vector<const solvers::ComPmf*> all{&d.isi, &d.jitter, &d.noise, &d.total};
  if (crosstalk) all.push_back(&d.crosstalk);
  long lo = d.total.lo, hi = d.total.lo;
  for (const auto* pmf : all) {
    lo = std::min(lo, pmf->lo);
    hi = std::max(hi, pmf->lo + static_cast<long>(pmf->p.size()) - 1);
  }
  const std::size_t n = static_cast<std::size_t>(hi - lo + 1);
  const double step = d.total.step_v;
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(lo + static_cast<long>(i)) * step;
  auto on_axis = [&](const solvers::ComPmf& pmf) {
    std::vector<double> v(n, 0.0);
    std::copy(pmf.p.begin(), pmf.p.end(), v.begin() + (pmf.lo - lo));
    return v;
  };
  std::vector<double> cdf(d.total.p.size());
  double sum = 0.0;
  for (std::size_t j = 0; j < cdf.size(); ++j) cdf[j] = sum += d.total.p[j];
  std::vector<double> bathtub(n);
  for (std::size_t i = 0; i < n; ++i) {
    const long k = -(lo + static_cast<long>(i)) - d.total.lo;  // the total's index of -y
    bathtub[i] = k < 0 ? 0.0 : k >= static_cast<long>(cdf.size()) ? cdf.back() : cdf[static_cast<std::size_t>(k)];
  }
  const std::string pg = g + "/pdf";
  h.dataset(pg + "/y_v", y, "V", "voltage axis of the PDFs: COM's grid (93A.1.7), bin centres");
  h.dataset(pg + "/isi", on_axis(d.isi), "1", "probability per bin: residual ISI after the DFE (93A-39, 93A-40)");
  h.dataset(pg + "/jitter", on_axis(d.jitter), "1", "probability per bin: dual-Dirac jitter, A_DD times the jitter slopes (93A-32)");
  h.dataset(pg + "/noise", on_axis(d.noise), "1",
            "probability per bin: Gaussian noise of sigma_TX, sigma_RJ and sigma_N (93A-41, 93A-42)");
  if (crosstalk)
    h.dataset(pg + "/crosstalk", on_axis(d.crosstalk), "1", "probability per bin: all aggressors' crosstalk (93A-44)");
  h.dataset(pg + "/total", on_axis(d.total), "1",
            "probability per bin: interference and noise, the convolution of the PDFs above (93A-43 ... 93A-45)");
  h.dataset(pg + "/bathtub", bathtub, "1",
            "P(interference and noise <= -y): the probability that they close the eye by more than y_v");
  h.attribute(pg + "/bathtub", "a_ni_v", c.a_ni_v);
  h.attribute(pg + "/bathtub", "der_0", der_0);
  h.attribute(pg, "step_v", step);
}

void begin_json(io::JsonWriter& j, const solvers::ComParameters& p) {
  j.begin_object().field("phylane_version", io::phylane_version()).field("command", "com").field("sheet", p.name);
}

}  // namespace

void write_com_json(std::ostream& os, const std::string& thru, const solvers::ComParameters& p,
                    const workflows::ComAnswer& r) {
  io::JsonWriter j(os);
  begin_json(j, p);
  write_answer(j, thru, p, r);
  j.end_object();
  j.done();
}

void write_com_batch_json(std::ostream& os, const std::vector<std::string>& thrus, const solvers::ComParameters& p,
                          const std::vector<workflows::ComAnswer>& rs) {
  io::JsonWriter j(os);
  begin_json(j, p);
  j.key("channels").begin_array();
  for (std::size_t i = 0; i < rs.size(); ++i) {
    j.begin_object();
    write_answer(j, thrus[i], p, rs[i]);
    j.end_object();
  }
  j.end_array().end_object();
  j.done();
}

void write_com_hdf5(const std::string& file, const std::string& thru, const solvers::ComParameters& p,
                    const workflows::ComAnswer& r) {
  io::Hdf5Writer h(file);
  h.attribute("/", "command", "com");
  h.attribute("/", "thru", thru);
  h.attribute("/", "sheet", p.name);
  if (r.erl_only) {
    h.attribute("/", "erl_only", std::int64_t{1});  // the TDR and ERL alone: no COM, no cases
  } else {
    h.attribute("/", "com_db", r.com_db);
    h.attribute("/", "il_db_at_nyquist", r.il_db_at_nyquist);
    if (r.fitted_il.il_db_at_nyquist) h.attribute("/", "fitted_il_db_at_nyquist", *r.fitted_il.il_db_at_nyquist);
    h.attribute("/", "fitted_il_db_at_f_2_ild", r.fitted_il.il_db_at_f_2_ild);
    h.attribute("/", "f_2_ild_hz", r.fitted_il.ild.f_hi_hz);
    h.attribute("/", "fom_ild_db", r.fitted_il.fom_ild_db);
  }
  for (const auto& c : r.cases) {
    const std::string g = fmt::format("/cases/{}", c.package_case);
    h.dataset(g + "/pulse_v", c.pulse.samples_v, "V", "victim pulse with the chosen CTLE and Tx FFE, M samples per UI");
    h.dataset(g + "/dfe", c.equalizer.dfe, "1", "b(1) ... b(N_b)");
    h.dataset(g + "/tx_ffe", c.equalizer.tx_ffe.taps, "1", "c(-n) ... c(0) ... c(n)");
    if (!c.equalizer.rx_ffe.taps.empty())
      h.dataset(g + "/rx_ffe", c.equalizer.rx_ffe.taps, "1", "Rx FFE taps, ffe_pre_tap_len pre-cursor taps first, unit cursor");
    if (!c.equalizer.rx_ffe_floating_taps.empty()) {
      std::vector<double> taps(c.equalizer.rx_ffe_floating_taps.begin(), c.equalizer.rx_ffe_floating_taps.end());
      h.dataset(g + "/rx_ffe_floating_taps", taps, "1", "floating Rx FFE taps: post-cursor numbers n (tap rx_ffe[pre + n])");
    }
    if (!c.equalizer.floating_taps.empty()) {
      std::vector<double> taps(c.equalizer.floating_taps.begin(), c.equalizer.floating_taps.end());
      h.dataset(g + "/floating_dfe_taps", taps, "1", "floating DFE tap numbers n (N_b < n <= N_f)");
      h.dataset(g + "/floating_dfe", c.equalizer.floating_b, "1", "b(n) of the floating DFE taps");
    }
    h.attribute(g, "com_db", c.com_db);
    h.attribute(g, "a_s_v", c.a_s_v);
    h.attribute(g, "a_ni_v", c.a_ni_v);
    h.attribute(g, "veo_v", c.veo_v);
    if (!c.ew_ui.empty()) {
      h.dataset(g + "/ew_ui", c.ew_ui, "UI", "eye width at DER_0 per eye, lowest first (the reference code's EW_UI_est)");
      h.attribute(g, "veo_window_mui", c.veo_window_mui);
    }
    h.attribute(g, "g_dc_db", c.equalizer.g_dc_db);
    h.attribute(g, "cursor_ui", c.cursor_ui);
    if (p.erl) h.attribute(g, "erl_db", r.erl_db);
    write_com_pdfs(h, g, c, p.der_0, r.icn.has_value());
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

}  // namespace phylane::app
