"""phylane.tdr and phylane.impedance: to_dict() equals the command's --json on the same input, and bad
input raises phylane.Error with the command line's message."""
import numpy as np
import phylane
import pytest
from conftest import cli_error, cli_json, reference


def message(call):
    with pytest.raises(phylane.Error) as e:
        call()
    return str(e.value)


def test_tdr_of_the_default_preset_equals_the_command():
    assert phylane.tdr(phylane.Link.default()).to_dict() == cli_json("tdr")


def test_tdr_options_are_the_command_flags():
    link = phylane.Link.preset("fr4-consumer")
    r = phylane.tdr(link, rise_time="30 ps", edge="10-90", length="8 in")
    assert r.to_dict() == cli_json("tdr", "--preset", "fr4-consumer", "--rise-time", "30 ps", "--edge", "10-90",
                                   "--length", "8 in")
    # A number is the same value in SI units (s, m).
    assert phylane.tdr(link, rise_time=30e-12, edge="10-90", length=8 * 0.0254).to_dict() == r.to_dict()
    assert phylane.tdr(link, eps_eff=3.9).to_dict() == cli_json("tdr", "--preset", "fr4-consumer", "--eps-eff", "3.9")
    # The arrays as read-only views; the distance axis is one way, v t / 2 with v = length / thru delay.
    n = len(r.time_s)
    assert r.distance_m.shape == r.impedance_ohm.shape == r.rho.shape == r.tdt.shape == (n,)
    assert not r.impedance_ohm.flags.writeable
    np.testing.assert_allclose(r.distance_m, 8 * 0.0254 / r.thru_delay_s * r.time_s / 2, rtol=1e-12)
    assert r.mode == "differential" and r.common_impedance_ohm.shape == (n,)
    assert r.rise_time_s == 30e-12
    # The pulse TDR/TDT (--pulse) as well.
    assert phylane.tdr(link, pulse="50 ps").to_dict() == cli_json("tdr", "--preset", "fr4-consumer", "--pulse", "50 ps")


def test_tdr_of_a_measured_touchstone_file_equals_the_command():
    path = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p")
    r = phylane.tdr(phylane.Link.from_file(str(path)), rise_time="25 ps")
    assert r.to_dict() == cli_json("tdr", path, "--rise-time", "25 ps")


def test_tdr_bad_input_carries_the_command_line_message():
    link = phylane.Link.default()
    assert message(lambda: phylane.tdr(link, rise_time="-1 ps")) == cli_error("tdr", "--rise-time", "-1 ps")
    assert message(lambda: phylane.tdr(link, rise_time="3 GHz")) == cli_error("tdr", "--rise-time", "3 GHz")
    assert message(lambda: phylane.tdr(link, edge="square")) == cli_error("tdr", "--edge", "square")
    assert message(lambda: phylane.tdr(link, eps_eff=0.5)) == cli_error("tdr", "--eps-eff", "0.5")
    assert message(lambda: phylane.tdr(link, length="5 in", eps_eff=4)) == cli_error(
        "tdr", "--length", "5 in", "--eps-eff", "4")
    optical = phylane.Link.preset("dr4-400g-lane")
    assert message(lambda: phylane.tdr(optical)) == cli_error("tdr", "--preset", "dr4-400g-lane")


def test_impedance_equals_the_command():
    link = phylane.Link.preset("fr4-consumer")
    r = phylane.impedance(link, target="85 ohm", solve="width")
    assert r.to_dict() == cli_json("impedance", "--preset", "fr4-consumer", "--target", "85 ohm", "--solve", "width")
    r2 = phylane.impedance(link, target=90, solve="spacing", segment=2, freq=["5 GHz", 16e9])
    assert r2.to_dict() == cli_json("impedance", "--preset", "fr4-consumer", "--target", "90 ohm", "--solve",
                                    "spacing", "--segment", "2", "--freq", "5 GHz", "--freq", "16 GHz")
    assert list(r2.freq_hz) == [5e9, 16e9] and r2.loss_db_per_m.shape == (2,)
    # Solved to the workflow's stopping rule (|Z - target| < 1e-4 ohm, workflows/impedance.hpp).
    assert abs(r.impedance_ohm - 85.0) < 1e-4 and abs(r2.impedance_ohm - 90.0) < 1e-4
    assert r.solved_m != r.original_m


def test_impedance_bad_input_carries_the_command_line_message():
    link = phylane.Link.preset("fr4-consumer")
    base = ("impedance", "--preset", "fr4-consumer")
    assert message(lambda: phylane.impedance(link, target="85 GHz", solve="width")) == cli_error(
        *base, "--target", "85 GHz", "--solve", "width")
    assert message(lambda: phylane.impedance(link, target=-5, solve="width")) == cli_error(
        *base, "--target", "-5 ohm", "--solve", "width")
    assert message(lambda: phylane.impedance(link, target="85 ohm", solve="length")) == cli_error(
        *base, "--target", "85 ohm", "--solve", "length")
    assert message(lambda: phylane.impedance(link, target="85 ohm", solve="width", segment=0)) == cli_error(
        *base, "--target", "85 ohm", "--solve", "width", "--segment", "0")
    assert message(lambda: phylane.impedance(link, target="85 ohm", solve="width", segment=9)) == cli_error(
        *base, "--target", "85 ohm", "--solve", "width", "--segment", "9")
    assert message(lambda: phylane.impedance(link, target="3 ohm", solve="width")) == cli_error(
        *base, "--target", "3 ohm", "--solve", "width")
