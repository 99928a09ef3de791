#pragma once
/// An intensity-modulated, directly detected optical link: laser -> modulator -> passive path ->
/// photodiode + TIA. Produces the power budget (level after every element), the received levels,
/// the electrical-equivalent frequency response and the level-dependent noise, so that the same
/// statistical-eye engine as copper gives its eye and BER.
#include <complex>
#include <string>
#include <vector>

#include "channels/filters.hpp"
#include "phy/coupling.hpp"
#include "phy/optics.hpp"
#include "phy/ring.hpp"
#include "phy/photoreceiver.hpp"

namespace phylane::channels {

struct Laser {
  double power_w = 1e-3;                 ///< optical output power (CW), > 0
  double wavelength_m = 1.31e-6;         ///< > 0
  double rin_db_per_hz = -150.0;         ///< relative intensity noise (one-sided)
  double wall_plug_efficiency = 0.1;     ///< optical out / electrical in, (0, 1]
};

struct Modulator {
  phy::ModulatorKind kind = phy::ModulatorKind::mach_zehnder;
  double insertion_loss_db = 0.0;        ///< loss at the "1" level bias point, >= 0
  double extinction_ratio_db = 5.0;      ///< P1/P0 of the outer levels, > 0
  double bandwidth_hz = 30e9;            ///< electro-optic 3-dB bandwidth, > 0
  phy::ResponseShape shape = phy::ResponseShape::single_pole;
  double q = 0.7071067811865476;         ///< damping of the second-order shape
  double chirp_alpha = 0.0;              ///< Henry/transient chirp parameter (0: push-pull MZM)
  double drive_swing_v = 1.0;            ///< peak-to-peak drive (informational)
  double driver_power_w = 0.0;           ///< electrical power of driver + bias/tuning (energy per bit)
};

/// One passive element of the optical path. `loss_db` is the total loss of the element at the
/// carrier wavelength (computed from its parameters when built by the make_* helpers).
struct PathElement {
  std::string kind;   ///< "coupler", "waveguide", "fiber", "splitter", "mux", "demux", "connector", "loss"
  std::string name;
  double loss_db = 0.0;           ///< >= 0
  double length_m = 0.0;          ///< waveguides and fiber
  double loss_db_per_m = 0.0;     ///< waveguides and fiber: the length-proportional part of loss_db
  double dispersion_s_per_m2 = 0.0;  ///< fiber chromatic dispersion D at the carrier (SI)
  double crosstalk_db = -1e9;     ///< WDM adjacent-channel isolation as a (negative) dB ratio
  std::string detail;             ///< how loss_db was computed, for the budget table
};

/// The same waveguide or fiber at another length: loss_db = (loss_db - a L) + a L_new, the fixed
/// part (connectors, splices, bends, crossings) kept. Throws std::invalid_argument for other
/// kinds or a length <= 0.
PathElement with_length(const PathElement& e, double length_m);

/// Builders that compute an element's loss from its parameters (each documented in the .cpp).
PathElement make_coupler(const std::string& name, double il_db, double bw_1db_m, double centre_m, double wavelength_m);
PathElement make_waveguide(const std::string& name, double loss_db_per_m, double length_m, int bends,
                           double bend_loss_db, int crossings, double crossing_loss_db);
PathElement make_fiber(const std::string& name, double loss_db_per_m, double length_m, double dispersion_s_per_m2,
                       int connectors, double connector_loss_db, int splices, double splice_loss_db);
/// 1xN splitter/MMI: 10 log10(N) intrinsic + excess loss (signal stays on one output branch).
PathElement make_splitter(const std::string& name, int ways, double excess_db);
PathElement make_wdm(const std::string& kind, const std::string& name, double il_db, double crosstalk_db);
PathElement make_loss(const std::string& kind, const std::string& name, double loss_db);

/// A fibre-to-chip coupler given by its mode sizes and alignment (docs/optical.md, "Couplers and
/// rings by design"): the chip-side mode (an inverse-taper edge coupler's output mode, or a grating
/// coupler's diffracted beam) and the fibre mode taken as circular Gaussians, their power overlap
/// with the misalignment from phy::gaussian_coupling_efficiency, plus the coupler's own loss
/// (a grating's diffraction/directionality efficiency, a taper's conversion and reflection loss).
struct GaussianCouplerDesign {
  std::string kind = "edge";        ///< "edge" or "grating" (reported only; the physics is the same overlap)
  double chip_mfd_m = 0.0;          ///< chip-side mode field diameter (1/e^2 intensity), > 0
  double fiber_mfd_m = 0.0;         ///< fibre mode field diameter, > 0
  phy::Misalignment misalignment;   ///< lateral offset, tilt, gap and gap index
  double own_loss_db = 0.0;         ///< the coupler's own loss, >= 0
};
/// loss = mode-size mismatch + misalignment + own loss, each reported in `detail`.
PathElement make_gaussian_coupler(const std::string& name, const GaussianCouplerDesign& d, double wavelength_m);

/// A micro-ring by its design: radius, group index, propagation loss and the power coupling of
/// its bus couplers (kappa^2; self-coupling r = sqrt(1 - kappa^2), lossless couplers). The ring is
/// taken as tuned (thermally) so that a resonance falls on the carrier: only n_g matters (FSR,
/// dispersion), n_eff is set to the resonant order nearest n_g.
struct RingDesign {
  double radius_m = 0.0;            ///< > 0; the round trip is 2 pi R
  double group_index = 0.0;         ///< >= 1
  double loss_db_per_m = 0.0;       ///< propagation loss in the ring, >= 0
  double power_coupling = 0.0;      ///< input (through) bus, kappa1^2 in (0, 1)
  double drop_power_coupling = 0.0; ///< drop bus, kappa2^2 in [0, 1); 0: all-pass
};
/// The phy::RingResonator of a design with a resonance exactly at `wavelength_m`.
phy::RingResonator tuned_ring(const RingDesign& d, double wavelength_m);
/// A ring drop demultiplexer: insertion loss = drop power on resonance (exact add-drop response,
/// phy::ring_response), adjacent-channel crosstalk = the drop power of the channels one spacing
/// either side (the larger), detail with Q, FSR and the round-trip loss. Throws
/// std::invalid_argument for a design without a drop coupler or a spacing <= 0.
PathElement make_ring_demux(const std::string& name, const RingDesign& d, double wavelength_m, double spacing_hz);

/// Static figures of an all-pass ring modulator: the laser sits `detuning_m` from the resonance at
/// the "0" drive level (through-port power T0) and the drive moves the resonance `shift_m` further
/// away at the "1" level (T1). insertion loss = -10 log10 T1, extinction ratio = 10 log10 (T1 / T0).
struct RingModulatorFigures {
  double insertion_loss_db = 0.0;
  double extinction_ratio_db = 0.0;
  double loaded_q = 0.0;
  double fsr_m = 0.0;
  double through_0 = 0.0, through_1 = 0.0;
};
/// Throws std::invalid_argument for a drop coupler (a modulator here is all-pass), a negative
/// detuning or a shift <= 0.
RingModulatorFigures ring_modulator_figures(const RingDesign& d, double wavelength_m, double detuning_m, double shift_m);

struct Receiver {
  phy::Photoreceiver front_end;          ///< responsivity, dark current, TIA noise, RIN (filled from the laser)
  double pd_bandwidth_hz = 50e9;         ///< photodiode (transit/RC) 3-dB bandwidth, single pole
  double tia_bandwidth_hz = 30e9;        ///< TIA 3-dB bandwidth (second-order, damping tia_q)
  /// TIA damping Q of its second-order response: 1/sqrt 3 (default) the Bessel-Thomson response
  /// of a TIA designed for data (maximally flat group delay, 0.4 % step overshoot); 1/sqrt 2
  /// Butterworth (maximally flat magnitude, 4.3 % overshoot); 1/2 critically damped (RxFilter::photoreceiver).
  double tia_q = 0.5773502691896258;
  /// A receiver built for the rate: > 0 makes that 3-dB bandwidth ratio x symbol rate at every
  /// rate (OpticalLink::at_symbol_rate), the input-referred noise density unchanged, so the
  /// integrated thermal, shot and RIN noise follow the rate; 0: the bandwidth above is fixed
  /// hardware. The bandwidths above then hold the values at the link's configured rate.
  double pd_bandwidth_ratio = 0.0;
  double tia_bandwidth_ratio = 0.0;
  double transimpedance_ohm = 1000.0;    ///< V/A at the decision point
  double power_w = 0.0;                  ///< electrical power of PD bias + TIA + CDR (energy per bit)
  bool follows_rate() const { return pd_bandwidth_ratio > 0.0 || tia_bandwidth_ratio > 0.0; }
};

/// The receiver's small-signal response, photodiode pole x TIA (RxFilter::photoreceiver), 1 at
/// DC: the filter that shapes the receiver's white input noise (its noise bandwidth is
/// Int |H|^2 df) and the receiver filter of the eye (solvers::set_optical_levels).
RxFilter receiver_filter(const Receiver& rx);

/// Which receiver a result was computed with, at one symbol rate (for reports).
struct ReceiverBandwidth {
  bool follows_rate = false;
  double pd_bandwidth_ratio = 0.0;   ///< x symbol rate, 0 where fixed
  double tia_bandwidth_ratio = 0.0;
  double symbol_rate_baud = 0.0;     ///< the rate the figures below are at
  double pd_bandwidth_hz = 0.0;
  double tia_bandwidth_hz = 0.0;
  double tia_q = 0.0;
  double f3db_hz = 0.0;              ///< 3-dB bandwidth of photodiode x TIA
  double noise_bandwidth_hz = 0.0;   ///< Int |H_pd H_tia|^2 df
  /// "fixed bandwidth 35.2 GHz (photodiode 50 GHz x TIA 42 GHz), noise bandwidth 38.1 GHz" or
  /// "following the rate: TIA 0.75 x symbol rate, photodiode 50 GHz fixed -> 3-dB 20.1 GHz at 32 GBd, ..."
  std::string summary() const;
};
struct BudgetLine {
  std::string element;   ///< "laser", "modulator", element names..., "receiver"
  std::string detail;
  double loss_db = 0.0;  ///< this element's loss
  double power_dbm = 0.0;  ///< average power after it
};

/// The optical link of one wavelength.
class OpticalLink {
 public:
  /// Throws std::invalid_argument naming the bad parameter.
  OpticalLink(Laser laser, Modulator modulator, std::vector<PathElement> path, Receiver receiver);

  /// Level after every element, average power. The sum of element losses equals
  /// launch - received exactly (tests/channels/optical_link_test.cpp).
  std::vector<BudgetLine> budget() const;
  double path_loss_db() const;              ///< passive path (coupler ... demux), dB
  double launch_average_power_w() const;    ///< after the modulator
  double received_average_power_w() const;
  double extinction_ratio() const;          ///< linear
  double received_oma_w() const;            ///< P1 - P0 at the photodiode
  /// Received optical power of PAM level k of M (k = 0 ... M-1), equally spaced in power between
  /// P0 and P1 (outer levels).
  double level_power_w(int k, int levels) const;

  /// Electrical-equivalent small-signal response, normalised to 1 at DC: modulator EO response x
  /// fiber dispersion (with chirp) x photodiode pole x TIA (path_response x receiver_filter).
  /// Complex, causal; f >= 0.
  std::complex<double> response(double freq_hz) const;
  /// Modulator EO response x fiber dispersion (with chirp), 1 at DC: the channel up to the
  /// photodiode, which the eye engine takes as H(f) (optical_transfer_function) with the
  /// receiver as its Rx filter (receiver_filter()).
  std::complex<double> path_response(double freq_hz) const;
  /// Noise bandwidth of the receiver (photodiode x TIA): Int |H|^2 df over 0 ... 40 min(f_pd, f_tia) [Hz].
  double receiver_noise_bandwidth_hz() const;
  const RxFilter& receiver_filter() const { return rx_filter_; }
  /// The link with a rate-following receiver's bandwidths set for `symbol_rate_baud` (ratio x
  /// rate); a copy of this link when its receiver is fixed. Throws std::invalid_argument for a rate <= 0.
  OpticalLink at_symbol_rate(double symbol_rate_baud) const;
  /// The receiver at `symbol_rate_baud`, for reports.
  ReceiverBandwidth receiver_bandwidth(double symbol_rate_baud) const;
  /// Front end with the noise bandwidth and laser RIN filled in.
  phy::Photoreceiver front_end() const;
  /// Noise rms at the decision point [V] of PAM level k of M.
  double level_noise_v(int k, int levels) const;
  /// Electrical power of the link (laser electrical, driver, receiver) [W].
  double electrical_power_w() const;
  double total_dispersion_s_per_m() const;  ///< sum of D L over fiber elements [s/m]

  const Laser& laser() const { return laser_; }
  const Modulator& modulator() const { return mod_; }
  const std::vector<PathElement>& path() const { return path_; }
  const Receiver& receiver() const { return rx_; }

 private:
  Laser laser_;
  Modulator mod_;
  std::vector<PathElement> path_;
  Receiver rx_;
  RxFilter rx_filter_;
  double noise_bw_hz_ = 0.0;
};

}  // namespace phylane::channels
