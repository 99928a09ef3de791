"""phylane.capacity, phylane.throughput and phylane.claims: to_dict() equals the commands' --json."""
import numpy as np
import phylane
import pytest
from conftest import SOURCE_DIR, cli_error, cli_json

PRESET = "kr1-ck-28db"


def test_capacity_without_the_rate_equals_the_command_and_its_arrays_are_the_grid():
    r = phylane.capacity(phylane.Link.preset(PRESET), bandwidth="60 GHz", points=500, no_rate=True)
    d = r.to_dict()
    assert d == cli_json("capacity", "--preset", PRESET, "-q", "--bandwidth", "60 GHz", "--points", "500", "--no-rate")
    assert r.capacity_bps == d["capacity_bps"] and r.max_rate_bps is None
    # The grid's 500 midpoints of 0 ... 60 GHz (solvers/capacity.hpp), and S > 0 where S |H|^2 / N > 0.
    assert r.freq_hz.shape == r.tx_psd_v2_per_hz.shape == r.snr.shape == r.gain2.shape == (500,)
    np.testing.assert_allclose(r.freq_hz, (np.arange(500) + 0.5) * 60e9 / 500, rtol=1e-12)
    assert np.array_equal(r.tx_psd_v2_per_hz > 0, r.snr > 0)


def test_capacity_with_the_rate_search_equals_the_command():
    r = phylane.capacity(phylane.Link.preset(PRESET), points=200)
    d = r.to_dict()
    assert d == cli_json("capacity", "--preset", PRESET, "-q", "--points", "200")
    assert r.max_rate_bps == d["max_rate_bps"] and r.fraction_of_capacity == d["fraction_of_capacity"]


def test_capacity_rejects_what_the_command_rejects_with_its_message():
    with pytest.raises(phylane.Error) as e:
        phylane.capacity(phylane.Link.preset(PRESET), points=3)
    assert str(e.value) == cli_error("capacity", "--preset", PRESET, "-q", "--points", "3")


def test_throughput_of_the_embedded_system_and_of_its_file_equals_the_command():
    done = []
    r = phylane.throughput(progress=lambda stage, n: done.append((stage, n)))
    d = r.to_dict()
    assert d == cli_json("throughput", "-q")
    assert [l["name"] for l in r.links] == [l["name"] for l in d["links"]]
    for link in r.links:
        assert link["time_s"].shape == (len(r.devices),)
    path = SOURCE_DIR / "data" / "systems" / "pcie-vs-photonic.toml"
    assert phylane.throughput(path).to_dict() == cli_json("throughput", path, "-q")
    assert all(stage == "evaluating the links" for stage, _ in done)


def test_throughput_rejects_a_file_and_a_preset_as_the_command_does():
    path = SOURCE_DIR / "data" / "systems" / "pcie-vs-photonic.toml"
    with pytest.raises(phylane.Error) as e:
        phylane.throughput(path, preset="pcie-vs-photonic")
    assert str(e.value) == cli_error("throughput", path, "--preset", "pcie-vs-photonic", "-q")


def _without_seconds(d):
    return {k: v for k, v in d.items() if k != "seconds"}


def test_claims_equal_the_command_but_for_the_time_taken():
    r = phylane.claims()
    assert _without_seconds(r.to_dict()) == _without_seconds(cli_json("claims", "-q"))
    path = SOURCE_DIR / "data" / "claims" / "photonic-vs-pcie.toml"
    assert _without_seconds(phylane.claims(str(path)).to_dict()) == _without_seconds(cli_json("claims", path, "-q"))
