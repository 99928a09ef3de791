"""output= is the command's -o: the HDF5 file written from Python holds the same groups, datasets and
attributes as the command's, value for value; and the Python result still equals the command's
--json. Also the other options the command line has: com's batch form and sweep --case N."""
import h5py
import numpy as np
import phylane
import pytest
from conftest import SOURCE_DIR, cli_error, cli_json, reference, run_cli

# Attributes that differ between any two runs (the run's time), as for to_dict() of study.
RUN_TIME = {"seconds", "elapsed_s"}


def _contents(path):
    """{name: (attributes, value or None for a group)} of every object in an HDF5 file."""
    out = {}
    with h5py.File(path, "r") as f:
        def attrs(obj):
            return {k: v for k, v in obj.attrs.items() if k not in RUN_TIME}
        out["/"] = (attrs(f), None)
        f.visititems(lambda name, obj: out.__setitem__(
            name, (attrs(obj), obj[()] if isinstance(obj, h5py.Dataset) else None)))
    return out


def _without_time(d):
    return {k: v for k, v in d.items() if k not in RUN_TIME}


def _same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind in "fc":
            return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
        return a.shape == b.shape and np.array_equal(a, b)
    return a == b or (a != a and b != b)


def assert_same_file(python_file, cli_file):
    got, want = _contents(python_file), _contents(cli_file)
    assert got.keys() == want.keys()
    for name in want:
        (ga, gv), (wa, wv) = got[name], want[name]
        assert ga.keys() == wa.keys(), name
        for k in wa:
            assert _same_value(ga[k], wa[k]), (name, k)
        assert _same_value(gv, wv), name


def cli_file(tmp_path, *args):
    path = tmp_path / "cli.h5"
    rc, _, err = run_cli(*args, "-o", path)
    assert rc in (0, 3), err
    return path


# (function, its positional argument, keywords) and the command line doing the same.
CASES = {
    "loss": (lambda o: phylane.loss(phylane.Link.default(), points=300, output=o), ("loss", "--points", "300")),
    "loss optical": (lambda o: phylane.loss(phylane.Link.preset("dr4-400g-lane"), output=o),
                     ("loss", "--preset", "dr4-400g-lane")),
    "tdr": (lambda o: phylane.tdr(phylane.Link.default(), rise_time="25 ps", output=o), ("tdr", "--rise-time", "25 ps")),
    "eye": (lambda o: phylane.eye(phylane.Link.default(), output=o), ("eye", "-q")),
    "maxrate": (lambda o: phylane.maxrate(phylane.Link.default(), modulation="nrz", max="40 Gb/s", output=o),
                ("maxrate", "-q", "--modulation", "nrz", "--max", "40 Gb/s")),
    "reach": (lambda o: phylane.reach(phylane.Link.default(), output=o), ("reach", "-q")),
    "capacity": (lambda o: phylane.capacity(phylane.Link.default(), no_rate=True, output=o),
                 ("capacity", "-q", "--no-rate")),
    "throughput": (lambda o: phylane.throughput(output=o), ("throughput", "-q")),
    "claims": (lambda o: phylane.claims(output=o), ("claims", "-q")),
}


@pytest.mark.parametrize("case", CASES)
def test_output_writes_the_commands_file(case, tmp_path):
    call, args = CASES[case]
    py_file = tmp_path / "py.h5"
    r = call(py_file)
    assert_same_file(py_file, cli_file(tmp_path, *args))
    assert _without_time(r.to_dict()) == _without_time(cli_json(*args))


def test_rlgc_and_the_mode_fields_are_what_the_files_hold(tmp_path):
    # LossResult.segments (rlgc=True) against /segments of the command's file.
    r = phylane.loss(phylane.Link.default(), points=300, rlgc=True)
    with h5py.File(cli_file(tmp_path, "loss", "--points", "300"), "r") as f:
        names = sorted(f["segments"])
        assert len(r.segments) == len(names)
        for seg, name in zip(r.segments, names):
            g = f["segments"][name]
            assert seg["name"].encode() == g.attrs["name"]
            for key in ("r_ohm_per_m", "l_h_per_m", "g_s_per_m"):
                assert np.array_equal(seg[key], g[key][()]), key
            assert np.array_equal(seg["z0_ohm"].real, g["z0_real_ohm"][()])
    assert phylane.loss(phylane.Link.default()).segments is None
    # The waveguide's mode fields against /modes of the command's file (|field|, eps, cell centres).
    path = tmp_path / "strip.toml"
    path.write_text('[waveguide]\ncore = "Si"\ncladding = "SiO2"\nwidth = "500 nm"\nheight = "220 nm"\n')
    w = phylane.waveguide(path)
    with h5py.File(cli_file(tmp_path, "waveguide", "-q", path), "r") as f:
        for mode, name in zip(w.modes, ("quasi_te", "quasi_tm")):
            g = f["modes"][name]
            assert np.array_equal(np.abs(mode["field"]), g["field_abs"][()])
            assert np.array_equal(mode["eps"], g["eps"][()])
            assert np.array_equal(mode["x_m"], g["x_m"][()]) and np.array_equal(mode["y_m"], g["y_m"][()])


def test_study_output_writes_the_commands_file(tmp_path):
    py_file = tmp_path / "sub" / "py.h5"  # its folder created, as by the command
    phylane.study(points=2, no_claims=True, output=py_file)
    assert_same_file(py_file, cli_file(tmp_path, "study", "-q", "--points", "2", "--no-claims"))


def test_waveguide_output_writes_the_commands_file(tmp_path):
    path = tmp_path / "strip.toml"
    path.write_text('[waveguide]\ncore = "Si"\ncladding = "SiO2"\nwidth = "500 nm"\nheight = "220 nm"\n'
                    'wavelength = "1550 nm"\n')
    py_file = tmp_path / "py.h5"
    phylane.waveguide(path, output=py_file)
    assert_same_file(py_file, cli_file(tmp_path, "waveguide", "-q", path))


def test_com_output_and_batch_equal_the_command(tmp_path):
    four = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p")
    ten = reference("touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p")
    py_file = tmp_path / "py.h5"
    phylane.com(four, output=py_file)
    assert_same_file(py_file, cli_file(tmp_path, "com", "-q", four))
    # Several thru files: the batch form, one row per file, on `jobs` threads.
    done = []
    batch = phylane.com([four, ten], jobs=2, progress=lambda stage, n: done.append(n))
    assert batch.to_dict() == cli_json("com", "-q", "-j", "2", four, ten)
    assert [r.to_dict() for r in batch.results] == [cli_json("com", "-q", four), cli_json("com", "-q", ten)]
    assert list(batch.com_db) == [r.com_db for r in batch.results]
    assert all(0 <= a <= b <= 2 for a, b in zip(done, done[1:]))
    with pytest.raises(phylane.Error) as e:
        phylane.com([four, ten], output=py_file)
    assert str(e.value) == cli_error("com", "-q", four, ten, "-o", py_file)


def test_sweep_case_is_the_commands_case_and_its_link(tmp_path):
    sweep = SOURCE_DIR / "data" / "sweeps" / "loss-length-material.toml"
    c = phylane.sweep(sweep, case=3)
    rc, out, err = run_cli("sweep", sweep, "--case", "3")
    assert rc == 0, err
    assert c.text == out and c.number == 3 and c.text.endswith(c.config_toml)
    # The case's link is the config it prints: the same loss as that text run as a file.
    path = tmp_path / "case3.toml"
    path.write_text(c.config_toml)
    assert phylane.loss(c.link).to_dict()["at_frequencies"] == cli_json("loss", path)["at_frequencies"]
    with pytest.raises(phylane.Error) as e:
        phylane.sweep(sweep, case=0)
    assert str(e.value) == cli_error("sweep", sweep, "--case", "0")


def test_the_short_calls_report_progress_and_answer_the_same():
    link = phylane.Link.default()
    seen = []
    r = phylane.impedance(link, target="90 ohm", solve="width", progress=lambda stage, n: seen.append((stage, n)))
    assert r.to_dict() == phylane.impedance(link, target="90 ohm", solve="width").to_dict()
    # A callable is called at most every 50 ms, with a stage and the lines built so far (rising).
    assert seen and all(stage == "solving the width (lines built)" for stage, _ in seen)
    assert all(a[1] < b[1] for a, b in zip(seen, seen[1:]))
    # The calls without a stop flag take progress= too (reported only past 50 ms) and answer the same.
    assert phylane.loss(link, points=20000, progress=print).to_dict() == phylane.loss(link, points=20000).to_dict()
    assert phylane.tdr(link, progress=print).to_dict() == phylane.tdr(link).to_dict()
    assert np.array_equal(link.network(progress=print).s, link.network().s)


def test_an_output_that_cannot_be_written_fails_with_the_commands_message(tmp_path):
    bad = tmp_path / "no such folder" / "tdr.h5"
    rc, out, err = run_cli("tdr", "-o", bad)
    assert rc == 1 and out == ""
    with pytest.raises(RuntimeError) as e:
        phylane.tdr(phylane.Link.default(), output=bad)
    assert err == f"phylane: failure: {e.value}\n"
