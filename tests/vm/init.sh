#!/bin/bash
# PID 1 of the SES test VM (booted by run-vm.sh). Mounts the basics and the results share,
# loads net/ses/ses.ko, then by ses_mode runs the suites (test), the demo (run), the benchmarks
# (bench) or one script (exec), and powers off. Kernel command-line words ses_repo, ses_results,
# ses_mode, ses_exec, ses_kbuild arrive as environment variables. PID 1 must never exit (the kernel
# would panic), so each stage is checked and the EXIT trap powers off even after an error.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=dumb
export SES_REPO=${ses_repo:?} SES_RESULTS=${ses_results:?} SES_MODE=${ses_mode:-test}
repo=$SES_REPO results=$SES_RESULTS
poweroff_now() { # if sysrq fails, PID 1 exits: panic=-1 reboots and qemu -no-reboot stops
    sync; echo o > /proc/sysrq-trigger || true; sleep 60; exit 1; }
trap 'echo "init: aborted (status $?)"; poweroff_now' EXIT
say() { echo "init: $*"; }

# Mount unconditionally: over 9p with multidevs=remap the host's /proc and /sys look like
# mount points, and the host's /proc/sysrq-trigger cannot power off this VM.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
for d in /tmp /run; do mount -t tmpfs -o mode=1777 tmpfs "$d"; done
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "$results"
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
# The VM kernel's own modules (sctp, ...), installed by build-kernel.sh into a modroot: a
# modprobe wrapper first in PATH and as the kernel's modprobe makes `modprobe sctp` and
# module auto-loading work without a /lib/modules on the read-only host root.
modroot=$(realpath -m "${ses_kbuild:-/nonexistent}/../modroot")
if [ -d "$modroot/lib/modules" ]; then
    mkdir -p /run/ses/bin
    printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$modroot" > /run/ses/bin/modprobe
    chmod +x /run/ses/bin/modprobe
    echo /run/ses/bin/modprobe > /proc/sys/kernel/modprobe
    export PATH=/run/ses/bin:$PATH
fi
hostname ses-vm
ip link set lo up
say "up: $(uname -r), $(nproc) cpus, mode $SES_MODE, $(cut -d' ' -f1 /proc/uptime) s since boot"

n=0
echo "TAP version 13" > "$results/vm.tap"
tap() { # tap STATUS DESCRIPTION: one line of results/vm.tap
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2 (status $1)"; fi | tee -a "$results/vm.tap"
}
run() { # run DESCRIPTION TIMEOUT CMD...: run a stage under timeout, record it, never fail
    local what=$1 limit=$2 rc=0; shift 2
    timeout -k 5 "$limit" "$@" || rc=$?
    [ "$rc" = 124 ] && say "TIMEOUT after $limit s: $what"
    tap "$rc" "$what"; return 0
}
unload='for _ in 1 2 3 4 5 6 7 8 9; do rmmod "$0" 2>/dev/null && exit 0; sleep 1; done; rmmod "$0"'

run "module loaded" 60 insmod "$repo/net/ses/ses.ko"
loaded=$(grep -c '^ses ' /proc/modules || true)

case "$SES_MODE" in
test)
    if [ "$loaded" = 1 ] && [ -f "$repo/tests/kunit/ses_kunit.ko" ]; then
        run "kunit module loaded" 600 insmod "$repo/tests/kunit/ses_kunit.ko"
        cat /sys/kernel/debug/kunit/*/results > "$results/kunit.tap" 2>/dev/null || true
        run "kunit module removed" 60 bash -c "$unload" ses_kunit
    fi
    if [ "$loaded" = 1 ] && [ -x "$repo/tests/selftests/run.sh" ]; then
        rc=0; (cd "$repo/tests/selftests" && timeout -k 5 1200 ./run.sh) > "$results/selftests.tap" || rc=$?
        say "selftests/run.sh exited with $rc"
        if [ "$rc" -lt 124 ]; then tap 0 "selftests finished in time"; else tap "$rc" "selftests finished in time"; fi
    fi
    if [ -w /sys/kernel/debug/kmemleak ]; then
        echo scan > /sys/kernel/debug/kmemleak; sleep 5; echo scan > /sys/kernel/debug/kmemleak
        cat /sys/kernel/debug/kmemleak
    fi
    if [ "$loaded" = 1 ]; then run "module removed" 60 bash -c "$unload" ses; fi
    ;;
run)   if [ -x "$repo/tests/vm/demo.sh" ]; then run "demo" 1700 "$repo/tests/vm/demo.sh"; fi ;;
bench) if [ -x "$repo/bench/run.sh" ]; then run "bench" 1700 "$repo/bench/run.sh"; fi ;;
exec)  run "exec ${ses_exec:-}" 1700 "${ses_exec:?}" ;;
*)     say "unknown mode $SES_MODE" ;;
esac

echo "1..$n" >> "$results/vm.tap"
trap - EXIT
echo "SES-VM-DONE"
poweroff_now
