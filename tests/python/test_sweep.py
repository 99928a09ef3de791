"""phylane.sweep: to_dict() equals `phylane sweep --json` (but for the time taken), results() are the
file's arrays, and Ctrl-C during a sweep stops it cleanly: the finished cases stay in the file and
a resume finishes it with the values of an uninterrupted run."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import phylane
import pytest
from conftest import cli_error, cli_json, run_cli

# 8 lengths x 4 DFE tap counts of the PCIe 5.0 server route: 32 eyes, each searching its equalizer.
SWEEP = """name = "Eye margin: length x DFE taps"
base = "preset:pcie5-server"

[[axis]]
key = "channel.segments[2].length"
from = "4 in"
to = "18 in"
steps = 8

[[axis]]
key = "rx.dfe_taps"
from = 0
to = 3
steps = 4

[outputs]
scalars = ["eye.margin_db", "eye.eye_height_v", "loss.insertion_loss_db@nyquist"]
"""


@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "eye.toml"
    path.write_text(SWEEP)
    return path


def _without_time(d):
    return {k: v for k, v in d.items() if k not in ("elapsed_s", "output")}


def _same(a, b):
    """Equal arrays, NaN equal to NaN (cases without a value)."""
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def test_a_sweep_equals_the_command_and_its_results_are_the_files_arrays(sweep_file, tmp_path):
    cli_file, py_file = tmp_path / "cli.h5", tmp_path / "py.h5"
    expected = cli_json("sweep", sweep_file, "-o", cli_file, "-q", "-j", "1")
    r = phylane.sweep(sweep_file, output=py_file, jobs=1)
    d = r.to_dict()
    assert _without_time(d) == _without_time(expected)
    assert d["output"] == str(py_file) and r.output == str(py_file)
    got = r.results()
    assert got["axis_keys"] == ["channel.segments[2].length", "rx.dfe_taps"]
    assert got["outputs"]["eye.margin_db"].shape == (8, 4)
    assert np.all(got["status"] == 1)
    want = phylane.read_sweep(cli_file)
    for group in ("outputs", "axes"):
        assert got[group].keys() == want[group].keys()
        for k in got[group]:
            assert _same(got[group][k], want[group][k]), (group, k)


def test_check_validates_without_a_file_as_the_command_does(sweep_file):
    r = phylane.sweep(sweep_file, check=True)
    assert r.to_dict() == cli_json("sweep", sweep_file, "--check", "-q")
    assert r.results() is None


def test_the_guards_of_the_command_hold(sweep_file, tmp_path):
    with pytest.raises(phylane.Error) as e:
        phylane.sweep(sweep_file)
    assert str(e.value) == cli_error("sweep", sweep_file, "-q")
    done = tmp_path / "done.h5"
    phylane.sweep(sweep_file, output=done, jobs=1)
    with pytest.raises(phylane.Error) as e:
        phylane.sweep(sweep_file, output=done)
    assert str(e.value) == cli_error("sweep", sweep_file, "-o", done, "-q")


def test_ctrl_c_during_a_sweep_stops_it_cleanly_and_a_resume_finishes_it(sweep_file, tmp_path):
    # In a child interpreter: SIGINT to itself once the first cases are in the file (the progress
    # callable sees them), one worker, finished cases written every 50 ms.
    out = tmp_path / "interrupted.h5"
    script = textwrap.dedent(f"""
        import os, signal, phylane
        def progress(stage, done):
            if stage == "computing" and done > 0:
                os.kill(os.getpid(), signal.SIGINT)
        try:
            phylane.sweep({str(sweep_file)!r}, output={str(out)!r}, jobs=1, flush_every=0.05, progress=progress)
            print("not interrupted")
        except KeyboardInterrupt:
            print("interrupted")
        print("then", phylane.sweep({str(sweep_file)!r}, check=True).to_dict()["valid_cases"])
    """)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "interrupted\nthen 32\n"
    # The file is in place, readable, with some cases done and the others missing (none failed).
    partial = phylane.read_sweep(out)
    status = partial["status"].ravel()
    assert 0 < np.count_nonzero(status == 1) < 32 and np.all((status == 0) | (status == 1))
    # The resume from Python computes only the missing ones, with the values of the command's whole run.
    r = phylane.sweep(resume=out, jobs=1)
    d = r.to_dict()
    assert d["computed"] == np.count_nonzero(status == 0) and d["done"] == 32 and not d["interrupted"]
    whole = tmp_path / "whole.h5"
    rc, _, err = run_cli("sweep", sweep_file, "-o", whole, "-q", "-j", "1")
    assert rc == 0, err
    got, want = r.results(), phylane.read_sweep(whole)
    for k in want["outputs"]:
        assert _same(got["outputs"][k], want["outputs"][k]), k
