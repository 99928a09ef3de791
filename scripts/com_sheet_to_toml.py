#!/usr/bin/env python3
"""Convert an IEEE 802.3 COM configuration spreadsheet (.xls or .xlsx) to a phylane COM sheet (TOML).

The IEEE COM reference code reads its parameters from a spreadsheet (tab 'COM_Settings') laid out in
blocks of columns: Parameter | Setting | Units (| Information). It finds each parameter by its name
and takes the cell to the right as the setting. This script does the same: in each block it takes
every name with a setting, and writes

    [sheet]       name and source (the spreadsheet's file name)
    [parameters]  "NAME" = "SETTING UNIT"   (the sheet's own text; numbers as TOML numbers)

Units that describe rather than measure ("[min:step:max]", "[test cases]", "min", "logical") are
dropped; logical switches become true/false. phylane then checks every name and unit (docs/com.md).

Usage: /usr/bin/python3 scripts/com_sheet_to_toml.py SHEET.xls|SHEET.xlsx [-o OUT.toml] [--name NAME]
Needs the Debian packages python3-xlrd (.xls) and python3-openpyxl (.xlsx) (scripts/install-deps.sh).
Exit code 2 on bad input, with a message naming the file.
"""
import argparse
import os
import re
import sys


def fail(msg):
    sys.stderr.write(f"com_sheet_to_toml: {msg}\n")
    sys.exit(2)


def read_xls(path):
    try:
        import xlrd
    except ImportError:
        fail("reading .xls needs the Debian package python3-xlrd (scripts/install-deps.sh)")
    try:
        book = xlrd.open_workbook(path)
    except Exception as e:  # xlrd raises several types for damaged files
        fail(f"{path}: cannot read the spreadsheet: {e}")
    names = book.sheet_names()
    sheet = book.sheet_by_name("COM_Settings") if "COM_Settings" in names else book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_BOOLEAN):
                row.append(float(cell.value))
            elif cell.ctype == xlrd.XL_CELL_TEXT:
                row.append(cell.value)
            else:
                row.append(None)
        rows.append(row)
    return rows


def read_xlsx(path):
    try:
        import openpyxl
    except ImportError:
        fail("reading .xlsx needs the Debian package python3-openpyxl (scripts/install-deps.sh)")
    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as e:
        fail(f"{path}: cannot read the spreadsheet: {e}")
    sheet = book["COM_Settings"] if "COM_Settings" in book.sheetnames else book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        row = []
        for v in values:
            if isinstance(v, bool) or isinstance(v, (int, float)):
                row.append(float(v))
            elif isinstance(v, str):
                row.append(v)
            else:
                row.append(None)
        rows.append(row)
    return rows


def cell(rows, r, c):
    if r < len(rows) and c < len(rows[r]):
        v = rows[r][c]
        if isinstance(v, str):
            v = v.strip()
            return v if v else None
        return v
    return None


def name_columns(rows):
    """Columns that hold parameter names: a 'Parameter' header with 'Setting' to its right, or the
    'I/O control' block title (that block of the IEEE sheets has no header row)."""
    cols = set()
    for r in range(len(rows)):
        for c in range(len(rows[r])):
            v = cell(rows, r, c)
            if v == "Parameter" and cell(rows, r, c + 1) == "Setting":
                cols.add(c)
            elif v == "I/O control":
                cols.add(c)
    return sorted(cols) if cols else [0]


def is_descriptor(unit):
    return unit is None or unit.startswith("[") or unit in ("min", "logical")


def number_text(x):
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def toml_string(s):
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'


def toml_key(k):
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_string(k)


def parameters(rows):
    cols = name_columns(rows)
    seen = {}
    order = []
    for c in cols:  # block by block, each in sheet order
        for r in range(len(rows)):
            name = cell(rows, r, c)
            setting = cell(rows, r, c + 1)
            if not isinstance(name, str) or setting is None or name == "Parameter":
                continue
            unit = cell(rows, r, c + 2)
            unit = unit if isinstance(unit, str) and c + 2 not in cols else None
            if name in seen:
                sys.stderr.write(f"com_sheet_to_toml: \"{name}\" appears more than once; the first is kept\n")
                continue
            seen[name] = (setting, unit)
            order.append(name)
    return [(n, *seen[n]) for n in order]


def value_text(setting, unit):
    if isinstance(setting, float):
        if unit == "logical" and setting in (0.0, 1.0):
            return "true" if setting else "false"
        if is_descriptor(unit):
            return number_text(setting)
        return toml_string(f"{number_text(setting)} {unit}")
    if is_descriptor(unit):
        return toml_string(setting)
    return toml_string(f"{setting} {unit}")


def main():
    ap = argparse.ArgumentParser(description="Convert an IEEE COM configuration spreadsheet to a phylane COM sheet (TOML).")
    ap.add_argument("sheet", help=".xls or .xlsx COM configuration spreadsheet")
    ap.add_argument("-o", "--output", help="TOML file to write (default: standard output)")
    ap.add_argument("--name", help="sheet name (default: the file name)")
    args = ap.parse_args()

    if not os.path.isfile(args.sheet):
        fail(f"{args.sheet}: no such file")
    ext = os.path.splitext(args.sheet)[1].lower()
    if ext == ".xls":
        rows = read_xls(args.sheet)
    elif ext in (".xlsx", ".xlsm"):
        rows = read_xlsx(args.sheet)
    else:
        fail(f"{args.sheet}: unknown extension \"{ext}\" (allowed: .xls, .xlsx, .xlsm)")
    params = parameters(rows)
    if not params:
        fail(f"{args.sheet}: no parameters found (expected 'Parameter | Setting | Units' columns)")

    base = os.path.basename(args.sheet)
    lines = [f"# COM parameter sheet converted from {base} by scripts/com_sheet_to_toml.py", "", "[sheet]",
             f"name = {toml_string(args.name or os.path.splitext(base)[0])}",
             f"source = {toml_string(base)}", "", "[parameters]"]
    for name, setting, unit in params:
        lines.append(f"{toml_key(name)} = {value_text(setting, unit)}")
    text = "\n".join(lines) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
