"""phylane.maxrate and phylane.reach: to_dict() equals the commands' --json; Ctrl-C stops them."""
import subprocess
import sys
import textwrap

import numpy as np
import phylane
import pytest
from conftest import cli_json

PRESET = "kr1-ck-28db"


def test_maxrate_with_the_command_options_equals_the_command():
    r = phylane.maxrate(phylane.Link.preset(PRESET), modulation="nrz", max="60 Gb/s", margin=1.0)
    d = r.to_dict()
    assert d == cli_json("maxrate", "--preset", PRESET, "-q", "--modulation", "nrz", "--max", "60 Gb/s", "--margin", "1")
    [m] = r.per_modulation
    assert m["levels"] == 2 and m["rate_bps"].shape == m["margin_db"].shape
    assert r.found == (m["found"]) and r.max_rate_bps == m["max_rate_bps"]


def test_reach_equals_the_command_and_counts_the_eyes_in_progress():
    done = []
    r = phylane.reach(phylane.Link.preset(PRESET), margin=2.0, progress=lambda stage, n: done.append(n))
    assert r.to_dict() == cli_json("reach", "--preset", PRESET, "-q", "--margin", "2")
    assert r.length_m.shape == r.margin_db.shape == r.loss_db.shape
    assert np.all(np.diff(done) > 0), "eyes evaluated only grow"


def test_an_exception_in_the_progress_callable_stops_the_search_and_propagates():
    def boom(stage, n):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        phylane.maxrate(phylane.Link.preset(PRESET), curve=True, progress=boom)


def test_ctrl_c_during_a_search_raises_keyboard_interrupt_and_the_module_keeps_working():
    # In a child interpreter: SIGINT to itself 0.3 s into a full-curve search (tens of seconds).
    script = textwrap.dedent(f"""
        import os, signal, threading, time, phylane
        link = phylane.Link.preset("{PRESET}")
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        t = time.monotonic()
        try:
            phylane.maxrate(link, curve=True)
            print("not interrupted")
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - t)
        print("then", phylane.loss(link, points=10).to_dict()["command"])
    """)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    assert lines[0].startswith("interrupted"), p.stdout
    assert lines[1] == "then loss"


def test_a_touchstone_file_as_the_link_is_searched_and_evaluated_as_the_command_does():
    from conftest import reference
    s2p = str(reference("touchstone/pcb_stripline_119mm.s2p"))
    # maxrate gives the file the command's nominal [signal] (app::maxrate_link) ...
    r = phylane.maxrate(phylane.Link.from_file(s2p), modulation="nrz", max="40 Gb/s")
    assert r.to_dict() == cli_json("maxrate", s2p, "-q", "--modulation", "nrz", "--max", "40 Gb/s")
    # ... and eye takes the signal of --rate, given to Link.from_file.
    e = phylane.eye(phylane.Link.from_file(s2p, rate="10 Gb/s"))
    assert e.to_dict() == cli_json("eye", s2p, "-q", "--rate", "10 Gb/s")
