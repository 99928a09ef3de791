#include "channels/network_ops.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "channels/copper_channel.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

constexpr int twice(int n) { return n == Eigen::Dynamic ? Eigen::Dynamic : 2 * n; }
template <int N>
using Block = Eigen::Matrix<cplx, N, N>;  // one N x N block of a 2N-port
template <int N>
using Full = Eigen::Matrix<cplx, twice(N), twice(N)>;  // the whole 2N x 2N matrix
template <int N>
using RealDiag = Eigen::Matrix<double, N, 1>;

// Block (i, j) of a 2N x 2N matrix: compile-time sized for fixed N (unrolled, no size checks),
// runtime sized for N = Dynamic.
template <int N, typename M>
auto blk(M&& m, Eigen::Index i, Eigen::Index j, Eigen::Index n) {
  if constexpr (N == Eigen::Dynamic)
    return m.block(i, j, n, n);
  else
    return m.template block<N, N>(i, j);
}

void require_same_grid(const Network& a, const Network& b, const char* what) {
  if (a.freq_hz() != b.freq_hz())
    throw std::invalid_argument(std::string(what) + ": the networks' frequency grids differ (" +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                " points); resample one onto the other's grid first");
}

bool same_z(double x, double y) { return std::abs(x - y) <= 1e-12 * std::max(std::abs(x), std::abs(y)); }

// Reads the S-matrix at index k as a fixed-size (P = 2, 4) or dynamic matrix.
template <int P>
Eigen::Matrix<cplx, P, P> load(const Network& n, std::size_t k) {
  if constexpr (P == Eigen::Dynamic)
    return n.s(k);
  else
    return Eigen::Map<const Eigen::Matrix<cplx, P, P>>(n.s(k).data());
}
template <int P, typename M>
void store(Network& n, std::size_t k, const M& m) {
  if constexpr (P == Eigen::Dynamic)
    n.s(k) = m;
  else
    Eigen::Map<Eigen::Matrix<cplx, P, P>>(n.s(k).data()) = m;
}

// Change of reference (see renormalize_matrix in the header): S' = K (S - G) (I - G S)^-1 K^-1,
// with g, kk the diagonals. A X^-1 is computed as (X^-T A^T)^T, one LU and no explicit inverse.
template <typename M, typename V>
M renorm(const M& s, const V& g, const V& kk) {
  const auto n = s.rows();
  M x = -(g.template cast<cplx>().asDiagonal() * s);
  x.diagonal().array() += 1.0;
  M num = s;
  num.diagonal() -= g.template cast<cplx>();
  const M y = x.transpose().partialPivLu().solve(num.transpose()).transpose();
  M out(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) out(i, j) = y(i, j) * (kk(i) / kk(j));
  return out;
}

void renorm_factors(double z_old, double z_new, double& g, double& kk) {
  g = (z_new - z_old) / (z_new + z_old);
  kk = (z_old + z_new) / (2.0 * std::sqrt(z_old * z_new));
}

// Inverse of a block: closed form (adjugate over determinant) for 1x1 and 2x2, which needs no
// pivot search (|z| of a complex pivot costs a hypot call each) and for the (I - B11 A22) of
// passive blocks is well conditioned (eigenvalues of B11 A22 inside the unit disc); LU otherwise.
template <int N>
Block<N> inverse(const Block<N>& m) {
  if constexpr (N == 1 || N == 2)
    return m.inverse();
  else
    return m.partialPivLu().inverse();
}

// Inverse of a block that may be singular (a transmission block): throws when its condition
// number, estimated as ||M||_F ||M^-1||_F (>= the 2-norm condition number), exceeds 1e13, where
// the inverse carries no correct digit worth having.
template <int N>
bool checked_inverse(const Block<N>& m, Block<N>& inv) {
  inv = inverse<N>(m);
  const double cond = m.norm() * inv.norm();
  return std::isfinite(cond) && cond < 1e13;
}

// ---- chain matrices -------------------------------------------------------------------------

template <int N>
Full<N> s_to_abcd_t(const Full<N>& s, const double* z0, Eigen::Index n) {
  const Block<N> s11 = blk<N>(s, 0, 0, n), s12 = blk<N>(s, 0, n, n);
  const Block<N> s21 = blk<N>(s, n, 0, n), s22 = blk<N>(s, n, n, n);
  Block<N> s21i;
  if (!checked_inverse<N>(s21, s21i))
    throw std::invalid_argument("s_to_abcd: the transmission block S21 is singular (no chain matrix; use the "
                                "S-parameter cascade)");
  const Block<N> t11 = -s21i * s22;
  const Block<N> t12 = s21i;
  const Block<N> t21 = s12 + s11 * t11;
  const Block<N> t22 = s11 * s21i;
  RealDiag<N> r1(n), r2(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    r1(i) = std::sqrt(z0[i]);
    r2(i) = std::sqrt(z0[n + i]);
  }
  const RealDiag<N> r1i = r1.cwiseInverse(), r2i = r2.cwiseInverse();
  Full<N> m(2 * n, 2 * n);
  // ABCD = [[R1, R1], [R1^-1, -R1^-1]] T (1/2) [[R2^-1, -R2], [R2^-1, R2]], block by block.
  blk<N>(m, 0, 0, n) = 0.5 * r1.asDiagonal() * (t11 + t21 + t12 + t22) * r2i.asDiagonal();
  blk<N>(m, 0, n, n) = 0.5 * r1.asDiagonal() * (t12 + t22 - t11 - t21) * r2.asDiagonal();
  blk<N>(m, n, 0, n) = 0.5 * r1i.asDiagonal() * (t11 - t21 + t12 - t22) * r2i.asDiagonal();
  blk<N>(m, n, n, n) = 0.5 * r1i.asDiagonal() * (t12 - t22 - t11 + t21) * r2.asDiagonal();
  return m;
}

template <int N>
Full<N> abcd_to_s_t(const Full<N>& m, const double* z0, Eigen::Index n) {
  RealDiag<N> r1(n), r2(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    r1(i) = std::sqrt(z0[i]);
    r2(i) = std::sqrt(z0[n + i]);
  }
  const RealDiag<N> r1i = r1.cwiseInverse(), r2i = r2.cwiseInverse();
  const Block<N> a = blk<N>(m, 0, 0, n), b = blk<N>(m, 0, n, n);
  const Block<N> c = blk<N>(m, n, 0, n), d = blk<N>(m, n, n, n);
  // T = [[R1^-1, R1], [R1^-1, -R1]]/2 [A B; C D] [[R2, R2], [-R2^-1, R2^-1]].
  const Block<N> x1 = r1i.asDiagonal() * a + r1.asDiagonal() * c;
  const Block<N> y1 = r1i.asDiagonal() * b + r1.asDiagonal() * d;
  const Block<N> x2 = r1i.asDiagonal() * a - r1.asDiagonal() * c;
  const Block<N> y2 = r1i.asDiagonal() * b - r1.asDiagonal() * d;
  const Block<N> t11 = 0.5 * (x1 * r2.asDiagonal() - y1 * r2i.asDiagonal());
  const Block<N> t12 = 0.5 * (x1 * r2.asDiagonal() + y1 * r2i.asDiagonal());
  const Block<N> t21 = 0.5 * (x2 * r2.asDiagonal() - y2 * r2i.asDiagonal());
  const Block<N> t22 = 0.5 * (x2 * r2.asDiagonal() + y2 * r2i.asDiagonal());
  Block<N> t12i;
  if (!checked_inverse<N>(t12, t12i))
    throw std::invalid_argument("abcd_to_s: the chain matrix has no S-parameters (T12 singular)");
  Full<N> s(2 * n, 2 * n);
  blk<N>(s, n, 0, n) = t12i;
  blk<N>(s, n, n, n) = -t12i * t11;
  blk<N>(s, 0, 0, n) = t22 * t12i;
  blk<N>(s, 0, n, n) = t21 - t22 * t12i * t11;
  return s;
}

// ---- cascade --------------------------------------------------------------------------------

// Star product of two 2N-ports referenced alike at the junction. With X = (I - B11 A22)^-1 and
// (I - A22 B11)^-1 = I + A22 X B11 (push-through identity), one inverse per junction.
template <int N>
Full<N> star(const Full<N>& sa, const Full<N>& sb, Eigen::Index n) {
  const Block<N> a11 = blk<N>(sa, 0, 0, n), a12 = blk<N>(sa, 0, n, n);
  const Block<N> a21 = blk<N>(sa, n, 0, n), a22 = blk<N>(sa, n, n, n);
  const Block<N> b11 = blk<N>(sb, 0, 0, n), b12 = blk<N>(sb, 0, n, n);
  const Block<N> b21 = blk<N>(sb, n, 0, n), b22 = blk<N>(sb, n, n, n);
  const Block<N> id = Block<N>::Identity(n, n);
  const Block<N> x = inverse<N>(id - b11 * a22);
  const Block<N> xb11 = x * b11;
  const Block<N> y = id + a22 * xb11;  // (I - A22 B11)^-1
  const Block<N> b21y = b21 * y;
  Full<N> s(2 * n, 2 * n);
  blk<N>(s, 0, 0, n) = a11 + a12 * (xb11 * a21);
  blk<N>(s, 0, n, n) = a12 * (x * b12);
  blk<N>(s, n, 0, n) = b21y * a21;
  blk<N>(s, n, n, n) = b22 + (b21y * a22) * b12;
  return s;
}

void require_2n_port(const Network& n, const char* what) {
  if (n.ports() % 2 != 0)
    throw std::invalid_argument(std::string(what) + ": a block has " + std::to_string(n.ports()) +
                                " ports; cascades need 2N ports (inputs 1..N, outputs N+1..2N)");
}

// The star product of 4-ports (N = 2) written out on 2x2 blocks of scalars: the hot path of
// cascades of differential channels. Same formulas as star<N>; Eigen's generic small-matrix
// kernels are not inlined by GCC here, and this is about twice as fast
// (tests/bench/network_bench.cpp).
struct M2 {
  cplx a, b, c, d;  // [[a, b], [c, d]]
};
inline M2 operator*(const M2& x, const M2& y) {
  return {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c, x.c * y.b + x.d * y.d};
}
inline M2 operator+(const M2& x, const M2& y) { return {x.a + y.a, x.b + y.b, x.c + y.c, x.d + y.d}; }
inline M2 identity_minus(const M2& x) { return {1.0 - x.a, -x.b, -x.c, 1.0 - x.d}; }
inline M2 identity_plus(const M2& x) { return {1.0 + x.a, x.b, x.c, 1.0 + x.d}; }
inline M2 inverse2(const M2& x) {
  const cplx r = 1.0 / (x.a * x.d - x.b * x.c);
  return {x.d * r, -x.b * r, -x.c * r, x.a * r};
}
// Block (i, j) (0 or 1) of a column-major 4x4 matrix.
inline M2 get(const Eigen::Matrix4cd& m, int i, int j) {
  return {m(2 * i, 2 * j), m(2 * i, 2 * j + 1), m(2 * i + 1, 2 * j), m(2 * i + 1, 2 * j + 1)};
}
inline void put(Eigen::Matrix4cd& m, int i, int j, const M2& x) {
  m(2 * i, 2 * j) = x.a;
  m(2 * i, 2 * j + 1) = x.b;
  m(2 * i + 1, 2 * j) = x.c;
  m(2 * i + 1, 2 * j + 1) = x.d;
}
inline Eigen::Matrix4cd star4(const Eigen::Matrix4cd& sa, const Eigen::Matrix4cd& sb) {
  const M2 a11 = get(sa, 0, 0), a12 = get(sa, 0, 1), a21 = get(sa, 1, 0), a22 = get(sa, 1, 1);
  const M2 b11 = get(sb, 0, 0), b12 = get(sb, 0, 1), b21 = get(sb, 1, 0), b22 = get(sb, 1, 1);
  const M2 x = inverse2(identity_minus(b11 * a22));
  const M2 xb11 = x * b11;
  const M2 b21y = b21 * identity_plus(a22 * xb11);
  Eigen::Matrix4cd s;
  put(s, 0, 0, a11 + a12 * (xb11 * a21));
  put(s, 0, 1, a12 * (x * b12));
  put(s, 1, 0, b21y * a21);
  put(s, 1, 1, b22 + (b21y * a22) * b12);
  return s;
}

// The whole chain in one pass over the frequencies: per frequency the running product is kept
// in a fixed-size matrix (N = 1, 2), so nothing is allocated but the output.
template <int N>
Network cascade_t(const std::vector<const Network*>& blocks) {
  const Network& first = *blocks.front();
  const int p = first.ports();
  const Eigen::Index n = p / 2;
  std::vector<double> z0(first.z0_ohm().begin(), first.z0_ohm().begin() + n);
  z0.insert(z0.end(), blocks.back()->z0_ohm().begin() + n, blocks.back()->z0_ohm().end());
  Network out(first.freq_hz(), p, std::move(z0));
  // Block i's inputs are renormalised to block i-1's outputs where they differ.
  using Vec = Eigen::Matrix<double, twice(N), 1>;
  std::vector<Vec> g(blocks.size(), Vec::Zero(2 * n)), kk(blocks.size(), Vec::Ones(2 * n));
  std::vector<char> renormalise(blocks.size(), 0);
  for (std::size_t b = 1; b < blocks.size(); ++b)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double zo = blocks[b]->z0_ohm()[static_cast<std::size_t>(i)];
      const double zn = blocks[b - 1]->z0_ohm()[static_cast<std::size_t>(n + i)];
      if (!same_z(zo, zn)) {
        renorm_factors(zo, zn, g[b](i), kk[b](i));
        renormalise[b] = 1;
      }
    }
  for (std::size_t k = 0; k < out.size(); ++k) {
    Full<N> acc = load<twice(N)>(first, k);
    for (std::size_t b = 1; b < blocks.size(); ++b) {
      const Full<N> next = load<twice(N)>(*blocks[b], k);
      const Full<N>& rhs = renormalise[b] ? renorm(next, g[b], kk[b]) : next;
      if constexpr (N == 2)
        acc = star4(acc, rhs);
      else
        acc = star<N>(acc, rhs, n);
    }
    store<twice(N)>(out, k, acc);
  }
  return out;
}

template <int N>
Network cascade_abcd_t(std::span<const Network> blocks) {
  const Network& first = blocks.front();
  const Network& last = blocks.back();
  const int p = first.ports();
  const Eigen::Index n = p / 2;
  std::vector<double> z0(first.z0_ohm().begin(), first.z0_ohm().begin() + n);
  z0.insert(z0.end(), last.z0_ohm().begin() + n, last.z0_ohm().end());
  Network out(first.freq_hz(), p, z0);
  for (std::size_t k = 0; k < first.size(); ++k) {
    Full<N> chain = Full<N>::Identity(2 * n, 2 * n);
    for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
      try {
        chain = chain * s_to_abcd_t<N>(load<twice(N)>(blocks[bi], k), blocks[bi].z0_ohm().data(), n);
      } catch (const std::invalid_argument&) {
        throw std::invalid_argument("cascade_abcd: block " + std::to_string(bi) + " has a singular transmission block at " +
                                    phy::number_text(first.freq_hz()[k], 9) + " Hz (no chain matrix); use cascade()");
      }
    }
    store<twice(N)>(out, k, abcd_to_s_t<N>(chain, z0.data(), n));
  }
  return out;
}

// ---- mixed mode -----------------------------------------------------------------------------

// Single-ended ports in the order (P1, N1, P2, N2) for each PortOrder.
std::array<int, 4> pair_ports(PortOrder order) {
  return order == PortOrder::pairs_12_34 ? std::array<int, 4>{0, 2, 1, 3} : std::array<int, 4>{0, 1, 2, 3};
}

Eigen::Matrix4d mode_matrix() {
  const double h = 1.0 / std::sqrt(2.0);
  Eigen::Matrix4d m;
  m << h, -h, 0, 0,  //
      0, 0, h, -h,   //
      h, h, 0, 0,    //
      0, 0, h, h;
  return m;
}

void require_4_port(const Network& n, const char* what) {
  if (n.ports() != 4)
    throw std::invalid_argument(std::string(what) + ": needs a 4-port, got " + std::to_string(n.ports()) + " ports");
}

}  // namespace

// ---- port orders ------------------------------------------------------------------------------

std::string_view to_string(PortOrder o) { return o == PortOrder::pairs_12_34 ? "12-34" : "13-24"; }

std::optional<PortOrder> parse_port_order(std::string_view text) {
  if (text == "12-34" || text == "1234" || text == "pairs_12_34") return PortOrder::pairs_12_34;
  if (text == "13-24" || text == "1324" || text == "pairs_13_24") return PortOrder::pairs_13_24;
  return std::nullopt;
}

std::string_view port_order_names() { return "12-34, 13-24"; }

// ---- renumbering ------------------------------------------------------------------------------

Network reorder_ports(const Network& net, std::span<const int> order) {
  const int p = net.ports();
  if (static_cast<int>(order.size()) != p)
    throw std::invalid_argument("reorder_ports: order has " + std::to_string(order.size()) + " entries for " +
                                std::to_string(p) + " ports");
  std::vector<bool> seen(static_cast<std::size_t>(p), false);
  for (int o : order) {
    if (o < 0 || o >= p || seen[static_cast<std::size_t>(o)])
      throw std::invalid_argument("reorder_ports: order must be a permutation of 0.." + std::to_string(p - 1) +
                                  " (bad or repeated entry " + std::to_string(o) + ")");
    seen[static_cast<std::size_t>(o)] = true;
  }
  std::vector<double> z0(static_cast<std::size_t>(p));
  for (int i = 0; i < p; ++i) z0[static_cast<std::size_t>(i)] = net.z0_ohm()[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
  Network out(net.freq_hz(), p, std::move(z0));
  out.name = net.name;
  for (std::size_t k = 0; k < net.size(); ++k)
    for (int j = 0; j < p; ++j)
      for (int i = 0; i < p; ++i) out.s(k, i, j) = net.s(k, order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  return out;
}

Network to_inputs_outputs(Network&& se4, PortOrder order) {
  require_4_port(se4, "to_inputs_outputs");
  if (order == PortOrder::pairs_13_24) return std::move(se4);
  // New port i is old port perm[i]: S'_ij = S_perm[i],perm[j], z0'_i = z0_perm[i] (reorder_ports).
  constexpr std::array<int, 4> perm{0, 2, 1, 3};
  std::array<cplx, 16> old;
  for (std::size_t k = 0; k < se4.size(); ++k) {
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i) old[static_cast<std::size_t>(4 * j + i)] = se4.s(k, i, j);
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i)
        se4.s(k, i, j) = old[static_cast<std::size_t>(4 * perm[static_cast<std::size_t>(j)] + perm[static_cast<std::size_t>(i)])];
  }
  const std::vector<double> z0 = se4.z0_ohm();
  std::vector<double> z0_new(4);
  for (std::size_t i = 0; i < 4; ++i) z0_new[i] = z0[static_cast<std::size_t>(perm[i])];
  se4.set_z0_ohm(std::move(z0_new));
  return std::move(se4);
}

Network to_inputs_outputs(const Network& se4, PortOrder order) { return to_inputs_outputs(Network(se4), order); }

// ---- connection -------------------------------------------------------------------------------

Eigen::MatrixXcd renormalize_matrix(const Eigen::MatrixXcd& s, const std::vector<double>& z_old,
                                    const std::vector<double>& z_new) {
  const auto n = s.rows();
  if (s.cols() != n || static_cast<Eigen::Index>(z_old.size()) != n || static_cast<Eigen::Index>(z_new.size()) != n)
    throw std::invalid_argument("renormalize_matrix: S is " + std::to_string(s.rows()) + "x" + std::to_string(s.cols()) +
                                " with " + std::to_string(z_old.size()) + " old and " + std::to_string(z_new.size()) +
                                " new references");
  Eigen::VectorXd g(n), kk(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double zo = z_old[static_cast<std::size_t>(i)], zn = z_new[static_cast<std::size_t>(i)];
    if (!(zo > 0.0) || !(zn > 0.0) || !std::isfinite(zo) || !std::isfinite(zn))
      throw std::invalid_argument("renormalize_matrix: reference impedances must be finite and > 0 (port " +
                                  std::to_string(i + 1) + ": " + phy::number_text(zo, 9) + " -> " + phy::number_text(zn, 9) + " ohm)");
    renorm_factors(zo, zn, g(i), kk(i));
  }
  return renorm(Eigen::MatrixXcd(s), g, kk);
}

Network connect(const Network& a, int k, const Network& b, int l, int num) {
  const int na = a.ports(), nb = b.ports();
  if (num < 1) throw std::invalid_argument("connect: num = " + std::to_string(num) + " must be >= 1");
  if (k < 0 || k + num > na)
    throw std::invalid_argument("connect: ports k = " + std::to_string(k) + " .. " + std::to_string(k + num - 1) +
                                " are not all ports of network a (0.." + std::to_string(na - 1) + ")");
  if (l < 0 || l + num > nb)
    throw std::invalid_argument("connect: ports l = " + std::to_string(l) + " .. " + std::to_string(l + num - 1) +
                                " are not all ports of network b (0.." + std::to_string(nb - 1) + ")");
  const int m = na + nb - 2 * num;
  if (m < 1) throw std::invalid_argument("connect: joining every port leaves no external port");
  require_same_grid(a, b, "connect");

  std::vector<int> ext, in;
  std::vector<double> z0;
  for (int i = 0; i < na; ++i)
    if (i < k || i >= k + num) {
      ext.push_back(i);
      z0.push_back(a.z0_ohm()[static_cast<std::size_t>(i)]);
    }
  for (int i = 0; i < nb; ++i)
    if (i < l || i >= l + num) {
      ext.push_back(na + i);
      z0.push_back(b.z0_ohm()[static_cast<std::size_t>(i)]);
    }
  for (int i = 0; i < num; ++i) in.push_back(k + i);
  for (int i = 0; i < num; ++i) in.push_back(na + l + i);

  // b's joined ports take the references of the a-ports they meet.
  std::vector<double> zb_new = b.z0_ohm();
  bool renormalise = false;
  for (int i = 0; i < num; ++i) {
    const double za = a.z0_ohm()[static_cast<std::size_t>(k + i)];
    if (!same_z(za, zb_new[static_cast<std::size_t>(l + i)])) {
      zb_new[static_cast<std::size_t>(l + i)] = za;
      renormalise = true;
    }
  }

  const Eigen::Index c = 2 * num;
  Eigen::MatrixXcd conn = Eigen::MatrixXcd::Zero(c, c);  // b_c = C a_c: joined ports swap waves
  conn.topRightCorner(num, num).setIdentity();
  conn.bottomLeftCorner(num, num).setIdentity();

  Network out(a.freq_hz(), m, std::move(z0));
  Eigen::MatrixXcd s = Eigen::MatrixXcd::Zero(na + nb, na + nb);
  Eigen::PartialPivLU<Eigen::MatrixXcd> lu(c);
  for (std::size_t f = 0; f < a.size(); ++f) {
    s.topLeftCorner(na, na) = a.s(f);
    if (renormalise)
      s.bottomRightCorner(nb, nb) = renormalize_matrix(b.s(f), b.z0_ohm(), zb_new);
    else
      s.bottomRightCorner(nb, nb) = b.s(f);
    lu.compute(conn - s(in, in));
    out.s(f) = s(ext, ext) + s(ext, in) * lu.solve(s(in, ext));
  }
  return out;
}

namespace {

Network cascade_blocks(const std::vector<const Network*>& blocks) {
  if (blocks.empty()) throw std::invalid_argument("cascade: no blocks");
  const Network& first = *blocks.front();
  for (const Network* b : blocks) {
    require_2n_port(*b, "cascade");
    if (b->ports() != first.ports())
      throw std::invalid_argument("cascade: a " + std::to_string(first.ports()) + "-port cannot be followed by a " +
                                  std::to_string(b->ports()) + "-port");
    require_same_grid(first, *b, "cascade");
  }
  const int p = first.ports();
  Network out = p == 2 ? cascade_t<1>(blocks) : p == 4 ? cascade_t<2>(blocks) : cascade_t<Eigen::Dynamic>(blocks);
  out.name = first.name;
  for (std::size_t i = 1; i < blocks.size(); ++i) out.name += " -> " + blocks[i]->name;
  return out;
}

}  // namespace

Network cascade(const Network& a, const Network& b) { return cascade_blocks({&a, &b}); }

Network cascade(std::span<const Network> blocks) {
  std::vector<const Network*> p;
  for (const Network& b : blocks) p.push_back(&b);
  return cascade_blocks(p);
}

Network cascade_abcd(std::span<const Network> blocks) {
  if (blocks.empty()) throw std::invalid_argument("cascade_abcd: no blocks");
  for (const auto& b : blocks) {
    require_2n_port(b, "cascade_abcd");
    if (b.ports() != blocks.front().ports())
      throw std::invalid_argument("cascade_abcd: blocks have different port counts (" +
                                  std::to_string(blocks.front().ports()) + " and " + std::to_string(b.ports()) + ")");
    require_same_grid(blocks.front(), b, "cascade_abcd");
  }
  const int p = blocks.front().ports();
  return p == 2 ? cascade_abcd_t<1>(blocks) : p == 4 ? cascade_abcd_t<2>(blocks) : cascade_abcd_t<Eigen::Dynamic>(blocks);
}

// ---- chain matrices -------------------------------------------------------------------------

Eigen::Matrix2cd s_to_abcd(const Eigen::Matrix2cd& s, double z1_ohm, double z2_ohm) {
  const double z[2] = {z1_ohm, z2_ohm};
  return s_to_abcd_t<1>(s, z, 1);
}
Eigen::Matrix2cd abcd_to_s(const Eigen::Matrix2cd& abcd, double z1_ohm, double z2_ohm) {
  const double z[2] = {z1_ohm, z2_ohm};
  return abcd_to_s_t<1>(abcd, z, 1);
}
Eigen::Matrix4cd s_to_abcd(const Eigen::Matrix4cd& s, const std::array<double, 4>& z0_ohm) {
  return s_to_abcd_t<2>(s, z0_ohm.data(), 2);
}
Eigen::Matrix4cd abcd_to_s(const Eigen::Matrix4cd& abcd, const std::array<double, 4>& z0_ohm) {
  return abcd_to_s_t<2>(abcd, z0_ohm.data(), 2);
}
Eigen::MatrixXcd s_to_abcd(const Eigen::MatrixXcd& s, const std::vector<double>& z0_ohm) {
  if (s.rows() != s.cols() || s.rows() % 2 != 0 || static_cast<Eigen::Index>(z0_ohm.size()) != s.rows())
    throw std::invalid_argument("s_to_abcd: needs a square 2N x 2N matrix and 2N references");
  return s_to_abcd_t<Eigen::Dynamic>(s, z0_ohm.data(), s.rows() / 2);
}
Eigen::MatrixXcd abcd_to_s(const Eigen::MatrixXcd& abcd, const std::vector<double>& z0_ohm) {
  if (abcd.rows() != abcd.cols() || abcd.rows() % 2 != 0 || static_cast<Eigen::Index>(z0_ohm.size()) != abcd.rows())
    throw std::invalid_argument("abcd_to_s: needs a square 2N x 2N matrix and 2N references");
  return abcd_to_s_t<Eigen::Dynamic>(abcd, z0_ohm.data(), abcd.rows() / 2);
}

// ---- mixed mode -------------------------------------------------------------------------------

Network to_mixed_mode(const Network& se4, PortOrder order) {
  require_4_port(se4, "to_mixed_mode");
  const auto idx = pair_ports(order);
  const auto& z = se4.z0_ohm();
  for (int side = 0; side < 2; ++side) {
    const double zp = z[static_cast<std::size_t>(idx[2 * side])], zn = z[static_cast<std::size_t>(idx[2 * side + 1])];
    if (!same_z(zp, zn))
      throw std::invalid_argument("to_mixed_mode: the two lines of side " + std::to_string(side + 1) +
                                  " have different references (" + phy::number_text(zp, 9) + " and " + phy::number_text(zn, 9) +
                                  " ohm); renormalize them to one value first");
  }
  const double z1 = z[static_cast<std::size_t>(idx[0])], z2 = z[static_cast<std::size_t>(idx[2])];
  Network out(se4.freq_hz(), 4, {2.0 * z1, 2.0 * z2, 0.5 * z1, 0.5 * z2});
  out.name = se4.name;
  const Eigen::Matrix4d m = mode_matrix();
  for (std::size_t k = 0; k < se4.size(); ++k) {
    const auto s = load<4>(se4, k);
    Eigen::Matrix4cd sp;
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i) sp(i, j) = s(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
    store<4>(out, k, m * sp * m.transpose());
  }
  return out;
}

Network from_mixed_mode(const Network& mm4, PortOrder order) {
  require_4_port(mm4, "from_mixed_mode");
  const auto& zm = mm4.z0_ohm();
  const std::vector<double> target{zm[0], zm[1], zm[0] / 4.0, zm[1] / 4.0};
  bool renormalise = false;
  for (std::size_t i = 2; i < 4; ++i) renormalise = renormalise || !same_z(zm[i], target[i]);
  // Renormalised only when needed; otherwise read in place (a copy per block and chunk of a
  // composed channel's grid was a measurable share of composing it).
  Network renormalised;
  if (renormalise) renormalised = renormalize(mm4, target);
  const Network& src = renormalise ? renormalised : mm4;
  const auto idx = pair_ports(order);
  std::vector<double> z0(4);
  z0[static_cast<std::size_t>(idx[0])] = z0[static_cast<std::size_t>(idx[1])] = zm[0] / 2.0;
  z0[static_cast<std::size_t>(idx[2])] = z0[static_cast<std::size_t>(idx[3])] = zm[1] / 2.0;
  Network out(mm4.freq_hz(), 4, std::move(z0));
  out.name = mm4.name;
  const Eigen::Matrix4d m = mode_matrix();
  for (std::size_t k = 0; k < src.size(); ++k) {
    const Eigen::Matrix4cd sp = m.transpose() * load<4>(src, k) * m;
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i) out.s(k, idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]) = sp(i, j);
  }
  return out;
}

std::vector<cplx> sdd21(const Network& se4, PortOrder order) {
  require_4_port(se4, "sdd21");
  const auto idx = pair_ports(order);
  const int p1 = idx[0], n1 = idx[1], p2 = idx[2], n2 = idx[3];
  std::vector<cplx> out(se4.size());
  for (std::size_t k = 0; k < se4.size(); ++k)
    out[k] = 0.5 * (se4.s(k, p2, p1) - se4.s(k, p2, n1) - se4.s(k, n2, p1) + se4.s(k, n2, n1));
  return out;
}

// ---- from a modelled channel --------------------------------------------------------------------

Network network_from_channel(const CopperChannel& channel, std::span<const double> freq_hz) {
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {channel.driver_ohm(), channel.receiver_ohm()});
  out.name = "copper channel";
  for (std::size_t k = 0; k < out.size(); ++k) {
    const S2 s = channel.s_params(freq_hz[k]);
    out.s(k, 0, 0) = s.s11;
    out.s(k, 0, 1) = s.s12;
    out.s(k, 1, 0) = s.s21;
    out.s(k, 1, 1) = s.s22;
  }
  return out;
}

}  // namespace phylane::channels
