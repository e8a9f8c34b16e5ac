#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Decodes the capture run.sh made inside the VM (tcpdump on lo, port
# 10102, during ses_release's data_and_release_for_the_wire_capture and
# ses_tokens's tokens_for_the_wire_capture) with
# tshark on the host and prints TAP: the session's TPDUs and SPDUs must
# decode as what they are, with nothing malformed and no expert error.
#
#	tshark-check.sh PCAP [PORT]
#
# The port is dissected as TPKT (RFC 1006), COTP hands its DT user data
# to the SES dissector (a heuristic of COTP).  The presentation
# dissector is disabled: SES carries the application's bytes, which are
# no presentation PPDUs, and Wireshark's PRES flags them as malformed.

set -u

PCAP=${1:-}
PORT=${2:-10102}
PLAN=11
n=0
fails=0

ok() {		# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

echo "TAP version 13"
echo "1..$PLAN"

if ! command -v tshark >/dev/null; then
	for _ in $(seq $PLAN); do
		ok 1 "tshark-check # tshark not installed"
	done
	exit 1
fi
if [ -z "$PCAP" ] || [ ! -s "$PCAP" ]; then
	echo "# no capture at '${PCAP}' (did run.sh run tcpdump in the VM?)"
	for _ in $(seq $PLAN); do
		ok 1 "tshark-check # no capture"
	done
	exit 1
fi

TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

decode() {
	tshark -r "$PCAP" -d "tcp.port==$PORT,tpkt" --disable-protocol pres \
		"$@" 2>>"$TMP/tshark.err"
}

decode -T fields -E separator='|' -E occurrence=a \
	-e frame.number -e tcp.srcport -e tcp.dstport -e cotp.type \
	-e ses.type -e _ws.malformed -e _ws.expert.severity \
	-e _ws.expert.message >"$TMP/fields"
rc=$?
decode -V >"$TMP/verbose"
sed 's/^/# tshark: /' "$TMP/tshark.err" | grep -v "Running as user" |
	grep -v 'matched 2 dissectors'
echo "# $(grep -c . "$TMP/fields") frames in $PCAP"

# How many SPDUs of type $1 (a GT + DT pair for "1,1") the frames from
# one end (cli, srv or - for both) carry.
count_spdus() {	# SES-TYPE [cli|srv|-]
	awk -F'|' -v t="$1" -v from="${2:--}" -v port="$PORT" '
		from != "-" && (from == "srv") != ($2 == port) { next }
		{
			k = split($5, a, ",")
			for (i = 1; i <= k; i++) {
				if (t == "1,1") {
					if (a[i] == 1 && a[i + 1] == 1) { c++; i++ }
				} else if (a[i] == t) {
					c++
				}
			}
		}
		END { print c + 0 }' "$TMP/fields"
}

spdu_lines() {	# TEXT of "SPDU Type: ..." in the verbose decode
	grep -c "SPDU Type: $1" "$TMP/verbose"
}

ses_frames=$(awk -F'|' '$5 != ""' "$TMP/fields" | wc -l)
[ $rc = 0 ] && [ "$ses_frames" -gt 0 ]
ok $? "capture decodes with SES frames on port $PORT ($ses_frames)"

cr=$(awk -F'|' '$4 == "0x0e" && $3 == p' p="$PORT" "$TMP/fields" | wc -l)
cc=$(awk -F'|' '$4 == "0x0d" && $2 == p' p="$PORT" "$TMP/fields" | wc -l)
[ "$cr" -ge 1 ] && [ "$cc" -ge 1 ]
ok $? "COTP CR (to the listener) and CC (from it) decode ($cr, $cc)"

c=$(count_spdus 13 cli)
[ "$c" -ge 1 ] && [ "$(spdu_lines 'CONNECT (CN) SPDU')" -ge 1 ]
ok $? "CN from the initiator decodes as SES CONNECT ($c)"

c=$(count_spdus 14 srv)
[ "$c" -ge 1 ] && [ "$(spdu_lines 'ACCEPT (AC) SPDU')" -ge 1 ]
ok $? "AC from the listener decodes as SES ACCEPT ($c)"

c=$(count_spdus 1,1)
[ "$c" -ge 2 ] && [ "$(spdu_lines 'Give tokens PDU')" -ge 2 ] &&
	[ "$(spdu_lines 'DATA TRANSFER (DT) SPDU')" -ge 2 ]
ok $? "data TSDUs both ways decode as SES GT + DT ($c)"

c=$(count_spdus 9)
[ "$c" -ge 1 ] && [ "$(spdu_lines 'FINISH (FN) SPDU')" -ge 1 ]
ok $? "FN decodes as SES FINISH ($c)"

c=$(count_spdus 10)
[ "$c" -ge 1 ] && [ "$(spdu_lines 'DISCONNECT (DN) SPDU')" -ge 1 ]
ok $? "DN decodes as SES DISCONNECT ($c)"

c=$(count_spdus 2)
[ "$c" -ge 1 ] &&
	[ "$(grep -c -E 'Please tokens PDU|PLEASE TOKENS \(PT\) SPDU' "$TMP/verbose")" -ge 1 ]
ok $? "PT decodes as SES PLEASE TOKENS ($c)"

ti=$(grep -c "Token Item" "$TMP/verbose")
[ "$ti" -ge 2 ]
ok $? "the Token Items of GT and PT decode ($ti)"

bad=$(awk -F'|' '$6 != "" { print $1 }' "$TMP/fields" | xargs)
grep -q "Malformed Packet" "$TMP/verbose" && bad="$bad (Malformed Packet)"
[ -z "$bad" ]
ok $? "no malformed frame${bad:+ (frames: $bad)}"

errs=$(awk -F'|' '{
		ns = split($7, sev, ",")
		for (i = 1; i <= ns; i++)
			if (sev[i] + 0 >= 8388608) { print $1 ": " $8; break }
	}' "$TMP/fields")
[ -z "$errs" ]
ok $? "no expert error"
[ -z "$errs" ] || while IFS= read -r l; do
	echo "# expert error in frame $l"
done <<<"$errs"

[ $fails -eq 0 ]
