#!/usr/bin/python3
"""Launch-free insertion loss per inch from the length pairs in ../shared/data/touchstone/.

Pairs (see shared/data/README.md):
  * TEC_SMT_IO_42GHz_Thru_B5B6_{4in,10in}.s4p: the same TE 28G SMT I/O host channel with
    4" and 10" of 5-6-5 mil Megtron 6 differential stripline -> differential SDD21,
    (SDD21_10in dB - SDD21_4in dB) / 6 in.
  * pcb_stripline_{119mm,238mm}.s2p: measured single-ended stripline -> S21,
    (S21_238mm dB - S21_119mm dB) / (119 mm / 25.4 mm/in).
Also checks the port convention on the 42.8" TE Whisper Megtron 6 backplane channel
(shared/data/README.md: SDD21 about -26.9 dB at 12.89 GHz) and, since no length pair exists
for the Whisper MEGTRON 6 / Nelco N4000-6 twins, writes their whole-channel SDD21 / 42.8 in as
an upper bound on the stripline loss per inch (it includes connectors and vias).

Losses are reported as positive numbers in dB (loss_db = -20 log10 |S|).

Run:   /usr/bin/python3 tests/reference/loss_per_inch/measured_loss_per_inch.py [DATA_DIR]
DATA_DIR defaults to ../shared/data/touchstone relative to the repository root, or
$PHYLANE_REFERENCE_DATA/touchstone. Writes measured_loss_per_inch.csv next to this script.

Tested with Debian 12 python3-scikit-rf 0.15.4 and numpy 1.24.
"""
import csv
import os
import sys

import numpy

# The shared data location and scikit-rf (../touchstone_data.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from touchstone_data import REPO, data_dir, skrf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FREQS_HZ = [4e9, 8e9, 12.89e9, 16e9, 20e9]
MM_PER_IN = 25.4


def sdd21_loss_db(path):
    """Differential thru loss |SDD21| in dB (positive) and the frequency vector.

    Files here have port 1 -> 2 on one line and 3 -> 4 on the other; skrf 0.15.4's
    se2gmm(p=2) pairs ports (1,2) and (3,4), so renumber to (1,3,2,4) first; then SDD21 is
    s[:, 1, 0] of the mixed-mode network.
    """
    ntw = skrf.Network(path)
    ntw.renumber([0, 1, 2, 3], [0, 2, 1, 3])
    ntw.se2gmm(p=2)
    s21 = ntw.s[:, 1, 0]
    return ntw.f, -20.0 * numpy.log10(numpy.abs(s21))


def s21_loss_db(path):
    ntw = skrf.Network(path)
    return ntw.f, -20.0 * numpy.log10(numpy.abs(ntw.s[:, 1, 0]))


def at(f, y, freq_hz):
    """Linear interpolation on the file's grid (all files here have 10 MHz steps)."""
    if freq_hz < f[0] or freq_hz > f[-1]:
        raise ValueError("%g Hz outside the file's range %g..%g Hz" % (freq_hz, f[0], f[-1]))
    return float(numpy.interp(freq_hz, f, y))


def window_mean(f, y, freq_hz, half_width_hz=1e9):
    """Mean of y over [freq_hz - half_width_hz, freq_hz + half_width_hz]: averages out the
    reflection ripple that the connectors and vias put on the single-frequency values."""
    sel = (f >= freq_hz - half_width_hz) & (f <= freq_hz + half_width_hz)
    return float(numpy.mean(y[sel]))


def check_monotonic_trend(name, f, loss_db, f_max_hz=25e9):
    """A thru's loss must rise with frequency, else the port convention is wrong
    (shared/data/README.md). Checked on 1 GHz block means up to f_max_hz: above ~30 GHz
    the 42.8" Whisper channel sits at the measurement floor (>60 dB) and the SMT I/O
    channels have connector resonances, so only the trend below is a meaningful check;
    0.5 dB of allowed dip covers ripple from reflections."""
    step = f[1] - f[0]
    n = max(1, int(round(1e9 / step)))
    keep = f <= f_max_hz
    y = loss_db[keep]
    m = len(y) // n
    smooth = y[: m * n].reshape(m, n).mean(axis=1)
    if numpy.any(numpy.diff(smooth) < -0.5):
        raise SystemExit("%s: loss is not monotonic in frequency: port convention?" % name)


def main():
    d = data_dir()
    rows = []

    # 1. Convention check on the known 42.8" Megtron 6 Whisper channel.
    f, wl = sdd21_loss_db(os.path.join(d, "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p"))
    check_monotonic_trend("Whisper Meg6", f, wl)
    whisper = at(f, wl, 12.89e9)
    print("convention check: 42.8in Whisper Megtron 6 SDD21 loss at 12.89 GHz = %.2f dB "
          "(shared/data/README.md: about 26.9 dB)" % whisper)
    if abs(whisper - 26.9) > 0.3:
        raise SystemExit("convention check failed")
    fn, nl = sdd21_loss_db(os.path.join(d, "TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p"))
    check_monotonic_trend("Whisper Nelco6", fn, nl)
    print("                  42.8in Whisper Nelco 4000-6 SDD21 loss at 12.89 GHz = %.2f dB "
          "(README: about 50.0 dB)" % at(fn, nl, 12.89e9))

    # Whole-channel loss / 42.8 in: an UPPER BOUND on the stripline loss per inch, because it
    # also holds two connectors, vias and daughtercard breakouts (6-9-6 mil traces, 30" of
    # backplane + 2 x 5" daughtercard, file header). No length pair exists for these files.
    whisper_len_in = 42.8
    print("\nTE Strada Whisper 42.8in system, SDD21 total / 42.8 in (upper bound, includes "
          "connectors and vias)")
    print("%10s %14s %14s %14s %14s" % ("f [GHz]", "Meg6 IL [dB]", "Meg6 dB/in",
                                        "N4000-6 IL", "N4000-6 dB/in"))
    for fr in FREQS_HZ:
        m, n = at(f, wl, fr), at(fn, nl, fr)
        print("%10.2f %14.3f %14.4f %14.3f %14.4f" % (fr / 1e9, m, m / whisper_len_in,
                                                     n, n / whisper_len_in))
        rows.append(["TEC_Whisper42p8in_Meg6_SDD21_total/42.8in_upper_bound", fr,
                     round(m / whisper_len_in, 5), round(window_mean(f, wl, fr) / whisper_len_in, 5),
                     "", "", "TEC_Whisper42p8in_Meg6_THRU_C8C9.s4p", round(m, 4), whisper_len_in])
        rows.append(["TEC_Whisper42p8in_Nelco6_SDD21_total/42.8in_upper_bound", fr,
                     round(n / whisper_len_in, 5), round(window_mean(fn, nl, fr) / whisper_len_in, 5),
                     "", "", "TEC_Whisper42p8in_Nelco6_THRU_C8C9.s4p", round(n, 4), whisper_len_in])

    # 2. Differential: TE SMT I/O host channel, 10" minus 4" of Megtron 6 stripline.
    fa, la = sdd21_loss_db(os.path.join(d, "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p"))
    fb, lb = sdd21_loss_db(os.path.join(d, "TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p"))
    check_monotonic_trend("SMT IO 4in", fa, la)
    check_monotonic_trend("SMT IO 10in", fb, lb)
    print("\nTE SMT I/O B5B6, SDD21 (differential), Megtron 6 5-6-5 stripline, delta = 6 in")
    print("%10s %12s %12s %14s %14s" % ("f [GHz]", "IL 4in [dB]", "IL 10in [dB]", "dB/in",
                                        "dB/in +-1GHz"))
    for fr in FREQS_HZ:
        a, b = at(fa, la, fr), at(fb, lb, fr)
        per_in = (b - a) / 6.0
        avg = window_mean(fa, (lb - la) / 6.0, fr)
        print("%10.2f %12.3f %12.3f %14.4f %14.4f" % (fr / 1e9, a, b, per_in, avg))
        rows.append(["TEC_SMT_IO_B5B6_SDD21_10in-4in", fr, round(per_in, 5), round(avg, 5),
                     "TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p", round(a, 4),
                     "TEC_SMT_IO_42GHz_Thru_B5B6_10in.s4p", round(b, 4), 6.0])

    # 3. Single-ended: measured stripline, 238 mm minus 119 mm.
    fa, la = s21_loss_db(os.path.join(d, "pcb_stripline_119mm.s2p"))
    fb, lb = s21_loss_db(os.path.join(d, "pcb_stripline_238mm.s2p"))
    check_monotonic_trend("stripline 119mm", fa, la)
    check_monotonic_trend("stripline 238mm", fb, lb)
    dl_in = 119.0 / MM_PER_IN
    print("\npcb_stripline, S21 (single-ended), delta = 119 mm = %.4f in" % dl_in)
    print("%10s %12s %12s %14s %14s" % ("f [GHz]", "IL 119mm [dB]", "IL 238mm [dB]", "dB/in",
                                        "dB/in +-1GHz"))
    for fr in FREQS_HZ:
        a, b = at(fa, la, fr), at(fb, lb, fr)
        per_in = (b - a) / dl_in
        avg = window_mean(fa, (lb - la) / dl_in, fr)
        print("%10.2f %12.3f %12.3f %14.4f %14.4f" % (fr / 1e9, a, b, per_in, avg))
        rows.append(["pcb_stripline_S21_238mm-119mm", fr, round(per_in, 5), round(avg, 5),
                     "pcb_stripline_119mm.s2p", round(a, 4),
                     "pcb_stripline_238mm.s2p", round(b, 4), round(dl_in, 5)])

    out = os.path.join(HERE, "measured_loss_per_inch.csv")
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source_pair", "freq_hz", "loss_db_per_in", "loss_db_per_in_mean_pm1ghz",
                    "short_file", "short_loss_db", "long_file", "long_loss_db",
                    "length_difference_in"])
        w.writerows(rows)
    print("\nwrote %s" % os.path.relpath(out, REPO))


if __name__ == "__main__":
    main()
