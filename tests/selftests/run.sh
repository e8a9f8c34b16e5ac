#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every SES selftest program in every configuration and prints one
# TAP stream on stdout: each test case of each run is exactly one counted
# "ok"/"not ok" line (renumbered), everything else is a "#" comment, and
# the plan comes last.  A program that hangs is killed by timeout(1) and
# each of its tests that did not report becomes a "not ok" line.
#
# Run as root inside the test VM, with ses.ko loaded.  Environment:
#   SES_RESULTS       writable directory for ses.pcap (the capture that
#                     tshark-check.sh decodes on the host); default /tmp
#   SES_PROG_TIMEOUT  seconds one program may run (default 240)
#   SES_BUDGET        seconds for the whole suite; programs not started
#                     by then are reported "not ok" (default 900)
#   SES_CONFIGS       configurations to run (default: all four below)
#   SES_PROGS         programs to run (default: all)
#   SES_LO_ONLY       programs run in the lo-* configurations only
#                     (default: ses_adversary ses_lifecycle, which test the
#                     module's own paths, not the network between the ends)
#   SES_CAPTURE       0 to skip the tcpdump capture run (default 1)
#
# Configurations:
#   lo-v4    127.0.0.1 in this netns
#   lo-v6    ::1 in this netns
#   veth-v4  server in netns ses-a (10.77.0.1), client in ses-b (10.77.0.2)
#   veth-v6  the same with fd77::1 / fd77::2
# The programs are started in the server netns with "ip netns exec" and
# create their client sockets in the client netns (-C).

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
PROGS=${SES_PROGS:-"ses_connect ses_data ses_release ses_timeout ses_badinput ses_wire ses_adversary ses_lifecycle ses_tokens ses_sync ses_recovery"}
LO_ONLY=${SES_LO_ONLY:-"ses_adversary ses_lifecycle"}
CONFIGS=${SES_CONFIGS:-"lo-v4 lo-v6 veth-v4 veth-v6"}
PROG_TIMEOUT=${SES_PROG_TIMEOUT:-240}
BUDGET=${SES_BUDGET:-900}
RESULTS=${SES_RESULTS:-/tmp}
CAPTURE_PORT=10102
# the test of each program that makes traffic for the capture
capture_test() {	# PROG
	case $1 in
	ses_release) echo data_and_release_for_the_wire_capture ;;
	ses_tokens)  echo tokens_for_the_wire_capture ;;
	ses_sync)    echo sync_for_the_wire_capture ;;
	esac
}
NS_A=ses-a
NS_B=ses-b

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ses-selftests.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

n=0		# last TAP number printed
fails=0
skips=0
start=$SECONDS

comment() { sed 's/^/# /'; }

tap() {		# tap ok|not-ok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2"
		case "$2" in *"# SKIP"*) skips=$((skips + 1)) ;; esac
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

nsexec() {	# nsexec NETNS|"" CMD...
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

# ---- setup -------------------------------------------------------------

setup_netns() {
	ip link set lo up || return 1
	# ip netns needs a writable /run; the VM's root is read-only
	if ! mkdir -p /run/netns 2>/dev/null; then
		mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/netns ||
			return 1
	fi
	ip netns del $NS_A 2>/dev/null
	ip netns del $NS_B 2>/dev/null
	ip netns add $NS_A && ip netns add $NS_B &&
	ip link add veth-a netns $NS_A type veth peer name veth-b netns $NS_B &&
	ip -n $NS_A addr add 10.77.0.1/24 dev veth-a &&
	ip -n $NS_B addr add 10.77.0.2/24 dev veth-b &&
	ip -n $NS_A -6 addr add fd77::1/64 dev veth-a nodad &&
	ip -n $NS_B -6 addr add fd77::2/64 dev veth-b nodad &&
	ip -n $NS_A link set lo up && ip -n $NS_B link set lo up &&
	ip -n $NS_A link set veth-a up && ip -n $NS_B link set veth-b up
}

cleanup_netns() {
	ip netns del $NS_A 2>/dev/null
	ip netns del $NS_B 2>/dev/null
}

# Sysctls of each netns, restored after every program (a test killed by
# a timeout cannot restore what it changed).
snapshot_sysctls() {	# NETNS|"" FILE
	# shellcheck disable=SC2016 # expanded by the inner shell
	nsexec "$1" sh -c 'for f in /proc/sys/net/ses/*; do
		[ -f "$f" ] && printf "%s %s\n" "$f" "$(cat "$f")"; done' \
		>"$2" 2>/dev/null
}

restore_sysctls() {	# NETNS|"" FILE
	[ -s "$2" ] || return 0
	# shellcheck disable=SC2016 # expanded by the inner shell
	nsexec "$1" sh -c 'while read -r f v; do
		[ "$(cat "$f")" = "$v" ] || echo "$v" >"$f"; done' <"$2"
}

# ---- one program in one configuration -----------------------------------

lo_only() {		# PROG: runs in the lo-* configurations only?
	case " $LO_ONLY " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

config_args() {		# CONFIG PROG -> "NETNS|ARGS..."
	case $1 in
	lo-v4)   echo "|-4 -a 127.0.0.1" ;;
	lo-v6)   echo "|-6 -a ::1" ;;
	veth-v4) echo "$NS_A|-4 -a 10.77.0.1 -C $NS_B" ;;
	veth-v6) echo "$NS_A|-6 -a fd77::1 -C $NS_B" ;;
	capture) echo "|-4 -a 127.0.0.1 -p $CAPTURE_PORT -t $(capture_test "$2")" ;;
	esac
}

# fixture.test of every test of a program (the harness's -l table).
list_tests() {		# PROG [TEST]
	"$DIR/$1" -l 2>&1 >/dev/null | awk -v only="${2:-}" '
		/^# FIXTURE/ || /^---/ || /^#/ { next }
		{
			if (NF == 0) next
			if ($0 !~ /^ /) { fix = $1; if (NF == 1) next; name = $NF }
			else name = $NF
			if (only == "" || only == name) print fix "." name
		}'
}

run_prog() {		# PROG CONFIG
	local prog=$1 cfg=$2 spec ns args out rc pid planned=-1 got=0
	local label="$prog/$cfg" line t
	local -A seen=()

	spec=$(config_args "$cfg" "$prog")
	ns=${spec%%|*}
	args=${spec#*|}
	out="$TMP/$prog.$cfg.out"

	if [ ! -x "$DIR/$prog" ]; then
		tap not-ok "$label: program not built (run make in $DIR)"
		return
	fi
	local expected
	if [ "$cfg" = capture ]; then
		expected=$(list_tests "$prog" "$(capture_test "$prog")")
	else
		expected=$(list_tests "$prog")
	fi

	if [ $((SECONDS - start)) -ge "$BUDGET" ]; then
		for t in $expected; do
			tap not-ok "$label: $t # suite time budget (${BUDGET}s) exhausted"
		done
		return
	fi

	echo "# ---- $label: $ns${ns:+: }$prog $args"
	# In a session of its own: the harness puts each test in its own
	# process group, which timeout(1) does not reach; the session id
	# (the pid below) finds what is left of a killed run.
	local netns=()
	[ -z "$ns" ] || netns=(ip netns exec "$ns")
	# shellcheck disable=SC2086
	KSFT_TAP_LEVEL=1 "${netns[@]}" setsid timeout -k 10 "$PROG_TIMEOUT" \
		"$DIR/$prog" $args >"$out" 2>&1 </dev/null &
	pid=$!
	wait $pid
	rc=$?
	pkill -KILL -s $pid 2>/dev/null

	while IFS= read -r line; do
		case $line in
		"TAP version"*) ;;
		1..*) planned=${line#1..} ;;
		"ok "* | "not ok "*)
			local status=ok rest
			[ "${line%% *}" = not ] && status=not-ok
			rest=${line#*ok }	# "N name [# directive]"
			rest=${rest#* }
			t=${rest%% *}
			seen[$t]=1
			got=$((got + 1))
			tap $status "$label: $rest"
			;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$out"

	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "# $label: killed after ${PROG_TIMEOUT}s"
	fi
	for t in $expected; do
		[ -n "${seen[$t]:-}" ] && continue
		tap not-ok "$label: $t # did not report (exit status $rc)"
	done
	if [ -z "$expected" ] && [ $got -eq 0 ]; then
		tap not-ok "$label: no test ran (exit status $rc)"
	elif [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ] &&
	     ! grep -q '^not ok' "$out"; then
		tap not-ok "$label: exit status $rc with no failed test"
	fi
	if [ "$planned" -ge 0 ] && [ "$planned" -ne $got ]; then
		echo "# $label: planned $planned, reported $got"
	fi
}

# ---- the capture for tshark-check.sh ------------------------------------

run_capture() {
	local pcap="$RESULTS/ses.pcap" pid=""

	rm -f "$pcap"
	if command -v tcpdump >/dev/null; then
		: >"$TMP/tcpdump.err"
		# big enough frames for lo's 64 KiB MTU and a ring that a slow
		# (emulated) reader does not overflow
		tcpdump -i lo -Z root -s 66000 -B 32768 --immediate-mode -U -w "$pcap" \
			"tcp port $CAPTURE_PORT" 2>>"$TMP/tcpdump.err" &
		pid=$!
		for _ in $(seq 50); do
			grep -q "listening on" "$TMP/tcpdump.err" && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
	else
		echo "# tcpdump not found: no capture for tshark-check.sh"
	fi
	run_prog ses_release capture
	case " $PROGS " in *" ses_tokens "*) run_prog ses_tokens capture ;; esac
	case " $PROGS " in *" ses_sync "*) run_prog ses_sync capture ;; esac
	if [ -n "$pid" ]; then
		sleep 0.5
		kill -INT $pid 2>/dev/null
		wait $pid 2>/dev/null
		comment <"$TMP/tcpdump.err"
		echo "# capture: $pcap ($(stat -c %s "$pcap" 2>/dev/null || echo 0) octets)"
	fi
}

# ---- main ----------------------------------------------------------------

echo "TAP version 13"
[ "$(id -u)" = 0 ] || echo "# not root: netns, sysctl and ss -K tests will fail"
[ -r /proc/net/ses_stat ] || echo "# /proc/net/ses_stat missing: is ses.ko loaded?"

netns_ok=0
case " $CONFIGS " in
*" veth-"*)
	if setup_netns 2>"$TMP/netns.err"; then
		netns_ok=1
	else
		echo "# netns/veth setup failed: the veth configurations fail"
		comment <"$TMP/netns.err"
	fi
	;;
esac

snapshot_sysctls "" "$TMP/sysctl.init"
if [ $netns_ok = 1 ]; then
	snapshot_sysctls $NS_A "$TMP/sysctl.a"
	snapshot_sysctls $NS_B "$TMP/sysctl.b"
fi

[ "${SES_CAPTURE:-1}" = 0 ] || run_capture

for cfg in $CONFIGS; do
	for prog in $PROGS; do
		if [ "${cfg#lo-}" = "$cfg" ] && lo_only "$prog"; then
			continue
		fi
		if [ "${cfg#veth}" != "$cfg" ] && [ $netns_ok = 0 ]; then
			for t in $(list_tests "$prog"); do
				tap not-ok "$prog/$cfg: $t # no netns/veth"
			done
			continue
		fi
		run_prog "$prog" "$cfg"
		restore_sysctls "" "$TMP/sysctl.init"
		if [ $netns_ok = 1 ]; then
			restore_sysctls $NS_A "$TMP/sysctl.a"
			restore_sysctls $NS_B "$TMP/sysctl.b"
		fi
	done
done

[ $netns_ok = 0 ] || cleanup_netns
echo "1..$n"
echo "# SES selftests: $((n - fails - skips)) passed, $fails failed, $skips skipped in $((SECONDS - start))s"
[ $fails -eq 0 ]
