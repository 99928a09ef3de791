#include "app/common.hpp"

#include <iostream>
#include <stdexcept>

#include "io/diagnostics.hpp"
#include "io/quantity.hpp"

namespace phylane::app {

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const io::InputError& e) {
    std::cerr << "phylane: error: " << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "phylane: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "phylane: failure: " << e.what() << '\n';
    return 1;
  }
}

double option_frequency(const std::string& option, const std::string& text) {
  const auto q = io::parse_quantity(text, io::Dimension::frequency);
  if (!q.value) throw io::InputError(option + " \"" + text + "\": " + q.error);
  if (!(*q.value > 0.0)) throw io::InputError(option + " \"" + text + "\": must be a positive frequency");
  return *q.value;
}

}  // namespace phylane::app
