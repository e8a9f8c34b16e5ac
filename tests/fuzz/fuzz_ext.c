// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the SES extension codec (net/ses/ext.c) and the
 * recovery arithmetic (net/ses/replay.c) on arbitrary input. A decoded
 * value must encode back to the same octets (for version 1); sequence
 * state driven by arbitrary acknowledgments, resumes and arrivals keeps
 * its invariants: snd_una never passes snd_nxt, rcv_nxt never passes
 * rx_seq.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "replay.h"

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static u64 rd64(const uint8_t *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void fuzz_codec(const uint8_t *data, size_t size)
{
	u8 buf[SES_EXT_GT_MAX];
	struct ses_ext e;
	int len;

	if (ses_ext_decode(data, size, &e))
		return;
	CHECK(e.kind > 0 && e.kind < SES_EXTK_MAX && e.version > 0);
	len = ses_ext_encode(buf, sizeof(buf), &e);
	CHECK(len > 0 && (size_t)len <= size);
	if (e.version == SES_EXT_WIRE_VERSION)
		CHECK((size_t)len == size && !memcmp(buf, data, size));
	CHECK(ses_ext_gt_encode(buf, sizeof(buf), &e) == len + 6);
}

/* Each 9 octets: an operation and a 64-bit operand. */
static void fuzz_seqs(const uint8_t *data, size_t size)
{
	struct ses_seqs s;

	if (size < 16)
		return;
	ses_seqs_init(&s, rd64(data), rd64(data + 8));
	for (data += 16, size -= 16; size >= 9; data += 9, size -= 9) {
		u64 v = rd64(data + 1), una = s.snd_una;

		switch (data[0] % 5) {
		case 0:
			s.snd_nxt += v % 64;
			break;
		case 1:
			if (ses_seqs_ack(&s, (u32)v) < 0)
				CHECK(s.snd_una == una);
			break;
		case 2:
			if (ses_seqs_resume_tx(&s, v) < 0)
				CHECK(s.snd_una == una);
			break;
		case 3:
			if (ses_seqs_rx(&s) == SES_RX_GAP)
				CHECK(s.rx_seq != s.rcv_nxt);
			break;
		case 4:
			ses_seqs_resume_rx(&s, s.rcv_nxt - v % 8);
			break;
		}
		CHECK(ses_seq_between(s.snd_una, s.snd_nxt, s.snd_una + (1ULL << 62)));
		CHECK(!ses_seq_before(s.snd_nxt, s.snd_una));
		CHECK(!ses_seq_before(s.rx_seq, s.rcv_nxt) || s.rx_seq != s.rcv_nxt);
		CHECK(ses_backoff_ms((u32)v, 100, 2000, (u32)(v >> 32)) <= 2000);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_codec(data, size);
	fuzz_seqs(data, size);
	return 0;
}
