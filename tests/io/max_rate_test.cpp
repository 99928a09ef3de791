// The rate and reach searches: exact answers on synthetic margin curves, the bulk-delay removal
// against a known delay, and the search on physical channels (the PCIe 5.0 budget channel, the
// measured backplanes, monotonicity in loss and rate).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io/config.hpp"
#include "solvers/max_rate.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

// An EyeAnalysis that reports only the margin (the search reads status, margin, height, width).
EyeAnalysis eye_with_margin(double margin_db, double height_v = 0.1, double width_ui = 0.5) {
  EyeAnalysis a;
  a.eye.margin_db = margin_db;
  a.eye.status = margin_db > 0.0 ? EyeStatus::open : EyeStatus::closed;
  a.eye.height_v = height_v;
  a.eye.width_ui = width_ui;
  return a;
}

}  // namespace

TEST_CASE("The rate search finds the crossing of a synthetic margin curve to its resolution",
          "[solvers][maxrate][reference]") {
  // margin(R) = 20 - 30 log10(R / 10 Gb/s) for NRZ (baud = R) crosses 0 at 10^(2/3) x 10 Gb/s =
  // 46.4159 Gb/s; PAM4 (baud = R/2) has margin 20 - 30 log10(R / 20 Gb/s) - 9.54 (the PAM4 eye
  // penalty 20 log10 3): crossing at 20 x 10^((20 - 9.54)/30) = 44.5 Gb/s.
  auto eye = [](double baud, int levels) {
    const double pen = levels == 2 ? 0.0 : 20.0 * std::log10(3.0);
    return eye_with_margin(20.0 - 30.0 * std::log10(baud / 10e9) - pen);
  };
  MaxRateOptions opt;
  opt.threads = 1;
  const auto r = find_max_rate(eye, opt);
  REQUIRE(r.found);
  const double nrz = 10e9 * std::pow(10.0, 2.0 / 3.0);
  const double pam4 = 20e9 * std::pow(10.0, (20.0 - 20.0 * std::log10(3.0)) / 30.0);
  CHECK(r.per_modulation[0].max_rate_bps <= nrz);
  CHECK(r.per_modulation[0].max_rate_bps >= nrz / (1.0 + opt.resolution));
  CHECK(r.per_modulation[1].max_rate_bps <= pam4);
  CHECK(r.per_modulation[1].max_rate_bps >= pam4 / (1.0 + opt.resolution));
  CHECK(r.best_levels == 2);
  CHECK(r.per_modulation[0].at_max.eye.margin_db >= 0.0);
  // Fewer evaluations than plain bisection on a locally linear curve (scan + about 2 per step).
  CHECK(r.per_modulation[0].curve.size() <= 12);
  // Concurrent modulations give the same answer.
  opt.threads = 2;
  CHECK(find_max_rate(eye, opt).max_rate_bps == r.max_rate_bps);
}

TEST_CASE("The rate search keeps the highest feasible region of a non-monotonic curve and honours the mask",
          "[solvers][maxrate][property]") {
  // Feasible below 15 Gb/s and again in 45...90 Gb/s (a resonance between; the default scan has
  // points at 19.1 and 31.3 in the gap and 51.2 and 83.7 in the upper region): the answer is ~90.
  auto eye = [](double baud, int) {
    const double r = baud / 1e9;
    if (r < 15.0) return eye_with_margin(5.0);
    if (r < 45.0) return eye_with_margin(-2.0);
    return eye_with_margin(90.0 - r > 0.0 ? 2.0 : -3.0);
  };
  MaxRateOptions opt;
  opt.levels = {2};
  opt.full_curve = true;
  const auto r = find_max_rate(eye, opt);
  REQUIRE(r.found);
  CHECK(r.max_rate_bps <= 90e9);
  CHECK(r.max_rate_bps >= 90e9 / (1.0 + opt.resolution));
  // A margin requirement above what the upper region gives leaves only the lower one.
  opt.required_margin_db = 3.0;
  CHECK(find_max_rate(eye, opt).max_rate_bps < 15e9);
  // An eye-height mask above every eye: nothing meets, which is a result, not an error.
  opt.required_margin_db = 0.0;
  opt.min_eye_height_v = 1.0;
  const auto none = find_max_rate(eye, opt);
  CHECK_FALSE(none.found);
  CHECK_FALSE(none.reason.empty());
  MaxRateOptions inverted;
  inverted.min_rate_bps = 5e9;
  inverted.max_rate_bps = 1e9;
  CHECK_THROWS_AS(find_max_rate(eye, inverted), std::invalid_argument);
}

TEST_CASE("The reach search finds the crossing of a synthetic margin-vs-length curve",
          "[solvers][reach][reference]") {
  // margin(L) = 10 - 40 log10(L / 0.1 m) crosses 0 at 0.1 x 10^(1/4) = 0.177828 m.
  auto eye = [](double len) { return eye_with_margin(10.0 - 40.0 * std::log10(len / 0.1)); };
  ReachOptions opt;
  opt.min_length_m = 0.01;
  opt.max_length_m = 10.0;
  const auto r = find_max_reach(eye, opt);
  REQUIRE(r.found);
  const double exact = 0.1 * std::pow(10.0, 0.25);
  CHECK(r.max_length_m <= exact);
  CHECK(r.max_length_m >= exact / (1.0 + opt.resolution));
  // The scan stops once the margin is well below the requirement: the longest lengths are skipped.
  CHECK(r.curve.back().length_m < 10.0);
}

TEST_CASE("Removing the bulk delay recovers a known delay and leaves the rest of H", "[solvers][maxrate][reference]") {
  // H = e^{-j 2 pi f tau} / (1 + j f / 20 GHz), tau = 3.2 ns: the one-pole's own group delay at
  // the measured band (1...25 % of 100 GHz) is at most 1/(2 pi 20 GHz) = 8 ps; the removed delay
  // is tau plus the pole's median group delay there, within 8 ps.
  const double tau = 3.2e-9;
  TransferFunction h = [tau](std::span<const double> f, std::span<std::complex<double>> out) {
    for (std::size_t k = 0; k < f.size(); ++k)
      out[k] = std::polar(1.0, -2 * M_PI * f[k] * tau) / std::complex<double>(1.0, f[k] / 20e9);
  };
  double removed = 0.0;
  const auto g = without_bulk_delay(h, 100e9, &removed);
  CHECK(removed == Approx(tau).margin(8e-12));
  CHECK(removed > tau);
  const std::vector<double> f = {0.0, 5e9, 40e9};
  std::vector<std::complex<double>> a(3), b(3);
  h(f, a);
  g(f, b);
  for (std::size_t k = 0; k < f.size(); ++k) {
    CHECK(std::abs(b[k]) == Approx(std::abs(a[k])).epsilon(1e-12));
    CHECK(std::arg(b[k] * std::polar(1.0, -2 * M_PI * f[k] * removed)) ==
          Approx(std::arg(a[k])).margin(1e-9));
  }
  // The table (10 MHz steps, grown to the frequencies asked) interpolates the delay-free H: off-grid
  // points agree with the direct evaluation to the linear-interpolation error (df^2 |H''| / 8 < 1e-4
  // here), and grid points equal it.
  const auto t = tabulated_on_demand(h, 10e6, 100e9);
  const std::vector<double> off = {3.333e9, 17.777e9, 61.2345e9, 150e9, 40e9};
  std::vector<std::complex<double>> c(off.size()), d(off.size());
  t(off, c);
  g(off, d);
  for (std::size_t k = 0; k < off.size(); ++k) CHECK(std::abs(c[k] - d[k]) < 1e-4 * std::abs(d[k]));
  CHECK(std::abs(c[4] - d[4]) < 1e-15);
}

TEST_CASE("A table grown on demand gives a frequency one value, whatever was asked before or on which thread",
          "[max_rate][determinism]") {
  // The one-pole with a 3.2 ns delay above. A rate search asks the crosstalk paths for a low band
  // (a PAM4 eye) and a band to ~1 THz (an NRZ eye at twice the baud) in either order, on either
  // core: each frequency must get the same value bit for bit.
  const double tau = 3.2e-9;
  TransferFunction h = [tau](std::span<const double> f, std::span<std::complex<double>> out) {
    for (std::size_t k = 0; k < f.size(); ++k)
      out[k] = std::polar(1.0, -2 * M_PI * f[k] * tau) / std::complex<double>(1.0, f[k] / 20e9);
  };
  const std::vector<double> low = {3.333e9, 17.777e9, 61.2345e9};
  std::vector<double> high(4096);
  for (std::size_t k = 0; k < high.size(); ++k) high[k] = 0.25e9 * static_cast<double>(k);  // to 1.02 THz
  auto at = [](const TransferFunction& t, const std::vector<double>& f) {
    std::vector<std::complex<double>> v(f.size());
    t(f, v);
    return v;
  };
  const auto low_first = tabulated_on_demand(h, 10e6, 100e9);
  const auto a = at(low_first, low);
  const auto a_high = at(low_first, high);
  const auto high_first = tabulated_on_demand(h, 10e6, 100e9);
  const auto b_high = at(high_first, high);
  const auto b = at(high_first, low);
  const auto together = tabulated_on_demand(h, 10e6, 100e9);
  std::vector<std::complex<double>> c_high;
  std::thread other([&] { c_high = at(together, high); });
  const auto c = at(together, low);
  other.join();
  CHECK(at(low_first, low) == a);  // after the table grew
  CHECK(b == a);
  CHECK(c == a);
  CHECK(b_high == a_high);
  CHECK(c_high == a_high);
  // And it is the delay-free H to the linear-interpolation error (as in the test above).
  const auto d = at(without_bulk_delay(h, 100e9), low);
  for (std::size_t k = 0; k < low.size(); ++k) CHECK(std::abs(a[k] - d[k]) < 1e-4 * std::abs(d[k]));
}

namespace {

// The [tx] and [rx] sections both links here share around their own equalizer ranges: a 0.8 V
// swing with 10 ps edges, 0.01 UI RJ and 0.05 UI DJ at the transmitter; at the receiver COM's
// eta_0 noise density (5.2e-8 V^2/GHz) behind a Butterworth filter at 0.75 x the baud rate and
// COM's CTLE. tx_ffe: the [tx] FFE keys; rx_eq: the CTLE gain and DFE keys.
std::string transceiver(const std::string& tx_ffe, const std::string& rx_eq) {
  return "[tx]\nswing = \"0.8 V\"\nrise_time = \"10 ps\"\n" + tx_ffe + "rj = \"0.01 UI\"\ndj = \"0.05 UI\"\n" +
         "[rx]\nnoise_psd = \"5.2e-8 V^2/GHz\"\nfilter = \"butterworth\"\nbandwidth_ratio = 0.75\nctle = \"com\"\n" + rx_eq;
}

// A PCIe 5.0-class link on one 85-ohm FR408HR/VLP differential stripline of `length`, with the
// PCIe 5.0 reference receiver (PCI Express Base Specification 5.0, sec. 8.4/8.5: CTLE with
// A_DC from -5 to -15 dB in 1 dB steps, 3-tap DFE, BER 1e-12, eye 15 mV x 0.3 UI) and the
// transmitter's preset space (c-1 0 ... -0.25, c+1 0 ... -0.35).
std::string pcie_link(const std::string& length) {
  return test::fr408hr_route_channel(length) + R"toml([signal]
rate = "32 GT/s"
modulation = "nrz"
target_ber = 1e-12
min_eye_height = "15 mV"
min_eye_width = 0.3
)toml" +
         transceiver("ffe_pre = [{ min = -0.25, max = 0.0, step = 0.05 }]\nffe_post = [{ min = -0.35, max = 0.0, step = 0.05 }]\n",
                     "ctle_gdc = { from = \"-15 dB\", to = \"-5 dB\", step = \"1 dB\" }\ndfe_taps = 3\n"
                     "dfe_limits = [0.8, \"20 mV\"]\n");
}

double loss_db_at(const channels::CopperChannel& ch, double f) {
  const std::vector<double> fs = {f};
  return -20.0 * std::log10(std::abs(channels::compute_response(ch, fs, false).s21[0]));
}

EyeAtRate eye_function(const io::Config& cfg) {
  const auto h = without_bulk_delay(copper_transfer_function(*cfg.copper()), 224e9);
  return [&cfg, h](double baud, int levels) {
    auto s = cfg.signalling->at(baud, levels);
    s.samples_per_ui = 16;
    s.refine_candidates = 1;
    return analyze_eye(h, s);
  };
}

MaxRateOptions criterion(const io::Config& cfg, std::vector<int> levels) {
  MaxRateOptions o;
  o.levels = std::move(levels);
  o.min_eye_height_v = cfg.signalling->min_eye_height_v;
  o.min_eye_width_ui = cfg.signalling->min_eye_width_ui;
  o.required_margin_db = cfg.signalling->required_margin_db;
  return o;
}

}  // namespace

TEST_CASE("A 36 dB channel at 16 GHz with the PCIe 5.0 reference receiver supports NRZ near 32 GT/s",
          "[solvers][maxrate][reference][budget]") {
  // PCIe 5.0 sets its channel budget (36 dB at 16 GHz, bump to bump) so that the reference
  // receiver just meets 15 mV x 0.3 UI at 1e-12 and 32 GT/s. The budget does not fix the noise,
  // jitter and Tx details this model must assume (COM eta_0, 0.05 UI DJ, 10 ps edges), and the
  // loss slope is ~2 dB per GHz near 16 GHz, so +-10 % in rate is +-3.5 dB of loss: the expected
  // band is 26 ... 38 GT/s.
  const io::Config one = io::load_config_text(pcie_link("10 in"), "pcie.toml");
  const double per_in = loss_db_at(*one.copper(), 16e9) / 10.0;
  const double len_in = 36.0 / per_in;
  const io::Config cfg = io::load_config_text(pcie_link(std::to_string(len_in) + " in"), "pcie.toml");
  REQUIRE(loss_db_at(*cfg.copper(), 16e9) == Approx(36.0).margin(0.1));
  const auto r = find_max_rate(eye_function(cfg), criterion(cfg, {2}));
  REQUIRE(r.found);
  INFO("36 dB at 16 GHz (" << len_in << " in): NRZ max " << r.max_rate_bps / 1e9 << " GT/s");
  CHECK(r.max_rate_bps > 26e9);
  CHECK(r.max_rate_bps < 38e9);
  // The answer meets the mask.
  CHECK(r.per_modulation[0].at_max.eye.height_v >= 0.015);
  CHECK(r.per_modulation[0].at_max.eye.width_ui >= 0.3);

  // Max rate grows when loss falls: the same route 30 % shorter.
  const io::Config shorter = io::load_config_text(pcie_link(std::to_string(0.7 * len_in) + " in"), "pcie.toml");
  const auto rs = find_max_rate(eye_function(shorter), criterion(shorter, {2}));
  INFO("30 % shorter: " << rs.max_rate_bps / 1e9 << " GT/s");
  CHECK(rs.max_rate_bps > r.max_rate_bps * 1.1);
}

TEST_CASE("Max reach falls when the rate grows", "[solvers][reach][property]") {
  const io::Config cfg = io::load_config_text(pcie_link("10 in"), "pcie.toml");
  auto reach_at = [&](double baud) {
    const auto& seg = cfg.copper()->segments()[0];
    auto eye = [&](double len) {
      auto s2 = cfg.copper()->segments();
      s2[0].length_m = len;
      const channels::CopperChannel ch(std::move(s2), cfg.copper()->driver_ohm(), cfg.copper()->receiver_ohm());
      auto s = cfg.signalling->at(baud, 2);
      s.samples_per_ui = 16;
      s.refine_candidates = 1;
      return analyze_eye(without_bulk_delay(copper_transfer_function(ch), 4 * baud), s);
    };
    ReachOptions o;
    o.min_length_m = seg.length_m / 20;
    o.max_length_m = seg.length_m * 20;
    o.min_eye_height_v = 0.015;
    o.min_eye_width_ui = 0.3;
    return find_max_reach(eye, o);
  };
  const auto r16 = reach_at(16e9), r32 = reach_at(32e9);
  REQUIRE(r16.found);
  REQUIRE(r32.found);
  INFO("reach at 16 GT/s " << r16.max_length_m / 0.0254 << " in, at 32 GT/s " << r32.max_length_m / 0.0254 << " in");
  CHECK(r32.max_length_m < 0.8 * r16.max_length_m);
}

TEST_CASE("On the measured backplanes the max rate follows the loss: MEGTRON 6 beats Nelco 4000-6",
          "[solvers][maxrate][touchstone][reference]") {
  const auto meg = test::reference_file("touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p");
  const auto nel = test::reference_file("touchstone/TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p");
  if (!meg || !nel) {
    WARN("../shared/data absent: skipping");
    return;
  }
  const std::string rx =
      "[signal]\nrate = \"25.78125 Gb/s\"\nmodulation = \"nrz\"\ntarget_ber = 1e-12\n" +
      transceiver("ffe_pre = [{ min = -0.15, max = 0.0, step = 0.05 }]\nffe_post = [{ min = -0.3, max = 0.0, step = 0.05 }]\n",
                  "ctle_gdc = { from = \"-15 dB\", to = \"0 dB\", step = \"1 dB\" }\ndfe_taps = 12\ndfe_limits = [0.8, 0.3]\n");
  auto max_rate = [&](const std::filesystem::path& file, double& loss_at_12g) {
    const auto cfg = io::load_config_text("[channel]\ntype = \"touchstone\"\nfile = \"" + file.string() + "\"\n" + rx, "w.toml");
    const auto ch = std::make_shared<const channels::ComposedChannel>(*cfg.composed());
    const std::vector<double> f = {12.89e9};
    loss_at_12g = -20.0 * std::log10(std::abs(ch->transfer(f)[0]));
    const TransferFunction h = tabulated_on_demand(
        [ch](std::span<const double> fq, std::span<std::complex<double>> out) {
          const auto t = ch->transfer(fq);
          std::copy(t.begin(), t.end(), out.begin());
        },
        10e6, 800e9);
    auto eye = [&cfg, h](double baud, int levels) {
      auto s = cfg.signalling->at(baud, levels);
      s.samples_per_ui = 16;
      s.refine_candidates = 1;
      return analyze_eye(h, s);
    };
    MaxRateOptions o;
    o.levels = {2};
    o.min_rate_bps = 5e9;
    o.max_rate_bps = 100e9;
    return find_max_rate(eye, o);
  };
  double loss_meg = 0.0, loss_nel = 0.0;
  const auto rm = max_rate(*meg, loss_meg);
  const auto rn = max_rate(*nel, loss_nel);
  REQUIRE(rm.found);
  REQUIRE(rn.found);
  INFO("MEGTRON 6: " << loss_meg << " dB at 12.89 GHz, max " << rm.max_rate_bps / 1e9 << " Gb/s; Nelco 4000-6: "
                     << loss_nel << " dB, max " << rn.max_rate_bps / 1e9 << " Gb/s");
  REQUIRE(loss_meg < loss_nel);
  CHECK(rm.max_rate_bps > rn.max_rate_bps);
}
