#pragma once
/// Integrated crosstalk noise (ICN) of a victim's aggressors, as the IEEE 802.3 COM reference code
/// reports it with COM (its FD_Processing; the ICN of IEEE 802.3 92.10.7 and 93A.4, docs/com.md
/// "ICN"): the aggressors' channels without packages, each |SDD21| times its amplitude (A_ft for a
/// FEXT aggressor, A_nt for a NEXT one), summed in power and weighted by
///   W(f) = sinc^2(f/f_b) / (1 + (f/f_t)^4) / (1 + (f/f_r)^8),  f_t = f_v f_b, f_r = f_r f_b
/// (the power weighting of 93A-57 without its 1/f_b, which the sum carries):
///   ICN = sqrt( 2 Delta_f / f_b  sum_n W(f_n) sum_k A_k^2 |SDD21_k(f_n)|^2 )
/// on the grid f_n = n Delta_f from the last point at or below f_1 to the first at or above f_2
/// (both included). The FEXT-only and NEXT-only sums (92-46, 92-47) are reported too.
/// Tested by: tests/solvers/com_icn_test.cpp "[solvers][com][icn]".
#include <span>

#include "solvers/com.hpp"

namespace phylane::solvers {

/// The weighting W(f) above (f >= 0; sinc(0) = 1).
double com_icn_weight(double f_hz, double f_b_baud, double f_t_hz, double f_r_hz);

struct ComIcn {
  double icn_v = 0.0;       ///< all aggressors
  double fext_icn_v = 0.0;  ///< FEXT aggressors only (MDFEXT ICN)
  double next_icn_v = 0.0;  ///< NEXT aggressors only (MDNEXT ICN)
  double f_1_hz = 0.0, f_2_hz = 0.0;  ///< the band summed (grid points)
};

/// ICN of the aggressors (fext or next paths; the thru is ignored). f_1 defaults to f_min (else 0),
/// f_2 to f_b, A_ft / A_nt to A_fe / A_ne.
ComIcn com_icn(const ComParameters& p, std::span<const ComPath> aggressors);

}  // namespace phylane::solvers
