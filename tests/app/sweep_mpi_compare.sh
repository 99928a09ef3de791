#!/usr/bin/env bash
# `mpirun -np 2 phylane-mpi sweep` must write the same file as `phylane sweep --jobs 1` (ctest).
# usage: sweep_mpi_compare.sh MPIEXEC PHYLANE PHYLANE_MPI SWEEP.toml WORKDIR
set -euo pipefail
mpiexec=$1; bin=$2; binmpi=$3; sweep=$4; work=$5
mkdir -p "$work"
rm -f "$work/jobs1.h5" "$work/mpi.h5"
"$bin" sweep "$sweep" -o "$work/jobs1.h5" --jobs 1 > /dev/null
flags=(--oversubscribe -np 2)
if [ "$(id -u)" -eq 0 ]; then
  flags+=(--allow-run-as-root)
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
"$mpiexec" "${flags[@]}" "$binmpi" sweep "$sweep" -o "$work/mpi.h5" --jobs 1 > /dev/null
# Every dataset and attribute equal (NaN equal to NaN).
/usr/bin/python3 - "$work/jobs1.h5" "$work/mpi.h5" <<'PY'
import sys, h5py, numpy as np
def walk(g, out, p=""):
    for k, v in g.attrs.items(): out[p + "@" + k] = v
    for k, v in g.items():
        if isinstance(v, h5py.Group): walk(v, out, p + "/" + k)
        else:
            out[p + "/" + k] = v[()]
            for ak, av in v.attrs.items(): out[p + "/" + k + "@" + ak] = av
a, b = {}, {}
walk(h5py.File(sys.argv[1], "r"), a); walk(h5py.File(sys.argv[2], "r"), b)
def same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    return np.array_equal(x, y, equal_nan=x.dtype.kind == "f" and y.dtype.kind == "f")
bad = [k for k in sorted(set(a) | set(b)) if k not in a or k not in b or not same(a[k], b[k])]
if bad:
    print("differ:", bad); sys.exit(1)
print(f"mpirun -np 2 equals --jobs 1: {len(a)} datasets and attributes")
PY
