#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build ses.ko against every Debian kernel-header tree installed here
# (linux-headers-amd64: Debian 12's 6.1) and print TAP, one line each.
# The sources are copied to a scratch folder so that the build of the
# test kernel's module in the work tree is left alone.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${SES_CACHE:-$HOME/.cache/ses}/compat
trees=(/usr/src/linux-headers-*-amd64)
echo "TAP version 13"
echo "1..${#trees[@]}"
n=0
for kdir in "${trees[@]}"; do
	n=$((n + 1))
	name=${kdir#/usr/src/linux-headers-}
	if [ ! -d "$kdir" ]; then
		echo "not ok $n - module builds against Debian kernel headers (none installed)"
		continue
	fi
	rm -rf "$scratch" && mkdir -p "$scratch"
	cp -r "$repo/Kbuild" "$repo/net" "$repo/include" "$scratch/"
	find "$scratch" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | xargs rm -f
	log=$(make -C "$kdir" M="$scratch" modules 2>&1)
	if [ $? -eq 0 ] && ! grep -qE 'warning:|error:' <<<"$log"; then
		echo "ok $n - ses.ko builds without warnings against $name headers"
	else
		grep -E 'warning:|error:' <<<"$log" | sed 's/^/# /' | head -20
		echo "not ok $n - ses.ko builds without warnings against $name headers"
	fi
done
