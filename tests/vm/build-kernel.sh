#!/bin/bash
# Build the SES test-VM kernel: Debian linux-source-6.12, tinyconfig + config.fragment,
# out-of-tree in ~/.cache/ses/build with ccache. Idempotent; a warm run does nothing.
# Result: ~/.cache/ses/build/arch/x86/boot/bzImage (+ Module.symvers for M= builds) and the
# kernel's own modules (sctp, ...) installed under ~/.cache/ses/modroot/lib/modules for the VM.
set -euo pipefail
start=$SECONDS
here=$(cd "$(dirname "$0")" && pwd)
cache=${SES_CACHE:-$HOME/.cache/ses}
src=$cache/src build=$cache/build frag=$here/config.fragment modroot=$cache/modroot
bz=$build/arch/x86/boot/bzImage stamp=$build/.ses-built
mkdir -p "$cache" "$build"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

exec 9>"$cache/build.lock"
flock 9   # one kernel build at a time (2 cores)

# Fast path: a complete build newer than the fragment and this script.
if [ -f "$bz" ] && [ -f "$stamp" ] && [ -d "$modroot/lib/modules" ] && [ "$stamp" -nt "$frag" ] && [ "$stamp" -nt "$0" ]; then
    echo "build-kernel: up to date ($bz), $((SECONDS - start)) s"; exit 0
fi

# Source: Debian's linux-source-6.12 tarball, extracted once.
if [ ! -f "$src/.ses-extracted" ]; then
    tarball=/usr/src/linux-source-6.12.tar.xz
    if [ ! -f "$tarball" ]; then
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends linux-source-6.12
    fi
    echo "build-kernel: extracting $tarball"
    rm -rf "$src" "$cache/src.tmp" && mkdir -p "$cache/src.tmp"
    tar -xf "$tarball" -C "$cache/src.tmp"
    mv "$cache/src.tmp"/linux-source-6.12 "$src" && rmdir "$cache/src.tmp"
    echo ok > "$src/.ses-extracted"
fi

export CCACHE_DIR=$cache/ccache
kmake() { make -C "$src" O="$build" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

# Config: tinyconfig, merge the fragment, resolve, then verify every line.
# An unchanged result keeps the old .config (and its mtime) so nothing rebuilds needlessly.
rm -f "$stamp"
[ ! -f "$build/.config" ] || cp -p "$build/.config" "$build/.config.ses-prev"
kmake -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$frag" >/dev/null
kmake -s olddefconfig
bad=()
while IFS= read -r line; do
    case "$line" in
    CONFIG_*=*) grep -qxF "$line" "$build/.config" || bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$build/.config" || echo absent))");;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
        ! grep -q "^$sym=" "$build/.config" || bad+=("$line (got: $(grep "^$sym=" "$build/.config"))");;
    esac
done < "$frag"
if [ ${#bad[@]} -gt 0 ]; then
    echo "build-kernel: FAILED: these fragment lines did not take effect:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi

if cmp -s "$build/.config" "$build/.config.ses-prev"; then mv "$build/.config.ses-prev" "$build/.config"; fi
rm -f "$build/.config.ses-prev"

kmake -j"$(nproc)" all
[ -f "$build/Module.symvers" ] || { echo "build-kernel: no Module.symvers" >&2; exit 1; }
rm -rf "$modroot" && kmake -s INSTALL_MOD_PATH="$modroot" modules_install
touch "$stamp"
echo "build-kernel: built $bz in $((SECONDS - start)) s"
