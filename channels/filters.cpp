#include "channels/filters.hpp"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "phy/constants.hpp"
#include "phy/name_table.hpp"
#include "phy/units.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

using cplx = std::complex<double>;

namespace {

void require_positive(const char* what, const char* name, double v) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw std::invalid_argument(std::string(what) + ": " + name + " = " + phy::number_text(v) +
                                " must be a finite number > 0");
}

void require_order(const char* what, int order) {
  if (order < 1 || order > 10)
    throw std::invalid_argument(std::string(what) + ": order = " + std::to_string(order) +
                                " must be in 1..10");
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// RationalFilter

RationalFilter::RationalFilter(double gain, std::vector<cplx> zeros_hz, std::vector<cplx> poles_hz)
    : gain_(gain), zeros_(std::move(zeros_hz)), poles_(std::move(poles_hz)) {
  if (!std::isfinite(gain_))
    throw std::invalid_argument("rational filter: gain = " + phy::number_text(gain_) + " must be finite");
  for (const auto& z : zeros_) {
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag()) || z == cplx(0.0, 0.0))
      throw std::invalid_argument("rational filter: zero (" + phy::number_text(z.real()) + ", " + phy::number_text(z.imag()) +
                                  ") Hz must be finite and nonzero");
    inv_zeros_.push_back(1.0 / z);
  }
  for (const auto& p : poles_) {
    if (!std::isfinite(p.real()) || !std::isfinite(p.imag()) || !(p.real() < 0.0))
      throw std::invalid_argument("rational filter: pole (" + phy::number_text(p.real()) + ", " + phy::number_text(p.imag()) +
                                  ") Hz must be finite with a negative real part (stable, causal)");
    inv_poles_.push_back(1.0 / p);
  }
}

cplx RationalFilter::numerator(double freq_hz) const {
  const cplx jf(0.0, freq_hz);
  cplx num_p(gain_, 0.0);
  for (const auto& q : inv_zeros_) num_p *= 1.0 - jf * q;
  return num_p;
}

cplx RationalFilter::denominator(double freq_hz) const {
  const cplx jf(0.0, freq_hz);
  cplx den_p(1.0, 0.0);
  for (const auto& q : inv_poles_) den_p *= 1.0 - jf * q;
  return den_p;
}

cplx RationalFilter::response(double freq_hz) const { return numerator(freq_hz) / denominator(freq_hz); }

double RationalFilter::group_delay_s(double freq_hz) const {
  // Factor 1 - j f / r with r = a + j b: arg = atan2(b - f, a) - arg r, d/df = -a / (a^2 + (b-f)^2).
  // A pole contributes +d(arg factor)/df to -d(arg H)/df, a zero the opposite; / 2 pi for omega.
  double tau = 0.0;
  for (const auto& p : poles_) {
    const double d = p.imag() - freq_hz;
    tau += -p.real() / (p.real() * p.real() + d * d);
  }
  for (const auto& z : zeros_) {
    const double d = z.imag() - freq_hz;
    tau -= -z.real() / (z.real() * z.real() + d * d);
  }
  return tau / (2.0 * phy::pi);
}

// ------------------------------------------------------------------------------------------------
// TxEdgeFilter

TxEdgeFilter TxEdgeFilter::gaussian(double rise_time_20_80_s) {
  require_positive("Tx edge filter", "rise_time_20_80", rise_time_20_80_s);
  TxEdgeFilter f;
  f.sigma_s_ = rise_time_20_80_s / rise_20_80_per_sigma;
  return f;
}

TxEdgeFilter TxEdgeFilter::gaussian_from_f3db(double f3db_hz) {
  require_positive("Tx edge filter", "f3db", f3db_hz);
  TxEdgeFilter f;
  // exp(-2 pi^2 sigma^2 f3^2) = 1/sqrt(2)  =>  sigma = sqrt(ln 2) / (2 pi f3)
  f.sigma_s_ = std::sqrt(std::log(2.0)) / (2.0 * phy::pi * f3db_hz);
  return f;
}

double TxEdgeFilter::rise_time_20_80_s() const { return sigma_s_ * rise_20_80_per_sigma; }

double TxEdgeFilter::f3db_hz() const {
  if (is_none()) return std::numeric_limits<double>::infinity();
  return std::sqrt(std::log(2.0)) / (2.0 * phy::pi * sigma_s_);
}

double TxEdgeFilter::response(double freq_hz) const {
  const double x = phy::pi * sigma_s_ * freq_hz;
  return std::exp(-2.0 * x * x);
}

// ------------------------------------------------------------------------------------------------
// RxFilter

constexpr phy::EnumName<RxFilterType> kRxFilterTypes[] = {
    {RxFilterType::none, "none"}, {RxFilterType::butterworth, "butterworth"},
    {RxFilterType::bessel_thomson, "bessel_thomson"}, {RxFilterType::photoreceiver, "photoreceiver"}};

std::string_view to_string(RxFilterType t) { return phy::name_of(kRxFilterTypes, t); }

RxFilterType parse_rx_filter_type(std::string_view s) {
  if (const auto t = phy::value_named(kRxFilterTypes, s)) return *t;
  throw std::invalid_argument("receiver filter type \"" + std::string(s) +
                              "\" is unknown; allowed: none, butterworth, bessel_thomson, photoreceiver");
}

namespace {

// Coefficients a_0..a_n of the reverse Bessel polynomial theta_n(s) = sum a_k s^k,
// a_k = (2n-k)! / (2^{n-k} k! (n-k)!). Exact in double for n <= 10 (a_0 = 654729075 at n = 10).
std::vector<double> reverse_bessel(int n) {
  std::vector<double> a(static_cast<std::size_t>(n) + 1);
  for (int k = 0; k <= n; ++k) {
    double v = 1.0;
    for (int i = n - k + 1; i <= 2 * n - k; ++i) v *= i;  // (2n-k)! / (n-k)!
    for (int i = 2; i <= k; ++i) v /= i;                  // / k!
    v /= std::pow(2.0, n - k);
    a[static_cast<std::size_t>(k)] = std::round(v);
  }
  return a;
}

cplx poly_eval(const std::vector<double>& a, cplx s) {
  cplx v(0.0, 0.0);
  for (std::size_t k = a.size(); k-- > 0;) v = v * s + a[k];
  return v;
}

// Roots of sum a_k s^k (a_n != 0): eigenvalues of the companion matrix, polished by Newton.
std::vector<cplx> poly_roots(const std::vector<double>& a) {
  const int n = static_cast<int>(a.size()) - 1;
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);
  for (int i = 1; i < n; ++i) c(i, i - 1) = 1.0;
  for (int i = 0; i < n; ++i) c(i, n - 1) = -a[static_cast<std::size_t>(i)] / a.back();
  Eigen::EigenSolver<Eigen::MatrixXd> es(c, false);
  std::vector<double> da(a.size() - 1);
  for (std::size_t k = 1; k < a.size(); ++k) da[k - 1] = a[k] * static_cast<double>(k);
  std::vector<cplx> r;
  for (int i = 0; i < n; ++i) {
    cplx s = es.eigenvalues()[i];
    for (int it = 0; it < 3; ++it) s -= poly_eval(a, s) / poly_eval(da, s);
    r.push_back(s);
  }
  return r;
}

}  // namespace

double RxFilter::bessel_w3db(int order) {
  require_order("Bessel-Thomson filter", order);
  const auto a = reverse_bessel(order);
  // |theta(j w)|^2 grows monotonically from theta(0)^2; bisect for twice that value.
  auto excess = [&](double w) { return std::norm(poly_eval(a, cplx(0.0, w))) - 2.0 * a[0] * a[0]; };
  double lo = 0.0, hi = 1.0;
  while (excess(hi) < 0.0) hi *= 2.0;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) < 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

namespace {

// The poles [Hz] of the order-n Butterworth filter with its -3 dB point at f3db_hz: f3db on the
// unit circle at angles pi (2k + n - 1) / (2n), k = 1..n.
std::vector<cplx> butterworth_poles(int order, double f3db_hz) {
  std::vector<cplx> poles;
  for (int k = 1; k <= order; ++k)
    poles.push_back(f3db_hz * std::polar(1.0, phy::pi * (2.0 * k + order - 1.0) / (2.0 * order)));
  return poles;
}

// The poles [Hz] of the order-n Bessel-Thomson filter with its -3 dB point at f3db_hz.
// theta(s_n)/theta(0) = prod (1 - s_n / s_k) with s_n = j f w3 / f3db: the Hz root is s_k f3db / w3.
std::vector<cplx> bessel_thomson_poles(int order, double f3db_hz) {
  const double scale = f3db_hz / RxFilter::bessel_w3db(order);
  std::vector<cplx> poles;
  for (const auto& s : poly_roots(reverse_bessel(order))) poles.push_back(s * scale);
  return poles;
}

}  // namespace

RxFilter RxFilter::all_pole(RxFilterType type, const char* what, int order, double f3db_hz,
                            std::vector<std::complex<double>> (*poles_hz)(int order, double f3db_hz)) {
  require_order(what, order);
  require_positive(what, "f3db", f3db_hz);
  RxFilter f;
  f.type_ = type;
  f.order_ = order;
  f.f3db_hz_ = f3db_hz;
  f.rational_ = RationalFilter(1.0, {}, poles_hz(order, f3db_hz));
  return f;
}

RxFilter RxFilter::butterworth(int order, double f3db_hz) {
  return all_pole(RxFilterType::butterworth, "Butterworth filter", order, f3db_hz, butterworth_poles);
}

RxFilter RxFilter::bessel_thomson(int order, double f3db_hz) {
  return all_pole(RxFilterType::bessel_thomson, "Bessel-Thomson filter", order, f3db_hz, bessel_thomson_poles);
}

RxFilter RxFilter::make(RxFilterType type, int order, double f3db_hz) {
  switch (type) {
    case RxFilterType::none: return none();
    case RxFilterType::butterworth: return butterworth(order, f3db_hz);
    case RxFilterType::bessel_thomson: return bessel_thomson(order, f3db_hz);
    case RxFilterType::photoreceiver:
      throw std::invalid_argument("RxFilter::make: a photoreceiver has two bandwidths and a Q: use RxFilter::photoreceiver");
  }
  return none();
}

RxFilter RxFilter::photoreceiver(double pd_hz, double tia_hz, double tia_q) {
  require_positive("photoreceiver", "pd_hz", pd_hz);
  require_positive("photoreceiver", "tia_hz", tia_hz);
  if (!(tia_q >= 0.3 && tia_q <= 5.0))
    throw std::invalid_argument("photoreceiver: tia_q = " + std::to_string(tia_q) + " must be in [0.3, 5]");
  const double a = 2.0 - 1.0 / (tia_q * tia_q);
  const double f0 = tia_hz / std::sqrt(0.5 * (a + std::sqrt(a * a + 4.0)));
  // The TIA's poles in Hz: f0 (-1/(2Q) +- sqrt(1/(4Q^2) - 1)), complex for Q > 1/2.
  const cplx d = std::sqrt(cplx(1.0 / (4.0 * tia_q * tia_q) - 1.0, 0.0));
  const cplx c = -1.0 / (2.0 * tia_q);
  RxFilter f;
  f.type_ = RxFilterType::photoreceiver;
  f.order_ = 3;
  f.rational_ = RationalFilter(1.0, {}, {cplx(-pd_hz, 0.0), f0 * (c + d), f0 * (c - d)});
  // Bisect |H|^2 = 1/2 between 0 (|H| = 1) and a frequency where the whole is below it.
  double lo = 0.0, hi = std::min(pd_hz, tia_hz);
  while (std::norm(f.rational_.response(hi)) > 0.5) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::norm(f.rational_.response(mid)) > 0.5 ? lo : hi) = mid;
  }
  f.f3db_hz_ = 0.5 * (lo + hi);
  return f;
}

RxFilter RxFilter::com_receiver(double symbol_rate_baud, double fr_over_baud) {
  require_positive("COM receiver filter", "symbol_rate_baud", symbol_rate_baud);
  require_positive("COM receiver filter", "fr_over_baud", fr_over_baud);
  return butterworth(4, fr_over_baud * symbol_rate_baud);
}

// ------------------------------------------------------------------------------------------------
// Ctle

std::string_view to_string(CtleType t) {
  switch (t) {
    case CtleType::none: return "none";
    case CtleType::com: return "com";
    case CtleType::com_ck: return "com_ck";
    case CtleType::generic: return "generic";
  }
  return "?";
}

namespace {

// Maximum of |H(f)| over f >= 0: log sweep over the span of the roots (3 decades beyond each end,
// 64 points per decade), then golden-section refinement around the best sample. Also checks f = 0
// and the top of the sweep.
double max_magnitude(const RationalFilter& r) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (const auto& z : r.zeros_hz()) lo = std::min(lo, std::abs(z)), hi = std::max(hi, std::abs(z));
  for (const auto& p : r.poles_hz()) lo = std::min(lo, std::abs(p)), hi = std::max(hi, std::abs(p));
  double best = std::abs(r.response(0.0));
  if (hi == 0.0) return best;
  const double f0 = lo * 1e-3, f1 = hi * 1e3;
  const int n = static_cast<int>(std::ceil(64.0 * std::log10(f1 / f0)));
  const double ratio = std::pow(f1 / f0, 1.0 / n);
  int ibest = -1;
  for (int i = 0; i <= n; ++i) {
    const double m = std::abs(r.response(f0 * std::pow(ratio, i)));
    if (m > best) best = m, ibest = i;
  }
  if (ibest <= 0 || ibest >= n) return best;
  double a = std::log(f0) + (ibest - 1) * std::log(ratio), b = a + 2.0 * std::log(ratio);
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  auto mag = [&](double lf) { return std::abs(r.response(std::exp(lf))); };
  double c = b - g * (b - a), d = a + g * (b - a), fc = mag(c), fd = mag(d);
  for (int it = 0; it < 100 && b - a > 1e-12; ++it) {
    if (fc > fd) {
      b = d, d = c, fd = fc, c = b - g * (b - a), fc = mag(c);
    } else {
      a = c, c = d, fc = fd, d = a + g * (b - a), fd = mag(d);
    }
  }
  return std::max(best, std::max(fc, fd));
}

// The zero and two poles shared by the COM CTLEs (93A-22), each > 0.
void require_com_corners(const char* what, double f_z_hz, double f_p1_hz, double f_p2_hz) {
  require_positive(what, "f_z", f_z_hz);
  require_positive(what, "f_p1", f_p1_hz);
  require_positive(what, "f_p2", f_p2_hz);
}

}  // namespace

void Ctle::finish() {
  const double dc = std::abs(rational_.response(0.0));
  peaking_db_ = std::max(0.0, phy::units::amplitude_ratio_to_db(max_magnitude(rational_) / dc));
}

Ctle Ctle::com(double g_dc_db, double f_z_hz, double f_p1_hz, double f_p2_hz) {
  if (!std::isfinite(g_dc_db)) throw std::invalid_argument("COM CTLE: g_DC = " + phy::number_text(g_dc_db) + " dB must be finite");
  require_com_corners("COM CTLE", f_z_hz, f_p1_hz, f_p2_hz);
  Ctle c;
  c.type_ = CtleType::com;
  c.g_dc_db_ = g_dc_db;
  c.f_z_hz_ = f_z_hz;
  c.f_p1_hz_ = f_p1_hz;
  c.f_p2_hz_ = f_p2_hz;
  // G + j f/f_z = G (1 + j f / (G f_z)): a zero at -G f_z Hz and gain G.
  const double g = phy::units::db_to_amplitude_ratio(g_dc_db);
  c.rational_ = RationalFilter(g, {cplx(-g * f_z_hz, 0.0)}, {cplx(-f_p1_hz, 0.0), cplx(-f_p2_hz, 0.0)});
  c.finish();
  return c;
}

Ctle Ctle::com_ck(double g_dc_db, double g_dc2_db, double f_z_hz, double f_p1_hz, double f_p2_hz,
                  double f_lf_hz) {
  if (!std::isfinite(g_dc_db) || !std::isfinite(g_dc2_db))
    throw std::invalid_argument("COM CTLE (802.3ck): g_DC = " + phy::number_text(g_dc_db) + " dB and g_DC2 = " +
                                phy::number_text(g_dc2_db) + " dB must be finite");
  require_com_corners("COM CTLE (802.3ck)", f_z_hz, f_p1_hz, f_p2_hz);
  require_positive("COM CTLE (802.3ck)", "f_LF", f_lf_hz);
  Ctle c;
  c.type_ = CtleType::com_ck;
  c.g_dc_db_ = g_dc_db;
  c.g_dc2_db_ = g_dc2_db;
  c.f_z_hz_ = f_z_hz;
  c.f_p1_hz_ = f_p1_hz;
  c.f_p2_hz_ = f_p2_hz;
  c.f_lf_hz_ = f_lf_hz;
  const double g1 = phy::units::db_to_amplitude_ratio(g_dc_db);
  const double g2 = phy::units::db_to_amplitude_ratio(g_dc2_db);
  c.rational_ = RationalFilter(g1 * g2, {cplx(-g1 * f_z_hz, 0.0), cplx(-g2 * f_lf_hz, 0.0)},
                               {cplx(-f_p1_hz, 0.0), cplx(-f_p2_hz, 0.0), cplx(-f_lf_hz, 0.0)});
  c.finish();
  return c;
}

Ctle Ctle::generic(double gain_db, const std::vector<double>& zeros_hz,
                   const std::vector<double>& poles_hz, Normalization norm) {
  if (!std::isfinite(gain_db))
    throw std::invalid_argument("generic CTLE: gain = " + phy::number_text(gain_db) + " dB must be finite");
  std::vector<cplx> z, p;
  for (std::size_t i = 0; i < zeros_hz.size(); ++i) {
    if (!(zeros_hz[i] > 0.0) || !std::isfinite(zeros_hz[i]))
      throw std::invalid_argument("generic CTLE: zeros_hz[" + std::to_string(i) + "] = " +
                                  phy::number_text(zeros_hz[i]) + " must be a finite frequency > 0");
    z.emplace_back(-zeros_hz[i], 0.0);
  }
  for (std::size_t i = 0; i < poles_hz.size(); ++i) {
    if (!(poles_hz[i] > 0.0) || !std::isfinite(poles_hz[i]))
      throw std::invalid_argument("generic CTLE: poles_hz[" + std::to_string(i) + "] = " +
                                  phy::number_text(poles_hz[i]) + " must be a finite frequency > 0");
    p.emplace_back(-poles_hz[i], 0.0);
  }
  if (norm == Normalization::peak && z.size() > p.size())
    throw std::invalid_argument("generic CTLE: peak normalisation needs at least as many poles (" +
                                std::to_string(p.size()) + ") as zeros (" + std::to_string(z.size()) +
                                "); |H| grows without bound otherwise");
  const double gain = phy::units::db_to_amplitude_ratio(gain_db);
  Ctle c;
  c.type_ = CtleType::generic;
  c.rational_ = RationalFilter(1.0, z, p);
  if (norm == Normalization::peak) {
    c.rational_ = RationalFilter(gain / max_magnitude(c.rational_), std::move(z), std::move(p));
  } else {
    c.rational_ = RationalFilter(gain, std::move(z), std::move(p));
  }
  c.finish();
  return c;
}

std::string Ctle::label() const {
  switch (type_) {
    case CtleType::none: return "none";
    case CtleType::com: return "COM g_DC=" + phy::number_text(g_dc_db_) + " dB";
    case CtleType::com_ck: return "COM g_DC=" + phy::number_text(g_dc_db_) + " dB g_DC2=" + phy::number_text(g_dc2_db_) + " dB";
    case CtleType::generic: return "generic peaking=" + phy::number_text(peaking_db_) + " dB";
  }
  return "?";
}

std::vector<Ctle> com_ctle_family(double symbol_rate_baud, double g_min_db, double g_max_db,
                                  double step_db) {
  require_positive("COM CTLE family", "symbol_rate_baud", symbol_rate_baud);
  require_positive("COM CTLE family", "step_db", step_db);
  if (!(g_min_db <= g_max_db))
    throw std::invalid_argument("COM CTLE family: g_min_db = " + phy::number_text(g_min_db) +
                                " must be <= g_max_db = " + phy::number_text(g_max_db));
  std::vector<Ctle> out;
  const int n = static_cast<int>(std::floor((g_max_db - g_min_db) / step_db + 1e-9));
  for (int i = 0; i <= n; ++i)
    out.push_back(Ctle::com(g_max_db - i * step_db, symbol_rate_baud / 4.0, symbol_rate_baud / 4.0,
                            symbol_rate_baud));
  return out;
}

std::vector<Ctle> com_ck_ctle_family(double symbol_rate_baud, const std::vector<double>& g_dc_db,
                                     const std::vector<double>& g_dc2_db, double fz_over_baud,
                                     double flf_over_baud) {
  require_positive("COM CTLE family (802.3ck)", "symbol_rate_baud", symbol_rate_baud);
  require_positive("COM CTLE family (802.3ck)", "fz_over_baud", fz_over_baud);
  require_positive("COM CTLE family (802.3ck)", "flf_over_baud", flf_over_baud);
  std::vector<Ctle> out;
  for (double g2 : g_dc2_db)
    for (double g : g_dc_db)
      out.push_back(Ctle::com_ck(g, g2, fz_over_baud * symbol_rate_baud, fz_over_baud * symbol_rate_baud,
                                 symbol_rate_baud, flf_over_baud * symbol_rate_baud));
  return out;
}

// ------------------------------------------------------------------------------------------------
// Noise

namespace {

// 10-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun, Table 25.4).
constexpr std::array<double, 5> gl_x = {0.1488743389816312, 0.4333953941292472, 0.6794095682990244,
                                        0.8650633666889845, 0.9739065285171717};
constexpr std::array<double, 5> gl_w = {0.2955242247147529, 0.2692667193099963, 0.2190863625159820,
                                        0.1494513491505806, 0.0666713443086881};

// The variance integral of integrated_noise_sigma_v for several CTLEs at once: the nodes, the
// PSD and the Rx filter's response are shared by every CTLE whose panels start at the same f_lo
// (a COM family's members all do), so each node costs one Rx response and, per CTLE, one CTLE
// response (10-point Gauss-Legendre per panel, panels in turn, each CTLE's sum in the order of
// its integral alone) or, for a COM family, two integrands for the whole family.
std::vector<double> noise_sigmas_v(const NoisePsd& psd_v2_per_hz, const RxFilter& rx, std::span<const Ctle> ctles,
                                   double fmax_hz) {
  require_positive("integrated noise", "fmax", fmax_hz);
  if (!psd_v2_per_hz) throw std::invalid_argument("integrated noise: the PSD function is empty");
  // Geometric panels, 32 per decade, from f_lo = min(fmax 1e-8, 1e-4 x the lowest corner of the
  // filters) to fmax, plus [0, f_lo] where the filters are flat.
  std::vector<double> start(ctles.size());
  for (std::size_t c = 0; c < ctles.size(); ++c) {
    double f_lo = fmax_hz * 1e-8;
    for (const RationalFilter* r : {&rx.rational(), &ctles[c].rational()}) {
      for (const auto& z : r->zeros_hz()) f_lo = std::min(f_lo, 1e-4 * std::abs(z));
      for (const auto& p : r->poles_hz()) f_lo = std::min(f_lo, 1e-4 * std::abs(p));
    }
    start[c] = f_lo;
  }
  std::vector<double> var(ctles.size(), 0.0);
  std::vector<std::size_t> group;
  std::vector<char> done(ctles.size(), 0);
  std::array<double, 2 * gl_x.size()> node{}, psd{};
  std::array<std::complex<double>, 2 * gl_x.size()> h_rx{};
  // COM CTLEs (93A-22 and the 802.3ck form) that differ in g_DC alone: H = (G + j f/f_z) R(f)
  // with R shared, so |H|^2 = G^2 |R|^2 + (f/f_z)^2 |R|^2 and each member's variance is
  // G^2 I_1 + I_2 from two integrals of the family (IEEE 802.3 Annex 93A eq. 93A-22, 93A-35):
  // two integrands per node for the family instead of a rational response per member. (The same
  // integrals as each member's own, summed in another order: the values agree to rounding,
  // 1e-15 relative, tested.)
  struct Family {
    const Ctle* shape = nullptr;  // a member: the corners and g_DC2
    std::vector<std::size_t> members;
    double i1 = 0.0, i2 = 0.0;
  };
  auto same_family = [](const Ctle& a, const Ctle& b) {
    return a.type() == b.type() && a.f_z_hz() == b.f_z_hz() && a.f_p1_hz() == b.f_p1_hz() &&
           a.f_p2_hz() == b.f_p2_hz() && a.f_lf_hz() == b.f_lf_hz() && a.g_dc2_db() == b.g_dc2_db();
  };
  // |R(f)|^2 of a family: 1 / ((1 + (f/p1)^2)(1 + (f/p2)^2)), times (G2^2 + (f/f_LF)^2) / (1 + (f/f_LF)^2)
  // for the 802.3ck form.
  auto r2 = [](const Ctle& c, double f) {
    const double x1 = f / c.f_p1_hz(), x2 = f / c.f_p2_hz();
    double v = 1.0 / ((1.0 + x1 * x1) * (1.0 + x2 * x2));
    if (c.type() == CtleType::com_ck) {
      const double g2 = phy::units::db_to_amplitude_ratio(c.g_dc2_db()), xl = f / c.f_lf_hz();
      v *= (g2 * g2 + xl * xl) / (1.0 + xl * xl);
    }
    return v;
  };
  std::vector<Family> families;
  std::vector<std::size_t> alone;
  for (std::size_t first = 0; first < ctles.size(); ++first) {
    if (done[first]) continue;
    group.clear();
    for (std::size_t c = first; c < ctles.size(); ++c)
      if (!done[c] && start[c] == start[first]) {
        group.push_back(c);
        done[c] = 1;
      }
    families.clear();
    alone.clear();
    for (std::size_t c : group) {
      const Ctle& ctle = ctles[c];
      if (ctle.type() != CtleType::com && ctle.type() != CtleType::com_ck) {
        alone.push_back(c);
        continue;
      }
      auto it = std::find_if(families.begin(), families.end(), [&](const Family& f) { return same_family(*f.shape, ctle); });
      if (it == families.end()) {
        families.push_back({&ctle, {}, 0.0, 0.0});
        it = families.end() - 1;
      }
      it->members.push_back(c);
    }
    for (auto it = families.begin(); it != families.end();)  // one member: on its own, as any CTLE
      if (it->members.size() < 2) {
        alone.push_back(it->members.front());
        it = families.erase(it);
      } else {
        ++it;
      }
    // One panel [a, b] for every CTLE of the group: the nodes m -/+ h x_i, their PSD and Rx
    // response once; then each CTLE's (or family's) h sum_i w_i (f(m - h x_i) + f(m + h x_i)).
    auto panel = [&](double a, double b) {
      const double m = 0.5 * (a + b), h = 0.5 * (b - a);
      for (std::size_t i = 0; i < gl_x.size(); ++i) {
        node[2 * i] = m - h * gl_x[i];
        node[2 * i + 1] = m + h * gl_x[i];
      }
      for (std::size_t j = 0; j < node.size(); ++j) {
        const double f = node[j], sv = psd_v2_per_hz(f);
        if (!(sv >= 0.0) || !std::isfinite(sv))
          throw std::invalid_argument("integrated noise: psd(" + phy::number_text(f) + " Hz) = " + phy::number_text(sv) +
                                      " V^2/Hz must be finite and >= 0");
        psd[j] = sv;
        h_rx[j] = rx.response(f);
      }
      for (std::size_t c : alone) {
        const Ctle& ctle = ctles[c];
        auto integrand = [&](std::size_t j) { return psd[j] * std::norm(h_rx[j] * ctle.response(node[j])); };
        double sum = 0.0;
        for (std::size_t i = 0; i < gl_x.size(); ++i) sum += gl_w[i] * (integrand(2 * i) + integrand(2 * i + 1));
        var[c] += sum * h;
      }
      for (Family& fam : families) {
        std::array<double, 2 * gl_x.size()> w1{}, w2{};
        for (std::size_t j = 0; j < node.size(); ++j) {
          const double z = node[j] / fam.shape->f_z_hz();
          w1[j] = psd[j] * std::norm(h_rx[j]) * r2(*fam.shape, node[j]);
          w2[j] = w1[j] * z * z;
        }
        double s1 = 0.0, s2 = 0.0;
        for (std::size_t i = 0; i < gl_x.size(); ++i) {
          s1 += gl_w[i] * (w1[2 * i] + w1[2 * i + 1]);
          s2 += gl_w[i] * (w2[2 * i] + w2[2 * i + 1]);
        }
        fam.i1 += s1 * h;
        fam.i2 += s2 * h;
      }
    };
    double f_lo = start[first];
    constexpr double per_decade = 32.0;
    const int panels = static_cast<int>(std::ceil(per_decade * std::log10(fmax_hz / f_lo)));
    const double ratio = std::pow(fmax_hz / f_lo, 1.0 / panels);
    panel(0.0, f_lo);
    for (int i = 0; i < panels; ++i) {
      const double f_hi = (i + 1 == panels) ? fmax_hz : f_lo * ratio;
      panel(f_lo, f_hi);
      f_lo = f_hi;
    }
    for (const Family& fam : families)
      for (std::size_t c : fam.members) {
        const double g = phy::units::db_to_amplitude_ratio(ctles[c].g_dc_db());
        var[c] = g * g * fam.i1 + fam.i2;
      }
  }
  for (double& v : var) v = std::sqrt(v);
  return var;
}

}  // namespace

double integrated_noise_sigma_v(const NoisePsd& psd_v2_per_hz, const RxFilter& rx, const Ctle& ctle,
                                double fmax_hz) {
  return noise_sigmas_v(psd_v2_per_hz, rx, std::span<const Ctle>(&ctle, 1), fmax_hz).front();
}

std::vector<double> integrated_noise_sigmas_v(const NoisePsd& psd_v2_per_hz, const RxFilter& rx,
                                              std::span<const Ctle> ctles, double fmax_hz) {
  return noise_sigmas_v(psd_v2_per_hz, rx, ctles, fmax_hz);
}

std::vector<double> integrated_noise_sigmas_v(double psd_v2_per_hz, const RxFilter& rx, std::span<const Ctle> ctles,
                                              double fmax_hz) {
  if (!(psd_v2_per_hz >= 0.0) || !std::isfinite(psd_v2_per_hz))
    throw std::invalid_argument("integrated noise: psd = " + phy::number_text(psd_v2_per_hz) +
                                " V^2/Hz must be finite and >= 0");
  if (psd_v2_per_hz == 0.0) {
    require_positive("integrated noise", "fmax", fmax_hz);
    return std::vector<double>(ctles.size(), 0.0);
  }
  return noise_sigmas_v([psd_v2_per_hz](double) { return psd_v2_per_hz; }, rx, ctles, fmax_hz);
}

double integrated_noise_sigma_v(double psd_v2_per_hz, const RxFilter& rx, const Ctle& ctle,
                                double fmax_hz) {
  return integrated_noise_sigmas_v(psd_v2_per_hz, rx, std::span<const Ctle>(&ctle, 1), fmax_hz).front();
}

}  // namespace phylane::channels
