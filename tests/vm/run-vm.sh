#!/bin/bash
# Boot the SES test VM (qemu TCG, -smp 2) on the host root shared read-only over virtio-9p,
# with init.sh as PID 1 and RESULTS_DIR shared writable (mounted at the same path in the guest).
# Usage: run-vm.sh [test|run|bench|exec SCRIPT] [RESULTS_DIR]   (default: test out/vm)
# The console log lands in RESULTS_DIR/console.log; printed live unless mode is test
# (SES_VM_LIVE=1 prints it in test mode too). SES_VM_TIMEOUT (s, default 1800) bounds the VM.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-test} script=
if [ "$mode" = exec ]; then script=$(realpath "$2"); shift; fi
results=$(mkdir -p "${2:-$repo/out/vm}" && cd "${2:-$repo/out/vm}" && pwd)
for p in "$repo" "$results"; do  # the guest mounts fresh tmpfs/proc/sys/dev over these
    case "$p/" in /tmp/*|/run/*|/dev/*|/proc/*|/sys/*) echo "run-vm: $p is hidden in the VM" >&2; exit 1;; esac
done
cache=${SES_CACHE:-$HOME/.cache/ses}
bz=${SES_BZIMAGE:-$cache/build/arch/x86/boot/bzImage}
[ -f "$bz" ] || { echo "run-vm: no kernel at $bz (run tests/vm/build-kernel.sh)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || "$repo/scripts/deps.sh"

exec 9>"$cache/vm.lock"
flock 9   # one VM at a time (2 cores)
rm -f "$results"/console.log "$results"/*.tap "$results"/*.pcap*

append="root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144"
append+=" ro console=ttyS0 tsc=reliable panic=-1 init=$repo/tests/vm/init.sh"
append+=" ses_repo=$repo ses_results=$results ses_mode=$mode ses_kbuild=$cache/build${script:+ ses_exec=$script}"

start=$SECONDS
set +e
timeout -k 10 "${SES_VM_TIMEOUT:-1800}" qemu-system-x86_64 \
    -machine pc -accel tcg -smp 2 -m 2G \
    -nodefaults -nographic -serial stdio -no-reboot \
    -kernel "$bz" -append "$append" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$results",mount_tag=results,security_model=none,multidevs=remap \
    < /dev/null 2>&1 |
    sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
    if [ "$mode" = test ] && [ -z "${SES_VM_LIVE:-}" ]; then cat > "$results/console.log"; else tee "$results/console.log"; fi
rc=${PIPESTATUS[0]}
set -e
echo "run-vm: $mode VM exited with $rc after $((SECONDS - start)) s; console: $results/console.log"
[ "$rc" = 124 ] && echo "run-vm: TIMEOUT, VM killed" >&2
exit "$rc"
