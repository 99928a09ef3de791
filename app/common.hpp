#pragma once
// Helpers shared by the subcommands: exit-code mapping and option parsing.
#include <functional>
#include <string>

namespace phylane::app {

/// Runs a subcommand body and maps failures to exit codes, printing the message on stderr:
/// io::InputError and std::invalid_argument (bad input) -> 2, any other exception -> 1.
int guarded(const std::function<int()>& body);

/// A frequency given on the command line ("16 GHz"); throws io::InputError naming the option.
double option_frequency(const std::string& option, const std::string& text);

}  // namespace phylane::app
