#pragma once
/// Micro-ring resonators: all-pass and add-drop transmission from the coupling coefficients, the
/// round-trip loss and the group index, and the figures derived from them.

namespace phylane::phy {

/// A ring: circumference, indices at a reference wavelength, loss, and the self-coupling
/// (through) amplitude coefficients of its one or two couplers (r = sqrt(1 - kappa^2), lossless
/// couplers). drop_self_coupling = 1 means no drop coupler (an all-pass ring).
struct RingResonator {
  double length_m = 0.0;           ///< round-trip length L = 2 pi R (+ straight sections) [m]
  double n_eff = 0.0;              ///< effective index at reference_wavelength_m
  double n_g = 0.0;                ///< group index (sets the FSR and the first-order dispersion)
  double reference_wavelength_m = 1550e-9;
  double loss_db_per_m = 0.0;      ///< round-trip propagation loss (scattering, bend, absorption)
  double self_coupling = 1.0;      ///< r1, input (through) coupler, in (0, 1]
  double drop_self_coupling = 1.0; ///< r2, drop coupler, in (0, 1]; 1: all-pass
};

/// Single-pass amplitude transmission a = exp(-alpha L / 2), alpha the power loss [1/m].
double round_trip_amplitude(const RingResonator& ring);
/// Round-trip phase phi = 2 pi n_eff(lambda) L / lambda with n_eff(lambda) = n_eff0 - (n_g - n_eff0)
/// (lambda - lambda0) / lambda0 (first-order dispersion from the group index).
double round_trip_phase(const RingResonator& ring, double wavelength_m);

/// Power transmissions at a wavelength. All-pass (r2 = 1):
///   T = (a^2 - 2 r a cos phi + r^2) / (1 - 2 a r cos phi + (r a)^2);
/// add-drop:
///   T_through = (r2^2 a^2 - 2 r1 r2 a cos phi + r1^2) / (1 - 2 r1 r2 a cos phi + (r1 r2 a)^2),
///   T_drop    = (1 - r1^2)(1 - r2^2) a / (1 - 2 r1 r2 a cos phi + (r1 r2 a)^2).
/// Source: W. Bogaerts et al., "Silicon microring resonators", Laser Photonics Rev. 6(1), 47
/// (2012), sec. 2. Tested by: tests/phy/ring_test.cpp (energy conservation at zero loss).
struct RingResponse {
  double through = 0.0;
  double drop = 0.0;
};
RingResponse ring_response(const RingResonator& ring, double wavelength_m);

/// Free spectral range FSR = lambda^2 / (n_g L) [m] (Bogaerts et al. 2012, sec. 2).
double ring_fsr_m(const RingResonator& ring);
/// Resonance full width at half maximum (Bogaerts et al. 2012, sec. 2, with r -> r1 r2):
/// FWHM = (1 - r1 r2 a) lambda^2 / (pi n_g L sqrt(r1 r2 a)) [m].
double ring_fwhm_m(const RingResonator& ring);
/// Loaded quality factor Q = lambda / FWHM (Bogaerts et al. 2012, sec. 2).
double ring_loaded_q(const RingResonator& ring);
/// Through-port extinction, off resonance over on resonance, all-pass:
/// 10 log10([(a + r)(1 - a r)]^2 / [(1 + a r)(a - r)]^2) [dB]
/// (from T at phi = 2 pi m above); add-drop uses r1 -> r1 and a -> r2 a.
double ring_extinction_db(const RingResonator& ring);
/// Resonance wavelength of order m nearest `near_m`: phi(lambda) = 2 pi m, solved by Newton.
double ring_resonance_m(const RingResonator& ring, double near_m);

/// Adjacent-channel crosstalk of a ring demultiplexer whose drop response is the Lorentzian of
/// loaded quality factor Q centred on its own channel: the neighbour at spacing df from the
/// channel frequency f leaks 1 / (1 + (2 Q df / f)^2) of its power into this drop port [dB, < 0].
/// (The Lorentzian limit of the add-drop response near resonance, FWHM << FSR; Bogaerts et al.
/// 2012, sec. 2.) Tested by: tests/phy/ring_test.cpp against the exact add-drop response.
double lorentzian_crosstalk_db(double loaded_q, double channel_hz, double spacing_hz);

}  // namespace phylane::phy
