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
