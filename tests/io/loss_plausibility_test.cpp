// Loss per inch of real stripline designs against published and measured figures
// (tests/reference/loss_per_inch/README.md holds the sources and how the ranges were derived).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "io/config.hpp"
#include "phy/constants.hpp"
#include "phy/strip_bem.hpp"
#include "phy/units.hpp"
#include "tests/support/reference_data.hpp"

using namespace phylane;

namespace {

// A 1-inch differential stripline of the given design.
std::string stripline_text(const std::string& material, const std::string& foil, const std::string& width,
                           const std::string& spacing, const std::string& height) {
  return "[channel]\n[[channel.segments]]\ngeometry = \"coupled_stripline\"\nlength = \"1 in\"\n"
         "width = \"" + width + "\"\nspacing = \"" + spacing + "\"\nheight = \"" + height +
         "\"\nmaterial = \"" + material + "\"\nfoil = \"" + foil + "\"\n";
}

// dB/in of a one-segment differential stripline at f.
double loss_db_per_in(const std::string& material, const std::string& foil, const std::string& width,
                      const std::string& spacing, const std::string& height, double f) {
  const auto cfg = io::load_config_text(stripline_text(material, foil, width, spacing, height), "plausibility.toml");
  const auto p = cfg.copper()->segments()[0].line.at(f);
  return phy::units::nepers_to_db(p.gamma.real()) * phy::units::inch;
}

// Differential impedance of the design with smooth copper, at 10 GHz.
double zdiff(const std::string& material, const std::string& width, const std::string& spacing,
             const std::string& height) {
  const auto cfg = io::load_config_text(stripline_text(material, "smooth", width, spacing, height), "z.toml");
  return cfg.copper()->segments()[0].line.impedance_ohm(1e10);
}

// Independent dB/in of the configured differential stripline at f, from its cross-section and
// materials as resolved by the config (dimensions, Dk(f), conductivity, the foil's Rq), with line
// parameters from the boundary-element solver instead of the closed forms the line uses:
// per strip in the odd mode, L = Z0o_air/c0, C = Dk'/(c0 Z0o_air), G = w Dk''/(c0 Z0o_air), and
// Wheeler's R = Rs (K_s g_s + K_p g_p) with g = (1/mu0) dL/dn from the solver under receding
// walls (Wheeler 1942), K the Hammerstad & Jensen factor 1 + (2/pi) atan(1.4 (Rq/delta)^2);
// alpha = Re sqrt((R + j (w L + Rs g)) (G + j w C)) (the smooth-metal internal reactance Rs g).
double independent_db_per_in(const phy::TransmissionLine& line, double f, double w_m, double s_m, double t_m,
                             double h_m) {
  using namespace phy;
  auto l_odd = [&](double ns, double np) {
    return bem::stripline_pair(w_m - 2 * ns, s_m + 2 * ns, t_m - 2 * ns, h_m + ns + np, h_m + ns + np, 1.0).odd.z0_ohm / c0;
  };
  const double n = 2e-3 * t_m;
  const double l = l_odd(0, 0);
  const double gs = (l_odd(n, 0) - l_odd(-n, 0)) / (2 * n) / mu0;
  const double gp = (l_odd(0, n) - l_odd(0, -n)) / (2 * n) / mu0;
  const double sigma = line.conductor().conductivity_s_per_m;
  const double delta = 1.0 / std::sqrt(pi * f * mu0 * sigma);
  const double rs = 1.0 / (sigma * delta);
  auto hammerstad = [&](const Roughness& r) {
    return r.model == RoughnessModel::none ? 1.0 : 1.0 + 2.0 / pi * std::atan(1.4 * std::pow(r.rms_m / delta, 2));
  };
  const double r = rs * (hammerstad(line.conductor().strip_roughness) * gs + hammerstad(line.conductor().plane_roughness) * gp);
  const auto er = line.dielectric().permittivity(f);
  const double w = 2 * pi * f, z_air = l * c0;
  const std::complex<double> z(r, w * l + rs * (gs + gp)), y(-w * er.imag() / (c0 * z_air), w * er.real() / (c0 * z_air));
  return units::nepers_to_db(std::sqrt(z * y).real()) * units::inch;
}

}  // namespace

TEST_CASE("An 85-ohm differential stripline loses at 16 GHz what is published for its laminate and copper",
          "[channels][plausibility][reference]") {
  // Published ranges of loss per inch at 16 GHz (tests/reference/loss_per_inch/README.md):
  //  sec. 3a, MEGTRON 6 class with HVLP/VLP copper, 0.55-1.1 dB/in: TE SMT I/O and Whisper
  //    channels, openSNPQual measured stripline, vendor notes;
  //  sec. 3b, FR-4 with standard copper, 1.3-3.0 dB/in: Whisper Nelco 4000-6 channel, TI and
  //    Microchip figures scaled to 16 GHz, FR-4 datasheet dielectric loss plus rough-copper
  //    conductor loss.
  // Each design is 4 mil apart and 5 mil from its planes, its width chosen for 85 ohm.
  struct Design {
    const char* material;
    const char* foil;
    const char* width;
    double min_db_per_in, max_db_per_in;
  };
  const Design d = GENERATE(values<Design>({{"megtron-6", "hvlp", "5 mil", 0.55, 1.1},      // sec. 3a
                                            {"fr-4", "standard", "4.5 mil", 1.3, 3.0}}));  // sec. 3b
  REQUIRE(zdiff(d.material, d.width, "4 mil", "5 mil") == Approx(85.0).epsilon(0.03));
  const double l = loss_db_per_in(d.material, d.foil, d.width, "4 mil", "5 mil", 16e9);
  INFO(d.material << " / " << d.foil << ", 85 ohm: " << l << " dB/in at 16 GHz");
  CHECK(l > d.min_db_per_in);
  CHECK(l < d.max_db_per_in);
  // The published ranges are the spread of the data (a factor ~2), not the model's accuracy. The
  // model itself is checked here against the same line computed independently
  // (independent_db_per_in: boundary-element line parameters and the published roughness factor,
  // from the resolved cross-section and materials). Measured at 4, 16 and 40 GHz: within 0.11 %
  // (MEGTRON 6 / HVLP -0.07 ... -0.09 %, FR-4 / standard 0.0 ... +0.11 %). Tolerance 0.3 %.
  // The same design with its thickness written out (0.7 mil, about the default 0.5 oz).
  const auto cfg = io::load_config_text(stripline_text(d.material, d.foil, d.width, "4 mil", "5 mil") +
                                        "thickness = \"0.7 mil\"\n", "i.toml");
  const auto& line = cfg.copper()->segments()[0].line;
  const double w = std::stod(d.width) * phy::units::mil;
  for (double f : {4e9, 16e9, 40e9}) {
    const double ref = independent_db_per_in(line, f, w, 4 * phy::units::mil, 0.7 * phy::units::mil, 5 * phy::units::mil);
    const double got = phy::units::nepers_to_db(line.at(f).gamma.real()) * phy::units::inch;
    INFO("f = " << f / 1e9 << " GHz: " << got << " dB/in vs independent " << ref);
    CHECK(got == Approx(ref).epsilon(0.003));
  }
}

TEST_CASE("The TE 5-6-5 mil MEGTRON 6 stripline's launch-free loss per inch is reproduced",
          "[channels][plausibility][reference]") {
  // Reference: (SDD21 of the 10 in model - SDD21 of the 4 in model) / 6 in, computed with
  // scikit-rf by tests/reference/loss_per_inch/measured_loss_per_inch.py from the TE SMT I/O
  // files of ../shared/data (a vendor model of a 5-6-5 mil MEGTRON 6 stripline; foil and
  // stack-up not stated). phylane models it as 100 ohm (h = 6.5 mil each side) with VLP copper.
  // Tolerance 20 %: the unknown stack-up height and foil alone move the model by about that much.
  const std::map<double, double> reference = {{8e9, 0.51265}, {12.89e9, 0.7355}, {16e9, 0.86841}};
  REQUIRE(zdiff("megtron-6", "5 mil", "6 mil", "6.5 mil") == Approx(100.0).epsilon(0.03));
  for (const auto& [f, ref] : reference) {
    const double l = loss_db_per_in("megtron-6", "vlp", "5 mil", "6 mil", "6.5 mil", f);
    INFO("f = " << f / 1e9 << " GHz: phylane " << l << " dB/in, TE model " << ref);
    CHECK(l == Approx(ref).epsilon(0.20));
  }
}
