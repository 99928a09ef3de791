#!/usr/bin/python3
"""scikit-rf reference values for phylane's Touchstone reader and S-parameter algebra.

Reads Touchstone files from ../shared/data/touchstone (see README.md next to this script for
what each output file holds, its columns and the decimation rule), computes with scikit-rf and
writes small CSV files next to this script. Values are written with repr(float), the shortest
text that reads back to the same double (at most 17 significant digits).

Run:   /usr/bin/python3 tests/reference/skrf/make_reference.py [DATA_DIR]
DATA_DIR defaults to $PHYLANE_REFERENCE_DATA/touchstone, else ../shared/data/touchstone next to
the repository. Tested with Debian 12 python3-scikit-rf 0.15.4 and numpy 1.24.

Conventions (shared/data/README.md): in every 4-port file, port 1 -> 2 is one line of the pair
and port 3 -> 4 the other. scikit-rf 0.15.4's se2gmm(p=2) pairs ports (1,2) and (3,4), so each
4-port is first renumbered with renumber([0,1,2,3],[0,2,1,3]) (new order: 1, 3, 2, 4 = inputs of
both lines, then outputs); the mixed-mode port order is then [D1, D2, C1, C2] and SDD21 is
s[:, 1, 0].
"""
import csv
import math
import os
import sys

import numpy

# The shared data location and scikit-rf (../touchstone_data.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from touchstone_data import REPO, data_dir, skrf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_ROWS = 200

WHISPER = "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p"
STRIP_119 = "pcb_stripline_119mm.s2p"
STRIP_238 = "pcb_stripline_238mm.s2p"
PETERS_B1 = "peters_01_0605_B1_thru.s4p"
PETERS_B12 = "peters_01_0605_B12_thru.s4p"
SMT_4IN = "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p"


def decimated(n):
    """Frequency indices kept: 0, step, 2*step, ... < n with step = ceil(n / 200)."""
    step = max(1, math.ceil(n / MAX_ROWS))
    return list(range(0, n, step))


def matrix_header(nports):
    cols = ["freq_hz"]
    for i in range(1, nports + 1):
        for j in range(1, nports + 1):
            cols += ["s%d%d_re" % (i, j), "s%d%d_im" % (i, j)]
    return cols


def matrix_rows(ntw, idx):
    rows = []
    for k in idx:
        row = [repr(float(ntw.f[k]))]
        for i in range(ntw.nports):
            for j in range(ntw.nports):
                z = complex(ntw.s[k, i, j])
                row += [repr(z.real), repr(z.imag)]
        rows.append(row)
    return rows


def db20(x):
    return 20.0 * numpy.log10(numpy.abs(x))


def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print("wrote %s (%d rows)" % (os.path.relpath(path, REPO), len(rows)))


def write_matrix(name, ntw, extra=None):
    """The full S matrix (row-major, 1-based names) at the decimated indices; extra is a list of
    (column name, array over all frequencies) appended to each row."""
    idx = decimated(len(ntw.f))
    header = matrix_header(ntw.nports)
    rows = matrix_rows(ntw, idx)
    for col, values in extra or []:
        header.append(col)
        for row, k in zip(rows, idx):
            row.append(repr(float(values[k])))
    write_csv(name, header, rows)


def paired(ntw):
    """Ports reordered 1, 3, 2, 4: (inputs of line A, B; outputs of line A, B)."""
    out = ntw.copy()
    out.renumber([0, 1, 2, 3], [0, 2, 1, 3])
    return out


def mixed_mode(ntw):
    mm = paired(ntw)
    mm.se2gmm(p=2)  # port order [D1, D2, C1, C2]
    return mm


def check_thru_trend(name, f, sdd21_db, f_max_hz):
    """A thru's |SDD21| must fall with frequency (1 GHz block means, 0.5 dB slack), else the port
    pairing is wrong (shared/data/README.md)."""
    step = f[1] - f[0]
    n = max(1, int(round(1e9 / step)))
    y = sdd21_db[f <= f_max_hz]
    m = len(y) // n
    smooth = y[: m * n].reshape(m, n).mean(axis=1)
    if numpy.any(numpy.diff(smooth) > 0.5):
        raise SystemExit("%s: |SDD21| rises with frequency: port convention?" % name)


def main():
    d = data_dir()
    load = lambda name: skrf.Network(os.path.join(d, name))  # noqa: E731

    # (a) raw S as scikit-rf reads the files.
    strip119 = load(STRIP_119)
    whisper = load(WHISPER)
    write_matrix("raw_pcb_stripline_119mm.csv", strip119)
    write_matrix("raw_TEC_Whisper42p8in_Meg6_THRU_C8C9.csv", whisper)

    # (b) insertion loss of both striplines, -20 log10 |S21| (positive dB).
    for name in (STRIP_119, STRIP_238):
        ntw = load(name)
        il = -db20(ntw.s[:, 1, 0])
        idx = decimated(len(ntw.f))
        write_csv("il_%s.csv" % name[:-4], ["freq_hz", "il_db"],
                  [[repr(float(ntw.f[k])), repr(float(il[k]))] for k in idx])

    # (c) mixed mode, [D1, D2, C1, C2], plus 20 log10 |SDD21| (negative dB).
    mm_whisper = mixed_mode(whisper)
    sdd21_whisper = db20(mm_whisper.s[:, 1, 0])
    check_thru_trend("Whisper Meg6", mm_whisper.f, sdd21_whisper, 25e9)
    k1289 = int(numpy.argmin(numpy.abs(mm_whisper.f - 12.89e9)))
    print("sanity: %s SDD21 at %.6g GHz = %.4f dB (shared/data/README.md: about -26.9 dB)"
          % (WHISPER, mm_whisper.f[k1289] / 1e9, sdd21_whisper[k1289]))
    if abs(sdd21_whisper[k1289] + 26.9) > 0.3:
        raise SystemExit("Whisper SDD21 sanity check failed: refusing to write")
    write_matrix("mixed_mode_TEC_Whisper42p8in_Meg6_THRU_C8C9.csv", mm_whisper, [("sdd21_db", sdd21_whisper)])

    b1 = load(PETERS_B1)
    mm_b1 = mixed_mode(b1)
    sdd21_b1 = db20(mm_b1.s[:, 1, 0])
    check_thru_trend("peters B1", mm_b1.f, sdd21_b1, 15e9)
    write_matrix("mixed_mode_peters_01_0605_B1_thru.csv", mm_b1, [("sdd21_db", sdd21_b1)])

    # (d) cascade B1 then B12: each renumbered to (in A, in B, out A, out B); skrf's `**` on two
    # 4-ports is connect(a, 2, b, 0, num=2): a's ports 3,4 (outputs) to b's ports 1,2 (inputs).
    # The result keeps that order: ports 1,2 = B1's inputs, ports 3,4 = B12's outputs.
    b12 = load(PETERS_B12)
    if len(b1.f) != len(b12.f) or numpy.any(b1.f != b12.f):
        raise SystemExit("B1 and B12 are not on the same frequency grid")
    chain = paired(b1) ** paired(b12)
    mm_chain = chain.copy()
    mm_chain.se2gmm(p=2)  # already paired: (1,2) inputs, (3,4) outputs
    sdd21_chain = db20(mm_chain.s[:, 1, 0])
    check_thru_trend("B1 ** B12", chain.f, sdd21_chain, 15e9)
    write_matrix("cascade_peters_01_0605_B1_B12_thru.csv", chain, [("sdd21_db", sdd21_chain)])

    # (e) renormalisation (real references: power and pseudo waves agree).
    r40 = load(STRIP_119)
    r40.renormalize(40)
    write_matrix("renormalized_pcb_stripline_119mm_40ohm.csv", r40)
    r45 = load(SMT_4IN)
    r45.renormalize(45)
    write_matrix("renormalized_TEC_SMT_IO_42GHz_Thru_B5B6_4in_45ohm.csv", r45)


if __name__ == "__main__":
    main()
