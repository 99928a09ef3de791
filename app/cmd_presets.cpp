// phylane presets [--kind links|systems|claims|studies|sweeps]: the built-in inputs, by the name
// each command's --preset takes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/common.hpp"
#include "io/claims.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "io/json_writer.hpp"
#include "io/system.hpp"
#include "io/version.hpp"

namespace phylane::app {

namespace {

struct Kind {
  const char* name;   // --kind
  const char* what;
  const char* usage;  // how a command takes one
};
constexpr Kind kKinds[] = {
    {"links", "links", "phylane loss|eye|maxrate|reach|capacity|sparams --preset NAME"},
    {"systems", "systems", "phylane throughput --preset NAME"},
    {"claims", "claim sets", "phylane claims --preset NAME"},
    {"studies", "studies", "phylane study --preset NAME"},
    {"sweeps", "sweeps", "phylane sweep data/sweeps/NAME.toml -o FILE.h5, from a source checkout"},
};

struct Entry {
  std::string name, title;
  bool is_default = false;
};

std::vector<Entry> entries(const std::string& kind) {
  std::vector<Entry> out;
  if (kind == "links") {
    for (const auto& n : io::preset_names()) {
      const auto cfg = io::load_preset(n);
      out.push_back({n, cfg.title, n == io::default_preset_name()});
    }
  } else if (kind == "systems") {
    for (const auto& n : io::system_names()) out.push_back({n, "", n == io::default_system_name()});
  } else if (kind == "claims") {
    for (const auto& n : io::claim_set_names()) out.push_back({n, "", n == io::default_claim_set_name()});
  } else if (kind == "studies") {
    for (const auto& n : io::embedded_toml_names("studies")) out.push_back({n, "", n == "default"});
  } else {
    for (const auto& n : io::embedded_toml_names("sweeps")) out.push_back({n, "", false});
  }
  return out;
}

}  // namespace

CLI::App* register_presets(CLI::App& cli, PresetsArgs& args) {
  auto* c = cli.add_subcommand("presets", "List the built-in inputs: links, systems, claim sets, studies, sweeps");
  c->add_option("--kind", args.kind, "Only one kind: links, systems, claims, studies or sweeps")
      ->check(CLI::IsMember({"links", "systems", "claims", "studies", "sweeps"}));
  add_output_flags(*c, args.json);
  return c;
}

int run_presets(const PresetsArgs& args) {
  return guarded([&]() -> int {
    if (args.json) {
      io::JsonWriter j(std::cout);
      j.begin_object().field("phylane_version", io::phylane_version()).field("command", "presets");
      for (const Kind& k : kKinds) {
        if (!args.kind.empty() && args.kind != k.name) continue;
        j.key(k.name).begin_array();
        for (const auto& e : entries(k.name)) {
          j.begin_object().field("name", e.name).field("title", e.title).field("default", e.is_default);
          if (std::string(k.name) == "links") j.field("description", io::load_preset(e.name).description);
          j.end_object();
        }
        j.end_array();
      }
      j.end_object();
      j.done();
      return exit_code::answered;
    }
    bool first = true;
    for (const Kind& k : kKinds) {
      if (!args.kind.empty() && args.kind != k.name) continue;
      fmt::print("{}Built-in {} (use: {}):\n", first ? "" : "\n", k.what, k.usage);
      const auto list = entries(k.name);
      if (list.empty()) fmt::print("  (none compiled in)\n");
      for (const auto& e : list) fmt::print("  {:<22} {}{}\n", e.name, e.title, e.is_default ? "  [default]" : "");
      first = false;
    }
    return exit_code::answered;
  });
}

}  // namespace phylane::app
