#!/usr/bin/python3
"""Writes reference.csv: what a given phylane binary answers for the engine-equivalence cases of
tests/io/engine_equivalence_test.cpp (the eye of every preset with a [signal] section and of the
KR4-style lane around each measured 4-port channel; the max rate of the presets that search
quickly). The committed file was made with the engine before issue 13's changes (commit 06d6178):

    git worktree add /tmp/old 06d6178 && cmake -S /tmp/old -B /tmp/old/build -DCMAKE_BUILD_TYPE=Release
    cmake --build /tmp/old/build -j2 --target phylane
    tests/reference/engine_equivalence/make_reference.py /tmp/old/build/app/phylane ../shared/data

Usage: make_reference.py PHYLANE DATA_DIR [OUT.csv]
"""
import csv
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
EYE_PRESETS = ["cpo-microring", "dr4-400g-lane", "kr1-ck-28db", "pcie5-cem-link", "pcie5-server",
               "waveguide-on-package"]
MAXRATE_PRESETS = ["cpo-microring", "dr4-400g-lane", "pcie5-cem-link", "pcie5-server", "waveguide-on-package"]
MEASURED = ["CABLE1_TX_pair", "Case4_FM_13SI_20_T_D13_L6", "TEC_SMT_IO_42GHz_Thru_B5B6_10in",
            "TEC_SMT_IO_42GHz_Thru_B5B6_4in", "TEC_Whisper42p8in_Meg6_THRU_C8C9",
            "TEC_Whisper42p8in_Nelco6_THRU_C8C9", "peters_01_0605_B12_thru", "peters_01_0605_B1_thru",
            "peters_01_0605_T20_thru"]


def run(phylane, *args):
    out = subprocess.run([phylane, *args, "--json", "--quiet"], capture_output=True, text=True)
    if out.returncode not in (0, 3):
        sys.exit(f"{' '.join(args)}: exit {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)


def main():
    phylane, data = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    target = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else HERE / "reference.csv"
    template = (HERE / "kr4_style.toml.in").read_text()
    rows = []
    for p in EYE_PRESETS:
        e = run(phylane, "eye", "--preset", p)
        rows.append(["eye", "preset", p, repr(e["margin_db"]), e["equalizer"]["ctle"]])
    with tempfile.TemporaryDirectory() as tmp:
        for name in MEASURED:
            cfg = pathlib.Path(tmp) / f"{name}.toml"
            cfg.write_text(template.replace("@FILE@", str(data / "touchstone" / f"{name}.s4p")).replace("@NAME@", name))
            e = run(phylane, "eye", str(cfg))
            rows.append(["eye", "measured", name, repr(e["margin_db"]), e["equalizer"]["ctle"]])
    for p in MAXRATE_PRESETS:
        m = run(phylane, "maxrate", "--preset", p)
        rates = {x["modulation"]: x["max_rate_bps"] for x in m["modulations"]}
        rows.append(["maxrate", "preset", p, repr(rates.get("nrz", 0.0)), repr(rates.get("pam4", 0.0))])
    with open(target, "w", newline="") as f:
        f.write("# engine-equivalence reference (tests/reference/engine_equivalence/make_reference.py)\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["question", "kind", "case", "value1", "value2"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
