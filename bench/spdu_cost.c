// SPDX-License-Identifier: GPL-2.0
/*
 * spdu_cost: the pure codec's share of sending and receiving one SSDU,
 * counted in instructions by callgrind (bench/callgrind.sh runs it under
 * valgrind --tool=callgrind --collect-atstart=no).
 *
 * It does what net/ses/transport.c asks of net/ses/spdu.c for one
 * unsegmented SSDU, without the payload copies (those are the same for
 * every peer):
 *   encode: ses_dt_prefix() once, ses_dt_tpdu_hdr() for each TPDU;
 *   decode: ses_tpkt_len() and ses_cotp_decode() for each TPDU,
 *	     ses_tsdu_decode() once on the first SES_RX_PEEK octets of the
 *	     TSDU (the receive path finds where the user data starts so).
 * A TPDU carries at most TX_CHUNK octets of TSDU, as ses_tx_build_tsdu()
 * cuts it: min(TPDU size - 3, SKB_WITH_OVERHEAD(8192) - 7) on x86_64.
 *
 *	spdu_cost encode|decode SIZE
 * runs one case ITERATIONS times between two CALLGRIND_TOGGLE_COLLECT
 * requests. Without valgrind they do nothing and the program just checks
 * that what it encodes decodes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "spdu.h"

#define TX_CHUNK	7865	/* 8192 - 320 (skb_shared_info) - 7 */
#define RX_PEEK		64	/* SES_RX_PEEK in transport.c */
#define ITERATIONS	1000
#define FU_DUPLEX	0x0002

static u8 wire[65536 + 64 + 16 * SES_DT_TPDU_HLEN];
static struct ses_tsdu tsdu;

/* Lay out the headers of one SSDU of @len octets in wire[]; TPDUs. */
static __attribute_noinline__ int encode(size_t len)
{
	size_t left, n, pos = 0;
	int tpdus = 0;

	left = len + ses_dt_prefix(wire + SES_DT_TPDU_HLEN, false, 0);
	do {
		n = left < TX_CHUNK ? left : TX_CHUNK;
		ses_dt_tpdu_hdr(wire + pos, n, n == left);
		pos += SES_DT_TPDU_HLEN + n;
		left -= n;
		tpdus++;
	} while (left);
	return tpdus;
}

/* Walk wire[] as the receive path does; returns the user data length. */
static __attribute_noinline__ long decode(size_t total)
{
	const struct ses_spdu *dt;
	struct ses_cotp c;
	size_t pos = 0;
	long user = 0;
	int len;

	while (pos < total) {
		len = ses_tpkt_len(wire + pos, total - pos);
		if (len <= 0 ||
		    ses_cotp_decode(wire + pos + SES_TPKT_HLEN,
				    len - SES_TPKT_HLEN, &c))
			return -1;
		if (!pos) {
			if (ses_tsdu_decode(c.data, c.data_len < RX_PEEK ?
					    c.data_len : RX_PEEK, FU_DUPLEX,
					    &tsdu))
				return -1;
			dt = &tsdu.spdu[tsdu.n - 1];
			if (dt->type != SES_SPDU_DT)
				return -1;
			user -= dt->user_data - c.data;
		}
		user += c.data_len;
		pos += len;
	}
	return user;
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: spdu_cost encode|decode SIZE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t len, total;
	bool enc;
	int i, tpdus;

	if (argc != 3 || (strcmp(argv[1], "encode") &&
			  strcmp(argv[1], "decode")))
		bad_usage();
	enc = !strcmp(argv[1], "encode");
	len = strtoul(argv[2], NULL, 0);
	if (!len || len > 65536)
		bad_usage();
	tpdus = encode(len);
	total = len + 4 + (size_t)tpdus * SES_DT_TPDU_HLEN;
	if (decode(total) != (long)len) {
		fprintf(stderr, "spdu_cost: %zu octets do not decode\n", len);
		return 1;
	}
	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < ITERATIONS; i++) {
		if (enc)
			encode(len);
		else
			decode(total);
	}
	CALLGRIND_TOGGLE_COLLECT;
	printf("%s %zu octets: %d TPDU(s), %zu octets on the wire, %d iterations\n",
	       argv[1], len, tpdus, total, ITERATIONS);
	return 0;
}
