#include "solvers/throughput.hpp"

#include <cmath>
#include <stdexcept>

#include "phy/name_table.hpp"

namespace phylane::solvers {

namespace {
const std::vector<Encoding>& table() {
  static const std::vector<Encoding> t = {
      {"none", 1.0, "no coding overhead"},
      {"8b10b", 0.8, "IBM 8b/10b (Widmer & Franaszek 1983), PCIe 1.x/2.x"},
      {"128b130b", 128.0 / 130.0, "PCIe Base Specification 3.0-5.0, 128b/130b encoding"},
      // PCIe 6.0 FLIT: 256-byte flit with 236 bytes of TLP/DLLP payload, 8 bytes CRC, 6 bytes FEC,
      // 6 bytes DLP (PCI Express Base Specification 6.0, 2022, sec. 4.2.3.4): 236/256.
      {"pcie6-flit", 236.0 / 256.0, "PCIe Base Specification 6.0, FLIT mode (236 of 256 bytes)"},
      {"64b66b", 64.0 / 66.0, "IEEE 802.3 clause 49, 64b/66b"},
      // 802.3 RS-FEC lanes: the payload fraction is the MAC rate over the line rate of the PMD
      // (64b/66b, 256b/257b transcoding and RS parity together), e.g. 25.78125 Gb/s per lane for
      // 25 Gb/s MAC with RS(528,514) and 106.25 Gb/s (53.125 GBd PAM4) for 100 Gb/s with RS(544,514).
      {"rs528", 25.0 / 25.78125, "IEEE 802.3 clause 91 RS(528,514): 25.78125 Gb/s line for 25 Gb/s MAC"},
      {"rs544", 100.0 / 106.25, "IEEE 802.3 clause 119 RS(544,514): 106.25 Gb/s line for 100 Gb/s MAC"},
  };
  return t;
}
}  // namespace

std::optional<Encoding> encoding(std::string_view name) {
  for (const auto& e : table())
    if (e.name == name) return e;
  return std::nullopt;
}

std::vector<std::string> encoding_names() {
  std::vector<std::string> out;
  for (const auto& e : table()) out.push_back(e.name);
  return out;
}

double link_bandwidth_bytes_per_s(int lanes, double lane_rate_bps, double efficiency) {
  if (lanes < 1) throw std::invalid_argument("link bandwidth: lanes must be >= 1");
  if (!(lane_rate_bps > 0.0)) throw std::invalid_argument("link bandwidth: lane rate must be > 0");
  if (!(efficiency > 0.0 && efficiency <= 1.0)) throw std::invalid_argument("link bandwidth: efficiency must be in (0, 1]");
  return lanes * lane_rate_bps * efficiency / 8.0;
}

constexpr phy::EnumName<Collective> kCollectives[] = {
    {Collective::all_reduce, "all-reduce"}, {Collective::reduce_scatter, "reduce-scatter"},
    {Collective::all_gather, "all-gather"}};

std::string_view to_string(Collective c) { return phy::name_of(kCollectives, c); }
std::string_view to_string(Algorithm a) { return a == Algorithm::ring ? "ring" : "tree"; }
std::optional<Collective> parse_collective(std::string_view s) { return phy::value_named(kCollectives, s); }
std::optional<Algorithm> parse_algorithm(std::string_view s) {
  if (s == "ring") return Algorithm::ring;
  if (s == "tree") return Algorithm::tree;
  return std::nullopt;
}

double bus_factor(Collective c, int n) {
  if (n < 1) throw std::invalid_argument("collective: devices must be >= 1");
  const double f = static_cast<double>(n - 1) / n;
  return c == Collective::all_reduce ? 2.0 * f : f;
}

double collective_time_s(Collective c, Algorithm a, int n, double bytes, double bw, double alpha) {
  if (n < 1) throw std::invalid_argument("collective: devices must be >= 1");
  if (!(bytes >= 0.0)) throw std::invalid_argument("collective: bytes must be >= 0");
  if (!(bw > 0.0)) throw std::invalid_argument("collective: bandwidth must be > 0");
  if (!(alpha >= 0.0)) throw std::invalid_argument("collective: latency must be >= 0");
  if (n == 1) return 0.0;
  const double transfer = bus_factor(c, n) * bytes / bw;
  const double steps_ring = c == Collective::all_reduce ? 2.0 * (n - 1) : static_cast<double>(n - 1);
  if (a == Algorithm::ring) return steps_ring * alpha + transfer;
  const double depth = std::ceil(std::log2(static_cast<double>(n)));
  const double steps_tree = c == Collective::all_reduce ? 2.0 * depth : depth;
  return steps_tree * alpha + transfer;
}

double gradient_sync_time_s(double parameters, double bytes_per_parameter, int n, Algorithm a, double bw,
                            double alpha) {
  return collective_time_s(Collective::all_reduce, a, n, parameters * bytes_per_parameter, bw, alpha);
}

double transfer_energy_j(double bytes, double efficiency, double energy_per_bit_j) {
  return bytes * 8.0 / efficiency * energy_per_bit_j;
}

}  // namespace phylane::solvers
