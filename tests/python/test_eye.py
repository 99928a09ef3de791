"""phylane.eye: to_dict() equals `phylane eye --json`; arrays; progress."""
import numpy as np
import phylane
from conftest import cli_json


def test_eye_equals_the_command_and_reports_progress():
    stages = []
    r = phylane.eye(phylane.Link.preset("kr1-ck-28db"), progress=lambda stage, done: stages.append(stage))
    d = r.to_dict()
    assert d == cli_json("eye", "--preset", "kr1-ck-28db", "-q")
    assert r.open == (d["status"] == "open")
    assert (r.margin_db, r.height_v, r.width_ui, r.ber) == (d["margin_db"], d["eye_height_v"], d["eye_width_ui"], d["ber"])
    assert stages, "the progress callable was never called"


def test_eye_arrays_are_the_map_and_its_bathtubs():
    a = phylane.eye(phylane.Link.preset("kr1-ck-28db")).arrays
    p, v = len(a["phase_ui"]), len(a["voltage_v"])
    assert a["log10_ber"].shape == (p, v)
    # The vertical bathtub is the map's column at the optimal phase (solvers/statistical_eye.hpp):
    # one row of the phase x voltage map, element for element.
    assert any(np.array_equal(a["log10_ber"][i], a["vertical_bathtub_log10_ber"]) for i in range(p))
    assert len(a["horizontal_bathtub_log10_ber"]) == 3  # PAM4: three eyes
    assert all(h.shape == (p,) for h in a["horizontal_bathtub_log10_ber"])
    assert a["pulse_dt_s"] > 0 and a["equalized_pulse_v"].ndim == 1
