#include "workflows/rate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <mutex>
#include <sstream>
#include <span>
#include <stdexcept>

#include "workflows/engine_limits.hpp"
#include "workflows/link_search.hpp"

namespace phylane::workflows {

namespace {

void need_signalling(const channels::Link& link, const char* question) {
  if (!link.signalling)
    throw std::invalid_argument(link.source + ": " + question + " needs a [signal] section (modulation, target BER); see docs/eye.md");
}

// A search bound in bits per second; a symbol rate converts with the one modulation searched.
double bit_rate_bound(const char* option, const channels::LineRate& r, const std::vector<int>& levels) {
  if (!(r.value > 0.0)) throw std::invalid_argument(std::string(option) + ": the rate must be > 0");
  if (!r.is_symbol_rate()) return r.value;
  if (levels.size() != 1)
    throw std::invalid_argument(std::string(option) + ": a symbol rate bounds one modulation's search; give a bit rate "
                                "(Gb/s or GT/s) when comparing several modulations, or one modulation");
  return r.bit_rate_bps(*channels::modulation_with_levels(levels[0]));
}

std::string rate_text(const channels::LineRate& r) {
  std::ostringstream o;
  o.precision(6);
  o << r.value / 1e9 << (r.is_symbol_rate() ? " GBd" : " Gb/s");
  return o.str();
}

// The engines' symbol-rate range (workflows/engine_limits.hpp), for every modulation searched.
void check_rate_bound(const char* option, const channels::LineRate& r, const std::vector<int>& levels) {
  for (int lv : levels)
    check_symbol_rate(option, rate_text(r), r.symbol_rate_baud(*channels::modulation_with_levels(lv)));
}

solvers::MaxRateOptions max_rate_options(const channels::Link& link, const MaxRateRequest& rq) {
  need_signalling(link, "the max-rate search");
  if (!link.has_transfer_function())
    throw std::invalid_argument(link.source + ": the rate search needs a channel with a frequency response (not a pulse)");
  if (rq.levels.empty()) throw std::invalid_argument("max rate: give at least one modulation");
  for (int lv : rq.levels)
    if (!channels::modulation_with_levels(lv))
      throw std::invalid_argument("max rate: " + std::to_string(lv) + " levels is not a modulation (" +
                                  std::string(channels::allowed_modulations()) + ")");
  solvers::MaxRateOptions opt = rate_criterion(link);
  opt.levels = rq.levels;
  if (rq.min_rate) {
    opt.min_rate_bps = bit_rate_bound("--min", *rq.min_rate, rq.levels);
    check_rate_bound("--min", *rq.min_rate, rq.levels);
  }
  if (rq.max_rate) {
    opt.max_rate_bps = bit_rate_bound("--max", *rq.max_rate, rq.levels);
    check_rate_bound("--max", *rq.max_rate, rq.levels);
  }
  if (!(opt.max_rate_bps > opt.min_rate_bps)) throw std::invalid_argument("max rate: --max must be above --min");
  if (rq.margin_db) opt.required_margin_db = *rq.margin_db;
  opt.full_curve = rq.full_curve;
  opt.threads = rq.threads;
  opt.hooks.on_point = rq.progress;
  opt.hooks.stop = rq.stop;
  return opt;
}

// What a reach search runs: the modulation, the rate, the stretched element and the options.
struct ReachPlan {
  ReachAnswer head;  // everything but the result
  Stretch stretch;
};

ReachPlan reach_plan(const channels::Link& link, const ReachRequest& rq) {
  need_signalling(link, "the reach search");
  ReachPlan plan;
  ReachAnswer& out = plan.head;
  const channels::LinkSignalling& sig = *link.signalling;
  out.modulation = rq.modulation.value_or(sig.modulation);
  const int lv = channels::levels(out.modulation);
  // The rate in the link's vocabulary: "64 GT/s" with PAM4 is 64 Gb/s at 32 GBd; "32 GBd" is 64 Gb/s.
  const channels::LineRate given = rq.rate.value_or(sig.rate);
  if (!(given.value > 0.0)) throw std::invalid_argument("reach: --rate must be > 0");
  out.rate_bps = given.bit_rate_bps(out.modulation);
  out.symbol_rate_baud = given.symbol_rate_baud(out.modulation);
  check_symbol_rate(rq.rate ? "--rate" : "signal.rate", rate_text(given), out.symbol_rate_baud);
  plan.stretch = stretchable(link, rq.element, 4.0 * out.symbol_rate_baud);
  out.element = plan.stretch.label;
  out.base_length_m = plan.stretch.base_length_m;
  solvers::ReachOptions& opt = out.options;
  opt.min_length_m = rq.min_length_m.value_or(plan.stretch.base_length_m / 100.0);
  // A copper trace is bounded by max_trace_length_m; optical elements (fibre, waveguide) are not.
  const bool copper_trace = !link.optical();
  const double longest = copper_trace ? max_trace_length_m : 1e300;
  opt.max_length_m = rq.max_length_m.value_or(std::min(plan.stretch.base_length_m * 100.0, longest));
  if (opt.max_length_m > longest)
    throw std::invalid_argument("reach: --max = " + std::to_string(opt.max_length_m) +
                                " m: must be at most 1 km (1000 m), the longest trace phylane computes "
                                "(docs/transmission_lines.md)");
  if (!(opt.min_length_m > 0.0)) throw std::invalid_argument("reach: --min must be a positive length");
  if (!(opt.max_length_m > opt.min_length_m)) throw std::invalid_argument("reach: --max must be above --min");
  opt.required_margin_db = rq.margin_db.value_or(sig.required_margin_db);
  opt.min_eye_height_v = sig.min_eye_height_for(lv);
  opt.min_eye_width_ui = sig.min_eye_width_for(lv);
  opt.full_curve = rq.full_curve;
  opt.threads = rq.threads;
  opt.hooks.on_point = rq.progress;
  opt.hooks.stop = rq.stop;
  return plan;
}

}  // namespace

void check_max_rate(const channels::Link& link, const MaxRateRequest& request) { max_rate_options(link, request); }

void check_reach(const channels::Link& link, const ReachRequest& request) { reach_plan(link, request); }

MaxRateAnswer max_rate(const channels::Link& link, const MaxRateRequest& rq) {
  MaxRateAnswer out;
  out.options = max_rate_options(link, rq);
  const auto h = search_channel(link, out.options.max_rate_bps);
  out.result = solvers::find_max_rate(search_eye(link, h), out.options);
  for (const auto& m : out.result.per_modulation)
    out.warnings.push_back(no_mask_warning(out.options.min_eye_height_for(m.levels), out.options.min_eye_width_for(m.levels),
                                           m.found, m.at_max, link.signalling->target_ber_for(m.levels)));
  return out;
}

std::string no_mask_warning(double min_eye_height_v, double min_eye_width_ui, bool found, const solvers::EyeAnalysis& at,
                            double target_ber) {
  if (!found || min_eye_height_v > 0.0 || min_eye_width_ui > 0.0) return "";
  return fmt::format(
      "no eye mask: any eye that reaches BER {:g} passes, and the eye at this answer is {:.3g} mV x {:.3g} UI; "
      "set min_eye_height / min_eye_width under [signal] (a standard's mask, or what the slicer needs) to require one",
      target_ber, at.eye.height_v * 1e3, at.eye.width_ui);
}

ReachAnswer reach(const channels::Link& link, const ReachRequest& rq) {
  ReachPlan plan = reach_plan(link, rq);
  ReachAnswer out = std::move(plan.head);
  const Stretch& st = plan.stretch;
  const channels::LinkSignalling& sig = *link.signalling;
  const double baud = out.symbol_rate_baud;
  const int lv = channels::levels(out.modulation);
  // The loss-versus-reach line (copper: insertion loss at Nyquist; optical: path loss) is read
  // off the channel each eye is computed on, so no length's channel is built twice.
  const double f_nyquist = 0.5 * baud;
  auto loss_of = [f_nyquist](const Stretched& x) {
    if (x.link) return x.link->path_loss_db();
    std::complex<double> hv;
    x.h(std::span<const double>(&f_nyquist, 1), std::span<std::complex<double>>(&hv, 1));
    return -20.0 * std::log10(std::max(std::abs(hv), 1e-300));
  };
  std::map<double, double> loss_at_length;
  std::mutex loss_mutex;
  auto eye_at = [&](double len) {
    auto s = sig.at(baud, lv);
    s.samples_per_ui = 16;
    s.refine_candidates = 1;
    const Stretched x = st.at(len);
    if (rq.curve_loss) {
      const double l = loss_of(x);
      const std::lock_guard<std::mutex> lock(loss_mutex);
      loss_at_length[len] = l;
    }
    if (x.link) solvers::set_optical_levels(*x.link, s);
    else {
      s.passive_channel = link.passive_transfer();  // a stretched copper or composed channel
      s.zero_above_hz = search_zero_above_hz(link);  // its Touchstone blocks unchanged (rule 8b)
    }
    return solvers::analyze_eye(x.h, s);
  };
  // The search starts at the configured length, its steps sized by the loss-versus-length line:
  // loss at half and at the whole configured length (one frequency each, no eye).
  solvers::ReachOptions& opt = out.options;
  opt.start_length_m = std::clamp(st.base_length_m, opt.min_length_m, opt.max_length_m);
  if (!rq.full_curve) {
    const double x = opt.start_length_m;
    const double slope = (st.loss_db(x, f_nyquist) - st.loss_db(0.5 * x, f_nyquist)) / (0.5 * x);
    opt.loss_db_per_m = std::isfinite(slope) && slope > 0.0 ? slope : 0.0;
  }
  out.result = solvers::find_max_reach(eye_at, opt);
  out.warning = no_mask_warning(out.options.min_eye_height_v, out.options.min_eye_width_ui, out.result.found, out.result.at_max,
                                sig.target_ber_for(lv));
  if (!rq.curve_loss) return out;
  for (auto& p : out.result.curve) {
    const auto it = loss_at_length.find(p.length_m);
    p.loss_db = it != loss_at_length.end() ? it->second : loss_of(st.at(p.length_m));
  }
  return out;
}

}  // namespace phylane::workflows
