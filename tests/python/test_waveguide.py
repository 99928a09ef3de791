"""phylane.waveguide: to_dict() equals `phylane waveguide --json` on the same file, and a bad file
raises phylane.Error with the command line's message."""
import phylane
import pytest
from conftest import cli_error, cli_json

STRIP = """[waveguide]
core = "Si"
cladding = "SiO2"
width = "500 nm"
height = "220 nm"
wavelength = "1550 nm"
sidewall_roughness = "2 nm"
correlation_length = "50 nm"
bend_radii = ["5 um"]
"""


def test_waveguide_equals_the_command(tmp_path):
    path = tmp_path / "strip.toml"
    path.write_text(STRIP)
    r = phylane.waveguide(path)
    assert r.to_dict() == cli_json("waveguide", path)
    # The 500 x 220 nm Si strip at 1550 nm: n_eff 2.4449 and n_g 4.197 published (docs/optical_physics.md);
    # within the mesh difference, as tests/app/waveguide_command_test.cpp.
    te = r.modes[0]
    assert te["polarization"] == "quasi-TE" and te["guided"]
    assert te["n_eff"].real == pytest.approx(2.4449, rel=0.01)
    assert te["n_g"] == pytest.approx(4.197, rel=0.01)
    assert r.bend_radius_m.tolist() == [pytest.approx(5e-6, rel=1e-15)] and r.bend_loss_db_per_90deg[0] > 0.0


@pytest.mark.parametrize("text", [
    '[waveguide]\ncore = "SiO2"\ncladding = "Si"\nwidth = "500 nm"\nheight = "220 nm"\n',
    '[waveguide]\ncore = "Si"\nwidth = "500 nm"\nheight = "220 nm"\nbend_radii = ["400 nm"]\n',
    '[waveguide]\ncore = "Si"\nwidht = "500 nm"\nheight = "220 nm"\n',
])
def test_a_bad_waveguide_file_carries_the_command_line_message(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(phylane.Error) as e:
        phylane.waveguide(path)
    assert str(e.value) == cli_error("waveguide", path)


def test_ctrl_c_stops_the_waveguide_between_two_solves(tmp_path):
    # Two modes and six bends: 10.7 s on the build machine. SIGINT 0.3 s in; the workflow reads its
    # stop flag before each mode and bend, so the call ends after the solve running then (measured:
    # 0.6 s after the start; the bound leaves room for a loaded machine).
    import subprocess
    import sys
    import textwrap
    path = tmp_path / "strip.toml"
    path.write_text(STRIP.replace('bend_radii = ["5 um"]', 'bend_radii = ["2 um", "3 um", "4 um", "5 um", "6 um", "8 um"]'))
    script = textwrap.dedent(f"""
        import os, signal, threading, time, phylane
        seen = []
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        t0 = time.monotonic()
        try:
            phylane.waveguide({str(path)!r}, progress=lambda stage, n: seen.append(n))
            print("not interrupted")
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - t0, max(seen, default=0))
    """)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    word, seconds, done = p.stdout.split()
    assert word == "interrupted" and int(done) < 8
    assert float(seconds) < 6.0
