#include "io/com_sheet.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "io/detail/toml_reader.hpp"
#include "io/diagnostics.hpp"
#include "io/embedded.hpp"
#include "io/quantity.hpp"

namespace phylane::io {

namespace {

using detail::Context;
using solvers::ComParameters;

// ---- units: the spreadsheet's unit of each parameter and the spellings accepted for it ----------

enum class UnitKind { none, logical, baud, ghz, hz, nf, nh, mm, ohm, volt, ns, seconds, db, ui, v2_per_ghz, fb_ratio, ns_per_mm };

struct UnitSpelling {
  const char* text;
  double to_si;
};

struct UnitInfo {
  const char* sheet_unit;               // the spreadsheet's unit, assumed when none is written
  std::vector<UnitSpelling> spellings;  // accepted; the first is the sheet's
};

const UnitInfo& unit_info(UnitKind k) {
  static const std::map<UnitKind, UnitInfo> table = {
      {UnitKind::none, {"", {}}},
      {UnitKind::logical, {"logical", {{"logical", 1.0}}}},
      {UnitKind::baud, {"GBd", {{"GBd", 1e9}, {"MBd", 1e6}, {"Bd", 1.0}}}},
      {UnitKind::ghz, {"GHz", {{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1.0}, {"THz", 1e12}}}},
      // beta_x: the reference code multiplies the sheet's number by seconds, so its unit is Hz (dB/s).
      {UnitKind::hz, {"Hz", {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}}}},
      {UnitKind::nf, {"nF", {{"nF", 1e-9}, {"pF", 1e-12}, {"fF", 1e-15}, {"uF", 1e-6}, {"F", 1.0}}}},
      {UnitKind::nh, {"nH", {{"nH", 1e-9}, {"pH", 1e-12}, {"uH", 1e-6}, {"H", 1.0}}}},
      {UnitKind::mm, {"mm", {{"mm", 1e-3}, {"um", 1e-6}, {"cm", 1e-2}, {"m", 1.0}}}},
      {UnitKind::ohm, {"Ohm", {{"Ohm", 1.0}, {"ohm", 1.0}, {"\xCE\xA9", 1.0}}}},
      {UnitKind::volt, {"V", {{"V", 1.0}, {"mV", 1e-3}, {"uV", 1e-6}}}},
      {UnitKind::ns, {"ns", {{"ns", 1e-9}, {"ps", 1e-12}, {"fs", 1e-15}, {"us", 1e-6}, {"s", 1.0}}}},
      // fixture delay time: the reference code reads the number in seconds.
      {UnitKind::seconds, {"s", {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}}}},
      {UnitKind::db, {"dB", {{"dB", 1.0}}}},
      {UnitKind::ui, {"UI", {{"UI", 1.0}}}},
      {UnitKind::v2_per_ghz, {"V^2/GHz", {{"V^2/GHz", 1e-9}, {"V^2/Hz", 1.0}}}},
      {UnitKind::fb_ratio, {"*fb", {{"*fb", 1.0}, {"*f_b", 1.0}, {"fb", 1.0}}}},
      // The sheets write package_tl_tau's unit as "ns" (meaning ns/mm, Table 93A-3).
      {UnitKind::ns_per_mm, {"ns", {{"ns", 1e-6}, {"ns/mm", 1e-6}, {"ps/mm", 1e-9}, {"s/m", 1.0}}}},
  };
  return table.at(k);
}

std::string allowed_units(UnitKind k) {
  const auto& info = unit_info(k);
  if (info.spellings.empty()) return "no unit";
  std::string s;
  for (const auto& sp : info.spellings) s += (s.empty() ? "" : ", ") + std::string(sp.text);
  return s;
}

// ---- the parameters -------------------------------------------------------------------------

// Shapes a value may take (checked before the values are used):
enum class Shape {
  scalar,    // one number
  integer,   // one integer
  logical,   // true/false or 0/1
  text,      // a string kept verbatim
  vector,    // a row or column of numbers (ranges expanded)
  pair,      // one number (both sides) or [TX RX]
  sections,  // one number, [TX RX], or [TX sections ; RX sections]
  matrix,    // rows x columns
};

enum class Use { package, read, ignored };

struct Param {
  const char* name;
  UnitKind unit;
  Shape shape;
  bool required;
  Use use;
};

// In the order of the IEEE sheets: Table 93A-1, the 802.3ck/dj additions, the I/O and operational
// controls, Table 93A-3 (package line) and Table 92-12 (board).
const std::vector<Param>& params() {
  using U = UnitKind;
  using S = Shape;
  static const std::vector<Param> p = {
      {"f_b", U::baud, S::scalar, true, Use::read},
      {"f_min", U::ghz, S::scalar, false, Use::read},
      {"Delta_f", U::ghz, S::scalar, true, Use::read},
      {"C_d", U::nf, S::sections, true, Use::package},
      {"L_s", U::nh, S::sections, false, Use::package},
      {"C_b", U::nf, S::pair, false, Use::package},
      {"z_p select", U::none, S::vector, false, Use::package},
      {"z_p (TX)", U::mm, S::matrix, true, Use::package},
      {"z_p (NEXT)", U::mm, S::matrix, true, Use::package},
      {"z_p (FEXT)", U::mm, S::matrix, true, Use::package},
      {"z_p (RX)", U::mm, S::matrix, true, Use::package},
      {"C_p", U::nf, S::pair, true, Use::package},
      {"R_0", U::ohm, S::scalar, false, Use::package},
      {"R_d", U::ohm, S::pair, true, Use::package},
      {"f_r", U::fb_ratio, S::scalar, true, Use::read},
      {"c(0)", U::none, S::scalar, true, Use::read},
      {"c(-1)", U::none, S::vector, true, Use::read},
      {"c(-2)", U::none, S::vector, false, Use::read},
      {"c(-3)", U::none, S::vector, false, Use::read},
      {"c(-4)", U::none, S::vector, false, Use::read},
      {"c(1)", U::none, S::vector, true, Use::read},
      {"c(2)", U::none, S::vector, false, Use::read},
      {"c(3)", U::none, S::vector, false, Use::read},
      {"g_DC", U::db, S::vector, true, Use::read},
      {"g_DC_HP", U::db, S::vector, false, Use::read},
      {"f_z", U::ghz, S::scalar, false, Use::read},
      {"f_p1", U::ghz, S::scalar, false, Use::read},
      {"f_p2", U::ghz, S::scalar, false, Use::read},
      {"f_HP_PZ", U::ghz, S::scalar, false, Use::read},
      {"ffe_pre_tap_len", U::none, S::integer, false, Use::read},
      {"ffe_post_tap_len", U::none, S::integer, false, Use::read},
      {"ffe_tap_step_size", U::none, S::scalar, false, Use::read},
      {"ffe_main_cursor_min", U::none, S::scalar, false, Use::read},
      {"ffe_pre_tap1_max", U::none, S::scalar, false, Use::read},
      {"ffe_post_tap1_max", U::none, S::scalar, false, Use::read},
      {"ffe_tapn_max", U::none, S::scalar, false, Use::read},
      {"A_v", U::volt, S::scalar, true, Use::read},
      {"A_fe", U::volt, S::scalar, true, Use::read},
      {"A_ne", U::volt, S::scalar, true, Use::read},
      {"L", U::none, S::integer, true, Use::read},
      {"M", U::none, S::integer, false, Use::read},
      {"N_b", U::ui, S::integer, true, Use::read},
      {"b_max(1)", U::none, S::scalar, true, Use::read},
      {"b_min(1)", U::none, S::scalar, false, Use::read},
      {"b_max(2..N_b)", U::none, S::vector, true, Use::read},
      {"b_min(2..N_b)", U::none, S::vector, false, Use::read},
      {"N_bg", U::none, S::integer, false, Use::read},
      {"N_bf", U::none, S::integer, false, Use::read},
      {"N_f", U::ui, S::integer, false, Use::read},
      {"bmaxg", U::none, S::scalar, false, Use::read},
      {"ffe_backoff", U::none, S::integer, false, Use::read},
      {"FFE_OPT_METHOD", U::none, S::text, false, Use::read},
      {"sigma_RJ", U::ui, S::scalar, true, Use::read},
      {"A_DD", U::ui, S::scalar, true, Use::read},
      {"eta_0", U::v2_per_ghz, S::scalar, true, Use::read},
      {"SNR_TX", U::db, S::scalar, true, Use::read},
      {"R_LM", U::none, S::scalar, true, Use::read},
      {"DER_0", U::none, S::scalar, true, Use::read},
      {"COM Pass threshold", U::db, S::scalar, true, Use::read},
      {"Include PCB", U::logical, S::logical, false, Use::read},
      // I/O control (display and report switches of the reference code: accepted, no effect here)
      {"DIAGNOSTICS", U::logical, S::logical, false, Use::ignored},
      {"DISPLAY_WINDOW", U::logical, S::logical, false, Use::ignored},
      {"Display frequency domain", U::logical, S::logical, false, Use::ignored},
      {"CSV_REPORT", U::logical, S::logical, false, Use::ignored},
      {"SAVE_FIGURE_to_CSV", U::logical, S::logical, false, Use::ignored},
      {"RESULT_DIR", U::none, S::text, false, Use::ignored},
      {"SAVE_FIGURES", U::logical, S::logical, false, Use::ignored},
      {"SAVE_TD", U::logical, S::logical, false, Use::ignored},
      {"BREAD_CRUMBS", U::logical, S::logical, false, Use::ignored},
      {"Port Order", U::none, S::vector, false, Use::read},
      {"RX_CALIBRATION", U::logical, S::logical, false, Use::read},
      {"Sigma BBN step", U::volt, S::scalar, false, Use::read},
      {"IDEAL_TX_TERM", U::logical, S::logical, false, Use::read},
      {"T_r", U::ns, S::scalar, false, Use::read},
      {"FORCE_TR", U::logical, S::logical, false, Use::read},
      {"PMD_type", U::none, S::text, false, Use::read},
      {"T_O", U::none, S::scalar, false, Use::read},
      {"T_h", U::none, S::scalar, false, Use::read},
      {"samples_for_C2M", U::none, S::integer, false, Use::read},
      {"TDR", U::logical, S::logical, false, Use::read},
      {"ERL", U::logical, S::logical, false, Use::read},
      // TDR and ERL (Annex 93A.5), ICN: the reference code's names
      {"ERL_ONLY", U::logical, S::logical, false, Use::read},
      {"TR_TDR", U::ns, S::scalar, false, Use::read},
      {"N", U::ui, S::integer, false, Use::read},
      {"TDR_duration", U::none, S::scalar, false, Use::read},
      {"beta_x", U::hz, S::scalar, false, Use::read},
      {"rho_x", U::none, S::scalar, false, Use::read},
      {"fixture delay time", U::seconds, S::pair, false, Use::read},
      {"N_bx", U::ui, S::integer, false, Use::read},
      {"Z_t", U::ohm, S::scalar, false, Use::read},
      {"Grr", U::none, S::integer, false, Use::read},
      {"Gx", U::none, S::integer, false, Use::read},
      {"ERL Pass threshold", U::db, S::scalar, false, Use::read},
      {"TDR_Butterworth", U::logical, S::logical, false, Use::read},
      {"Tukey_Window", U::logical, S::logical, false, Use::read},
      {"PDF bin size", U::volt, S::scalar, false, Use::read},
      {"T_k", U::ns, S::scalar, false, Use::read},
      {"TDR_W_TXPKG", U::logical, S::logical, false, Use::read},
      {"SHOW_BRD", U::logical, S::logical, false, Use::read},
      {"A_ft", U::volt, S::scalar, false, Use::read},
      {"A_nt", U::volt, S::scalar, false, Use::read},
      {"f_1", U::ghz, S::scalar, false, Use::read},
      {"f_2", U::ghz, S::scalar, false, Use::read},
      {"f_2_ILD", U::ghz, S::scalar, false, Use::read},
      {"f_v", U::fb_ratio, S::scalar, false, Use::read},
      {"ts_anchor", U::none, S::integer, false, Use::read},
      {"sample_adjustment", U::none, S::vector, false, Use::read},
      {"CTLE_type", U::none, S::text, false, Use::read},
      {"INC_PACKAGE", U::logical, S::logical, false, Use::read},
      {"IDEAL_RX_TERM", U::logical, S::logical, false, Use::read},
      {"INCLUDE_CTLE", U::logical, S::logical, false, Use::read},
      {"INCLUDE_TX_RX_FILTER", U::logical, S::logical, false, Use::read},
      // 802.3dj operational keys of the reference code 4.x
      {"Raised_Cosine", U::logical, S::logical, false, Use::read},
      {"RC_Start", U::hz, S::scalar, false, Use::read},
      {"RC_end", U::hz, S::scalar, false, Use::read},
      {"Butterworth", U::logical, S::logical, false, Use::read},
      {"RXFFE FLOAT CTL", U::none, S::text, false, Use::read},
      {"EW", U::logical, S::logical, false, Use::read},
      {"MLSE", U::none, S::integer, false, Use::read},
      {"Local Search", U::none, S::integer, false, Use::read},
      // PyChOpMarg's comparison sheet spellings (not keys of the reference code, which ignores them)
      {"N-g", U::none, S::integer, false, Use::read},
      {"N-max", U::none, S::integer, false, Use::read},
      // Table 93A-3
      {"package_tl_tau", U::ns_per_mm, S::scalar, false, Use::package},
      {"package_tl_gamma0_a1_a2", U::none, S::vector, false, Use::package},
      {"package_Z_c", U::ohm, S::matrix, false, Use::package},
      // Table 92-12
      {"board_tl_tau", U::ns_per_mm, S::scalar, false, Use::read},
      {"board_tl_gamma0_a1_a2", U::none, S::vector, false, Use::read},
      {"board_Z_c", U::ohm, S::scalar, false, Use::read},
      {"z_bp (TX)", U::mm, S::scalar, false, Use::read},
      {"z_bp (NEXT)", U::mm, S::scalar, false, Use::read},
      {"z_bp (FEXT)", U::mm, S::scalar, false, Use::read},
      {"z_bp (RX)", U::mm, S::scalar, false, Use::read},
  };
  return p;
}

const Param* find_param(const std::string& name) {
  for (const auto& p : params())
    if (name == p.name) return &p;
  return nullptr;
}

std::vector<std::string> param_names() {
  std::vector<std::string> n;
  for (const auto& p : params()) n.emplace_back(p.name);
  return n;
}

// ---- values ---------------------------------------------------------------------------------

// One parameter's value as given: numbers in rows (already in SI), or a text.
struct Value {
  std::vector<std::vector<double>> rows;
  std::string text;           // Shape::text
  std::string override_text;  // a --set value as given (where is null)
  std::string file;           // file name or "--set"
  const toml::node* where = nullptr;
  // As written, for messages: formatted only when a message needs it (formatting every value
  // of a sheet was half of reading it).
  std::string as_written() const { return where ? detail::node_text(*where) : "\"" + override_text + "\""; }
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto& r : rows) n += r.size();
    return n;
  }
  std::vector<double> flat() const {
    std::vector<double> v;
    for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
    return v;
  }
  double first() const { return rows.front().front(); }
};

// A MATLAB-style element: a number, a range a:b or a:s:b, or x*ones(1,n). Appends to `out`;
// returns an error text or "".
std::string parse_element(std::string tok, std::vector<double>& out) {
  if (tok.empty()) return "";
  const auto ones = tok.find("*ones(");
  if (ones != std::string::npos) {
    const auto x = parse_plain_number(tok.substr(0, ones));
    const auto close = tok.find(')', ones);
    const auto comma = tok.find(',', ones);
    if (!x || close == std::string::npos || comma == std::string::npos || close != tok.size() - 1)
      return "\"" + tok + "\" is not of the form x*ones(1,n)";
    const auto n = parse_plain_number(tok.substr(comma + 1, close - comma - 1));
    if (!n || *n < 0 || *n != std::floor(*n)) return "\"" + tok + "\": n of ones(1,n) must be a whole number";
    out.insert(out.end(), static_cast<std::size_t>(*n), *x);
    return "";
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= tok.size(); ++i)
    if (i == tok.size() || tok[i] == ':') {
      parts.push_back(tok.substr(start, i - start));
      start = i + 1;
    }
  std::vector<double> nums;
  for (const auto& p : parts) {
    const auto v = parse_plain_number(p);
    if (!v) return "\"" + p + "\" is not a number";
    nums.push_back(*v);
  }
  if (nums.size() == 1) {
    out.push_back(nums[0]);
    return "";
  }
  if (nums.size() > 3) return "\"" + tok + "\" is not a range (start:step:stop)";
  const double a = nums.front(), b = nums.back(), s = nums.size() == 3 ? nums[1] : 1.0;
  if (s == 0.0 || (b - a) / s < -1e-10) return "the range \"" + tok + "\" is empty";
  // MATLAB's colon: n = floor((b - a)/s) + 1 with a relative tolerance, the second half counted
  // back from the end point so that both ends are exact.
  const auto n = static_cast<std::size_t>(std::floor((b - a) / s + 1e-10)) + 1;
  for (std::size_t i = 0; i < n; ++i) {
    double v = 2 * i < n ? a + static_cast<double>(i) * s : b - static_cast<double>(n - 1 - i) * s;
    if (std::abs(v) < 1e-12 * std::abs(s)) v = 0.0;
    out.push_back(v);
  }
  return "";
}

// "[a b; c d] unit", "1.5 GHz", "[-0.18:0.02:0]" -> rows and the unit text; error text or "".
std::string parse_value_text(std::string_view text, std::vector<std::vector<double>>& rows, std::string& unit) {
  std::string s(trim(text));
  std::string body;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string::npos) return "missing \"]\"";
    body = s.substr(1, close - 1);
    unit = std::string(trim(std::string_view(s).substr(close + 1)));
  } else {
    const auto space = s.find_first_of(" \t");
    body = s.substr(0, space);
    unit = space == std::string::npos ? "" : std::string(trim(std::string_view(s).substr(space)));
  }
  // Spaces around ':' and inside ones(...) belong to one element.
  std::string norm;
  int paren = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '(') ++paren;
    if (c == ')') --paren;
    if ((c == ' ' || c == '\t') && paren == 0) {
      const auto prev = norm.find_last_not_of(" \t");
      const auto next = body.find_first_not_of(" \t", i);
      if ((prev != std::string::npos && norm[prev] == ':') || (next != std::string::npos && body[next] == ':')) continue;
    }
    if ((c == ' ' || c == '\t') && paren > 0) continue;
    norm += c;
  }
  std::vector<double> row;
  std::string tok;
  auto flush_tok = [&]() -> std::string {
    std::string err = parse_element(tok, row);
    tok.clear();
    return err;
  };
  for (std::size_t i = 0; i <= norm.size(); ++i) {
    const char c = i < norm.size() ? norm[i] : ';';
    if (c == ' ' || c == '\t' || c == ',' || c == ';') {
      // A comma inside ones(1,n) belongs to the element.
      if (c == ',' && tok.find("ones(") != std::string::npos && tok.find(')') == std::string::npos) {
        tok += c;
        continue;
      }
      if (auto err = flush_tok(); !err.empty()) return err;
      if (c == ';') {
        if (!row.empty() || i < norm.size()) rows.push_back(row);
        row.clear();
      }
    } else {
      tok += c;
    }
  }
  // Drop a trailing empty row ("[1 2;]") and reject empty values.
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  if (rows.empty()) return "no number";
  for (const auto& r : rows)
    if (r.empty()) return "an empty row";
  return "";
}

struct Sheet {
  std::map<std::string, Value> values;
  std::set<std::string> invalid;  // given, but rejected (reported already; not "missing")
  std::string name, source;
};

std::string shape_rule(const Param& p) {
  switch (p.shape) {
    case Shape::scalar: return "one number";
    case Shape::integer: return "a whole number";
    case Shape::logical: return "true/false or 1/0";
    case Shape::text: return "a text";
    case Shape::vector: return "a number or a vector (\"[a b c]\", \"[start:step:stop]\")";
    case Shape::pair: return "one number or [TX RX]";
    case Shape::sections: return "one number, [TX RX], or [TX sections ; RX sections]";
    case Shape::matrix: return "a number, a vector or a matrix (\"[a b; c d]\")";
  }
  return "";
}

// Converts a raw value (a TOML node or an override text) for parameter p; records errors.
std::optional<Value> make_value(Context& ctx, const Param& p, const toml::node* node, std::string_view override_text) {
  Value v;
  v.where = node;
  v.file = ctx.file;
  if (!node) v.override_text = std::string(override_text);
  auto fail = [&](const std::string& msg) {
    ctx.error(node, p.name, v.as_written(), msg);
    return std::nullopt;
  };
  std::string unit;
  bool from_text = false;
  std::string text;
  if (node) {
    if (auto b = node->value_exact<bool>()) {
      v.rows = {{*b ? 1.0 : 0.0}};
    } else if (node->is_integer() || node->is_floating_point()) {
      v.rows = {{*node->value<double>()}};
    } else if (const auto* arr = node->as_array()) {
      auto row_of = [&](const toml::array& a, std::vector<double>& row) {
        for (const auto& e : a) {
          const auto x = e.value<double>();
          if (!x || e.is_boolean()) return false;
          row.push_back(*x);
        }
        return true;
      };
      if (!arr->empty() && arr->front().is_array()) {
        for (const auto& r : *arr) {
          std::vector<double> row;
          if (!r.is_array() || !row_of(*r.as_array(), row) || row.empty())
            return fail("must be " + shape_rule(p) + ": a TOML matrix is an array of arrays of numbers");
          v.rows.push_back(row);
        }
      } else {
        std::vector<double> row;
        if (!row_of(*arr, row) || row.empty()) return fail("must be " + shape_rule(p) + ": the array must hold numbers");
        v.rows = {row};
      }
    } else if (auto s = node->value_exact<std::string>()) {
      from_text = true;
      text = *s;
    } else {
      return fail("must be " + shape_rule(p));
    }
  } else {
    from_text = true;
    text = std::string(override_text);
  }
  if (p.shape == Shape::text) {
    if (!from_text) return fail("must be a text (a TOML string)");
    v.text = text;
    return v;
  }
  if (from_text) {
    const std::string t(trim(text));
    if (p.shape == Shape::logical && (t == "true" || t == "false")) {
      v.rows = {{t == "true" ? 1.0 : 0.0}};
    } else if (auto err = parse_value_text(t, v.rows, unit); !err.empty()) {
      return fail("cannot read the value: " + err + " (write " + shape_rule(p) + ", then the unit if any)");
    }
  }
  // Unit: none written -> the sheet's; otherwise one of the accepted spellings.
  const UnitInfo& ui = unit_info(p.unit);
  double factor = 1.0;
  if (!ui.spellings.empty()) factor = ui.spellings.front().to_si;
  if (!unit.empty()) {
    const auto it = std::find_if(ui.spellings.begin(), ui.spellings.end(),
                                 [&](const UnitSpelling& sp) { return unit == sp.text; });
    if (it == ui.spellings.end())
      return fail("unit \"" + unit + "\" is not allowed; allowed: " + allowed_units(p.unit) +
                  (ui.spellings.empty() ? "" : " (none written: " + std::string(ui.sheet_unit) + ")"));
    factor = it->to_si;
  }
  for (auto& r : v.rows)
    for (auto& x : r) {
      if (!std::isfinite(x)) return fail("must be finite");
      x *= factor;
    }
  // Shape.
  const std::size_t n = v.count(), nr = v.rows.size(), nc = v.rows.front().size();
  bool rect = true;
  for (const auto& r : v.rows) rect = rect && r.size() == nc;
  bool ok = rect;
  switch (p.shape) {
    case Shape::scalar: ok = n == 1; break;
    case Shape::integer: ok = n == 1 && v.first() == std::floor(v.first()); break;
    case Shape::logical: ok = n == 1 && (v.first() == 0.0 || v.first() == 1.0); break;
    case Shape::vector: ok = rect && (nr == 1 || nc == 1); break;
    case Shape::pair: ok = n == 1 || n == 2; break;
    case Shape::sections: ok = rect && (n == 1 || (nr == 1 && nc == 2) || nr == 2); break;
    case Shape::matrix:
    case Shape::text: break;
  }
  if (!ok) return fail("must be " + shape_rule(p));
  if (p.shape == Shape::vector && nr > 1) {  // a column: one row
    v.rows = {v.flat()};
  }
  return v;
}

void add_value(Context& ctx, Sheet& sheet, const std::string& key, const toml::node* node, std::string_view text,
               const toml::node* where_unknown) {
  const Param* p = find_param(key);
  if (!p) {
    const std::string guess = closest_match(key, param_names());
    ctx.error(where_unknown, key, node ? detail::node_text(*node) : "\"" + std::string(text) + "\"",
              "unknown COM parameter" + (guess.empty() ? std::string() : "; did you mean \"" + guess + "\"?") +
                  " (docs/com.md lists the parameters)");
    ctx.diagnostics.back().unknown_key = true;
    return;
  }
  if (auto v = make_value(ctx, *p, node, text)) {
    sheet.values[p->name] = std::move(*v);
    sheet.invalid.erase(p->name);
  } else {
    sheet.invalid.insert(p->name);
  }
}

// ---- building the parameter set ------------------------------------------------------------

class Builder {
 public:
  Builder(Context& ctx, const Sheet& sheet, const toml::node* params_node)
      : ctx_(ctx), sheet_(sheet), params_node_(params_node) {}

  const Value* get(const char* name) {
    const auto it = sheet_.values.find(name);
    if (it != sheet_.values.end()) return &it->second;
    const Param* p = find_param(name);
    if (p && p->required && !sheet_.invalid.count(name)) missing(name);
    return nullptr;
  }
  void missing(const char* name) {
    if (!reported_.insert(name).second) return;
    const Param* p = find_param(name);
    const std::string unit = p && p->unit != UnitKind::none ? std::string(" [") + unit_info(p->unit).sheet_unit + "]" : "";
    ctx_.error(params_node_, name, "", "missing required COM parameter (" + shape_rule(*p) + unit + ")");
  }
  void error(const Value& v, const char* name, const std::string& msg) {
    Diagnostic d;
    d.file = v.file;
    if (v.where) {
      d.line = static_cast<int>(v.where->source().begin.line);
      d.column = static_cast<int>(v.where->source().begin.column);
    }
    d.key = name;
    d.value = v.as_written();
    d.message = msg;
    ctx_.diagnostics.push_back(std::move(d));
  }
  double scalar(const char* name, double fallback) {
    const Value* v = get(name);
    return v ? v->first() : fallback;
  }
  std::optional<double> optional(const char* name) {
    const Value* v = get(name);
    return v ? std::optional<double>(v->first()) : std::nullopt;
  }
  // Scalars with a rule: `ok` decides, `rule` words the error.
  double checked(const char* name, double fallback, bool (*ok)(double), const char* rule) {
    const Value* v = get(name);
    if (!v) return fallback;
    if (!ok(v->first())) error(*v, name, std::string("must be ") + rule);
    return v->first();
  }
  int integer(const char* name, int fallback, int lo) {
    const Value* v = get(name);
    if (!v) return fallback;
    if (v->first() < lo || v->first() != std::floor(v->first()))
      error(*v, name, "must be a whole number >= " + std::to_string(lo));
    return static_cast<int>(v->first());
  }
  bool logical(const char* name, bool fallback) {
    const Value* v = get(name);
    return v ? v->first() != 0.0 : fallback;
  }
  std::vector<double> vector(const char* name, std::vector<double> fallback = {}) {
    const Value* v = get(name);
    return v ? v->flat() : fallback;
  }
  std::array<double, 2> pair(const char* name, std::array<double, 2> fallback, bool positive) {
    const Value* v = get(name);
    if (!v) return fallback;
    const auto f = v->flat();
    for (double x : f)
      if (positive ? !(x > 0.0) : x < 0.0) error(*v, name, positive ? "must be positive" : "must not be negative");
    return {f.front(), f.back()};
  }

  Context& ctx_;
  const Sheet& sheet_;
  const toml::node* params_node_;
  std::set<std::string> reported_;
};

bool positive(double x) { return x > 0.0; }
bool non_negative(double x) { return x >= 0.0; }
bool probability(double x) { return x > 0.0 && x < 1.0; }

// Table 93A-3 coefficients from the sheet's units (1/mm, sqrt(ns)/mm, ns/mm) to SI.
channels::ComLineLoss line_loss(Builder& b, const char* gamma_name, const char* tau_name,
                                std::array<double, 3> gamma_default, double tau_default_ns_per_mm) {
  channels::ComLineLoss l;
  std::vector<double> g(gamma_default.begin(), gamma_default.end());
  if (const Value* v = b.get(gamma_name)) {
    if (v->count() != 3)
      b.error(*v, gamma_name, "must be [gamma0 a1 a2] (3 numbers, in 1/mm, sqrt(ns)/mm, ns/mm)");
    else
      g = v->flat();
    for (double x : g)
      if (x < 0.0) b.error(*v, gamma_name, "must not be negative");
  }
  l.gamma0_per_m = g[0] * 1e3;
  l.a1_per_m_sqrt_hz = g[1] * std::sqrt(1e-9) * 1e3;
  l.a2_s_per_m = g[2] * 1e-9 * 1e3;
  l.tau_s_per_m = b.checked(tau_name, tau_default_ns_per_mm * 1e-6, positive, "a positive delay per length");
  return l;
}

std::array<std::vector<double>, 2> sections(Builder& b, const char* name) {
  std::array<std::vector<double>, 2> out;
  const Value* v = b.get(name);
  if (!v) return out;
  if (v->count() == 1) {
    out = {std::vector<double>{v->first()}, std::vector<double>{v->first()}};
  } else if (v->rows.size() == 1) {
    out = {std::vector<double>{v->rows[0][0]}, std::vector<double>{v->rows[0][1]}};
  } else {
    out = {v->rows[0], v->rows[1]};
  }
  for (const auto& side : out)
    for (double x : side)
      if (x < 0.0) b.error(*v, name, "must not be negative");
  return out;
}

ComParameters build(Context& ctx, const Sheet& sheet, const toml::node* params_node) {
  Builder b(ctx, sheet, params_node);
  ComParameters p;
  p.name = sheet.name;
  p.source = sheet.source;

  p.f_b_baud = b.checked("f_b", 0.0, positive, "a positive symbol rate");
  p.f_min_hz = b.optional("f_min");
  p.delta_f_hz = b.checked("Delta_f", 0.0, positive, "a positive frequency step");
  p.levels = b.integer("L", 2, 2);
  p.samples_per_ui = b.integer("M", 32, 1);

  p.c_d_f = sections(b, "C_d");
  p.l_s_h = sections(b, "L_s");
  if (const Value* ls = b.get("L_s"))
    if (p.l_s_h[0].size() != p.c_d_f[0].size() || p.l_s_h[1].size() != p.c_d_f[1].size())
      b.error(*ls, "L_s", "must have as many sections per side as C_d (" + std::to_string(p.c_d_f[0].size()) + ")");
  p.c_b_f = b.pair("C_b", {0.0, 0.0}, false);
  p.c_p_f = b.pair("C_p", {0.0, 0.0}, false);
  p.r0_ohm = b.checked("R_0", 50.0, positive, "a positive resistance");
  p.r_d_ohm = b.pair("R_d", {50.0, 50.0}, true);

  // z_p: columns are cases, rows segments; the four roles agree.
  const char* roles[4] = {"z_p (TX)", "z_p (NEXT)", "z_p (FEXT)", "z_p (RX)"};
  const Value* shape_of = nullptr;
  for (int r = 0; r < 4; ++r) {
    const Value* v = b.get(roles[r]);
    if (!v) continue;
    bool rect = true;
    for (const auto& row : v->rows) rect = rect && row.size() == v->rows.front().size();
    if (!rect) {
      b.error(*v, roles[r], "every row (package line segment) must have one length per case");
      continue;
    }
    if (shape_of && (shape_of->rows.size() != v->rows.size() || shape_of->rows[0].size() != v->rows[0].size())) {
      b.error(*v, roles[r],
              "must have the shape of z_p (TX): " + std::to_string(shape_of->rows.size()) + " segment row(s) x " +
                  std::to_string(shape_of->rows[0].size()) + " case(s)");
      continue;
    }
    if (!shape_of) shape_of = v;
    const std::size_t cases = v->rows[0].size();
    auto& out = p.z_p_m[static_cast<std::size_t>(r)];
    out.assign(cases, {});
    for (const auto& row : v->rows)
      for (std::size_t c = 0; c < cases; ++c) {
        if (row[c] < 0.0) b.error(*v, roles[r], "lengths must not be negative");
        out[c].push_back(row[c]);
      }
  }
  const std::size_t segments = shape_of ? shape_of->rows.size() : 1;
  const std::size_t cases = shape_of ? shape_of->rows[0].size() : 0;
  // package_Z_c: rows are segments, columns Tx and Rx (one column: both).
  if (const Value* zc = b.get("package_Z_c")) {
    const std::size_t cols = zc->rows.front().size();
    bool rect = true;
    for (const auto& row : zc->rows) rect = rect && row.size() == cols;
    if (!rect || cols > 2 || zc->rows.size() != segments) {
      b.error(*zc, "package_Z_c",
              "must have one row per package line segment (" + std::to_string(segments) +
                  ", the rows of z_p), each Z_c or [Z_c(TX) Z_c(RX)]");
    } else {
      for (const auto& row : zc->rows) {
        for (double x : row)
          if (!(x > 0.0)) b.error(*zc, "package_Z_c", "must be positive");
        p.package_z_c_ohm.push_back({row.front(), row.back()});
      }
    }
  } else {
    // Reference-code default 78.2 ohm (Table 93A-3), meaningful for one segment only.
    if (segments == 1)
      p.package_z_c_ohm = {{78.2, 78.2}};
    else
      b.missing("package_Z_c");
  }
  p.package_line = line_loss(b, "package_tl_gamma0_a1_a2", "package_tl_tau", {0.0, 1.734e-3, 1.455e-4}, 6.141e-3);

  if (const Value* sel = b.get("z_p select")) {
    for (double x : sel->flat()) {
      if (x != std::floor(x) || x < 1 || x > static_cast<double>(cases))
        b.error(*sel, "z_p select", "case numbers must be whole numbers from 1 to " + std::to_string(cases) +
                                        " (the columns of z_p)");
      p.z_p_select.push_back(static_cast<int>(x));
    }
  } else {
    p.z_p_select = {1};
  }

  p.include_pcb = b.logical("Include PCB", false);
  p.board_line = line_loss(b, "board_tl_gamma0_a1_a2", "board_tl_tau", {0.0, 4.114e-4, 2.547e-4}, 6.191e-3);
  p.board_z_c_ohm = b.checked("board_Z_c", 109.8, positive, "a positive impedance");
  p.z_bp_m = {b.checked("z_bp (TX)", 151e-3, non_negative, "a non-negative length"),
              b.checked("z_bp (NEXT)", 72e-3, non_negative, "a non-negative length"),
              b.checked("z_bp (FEXT)", 72e-3, non_negative, "a non-negative length"),
              b.checked("z_bp (RX)", 151e-3, non_negative, "a non-negative length")};

  p.c0_min = b.checked("c(0)", 0.0, [](double x) { return x > 0.0 && x <= 1.0; }, "in (0, 1]");
  for (int k : {-4, -3, -2, -1, 1, 2, 3}) {
    const std::string name = "c(" + std::to_string(k) + ")";
    if (const Value* v = b.get(find_param(name)->name)) p.tx_taps[k] = v->flat();
  }
  p.a_v_v = b.checked("A_v", 0.0, positive, "a positive amplitude");
  p.a_fe_v = b.checked("A_fe", 0.0, non_negative, "a non-negative amplitude");
  p.a_ne_v = b.checked("A_ne", 0.0, non_negative, "a non-negative amplitude");
  p.snr_tx_db = b.scalar("SNR_TX", 0.0);
  p.r_lm = b.checked("R_LM", 1.0, [](double x) { return x > 0.0 && x <= 1.0; }, "in (0, 1]");
  p.t_r_s = b.checked("T_r", 8e-12, non_negative, "a non-negative transition time");
  p.force_tr = b.logical("FORCE_TR", false);

  p.f_r = b.checked("f_r", 0.75, positive, "a positive fraction of f_b");
  p.g_dc_db = b.vector("g_DC");
  p.g_dc_hp_db = b.vector("g_DC_HP");
  p.f_z_hz = b.checked("f_z", p.f_b_baud / 4, positive, "a positive frequency");
  p.f_p1_hz = b.checked("f_p1", p.f_b_baud / 4, positive, "a positive frequency");
  p.f_p2_hz = b.checked("f_p2", p.f_b_baud, positive, "a positive frequency");
  p.f_hp_pz_hz = b.optional("f_HP_PZ");
  if (const Value* t = b.get("CTLE_type")) {
    p.ctle_type = t->text;
    // The reference code 4.x: CL93 (93A-22) unless g_DC_HP is given, which makes it CL120d (the
    // 802.3ck/dj form with the low-frequency pole/zero); CL120e (a list of poles) is not modelled.
    if (p.ctle_type == "CL120d") {
      if (p.g_dc_hp_db.empty() || !p.f_hp_pz_hz)
        b.error(*t, "CTLE_type", "CL120d needs g_DC_HP and f_HP_PZ (its g_DC2 and f_LF)");
    } else if (p.ctle_type != "CL93") {
      b.error(*t, "CTLE_type", "allowed: CL93 (93A-22) or CL120d (with g_DC_HP and f_HP_PZ)");
    }
  }
  // The raised-cosine Rx filter (the reference code's Raised_Cosine: a cosine taper from RC_Start,
  // default f_b/2, to RC_end, default f_r f_b, in Hz) and its Butterworth switch (default on).
  p.raised_cosine = b.logical("Raised_Cosine", false);
  p.butterworth = b.logical("Butterworth", true);
  p.rc_start_hz = b.checked("RC_Start", p.f_b_baud / 2, positive, "a positive frequency [Hz]");
  p.rc_end_hz = b.checked("RC_end", p.f_r * p.f_b_baud, positive, "a positive frequency [Hz]");
  if (p.raised_cosine && !(p.rc_end_hz > p.rc_start_hz)) {
    const std::string rule = "the raised cosine must end above its start: RC_Start = " + std::to_string(p.rc_start_hz / 1e9) +
                             " GHz, RC_end = " + std::to_string(p.rc_end_hz / 1e9) + " GHz (default f_r f_b)";
    if (const Value* v = b.get("RC_end")) b.error(*v, "RC_end", rule);
    else if (const Value* v2 = b.get("RC_Start")) b.error(*v2, "RC_Start", rule);
    else if (const Value* v3 = b.get("Raised_Cosine")) b.error(*v3, "Raised_Cosine", rule + "; needs f_r > 0.5");
  }
  if (const Value* v = b.get("RXFFE FLOAT CTL"); v && v->text != "FOM")
    b.error(*v, "RXFFE FLOAT CTL", "allowed: FOM (the reference's default: groups placed by the MMSE FOM)");
  // The eye width and the VEO window (the reference code 4.15's EW, PMD_type, T_O / T_h,
  // samples_for_C2M): C2M turns EW on; T_O (T_h when both are given, as 4.15 reads them) counts
  // only with C2M, where 4.15 takes VEO (and COM) over the window; 4.15 sets T_O to 0 for C2C,
  // which phylane refuses rather than ignore. The window must stay inside the UI's contour samples.
  p.eye_width = b.logical("EW", false);
  if (const Value* v = b.get("PMD_type")) {
    if (v->text == "C2M") p.c2m = true;
    else if (v->text != "C2C") b.error(*v, "PMD_type", "allowed: C2C (the default) or C2M");
  }
  p.samples_for_c2m = b.integer("samples_for_C2M", 100, 3);
  {
    const char* key = b.get("T_h") ? "T_h" : "T_O";
    if (const Value* v = b.get(key)) {
      const double t = v->first();
      const int s = std::max(p.samples_for_c2m, 3);
      // The contour's centre as solvers::com_eye places it (the sample k / S nearest 1/2, 1-based);
      // the window floor(T_O / 1000 S) must reach neither end of the UI.
      int half = 1;
      for (int k = 1; k < s; ++k)
        if (std::abs(static_cast<double>(k) / s - 0.5) < std::abs(static_cast<double>(half - 1) / s - 0.5)) half = k + 1;
      const int t_samples = std::min(half - 1, s - half);
      const double t_max = 1000.0 * (t_samples + 1) / s;
      if (!(t >= 0.0) || !std::isfinite(t))
        b.error(*v, key, "must be a non-negative time window [mUI]");
      else if (std::floor((t / 1000.0) * s) > t_samples)
        b.error(*v, key, "must keep the window inside the UI: below " + std::to_string(static_cast<long>(std::ceil(t_max))) +
                             " mUI with samples_for_C2M = " + std::to_string(s));
      else if (t != 0.0 && !p.c2m)
        b.error(*v, key, "applies only with PMD_type = C2M (the reference code 4.15 sets it to 0 for C2C)");
      else
        p.t_o_mui = t;
    }
  }
  if (const Value* v = b.get("MLSE"); v && v->first() != 0.0)
    b.error(*v, "MLSE", "allowed: 0 (the MLSE gain model is not implemented)");
  p.local_search = b.integer("Local Search", 0, 0);

  p.n_b = b.integer("N_b", 0, 0);
  if (const Value* v = b.get("b_max(1)")) p.b_max.push_back(v->first());
  auto tap_tail = [&](const char* name, std::vector<double>& taps) {
    const Value* v = b.get(name);
    if (!v || p.n_b < 2) return;
    const auto f = v->flat();
    if (f.size() == 1)
      taps.insert(taps.end(), static_cast<std::size_t>(p.n_b - 1), f[0]);
    else if (f.size() == static_cast<std::size_t>(p.n_b - 1))
      taps.insert(taps.end(), f.begin(), f.end());
    else
      b.error(*v, name, "must be one number or N_b - 1 = " + std::to_string(p.n_b - 1) + " numbers");
  };
  tap_tail("b_max(2..N_b)", p.b_max);
  if (const Value* v = b.get("b_min(1)")) {
    p.b_min.push_back(v->first());
    tap_tail("b_min(2..N_b)", p.b_min);
  }
  // N_b = 0: no DFE, whatever b_max(1) and b_min(1) say (the reference code sizes them by N_b).
  if (p.n_b == 0) {
    p.b_max.clear();
    p.b_min.clear();
  }
  if (p.n_b >= 2 && !p.b_min.empty() && p.b_min.size() != p.b_max.size() && !sheet.values.count("b_min(2..N_b)"))
    if (const Value* v = b.get("b_min(1)"))
      b.error(*v, "b_min(1)", "needs b_min(2..N_b) as well (N_b = " + std::to_string(p.n_b) + ")");
  if (p.b_min.empty())
    for (double x : p.b_max) p.b_min.push_back(-x);
  // The Rx FFE's lengths (802.3ck/dj; defaults as the reference code reads them): the floating
  // taps' rule below depends on them.
  p.ffe_pre_tap_len = b.integer("ffe_pre_tap_len", 0, 0);
  p.ffe_post_tap_len = b.integer("ffe_post_tap_len", 0, 0);
  // Floating DFE taps: defaults as the reference code reads them (N_bf 6, N_f = N_b, bmaxg 0.2).
  p.n_bg = b.integer("N_bg", 0, 0);
  p.n_bf = b.integer("N_bf", 6, 1);
  p.n_f = b.integer("N_f", p.n_b, 0);
  p.bmaxg = b.checked("bmaxg", 0.2, non_negative, "a non-negative tap limit");
  if (p.n_bg > 0 && p.ffe_pre_tap_len + p.ffe_post_tap_len > 0) {
    // Floating Rx FFE taps (802.3dj): N_bg groups of N_bf taps on post-cursors
    // ffe_post_tap_len + 1 ... N_f.
    const int post = p.ffe_post_tap_len;
    if (p.n_f - post < p.n_bg * p.n_bf) {
      const std::string rule = "floating Rx FFE taps beyond N_f: ffe_post_tap_len + N_bg x N_bf = " + std::to_string(post) +
                               " + " + std::to_string(p.n_bg) + " x " + std::to_string(p.n_bf) + " = " +
                               std::to_string(post + p.n_bg * p.n_bf) + " post-cursors, allowed: at most N_f = " +
                               std::to_string(p.n_f);
      if (const Value* v = b.get("N_f")) b.error(*v, "N_f", rule);
      else if (const Value* g = b.get("N_bg")) b.error(*g, "N_bg", rule + " (N_f not given: N_b)");
    }
  } else if (p.n_bg > 0 && p.n_f - p.n_b < p.n_bg * p.n_bf) {
    const std::string rule = "floating taps beyond N_f: N_b + N_bg x N_bf = " + std::to_string(p.n_b) + " + " +
                             std::to_string(p.n_bg) + " x " + std::to_string(p.n_bf) + " = " +
                             std::to_string(p.n_b + p.n_bg * p.n_bf) + " taps, allowed: at most N_f = " +
                             std::to_string(p.n_f);
    if (const Value* v = b.get("N_f")) b.error(*v, "N_f", rule);
    else if (const Value* g = b.get("N_bg")) b.error(*g, "N_bg", rule + " (N_f not given: N_b)");
  }
  // PyChOpMarg's comparison sheet writes N-g (groups), N_f (taps per group) and N-max (the last
  // floating tap), where the reference code reads N_bg, N_bf and N_f (its span) and ignores N-g and
  // N-max. Nothing floats when N-g is 0 (so both programs agree); otherwise the sheet's N_f is
  // ambiguous and is refused.
  if (const Value* v = b.get("N-g"); v && v->first() != 0.0)
    b.error(*v, "N-g", "allowed: 0 (N-g is PyChOpMarg's spelling, not the reference code's, and makes N_f ambiguous: "
                       "give floating Rx FFE taps as N_bg groups of N_bf taps up to post-cursor N_f)");
  (void)b.integer("N-max", 0, 0);
  // The Rx FFE's limits (802.3ck/dj): defaults as the reference code reads them.
  p.ffe_main_cursor_min = b.checked("ffe_main_cursor_min", 1.0, non_negative, "a non-negative tap weight");
  p.ffe_pre_tap1_max = b.checked("ffe_pre_tap1_max", 0.7, non_negative, "a non-negative tap limit");
  p.ffe_post_tap1_max = b.checked("ffe_post_tap1_max", 0.7, non_negative, "a non-negative tap limit");
  p.ffe_tapn_max = b.checked("ffe_tapn_max", 0.7, non_negative, "a non-negative tap limit");
  p.ffe_tap_step_size = b.checked("ffe_tap_step_size", 0.0, non_negative, "a non-negative step (0: continuous)");
  p.ffe_backoff = b.integer("ffe_backoff", 0, 0);
  // The reference code 4.x runs MMSE for 'MMSE' and its zero forcing (or its experimental
  // variants) for anything else; phylane takes the two it implements by name.
  if (const Value* v = b.get("FFE_OPT_METHOD")) {
    if (v->text == "MMSE") p.ffe_mmse = true;
    else if (v->text != "ZF")
      b.error(*v, "FFE_OPT_METHOD", "allowed: MMSE (802.3dj) or ZF (zero forcing, the reference code's `force`)");
  }
  // With an Rx FFE, a tap limit of a side it does not have is a sheet inconsistency (the reference
  // code ignores it silently): say so rather than let the user believe it applies. Without an Rx
  // FFE the limits are inert (converted sheets list them all).
  const bool rx_ffe = p.ffe_pre_tap_len + p.ffe_post_tap_len > 0;
  auto needs_len = [&](const char* name, bool has, const char* len_rule) {
    if (const Value* v = rx_ffe && sheet.values.count(name) ? b.get(name) : nullptr; v && !has)
      b.error(*v, name, std::string("has no taps to limit: ") + len_rule);
  };
  needs_len("ffe_pre_tap1_max", p.ffe_pre_tap_len >= 1, "needs ffe_pre_tap_len >= 1");
  needs_len("ffe_post_tap1_max", p.ffe_post_tap_len >= 1, "needs ffe_post_tap_len >= 1");
  needs_len("ffe_tapn_max", p.ffe_pre_tap_len >= 2 || p.ffe_post_tap_len >= 2,
            "needs ffe_pre_tap_len or ffe_post_tap_len >= 2");

  p.sigma_rj_ui = b.checked("sigma_RJ", 0.0, non_negative, "a non-negative jitter");
  p.a_dd_ui = b.checked("A_DD", 0.0, non_negative, "a non-negative jitter");
  p.eta_0_v2_per_hz = b.checked("eta_0", 0.0, non_negative, "a non-negative noise density");
  p.der_0 = b.checked("DER_0", 0.0, probability, "a probability between 0 and 1");
  p.pass_threshold_db = b.scalar("COM Pass threshold", 3.0);
  p.ts_anchor = b.integer("ts_anchor", 0, 0);
  if (const Value* v = b.get("sample_adjustment")) {
    const auto f = v->flat();
    if (f.size() != 2 || f[0] != std::floor(f[0]) || f[1] != std::floor(f[1]))
      b.error(*v, "sample_adjustment", "must be [min max], two whole numbers of samples");
    else
      p.sample_adjustment = {static_cast<int>(f[0]), static_cast<int>(f[1])};
  }

  if (const Value* v = b.get("Port Order")) {
    auto f = v->flat();
    auto sorted = f;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != std::vector<double>{1, 2, 3, 4})
      b.error(*v, "Port Order", "must be a permutation of [1 2 3 4]");
    else
      for (int i = 0; i < 4; ++i) p.port_order[static_cast<std::size_t>(i)] = static_cast<int>(f[static_cast<std::size_t>(i)]);
  }
  p.inc_package = b.logical("INC_PACKAGE", true);
  p.ideal_tx_term = b.logical("IDEAL_TX_TERM", false);
  p.ideal_rx_term = b.logical("IDEAL_RX_TERM", false);
  p.include_ctle = b.logical("INCLUDE_CTLE", true);
  p.include_tx_rx_filter = b.logical("INCLUDE_TX_RX_FILTER", true);
  p.rx_calibration = b.logical("RX_CALIBRATION", false);
  p.sigma_bbn_step_v = b.checked("Sigma BBN step", 5e-3, positive, "a positive voltage step");
  p.erl = b.logical("ERL", false);
  p.tdr = b.logical("TDR", false);
  p.erl_only = b.logical("ERL_ONLY", false);
  p.tdr_w_txpkg = b.logical("TDR_W_TXPKG", false);
  p.show_brd = b.logical("SHOW_BRD", false);
  // TDR and ERL (Annex 93A.5): defaults and ranges as the reference code reads them.
  p.tr_tdr_s = b.checked("TR_TDR", 8e-12, [](double x) { return x >= 0.0 && x <= 1e-9; },
                         "a transition time from 0 to 1 ns");
  p.tdr_n_ui = b.integer("N", 0, 0);
  p.tdr_duration = b.checked("TDR_duration", 5.0, [](double x) { return x > 0.0 && x <= 100.0; },
                             "a multiple of the thru's delay in (0, 100]");
  p.beta_x_db_per_s = b.checked("beta_x", 0.0, [](double x) { return x >= 0.0 && x <= 1e11; },
                                "from 0 to 100 GHz (dB per second of delay; e.g. 1.7e9)");
  p.rho_x = b.checked("rho_x", 0.618, [](double x) { return x >= 0.0 && x <= 1.0; }, "in [0, 1]");
  if (const Value* v = b.get("fixture delay time")) {
    const auto f = v->flat();
    if (f.size() > 2)
      b.error(*v, "fixture delay time", "must be one delay or [port1 port2]");
    for (double x : f)
      if (!(x == -1.0 || (x >= 0.0 && x <= 1e-6)))
        b.error(*v, "fixture delay time", "must be from 0 to 1 us per port (or -1: unset, the reference's default)");
    p.fixture_delay_s = {f.front(), f.back()};
  }
  p.n_bx = b.integer("N_bx", p.n_b, 0);
  p.z_t_ohm = b.checked("Z_t", p.r0_ohm, [](double x) { return x >= 1.0 && x <= 1000.0; }, "from 1 to 1000 Ohm");
  p.grr = b.integer("Grr", 1, 0);
  if (const Value* v = b.get("Grr"); v && p.grr > 2) b.error(*v, "Grr", "must be 0, 1 or 2");
  const int gx = b.integer("Gx", 0, 0);
  if (const Value* v = b.get("Gx"); v && gx > 1) b.error(*v, "Gx", "must be 0 or 1");
  if (gx == 1) p.grr = 2;  // the reference code: Gx = 1 selects the 802.3ck G_rr
  p.erl_pass_threshold_db = b.scalar("ERL Pass threshold", 0.0);
  p.tdr_butterworth = b.logical("TDR_Butterworth", true);
  p.tukey_window = b.logical("Tukey_Window", false);
  p.pdf_bin_size_v = b.checked("PDF bin size", 1e-5, [](double x) { return x > 0.0 && x <= 1e-2; },
                               "a bin from 0 to 10 mV (exclusive of 0)");
  p.t_k_s = b.checked("T_k", 0.6e-9, [](double x) { return x > 0.0 && x <= 1e-6; }, "a time span from 0 to 1 us");
  // ICN
  auto amplitude = [&](const char* name) -> std::optional<double> {
    const auto v = b.optional(name);
    if (v && *v < 0.0) b.error(*b.get(name), name, "must be a non-negative amplitude");
    return v;
  };
  p.a_ft_v = amplitude("A_ft");
  p.a_nt_v = amplitude("A_nt");
  p.f_1_hz = b.optional("f_1");
  p.f_2_hz = b.optional("f_2");
  if (p.f_1_hz && *p.f_1_hz < 0.0) b.error(*b.get("f_1"), "f_1", "must be a non-negative frequency");
  if (p.f_2_hz && !(*p.f_2_hz > p.f_1_hz.value_or(0.0)))
    b.error(*b.get("f_2"), "f_2", "must be a frequency above f_1");
  p.f_2_ild_hz = b.optional("f_2_ILD");
  if (p.f_2_ild_hz && !(*p.f_2_ild_hz > p.f_1_hz.value_or(p.f_min_hz.value_or(0.0))))
    b.error(*b.get("f_2_ILD"), "f_2_ILD", "must be a frequency above f_1 (f_min when f_1 is not set)");
  p.f_v = b.checked("f_v", 4.0, positive, "a positive fraction of f_b");
  // Parameters whose fallback the code above reads through get() also report themselves missing
  // when required; the rest are listed here so a missing one is reported too.
  for (const char* required : {"c(-1)", "c(1)", "g_DC", "SNR_TX", "COM Pass threshold", "b_max(2..N_b)"})
    (void)b.get(required);
  return p;
}

void read_sheet_table(Context& ctx, const toml::table& root, Sheet& sheet) {
  const toml::table* params_table = nullptr;
  for (const auto& [k, node] : root) {
    const std::string key(k.str());
    if (key == "sheet") {
      const auto* t = node.as_table();
      if (!t) {
        ctx.error(&node, "sheet", detail::node_text(node), "must be a table (name, source, note)");
        continue;
      }
      for (const auto& [sk, sn] : *t) {
        const std::string skey(sk.str());
        const auto s = sn.value_exact<std::string>();
        if (skey != "name" && skey != "source" && skey != "note") {
          const std::string guess = closest_match(skey, {"name", "source", "note"});
          ctx.error(&sn, "sheet." + skey, detail::node_text(sn),
                    find_param(skey) ? std::string("COM parameters belong in the [parameters] table")
                                     : "unknown key" +
                                           (guess.empty() ? std::string() : "; did you mean \"" + guess + "\"?") +
                                           " (allowed: name, source, note)");
          ctx.diagnostics.back().unknown_key = true;
        } else if (!s) {
          ctx.error(&sn, "sheet." + skey, detail::node_text(sn), "must be a string");
        } else if (skey == "name") {
          sheet.name = *s;
        } else if (skey == "source") {
          sheet.source = *s;
        }
      }
    } else if (key == "parameters") {
      params_table = node.as_table();
      if (!params_table) ctx.error(&node, "parameters", detail::node_text(node), "must be a table of COM parameters");
    } else {
      ctx.error(&node, key, detail::node_text(node),
                find_param(key) ? "COM parameters belong in the [parameters] table"
                                : "unknown key; a COM sheet has the tables [sheet] and [parameters]");
      ctx.diagnostics.back().unknown_key = true;
    }
  }
  if (!params_table) {
    ctx.error(&root, "parameters", "", "missing the [parameters] table");
    return;
  }
  for (const auto& [k, node] : *params_table) add_value(ctx, sheet, std::string(k.str()), &node, {}, &node);
}

ComParameters parse_sheet(std::string_view text, const std::string& name, const std::vector<std::string>& overrides) {
  const toml::table root = detail::parse_toml(text, name);
  Context ctx{name, {}};
  Sheet sheet;
  read_sheet_table(ctx, root, sheet);
  const toml::node* params_node = root.get("parameters");
  // Overrides after the file: "NAME=VALUE".
  Context set_ctx{"--set", {}};
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || trim(std::string_view(o).substr(0, eq)).empty()) {
      set_ctx.error(nullptr, o, "", "must be NAME=VALUE with NAME a COM parameter, e.g. f_b=26.5625");
      continue;
    }
    const std::string key(trim(std::string_view(o).substr(0, eq)));
    add_value(set_ctx, sheet, key, nullptr, trim(std::string_view(o).substr(eq + 1)), nullptr);
  }
  ctx.diagnostics.insert(ctx.diagnostics.end(), set_ctx.diagnostics.begin(), set_ctx.diagnostics.end());
  // Built even when some values were rejected, so that missing and inconsistent parameters are
  // reported in the same run.
  ComParameters p = build(ctx, sheet, params_node ? params_node : &root);
  ctx.throw_if_errors();
  return p;
}

}  // namespace

ComParameters read_com_sheet(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  const std::string text = detail::read_input_file(file, "COM sheet");
  return parse_sheet(text, file.string(), overrides);
}

ComParameters parse_com_sheet(std::string_view text, const std::string& name, const std::vector<std::string>& overrides) {
  return parse_sheet(text, name, overrides);
}

ComParameters embedded_com_sheet(const std::string& name, const std::vector<std::string>& overrides) {
  const std::string_view text = embedded_toml("com", name, "COM sheet", "embedded COM sheets");
  return parse_sheet(text, "<COM sheet " + name + ">", overrides);
}

std::vector<std::string> embedded_com_sheet_names() { return embedded_toml_names("com"); }

std::vector<ComSheetParameter> com_sheet_parameters() {
  std::vector<ComSheetParameter> out;
  for (const auto& p : params())
    out.push_back({p.name, unit_info(p.unit).sheet_unit, p.required,
                   p.use == Use::package ? "package" : p.use == Use::read ? "read" : "ignored"});
  return out;
}

}  // namespace phylane::io
