// Loading a command's link and reading its option values (app/common.hpp): shared by the command
// line and the Python module (python/), so both accept the same inputs with the same messages.
#include <string>
#include <vector>

#include "app/common.hpp"
#include "io/diagnostics.hpp"
#include "io/quantity.hpp"

namespace phylane::app {

void either_file_or_preset(const std::string& file, const std::string& preset, const std::string& what) {
  if (!file.empty() && !preset.empty()) throw io::InputError("give either " + what + " or --preset, not both");
}

bool touchstone_input(const LinkInput& in) { return !in.config.empty() && io::is_touchstone_path(in.config); }

namespace {

// A Touchstone file as the whole link: what the command may do with it, and its [signal].
io::Config load_touchstone_input(const LinkInput& in, bool need_signal, const SignalFlags* signal) {
  const std::string& file = in.config;
  if (in.command == "reach")
    throw io::InputError(file + ": a Touchstone file is a channel of fixed length, and reach stretches one element of a "
                         "modelled channel (a trace or a fiber); ask `phylane maxrate " + file + "` or `phylane eye " +
                         file + " --rate RATE` of the file, or write a config with the file as one segment beside a "
                         "trace to stretch (docs/channels.md)");
  if (!signal) {
    if (need_signal)
      throw io::InputError(file + ": `phylane " + in.command + "` needs the link's [signal], [tx] and [rx]; write a config "
                           "with [channel] type = \"touchstone\", file = \"" + file + "\" and those sections (docs/channels.md)");
    return io::load_touchstone_link(file);
  }
  if (signal->rate.empty())
    throw io::InputError(file + ": `phylane " + in.command + "` on a Touchstone file needs the signal's rate: give --rate, "
                         "e.g. --rate \"28 Gb/s\" (--modulation nrz or pam4, default nrz; the transmitter and receiver are "
                         "the config defaults, docs/channels.md)");
  option_rate("--rate", signal->rate);
  io::TouchstoneSignal ts;
  ts.rate = signal->rate;
  if (!signal->modulation.empty()) {
    if (!channels::parse_modulation(signal->modulation))
      throw io::InputError("--modulation \"" + signal->modulation + "\": must be one of " +
                           std::string(channels::allowed_modulations()));
    ts.modulation = signal->modulation;
  }
  return io::load_touchstone_link(file, ts);
}

}  // namespace

io::Config load_link(const LinkInput& in, bool need_signal, const SignalFlags* signal) {
  either_file_or_preset(in.config, in.preset, "a config file");
  if (touchstone_input(in)) return load_touchstone_input(in, need_signal, signal);
  if (signal && (!signal->rate.empty() || !signal->modulation.empty()))
    throw io::InputError("--rate and --modulation give the signal of a Touchstone file taken as the whole channel; " +
                         (in.config.empty() ? "with a preset" : "with a config (" + in.config + ")") +
                         " they belong in its [signal] section");
  io::Config cfg = !in.config.empty() ? io::load_config(in.config)
                                      : io::load_preset(in.preset.empty() ? io::default_preset_name() : in.preset);
  if (need_signal && !cfg.signalling)
    throw io::InputError(cfg.source + ": needs a [signal] section (modulation, target BER); see docs/eye.md");
  return cfg;
}

double option_frequency(const std::string& option, const std::string& text) {
  const auto q = io::parse_quantity(text, io::Dimension::frequency);
  if (!q.value) throw io::InputError(option + " \"" + text + "\": " + q.error);
  if (!(*q.value > 0.0)) throw io::InputError(option + " \"" + text + "\": must be a positive frequency");
  return *q.value;
}

channels::LineRate option_rate(const std::string& option, const std::string& text) {
  const auto p = io::parse_rate(text);
  if (!p.rate || !(p.rate->value > 0.0))
    throw io::InputError(option + " \"" + text + "\": " + (p.rate ? "must be > 0" : p.error));
  return *p.rate;
}

double option_length(const std::string& option, const std::string& text) {
  const auto q = io::parse_quantity(text, io::Dimension::length);
  if (!q.value || !(*q.value > 0.0)) throw io::InputError(option + " \"" + text + "\": " + (q.value ? "must be > 0" : q.error));
  return *q.value;
}

std::vector<int> option_modulations(const std::string& text) {
  auto p = io::parse_modulation_list(text);
  if (!p.error.empty()) throw io::InputError("--modulation \"" + text + "\": " + p.error);
  return p.levels;
}

channels::PortOrder option_port_order(const std::string& text) {
  const auto o = channels::parse_port_order(text);
  if (!o) throw io::InputError("--port-order \"" + text + "\": must be one of " + std::string(channels::port_order_names()));
  return *o;
}

}  // namespace phylane::app
