#include "channels/fec.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "phy/number_text.hpp"

namespace phylane::channels {

namespace {

// The FECs a link may name. Requirements are the standards' (their sources below); the codes'
// error-ratio relations are computed (rs_output_ber); decoder pipelines are implementation figures.
// A Reed-Solomon FEC of 802.3: its codeword (n m bits) must be in before it is decoded; the
// decoder pipeline after that is assumed to take one codeword time at 100 Gb/s, which puts a
// 100 Gb/s lane near the ~100 ns total usually quoted for 802.3 RS-FEC (an engineering estimate).
Fec reed_solomon(std::string name, std::string title, ReedSolomon code, double efficiency, std::string efficiency_source,
                 double pre_fec_ber, std::string requirement_source) {
  Fec f;
  f.name = std::move(name);
  f.title = std::move(title);
  f.efficiency = efficiency;
  f.efficiency_source = std::move(efficiency_source);
  f.pre_fec_ber = pre_fec_ber;
  f.requirement_source = std::move(requirement_source);
  f.rs = code;
  f.codeword_bits = static_cast<double>(code.n) * code.m;
  f.decoder_latency_s = f.codeword_bits / 100e9;
  f.latency_source = "codeword accumulation computed; decoder pipeline assumed (one codeword time at 100 Gb/s)";
  return f;
}

const std::vector<Fec>& table() {
  static const std::vector<Fec> t = [] {
    std::vector<Fec> v;
    Fec none;
    none.name = "none";
    none.title = "no FEC";
    none.efficiency_source = "no coding overhead";
    none.requirement_source = "the link's own target_ber";
    v.push_back(none);

    // IEEE 802.3 Clause 91 RS(528,514) over GF(2^10), t = 7 ("KR4 FEC"): 100GBASE-KR4/CR4 and
    // 25GBASE-KR/CR. 25 Gb/s MAC over a 25.78125 Gb/s lane (64b/66b -> 256b/257b transcoding
    // and the parity together). Requirement: the detector error ratio DER_0 = 1e-5 of the Clause 93
    // COM (the 100GBASE-KR4 sheet, data/com/100gbase-kr4.toml, from PyChOpMarg's 802.3by set).
    v.push_back(reed_solomon("rs528", "RS(528,514) (802.3 Clause 91, KR4 FEC)", {528, 514, 10}, 25.0 / 25.78125,
                             "IEEE 802.3 Clause 91: 25.78125 Gb/s line for 25 Gb/s MAC", 1e-5,
                             "IEEE 802.3 Clause 93 COM DER_0 = 1e-5 (100GBASE-KR4 sheet, data/com/100gbase-kr4.toml)"));

    // IEEE 802.3 Clause 91/119/134/161 RS(544,514) over GF(2^10), t = 15 ("KP4 FEC"): 50/100/200/
    // 400GbE PAM4 lanes, 100 Gb/s MAC over a 106.25 Gb/s lane. Requirement: BER 2.4e-4 at the PMA
    // (802.3cd 136.1; IEEE 802.3cd reflector, 'Relating DER, BER and Q in Draft 1.2',
    // http://www.ieee802.org/3/cd/email/msg00208.html, 2017; the pre-FEC figure of 400G module data
    // sheets, data/standards/optical.toml).
    v.push_back(reed_solomon("rs544", "RS(544,514) (802.3 Clause 119/161, KP4 FEC)", {544, 514, 10}, 100.0 / 106.25,
                             "IEEE 802.3 Clause 119: 106.25 Gb/s line for 100 Gb/s MAC", 2.4e-4,
                             "IEEE 802.3cd 136.1 / 802.3ck: BER 2.4e-4 at the FEC input"));

    // PCIe 6.0 FLIT mode: 256-byte flits of 236 B TLP + 6 B DLP + 8 B CRC + 6 B FEC (a 3-way
    // interleaved single-symbol-correcting code), retry on a CRC failure. The first bit error ratio
    // FBER 1e-6 is the physical layer's requirement, chosen to keep FEC + CRC latency below 2 ns
    // (D. Das Sharma, 'The PCIe 6.0 Specification Webinar Q&A: Error Detection and Correction with
    // FEC', PCI-SIG blog; data/standards/pcie.toml [pcie6]).
    Fec flit;
    flit.name = "pcie6-flit";
    flit.title = "PCIe 6.0 FLIT (lightweight FEC + CRC retry)";
    flit.efficiency = 236.0 / 256.0;
    flit.efficiency_source = "PCIe Base Specification 6.0, FLIT mode (236 of 256 bytes carry TLPs)";
    flit.pre_fec_ber = 1e-6;
    flit.requirement_source = "PCIe 6.0 FBER 1e-6 (Das Sharma, PCI-SIG FEC webinar Q&A)";
    flit.codeword_bits = 256.0 * 8.0;
    flit.decoder_latency_s = 2e-9;
    flit.latency_source = "flit accumulation computed; FEC + CRC below 2 ns (Das Sharma, PCI-SIG), taken as 2 ns";
    v.push_back(flit);
    return v;
  }();
  return t;
}

// log C(n, i) + i log p + (n - i) log(1 - p): one binomial term in the log domain, so that
// n = 544 and p ~ 1e-6 neither overflow the coefficient nor underflow the powers.
double log_binomial_term(int n, int i, double log_p, double log_q) {
  return std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) + i * log_p + (n - i) * log_q;
}

void check_code(const ReedSolomon& c) {
  if (c.m < 1 || c.k < 1 || c.n <= c.k || c.n > (1 << c.m))
    throw std::invalid_argument("Reed-Solomon code RS(" + std::to_string(c.n) + "," + std::to_string(c.k) + ") over GF(2^" +
                                std::to_string(c.m) + "): needs 1 <= k < n <= 2^m");
}

void check_ber(double ber) {
  if (!(ber >= 0.0 && ber <= 0.5))
    throw std::invalid_argument("FEC input bit error ratio " + phy::number_text(ber) + ": must be in [0, 0.5]");
}

// sum_{i>t} w(i) C(n,i) p^i (1-p)^(n-i), w(i) = 1 or i/n.
double tail(const ReedSolomon& c, double ps, bool weighted) {
  if (ps <= 0.0) return 0.0;
  if (ps >= 1.0) return 1.0;
  const double lp = std::log(ps), lq = std::log1p(-ps);
  double sum = 0.0;
  for (int i = c.t() + 1; i <= c.n; ++i) {
    const double term = std::exp(log_binomial_term(c.n, i, lp, lq)) * (weighted ? static_cast<double>(i) / c.n : 1.0);
    sum += term;
    // Past the mode n p_s the terms fall by more than the ratio p_s (n - i) / (i (1 - p_s)) each;
    // stop once they no longer change the sum.
    if (i > c.n * ps && term < 1e-18 * sum) break;
  }
  return sum;
}

}  // namespace

double Fec::latency_s(double rate) const {
  if (!(rate > 0.0)) throw std::invalid_argument("FEC latency: the line rate must be > 0");
  if (codeword_bits <= 0.0) return 0.0;
  return codeword_bits / rate + decoder_latency_s;
}

const Fec* find_fec(std::string_view name) {
  for (const auto& f : table())
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> fec_names() {
  std::vector<std::string> out;
  for (const auto& f : table()) out.push_back(f.name);
  return out;
}

std::string allowed_fecs() {
  const auto names = fec_names();
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}

double rs_symbol_error_ratio(int m, double ber) {
  check_ber(ber);
  return -std::expm1(m * std::log1p(-ber));  // 1 - (1 - ber)^m without cancellation at small ber
}

double rs_codeword_error_ratio(const ReedSolomon& code, double ber) {
  check_code(code);
  return tail(code, rs_symbol_error_ratio(code.m, ber), false);
}

double rs_output_ber(const ReedSolomon& code, double ber) {
  check_code(code);
  const double ps = rs_symbol_error_ratio(code.m, ber);
  if (ps <= 0.0) return 0.0;
  // Output symbol error ratio x (ber m / p_s) bit errors per errored symbol / m bits per symbol.
  return tail(code, ps, true) * ber / ps;
}

double rs_input_ber_for(const ReedSolomon& code, double output_ber) {
  check_code(code);
  if (!(output_ber > 0.0 && output_ber <= 0.01))
    throw std::invalid_argument("FEC output bit error ratio " + phy::number_text(output_ber) + ": must be in (0, 0.01]");
  // rs_output_ber rises monotonically with the input ratio; bisect on log10 ber in [1e-20, 0.5].
  double lo = -20.0, hi = std::log10(0.5);
  if (rs_output_ber(code, 0.5) <= output_ber) return 0.5;
  while (hi - lo > 4e-10) {
    const double mid = 0.5 * (lo + hi);
    (rs_output_ber(code, std::pow(10.0, mid)) <= output_ber ? lo : hi) = mid;
  }
  return std::pow(10.0, lo);
}

}  // namespace phylane::channels
