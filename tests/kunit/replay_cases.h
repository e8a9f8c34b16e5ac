/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cases of the recovery arithmetic (net/ses/replay.c) and the extension
 * codec (net/ses/ext.c), shared by the KUnit suite (replay_test.c) and the
 * userspace unit test (tests/unit/replay_unit.c). Each case is a function
 * of a checker: CHECK(cond) records a failure with the line.
 *
 * The including file defines CHECK(cond) and includes replay.h and ext.h.
 */
#ifndef _SES_REPLAY_CASES_H
#define _SES_REPLAY_CASES_H

#define U64_TOP	0xffffffffffffffffULL

/* Numbers compare modulo 2^64, across the wrap. */
static void case_seq_compare_wraps(void *ctx)
{
	CHECK(ses_seq_before(U64_TOP, 0));
	CHECK(ses_seq_before(U64_TOP - 5, 3));
	CHECK(!ses_seq_before(3, U64_TOP - 5));
	CHECK(!ses_seq_before(7, 7));
	CHECK(ses_seq_between(U64_TOP - 1, 0, 2));
	CHECK(ses_seq_between(U64_TOP - 1, U64_TOP - 1, 2));
	CHECK(!ses_seq_between(U64_TOP - 1, 3, 2));
	CHECK(!ses_seq_between(U64_TOP - 1, U64_TOP - 2, 2));
}

/* A 32-bit acknowledgment expands to the number at or after its ref. */
static void case_seq_expand(void *ctx)
{
	CHECK(ses_seq_expand(0x100000000ULL, 5) == 0x100000005ULL);
	CHECK(ses_seq_expand(0x1fffffff0ULL, 0x10) == 0x200000010ULL);
	CHECK(ses_seq_expand(U64_TOP - 1, 1) == 1);
	CHECK(ses_seq_expand(42, 42) == 42);
}

/* Cumulative acknowledgments, partial ones, across the 64-bit wrap. */
static void case_ack_partial_and_wrap(void *ctx)
{
	struct ses_seqs s;

	ses_seqs_init(&s, U64_TOP - 3, 100);
	s.snd_nxt += 10;			/* 10 items sent */
	CHECK(ses_seqs_unacked(&s) == 10);
	CHECK(ses_seqs_ack(&s, (u32)(U64_TOP - 1)) == 2);	/* partial */
	CHECK(s.snd_una == U64_TOP - 1);
	CHECK(ses_seqs_ack(&s, 3) == 5);	/* across the wrap */
	CHECK(s.snd_una == 3);
	CHECK(ses_seqs_unacked(&s) == 3);
	CHECK(ses_seqs_ack(&s, 3) == 0);	/* repeated */
	CHECK(ses_seqs_ack(&s, 1) == 0);	/* old */
	CHECK(s.snd_una == 3);
	CHECK(ses_seqs_ack(&s, 7) == -EBADMSG);	/* never sent */
	CHECK(ses_seqs_ack(&s, 6) == 3);
	CHECK(ses_seqs_unacked(&s) == 0);
}

/* Acknowledgments across the 32-bit wrap of the wire value. */
static void case_ack_wire_wrap(void *ctx)
{
	struct ses_seqs s;

	ses_seqs_init(&s, 0x7fffffff0ULL, 0);
	s.snd_nxt += 0x40;
	CHECK(ses_seqs_ack(&s, 0xfffffffcU) == 0xc);
	CHECK(ses_seqs_ack(&s, 0x00000010U) == 0x14);
	CHECK(s.snd_una == 0x800000010ULL);
	CHECK(ses_seqs_ack(&s, 0x00000031U) == -EBADMSG);
}

/* After a resume: duplicates dropped, then new items delivered. */
static void case_rx_duplicates_after_resume(void *ctx)
{
	struct ses_seqs s;
	int i;

	ses_seqs_init(&s, 0, U64_TOP - 1);
	for (i = 0; i < 4; i++)
		CHECK(ses_seqs_rx(&s) == SES_RX_NEW);
	CHECK(s.rcv_nxt == 2);
	/* the peer replays from the number announced before two arrived */
	CHECK(ses_seqs_resume_rx(&s, 0) == 0);
	CHECK(s.rcv_acked == 2);
	CHECK(ses_seqs_rx(&s) == SES_RX_DUP);
	CHECK(ses_seqs_rx(&s) == SES_RX_DUP);
	CHECK(ses_seqs_rx(&s) == SES_RX_NEW);
	CHECK(s.rcv_nxt == 3);
	/* a replay starting after what arrived: items would be missing */
	CHECK(ses_seqs_resume_rx(&s, 4) == -EBADMSG);
	CHECK(ses_seqs_resume_rx(&s, 3) == 0);
	CHECK(ses_seqs_rx(&s) == SES_RX_NEW);
}

/* A gap (never produced by a correct peer) is reported. */
static void case_rx_gap(void *ctx)
{
	struct ses_seqs s;

	ses_seqs_init(&s, 0, 10);
	s.rx_seq = 12;
	CHECK(ses_seqs_rx(&s) == SES_RX_GAP);
	CHECK(s.rcv_nxt == 10);
}

/* The peer's next expected number at resume must be in the window. */
static void case_resume_tx_window(void *ctx)
{
	struct ses_seqs s;

	ses_seqs_init(&s, 1000, 0);
	s.snd_nxt = 1010;
	s.snd_una = 1004;
	CHECK(ses_seqs_resume_tx(&s, 1003) == -EBADMSG);	/* acked, lost */
	CHECK(ses_seqs_resume_tx(&s, 1011) == -EBADMSG);	/* never sent */
	CHECK(ses_seqs_resume_tx(&s, 1004) == 0);		/* replay all */
	CHECK(ses_seqs_resume_tx(&s, 1007) == 3);
	CHECK(s.snd_una == 1007);
	CHECK(ses_seqs_resume_tx(&s, 1010) == 3);
	CHECK(ses_seqs_unacked(&s) == 0);
}

/* When to acknowledge. */
static void case_ack_due(void *ctx)
{
	struct ses_seqs s;

	ses_seqs_init(&s, 0, 5);
	CHECK(!ses_seqs_ack_due(&s, true));
	s.rcv_nxt = 6;
	CHECK(!ses_seqs_ack_due(&s, false));
	CHECK(ses_seqs_ack_due(&s, true));
	s.rcv_nxt = 5 + SES_ACK_EVERY;
	CHECK(ses_seqs_ack_due(&s, false));
}

/* The back-off grows, is capped, jitters in [d/2, d], is never 0. */
static void case_backoff(void *ctx)
{
	u32 n, r;

	CHECK(ses_backoff_ms(0, 100, 2000, 0) == 50);
	CHECK(ses_backoff_ms(0, 100, 2000, 50) == 100);
	CHECK(ses_backoff_ms(3, 100, 2000, 0) == 400);
	for (n = 0; n < 70; n++)
		for (r = 0; r < 5000; r += 997) {
			u32 d = ses_backoff_ms(n, 100, 2000, r * 2654435761u);

			CHECK(d >= 1 && d <= 2000);
			if (n >= 5)
				CHECK(d >= 1000);
		}
	CHECK(ses_backoff_ms(40, 0, 0, 7) == 1);
	CHECK(ses_backoff_ms(2, 1, 1, 9) >= 1);
}

/* Every kind round-trips; lengths are exact. */
static void case_ext_round_trip(void *ctx)
{
	struct ses_ext e, d;
	u8 buf[SES_EXT_GT_MAX];
	int k, len, i;

	for (k = SES_EXTK_OFFER; k < SES_EXTK_MAX; k++) {
		memset(&e, 0, sizeof(e));
		e.kind = k;
		e.flags = SES_EXTF_RECOVERY;
		e.sid = 0x0123456789abcdefULL;
		e.seq = k == SES_EXTK_ACK ? 0x89abcdefULL : 0xfedcba9876543210ULL;
		for (i = 0; i < SES_NONCE_LEN; i++)
			e.nonce[i] = i * 7 + k;
		for (i = 0; i < SES_MAC_LEN; i++)
			e.mac[i] = 255 - i;
		for (i = 0; i < SES_PUB_LEN; i++)
			e.pub[i] = i * 5 + k;
		len = ses_ext_encode(buf, sizeof(buf), &e);
		CHECK(len > 0 && len <= SES_EXT_VALUE_MAX);
		CHECK(ses_ext_decode(buf, len, &d) == 0);
		CHECK(d.kind == k && d.version == SES_EXT_WIRE_VERSION);
		if (k == SES_EXTK_OFFER || k == SES_EXTK_ACCEPT)
			CHECK(d.flags == e.flags);
		if (k == SES_EXTK_ACCEPT || k == SES_EXTK_RESUME)
			CHECK(d.sid == e.sid);
		if (k >= SES_EXTK_CHALLENGE)
			CHECK(d.seq == e.seq);
		if (k == SES_EXTK_CHALLENGE || k == SES_EXTK_PROOF)
			CHECK(!memcmp(d.mac, e.mac, SES_MAC_LEN));
		if (k == SES_EXTK_RESUME || k == SES_EXTK_CHALLENGE)
			CHECK(!memcmp(d.nonce, e.nonce, SES_NONCE_LEN));
		if (k == SES_EXTK_OFFER || k == SES_EXTK_ACCEPT)
			CHECK(!memcmp(d.pub, e.pub, SES_PUB_LEN));
		/* one octet short or long: malformed */
		CHECK(ses_ext_decode(buf, len - 1, &d) == -EBADMSG);
		CHECK(ses_ext_decode(buf, len + 1, &d) == -EBADMSG);
		CHECK(ses_ext_encode(buf, len - 1, &e) == -ENOSPC);
	}
	/* the CN announcement stays small: flags and a public value */
	e.kind = SES_EXTK_OFFER;
	CHECK(ses_ext_encode(buf, sizeof(buf), &e) == 34);
	/* an OFFER of version 1 (a nonce, no public value) is not read */
	buf[0] = 0x11;
	CHECK(ses_ext_decode(buf, 18, &d) == -EBADMSG);
}

/* Unknown kinds, version 0, empty values are malformed; a later OFFER
 * version with more octets is read.
 */
static void case_ext_malformed(void *ctx)
{
	u8 v[48] = { 0x20 };
	struct ses_ext d;

	CHECK(ses_ext_decode(v, 0, &d) == -EBADMSG);
	CHECK(ses_ext_decode(v, 1, &d) == -EBADMSG);	/* kind 0 */
	v[0] = 0x01;					/* version 0 */
	CHECK(ses_ext_decode(v, 34, &d) == -EBADMSG);
	v[0] = 0x2f;					/* kind 15 */
	CHECK(ses_ext_decode(v, 34, &d) == -EBADMSG);
	v[0] = 0x21;					/* OFFER v2, longer */
	v[1] = SES_EXTF_RECOVERY;
	CHECK(ses_ext_decode(v, 35, &d) == -EBADMSG);
	v[0] = 0x31;					/* OFFER v3, longer */
	v[2] = 0x5a;
	CHECK(ses_ext_decode(v, 46, &d) == 0);
	CHECK(d.version == 3 && d.flags == SES_EXTF_RECOVERY);
	CHECK(d.pub[0] == 0x5a);
	d.kind = 0;
	CHECK(ses_ext_encode(v, sizeof(v), &d) == -EINVAL);
}

/* The GT that carries an extension decodes as such with the codec. */
static void case_ext_gt_decodes(void *ctx)
{
	struct ses_ext e = { .kind = SES_EXTK_ACK, .seq = 77 }, d;
	struct ses_tsdu t;
	u8 buf[SES_EXT_GT_MAX];
	int len;

	len = ses_ext_gt_encode(buf, sizeof(buf), &e);
	CHECK(len == 11);
	CHECK(ses_tsdu_decode(buf, len, 0x0002, &t) == 0);
	CHECK(t.n == 1 && t.spdu[0].type == SES_SPDU_GT);
	CHECK(t.spdu[0].present & SES_P_EXTENSION);
	CHECK(ses_ext_decode(t.spdu[0].ext, t.spdu[0].ext_len, &d) == 0);
	CHECK(d.kind == SES_EXTK_ACK && d.seq == 77);
	CHECK(ses_ext_gt_encode(buf, len - 1, &e) == -ENOSPC);
}

struct replay_case {
	const char *name;
	void (*fn)(void *ctx);
};

static const struct replay_case replay_cases[] = {
	{ "seq_compare_wraps", case_seq_compare_wraps },
	{ "seq_expand", case_seq_expand },
	{ "ack_partial_and_wrap", case_ack_partial_and_wrap },
	{ "ack_wire_wrap", case_ack_wire_wrap },
	{ "rx_duplicates_after_resume", case_rx_duplicates_after_resume },
	{ "rx_gap", case_rx_gap },
	{ "resume_tx_window", case_resume_tx_window },
	{ "ack_due", case_ack_due },
	{ "backoff", case_backoff },
	{ "ext_round_trip", case_ext_round_trip },
	{ "ext_malformed", case_ext_malformed },
	{ "ext_gt_decodes", case_ext_gt_decodes },
};

#endif /* _SES_REPLAY_CASES_H */
