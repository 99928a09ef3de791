#pragma once
/// A channel of mixed blocks, in order from driver to receiver: modelled trace segments,
/// Touchstone networks (connectors, packages, cables, whole measured routes) and element blocks
/// (vias, AC capacitors, lumped parts). Blocks are composed as S-parameter networks (star product,
/// channels/network_ops.hpp), so reflections between them and, for differential channels, mode
/// conversion inside Touchstone blocks are kept.
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "channels/copper_channel.hpp"
#include "channels/elements.hpp"
#include "channels/network.hpp"
#include "channels/resample.hpp"

namespace phylane::channels {

/// A measured or simulated network to be evaluated on any frequency grid: resampled inside its
/// data (channels/resample.hpp), extrapolated to DC below it, and continued with the main path's
/// phase slope and a raised-cosine taper above it (passive by construction; docs/sparams.md).
class NetworkSource {
 public:
  /// `net` is 2-port (single-ended) or 4-port; for 4-ports, `inputs_outputs` means ports (0, 1) are
  /// the inputs and (2, 3) the outputs (convert with to_inputs_outputs first).
  /// `options`: the band limit's (its executor prepares the terms side by side).
  explicit NetworkSource(Network net, const BandLimitOptions& options = {});
  const Network& data() const { return data_; }
  /// Every S_ij is exactly 0 above this frequency [Hz] (the end of the band-limit taper).
  double zero_above_hz() const { return band_limited_.zero_above_hz(); }
  /// The network on `freq_hz` (any non-negative frequencies), references as in the data.
  Network evaluate(std::span<const double> freq_hz) const;

 private:
  Network data_;
  BandLimitedNetwork band_limited_;  // DC point, splines and taper, prepared once
};

struct ChannelBlock {
  std::string name;
  std::string kind;  ///< "trace", "touchstone", "via", "capacitor", "lumped", ...
  /// Modelled trace (differential channels: the differential-mode line and, alongside, the
  /// common-mode line of the same pair).
  std::optional<TraceSegment> trace;
  std::optional<TraceSegment> trace_common;
  /// Everything else: a network on any grid (2-port single-ended, or 4-port in inputs-outputs
  /// order), referenced to the impedances it reports.
  std::function<Network(std::span<const double>)> network;
  /// Or, in a differential channel, a symmetric pair block given by its mode circuits (a via pair,
  /// the same element on both lines): the grid and whether the common mode is needed.
  std::function<ModeNetworks(std::span<const double>, bool with_common)> modes;
  /// The block transmits nothing above this frequency [Hz] (a Touchstone block beyond its data's
  /// band-limit taper: all of S is 0), so neither does the channel; +inf: no such limit.
  double zero_above_hz = std::numeric_limits<double>::infinity();
};

class ComposedChannel {
 public:
  /// differential: every block is a 4-port (traces from their two mode lines); single-ended:
  /// 2-ports. driver_ohm and receiver_ohm are the mode's termination (differential: between the
  /// lines). Throws std::invalid_argument for an empty list or a block of the wrong kind.
  ComposedChannel(bool differential, std::vector<ChannelBlock> blocks, double driver_ohm, double receiver_ohm);

  bool differential() const { return differential_; }
  double driver_ohm() const { return driver_ohm_; }
  double receiver_ohm() const { return receiver_ohm_; }
  const std::vector<ChannelBlock>& blocks() const { return blocks_; }

  /// The composed single-ended network: a 2-port, or a 4-port in inputs-outputs order, with every
  /// port referenced to half the differential termination (or to the terminations for 2-ports).
  Network network(std::span<const double> freq_hz) const;
  /// Above this frequency [Hz] the channel transmits nothing (the smallest block zero_above_hz).
  double zero_above_hz() const;
  /// The channel between its terminations: a 2-port referenced to (driver, receiver), or for a
  /// differential channel the mixed-mode 4-port [D1, D2, C1, C2] (to_mixed_mode) with the
  /// differential ports referenced to the driver and receiver and the common-mode ports to a
  /// quarter of the driver's termination (the internal reference z0 / 2).
  Network terminated(std::span<const double> freq_hz) const;
  /// S21 or SDD21 between the driver and the receiver, referenced to their impedances (exactly 0
  /// above zero_above_hz(), where the blocks are not evaluated). In a differential channel a run
  /// of blocks that convert no mode (traces, via pairs, per-line elements) is composed as two
  /// 2-port chains, one per mode, and a channel of such blocks only as its differential chain:
  /// the mixed-mode S-matrix of each is block-diagonal, so is their star product, and the result
  /// equals the single-ended 4-port composition (network()) to rounding.
  std::vector<cplx> transfer(std::span<const double> freq_hz) const;
  /// The same for one block alone between matched references (for a loss breakdown).
  std::vector<cplx> block_transfer(std::size_t index, std::span<const double> freq_hz) const;

 private:
  Network block_network(const ChannelBlock& b, std::span<const double> freq_hz) const;
  bool mode_pure(const ChannelBlock& b) const { return differential_ && (b.trace || b.modes); }
  ModeNetworks block_modes(const ChannelBlock& b, std::span<const double> freq_hz, bool with_common) const;
  /// terminated() of a composed single-ended network.
  Network terminate(const Network& composed) const;
  /// SDD21 or S21 of one chunk of frequencies (transfer()).
  struct ChainWork;
  void transfer_chunk(std::span<const double> freq_hz, std::span<cplx> out, ChainWork& work) const;
  /// A chain of 2-ports (the single-ended channel, or the differential circuits of a channel of
  /// mode-pure blocks) composed per frequency in place: the blocks' S-parameters on the chunk, one
  /// star product per block and frequency, and the termination of the ends.
  void transfer_two_port_chain(std::span<const double> freq_hz, std::span<cplx> out, ChainWork& work) const;

  /// Trace blocks grouped so that alike ones are evaluated once per frequency: lines that
  /// TransmissionLine::same_line() share at(), lines of the same materials share inputs(), and
  /// segments of one line with the same length share their S-parameters.
  struct TraceGroups {
    std::vector<std::size_t> material_leader;  ///< per material set: a block index
    std::vector<std::size_t> line_leader;      ///< per distinct line: a block index
    std::vector<std::size_t> line_material;    ///< per distinct line: its material set
    std::vector<std::size_t> section_line;     ///< per distinct (line, length): its line
    std::vector<double> section_length_m;
    std::vector<std::size_t> block_section;    ///< per block: its section, or npos (not a trace)
  };
  /// common: the blocks' common-mode lines (trace_common) instead of their main lines (trace).
  static TraceGroups group_traces(const std::vector<ChannelBlock>& blocks, bool common);
  bool differential_;
  std::vector<ChannelBlock> blocks_;
  double driver_ohm_, receiver_ohm_;
  TraceGroups traces_;
};

}  // namespace phylane::channels
