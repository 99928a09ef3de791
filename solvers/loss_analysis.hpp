#pragma once
/// Insertion-loss analysis of a copper channel: the swept response with its breakdown, and
/// per-segment figures (impedance, delay, loss per length) at named frequencies.
#include <string>
#include <vector>

#include "channels/composed_channel.hpp"
#include "channels/copper_channel.hpp"
#include "channels/port_figures.hpp"

namespace phylane::solvers {

struct LossAnalysisOptions {
  std::vector<double> report_freqs_hz;  ///< named frequencies, each > 0
  double fmax_hz = 50e9;                ///< top of the grid, > 0
  int points = 1000;                    ///< grid points, >= 2: fmax/points, 2 fmax/points, ... fmax
  bool keep_line_points = true;         ///< keep per-segment RLGC on the grid (for HDF5)
};

/// Per-segment figures at one frequency.
struct SegmentAtFrequency {
  double freq_hz = 0.0;
  double impedance_ohm = 0.0;        ///< Re Z0 (mode impedance: Zdiff for differential)
  double loss_db_per_m = 0.0;        ///< matched-line attenuation
  double conductor_db_per_m = 0.0;   ///< smooth metal
  double roughness_db_per_m = 0.0;   ///< excess from roughness
  double dielectric_db_per_m = 0.0;
  double dk = 0.0;                   ///< substrate Dk at this frequency
  double df = 0.0;
  double eps_eff = 0.0;              ///< Re effective permittivity of the mode
};

struct SegmentSummary {
  std::string name;
  std::string geometry;
  double length_m = 0.0;
  double delay_s_per_m = 0.0;        ///< phase delay beta/omega at the highest report frequency
  double dc_resistance_ohm_per_m = 0.0;
  std::vector<SegmentAtFrequency> at;  ///< one per report frequency
};

struct LossAnalysis {
  channels::ChannelResponse sweep;                   ///< grid response with breakdown
  std::vector<std::vector<phy::LinePoint>> line_points;  ///< [segment][grid point] if kept
  std::vector<double> report_freqs_hz;
  std::vector<channels::LossBreakdown> at_report;    ///< channel totals at report frequencies
  std::vector<channels::cplx> s21_at_report;
  /// Return loss at the report frequencies (S11/S22, SDD11/SDD22 for a differential channel) and,
  /// for a composed differential channel, its mode conversion SCD21/SDC21 (a modelled copper pair
  /// is one pure mode: no conversion, NaN).
  std::vector<channels::PortFigures> ports_at_report;
  /// Composed differential channels: SCD21 and SDC21 on the grid (else empty). sweep.s11/s22 hold
  /// S11/S22 (SDD11/SDD22) on the grid for every channel.
  std::vector<channels::cplx> scd21, sdc21;
  /// Crosstalk aggressors of the link's [[crosstalk]] (NEXT, FEXT), when it has any: each path's
  /// 20 log10 |H_aggressor(f)| [dB] at the report frequencies (filled by workflows::loss).
  struct Crosstalk {
    std::string name;
    std::vector<double> db;
  };
  std::vector<Crosstalk> crosstalk;
  std::vector<SegmentSummary> segments;
  std::vector<std::string> block_names;              ///< composed: non-trace blocks
  std::vector<std::vector<double>> block_loss_db_at_report;  ///< [block][report frequency]
  double total_length_m = 0.0;
  double total_delay_s = 0.0;                        ///< sum of segment phase delays
  double dc_resistance_ohm = 0.0;                    ///< series DC resistance of the whole route
};

/// Throws std::invalid_argument on bad options. Tested by: tests/solvers/loss_analysis_test.cpp
LossAnalysis analyze_loss(const channels::CopperChannel& channel, const LossAnalysisOptions& opt);

/// The same for a composed channel (traces with Touchstone and element blocks): total from the
/// composed transfer, trace parts as for copper, each other block's own matched insertion loss
/// under `blocks_db`, and mismatch the remainder. Per-segment summaries cover the traces only.
LossAnalysis analyze_loss(const channels::ComposedChannel& channel, const LossAnalysisOptions& opt);

/// The uniform grid used by analyze_loss: fmax/points ... fmax (DC excluded).
std::vector<double> loss_grid(double fmax_hz, int points);

}  // namespace phylane::solvers
