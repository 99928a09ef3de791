"""What the scikit-rf reference scripts under tests/reference/ share: where the measured
Touchstone files are, and scikit-rf made importable.

The files are those of ../shared/data/touchstone (shared/data/README.md). data_dir() is the
script's first argument that does not start with "--", else $PHYLANE_REFERENCE_DATA/touchstone,
else ../shared/data/touchstone next to the repository.

skrf 0.15.4 uses the aliases numpy.bool (se2gmm) and numpy.complex (s2z/z2s, hence renormalize)
that numpy 1.24 removed (shared/data/README.md mentions the first); they are restored before
skrf is imported, so a script imports skrf from here. Tested with Debian 12 python3-scikit-rf
0.15.4 and numpy 1.24.
"""
import os
import sys

import numpy

numpy.bool = bool
numpy.complex = complex
import skrf  # noqa: E402,F401  (re-exported: `from touchstone_data import skrf`)

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def data_dir():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if args:
        return args[0]
    env = os.environ.get("PHYLANE_REFERENCE_DATA")
    if env:
        return os.path.join(env, "touchstone")
    return os.path.join(REPO, "..", "shared", "data", "touchstone")
