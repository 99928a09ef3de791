"""phylane.check: to_dict() equals `phylane check --json` on the same file (Touchstone or config),
--enforce-passivity writes the same file, and bad input raises phylane.Error with the command
line's message."""
import math

import phylane
import pytest
from conftest import SOURCE_DIR, cli_error, cli_json, reference

PAIR = {"name": "check test",
        "channel": {"segments": [{"geometry": "coupled_stripline", "length": "6 in", "width": "5 mil",
                                  "spacing": "7 mil", "height": "5 mil", "material": "megtron-6", "foil": "hvlp"}]}}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "pair.s4p"
    phylane.Link.from_dict(PAIR).network().write(str(path))
    return path


def test_check_of_a_written_pair_equals_the_command(pair):
    r = phylane.check(pair, freq=["1 GHz", 12.89e9, "500 GHz"])
    assert r.to_dict() == cli_json("check", pair, "--freq", "1 GHz", "--freq", "12.89 GHz", "--freq", "500 GHz")
    assert r.passed
    # The insertion loss at a frequency outside the data is NaN (null in the JSON); the network is the file's.
    assert math.isnan(r.insertion_loss_db[2]) and r.insertion_loss_db[1] > r.insertion_loss_db[0] > 0.0
    assert r.network.ports == 4 and len(r.network) == len(phylane.Network.read(str(pair)))
    assert phylane.check(pair, port_order="12-34").to_dict() == cli_json("check", pair, "--port-order", "12-34")


def test_check_of_a_measured_file_and_its_enforced_copy_equal_the_command(tmp_path):
    path = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p")
    r = phylane.check(path, freq="10 GHz", enforce_passivity=tmp_path / "py.s4p")
    assert r.to_dict() == cli_json("check", path, "--freq", "10 GHz", "--enforce-passivity", tmp_path / "cli.s4p")
    assert r.passed == (r.to_dict()["passivity"]["passive"] and r.to_dict()["reciprocity"]["reciprocal"]
                        and r.to_dict()["causality"]["causal"])
    assert (tmp_path / "py.s4p").read_bytes() == (tmp_path / "cli.s4p").read_bytes()


def test_check_of_a_config_equals_the_command():
    path = SOURCE_DIR / "data" / "presets" / "fr4-consumer.toml"
    r = phylane.check(path)
    assert r.to_dict() == cli_json("check", path)
    assert r.passed and r.network is None and r.insertion_loss_db is None


def test_check_bad_input_carries_the_command_line_message(pair, tmp_path):
    config = SOURCE_DIR / "data" / "presets" / "fr4-consumer.toml"

    def same(call, *args):
        with pytest.raises(phylane.Error) as e:
            call()
        assert str(e.value) == cli_error("check", *args)

    same(lambda: phylane.check(config, freq="10 GHz"), config, "--freq", "10 GHz")
    same(lambda: phylane.check(pair, port_order="13-24"), pair, "--port-order", "13-24")
    same(lambda: phylane.check(pair, port_order="12-43"), pair, "--port-order", "12-43")
    same(lambda: phylane.check(pair, freq="-1 GHz"), pair, "--freq", "-1 GHz")
    same(lambda: phylane.check(tmp_path / "nowhere.s2p"), tmp_path / "nowhere.s2p")
