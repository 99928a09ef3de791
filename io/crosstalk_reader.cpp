// [[crosstalk]]: the aggressors of a copper link (docs/crosstalk.md). Each entry is one kind of
// aggressor (FEXT or NEXT), `count` identical ones, with its transmitter swing and its path: a
// measured Touchstone file, or a parametric weak-coupling path (solvers/crosstalk_models.hpp).
#include "io/detail/crosstalk_reader.hpp"
#include "io/detail/touchstone_block.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "phy/units.hpp"
#include "solvers/crosstalk_models.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::io::detail {

namespace {

// A path that is costly to evaluate (Touchstone resampling, a composed route) tabulated on a
// 10 MHz grid that grows to 1.25 times the highest frequency asked, and linearly interpolated with
// its bulk delay removed (solvers::tabulated_on_demand): the delay-removed path of a package and
// connector varies over GHz, where linear interpolation at that step errs by ~1e-4 of a term that
// is itself -35 dB or less of the victim. A pure delay moves an aggressor's pulse but not its
// samples at the phase 93A-33 picks, so removing it changes nothing. The delay is the median group
// delay up to a quarter of 10 x the configured symbol rate (the band of an eye at that rate), so
// it, and every tabulated value, is fixed by the input: the rate search's eyes, evaluated on both
// cores in any order, see the same path.
channels::TransferFunction tabulated_on_demand(channels::TransferFunction h, double symbol_rate_baud) {
  return solvers::tabulated_on_demand(h, 10e6, 10.0 * symbol_rate_baud);
}

// The victim's route from the named segment to the receiver, as a transfer function between the
// victim's terminations. Returns an empty function (and records an error) when there is no such
// segment.
channels::TransferFunction route_from(TableReader& t, const Config& cfg, const std::string& segment) {
  std::size_t index = cfg.segments.size();
  for (std::size_t i = 0; i < cfg.segments.size(); ++i)
    if (cfg.segments[i].name == segment || std::to_string(i + 1) == segment) {
      index = i;
      break;
    }
  if (index == cfg.segments.size()) {
    std::string names;
    for (std::size_t i = 0; i < cfg.segments.size(); ++i)
      names += (i ? ", " : "") + std::string("\"") + cfg.segments[i].name + "\"";
    t.context().error(t.input().get("through"), t.key_path("through"), "\"" + segment + "\"",
                      "must name a segment of [channel] (or give its 1-based index): " + names);
    return {};
  }
  if (cfg.composed()) {
    const auto& all = cfg.composed()->blocks();
    std::vector<channels::ChannelBlock> tail(all.begin() + static_cast<std::ptrdiff_t>(index), all.end());
    return channels::composed_transfer_function(channels::ComposedChannel(
        cfg.composed()->differential(), std::move(tail), cfg.composed()->driver_ohm(), cfg.composed()->receiver_ohm()));
  }
  const auto& segs = cfg.copper()->segments();
  std::vector<channels::TraceSegment> tail(segs.begin() + static_cast<std::ptrdiff_t>(index), segs.end());
  return channels::copper_transfer_function(
      channels::CopperChannel(std::move(tail), cfg.copper()->driver_ohm(), cfg.copper()->receiver_ohm()));
}

// A measured aggressor path: a 2-port (single-ended victim) or a 4-port (differential, SDD21),
// referenced to the victim's terminations as the victim's own Touchstone blocks are.
channels::TransferFunction measured_path(TableReader& t, const Config& cfg) {
  int ports = 0;
  auto b = read_touchstone_block(t, "crosstalk path", t.context().base_dir, ports, "a crosstalk path", false);
  if (!b) return {};
  const bool victim_differential = cfg.composed() ? cfg.composed()->differential()
                                                : cfg.copper()->mode() != phy::LineMode::single_ended;
  if ((ports == 4) != victim_differential) {
    const char* key = t.has("network") ? "network" : "file";
    t.context().error(t.input().get(key), t.key_path(key), node_text(*t.input().get(key)),
                      std::string("is a ") + std::to_string(ports) + "-port but the victim channel is " +
                          (victim_differential ? "differential (give a 4-port)" : "single-ended (give a 2-port)"));
    return {};
  }
  const double zd = cfg.composed() ? cfg.composed()->driver_ohm() : cfg.copper()->driver_ohm();
  const double zr = cfg.composed() ? cfg.composed()->receiver_ohm() : cfg.copper()->receiver_ohm();
  return channels::composed_transfer_function(channels::ComposedChannel(ports == 4, {*b}, zd, zr));
}

}  // namespace

void read_crosstalk(TableReader& root, Config& cfg) {
  if (!root.has("crosstalk")) return;
  auto entries = root.table_array("crosstalk", false);
  Context& ctx = root.context();
  if (!cfg.signalling || !(cfg.copper() || cfg.composed())) {
    // A copper channel or a [signal] section that failed to read has reported its own errors already.
    const bool signal_failed = !cfg.signalling && root.has("signal");
    if (!signal_failed && (!cfg.signalling || cfg.optical() || cfg.sampled()))
      ctx.error(root.input().get("crosstalk"), "crosstalk", "",
                cfg.signalling ? "crosstalk aggressors apply to copper channels (modelled or Touchstone), not to this channel type"
                        : "crosstalk needs a [signal] section (the eye and rate commands use it)");
    for (auto& t : entries) {
      for (auto k : {"name", "kind", "count", "swing", "file", "network", "port_order", "level", "at", "coupled_delay", "through"})
        t.accept(k);
      t.finish();
    }
    return;
  }
  auto& spec = cfg.signalling->spec;
  int index = 0;
  for (auto& t : entries) {
    ++index;
    const auto kind = t.choice<std::string>(
        "kind",
        [](std::string_view s) -> std::optional<std::string> {
          if (s == "fext" || s == "next") return std::string(s);
          return std::nullopt;
        },
        "fext, next", std::nullopt);
    const auto name = t.text_or("name", (kind ? *kind : std::string("crosstalk")) + " " + std::to_string(index));
    const auto count = t.integer_or("count", Rule::between(1, 64), 1);
    // The aggressor's transmitter: its peak-to-peak swing (COM A_fe, A_ne are peak values).
    const auto swing = t.quantity_or("swing", Dimension::voltage, Rule::between(0.0, 10.0, false, true),
                                     format_quantity(2.0 * spec.tx_amplitude_v, Dimension::voltage));
    channels::TransferFunction path;
    bool relative = false;
    if (t.has("file") || t.has("network")) {
      for (auto k : {"level", "at", "coupled_delay", "through"})
        t.reject(k, "a measured path (file) is used as it is; level, at, coupled_delay and through describe a parametric one");
      path = measured_path(t, cfg);
      if (path) path = tabulated_on_demand(std::move(path), spec.symbol_rate_baud);
    } else if (kind && *kind == "fext") {
      // Weak-coupling FEXT relative to the victim (solvers/crosstalk_models.hpp).
      const auto level = t.quantity("level", Dimension::decibel, Rule::between(-120.0, 0.0, true, false), true);
      const auto at = t.quantity("at", Dimension::frequency, Rule::positive(), true);
      for (auto k : {"coupled_delay", "through", "port_order"})
        t.reject(k, k == std::string("port_order") ? "applies to a measured path (file)"
                                                    : "applies to kind = \"next\" (a parametric FEXT follows the victim's whole route)");
      if (level && at) {
        path = solvers::fext_relative(std::pow(10.0, *level / 20.0), *at);
        relative = true;
      }
    } else if (kind && *kind == "next") {
      // A coupled section near the victim's receiver: the aggressor's signal comes along its own
      // copy of the victim's route from `through` on (mirrored), couples, and goes to the
      // receiver along the victim's route: H = H_route K_b (1 - e^{-j 4 pi f tau}) H_route.
      const auto level = t.quantity("level", Dimension::decibel, Rule::between(-120.0, 0.0, true, false), true);
      const auto delay = t.quantity("coupled_delay", Dimension::time, Rule::positive(), true);
      const auto through = t.text("through", false);
      t.reject("at", "applies to kind = \"fext\"");
      t.reject("port_order", "applies to a measured path (file)");
      if (level && delay) {
        std::vector<channels::TransferFunction> f{solvers::next_section(std::pow(10.0, *level / 20.0), *delay)};
        if (through) {
          auto r = route_from(t, cfg, *through);
          if (r) {
            f.push_back(solvers::squared(std::move(r)));  // the route composed once, not twice
            path = tabulated_on_demand(solvers::product(std::move(f)), spec.symbol_rate_baud);
          }
        } else {
          path = solvers::product(std::move(f));
        }
      }
    }
    t.finish();
    if (!path || !kind || !count || !swing) continue;
    for (std::int64_t k = 0; k < *count; ++k) {
      channels::CrosstalkAggressor a;
      a.name = *count > 1 ? *name + " #" + std::to_string(k + 1) : *name;
      a.path = path;
      a.times_victim = relative;
      // COM (93A.1.6): far-end aggressors are equalised like the victim; the near-end aggressor's
      // transmitter belongs to another link and is taken without Tx FFE.
      a.victim_tx_ffe = *kind == "fext";
      a.tx_amplitude_v = 0.5 * *swing;
      spec.crosstalk.push_back(std::move(a));
    }
  }
}

}  // namespace phylane::io::detail
