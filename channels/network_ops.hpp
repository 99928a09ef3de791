#pragma once
/// S-parameter algebra on channels::Network: port orders, renumbering, connection of two networks,
/// cascades of 2N-ports, mixed-mode (differential/common) conversion and chain (ABCD) matrices of
/// 2N-ports. Conventions and the equations' sources are collected in docs/sparams.md.
///
/// Every function takes and returns values (no I/O); preconditions throw std::invalid_argument
/// naming the parameter, the value and the rule. Tested by: tests/io/network_ops_test.cpp,
/// tests/io/skrf_reference_test.cpp (scikit-rf agreement), benchmarked by
/// tests/bench/network_bench.cpp.
#include <Eigen/Dense>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "channels/network.hpp"

namespace phylane::channels {

class CopperChannel;

/// How the four single-ended ports of a differential pair's 4-port are numbered.
///   pairs_12_34: line A is port 1 -> port 2, line B is port 3 -> port 4 (every 4-port file in
///                ../shared/data/touchstone and most measured channel files). Side 1 of the pair is
///                ports (1, 3), side 2 is (2, 4).
///   pairs_13_24: line A is port 1 -> port 3, line B is port 2 -> port 4 (scikit-rf's se2gmm
///                convention, and phylane's "inputs then outputs" convention for cascades). Side 1
///                is ports (1, 2), side 2 is (3, 4).
/// In both, line A is the positive (P) and line B the negative (N) line of the pair.
enum class PortOrder { pairs_12_34, pairs_13_24 };

/// "12-34" or "13-24".
std::string_view to_string(PortOrder o);
/// Parses "12-34", "13-24" (also "1234"/"1324" and the enumerator names); std::nullopt otherwise.
std::optional<PortOrder> parse_port_order(std::string_view text);
/// The accepted spellings for messages: "12-34, 13-24".
std::string_view port_order_names();

/// The network with its ports renumbered: new port i is old port order[i] (0-based), so
/// S'_ij = S_order[i],order[j] and z0'_i = z0_order[i]. `order` must be a permutation of
/// 0 .. ports-1. (scikit-rf's renumber(from, to) moves old port from[i] to new port to[i]; for a
/// swap of two ports both spellings agree.)
Network reorder_ports(const Network& net, std::span<const int> order);

/// A 4-port renumbered to the cascade convention (ports 1, 2 = inputs of lines A and B, ports
/// 3, 4 = their outputs), from either PortOrder. pairs_13_24 is already in that order (copy);
/// pairs_12_34 maps old ports (1, 3, 2, 4) to new ports (1, 2, 3, 4), scikit-rf's
/// renumber([0,1,2,3], [0,2,1,3]). The rvalue form renumbers in place, matrix by matrix, without
/// a second network (a measured 4-port is about 1 MB, and fresh memory is costly to touch).
Network to_inputs_outputs(Network&& se4, PortOrder order);
Network to_inputs_outputs(const Network& se4, PortOrder order);

/// Connects ports k .. k+num-1 of `a` to ports l .. l+num-1 of `b` (port k+i to port l+i),
/// scikit-rf's connect(a, k, b, l, num). The result has a.ports() + b.ports() - 2 num ports: the
/// unconnected ports of `a` in their order, then the unconnected ports of `b` in theirs, each
/// keeping its reference impedance. Unlike scikit-rf 0.15, no special renumbering is done when
/// `b` is a 2-port.
/// Reference impedances of joined ports may differ: b's joined ports are first renormalised
/// exactly to the impedances of the a-ports they meet (the power-wave change of reference,
/// see renormalize_matrix), which is what scikit-rf does by inserting an impedance step.
/// Method: connection-scattering matrix. With S = diag(Sa, Sb) split into external (e) and
/// internal (c) ports and the connection matrix C (b_c = C a_c, C swaps joined pairs),
///   S_result = S_ee + S_ec (C - S_cc)^-1 S_ce.
/// Source: the connection-scattering-matrix method, K. C. Gupta, R. Garg, R. Chadha,
/// Computer-Aided Design of Microwave Circuits, Artech House 1981; V. A. Monaco, P. Tiberio,
/// "Computer-aided analysis of microwave circuits", IEEE Trans. MTT-22(3), 1974.
/// Frequencies of a and b must be identical.
Network connect(const Network& a, int k, const Network& b, int l, int num = 1);

/// Cascade of two 2N-ports, `a` followed by `b`. Convention: ports 0 .. N-1 are a block's inputs
/// and ports N .. 2N-1 its outputs, port N+i being the far end of port i (for a 4-port, ports 1, 2
/// -> 3, 4: use to_inputs_outputs() on files numbered 1 -> 2, 3 -> 4). Output i of `a` meets
/// input i of `b`. The result keeps a's input and b's output references; where b's input
/// references differ from a's output references b is renormalised exactly first.
/// Method: Redheffer star product (no inversion of the transmission block, so blocks with zero
/// transmission, e.g. a series capacitor at DC, cascade correctly):
///   S11 = A11 + A12 (I - B11 A22)^-1 B11 A21,  S12 = A12 (I - B11 A22)^-1 B12,
///   S21 = B21 (I - A22 B11)^-1 A21,            S22 = B22 + B21 (I - A22 B11)^-1 A22 B12.
/// Source: R. Redheffer, "On the relation of transmission-line theory to scattering and transfer",
/// J. Math. Phys. 41, 1962 (the star product); Gupta et al. (above). Fixed-size
/// matrices for N = 1, 2 (no allocation per frequency); measured ~60x faster than scikit-rf for a
/// 4-block 4-port cascade at 10,000 frequencies (tests/bench/network_bench.cpp).
Network cascade(const Network& a, const Network& b);
/// Cascade of several 2N-ports in order (at least one), in one pass over the frequencies.
Network cascade(std::span<const Network> blocks);

/// Cascade of several 2N-ports through their chain matrices: every block to ABCD (s_to_abcd),
/// the product, and back (abcd_to_s) with the first block's input and the last block's output
/// references. Reference-free in between, so mismatched references need no renormalisation.
/// Requires every block's transmission block S21 (outputs <- inputs) to be invertible at every
/// frequency (true for thru channels; false e.g. for a series capacitor at DC): throws
/// std::invalid_argument naming the block and frequency otherwise. Fixed-size for N = 1, 2.
/// Precision: chain matrices of lossy blocks grow as 1/|S21|, and converting the product back
/// cancels large terms, so the absolute error is ~1e-16 / |S21|^2 (measured: 1e-15 at |S21| = 3e-2,
/// 1e-9 at |S21| = 1e-4 for the IEEE 802.3ap B1 -> B12 cascade). Prefer cascade() for channels with
/// more than ~60 dB of loss in band. Speed: about 2x slower than cascade() for 4-ports (each block
/// is converted to and from ABCD; tests/bench/network_bench.cpp); it exists as the independent
/// second method for the same cascade and for work that starts from chain matrices.
Network cascade_abcd(std::span<const Network> blocks);

/// Mixed-mode S-parameters of a single-ended 4-port, in port order [D1, D2, C1, C2]
/// (differential side 1, differential side 2, common side 1, common side 2), line A being the
/// positive line (see PortOrder). With waves a_d = (a_P - a_N)/sqrt2, a_c = (a_P + a_N)/sqrt2,
///   S_mm = M S_p M^T,  M = (1/sqrt2) [[1,-1,0,0],[0,0,1,-1],[1,1,0,0],[0,0,1,1]],
/// S_p being S with ports ordered (P1, N1, P2, N2). References: 2 z0 (differential) and z0/2
/// (common) of each side, z0 being the side's single-ended reference; the two lines of a side
/// must share one reference (renormalize first otherwise; throws std::invalid_argument).
/// Source: D. E. Bockelman, W. R. Eisenstadt, "Combined differential and common-mode scattering
/// parameters: theory and simulation", IEEE Trans. MTT-43(7), 1995 (the mode transformation M and
/// the references 2 z0, z0/2); equal to the
/// generalised form of A. Ferrero, M. Pirola, IEEE Trans. MTT-54(1), 2006 (scikit-rf's se2gmm)
/// for these references.
Network to_mixed_mode(const Network& se4, PortOrder order);
/// The inverse: single-ended 4-port in `order` from a mixed-mode 4-port [D1, D2, C1, C2]. The
/// single-ended reference of side s is zd_s / 2; a common-mode reference other than zd_s / 4 is
/// renormalised to it first (exactly), so any real mixed-mode references are accepted.
Network from_mixed_mode(const Network& mm4, PortOrder order);
/// SDD21 of a single-ended 4-port (differential insertion, side 1 -> side 2) over all frequencies:
/// (S_P2P1 - S_P2N1 - S_N2P1 + S_N2N1) / 2.
std::vector<cplx> sdd21(const Network& se4, PortOrder order);

/// Chain (ABCD) matrix of a 2N-port with real references z0 (inputs 0..N-1, outputs N..2N-1):
///   [V1; I1] = [A B; C D] [V2; I2],  I1 into the input ports, I2 out of the output ports,
/// so a cascade is a matrix product. From the wave transfer matrix (a1, b1) = T (a2, b2),
///   T = [[-S21^-1 S22, S21^-1], [S12 - S11 S21^-1 S22, S11 S21^-1]],
/// and V = R (a + b), I = R^-1 (a - b), R = diag(sqrt z0) (power waves):
///   ABCD = [[R1, R1], [R1^-1, -R1^-1]] T (1/2) [[R2^-1, -R2], [R2^-1, R2]].
/// For N = 1 this is Frickey's Table I S->ABCD for real references. Sources: D. A. Frickey,
/// IEEE Trans. MTT-42(2), 1994, Table I; Pozar, Microwave Engineering 4th ed., sec. 4.4 (ABCD),
/// sec. 4.3 (power waves). Requires S21 (N x N) invertible: throws std::invalid_argument when its
/// condition number (estimated ||S21||_F ||S21^-1||_F) exceeds 1e13; abcd_to_s likewise for T12.
Eigen::Matrix2cd s_to_abcd(const Eigen::Matrix2cd& s, double z1_ohm, double z2_ohm);
Eigen::Matrix2cd abcd_to_s(const Eigen::Matrix2cd& abcd, double z1_ohm, double z2_ohm);
Eigen::Matrix4cd s_to_abcd(const Eigen::Matrix4cd& s, const std::array<double, 4>& z0_ohm);
Eigen::Matrix4cd abcd_to_s(const Eigen::Matrix4cd& abcd, const std::array<double, 4>& z0_ohm);
/// Any even size 2N (dynamic).
Eigen::MatrixXcd s_to_abcd(const Eigen::MatrixXcd& s, const std::vector<double>& z0_ohm);
Eigen::MatrixXcd abcd_to_s(const Eigen::MatrixXcd& abcd, const std::vector<double>& z0_ohm);

/// Change of real reference impedances of one S-matrix without going through Z (which does not
/// exist for a thru or a lossless line at a multiple of a half wavelength): with
/// G = diag((z_new - z_old)/(z_new + z_old)) and K = diag((z_old + z_new)/(2 sqrt(z_old z_new))),
///   S' = K (S - G) (I - G S)^-1 K^-1.
/// Derived from the power-wave definitions a = (V + z I)/(2 sqrt z), b = (V - z I)/(2 sqrt z):
/// a' = k (a - g b), b' = k (b - g a). Source: K. Kurokawa, "Power waves and the scattering
/// matrix", IEEE Trans. MTT-13(2), 1965 (power waves, change of reference); Pozar 4th ed. sec. 4.3. (I - G S) is invertible for every passive S since |g| < 1.
Eigen::MatrixXcd renormalize_matrix(const Eigen::MatrixXcd& s, const std::vector<double>& z_old,
                                    const std::vector<double>& z_new);

/// The 2-port S-parameters of a copper channel on a grid (driver = port 1, receiver = port 2,
/// referenced to the channel's driver and receiver impedances), from CopperChannel::s_params.
Network network_from_channel(const CopperChannel& channel, std::span<const double> freq_hz);

}  // namespace phylane::channels
