#include "workflows/engine_limits.hpp"

#include <sstream>
#include <stdexcept>

namespace phylane::workflows {

std::string symbol_rate_problem(double baud) {
  if (baud >= min_symbol_rate_baud && baud <= max_symbol_rate_baud) return {};
  std::ostringstream o;
  o.precision(4);
  o << "the symbol rate must be from 1 MBd to 1000 GBd (this is " << baud / 1e9
    << " GBd); phylane's engines and receiver model are not valid outside (docs/transmission_lines.md)";
  return o.str();
}

void check_symbol_rate(const std::string& what, const std::string& value_text, double baud) {
  const std::string why = symbol_rate_problem(baud);
  if (!why.empty()) throw std::invalid_argument(what + " = " + value_text + ": " + why);
}

}  // namespace phylane::workflows
