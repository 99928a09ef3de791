#include "solvers/throughput.hpp"

#include <cmath>
#include <stdexcept>

#include "channels/fec.hpp"
#include "phy/name_table.hpp"

namespace phylane::solvers {

namespace {
const std::vector<Encoding>& table() {
  // The FECs' payload fractions (PCIe 6.0 FLIT, 802.3 RS(528,514) and RS(544,514)) are the FEC
  // table's (channels/fec.hpp), so a link's FEC and its encoding cannot disagree.
  auto fec = [](std::string_view name) {
    const channels::Fec& f = *channels::find_fec(name);
    return Encoding{f.name, f.efficiency, f.efficiency_source};
  };
  static const std::vector<Encoding> t = {
      {"none", 1.0, "no coding overhead"},
      {"8b10b", 0.8, "IBM 8b/10b (Widmer & Franaszek 1983), PCIe 1.x/2.x"},
      {"128b130b", 128.0 / 130.0, "PCIe Base Specification 3.0-5.0, 128b/130b encoding"},
      fec("pcie6-flit"),
      {"64b66b", 64.0 / 66.0, "IEEE 802.3 clause 49, 64b/66b"},
      fec("rs528"),
      fec("rs544"),
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
