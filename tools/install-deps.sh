#!/usr/bin/env bash
# Install the Debian 12 packages needed to build libpanalyzer and run every test.
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS=(
  build-essential meson ninja-build pkg-config
  libxml2-dev libzstd-dev zlib1g-dev libtbb-dev libopenblas-dev check
  python3-cffi python3-numpy python3-pytest python3-distributed python3-pip python3-setuptools
  r-base-dev r-cran-testthat
  libparasail-dev zstd gzip
  python3-gemmi python3-biopython
  abigail-tools valgrind clang-14 libclang-rt-14-dev
)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${PKGS[@]}"
