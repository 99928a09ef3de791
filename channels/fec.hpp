#pragma once
/// Forward error correction of a lane, as the link budget sees it: the payload fraction of the line
/// rate, the bit error ratio the physical layer must deliver before the decoder (the target the eye,
/// max-rate and reach searches use when a link names its FEC), and the latency the code adds.
/// For Reed-Solomon codes the relation between the input and the output error ratio is computed
/// from the code (independent bit errors); the requirements themselves are the standards'.
/// Tested by: tests/channels/fec_test.cpp "[channels][fec]".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::channels {

/// An RS(n, k) code over GF(2^m): corrects t = (n - k) / 2 symbol errors per codeword.
struct ReedSolomon {
  int n = 0;
  int k = 0;
  int m = 0;
  int t() const { return (n - k) / 2; }
};

struct Fec {
  std::string name;    ///< config spelling: "none", "rs528", "rs544", "pcie6-flit"
  std::string title;   ///< "RS(544,514) (KP4)"
  /// Payload bits per line bit, (0, 1]: the code's parity and whatever line code the standard
  /// couples it with (e.g. 64b/66b -> 256b/257b transcoding), i.e. MAC rate / line rate.
  double efficiency = 1.0;
  std::string efficiency_source;
  /// The bit error ratio the lane must meet at the decoder input; 0 for "none" (the link's own
  /// target_ber then applies).
  double pre_fec_ber = 0.0;
  std::string requirement_source;
  std::optional<ReedSolomon> rs;  ///< the code, when it is a Reed-Solomon code
  /// Bits the decoder must hold before it can deliver the first corrected bit (one codeword or flit).
  double codeword_bits = 0.0;
  /// Decoder pipeline after the codeword is in [s] (an implementation figure).
  double decoder_latency_s = 0.0;
  std::string latency_source;

  /// Latency the FEC adds on a link whose lanes carry the codeword together at
  /// `aggregate_line_rate_bps` (lanes x lane rate): codeword_bits / rate + decoder_latency_s.
  /// 0 for "none". Throws std::invalid_argument for a rate <= 0.
  double latency_s(double aggregate_line_rate_bps) const;
};

/// The FEC named `name` (see fec_names()), or nullptr.
const Fec* find_fec(std::string_view name);
/// "none, rs528, rs544 or pcie6-flit", for error messages.
std::string allowed_fecs();
std::vector<std::string> fec_names();

/// Probability that an m-bit symbol holds at least one error at bit error ratio `ber`:
/// 1 - (1 - ber)^m (independent bit errors).
double rs_symbol_error_ratio(int m, double ber);
/// Probability that a codeword holds more than t symbol errors, i.e. that a bounded-distance decoder
/// cannot correct it: sum_{i>t} C(n,i) p_s^i (1-p_s)^(n-i), p_s the symbol error ratio (binomial
/// tail; independent symbol errors). Throws std::invalid_argument for ber outside [0, 0.5].
double rs_codeword_error_ratio(const ReedSolomon& code, double ber);
/// Bit error ratio after decoding: an uncorrectable codeword with i symbol errors keeps them, so the
/// output symbol error ratio is sum_{i>t} (i/n) C(n,i) p_s^i (1-p_s)^(n-i), and each errored symbol
/// carries ber m / p_s bit errors on average.
double rs_output_ber(const ReedSolomon& code, double ber);
/// The largest input bit error ratio whose output bit error ratio is at most `output_ber`
/// (rs_output_ber inverted by bisection on log ber, to 1e-9 relative). Throws std::invalid_argument
/// for output_ber outside (0, 0.01].
double rs_input_ber_for(const ReedSolomon& code, double output_ber);

}  // namespace phylane::channels
