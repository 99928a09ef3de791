"""Bad input raises phylane.Error (a ValueError) with the command line's message."""
import tomllib

import phylane
import pytest
from conftest import SOURCE_DIR, cli_error


def message(call):
    with pytest.raises(phylane.Error) as e:
        call()
    assert isinstance(e.value, ValueError)
    return str(e.value)


def test_bad_option_values_carry_the_command_line_message():
    link = phylane.Link.default()
    assert message(lambda: phylane.loss(link, fmax="-3 GHz")) == cli_error("loss", "--fmax", "-3 GHz")
    assert message(lambda: phylane.loss(link, points=1)) == cli_error("loss", "--points", "1")
    kr1 = phylane.Link.preset("kr1-ck-28db")
    assert message(lambda: phylane.maxrate(kr1, modulation="qam")) == cli_error(
        "maxrate", "--preset", "kr1-ck-28db", "-q", "--modulation", "qam")
    assert message(lambda: phylane.reach(kr1, rate="fast")) == cli_error(
        "reach", "--preset", "kr1-ck-28db", "-q", "--rate", "fast")


def test_an_unknown_preset_carries_the_command_line_message():
    assert message(lambda: phylane.Link.preset("no-such-link")) == cli_error("loss", "--preset", "no-such-link")


def test_a_bad_dict_is_reported_as_the_same_file_would_be(tmp_path):
    from phylane import _toml
    with open(SOURCE_DIR / "data" / "presets" / "fr4-consumer.toml", "rb") as f:
        config = tomllib.load(f)
    config["channel"]["segments"][1]["length"] = "-3 in"
    config["channel"]["segments"][0]["widht"] = "5 mil"
    bad = tmp_path / "bad.toml"
    bad.write_text(_toml.dumps(config))
    got = message(lambda: phylane.Link.from_dict(config, name=str(bad)))
    assert got == cli_error("loss", bad)
    assert "-3 in" in got and "widht" in got
