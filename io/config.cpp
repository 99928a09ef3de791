#include "io/config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <system_error>
#include <fstream>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "io/detail/config_table.hpp"
#include "io/detail/material_parse.hpp"
#include "io/detail/crosstalk_reader.hpp"
#include "io/detail/eye_reader.hpp"
#include "io/detail/touchstone_block.hpp"
#include "io/detail/optical_reader.hpp"
#include "io/detail/pulse_reader.hpp"
#include "io/detail/toml_reader.hpp"
#include "io/com_sheet.hpp"
#include "io/embedded.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "channels/com_package.hpp"
#include "channels/composed_channel.hpp"
#include "channels/elements.hpp"
#include "channels/network_ops.hpp"
#include "phy/bem_stripline.hpp"
#include "phy/conductor.hpp"
#include "phy/constants.hpp"
#include "phy/microstrip.hpp"
#include "phy/stripline.hpp"
#include "phy/twinax.hpp"
#include "solvers/com_parameters.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/parallel.hpp"
#include "workflows/engine_limits.hpp"

namespace phylane::io {

namespace {

using detail::Context;
using detail::Rule;
using detail::TableReader;
using detail::one_of_names;

const char* const kGeometries = "stripline, coupled_stripline, microstrip, coupled_microstrip, twinax";

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

struct Materials {
  // Built-in + the config's own entries, made on first use: a link of Touchstone blocks and lumped
  // parts never parses the built-in library (2-3 % of such a question's time).
  MaterialLibrary& lib() {
    if (!lib_) lib_ = MaterialLibrary::builtin();
    return *lib_;
  }
  std::vector<std::string> used_diel;  // ids to copy into the resolved config
  std::vector<std::string> used_foil;

 private:
  std::optional<MaterialLibrary> lib_;
};

// Resolves the `foil` (or `plane_foil`) key: a library id or an inline table.
std::optional<phy::Roughness> read_foil(TableReader& seg, std::string_view key,
                                        std::optional<phy::RoughnessModel> model_override,
                                        Materials& mats, std::string& label, bool required) {
  if (!seg.has(key)) {
    seg.accept(key);
    if (required) seg.context().error(&seg.input(), seg.key_path(key), "",
                                      "missing required key: a foil id (" + join(mats.lib().foil_ids()) +
                                          ") or an inline table {model = ..., rq = ..., nodule_radius = ..., surface_ratio = ...}");
    return std::nullopt;
  }
  const toml::node* n = seg.input().get(key);
  FoilProfile foil;
  if (n->is_table()) {
    auto t = seg.table(key, true);
    foil = detail::parse_foil(*t, "inline");
    label = "inline";
  } else {
    auto id = seg.text(key, true);
    if (!id) return std::nullopt;
    const FoilProfile* f = mats.lib().find_foil(*id);
    if (!f) {
      const std::string guess = closest_match(*id, mats.lib().foil_ids());
      seg.context().error(n, seg.key_path(key), detail::node_text(*n),
                          "unknown foil" + (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") +
                              " (library: " + join(mats.lib().foil_ids()) + ")");
      return std::nullopt;
    }
    foil = *f;
    label = f->id;
    mats.used_foil.push_back(f->id);
  }
  const phy::RoughnessModel m = model_override.value_or(foil.model);
  phy::Roughness r = foil.roughness(m);
  try {
    r.validate();
    if (m == phy::RoughnessModel::huray && !(r.nodule_radius_m > 0.0))
      throw std::invalid_argument("the huray model needs the foil's nodule_radius and surface_ratio");
    if ((m == phy::RoughnessModel::hammerstad || m == phy::RoughnessModel::groisse) && !(r.rms_m > 0.0))
      throw std::invalid_argument("the " + std::string(phy::to_string(m)) +
                                  " model needs the foil's rms roughness rq");
  } catch (const std::invalid_argument& e) {
    seg.context().error(n, seg.key_path(key), detail::node_text(*n), e.what());
    return std::nullopt;
  }
  return r;
}

std::optional<phy::Dielectric> read_dielectric(TableReader& seg, Materials& mats, channels::SegmentInfo& info) {
  const bool has_material = seg.has("material");
  const bool has_inline = seg.has("dk") || seg.has("df") || seg.has("at");
  const auto model = seg.choice<phy::DielectricModel>("dielectric_model", phy::parse_dielectric_model,
                                                      phy::dielectric_model_names(),
                                                      "djordjevic-sarkar");
  double dk = 0, df = 0, at = 0;
  if (has_material && has_inline) {
    seg.reject("dk", "give either material = \"id\" or dk/df/at, not both");
    seg.accept("df");
    seg.accept("at");
    seg.accept("material");
    return std::nullopt;
  }
  if (has_material) {
    seg.accept("dk");
    seg.accept("df");
    seg.accept("at");
    auto id = seg.text("material", true);
    if (!id) return std::nullopt;
    const DielectricMaterial* m = mats.lib().find_dielectric(*id);
    if (!m) {
      const std::string guess = closest_match(*id, mats.lib().dielectric_ids());
      seg.context().error(seg.input().get("material"), seg.key_path("material"), "\"" + *id + "\"",
                          "unknown material" +
                              (guess.empty() ? "" : "; did you mean \"" + guess + "\"?") +
                              " (library: " + join(mats.lib().dielectric_ids()) +
                              "; or give dk, df and at inline)");
      return std::nullopt;
    }
    dk = m->dk;
    df = m->df;
    at = m->at_hz;
    info.material = m->id;
    info.material_name = m->name;
    mats.used_diel.push_back(m->id);
  } else {
    seg.accept("material");
    if (!has_inline) {
      seg.context().error(&seg.input(), seg.key_path("material"), "",
                          "missing required key: a material id (" + join(mats.lib().dielectric_ids()) +
                              ") or inline dk, df and at");
      return std::nullopt;
    }
    auto vdk = seg.number("dk", Rule::between(1.0, 100.0), true);
    auto vdf = seg.number("df", Rule::between(0.0, 1.0, true, false), true);
    auto vat = seg.quantity("at", Dimension::frequency, Rule::positive(), true);
    if (!vdk || !vdf || !vat) return std::nullopt;
    dk = *vdk;
    df = *vdf;
    at = *vat;
    info.material = "inline";
    info.material_name = "Dk " + std::to_string(dk).substr(0, 5) + ", Df " + std::to_string(df).substr(0, 6);
  }
  if (!model) return std::nullopt;
  try {
    if (*model == phy::DielectricModel::constant) return phy::Dielectric::constant(dk, df);
    if (!(at > 1e3 && at < 1e12))
      throw std::invalid_argument("the Djordjevic-Sarkar model needs the reference frequency between 1 kHz and 1 THz");
    return phy::Dielectric::djordjevic_sarkar(dk, df, at);
  } catch (const std::invalid_argument& e) {
    seg.context().error(&seg.input(), seg.key_path(has_material ? "material" : "dk"), "", e.what());
    return std::nullopt;
  }
}

// Conductor gauge of a cable: "26 AWG" (also "AWG 26", "26awg", "0000 AWG") or a bare integer;
// the AWG number, or nullopt after reporting the error.
std::optional<int> read_gauge(TableReader& seg) {
  const toml::node* n = seg.input().get("gauge");
  seg.accept("gauge");
  const char* allowed = "must be an AWG gauge such as \"26 AWG\" (0000 ... 56 AWG), or give diameter instead";
  std::optional<int> g;
  if (auto i = n->value<std::int64_t>()) {
    g = static_cast<int>(*i);
  } else if (auto s = n->value<std::string>()) {
    std::string digits;
    for (char c : *s) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
      else if (!std::isspace(static_cast<unsigned char>(c))) digits += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto at = digits.find("awg");
    if (at != std::string::npos) digits.erase(at, 3);
    if (!digits.empty() && digits.size() <= 4 && std::all_of(digits.begin(), digits.end(), ::isdigit) && at != std::string::npos) {
      // 00, 000, 0000 are the gauges below 0 (-1, -2, -3).
      g = digits.size() > 1 && digits.find_first_not_of('0') == std::string::npos ? 1 - static_cast<int>(digits.size())
                                                                                   : std::stoi(digits);
    }
  }
  if (!g || *g < -3 || *g > 56) {
    seg.context().error(n, seg.key_path("gauge"), detail::node_text(*n), allowed);
    return std::nullopt;
  }
  // Into the resolved config as written.
  if (auto s = n->value<std::string>()) seg.output().insert_or_assign("gauge", *s);
  else seg.output().insert_or_assign("gauge", static_cast<std::int64_t>(*g));
  return g;
}

// A segment of shielded twinax cable (geometry = "twinax", docs/cable.md): the pair's wires by
// gauge or diameter, their centre spacing, the circular shield; dielectric and conductor keys as
// for a trace. The wires' surface (foil) is optional: drawn wire is smooth.
std::optional<channels::TraceSegment> read_twinax_segment(TableReader& seg, double default_temperature_c,
                                                          std::optional<phy::LineMode> channel_mode, Materials& mats,
                                                          channels::SegmentInfo& info,
                                                          std::optional<channels::TraceSegment>* common_out) {
  info.geometry = *seg.text("geometry", true);  // "twinax", recorded into the resolved config
  info.field_solver = "closed-form";
  for (auto k : {"width", "thickness", "height", "height_below", "height_above", "plane_thickness", "plane_foil"})
    seg.reject(k, "applies to printed lines; a twinax segment takes gauge or diameter, spacing and shield_diameter");
  seg.reject("field_solver", "twinax uses its closed form (docs/cable.md)");
  const auto length = seg.quantity("length", Dimension::length, Rule::positive(), true);
  std::optional<double> diameter;
  if (seg.has("gauge") && seg.has("diameter")) {
    seg.reject("diameter", "give either gauge or diameter, not both");
    seg.accept("gauge");
  } else if (seg.has("gauge")) {
    if (auto g = read_gauge(seg)) diameter = phy::awg_diameter_m(*g);
    seg.accept("diameter");
  } else if (seg.has("diameter")) {
    diameter = seg.quantity("diameter", Dimension::length, Rule::positive(), true);
    seg.accept("gauge");
  } else {
    seg.accept("gauge");
    seg.accept("diameter");
    seg.context().error(&seg.input(), seg.key_path("gauge"), "",
                        "missing required key: the conductor's gauge (\"26 AWG\") or its diameter");
  }
  const auto spacing = seg.quantity("spacing", Dimension::length, Rule::positive(), true);
  const auto shield_d = seg.quantity("shield_diameter", Dimension::length, Rule::positive(), true);
  const auto shield_t = seg.quantity_or("shield_thickness", Dimension::copper_thickness, Rule::positive(), "10 um");
  const auto shield_sigma = seg.quantity("shield_conductivity", Dimension::conductivity, Rule::between(1e5, 1e9), false);
  const auto temperature = seg.quantity("temperature", Dimension::temperature, Rule::between(-100.0, 300.0), false);
  const auto conductivity = seg.quantity("conductivity", Dimension::conductivity, Rule::between(1e5, 1e9), false);
  std::optional<phy::RoughnessModel> rough_model;
  if (seg.has("roughness_model"))
    rough_model = seg.choice<phy::RoughnessModel>("roughness_model", phy::parse_roughness_model,
                                                  phy::roughness_model_names(), std::nullopt);
  else
    seg.accept("roughness_model");
  const auto dielectric = read_dielectric(seg, mats, info);
  std::string foil_label = "smooth";
  std::optional<phy::Roughness> rough = phy::Roughness{};
  if (seg.has("foil")) rough = read_foil(seg, "foil", rough_model, mats, foil_label, false);
  else seg.accept("foil");
  info.foil = foil_label;
  info.roughness_model = rough ? std::string(phy::to_string(rough->model)) : "";
  if (length && *length > workflows::max_trace_length_m)
    seg.context().error(seg.input().get("length"), seg.key_path("length"), detail::node_text(*seg.input().get("length")),
                        "must be a positive length up to 1 km (1000 m), the longest line phylane computes");
  seg.finish();
  if (!length || *length > workflows::max_trace_length_m || !diameter || !spacing || !shield_d || !shield_t ||
      !dielectric || !rough)
    return std::nullopt;

  const double t_c = temperature.value_or(default_temperature_c);
  const double sigma = conductivity ? conductivity.value() / (1.0 + phy::copper_temperature_coefficient *
                                                                        (t_c - phy::copper_reference_temperature_c))
                                    : phy::copper_conductivity(t_c);
  // The shield's conductivity is taken at the same temperature, with copper's coefficient.
  const double ratio = shield_sigma ? *shield_sigma / (1.0 + phy::copper_temperature_coefficient *
                                                                  (t_c - phy::copper_reference_temperature_c)) / sigma
                                    : 1.0;
  const phy::TwinaxDims dims{*diameter, *spacing, *shield_d, *shield_t, ratio};
  try {
    const phy::LineMode mode = channel_mode.value_or(phy::LineMode::differential);
    auto g = std::make_shared<const phy::Twinax>(dims, mode);
    const auto bad = g->violations(dielectric->dk(0.0));
    for (const auto& v : bad) {
      const toml::node* found = seg.input().get(v.key);
      const toml::node* node = found ? found : &seg.input();
      const std::string& key = v.key;
      std::ostringstream msg;
      msg << std::setprecision(4) << v.ratio << " = " << v.value << " is outside the twinax model's range " << v.min
          << " ... " << v.max << " (" << v.source << ")";
      seg.context().error(node, seg.key_path(key), node != &seg.input() ? detail::node_text(*node) : "", msg.str());
    }
    if (!bad.empty()) return std::nullopt;
    const phy::LineConductor cond{sigma, *rough, phy::Roughness{}};
    if (mode == phy::LineMode::differential && common_out)
      *common_out = channels::TraceSegment{
          info.name, *length,
          phy::TransmissionLine(std::make_shared<const phy::Twinax>(dims, phy::LineMode::common), *dielectric, cond)};
    return channels::TraceSegment{info.name, *length, phy::TransmissionLine(g, *dielectric, cond)};
  } catch (const std::invalid_argument& e) {
    seg.context().error(&seg.input(), seg.path(), "", std::string("cannot build this segment: ") + e.what());
    return std::nullopt;
  }
}

std::optional<channels::TraceSegment> read_segment(TableReader& seg, std::size_t index,
                                                   double default_temperature_c,
                                                   std::optional<phy::LineMode> coupled_mode,
                                                   Materials& mats, channels::SegmentInfo& info,
                                                   std::optional<channels::TraceSegment>* common_out) {
  info.name = seg.text_or("name", "segment " + std::to_string(index + 1)).value_or("");
  if (const toml::node* gn = seg.input().get("geometry"); gn && gn->value<std::string>() == "twinax")
    return read_twinax_segment(seg, default_temperature_c, coupled_mode, mats, info, common_out);
  const auto geometry = seg.choice<std::string>("geometry", one_of_names({"stripline", "coupled_stripline", "microstrip", "coupled_microstrip", "twinax"}),
      kGeometries, std::nullopt);
  const auto length = seg.quantity("length", Dimension::length, Rule::positive(), true);
  const auto width = seg.quantity("width", Dimension::length, Rule::positive(), true);
  const auto thickness =
      seg.quantity_or("thickness", Dimension::copper_thickness, Rule::positive(), "0.5 oz");
  const auto plane_t =
      seg.quantity_or("plane_thickness", Dimension::copper_thickness, Rule::positive(), "1 oz");
  const auto temperature = seg.quantity("temperature", Dimension::temperature,
                                        Rule::between(-100.0, 300.0), false);
  const auto conductivity =
      seg.quantity("conductivity", Dimension::conductivity, Rule::between(1e5, 1e9), false);
  std::optional<phy::RoughnessModel> rough_model;  // overrides the foil's own model when given
  if (seg.has("roughness_model"))
    rough_model = seg.choice<phy::RoughnessModel>("roughness_model", phy::parse_roughness_model,
                                                  phy::roughness_model_names(), std::nullopt);
  else
    seg.accept("roughness_model");
  const auto dielectric = read_dielectric(seg, mats, info);
  std::string foil_label, plane_label;
  const auto strip_rough = read_foil(seg, "foil", rough_model, mats, foil_label, true);
  std::optional<phy::Roughness> plane_rough = strip_rough;
  if (seg.has("plane_foil")) plane_rough = read_foil(seg, "plane_foil", rough_model, mats, plane_label, false);
  else seg.accept("plane_foil");
  info.foil = foil_label;
  info.roughness_model = strip_rough ? std::string(phy::to_string(strip_rough->model)) : "";

  const bool coupled = geometry && geometry->rfind("coupled_", 0) == 0;
  const bool strip = geometry && geometry->find("stripline") != std::string::npos;
  // Cross-section solver: closed forms are fast; the boundary-element solver is exact for any
  // offset, thickness and spacing. "auto" takes the closed form only where it is accurate to
  // 0.5 % (a centred single stripline; docs/field_solver.md has the measured errors).
  std::optional<std::string> field_solver;
  if (strip)
    field_solver = seg.choice<std::string>("field_solver", one_of_names({"auto", "closed-form", "bem"}),
        "auto, closed-form, bem", "auto");
  else
    seg.reject("field_solver", "the field solver applies to striplines; microstrips use closed forms");
  std::optional<double> spacing, h_below, h_above, height;
  if (coupled)
    spacing = seg.quantity("spacing", Dimension::length, Rule::positive(), true);
  else
    seg.reject("spacing", "spacing applies only to coupled geometries (coupled_stripline, coupled_microstrip)");
  if (strip) {
    if (seg.has("height")) {
      seg.reject("height_below", "give either height (both sides) or height_below and height_above");
      seg.reject("height_above", "give either height (both sides) or height_below and height_above");
      height = seg.quantity("height", Dimension::length, Rule::positive(), true);
      h_below = h_above = height;
    } else {
      seg.accept("height");
      h_below = seg.quantity("height_below", Dimension::length, Rule::positive(), true);
      h_above = seg.quantity("height_above", Dimension::length, Rule::positive(), true);
    }
  } else if (geometry) {
    seg.reject("height_below", "height_below applies to striplines; a microstrip has one height");
    seg.reject("height_above", "height_above applies to striplines; a microstrip has one height");
    height = seg.quantity("height", Dimension::length, Rule::positive(), true);
  } else {
    for (auto k : {"height", "height_below", "height_above"}) seg.accept(k);
  }
  if (length && *length > workflows::max_trace_length_m) {
    seg.context().error(seg.input().get("length"), seg.key_path("length"), detail::node_text(*seg.input().get("length")),
                        "must be a positive length up to 1 km (1000 m), the longest trace phylane computes "
                        "(docs/transmission_lines.md)");
  }
  seg.finish();

  if (length && *length > workflows::max_trace_length_m) return std::nullopt;
  if (!geometry || !length || !width || !thickness || !plane_t || !dielectric || !strip_rough ||
      !plane_rough)
    return std::nullopt;
  if (coupled && !spacing) return std::nullopt;
  if (strip && (!h_below || !h_above)) return std::nullopt;
  if (!strip && !height) return std::nullopt;
  info.geometry = *geometry;

  std::shared_ptr<const phy::LineGeometry> g;
  try {
    auto make_geometry = [&](phy::LineMode mode) -> std::shared_ptr<const phy::LineGeometry> {
      if (strip) {
        phy::StriplineDims d{*width, *thickness, *h_below, *h_above, spacing.value_or(0.0), *plane_t};
        if (info.field_solver == "bem") return std::make_shared<phy::BemStripline>(d, mode);
        if (coupled) return std::make_shared<phy::CoupledStripline>(d, mode);
        return std::make_shared<phy::Stripline>(d);
      }
      phy::MicrostripDims d;
      d.width_m = *width;
      d.thickness_m = *thickness;
      d.height_m = *height;
      d.plane_thickness_m = *plane_t;
      d.spacing_m = spacing.value_or(0.0);
      if (coupled) return std::make_shared<phy::CoupledMicrostrip>(d, mode);
      return std::make_shared<phy::Microstrip>(d);
    };
    if (strip) {
      if (!field_solver) return std::nullopt;
      const bool centred = std::abs(*h_below - *h_above) <= 0.01 * (*h_below + *h_above);
      const double t_over_b = *thickness / (*h_below + *h_above + *thickness);
      const bool use_bem =
          *field_solver == "bem" || (*field_solver == "auto" && (coupled || !centred || t_over_b > 0.25));
      info.field_solver = use_bem ? "bem" : "closed-form";
    } else {
      info.field_solver = "closed-form";
    }
    const phy::LineMode mode = coupled ? coupled_mode.value_or(phy::LineMode::differential) : phy::LineMode::single_ended;
    g = make_geometry(mode);
    // Each model's validity range (phy::LineGeometry::validity): every ratio outside is reported,
    // and nothing is computed. The largest Dk the dielectric takes (its low-frequency limit).
    const auto bad = g->violations(dielectric->dk(0.0));
    for (const auto& v : bad) {
      std::string key = v.key;
      if (key == "dk" && !seg.has("dk")) key = "material";
      if (key.rfind("height_", 0) == 0 && !seg.has(key)) key = "height";
      const toml::node* node = seg.input().get(key);
      auto num = [](double x) {
        std::ostringstream o;
        o << std::setprecision(4) << x;
        return o.str();
      };
      std::string msg = v.ratio + " = " + num(v.value) + " is outside the " + std::string(g->kind()) + " model's range " +
                        num(v.min) + " ... " + num(v.max) + " (" + v.source + ")";
      if (strip && info.field_solver == "closed-form") msg += "; field_solver = \"bem\" has no such limit";
      seg.context().error(node ? node : &seg.input(), seg.key_path(key), node ? detail::node_text(*node) : "", msg);
    }
    if (!bad.empty()) return std::nullopt;
    std::shared_ptr<const phy::LineGeometry> g_common;
    if (coupled && common_out) g_common = make_geometry(phy::LineMode::common);
    const double t_c = temperature.value_or(default_temperature_c);
    const double sigma = conductivity ? conductivity.value() / (1.0 + phy::copper_temperature_coefficient *
                                                                          (t_c - phy::copper_reference_temperature_c))
                                      : phy::copper_conductivity(t_c);
    const phy::LineConductor cond{sigma, *strip_rough, *plane_rough};
    phy::TransmissionLine line(g, *dielectric, cond);
    if (g_common && common_out != nullptr)
      *common_out = channels::TraceSegment{info.name, *length, phy::TransmissionLine(g_common, *dielectric, cond)};
    return channels::TraceSegment{info.name, *length, std::move(line)};
  } catch (const std::invalid_argument& e) {
    seg.context().error(&seg.input(), seg.path(), "", std::string("cannot build this segment: ") + e.what());
    return std::nullopt;
  }
}

// Element blocks between traces: via, AC-coupling capacitor, lumped pi/tee package or connector.
// Returns the single-ended 2-port builder and the differential pair's mode circuits; the
// channel's mode picks one once every block has been read.
struct ElementBuilders {
  std::function<channels::Network(std::span<const double>)> single;
  std::function<channels::ModeNetworks(std::span<const double>, bool)> pair;
};

std::optional<ElementBuilders> read_element_block(TableReader& t, const std::string& kind) {
  auto pair_of = [](std::function<channels::Network(std::span<const double>)> one) {
    // The same element on each line of the pair.
    return [one](std::span<const double> f, bool with_common) { return channels::identical_pair_modes(one(f), with_common); };
  };
  ElementBuilders out;
  if (kind == "via") {
    channels::Via v;
    const auto z0 = t.quantity_or("impedance", Dimension::resistance, Rule::between(1.0, 1e3), "50 ohm");
    const auto dk = t.number_or("dk", Rule::between(1.0, 20.0), 3.8);
    const auto barrel = t.quantity("barrel_length", Dimension::length, Rule::non_negative(), true);
    const auto stub = t.quantity_or("stub_length", Dimension::length, Rule::non_negative(), "0 mm");
    const auto pad = t.quantity_or("pad_capacitance", Dimension::capacitance, Rule::between(0.0, 1e-9), "0 pF");
    const auto stub_pad = t.quantity_or("stub_pad_capacitance", Dimension::capacitance, Rule::between(0.0, 1e-9), "0 pF");
    const auto backdrill = t.quantity("backdrill_residual", Dimension::length, Rule::non_negative(), false);
    const auto zodd = t.quantity("odd_impedance", Dimension::resistance, Rule::between(1.0, 1e3), false);
    const auto zeven = t.quantity("even_impedance", Dimension::resistance, Rule::between(1.0, 1e3), false);
    if (!z0 || !dk || !barrel || !stub || !pad || !stub_pad) return std::nullopt;
    v.z0_ohm = *z0;
    v.delay_s_per_m = std::sqrt(*dk) / phy::c0;
    v.barrel_length_m = *barrel;
    v.stub_length_m = *stub;
    v.pad_capacitance_f = *pad;
    v.stub_end_capacitance_f = *stub_pad;
    if (backdrill) v = v.backdrilled(*backdrill);
    const double zo = zodd.value_or(*z0), ze = zeven.value_or(*z0);
    out.single = [v](std::span<const double> f) { return channels::via(v, f); };
    out.pair = [v, zo, ze](std::span<const double> f, bool with_common) {
      return channels::via_pair_modes(v, zo, ze, f, 50.0, with_common);
    };
    return out;
  }
  if (kind == "capacitor") {
    const auto cap = t.quantity("capacitance", Dimension::capacitance, Rule::between(0.0, 1e-3, false, true), true);
    const auto esr = t.quantity_or("esr", Dimension::resistance, Rule::between(0.0, 100.0), "0 ohm");
    const auto esl = t.quantity_or("esl", Dimension::inductance, Rule::between(0.0, 1e-6), "0 nH");
    if (!cap || !esr || !esl) return std::nullopt;
    const channels::AcCapacitor c{*cap, *esr, *esl};
    out.single = [c](std::span<const double> f) { return channels::ac_capacitor(c, f); };
    out.pair = pair_of(out.single);
    return out;
  }
  if (kind == "com_package") {
    // The IEEE 802.3 Annex 93A device package of a COM sheet, the one `phylane com` puts at each
    // end (channels/com_package.hpp; solvers::com_package picks the case's values).
    const auto side = t.choice<std::string>("side", one_of_names({"tx", "rx"}),
                                            "tx (the transmitter's package: die first), rx (the receiver's: die last)",
                                            std::nullopt);
    const auto sheet = t.text_or("sheet", "100gbase-kr4");
    const auto case_number = t.integer_or("package_case", Rule::between(1.0, 1000.0), 1);
    if (!side || !sheet || !case_number) return std::nullopt;
    const toml::node* where = t.input().get("sheet");
    solvers::ComParameters p;
    try {
      const auto names = embedded_com_sheet_names();
      if (std::find(names.begin(), names.end(), *sheet) != names.end()) {
        p = embedded_com_sheet(*sheet);
      } else {
        std::filesystem::path f(*sheet);
        if (f.is_relative()) f = t.context().base_dir / f;
        p = read_com_sheet(f);
      }
    } catch (const std::exception& e) {
      std::string allowed;
      for (const auto& n : embedded_com_sheet_names()) allowed += (allowed.empty() ? "" : ", ") + n;
      t.context().error(where ? where : &t.input(), t.key_path("sheet"), *sheet,
                        std::string("cannot read this COM sheet (an embedded sheet: ") + allowed +
                            "; or a TOML sheet file): " + e.what());
      return std::nullopt;
    }
    const auto cases = static_cast<std::int64_t>(p.package_cases());
    if (*case_number > cases) {
      const toml::node* n = t.input().get("package_case");
      t.context().error(n ? n : &t.input(), t.key_path("package_case"), std::to_string(*case_number),
                        "the sheet " + *sheet + " defines package cases 1 ... " + std::to_string(cases));
      return std::nullopt;
    }
    const bool tx = *side == "tx";
    const channels::ComPackage pkg =
        solvers::com_package(p, static_cast<int>(*case_number), tx ? solvers::ComPackageRole::tx : solvers::ComPackageRole::rx);
    const auto s = tx ? channels::ComPackageSide::tx : channels::ComPackageSide::rx;
    out.single = [pkg, s](std::span<const double> f) { return channels::com_package_line_network(pkg, f, s); };
    out.pair = pair_of(out.single);
    return out;
  }
  // lumped: pi (C1 - series R+L - C2) or tee (R1+L1 - shunt C - R2+L2), per line.
  const auto model = t.choice<std::string>(
      "model", one_of_names({"pi", "tee"}),
      "pi, tee", "pi");
  if (!model) return std::nullopt;
  if (*model == "pi") {
    const auto c1 = t.quantity_or("c1", Dimension::capacitance, Rule::between(0.0, 1e-6), "0 pF");
    const auto r = t.quantity_or("r", Dimension::resistance, Rule::between(0.0, 1e3), "0 ohm");
    const auto l = t.quantity_or("l", Dimension::inductance, Rule::between(0.0, 1e-6), "0 nH");
    const auto c2 = t.quantity_or("c2", Dimension::capacitance, Rule::between(0.0, 1e-6), "0 pF");
    for (auto k : {"r1", "l1", "c", "r2", "l2"}) t.reject(k, "applies to model = \"tee\"");
    if (!c1 || !r || !l || !c2) return std::nullopt;
    const channels::PiModel m{*c1, *r, *l, *c2};
    out.single = [m](std::span<const double> f) { return channels::pi_network(m, f); };
  } else {
    const auto r1 = t.quantity_or("r1", Dimension::resistance, Rule::between(0.0, 1e3), "0 ohm");
    const auto l1 = t.quantity_or("l1", Dimension::inductance, Rule::between(0.0, 1e-6), "0 nH");
    const auto c = t.quantity_or("c", Dimension::capacitance, Rule::between(0.0, 1e-6), "0 pF");
    const auto r2 = t.quantity_or("r2", Dimension::resistance, Rule::between(0.0, 1e3), "0 ohm");
    const auto l2 = t.quantity_or("l2", Dimension::inductance, Rule::between(0.0, 1e-6), "0 nH");
    for (auto k : {"c1", "r", "l", "c2"}) t.reject(k, "applies to model = \"pi\"");
    if (!r1 || !l1 || !c || !r2 || !l2) return std::nullopt;
    const channels::TeeModel m{*r1, *l1, *c, *r2, *l2};
    out.single = [m](std::span<const double> f) { return channels::tee_network(m, f); };
  }
  out.pair = pair_of(out.single);
  return out;
}

void read_copper(TableReader* ch, Context& ctx, Materials& mats, Config& cfg, bool whole_touchstone) {
  const double temp =
      ch->quantity_or("temperature", Dimension::temperature, Rule::between(-100.0, 300.0), "25 degC")
          .value_or(25.0);
  const auto mode = ch->choice<phy::LineMode>("mode", detail::one_of({phy::LineMode::differential, phy::LineMode::common}),
      "differential, common (for coupled geometries)", "differential");
  std::vector<channels::TraceSegment> segs;
  std::vector<channels::ChannelBlock> blocks;
  bool all_ok = true, any_block = false, any_differential = false, any_single = false;
  std::vector<const toml::node*> block_nodes;
  std::vector<std::pair<std::size_t, ElementBuilders>> elements;  // element blocks: index, builders
  if (whole_touchstone) {
    int ports = 0;
    auto b = detail::read_touchstone_block(*ch, "channel", ctx.base_dir, ports);
    ch->reject("segments", "a touchstone channel is the file itself; use type = \"copper\" to add segments");
    if (b) {
      blocks.push_back(std::move(*b));
      any_block = true;
      (ports == 4 ? any_differential : any_single) = true;
      channels::SegmentInfo info;
      info.name = "channel";
      info.geometry = "touchstone";
      cfg.segments.push_back(info);
    } else {
      all_ok = false;
    }
  } else {
    for (auto k : {"file", "network", "port_order"})
      ch->reject(k, "applies to type = \"touchstone\" (a whole channel from one file or network)");
    auto seg_readers = ch->table_array("segments", true);
    if (seg_readers.empty() && ch->has("segments"))
      ctx.error(ch->input().get("segments"), ch->key_path("segments"), "", "needs at least one segment");
    for (std::size_t i = 0; i < seg_readers.size(); ++i) {
      auto& sr = seg_readers[i];
      const auto kind = sr.choice<std::string>("kind", one_of_names({"trace", "touchstone", "via", "capacitor", "lumped", "com_package"}),
          "trace, touchstone, via, capacitor, lumped, com_package", "trace");
      channels::SegmentInfo info;
      if (!kind) {
        all_ok = false;
        cfg.segments.push_back(info);
        continue;
      }
      if (*kind == "trace") {
        std::optional<channels::TraceSegment> common;
        auto s = read_segment(sr, i, temp, mode, mats, info, &common);
        if (s) {
          const bool diff = s->line.geometry().mode() != phy::LineMode::single_ended;
          (diff ? any_differential : any_single) = true;
          channels::ChannelBlock b;
          b.name = s->name;
          b.kind = "trace";
          b.trace = *s;
          b.trace_common = common;
          blocks.push_back(std::move(b));
          segs.push_back(std::move(*s));
        } else {
          all_ok = false;
        }
      } else {
        any_block = true;
        info.name = sr.text_or("name", *kind + " " + std::to_string(i + 1)).value_or("");
        info.geometry = *kind;
        std::optional<channels::ChannelBlock> b;
        if (*kind == "touchstone") {
          int ports = 0;
          b = detail::read_touchstone_block(sr, info.name, ctx.base_dir, ports);
          if (b) (ports == 4 ? any_differential : any_single) = true;
        } else if (auto e = read_element_block(sr, *kind)) {
          b.emplace();
          b->name = info.name;
          b->kind = *kind;
          elements.emplace_back(blocks.size(), *e);
        }
        sr.finish();
        if (b) blocks.push_back(std::move(*b));
        else all_ok = false;
      }
      block_nodes.push_back(&sr.input());
      cfg.segments.push_back(info);
    }
  }
  const bool differential = any_differential;
  if (any_differential && any_single)
    ctx.error(&ch->input(), ch->key_path(whole_touchstone ? "file" : "segments"), "",
              "mixes single-ended blocks (single lines, 2-port files) with differential ones (coupled lines, "
              "4-port files); a channel carries one mode");
  // Terminations default to the usual reference impedance of the mode carried.
  const bool common = !segs.empty() && segs.front().line.geometry().mode() == phy::LineMode::common;
  const char* default_z = differential ? (common ? "25 ohm" : "100 ohm") : "50 ohm";
  double z_drv = 0, z_rcv = 0;
  for (auto [key, dst] : {std::pair{"driver", &z_drv}, std::pair{"receiver", &z_rcv}}) {
    if (auto t = ch->table(key, false)) {
      *dst = t->quantity_or("impedance", Dimension::resistance, Rule::between(1.0, 1e4), default_z).value_or(0);
      t->finish();
    } else {
      ch->accept(key);
      ch->output().insert_or_assign(key, toml::table{{"impedance", default_z}});
      *dst = parse_quantity(default_z, Dimension::resistance).value.value_or(0);
    }
  }
  ch->finish();
  if (!all_ok || !ctx.ok()) return;
  if (!any_block) {
    if (segs.empty()) return;
    for (std::size_t i = 1; i < segs.size(); ++i)
      if (segs[i].line.geometry().mode() != segs[0].line.geometry().mode())
        ctx.error(block_nodes.size() > i ? block_nodes[i] : &ch->input(), ch->key_path("segments"), "",
                  "segment " + std::to_string(i + 1) + " is " + std::string(phy::to_string(segs[i].line.geometry().mode())) +
                      " but segment 1 is " + std::string(phy::to_string(segs[0].line.geometry().mode())) +
                      "; all segments of a channel must carry the same mode (all coupled or all single)");
    if (!ctx.ok()) return;
    cfg.channel.emplace<channels::CopperChannel>(std::move(segs), z_drv, z_rcv);
    // The same chain as a composed channel, for the S-parameter export (it carries the
    // common-mode lines of differential pairs).
    if (!common) cfg.composed_equivalent.emplace(differential, std::move(blocks), z_drv, z_rcv);
    return;
  }
  for (auto& [index, builders] : elements) {
    if (differential) blocks[index].modes = builders.pair;
    else blocks[index].network = builders.single;
  }
  if (common) {
    ctx.error(ch->input().get("mode"), ch->key_path("mode"), "\"common\"",
              "channels with Touchstone or element blocks are composed for the differential mode only");
    return;
  }
  try {
    cfg.channel.emplace<channels::ComposedChannel>(differential, std::move(blocks), z_drv, z_rcv);
  } catch (const std::invalid_argument& e) {
    ctx.error(&ch->input(), ch->path(), "", std::string("cannot compose this channel: ") + e.what());
  }
}

// Every `file = "..."` value in the tree, made absolute against base_dir.
void absolute_file_paths(toml::node& n, const std::filesystem::path& base_dir) {
  if (toml::table* t = n.as_table()) {
    for (auto&& [k, v] : *t) {
      if (k.str() == "file") {
        if (auto* text = v.as_string()) {
          const std::filesystem::path p(text->get());
          if (p.is_relative()) *text = (base_dir / p).lexically_normal().string();
          continue;
        }
      }
      absolute_file_paths(v, base_dir);
    }
  } else if (toml::array* a = n.as_array()) {
    for (auto& e : *a) absolute_file_paths(e, base_dir);
  }
}

Config load_table(const toml::table& in, Context& ctx, const std::string& source) {
  Config cfg;
  cfg.source = source;
  toml::table resolved;
  TableReader root(ctx, in, resolved, "");
  cfg.title = root.text_or("name", "").value_or("");
  cfg.description = root.text_or("description", "").value_or("");

  Materials mats;
  // The config's own library entries first, so segments can refer to them.
  if (auto m = root.table("materials", false)) {
    detail::parse_dielectric_file(*m, mats.lib());
    m->finish();
  }
  if (auto f = root.table("foils", false)) {
    detail::parse_foil_file(*f, mats.lib());
    f->finish();
  }

  // An optical channel is built once [signal] is read: a receiver may follow its rate.
  std::optional<detail::OpticalParts> optical_parts;
  bool optical = false;
  if (auto ch = root.table("channel", true)) {
    const auto type = ch->choice<std::string>(
        "type", [](std::string_view s) -> std::optional<std::string> {
          if (s == "copper" || s == "optical" || s == "touchstone" || s == "pulse") return std::string(s);
          return std::nullopt;
        },
        "copper, optical, touchstone, pulse", "copper");
    if (type && *type == "optical") {
      optical = true;
      detail::read_optical(*ch, optical_parts, cfg.optical_info);
    } else if (type && *type == "pulse") {
      std::optional<channels::SampledResponse> sampled;
      detail::read_pulse_channel(*ch, sampled);
      if (sampled) cfg.channel = std::move(*sampled);
    } else if (type)
      read_copper(&*ch, ctx, mats, cfg, *type == "touchstone");
  }

  detail::read_eye_sections(root, optical ? detail::ReceiverKind::optical
                                  : cfg.sampled() ? (cfg.sampled()->impulse ? detail::ReceiverKind::impulse : detail::ReceiverKind::pulse)
                                              : detail::ReceiverKind::copper,
                            cfg.signalling);
  if (optical_parts && ctx.ok()) {
    std::optional<channels::OpticalLink> link;
    detail::build_optical(ctx, *optical_parts,
                          cfg.signalling ? std::optional<double>(cfg.signalling->spec.symbol_rate_baud) : std::nullopt, link);
    if (link) cfg.channel = std::move(*link);
  }
  detail::read_crosstalk(root, cfg);
  if (cfg.sampled() && !cfg.signalling && ctx.ok())
    ctx.error(&root.input(), "signal", "", "a pulse channel needs a [signal] section (its rate sets the UI)");
  if (cfg.signalling && cfg.optical()) solvers::set_optical_levels(*cfg.optical(), cfg.signalling->spec);

  ReportOptions rep;
  if (auto r = root.table("report", false)) {
    rep.frequencies_hz = r->quantity_list("frequencies", Dimension::frequency, Rule::positive(), false)
                             .value_or(std::vector<double>{});
    rep.fmax_hz = r->quantity_or("fmax", Dimension::frequency, Rule::positive(), "50 GHz").value_or(50e9);
    rep.points = static_cast<int>(r->integer_or("points", Rule::between(2, 1e6), 1000).value_or(1000));
    r->finish();
  } else {
    rep.fmax_hz = 50e9;
    rep.points = 1000;
  }
  if (rep.frequencies_hz.empty()) rep.frequencies_hz = {1e9, 4e9, 8e9, 16e9};
  cfg.report = rep;
  root.finish();
  ctx.throw_if_errors();

  // Copy the library entries used into the resolved config, so that it stands alone.
  auto copy_entries = [&](toml::table& into, const char* table, const std::string& path,
                          const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    // The embedded library files are parsed once per process: a parameter sweep loads thousands
    // of configs, and parsing them was half of each load (io/sweep.cpp).
    static const toml::table dielectric_lib = [] {
      const auto t = embedded_file("materials/dielectrics.toml");
      return t ? toml::parse(*t) : toml::table{};
    }();
    static const toml::table foil_lib = [] {
      const auto t = embedded_file("materials/foils.toml");
      return t ? toml::parse(*t) : toml::table{};
    }();
    const toml::table& lib = path == "materials/dielectrics.toml" ? dielectric_lib : foil_lib;
    if (!into.contains(table)) into.insert(table, toml::table{});
    toml::table& dst = *into.get_as<toml::table>(table);
    for (const auto& id : ids)
      if (!dst.contains(id))
        if (const toml::node* n = lib.get(id)) dst.insert(id, *n->as_table());
  };
  // The stored config is what the user gave, defaults left as defaults (so that values that
  // follow the rate keep following it), with the library entries it used copied in and its
  // file paths made absolute: loading it again anywhere gives the same link and the same results.
  toml::table stored = in;
  absolute_file_paths(stored, ctx.base_dir);
  for (toml::table* t : {&stored, &resolved}) {
    copy_entries(*t, "materials", "materials/dielectrics.toml", mats.used_diel);
    copy_entries(*t, "foils", "materials/foils.toml", mats.used_foil);
  }
  std::ostringstream os;
  os << toml::toml_formatter{resolved};
  cfg.resolved_toml = os.str();
  std::ostringstream st;
  st << toml::toml_formatter{stored};
  cfg.stored_toml = st.str();
  return cfg;
}

}  // namespace

Config load_config_text(std::string_view text, const std::string& name) {
  return load_config_text_in(text, name, std::filesystem::current_path());
}

Config load_config_text_in(std::string_view text, const std::string& name, const std::filesystem::path& base_dir) {
  Context ctx{name, base_dir};
  const toml::table in = detail::parse_toml(text, name);
  return load_table(in, ctx, name);
}

Config load_config_text_with(std::string_view text, const std::string& name,
                             const std::map<std::string, channels::Network>& networks) {
  Context ctx{name, std::filesystem::current_path()};
  ctx.networks = &networks;
  const toml::table in = detail::parse_toml(text, name);
  return load_table(in, ctx, name);
}

namespace detail {

// A Touchstone block: the file (relative to the config's folder), its port order for 4-ports.
std::optional<channels::ChannelBlock> read_touchstone_block(TableReader& t, const std::string& name,
                                                            const std::filesystem::path& base_dir, int& ports,
                                                            std::string_view what, bool thru_check) {
  // The data: a Touchstone file, or a network the caller holds in memory (Context::networks).
  const bool in_memory = t.has("network");
  if (in_memory && t.has("file")) {
    t.context().error(t.input().get("network"), t.key_path("network"), node_text(*t.input().get("network")),
                      "give file = \"...\" or network = \"NAME\", not both");
    return std::nullopt;
  }
  const std::string key = in_memory ? "network" : "file";
  const auto file = t.text(key, true);
  const bool order_given = t.has("port_order");
  const auto order = t.choice<channels::PortOrder>("port_order", channels::parse_port_order,
                                                   channels::port_order_names(), "12-34");
  if (!file || !order) return std::nullopt;
  std::filesystem::path path(*file);
  const std::map<std::string, channels::Network>* held = t.context().networks;
  if (in_memory) {
    if (!held || held->find(*file) == held->end()) {
      std::string names;
      if (held)
        for (const auto& [n, v] : *held) names += (names.empty() ? "" : ", ") + n;
      t.context().error(t.input().get(key), t.key_path(key), "\"" + *file + "\"",
                        held && !names.empty() ? "no network of that name was given (given: " + names + ")"
                                               : "names a network held in memory, and none was given (network = \"NAME\" "
                                                 "works from the Python module's Link.from_dict(..., networks=...); "
                                                 "in a file, use file = \"PATH.sNp\")");
      return std::nullopt;
    }
  } else {
    if (path.is_relative()) path = base_dir / path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      t.context().error(t.input().get("file"), t.key_path("file"), "\"" + *file + "\"",
                        "no such file (looked for " + path.string() + "; relative paths start at the config's folder)");
      return std::nullopt;
    }
  }
  try {
    channels::Network net = in_memory ? held->at(*file) : read_touchstone(path);
    ports = net.ports();
    if (ports == 4) {
      // A valid but wrong port order gives a plausible wrong loss (SDD21 of a coupling path), so
      // the order is checked against the thrus the data show (io/touchstone_ports.hpp).
      if (thru_check) {
        const ThruPairing pairing = detect_thru_pairing(net);
        const std::string conflict = port_order_conflict(pairing, *order);
        if (!conflict.empty()) {
          const std::string shown(to_string(*pairing.shown));
          const std::string fix =
              port_order_of(*pairing.shown)
                  ? "set port_order = \"" + shown + "\" in this block"
                  : "phylane takes 12-34 or 13-24: renumber the file's ports (1 -> 2 and 3 -> 4 as the thrus)";
          const std::string text =
              (order_given ? "does not fit \"" + *file + "\": "
                           : "the default port_order \"" + std::string(channels::to_string(*order)) + "\" does not fit it: ") +
              conflict + "; " + fix + " (a coupling path between two lines belongs in [[crosstalk]], docs/crosstalk.md)";
          if (order_given)
            t.context().error(t.input().get("port_order"), t.key_path("port_order"),
                              "\"" + std::string(channels::to_string(*order)) + "\"", text);
          else
            t.context().error(t.input().get(key), t.key_path(key), "\"" + *file + "\"", text);
          return std::nullopt;
        }
      }
      net = channels::to_inputs_outputs(std::move(net), *order);
    } else if (ports != 2) {
      t.context().error(t.input().get(key), t.key_path(key), "\"" + *file + "\"",
                        "has " + std::to_string(ports) + " ports; " + std::string(what) + " needs a 2-port or a 4-port");
      return std::nullopt;
    }
    channels::BandLimitOptions band;
    band.for_each = [](std::size_t count, const std::function<void(std::size_t)>& task) {
      solvers::parallel_for(count, [&task](std::size_t i, int) { task(i); });
    };
    auto src = std::make_shared<const channels::NetworkSource>(std::move(net), band);
    channels::ChannelBlock b;
    b.name = name;
    b.kind = "touchstone";
    b.network = [src](std::span<const double> f) { return src->evaluate(f); };
    b.zero_above_hz = src->zero_above_hz();
    return b;
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) t.context().diagnostics.push_back(d);
  } catch (const std::exception& e) {
    t.context().error(t.input().get(key), t.key_path(key), "\"" + *file + "\"", e.what());
  }
  return std::nullopt;
}

Config load_config_table(const toml::table& table, const std::string& name, const std::filesystem::path& base_dir) {
  Context ctx{name, base_dir};
  return load_table(table, ctx, name);
}

}  // namespace detail

Config load_config(const std::filesystem::path& file) {
  return load_config_text_in(detail::read_input_file(file, "config file"), file.string(), detail::folder_of(file));
}

bool is_touchstone_path(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (touchstone_ports_from_extension(file) > 0 || ext == ".ts") return true;
  if (ext == ".toml") return false;
  // Any other name: the first line with text says which (a TOML file opens with a key, a table
  // or a '#' comment; a Touchstone file with a '!' comment, [Version] or its '#' option line).
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::string t;
    for (char c : line) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto b = t.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    t = t.substr(b);
    if (t[0] == '!' || t.rfind("[version]", 0) == 0) return true;
    if (t[0] != '#') return false;
    std::istringstream words(t.substr(1));
    std::string w;
    bool any = false, all_options = true;
    while (words >> w) {
      any = true;
      if (w[0] == '!') break;
      const bool option = parse_frequency_unit(w) || parse_touchstone_format(w) || w == "s" || w == "y" || w == "z" ||
                          w == "r" || std::strtod(w.c_str(), nullptr) > 0.0;
      if (!option) all_options = false;
    }
    if (any && all_options) return true;  // "# GHz S MA R 50"; an empty '#' or a TOML comment reads on
  }
  return false;
}

Config load_touchstone_link(const std::filesystem::path& file, const std::optional<TouchstoneSignal>& signal) {
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(file, ec);
  const channels::Network net = read_touchstone(file);
  if (net.ports() != 2 && net.ports() != 4)
    throw InputError(file.string() + ": is a " + std::to_string(net.ports()) +
                     "-port; as a whole channel phylane takes a 2-port (single-ended) or a 4-port (differential pair)");
  std::string how;
  toml::table channel{{"type", "touchstone"}, {"file", (ec ? file : abs).string()}};
  if (net.ports() == 4) {
    const ThruPairing pairing = detect_thru_pairing(net);
    channels::PortOrder order = channels::PortOrder::pairs_12_34;
    if (pairing.shown) {
      const auto o = port_order_of(*pairing.shown);
      if (!o)
        throw InputError(file.string() + ": the data show the thrus 1 -> 4 and 2 -> 3 (14-23): " +
                         pairing.evidence(ThruPairs::p12_34) +
                         "; phylane takes 12-34 or 13-24: renumber the file's ports (1 -> 2 and 3 -> 4 as the thrus)");
      order = *o;
      how = "port order " + std::string(channels::to_string(order)) + " from the data";
    } else {
      how = "port order 12-34 (the default: the data do not show which ports are the thrus)";
    }
    channel.insert("port_order", std::string(channels::to_string(order)));
  }
  toml::table root{{"name", file.filename().string() + " as the whole channel" + (how.empty() ? "" : ", " + how)},
                   {"channel", std::move(channel)}};
  if (signal) root.insert("signal", toml::table{{"rate", signal->rate}, {"modulation", signal->modulation}});
  return detail::load_config_table(root, file.string(), detail::folder_of(file));
}


std::vector<std::string> preset_names() {
  return embedded_toml_names("presets");
}

std::string default_preset_name() { return "pcie5-server"; }

Config load_preset(std::string_view name) {
  const std::string_view text = embedded_toml("presets", std::string(name), "preset", "presets");
  return load_config_text(text, "preset:" + std::string(name));
}

}  // namespace phylane::io
