"""Shared by the Python module's tests: the phylane executable (PHYLANE_BINARY) whose --json output
each result's to_dict() must equal, and the external reference data (PHYLANE_REFERENCE_DATA; tests
that need it skip visibly when it is absent)."""
import json
import os
import pathlib
import subprocess

import pytest

BINARY = os.environ.get("PHYLANE_BINARY", "phylane")
SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(os.environ.get("PHYLANE_REFERENCE_DATA", SOURCE_DIR.parent / "shared" / "data"))


def run_cli(*args, cwd=None):
    """(exit code, stdout, stderr) of `phylane ARGS`."""
    p = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    """The command's --json document (exit codes 0 and 3 are answers)."""
    rc, out, err = run_cli(*args, "--json")
    assert rc in (0, 3), err
    return json.loads(out)


def cli_error(*args):
    """The message of a rejected command: stderr without the "phylane: error: " prefix (exit code 2)."""
    rc, out, err = run_cli(*args)
    assert rc == 2, (rc, err)
    assert out == ""
    prefix = "phylane: error: "
    assert err.startswith(prefix), err
    return err[len(prefix):].rstrip("\n")


def reference(relative):
    path = DATA / relative
    if not path.is_file():
        pytest.skip(f"reference data absent ({DATA}), skipped: {relative}")
    return path
