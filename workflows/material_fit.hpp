#pragma once
/// `phylane fit --cross-section`: the laminate (Djordjevic-Sarkar Dk and Df at a reference
/// frequency) and the copper roughness of a known cross-section fitted to a measured per-length
/// loss a(f) and delay (from fit_lengths, or from one file of known length). Documented in
/// docs/fit.md. Tested by: tests/workflows/material_fit_test.cpp (synthetic fit-back),
/// tests/io/length_fit_measured_test.cpp (the shared measured pairs),
/// tests/app/fit_command_test.cpp.
///
/// Model: the segment's own line (phy::TransmissionLine: its geometry and field solver, its
/// conductivity) with the dielectric replaced by Djordjevic-Sarkar through (Dk, Df) at the
/// reference frequency (A. R. Djordjevic et al., IEEE Trans. EMC 43(4), 2001, eq. 3) and one
/// roughness (Hammerstad-Jensen 1980, Huray et al. DesignCon 2010 or Groisse 1996, phy/roughness.hpp)
/// on the strip and the planes alike. The attenuation is Re gamma(f) of that line.
///
/// Least squares (Levenberg-Marquardt: K. Levenberg, Q. Appl. Math. 2, 1944; D. W. Marquardt,
/// J. SIAM 11(2), 1963, with Marquardt's diagonal scaling; Jacobian by central differences) of
///   r_k = (a_model(f_k) - a(f_k)) / s(f_k)            at each f_k in the fit band, s the smooth
///                                                      scale c1 sqrt(f) + c2 f fitted to a(f), and
///   r_d = sqrt(n) (tau_model - tau) / tau              the delay per length, weighted as the n loss
///                                                      points together (it alone fixes Dk: the loss
///                                                      scales with sqrt(Dk) Df and sqrt(Dk) K alike).
/// tau_model is measured on the model as on the data: the slope over the lengths of the phase-slope
/// delay (channels::term_delay_s) of exp(-gamma L_i). Parameters: Dk, ln Df and the logarithms of
/// the roughness parameters (rq; or the Huray radius a and surface ratio SR), so they stay positive.
/// Started from the segment's values and from a grid of roughness values; the lowest cost wins.
/// Uncertainty: the square roots of the diagonal of tau v (J^T J)^-1, v = sum r^2 / (m - p) (the
/// linearised estimate) and tau the integrated autocorrelation time of the loss residuals in
/// frequency order (residuals correlated in frequency, such as launch ripple or the model's
/// shape, hold m / tau independent observations: N. F. Zhang, Metrologia 43, 2006, S276).
#include <optional>
#include <string>
#include <vector>

#include "channels/link.hpp"
#include "phy/dielectric.hpp"
#include "phy/roughness.hpp"
#include "phy/transmission_line.hpp"
#include "workflows/length_fit.hpp"

namespace phylane::workflows {

/// The per-length loss and delay of one measured length whose launches are known: the loss
/// a(f) = (IL(f) - launch_db) / L and the delay per length tau / L (the launches' delay is taken
/// as zero). The result has the layout of a two-length fit (uncertainty 0, launch_db the given
/// value, delay_s the file's delay). Throws std::invalid_argument (naming the file, the value and
/// the rule) for a length that is not positive, a launch loss that is negative or not finite, a
/// port count other than 2 or 4, and a delay below light in vacuum (eps_eff < 1).
LengthFit single_length_loss(const MeasuredLength& m, double launch_db);

/// How the loss residuals of the fit band are weighted: every frequency alike, or every octave
/// alike (w_i^2 proportional to 1 / f_i).
enum class FitWeighting { uniform, octave };

struct MaterialFitOptions {
  double reference_hz = 10e9;   ///< frequency of the fitted Dk and Df [Hz], inside the D-S corners
  double fit_from_hz = 1e9;     ///< fit band, lowest frequency [Hz], >= 0
  double fit_to_hz = 0.0;       ///< highest [Hz]; 0: the top of the data
  /// Roughness model to fit; std::nullopt: the segment's strip foil's model (none: Dk and Df only).
  std::optional<phy::RoughnessModel> roughness;
  int max_iterations = 200;
  /// Fit to the plain 2L-1L difference (loss_db_per_m) instead of the line-line attenuation
  /// (line_loss_db_per_m, used when present: two or more lengths).
  bool from_difference = false;
  FitWeighting weighting = FitWeighting::uniform;
};

struct FittedParameter {
  std::string name;   ///< "dk", "df", "rq", "nodule_radius", "surface_ratio"
  std::string unit;   ///< "" or "m"
  double value = 0.0;
  double uncertainty = 0.0;  ///< one standard deviation, same unit
  double initial = 0.0;      ///< the starting value (the segment's)
};

struct MaterialFit {
  bool converged = false;
  std::string reason;  ///< how it stopped
  int iterations = 0;
  std::string segment_name;
  std::string geometry;  ///< "stripline", ...
  double reference_hz = 0.0;
  double dk = 0.0, df = 0.0;  ///< fitted, at reference_hz
  phy::Roughness roughness;   ///< fitted (strip and planes)
  std::vector<FittedParameter> parameters;
  std::vector<double> freq_hz;             ///< the fit band
  std::string basis;                       ///< "line-line" or "difference": what measured_db_per_m is
  std::vector<double> measured_db_per_m;   ///< a(f) fitted to (the line-line attenuation or the difference)
  std::vector<double> model_db_per_m;      ///< the fitted line's attenuation
  std::vector<double> residual_db_per_m;   ///< model - measured
  double measured_delay_s_per_m = 0.0, model_delay_s_per_m = 0.0;
  double max_relative_error = 0.0;  ///< max |model - measured| / measured over the fit band
  double rms_relative_error = 0.0;
  /// sqrt(tau): the factor the residuals' correlation in frequency puts on the uncertainties (1
  /// for independent residuals).
  double uncertainty_inflation = 1.0;
  double max_relative_error_freq_hz = 0.0;
  /// Line-line basis: frequencies of [fit_from, fit_to] left out, the pair ill-conditioned there
  /// (|sinh(gamma dL)| < sin 20 deg, length_fit.hpp).
  std::size_t ill_conditioned_points = 0;
  /// The fitted line against the plain 2L-1L difference (loss_db_per_m) at every frequency of
  /// [fit_from, fit_to]: largest and rms relative error (the launches' ripple included).
  double difference_max_relative_error = 0.0, difference_max_relative_error_freq_hz = 0.0;
  double difference_rms_relative_error = 0.0;
  /// The fitted line: the segment's geometry and conductivity with the fitted materials.
  std::optional<phy::TransmissionLine> line;
};

/// Fits trace segment `segment` (0-based among the link's trace segments) of `link` to `measured`
/// (lengths_m: the measured lengths, one for a single-length loss). Throws std::invalid_argument
/// for a link with no trace segment, a segment index out of range (both naming --segment and the
/// range), options out of range, and a fit band holding fewer frequencies than twice
/// the parameters. A fit that does not converge is returned with converged = false and the reason.
MaterialFit fit_material(const LengthFit& measured, const std::vector<double>& lengths_m, const channels::Link& link,
                         std::size_t segment, const MaterialFitOptions& options = {});

}  // namespace phylane::workflows
