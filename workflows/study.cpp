#include "workflows/study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>

#include "phy/constants.hpp"
#include "solvers/max_rate.hpp"
#include "solvers/parallel.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/link_search.hpp"
#include "workflows/throughput.hpp"

namespace phylane::workflows {

namespace {

// Group index of G.652 single-mode fibre at 1310 nm (ITU-T G.652 / Corning SMF-28 data sheet:
// n_eff = 1.4676 at 1310 nm), for the flight time of a fibre of a given length.
constexpr double kFiberGroupIndex = 1.4676;

struct LinkSetup {
  Stretch stretch;
  solvers::MaxRateOptions rate_options;
  double max_symbol_rate_baud = 0.0;  ///< the transceiver's symbol-rate limit (0: none)
};

LinkSetup setup_link(const StudyLink& link, const std::atomic<bool>* stop) {
  LinkSetup s;
  auto& ro = s.rate_options;
  ro = rate_criterion(*link.link);
  // The searches of all cases already run on the available cores; one modulation at a time each.
  ro.threads = 1;
  ro.hooks.stop = stop;
  if (!link.modulation_levels.empty()) ro.levels = link.modulation_levels;
  if (link.max_rate_bps > 0.0) ro.max_rate_bps = link.max_rate_bps;
  s.max_symbol_rate_baud = link.max_symbol_rate_baud;
  s.stretch = stretchable(*link.link, link.element, ro.max_rate_bps);
  return s;
}

// A point beyond the option's reach: nothing is computed; rates 0, the rest NaN (times inf).
StudyPoint unreachable_point(const Study& st, const StudyLink& link, double len) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  StudyPoint p;
  p.length_m = len;
  p.reachable = false;
  p.loss_db = p.capacity_bps = p.propagation_s = p.fec_latency_s = p.latency_s = nan;
  p.energy_per_bit_j = p.phy_latency_s = p.retimer_latency_s = p.serdes_latency_s = p.density_bps_per_mm = nan;
  p.hop_length_m = nan;
  p.energy_part_j.assign(link.energy_part_names().size(), nan);
  p.note = "beyond the option's reach (max_length)";
  for (std::size_t d = 0; d < st.workload.devices.size(); ++d) {
    p.sync_time_s.push_back(inf);
    p.energy_per_step_j.push_back(nan);
    p.step_time_s.push_back(st.workload.compute_time_s ? inf : nan);
  }
  return p;
}

// Retimers: each resets the loss budget (it recovers the data and sends a fresh signal; PCI
// Express Base Specification 5.0, sec. 4.3 "Retimers"). The route is split into the fewest equal
// hops whose loss at the loss frequency is within the budget, with at most max_count retimers;
// each hop is the configured link with the stretched element at L / hops (a retimer is a die in
// its own package, so every hop keeps packages, connectors and the other fixed elements).
int hops_for(const StudyLink& link, const LinkSetup& setup, double len) {
  const double f_loss = 0.5 * link.link->signalling->spec.symbol_rate_baud;
  int hops = 1;
  if (link.retimers.max_count > 0)
    while (hops <= link.retimers.max_count && setup.stretch.loss_db(len / hops, f_loss) > link.retimers.budget_db) ++hops;
  return hops;
}

// The rate search below a transceiver's symbol-rate limit: a SerDes or DSP of a baud class runs no
// faster whatever the modulation, so each modulation's search stops at max_baud x log2(levels)
// (and at the search's own top). Without a limit (0) the modulations share one search range.
// The best modulation is the one with the highest rate, as find_max_rate picks it.
solvers::MaxRateResult max_rate_within(const solvers::EyeAtRate& eye, const solvers::MaxRateOptions& ro, double max_baud) {
  if (!(max_baud > 0.0)) return solvers::find_max_rate(eye, ro);
  solvers::MaxRateResult mr;
  for (int lv : ro.levels) {
    solvers::MaxRateOptions one = ro;
    one.levels = {lv};
    one.max_rate_bps = std::min(ro.max_rate_bps, max_baud * std::log2(static_cast<double>(lv)));
    if (one.max_rate_bps < one.min_rate_bps) continue;  // the limit is below the search range
    solvers::MaxRateResult r = solvers::find_max_rate(eye, one);
    for (auto& m : r.per_modulation) {
      if (m.found && (!mr.found || m.max_rate_bps > mr.max_rate_bps)) {
        mr.found = true;
        mr.max_rate_bps = m.max_rate_bps;
        mr.best_levels = m.levels;
      }
      mr.per_modulation.push_back(std::move(m));
    }
  }
  if (!mr.found)
    mr.reason = "no scanned rate down to the range's minimum meets the target BER with the required margin "
                "(each modulation searched up to its symbol-rate limit)";
  return mr;
}

// The channel's part of a point: loss, flight time, capacity and the rate search of one hop of
// length len / hops. It depends only on the link's config and search settings, so study links
// with the same ones share it (the board route with and without retimers where none is needed).
StudyPoint channel_point(const channels::Link& cfg, const LinkSetup& setup, double len, int hops) {
  StudyPoint p;
  p.length_m = len;
  const double f_loss = 0.5 * cfg.signalling->spec.symbol_rate_baud;
  p.retimers = hops - 1;
  p.hop_length_m = len / hops;
  const Stretched x = setup.stretch.at(p.hop_length_m);
  // Loss vs reach: the optical path loss, or the copper insertion loss (of one hop) at the configured Nyquist.
  if (x.link) {
    p.loss_db = x.link->path_loss_db();
    p.propagation_s = len * kFiberGroupIndex / phy::c0;
  } else {
    std::complex<double> hv;
    x.h(std::span<const double>(&f_loss, 1), std::span<std::complex<double>>(&hv, 1));
    p.loss_db = -20.0 * std::log10(std::max(std::abs(hv), 1e-300));
    p.propagation_s = hops * x.delay_s;  // the flight time removed from each hop's channel (median group delay)
  }
  // Capacity of the same channel with the same transmitter and noise (docs/capacity.md).
  try {
    p.capacity_bps = link_capacity(cfg, x.h, x.link ? &*x.link : nullptr, LinkCapacityOptions{}).result.capacity_bps;
  } catch (const std::invalid_argument&) {
    p.capacity_bps = 0.0;  // the channel passes nothing in the band
  }
  // Max rate, NRZ and PAM4, at the link's target BER and eye mask (docs/rate_and_reach.md). No
  // scheme beats the capacity: with a bit error ratio p allowed, source-channel separation and the
  // rate-distortion function of a fair binary source, R(p) = 1 - h2(p), give R <= C / (1 - h2(p))
  // (T. M. Cover, J. A. Thomas, "Elements of Information Theory", 2nd ed., 2006, thm. 10.3.1 and
  // sec. 10.4). The search is confined below it, which spares the costly scans of long routes.
  solvers::MaxRateOptions ro = setup.rate_options;
  // The loosest target of the modulations searched (each may have its own FEC) bounds them all.
  double ber = 0.0;
  for (int lv : ro.levels) ber = std::max(ber, cfg.signalling->target_ber_for(lv));
  const double h2 = -ber * std::log2(ber) - (1.0 - ber) * std::log2(1.0 - ber);
  const double bound = p.capacity_bps / (1.0 - h2);
  if (bound < ro.max_rate_bps) {
    ro.max_rate_bps = bound;
    p.search_capped_by_capacity = true;
  }
  if (ro.max_rate_bps >= ro.min_rate_bps) {
    auto eye = [&cfg, &x](double b, int levels) {
      auto s = cfg.signalling->at(b, levels);
      s.samples_per_ui = 16;
      s.refine_candidates = 1;
      s.passive_channel = cfg.passive_transfer();  // as the rate search of `phylane maxrate` (link_search.cpp)
      if (!x.link) s.zero_above_hz = search_zero_above_hz(cfg);
      if (x.link) solvers::set_optical_levels(*x.link, s);
      return solvers::analyze_eye(x.h, s);
    };
    solvers::MaxRateResult mr;
    try {
      mr = max_rate_within(eye, ro, setup.max_symbol_rate_baud);
    } catch (const solvers::SearchInterrupted&) {
      throw;  // Ctrl-C: the whole study stops
    } catch (const std::exception& e) {
      // A numerical failure of one case (e.g. a pulse response that does not decay within the
      // largest FFT) is recorded with its reason; the study goes on.
      mr.found = false;
      mr.reason = std::string("numerical failure: ") + e.what();
      p.failed = true;
    }
    for (const auto& m : mr.per_modulation) {
      if (m.levels == 2) p.max_rate_nrz_bps = m.found ? m.max_rate_bps : 0.0;
      if (m.levels == 4) p.max_rate_pam4_bps = m.found ? m.max_rate_bps : 0.0;
    }
    p.max_rate_bps = mr.found ? mr.max_rate_bps : 0.0;
    p.best_levels = mr.found ? mr.best_levels : 0;
    if (setup.max_symbol_rate_baud > 0.0)
      for (const auto& m : mr.per_modulation)
        if (m.found && m.levels == p.best_levels && m.capped &&
            m.max_rate_bps >= setup.max_symbol_rate_baud * std::log2(m.levels) * (1.0 - 1e-9))
          p.symbol_rate_limited = true;
    if (!mr.found) p.note = mr.reason;
  } else {
    p.note = "the capacity bound is below the lowest rate searched";
  }
  return p;
}

// The option's part of a point (its lanes, FEC, SerDes, retimers, energy figures, density) and the
// training step, on the channel's answer.
void account_point(const Study& st, const StudyLink& link, StudyPoint& p) {
  const channels::Link& cfg = *link.link;
  // System: payload bandwidth per direction; per device count the collective's time and the
  // energy of all links per step, accounted as `phylane throughput` does (collective_point).
  // The best modulation's encoding and FEC: payload fraction, target met, and the FEC's latency
  // with the codeword carried by all lanes together (docs/fec.md).
  if (p.max_rate_bps > 0.0) {
    const solvers::Encoding& enc = link.encoding_for(p.best_levels);
    const channels::Fec& fec = cfg.signalling->fec_for(p.best_levels);
    p.encoding = enc.name;
    p.efficiency = enc.efficiency;
    p.fec = fec.name;
    p.target_ber = cfg.signalling->target_ber_for(p.best_levels);
    p.fec_latency_s = fec.latency_s(link.lanes * p.max_rate_bps);
  }
  // Physical-layer latency end to end: SerDes (or module DSP), FEC, retimers and flight time.
  p.serdes_latency_s = link.serdes_latency_s;
  p.retimer_latency_s = p.retimers * link.retimers.latency_s;
  p.phy_latency_s = p.serdes_latency_s + p.fec_latency_s + p.retimer_latency_s + p.propagation_s;
  p.latency_s = link.alpha_s + p.phy_latency_s;
  p.link_bandwidth_bytes_per_s =
      p.max_rate_bps > 0.0 ? solvers::link_bandwidth_bytes_per_s(link.lanes, p.max_rate_bps, p.efficiency) : 0.0;
  // Energy per line bit, part by part (StudyLink::energy_part_names): the cited figures, the
  // optical link's own power at this rate (one laser's wall-plug power shared by the lanes it
  // feeds, the modulator driver with tuning, the receiver), and the retimers a bit crosses.
  p.energy_per_bit_j = 0.0;
  for (const auto& [name, e] : link.energy_parts_j) p.energy_part_j.push_back(e);
  if (link.energy_optics_model) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    OpticalEnergy e{nan, nan, nan};
    // Stretching the fibre leaves laser, modulator and receiver as configured.
    if (const channels::OpticalLink* o = cfg.optical(); p.max_rate_bps > 0.0 && o)
      e = optical_energy_per_bit(*o, p.max_rate_bps, link.lanes_per_laser);
    p.energy_part_j.insert(p.energy_part_j.end(), {e.laser_j, e.modulator_j, e.receiver_j});
  }
  if (link.retimers.max_count > 0) p.energy_part_j.push_back(p.retimers * link.retimers.energy_per_bit_j);
  for (double e : p.energy_part_j) p.energy_per_bit_j += e;
  p.density_bps_per_mm = link.lanes_per_mm > 0.0 && p.max_rate_bps > 0.0 ? link.lanes_per_mm * p.max_rate_bps
                                                                         : std::numeric_limits<double>::quiet_NaN();
  if (!(p.max_rate_bps > 0.0)) p.phy_latency_s = std::numeric_limits<double>::quiet_NaN();
  for (int n : st.workload.devices) {
    if (p.link_bandwidth_bytes_per_s > 0.0) {
      // The per-hop latency is the protocol stack's, the flight time at this length and the FEC's.
      const CollectivePoint c = collective_point(st.workload, n, p.link_bandwidth_bytes_per_s, p.latency_s,
                                                 p.efficiency, p.energy_per_bit_j);
      p.sync_time_s.push_back(c.time_s);
      p.energy_per_step_j.push_back(*c.energy_j);
      p.step_time_s.push_back(c.step_time_s.value_or(std::numeric_limits<double>::quiet_NaN()));
    } else {
      p.sync_time_s.push_back(std::numeric_limits<double>::infinity());
      p.energy_per_step_j.push_back(std::numeric_limits<double>::quiet_NaN());
      p.step_time_s.push_back(st.workload.compute_time_s ? std::numeric_limits<double>::infinity()
                                                         : std::numeric_limits<double>::quiet_NaN());
    }
  }
}

}  // namespace

const solvers::Encoding& StudyLink::encoding_for(int levels) const {
  const auto it = encoding_by_levels.find(levels);
  return it != encoding_by_levels.end() ? it->second : encoding;
}

OpticalEnergy optical_energy_per_bit(const channels::OpticalLink& link, double rate_bps, int lanes_per_laser) {
  if (!(rate_bps > 0.0)) throw std::invalid_argument("optical_energy_per_bit: the rate must be > 0 b/s");
  if (lanes_per_laser < 1) throw std::invalid_argument("optical_energy_per_bit: lanes_per_laser must be >= 1");
  const auto& lz = link.laser();
  OpticalEnergy e;
  e.laser_j = lz.power_w / lz.wall_plug_efficiency / lanes_per_laser / rate_bps;
  e.modulator_j = link.modulator().driver_power_w / rate_bps;
  e.receiver_j = link.receiver().power_w / rate_bps;
  return e;
}

std::vector<std::string> StudyLink::energy_part_names() const {
  std::vector<std::string> names;
  for (const auto& part : energy_parts_j) names.push_back(part.first);
  if (energy_optics_model) names.insert(names.end(), {"laser", "modulator", "receiver"});
  if (retimers.max_count > 0) names.emplace_back("retimers");
  return names;
}

StudyWinners study_winners(const std::vector<StudyLinkResult>& links, std::size_t devices) {
  StudyWinners w;
  const std::size_t np = links.empty() ? 0 : links.front().points.size();
  // The index of the link whose value is best at point k (-1: none has one); `better(a, b)`: a beats b.
  auto best = [&](std::size_t k, auto value, auto better) {
    int win = -1;
    double v_win = 0.0;
    for (std::size_t i = 0; i < links.size(); ++i) {
      const StudyPoint& p = links[i].points[k];
      if (!p.reachable || !(p.max_rate_bps > 0.0)) continue;
      const double v = value(p);
      if (std::isnan(v)) continue;
      if (win < 0 || better(v, v_win)) {
        win = static_cast<int>(i);
        v_win = v;
      }
    }
    return win;
  };
  const auto higher = [](double a, double b) { return a > b; };
  const auto lower = [](double a, double b) { return a < b; };
  w.step_time.resize(devices);
  for (std::size_t k = 0; k < np; ++k) {
    w.max_rate.push_back(best(k, [](const StudyPoint& p) { return p.max_rate_bps; }, higher));
    w.density.push_back(best(k, [](const StudyPoint& p) { return p.density_bps_per_mm; }, higher));
    w.energy.push_back(best(k, [](const StudyPoint& p) { return p.energy_per_bit_j; }, lower));
    w.latency.push_back(best(k, [](const StudyPoint& p) { return p.phy_latency_s; }, lower));
    for (std::size_t d = 0; d < devices; ++d)
      w.step_time[d].push_back(best(
          k, [d](const StudyPoint& p) { return std::isnan(p.step_time_s[d]) ? p.sync_time_s[d] : p.step_time_s[d]; }, lower));
  }
  return w;
}

namespace {

void check_study(const Study& st) {
  if (st.workload.devices.empty()) throw std::invalid_argument("run_study: workload.devices is empty: give at least one device count >= 2");
  for (int n : st.workload.devices)
    if (n < 2) throw std::invalid_argument("run_study: workload.devices = " + std::to_string(n) + ": each count must be >= 2");
  if (!(st.workload.parameters > 0.0) || !(st.workload.bytes_per_parameter > 0.0))
    throw std::invalid_argument("run_study: workload.parameters and workload.bytes_per_parameter must be > 0");
  for (double l : st.reach_m)
    if (!(l > 0.0)) throw std::invalid_argument("run_study: reach_m = " + std::to_string(l) + ": lengths must be > 0");
  for (const auto& l : st.links) {
    const std::string who = st.source + ": link \"" + l.name + "\": ";
    if (!l.link || !l.link->signalling) throw std::invalid_argument(who + "the link needs a [signal] section (rate, Tx, Rx)");
    if (l.lanes < 1) throw std::invalid_argument(who + "lanes = " + std::to_string(l.lanes) + ": must be >= 1");
    if (l.energy_optics_model && !l.link->optical())
      throw std::invalid_argument(who + "energy per bit from the link's power needs an optical link");
    if (l.lanes_per_laser < 1) throw std::invalid_argument(who + "lanes_per_laser must be >= 1");
    for (const auto& [name, e] : l.energy_parts_j)
      if (!(e >= 0.0)) throw std::invalid_argument(who + "energy part " + name + " must be >= 0");
    if (l.retimers.max_count < 0) throw std::invalid_argument(who + "retimers must be >= 0");
    if (l.retimers.max_count > 0 && l.link->optical())
      throw std::invalid_argument(who + "retimers split a copper route; an optical link has none (use a retimed option preset)");
    if (l.retimers.max_count > 0 && !(l.retimers.budget_db > 0.0))
      throw std::invalid_argument(who + "retimers need a loss budget per hop > 0 dB");
    if (!(l.max_length_m > 0.0)) throw std::invalid_argument(who + "max_length must be > 0");
    if (l.lanes_per_mm < 0.0) throw std::invalid_argument(who + "lanes_per_mm must be >= 0");
    if (!(l.max_symbol_rate_baud >= 0.0)) throw std::invalid_argument(who + "max_symbol_rate must be >= 0 Bd (0: none)");
  }
}

}  // namespace

StudyResult run_study(const Study& st, const StudyRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  check_study(st);
  StudyResult res;
  std::vector<LinkSetup> setups;
  for (const auto& link : st.links) {
    try {
      setups.push_back(setup_link(link, request.hooks.stop));
    } catch (const std::invalid_argument& e) {  // a request the workflows refuse (e.g. no such element)
      throw std::invalid_argument(st.source + ": link \"" + link.name + "\": " + e.what());
    }
  }
  res.links.resize(st.links.size());
  for (std::size_t i = 0; i < st.links.size(); ++i) {
    auto& lr = res.links[i];
    const channels::Link& link = *st.links[i].link;
    lr.name = st.links[i].name;
    lr.points.resize(st.reach_m.size());
    lr.config_rate_bps = link.signalling->data_rate_bps;
    lr.element_label = setups[i].stretch.label;
    lr.config_length_m = setups[i].stretch.base_length_m;
    lr.loss_label = link.optical() ? "passive optical path loss" : "insertion loss at half the configured symbol rate";
  }
  // The channel cases: one per (link, length) within the link's reach, except that links with the
  // same config and search settings share the case of the same hop length and hop count. Tasks:
  // per link its cases from the longest length down, then its eye at the configured length. The
  // executor hands tasks out in index order, so the costly long routes start first
  // (longest-processing-time-first balances the workers).
  struct Case {
    std::size_t link;
    double length_m;
    int hops;
  };
  std::vector<Case> cases;
  std::map<std::string, std::size_t> case_index;
  std::vector<std::vector<long>> case_of(st.links.size(), std::vector<long>(st.reach_m.size(), -1));
  std::vector<long> tasks;  // >= 0: a channel case; < 0: -(link + 1), that link's eye
  for (std::size_t li = 0; li < st.links.size(); ++li) {
    const StudyLink& link = st.links[li];
    // Same resolved config, element, modulations and search ceiling: the same channel and search.
    std::string share = link.config_resolved_toml.empty() ? std::to_string(reinterpret_cast<std::uintptr_t>(link.link.get()))
                                                          : link.config_resolved_toml;
    share += "\n#" + link.element + "#" + std::to_string(link.max_rate_bps) + "#" + std::to_string(link.max_symbol_rate_baud);
    for (int lv : link.modulation_levels) share += "," + std::to_string(lv);
    for (std::size_t k = st.reach_m.size(); k-- > 0;) {
      const double len = st.reach_m[k];
      if (len > link.max_length_m * (1.0 + 1e-12)) continue;  // beyond the option's reach
      const int hops = hops_for(link, setups[li], len);
      char key[64];
      std::snprintf(key, sizeof key, "#%a#%d", len / hops, hops);
      const auto [it, added] = case_index.emplace(share + key, cases.size());
      if (added) {
        cases.push_back({li, len, hops});
        tasks.push_back(static_cast<long>(it->second));
      }
      case_of[li][k] = static_cast<long>(it->second);
    }
    tasks.push_back(-static_cast<long>(li) - 1);
  }
  std::vector<StudyPoint> case_points(cases.size());
  auto run_case = [&](std::size_t t, int) {
    const long task = tasks[t];
    if (task < 0) {
      const std::size_t li = static_cast<std::size_t>(-task - 1);
      // The eye at the configured length and rate, at the fidelity `phylane eye` uses.
      const Stretched x = setups[li].stretch.at(setups[li].stretch.base_length_m);
      auto s = st.links[li].link->signalling->spec;
      if (x.link) solvers::set_optical_levels(*x.link, s);
      res.links[li].eye_at_config = solvers::analyze_eye(x.h, s);
    } else {
      const Case& c = cases[static_cast<std::size_t>(task)];
      case_points[static_cast<std::size_t>(task)] = channel_point(*st.links[c.link].link, setups[c.link], c.length_m, c.hops);
    }
  };
  solvers::ParallelOptions po;
  po.workers = request.threads;
  po.progress = request.hooks.progress;
  po.stop = request.hooks.stop;
  // A failing case stops the run; its error (the lowest-numbered case's, if several fail) is rethrown.
  res.threads = solvers::parallel_for(tasks.size(), run_case, po).workers;
  request.hooks.throw_if_stopped();  // cases were left out: the result is partial
  for (std::size_t li = 0; li < st.links.size(); ++li)
    for (std::size_t k = 0; k < st.reach_m.size(); ++k) {
      StudyPoint& p = res.links[li].points[k];
      if (case_of[li][k] < 0) {
        p = unreachable_point(st, st.links[li], st.reach_m[k]);
      } else {
        p = case_points[static_cast<std::size_t>(case_of[li][k])];
        account_point(st, st.links[li], p);
      }
    }
  res.winners = study_winners(res.links, st.workload.devices.size());
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

StudyResult run_study(const Study& st, const std::function<void(int, int)>& progress, int threads) {
  StudyRequest rq;
  rq.threads = threads;
  if (progress)
    rq.hooks.progress = [&progress](std::size_t done, std::size_t all) {
      progress(static_cast<int>(done), static_cast<int>(all));
    };
  return run_study(st, rq);
}

}  // namespace phylane::workflows
