#pragma once
/// Pulse-amplitude modulation (PAM-M): symbol levels, Gray coding, and the conversion between
/// symbol and bit error ratios. Used by the statistical eye and the time-domain eye.
#include <vector>

namespace phylane::solvers {

/// PAM-M signalling at the transmitter. The pulse response is for a symbol of unit height, so the
/// transmitted symbol values are a_i = l_i * amplitude_v with the normalised levels
/// l_i = -1 + 2 i / (M - 1), i = 0 ... M-1 (equally spaced in [-1, +1], lowest first), all equally
/// likely. NRZ is M = 2 (levels -A, +A); PAM4 is M = 4 (-A, -A/3, +A/3, +A).
struct Signalling {
  int levels = 2;            ///< M, number of symbol levels, >= 2 (2 = NRZ, 4 = PAM4)
  double amplitude_v = 1.0;  ///< A, peak symbol value [V] (half the peak-to-peak swing), > 0
};

/// Normalised levels l_i = -1 + 2 i / (M - 1), i = 0 ... M-1. Throws std::invalid_argument if M < 2.
std::vector<double> pam_levels(int levels);

/// Bits carried per symbol, log2 M (not an integer unless M is a power of two).
double bits_per_symbol(int levels);

/// E[l^2] of equiprobable normalised levels: (M + 1) / (3 (M - 1)); 1 for NRZ, 5/9 for PAM4.
/// Same as sigma_X^2 = (L^2 - 1) / (3 (L - 1)^2) of IEEE 802.3-2022 eq. 93A-29.
double pam_level_variance(int levels);

/// E[l^4] of equiprobable normalised levels (for the fourth cumulant of ISI terms).
double pam_level_fourth_moment(int levels);

/// Bit error ratio from symbol error ratio under Gray coding: BER = SER / log2 M.
/// With Gray coding adjacent levels differ in exactly one of the log2 M bits, and in the regime
/// of interest (SER << 1) almost every symbol error is to an adjacent level, so each symbol error
/// costs one bit error. For M not a power of two this is the information-theoretic analogue.
/// Source: Proakis, Digital Communications, 5th ed., sec. 4.3-2 (eq. 4.3-14 and the text on Gray
/// mapping).
double ber_from_ser(double ser, int levels);
/// Inverse of ber_from_ser: SER = BER * log2 M.
double ser_from_ber(double ber, int levels);

/// Symbol error probability of PAM-M on an ISI-free channel with additive Gaussian noise, with
/// thresholds midway between levels: SER = 2 (1 - 1/M) Q(d / sigma), d = half the distance
/// between adjacent received levels. Source: Proakis, Digital Communications, 5th ed., eq. 4.3-5.
/// @param half_spacing_v  d [V], >= 0
/// @param sigma_v         rms noise [V], > 0
double pam_ser_awgn(int levels, double half_spacing_v, double sigma_v);

/// Binary-reflected Gray code of i (adjacent integers differ in one bit), and its inverse.
unsigned gray_encode(unsigned i);
unsigned gray_decode(unsigned g);

}  // namespace phylane::solvers
