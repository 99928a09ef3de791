#pragma once
/// Analog filters of a serial link, evaluated at any frequency f >= 0 [Hz]:
///   - the transmitter's edge-rate filter (Gaussian, set by a 20-80 % rise time),
///   - the receiver's front-end (noise) filter (Butterworth or Bessel-Thomson, any order 1..10),
///   - the continuous-time linear equalizer (CTLE): the IEEE 802.3 COM forms and a generic
///     zero/pole form,
/// and the rms noise a one-sided noise PSD leaves at the sampler after the receiver filters.
/// All responses are voltage transfer functions H(f), e^{+j 2 pi f t} convention (a causal pole
/// is 1 / (1 + j f / f_p)). Documented in docs/pulse_and_equalizers.md.
/// Tested by: tests/solvers/filters_test.cpp "[solvers][filters]" (with pulse responses).
#include <complex>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::channels {

/// A rational transfer function in factored, DC-normalised form:
///   H(f) = gain * prod_i (1 - j f / z_i) / prod_k (1 - j f / p_k),
/// where the roots z_i, p_k are complex "Hz roots": the s-plane roots divided by 2 pi
/// (a real left-half-plane pole at f_p Hz is p = -f_p, giving the factor 1 + j f / f_p). H(0) =
/// gain. Roots must be nonzero and finite; poles must lie in the open left half plane (Re < 0)
/// so the filter is causal and stable.
class RationalFilter {
 public:
  RationalFilter() = default;  ///< H = 1
  /// Throws std::invalid_argument on a zero or non-finite root, a pole with Re >= 0, or a
  /// non-finite gain.
  RationalFilter(double gain, std::vector<std::complex<double>> zeros_hz,
                 std::vector<std::complex<double>> poles_hz);

  std::complex<double> response(double freq_hz) const;
  /// response = numerator / denominator: gain prod(1 - j f / z) and prod(1 - j f / p). Filters that
  /// share their poles (a CTLE family) share the denominator, which a caller can then keep.
  std::complex<double> numerator(double freq_hz) const;
  std::complex<double> denominator(double freq_hz) const;
  /// Group delay -d(arg H)/d(omega) [s], analytic from the roots: a root r = a + j b [Hz]
  /// contributes -/+ a / (2 pi (a^2 + (b - f)^2)) (pole / zero).
  double group_delay_s(double freq_hz) const;

  double gain() const { return gain_; }
  const std::vector<std::complex<double>>& zeros_hz() const { return zeros_; }
  const std::vector<std::complex<double>>& poles_hz() const { return poles_; }

 private:
  double gain_ = 1.0;
  std::vector<std::complex<double>> zeros_, poles_;
  // 1 / root, so that each factor is 1 - j f q (no division in the hot path).
  std::vector<std::complex<double>> inv_zeros_, inv_poles_;
};

// ------------------------------------------------------------------------------------------------
// Transmitter edge filter

/// The transmitter's output edge as a Gaussian filter, or none.
///
/// A Gaussian impulse response of standard deviation sigma turns a step into
/// Phi(t / sigma) (normal CDF), so its 20-80 % rise time is
///   t_r(20-80) = 2 Phi^{-1}(0.8) sigma = 1.683242 sigma,   (t_r(10-90) = 2.563103 sigma)
/// and H(f) = exp(-2 pi^2 sigma^2 f^2) = exp(-2 (pi f t_r / 1.683242)^2), which is IEEE 802.3
/// Annex 93A eq. (93A-46) (the standard rounds the constant to 1.6832). Its -3 dB frequency is
/// f_3dB = sqrt(ln 2) / (2 pi sigma), i.e. t_r(20-80) = 0.2230 / f_3dB and
/// t_r(10-90) = 0.3396 / f_3dB (the often-quoted 0.3396 belongs to the 10-90 % rise time).
/// The filter is real and even in f: zero phase, centred on t = 0, so it spreads the transmitted
/// edges symmetrically (a few sigma before t = 0) and adds no delay.
class TxEdgeFilter {
 public:
  TxEdgeFilter() = default;  ///< none: H = 1
  static TxEdgeFilter none() { return {}; }
  /// @param rise_time_20_80_s  20-80 % rise time of the transmitted step [s], > 0
  static TxEdgeFilter gaussian(double rise_time_20_80_s);
  /// @param f3db_hz  -3 dB frequency [Hz], > 0
  static TxEdgeFilter gaussian_from_f3db(double f3db_hz);

  bool is_none() const { return sigma_s_ == 0.0; }
  double rise_time_20_80_s() const;
  double sigma_s() const { return sigma_s_; }
  double f3db_hz() const;  ///< infinity for none
  double response(double freq_hz) const;

  /// 2 Phi^{-1}(0.8): t_r(20-80) / sigma of a Gaussian edge.
  static constexpr double rise_20_80_per_sigma = 1.6832424671458286;

 private:
  double sigma_s_ = 0.0;
};

// ------------------------------------------------------------------------------------------------
// Receiver front-end filter

enum class RxFilterType { none, butterworth, bessel_thomson, photoreceiver };
std::string_view to_string(RxFilterType t);
/// "none", "butterworth", "bessel_thomson", "photoreceiver". Throws std::invalid_argument listing the allowed names.
RxFilterType parse_rx_filter_type(std::string_view s);

/// The receiver's front-end (noise-limiting) filter, all-pole, unit DC gain, -3 dB at f3db_hz.
///  - Butterworth of order n: poles on a circle, p_k = f3db exp(j pi (2k + n - 1) / (2n)),
///    k = 1..n; |H|^2 = 1 / (1 + (f/f3db)^{2n}). IEEE 802.3 Annex 93A eq. (93A-20), the COM
///    receiver noise filter, is exactly the 4th-order Butterworth with f3db = f_r = 0.75 f_b
///    (its coefficients 3.414214 = 2 + sqrt 2 and 2.613126 are those of B4(s)).
///  - Bessel-Thomson of order n: H(s) = theta_n(0) / theta_n(s / w), theta_n the reverse Bessel
///    polynomial sum_k (2n-k)! / (2^{n-k} k! (n-k)!) s^k (Thomson 1949; Zverev, Handbook of Filter
///    Synthesis, 1967), scaled so |H| = 1/sqrt(2) at f3db. Maximally flat group delay: tau(f) =
///    tau(0) (1 - O(f^{2n})). The 4th-order Bessel-Thomson is the reference receiver of IEEE 802.3
///    optical transmitter tests (the TDECQ reference receiver of the PAM4 optical PMDs), not
///    COM's.
class RxFilter {
 public:
  RxFilter() = default;  ///< none: H = 1
  static RxFilter none() { return {}; }
  /// @param order  1..10   @param f3db_hz  > 0
  static RxFilter butterworth(int order, double f3db_hz);
  static RxFilter bessel_thomson(int order, double f3db_hz);
  static RxFilter make(RxFilterType type, int order, double f3db_hz);
  /// COM's receiver filter (93A-20): 4th-order Butterworth at f_r = fr_over_baud * baud.
  static RxFilter com_receiver(double symbol_rate_baud, double fr_over_baud = 0.75);
  /// An optical receiver's small-signal response: the photodiode as one real pole at pd_hz times
  /// the TIA as the second-order low pass H = 1 / (1 - x^2 + j x / Q), x = f / f0, with f0 set so
  /// that the TIA alone is 3 dB down at tia_hz: (f3/f0)^2 = (2 - 1/Q^2 + sqrt((2 - 1/Q^2)^2 + 4)) / 2
  /// (E. Saeckinger, Analysis and Design of Transimpedance Amplifiers for Optical Receivers, Wiley
  /// 2017, App. H: Q = 1/2 critically damped, 1/sqrt 3 Bessel-Thomson, 1/sqrt 2 Butterworth).
  /// Its poles: -pd_hz and f0 (-1/(2Q) +- j sqrt(1 - 1/(4Q^2))). Order 3; f3db_hz() is the 3-dB
  /// frequency of the whole (found by bisection to 1e-12 relative).
  /// @param pd_hz, tia_hz  > 0   @param tia_q  in [0.3, 5]
  static RxFilter photoreceiver(double pd_hz, double tia_hz, double tia_q);

  RxFilterType type() const { return type_; }
  int order() const { return order_; }
  double f3db_hz() const { return f3db_hz_; }
  std::complex<double> response(double freq_hz) const { return rational_.response(freq_hz); }
  double group_delay_s(double freq_hz) const { return rational_.group_delay_s(freq_hz); }
  const RationalFilter& rational() const { return rational_; }

  /// The normalised -3 dB frequency w3 of theta_n(0)/theta_n(s) (delay-normalised Bessel, tau(0) =
  /// 1 s): |H(j w3)|^2 = 1/2. n = 1..10 (w3 = 1, 1.3617, 1.7557, 2.1139, ... ).
  static double bessel_w3db(int order);

 private:
  RxFilterType type_ = RxFilterType::none;
  int order_ = 0;
  double f3db_hz_ = 0.0;
  RationalFilter rational_;

  /// The all-pole filter `type` (`what` names it in errors) with the poles poles_hz(order, f3db_hz).
  static RxFilter all_pole(RxFilterType type, const char* what, int order, double f3db_hz,
                           std::vector<std::complex<double>> (*poles_hz)(int order, double f3db_hz));
};

// ------------------------------------------------------------------------------------------------
// CTLE

enum class CtleType { none, com, com_ck, generic };
std::string_view to_string(CtleType t);

/// A continuous-time linear equalizer.
///  - com: IEEE 802.3 Annex 93A eq. (93A-22) (802.3bj/by form):
///      H(f) = (G + j f/f_z) / ((1 + j f/f_p1)(1 + j f/f_p2)),  G = 10^{g_DC/20},
///    so H(0) = G and the gain above f_z approaches the 0 dB level of the unequalised stage:
///    g_DC <= 0 buys peaking by attenuating low frequencies. 100GBASE-KR4 / 25GBASE-KR use
///    f_z = f_p1 = f_b/4, f_p2 = f_b, g_DC = -12..0 dB in 1 dB steps (com_ctle_family).
///  - com_ck: the same equation as amended by IEEE 802.3ck-2022, with a low-frequency pole/zero pair:
///      H(f) = (G + j f/f_z)(G2 + j f/f_LF) / ((1 + j f/f_p1)(1 + j f/f_p2)(1 + j f/f_LF)),
///    G2 = 10^{g_DC2/20}; H(0) = G G2. The 802.3ck/dj tables use f_z = f_p1 = f_b/2.5,
///    f_p2 = f_b, f_LF = f_b/80 (e.g. 42.5, 42.5, 106.25, 1.328125 GHz at 106.25 GBd). At
///    g_DC2 = 0 dB the pair cancels and the form reduces to the 802.3bj one.
///  - generic: real left-half-plane zeros and poles given as positive corner frequencies [Hz]:
///      H(f) = k prod_i (1 + j f/z_i) / prod_k (1 + j f/p_k),
///    with k chosen by the normalisation: Normalization::dc makes H(0) = gain (so gain_db = 0
///    is "0 dB at DC"); Normalization::peak makes max_f |H(f)| = gain (the usual way a peaking
///    CTLE is specified: 0 dB at the peak, DC attenuated by the peaking); peak needs at least as
///    many poles as zeros.
class Ctle {
 public:
  enum class Normalization { dc, peak };

  Ctle() = default;  ///< none: H = 1
  static Ctle none() { return {}; }
  /// Frequencies in Hz, > 0; g_dc_db finite.
  static Ctle com(double g_dc_db, double f_z_hz, double f_p1_hz, double f_p2_hz);
  static Ctle com_ck(double g_dc_db, double g_dc2_db, double f_z_hz, double f_p1_hz, double f_p2_hz,
                     double f_lf_hz);
  static Ctle generic(double gain_db, const std::vector<double>& zeros_hz,
                      const std::vector<double>& poles_hz, Normalization norm = Normalization::dc);

  CtleType type() const { return type_; }
  double g_dc_db() const { return g_dc_db_; }    ///< com, com_ck; 0 otherwise
  double g_dc2_db() const { return g_dc2_db_; }  ///< com_ck; 0 otherwise
  /// The corner frequencies of a com / com_ck CTLE [Hz] (0 for other types; f_lf_hz for com_ck
  /// only): the members of a family share them and differ in g_DC alone.
  double f_z_hz() const { return f_z_hz_; }
  double f_p1_hz() const { return f_p1_hz_; }
  double f_p2_hz() const { return f_p2_hz_; }
  double f_lf_hz() const { return f_lf_hz_; }
  std::complex<double> response(double freq_hz) const { return rational_.response(freq_hz); }
  const RationalFilter& rational() const { return rational_; }
  /// Peaking: max_f |H(f)| / |H(0)| in dB, >= 0 (0 for none and flat responses). Found on a dense
  /// logarithmic sweep refined by golden-section search (relative accuracy ~1e-10).
  double peaking_db() const { return peaking_db_; }
  /// Short description for reports, e.g. "COM g_DC=-6 dB".
  std::string label() const;

 private:
  CtleType type_ = CtleType::none;
  double g_dc_db_ = 0.0, g_dc2_db_ = 0.0;
  double f_z_hz_ = 0.0, f_p1_hz_ = 0.0, f_p2_hz_ = 0.0, f_lf_hz_ = 0.0;
  RationalFilter rational_;
  double peaking_db_ = 0.0;
  void finish();
};

/// The 802.3bj/by COM CTLE family: g_DC from g_max_db down to g_min_db in step_db steps (0, -1,
/// ..., -12 by default, least peaking first), f_z = f_p1 = baud/4, f_p2 = baud.
std::vector<Ctle> com_ctle_family(double symbol_rate_baud, double g_min_db = -12.0,
                                  double g_max_db = 0.0, double step_db = 1.0);
/// The 802.3ck COM CTLE family: every (g_DC, g_DC2) pair of the two lists (g_DC2 outer loop),
/// f_z = f_p1 = fz_over_baud * baud, f_p2 = baud, f_LF = flf_over_baud * baud.
std::vector<Ctle> com_ck_ctle_family(double symbol_rate_baud, const std::vector<double>& g_dc_db,
                                     const std::vector<double>& g_dc2_db,
                                     double fz_over_baud = 1.0 / 2.5,
                                     double flf_over_baud = 1.0 / 80.0);

// ------------------------------------------------------------------------------------------------
// Noise

/// One-sided power spectral density [V^2/Hz] at frequency f [Hz] >= 0.
using NoisePsd = std::function<double(double freq_hz)>;

/// Rms noise voltage at the sampler [V] of an input-referred one-sided noise PSD passed through the
/// receiver filter and the CTLE:
///   sigma^2 = integral_0^fmax psd(f) |H_rx(f) H_ctle(f)|^2 df
/// (IEEE 802.3 Annex 93A eq. (93A-35), sigma_N^2 = eta_0 integral |H_r H_ctf|^2 df, with eta_0 the
/// one-sided PSD at the receiver input; a current-noise PSD is converted by the caller, times the
/// TIA transimpedance squared). Integrated with 10-point Gauss-Legendre on panels geometrically
/// spaced 32 per decade from f_lo = min(fmax 1e-8, 1e-4 x the lowest corner of the filters) to
/// fmax, plus one panel [0, f_lo] (relative error < 1e-10 for the filters above and PSDs smooth
/// on that scale; tested against closed forms).
/// @param psd_v2_per_hz  >= 0 everywhere on [0, fmax]
/// @param fmax_hz  > 0: normally the Nyquist frequency of the sampled pulse, samples_per_ui*baud/2
double integrated_noise_sigma_v(const NoisePsd& psd_v2_per_hz, const RxFilter& rx, const Ctle& ctle,
                                double fmax_hz);
/// The same for a white PSD [V^2/Hz], >= 0.
double integrated_noise_sigma_v(double psd_v2_per_hz, const RxFilter& rx, const Ctle& ctle,
                                double fmax_hz);
/// integrated_noise_sigma_v for each of several CTLEs (an equalizer search's
/// candidates): the same values, with the Rx filter's response at each node formed once for every
/// CTLE whose panels coincide (all members of a COM family).
std::vector<double> integrated_noise_sigmas_v(double psd_v2_per_hz, const RxFilter& rx, std::span<const Ctle> ctles,
                                              double fmax_hz);
std::vector<double> integrated_noise_sigmas_v(const NoisePsd& psd_v2_per_hz, const RxFilter& rx,
                                              std::span<const Ctle> ctles, double fmax_hz);

}  // namespace phylane::channels
