#!/bin/bash
# Boot the SES test VM (qemu TCG, -smp 2) on the host root shared read-only over virtio-9p,
# with init.sh as PID 1 and RESULTS_DIR shared writable (mounted at the same path in the guest).
# Usage: [SES_FLAVOUR=normal|debug] run-vm.sh [test|run|bench|exec SCRIPT] [RESULTS_DIR]
#   (default: test out/vm). SES_FLAVOUR picks the kernel built by `build-kernel.sh FLAVOUR`
#   (default normal; `make test` uses debug); the module in the tree must be built against it.
# The console log lands in RESULTS_DIR/console.log; printed live unless mode is test
# (SES_VM_LIVE=1 prints it in test mode too). SES_VM_TIMEOUT (s, default 1800, debug 3600) bounds
# the VM. SES_BUDGET, SES_PROG_TIMEOUT, SES_PROGS, SES_CONFIGS (tests/selftests/run.sh) and
# SES_FAULT (0: no fault-injection pass), SES_FAULT_PROBABILITY, SES_FAULT_BUDGET,
# SES_FAULT_PROG_TIMEOUT (init.sh, debug kernel), when set, are passed on to the VM; so are
# the kernel parameters in SES_VM_APPEND. SES_VM_ROOT_CACHE sets the root share's 9p cache mode
# (default: none for normal, loose for debug), SES_VM_MACHINE qemu's machine (default pc).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-test} script=
if [ "$mode" = exec ]; then script=$(realpath "$2"); shift; fi
results=$(mkdir -p "${2:-$repo/out/vm}" && cd "${2:-$repo/out/vm}" && pwd)
for p in "$repo" "$results"; do  # the guest mounts fresh tmpfs/proc/sys/dev over these
    case "$p/" in /tmp/*|/run/*|/dev/*|/proc/*|/sys/*) echo "run-vm: $p is hidden in the VM" >&2; exit 1;; esac
done
cache=${SES_CACHE:-$HOME/.cache/ses}
flavour=${SES_FLAVOUR:-normal} extra=
case "$flavour" in
normal) kbuild=$cache/build       modroot=$cache/modroot       vm_timeout=1800 rootcache= ;;
debug)  kbuild=$cache/build-debug modroot=$cache/modroot-debug vm_timeout=3600
        # Its fork and exec over 9p cost 5-10 times more: cache the read-only root's pages
        # (a file changed on the host while the VM runs may then be seen stale).
        rootcache=loose
        # The debug kernel's ACPI interpreter runs pc's _PRT loop (PCI interrupt routing) so
        # slowly under TCG that ACPICA aborts it after 30 s and a virtio device gets no IRQ
        # (the 9p mount then hangs): route PCI interrupts from the BIOS's $PIR table instead.
        # kasan_multi_shot: every KASAN report, not just the first.
        extra="pci=noacpi kasan_multi_shot" ;;
*) echo "run-vm: unknown SES_FLAVOUR '$flavour' (normal or debug)" >&2; exit 2 ;;
esac
bz=${SES_BZIMAGE:-$kbuild/arch/x86/boot/bzImage}
[ -f "$bz" ] || { echo "run-vm: no kernel at $bz (run tests/vm/build-kernel.sh $flavour)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || "$repo/scripts/deps.sh"

exec 9>"$cache/vm.lock"
flock 9   # one VM at a time (2 cores)
rm -f "$results"/console.log "$results"/*.tap "$results"/*.pcap* "$results"/kmemleak*.txt "$results"/failslab.log

rootcache=${SES_VM_ROOT_CACHE-$rootcache}  # 9p cache mode of the root: none (default) or loose
append="root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144${rootcache:+,cache=$rootcache}"
append+=" ro console=ttyS0 tsc=reliable panic=-1 init=$repo/tests/vm/init.sh"
append+=" ses_repo=$repo ses_results=$results ses_mode=$mode ses_flavour=$flavour"
append+=" ses_kbuild=$kbuild ses_modroot=$modroot${script:+ ses_exec=$script}"
append+="${extra:+ $extra}${SES_VM_APPEND:+ $SES_VM_APPEND}"  # extra kernel parameters
for v in SES_BUDGET SES_PROG_TIMEOUT SES_PROGS SES_CONFIGS SES_FAULT SES_FAULT_PROBABILITY \
         SES_FAULT_BUDGET SES_FAULT_PROG_TIMEOUT; do  # unknown words reach init as environment
    val=${!v:-}; [ -z "$val" ] || append+=" $v=${val// /,}"
done

start=$SECONDS
set +e
timeout -k 10 "${SES_VM_TIMEOUT:-$vm_timeout}" qemu-system-x86_64 \
    -machine "${SES_VM_MACHINE:-pc}" -accel tcg -smp 2 -m 2G \
    -nodefaults -nographic -serial stdio -no-reboot \
    -kernel "$bz" -append "$append" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$results",mount_tag=results,security_model=none,multidevs=remap \
    < /dev/null 2>&1 |
    sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
    if [ "$mode" = test ] && [ -z "${SES_VM_LIVE:-}" ]; then cat > "$results/console.log"; else tee "$results/console.log"; fi
rc=${PIPESTATUS[0]}
set -e
echo "run-vm: $mode VM ($flavour kernel) exited with $rc after $((SECONDS - start)) s; console: $results/console.log"
[ "$rc" = 124 ] && echo "run-vm: TIMEOUT, VM killed" >&2
exit "$rc"
