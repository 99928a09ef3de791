#pragma once
// Running the phylane executable from tests, capturing its output and exit code.
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

/// A fresh empty temporary directory for one test.
std::string temp_dir(const std::string& tag);

}  // namespace phylane::test
