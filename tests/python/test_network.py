"""phylane.Network and scikit-rf: bit-identical round trips; a link's network as `phylane sparams`
writes it."""
import numpy as np
import phylane
import pytest
from conftest import reference, run_cli

skrf = pytest.importorskip("skrf", reason="scikit-rf is not installed (Debian: python3-scikit-rf)")


def same(a, b):
    assert np.array_equal(a.f, b.f) and np.array_equal(a.s, b.s) and np.array_equal(a.z0, b.z0)


def test_a_skrf_network_round_trips_bit_identically():
    rng = np.random.default_rng(19)
    f = np.sort(rng.uniform(1e6, 67e9, 33))
    s = rng.normal(size=(33, 4, 4)) + 1j * rng.normal(size=(33, 4, 4))
    n = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="hz"), s=s, z0=[50, 50, 42.5, 75], name="random")
    p = phylane.Network.from_skrf(n)
    assert (p.ports, len(p), p.z0_ohm, p.name) == (4, 33, [50, 50, 42.5, 75], "random")
    np.testing.assert_array_equal(p.s, s)  # a view: s[k, i, j] = S_ij
    same(p.to_skrf(), n)


def test_a_measured_network_round_trips_bit_identically():
    n = skrf.Network(str(reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p")))
    same(phylane.Network.from_skrf(n).to_skrf(), n)


def test_a_reference_impedance_phylane_cannot_hold_is_refused():
    n = skrf.Network(frequency=skrf.Frequency.from_f([1e9, 2e9], unit="hz"), s=np.zeros((2, 2, 2)), z0=50 + 5j)
    with pytest.raises(phylane.Error, match="one real impedance"):
        phylane.Network.from_skrf(n)


def test_a_link_network_is_what_phylane_sparams_writes(tmp_path):
    out = tmp_path / "route.s4p"
    rc, _, err = run_cli("sparams", "--preset", "fr4-consumer", "--points", "50", "-o", out)
    assert rc == 0, err
    written = phylane.Network.read(str(out))
    n = phylane.Link.preset("fr4-consumer").network(points=50)
    # RI data in shortest round-trip form: the file holds the same doubles.
    np.testing.assert_array_equal(n.freq_hz, written.freq_hz)
    np.testing.assert_array_equal(n.s, written.s)
    assert n.z0_ohm == written.z0_ohm
    # and a Network writes what it reads
    again = tmp_path / "again.s4p"
    written.write(str(again))
    np.testing.assert_array_equal(phylane.Network.read(str(again)).s, written.s)


def test_a_network_held_in_memory_is_a_channel_block_like_its_file():
    path = str(reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p"))
    held = phylane.Network.read(path)
    by_file = phylane.loss(phylane.Link.from_dict({"channel": {"type": "touchstone", "file": path}})).to_dict()
    in_memory = phylane.loss(phylane.Link.from_dict({"channel": {"type": "touchstone", "network": "thru"}},
                                                    networks={"thru": held})).to_dict()
    assert by_file == in_memory  # the same doubles in, the same report out
    # From scikit-rf, in a composed channel with 2 in of modelled trace after it: the file's loss
    # plus the trace's, at every report frequency.
    trace = {"geometry": "coupled_stripline", "length": "2 in", "width": "5 mil", "spacing": "7 mil",
             "height": "5 mil", "material": "megtron-6", "foil": "hvlp"}
    ends = {"driver": {"impedance": "100 ohm"}, "receiver": {"impedance": "100 ohm"}}
    route = {"channel": {"type": "copper", **ends, "segments": [{"kind": "touchstone", "network": "thru"}, trace]}}
    by_skrf = phylane.loss(phylane.Link.from_dict(route, networks={"thru": skrf.Network(path)})).to_dict()
    alone = phylane.loss(phylane.Link.from_dict({"channel": {"type": "copper", **ends, "segments": [
        {"kind": "touchstone", "network": "thru"}]}}, networks={"thru": held})).to_dict()
    longer = [x["insertion_loss_db"] for x in by_skrf["at_frequencies"]]
    shorter = [x["insertion_loss_db"] for x in alone["at_frequencies"]]
    assert len(longer) == len(shorter) > 0
    assert all(l > s for l, s in zip(longer, shorter))


def test_a_network_name_that_was_not_given_is_refused_with_the_names_that_were():
    held = phylane.Network(np.array([1e9, 2e9]), np.zeros((2, 2, 2), dtype=complex), [50.0, 50.0], "x")
    with pytest.raises(phylane.Error, match=r"channel.network = \"thru\": no network of that name was given \(given: other\)"):
        phylane.Link.from_dict({"channel": {"type": "touchstone", "network": "thru"}}, networks={"other": held})
    with pytest.raises(phylane.Error, match="none was given"):
        phylane.Link.from_dict({"channel": {"type": "touchstone", "network": "thru"}})
