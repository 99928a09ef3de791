#pragma once
/// From per-lane data rate to system figures: link bandwidth after line coding, FEC and protocol
/// overheads, and the time of collective operations (all-reduce, reduce-scatter, all-gather) by
/// the alpha-beta model. Convention: 1 GB = 1e9 bytes, rates in bit/s, bandwidths in byte/s,
/// per direction.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phylane::solvers {

/// A named overhead: the fraction of line bits that carry payload.
struct Encoding {
  std::string name;
  double efficiency = 1.0;  ///< (0, 1]
  std::string source;
};

/// Built-in encodings (each with its source): "none", "8b10b", "128b130b" (PCIe 3.0-5.0),
/// "pcie6-flit" (PCIe 6.0 FLIT mode), "64b66b", "rs528" (Ethernet RS(528,514) with 64b/66b ->
/// 256b/257b transcoding), "rs544" (RS(544,514), 802.3bs/cd/ck). std::nullopt for unknown names.
std::optional<Encoding> encoding(std::string_view name);
std::vector<std::string> encoding_names();

/// Payload bandwidth of a link per direction [byte/s] = lanes x rate x efficiency / 8.
double link_bandwidth_bytes_per_s(int lanes, double lane_rate_bps, double efficiency);

enum class Collective { all_reduce, reduce_scatter, all_gather };
enum class Algorithm { ring, tree };
std::string_view to_string(Collective c);
std::string_view to_string(Algorithm a);
std::optional<Collective> parse_collective(std::string_view s);
std::optional<Algorithm> parse_algorithm(std::string_view s);

/// Time of a collective on n devices moving S bytes per device over links of bandwidth B
/// [byte/s] with per-hop latency alpha [s] (alpha-beta model, R. Thakur, R. Rabenseifner,
/// W. Gropp, "Optimization of collective communication operations in MPICH", IJHPCA 19(1), 2005;
/// data multipliers as NCCL defines bus bandwidth, NVIDIA nccl-tests doc/PERFORMANCE.md):
///   ring all-reduce:     2 (n-1) alpha + 2 (n-1)/n S/B
///   ring reduce-scatter / all-gather: (n-1) alpha + (n-1)/n S/B
///   tree all-reduce:     2 ceil(log2 n) alpha + 2 (n-1)/n S/B (a pipelined double binary tree is
///                        bandwidth-optimal for large messages, reaching the same bus factor; its
///                        latency term grows with depth instead of n: S. Jeaugey, "Massively scale
///                        your deep learning training with NCCL 2.4", NVIDIA blog 2019).
/// n >= 1 (n = 1 takes no time). Tested by: tests/solvers/throughput_test.cpp.
double collective_time_s(Collective c, Algorithm a, int n, double bytes, double bandwidth_bytes_per_s,
                         double alpha_s);

/// The NCCL "bus bandwidth" factor of a collective: 2(n-1)/n for all-reduce, (n-1)/n otherwise.
double bus_factor(Collective c, int n);

/// Data-parallel gradient synchronisation per training step: all-reduce of P parameters of
/// b bytes each across n devices. Returns the time [s].
double gradient_sync_time_s(double parameters, double bytes_per_parameter, int n, Algorithm a,
                            double bandwidth_bytes_per_s, double alpha_s);

/// Energy to move `bytes` over links at `energy_per_bit_j` [J] (payload bits x 8 / efficiency).
double transfer_energy_j(double bytes, double efficiency, double energy_per_bit_j);

}  // namespace phylane::solvers
