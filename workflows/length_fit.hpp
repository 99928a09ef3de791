#pragma once
/// `phylane fit`, its measurement part: the per-length insertion loss and the propagation delay of
/// a structure measured at two or more lengths, the launches (connectors, vias, pads common to all
/// lengths) removed by differencing. Documented in docs/fit.md. Tested by:
/// tests/workflows/length_fit_test.cpp (modelled lines with and without launches),
/// tests/io/length_fit_measured_test.cpp (the shared measured pairs).
///
/// Method (the 2L-1L principle of Delta-L, Intel's PCB loss method, and of IEEE P370-2020's
/// de-embedding by differencing lengths): with IL_i(f) = -20 log10 |S21_i(f)| (SDD21 of a pair) of
/// lengths L_i that share their launches, IL_i = 2 IL_launch + a(f) L_i, so
///   two lengths: a(f) = (IL_2 - IL_1) / (L_2 - L_1) exactly;
///   three or more: a(f) is the least-squares slope of IL over L at each frequency, and its standard
///   error sqrt(sum r^2 / (n - 2)) / sqrt(sum (L - mean L)^2) is the uncertainty.
/// The delay per length is the same slope of the thru terms' phase-slope delays
/// (channels::term_delay_s); the effective permittivity is eps_eff = (c0 d tau / dL)^2.
/// The launches' reflections interact with the line's: the difference removes them to first order
/// only (measured on modelled lines: launches 7 % below the line's impedance leave 0.008 dB/in,
/// 25 % below 0.1 dB/in, 1 to 20 GHz).
///
/// The line's own loss (line_loss_db_per_m), free of the launches' reflections: the line-line
/// principle of TRL and multiline TRL (R. B. Marks, "A multiline method of network analyzer
/// calibration", IEEE Trans. MTT-39(7), 1991, sec. II; J. A. Reynoso-Hernandez, "Unified method for
/// determining the complex propagation constant of reflecting and nonreflecting transmission
/// lines", IEEE MWCL 13(8), 2003; IEEE P370-2020 uses the same eigenvalue problem). With the wave
/// cascading matrix T, (b1, a1) = T (a2, b2), T = (1/S21) [[S12 S21 - S11 S22, S11], [-S22, 1]],
/// a measured length is T_i = A L_i B (launches A, B common to all lengths; the line
/// L_i = diag(exp(-gamma L_i), exp(gamma L_i)) in its own impedance, any other reference being
/// absorbed into A and B), so T_j T_i^-1 = A diag(exp(-gamma dL), exp(gamma dL)) A^-1: its
/// eigenvalues l1, l2 give alpha dL = ln(|l_big| / |l_small|) / 2 exactly, whatever the launches'
/// reflections, as long as they are the same on every length. The 2-port is S (2-port files) or
/// the differential block SDD of the mixed-mode 4-port (mode conversion neglected). Two lengths:
/// from the pair; three or more: each length against the shortest, alpha the least-squares slope
/// through the origin of alpha dL_i over dL_i weighted by |sinh(gamma dL_i)|^2, and its standard
/// error the uncertainty. The estimate's variance grows as 1 / |sinh(gamma dL)|^2 (Marks 1991,
/// sec. III): near dL = n half-wavelengths on a low-loss line the two eigenvalues nearly coincide
/// and a difference between the lengths' launches is amplified; line_conditioning reports
/// |sinh(gamma dL)| (the largest over the pairs), and the material fit leaves out frequencies where
/// it is below sin(20 deg) (the usual TRL line-length rule, 20 to 160 degrees).
#include <string>
#include <vector>

#include "channels/network.hpp"
#include "channels/network_ops.hpp"

namespace phylane::workflows {

/// One measured length: the network (2-port, or 4-port in `order`) and its length [m].
struct MeasuredLength {
  channels::Network network;
  channels::PortOrder order = channels::PortOrder::pairs_12_34;
  double length_m = 0.0;
  std::string name;  ///< for messages (the file)
};

struct LengthFit {
  std::string quantity;                      ///< "SDD21" or "S21"
  std::vector<double> freq_hz;               ///< the files' common grid
  std::vector<double> loss_db_per_m;         ///< a(f)
  std::vector<double> uncertainty_db_per_m;  ///< standard error of a(f) (0 for two lengths)
  std::vector<double> launch_db;             ///< intercept: the two launches' insertion loss
  /// The line's attenuation from the eigenvalues of T_j T_i^-1 (line-line; the launches'
  /// reflections cancel exactly when the launches are identical) [dB/m], and its standard error
  /// (0 for two lengths).
  std::vector<double> line_loss_db_per_m;
  std::vector<double> line_uncertainty_db_per_m;
  std::vector<double> line_conditioning;  ///< |sinh(gamma dL)| of the best-conditioned pair
  std::vector<double> delay_s;               ///< each file's thru delay [s]
  double delay_s_per_m = 0.0;
  double eps_eff = 0.0;
};

/// Throws std::invalid_argument (naming the file, the value and the rule) for fewer than two
/// lengths, lengths not strictly increasing, files of different port counts or grids (frequencies
/// must agree within 1e-9 relative), a port count other than 2 or 4, and a pair that is not
/// physical: a delay that does not grow with length (eps_eff < 1), or a per-length loss below
/// -0.01 dB/in at more than 5 % of the frequencies above 1 GHz.
LengthFit fit_lengths(const std::vector<MeasuredLength>& lengths);

}  // namespace phylane::workflows
