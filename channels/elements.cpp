#include "channels/elements.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "phy/constants.hpp"
#include "phy/units.hpp"
#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

void require(bool ok, const char* what, const char* field, double value, const char* rule) {
  if (!ok) throw std::invalid_argument(std::string(what) + ": " + field + " = " + phy::number_text(value, 9) + " must be " + rule);
}

void require_freq(double f, const char* what) { require(f >= 0.0 && std::isfinite(f), what, "freq_hz", f, ">= 0"); }

void check_line(const IdealLine& l, const char* what) {
  require(l.z0_ohm > 0.0 && std::isfinite(l.z0_ohm), what, "z0_ohm", l.z0_ohm, "> 0");
  require(l.delay_s >= 0.0 && std::isfinite(l.delay_s), what, "delay_s", l.delay_s, ">= 0");
  require(l.loss_db_at_ref >= 0.0 && std::isfinite(l.loss_db_at_ref), what, "loss_db_at_ref", l.loss_db_at_ref, ">= 0");
  require(l.ref_freq_hz > 0.0 && std::isfinite(l.ref_freq_hz), what, "ref_freq_hz", l.ref_freq_hz, "> 0");
}

// gamma * length of an ideal section: alpha (1 + j) + j w tau (see IdealLine).
cplx gamma_l(const IdealLine& l, double f) {
  const double alpha = phy::units::db_to_nepers(l.loss_db_at_ref) * std::sqrt(f / l.ref_freq_hz);
  return {alpha, alpha + 2.0 * phy::pi * f * l.delay_s};
}

void check_via(const Via& v) {
  const char* w = "via";
  require(v.z0_ohm > 0.0 && std::isfinite(v.z0_ohm), w, "z0_ohm", v.z0_ohm, "> 0");
  require(v.delay_s_per_m > 0.0 && std::isfinite(v.delay_s_per_m), w, "delay_s_per_m", v.delay_s_per_m, "> 0");
  require(v.barrel_length_m >= 0.0 && std::isfinite(v.barrel_length_m), w, "barrel_length_m", v.barrel_length_m, ">= 0");
  require(v.stub_length_m >= 0.0 && std::isfinite(v.stub_length_m), w, "stub_length_m", v.stub_length_m, ">= 0");
  require(v.pad_capacitance_f >= 0.0 && std::isfinite(v.pad_capacitance_f), w, "pad_capacitance_f", v.pad_capacitance_f, ">= 0");
  require(v.stub_end_capacitance_f >= 0.0 && std::isfinite(v.stub_end_capacitance_f), w, "stub_end_capacitance_f",
          v.stub_end_capacitance_f, ">= 0");
  require(v.loss_db_per_m_at_ref >= 0.0 && std::isfinite(v.loss_db_per_m_at_ref), w, "loss_db_per_m_at_ref",
          v.loss_db_per_m_at_ref, ">= 0");
  require(v.ref_freq_hz > 0.0 && std::isfinite(v.ref_freq_hz), w, "ref_freq_hz", v.ref_freq_hz, "> 0");
}

IdealLine section(const Via& v, double length_m) {
  return {v.z0_ohm, v.delay_s_per_m * length_m, v.loss_db_per_m_at_ref * length_m, v.ref_freq_hz};
}

// S of a 2-port from its chain matrix m(f) on a grid. A series open (B = inf) and a shunt short
// (C = inf) have no finite ABCD but well-defined S: to_s handles those limits. Called directly
// (without the std::function of from_abcd_grid) for a channel's element blocks, evaluated on grids
// of 10^4 to 10^5 points once the caller has checked the frequencies and the element.
template <class AbcdOf>
Network finite_abcd_grid(std::span<const double> freq_hz, double z1, double z2, const AbcdOf& m) {
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {z1, z2});
  for (std::size_t k = 0; k < out.size(); ++k) {
    const S2 s = to_s(m(freq_hz[k]), z1, z2);
    out.s(k, 0, 0) = s.s11;
    out.s(k, 0, 1) = s.s12;
    out.s(k, 1, 0) = s.s21;
    out.s(k, 1, 1) = s.s22;
  }
  return out;
}

Network from_abcd_grid(std::span<const double> freq_hz, double z1, double z2, const std::function<Abcd(double)>& m) {
  return finite_abcd_grid(freq_hz, z1, z2, m);
}

bool finite(cplx z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

}  // namespace

Abcd ideal_line_abcd(const IdealLine& line, double freq_hz) {
  check_line(line, "ideal_line");
  require_freq(freq_hz, "ideal_line");
  return Abcd::line(gamma_l(line, freq_hz), line.z0_ohm, 1.0);
}

Network ideal_line(const IdealLine& line, std::span<const double> freq_hz, double z0_ohm) {
  check_line(line, "ideal_line");
  return network_from_abcd(freq_hz, [&](double f) { return ideal_line_abcd(line, f); }, z0_ohm, z0_ohm);
}

Network network_from_abcd(std::span<const double> freq_hz, const std::function<Abcd(double)>& abcd_of_f, double z1_ohm,
                          double z2_ohm) {
  for (double f : freq_hz) require_freq(f, "network_from_abcd");
  return from_abcd_grid(freq_hz, z1_ohm, z2_ohm, abcd_of_f);
}

Via Via::backdrilled(double residual_stub_m) const {
  require(residual_stub_m >= 0.0 && std::isfinite(residual_stub_m), "via backdrilled", "residual_stub_m", residual_stub_m,
          ">= 0");
  Via v = *this;
  v.stub_length_m = std::min(residual_stub_m, stub_length_m);
  v.stub_end_capacitance_f = 0.0;
  return v;
}

namespace {
// via_abcd without its checks (done once per grid by via()).
Abcd via_abcd_checked(const Via& v, double freq_hz) {
  const double w = 2.0 * phy::pi * freq_hz;
  const cplx y_pad(0.0, w * v.pad_capacitance_f);
  // Open stub terminated by its end pad, seen from the exit layer (Pozar sec. 2.7, admittances).
  const cplx y0 = 1.0 / v.z0_ohm;
  const cplx y_end(0.0, w * v.stub_end_capacitance_f);
  const cplx t = std::tanh(gamma_l(section(v, v.stub_length_m), freq_hz));
  const cplx y_stub = y0 * (y_end + y0 * t) / (y0 + y_end * t);
  return Abcd::shunt(y_pad) * Abcd::line(gamma_l(section(v, v.barrel_length_m), freq_hz), v.z0_ohm, 1.0) *
         Abcd::shunt(y_pad + y_stub);
}

}  // namespace

Abcd via_abcd(const Via& v, double freq_hz) {
  check_via(v);
  require_freq(freq_hz, "via");
  return via_abcd_checked(v, freq_hz);
}

Network via(const Via& v, std::span<const double> freq_hz, double z0_ohm) {
  check_via(v);
  for (double f : freq_hz) require_freq(f, "network_from_abcd");
  Network n = finite_abcd_grid(freq_hz, z0_ohm, z0_ohm, [&](double f) { return via_abcd_checked(v, f); });
  n.name = "via";
  return n;
}

ModeNetworks via_pair_modes(const Via& each, double z_odd_ohm, double z_even_ohm, std::span<const double> freq_hz,
                            double z0_ohm, bool with_common) {
  require(z_odd_ohm > 0.0 && std::isfinite(z_odd_ohm), "via_pair", "z_odd_ohm", z_odd_ohm, "> 0");
  require(z_even_ohm > 0.0 && std::isfinite(z_even_ohm), "via_pair", "z_even_ohm", z_even_ohm, "> 0");
  require(z0_ohm > 0.0 && std::isfinite(z0_ohm), "via_pair", "z0_ohm", z0_ohm, "> 0");
  // Differential mode: V_d = V_P - V_N, I_d = (I_P - I_N)/2, so a pad of C per line loads it with
  // C/2 and the mode impedance is 2 z_odd; common mode: V_c = (V_P + V_N)/2, I_c = I_P + I_N,
  // 2 C and z_even/2 (Bockelman & Eisenstadt 1995, mode voltages and currents).
  Via d = each, c = each;
  d.z0_ohm = 2.0 * z_odd_ohm;
  c.z0_ohm = 0.5 * z_even_ohm;
  d.pad_capacitance_f = 0.5 * each.pad_capacitance_f;
  d.stub_end_capacitance_f = 0.5 * each.stub_end_capacitance_f;
  c.pad_capacitance_f = 2.0 * each.pad_capacitance_f;
  c.stub_end_capacitance_f = 2.0 * each.stub_end_capacitance_f;
  ModeNetworks m;
  m.differential = via(d, freq_hz, 2.0 * z0_ohm);
  if (with_common) m.common = via(c, freq_hz, 0.5 * z0_ohm);
  return m;
}

Network via_pair(const Via& each, double z_odd_ohm, double z_even_ohm, std::span<const double> freq_hz, double z0_ohm,
                 PortOrder order) {
  const ModeNetworks m = via_pair_modes(each, z_odd_ohm, z_even_ohm, freq_hz, z0_ohm);
  Network n = from_modes(m.differential, m.common, order);
  n.name = "via pair";
  return n;
}

ModeNetworks identical_pair_modes(Network each, bool with_common) {
  if (each.ports() != 2)
    throw std::invalid_argument("identical_pair_modes: needs a 2-port, got " + std::to_string(each.ports()) + " ports");
  const std::vector<double> z = each.z0_ohm();
  ModeNetworks m;
  if (with_common) {
    m.common = each;
    m.common.set_z0_ohm({0.5 * z[0], 0.5 * z[1]});
  }
  m.differential = std::move(each);
  m.differential.set_z0_ohm({2.0 * z[0], 2.0 * z[1]});
  return m;
}

Network series_element(std::span<const double> freq_hz, const std::function<cplx(double)>& z_of_f, double z1_ohm,
                       double z2_ohm) {
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {z1_ohm, z2_ohm});
  const double k = 2.0 * std::sqrt(z1_ohm * z2_ohm);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const cplx z = z_of_f(freq_hz[i]);
    if (!finite(z)) {  // open
      out.s(i, 0, 0) = out.s(i, 1, 1) = 1.0;
      continue;
    }
    // Frickey Table I with A = D = 1, C = 0, B = z.
    const cplx den = z + z1_ohm + z2_ohm;
    out.s(i, 0, 0) = (z + z2_ohm - z1_ohm) / den;
    out.s(i, 1, 1) = (z + z1_ohm - z2_ohm) / den;
    out.s(i, 1, 0) = out.s(i, 0, 1) = k / den;
  }
  return out;
}

Network shunt_element(std::span<const double> freq_hz, const std::function<cplx(double)>& y_of_f, double z1_ohm,
                      double z2_ohm) {
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {z1_ohm, z2_ohm});
  const double k = 2.0 * std::sqrt(z1_ohm * z2_ohm);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const cplx y = y_of_f(freq_hz[i]);
    if (!finite(y)) {  // short
      out.s(i, 0, 0) = out.s(i, 1, 1) = -1.0;
      continue;
    }
    // Frickey Table I with A = D = 1, B = 0, C = y.
    const cplx den = z1_ohm + z2_ohm + y * z1_ohm * z2_ohm;
    out.s(i, 0, 0) = (z2_ohm - z1_ohm - y * z1_ohm * z2_ohm) / den;
    out.s(i, 1, 1) = (z1_ohm - z2_ohm - y * z1_ohm * z2_ohm) / den;
    out.s(i, 1, 0) = out.s(i, 0, 1) = k / den;
  }
  return out;
}

namespace {
constexpr double inf = HUGE_VAL;
cplx jw(double f, double x) { return {0.0, 2.0 * phy::pi * f * x}; }
cplx inv_jw(double f, double x) { return f > 0.0 ? 1.0 / jw(f, x) : cplx(inf, 0.0); }
}  // namespace

Network series_resistor(std::span<const double> freq_hz, double r_ohm, double z0_ohm) {
  require(r_ohm >= 0.0 && std::isfinite(r_ohm), "series_resistor", "r_ohm", r_ohm, ">= 0");
  return series_element(freq_hz, [=](double) { return cplx(r_ohm, 0.0); }, z0_ohm, z0_ohm);
}
Network series_inductor(std::span<const double> freq_hz, double l_h, double z0_ohm) {
  require(l_h >= 0.0 && std::isfinite(l_h), "series_inductor", "l_h", l_h, ">= 0");
  return series_element(freq_hz, [=](double f) { return jw(f, l_h); }, z0_ohm, z0_ohm);
}
Network series_capacitor(std::span<const double> freq_hz, double c_f, double z0_ohm) {
  require(c_f > 0.0 && std::isfinite(c_f), "series_capacitor", "c_f", c_f, "> 0");
  return series_element(freq_hz, [=](double f) { return inv_jw(f, c_f); }, z0_ohm, z0_ohm);
}
Network shunt_resistor(std::span<const double> freq_hz, double r_ohm, double z0_ohm) {
  require(r_ohm > 0.0 && std::isfinite(r_ohm), "shunt_resistor", "r_ohm", r_ohm, "> 0");
  return shunt_element(freq_hz, [=](double) { return cplx(1.0 / r_ohm, 0.0); }, z0_ohm, z0_ohm);
}
Network shunt_inductor(std::span<const double> freq_hz, double l_h, double z0_ohm) {
  require(l_h > 0.0 && std::isfinite(l_h), "shunt_inductor", "l_h", l_h, "> 0");
  return shunt_element(freq_hz, [=](double f) { return inv_jw(f, l_h); }, z0_ohm, z0_ohm);
}
Network shunt_capacitor(std::span<const double> freq_hz, double c_f, double z0_ohm) {
  require(c_f >= 0.0 && std::isfinite(c_f), "shunt_capacitor", "c_f", c_f, ">= 0");
  return shunt_element(freq_hz, [=](double f) { return jw(f, c_f); }, z0_ohm, z0_ohm);
}

Network ac_capacitor(const AcCapacitor& cap, std::span<const double> freq_hz, double z0_ohm) {
  require(cap.c_f > 0.0 && std::isfinite(cap.c_f), "ac_capacitor", "c_f", cap.c_f, "> 0");
  require(cap.esr_ohm >= 0.0 && std::isfinite(cap.esr_ohm), "ac_capacitor", "esr_ohm", cap.esr_ohm, ">= 0");
  require(cap.esl_h >= 0.0 && std::isfinite(cap.esl_h), "ac_capacitor", "esl_h", cap.esl_h, ">= 0");
  Network n = series_element(
      freq_hz, [&](double f) { return cap.esr_ohm + jw(f, cap.esl_h) + inv_jw(f, cap.c_f); }, z0_ohm, z0_ohm);
  n.name = "AC-coupling capacitor";
  return n;
}

namespace {
void check_pi(const PiModel& m) {
  for (double v : {m.c1_f, m.r_ohm, m.l_h, m.c2_f}) require(v >= 0.0 && std::isfinite(v), "pi_model", "element", v, ">= 0");
}
void check_tee(const TeeModel& m) {
  for (double v : {m.r1_ohm, m.l1_h, m.c_f, m.r2_ohm, m.l2_h})
    require(v >= 0.0 && std::isfinite(v), "tee_model", "element", v, ">= 0");
}
Abcd pi_abcd_checked(const PiModel& m, double freq_hz) {
  return Abcd::shunt(jw(freq_hz, m.c1_f)) * Abcd::series(m.r_ohm + jw(freq_hz, m.l_h)) * Abcd::shunt(jw(freq_hz, m.c2_f));
}
Abcd tee_abcd_checked(const TeeModel& m, double freq_hz) {
  return Abcd::series(m.r1_ohm + jw(freq_hz, m.l1_h)) * Abcd::shunt(jw(freq_hz, m.c_f)) *
         Abcd::series(m.r2_ohm + jw(freq_hz, m.l2_h));
}
}  // namespace

Abcd pi_abcd(const PiModel& m, double freq_hz) {
  check_pi(m);
  require_freq(freq_hz, "pi_model");
  return pi_abcd_checked(m, freq_hz);
}

Abcd tee_abcd(const TeeModel& m, double freq_hz) {
  check_tee(m);
  require_freq(freq_hz, "tee_model");
  return tee_abcd_checked(m, freq_hz);
}

Network pi_network(const PiModel& m, std::span<const double> freq_hz, double z0_ohm) {
  // The checks of network_from_abcd(freq_hz, pi_abcd), in its order.
  for (double f : freq_hz) require_freq(f, "network_from_abcd");
  if (!freq_hz.empty()) check_pi(m);
  Network n = finite_abcd_grid(freq_hz, z0_ohm, z0_ohm, [&](double f) { return pi_abcd_checked(m, f); });
  n.name = "pi model";
  return n;
}

Network tee_network(const TeeModel& m, std::span<const double> freq_hz, double z0_ohm) {
  // The checks of network_from_abcd(freq_hz, tee_abcd), in its order.
  for (double f : freq_hz) require_freq(f, "network_from_abcd");
  if (!freq_hz.empty()) check_tee(m);
  Network n = finite_abcd_grid(freq_hz, z0_ohm, z0_ohm, [&](double f) { return tee_abcd_checked(m, f); });
  n.name = "tee model";
  return n;
}

Network termination(std::span<const double> freq_hz, double r_ohm, double pad_capacitance_f, double z0_ohm) {
  require(r_ohm > 0.0 && std::isfinite(r_ohm), "termination", "r_ohm", r_ohm, "> 0");
  require(pad_capacitance_f >= 0.0 && std::isfinite(pad_capacitance_f), "termination", "pad_capacitance_f",
          pad_capacitance_f, ">= 0");
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 1, {z0_ohm});
  out.name = "termination";
  for (std::size_t k = 0; k < out.size(); ++k) {
    const cplx yl = 1.0 / r_ohm + jw(freq_hz[k], pad_capacitance_f);
    out.s(k, 0, 0) = (1.0 - yl * z0_ohm) / (1.0 + yl * z0_ohm);
  }
  return out;
}

Network differential_termination(std::span<const double> freq_hz, double r_diff_ohm, double pad_capacitance_f,
                                 double z0_ohm) {
  require(r_diff_ohm > 0.0 && std::isfinite(r_diff_ohm), "differential_termination", "r_diff_ohm", r_diff_ohm, "> 0");
  require(pad_capacitance_f >= 0.0 && std::isfinite(pad_capacitance_f), "differential_termination",
          "pad_capacitance_f", pad_capacitance_f, ">= 0");
  Network out(std::vector<double>(freq_hz.begin(), freq_hz.end()), 2, {z0_ohm});
  out.name = "differential termination";
  const std::vector<double> z0{z0_ohm, z0_ohm};
  for (std::size_t k = 0; k < out.size(); ++k) {
    const cplx g = 1.0 / r_diff_ohm, yc = jw(freq_hz[k], pad_capacitance_f);
    Eigen::Matrix2cd y;
    y << g + yc, -g, -g, g + yc;
    out.s(k) = y_to_s(y, z0);
  }
  return out;
}

Network uncoupled_pair(const Network& a, const Network& b, PortOrder order) {
  if (a.ports() != 2 || b.ports() != 2)
    throw std::invalid_argument("uncoupled_pair: needs two 2-ports, got " + std::to_string(a.ports()) + " and " +
                                std::to_string(b.ports()) + " ports");
  if (a.freq_hz() != b.freq_hz()) throw std::invalid_argument("uncoupled_pair: the two lines' frequency grids differ");
  // Ports of line A (in, out) and line B (in, out) in the 4-port.
  const std::array<int, 4> p = order == PortOrder::pairs_12_34 ? std::array<int, 4>{0, 1, 2, 3} : std::array<int, 4>{0, 2, 1, 3};
  std::vector<double> z0(4);
  z0[static_cast<std::size_t>(p[0])] = a.z0_ohm()[0];
  z0[static_cast<std::size_t>(p[1])] = a.z0_ohm()[1];
  z0[static_cast<std::size_t>(p[2])] = b.z0_ohm()[0];
  z0[static_cast<std::size_t>(p[3])] = b.z0_ohm()[1];
  Network out(a.freq_hz(), 4, std::move(z0));
  out.name = "pair of " + a.name + " / " + b.name;
  for (std::size_t k = 0; k < out.size(); ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        out.s(k, p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]) = a.s(k, i, j);
        out.s(k, p[static_cast<std::size_t>(2 + i)], p[static_cast<std::size_t>(2 + j)]) = b.s(k, i, j);
      }
  return out;
}

Network from_modes(const Network& differential, const Network& common, PortOrder order) {
  if (differential.ports() != 2 || common.ports() != 2)
    throw std::invalid_argument("from_modes: needs two 2-ports (differential, common)");
  if (differential.freq_hz() != common.freq_hz())
    throw std::invalid_argument("from_modes: the two modes' frequency grids differ");
  Network mm(differential.freq_hz(), 4,
             {differential.z0_ohm()[0], differential.z0_ohm()[1], common.z0_ohm()[0], common.z0_ohm()[1]});
  for (std::size_t k = 0; k < mm.size(); ++k) {
    mm.s(k).topLeftCorner(2, 2) = differential.s(k);
    mm.s(k).bottomRightCorner(2, 2) = common.s(k);
  }
  return from_mixed_mode(mm, order);
}

}  // namespace phylane::channels
