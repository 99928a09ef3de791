#pragma once
/// Machine outputs of `phylane loss`: JSON (units in field names) and HDF5 (units attributes).
#include <filesystem>
#include <ostream>

#include "io/config.hpp"
#include "io/json_writer.hpp"
#include "solvers/loss_analysis.hpp"

namespace phylane::io {

/// The return loss and mode conversion of one frequency as JSON fields: sdd11_db, sdd22_db
/// (differential) or s11_db, s22_db (single-ended), and scd21_db, sdc21_db when the figures are
/// mixed mode (a pair of blocks or a 4-port file; a modelled pair converts nothing and has none);
/// each 20 log10 |S| [dB], null outside a file's data. Shared by `loss` and `check`.
void port_figures_json(JsonWriter& j, const channels::PortFigures& p, bool differential);

/// JSON document of the analysis: summary, per-segment figures and the channel breakdown at the
/// report frequencies (the swept curves go to HDF5, not JSON). Format in docs/loss.md.
void write_loss_json(std::ostream& os, const Config& cfg, const solvers::LossAnalysis& a);

/// HDF5 file: /frequency_hz, /insertion_loss_db, /breakdown/*, /s21, /s11, /s22,
/// /report/*, /segments/NN/{rlgc, z0, gamma, ...}; root attributes phylane_version, command,
/// config (the resolved TOML). Written to a temporary name, then renamed.
void write_loss_hdf5(const std::filesystem::path& file, const Config& cfg,
                     const solvers::LossAnalysis& a);

/// The optical power budget as JSON / HDF5 (phylane loss on an optical config).
void write_budget_json(std::ostream& os, const Config& cfg);
void write_budget_hdf5(const std::filesystem::path& file, const Config& cfg);

}  // namespace phylane::io
