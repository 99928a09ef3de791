#pragma once
/// A number as text for error messages: the shortest %g form with the given significant digits
/// ("3.5e-05", "85", "1.23457e+10"). One helper for every layer's messages.
#include <cstdio>
#include <string>

namespace phylane::phy {

/// `value` printed as printf's %.<significant>g (ostream's default format at that precision).
inline std::string number_text(double value, int significant = 6) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", significant, value);
  return buf;
}

}  // namespace phylane::phy
