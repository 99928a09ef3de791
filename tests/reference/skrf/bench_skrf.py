#!/usr/bin/python3
"""scikit-rf timings to compare phylane against (tests/bench/touchstone_bench.cpp and the network
algebra benchmarks).

  1. Reading Touchstone files: skrf.Network(path), the same files as touchstone_bench.cpp
     (largest: TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p, 2.9 MB, 4 ports, 4201 frequencies, MA).
  2. Mixed-mode conversion of that 4-port: renumber([0,1,2,3],[0,2,1,3]) then se2gmm(p=2).
  3. A cascade of 4 blocks of 4 ports at 10,000 frequencies: the largest file interpolated to
     10,000 points (outside the timing), paired (renumbered as in 2) and chained a ** b ** c ** d.

Each figure is the minimum over repetitions of the process CPU time (time.process_time), as
Google Benchmark's "CPU" column, so that other work on a shared machine does not inflate it.

Run:   /usr/bin/python3 tests/reference/skrf/bench_skrf.py [DATA_DIR] [--json]
DATA_DIR defaults to $PHYLANE_REFERENCE_DATA/touchstone, else ../shared/data/touchstone.
Tested with Debian 12 python3-scikit-rf 0.15.4 and numpy 1.24.
"""
import json
import os
import sys
import time

import numpy

# The shared data location and scikit-rf (../touchstone_data.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from touchstone_data import data_dir, skrf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", "CABLE1_TX_pair.s4p", "pcb_stripline_119mm.s2p"]


def best_cpu_s(fn, repeat=15, min_total_s=2.0):
    """Minimum CPU time of fn() over at least `repeat` calls and `min_total_s` seconds."""
    best, total, n = float("inf"), 0.0, 0
    while n < repeat or total < min_total_s:
        t0 = time.process_time()
        fn()
        dt = time.process_time() - t0
        best, total, n = min(best, dt), total + dt, n + 1
        if n >= 200:
            break
    return best


def paired(ntw):
    out = ntw.copy()
    out.renumber([0, 1, 2, 3], [0, 2, 1, 3])
    return out


def main():
    d = data_dir()
    results = {"skrf_version": skrf.__version__, "numpy_version": numpy.__version__}

    for name in FILES:
        path = os.path.join(d, name)
        if not os.path.exists(path):
            print("absent, skipped: %s" % path)
            continue
        t = best_cpu_s(lambda: skrf.Network(path))
        results["read_" + name] = t
        print("skrf read  %-40s %9.2f ms  (%d bytes)" % (name, t * 1e3, os.path.getsize(path)))

    path = os.path.join(d, FILES[0])
    if os.path.exists(path):
        ntw = skrf.Network(path)

        def mixed_mode():
            mm = paired(ntw)
            mm.se2gmm(p=2)

        t = best_cpu_s(mixed_mode)
        results["mixed_mode_4port_%d_freqs" % len(ntw.f)] = t
        print("skrf mixed mode (renumber + se2gmm), 4-port, %d freqs: %9.2f ms" % (len(ntw.f), t * 1e3))

        f10k = skrf.Frequency(ntw.f[1], ntw.f[-1], 10000, unit="hz")
        blocks = [paired(ntw.interpolate(f10k)) for _ in range(4)]

        def cascade4():
            out = blocks[0]
            for b in blocks[1:]:
                out = out ** b
            return out

        t = best_cpu_s(cascade4, repeat=5)
        results["cascade_4_blocks_4port_10000_freqs"] = t
        print("skrf cascade of 4 blocks, 4-port, 10000 freqs:      %9.2f ms" % (t * 1e3))

        def mixed_mode_10k():
            mm = blocks[0].copy()
            mm.se2gmm(p=2)

        t = best_cpu_s(mixed_mode_10k, repeat=5)
        results["mixed_mode_4port_10000_freqs"] = t
        print("skrf se2gmm, 4-port, 10000 freqs:                   %9.2f ms" % (t * 1e3))

    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
