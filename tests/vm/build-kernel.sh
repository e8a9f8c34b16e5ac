#!/bin/bash
# Build an SES test-VM kernel: Debian linux-source-6.12, tinyconfig + fragments, out of tree
# (O=) with ccache. Idempotent; a warm run does nothing.
# Usage: build-kernel.sh [normal|debug]   (default: $SES_FLAVOUR, else normal)
#   normal  config.fragment                 -> ~/.cache/ses/build,       modroot
#   debug   config.fragment + config.debug  -> ~/.cache/ses/build-debug, modroot-debug
#           (KASAN, lockdep, kmemleak, debug objects, fault injection: what `make test` runs)
# Result: BUILD/arch/x86/boot/bzImage (+ Module.symvers for M= builds) and the kernel's own
# modules (sctp, ...) installed under MODROOT/lib/modules for the VM. The source tree
# ~/.cache/ses/src stays pristine (both flavours build with O=); both share one ccache.
set -euo pipefail
start=$SECONDS
here=$(cd "$(dirname "$0")" && pwd)
flavour=${1:-${SES_FLAVOUR:-normal}}
cache=${SES_CACHE:-$HOME/.cache/ses}
src=$cache/src
case "$flavour" in
normal) build=$cache/build       modroot=$cache/modroot       frags=("$here/config.fragment") ;;
debug)  build=$cache/build-debug modroot=$cache/modroot-debug frags=("$here/config.fragment" "$here/config.debug") ;;
*) echo "build-kernel: unknown flavour '$flavour' (normal or debug)" >&2; exit 2 ;;
esac
bz=$build/arch/x86/boot/bzImage stamp=$build/.ses-built
mkdir -p "$cache" "$build"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Fast path: a complete build newer than its fragments and this script. Checked before and
# after taking the lock: a built flavour need not wait while the other one builds (a build
# removes its stamp first, so a stamp means a finished build).
up_to_date() {
    local f
    for f in "${frags[@]}" "$0"; do [ -f "$stamp" ] && [ "$stamp" -nt "$f" ] || return 1; done
    [ -f "$bz" ] && [ -d "$modroot/lib/modules" ] || return 1
    echo "build-kernel: $flavour kernel up to date ($bz), $((SECONDS - start)) s"
}
up_to_date && exit 0
exec 9>"$cache/build.lock"
flock 9   # one kernel build at a time (2 cores)
up_to_date && exit 0

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
# O= refuses a source tree with in-tree build output; keep it pristine.
if [ -f "$src/.config" ] || [ -d "$src/include/config" ]; then
    echo "build-kernel: $src has in-tree build output; run make -C $src mrproper" >&2; exit 1
fi

export CCACHE_DIR=${SES_CCACHE_DIR:-$cache/ccache}  # SES_CCACHE_DIR: e.g. an empty one to time a cold build
kmake() { make -C "$src" O="$build" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

# Config: tinyconfig, merge the fragments (a later one overrides an earlier one), resolve,
# then verify that every line took effect. An unchanged result keeps the old .config (and its
# mtime) so nothing rebuilds needlessly.
rm -f "$stamp"
[ ! -f "$build/.config" ] || cp -p "$build/.config" "$build/.config.ses-prev"
kmake -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}" >/dev/null
kmake -s olddefconfig
# The effective request: the last line naming each symbol, over all fragments in order.
wanted=$(cat "${frags[@]}" | awk '
    /^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s) }
    /^# CONFIG_[A-Za-z0-9_]+ is not set/ { s = $2 }
    s != "" { if (!(s in line)) order[++n] = s; line[s] = $0; s = "" }
    END { for (i = 1; i <= n; i++) print line[order[i]] }')
bad=()
while IFS= read -r line; do
    case "$line" in
    CONFIG_*=*) grep -qxF "$line" "$build/.config" || bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$build/.config" || echo absent))");;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
        ! grep -q "^$sym=" "$build/.config" || bad+=("$line (got: $(grep "^$sym=" "$build/.config"))");;
    esac
done <<< "$wanted"
if [ ${#bad[@]} -gt 0 ]; then
    echo "build-kernel: FAILED ($flavour): these fragment lines did not take effect:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "build-kernel: $flavour config: $(grep -c . <<< "$wanted") fragment lines verified"

if cmp -s "$build/.config" "$build/.config.ses-prev"; then mv "$build/.config.ses-prev" "$build/.config"; fi
rm -f "$build/.config.ses-prev"

kmake -j"$(nproc)" all
[ -f "$build/Module.symvers" ] || { echo "build-kernel: no Module.symvers" >&2; exit 1; }
rm -rf "$modroot" && kmake -s INSTALL_MOD_PATH="$modroot" modules_install
touch "$stamp"
echo "build-kernel: built $flavour kernel $bz in $((SECONDS - start)) s"
