// FEC: the Reed-Solomon error-ratio relations against scipy.stats.binom
// (tests/reference/fec/rs_reference.py), and the table's figures against their standards.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "channels/fec.hpp"

using namespace phylane::channels;

namespace {
struct Row {
  int n, k;
  double ber, cer, out;
};
// /usr/bin/python3 tests/reference/fec/rs_reference.py
constexpr Row kScipy[] = {
    {528, 514, 1e-06, 1.4137977362e-23, 2.1422822029e-26},
    {528, 514, 1e-05, 1.3557689282e-15, 2.0557783739e-18},
    {528, 514, 0.0001, 8.9269105139e-08, 1.3634163477e-10},
    {528, 514, 0.00024, 5.1537601020e-05, 7.9692468873e-08},
    {528, 514, 0.001, 1.6047230622e-01, 2.7407415985e-04},
    {544, 514, 1e-06, 2.2389792429e-50, 6.5853905682e-53},
    {544, 514, 1e-05, 2.1396697741e-34, 6.2946546920e-37},
    {544, 514, 0.0001, 1.3598110648e-18, 4.0092348999e-21},
    {544, 514, 0.00024, 8.1515733993e-13, 2.4120938896e-15},
    {544, 514, 0.001, 1.5302585928e-04, 4.6411915998e-07},
};
}  // namespace

TEST_CASE("Reed-Solomon codeword and output error ratios equal scipy's binomial tails", "[channels][fec][unit]") {
  for (const Row& r : kScipy) {
    INFO("RS(" << r.n << "," << r.k << ") at BER " << r.ber);
    const ReedSolomon code{r.n, r.k, 10};
    // scipy's values are printed to 11 significant digits; the sums agree to that.
    CHECK(rs_codeword_error_ratio(code, r.ber) == Approx(r.cer).epsilon(1e-9));
    CHECK(rs_output_ber(code, r.ber) == Approx(r.out).epsilon(1e-9));
  }
}

TEST_CASE("The input error ratio for an output target inverts the output relation", "[channels][fec][unit]") {
  const ReedSolomon kp4{544, 514, 10};
  // 802.3's 2.4e-4 at the KP4 decoder input leaves 2.41e-15 after it under independent errors.
  CHECK(rs_input_ber_for(kp4, 2.4120938896e-15) == Approx(2.4e-4).epsilon(1e-8));
  CHECK(rs_output_ber(kp4, rs_input_ber_for(kp4, 1e-13)) <= 1e-13);
  CHECK(rs_output_ber(kp4, rs_input_ber_for(kp4, 1e-13) * 1.001) > 1e-13);
  CHECK_THROWS_AS(rs_input_ber_for(kp4, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(rs_codeword_error_ratio(kp4, 0.7), std::invalid_argument);
  CHECK_THROWS_AS(rs_codeword_error_ratio(ReedSolomon{2000, 514, 10}, 1e-4), std::invalid_argument);
}

TEST_CASE("The FEC table: the standards' requirements meet their post-FEC objectives", "[channels][fec][unit]") {
  for (const auto& name : fec_names()) REQUIRE(find_fec(name) != nullptr);
  CHECK(find_fec("kp4") == nullptr);
  CHECK(allowed_fecs() == "none, rs528, rs544 or pcie6-flit");
  const Fec& kp4 = *find_fec("rs544");
  const Fec& kr4 = *find_fec("rs528");
  // IEEE 802.3 objectives: BER <= 1e-12 at the MAC (802.3ba/bj), 1e-13 for 400GbE (802.3bs).
  // Under independent errors both requirements leave at least two orders of margin, which 802.3
  // keeps for burst errors (DFE error propagation, docs/fec.md).
  CHECK(rs_output_ber(*kp4.rs, kp4.pre_fec_ber) < 1e-14);
  CHECK(rs_output_ber(*kr4.rs, kr4.pre_fec_ber) < 1e-14);
  // Line rates: 100 Gb/s MAC on 106.25 Gb/s (KP4), 25 Gb/s on 25.78125 Gb/s (KR4).
  CHECK(106.25e9 * kp4.efficiency == Approx(100e9).epsilon(1e-15));
  CHECK(25.78125e9 * kr4.efficiency == Approx(25e9).epsilon(1e-15));
  // Latency: a KP4 codeword on one 106.25 Gb/s lane takes 51.2 ns to arrive.
  CHECK(kp4.latency_s(106.25e9) - kp4.decoder_latency_s == Approx(51.2e-9).epsilon(1e-12));
  // A PCIe 6.0 x16 link at 64 GT/s receives a 256-byte flit in 2 ns.
  const Fec& flit = *find_fec("pcie6-flit");
  CHECK(flit.latency_s(16 * 64e9) - flit.decoder_latency_s == Approx(2e-9).epsilon(1e-12));
  CHECK(find_fec("none")->latency_s(1e9) == 0.0);
  CHECK_THROWS_AS(kp4.latency_s(0.0), std::invalid_argument);
}
