#!/usr/bin/env bash
# Executes a notebook headlessly against a freshly computed phylane result (used by ctest).
# usage: run_notebook.sh PHYLANE_BINARY NOTEBOOK WORKDIR -- PHYLANE_ARGS...
set -euo pipefail
bin=$1; nb=$2; work=$3; shift 4
mkdir -p "$work"
"$bin" "$@" -o "$work/result.h5" > /dev/null
PHYLANE_H5="$work/result.h5" MPLBACKEND=Agg /usr/bin/python3 -m nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=300 --output-dir "$work" --output executed.ipynb "$nb" > /dev/null 2>&1 \
  || { PHYLANE_H5="$work/result.h5" MPLBACKEND=Agg /usr/bin/python3 -m nbconvert --to notebook --execute \
       --output-dir "$work" --output executed.ipynb "$nb"; exit 1; }
echo "executed $nb"
