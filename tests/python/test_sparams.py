"""phylane.sparams: the file equals `phylane sparams -o` byte for byte, to_dict() its --json, and bad
input raises phylane.Error with the command line's message."""
import numpy as np
import phylane
import pytest
from conftest import cli_error, cli_json


def test_sparams_writes_the_commands_file(tmp_path):
    link = phylane.Link.preset("fr4-consumer")
    py, cli = tmp_path / "py.s4p", tmp_path / "cli.s4p"
    r = phylane.sparams(link, output=py, fmax="30 GHz", points=300, port_order="13-24", dc=True)
    d = cli_json("sparams", "--preset", "fr4-consumer", "-o", cli, "--fmax", "30 GHz", "--points", "300",
                 "--port-order", "13-24", "--dc")
    assert py.read_bytes() == cli.read_bytes()
    d["file"] = str(py)
    assert r.to_dict() == d
    # The network written is link.network() with the same flags.
    n = link.network(fmax="30 GHz", points=300, port_order="13-24", dc=True)
    assert np.array_equal(r.network.s, n.s) and np.array_equal(r.network.freq_hz, n.freq_hz)


def test_sparams_bad_input_carries_the_command_line_message(tmp_path):
    link = phylane.Link.preset("fr4-consumer")
    for output in (tmp_path / "x.s2p", tmp_path / "x.txt"):
        with pytest.raises(phylane.Error) as e:
            phylane.sparams(link, output=output)
        assert str(e.value) == cli_error("sparams", "--preset", "fr4-consumer", "-o", output)
        assert not output.exists()
    with pytest.raises(phylane.Error) as e:
        phylane.sparams(link, output=tmp_path / "x.s4p", points=1)
    assert str(e.value) == cli_error("sparams", "--preset", "fr4-consumer", "-o", tmp_path / "x.s4p", "--points", "1")
