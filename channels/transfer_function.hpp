#pragma once
/// The voltage transfer function H(f) of a described channel, evaluated at any frequencies: the
/// one way each kind of channel (modelled copper traces, a composition with Touchstone and element
/// blocks, an optical path, a sampled impulse response) turns into H(f). Every engine above
/// (pulse response, equalizers, capacity, rate and reach searches) takes a TransferFunction.
/// Tested by: tests/channels/transfer_function_test.cpp "[channels][transfer]".
#include <complex>
#include <functional>
#include <span>
#include <vector>

#include "channels/composed_channel.hpp"
#include "channels/copper_channel.hpp"
#include "channels/optical_link.hpp"

namespace phylane::channels {

/// Evaluates the channel's voltage transfer function H(f) (e.g. SDD21 referenced to the
/// terminations) at each frequency of freq_hz (all >= 0, including 0) into h (same size).
using TransferFunction =
    std::function<void(std::span<const double> freq_hz, std::span<std::complex<double>> h)>;

/// S21 of a copper channel referenced to its driver and receiver impedances (a copy of the
/// channel is captured). With equal terminations, S21 is V_rx / V_tx where V_tx is what the driver
/// delivers into a matched load. Overflow guard: a very long line (reach searches) overflows
/// cosh(gamma l) in the chain matrix; where the traces' total attenuation exceeds 300 Np
/// (2600 dB) the transmission is below 1e-130 and is returned as 0. A non-finite value with less
/// attenuation than that is a bug upstream: std::runtime_error naming the frequency.
TransferFunction copper_transfer_function(const CopperChannel& channel);

/// S21 or SDD21 of a composed channel (traces, Touchstone and element blocks) between its
/// driver and receiver (ComposedChannel::transfer; a copy of the channel is shared by the copies
/// of the function), with the same 300 Np overflow guard over its trace blocks.
TransferFunction composed_transfer_function(ComposedChannel channel);

/// The electrical-equivalent response of an optical link up to the photodiode (modulator x fiber,
/// OpticalLink::path_response, 1 at DC). The receiver (photodiode x TIA) is not in it: the eye
/// takes it as its Rx filter (solvers::set_optical_levels), so that a receiver that follows the
/// rate is rebuilt at each rate while this function stays; OpticalLink::response is the whole.
TransferFunction optical_transfer_function(const OpticalLink& link);

/// H(f) of a sampled impulse response h[n] (n >= 0, step dt_s): H(f) = dt sum_n h[n] e^{-j 2 pi f n dt}
/// (the discrete-time Fourier transform scaled to continuous time; exact for a response band-limited
/// below 1/(2 dt)). Evaluated directly, O(N) per frequency. Throws std::invalid_argument for no
/// samples or dt <= 0.
TransferFunction impulse_transfer_function(std::vector<double> h, double dt_s);

}  // namespace phylane::channels
