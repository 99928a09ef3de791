// phylane claims: verdicts on statements with numbers, from phylane's models and standard figures.
#include "app/cmd_claims.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/common.hpp"
#include "app/progress.hpp"
#include "app/requests.hpp"
#include "io/claims.hpp"
#include "io/claims_output.hpp"
#include "io/diagnostics.hpp"
#include "workflows/claims.hpp"

namespace phylane::app {

CLI::App* register_claims(CLI::App& cli, ClaimsArgs& args) {
  auto* c = cli.add_subcommand("claims", "Judge claims with numbers against phylane's models and standard figures");
  c->add_option("file", args.file, "Claim file (TOML, see docs/claims.md); default: the embedded example");
  add_preset_option(*c, args.embedded, "Use an embedded claim set (see `phylane presets --kind claims`)", "--embedded");
  c->add_flag("--compact", args.compact, "One line per claim, no details");
  add_result_flags(*c, args);
  return c;
}

int run_claims(const ClaimsArgs& args) {
  return guarded([&]() -> int {
    const workflows::ClaimSet set = claim_set(args);
    Progress progress("claims", args.quiet);
    progress.stage("judging the claims");
    workflows::ClaimsRequest rq;
    rq.hooks = progress.run_hooks("computations");
    const workflows::ClaimsReport r = workflows::evaluate_claims(set, rq);
    progress.complete();
    return deliver(
        args, exit_code::answered, [&](const std::string& file) { io::write_claims_hdf5(file, r); },
        [&](std::ostream& os) { io::write_claims_json(os, r); }, [&] { io::print_claims(std::cout, r, args.compact); });
  });
}

}  // namespace phylane::app
