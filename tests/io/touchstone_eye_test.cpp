// The eye on real measured/simulated channels (../shared/data): as the standards assume, NRZ at
// about 10 dB of loss at Nyquist is open without equalization, and at about 35 dB only with CTLE
// and DFE.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "io/config.hpp"
#include "solvers/eye_analysis.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;
using namespace phylane::solvers;

namespace {

// Frequency where the channel's SDD21 loss first reaches `loss_db`.
double frequency_at_loss(const channels::ComposedChannel& ch, double loss_db) {
  std::vector<double> f;
  for (double x = 1e8; x < 40e9; x += 2.5e7) f.push_back(x);
  const auto h = ch.transfer(f);
  for (std::size_t k = 0; k < f.size(); ++k)
    if (-20 * std::log10(std::abs(h[k])) >= loss_db) return f[k];
  return f.back();
}

EyeLinkSpec nrz(double baud, bool equalized) {
  EyeLinkSpec s;
  s.symbol_rate_baud = baud;
  s.levels = 2;
  s.tx_amplitude_v = 0.4;
  s.tx_edge = TxEdgeFilter::gaussian(0.25 / baud);
  s.rx_filter = RxFilter::butterworth(4, 0.75 * baud);
  s.noise_psd_v2_per_hz = 5.2e-17;
  s.jitter = {0.01, 0.05};
  s.target_ber = 1e-12;
  if (equalized) {
    s.ctle = com_ctle_family(baud, -15.0, 0.0, 1.0);
    s.ffe_pre = {{-0.15, 0.0, 0.05}};
    s.ffe_post = {{-0.3, 0.0, 0.05}};
    s.dfe_taps = 12;
    s.dfe_limits.max_rel = {0.8, 0.3};
  }
  return s;
}

}  // namespace

TEST_CASE("On the MEGTRON 6 backplane, NRZ at 10 dB Nyquist loss is open unequalized and at 35 dB only with CTLE+DFE",
          "[solvers][eye][touchstone][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(file, "touchstone/TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", return);
  const auto cfg = io::load_config_text("[channel]\ntype = \"touchstone\"\nfile = \"" + file->string() + "\"\n", "w.toml");
  REQUIRE(cfg.composed());
  const auto ch = std::make_shared<const channels::ComposedChannel>(*cfg.composed());
  const TransferFunction h = [ch](std::span<const double> f, std::span<std::complex<double>> out) {
    const auto t = ch->transfer(f);
    std::copy(t.begin(), t.end(), out.begin());
  };
  {
    const double baud = 2.0 * frequency_at_loss(*ch, 10.0);
    INFO("10 dB at Nyquist: " << baud / 1e9 << " GBd");
    const auto bare = analyze_eye(h, nrz(baud, false));
    CHECK(bare.eye.status == EyeStatus::open);
  }
  {
    const double baud = 2.0 * frequency_at_loss(*ch, 35.0);
    INFO("35 dB at Nyquist: " << baud / 1e9 << " GBd");
    const auto bare = analyze_eye(h, nrz(baud, false));
    CHECK(bare.eye.status == EyeStatus::closed);
    const auto eq = analyze_eye(h, nrz(baud, true));
    INFO("equalized margin " << eq.eye.margin_db << " dB, CTLE " << eq.equalizer.ctle.label());
    CHECK(eq.eye.status == EyeStatus::open);
  }
}
