#pragma once
// COM S-parameter interpolation: how the IEEE 802.3 COM reference code 4.15 (interp_Sparam with
// its default policies) continues a transfer function given at the data frequencies onto the
// pulse grid 0 ... f_max = M f_b / 2, below the first data point and above the last.

#include <complex>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "channels/transfer_function.hpp"

namespace phylane::solvers {

/// A transfer function H known at the data frequencies fin (increasing, >= 0), continued as the
/// reference code 4.15 does (interp_Sparam; policies 'linear_trend_to_DC' for the magnitude and
/// 'extrap_cubic_to_dc_linear_to_inf' for the phase, whose result is the linear part):
/// - magnitude |H| (values below machine eps raised to eps), linear in f between the points;
///   when fin(1) > 0 a point at DC is added, the least-squares line through the first 10 points
///   evaluated at 0; when fin(end) < f_out_end a point at f_out_end is added, the least-squares
///   line through the upper half of the data (from point round(n/2), 1-based) evaluated there,
///   limited to |H(fin(end))| and at least eps; beyond the points, the end segments continue.
/// - phase: unwrapped arg H, linear in f between the points. When fin(1) > 0 the first 10
///   phases are rebuilt from the low-frequency group delay (the mean of the first 50 of
///   -diff(phase)/diff(f) within one standard deviation of their median), below fin(1) the first
///   segment continues, and above the data the phase continues from the output grid's last point
///   not above fin(end) with the mean high-frequency group delay (the last 51 group delays, the
///   same outlier rule). When fin(1) = 0 the phase is the plain linear interpolation (extended
///   by the end segments).
/// The output grid of the reference code is 0 : f_out_end / round(f_out_end / (fin(3) - fin(2))) : f_out_end.
/// Needs at least 52 points when fin(1) > 0 (the group-delay windows). Throws
/// std::invalid_argument naming `name` for fewer points, a non-increasing fin, f_out_end <= 0,
/// or a phase that rises on average (the reference code's anti-causality error).
class ComSparamInterp {
 public:
  ComSparamInterp(std::span<const double> fin_hz, std::span<const std::complex<double>> h, double f_out_end_hz,
                  const std::string& name);
  /// H at f >= 0 (magnitude clipped at 0 beyond the last point).
  std::complex<double> operator()(double f_hz) const;
  double magnitude(double f_hz) const;
  double phase_rad(double f_hz) const;
  /// h[k] = H(f[k]) times, when box_dt > 0, the running-sum ratio of solvers/com.hpp
  /// com_box_sum_ratio(f, box_dt) = (x / sin x) e^{jx}, x = pi f box_dt (which needs
  /// f box_dt < 1): the magnitudes multiplied and the phases added into one rotation. Above
  /// the data both phases are linear in f, so along a run of equally spaced points (a pulse
  /// grid) the rotations e^{j(phase + x)} and e^{jx} advance by one fixed rotation per point,
  /// recomputed exactly every 64 points and wherever the spacing changes; against the pointwise
  /// product the relative difference is below 1e-11 (4.2e-12 measured on a 5 ns channel to
  /// 412.5 GHz, whose phase arguments of ~1e4 rad are themselves rounded to ~1e-12 rad;
  /// tests/io/com_sparam_interp_test.cpp).
  /// At f = 0 the real part, as com_reference_continuation.
  void evaluate(std::span<const double> f_hz, std::span<std::complex<double>> h, double box_dt) const;

 private:
  std::vector<double> mag_f_, mag_v_;  // magnitude knots
  std::vector<double> ph_f_, ph_v_;    // phase knots within (and below) the data
  bool hf_phase_ = false;              // above ph_anchor_f_: ph_anchor_v_ + (f - anchor) hf_slope_
  double ph_anchor_f_ = 0.0, ph_anchor_v_ = 0.0, hf_slope_ = 0.0, data_end_hz_ = 0.0;
};

/// A COM path's transfer function as the reference code 4.15 transforms it (FD_Processing, then
/// s21_to_impulse_DC): `path` times `filters` (the Tx edge and Rx filters) evaluated at the data
/// frequencies `data_hz`, continued onto 0 ... f_out_end_hz by ComSparamInterp; at f = 0 the real
/// part (its inverse FFT keeps only that of the DC bin). Above the data the filters therefore act
/// no further: the continuation holds |H| near its last value. Throws as ComSparamInterp.
/// box_dt > 0: the result includes the running-sum ratio (ComSparamInterp::evaluate).
channels::TransferFunction com_reference_continuation(const channels::TransferFunction& path,
                                                      std::span<const double> data_hz,
                                                      const std::function<std::complex<double>(double)>& filters,
                                                      double f_out_end_hz, const std::string& name,
                                                      double box_dt = 0.0);

}  // namespace phylane::solvers
