// Per-length loss of the shared measured length pairs (../shared/data/touchstone, skipped visibly
// when absent): the 2L-1L difference of the files' own SDD21/S21, and plausible delays.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/touchstone.hpp"
#include "phy/units.hpp"
#include "tests/support/reference_data.hpp"
#include "io/config.hpp"
#include "workflows/length_fit.hpp"
#include "workflows/material_fit.hpp"

using namespace phylane;
using phy::units::inch;

TEST_CASE("TE SMT I/O 4 in / 10 in: the per-inch SDD21 loss is the files' difference over 6 in", "[io][fit][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(f4, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(f10, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", return);
  workflows::MeasuredLength a{io::read_touchstone(*f4), channels::PortOrder::pairs_12_34, 4 * inch, "4in"};
  workflows::MeasuredLength b{io::read_touchstone(*f10), channels::PortOrder::pairs_12_34, 10 * inch, "10in"};
  const auto fit = workflows::fit_lengths({a, b});
  // Independently: SDD21 = (S21 - S23 - S41 + S43) / 2 for lines 1->2, 3->4 (0-based: (1,0), (1,2),
  // (3,0), (3,2)), and (IL10 - IL4) / 6 in, at every frequency: within 0.01 dB/in (issue 16; the
  // same arithmetic, so rounding only: measured < 1e-12).
  auto sdd21_db = [](const channels::Network& n, std::size_t k) {
    const auto s = (n.s(k, 1, 0) - n.s(k, 1, 2) - n.s(k, 3, 0) + n.s(k, 3, 2)) / 2.0;
    return -20.0 * std::log10(std::abs(s));
  };
  double worst = 0.0;
  for (std::size_t k = 0; k < fit.freq_hz.size(); ++k) {
    const double expected = (sdd21_db(b.network, k) - sdd21_db(a.network, k)) / 6.0;
    worst = std::max(worst, std::abs(fit.loss_db_per_m[k] * inch - expected));
  }
  CHECK(worst < 1e-9);
  // Near 12.89 GHz the pair measures ~0.74 dB/in (issue 16); a stripline on a Dk ~3.3-3.5 laminate.
  std::size_t k = 0;
  while (fit.freq_hz[k] < 12.89e9) ++k;
  CHECK(fit.loss_db_per_m[k] * inch == Approx(0.74).margin(0.03));
  CHECK(fit.eps_eff > 3.0);
  CHECK(fit.eps_eff < 4.0);
}

TEST_CASE("openSNPQual 119 mm / 238 mm: S21 per length and a physical delay", "[io][fit][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(f1, "touchstone/pcb_stripline_119mm.s2p", return);
  PHYLANE_REFERENCE_OR_SKIP(f2, "touchstone/pcb_stripline_238mm.s2p", return);
  workflows::MeasuredLength a{io::read_touchstone(*f1), channels::PortOrder::pairs_12_34, 0.119, "119mm"};
  workflows::MeasuredLength b{io::read_touchstone(*f2), channels::PortOrder::pairs_12_34, 0.238, "238mm"};
  const auto fit = workflows::fit_lengths({a, b});
  CHECK(fit.quantity == "S21");
  double worst = 0.0;
  for (std::size_t k = 0; k < fit.freq_hz.size(); ++k) {
    const double expected = (-20.0 * std::log10(std::abs(b.network.s(k, 1, 0))) + 20.0 * std::log10(std::abs(a.network.s(k, 1, 0)))) / 0.119;
    worst = std::max(worst, std::abs(fit.loss_db_per_m[k] - expected) * inch);
  }
  CHECK(worst < 1e-9);
  CHECK(fit.eps_eff > 2.5);
  CHECK(fit.eps_eff < 4.5);
  // The files swapped: the longer "length" loses less: refused.
  a.length_m = 0.238;
  b.length_m = 0.119;
  CHECK_THROWS_WITH(workflows::fit_lengths({b, a}), Catch::Contains("not a physical") || Catch::Contains("slower than light"));
}

// Material fits of the same pairs to a stated cross-section (the files give no complete stack-up,
// so each test states its assumption). The per-length loss is a(f) of the pair; the longer file's
// insertion loss is predicted, independently of the fit's own bookkeeping, as the shorter file's
// plus the fitted line's attenuation Re gamma(f) over the length difference.
namespace {

// max |IL_short + alpha_model (L_long - L_short) - IL_long| [dB] over (0, fmax], from the files' thru terms.
double predicted_il_error_db(const workflows::MaterialFit& mf, const channels::Network& shorter, const channels::Network& longer,
                             double dl_m, double fmax_hz) {
  auto il_db = [](const channels::Network& n, std::size_t k) {
    const auto s = n.ports() == 4 ? (n.s(k, 1, 0) - n.s(k, 1, 2) - n.s(k, 3, 0) + n.s(k, 3, 2)) / 2.0 : n.s(k, 1, 0);
    return -20.0 * std::log10(std::abs(s));
  };
  double worst = 0.0;
  for (std::size_t k = 0; k < shorter.size() && shorter.freq_hz()[k] <= fmax_hz; ++k) {
    const double f = shorter.freq_hz()[k];
    if (!(f > 0.0)) continue;
    const double alpha_db_per_m = 8.685889638065037 * mf.line->at(f, false).gamma.real();
    worst = std::max(worst, std::abs(il_db(shorter, k) + alpha_db_per_m * dl_m - il_db(longer, k)));
  }
  return worst;
}

}  // namespace

TEST_CASE("TE SMT I/O 4 in / 10 in: a fitted 5-6-5 mil stripline reproduces the per-inch loss within 5 % from 1 GHz",
          "[io][fit][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(f4, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", return);
  PHYLANE_REFERENCE_OR_SKIP(f10, "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", return);
  workflows::MeasuredLength a{io::read_touchstone(*f4), channels::PortOrder::pairs_12_34, 4 * inch, "4in"};
  workflows::MeasuredLength b{io::read_touchstone(*f10), channels::PortOrder::pairs_12_34, 10 * inch, "10in"};
  const auto lengths = workflows::fit_lengths({a, b});
  // The header: "5-6-5 Megatron 6 Stripline" (width-space-width, mil). Assumed: 0.6 mil strips and
  // 6.4 mil of dielectric above and below, the height `phylane impedance` solves for 100 ohm
  // differential on MEGTRON 6 (the usual target of such an I/O channel); the fit starts from
  // MEGTRON 6 and HVLP copper.
  const auto cfg = io::load_config_text(R"([channel]
[[channel.segments]]
geometry = "coupled_stripline"
length = "6 in"
width = "5 mil"
spacing = "6 mil"
height = "6.4 mil"
thickness = "0.6 mil"
material = "megtron-6"
foil = "hvlp"
)", "te-smt-io.toml");
  workflows::MaterialFitOptions o;
  o.roughness = phy::RoughnessModel::huray;
  const auto mf = workflows::fit_material(lengths, {4 * inch, 10 * inch}, cfg, 0, o);
  INFO(mf.reason);
  CHECK(mf.converged);
  // The line-line loss (104 ill-conditioned frequencies left out). Measured: 3.5 %
  // at most (at 1.1 GHz), 0.43 % rms, 1.1 to 42 GHz; the plain difference within 4.1 % (1 GHz);
  // Dk 3.415, Df 0.0021 at 10 GHz, a 0.27 um, SR 2.27.
  CHECK(mf.basis == "line-line");
  CHECK(mf.freq_hz.front() == Approx(1.1e9).margin(2e7));
  CHECK(mf.freq_hz.back() == Approx(42e9).margin(1e7));
  CHECK(mf.max_relative_error < 0.05);
  CHECK(mf.difference_max_relative_error < 0.05);
  CHECK(mf.dk == Approx(3.41).margin(0.05));
  // The uncertainties scaled for the residuals' correlation (x 17.6): Dk +/- 0.008, of the order
  // of the spread between roughness models (Hammerstad below: 3.439).
  CHECK(mf.uncertainty_inflation > 5.0);
  CHECK(mf.parameters[0].uncertainty > 0.003);
  // The longer file from the shorter plus 6 in of the fitted line: within 0.5 dB up to 20 GHz
  // (issue 16); measured 0.065 dB.
  const double il_error = predicted_il_error_db(mf, a.network, b.network, 6 * inch, 20e9);
  INFO("10 in file from the 4 in file: " << il_error << " dB");
  CHECK(il_error < 0.5);
  // Hammerstad (the foil's own model) cannot bend as Huray does: with every frequency weighted
  // alike (the top octave holds half the points) 5.5 % at 1.1 GHz; every octave alike, 4.5 %
  // (1.2 % rms instead of 0.8 %).
  const auto ham = workflows::fit_material(lengths, {4 * inch, 10 * inch}, cfg, 0);
  CHECK(ham.converged);
  CHECK(ham.roughness.model == phy::RoughnessModel::hammerstad);
  CHECK(ham.max_relative_error < 0.06);
  workflows::MaterialFitOptions oct;
  oct.weighting = workflows::FitWeighting::octave;
  const auto ham_oct = workflows::fit_material(lengths, {4 * inch, 10 * inch}, cfg, 0, oct);
  CHECK(ham_oct.converged);
  CHECK(ham_oct.max_relative_error < 0.05);
  CHECK(ham_oct.max_relative_error < ham.max_relative_error);
}

TEST_CASE("openSNPQual 119 mm / 238 mm: a fitted stripline reproduces the line-line loss within 5 % from 1 GHz",
          "[io][fit][reference]") {
  PHYLANE_REFERENCE_OR_SKIP(f1, "touchstone/pcb_stripline_119mm.s2p", return);
  PHYLANE_REFERENCE_OR_SKIP(f2, "touchstone/pcb_stripline_238mm.s2p", return);
  workflows::MeasuredLength a{io::read_touchstone(*f1), channels::PortOrder::pairs_12_34, 0.119, "119mm"};
  workflows::MeasuredLength b{io::read_touchstone(*f2), channels::PortOrder::pairs_12_34, 0.238, "238mm"};
  const auto lengths = workflows::fit_lengths({a, b});
  // The files state no stack-up (README/LICENSE neither). Assumed: a centred stripline at the
  // 42 ohm that `phylane tdr` reads on both files (docs/tdr.md), 3 mil of dielectric above and
  // below, 0.6 mil strip, width 3.81 mil (`phylane impedance --target "42 ohm" --solve width`), VLP
  // copper (Hammerstad). The residual depends on this assumption (docs/fit.md: 5 mil above and
  // below leaves 22 % at 1 GHz: too little copper loss for the data's low-frequency loss). Fitted
  // 1 to 40 GHz: above ~45 GHz the pair's difference is not a line's (launch loss 12 dB and a
  // per-length loss falling to 1.35 dB/in at 66.5 GHz).
  const auto cfg = io::load_config_text(R"([channel]
[[channel.segments]]
geometry = "stripline"
length = "119 mm"
width = "3.81 mil"
height = "3 mil"
thickness = "0.6 mil"
material = "megtron-6"
foil = "vlp"
)", "opensnpqual.toml");
  workflows::MaterialFitOptions o;
  o.fit_to_hz = 40e9;
  const auto mf = workflows::fit_material(lengths, {0.119, 0.238}, cfg, 0, o);
  INFO(mf.reason);
  CHECK(mf.converged);
  CHECK(mf.basis == "line-line");
  CHECK(mf.dk == Approx(3.195).margin(0.05));
  // The line-line loss (launch reflections cancelled; 138 ill-conditioned frequencies below
  // 8 GHz left out): measured 2.84 % at most (9.03 GHz), 0.56 % rms. Issue 16: 5 %.
  CHECK(mf.ill_conditioned_points > 0);
  CHECK(mf.ill_conditioned_points < 200);
  CHECK(mf.freq_hz.front() == Approx(1e9).margin(2e7));
  CHECK(mf.freq_hz.back() == Approx(40e9).margin(1e7));
  CHECK(mf.max_relative_error < 0.05);
  CHECK(mf.rms_relative_error < 0.01);
  // The plain difference ripples by +/-12 % at 1.5 to 4 GHz (launch reflections): the same line
  // misses it by up to 38 % there (measured 38.5 % at 1.07 GHz, 3.1 % rms).
  CHECK(mf.difference_max_relative_error > 0.2);
  CHECK(mf.difference_rms_relative_error < 0.05);
  const double il_error = predicted_il_error_db(mf, a.network, b.network, 0.119, 20e9);
  INFO("238 mm file from the 119 mm file: " << il_error << " dB");
  CHECK(il_error < 0.5);
  // Fitting the plain difference instead: the ripple pulls the fit (measured 39.5 % at 1.07 GHz).
  o.from_difference = true;
  const auto diff = workflows::fit_material(lengths, {0.119, 0.238}, cfg, 0, o);
  CHECK(diff.basis == "difference");
  CHECK(diff.max_relative_error > 0.2);
}
