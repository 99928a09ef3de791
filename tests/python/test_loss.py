"""phylane.loss and phylane.Link: to_dict() equals `phylane loss --json` on the same input."""
import tomllib

import numpy as np
import phylane
from conftest import SOURCE_DIR, cli_json


def test_loss_of_the_default_preset_equals_the_command():
    assert phylane.loss(phylane.Link.default()).to_dict() == cli_json("loss")


def test_loss_options_are_the_command_flags():
    link = phylane.Link.preset("fr4-consumer")
    r = phylane.loss(link, freq=["2 GHz", 12.5e9], fmax="20 GHz", points=200)
    assert r.to_dict() == cli_json("loss", "--preset", "fr4-consumer", "--freq", "2 GHz", "--freq", "12.5 GHz",
                                   "--fmax", "20 GHz", "--points", "200")
    # The swept curve as numpy views: the grid fmax/points ... fmax (solvers::loss_grid).
    assert r.freq_hz.shape == (200,) and r.loss_db.shape == (200,)
    np.testing.assert_allclose(r.freq_hz, np.arange(1, 201) * 20e9 / 200, rtol=1e-15)
    assert list(r.report_freq_hz) == [2e9, 12.5e9]
    assert not r.loss_db.flags.writeable
    # The breakdown adds up to the total (docs/loss.md: total = parts + mismatch).
    parts = sum(r.breakdown_db.values())
    np.testing.assert_allclose(parts, r.loss_db, atol=1e-9)


def test_loss_of_an_optical_link_is_its_power_budget_as_the_command_gives_it():
    assert phylane.loss(phylane.Link.preset("dr4-400g-lane")).to_dict() == cli_json("loss", "--preset", "dr4-400g-lane")


def test_a_dict_goes_through_the_config_reader_like_the_file():
    path = SOURCE_DIR / "data" / "presets" / "fr4-consumer.toml"
    with open(path, "rb") as f:
        config = tomllib.load(f)
    link = phylane.Link.from_dict(config, name=str(path))
    assert phylane.loss(link).to_dict() == cli_json("loss", path)
    assert phylane.loss(phylane.Link.from_file(str(path))).to_dict() == cli_json("loss", path)


def test_dict_values_of_every_toml_kind_are_written_exactly():
    from phylane import _toml
    value = {"a": 0.1 + 0.2, "b": 3, "c": True, "d": "x \"y\" \u00b5m", "e": [1.5, 2.5], "t": {"u": {"v": "1 in"}},
             "arr": [{"k": 1}, {"k": 2}], "nested": [[1, 2], [3]], "key with space": {"x": 1e-300}}
    assert tomllib.loads(_toml.dumps(value)) == value
