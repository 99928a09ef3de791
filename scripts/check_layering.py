#!/usr/bin/python3
"""Checks phylane's layering (DESIGN.md): phy <- channels <- solvers <- workflows <- io <- app.

A source file may include the project headers of its own layer and the layers below it only; a
test under tests/<layer>/ likewise (tests/support is shared). python/ (the Python module) is at the
app level: it may include app/ and everything below. Third-party headers stay in the
layer that owns them: toml++ and HDF5 in io (HDF5 also in the io and app tests, which read result
files), FFTW in solvers, CLI11 in app, pybind11 in python. Prints every violation as file:line: what, and exits 1 if
there is any. Run by `make test` (ctest "layering: ...").

Usage: check_layering.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

LAYERS = ["phy", "channels", "solvers", "workflows", "io", "app"]
# Third-party headers and the layers (sources or tests) allowed to include them.
THIRD_PARTY = [
    (re.compile(r"^toml\+\+/"), {"io"}, "toml++"),
    (re.compile(r"^(hdf5\.h|H5[A-Za-z]*\.h)$"), {"io", "tests/io", "tests/app"}, "HDF5"),
    (re.compile(r"^fftw3\.h$"), {"solvers", "tests/solvers", "tests/bench"}, "FFTW"),
    (re.compile(r"^CLI/"), {"app"}, "CLI11"),
    (re.compile(r"^pybind11/"), {"python"}, "pybind11"),
]
# Folders at the level of a layer without being one (their own place name in messages).
AT_LEVEL = {"python": "app"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def place_of(rel: pathlib.PurePosixPath):
    """(layer index, place name) of a file, or None when it is not layered (bench, scripts)."""
    parts = rel.parts
    if parts[0] in LAYERS:
        return LAYERS.index(parts[0]), parts[0]
    if parts[0] in AT_LEVEL:
        return LAYERS.index(AT_LEVEL[parts[0]]), parts[0]
    if parts[0] == "tests" and len(parts) > 2 and parts[1] in LAYERS:
        return LAYERS.index(parts[1]), "tests/" + parts[1]
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    problems = []
    checked = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".cpp", ".hpp", ".h", ".cc"} or not path.is_file():
            continue
        rel = pathlib.PurePosixPath(path.relative_to(root).as_posix())
        if rel.parts[0] in {"build", ".git"} or rel.parts[0].startswith("build"):
            continue
        where = place_of(rel)
        checked += 1
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(2)
            top = header.split("/", 1)[0]
            if m.group(1) == '"' and top in LAYERS and where is not None:
                if LAYERS.index(top) > where[0]:
                    problems.append(f"{rel}:{n}: includes {header}: {where[1]} may use only "
                                    f"{', '.join(LAYERS[: where[0] + 1])}")
            for pattern, allowed, name in THIRD_PARTY:
                if pattern.search(header):
                    place = where[1] if where else str(rel.parts[0])
                    if place not in allowed and not (rel.parts[0] == "tests" and rel.parts[1] == "bench"):
                        problems.append(f"{rel}:{n}: includes {header}: {name} belongs to {', '.join(sorted(allowed))}")
    for p in problems:
        print(p)
    print(f"layering: {checked} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
