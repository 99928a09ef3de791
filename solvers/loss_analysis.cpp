#include "solvers/loss_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::solvers {

std::vector<double> loss_grid(double fmax_hz, int points) {
  if (!(fmax_hz > 0.0)) throw std::invalid_argument("loss grid: fmax must be > 0");
  if (points < 2) throw std::invalid_argument("loss grid: points must be >= 2");
  std::vector<double> f(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i) f[static_cast<std::size_t>(i)] = fmax_hz * (i + 1) / points;
  return f;
}

namespace {

SegmentSummary summarize_segment(const channels::TraceSegment& s, const std::vector<double>& report, double f_delay) {
  SegmentSummary sum;
  sum.name = s.name;
  sum.geometry = std::string(s.line.geometry().kind());
  sum.length_m = s.length_m;
  const phy::LinePoint pd = s.line.at(f_delay, false);
  sum.delay_s_per_m = pd.gamma.imag() / (2.0 * phy::pi * f_delay);
  sum.dc_resistance_ohm_per_m = s.line.at(0.0, false).z_per_m.real();
  for (double f : report) {
    const phy::LinePoint p = s.line.at(f, true);
    SegmentAtFrequency x;
    x.freq_hz = f;
    x.impedance_ohm = p.z0.real();
    x.loss_db_per_m = phy::units::nepers_to_db(p.gamma.real());
    x.conductor_db_per_m = phy::units::nepers_to_db(p.alpha_conductor);
    x.roughness_db_per_m = phy::units::nepers_to_db(p.alpha_roughness);
    x.dielectric_db_per_m = phy::units::nepers_to_db(p.alpha_dielectric);
    const auto eps = s.line.dielectric().permittivity(f);
    x.dk = eps.real();
    x.df = -eps.imag() / eps.real();
    x.eps_eff = s.line.geometry().effective_permittivity(f, eps).real();
    sum.at.push_back(x);
  }
  return sum;
}

}  // namespace

LossAnalysis analyze_loss(const channels::CopperChannel& channel, const LossAnalysisOptions& opt) {
  if (opt.report_freqs_hz.empty())
    throw std::invalid_argument("loss analysis: at least one report frequency is needed");
  for (double f : opt.report_freqs_hz)
    if (!(f > 0.0)) throw std::invalid_argument("loss analysis: report frequencies must be > 0");

  LossAnalysis a;
  const auto grid = loss_grid(opt.fmax_hz, opt.points);
  a.sweep = channels::compute_response(channel, grid, true);
  if (opt.keep_line_points) {
    for (const auto& s : channel.segments()) {
      std::vector<phy::LinePoint> pts(grid.size());
      for (std::size_t k = 0; k < grid.size(); ++k) pts[k] = s.line.at(grid[k], true);
      a.line_points.push_back(std::move(pts));
    }
  }
  a.report_freqs_hz = opt.report_freqs_hz;
  const auto rep = channels::compute_response(channel, opt.report_freqs_hz, true);
  a.at_report = rep.loss;
  a.s21_at_report = rep.s21;
  a.ports_at_report = channels::port_figures(rep.freq_hz, rep.s11, rep.s22);

  const double f_delay = *std::max_element(opt.report_freqs_hz.begin(), opt.report_freqs_hz.end());
  for (const auto& s : channel.segments()) {
    SegmentSummary sum = summarize_segment(s, opt.report_freqs_hz, f_delay);
    a.total_length_m += sum.length_m;
    a.total_delay_s += sum.delay_s_per_m * sum.length_m;
    a.dc_resistance_ohm += sum.dc_resistance_ohm_per_m * sum.length_m;
    a.segments.push_back(std::move(sum));
  }
  return a;
}

namespace {

// Breakdown of a composed channel on a grid.
std::vector<channels::LossBreakdown> composed_breakdown(const channels::ComposedChannel& ch,
                                                        const std::vector<double>& f,
                                                        std::vector<channels::cplx>& s21,
                                                        std::vector<std::vector<double>>* per_block) {
  s21 = ch.transfer(f);
  std::vector<channels::LossBreakdown> out(f.size());
  for (std::size_t k = 0; k < f.size(); ++k)
    out[k].total_db = -phy::units::amplitude_ratio_to_db(std::max(std::abs(s21[k]), 1e-300));
  for (std::size_t i = 0; i < ch.blocks().size(); ++i) {
    const auto& b = ch.blocks()[i];
    if (b.trace) {
      for (std::size_t k = 0; k < f.size(); ++k) {
        const phy::LinePoint p = b.trace->line.at(f[k], true);
        out[k].conductor_db += phy::units::nepers_to_db(p.alpha_conductor * b.trace->length_m);
        out[k].roughness_db += phy::units::nepers_to_db(p.alpha_roughness * b.trace->length_m);
        out[k].dielectric_db += phy::units::nepers_to_db(p.alpha_dielectric * b.trace->length_m);
      }
      continue;
    }
    const auto h = ch.block_transfer(i, f);
    std::vector<double> loss(f.size());
    for (std::size_t k = 0; k < f.size(); ++k) {
      loss[k] = -phy::units::amplitude_ratio_to_db(std::max(std::abs(h[k]), 1e-300));
      out[k].blocks_db += loss[k];
    }
    if (per_block) per_block->push_back(std::move(loss));
  }
  for (auto& b : out) b.mismatch_db = b.total_db - b.conductor_db - b.roughness_db - b.dielectric_db - b.blocks_db;
  return out;
}

}  // namespace

LossAnalysis analyze_loss(const channels::ComposedChannel& channel, const LossAnalysisOptions& opt) {
  if (opt.report_freqs_hz.empty())
    throw std::invalid_argument("loss analysis: at least one report frequency is needed");
  LossAnalysis a;
  const auto grid = loss_grid(opt.fmax_hz, opt.points);
  a.sweep.freq_hz = grid;
  a.sweep.loss = composed_breakdown(channel, grid, a.sweep.s21, nullptr);
  a.report_freqs_hz = opt.report_freqs_hz;
  // The composed network is evaluated on increasing frequencies: the report frequencies (in the
  // user's order, possibly repeated) are computed sorted and distinct and handed back in order.
  std::vector<double> sorted = opt.report_freqs_hz;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<channels::cplx> s21_sorted;
  std::vector<std::vector<double>> blocks_sorted;
  const auto breakdown_sorted = composed_breakdown(channel, sorted, s21_sorted, &blocks_sorted);
  // Reflections and mode conversion of the whole channel between its terminations.
  const auto ports_sorted = channels::port_figures(channel.terminated(sorted));
  a.block_loss_db_at_report.assign(blocks_sorted.size(), {});
  for (double f : opt.report_freqs_hz) {
    const auto i = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), f) - sorted.begin());
    a.at_report.push_back(breakdown_sorted[i]);
    a.s21_at_report.push_back(s21_sorted[i]);
    a.ports_at_report.push_back(ports_sorted[i]);
    for (std::size_t b = 0; b < blocks_sorted.size(); ++b) a.block_loss_db_at_report[b].push_back(blocks_sorted[b][i]);
  }
  {
    const channels::Network t = channel.terminated(grid);
    a.sweep.s11 = t.trace(0, 0);
    a.sweep.s22 = t.trace(1, 1);
    if (channel.differential()) {
      a.scd21 = t.trace(3, 0);
      a.sdc21 = t.trace(1, 2);
    }
  }
  const double f_delay = *std::max_element(opt.report_freqs_hz.begin(), opt.report_freqs_hz.end());
  for (std::size_t i = 0; i < channel.blocks().size(); ++i) {
    const auto& b = channel.blocks()[i];
    if (!b.trace) {
      a.block_names.push_back(b.name);
      continue;
    }
    SegmentSummary sum = summarize_segment(*b.trace, opt.report_freqs_hz, f_delay);
    if (opt.keep_line_points) {
      std::vector<phy::LinePoint> pts(grid.size());
      for (std::size_t k = 0; k < grid.size(); ++k) pts[k] = b.trace->line.at(grid[k], true);
      a.line_points.push_back(std::move(pts));
    }
    a.total_length_m += sum.length_m;
    a.total_delay_s += sum.delay_s_per_m * sum.length_m;
    a.dc_resistance_ohm += sum.dc_resistance_ohm_per_m * sum.length_m;
    a.segments.push_back(std::move(sum));
  }
  return a;
}

}  // namespace phylane::solvers
