#pragma once
// Running the phylane executable from tests, capturing its output and exit code, and reading
// values from its --json output.
#include <string>

namespace phylane::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs `phylane <args>` (args are passed to /bin/sh: quote them) in the working directory `cwd`
/// (empty: current).
CommandResult run_phylane(const std::string& args, const std::string& cwd = "");

/// Runs `phylane <args>` (as run_phylane) on input it must reject and checks the contract for bad
/// input (docs/cli.md): exit code 2, nothing on stdout. Returns the result, for the message.
CommandResult run_rejected(const std::string& args, const std::string& cwd = "");

/// run_rejected on a bad input file: writes `text` to `cwd`/bad.toml, runs
/// `phylane <command> bad.toml -o out.h5 <options>` in `cwd` and also checks that neither out.h5
/// nor out.h5.tmp is left there (no partial output).
CommandResult run_rejected_file(const std::string& command, const std::string& text, const std::string& cwd,
                                const std::string& options = "");

/// A fresh empty temporary directory for one test.
std::string temp_dir(const std::string& tag);

/// The number after the first `"key": ` in a command's --json output (REQUIREs the key).
double json_number(const std::string& json, const std::string& key);

/// The string after the first `"key": "` in a command's --json output (REQUIREs the key).
std::string json_text(const std::string& json, const std::string& key);

}  // namespace phylane::test
