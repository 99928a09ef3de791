// The [workload] table of system and study files: the training step whose collective the
// links carry (workflows::Workload), read once for both.
#include "io/detail/workload_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "io/quantity.hpp"

namespace phylane::io::detail {

workflows::Workload read_workload(TableReader& r) {
  Context& ctx = r.context();
  workflows::Workload w;
  // parameters: a number (70e9) or a string holding one ("70e9").
  r.accept("parameters");
  if (const toml::node* n = r.input().get("parameters")) {
    std::optional<double> v;
    if (n->is_number()) v = n->value<double>();
    else if (auto s = n->value_exact<std::string>()) v = parse_plain_number(*s);
    if (!v || !(*v >= 1.0))
      ctx.error(n, r.key_path("parameters"), node_text(*n),
                "must be a number of model parameters >= 1, as a number or a string (70e9 or \"70e9\")");
    else {
      w.parameters = *v;
      r.output().insert_or_assign("parameters", *v);
    }
  } else {
    ctx.error(&r.input(), r.key_path("parameters"), "", "missing required key (model parameters, e.g. 70e9)");
  }
  w.bytes_per_parameter = r.number_or("bytes_per_parameter", Rule::positive(), 2.0).value_or(2.0);

  r.accept("devices");
  if (const toml::node* n = r.input().get("devices")) {
    std::vector<int> devs;
    bool ok = true;
    auto take = [&](const toml::node& e) {
      const auto v = e.value_exact<std::int64_t>();
      if (!v || *v < 2 || *v > 1000000) ok = false;
      else if (std::find(devs.begin(), devs.end(), static_cast<int>(*v)) != devs.end()) ok = false;
      else devs.push_back(static_cast<int>(*v));
    };
    if (const toml::array* a = n->as_array()) {
      for (const auto& e : *a) take(e);
      if (a->empty()) ok = false;
    } else {
      take(*n);
    }
    if (!ok)
      ctx.error(n, r.key_path("devices"), node_text(*n),
                "must be a device count or a non-empty list of different ones, whole numbers from 2 to 1000000 (e.g. [8, 64])");
    else {
      w.devices = devs;
      toml::array out;
      for (int d : devs) out.push_back(static_cast<std::int64_t>(d));
      r.output().insert_or_assign("devices", out);
    }
  } else {
    ctx.error(&r.input(), r.key_path("devices"), "", "missing required key (device counts, e.g. [8, 64])");
  }

  w.collective = r.choice<solvers::Collective>(
                      "collective",
                      [](std::string_view s) -> std::optional<solvers::Collective> {
                        if (s == "all_reduce" || s == "all-reduce") return solvers::Collective::all_reduce;
                        if (s == "reduce_scatter" || s == "reduce-scatter") return solvers::Collective::reduce_scatter;
                        if (s == "all_gather" || s == "all-gather") return solvers::Collective::all_gather;
                        return std::nullopt;
                      },
                      "all_reduce, reduce_scatter, all_gather", "all_reduce")
                     .value_or(solvers::Collective::all_reduce);
  w.algorithm = r.choice<solvers::Algorithm>(
                     "algorithm", [](std::string_view s) { return solvers::parse_algorithm(s); }, "ring, tree", "ring")
                    .value_or(solvers::Algorithm::ring);
  if (w.algorithm == solvers::Algorithm::tree && w.collective != solvers::Collective::all_reduce)
    ctx.error(r.input().get("algorithm"), r.key_path("algorithm"), "\"tree\"",
              "tree applies to all_reduce only (NCCL runs reduce-scatter and all-gather as rings); use ring");
  w.compute_time_s = r.quantity("compute_time", Dimension::time, Rule::positive(), false);
  if (r.has("overlap") && !r.has("compute_time")) {
    r.reject("overlap", "needs compute_time (the compute the communication would hide behind)");
  } else {
    w.overlap = r.number_or("overlap", Rule::between(0.0, 1.0), 0.0).value_or(0.0);
  }
  r.finish();
  return w;
}

}  // namespace phylane::io::detail
