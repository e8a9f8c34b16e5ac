#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks tshark-check.sh itself, on the host, without the SES module:
# ses_fake_peer plays both ends of SES sessions over plain TCP on
# loopback while tcpdump captures; a clean capture must pass every check,
# one with a malformed CN must fail.  Prints TAP.  Needs root (tcpdump).
#
#	tshark-selftest.sh [PORT]

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
PORT=${1:-10102}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
n=0
fails=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

capture() {	# PCAP FAKE-PEER-ARGS...
	local pcap=$1 pid
	shift
	: >"$TMP/tcpdump.err"
	tcpdump -i lo -Z root -s 66000 -B 32768 --immediate-mode -U -w "$pcap" \
		"tcp port $PORT" 2>>"$TMP/tcpdump.err" &
	pid=$!
	for _ in $(seq 50); do
		grep -q "listening on" "$TMP/tcpdump.err" && break
		sleep 0.1
	done
	"$DIR/ses_fake_peer" -p "$PORT" "$@"
	local rc=$?
	sleep 0.5
	kill -INT $pid
	wait $pid
	return $rc
}

echo "TAP version 13"
echo "1..4"
make -s -C "$DIR" ses_fake_peer >&2
capture "$TMP/good.pcap"
ok $? "fake peer plays clean sessions"
"$DIR/tshark-check.sh" "$TMP/good.pcap" "$PORT" | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "tshark-check.sh passes a clean capture"
capture "$TMP/bad.pcap" -m
ok $? "fake peer plays a malformed CN too"
"$DIR/tshark-check.sh" "$TMP/bad.pcap" "$PORT" >"$TMP/bad.tap"
sed 's/^/# /' "$TMP/bad.tap"
grep -q "^not ok .* no malformed frame" "$TMP/bad.tap"
ok $? "tshark-check.sh flags the malformed CN"
[ $fails -eq 0 ]
