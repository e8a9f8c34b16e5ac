#!/bin/bash
# PID 1 of the SES test VM (booted by run-vm.sh). Mounts the basics and the results share,
# loads net/ses/ses.ko, then by ses_mode runs the suites (test), the demo (run), the benchmarks
# (bench) or one script (exec), and powers off. Kernel command-line words ses_repo, ses_results,
# ses_mode, ses_exec, ses_kbuild, ses_modroot, ses_flavour (and SES_* settings forwarded by
# run-vm.sh) arrive as environment variables. PID 1 must never exit (the kernel would panic), so
# each stage is checked and the EXIT trap powers off even after an error.
# On the debug kernel (ses_flavour=debug) test mode also checks kmemleak after the suites, runs
# the selftests once more with failslab/fail_page_alloc injecting failures into allocations made
# through ses.ko's code (their TAP goes to results/failslab.log and is not counted), and checks
# kmemleak again; the console markers SES-KMEMLEAK-BASELINE-*/SES-FAULT-INJECTION-* tell
# collect.sh which console lines are expected there.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=dumb
export SES_REPO=${ses_repo:?} SES_RESULTS=${ses_results:?} SES_MODE=${ses_mode:-test}
repo=$SES_REPO results=$SES_RESULTS flavour=${ses_flavour:-normal}
# run-vm.sh passes lists with commas for spaces (a kernel command-line word has no spaces)
for v in SES_PROGS SES_CONFIGS; do [ -z "${!v:-}" ] || export "$v=${!v//,/ }"; done
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
modroot=${ses_modroot:-$(realpath -m "${ses_kbuild:-/nonexistent}/../modroot")}
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
# Time limits of the selftest runs (run.sh's SES_BUDGET and SES_PROG_TIMEOUT, both settable
# through run-vm.sh; unset, run.sh's defaults apply): the debug kernel runs the suites several
# times slower. suite_limit bounds run.sh as a whole.
# To keep a cold CI run (debug kernel build included) well inside 90 minutes on two cores, the
# debug kernel runs the suites in two of run.sh's four configurations: IPv4 over loopback and
# IPv6 over veth between two namespaces (both families, both paths); `make test
# TEST_FLAVOUR=normal` runs all four.
if [ "$flavour" = debug ]; then
    export SES_BUDGET=${SES_BUDGET:-2400} SES_PROG_TIMEOUT=${SES_PROG_TIMEOUT:-600}
    export SES_CONFIGS=${SES_CONFIGS:-"lo-v4 veth-v6"}
    fault_budget=${SES_FAULT_BUDGET:-600} fault_prog_timeout=${SES_FAULT_PROG_TIMEOUT:-300}
fi
suite_limit=$(( ${SES_BUDGET:-900} + 2 * ${SES_PROG_TIMEOUT:-240} + 120 ))

km=/sys/kernel/debug/kmemleak
kmemleak=0
if [ "$SES_MODE" = test ] && [ "$flavour" = debug ]; then
    # Boot-time suspects are not SES's: one scan reports them (the kernel prints
    # "kmemleak: N new suspected ..." between the markers, which collect.sh ignores), then
    # "clear" greys them so later scans report only newer objects.
    echo "SES-KMEMLEAK-BASELINE-BEGIN"
    if [ -w "$km" ] && echo scan > "$km" && echo clear > "$km"; then kmemleak=1; fi
    echo "SES-KMEMLEAK-BASELINE-END"
    tap $((1 - kmemleak)) "kmemleak is enabled (debug kernel)"
fi

run "module loaded" 60 insmod "$repo/net/ses/ses.ko"
loaded=$(grep -c '^ses ' /proc/modules || true)

kmemleak_check() { # kmemleak_check WHEN FILE: scan twice, one TAP line, the report into FILE
    local f=$results/$1 what=$2 leaks
    [ "$kmemleak" = 1 ] || return 0
    # Two scans a few seconds apart: an object must be older than 5 s and look unreferenced
    # (with unchanged contents) in a scan to be reported.
    if ! { echo scan > "$km" && sleep 5 && echo scan > "$km" && cat "$km" > "$f"; } 2>/dev/null; then
        tap 1 "no memory leak reported by kmemleak $what: kmemleak scan failed (disabled?)"; return 0
    fi
    leaks=$(grep -c '^unreferenced object' "$f" || true)
    if [ "$leaks" = 0 ]; then tap 0 "no memory leak reported by kmemleak $what"; else
        tap 1 "no memory leak reported by kmemleak $what: $leaks suspected, in ${f##*/}"
        sed 's/^/# /' "$f" | head -n 400 >> "$results/vm.tap"
    fi
    echo clear > "$km" || true  # reported once: the next check reports only newer objects
}

# ses.ko's code: from its lowest to its highest text symbol (plus a page for the last function),
# as "START END" in hex.
ses_text_range() {
    local syms
    syms=$( { grep -E '^[0-9a-f]+ [tT] .*\[ses\]$' /proc/kallsyms | cut -d' ' -f1
              sed 's/^0x//' /sys/module/ses/sections/.text 2>/dev/null; } | sort)
    [ -n "$syms" ] || return 1
    printf '0x%s 0x%x\n' "$(head -n 1 <<< "$syms")" $((16#$(tail -n 1 <<< "$syms") + 4096))
}

# Re-run the selftests (loopback IPv4) with failslab and fail_page_alloc failing a share of the
# allocations whose call stack passes through ses.ko's code. The programs fail under injection:
# their TAP goes to failslab.log, uncounted. What counts: failures were injected, nothing hung
# (and no splat on the console, kmemleak clean, ses unloads: checked after this).
fault_pass() {
    local fi=/sys/kernel/debug prob=${SES_FAULT_PROBABILITY:-10} times=1000000 range start end
    local d p rc=0 injected=0 left t0=$SECONDS hung log=$results/failslab.log bad=
    put() { echo "$1" 2>/dev/null > "$2" || bad+=" $2"; }
    if [ ! -d "$fi/failslab" ] || [ ! -d "$fi/fail_page_alloc" ]; then
        tap 1 "fault injection available (failslab, fail_page_alloc)"; return 0
    fi
    if ! range=$(ses_text_range); then tap 1 "fault injection: ses.ko text range found"; return 0; fi
    read -r start end <<< "$range"
    say "fault injection: ses.ko text $start-$end, probability $prob%"
    for d in "$fi/failslab" "$fi/fail_page_alloc"; do
        put 0 "$d/probability"
        put "$start" "$d/require-start"; put "$end" "$d/require-end"
        put 32 "$d/stacktrace-depth"      # the maximum
        put N "$d/ignore-gfp-wait"        # sleeping allocations too, not only atomic ones
        put N "$d/task-filter"            # softirq receive paths too
        put 1 "$d/interval"; put 0 "$d/space"
        put "$times" "$d/times"           # counts down once per injected failure
        put 1 "$d/verbose"                # one "FAULT_INJECTION: forcing a failure" each
        put 5000 "$d/verbose_ratelimit_interval_ms"; put 20 "$d/verbose_ratelimit_burst"
    done
    put 0 "$fi/fail_page_alloc/min-order"; put N "$fi/fail_page_alloc/ignore-gfp-highmem"
    if [ -n "$bad" ]; then tap 1 "fault injection configured (cannot write:$bad)"; return 0; fi
    echo "SES-FAULT-INJECTION-BEGIN"
    for d in "$fi/failslab" "$fi/fail_page_alloc"; do put "$prob" "$d/probability"; done
    (cd "$repo/tests/selftests" && SES_CONFIGS=lo-v4 SES_CAPTURE=0 \
        SES_PROG_TIMEOUT=$fault_prog_timeout SES_BUDGET=$fault_budget \
        timeout -k 10 $((fault_budget + 2 * fault_prog_timeout)) ./run.sh) > "$log" 2>&1 || rc=$?
    for d in "$fi/failslab" "$fi/fail_page_alloc"; do put 0 "$d/probability"; done
    echo "SES-FAULT-INJECTION-END"
    for d in "$fi/failslab" "$fi/fail_page_alloc"; do
        left=$(cat "$d/times"); injected=$((injected + times - left))
        echo "# ${d##*/}: $((times - left)) failure(s) injected" >> "$results/vm.tap"
        put -1 "$d/times"
    done
    say "fault injection: run.sh exited with $rc after $((SECONDS - t0)) s, $injected failure(s) injected"
    tap $((injected == 0)) "fault injection: $injected allocation failures injected into ses.ko"
    # A hang: run.sh overran its own bound, a program had to be killed by its timeout, or a
    # test process is still around (stuck in the kernel) after run.sh killed its session.
    sleep 2
    hung=$(grep -E '^# .*: killed after' "$log" || true)
    [ "$rc" -lt 124 ] || hung+=$'\n'"# run.sh: killed by timeout (status $rc)"
    for p in $(pgrep '^ses_'); do  # test processes, not kernel threads (no command line)
        [ -s "/proc/$p/cmdline" ] || continue
        hung+=$'\n'"# still running: $(ps -o pid=,stat=,wchan:32=,args= -p "$p")"
    done
    hung=$(sed '/^$/d' <<< "$hung")
    if [ -z "$hung" ]; then tap 0 "fault injection run finished without a hang"
    else tap 1 "fault injection run finished without a hang"; echo "$hung" >> "$results/vm.tap"; fi
}

case "$SES_MODE" in
test)
    if [ "$loaded" = 1 ] && [ -f "$repo/tests/kunit/ses_kunit.ko" ]; then
        run "kunit module loaded" 600 insmod "$repo/tests/kunit/ses_kunit.ko"
        cat /sys/kernel/debug/kunit/*/results > "$results/kunit.tap" 2>/dev/null || true
        run "kunit module removed" 60 bash -c "$unload" ses_kunit
    fi
    if [ "$loaded" = 1 ] && [ -x "$repo/tests/selftests/run.sh" ]; then
        rc=0; (cd "$repo/tests/selftests" && timeout -k 5 "$suite_limit" ./run.sh) > "$results/selftests.tap" || rc=$?
        say "selftests/run.sh exited with $rc"
        if [ "$rc" -lt 124 ]; then tap 0 "selftests finished in time"; else tap "$rc" "selftests finished in time"; fi
    fi
    # make bench still runs: one very short round of each peer on loopback, no timing checked
    if [ "$loaded" = 1 ] && [ -x "$repo/bench/run.sh" ]; then
        run "bench smoke: each peer and workload once, briefly, on loopback" 300 "$repo/bench/run.sh" --smoke
    fi
    # ses stays loaded for the kmemleak checks: a leaked SES object is found while the module's
    # own data (its roots) still exist; the check after rmmod finds what unloading leaves behind.
    kmemleak_check kmemleak-suites.txt "after the suites"
    if [ "$loaded" = 1 ] && [ "$flavour" = debug ] && [ "${SES_FAULT:-1}" != 0 ] && [ -x "$repo/tests/selftests/run.sh" ]; then
        fault_pass
        kmemleak_check kmemleak-faults.txt "after the fault-injection run"
    fi
    if [ "$loaded" = 1 ]; then run "module removed" 60 bash -c "$unload" ses; fi
    kmemleak_check kmemleak-rmmod.txt "after rmmod ses"
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
