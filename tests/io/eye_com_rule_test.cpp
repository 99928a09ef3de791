// COM's sampling rule and PDFs as options of `phylane eye` ([rx] sampling, pdf; docs/eye.md):
// an eye config equivalent to a `phylane com` case (100GBASE-KR4 sheet, package case 1:
// com_package blocks on both sides, the sheet's CTLE, Rx filter, noise, jitter and DFE, the Tx FFE
// and g_DC pinned to what `phylane com` chose) against `phylane com` on measured channels, and the
// keys' plumbing and refusals. Skips visibly when ../shared/data is absent.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <span>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "io/com_sheet.hpp"
#include "io/config.hpp"
#include "io/embedded.hpp"
#include "io/touchstone.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/pulse_response.hpp"
#include "solvers/com.hpp"
#include "tests/support/input_text.hpp"
#include "tests/support/reference_data.hpp"
#include "workflows/com.hpp"
#include "workflows/eye.hpp"

using namespace phylane;
using Catch::Matchers::Contains;

namespace {

// The eye config of the KR4 sheet's COM case 1 around `s4p` (docs/eye.md, "Sampling rule and
// COM's PDFs"): terminations 2 R_d = 110 ohm (93A-17), A_v = 0.4 V, no Tx edge (the sheet's
// FORCE_TR is false), the 93A-20 Butterworth at 0.75 f_b, eta_0, SNR_TX, sigma_RJ = 0.01 UI, A_DD
// = 0.05 UI (dj = 2 A_DD), 14 DFE taps at b_max = 1, DER_0 = 1e-5 as the target (NRZ: SER = BER),
// COM's record (1500 UI, 12 before the peak), and the equalizer given.
std::string com_eye_config(const std::filesystem::path& s4p, double g_dc_db, double c_pre, double c_post,
                           const std::string& rx_extra) {
  std::ostringstream os;
  os.precision(17);
  os << "name = \"KR4 COM case 1 as an eye\"\n[channel]\ndriver = { impedance = \"110 ohm\" }\n"
        "receiver = { impedance = \"110 ohm\" }\n"
        "[[channel.segments]]\nkind = \"com_package\"\nside = \"tx\"\npackage_case = 1\n"
        "[[channel.segments]]\nkind = \"touchstone\"\nfile = \""
     << s4p.string()
     << "\"\n[[channel.segments]]\nkind = \"com_package\"\nside = \"rx\"\npackage_case = 1\n"
        "[signal]\nrate = \"25.78125 GBd\"\nmodulation = \"nrz\"\ntarget_ber = 1e-5\nsamples_per_ui = 32\n"
        "record_ui = 1500\nprecursor_ui = 12\n"
        "[tx]\nswing = \"0.8 V\"\nffe_pre = ["
     << c_pre << "]\nffe_post = [" << c_post
     << "]\nrj = \"0.01 UI\"\ndj = \"0.1 UI\"\nsnr = \"27 dB\"\n"
        "[rx]\nnoise_psd = \"5.2e-8 V^2/GHz\"\nfilter = \"butterworth\"\nfilter_order = 4\nbandwidth_ratio = 0.75\n"
        "ctle = \"com\"\nctle_gdc = { from = \""
     << g_dc_db << " dB\", to = \"" << g_dc_db << " dB\", step = \"1 dB\" }\ndfe_taps = 14\ndfe_limits = [1.0]\n"
     << rx_extra;
  return os.str();
}

// A small copper eye config for the keys' plumbing.
std::string small_config(const std::string& rx_extra) {
  return test::fr408hr_route_channel("4 in") +
         "[signal]\nrate = \"16 GT/s\"\nmodulation = \"nrz\"\n[tx]\nswing = \"0.8 V\"\n[rx]\ndfe_taps = 2\n" + rx_extra;
}

}  // namespace

TEST_CASE("The eye with COM's sampling rule and PDFs reproduces phylane com's case on measured channels",
          "[io][eye][com][reference]") {
  // Two comparisons per channel (figures in docs/eye.md, "Against phylane com"):
  // 1. `phylane eye` on the config against `phylane com`: the eye's pulse is the exact 1-UI
  //    rectangle through the band-limited channel, COM's the reference code's M-sample box sum
  //    through 4.15's continuation of the filtered data above the data's band (docs/com.md), with
  //    sigma_N summed to the data's last frequency: tolerances as measured on these files.
  // 2. The same eye with COM's pulse (the channel times com_box_sum_ratio, as com_case forms it)
  //    against com_case on the band-limited thru (no continuation, sigma_N over the whole grid):
  //    then only the channel's composition differs (package blocks around the tapered 4-port
  //    against the package chain around the tapered SDD21) and the two must agree closely.
  int checked = 0;
  // The KR4 NRZ thrus of the COM comparisons (docs/com.md); Peters T20's point is 1.9 UI before
  // its peak, far outside the statistical eye's default window.
  for (const char* name :
       {"TEC_SMT_IO_42GHz_Thru_B5B6_4in", "TEC_SMT_IO_42GHz_Thru_B5B6_10in", "TEC_Whisper42p8in_Meg6_THRU_C8C9",
        "TEC_Whisper42p8in_Nelco6_THRU_C8C9", "peters_01_0605_B1_thru", "peters_01_0605_B12_thru", "peters_01_0605_T20_thru",
        "CABLE1_TX_pair", "Case4_FM_13SI_20_T_D13_L6"}) {
    PHYLANE_REFERENCE_OR_SKIP(file, std::string("touchstone/") + name + ".s4p", continue);
    workflows::ComRequest rq;
    rq.thru = {io::read_touchstone(*file), name};
    const solvers::ComParameters p = io::embedded_com_sheet("100gbase-kr4", {"z_p select=[1]"});
    const auto com = workflows::com(p, rq);
    REQUIRE(com.cases.size() == 1);
    const auto& c = com.cases[0];
    const auto& taps = c.equalizer.tx_ffe.taps;
    REQUIRE(taps.size() == 3);  // c(-1), c(0), c(1)
    const auto link = io::load_config_text(com_eye_config(*file, c.equalizer.g_dc_db, taps[0], taps[2],
                                                          "sampling = \"com\"\npdf = \"com\"\n"),
                                           std::string(name) + ".toml");
    const auto eye = workflows::eye(link).analysis;
    INFO(name << ": phylane com " << c.com_db << " dB, A_s " << c.a_s_v << " V, A_ni " << c.a_ni_v << " V, cursor "
              << c.cursor_ui << " UI; eye " << eye.com.margin_db << " dB, " << eye.com.a_s_v << " V, "
              << eye.com.a_ni_v << " V, " << eye.com.sampling_ui << " UI");
    REQUIRE(eye.com.pdf);
    CHECK(eye.equalizer.ctle.label() == "COM g_DC=" + std::to_string(static_cast<int>(c.equalizer.g_dc_db)) + " dB");
    CHECK(eye.eye.margin_db == eye.com.margin_db);
    // Measured on the nine files: the point equal or one sample (1/32 UI) earlier (TEC 4 in,
    // 10 in, Meg6: the box sum's half-sample advance), A_s within 1.65 %, A_ni within 3.4 %, COM
    // within 0.235 dB (Peters T20); tolerances a little above.
    CHECK(std::abs(eye.com.sampling_ui - c.cursor_ui) <= 1.0 / 32 + 1e-12);
    CHECK(std::abs(eye.com.a_s_v / c.a_s_v - 1.0) < 0.02);
    CHECK(std::abs(eye.com.a_ni_v / c.a_ni_v - 1.0) < 0.04);
    CHECK(std::abs(eye.com.margin_db - c.com_db) < 0.3);
    // COM's PDFs and the statistical eye's at the same point: 0.001 ... 0.054 dB apart (Meg6).
    CHECK(std::abs(eye.com.margin_db - eye.com.statistical_margin_db) < 0.06);

    // 2. COM's pulse in the eye against com_case on the band-limited thru.
    channels::EyeLinkSpec spec = link.signalling->spec;
    spec.passive_channel = link.passive_transfer();
    spec.zero_above_hz = link.zero_above_hz();
    const double dt = 1.0 / (p.f_b_baud * p.samples_per_ui);
    const channels::TransferFunction h = channels::transfer_function(link);
    const channels::TransferFunction boxed([h, dt](std::span<const double> f, std::span<std::complex<double>> out) {
      h(f, out);
      for (std::size_t k = 0; k < f.size(); ++k) out[k] *= solvers::com_box_sum_ratio(f[k], dt);
    });
    const auto eb = solvers::analyze_eye(boxed, spec);
    const solvers::ComPath band{solvers::ComPathKind::thru,
                                channels::BandLimitedNetwork(workflows::com_differential(rq.thru, p.port_order)), name};
    solvers::PulseResponseEngine engine;
    // COM's equalizer pinned as in the eye (the sheet's grid reduced to that setting).
    const auto pinned = io::embedded_com_sheet(
        "100gbase-kr4", {"z_p select=[1]", "g_DC=" + std::to_string(c.equalizer.g_dc_db), "c(-1)=" + std::to_string(taps[0]),
                         "c(1)=" + std::to_string(taps[2])});
    const auto cb = solvers::com_case(pinned, 1, band, {}, engine);
    INFO("band-limited com_case " << cb.com_db << " dB, A_s " << cb.a_s_v << " V, A_ni " << cb.a_ni_v << " V, cursor "
                                  << cb.cursor_ui << " UI, Tx FFE " << cb.equalizer.tx_ffe.taps[0] << " "
                                  << cb.equalizer.tx_ffe.taps[2] << "; boxed eye " << eb.com.margin_db << " dB, "
                                  << eb.com.a_s_v << " V, " << eb.com.a_ni_v << " V, " << eb.com.sampling_ui << " UI");
    // Measured: the same sampling point on all nine, A_s within 2.0e-4, A_ni within 3.4e-3, COM
    // within 0.030 dB (the three Peters files, data to 15 GHz; the other six within 1.2e-4 and
    // 0 dB: the same grid bin).
    CHECK(eb.com.sampling_ui == cb.cursor_ui);
    CHECK(std::abs(eb.com.a_s_v / cb.a_s_v - 1.0) < 3e-4);
    CHECK(std::abs(eb.com.a_ni_v / cb.a_ni_v - 1.0) < 4e-3);
    CHECK(std::abs(eb.com.margin_db - cb.com_db) < 0.04);
    ++checked;
  }
  if (checked > 0) CHECK(checked == 9);
}

TEST_CASE("[rx] sampling and pdf: read, resolved only when given, and refused with the key, value and what is allowed",
          "[io][eye][com][unit]") {
  const auto plain = io::load_config_text(small_config(""), "t.toml");
  CHECK(plain.signalling->spec.sampling == channels::EyeSampling::tallest);
  CHECK(plain.signalling->spec.pdf == channels::EyePdf::statistical);
  CHECK(plain.resolved_toml.find("sampling") == std::string::npos);  // defaults leave the resolved config as before

  const auto com = io::load_config_text(small_config("sampling = \"com\"\npdf = \"com\"\n"), "t.toml");
  CHECK(com.signalling->spec.sampling == channels::EyeSampling::com);
  CHECK(com.signalling->spec.pdf == channels::EyePdf::com);
  CHECK(io::load_config_text(small_config("sampling = \"com-peak\"\n"), "t.toml").signalling->spec.sampling ==
        channels::EyeSampling::com_peak);
  CHECK(io::load_config_text(small_config("sampling = \"com-rise\"\n"), "t.toml").signalling->spec.sampling ==
        channels::EyeSampling::com_rise);
  // At another rate (maxrate, reach) the spec keeps them.
  CHECK(com.signalling->at(20e9, 4).pdf == channels::EyePdf::com);

  CHECK_THAT(test::config_errors(small_config("sampling = \"mm\"\n")),
             Contains("rx.sampling") && Contains("mm") && Contains("tallest, com, com-peak, com-rise"));
  CHECK_THAT(test::config_errors(small_config("pdf = \"gaussian\"\n")),
             Contains("rx.pdf") && Contains("gaussian") && Contains("statistical, com"));
  CHECK_THAT(test::config_errors(small_config("pdf = \"com\"\n")),
             Contains("rx.pdf") && Contains("com") && Contains("rx.sampling = \"com\""));
  CHECK_THAT(test::config_errors(small_config("sampling = \"com\"\ndfe_limits = [\"50 mV\"]\n")),
             Contains("rx.dfe_limits[1]") && Contains("50 mV") && Contains("relative"));
}

TEST_CASE("pdf = com is refused on an optical link, naming the key", "[io][eye][com][unit]") {
  std::string text(*io::embedded_file("presets/dr-200g-lane.toml"));
  const std::string rx = "\n[rx]\n";
  const auto at = text.find(rx);
  const std::string add = "sampling = \"com\"\npdf = \"com\"\n";
  if (at != std::string::npos) text.insert(at + rx.size(), add);
  else text += rx + add;
  CHECK_THAT(test::input_errors([&] { io::load_config_text(text, "o.toml"); }),
             Contains("rx.pdf") && Contains("optical receiver"));
}
