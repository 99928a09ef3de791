#pragma once
/// The inverse DFT of a real signal from its non-negative-frequency half spectrum, for the pulse
/// and step responses.
///
/// For an even n and bins X_0 .. X_{n/2} it returns
///     x_m = sum_{k=0}^{n-1} X_k e^{+2 pi i k m / n},  m = 0 .. n-1,  with X_{n-k} = conj(X_k),
/// unnormalised, as FFTW's c2r does; only the real parts of X_0 and X_{n/2} are used.
///
/// Why not FFTW's c2r plan. A question transforms a handful of times at two or three sizes, and
/// FFTW_ESTIMATE planning a real transform of 4 k-50 k points costs 2-3.5 ms of CPU per size on the
/// project's 2-core machine, 10-30 times the transforms themselves; planning the complex transform
/// of half the size costs 0.2 ms (1-2 ms for sizes with many factors of 3). So the real transform
/// is done as the textbook split of a real sequence into even and odd samples packed into one
/// complex sequence (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., sec. 9.3 and
/// problem 9.31; Press et al., Numerical Recipes, 3rd ed., sec. 12.3.2):
///     Z_k = (X_k + conj X_{n/2-k}) + i w_k (X_k - conj X_{n/2-k}),  w_k = e^{+2 pi i k / n},
///     z = inverse complex DFT of Z over n/2 points,  x_{2m} = Re z_m,  x_{2m+1} = Im z_m.
/// The packing and the transform run in place in one buffer of n/2 + 1 complex values (a transform
/// touches a third of the fresh memory three buffers would: on the project's VM a first touch of
/// memory costs about as much as the transforms). Plans and the w_k of each size are made once
/// per process and shared by every thread (planning under fftw_planner_mutex(); executing a plan
/// on other arrays is thread-safe in FFTW).
///
/// Tested by: tests/solvers/real_fft_test.cpp "[solvers][fft]" (against the DFT summed directly).
#include <complex>
#include <cstddef>

namespace phylane::solvers {

class InverseRealFft {
 public:
  /// n even and >= 2; throws std::invalid_argument otherwise.
  explicit InverseRealFft(std::size_t n);
  ~InverseRealFft();
  InverseRealFft(const InverseRealFft&) = delete;
  InverseRealFft& operator=(const InverseRealFft&) = delete;

  std::size_t size() const { return n_; }
  /// The n/2 + 1 bins X_0 .. X_{n/2}, written by the caller before each execute() (execute()
  /// overwrites them: the samples share their storage).
  std::complex<double>* spectrum() { return buffer_; }
  /// x from the spectrum, in place: the n samples, valid until the spectrum is written again.
  const double* execute();

 private:
  struct Shared;
  static const Shared* shared_for(std::size_t n);
  std::size_t n_;
  const Shared* shared_;
  std::complex<double>* buffer_ = nullptr;  // n/2 + 1 bins, then the n/2 packed points, then x
};

/// Starts FFTW's one-time planner set-up (registering its solvers, about 2 ms of CPU on the
/// project's machine, otherwise paid by the process's first plan) on a second thread, so that it
/// overlaps the loading of a question's link on the idle core; the first InverseRealFft finds it
/// done, or waits for it through the planner lock. Later calls do nothing; the thread is joined at
/// exit. For the commands that transform (eye, maxrate, reach, com).
void start_fft_planner_warm_up();

}  // namespace phylane::solvers
