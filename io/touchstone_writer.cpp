// Writing Touchstone files (io/touchstone.hpp: touchstone_text, write_touchstone): versions 1.1
// and 2.0, values in the shortest form that reads back exactly. Spec: IBIS Open Forum, "Touchstone
// File Format Specification", Version 2.0 (2009). Round trips: docs/touchstone.md.
#include "io/touchstone.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "io/text_file.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"

namespace phylane::io {

using channels::cplx;

namespace {

void append_double(std::string& out, double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

/// f_hz in the unit 10^exp10 Hz, printed so that the reader's scaled_decimal()
/// (io/detail/touchstone_numbers.hpp) reads back exactly f_hz: the shortest decimal digits of f_hz
/// (std::to_chars) with the decimal point moved by exp10 places.
void append_frequency(std::string& out, double f_hz, int exp10) {
  if (f_hz == 0.0) {
    out += '0';
    return;
  }
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, f_hz, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // "1.289e+10"
  const std::size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits += c;
  std::string_view ex = sci.substr(epos + 1);
  if (ex.front() == '+') ex.remove_prefix(1);
  int e = 0;
  std::from_chars(ex.data(), ex.data() + ex.size(), e);
  const int n = static_cast<int>(digits.size());
  const int point = e + 1 - exp10;  // value = 0.<digits> x 10^point
  if (point > 0 && point <= 21) {
    if (point >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(point - n), '0');
    } else {
      out.append(digits, 0, static_cast<std::size_t>(point));
      out += '.';
      out.append(digits, static_cast<std::size_t>(point), std::string::npos);
    }
  } else if (point <= 0 && point > -6) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else {
    out += digits.front();
    if (n > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += std::to_string(point - 1);
  }
}

void append_pair(std::string& out, cplx s, TouchstoneFormat fmt) {
  double a = s.real(), b = s.imag();
  if (fmt != TouchstoneFormat::ri) {
    const double mag = std::abs(s);
    b = std::arg(s) * (180.0 / phy::pi);
    // |S| = 0 has no dB value; -7000 dB (10^-350) underflows to exactly 0 when read back.
    a = fmt == TouchstoneFormat::ma ? mag : (mag > 0.0 ? phy::units::amplitude_ratio_to_db(mag) : -7000.0);
  }
  out += ' ';
  append_double(out, a);
  out += ' ';
  append_double(out, b);
}

void append_comment_lines(std::string& out, std::string_view text) {
  while (true) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "! ";
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

std::string touchstone_text(const channels::Network& network, const TouchstoneWriteOptions& options) {
  const int n = network.ports();
  if (n < 1) throw std::invalid_argument("touchstone_text: the network has no ports");
  if (n > touchstone_max_ports)
    throw std::invalid_argument("touchstone_text: " + std::to_string(n) + " ports; at most " +
                                std::to_string(touchstone_max_ports) + " are supported");
  if (network.size() == 0) throw std::invalid_argument("touchstone_text: the network has no frequencies");
  const auto& z0 = network.z0_ohm();
  const bool uniform = std::all_of(z0.begin(), z0.end(), [&](double z) { return z == z0.front(); });
  const bool v2 = options.version == TouchstoneVersion::v2_0;
  if (!v2 && !uniform) {
    std::string list;
    for (double z : z0) list += (list.empty() ? "" : ", ") + std::to_string(z);
    throw std::invalid_argument("touchstone_text: Touchstone 1.1 has one reference impedance for all ports, but this "
                                "network has " + list + " ohm; write version 2.0 or renormalise first");
  }
  const auto nn = static_cast<std::size_t>(n);
  for (std::size_t k = 0; k < network.size(); ++k)
    if (!network.s(k).allFinite())
      throw std::invalid_argument("touchstone_text: S at frequency index " + std::to_string(k) + " is not finite");

  const int exp10 = frequency_unit_exponent(options.frequency_unit);
  std::string out;
  out.reserve(512 + network.size() * (24 + nn * nn * 2 * 26));
  std::string first = "Touchstone " + std::string(to_string(options.version)) + " written by phylane";
  if (!options.program_version.empty()) first += " " + options.program_version;
  append_comment_lines(out, first);
  if (!network.name.empty()) append_comment_lines(out, "network: " + network.name);
  for (const auto& c : options.comments) append_comment_lines(out, c);
  const char* order = n == 2 && !v2 ? "S11 S21 S12 S22" : n <= 2 ? "row by row" : "row by row, each row on new lines";
  append_comment_lines(out, std::string("data: frequency, then S ") + order + " as " +
                                std::string(to_string(options.format)) + " pairs" +
                                (options.format == TouchstoneFormat::ri ? "" : " (angles in degrees)"));
  if (v2) out += "[Version] 2.0\n";
  out += "# ";
  out += to_string(options.frequency_unit);
  out += " S ";
  out += to_string(options.format);
  out += " R ";
  append_double(out, z0.front());
  out += '\n';
  if (v2) {
    out += "[Number of Ports] " + std::to_string(n) + "\n";
    if (n == 2) out += "[Two-Port Data Order] 12_21\n";
    out += "[Number of Frequencies] " + std::to_string(network.size()) + "\n";
    if (!uniform) {
      out += "[Reference]";
      for (double z : z0) {
        out += ' ';
        append_double(out, z);
      }
      out += '\n';
    }
    out += "[Network Data]\n";
  }
  const auto& f = network.freq_hz();
  for (std::size_t k = 0; k < network.size(); ++k) {
    append_frequency(out, f[k], exp10);
    if (n == 1) {
      append_pair(out, network.s(k, 0, 0), options.format);
    } else if (n == 2) {
      append_pair(out, network.s(k, 0, 0), options.format);
      if (v2) {  // [Two-Port Data Order] 12_21
        append_pair(out, network.s(k, 0, 1), options.format);
        append_pair(out, network.s(k, 1, 0), options.format);
      } else {  // Touchstone 1.x: S11 S21 S12 S22
        append_pair(out, network.s(k, 1, 0), options.format);
        append_pair(out, network.s(k, 0, 1), options.format);
      }
      append_pair(out, network.s(k, 1, 1), options.format);
    } else {
      // Each row starts on a new line, at most four pairs per line (the 1.x rule; 2.0 allows it).
      for (int i = 0; i < n; ++i) {
        if (i > 0) out += "   ";
        for (int j = 0; j < n; ++j) {
          if (j > 0 && j % 4 == 0) out += "\n   ";
          append_pair(out, network.s(k, i, j), options.format);
        }
        out += '\n';
      }
      continue;
    }
    out += '\n';
  }
  if (v2) out += "[End]\n";
  return out;
}

void write_touchstone(const channels::Network& network, const std::filesystem::path& file,
                      const TouchstoneWriteOptions& options) {
  const int ext_ports = touchstone_ports_from_extension(file);
  if (options.version == TouchstoneVersion::v1_1 && ext_ports == 0)
    throw std::invalid_argument(file.string() + ": a Touchstone 1.1 file must be named .s" +
                                std::to_string(network.ports()) + "p (its extension is where it states the port count)");
  if (ext_ports != 0 && ext_ports != network.ports())
    throw std::invalid_argument(file.string() + ": the extension says " + std::to_string(ext_ports) +
                                " ports but the network has " + std::to_string(network.ports()) + "; name it .s" +
                                std::to_string(network.ports()) + "p");
  const std::string text = touchstone_text(network, options);
  write_text_file(file, text);
}

}  // namespace phylane::io
