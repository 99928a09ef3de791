#!/usr/bin/env bash
# Executes a notebook headlessly against a freshly computed phylane result (used by ctest).
# usage: run_notebook.sh PHYLANE_BINARY NOTEBOOK WORKDIR -- [PHYLANE_ARGS...]
# With PHYLANE_ARGS, `phylane PHYLANE_ARGS -o WORKDIR/result.h5` writes the file the notebook reads
# (PHYLANE_H5); without, the notebook computes with the module (`import phylane`: the caller sets
# PYTHONPATH) and may write its results to PHYLANE_H5. The notebook saves its figures in
# WORKDIR/figures (PHYLANE_FIG_DIR); with PHYLANE_EXPECT_FIGURES=N set, at least N non-empty PNG
# files must be there.
set -euo pipefail
bin=$1; nb=$2; work=$3; shift 4
rm -rf "$work/figures" "$work/result.h5"   # a fresh result (sweep refuses to replace a finished one)
mkdir -p "$work"
export PHYLANE_FIG_DIR="$work/figures"
if (( $# > 0 )); then "$bin" "$@" -o "$work/result.h5" > /dev/null; fi
PHYLANE_H5="$work/result.h5" MPLBACKEND=Agg /usr/bin/python3 -m nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=300 --output-dir "$work" --output executed.ipynb "$nb" > /dev/null 2>&1 \
  || { PHYLANE_H5="$work/result.h5" MPLBACKEND=Agg /usr/bin/python3 -m nbconvert --to notebook --execute \
       --output-dir "$work" --output executed.ipynb "$nb"; exit 1; }
if [[ -n "${PHYLANE_EXPECT_FIGURES:-}" ]]; then
  n=$(find "$work/figures" -name '*.png' -size +1k 2>/dev/null | wc -l)
  if (( n < PHYLANE_EXPECT_FIGURES )); then
    echo "$nb produced $n figures in $work/figures, expected $PHYLANE_EXPECT_FIGURES" >&2
    exit 1
  fi
  echo "executed $nb: $n figures"
else
  echo "executed $nb"
fi
