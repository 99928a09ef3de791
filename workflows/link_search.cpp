#include "workflows/link_search.hpp"

#include <cmath>

#include <algorithm>
#include <complex>
#include <memory>
#include <span>
#include <vector>

#include <stdexcept>
#include "solvers/pulse_response.hpp"

namespace phylane::workflows {

namespace {
// Measured data in a channel: its Touchstone blocks are band-limited (channels::NetworkSource).
bool measured_blocks(const channels::ComposedChannel& c) { return std::isfinite(c.zero_above_hz()); }
// The spacing of a search's channel table: the rate found on pcie5-cem-link (a measured
// connector) moves by 1e-5 from the direct evaluation.
constexpr double table_step_hz = 10e6;
}  // namespace

channels::TransferFunction search_channel(const channels::Link& link, double max_rate_bps) {
  if (!link.has_transfer_function())
    throw std::invalid_argument(link.source + ": the rate search needs a channel with a frequency response (not a pulse)");
  const channels::TransferFunction h = channels::transfer_function(link);
  if (link.composed() && measured_blocks(*link.composed())) {
    // Touchstone blocks are resampled on every new grid: tabulate, growing the table to the
    // highest frequency the eyes ask for (a fixed table to 8 x the top rate, where 16 samples per
    // UI could reach, cost 4x the points). A table is an approximation (linear interpolation; its
    // impulse response repeats every 1 / df): modelled blocks alone compose fast enough per grid
    // (per mode, channels/composed_channel.hpp) and are evaluated exactly. On kr1-ck-28db the
    // fixed 13.7 MHz table put the maximum rate 1.6 % high and its reach 1.2 % short, while
    // taking more time than the direct evaluation.
    return solvers::tabulated_on_demand(h, table_step_hz, max_rate_bps);
  }
  return solvers::without_bulk_delay(h, max_rate_bps);
}

double search_zero_above_hz(const channels::Link& link) { return link.zero_above_hz() + 2.0 * table_step_hz; }

solvers::MaxRateOptions rate_criterion(const channels::Link& link) {
  solvers::MaxRateOptions opt;
  opt.required_margin_db = link.signalling->required_margin_db;
  opt.min_eye_height_v = link.signalling->min_eye_height_v;
  opt.min_eye_width_ui = link.signalling->min_eye_width_ui;
  opt.min_eye_height_by_levels = link.signalling->min_eye_height_by_levels;
  opt.min_eye_width_by_levels = link.signalling->min_eye_width_by_levels;
  return opt;
}

solvers::EyeAtRate search_eye(const channels::Link& link, const channels::TransferFunction& h) {
  return [&link, h](double baud, int levels) {
    auto s = link.signalling->at(baud, levels);
    s.samples_per_ui = 16;
    s.refine_candidates = 1;
    s.passive_channel = link.passive_transfer();  // the bulk delay removed or tabulated: |H| unchanged
    s.zero_above_hz = search_zero_above_hz(link);   // and 0 where the channel is (rule 8b)
    if (link.optical()) solvers::set_optical_levels(*link.optical(), s);
    return solvers::analyze_eye(h, s);
  };
}

namespace {
// -20 log10 |H(f)| [dB] at one frequency.
double loss_at(const channels::TransferFunction& h, double f_hz) {
  std::complex<double> v;
  h(std::span<const double>(&f_hz, 1), std::span<std::complex<double>>(&v, 1));
  return -20.0 * std::log10(std::max(std::abs(v), 1e-300));
}
}  // namespace

Stretch stretchable(const channels::Link& link, const std::string& which, double fmax_hz) {
  // --element: a 1-based index into the segments (copper) or the path (optical), or a name.
  auto pick = [&](const std::vector<std::string>& names, const std::vector<double>& lengths,
                  const std::vector<bool>& ok, const std::string& what) -> std::size_t {
    if (which.empty()) {
      std::size_t best = names.size();
      for (std::size_t i = 0; i < names.size(); ++i)
        if (ok[i] && (best == names.size() || lengths[i] > lengths[best])) best = i;
      if (best == names.size()) throw std::invalid_argument(link.source + ": no " + what + " with a length to vary");
      return best;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == which || std::to_string(i + 1) == which) {
        if (!ok[i]) throw std::invalid_argument("--element \"" + which + "\": that element has no length to vary (use a " + what + ")");
        return i;
      }
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (ok[i]) list += (list.empty() ? "" : ", ") + std::to_string(i + 1) + " (" + names[i] + ")";
    throw std::invalid_argument("--element \"" + which + "\": no such element; lengths can vary for: " + list);
  };
  Stretch st;
  if (link.copper()) {
    const auto& segs = link.copper()->segments();
    std::vector<std::string> names;
    std::vector<double> lengths;
    std::vector<bool> ok;
    for (const auto& sg : segs) {
      names.push_back(sg.name);
      lengths.push_back(sg.length_m);
      ok.push_back(true);
    }
    const std::size_t i = pick(names, lengths, ok, "trace segment");
    st.label = "trace segment " + std::to_string(i + 1) + " (" + names[i] + ")";
    st.base_length_m = lengths[i];
    const channels::CopperChannel base = *link.copper();
    st.at = [base, i, fmax_hz](double len) {
      auto s2 = base.segments();
      s2[i].length_m = len;
      const channels::CopperChannel ch(std::move(s2), base.driver_ohm(), base.receiver_ohm());
      Stretched out;
      out.h = solvers::without_bulk_delay(channels::copper_transfer_function(ch), fmax_hz, &out.delay_s);
      return out;
    };
    st.loss_db = [base, i](double len, double f) {
      auto s2 = base.segments();
      s2[i].length_m = len;
      return loss_at(channels::copper_transfer_function(
                         channels::CopperChannel(std::move(s2), base.driver_ohm(), base.receiver_ohm())),
                     f);
    };
    return st;
  }
  if (link.composed()) {
    const auto& blocks = link.composed()->blocks();
    std::vector<std::string> names;
    std::vector<double> lengths;
    std::vector<bool> ok;
    for (const auto& b : blocks) {
      names.push_back(b.name);
      lengths.push_back(b.trace ? b.trace->length_m : 0.0);
      ok.push_back(b.trace.has_value());
    }
    const std::size_t i = pick(names, lengths, ok, "trace segment");
    st.label = "segment " + std::to_string(i + 1) + " (" + names[i] + ")";
    st.base_length_m = lengths[i];
    const auto base = std::make_shared<const channels::ComposedChannel>(*link.composed());
    st.at = [base, i, fmax_hz](double len) {
      auto b2 = base->blocks();
      b2[i].trace->length_m = len;
      if (b2[i].trace_common) b2[i].trace_common->length_m = len;
      const channels::TransferFunction h = channels::composed_transfer_function(
          channels::ComposedChannel(base->differential(), std::move(b2), base->driver_ohm(), base->receiver_ohm()));
      Stretched out;
      out.h = solvers::without_bulk_delay(h, fmax_hz, &out.delay_s);
      // As search_channel: Touchstone blocks tabulated. The table's spacing must resolve the
      // impulse response's duration (it repeats at 1/df): a long route keeps the direct evaluation.
      if (measured_blocks(*base) && 8.0 * out.delay_s < 1.0 / table_step_hz)
        out.h = solvers::tabulated_on_demand(out.h, table_step_hz, fmax_hz);
      return out;
    };
    st.loss_db = [base, i](double len, double f) {
      auto b2 = base->blocks();
      b2[i].trace->length_m = len;
      if (b2[i].trace_common) b2[i].trace_common->length_m = len;
      return loss_at(channels::composed_transfer_function(channels::ComposedChannel(
                         base->differential(), std::move(b2), base->driver_ohm(), base->receiver_ohm())),
                     f);
    };
    return st;
  }
  if (link.optical()) {
    const auto& path = link.optical()->path();
    std::vector<std::string> names;
    std::vector<double> lengths;
    std::vector<bool> ok;
    bool any_fiber = false;
    for (const auto& e : path) any_fiber = any_fiber || e.kind == "fiber";
    for (const auto& e : path) {
      names.push_back(e.name.empty() ? e.kind : e.name);
      lengths.push_back(e.length_m);
      // Default: the fiber when there is one, else the longest waveguide.
      ok.push_back(e.kind == "fiber" || (e.kind == "waveguide" && (!any_fiber || !which.empty())));
    }
    const std::size_t i = pick(names, lengths, ok, "fiber or waveguide");
    st.label = path[i].kind + " (path element " + std::to_string(i + 1) + ", " + names[i] + ")";
    st.base_length_m = lengths[i];
    const channels::OpticalLink base = *link.optical();
    st.at = [base, i, fmax_hz](double len) {
      auto p2 = base.path();
      p2[i] = channels::with_length(p2[i], len);
      Stretched out;
      out.link.emplace(base.laser(), base.modulator(), std::move(p2), base.receiver());
      out.h = solvers::without_bulk_delay(channels::optical_transfer_function(*out.link), fmax_hz, &out.delay_s);
      return out;
    };
    st.loss_db = [base, i](double len, double) {
      auto p2 = base.path();
      p2[i] = channels::with_length(p2[i], len);
      return channels::OpticalLink(base.laser(), base.modulator(), std::move(p2), base.receiver()).path_loss_db();
    };
    return st;
  }
  throw std::invalid_argument(link.source + ": the reach search needs a copper, composed or optical channel");
}


}  // namespace phylane::workflows
