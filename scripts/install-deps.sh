#!/usr/bin/env bash
# Installs the Debian packages phylane needs to build, test and plot.
# Idempotent: when everything is present it prints nothing and exits 0.
# Uses sudo when not run as root.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libeigen3-dev libfftw3-dev libhdf5-dev catch2 libtomlplusplus-dev
  libcli11-dev libfmt-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  pybind11-dev python3-dev python3-pytest
  python3-numpy python3-scipy python3-h5py python3-matplotlib python3-scikit-rf
  python3-nbconvert python3-nbclient python3-ipykernel
  python3-xlrd python3-openpyxl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "phylane: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "phylane: packages installed"
