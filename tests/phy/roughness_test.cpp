// Surface-roughness loss factors.
#include <catch2/catch.hpp>

#include <cmath>

#include "phy/constants.hpp"
#include "phy/roughness.hpp"

using namespace phylane::phy;

TEST_CASE("Hammerstad factor goes from 1 to 2 and equals 1 + (2/pi) atan(1.4) at Rq = delta",
          "[phy][roughness][reference]") {
  // Hammerstad & Jensen 1980, K = 1 + (2/pi) atan(1.4 (Rq/delta)^2), evaluated by hand (calculator,
  // 7 digits) at Rq/delta = 1, 2 and 1/2: 1.605137, 1.887504, 1.214334. Tolerance: the digits given.
  CHECK(hammerstad_factor(1e-6, 1e-6) == Approx(1.605137).epsilon(1e-6));
  CHECK(hammerstad_factor(2e-6, 1e-6) == Approx(1.887504).epsilon(1e-6));
  CHECK(hammerstad_factor(0.5e-6, 1e-6) == Approx(1.214334).epsilon(1e-6));
  CHECK(hammerstad_factor(1e-6, 1e-3) == Approx(1.0).epsilon(1e-5));   // smooth at low frequency
  CHECK(hammerstad_factor(1e-6, 1e-9) == Approx(2.0).epsilon(1e-5));   // saturates at 2
  Roughness r{RoughnessModel::hammerstad, 0.5e-6};
  CHECK(r.high_frequency_limit() == 2.0);
}

TEST_CASE("Huray factor rises monotonically toward its high-frequency bound", "[phy][roughness][property]") {
  Roughness r;
  r.model = RoughnessModel::huray;
  r.nodule_radius_m = 0.5e-6;
  r.surface_ratio = 3.0;
  const double limit = r.high_frequency_limit();
  CHECK(limit == Approx(1.0 + 1.5 * 3.0).epsilon(1e-12));
  double prev = 1.0;
  for (double delta = 1e-4; delta > 1e-9; delta /= 1.3) {
    const double k = r.factor(delta);
    CHECK(k >= prev);
    CHECK(k <= limit);
    prev = k;
  }
  CHECK(prev == Approx(limit).epsilon(1e-2));
  // Huray 2010, K = 1 + (3/2) SR / (1 + delta/a + delta^2/(2 a^2)), by hand for SR = 3, a = 0.5 um:
  // delta = a: 1 + 4.5/2.5 = 2.8; delta = 2a: 1 + 4.5/5 = 1.9; delta = a/2: 1 + 4.5/1.625 = 3.769231.
  CHECK(r.factor(0.5e-6) == Approx(2.8).epsilon(1e-12));
  CHECK(r.factor(1e-6) == Approx(1.9).epsilon(1e-12));
  CHECK(r.factor(0.25e-6) == Approx(3.769231).epsilon(1e-6));
}

TEST_CASE("Groisse factor goes from 1 to 2", "[phy][roughness][property]") {
  CHECK(groisse_factor(1e-6, 1e-3) == Approx(1.0).epsilon(1e-9));
  CHECK(groisse_factor(1e-6, 1e-9) == Approx(2.0).epsilon(1e-3));
  // Groisse et al. 1996, K = 1 + exp(-(delta/(2 Rq))^1.6), by hand: delta = 2 Rq gives 1 + 1/e =
  // 1.367879; delta = Rq gives 1.719012; delta = 4 Rq gives 1.048246.
  CHECK(groisse_factor(1e-6, 2e-6) == Approx(1.367879).epsilon(1e-6));
  CHECK(groisse_factor(1e-6, 1e-6) == Approx(1.719012).epsilon(1e-6));
  CHECK(groisse_factor(1e-6, 4e-6) == Approx(1.048246).epsilon(1e-6));
}

TEST_CASE("Roughness parameters out of range are rejected with the parameter named", "[phy][roughness][unit]") {
  Roughness r;
  r.model = RoughnessModel::huray;
  r.nodule_radius_m = -1.0;
  CHECK_THROWS_WITH(r.validate(), Catch::Contains("nodule radius"));
  CHECK(parse_roughness_model("huray") == RoughnessModel::huray);
  CHECK_FALSE(parse_roughness_model("hurray").has_value());
}

namespace {
// Direct Kramers-Kronig reactance of the roughness excess dR(w) = (K(w) - 1) Rs(w), in the
// frequency domain: dX(w) = (2w/pi) P Int_0^inf [dR(w') - dR(w)] / (w'^2 - w^2) dw'
// (the subtracted dR(w) integrates to zero in principal value). Independent of the scale-free
// table inside Roughness::surface_factor. Trapezoid rule on a log grid offset from w.
double kk_reactance(const Roughness& r, double f, double sigma) {
  auto delta = [&](double ff) { return 1.0 / std::sqrt(pi * ff * mu0 * sigma); };
  auto dr = [&](double ff) { return (r.factor(delta(ff)) - 1.0) * std::sqrt(pi * ff * mu0 / sigma); };
  const double drf = dr(f);
  const int n = 200000;
  const double h = 80.0 / n;
  const double t0 = std::log(f) - 40.0 + 0.5 * h;
  double sum = 0.0;
  for (int k = 0; k < n; ++k) {
    const double fp = std::exp(t0 + k * h);
    sum += (dr(fp) - drf) / (fp * fp - f * f) * fp;
  }
  return 2.0 * f / pi * sum * h;
}
}  // namespace

TEST_CASE("The causal roughness reactance is the Kramers-Kronig transform of the excess resistance",
          "[phy][roughness][reference]") {
  // Tolerance 0.3 % of the excess resistance scale: table interpolation and both quadratures.
  const double sigma = 5.8e7;
  Roughness hu;
  hu.model = RoughnessModel::huray;
  hu.nodule_radius_m = 0.5e-6;
  hu.surface_ratio = 2.0;
  Roughness ha{RoughnessModel::hammerstad, 0.8e-6};
  Roughness gr{RoughnessModel::groisse, 0.8e-6};
  for (const Roughness* r : {&hu, &ha, &gr}) {
    for (double f : {1e8, 1e9, 5e9, 2e10, 1e11}) {
      const double delta = 1.0 / std::sqrt(pi * f * mu0 * sigma);
      const double rs = std::sqrt(pi * f * mu0 / sigma);
      const auto sf = r->surface_factor(delta);
      const double dx_table = (sf.imag() - 1.0) * rs;
      const double dx_kk = kk_reactance(*r, f, sigma);
      const double scale = (r->high_frequency_limit() - 1.0) * rs;
      INFO(to_string(r->model) << " at f = " << f << ": table " << dx_table << ", KK " << dx_kk);
      CHECK(std::abs(dx_table - dx_kk) < 3e-3 * scale);
      CHECK(sf.real() == Approx(r->factor(delta)).epsilon(1e-15));
    }
  }
  // Smooth metal: (1 + j), its own Hilbert pair.
  CHECK(Roughness{}.surface_factor(1e-6) == std::complex<double>(1.0, 1.0));
}
