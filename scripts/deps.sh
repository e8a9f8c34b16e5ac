#!/bin/bash
# Install the Debian packages SES needs to build, run the test VM and run the tests.
# Fast no-op when everything is already installed (checked with dpkg-query).
set -euo pipefail
pkgs=(linux-source-6.12 qemu-system-x86 ccache gcc make flex bison libelf-dev libssl-dev bc
      cpio xz-utils kmod iproute2 nftables tcpdump tshark clang libclang-rt-14-dev
      gnuplot-nox valgrind python3 linux-headers-amd64)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
echo 'wireshark-common wireshark-common/install-setuid boolean false' | as_root debconf-set-selections
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
