#pragma once
/// The symbol rates and trace lengths phylane answers for, checked up front by every question
/// (io/ for configs with file:line, the workflows for command-line flags) instead of being
/// discovered by a failed FFT after a long search or printed as NaN. Why these bounds:
/// docs/transmission_lines.md ("Rates and lengths phylane computes").
/// Tested by: tests/workflows/engine_limits_test.cpp, tests/io/line_validity_config_test.cpp.
#include <string>

namespace phylane::workflows {

/// Symbol rates [Bd] the eye, max-rate and reach engines accept: 1 MBd ... 1 TBd.
///  - Above: the pulse response samples H(f) to 16x the symbol rate (32 samples per UI) and its
///    period must hold the channel's tail, which is fixed in seconds, so its FFT grows with the
///    rate: on the default preset 1 TBd already needs the split low band; at 1e30 b/s no
///    2^24-point FFT holds it. 1 TBd is also where the Nyquist frequency reaches the top of the
///    Djordjevic-Sarkar material fits (1 THz) and beyond which no quasi-TEM printed line exists.
///  - Below: the receiver noise is a white PSD integrated over a bandwidth that follows the rate,
///    with no flicker noise or offset, so as the rate falls the margin grows without bound (180 dB
///    at 1e-30 Gb/s); below 1 MBd the model no longer describes a receiver.
constexpr double min_symbol_rate_baud = 1e6;
constexpr double max_symbol_rate_baud = 1e12;

/// Longest trace segment (and stretched copper element) [m]: 1 km. The loss is computed in the log
/// domain and stays finite at any length, but at 1 km even a 100 mil microstrip on 60 mil of RO3003
/// with smooth copper loses ~370 dB at 1 GHz (measured with phylane loss); and up to 1 km the pulse engine's first echo (2 x 6.4 us)
/// fits its largest FFT at every accepted rate (2^24 samples of 1/32 UI at 1 TBd = 524 ns ...
/// at 1 MBd 0.5 s; the bulk delay is removed, the echo is not).
constexpr double max_trace_length_m = 1000.0;

/// Empty when baud is inside [min_symbol_rate_baud, max_symbol_rate_baud]; otherwise the rule, for
/// a message that names the key or flag and the value: "must give a symbol rate from 1 MBd to 1 TBd
/// (... GBd here)".
std::string symbol_rate_problem(double baud);

/// Throws std::invalid_argument "<what> = <value text>: <symbol_rate_problem>" when outside.
void check_symbol_rate(const std::string& what, const std::string& value_text, double baud);

}  // namespace phylane::workflows
