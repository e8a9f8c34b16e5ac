#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SES benchmarks inside the test VM (tests/vm/init.sh runs this in mode
# "bench"; `make bench` boots that VM). Runs bench/ses_bench for every
# workload against every peer, over loopback and over a veth pair between
# two network namespaces, in several interleaved rounds (the peers of one
# workload run back to back, in an order that rotates each round), then
# the idle-connection memory runs. The recovery runs (case recover: the
# client's veth down for 1 s in mid-stream, then up; some 7 s each in the
# VM) run over veth only, for SES and, as a reference, TCP, in the first
# 3 rounds. Every result is one line of
# $SES_RESULTS/raw.txt:
#	RESULT round=R net=lo|veth case=NAME peer=P key=value...
# and a run that fails leaves "FAIL round=R net=N case=NAME peer=P
# status=S" there instead (plus its RESULT line, if it printed one, with
# status=S added: a recovery run that lost a message says how many).
# bench/report.py turns the file into the table.
#
#	run.sh			the full benchmark
#	run.sh --smoke		one very short round of each peer on loopback
#				(make test; without SCTP's set-up, which waits
#				on a 3 s timer in the VM); results in
#				bench-smoke.txt
#
# Environment: SES_RESULTS (directory for the results, default /tmp),
# SES_BENCH_ROUNDS (default 5), SES_BENCH_SECS (measured seconds of one
# run, default 1.5), SES_BENCH_SCALE (idle connections, default 10000),
# SES_BENCH_CASES, SES_BENCH_PEERS, SES_BENCH_NETS (subsets, for trials).
# Exit status: 0 when every run produced its result.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=$here/ses_bench
results=${SES_RESULTS:-/tmp}
smoke=0
[ "${1:-}" = --smoke ] && smoke=1

# case -> ses_bench arguments
declare -A CASE_ARGS=(
	[bulk]="-W stream -s 65536"
	[msg64]="-W stream -s 64"
	[msg1k]="-W stream -s 1024"
	[rr]="-W rr -s 64"
	[setup]="-W setup -s 64"
	# 1 s of steady stream, the link down for 1 s, 1 s after the restore
	[recover]="-W recover -s 1024 -t 1 -D 1000 -R 200 -U 300 -L veth-c"
)
if [ $smoke = 1 ]; then
	rounds=1 secs=0.1 warmup=0.05 scale_n=50 scale_rounds=1 settle=0.1
	rec_rounds=0
	cases="msg64 bulk rr setup" nets=lo peers="tcp tcpf sctp ses"
	# (no recover: it needs the veth pair, which the smoke does not set up)
	skip="setup/sctp"	# waits on SCTP's 3 s retransmission timer here
	raw=$results/bench-smoke.txt
else
	rounds=${SES_BENCH_ROUNDS:-5} secs=${SES_BENCH_SECS:-1.5} warmup=0.3
	scale_n=${SES_BENCH_SCALE:-10000} scale_rounds=2 settle=2
	cases=${SES_BENCH_CASES:-"bulk msg64 msg1k rr setup recover"}
	nets=${SES_BENCH_NETS:-"lo veth"}
	peers=${SES_BENCH_PEERS:-"tcp tcpf sctp ses"}
	skip="recover/tcpf recover/sctp"	# TCP is the reference: enough
	rec_rounds=3
	raw=$results/raw.txt
fi
NS_S=sesb-s NS_C=sesb-c
port=7900 failed=0 runs=0 t0=$SECONDS

say() { echo "bench: $*"; }

# ---- set-up ------------------------------------------------------------

# The sysctls every netns of the run gets: ephemeral ports and TIME_WAIT
# reuse for the connection-rate runs, room for the idle-connection run.
tune() {	# tune [NETNS]
	local ns=()
	[ -z "${1:-}" ] || ns=(ip netns exec "$1")
	"${ns[@]}" sysctl -q -w net.ipv4.ip_local_port_range="10000 65000" \
		net.ipv4.tcp_tw_reuse=1 net.ipv4.tcp_max_tw_buckets=262144 \
		net.core.somaxconn=8192 >/dev/null
	if [ -d /proc/sys/net/ses ]; then
		"${ns[@]}" sysctl -q -w net.ses.max_sessions=$((4 * scale_n + 4096)) \
			net.ses.max_handshakes=4096 >/dev/null
	fi
}

setup_veth() {
	mkdir -p /run/netns
	ip netns del $NS_S 2>/dev/null
	ip netns del $NS_C 2>/dev/null
	ip netns add $NS_S && ip netns add $NS_C &&
	ip link add veth-s netns $NS_S type veth peer name veth-c netns $NS_C &&
	ip -n $NS_S addr add 10.78.0.1/24 dev veth-s &&
	ip -n $NS_C addr add 10.78.0.2/24 dev veth-c &&
	ip -n $NS_S link set lo up && ip -n $NS_C link set lo up &&
	ip -n $NS_S link set veth-s up && ip -n $NS_C link set veth-c up
}

# ---- one run -------------------------------------------------------------

run_one() {	# run_one ROUND NET CASE PEER ARGS...
	local r=$1 net=$2 case=$3 peer=$4 out rc limit
	shift 4
	local where=(-a 127.0.0.1)
	[ "$net" = veth ] && where=(-a 10.78.0.1 -S "$NS_S" -C "$NS_C")
	port=$((port + 1))
	[ $port -lt 8900 ] || port=7901
	limit=$(awk -v s="$secs" -v w="$warmup" 'BEGIN { printf "%d", 4 * (s + w) + 60 }')
	[ "$case" = scale ] && limit=$((limit + 600))
	runs=$((runs + 1))
	rc=0
	out=$(timeout -k 5 "$limit" "$bin" -P "$peer" -t "$secs" -w "$warmup" \
		-p $port "${where[@]}" "$@" 2>/tmp/bench.err) || rc=$?
	if [ $rc = 0 ] && grep -q '^RESULT ' <<< "$out"; then
		grep '^RESULT ' <<< "$out" |
			sed "s/^RESULT /RESULT round=$r net=$net case=$case /" >> "$raw"
		grep '^RESULT ' <<< "$out" | sed "s/^RESULT /  $case $net r$r: /"
		grep '^# ' <<< "$out" | sed "s/^# /# r$r $net /" | tee -a "$raw"
	else
		failed=$((failed + 1))
		echo "FAIL round=$r net=$net case=$case peer=$peer status=$rc" >> "$raw"
		say "FAIL $case $net $peer (status $rc): $(head -c 600 /tmp/bench.err)"
		grep '^RESULT ' <<< "$out" |
			sed "s/^RESULT /RESULT round=$r net=$net case=$case status=$rc /" >> "$raw"
	fi
	# a recovery run that died with the link down must not spoil the next
	[ "$case" != recover ] || ip -n "$NS_C" link set veth-c up
}

# The peers in the order of round R: rotated, so no peer always runs first.
rotate() {	# rotate R PEER...
	local r=$1 n
	shift
	n=$#
	local a=("$@") i
	for ((i = 0; i < n; i++)); do
		echo "${a[$(((i + r) % n))]}"
	done
}

# ---- main ----------------------------------------------------------------

if [ ! -x "$bin" ]; then
	say "$bin missing: run make -C bench on the host"
	exit 1
fi
: > "$raw"
{
	echo "# kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)"
	echo "# rounds $rounds, $secs s per run after $warmup s warm-up, scale $scale_n"
} >> "$raw"
modprobe sctp 2>/dev/null || say "modprobe sctp failed: the sctp runs will fail"
[ $smoke = 1 ] || tune	# the smoke runs in make test's netns: change nothing
case " $nets " in
*" veth "*)
	if setup_veth; then
		tune $NS_S
		tune $NS_C
	else
		say "netns/veth set-up failed: the veth runs will fail"
	fi
	;;
esac

for ((r = 1; r <= rounds; r++)); do
	say "round $r of $rounds ($((SECONDS - t0)) s)"
	for case in $cases; do
		for net in $nets; do
			# shellcheck disable=SC2086 # a word list
			for peer in $(rotate "$r" $peers); do
				case " $skip " in *" $case/$peer "*) continue ;; esac
				# the link it cuts is the veth pair's
				[ "$case" != recover ] ||
					{ [ "$net" = veth ] && [ "$r" -le $rec_rounds ]; } ||
					continue
				# shellcheck disable=SC2086 # word lists
				run_one "$r" "$net" "$case" "$peer" ${CASE_ARGS[$case]}
			done
		done
	done
done

# Memory of idle connections: loopback only (the path does not matter).
scale_peers=
for p in tcp sctp ses; do
	case " $peers " in *" $p "*) scale_peers+=" $p" ;; esac
done
for ((r = 1; r <= scale_rounds; r++)); do
	say "idle connections, round $r ($((SECONDS - t0)) s)"
	# shellcheck disable=SC2086 # a word list
	for peer in $(rotate "$r" $scale_peers); do
		run_one "$r" lo scale "$peer" -W scale -n "$scale_n"
		sleep $settle	# closed sessions finish their release
	done
done

if [ -r /proc/net/ses_stat ]; then
	echo "# ses_stat after the runs (non-zero counters):" >> "$raw"
	awk '$2 != 0 { print "#   " $1, $2 }' /proc/net/ses_stat >> "$raw"
fi
ip netns del $NS_S 2>/dev/null
ip netns del $NS_C 2>/dev/null
say "$runs runs, $failed failed, $((SECONDS - t0)) s; results in $raw"
[ $failed = 0 ]
