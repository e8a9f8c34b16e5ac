#!/bin/bash
# Summarise SES test results: prints each TAP/KTAP file, counts its leaf test results (a subtest
# block's summary line is not counted again; a "not ok" summary with no failing case, or fewer
# results than a plan announced, count as failures), scans the VM console log for kernel splats
# and for the SES-VM-DONE marker, and ends with one line "N passed, N failed".
# Usage: collect.sh [--console CONSOLE_LOG] FILE.tap...   Exit status 1 if failed > 0 or passed == 0.
set -euo pipefail
console=
if [ "${1:-}" = --console ]; then console=$2; shift 2; fi
passed=0 failed=0 skipped=0

count_tap() { # prints notes on failures not visible as "not ok" lines, then "passed failed skipped"
    awk '
    function close_levels(above,   k, j) {
        for (k = above + 1; k <= 64; k++) {
            if (k in plan && cnt[k] < plan[k]) { f += plan[k] - cnt[k]; for (j = 0; j < k; j++) kidfail[j] = 1
                printf "# collect: %d result(s) missing at depth %d (plan 1..%d)\n", plan[k] - cnt[k], k, plan[k] }
            delete plan[k]; cnt[k] = 0; kids[k] = 0; kidfail[k] = 0
        }
    }
    { sub(/\r$/, ""); match($0, /^[ \t]*/); d = RLENGTH }
    /^[ \t]*(K?TAP version|# Subtest:)/ && d == 0 { close_levels(-1) }
    /^[ \t]*1\.\.[0-9]+/ { n = $0; sub(/^[ \t]*1\.\./, "", n); plan[d] = n + 0; any = 1 }
    /^[ \t]*(not )?ok([ \t]|$)/ {
        any = 1; close_levels(d); cnt[d]++
        bad = ($0 ~ /^[ \t]*not ok/); dir = tolower($0)
        skip = (dir ~ /#[ \t]*skip/); todo = (dir ~ /#[ \t]*todo/)
        for (k = 0; k < d; k++) kids[k] = 1
        if (kids[d]) {        # summary line of a subtest block: its cases were counted already
            if (bad && !kidfail[d] && !todo) { f++; print "# collect: failing block without failing case: " $0 }
            if (bad) for (k = 0; k < d; k++) kidfail[k] = 1
        } else if (skip) s++
        else if (bad && !todo) { f++; for (k = 0; k < d; k++) kidfail[k] = 1 }
        else if (!bad) p++
        kids[d] = 0; kidfail[d] = 0
    }
    END { close_levels(-1); if (!any) { f++; print "# collect: no results in file" }
          printf "%d %d %d\n", p, f, s }' "$1"
}

for f in "$@"; do
    [ -e "$f" ] || { echo "# collect: skipping missing $f"; continue; }
    echo "=== $f"
    cat "$f"
    counts=$(count_tap "$f")
    sed '$d' <<< "$counts"
    read -r p fl s <<< "$(tail -n 1 <<< "$counts")"
    echo "=== $f: $p passed, $fl failed, $s skipped"
    passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
done

if [ -n "$console" ]; then
    splats='BUG:|WARNING:|Oops|general protection fault|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|unreferenced object|possible circular locking|INFO: task .* blocked|Call Trace|Kernel panic|detected stalls?|soft lockup|hard LOCKUP'
    if [ ! -f "$console" ]; then
        echo "not ok - VM console log $console missing"; failed=$((failed + 1))
    else
        # One failure per splat, printed with the 30 console lines after it: a "Call Trace"
        # within 40 lines of another match belongs to it. Expected and not splats: kmemleak's
        # report of boot-time suspects between the SES-KMEMLEAK-BASELINE-* markers (init.sh
        # clears them), and the fault-injection pass's "FAULT_INJECTION: forcing a failure"
        # lines with the stack dump that follows each one when verbose=2.
        hits=$(awk -v re="$splats" 'BEGIN { fi = last = -1000 }
            /SES-KMEMLEAK-BASELINE-BEGIN/ { base = 1 } /SES-KMEMLEAK-BASELINE-END/ { base = 0 }
            /FAULT_INJECTION: forcing a failure/ { injected++; fi = NR; ctx = 0; next }
            base && /kmemleak: [0-9]+ new suspected/ { print "# collect: boot-time kmemleak suspects, cleared by init.sh: " $0; next }
            $0 ~ re {
                if ($0 ~ /Call Trace/ && NR - fi <= 6) next
                if ($0 ~ /Call Trace/ && NR - last <= 40) { last = NR; if (ctx > 0) { print "#   " $0; ctx-- }; next }
                print "not ok - kernel splat: " $0; last = NR; ctx = 30; fi = -1000; next }
            ctx > 0 { print "#   " $0; ctx-- }
            END { if (injected) printf "# collect: %d FAULT_INJECTION report(s) on the console (expected: fault-injection pass)\n", injected }' "$console")
        if [ -n "$hits" ]; then echo "$hits"; failed=$((failed + $(grep -c '^not ok' <<< "$hits" || true))); fi
        if ! grep -q 'SES-VM-DONE' "$console"; then
            echo "not ok - VM did not reach SES-VM-DONE; console tail:"; tail -n 40 "$console" | sed 's/^/#   /'
            failed=$((failed + 1))
        fi
    fi
fi
[ "$skipped" = 0 ] || echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
