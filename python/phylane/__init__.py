"""phylane for Python: the engine's workflows next to numpy and scikit-rf (docs/python.md).

    import phylane
    link = phylane.Link.preset("kr1-ck-28db")
    r = phylane.maxrate(link)
    r.to_dict()          # == json.loads(`phylane maxrate --preset kr1-ck-28db --json`)

One function per command (check, sparams, loss, tdr, impedance, fit, eye, maxrate, reach, com,
capacity, throughput, claims, study, sweep, waveguide) with the command's options as keyword
arguments (output= for -o); each result's to_dict() is the command's --json output, and its arrays
are numpy views with units in their names. Bad input raises phylane.Error (a ValueError) with the
command line's message; every call releases the GIL and takes progress=callable(stage, done); the
long ones stop on Ctrl-C.
"""
import numpy as _np

from . import _toml
from ._core import (CapacityResult, CheckResult, ClaimsResult, ComBatchResult, ComResult, Error, EyeResult,
                    FitResult, ImpedanceResult, Link, LossResult, MaxRateResult, Network, ReachResult, SparamsResult,
                    StudyResult, SweepCase, SweepResult, TdrResult, ThroughputResult, WaveguideResult, __version__,
                    capacity, check, claims, com, eye, fit, impedance, loss, maxrate, presets, reach, sparams, study,
                    sweep, tdr, throughput, waveguide)

__all__ = ["Error", "Link", "Network", "CheckResult", "LossResult", "TdrResult", "ImpedanceResult", "FitResult",
           "EyeResult", "MaxRateResult", "ReachResult", "SparamsResult", "ComResult", "ComBatchResult",
           "CapacityResult", "ThroughputResult", "ClaimsResult", "StudyResult", "SweepResult", "SweepCase",
           "WaveguideResult", "presets", "check", "sparams", "loss", "tdr", "impedance", "fit", "eye", "maxrate",
           "reach", "com", "capacity", "throughput", "claims", "study", "sweep", "waveguide", "read_sweep",
           "__version__"]


def _link_from_dict(config, name="Link.from_dict", networks=None):
    """A link from a dict laid out as a config file (docs/config.md), values as text with units:

        phylane.Link.from_dict({"channel": {"type": "stripline", ...}, "signal": {"rate": "28 Gb/s"}})

    It is written as TOML and read by the same reader as files, so the checks and messages are the
    same (`name` stands for the file name in them). Relative file paths resolve against the current
    directory. `networks` maps names to phylane.Network or skrf.Network objects that Touchstone
    blocks name instead of a file, `{"kind": "touchstone", "network": "thru"}` (or a whole channel
    `{"type": "touchstone", "network": "thru"}`); they are used as they are, without a file."""
    held = {}
    for key, net in (networks or {}).items():
        held[str(key)] = net if isinstance(net, Network) else _network_from_skrf(net)
    return Link._from_toml(_toml.dumps(config), name, held)


Link.from_dict = staticmethod(_link_from_dict)


def _network_from_skrf(network):
    """A phylane.Network from a skrf.Network: its frequencies [Hz], S-parameters and reference
    impedances, which must be real and the same at every frequency (one per port)."""
    z0 = _np.asarray(network.z0)
    if z0.ndim != 2 or _np.any(z0.imag != 0) or _np.any(z0 != z0[:1]):
        raise Error(f"skrf.Network {network.name!r}: phylane references each port to one real impedance at every "
                    "frequency; renormalize it first (network.renormalize(50))")
    return Network(_np.asarray(network.f, dtype=float), _np.asarray(network.s, dtype=complex),
                   [float(x) for x in z0[0].real], network.name or "")


def _network_to_skrf(self):
    """This network as a skrf.Network (frequencies in Hz, S and z0 copied unchanged)."""
    import skrf
    frequency = skrf.Frequency.from_f(_np.array(self.freq_hz), unit="hz")
    return skrf.Network(frequency=frequency, s=_np.array(self.s), z0=_np.array(self.z0_ohm, dtype=complex),
                        name=self.name or None)


Network.from_skrf = staticmethod(_network_from_skrf)
Network.to_skrf = _network_to_skrf


def read_sweep(path):
    """A sweep's results file (docs/sweep.md, "The HDF5 file"; from phylane.sweep or the command) as
    numpy arrays, read with h5py: {"outputs": {LABEL: array}, "curves": {LABEL: array, "freq_hz":
    array}, "axes": {KEY: array (text axes as str)}, "axis_keys": [KEY, ...], "status": array
    (0 missing, 1 done, 2 failed), "units": {LABEL or KEY: unit}, "mode": "grid", "zip" or "lhs",
    "failures": [(flat case index, reason), ...]}; NaN where a case has no value yet."""
    import h5py

    def text(v):
        return v.decode() if isinstance(v, bytes) else str(v)

    with h5py.File(path, "r") as f:
        def group(name):
            return {k: v[()] for k, v in f[name].items()} if name in f else {}
        axes = {k: (_np.array([text(x) for x in v]) if v.dtype.kind in "OS" else v) for k, v in group("axes").items()}
        units = {k: text(d.attrs["units"]) for name in ("outputs", "curves", "axes") if name in f
                 for k, d in f[name].items() if "units" in d.attrs}
        failures = []
        if "failures" in f:
            failures = [(int(c), text(r)) for c, r in zip(f["failures"]["case"][()], f["failures"]["reason"][()])]
        return {"outputs": group("outputs"), "curves": group("curves"), "axes": axes,
                "axis_keys": [text(k) for k in f["axis_keys"][()]], "status": f["status"][()], "units": units,
                "mode": text(f.attrs["mode"]), "failures": failures}


def _sweep_results(self):
    """The results file's arrays (phylane.read_sweep); None after check=True (no file)."""
    return read_sweep(self.output) if self.output else None


SweepResult.results = _sweep_results
