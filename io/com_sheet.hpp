#pragma once
/// COM parameter sheets (docs/com.md "Sheets"): a TOML file whose [parameters] keys are the IEEE
/// COM spreadsheet's parameter names ("f_b", "z_p (TX)", "c(-1)", "b_max(2..N_b)", ...) and whose
/// values are written as in the spreadsheet: a number, a MATLAB vector or range ("[12 30]",
/// "[-0.18:0.02:0]", "[12 31; 1.8 1.8]"), optionally followed by the unit ("[2.5e-4 2.5e-4] nF",
/// "25.78125 GBd"); without a unit the spreadsheet's own unit is meant. TOML numbers, arrays and
/// booleans are accepted too. A [sheet] table gives the sheet's name, source and a note.
/// Read into solvers::ComParameters (SI). Every problem of a sheet (unknown parameter with a
/// "did you mean", missing required parameter, unit not allowed, wrong shape, inconsistent
/// lengths) is reported at once as an InputError naming file, line, parameter, value and what is
/// allowed.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "solvers/com_parameters.hpp"

namespace phylane::io {

/// A sheet file; `overrides` are "NAME=VALUE" texts (the command line's --set), applied after the
/// file with the same validation (VALUE as a sheet value string, e.g. "f_b=26.5625",
/// "c(-1)=[-0.1:0.02:0]", "C_d=[1e-4 1e-4] nF", "Include PCB=true").
/// Tested by: tests/io/com_sheet_test.cpp
solvers::ComParameters read_com_sheet(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
/// The same from text; `name` stands for the file in messages.
solvers::ComParameters parse_com_sheet(std::string_view text, const std::string& name,
                                       const std::vector<std::string>& overrides = {});
/// An embedded sheet, data/com/<name>.toml ("100gbase-kr4", "100gbase-kr1-ck", "200gbase-kr1-dj"); an
/// unknown name is an InputError with a "did you mean" and the list.
solvers::ComParameters embedded_com_sheet(const std::string& name, const std::vector<std::string>& overrides = {});
/// Names of the embedded sheets, sorted.
std::vector<std::string> embedded_com_sheet_names();

/// One parameter the sheet format knows, for listings and docs.
struct ComSheetParameter {
  std::string name;      ///< the spreadsheet's name
  std::string unit;      ///< the spreadsheet's unit ("" when unitless)
  bool required = false; ///< the reference code has no default for it
  std::string use;       ///< "package" (used by the package model), "read" (held for the COM engine), "ignored"
};
/// Every parameter, in sheet order.
std::vector<ComSheetParameter> com_sheet_parameters();

}  // namespace phylane::io
