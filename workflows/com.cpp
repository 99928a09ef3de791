#include "workflows/com.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <utility>
#include <stdexcept>

#include "channels/network_ops.hpp"
#include "channels/resample.hpp"
#include "phy/number_text.hpp"
#include "solvers/max_rate.hpp"

namespace phylane::workflows {

namespace {

std::string ghz(double f) { return phy::number_text(f / 1e9, 6) + " GHz"; }

// The data must reach the Nyquist frequency; an aggressor must cover the thru's band up to f_b
// (or its own end, if the thru stops earlier), so that no aggressor is silently cut off where
// the victim is still evaluated.
void check_range(const ComChannel& ch, const char* what, double f_b, double thru_end) {
  const auto& f = ch.network.freq_hz();
  if (f.empty()) throw std::invalid_argument(ch.name + ": " + what + " has no frequency points");
  if (f.back() < 0.5 * f_b)
    throw std::invalid_argument(ch.name + ": " + what + " data end at " + ghz(f.back()) +
                                ", below the Nyquist frequency f_b/2 = " + ghz(0.5 * f_b) + "; COM needs data to at least f_b/2");
  if (thru_end > 0.0) {
    const double need = std::min(thru_end, f_b);
    if (f.back() < need * (1.0 - 1e-9))
      throw std::invalid_argument(ch.name + ": " + what + " data end at " + ghz(f.back()) + ", below the thru's " +
                                  ghz(need) + " (the aggressor must cover the thru's band up to f_b)");
  }
}

// The thru's insertion loss at f [dB] from the band-limited interpolant of its SDD21 alone: each
// term of channels::BandLimitedNetwork is prepared and interpolated on its own (its delay, its DC
// point, its spline), so this is the value the whole 2-port's interpolant gives, for a quarter of
// its preparation.
double thru_il_db(const channels::Network& sdd, double f) {
  channels::Network s21(sdd.freq_hz(), 1, {sdd.z0_ohm()[1]});
  for (std::size_t k = 0; k < sdd.size(); ++k) s21.s(k, 0, 0) = sdd.s(k, 1, 0);
  const channels::Network at = channels::BandLimitedNetwork(s21).evaluate(std::span<const double>(&f, 1));
  return -20.0 * std::log10(std::abs(at.s(0, 0, 0)));
}

solvers::ComPath path(const channels::Network& sdd, const std::string& name, solvers::ComPathKind kind) {
  return {kind, solvers::ComSdd(sdd), name, solvers::make_com_path_cache(), sdd.freq_hz()};
}

}  // namespace

channels::Network com_differential(const ComChannel& ch, const std::array<int, 4>& port_order) {
  const channels::Network& n = ch.network;
  if (n.ports() == 2) return n;
  if (n.ports() != 4)
    throw std::invalid_argument(ch.name + ": " + std::to_string(n.ports()) +
                                " ports; COM takes a single-ended 4-port (or a differential 2-port)");
  // Port Order [P1 N1 P2 N2]: the input pair's positive and negative ports, then the output's.
  const std::array<int, 4> order{port_order[0] - 1, port_order[1] - 1, port_order[2] - 1, port_order[3] - 1};
  const auto& z = n.z0_ohm();
  auto zi = [&](int port) { return z[static_cast<std::size_t>(port)]; };
  if (zi(order[0]) != zi(order[1]) || zi(order[2]) != zi(order[3])) {
    // Lines of a side with different references: to_mixed_mode's checks and message decide.
    const channels::Network mm = channels::to_mixed_mode(channels::reorder_ports(n, order), channels::PortOrder::pairs_13_24);
    channels::Network d(mm.freq_hz(), 2, {mm.z0_ohm()[0], mm.z0_ohm()[1]});
    for (std::size_t k = 0; k < mm.size(); ++k)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) d.s(k, i, j) = mm.s(k, i, j);
    d.name = ch.name + " (SDD)";
    return d;
  }
  // The differential block of the mixed-mode matrix M S M^T (channels::to_mixed_mode; Bockelman
  // and Eisenstadt, IEEE Trans. MTT-43(7), 1995), read off directly without the 4 x 4 product or
  // the full mixed-mode network: SDD_ij = (S_PiPj - S_PiNj - S_NiPj + S_NiNj) / 2, referenced to
  // 2 z0 of each side.
  channels::Network d(n.freq_hz(), 2, {2.0 * zi(order[0]), 2.0 * zi(order[2])});
  for (std::size_t k = 0; k < n.size(); ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        const int pi = order[static_cast<std::size_t>(2 * i)], ni = order[static_cast<std::size_t>(2 * i + 1)];
        const int pj = order[static_cast<std::size_t>(2 * j)], nj = order[static_cast<std::size_t>(2 * j + 1)];
        d.s(k, i, j) = 0.5 * (n.s(k, pi, pj) - n.s(k, pi, nj) - n.s(k, ni, pj) + n.s(k, ni, nj));
      }
  d.name = ch.name + " (SDD)";
  return d;
}

ComAnswer com(const solvers::ComParameters& p, const ComRequest& rq) {
  check_range(rq.thru, "the thru", p.f_b_baud, 0.0);
  const double thru_end = rq.thru.network.freq_hz().back();
  // The channels in order: the thru, the FEXT and the NEXT aggressors.
  std::vector<std::pair<const ComChannel*, solvers::ComPathKind>> channels{{&rq.thru, solvers::ComPathKind::thru}};
  for (const auto& c : rq.fext) {
    if (c.network.ports() != 4) throw std::invalid_argument(c.name + ": a FEXT aggressor must be a 4-port, not " + std::to_string(c.network.ports()));
    check_range(c, "the FEXT aggressor", p.f_b_baud, thru_end);
    channels.emplace_back(&c, solvers::ComPathKind::fext);
  }
  for (const auto& c : rq.next) {
    if (c.network.ports() != 4) throw std::invalid_argument(c.name + ": a NEXT aggressor must be a 4-port, not " + std::to_string(c.network.ports()));
    check_range(c, "the NEXT aggressor", p.f_b_baud, thru_end);
    channels.emplace_back(&c, solvers::ComPathKind::next);
  }
  // The sheet's refusals before any work.
  if (p.erl_only && !p.erl && !p.tdr)
    throw std::invalid_argument("ERL_ONLY = true with neither ERL nor TDR set: nothing to compute (ERL_ONLY skips COM; "
                                "the TDR and ERL are computed when TDR or ERL is set): set ERL = 1");
  if (p.erl_only && !(rq.fext.empty() && rq.next.empty()))
    throw std::invalid_argument("ERL_ONLY: the TDR and ERL of the thru alone are computed; give no --fext or --next "
                                "aggressors (or set ERL_ONLY = 0 for COM)");
  if (const auto u = solvers::com_unsupported(p); !u.empty()) {
    std::string msg = "COM sheet: not supported yet:";
    for (const auto& s : u) msg += " " + s + ";";
    throw std::invalid_argument(msg);
  }
  if (p.erl_only) {
    // As the reference code 4.15: the TDR and ERL of the thru (Annex 93A.5), then nothing else.
    ComAnswer out;
    out.erl_only = true;
    out.tdr = solvers::com_tdr_erl(p, com_differential(rq.thru, p.port_order));
    if (p.erl) {
      out.erl_db = std::min(out.tdr[0].erl_db, out.tdr[1].erl_db);
      out.erl_pass = out.erl_db >= p.erl_pass_threshold_db;
    }
    out.pass = out.erl_pass;
    return out;
  }
  // Each channel's path (its SDD; an aggressor's band-limited interpolant too, ~1 ms for a
  // 4,000-point file) with its channel at its data frequencies (where com_case continues it), the
  // IL at Nyquist, the thru's fitted insertion loss and each case's packages on the thru's data
  // frequencies (com_prepare_packages, a task for each side) are independent: tasks on every
  // core, the thru's first (its errors are the ones reported first, as when they were built in
  // turn).
  std::vector<channels::Network> sdds(channels.size());
  std::vector<std::optional<solvers::ComPath>> built(channels.size());
  const std::vector<int> cases = p.z_p_select.empty() ? std::vector<int>{1} : p.z_p_select;
  std::vector<std::shared_ptr<solvers::ComPackageCache>> packages(cases.size());
  std::vector<solvers::ComPathKind> kinds;
  for (const auto& c : channels) kinds.push_back(c.second);
  ComAnswer out;
  double il_db_at_nyquist = 0.0;
  {
    solvers::ParallelOptions bo;
    // Tasks in order: the paths (the longest), each case's transmitter and receiver packages,
    // then the fit and the IL at Nyquist (the shortest), so that the two cores finish together.
    const std::size_t tasks = channels.size() + 2 * cases.size() + 2;
    bo.workers = solvers::parallel_workers(rq.workers, tasks);
    sdds[0] = com_differential(rq.thru, p.port_order);
    const std::vector<double> data_hz = sdds[0].freq_hz();
    for (auto& c : packages) c = solvers::make_com_package_cache();
    solvers::parallel_for(
        tasks,
        [&](std::size_t i, int) {
          if (i + 1 == tasks) {  // the IL at Nyquist
            il_db_at_nyquist = thru_il_db(sdds[0], 0.5 * p.f_b_baud);
            return;
          }
          if (i >= channels.size() && i + 2 < tasks) {  // one side of a case's packages
            const std::size_t c = (i - channels.size()) / 2;
            const auto side = (i - channels.size()) % 2 == 0 ? channels::ComPackageSide::tx : channels::ComPackageSide::rx;
            solvers::com_prepare_packages(p, cases[c], kinds, data_hz, *packages[c], side);
            return;
          }
          if (i + 2 == tasks) {
            // The fit on the data's own points (4.15's faxis), not the band-limited interpolant.
            try {
              out.fitted_il = solvers::com_fitted_il(p, sdds[0]);
            } catch (const std::invalid_argument& e) {
              throw std::invalid_argument(rq.thru.name + ": " + e.what());
            }
            return;
          }
          if (i > 0) sdds[i] = com_differential(*channels[i].first, p.port_order);
          built[i].emplace(path(sdds[i], channels[i].first->name, channels[i].second));
          solvers::com_prepare_channel(p, *built[i]);
          // An aggressor's interpolant serves the ICN after the cases: built here, on both cores.
          if (i > 0) built[i]->sdd.band_limited();
        },
        bo);
  }
  const solvers::ComPath thru = std::move(*built[0]);
  std::vector<solvers::ComPath> aggressors;
  for (std::size_t i = 1; i < built.size(); ++i) aggressors.push_back(std::move(*built[i]));
  out.il_db_at_nyquist = il_db_at_nyquist;
  // The package cases are independent (each prepares its own paths): one task each, results in
  // z_p select order whatever thread ran them.
  out.cases.resize(cases.size());
  solvers::ParallelOptions po;
  po.workers = solvers::parallel_workers(rq.workers, cases.size());
  po.stop = rq.stop;
  std::vector<solvers::PulseResponseEngine> engines(static_cast<std::size_t>(po.workers));
  std::mutex progress_lock;
  const solvers::ParallelSummary run = solvers::parallel_for(
      cases.size(),
      [&](std::size_t i, int worker) {
        if (rq.progress) {
          std::lock_guard<std::mutex> lock(progress_lock);
          rq.progress(cases[i]);
        }
        out.cases[i] =
            solvers::com_case(p, cases[i], thru, aggressors, engines[static_cast<std::size_t>(worker)], packages[i]);
      },
      po);
  if (run.stopped) throw solvers::SearchInterrupted();
  for (std::size_t i = 1; i < out.cases.size(); ++i)
    if (out.cases[i].com_db < out.cases[out.worst].com_db) out.worst = i;
  out.com_db = out.cases[out.worst].com_db;
  out.pass = out.com_db >= p.pass_threshold_db;
  // ERL and ICN only when asked for (TDR/ERL) or when there are aggressors: a plain COM run pays
  // nothing for them.
  if (p.erl || p.tdr) {
    out.tdr = solvers::com_tdr_erl(p, sdds[0]);
    if (p.erl) {
      out.erl_db = std::min(out.tdr[0].erl_db, out.tdr[1].erl_db);
      out.erl_pass = out.erl_db >= p.erl_pass_threshold_db;
    }
  }
  if (!aggressors.empty()) out.icn = solvers::com_icn(p, aggressors);
  return out;
}

std::vector<ComAnswer> com_batch(const solvers::ComParameters& p, const std::vector<ComChannel>& thrus,
                                 const solvers::ParallelOptions& options) {
  std::vector<ComAnswer> out(thrus.size());
  const solvers::ParallelSummary s = solvers::parallel_for(
      thrus.size(),
      [&](std::size_t i, int) {
        ComRequest rq;
        rq.thru = thrus[i];
        rq.workers = 1;  // the channels already fill the cores
        out[i] = com(p, rq);
      },
      options);
  if (s.stopped) throw solvers::SearchInterrupted();
  return out;
}

}  // namespace phylane::workflows
