#pragma once
/// Which ports of a 4-port Touchstone file are the thrus, read from the data: the check that a
/// `port_order` (config) or `--port-order` (check) matches the file, and what `phylane check` and
/// a Touchstone file given as a whole channel report and use. Documented in docs/sparams.md
/// ("Port order from the data"). Tested by tests/io/touchstone_ports_test.cpp.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "channels/network.hpp"
#include "channels/network_ops.hpp"

namespace phylane::io {

/// The three ways of splitting four ports into two thru lines.
enum class ThruPairs { p12_34, p13_24, p14_23 };
/// "12-34", "13-24", "14-23".
std::string_view to_string(ThruPairs p);
/// The channels::PortOrder of a pairing; std::nullopt for 14-23 (phylane takes 12-34 and 13-24).
std::optional<channels::PortOrder> port_order_of(ThruPairs p);

/// What the low-frequency data of a 4-port say about its thrus.
///
/// Method: a thru line passes nearly all of the signal at low frequency, where loss is small,
/// while the coupling between two lines (near or far end) is small there: at 10 MHz ... 1 GHz a
/// measured backplane has |S21| 0.9 ... 1 and |S31| below 0.2. For each pairing the two
/// transmissions it calls thrus (12-34: S21 and S43; 13-24: S31 and S42; 14-23: S41 and S32),
/// each the mean of |Sij| and |Sji|, are averaged over the frequencies up to `band_top_hz`
/// (1 GHz, or the file's first frequency when that is higher); the pairing's score is the smaller
/// of its two lines. The data show a pairing when its score is at least `min_thru` and at least
/// `min_ratio` times every other pairing's score; otherwise the data do not decide (a crosstalk
/// path, a file without thrus, or a channel too lossy at its first frequencies).
struct ThruPairing {
  std::array<double, 3> score{};                ///< per ThruPairs value (index = enum order), |S| (linear)
  std::array<std::array<double, 2>, 3> line{};  ///< the two lines' mean |S| per pairing
  double band_top_hz = 0.0;                     ///< the data averaged are at or below this frequency
  std::optional<ThruPairs> shown;               ///< the pairing the data show, when they decide

  /// "|S21| 0.895, |S43| 0.893 against |S31| 0.162, |S42| 0.160 (mean at or below 1 GHz)": the
  /// shown pairing's lines against `other`'s.
  std::string evidence(ThruPairs other) const;
};

inline constexpr double thru_band_top_hz = 1e9;  ///< top of the band the pairing is read from
inline constexpr double thru_min_score = 0.5;    ///< a thru passes at least -6 dB there
inline constexpr double thru_min_ratio = 3.0;    ///< and at least 9.5 dB more than any other pairing

/// Reads the thru pairing of a 4-port (ports as in the file). Throws std::invalid_argument for
/// another port count.
ThruPairing detect_thru_pairing(const channels::Network& se4);

/// What is wrong with using `order` on a file whose data show another pairing: "the data show
/// the thrus 1 -> 2 and 3 -> 4 (12-34): |S21| 0.895, ... against |S31| 0.162, ..." (the caller
/// adds the file, the key and the fix). Empty when they agree or the data do not decide.
std::string port_order_conflict(const ThruPairing& p, channels::PortOrder order);

}  // namespace phylane::io
