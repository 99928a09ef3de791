"""phylane.study: to_dict() equals `phylane study --json` (but for the time taken); Ctrl-C stops it."""
import subprocess
import sys
import textwrap

import numpy as np
import phylane
import pytest
from conftest import SOURCE_DIR, cli_error, cli_json


def _without_time(d):
    return {k: v for k, v in d.items() if k != "seconds"}


def test_the_default_study_equals_the_command_and_its_arrays_follow_the_lengths():
    stages = set()
    r = phylane.study(points=2, progress=lambda stage, n: stages.add(stage))
    d = r.to_dict()
    assert _without_time(d) == _without_time(cli_json("study", "-q", "--points", "2", "-o", "-"))
    assert "computing" in stages
    for link in r.links:
        assert link["length_m"].shape == link["loss_db"].shape == (2,)
        assert np.all(np.diff(link["length_m"]) > 0)
        assert link["sync_time_s"].shape == (2, len(r.devices))


def test_a_study_file_without_its_claims_equals_the_command():
    path = SOURCE_DIR / "data" / "studies" / "default.toml"
    r = phylane.study(path, points=3, no_claims=True)
    d = r.to_dict()
    assert _without_time(d) == _without_time(cli_json("study", path, "-q", "--points", "3", "--no-claims", "-o", "-"))
    assert "claims" not in d and all(link["length_m"].shape == (3,) for link in r.links)


def test_a_study_rejects_a_file_and_a_preset_as_the_command_does():
    path = SOURCE_DIR / "data" / "studies" / "default.toml"
    with pytest.raises(phylane.Error) as e:
        phylane.study(path, preset="default")
    assert str(e.value) == cli_error("study", path, "--preset", "default", "-q", "-o", "-")


def test_ctrl_c_during_a_study_raises_keyboard_interrupt():
    script = textwrap.dedent("""
        import os, signal, threading, phylane
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            phylane.study(no_claims=True)
            print("not interrupted")
        except KeyboardInterrupt:
            print("interrupted")
    """)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "interrupted\n"
