#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions the pure codec (net/ses/spdu.c) spends per SSDU, counted by
# callgrind on the host: bench/spdu_cost runs each case ITERATIONS times
# with collection on only around the loop. Prints one line per case
#   CALLGRIND op=encode size=64 tpdus=1 codec_ir_per_ssdu=19.0 total_ir_per_ssdu=60.0
# (codec: instructions in net/ses/ code; total: with the harness's loop
# over the TPDUs, which stands for transport.c's) and writes each case's per-function breakdown to OUTDIR (default .).
# Usage: callgrind.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-.}
mkdir -p "$out"
command -v valgrind >/dev/null || "$here/../scripts/deps.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for op in encode decode; do
    for size in 64 65536; do
        f=$tmp/$op-$size.out
        line=$(valgrind --tool=callgrind --collect-atstart=no --compress-strings=no \
               --callgrind-out-file="$f" "$here/spdu_cost" "$op" "$size" 2>/dev/null)
        iters=$(sed -n 's/.* \([0-9]*\) iterations$/\1/p' <<< "$line")
        tpdus=$(sed -n 's/.*: \([0-9]*\) TPDU.*/\1/p' <<< "$line")
        ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f")
        if [ -z "$ir" ] || [ -z "$iters" ]; then
            echo "callgrind: no count for $op $size" >&2; exit 1
        fi
        # the per-function table: from its heading to the first blank line
        callgrind_annotate "$f" 2>/dev/null |
            awk '/file:function/ { on = 1; getline; next } on && /^$/ { on = 0 } on' \
            > "$out/callgrind-$op-$size.txt"
        # codec: what net/ses/ code runs (the rest is this harness's loop)
        codec=$(awk '$0 ~ /net\/ses\// { gsub(",", "", $1); s += $1 } END { print s + 0 }' \
                "$out/callgrind-$op-$size.txt")
        awk -v op="$op" -v size="$size" -v t="$tpdus" -v ir="$ir" -v c="$codec" -v n="$iters" \
            'BEGIN { printf "CALLGRIND op=%s size=%s tpdus=%s codec_ir_per_ssdu=%.1f total_ir_per_ssdu=%.1f\n", op, size, t, c / n, ir / n }'
    done
done
