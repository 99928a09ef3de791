// The measures of claims: each computes one number from phylane's models (through the workflow
// that answers the question) or from a standard's figure, and says what it assumed.
#include "workflows/claim_measures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "phy/constants.hpp"
#include "solvers/loss_analysis.hpp"
#include "workflows/loss.hpp"
#include "solvers/parallel.hpp"
#include "workflows/link_search.hpp"
#include "workflows/study.hpp"

namespace phylane::workflows {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : std::string()) + v[i];
  return out;
}

std::string link_title(const channels::Link& c) { return c.source + (c.title.empty() ? "" : " (" + c.title + ")"); }

std::string modulation_display(int levels) {
  const auto m = channels::modulation_with_levels(levels);
  return m ? std::string(channels::display_name(*m)) : fmt::format("PAM{}", levels);
}

std::string criterion_text(const channels::Link& cfg, int levels) {
  std::string t = fmt::format("BER {:g}", cfg.signalling->spec.target_ber);
  if (cfg.signalling->required_margin_db > 0) t += fmt::format(", margin >= {:g} dB", cfg.signalling->required_margin_db);
  const double eh = cfg.signalling->min_eye_height_for(levels), ew = cfg.signalling->min_eye_width_for(levels);
  if (eh > 0 || ew > 0) t += fmt::format(", eye mask {:g} mV x {:g} UI", eh * 1e3, ew);
  return t;
}

std::string rate_key(const std::string& link, double top) { return link + "|" + fmt::format("{:g}", top); }

std::string reach_key(const ReachMeasure& m) {
  return m.link.key + "|" + m.element + "|" + fmt::format("{:g} {}", m.rate.value, channels::to_string(m.rate.unit)) + "|" +
         (m.modulation ? std::string(channels::to_string(*m.modulation)) : std::string("link"));
}

/// The system a measure reads, if any.
const SystemRef* system_of(const Measure& m) {
  return std::visit(
      [](const auto& x) -> const SystemRef* {
        if constexpr (requires { x.system; }) return &x.system;
        else return nullptr;
      },
      m.spec);
}

bool is_copper(const channels::Link& c) { return c.copper() != nullptr || c.composed() != nullptr; }

// The loss question (workflows::loss) at one frequency, on a two-point grid ending there.
solvers::LossAnalysis loss_at(const channels::Link& cfg, double f) {
  if (!is_copper(cfg)) throw std::runtime_error(cfg.source + " has no copper channel");
  LossRequest rq;
  rq.report_freqs_hz = {f};
  rq.fmax_hz = f;
  rq.points = 2;
  return std::move(*loss(cfg, rq).analysis);
}

std::size_t pick_segment(const std::vector<solvers::SegmentSummary>& segs, const std::string& which, const std::string& source) {
  if (segs.empty()) throw std::runtime_error(source + " has no modelled trace segment");
  if (which.empty()) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < segs.size(); ++i)
      if (segs[i].length_m > segs[best].length_m) best = i;
    return best;
  }
  for (std::size_t i = 0; i < segs.size(); ++i)
    if (segs[i].name == which || std::to_string(i + 1) == which) return i;
  std::vector<std::string> names;
  for (const auto& s : segs) names.push_back(s.name);
  throw std::runtime_error("segment \"" + which + "\" is not a trace segment of " + source + " (" + join(names) + ")");
}

Computed standard_figure(const StandardFigure& f, ValueKind kind, std::vector<std::string>& why) {
  why.push_back(fmt::format("{} [{}] {} = {} ({})", f.file, f.id, f.figure, f.text, f.name));
  return Computed::exactly(f.value, kind);
}

Computed lane_rate(const LaneRateMeasure& m, std::vector<std::string>& why) {
  const StandardLane& st = m.standard;
  if (!st.problem.empty()) throw std::runtime_error(st.problem);
  why.push_back(st.line_rate_source);
  if (!(st.line_rate_bps > 0)) throw std::runtime_error("[" + st.id + "] has no usable rate");
  double v = st.line_rate_bps;
  if (m.payload) {
    if (!st.efficiency) throw std::runtime_error("[" + st.id + "] gives no encoding or encoding_efficiency");
    v *= *st.efficiency;
    why.push_back("payload = line rate x " + st.efficiency_source);
    if (!st.stated_payload.empty()) why.push_back(fmt::format("the standard states per_lane_data_rate = {}", st.stated_payload));
  }
  if (m.lanes > 1) {
    v *= m.lanes;
    why.push_back(fmt::format("x{} lanes, one direction", m.lanes));
  } else {
    why.push_back("one lane, one direction");
  }
  return Computed::exactly(v, ValueKind::rate);
}

Computed insertion_loss(const InsertionLossMeasure& m, std::vector<std::string>& why) {
  const channels::Link& cfg = *m.link.link;
  if (cfg.optical()) {
    why.push_back(fmt::format("passive path loss of {} (couplers, waveguides, fiber, demux; laser and modulator excluded)",
                              link_title(cfg)));
    return Computed::exactly(cfg.optical()->path_loss_db(), ValueKind::loss);
  }
  const auto a = loss_at(cfg, m.freq_hz);
  why.push_back(fmt::format("insertion loss of {} at {} (phylane loss model, terminations as configured)", link_title(cfg),
                            display_value(m.freq_hz, ValueKind::frequency)));
  return Computed::exactly(a.at_report[0].total_db, ValueKind::loss);
}

Computed loss_per_length(const channels::Link& cfg, double freq_hz, const std::string& segment, std::vector<std::string>& why) {
  if (cfg.optical()) {
    for (const auto& e : cfg.optical()->path())
      if (e.kind == "fiber" && (segment.empty() || e.name == segment)) {
        why.push_back(fmt::format("attenuation of the fiber \"{}\" of {}", e.name, link_title(cfg)));
        return Computed::exactly(e.loss_db_per_m, ValueKind::loss_per_length);
      }
    throw std::runtime_error(cfg.source + " has no fiber" + (segment.empty() ? "" : " named " + segment));
  }
  const auto a = loss_at(cfg, freq_hz);
  const std::size_t i = pick_segment(a.segments, segment, cfg.source);
  const auto& s = a.segments[i];
  why.push_back(fmt::format("matched-line attenuation of segment \"{}\" of {} at {}: conductor {:.3g} + roughness {:.3g} + "
                            "dielectric {:.3g} dB/m",
                            s.name, link_title(cfg), display_value(freq_hz, ValueKind::frequency), s.at[0].conductor_db_per_m,
                            s.at[0].roughness_db_per_m, s.at[0].dielectric_db_per_m));
  return Computed::exactly(s.at[0].loss_db_per_m, ValueKind::loss_per_length);
}

Computed resistive_share(const ResistiveShareMeasure& m, std::vector<std::string>& why) {
  const channels::Link& cfg = *m.link.link;
  const auto a = loss_at(cfg, m.freq_hz);
  const auto& b = a.at_report[0];
  const double line = b.conductor_db + b.roughness_db + b.dielectric_db;
  if (!(line > 0)) throw std::runtime_error(cfg.source + " has no trace attenuation");
  why.push_back(fmt::format("attenuation of the traces of {} at {}: conductor {:.3g} dB + roughness {:.3g} dB (resistive) "
                            "+ dielectric {:.3g} dB; total insertion loss {:.3g} dB",
                            link_title(cfg), display_value(m.freq_hz, ValueKind::frequency), b.conductor_db, b.roughness_db,
                            b.dielectric_db, b.total_db));
  return Computed::exactly((b.conductor_db + b.roughness_db) / line, ValueKind::ratio);
}

Computed line_delay(const LineDelayMeasure& m, std::vector<std::string>& why) {
  const channels::Link& cfg = *m.link.link;
  const auto a = loss_at(cfg, m.freq_hz);
  const std::size_t i = pick_segment(a.segments, m.segment, cfg.source);
  why.push_back(fmt::format("phase delay beta/omega of segment \"{}\" of {} at {} (phylane line model)", a.segments[i].name,
                            link_title(cfg), display_value(m.freq_hz, ValueKind::frequency)));
  return Computed::exactly(a.segments[i].delay_s_per_m, ValueKind::delay_per_length);
}

Computed group_index_delay(const GroupIndexDelayMeasure& m, std::vector<std::string>& why) {
  const StandardFigure& f = m.group_index;
  why.push_back(fmt::format("group index {} = {:g} ({} [{}]); delay = n_g / c0, c0 = 299 792 458 m/s", f.figure, f.value, f.file, f.id));
  return Computed::exactly(f.value / phy::c0, ValueKind::delay_per_length);
}

Computed flight_time(const FlightTimeMeasure& m, std::vector<std::string>& why) {
  const channels::Link& cfg = *m.link.link;
  if (cfg.optical()) {
    double len = 0.0;
    for (const auto& e : cfg.optical()->path())
      if (e.kind == "fiber") len += e.length_m;
    if (!m.fiber_group_index) throw std::runtime_error("data/standards has no [fiber_g652] group_index_1310");
    const StandardFigure& ng = *m.fiber_group_index;
    why.push_back(fmt::format("fiber group index {} ({} [{}] {})", ng.text, ng.file, ng.id, ng.figure));
    why.push_back(fmt::format("flight time of {}: {} of fiber x n_g / c0 (on-chip waveguides not counted)", link_title(cfg),
                              display_value(len, ValueKind::length)));
    return Computed::exactly(len * ng.value / phy::c0, ValueKind::time);
  }
  const double fmax = 4.0 * cfg.signalling->spec.symbol_rate_baud;
  const Stretch st = stretchable(cfg, "", fmax);
  const Stretched x = st.at(st.base_length_m);
  why.push_back(fmt::format("flight time of {}: median group delay of the channel over {} ... {}", link_title(cfg),
                            display_value(0.01 * fmax, ValueKind::frequency), display_value(0.25 * fmax, ValueKind::frequency)));
  return Computed::exactly(x.delay_s, ValueKind::time);
}

Computed fixed_loss(const channels::Link& cfg, std::vector<std::string>& why) {
  const auto& link = *cfg.optical();
  double fixed = link.modulator().insertion_loss_db;
  std::vector<std::string> parts{fmt::format("modulator {:.3g} dB", fixed)};
  for (const auto& e : link.path()) {
    const double f = e.loss_db - e.loss_db_per_m * e.length_m;
    fixed += f;
    if (f > 0) parts.push_back(fmt::format("{} {:.3g} dB", e.name.empty() ? e.kind : e.name, f));
  }
  why.push_back(fmt::format("loss of {} that does not grow with length: {}", link_title(cfg), join(parts, " + ")));
  return Computed::exactly(fixed, ValueKind::loss);
}

Computed loss_crossover(const LossCrossoverMeasure& m, std::vector<std::string>& why) {
  const Computed fixed = fixed_loss(*m.optical.link, why);
  const Computed per_m = loss_per_length(*m.copper.link, m.freq_hz, m.segment, why);
  double fiber_per_m = 0.0;
  for (const auto& e : m.optical.link->optical()->path())
    if (e.kind == "fiber") fiber_per_m = std::max(fiber_per_m, e.loss_db_per_m);
  if (!(per_m.value > fiber_per_m)) throw std::runtime_error("the copper route loses no more per metre than the fiber");
  why.push_back(fmt::format("crossover = fixed optical loss / (copper {} - fiber {})", display_value(per_m.value, ValueKind::loss_per_length),
                            display_value(fiber_per_m, ValueKind::loss_per_length)));
  return Computed::exactly(fixed.value / (per_m.value - fiber_per_m), ValueKind::length);
}

Computed channel_heat(const ChannelHeatMeasure& m, std::vector<std::string>& why) {
  const channels::Link& cfg = *m.link.link;
  const double a = cfg.signalling->spec.tx_amplitude_v;
  const double z = cfg.copper() ? cfg.copper()->driver_ohm() : cfg.composed()->driver_ohm();
  const double rate = cfg.signalling->data_rate_bps;
  // A +-A binary (or PAM) waveform delivers at most A^2 / Z into the termination Z (Joule's law,
  // P = V^2 / R); the channel can turn at most all of it into heat.
  const double p = a * a / z;
  why.push_back(fmt::format("upper bound: all the launched signal power of {} becomes heat in the channel; "
                            "P <= A^2 / Z = ({:g} V)^2 / {:g} ohm = {} (Tx swing {:g} V p-p), at {}",
                            link_title(cfg), a, z, display_value(p, ValueKind::power), 2 * a, display_value(rate, ValueKind::rate)));
  return Computed::at_most(p / rate, ValueKind::energy);
}

std::string collective(const SystemResult& r) {
  return fmt::format("{} {} of {:g} parameters x {:g} B", solvers::to_string(r.workload.algorithm),
                     solvers::to_string(r.workload.collective), r.workload.parameters, r.workload.bytes_per_parameter);
}

std::size_t point_index(const SystemResult& r, int devices) {
  for (std::size_t k = 0; k < r.workload.devices.size(); ++k)
    if (r.workload.devices[k] == devices) return k;
  throw std::runtime_error(fmt::format("the workload has no point for {} devices", devices));
}

std::string link_text(const SystemResult& r, const LinkResult& l) {
  const std::string rate_how = l.rate_searched ? fmt::format("searched max {} {}", modulation_display(l.levels),
                                                             display_value(l.lane_rate_bps, ValueKind::rate))
                                               : "given " + display_value(l.lane_rate_bps, ValueKind::rate);
  return fmt::format("link {} of {}: {:g} lanes per direction x {} per lane ({}), {} efficiency {:.5g}", l.name, r.source,
                     l.lanes_per_direction, display_value(l.lane_rate_bps, ValueKind::rate), rate_how, l.encoding, l.efficiency);
}

/// A shared computation as a job filling its slot: the result, or why it failed. Ctrl-C is no
/// failure of the computation: the interrupt goes on to the caller.
template <class Slot, class Compute>
std::function<void()> job(Slot& slot, Compute compute) {
  return [&slot, compute] {
    try {
      slot.result = compute();
    } catch (const solvers::SearchInterrupted&) {
      throw;
    } catch (const std::exception& e) {
      slot.error = e.what();
    }
  };
}

}  // namespace

// ---- the shared computations ------------------------------------------------------------------

void ClaimMeasures::prefetch(int threads, const RunHooks& hooks) {
  std::vector<const Measure*> all;
  std::function<void(const std::shared_ptr<const Measure>&)> add = [&](const std::shared_ptr<const Measure>& m) {
    if (!m) return;
    all.push_back(m.get());
    if (const auto* t = std::get_if<TransferTimeMeasure>(&m->spec)) {
      add(t->rate);
      add(t->flight);
    }
  };
  for (const auto& c : set_.claims)
    for (const auto* list : {&c.tests, &c.context})
      for (const auto& t : *list) {
        add(t.measure);
        add(t.numerator);
        add(t.denominator);
      }
  // Systems first: a system's searched link can stand for a max-rate measure of the same channel.
  for (const Measure* m : all)
    if (const SystemRef* s = system_of(*m); s && s->system) {
      systems_.try_emplace(s->key);
      system_specs_[s->key] = s->system.get();
    }
  for (const Measure* m : all) {
    const LinkRef* link = nullptr;
    double top = kSearchMaxBps;
    if (const auto* x = std::get_if<MaxRateMeasure>(&m->spec)) {
      link = &x->link;
      top = x->max_rate_bps;
    } else if (const auto* e = std::get_if<OpticalEnergyMeasure>(&m->spec); e && e->at == OpticalEnergyMeasure::At::max_rate) {
      link = &e->link;
    }
    if (!link) continue;
    const std::string key = rate_key(link->key, top);
    if (rates_.count(key) || shared_.count(key)) continue;
    if (top == kSearchMaxBps)
      if (auto s = system_link_for(link->link->source)) {
        shared_[key] = *s;
        continue;
      }
    rates_.try_emplace(key);
    rate_links_[key] = {link->link.get(), top};
  }
  for (const Measure* m : all)
    if (const auto* r = std::get_if<ReachMeasure>(&m->spec)) {
      const std::string key = reach_key(*r);
      if (reaches_.try_emplace(key).second) reach_measures_[key] = r;
    }

  // Studies: one sub-study per study file, of the options and lengths the claims read.
  std::map<std::string, std::pair<std::set<std::size_t>, std::set<double>>> wanted;
  for (const Measure* m : all)
    if (const auto* x = std::get_if<StudyColumnMeasure>(&m->spec)) {
      auto& w = wanted[x->key];
      w.first.insert(x->link);
      w.second.insert(x->length_m);
      if (!study_subs_.count(x->key)) study_subs_[x->key] = *x->study;
    }
  for (auto& [key, w] : wanted) {
    Study& sub = study_subs_[key];
    std::vector<StudyLink> links;
    for (std::size_t i : w.first) {
      study_links_[key][i] = links.size();
      links.push_back(sub.links[i]);
    }
    sub.links = std::move(links);
    sub.reach_m.assign(w.second.begin(), w.second.end());
    sub.claims.clear();
    studies_.try_emplace(key);
  }

  std::vector<std::function<void()>> jobs;
  for (auto& [key, slot] : rates_) {
    const auto [link, top] = rate_links_[key];
    jobs.push_back(job(slot, [link = link, top = top, &hooks] {
      MaxRateRequest rq;
      rq.levels = {2, 4};
      rq.min_rate = channels::LineRate{kSearchMinBps, channels::RateUnit::bit};
      rq.max_rate = channels::LineRate{top, channels::RateUnit::bit};
      rq.stop = hooks.stop;
      return workflows::max_rate(*link, rq).result;
    }));
  }
  for (auto& [key, slot] : systems_) {
    const System* sys = system_specs_[key];
    jobs.push_back(job(slot, [sys, &hooks] { return evaluate_system(*sys, RunHooks{nullptr, hooks.stop}); }));
  }
  for (auto& [key, slot] : reaches_) {
    const ReachMeasure* m = reach_measures_[key];
    jobs.push_back(job(slot, [m, &hooks] {
      ReachRequest rq;
      rq.rate = m->rate;
      rq.modulation = m->modulation;
      rq.element = m->element;
      rq.curve_loss = false;
      rq.stop = hooks.stop;
      return workflows::reach(*m->link.link, rq);
    }));
  }
  for (auto& [key, slot] : studies_) {
    const Study* sub = &study_subs_[key];
    jobs.push_back(job(slot, [sub, &hooks] {
      StudyRequest rq;
      rq.threads = 1;  // the claims' computations already run side by side
      rq.hooks.stop = hooks.stop;
      return run_study(*sub, rq);
    }));
  }
  solvers::ParallelOptions po;
  po.workers = threads;
  po.progress = hooks.progress;
  po.stop = hooks.stop;
  solvers::parallel_for(jobs.size(), [&](std::size_t i, int) { jobs[i](); }, po);
  hooks.throw_if_stopped();  // computations were left out
}

std::optional<ClaimMeasures::SharedLink> ClaimMeasures::system_link_for(const std::string& link_source) const {
  for (const auto& [key, sys] : system_specs_)
    for (std::size_t i = 0; i < sys->links.size(); ++i) {
      const auto& l = sys->links[i];
      auto mods = l.modulations;
      std::sort(mods.begin(), mods.end());
      if (!l.lane_rate_bps && l.channel && l.channel->source == link_source && mods == std::vector<int>{2, 4})
        return SharedLink{key, i};
    }
  return std::nullopt;
}

const SystemResult& ClaimMeasures::system_result(const std::string& key) const {
  const auto& s = systems_.at(key);
  if (!s.result) throw std::runtime_error("system " + key + " could not be evaluated: " + s.error);
  return *s.result;
}

// The max-rate search result for a link (its own search or a system link's).
std::pair<const solvers::MaxRateResult*, std::string> ClaimMeasures::rate_result(const LinkRef& link, double top) const {
  const std::string key = rate_key(link.key, top);
  if (auto it = shared_.find(key); it != shared_.end()) {
    const SystemResult& r = system_result(it->second.system_key);
    const auto& l = r.links[it->second.link];
    if (!l.search) throw std::runtime_error("the system link " + l.name + " has no search result");
    return {&*l.search, "shared with link " + l.name + " of " + r.source};
  }
  const auto& s = rates_.at(key);
  if (!s.result) throw std::runtime_error("max-rate search of " + link.key + " failed: " + s.error);
  return {&*s.result, ""};
}

// ---- the measures -------------------------------------------------------------------------------

Computed ClaimMeasures::eval(const Measure& m, std::vector<std::string>& why) {
  return std::visit(
      [&](const auto& x) -> Computed {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, StandardMeasure>) return standard_figure(x.figure, m.kind, why);
        else if constexpr (std::is_same_v<T, LaneRateMeasure>) return lane_rate(x, why);
        else if constexpr (std::is_same_v<T, MaxRateMeasure>) return max_rate(x.link, x.modulation, x.max_rate_bps, why);
        else if constexpr (std::is_same_v<T, ReachMeasure>) return reach(x, why);
        else if constexpr (std::is_same_v<T, InsertionLossMeasure>) return insertion_loss(x, why);
        else if constexpr (std::is_same_v<T, LossPerLengthMeasure>) return loss_per_length(*x.link.link, x.freq_hz, x.segment, why);
        else if constexpr (std::is_same_v<T, ResistiveShareMeasure>) return resistive_share(x, why);
        else if constexpr (std::is_same_v<T, LineDelayMeasure>) return line_delay(x, why);
        else if constexpr (std::is_same_v<T, GroupIndexDelayMeasure>) return group_index_delay(x, why);
        else if constexpr (std::is_same_v<T, FlightTimeMeasure>) return flight_time(x, why);
        else if constexpr (std::is_same_v<T, FixedLossMeasure>) return fixed_loss(*x.link.link, why);
        else if constexpr (std::is_same_v<T, LossCrossoverMeasure>) return loss_crossover(x, why);
        else if constexpr (std::is_same_v<T, OpticalEnergyMeasure>) return optical_energy(x, why);
        else if constexpr (std::is_same_v<T, ChannelHeatMeasure>) return channel_heat(x, why);
        else if constexpr (std::is_same_v<T, TransferTimeMeasure>) return transfer_time(x, why);
        else if constexpr (std::is_same_v<T, StudyColumnMeasure>) return study_column(x, why);
        else if constexpr (std::is_same_v<T, ReferenceValue>) {
          why.push_back(fmt::format("reference value {} ({}), as cited in the claim file", x.text, x.source));
          return Computed::exactly(x.value, m.kind);
        } else {
          return system_measure(m, why);
        }
      },
      m.spec);
}

Computed ClaimMeasures::max_rate(const LinkRef& link, std::optional<channels::Modulation> modulation, double top,
                                 std::vector<std::string>& why) const {
  const channels::Link& cfg = *link.link;
  auto [r, shared] = rate_result(link, top);
  std::string per;
  for (const auto& x : r->per_modulation)
    per += fmt::format("{}{} {}", per.empty() ? "" : ", ", modulation_display(x.levels),
                       x.found ? display_value(x.max_rate_bps, ValueKind::rate) + (x.capped ? " (top of the range)" : "")
                               : std::string("none"));
  why.push_back(fmt::format("max per-lane rate of {} at its [signal] criterion ({}), Tx/Rx equalization searched; "
                            "search {:g} ... {:g} Gb/s to 1 %: {}{}",
                            link_title(cfg), criterion_text(cfg, cfg.signalling->spec.levels), kSearchMinBps / 1e9, top / 1e9,
                            per, shared.empty() ? "" : " (" + shared + ")"));
  bool found = false, capped = false;
  double v = 0.0;
  if (!modulation) {
    found = r->found;
    v = r->max_rate_bps;
    for (const auto& x : r->per_modulation)
      if (x.levels == r->best_levels) capped = x.capped;
    if (found) why.push_back("best modulation: " + modulation_display(r->best_levels));
  } else {
    const int lv = channels::levels(*modulation);
    for (const auto& x : r->per_modulation)
      if (x.levels == lv) {
        found = x.found;
        capped = x.capped;
        v = x.max_rate_bps;
      }
  }
  if (!found) {
    why.push_back(fmt::format("no rate down to {:g} Gb/s meets the target", kSearchMinBps / 1e9));
    return Computed::at_most(kSearchMinBps, ValueKind::rate);
  }
  if (capped) {
    why.push_back("the top of the search range still meets the target: the maximum is at least that");
    return Computed::at_least(v, ValueKind::rate);
  }
  return Computed::exactly(v, ValueKind::rate);
}

Computed ClaimMeasures::reach(const ReachMeasure& m, std::vector<std::string>& why) const {
  const auto& s = reaches_.at(reach_key(m));
  if (!s.result) throw std::runtime_error("reach search failed: " + s.error);
  const ReachAnswer& a = *s.result;
  const auto& r = a.result;
  const channels::Link& cfg = *m.link.link;
  const int lv = channels::levels(a.modulation);
  why.push_back(fmt::format("longest {} of {} meeting its [signal] criterion ({}) at {} {}, searched {} ... {}", a.element,
                            link_title(cfg), criterion_text(cfg, lv), display_value(a.rate_bps, ValueKind::rate),
                            channels::display_name(a.modulation), display_value(a.options.min_length_m, ValueKind::length),
                            display_value(a.options.max_length_m, ValueKind::length)));
  if (!r.found) {
    why.push_back("even the shortest length fails: " + r.reason);
    return Computed::at_most(a.options.min_length_m, ValueKind::length);
  }
  if (r.capped) return Computed::at_least(r.max_length_m, ValueKind::length);
  return Computed::exactly(r.max_length_m, ValueKind::length);
}

Computed ClaimMeasures::optical_energy(const OpticalEnergyMeasure& m, std::vector<std::string>& why) const {
  const channels::Link& cfg = *m.link.link;
  const auto& link = *cfg.optical();
  Computed rate = Computed::exactly(m.rate_bps, ValueKind::rate);
  if (m.at == OpticalEnergyMeasure::At::max_rate) {
    rate = max_rate(m.link, std::nullopt, kSearchMaxBps, why);
  } else if (m.at == OpticalEnergyMeasure::At::signal_rate) {
    rate = Computed::exactly(cfg.signalling->data_rate_bps, ValueKind::rate);
    why.push_back("at the config's [signal] rate " + display_value(rate.value, ValueKind::rate));
  }
  // The study's energy column and this measure are one function (workflows::optical_energy_per_bit),
  // here with one laser per wavelength.
  const auto per_bit = [&link](double r) { return optical_energy_per_bit(link, r, 1); };
  const OpticalEnergy at = per_bit(rate.value);
  why.push_back(fmt::format("electrical power of {} per bit at {} (workflows::optical_energy_per_bit): laser {} optical / {:g} "
                            "wall-plug = {}, modulator driver with tuning {}, receiver {}; total {} per wavelength (host "
                            "SerDes, CDR beyond the receiver and FEC not included)",
                            link_title(cfg), display(rate), display_value(link.laser().power_w, ValueKind::power),
                            link.laser().wall_plug_efficiency, display_value(at.laser_j, ValueKind::energy),
                            display_value(at.modulator_j, ValueKind::energy), display_value(at.receiver_j, ValueKind::energy),
                            display_value(at.total_j(), ValueKind::energy)));
  // The energy falls with the rate: a rate interval [lo, hi] gives [e(hi), e(lo)].
  Computed e;
  e.kind = ValueKind::energy;
  e.value = at.total_j();
  e.lo = rate.hi == kInf ? 0.0 : per_bit(rate.hi).total_j();
  e.hi = rate.lo > 0 ? per_bit(rate.lo).total_j() : kInf;
  if (rate.exact()) e = Computed::exactly(e.value, ValueKind::energy);
  return e;
}

Computed ClaimMeasures::system_measure(const Measure& m, std::vector<std::string>& why) const {
  const SystemRef* sref = system_of(m);
  if (!sref) throw std::runtime_error("measure " + m.name + " reads no system");
  const SystemResult& r = system_result(sref->key);
  if (const auto* x = std::get_if<StepSpeedupBoundMeasure>(&m.spec)) {
    const auto& base = r.links[r.baseline];
    const std::size_t k = point_index(r, x->devices);
    const auto& p = base.points[k];
    why.push_back(fmt::format("{} in {}: baseline {} step {} = compute {} + exposed communication {} ({:.3g} % of the step); "
                              "an infinitely fast link removes only the communication (Amdahl's law)",
                              collective(r), r.source, base.name, display_value(*p.step_time_s, ValueKind::time),
                              display_value(*r.workload.compute_time_s, ValueKind::time),
                              display_value(*p.step_time_s - *r.workload.compute_time_s, ValueKind::time),
                              *p.communication_fraction * 100.0));
    return Computed::exactly(*p.step_time_s / *r.workload.compute_time_s, ValueKind::ratio);
  }
  if (const auto* x = std::get_if<LinkBandwidthMeasure>(&m.spec)) {
    const auto& l = r.links[x->link];
    double v = x->payload ? l.payload_bandwidth_bytes_per_s * 8.0 : l.line_rate_bps;
    v *= static_cast<double>(x->directions);
    why.push_back(link_text(r, l));
    why.push_back(fmt::format("{} bandwidth, {}", x->payload ? "payload" : "line", x->directions > 1 ? "both directions" : "one direction"));
    return Computed::exactly(v, ValueKind::rate);
  }
  if (const auto* x = std::get_if<SystemEnergyMeasure>(&m.spec)) {
    const auto& l = r.links[x->link];
    why.push_back(fmt::format("energy per line bit of link {} as given in {} (with its citation there)", l.name, r.source));
    if (!l.energy_per_bit_j) throw std::runtime_error("link " + l.name + " of " + r.source + " gives no energy_per_bit");
    return Computed::exactly(*l.energy_per_bit_j, ValueKind::energy);
  }
  std::size_t link = 0;
  int devices = 0;
  if (const auto* x = std::get_if<CollectiveTimeMeasure>(&m.spec)) {
    link = x->link;
    devices = x->devices;
  } else if (const auto* y = std::get_if<StepSpeedupMeasure>(&m.spec)) {
    link = y->link;
    devices = y->devices;
  }
  const auto& l = r.links[link];
  const std::size_t k = point_index(r, devices);
  const auto& p = l.points[k];
  why.push_back(link_text(r, l));
  if (std::holds_alternative<CollectiveTimeMeasure>(m.spec)) {
    why.push_back(fmt::format("{} = {:g} GB per device on {} devices, per-hop latency {} (alpha-beta model)", collective(r),
                              r.message_bytes / 1e9, p.devices, display_value(l.alpha_s, ValueKind::time)));
    return Computed::exactly(p.time_s, ValueKind::time);
  }
  const auto& base = r.links[r.baseline];
  const auto& bp = base.points[k];
  why.push_back(fmt::format("{} on {} devices, compute {} per step, overlap {:g} %: step {} on {} vs {} on {}", collective(r),
                            p.devices, display_value(*r.workload.compute_time_s, ValueKind::time), r.workload.overlap * 100,
                            display_value(*bp.step_time_s, ValueKind::time), base.name,
                            display_value(*p.step_time_s, ValueKind::time), l.name));
  return Computed::exactly(*bp.step_time_s / *p.step_time_s, ValueKind::ratio);
}

Computed ClaimMeasures::study_column(const StudyColumnMeasure& m, std::vector<std::string>& why) const {
  const auto& slot = studies_.at(m.key);
  if (!slot.result) throw std::runtime_error("the study " + m.key + " could not be run: " + slot.error);
  const Study& sub = study_subs_.at(m.key);
  const std::size_t li = study_links_.at(m.key).at(m.link);
  const auto k = static_cast<std::size_t>(std::find(sub.reach_m.begin(), sub.reach_m.end(), m.length_m) - sub.reach_m.begin());
  const StudyPoint& p = slot.result->links.at(li).points.at(k);
  const std::string& option = sub.links[li].name;
  const std::string where = fmt::format("option \"{}\" of {} at {}", option, m.study->source, display_value(m.length_m, ValueKind::length));
  if (!p.reachable) throw std::runtime_error(where + " is beyond the option's reach (max_length)");
  if (!(p.max_rate_bps > 0.0)) throw std::runtime_error(where + ": no rate meets the target (" + p.note + ")");
  std::size_t d = 0;
  if (m.column == StudyColumnMeasure::Column::step_time || m.column == StudyColumnMeasure::Column::sync_time)
    d = static_cast<std::size_t>(std::find(m.study->workload.devices.begin(), m.study->workload.devices.end(), m.devices) -
                                 m.study->workload.devices.begin());
  why.push_back(fmt::format("the study's {} column of {} (workflows::run_study, as `phylane study` computes it; "
                            "max per-lane rate {} {}{})",
                            to_string(m.column), where, modulation_display(p.best_levels),
                            display_value(p.max_rate_bps, ValueKind::rate),
                            p.symbol_rate_limited ? ", the transceiver's symbol-rate limit" : ""));
  switch (m.column) {
    case StudyColumnMeasure::Column::max_rate: return Computed::exactly(p.max_rate_bps, ValueKind::rate);
    case StudyColumnMeasure::Column::energy_per_bit: {
      const auto names = sub.links[li].energy_part_names();
      std::string parts;
      for (std::size_t i = 0; i < names.size(); ++i)
        parts += fmt::format("{}{} {}", i ? " + " : "", names[i], display_value(p.energy_part_j[i], ValueKind::energy));
      why.push_back("energy per line bit = " + parts + " (" + sub.links[li].energy_source + ")");
      return Computed::exactly(p.energy_per_bit_j, ValueKind::energy);
    }
    case StudyColumnMeasure::Column::phy_latency: return Computed::exactly(p.phy_latency_s, ValueKind::time);
    case StudyColumnMeasure::Column::sync_time:
      why.push_back(fmt::format("{} {} of {:g} parameters x {:g} B on {} devices", solvers::to_string(sub.workload.algorithm),
                                solvers::to_string(sub.workload.collective), sub.workload.parameters,
                                sub.workload.bytes_per_parameter, m.devices));
      return Computed::exactly(p.sync_time_s.at(d), ValueKind::time);
    case StudyColumnMeasure::Column::step_time:
      why.push_back(fmt::format("step = compute {} + the exposed {} of {:g} parameters x {:g} B on {} devices (overlap {:g})",
                                display_value(sub.workload.compute_time_s.value_or(0.0), ValueKind::time),
                                solvers::to_string(sub.workload.collective), sub.workload.parameters,
                                sub.workload.bytes_per_parameter, m.devices, sub.workload.overlap));
      if (std::isnan(p.step_time_s.at(d))) throw std::runtime_error("the study's workload gives no compute_time");
      return Computed::exactly(p.step_time_s.at(d), ValueKind::time);
  }
  throw std::logic_error("study_column: unknown column");
}

Computed ClaimMeasures::transfer_time(const TransferTimeMeasure& m, std::vector<std::string>& why) {
  if (!m.rate) throw std::runtime_error("transfer_time has no rate measure");
  const Computed rate = eval(*m.rate, why);
  const double bits = m.bytes * 8.0;
  const double lanes = static_cast<double>(m.lanes);
  Computed t;
  t.kind = ValueKind::time;
  t.value = bits / (lanes * rate.value);
  t.lo = rate.hi == kInf ? 0.0 : bits / (lanes * rate.hi);
  t.hi = rate.lo > 0 ? bits / (lanes * rate.lo) : kInf;
  why.push_back(fmt::format("serialization of {:g} B = {:g} bit over {} lane{} at {} each: {}", m.bytes, bits, m.lanes,
                            m.lanes == 1 ? "" : "s", display(rate), display_value(t.value, ValueKind::time)));
  if (m.flight) {
    const Computed f = eval(*m.flight, why);
    t.value += f.value;
    t.lo += f.lo;
    t.hi += f.hi;
    why.push_back("plus the flight time " + display(f) + "; protocol overheads (headers, flow control, FEC latency) not modelled");
  } else {
    why.push_back("no flight time; protocol overheads not modelled");
  }
  return t;
}

}  // namespace phylane::workflows
