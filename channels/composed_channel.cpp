#include "channels/composed_channel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "channels/elements.hpp"
#include "channels/network_ops.hpp"
#include "channels/resample.hpp"

namespace phylane::channels {

namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// S-parameters of a trace segment of length_m from its line at one frequency, referenced to z_ref
// on both sides (at f = 0 the segment is its series resistance).
S2 trace_s(const phy::LinePoint& p, double length_m, double z_ref) {
  const Abcd m = p.freq_hz <= 0.0 ? Abcd::series(p.z_per_m * length_m) : Abcd::line(p.gamma, p.z0, length_m);
  S2 sp = to_s(m, z_ref, z_ref);
  sp.s12 = sp.s21;  // reciprocal
  return sp;
}

// A 2-port network of a trace segment on a grid, referenced to z_ref on both sides.
Network trace_network(const TraceSegment& s, std::span<const double> f, double z_ref) {
  Network n(std::vector<double>(f.begin(), f.end()), 2, {z_ref});
  for (std::size_t k = 0; k < f.size(); ++k) {
    const S2 sp = trace_s(s.line.at(f[k], false), s.length_m, z_ref);
    n.s(k, 0, 0) = sp.s11;
    n.s(k, 1, 0) = sp.s21;
    n.s(k, 0, 1) = sp.s12;
    n.s(k, 1, 1) = sp.s22;
  }
  return n;
}

}  // namespace

namespace {
const Network& checked_source(const Network& net) {
  if (net.ports() != 2 && net.ports() != 4)
    throw std::invalid_argument("network block: " + net.name + " has " + std::to_string(net.ports()) +
                                " ports; a channel block needs 2 (single-ended) or 4 (a pair)");
  if (net.size() < 2) throw std::invalid_argument("network block: " + net.name + " needs at least 2 frequencies");
  return net;
}
}  // namespace

NetworkSource::NetworkSource(Network net, const BandLimitOptions& options)
    : data_(std::move(net)), band_limited_(checked_source(data_), options) {}

Network NetworkSource::evaluate(std::span<const double> freq_hz) const { return band_limited_.evaluate(freq_hz); }

ComposedChannel::ComposedChannel(bool differential, std::vector<ChannelBlock> blocks, double driver_ohm,
                                 double receiver_ohm)
    : differential_(differential), blocks_(std::move(blocks)), driver_ohm_(driver_ohm), receiver_ohm_(receiver_ohm) {
  if (blocks_.empty()) throw std::invalid_argument("channel: no blocks");
  if (!(driver_ohm_ > 0.0 && receiver_ohm_ > 0.0)) throw std::invalid_argument("channel: terminations must be > 0");
  for (const auto& b : blocks_) {
    if (!b.trace && !b.network && !b.modes) throw std::invalid_argument("channel: block '" + b.name + "' is empty");
    if (b.modes && !differential_)
      throw std::invalid_argument("channel: block '" + b.name + "' is a pair (mode circuits) in a single-ended channel");
    if (b.trace && differential_ && !b.trace_common)
      throw std::invalid_argument("channel: differential trace block '" + b.name + "' needs its common-mode line");
  }
  traces_ = group_traces(blocks_, false);
}

ComposedChannel::TraceGroups ComposedChannel::group_traces(const std::vector<ChannelBlock>& blocks, bool common) {
  TraceGroups g;
  g.block_section.assign(blocks.size(), npos);
  auto segment = [&](std::size_t i) -> const std::optional<TraceSegment>& {
    return common ? blocks[i].trace_common : blocks[i].trace;
  };
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto& seg = segment(i);
    if (!seg) continue;
    std::size_t l = 0;
    while (l < g.line_leader.size() && !segment(g.line_leader[l])->line.same_line(seg->line)) ++l;
    if (l == g.line_leader.size()) {
      std::size_t m = 0;
      while (m < g.material_leader.size() && !segment(g.material_leader[m])->line.same_materials(seg->line)) ++m;
      if (m == g.material_leader.size()) g.material_leader.push_back(i);
      g.line_leader.push_back(i);
      g.line_material.push_back(m);
    }
    std::size_t sec = 0;
    while (sec < g.section_line.size() && !(g.section_line[sec] == l && g.section_length_m[sec] == seg->length_m)) ++sec;
    if (sec == g.section_line.size()) {
      g.section_line.push_back(l);
      g.section_length_m.push_back(seg->length_m);
    }
    g.block_section[i] = sec;
  }
  return g;
}

// Internal reference: half the driver's differential termination per line (differential), the
// driver's termination (single-ended). Blocks are renormalised to it; the ends are moved to the
// actual terminations at the end.
namespace {
double internal_reference(bool differential, double driver_ohm) { return differential ? 0.5 * driver_ohm : driver_ohm; }

Network referenced(Network n, double z) {
  if (std::all_of(n.z0_ohm().begin(), n.z0_ohm().end(), [z](double v) { return v == z; })) return n;
  return renormalize(n, {z});
}

Network chain(std::vector<Network>& nets) {
  return nets.size() == 1 ? std::move(nets.front()) : cascade(std::span<const Network>(nets));
}
}  // namespace

ModeNetworks ComposedChannel::block_modes(const ChannelBlock& b, std::span<const double> f, bool with_common) const {
  // Mode circuits: differential references 2 zref, common zref/2.
  const double zref = internal_reference(differential_, driver_ohm_);
  if (b.trace) {
    ModeNetworks m;
    m.differential = trace_network(*b.trace, f, 2.0 * zref);
    if (with_common) m.common = trace_network(*b.trace_common, f, 0.5 * zref);
    return m;
  }
  ModeNetworks m = b.modes(f, with_common);
  if (m.differential.ports() != 2 || (with_common && m.common.ports() != 2))
    throw std::invalid_argument("channel: block '" + b.name + "' must give a 2-port per mode");
  return m;
}

Network ComposedChannel::block_network(const ChannelBlock& b, std::span<const double> f) const {
  const double zref = internal_reference(differential_, driver_ohm_);
  if (b.trace && !differential_) return trace_network(*b.trace, f, zref);
  if (mode_pure(b)) {
    // from_modes builds the single-ended 4-port; pairs_13_24 puts it in inputs-outputs order.
    ModeNetworks m = block_modes(b, f, true);
    return from_modes(referenced(std::move(m.differential), 2.0 * zref), referenced(std::move(m.common), 0.5 * zref),
                      PortOrder::pairs_13_24);
  }
  Network n = b.network(f);
  const int want = differential_ ? 4 : 2;
  if (n.ports() != want)
    throw std::invalid_argument("channel: block '" + b.name + "' has " + std::to_string(n.ports()) + " ports; a " +
                                (differential_ ? "differential" : "single-ended") + " channel needs " +
                                std::to_string(want));
  // Already referenced to zref (e.g. a 50-ohm Touchstone block): renormalize would copy it unchanged.
  return referenced(std::move(n), zref);
}

Network ComposedChannel::network(std::span<const double> f) const {
  std::vector<Network> nets;
  nets.reserve(blocks_.size());
  for (const auto& b : blocks_) nets.push_back(block_network(b, f));
  Network out = nets.size() == 1 ? nets.front() : cascade(std::span<const Network>(nets));
  out.name = "composed channel";
  return out;
}

double ComposedChannel::zero_above_hz() const {
  double f = std::numeric_limits<double>::infinity();
  for (const auto& b : blocks_) f = std::min(f, b.zero_above_hz);
  return f;
}

Network ComposedChannel::terminated(std::span<const double> f) const { return terminate(network(f)); }

Network ComposedChannel::terminate(const Network& n) const {
  if (!differential_) return renormalize(n, {driver_ohm_, receiver_ohm_});
  // Mixed mode [D1, D2, C1, C2] (references 2 z0, z0/2), then the differential ports moved to the
  // driver and receiver terminations.
  const Network mm = to_mixed_mode(n, PortOrder::pairs_13_24);
  const auto z = mm.z0_ohm();
  return renormalize(mm, {driver_ohm_, receiver_ohm_, z[2], z[3]});
}

// Buffers of transfer_two_port_chain, kept across the chunks of one transfer() call.
struct ComposedChannel::ChainWork {
  std::vector<phy::LineInputs> inputs;  // per material set and frequency
  std::vector<phy::LinePoint> points;   // per distinct line and frequency
  std::vector<S2> sections;             // per distinct trace section and frequency
  std::vector<S2> block, acc;           // one element block's S, the running cascade
};

std::vector<cplx> ComposedChannel::transfer(std::span<const double> freq_hz) const {
  std::vector<cplx> h(freq_hz.size(), cplx(0.0, 0.0));
  // Only where some block transmits: above zero_above_hz a block's S is 0, so is the cascade's
  // transmission (the composition there would cost most of a pulse response's grid for zeros).
  const double limit = zero_above_hz();
  std::vector<double> band;
  std::vector<std::size_t> index;
  const bool all = std::all_of(freq_hz.begin(), freq_hz.end(), [limit](double x) { return x <= limit; });
  if (!all) {
    for (std::size_t k = 0; k < freq_hz.size(); ++k)
      if (freq_hz[k] <= limit) {
        band.push_back(freq_hz[k]);
        index.push_back(k);
      }
    if (band.empty()) return h;
  }
  const std::span<const double> f = all ? freq_hz : std::span<const double>(band);
  // In chunks of frequencies: every block's network, the cascade and the mixed-mode terms of a chunk
  // stay in cache and their buffers are reused by the allocator (a pulse response's grid of 10^4 to
  // 10^5 points composed at once would allocate and fault in hundreds of MB).
  constexpr std::size_t chunk = 256;
  std::vector<cplx> hc;
  ChainWork work;
  for (std::size_t k0 = 0; k0 < f.size(); k0 += chunk) {
    const std::span<const double> fc = f.subspan(k0, std::min(chunk, f.size() - k0));
    hc.resize(fc.size());
    transfer_chunk(fc, hc, work);
    for (std::size_t k = 0; k < fc.size(); ++k) {
      const std::size_t at = k0 + k;
      h[all ? at : index[at]] = hc[k];
    }
  }
  return h;
}

void ComposedChannel::transfer_two_port_chain(std::span<const double> f, std::span<cplx> out, ChainWork& w) const {
  const std::size_t n = f.size();
  // The chain's reference: the differential circuits' 2 zref (the driver's termination), or the
  // single-ended zref.
  const double zref = internal_reference(differential_, driver_ohm_);
  const double z = differential_ ? 2.0 * zref : zref;
  const TraceGroups& g = traces_;
  w.inputs.resize(g.material_leader.size() * n);
  for (std::size_t m = 0; m < g.material_leader.size(); ++m) {
    const phy::TransmissionLine& line = blocks_[g.material_leader[m]].trace->line;
    for (std::size_t k = 0; k < n; ++k) w.inputs[m * n + k] = line.inputs(f[k]);
  }
  w.points.resize(g.line_leader.size() * n);
  for (std::size_t l = 0; l < g.line_leader.size(); ++l) {
    const phy::TransmissionLine& line = blocks_[g.line_leader[l]].trace->line;
    const phy::LineInputs* in = w.inputs.data() + g.line_material[l] * n;
    for (std::size_t k = 0; k < n; ++k) w.points[l * n + k] = line.at(f[k], in[k], false);
  }
  w.sections.resize(g.section_line.size() * n);
  for (std::size_t sec = 0; sec < g.section_line.size(); ++sec) {
    const phy::LinePoint* p = w.points.data() + g.section_line[sec] * n;
    for (std::size_t k = 0; k < n; ++k) w.sections[sec * n + k] = trace_s(p[k], g.section_length_m[sec], z);
  }
  w.acc.resize(n);
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const ChannelBlock& b = blocks_[i];
    const S2* src = nullptr;
    if (g.block_section[i] != npos) {
      src = w.sections.data() + g.block_section[i] * n;
    } else {
      // Referenced to the chain's impedance at both ends (renormalised exactly when not): the
      // junction references of a cascade change nothing but rounding.
      const Network net = referenced(differential_ ? block_modes(b, f, false).differential : block_network(b, f), z);
      w.block.resize(n);
      for (std::size_t k = 0; k < n; ++k) w.block[k] = {net.s(k, 0, 0), net.s(k, 0, 1), net.s(k, 1, 0), net.s(k, 1, 1)};
      src = w.block.data();
    }
    if (i == 0)
      std::copy(src, src + n, w.acc.begin());
    else
      for (std::size_t k = 0; k < n; ++k) w.acc[k] = star(w.acc[k], src[k]);
  }
  if (driver_ohm_ == z && receiver_ohm_ == z) {
    for (std::size_t k = 0; k < n; ++k) out[k] = w.acc[k].s21;
    return;
  }
  Network r(std::vector<double>(f.begin(), f.end()), 2, {z});
  for (std::size_t k = 0; k < n; ++k) {
    r.s(k, 0, 0) = w.acc[k].s11;
    r.s(k, 0, 1) = w.acc[k].s12;
    r.s(k, 1, 0) = w.acc[k].s21;
    r.s(k, 1, 1) = w.acc[k].s22;
  }
  const Network t = renormalize(r, {driver_ohm_, receiver_ohm_});
  for (std::size_t k = 0; k < n; ++k) out[k] = t.s(k, 1, 0);
}

void ComposedChannel::transfer_chunk(std::span<const double> fc, std::span<cplx> out, ChainWork& work) const {
  // A single-ended channel, or a differential one whose blocks convert no mode (the differential
  // chain alone carries the signal): one chain of 2-ports.
  if (!differential_ ||
      std::all_of(blocks_.begin(), blocks_.end(), [this](const ChannelBlock& b) { return mode_pure(b); })) {
    transfer_two_port_chain(fc, out, work);
    return;
  }
  const double zref = internal_reference(differential_, driver_ohm_);
  // Runs of mode-pure blocks as one 4-port each (two 2-port chains), then the single-ended cascade
  // with the blocks that convert modes (Touchstone data).
  std::vector<Network> nets, dd, cc;
  auto close_run = [&] {
    if (dd.empty()) return;
    nets.push_back(from_modes(referenced(chain(dd), 2.0 * zref), referenced(chain(cc), 0.5 * zref),
                              PortOrder::pairs_13_24));
    dd.clear();
    cc.clear();
  };
  for (const auto& b : blocks_) {
    if (mode_pure(b)) {
      ModeNetworks m = block_modes(b, fc, true);
      dd.push_back(std::move(m.differential));
      cc.push_back(std::move(m.common));
    } else {
      close_run();
      nets.push_back(block_network(b, fc));
    }
  }
  close_run();
  const Network r = terminate(chain(nets));
  for (std::size_t k = 0; k < fc.size(); ++k) out[k] = r.s(k, 1, 0);
}

std::vector<cplx> ComposedChannel::block_transfer(std::size_t index, std::span<const double> f) const {
  const ChannelBlock& b = blocks_.at(index);
  std::vector<cplx> h(f.size());
  if (mode_pure(b)) {
    const double zref = internal_reference(differential_, driver_ohm_);
    const Network d = referenced(block_modes(b, f, false).differential, 2.0 * zref);
    for (std::size_t k = 0; k < f.size(); ++k) h[k] = d.s(k, 1, 0);
    return h;
  }
  const Network n = block_network(b, f);
  if (!differential_) {
    for (std::size_t k = 0; k < f.size(); ++k) h[k] = n.s(k, 1, 0);
    return h;
  }
  const Network mm = to_mixed_mode(n, PortOrder::pairs_13_24);
  for (std::size_t k = 0; k < f.size(); ++k) h[k] = mm.s(k, 1, 0);
  return h;
}

}  // namespace phylane::channels
