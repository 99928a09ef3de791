"""phylane.fit: to_dict() equals `phylane fit --json` on the same files (the length fit and the
--cross-section material fit), the files it writes equal the command's, and bad input raises
phylane.Error with the command line's message."""
import numpy as np
import phylane
import pytest
from conftest import cli_error, cli_json, reference

INCH = 0.0254


def config(length, material="megtron-6", foil="hvlp"):
    return {"name": "fit test",
            "channel": {"segments": [{"geometry": "coupled_stripline", "length": length, "width": "5 mil",
                                      "spacing": "7 mil", "height": "5 mil", "material": material, "foil": foil}]}}


@pytest.fixture(scope="module")
def lengths(tmp_path_factory):
    """a.s4p (4 in) and b.s4p (10 in) of a MEGTRON 6 pair, and cs.toml: the same cross-section on FR-4."""
    d = tmp_path_factory.mktemp("fit")
    for name, length in (("a", "4 in"), ("b", "10 in")):
        phylane.Link.from_dict(config(length)).network().write(str(d / f"{name}.s4p"))
    from phylane import _toml
    (d / "cs.toml").write_text(_toml.dumps(config("1 in", "fr-4", "standard")))
    return d


def test_fit_of_two_lengths_equals_the_command(lengths):
    a, b = lengths / "a.s4p", lengths / "b.s4p"
    r = phylane.fit([a, b], lengths="4 in,10 in")
    assert r.to_dict() == cli_json("fit", a, b, "--lengths", "4 in,10 in")
    # Lengths as a list (text, or m) are the same flag.
    assert phylane.fit([str(a), str(b)], lengths=["4 in", 10 * INCH]).to_dict() == r.to_dict()
    assert r.quantity == "SDD21" and r.freq_hz.shape == r.loss_db_per_m.shape == r.launch_db.shape
    assert r.dk is None and r.material_toml is None
    # Two modelled lengths of one line: their difference is the line, so the launches are ~0 dB and
    # the loss per length grows with frequency.
    assert np.all(np.diff(r.loss_db_per_m[r.freq_hz > 1e9]) > -1e-9)


def test_the_material_fit_equals_the_command_and_writes_the_same_files(lengths, tmp_path):
    a, b, cs = lengths / "a.s4p", lengths / "b.s4p", lengths / "cs.toml"
    py = tmp_path / "py"
    cli = tmp_path / "cli"
    py.mkdir()
    cli.mkdir()
    r = phylane.fit([a, b], lengths="4 in,10 in", cross_section=cs, material_id="board-a",
                    write_material=py / "mat.toml", write_config=py / "fitted.toml")
    assert r.to_dict() == cli_json("fit", a, b, "--lengths", "4 in,10 in", "--cross-section", cs, "--material-id",
                                   "board-a", "--write-material", cli / "mat.toml", "--write-config",
                                   cli / "fitted.toml")
    assert (py / "mat.toml").read_text() == (cli / "mat.toml").read_text() == r.material_toml
    assert (py / "fitted.toml").read_text() == (cli / "fitted.toml").read_text()
    # MEGTRON 6 at 10 GHz: Dk 3.55, Df 0.004 (data/materials), back within 2 % as the command's test.
    assert r.dk == pytest.approx(3.55, rel=0.02) and r.df == pytest.approx(0.004, rel=0.02)
    # The fit's other options are the command's flags too.
    r2 = phylane.fit([a, b], lengths="4 in,10 in", cross_section=cs, weighting="octave", from_difference=True,
                     write_config=py / "at30.toml", config_length="30 in")
    assert r2.to_dict() == cli_json("fit", a, b, "--lengths", "4 in,10 in", "--cross-section", cs, "--weighting",
                                    "octave", "--from-difference", "--write-config", cli / "at30.toml",
                                    "--config-length", "30 in")
    assert (py / "at30.toml").read_text() == (cli / "at30.toml").read_text()


def test_fit_of_measured_lengths_equals_the_command():
    a = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p")
    b = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p")
    assert phylane.fit([a, b], lengths="4 in,10 in").to_dict() == cli_json("fit", a, b, "--lengths", "4 in,10 in")


def test_fit_bad_input_carries_the_command_line_message(lengths, tmp_path):
    a, b = lengths / "a.s4p", lengths / "b.s4p"

    def same(call, *flags):
        with pytest.raises(phylane.Error) as e:
            call()
        assert str(e.value) == cli_error("fit", *flags)

    same(lambda: phylane.fit([a, b], lengths="4 in"), a, b, "--lengths", "4 in")
    same(lambda: phylane.fit([a, b], lengths="4 in,-1 in"), a, b, "--lengths", "4 in,-1 in")
    same(lambda: phylane.fit([b, a], lengths="4 in,10 in"), b, a, "--lengths", "4 in,10 in")
    same(lambda: phylane.fit([a], lengths="4 in"), a, "--lengths", "4 in")
    same(lambda: phylane.fit([a, b], lengths="4 in,10 in", segment=2), a, b, "--lengths", "4 in,10 in",
         "--segment", "2")
    same(lambda: phylane.fit([b], lengths="10 in", cross_section=lengths / "cs.toml", roughness="sandpaper"), b,
         "--lengths", "10 in", "--cross-section", lengths / "cs.toml", "--roughness", "sandpaper")
    out = tmp_path / "out.h5"
    same(lambda: phylane.fit([a, tmp_path / "nowhere.s4p"], lengths="4 in,10 in", output=out), a,
         tmp_path / "nowhere.s4p", "--lengths", "4 in,10 in", "-o", out)
    assert not out.exists()
