#include "solvers/real_fft.hpp"

#include <fftw3.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <numbers>
#include <stdexcept>
#include <system_error>
#include <string>
#include <thread>
#include <vector>

#include "solvers/pulse_response.hpp"
#include "solvers/thread_start.hpp"

namespace phylane::solvers {

using cplx = std::complex<double>;

// One per size for the process: the complex plan of n/2 points and the w_k.
struct InverseRealFft::Shared {
  fftw_plan plan = nullptr;
  std::vector<cplx> w;
};

const InverseRealFft::Shared* InverseRealFft::shared_for(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Shared>> table;  // guarded by the planner mutex
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  auto it = table.find(n);
  if (it != table.end()) return it->second.get();
  const std::size_t h = n / 2;
  auto s = std::make_unique<Shared>();
  // Planned in place on a scratch array from fftw_malloc, as every InverseRealFft's buffer is (the
  // new-array execute needs the same alignment and placement); FFTW_ESTIMATE leaves it untouched.
  auto* io = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * h));
  if (io) s->plan = fftw_plan_dft_1d(static_cast<int>(h), io, io, FFTW_BACKWARD, FFTW_ESTIMATE);
  fftw_free(io);
  if (!s->plan) throw std::runtime_error("FFT: FFTW could not plan a transform of size " + std::to_string(h));
  // w_k = e^{2 pi i k/n}, k/n in [0, 1/2): 2 pi k/n = (pi/2)(q + r/n) with q = 4k div n and
  // r = 4k mod n, so cos and sin only see angles below pi/2 and w_k = i^q e^{i (pi/2) r/n}.
  auto exact = [n](std::size_t k) {
    const std::size_t q = 4 * k / n, r = 4 * k % n;
    const double a = 0.5 * std::numbers::pi * static_cast<double>(r) / static_cast<double>(n);
    const cplx base(std::cos(a), std::sin(a));
    return q == 0 ? base : cplx(-base.imag(), base.real());  // i^1 = rotation by a quarter turn
  };
  // For k = a B + b, w_k = w_{aB} w_b: one complex product per k from two tables of exact values
  // (h / B and B of them) instead of a cosine and a sine per k, which were most of the set-up of a
  // size (0.8 ms of the 1.5 ms at n = 103,680). Each w_k is within about 2 ulp of the exact one
  // (both factors within 1 ulp, one rounded product); the transforms still agree with the direct
  // sum to 2e-15 of the signal's scale (tests/solvers/real_fft_test.cpp).
  constexpr std::size_t B = 256;
  std::vector<cplx> fine(std::min(B, h));
  for (std::size_t b = 0; b < fine.size(); ++b) fine[b] = exact(b);
  s->w.resize(h);
  for (std::size_t a = 0; a * B < h; ++a) {
    const cplx coarse = exact(a * B);
    const std::size_t end = std::min(h - a * B, B);
    cplx* out = s->w.data() + a * B;
    for (std::size_t b = 0; b < end; ++b) out[b] = coarse * fine[b];
  }
  return table.emplace(n, std::move(s)).first->second.get();
}

InverseRealFft::InverseRealFft(std::size_t n) : n_(n), shared_(nullptr) {
  if (n < 2 || n % 2 != 0)
    throw std::invalid_argument("FFT: an inverse real transform needs an even size >= 2, not " + std::to_string(n));
  shared_ = shared_for(n);
  buffer_ = reinterpret_cast<cplx*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)));
  if (!buffer_) throw std::bad_alloc();
}

InverseRealFft::~InverseRealFft() { fftw_free(buffer_); }

const double* InverseRealFft::execute() {
  const std::size_t h = n_ / 2;
  cplx* x = buffer_;
  const cplx* w = shared_->w.data();
  // Z_k and Z_{h-k} depend on X_k and X_{h-k} only: each pair is packed in place. k = 0 pairs X_0
  // with X_{n/2}, both taken as real (the c2r convention).
  {
    const double x0 = x[0].real(), xh = x[h].real();
    x[0] = cplx(x0 + xh, x0 - xh);
  }
  // Z_k = (X_k + conj X_{h-k}) + i w_k (X_k - conj X_{h-k}).
  auto pack = [](cplx a, cplx b, cplx wk) {
    const cplx d = a - b;
    return a + b + cplx(-(wk.real() * d.imag() + wk.imag() * d.real()), wk.real() * d.real() - wk.imag() * d.imag());
  };
  for (std::size_t k = 1, j = h - 1; k <= j; ++k, --j) {
    const cplx xk = x[k], xj = x[j];
    x[k] = pack(xk, std::conj(xj), w[k]);
    if (j != k) x[j] = pack(xj, std::conj(xk), w[j]);
  }
  auto* io = reinterpret_cast<fftw_complex*>(buffer_);
  fftw_execute_dft(shared_->plan, io, io);
  return reinterpret_cast<const double*>(buffer_);
}

namespace {
struct WarmUp {
  std::thread thread;
  ~WarmUp() {
    if (thread.joinable()) thread.join();
  }
};
}  // namespace

void start_fft_planner_warm_up() {
  // The planner lock is made before the warm-up object, so it outlives it at exit.
  std::mutex& planner = fftw_planner_mutex();
  static WarmUp warm_up;
  static std::once_flag once;
  std::call_once(once, [&planner] {
    try {
      warm_up.thread = start_thread_elsewhere([&planner] {
        std::lock_guard<std::mutex> lock(planner);
        auto* io = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * 16));
        if (!io) return;
        if (fftw_plan p = fftw_plan_dft_1d(16, io, io, FFTW_BACKWARD, FFTW_ESTIMATE)) fftw_destroy_plan(p);
        fftw_free(io);
      });
    } catch (const std::system_error&) {
      // No thread to spare: the first plan pays the set-up, as without the warm-up.
    }
  });
}

}  // namespace phylane::solvers
