#include "solvers/com_erl.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>

#include "channels/filters.hpp"
#include "solvers/com.hpp"
#include "solvers/pulse_response.hpp"

namespace phylane::solvers {

namespace {

using cplx = std::complex<double>;

// The reference code's TDR delay: the Gaussian edge is shifted by 500 ps plus 3 T_r so that its
// response is causal, and the time axis is shifted back by the 500 ps (get_TDR).
constexpr double tdr_delay_s = 500e-12;

// The raised-cosine taper of the reference code (Tukey_Window): 1 below f_r f_b, 0 above f_b,
// 0.5 cos(2 pi (f - f_b)/(2 (f_b - f_r f_b)) - pi) + 0.5 between.
double tukey(double f, double f_start, double f_stop) {
  if (f < f_start) return 1.0;
  if (f > f_stop) return 0.0;
  return 0.5 * std::cos(2.0 * std::numbers::pi * (f - f_stop) / (2.0 * (f_stop - f_start)) - std::numbers::pi) + 0.5;
}

// Inverse real FFTs of size n on one pair of FFTW buffers and one plan for both ports (fresh
// buffers per port were first-touched memory, most of ERL's time). Divided by n, the result is the
// sampled impulse response whose running sum is the step response (the reference code's
// s21_to_impulse_DC scaling).
class InverseFft {
 public:
  explicit InverseFft(std::size_t n) : n_(n) {
    time_ = static_cast<double*>(fftw_malloc(sizeof(double) * n));
    freq_ = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)));
    if (time_ && freq_) {
      std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      plan_ = fftw_plan_dft_c2r_1d(static_cast<int>(n), freq_, time_, FFTW_ESTIMATE);
    }
    if (!plan_) {
      release();
      throw std::runtime_error("TDR: FFTW could not plan an inverse transform of size " + std::to_string(n));
    }
  }
  InverseFft(const InverseFft&) = delete;
  InverseFft& operator=(const InverseFft&) = delete;
  ~InverseFft() { release(); }
  /// x: n/2 + 1 bins. The result (n samples, not yet divided by n) stays valid until the next call.
  const double* operator()(const std::vector<cplx>& x) {
    for (std::size_t k = 0; k < x.size(); ++k) {
      freq_[k][0] = x[k].real();
      freq_[k][1] = x[k].imag();
    }
    fftw_execute(plan_);
    return time_;
  }

 private:
  void release() {
    if (plan_) {
      std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      fftw_destroy_plan(plan_);
    }
    fftw_free(time_);
    fftw_free(freq_);
    plan_ = nullptr;
    time_ = nullptr;
    freq_ = nullptr;
  }
  std::size_t n_;
  double* time_ = nullptr;
  fftw_complex* freq_ = nullptr;
  fftw_plan plan_ = nullptr;
};

std::size_t first_at_or_after(std::span<const double> t, double x) {
  return static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), x) - t.begin());
}

}  // namespace

cplx com_tdr_reflection(const std::array<std::array<cplx, 2>, 2>& s, int port, double z_data_ohm, double z_new_ohm) {
  if (port != 0 && port != 1) throw std::invalid_argument("com_tdr_reflection: port must be 0 or 1");
  // S' = (S - r I)(I - r S)^-1 with r the reflection of the new reference seen from the old one
  // (Kurokawa's power waves with real references; both ports alike).
  const double r = (z_new_ohm - z_data_ohm) / (z_new_ohm + z_data_ohm);
  const cplx a11 = 1.0 - r * s[0][0], a12 = -r * s[0][1], a21 = -r * s[1][0], a22 = 1.0 - r * s[1][1];
  const cplx det = a11 * a22 - a12 * a21;
  const cplx i11 = a22 / det, i12 = -a12 / det, i21 = -a21 / det, i22 = a11 / det;
  const cplx b11 = s[0][0] - r, b12 = s[0][1], b21 = s[1][0], b22 = s[1][1] - r;
  return port == 0 ? b11 * i11 + b12 * i21 : b21 * i12 + b22 * i22;
}

std::vector<double> com_erl_weight(std::span<const double> t_s, const ComParameters& p, double t_fx_s) {
  const double ui = 1.0 / p.f_b_baud;
  const double t0 = t_fx_s + 3.0 * p.tr_tdr_s;
  const double tk = ui * (p.n_bx + 1) + t0;
  const double after = p.grr == 0 ? (1.0 + p.rho_x) * p.rho_x : 1.0;
  std::vector<double> w(t_s.size(), after);
  const std::size_t ntx = first_at_or_after(t_s, t0);
  if (ntx >= t_s.size()) return w;  // the gate starts after the record: every sample keeps `after`
  // The gate's last sample: the first with t > t_k, else the record's last.
  std::size_t ndfex = static_cast<std::size_t>(std::upper_bound(t_s.begin(), t_s.end(), tk) - t_s.begin());
  if (ndfex >= t_s.size()) ndfex = t_s.size() - 1;
  std::fill(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(ntx), 0.0);
  for (std::size_t i = ntx; i <= ndfex; ++i) {
    const double g_loss = p.n_bx > 0 && p.beta_x_db_per_s != 0.0 ? std::pow(10.0, p.beta_x_db_per_s * (t_s[i] - tk) / 20.0) : 1.0;
    const double x = (t_s[i] - t0) / ui;
    const double nb1 = p.n_bx + 1.0;
    const double g_rr = p.grr == 2 ? p.rho_x : (1.0 + p.rho_x) * p.rho_x * std::exp(-(x - nb1) * (x - nb1) / (nb1 * nb1));
    w[i] = g_loss * g_rr;
  }
  return w;
}

double com_erl_db(std::span<const double> weighted_pulse, const ComParameters& p, int* best_phase) {
  const auto m = static_cast<std::size_t>(p.samples_per_ui);
  // The phase whose UI-spaced samples have the largest norm (the reference code's ERL_FOM = 1).
  std::size_t best = 0;
  double best_norm = -1.0;
  for (std::size_t k = 0; k < m; ++k) {
    double e = 0.0;
    for (std::size_t i = k; i < weighted_pulse.size(); i += m) e += weighted_pulse[i] * weighted_pulse[i];
    if (e > best_norm) {
      best_norm = e;
      best = k;
    }
  }
  if (best_phase) *best_phase = static_cast<int>(best);
  // Samples within one bin of 0 do not enter the PDF (the reference code's
  // get_pdf_from_sampled_signal); none left: the PDF is a delta at 0 and ERL is infinite.
  const double bin = 10.0 * p.pdf_bin_size_v;
  std::vector<double> h;
  for (std::size_t i = best; i < weighted_pulse.size(); i += m)
    if (std::abs(weighted_pulse[i]) > bin) h.push_back(weighted_pulse[i]);
  if (h.empty()) return std::numeric_limits<double>::infinity();
  std::sort(h.begin(), h.end(), [](double a, double b) { return std::abs(a) > std::abs(b); });
  const ComPmf pmf = com_symbol_pmf(h, p.levels, bin);
  const double y = com_noise_interference_v(pmf, p.der_0);
  return y > 0.0 ? -20.0 * std::log10(y) : std::numeric_limits<double>::infinity();
}

std::vector<ComTdrPort> com_tdr_erl(const ComParameters& p, const channels::BandLimitedNetwork& sdd, double thru_delay_s) {
  if (sdd.ports() != 2) throw std::invalid_argument("TDR/ERL: the channel must be a differential 2-port");
  const double ui = 1.0 / p.f_b_baud;
  const double dt = ui / p.samples_per_ui;
  const double tr = p.tr_tdr_s;
  const double record_s = p.tdr_n_ui > 0 ? p.tdr_n_ui * ui : p.tdr_duration * thru_delay_s + tdr_delay_s;
  const double z_data = sdd.z0_ohm()[0];
  const double z_new = 2.0 * p.z_t_ohm;

  // The period: at least the sheet's frequency step's (the reference code transforms on the data's
  // grid) and twice the longest record asked for.
  const double t_fx_max = std::max({0.0, p.fixture_delay_s[0], p.fixture_delay_s[1]});
  const double period = std::max(1.0 / p.delta_f_hz, 2.0 * (record_s + t_fx_max + tdr_delay_s + 3.0 * tr));
  const std::size_t n = next_fft_size(static_cast<std::size_t>(std::ceil(period / dt)));
  const double df = 1.0 / (static_cast<double>(n) * dt);
  const std::size_t bins = n / 2 + 1;
  std::vector<double> freq;
  for (std::size_t k = 0; k < bins && static_cast<double>(k) * df <= sdd.zero_above_hz(); ++k)
    freq.push_back(static_cast<double>(k) * df);
  const channels::Network s = sdd.evaluate(freq);
  const channels::RxFilter rx = channels::RxFilter::com_receiver(p.f_b_baud, p.f_r);
  InverseFft inverse_fft(n);

  std::vector<ComTdrPort> out;
  std::vector<cplx> x(bins);
  // Sample i of the period is at t = i dt - 500 ps (the reference code's axis).
  auto time_of = [&](std::size_t i) { return static_cast<double>(i) * dt - tdr_delay_s; };
  // First sample index with t >= x (n when none).
  auto first_at = [&](double t) {
    const double i = std::ceil((t + tdr_delay_s) / dt);
    std::size_t k = i <= 0.0 ? 0 : std::min(n, static_cast<std::size_t>(i));
    while (k > 0 && time_of(k - 1) >= t) --k;  // rounding of the division
    while (k < n && time_of(k) < t) ++k;
    return k;
  };
  for (int port = 0; port < 2; ++port) {
    std::fill(x.begin(), x.end(), cplx{0.0, 0.0});
    for (std::size_t k = 0; k < freq.size(); ++k) {
      const double f = freq[k];
      const std::array<std::array<cplx, 2>, 2> sk{{{s.s(k, 0, 0), s.s(k, 0, 1)}, {s.s(k, 1, 0), s.s(k, 1, 1)}}};
      cplx h = com_tdr_reflection(sk, port, z_data, z_new);
      // 93A-46 squared, and the causal shift of the reference code's TDR source.
      const double g = std::numbers::pi * f * tr / 1.6832;
      h *= std::exp(-2.0 * g * g) * std::polar(1.0, -2.0 * std::numbers::pi * f * (tdr_delay_s + 3.0 * tr));
      if (p.tdr_butterworth) h *= rx.response(f);
      if (p.tukey_window) h *= tukey(f, p.f_r * p.f_b_baud, p.f_b_baud);
      x[k] = h;
    }
    x[0] = {x[0].real(), 0.0};
    x[bins - 1] = {x[bins - 1].real(), 0.0};
    const double* raw = inverse_fft(x);
    const double scale = 1.0 / static_cast<double>(n);
    auto ir = [&](std::size_t i) { return raw[i] * scale; };

    ComTdrPort r;
    r.port = port + 1;
    const double tfx = p.fixture_delay_s[static_cast<std::size_t>(port)];
    r.fixture_delay_s = tfx;
    // The reference code's window: from the first t >= T_r to the first t >= record + T_fx
    // (inclusive); when that is empty (e.g. the unset T_fx = -1), the whole period.
    std::size_t tend = std::min(first_at(record_s + tfx), n - 1);
    std::size_t tstart = first_at(tr);
    if (tstart >= tend) {
      tstart = 0;
      tend = n - 1;
    }
    const std::size_t len = tend - tstart + 1;
    r.t_s.resize(len);
    r.tdr_ohm.resize(len);
    r.reflection_pulse.resize(len);
    // The step: the running sum from the window's start. The response to a 1-UI rectangle: the
    // sum of the window's last M impulse samples.
    double step = 0.0, pulse = 0.0;
    const auto m = static_cast<std::size_t>(p.samples_per_ui);
    for (std::size_t i = 0; i < len; ++i) {
      r.t_s[i] = time_of(tstart + i);
      step += ir(tstart + i);
      r.tdr_ohm[i] = 2.0 * p.z_t_ohm * (1.0 + step) / (1.0 - step);
      pulse += ir(tstart + i) - (i >= m ? ir(tstart + i - m) : 0.0);
      r.reflection_pulse[i] = pulse;
    }
    // The port impedance: the reference code's weighted mean of the TDR from the first sample at
    // or after 3 T_r of the untrimmed axis, indexed into the trimmed record as it does.
    {
      const std::size_t from = std::min(first_at(3.0 * tr), tend);
      double sw = 0.0, swz = 0.0;
      for (std::size_t i = from; i < len; ++i) {
        const double w = std::exp(-(r.t_s[i] - r.t_s[from]) / p.t_k_s);
        sw += w;
        swz += w * r.tdr_ohm[i];
      }
      r.z_port_ohm = sw > 0.0 ? swz / sw : 0.0;
    }
    const std::vector<double> w = com_erl_weight(r.t_s, p, tfx);
    r.weighted_pulse.resize(len);
    for (std::size_t i = 0; i < len; ++i) r.weighted_pulse[i] = r.reflection_pulse[i] * w[i];
    r.erl_db = com_erl_db(r.weighted_pulse, p, &r.best_phase);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace phylane::solvers
