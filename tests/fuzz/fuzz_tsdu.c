// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the SES wire decoders (net/ses/spdu.c).
 *
 * The input is tried as a TSDU (functional units 0 and 0x7fff), as a TPKT
 * header and as a COTP TPDU, with and without a TPKT header. Besides
 * ASan/UBSan findings it aborts when a decoder
 *  - answers anything but 0 or -EBADMSG, or points outside the input;
 *  - accepts a category 1 SPDU that ses_spdu_encode() encodes into
 *    something the decoder refuses, decodes differently, or that does not
 *    re-encode to the same octets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spdu.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* Parameters ses_spdu_encode() writes for each type it encodes. */
static u32 encoded_params(enum ses_spdu_type type)
{
	const u32 conn = SES_P_EXTENSION | SES_P_PROTOCOL_OPTIONS |
			 SES_P_TSDU_MAX | SES_P_VERSION | SES_P_ISN |
			 SES_P_TOKEN_SETTING | SES_P_SUR |
			 SES_P_CALLING_SSEL | SES_P_CALLED_SSEL |
			 SES_P_USER_DATA;

	switch (type) {
	case SES_SPDU_CN:
		return conn | SES_P_DATA_OVERFLOW;
	case SES_SPDU_AC:
		return conn | SES_P_TOKEN_ITEM;
	case SES_SPDU_RF:
		return SES_P_TRANSPORT_DISC | SES_P_SUR | SES_P_VERSION |
		       SES_P_REASON | SES_P_USER_DATA;
	case SES_SPDU_FN:
	case SES_SPDU_AB:
		return SES_P_TRANSPORT_DISC | SES_P_USER_DATA;
	case SES_SPDU_DN:
	case SES_SPDU_NF:
		return SES_P_USER_DATA;
	default:
		return 0;
	}
}

static bool encodable(enum ses_spdu_type type)
{
	return encoded_params(type) || type == SES_SPDU_AA;
}

static void check_spdu(const struct ses_spdu *s, const u8 *buf, size_t len)
{
	CHECK(s->type > SES_SPDU_INVALID && s->type < SES_SPDU_NTYPES);
	CHECK(strcmp(ses_spdu_name(s->type), "??"));
	CHECK(s->calling_ssel_len <= SES_SSEL_LEN_MAX);
	CHECK(s->called_ssel_len <= SES_SSEL_LEN_MAX);
	CHECK(s->ext_len <= SES_EXT_LEN_MAX);
	CHECK(s->isn <= SES_SERIAL_MAX && s->serial <= SES_SERIAL_MAX);
	if (s->user_data) {
		CHECK(s->user_data >= buf && s->user_data <= buf + len);
		CHECK(s->user_data_len <= (size_t)(buf + len - s->user_data));
	} else {
		CHECK(!s->user_data_len);
	}
}

/* Same values for the parameters in @mask. */
static void check_same(const struct ses_spdu *a, const struct ses_spdu *b,
		       u32 mask)
{
	u32 p = a->present & mask;

	CHECK(a->type == b->type);
	CHECK(b->present == p);
	if (p & SES_P_PROTOCOL_OPTIONS)
		CHECK(a->protocol_options == b->protocol_options);
	if (p & SES_P_TSDU_MAX)
		CHECK(a->tsdu_max_itor == b->tsdu_max_itor &&
		      a->tsdu_max_rtoi == b->tsdu_max_rtoi);
	if (p & SES_P_VERSION)
		CHECK(a->version == b->version);
	if (p & SES_P_ISN)
		CHECK(a->isn == b->isn);
	if (p & SES_P_TOKEN_SETTING)
		CHECK(a->token_setting == b->token_setting);
	if (p & SES_P_TOKEN_ITEM)
		CHECK(a->token_item == b->token_item);
	if (p & SES_P_SUR)
		CHECK(a->sur == b->sur);
	if (p & SES_P_TRANSPORT_DISC)
		CHECK(a->transport_disc == b->transport_disc);
	if (p & SES_P_REASON)
		CHECK(a->reason == b->reason);
	if (p & SES_P_DATA_OVERFLOW)
		CHECK(a->data_overflow == b->data_overflow);
	if (p & SES_P_CALLING_SSEL)
		CHECK(a->calling_ssel_len == b->calling_ssel_len &&
		      !memcmp(a->calling_ssel, b->calling_ssel,
			      a->calling_ssel_len));
	if (p & SES_P_CALLED_SSEL)
		CHECK(a->called_ssel_len == b->called_ssel_len &&
		      !memcmp(a->called_ssel, b->called_ssel,
			      a->called_ssel_len));
	if (p & SES_P_EXTENSION)
		CHECK(a->ext_len == b->ext_len &&
		      !memcmp(a->ext, b->ext, a->ext_len));
	if (p & SES_P_USER_DATA)
		CHECK(a->user_data_len == b->user_data_len &&
		      (!a->user_data_len ||
		       !memcmp(a->user_data, b->user_data, a->user_data_len)));
}

static u8 enc[SES_TPKT_MAX + 16];
static u8 enc2[SES_TPKT_MAX + 16];

static void reencode(const struct ses_spdu *s, size_t in_len)
{
	struct ses_tsdu t;
	int n, m;

	n = ses_spdu_encode(enc, sizeof(enc), s);
	if (n == -EINVAL) {
		/*
		 * Only a parameter field that grows past 65535 octets (PIs
		 * moved into PGI 5) may not re-encode.
		 */
		CHECK(in_len > 65000);
		return;
	}
	CHECK(n >= 2 && (size_t)n <= sizeof(enc));
	CHECK(ses_spdu_encode(enc, n - 1, s) == -ENOSPC);
	CHECK(ses_tsdu_decode(enc, n, 0, &t) == 0);
	CHECK(t.n == 1);
	check_same(s, &t.spdu[0], encoded_params(s->type));
	m = ses_spdu_encode(enc2, sizeof(enc2), &t.spdu[0]);
	CHECK(m == n && !memcmp(enc, enc2, n));
}

static void fuzz_tsdu(const u8 *data, size_t size, u16 fu)
{
	struct ses_tsdu t;
	unsigned int i;
	int r;

	r = ses_tsdu_decode(data, size, fu, &t);
	CHECK(r == 0 || r == -EBADMSG);
	if (r) {
		CHECK(t.n == 0);
		return;
	}
	CHECK(t.n == 1 || t.n == 2);
	for (i = 0; i < t.n; i++)
		check_spdu(&t.spdu[i], data, size);
	if (t.n == 2) {
		CHECK(t.spdu[0].type == SES_SPDU_GT ||
		      t.spdu[0].type == SES_SPDU_PT);
		return;
	}
	if (encodable(t.spdu[0].type))
		reencode(&t.spdu[0], size);
}

static void fuzz_cotp(const u8 *data, size_t size)
{
	struct ses_cotp c;
	int r;

	r = ses_cotp_decode(data, size, &c);
	CHECK(r == 0 || r == -EBADMSG);
	if (r)
		return;
	CHECK(c.data >= data && c.data + c.data_len == data + size);
	CHECK(!c.tpdu_size_code || (c.tpdu_size_code >= SES_TPDU_CODE_MIN &&
				    c.tpdu_size_code <= SES_TPDU_CODE_MAX));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int l;

	fuzz_tsdu(data, size, 0);
	fuzz_tsdu(data, size, 0x7fff);

	l = ses_tpkt_len(data, size);
	CHECK(l == 0 || l == -EBADMSG || (l >= 7 && l <= SES_TPKT_MAX));
	CHECK(l != 0 || size < SES_TPKT_HLEN);
	fuzz_cotp(data, size);
	if (l > 0) {
		size_t n = (size_t)l < size ? (size_t)l : size;

		fuzz_cotp(data + SES_TPKT_HLEN, n - SES_TPKT_HLEN);
	}
	return 0;
}
