#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make run` inside the VM: two processes open an SES session, exchange
# messages and release it. Run by tests/vm/init.sh (mode "run") as root.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
NC=$REPO/userspace/sesnc

echo "== SES demo: socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SES) over loopback =="
"$NC" -l 7000 > /tmp/received.txt &
server=$!
sleep 0.5
printf 'hello, session layer\none SSDU per send\nand one per recv\n' |
	"$NC" 127.0.0.1 7000
wait "$server"
echo "== the listener received: =="
cat /tmp/received.txt
echo "== counters (/proc/net/ses_stat) =="
grep -E 'Opens|Aborts' /proc/net/ses_stat

echo "== half duplex: only the holder of the data token speaks, then gives it =="
"$NC" -T 6 -l 7001 &
server=$!
sleep 0.5
"$NC" -T 6 127.0.0.1 7001
wait "$server"
