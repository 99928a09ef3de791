// The [waveguide] file of `phylane waveguide`: grammar and validation.
#include <sstream>

#include "io/detail/toml_reader.hpp"
#include "io/detail/waveguide_geometry.hpp"
#include "io/waveguide.hpp"
#include "phy/optical_materials.hpp"

namespace phylane::io {

using detail::Context;
using detail::node_text;
using detail::Rule;
using detail::TableReader;

namespace {

std::string nm_text(double m) {
  std::ostringstream os;
  os << m * 1e9 << " nm";
  return os.str();
}

}  // namespace

}  // namespace phylane::io

namespace phylane::io::detail {

bool read_waveguide_geometry(TableReader& w, workflows::WaveguideRequest& q, std::optional<double> lambda,
                             const toml::node* lambda_node, const std::string& lambda_where) {
  Context& ctx = w.context();
  const std::size_t errors_before = ctx.diagnostics.size();
  const std::function<std::optional<phy::OpticalMaterial>(std::string_view)> parse = phy::parse_optical_material;
  const auto core = w.choice<phy::OpticalMaterial>("core", parse, phy::optical_material_names(), std::nullopt);
  const auto clad = w.choice<phy::OpticalMaterial>("cladding", parse, phy::optical_material_names(), "SiO2");
  const auto width = w.quantity("width", Dimension::length, Rule::positive(), true);
  const auto height = w.quantity("height", Dimension::length, Rule::positive(), true);
  const auto mesh = w.quantity_or("mesh", Dimension::length, Rule::positive(), "12.5 nm");
  const auto sidewall = w.quantity_or("sidewall_roughness", Dimension::length, Rule::non_negative(), "0 nm");
  const auto top = w.quantity_or("top_roughness", Dimension::length, Rule::non_negative(), "0 nm");
  const auto lc = w.quantity_or("correlation_length", Dimension::length, Rule::positive(), "50 nm");
  const toml::table& wt = w.input();
  auto at = [&](const char* key) -> const toml::node* { return wt.get(key) ? wt.get(key) : &wt; };
  auto text_of = [&](const char* key) { return wt.get(key) ? node_text(*wt.get(key)) : std::string(); };

  if (core) q.core = *core;
  if (clad) q.cladding = *clad;
  if (width) q.width_m = *width;
  if (height) q.height_m = *height;
  if (lambda) q.wavelength_m = *lambda;
  if (mesh) q.mesh_m = *mesh;
  if (sidewall && lc) q.sidewall = {*sidewall, *lc};
  if (top && lc) q.top = {*top, *lc};

  // Each material's dispersion formula must cover the wavelength.
  bool indices_known = core && clad && lambda;
  for (const auto& [key, mat] : {std::pair{"core", core}, std::pair{"cladding", clad}}) {
    if (!mat || !lambda) continue;
    const auto range = phy::validity_range(*mat);
    if (*lambda < range.min_m || *lambda > range.max_m) {
      indices_known = false;
      ctx.error(lambda_node ? lambda_node : at(key), lambda_where, lambda_node ? node_text(*lambda_node) : nm_text(*lambda),
                std::string("outside the dispersion formula of the ") + key + " material " +
                    std::string(phy::to_string(*mat)) + " (" + nm_text(range.min_m) + " to " + nm_text(range.max_m) + ")");
    }
  }
  if (indices_known) {
    const double nc = phy::refractive_index(*core, *lambda), nl = phy::refractive_index(*clad, *lambda);
    if (!(nc > nl)) {
      std::ostringstream os;
      os << "the core index (" << nc << ") must exceed the cladding's (" << nl
         << ") at the wavelength: the index contrast is inverted and nothing is guided";
      ctx.error(at("core"), w.key_path("core"), text_of("core"), os.str());
    }
  }
  if (mesh && width && height && (*width < 2 * *mesh || *height < 2 * *mesh))
    ctx.error(at("mesh"), w.key_path("mesh"), text_of("mesh"),
              "the core (" + nm_text(*width) + " x " + nm_text(*height) +
                  ") must span at least two mesh cells in each direction: use a mesh of at most " +
                  nm_text(0.5 * std::min(*width, *height)));
  return ctx.diagnostics.size() == errors_before;
}

}  // namespace phylane::io::detail

namespace phylane::io {

WaveguideConfig load_waveguide_text(std::string_view text, const std::string& name) {
  Context ctx{name, {}};
  const toml::table in = detail::parse_toml(text, name);
  toml::table resolved;
  TableReader root(ctx, in, resolved, "");
  WaveguideConfig cfg;
  cfg.source = name;
  auto& q = cfg.request;
  if (auto w = root.table("waveguide", true)) {
    const auto lambda = w->quantity_or("wavelength", Dimension::length, Rule::positive(), "1550 nm");
    detail::read_waveguide_geometry(*w, q, lambda, w->input().get("wavelength"), w->key_path("wavelength"));
    const auto radii = w->quantity_list("bend_radii", Dimension::length, Rule::positive(), false);
    if (radii) {
      q.bend_radii_m = *radii;
      const toml::node* rn = w->input().get("bend_radii");
      for (double r : *radii)
        if (r <= q.width_m)
          ctx.error(rn, w->key_path("bend_radii"), node_text(*rn),
                    "a bend radius of " + nm_text(r) + " is not larger than the core width (" + nm_text(q.width_m) +
                        "): a bend must be larger than its mode");
    }
    w->finish();
  }
  root.finish();
  ctx.throw_if_errors();
  std::ostringstream os;
  os << toml::toml_formatter{resolved};
  cfg.resolved_toml = os.str();
  return cfg;
}

WaveguideConfig load_waveguide(const std::filesystem::path& file) {
  return load_waveguide_text(detail::read_input_file(file, "waveguide file"), file.string());
}

}  // namespace phylane::io
