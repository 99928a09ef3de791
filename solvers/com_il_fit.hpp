#pragma once
/// The fitted insertion loss of a channel (IEEE 802.3 Annex 93A.3; the ILD and its FOM_ILD, which
/// 4.15's comments give as 93A-56, are taken about it): IL_fitted(f) = a0 + a1 sqrt(f) + a2 f + a4 f^2, the least-squares
/// fit to the measured IL(f) = -20 log10 |S21(f)| with each point weighted by |S21(f)| (the
/// standard's weighted matrix and vector; squared error weighted by |S21|^2), as the IEEE COM
/// reference code 4.15 computes it (its get_ILN, FD_Processing) on the channel's own frequency
/// points, without packages or filters.
#include <array>
#include <optional>
#include <span>

#include "channels/network.hpp"
#include "solvers/com_parameters.hpp"

namespace phylane::solvers {

struct ComIlFit {
  double f_lo_hz = 0.0, f_hi_hz = 0.0;  ///< the first and last frequency point fitted
  std::size_t points = 0;               ///< number of points fitted
  /// a0 [dB], a1 [dB/sqrt(GHz)], a2 [dB/GHz], a4 [dB/GHz^2] (f in GHz)
  std::array<double, 4> a_db{};
  double at(double f_hz) const;         ///< IL_fitted(f) [dB]
};

/// The weighted fit over the points f[lo..hi] (inclusive); a point with |S21| = 0 weighs nothing.
/// Throws std::invalid_argument when fewer than 4 points, a negative or non-finite |S21|, or
/// frequencies not increasing.
ComIlFit com_il_fit(std::span<const double> f_hz, std::span<const double> s21_abs, std::size_t lo, std::size_t hi);

/// The fitted IL that `phylane com` reports, as 4.15 reports it.
struct ComFittedIl {
  /// 4.15's fitted_IL_dB_at_Fnq: the fit over every point of the data, its values at the points
  /// interpolated linearly to f_b/2 (4.15's interp1). Absent when the data's first point at or
  /// above f_2 (or its last) lies below f_b/2, where 4.15 leaves it empty.
  std::optional<double> il_db_at_nyquist;
  ComIlFit whole;  ///< that fit (every point)
  /// 4.15's fitted_IL_dB_at_F2_ild: the fit over the last point at or below f_1 (f_min; else the
  /// first) to the first at or above f_2_ILD (default f_2, f_b; else the last), at that last point.
  double il_db_at_f_2_ild = 0.0;
  ComIlFit ild;    ///< that fit (the one the ILD is taken about)
  /// 4.15's FOM_ILD [dB]: the rms insertion loss deviation ILD(f) = IL(f) - IL_fitted(f) about
  /// `ild`, weighted by W(f) (93A-57, solvers/com_icn.hpp's com_icn_weight with f_t = f_v f_b,
  /// f_r = f_r f_b), over the points of that fit (com_fom_ild).
  double fom_ild_db = 0.0;
};

/// FOM_ILD, the figure of merit of the insertion loss deviation (IEEE 802.3 Annex 93A.4,
/// Eq. 93A-56 with the weighting 93A-57, as 4.15's FD_Processing numbers them):
///   FOM_ILD = sqrt( 1/f_b  sum_k Delta_f_k W(f_k) ILD(f_k)^2 ),  ILD = IL - IL_fitted,
/// over the points f[lo .. lo + fit.points - 1] of `fit` (the f_1 ... f_2_ILD fit, from index
/// lo). Delta_f_k is the point's share of the grid, (f[k+1] - f[k-1]) / 2 (one-sided at the
/// data's ends): on a uniform grid every point's Delta_f, as 4.15's delta_f = f(11) - f(10).
/// Where 4.15 departs from the standard's text as public ports transcribe it (the text itself
/// was not at hand): the text's mean (1/N) sum_n (the same when the N points span f_b at step
/// Delta_f; 0.06 % apart in FOM_ILD from f_1 = 0.05 GHz), and its f_t from the Tx rise time,
/// where 4.15 takes f_t = f_v f_b; phylane follows 4.15. A point where |S21| = 0 is left out,
/// as from the fit.
/// Tested by: tests/solvers/com_il_fit_test.cpp "[solvers][com][il_fit]",
/// tests/io/com_reference_code_test.cpp (4.15's values).
double com_fom_ild_db(const ComParameters& p, std::span<const double> f_hz, std::span<const double> s21_abs,
                      std::size_t lo, const ComIlFit& fit);

/// The fitted IL of a differential 2-port's SDD21 (index (1, 0)) at its own frequency points.
ComFittedIl com_fitted_il(const ComParameters& p, const channels::Network& sdd);

}  // namespace phylane::solvers
