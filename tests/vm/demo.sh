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
echo
echo "== recovery: the link under a session goes down and comes back =="
# Two network namespaces joined by a veth pair; the listener in one, the
# initiator in the other, streaming 3000 numbered SSDUs 2 ms apart. The
# link is cut for 4 s mid-stream and restored: TCP under the session
# fails (user timeout 1 s), the initiator reconnects, the session resumes
# and replays what the far end had not acknowledged.
mkdir -p /run/netns
ip netns add demo-a && ip netns add demo-b
ip link add veth-da netns demo-a type veth peer name veth-db netns demo-b
ip -n demo-a addr add 10.88.0.1/24 dev veth-da
ip -n demo-b addr add 10.88.0.2/24 dev veth-db
for ns in demo-a demo-b; do ip -n $ns link set lo up; done
ip -n demo-a link set veth-da up
ip -n demo-b link set veth-db up
ip netns exec demo-a "$NC" -t 1000 -l 7001 > /tmp/far-end.txt 2> /tmp/far-end.err &
server=$!
sleep 0.5
ip netns exec demo-b "$NC" -t 1000 -n 3000 -s 64 -i 2 10.88.0.1 7001 &
client=$!
sleep 1.5
echo "-- $(date +%T.%3N) link down"
ip -n demo-b link set veth-db down
sleep 4
echo "-- $(date +%T.%3N) link up"
ip -n demo-b link set veth-db up
wait "$client"
wait "$server"
echo "== the far end: =="
cat /tmp/far-end.err /tmp/far-end.txt
echo "== counters of the far end (/proc/net/ses_stat) =="
ip netns exec demo-a grep -E 'Suspends|Resumed|Replayed|Duplicates' /proc/net/ses_stat
ip netns del demo-a
ip netns del demo-b
