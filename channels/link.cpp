#include "channels/link.hpp"

#include <stdexcept>
#include <type_traits>

namespace phylane::channels {

double LinkSignalling::min_eye_height_for(int levels) const {
  const auto it = min_eye_height_by_levels.find(levels);
  return it != min_eye_height_by_levels.end() ? it->second : min_eye_height_v;
}

double LinkSignalling::min_eye_width_for(int levels) const {
  const auto it = min_eye_width_by_levels.find(levels);
  return it != min_eye_width_by_levels.end() ? it->second : min_eye_width_ui;
}

const Fec& LinkSignalling::fec_for(int levels) const {
  const auto it = fec_by_levels.find(levels);
  const std::string& name = it != fec_by_levels.end() ? it->second : fec;
  const Fec* f = find_fec(name);
  if (!f) throw std::invalid_argument("[signal] fec = \"" + name + "\": must be " + allowed_fecs());
  return *f;
}

double LinkSignalling::target_ber_for(int levels) const {
  const Fec& f = fec_for(levels);
  return target_ber_given || f.pre_fec_ber <= 0.0 ? target_ber : f.pre_fec_ber;
}

EyeLinkSpec LinkSignalling::at(double baud, int levels) const {
  if (!(baud > 0.0)) throw std::invalid_argument("eye: symbol rate must be > 0");
  if (levels < 2) throw std::invalid_argument("eye: levels must be >= 2");
  EyeLinkSpec s = spec;
  s.symbol_rate_baud = baud;
  s.levels = levels;
  s.target_ber = target_ber_for(levels);
  if (recipe.rx_type != RxFilterType::none) {
    const double f3db = recipe.rx_bandwidth_hz > 0.0 ? recipe.rx_bandwidth_hz : recipe.rx_bandwidth_ratio * baud;
    s.rx_filter = RxFilter::make(recipe.rx_type, recipe.rx_order, f3db);
  }
  if (recipe.ctle == CtleType::com) {
    s.ctle.clear();
    const double fz = recipe.ctle_fz_hz > 0.0 ? recipe.ctle_fz_hz : baud / 4.0;
    const double fp1 = recipe.ctle_fp1_hz > 0.0 ? recipe.ctle_fp1_hz : baud / 4.0;
    const double fp2 = recipe.ctle_fp2_hz > 0.0 ? recipe.ctle_fp2_hz : baud;
    for (double g : recipe.ctle_gdc_db) s.ctle.push_back(Ctle::com(g, fz, fp1, fp2));
  } else if (recipe.ctle == CtleType::com_ck) {
    s.ctle.clear();
    const double fz = recipe.ctle_fz_hz > 0.0 ? recipe.ctle_fz_hz : baud / 2.5;
    const double fp1 = recipe.ctle_fp1_hz > 0.0 ? recipe.ctle_fp1_hz : baud / 2.5;
    const double fp2 = recipe.ctle_fp2_hz > 0.0 ? recipe.ctle_fp2_hz : baud;
    const double flf = recipe.ctle_flf_hz > 0.0 ? recipe.ctle_flf_hz : baud / 80.0;
    for (double g2 : recipe.ctle_gdc2_db)
      for (double g : recipe.ctle_gdc_db) s.ctle.push_back(Ctle::com_ck(g, g2, fz, fp1, fp2, flf));
  }
  if (recipe.rj_s >= 0.0) s.jitter.rj_rms_ui = recipe.rj_s * baud;
  if (recipe.dj_s >= 0.0) s.jitter.dj_pp_ui = recipe.dj_s * baud;
  // Optical levels: the noise per level depends on M (the levels' powers).
  if (!s.sigma_per_level_v.empty() && static_cast<int>(s.sigma_per_level_v.size()) != levels) s.sigma_per_level_v.clear();
  return s;
}

bool Link::has_transfer_function() const {
  if (std::holds_alternative<std::monostate>(channel)) return false;
  const auto* s = sampled();
  return s == nullptr || s->impulse;
}

TransferFunction transfer_function(const Link& link) {
  return std::visit(
      [&link](const auto& ch) -> TransferFunction {
        using T = std::decay_t<decltype(ch)>;
        if constexpr (std::is_same_v<T, CopperChannel>) return copper_transfer_function(ch);
        else if constexpr (std::is_same_v<T, ComposedChannel>) return composed_transfer_function(ch);
        else if constexpr (std::is_same_v<T, OpticalLink>) return optical_transfer_function(ch);
        else if constexpr (std::is_same_v<T, SampledResponse>) {
          if (!ch.impulse)
            throw std::invalid_argument(link.source + ": a pulse-response channel has no frequency response (give an impulse response)");
          return impulse_transfer_function(ch.values_v, ch.dt_s);
        } else {
          throw std::invalid_argument(link.source + ": the link has no channel");
        }
      },
      link.channel);
}

std::vector<SegmentInfo> trace_infos(const Link& link) {
  std::vector<SegmentInfo> out;
  for (const auto& s : link.segments)
    if (s.geometry == "stripline" || s.geometry == "coupled_stripline" || s.geometry == "microstrip" ||
        s.geometry == "coupled_microstrip" || s.geometry == "twinax")
      out.push_back(s);
  return out;
}

}  // namespace phylane::channels
