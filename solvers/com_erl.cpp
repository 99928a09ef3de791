#include "solvers/com_erl.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <string>

#include "solvers/com.hpp"
#include "solvers/com_sparam_interp.hpp"
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

// The receiver filter of 93A-20 (4th-order Butterworth, -3 dB at f_3db) with the polynomial
// coefficients as the reference code writes them (Butterworth_Filter, get_RAW_FIR).
cplx reference_butterworth(double f, double f_3db) {
  const cplx s{0.0, f / f_3db};
  return 1.0 / ((((s + 2.613126) * s + 3.414214) * s + 2.613126) * s + 1.0);
}

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

std::vector<ComTdrPort> com_tdr_erl(const ComParameters& p, const channels::Network& sdd) {
  if (sdd.ports() != 2) throw std::invalid_argument("TDR/ERL: the channel must be a differential 2-port");
  const std::vector<double>& f = sdd.freq_hz();
  if (f.size() < 3) throw std::invalid_argument("TDR/ERL: the channel needs at least 3 frequency points");
  const double ui = 1.0 / p.f_b_baud;
  const double dt = ui / p.samples_per_ui;
  const double tr = p.tr_tdr_s;
  const double z_data = sdd.z0_ohm()[0];
  const double z_new = 2.0 * p.z_t_ohm;

  // The reference code's transform (s21_to_impulse_DC): the spectrum at the data frequencies,
  // continued by interp_Sparam onto 0 : f_max / n_s : f_max, f_max = M f_b / 2, n_s = round(f_max /
  // (f(3) - f(2))), i.e. a period of about 1 / the data's step; the impulse response is the real
  // inverse FFT of its 2 n_s bins, on the time axis i / ((f(3) - f(2)) 2 n_s), cut after the last
  // sample above 1e-5 of its peak (get_TDR's truncation threshold).
  const double f_max = 0.5 / dt;
  const double step = f[2] - f[1];
  const auto n_s = static_cast<std::size_t>(std::llround(f_max / step));
  if (n_s < 2) throw std::invalid_argument("TDR/ERL: the data's frequency step exceeds M f_b / 2");
  const std::size_t n = 2 * n_s;
  const double t_step = 1.0 / (step * static_cast<double>(n));
  InverseFft inverse_fft(n);
  std::vector<cplx> x(n_s + 1);
  std::vector<double> ir(n);
  // The impulse response of H (given at the data frequencies), truncated; returns its length.
  auto impulse = [&](const std::vector<cplx>& h, const std::string& name) {
    // No reflection at all (every |H| below eps, which the interpolation would raise to eps with a
    // phase of rounding noise): eps at every bin, as the reference code does for an H of zeros,
    // and the whole period kept (the reference code's truncation would keep its one sample at
    // t = 0, and its TDR would be empty: phylane reports a flat TDR at 2 Z_t instead).
    const bool none = std::all_of(h.begin(), h.end(), [](cplx v) { return std::abs(v) < std::numeric_limits<double>::epsilon(); });
    if (none) {
      std::fill(x.begin(), x.end(), cplx{std::numeric_limits<double>::epsilon(), 0.0});
    } else {
      const ComSparamInterp in(f, h, f_max, name);
      for (std::size_t k = 0; k <= n_s; ++k) x[k] = in(f_max * static_cast<double>(k) / static_cast<double>(n_s));
    }
    x[0] = {x[0].real(), 0.0};
    x[n_s] = {x[n_s].real(), 0.0};
    const double* raw = inverse_fft(x);
    double peak = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      ir[i] = raw[i] / static_cast<double>(n);
      peak = std::max(peak, std::abs(ir[i]));
    }
    std::size_t last = n;
    while (!none && last > 0 && !(std::abs(ir[last - 1]) > 1e-5 * peak)) --last;
    return last;
  };

  // The record: N UI, or (N = 0) TDR_duration times the time of the peak of the thru's impulse
  // response through the Butterworth filter at 0.75 f_b (get_RAW_FIR) plus 500 ps, at most the
  // truncated response's length.
  double record_s = p.tdr_n_ui * ui;
  if (p.tdr_n_ui == 0) {
    std::vector<cplx> h21(f.size());
    for (std::size_t k = 0; k < f.size(); ++k) h21[k] = sdd.s(k, 1, 0) * reference_butterworth(f[k], 0.75 * p.f_b_baud);
    const std::size_t len = impulse(h21, "TDR/ERL: the thru's SDD21");
    if (len == 0) throw std::invalid_argument("TDR/ERL: the thru's SDD21 is zero");
    const auto pix = static_cast<std::size_t>(std::max_element(ir.begin(), ir.begin() + static_cast<std::ptrdiff_t>(len)) - ir.begin());
    record_s = std::min(static_cast<double>(pix) * t_step * p.tdr_duration + tdr_delay_s, static_cast<double>(len - 1) * t_step);
  }

  std::vector<ComTdrPort> out;
  std::vector<cplx> h(f.size());
  for (int port = 0; port < 2; ++port) {
    for (std::size_t k = 0; k < f.size(); ++k) {
      const std::array<std::array<cplx, 2>, 2> sk{{{sdd.s(k, 0, 0), sdd.s(k, 0, 1)}, {sdd.s(k, 1, 0), sdd.s(k, 1, 1)}}};
      cplx r = com_tdr_reflection(sk, port, z_data, z_new);
      // 93A-46 squared, and the causal shift of the reference code's TDR source.
      const double g = std::numbers::pi * f[k] * tr / 1.6832;
      r *= std::exp(-2.0 * g * g) * std::polar(1.0, -2.0 * std::numbers::pi * f[k] * (tdr_delay_s + 3.0 * tr));
      if (p.tdr_butterworth) r *= reference_butterworth(f[k], p.f_r * p.f_b_baud);
      if (p.tukey_window) r *= tukey(f[k], p.f_r * p.f_b_baud, p.f_b_baud);
      h[k] = r;
    }
    const std::size_t len_ir = impulse(h, port == 0 ? "TDR/ERL: the reflection at port 1" : "TDR/ERL: the reflection at port 2");
    // Sample i of the transform is at t = i t_step - 500 ps (the reference code's axis).
    auto time_of = [&](std::size_t i) { return static_cast<double>(i) * t_step - tdr_delay_s; };
    // First sample index below `end` with t >= t (end when none).
    auto first_at = [&](double t, std::size_t end) {
      std::size_t k = 0;
      while (k < end && time_of(k) < t) ++k;
      return k;
    };

    ComTdrPort r;
    r.port = port + 1;
    const double tfx = p.fixture_delay_s[static_cast<std::size_t>(port)];
    r.fixture_delay_s = tfx;
    // The reference code's window: from the first t >= T_r to the first t >= record + T_fx
    // (inclusive) of the truncated response; when that is empty (e.g. the unset T_fx = -1), all of it.
    if (len_ir == 0) throw std::invalid_argument("TDR/ERL: the reflection is zero");
    std::size_t tend = std::min(first_at(record_s + tfx, len_ir), len_ir - 1);
    std::size_t tstart = first_at(tr, tend + 1);
    if (tstart >= tend) {
      tstart = 0;
      tend = len_ir - 1;
    }
    const std::size_t len = tend - tstart + 1;
    r.t_s.resize(len);
    r.tdr_ohm.resize(len);
    r.reflection_pulse.resize(len);
    // The step: the running sum from the window's start. The response to a 1-UI rectangle: the
    // sum of the window's last M impulse samples.
    double stepv = 0.0, pulse = 0.0;
    const auto m = static_cast<std::size_t>(p.samples_per_ui);
    for (std::size_t i = 0; i < len; ++i) {
      r.t_s[i] = time_of(tstart + i);
      stepv += ir[tstart + i];
      r.tdr_ohm[i] = 2.0 * p.z_t_ohm * (1.0 + stepv) / (1.0 - stepv);
      pulse += ir[tstart + i] - (i >= m ? ir[tstart + i - m] : 0.0);
      r.reflection_pulse[i] = pulse;
    }
    // The port impedance: the reference code's weighted mean of the TDR from the first sample at
    // or after 3 T_r of the untrimmed axis, indexed into the trimmed record as it does.
    {
      const std::size_t from = first_at(3.0 * tr, tend + 1);
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
