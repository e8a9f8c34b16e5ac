/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test cases for the SES wire codec (net/ses/spdu.c), shared by the KUnit
 * suite (spdu_test.c, in the kernel) and the userspace unit test
 * (tests/unit/spdu_unit.c, under ASan/UBSan). The includer first includes
 * spdu.c and defines struct tv_ctx, tv_fail() and tv_failv().
 *
 * Every decoder input is copied into a heap buffer of exactly its length,
 * so a read past the end is caught by ASan in userspace and by KASAN in
 * the debug kernel.
 *
 * Case <name> is implemented as tc_<name>() and listed in tv_cases[] with
 * what it checks, in words.
 */
#ifndef _SES_SPDU_CASES_H
#define _SES_SPDU_CASES_H

#ifdef __KERNEL__
#include <linux/slab.h>
#define tv_alloc(n)	kmalloc((n) ? (n) : 1, GFP_KERNEL)
#define tv_release(p)	kfree(p)
#else
#include <stdlib.h>
#define tv_alloc(n)	malloc((n) ? (n) : 1)
#define tv_release(p)	free(p)
#endif

#define TV_BUF_MAX	4096

/* Provided by the includer. */
static void tv_fail(struct tv_ctx *t, const char *file, int line,
		    const char *what);
static void tv_failv(struct tv_ctx *t, const char *file, int line,
		     const char *what,
		     long long a, long long b);

#define TV_TRUE(t, cond) do {					\
	if (!(cond))						\
		tv_fail(t, __FILE__, __LINE__, #cond);			\
} while (0)

#define TV_EQ(t, a, b) do {					\
	long long __a = (long long)(a), __b = (long long)(b);	\
	if (__a != __b)						\
		tv_failv(t, __FILE__, __LINE__, #a " == " #b, __a, __b);	\
} while (0)

static u8 tv_hex_buf[TV_BUF_MAX];
static u8 tv_enc_buf[TV_BUF_MAX];
static u8 tv_pat_buf[TV_BUF_MAX];
static struct ses_tsdu tv_tsdu;

static int tv_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse "0d 05 aa*3" (hex octets, "xx*N" repeats xx N times, N decimal)
 * into tv_hex_buf. Returns the length, or -1 for a malformed string.
 */
static int tv_hex(const char *s)
{
	int n = 0;

	while (*s) {
		int hi, lo, rep = 1;

		if (*s == ' ') {
			s++;
			continue;
		}
		hi = tv_nibble(s[0]);
		lo = hi < 0 ? -1 : tv_nibble(s[1]);
		if (lo < 0)
			return -1;
		s += 2;
		if (*s == '*') {
			rep = 0;
			for (s++; *s >= '0' && *s <= '9'; s++)
				rep = rep * 10 + (*s - '0');
		}
		if (rep > TV_BUF_MAX - n)
			return -1;
		while (rep--)
			tv_hex_buf[n++] = (u8)(hi << 4 | lo);
	}
	return n;
}

/* A recognisable pattern of @n octets (user data for the encoders). */
static const u8 *tv_pattern(size_t n)
{
	size_t i;

	for (i = 0; i < n && i < TV_BUF_MAX; i++)
		tv_pat_buf[i] = (u8)(i * 7 + 1);
	return tv_pat_buf;
}

/* Copy @len octets to an exact-size heap buffer owned by @t. */
static u8 *tv_input(struct tv_ctx *t, const u8 *p, size_t len)
{
	tv_release(t->in);
	t->in = tv_alloc(len);
	if (t->in && len)
		memcpy(t->in, p, len);
	return t->in;
}

static int tv_decode_bytes(struct tv_ctx *t, const u8 *p, size_t len, u16 fu)
{
	u8 *in = tv_input(t, p, len);

	if (!in)
		return -ENOMEM;
	memset(&tv_tsdu, 0xa5, sizeof(tv_tsdu));
	return ses_tsdu_decode(in, len, fu, &tv_tsdu);
}

/* Decode a hex TSDU with functional units @fu into tv_tsdu. */
static int tv_decode_hex(struct tv_ctx *t, const char *hex, u16 fu)
{
	int n = tv_hex(hex);

	if (n < 0) {
		tv_fail(t, __FILE__, __LINE__, "bad hex in test");
		return -EINVAL;
	}
	return tv_decode_bytes(t, tv_hex_buf, n, fu);
}

static int tv_cotp_hex(struct tv_ctx *t, const char *hex, struct ses_cotp *c)
{
	int n = tv_hex(hex);
	u8 *in;

	if (n < 0)
		return -EINVAL;
	in = tv_input(t, tv_hex_buf, n);
	if (!in)
		return -ENOMEM;
	return ses_cotp_decode(in, n, c);
}

static int tv_tpkt_hex(struct tv_ctx *t, const char *hex)
{
	int n = tv_hex(hex);
	u8 *in;

	if (n < 0)
		return -EINVAL;
	in = tv_input(t, tv_hex_buf, n);
	if (!in)
		return -ENOMEM;
	return ses_tpkt_len(in, n);
}

static bool tv_bytes_eq(const u8 *a, const u8 *b, size_t n)
{
	return !n || !memcmp(a, b, n);
}

/* Check that @s (decoded) carries the same parameters as @e. */
static void tv_same(struct tv_ctx *t, const struct ses_spdu *e,
		    const struct ses_spdu *s)
{
	u32 p = e->present;

	TV_EQ(t, s->type, e->type);
	TV_EQ(t, s->present, e->present);
	if (p & SES_P_PROTOCOL_OPTIONS)
		TV_EQ(t, s->protocol_options, e->protocol_options);
	if (p & SES_P_TSDU_MAX) {
		TV_EQ(t, s->tsdu_max_itor, e->tsdu_max_itor);
		TV_EQ(t, s->tsdu_max_rtoi, e->tsdu_max_rtoi);
	}
	if (p & SES_P_VERSION)
		TV_EQ(t, s->version, e->version);
	if (p & SES_P_ISN)
		TV_EQ(t, s->isn, e->isn);
	if (p & SES_P_SERIAL)
		TV_EQ(t, s->serial, e->serial);
	if (p & SES_P_TOKEN_SETTING)
		TV_EQ(t, s->token_setting, e->token_setting);
	if (p & SES_P_TOKEN_ITEM)
		TV_EQ(t, s->token_item, e->token_item);
	if (p & SES_P_SUR)
		TV_EQ(t, s->sur, e->sur);
	if (p & SES_P_ENCLOSURE)
		TV_EQ(t, s->enclosure, e->enclosure);
	if (p & SES_P_TRANSPORT_DISC)
		TV_EQ(t, s->transport_disc, e->transport_disc);
	if (p & SES_P_REASON)
		TV_EQ(t, s->reason, e->reason);
	if (p & SES_P_SYNC_TYPE)
		TV_EQ(t, s->sync_type, e->sync_type);
	if (p & SES_P_RESYNC_TYPE)
		TV_EQ(t, s->resync_type, e->resync_type);
	if (p & SES_P_PREPARE_TYPE)
		TV_EQ(t, s->prepare_type, e->prepare_type);
	if (p & SES_P_DATA_OVERFLOW)
		TV_EQ(t, s->data_overflow, e->data_overflow);
	if (p & SES_P_CALLING_SSEL) {
		TV_EQ(t, s->calling_ssel_len, e->calling_ssel_len);
		TV_TRUE(t, tv_bytes_eq(s->calling_ssel, e->calling_ssel,
				       e->calling_ssel_len));
	}
	if (p & SES_P_CALLED_SSEL) {
		TV_EQ(t, s->called_ssel_len, e->called_ssel_len);
		TV_TRUE(t, tv_bytes_eq(s->called_ssel, e->called_ssel,
				       e->called_ssel_len));
	}
	if (p & SES_P_EXTENSION) {
		TV_EQ(t, s->ext_len, e->ext_len);
		TV_TRUE(t, tv_bytes_eq(s->ext, e->ext, e->ext_len));
	}
	if (p & SES_P_USER_DATA) {
		TV_EQ(t, s->user_data_len, e->user_data_len);
		TV_TRUE(t, s->user_data_len == e->user_data_len &&
			tv_bytes_eq(s->user_data, e->user_data,
				    e->user_data_len));
	}
}

/*
 * Encode @e, decode the result from an exact-size copy and compare.
 * Every strict prefix of the encoding must be rejected. Returns the
 * encoded length (the octets stay in tv_enc_buf).
 */
static int tv_roundtrip(struct tv_ctx *t, const struct ses_spdu *e)
{
	int n, i;

	n = ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), e);
	TV_TRUE(t, n >= 2);
	if (n < 2)
		return n;
	TV_EQ(t, tv_decode_bytes(t, tv_enc_buf, n, 0), 0);
	TV_EQ(t, tv_tsdu.n, 1);
	tv_same(t, e, &tv_tsdu.spdu[0]);
	for (i = 0; i < n; i++)
		TV_EQ(t, tv_decode_bytes(t, tv_enc_buf, i, 0), -EBADMSG);
	return n;
}

/* Encode @e and compare with the octets in @hex. */
static void tv_encodes_as(struct tv_ctx *t, const struct ses_spdu *e,
			  const char *hex)
{
	int n = ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), e);
	int m = tv_hex(hex);

	TV_EQ(t, n, m);
	TV_TRUE(t, n == m && m > 0 && !memcmp(tv_enc_buf, tv_hex_buf, m));
}

static void tv_init(struct ses_spdu *s, enum ses_spdu_type type)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
}

static void tv_set_ssel(u8 *dst, u8 *len, const char *v)
{
	*len = (u8)strlen(v);
	memcpy(dst, v, *len);
}

/* ---- TPKT and COTP ---- */

static void tc_tpkt_gives_its_length(struct tv_ctx *t)
{
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 07"), 7);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 16 02 f0 80"), 22);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 ff ff"), 65535);
}

static void tc_tpkt_short_header_waits(struct tv_ctx *t)
{
	TV_EQ(t, tv_tpkt_hex(t, ""), 0);
	TV_EQ(t, tv_tpkt_hex(t, "03"), 0);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00"), 0);
}

static void tc_tpkt_wrong_version_rejected(struct tv_ctx *t)
{
	TV_EQ(t, tv_tpkt_hex(t, "02 00 00 07"), -EBADMSG);
	TV_EQ(t, tv_tpkt_hex(t, "00 00 00 07"), -EBADMSG);
	TV_EQ(t, tv_tpkt_hex(t, "16 03 01 00"), -EBADMSG);	/* TLS */
	TV_EQ(t, tv_tpkt_hex(t, "03 01 00 07"), -EBADMSG);
}

static void tc_tpkt_short_length_rejected(struct tv_ctx *t)
{
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 00"), -EBADMSG);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 03"), -EBADMSG);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 04"), -EBADMSG);
	TV_EQ(t, tv_tpkt_hex(t, "03 00 00 06"), -EBADMSG);
}

static void tc_cotp_cr_round_trips(struct tv_ctx *t)
{
	struct ses_cotp c;
	int n;

	n = ses_cotp_encode_cr(tv_enc_buf, sizeof(tv_enc_buf), 0x1234, 10);
	TV_EQ(t, n, 14);
	TV_TRUE(t, !memcmp(tv_enc_buf,
			   "\x03\x00\x00\x0e\x09\xe0\x00\x00\x12\x34\x00\xc0\x01\x0a",
			   14));
	TV_EQ(t, ses_tpkt_len(tv_enc_buf, n), n);
	tv_input(t, tv_enc_buf + 4, n - 4);
	TV_EQ(t, ses_cotp_decode(t->in, n - 4, &c), 0);
	TV_EQ(t, c.code, SES_COTP_CR);
	TV_EQ(t, c.dst_ref, 0);
	TV_EQ(t, c.src_ref, 0x1234);
	TV_EQ(t, c.class_opt, 0);
	TV_EQ(t, c.tpdu_size_code, 10);
	TV_EQ(t, c.data_len, 0);
}

static void tc_cotp_cr_without_size_round_trips(struct tv_ctx *t)
{
	struct ses_cotp c;
	int n;

	n = ses_cotp_encode_cr(tv_enc_buf, sizeof(tv_enc_buf), 7, 0);
	TV_EQ(t, n, 11);
	TV_EQ(t, ses_tpkt_len(tv_enc_buf, n), 11);
	tv_input(t, tv_enc_buf + 4, n - 4);
	TV_EQ(t, ses_cotp_decode(t->in, n - 4, &c), 0);
	TV_EQ(t, c.code, SES_COTP_CR);
	TV_EQ(t, c.src_ref, 7);
	TV_EQ(t, c.tpdu_size_code, 0);
}

static void tc_cotp_cc_round_trips(struct tv_ctx *t)
{
	struct ses_cotp c;
	int n;

	n = ses_cotp_encode_cc(tv_enc_buf, sizeof(tv_enc_buf), 0x1234,
			       0xbeef, 13);
	TV_EQ(t, n, 14);
	TV_EQ(t, tv_enc_buf[5], 0xd0);
	tv_input(t, tv_enc_buf + 4, n - 4);
	TV_EQ(t, ses_cotp_decode(t->in, n - 4, &c), 0);
	TV_EQ(t, c.code, SES_COTP_CC);
	TV_EQ(t, c.dst_ref, 0x1234);
	TV_EQ(t, c.src_ref, 0xbeef);
	TV_EQ(t, c.tpdu_size_code, 13);
}

static void tc_cotp_dr_round_trips(struct tv_ctx *t)
{
	struct ses_cotp c;
	int n;

	n = ses_cotp_encode_dr(tv_enc_buf, sizeof(tv_enc_buf), 1, 2, 0x80);
	TV_EQ(t, n, 11);
	TV_TRUE(t, !memcmp(tv_enc_buf,
			   "\x03\x00\x00\x0b\x06\x80\x00\x01\x00\x02\x80", 11));
	tv_input(t, tv_enc_buf + 4, n - 4);
	TV_EQ(t, ses_cotp_decode(t->in, n - 4, &c), 0);
	TV_EQ(t, c.code, SES_COTP_DR);
	TV_EQ(t, c.dst_ref, 1);
	TV_EQ(t, c.src_ref, 2);
	TV_EQ(t, c.reason, 0x80);
}

static void tc_cotp_cr_skips_tsaps_and_unknown(struct tv_ctx *t)
{
	struct ses_cotp c;

	/* libiec61850-style CR: TSAPs first, TPDU size last. */
	TV_EQ(t, tv_cotp_hex(t, "11 e0 00 00 00 01 00 c1 02 00 01 c2 02 00 01 c0 01 0d",
			     &c), 0);
	TV_EQ(t, c.code, SES_COTP_CR);
	TV_EQ(t, c.src_ref, 1);
	TV_EQ(t, c.tpdu_size_code, 13);
	TV_EQ(t, tv_cotp_hex(t, "0a e0 00 00 00 01 00 85 02 aa bb", &c), 0);
	TV_EQ(t, c.tpdu_size_code, 0);
	TV_EQ(t, tv_cotp_hex(t, "06 d0 00 01 00 02 00", &c), 0);
	TV_EQ(t, c.code, SES_COTP_CC);
}

static void tc_cotp_er_decodes(struct tv_ctx *t)
{
	struct ses_cotp c;

	TV_EQ(t, tv_cotp_hex(t, "04 70 00 05 02", &c), 0);
	TV_EQ(t, c.code, SES_COTP_ER);
	TV_EQ(t, c.dst_ref, 5);
	TV_EQ(t, c.reason, 2);
	TV_EQ(t, tv_cotp_hex(t, "07 70 00 05 02 c1 01 ab", &c), 0);
}

static void tc_cotp_encoders_check_space_and_size(struct tv_ctx *t)
{
	size_t cap;

	for (cap = 0; cap < 14; cap++) {
		TV_EQ(t, ses_cotp_encode_cr(tv_enc_buf, cap, 1, 7), -ENOSPC);
		TV_EQ(t, ses_cotp_encode_cc(tv_enc_buf, cap, 1, 2, 7),
		      -ENOSPC);
	}
	for (cap = 0; cap < 11; cap++)
		TV_EQ(t, ses_cotp_encode_dr(tv_enc_buf, cap, 1, 2, 0),
		      -ENOSPC);
	TV_EQ(t, ses_cotp_encode_cr(tv_enc_buf, 64, 1, 6), -EINVAL);
	TV_EQ(t, ses_cotp_encode_cr(tv_enc_buf, 64, 1, 14), -EINVAL);
	TV_EQ(t, ses_cotp_encode_cc(tv_enc_buf, 64, 1, 2, 0xff), -EINVAL);
}

static void tc_dt_tpdu_header_frames_payload(struct tv_ctx *t)
{
	struct ses_cotp c;
	u8 *b = tv_enc_buf;

	ses_dt_tpdu_hdr(b, 4, true);
	memcpy(b + 7, "\x01\x00\x01\x00", 4);
	TV_TRUE(t, !memcmp(b, "\x03\x00\x00\x0b\x02\xf0\x80", 7));
	TV_EQ(t, ses_tpkt_len(b, 11), 11);
	tv_input(t, b + 4, 7);
	TV_EQ(t, ses_cotp_decode(t->in, 7, &c), 0);
	TV_EQ(t, c.code, SES_COTP_DT);
	TV_TRUE(t, c.eot);
	TV_EQ(t, c.data_len, 4);
	TV_TRUE(t, c.data == t->in + 3);

	ses_dt_tpdu_hdr(b, 65528, false);
	TV_TRUE(t, !memcmp(b, "\x03\x00\xff\xff\x02\xf0\x00", 7));
	TV_EQ(t, tv_cotp_hex(t, "02 f0 00 aa", &c), 0);
	TV_TRUE(t, !c.eot);
	TV_EQ(t, c.data_len, 1);
}

/* ---- SPDU encode and decode ---- */

static void tc_cn_with_version_only_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_VERSION;
	s.version = SES_VERSION_2;
	tv_encodes_as(t, &s, "0d 05 05 03 16 01 02");
	tv_roundtrip(t, &s);
}

static void tc_cn_with_selectors_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_VERSION | SES_P_SUR | SES_P_CALLING_SSEL |
		    SES_P_CALLED_SSEL | SES_P_USER_DATA;
	s.version = SES_VERSION_2;
	s.sur = 0x0002;
	s.calling_ssel[1] = 1;
	s.calling_ssel_len = 2;
	memcpy(s.called_ssel, "0123456789abcdef", 16);
	s.called_ssel_len = 16;
	s.user_data = tv_pattern(160);
	s.user_data_len = 160;
	tv_roundtrip(t, &s);
}

static void tc_cn_with_every_parameter_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_EXTENSION | SES_P_PROTOCOL_OPTIONS |
		    SES_P_TSDU_MAX | SES_P_VERSION | SES_P_ISN |
		    SES_P_TOKEN_SETTING | SES_P_SUR | SES_P_CALLING_SSEL |
		    SES_P_CALLED_SSEL | SES_P_DATA_OVERFLOW | SES_P_USER_DATA;
	memcpy(s.ext, tv_pattern(SES_EXT_LEN_MAX), SES_EXT_LEN_MAX);
	s.ext_len = SES_EXT_LEN_MAX;
	s.protocol_options = 1;
	s.tsdu_max_itor = 8192;
	s.tsdu_max_rtoi = 65535;
	s.version = SES_VERSION_2;
	s.isn = 123456;
	s.token_setting = 0xaa;
	s.sur = 0x1fff;
	s.calling_ssel_len = 1;
	s.calling_ssel[0] = 0x42;
	s.called_ssel_len = 0;
	s.data_overflow = 1;
	s.user_data = tv_pattern(20);
	s.user_data_len = 20;
	tv_roundtrip(t, &s);
}

static void tc_cn_encodes_in_x225_order(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_EXTENSION | SES_P_PROTOCOL_OPTIONS |
		    SES_P_TSDU_MAX | SES_P_VERSION | SES_P_ISN |
		    SES_P_TOKEN_SETTING | SES_P_SUR | SES_P_CALLING_SSEL |
		    SES_P_CALLED_SSEL | SES_P_USER_DATA;
	s.ext_len = 2;
	s.ext[0] = 0x01;
	s.ext[1] = 0x02;
	s.protocol_options = 0;
	s.tsdu_max_itor = 0x0100;
	s.tsdu_max_rtoi = 0x0200;
	s.version = 2;
	s.isn = 40;
	s.token_setting = 0x55;
	s.sur = 0x0002;
	s.calling_ssel_len = 2;
	s.calling_ssel[1] = 1;
	s.called_ssel_len = 2;
	s.called_ssel[1] = 2;
	s.user_data = (const u8 *)"\xaa\xbb\xcc";
	s.user_data_len = 3;
	tv_encodes_as(t, &s,
		      "0d 2c 01 04 e5 02 01 02 05 13 13 01 00 15 04 01 00 02 00 16 01 02 17 02 34 30 1a 01 55 14 02 00 02 33 02 00 01 34 02 00 02 c1 03 aa bb cc");
}

static void tc_isn_encodes_without_leading_zeros(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_ISN;
	s.isn = 0;
	tv_encodes_as(t, &s, "0d 05 05 03 17 01 30");
	s.isn = 7;
	tv_encodes_as(t, &s, "0d 05 05 03 17 01 37");
	s.isn = 10;
	tv_encodes_as(t, &s, "0d 06 05 04 17 02 31 30");
	s.isn = SES_SERIAL_MAX;
	tv_encodes_as(t, &s, "0d 0a 05 08 17 06 39 39 39 39 39 39");
	tv_roundtrip(t, &s);
}

static void tc_cn_with_long_user_data_uses_3_octet_li(struct tv_ctx *t)
{
	struct ses_spdu s;
	int n;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_VERSION | SES_P_USER_DATA;
	s.version = SES_VERSION_2;
	s.user_data = tv_pattern(300);
	s.user_data_len = 300;
	n = tv_roundtrip(t, &s);
	/* SI, FF, 2-octet LI = 7 + 4 + 300, PGI 5, then 193 FF 01 2C */
	TV_EQ(t, n, 1 + 3 + 5 + 4 + 300);
	TV_EQ(t, tv_enc_buf[1], 0xff);
	TV_EQ(t, get_unaligned_be16(tv_enc_buf + 2), 5 + 4 + 300);
	TV_EQ(t, tv_enc_buf[9], SES_PGI_USER_DATA);
	TV_EQ(t, tv_enc_buf[10], 0xff);
	TV_EQ(t, get_unaligned_be16(tv_enc_buf + 11), 300);
}

static void tc_li_254_is_short_and_255_is_long(struct tv_ctx *t)
{
	struct ses_spdu s;
	int n;

	/* DN: the parameter field is PGI 193 alone. */
	tv_init(&s, SES_SPDU_DN);
	s.present = SES_P_USER_DATA;
	s.user_data = tv_pattern(252);
	s.user_data_len = 252;		/* 2 + 252 = 254 */
	n = tv_roundtrip(t, &s);
	TV_EQ(t, n, 256);
	TV_EQ(t, tv_enc_buf[1], 254);
	TV_EQ(t, tv_enc_buf[3], 252);

	s.user_data_len = 253;		/* 2 + 253 = 255 */
	n = tv_roundtrip(t, &s);
	TV_EQ(t, n, 259);
	TV_EQ(t, tv_enc_buf[1], 0xff);
	TV_EQ(t, get_unaligned_be16(tv_enc_buf + 2), 255);
	TV_EQ(t, tv_enc_buf[5], 253);

	s.user_data_len = 254;		/* PGI keeps the short LI */
	n = tv_roundtrip(t, &s);
	TV_EQ(t, tv_enc_buf[5], 254);
	s.user_data_len = 255;		/* PGI needs the long LI */
	n = tv_roundtrip(t, &s);
	TV_EQ(t, n, 1 + 3 + 1 + 3 + 255);
	TV_EQ(t, tv_enc_buf[5], 0xff);
	TV_EQ(t, get_unaligned_be16(tv_enc_buf + 6), 255);
}

static void tc_ac_with_token_item_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_AC);
	s.present = SES_P_EXTENSION | SES_P_PROTOCOL_OPTIONS |
		    SES_P_TSDU_MAX | SES_P_VERSION | SES_P_ISN |
		    SES_P_TOKEN_SETTING | SES_P_TOKEN_ITEM | SES_P_SUR |
		    SES_P_CALLING_SSEL | SES_P_CALLED_SSEL | SES_P_USER_DATA;
	s.ext_len = 5;
	memcpy(s.ext, "SES\x01\x00", 5);
	s.tsdu_max_itor = 0;
	s.tsdu_max_rtoi = 4096;
	s.version = SES_VERSION_2;
	s.isn = 999999;
	s.token_setting = 0x01;
	s.token_item = SES_TOKEN_DATA | SES_TOKEN_RELEASE;
	s.sur = 0x0001;
	tv_set_ssel(s.calling_ssel, &s.calling_ssel_len, "calling");
	tv_set_ssel(s.called_ssel, &s.called_ssel_len, "responding");
	s.user_data = tv_pattern(100);
	s.user_data_len = 100;
	tv_roundtrip(t, &s);
}

static void tc_ac_encodes_token_item_before_requirements(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_AC);
	s.present = SES_P_VERSION | SES_P_TOKEN_ITEM | SES_P_SUR |
		    SES_P_USER_DATA;
	s.version = 2;
	s.token_item = SES_TOKEN_DATA;
	s.sur = 2;
	s.user_data = (const u8 *)"\x61";
	s.user_data_len = 1;
	tv_encodes_as(t, &s, "0e 0f 05 03 16 01 02 10 01 01 14 02 00 02 c1 01 61");
}

static void tc_rf_with_reason_and_user_data_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_RF);
	s.present = SES_P_TRANSPORT_DISC | SES_P_SUR | SES_P_VERSION |
		    SES_P_REASON | SES_P_USER_DATA;
	s.transport_disc = SES_TD_RELEASED;
	s.sur = 0x0002;
	s.version = SES_VERSION_2;
	s.reason = 2;
	s.user_data = (const u8 *)"no";
	s.user_data_len = 2;
	tv_encodes_as(t, &s, "0c 0f 11 01 01 14 02 00 02 16 01 02 32 03 02 6e 6f");
	tv_roundtrip(t, &s);
}

static void tc_rf_with_reason_only_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_RF);
	s.present = SES_P_REASON;
	s.reason = 132;
	tv_encodes_as(t, &s, "0c 03 32 01 84");
	tv_roundtrip(t, &s);
	/* 600 octets of refusal data in the reason code. */
	s.present |= SES_P_USER_DATA;
	s.user_data = tv_pattern(600);
	s.user_data_len = 600;
	tv_roundtrip(t, &s);
}

static void tc_fn_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_FN);
	s.present = SES_P_TRANSPORT_DISC;
	s.transport_disc = SES_TD_RELEASED;
	tv_encodes_as(t, &s, "09 03 11 01 01");
	tv_roundtrip(t, &s);
	s.present |= SES_P_USER_DATA;
	s.user_data = tv_pattern(30);
	s.user_data_len = 30;
	tv_roundtrip(t, &s);
	tv_init(&s, SES_SPDU_FN);
	tv_encodes_as(t, &s, "09 00");
	tv_roundtrip(t, &s);
}

static void tc_dn_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_DN);
	s.present = SES_P_USER_DATA;
	s.user_data = (const u8 *)"\x61\x02";
	s.user_data_len = 2;
	tv_encodes_as(t, &s, "0a 04 c1 02 61 02");
	tv_roundtrip(t, &s);
	/* Transport Disconnect is not a DN parameter: not encoded. */
	s.present |= SES_P_TRANSPORT_DISC;
	tv_encodes_as(t, &s, "0a 04 c1 02 61 02");
}

static void tc_nf_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_NF);
	tv_encodes_as(t, &s, "08 00");
	tv_roundtrip(t, &s);
	s.present = SES_P_USER_DATA;
	s.user_data = tv_pattern(10);
	s.user_data_len = 10;
	tv_roundtrip(t, &s);
}

static void tc_ab_round_trips(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_AB);
	s.present = SES_P_TRANSPORT_DISC | SES_P_USER_DATA;
	s.transport_disc = SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR;
	s.user_data = (const u8 *)"\x01";
	s.user_data_len = 1;
	tv_encodes_as(t, &s, "19 06 11 01 05 c1 01 01");
	tv_roundtrip(t, &s);
	s.present = SES_P_TRANSPORT_DISC;
	tv_roundtrip(t, &s);
}

static void tc_aa_encodes_as_two_octets(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_AA);
	s.present = SES_P_USER_DATA | SES_P_TRANSPORT_DISC;
	s.user_data = (const u8 *)"x";
	s.user_data_len = 1;
	tv_encodes_as(t, &s, "1a 00");
	s.present = 0;
	tv_roundtrip(t, &s);
	TV_EQ(t, tv_decode_hex(t, "1a 00", 0), 0);
	TV_EQ(t, tv_tsdu.spdu[0].type, SES_SPDU_AA);
}

static void tc_encoder_reports_enospc(struct tv_ctx *t)
{
	struct ses_spdu s;
	int n, cap;

	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_VERSION | SES_P_SUR | SES_P_CALLING_SSEL |
		    SES_P_USER_DATA | SES_P_EXTENSION | SES_P_ISN;
	s.version = 2;
	s.isn = 5;
	s.calling_ssel_len = 4;
	s.ext_len = 8;
	s.user_data = tv_pattern(400);
	s.user_data_len = 400;
	n = ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s);
	TV_TRUE(t, n > 400);
	for (cap = 0; cap < n; cap++)
		TV_EQ(t, ses_spdu_encode(tv_enc_buf, cap, &s), -ENOSPC);
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, n, &s), n);
	tv_init(&s, SES_SPDU_AA);
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, 1, &s), -ENOSPC);
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, 2, &s), 2);
}

static void tc_token_spdus_encode_and_round_trip(struct tv_ctx *t)
{
	static const u8 ud[] = { 'p', 'l', 's' };
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_GT);
	s.present = SES_P_TOKEN_ITEM;
	s.token_item = SES_TOKEN_DATA | SES_TOKEN_RELEASE;
	tv_encodes_as(t, &s, "01 03 10 01 41");
	tv_roundtrip(t, &s);

	tv_init(&s, SES_SPDU_PT);
	s.present = SES_P_TOKEN_ITEM | SES_P_USER_DATA;
	s.token_item = SES_TOKEN_DATA;
	s.user_data = ud;
	s.user_data_len = sizeof(ud);
	tv_encodes_as(t, &s, "02 08 10 01 01 c1 03 70 6c 73");
	tv_roundtrip(t, &s);

	tv_init(&s, SES_SPDU_PT);
	s.present = SES_P_TOKEN_ITEM;
	s.token_item = SES_TOKEN_MINOR | SES_TOKEN_MAJOR;
	tv_encodes_as(t, &s, "02 03 10 01 14");

	tv_init(&s, SES_SPDU_GTC);
	tv_encodes_as(t, &s, "15 00");
	tv_init(&s, SES_SPDU_GTA);
	tv_encodes_as(t, &s, "16 00");
	tv_init(&s, SES_SPDU_NF);
	tv_encodes_as(t, &s, "08 00");
}

static void tc_encoder_rejects_bad_values(struct tv_ctx *t)
{
	static const enum ses_spdu_type bad_types[] = {
		SES_SPDU_INVALID, SES_SPDU_DT,
		SES_SPDU_EX, SES_SPDU_MIP, SES_SPDU_AI, SES_SPDU_OA,
		SES_SPDU_NTYPES,
	};
	struct ses_spdu s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_types); i++) {
		tv_init(&s, bad_types[i]);
		TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s),
		      -EINVAL);
	}
	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_ISN;
	s.isn = SES_SERIAL_MAX + 1;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	tv_init(&s, SES_SPDU_CN);
	s.present = SES_P_CALLING_SSEL;
	s.calling_ssel_len = SES_SSEL_LEN_MAX + 1;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	tv_init(&s, SES_SPDU_AC);
	s.present = SES_P_CALLED_SSEL;
	s.called_ssel_len = 200;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	tv_init(&s, SES_SPDU_AC);
	s.present = SES_P_EXTENSION;
	s.ext_len = SES_EXT_LEN_MAX + 1;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	tv_init(&s, SES_SPDU_RF);
	s.present = SES_P_USER_DATA;
	s.user_data = tv_pattern(4);
	s.user_data_len = 4;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	tv_init(&s, SES_SPDU_DN);
	s.present = SES_P_USER_DATA;
	s.user_data = NULL;
	s.user_data_len = 4;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	/* The parameter field would not fit a 16-bit LI. */
	s.user_data = tv_pattern(1);
	s.user_data_len = 65534;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	s.user_data_len = 70000;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), -EINVAL);
	/* Values of absent parameters are not checked. */
	tv_init(&s, SES_SPDU_CN);
	s.isn = SES_SERIAL_MAX + 1;
	s.calling_ssel_len = 99;
	TV_EQ(t, ses_spdu_encode(tv_enc_buf, sizeof(tv_enc_buf), &s), 2);
}

static void tc_encoder_skips_absent_parameters(struct tv_ctx *t)
{
	struct ses_spdu s;

	tv_init(&s, SES_SPDU_CN);
	s.version = 2;
	s.sur = 2;
	s.user_data = tv_pattern(5);
	s.user_data_len = 5;
	tv_encodes_as(t, &s, "0d 00");
	tv_init(&s, SES_SPDU_RF);
	s.reason = 1;
	tv_encodes_as(t, &s, "0c 00");
}

/* ---- data TSDUs and concatenation ---- */

static void tc_dt_prefix_without_enclosure(struct tv_ctx *t)
{
	u8 b[SES_DT_PREFIX_MAX + 3];
	int n;

	n = ses_dt_prefix(b, false, 0);
	TV_EQ(t, n, 4);
	TV_TRUE(t, !memcmp(b, "\x01\x00\x01\x00", 4));
	memcpy(b + n, "abc", 3);
	TV_EQ(t, tv_decode_bytes(t, b, n + 3, 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, tv_tsdu.spdu[0].type, SES_SPDU_GT);
	TV_EQ(t, tv_tsdu.spdu[0].present, 0);
	TV_EQ(t, tv_tsdu.spdu[1].type, SES_SPDU_DT);
	TV_EQ(t, tv_tsdu.spdu[1].present, SES_P_USER_DATA);
	TV_EQ(t, tv_tsdu.spdu[1].user_data_len, 3);
	TV_TRUE(t, tv_tsdu.spdu[1].user_data == t->in + 4);
}

static void tc_dt_prefix_with_enclosure(struct tv_ctx *t)
{
	u8 b[SES_DT_PREFIX_MAX + 2];
	int n;

	n = ses_dt_prefix(b, true, SES_ENC_BEGIN);
	TV_EQ(t, n, 7);
	TV_TRUE(t, !memcmp(b, "\x01\x00\x01\x03\x19\x01\x01", 7));
	b[7] = 'x';
	b[8] = 'y';
	TV_EQ(t, tv_decode_bytes(t, b, 9, 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, tv_tsdu.spdu[1].type, SES_SPDU_DT);
	TV_EQ(t, tv_tsdu.spdu[1].present, SES_P_ENCLOSURE | SES_P_USER_DATA);
	TV_EQ(t, tv_tsdu.spdu[1].enclosure, SES_ENC_BEGIN);
	TV_EQ(t, tv_tsdu.spdu[1].user_data_len, 2);
	/* A middle segment carries the item with neither bit. */
	n = ses_dt_prefix(b, true, 0);
	TV_EQ(t, n, 7);
	TV_TRUE(t, !memcmp(b, "\x01\x00\x01\x03\x19\x01\x00", 7));
	TV_EQ(t, tv_decode_bytes(t, b, 9, 0), 0);
	TV_EQ(t, tv_tsdu.spdu[1].present, SES_P_ENCLOSURE | SES_P_USER_DATA);
	TV_EQ(t, tv_tsdu.spdu[1].enclosure, 0);
	n = ses_dt_prefix(b, true, SES_ENC_END);
	TV_EQ(t, n, 7);
	TV_EQ(t, b[6], SES_ENC_END);
	/* Last segment with no user information. */
	TV_EQ(t, tv_decode_bytes(t, b, 7, 0), 0);
	TV_EQ(t, tv_tsdu.spdu[1].enclosure, SES_ENC_END);
	TV_EQ(t, tv_tsdu.spdu[1].present, SES_P_ENCLOSURE);
	TV_EQ(t, tv_tsdu.spdu[1].user_data_len, 0);
	TV_TRUE(t, tv_tsdu.spdu[1].user_data == t->in + 7);
}

static void tc_gt_dt_decodes_as_two_spdus(struct tv_ctx *t)
{
	const struct ses_spdu *gt = &tv_tsdu.spdu[0], *dt = &tv_tsdu.spdu[1];

	TV_EQ(t, tv_decode_hex(t, "01 03 10 01 01 01 00 61 62 63 64", 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, gt->type, SES_SPDU_GT);
	TV_EQ(t, gt->present, SES_P_TOKEN_ITEM);
	TV_EQ(t, gt->token_item, SES_TOKEN_DATA);
	TV_EQ(t, dt->type, SES_SPDU_DT);
	TV_EQ(t, dt->user_data_len, 4);
	TV_TRUE(t, dt->user_data_len == 4 &&
		!memcmp(dt->user_data, "abcd", 4));
	/* User information that looks like SPDUs is still user data. */
	TV_EQ(t, tv_decode_hex(t, "01 00 01 00 0d 00 19 00", 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, tv_tsdu.spdu[1].user_data_len, 4);
}

static void tc_gt_and_pt_alone_decode(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	TV_EQ(t, tv_decode_hex(t, "01 00", 0), 0);
	TV_EQ(t, tv_tsdu.n, 1);
	TV_EQ(t, s->type, SES_SPDU_GT);
	TV_EQ(t, tv_decode_hex(t, "01 03 10 01 40", 0), 0);
	TV_EQ(t, tv_tsdu.n, 1);
	TV_EQ(t, s->token_item, SES_TOKEN_RELEASE);
	TV_EQ(t, tv_decode_hex(t, "02 07 10 01 01 c1 02 aa bb", 0), 0);
	TV_EQ(t, tv_tsdu.n, 1);
	TV_EQ(t, s->type, SES_SPDU_PT);
	TV_EQ(t, s->present, SES_P_TOKEN_ITEM | SES_P_USER_DATA);
	TV_EQ(t, s->user_data_len, 2);
	TV_EQ(t, tv_decode_hex(t, "02 00 01 00 ff", 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, tv_tsdu.spdu[0].type, SES_SPDU_PT);
	TV_EQ(t, tv_tsdu.spdu[1].type, SES_SPDU_DT);
}

static void tc_category_2_spdus_decode_after_gt(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[1];

	/* MIP: sync type, serial number, user data. */
	TV_EQ(t, tv_decode_hex(t, "01 00 31 0b 0f 01 01 2a 02 31 32 c1 02 aa bb", 0), 0);
	TV_EQ(t, tv_tsdu.n, 2);
	TV_EQ(t, s->type, SES_SPDU_MIP);
	TV_EQ(t, s->present, SES_P_SYNC_TYPE | SES_P_SERIAL | SES_P_USER_DATA);
	TV_EQ(t, s->sync_type, 1);
	TV_EQ(t, s->serial, 12);
	TV_EQ(t, tv_decode_hex(t, "01 00 32 03 2a 01 35", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_MIA);
	TV_EQ(t, s->serial, 5);
	TV_EQ(t, tv_decode_hex(t, "01 00 29 03 2a 01 33", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_MAP);
	TV_EQ(t, s->serial, 3);
	TV_EQ(t, tv_decode_hex(t, "01 00 2a 03 2a 01 33", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_MAA);
	/* RS: resync type, serial, token setting. */
	TV_EQ(t, tv_decode_hex(t, "01 00 35 0b 1b 01 01 2a 03 31 30 30 1a 01 15", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_RS);
	TV_EQ(t, s->present, SES_P_RESYNC_TYPE | SES_P_SERIAL |
	      SES_P_TOKEN_SETTING);
	TV_EQ(t, s->resync_type, 1);
	TV_EQ(t, s->serial, 100);
	TV_EQ(t, s->token_setting, 0x15);
	TV_EQ(t, tv_decode_hex(t, "01 00 22 03 2a 01 30", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_RA);
	TV_EQ(t, tv_decode_hex(t, "01 00 19 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AI);
	TV_EQ(t, tv_decode_hex(t, "01 00 1a 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AIA);
	TV_EQ(t, tv_decode_hex(t, "01 00 2d 03 29 01 07", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AS);
	/* AR: the serial number sits in the Linking Information PGI. */
	TV_EQ(t, tv_decode_hex(t, "01 00 1d 0c 21 07 0b 00 2a 03 31 32 33 29 01 07", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AR);
	TV_EQ(t, s->present, SES_P_SERIAL);
	TV_EQ(t, s->serial, 123);
	TV_EQ(t, tv_decode_hex(t, "01 00 39 03 32 01 01", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AD);
	TV_EQ(t, tv_decode_hex(t, "01 00 3a 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_ADA);
	TV_EQ(t, tv_decode_hex(t, "01 00 3d 03 c1 01 aa", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_CD);
	TV_EQ(t, s->user_data_len, 1);
	TV_EQ(t, tv_decode_hex(t, "01 00 3e 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_CDA);
	TV_EQ(t, tv_decode_hex(t, "01 00 00 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_ER);
	TV_EQ(t, tv_decode_hex(t, "01 00 30 03 32 01 03", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_ED);
	TV_EQ(t, s->reason, 3);
}

static void tc_activity_fu_turns_map_into_ae(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[1];

	TV_EQ(t, tv_decode_hex(t, "01 00 29 03 2a 01 33", 0x0040), 0);
	TV_EQ(t, s->type, SES_SPDU_AE);
	TV_EQ(t, tv_decode_hex(t, "01 00 2a 00", 0x0040), 0);
	TV_EQ(t, s->type, SES_SPDU_AEA);
	TV_EQ(t, tv_decode_hex(t, "01 00 29 00", 0x7fff & ~0x0040), 0);
	TV_EQ(t, s->type, SES_SPDU_MAP);
	/* AB stays AB alone whatever the functional units. */
	TV_EQ(t, tv_decode_hex(t, "19 00", 0x7fff), 0);
	TV_EQ(t, tv_tsdu.spdu[0].type, SES_SPDU_AB);
}

static void tc_other_category_1_spdus_decode(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	TV_EQ(t, tv_decode_hex(t, "05 00 68 69", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_EX);
	TV_EQ(t, s->user_data_len, 2);
	TV_EQ(t, tv_decode_hex(t, "05 00", 0), 0);
	TV_EQ(t, s->present, 0);
	TV_EQ(t, tv_decode_hex(t, "21 00 01 02 03", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_TD);
	TV_EQ(t, s->user_data_len, 3);
	TV_EQ(t, tv_decode_hex(t, "07 03 18 01 02", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_PR);
	TV_EQ(t, s->prepare_type, 2);
	TV_EQ(t, tv_decode_hex(t, "15 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_GTC);
	TV_EQ(t, tv_decode_hex(t, "16 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_GTA);
	TV_EQ(t, tv_decode_hex(t, "0f 04 c1 02 aa bb", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_CDO);
	TV_EQ(t, tv_decode_hex(t, "10 03 16 01 02", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_OA);
	TV_EQ(t, s->version, 2);
}

static void tc_unknown_parameters_are_skipped(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	/* Unknown top-level PI 0x80, PI 49 reflect, PI 41 activity id. */
	TV_EQ(t, tv_decode_hex(t, "19 0c 80 02 aa bb 31 01 00 11 01 01 29 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_AB);
	TV_EQ(t, s->present, SES_P_TRANSPORT_DISC);
	/* PGI 1 with references around the extension; unknown PI in PGI 5. */
	TV_EQ(t, tv_decode_hex(t, "0d 17 01 0d 0a 02 63 31 e5 02 aa bb 0b 03 78 79 7a 05 06 16 01 02 37 01 00", 0), 0);
	TV_EQ(t, s->type, SES_SPDU_CN);
	TV_EQ(t, s->present, SES_P_EXTENSION | SES_P_VERSION);
	TV_EQ(t, s->ext_len, 2);
	TV_EQ(t, s->ext[1], 0xbb);
	/* The extension code at top level is not the extension. */
	TV_EQ(t, tv_decode_hex(t, "0d 04 e5 02 aa bb", 0), 0);
	TV_EQ(t, s->present, 0);
	/* RF user data is the reason code tail: its PGI 193 is skipped. */
	TV_EQ(t, tv_decode_hex(t, "0c 08 32 02 02 aa c1 02 bb cc", 0), 0);
	TV_EQ(t, s->present, SES_P_REASON | SES_P_USER_DATA);
	TV_EQ(t, s->user_data_len, 1);
	TV_EQ(t, s->user_data[0], 0xaa);
	TV_EQ(t, tv_decode_hex(t, "0c 04 c1 02 bb cc", 0), 0);
	TV_EQ(t, s->present, 0);
	/* DT: user data is the user information field, not a PGI. */
	TV_EQ(t, tv_decode_hex(t, "01 00 01 03 c1 01 aa 62", 0), 0);
	TV_EQ(t, tv_tsdu.spdu[1].user_data_len, 1);
	TV_EQ(t, tv_tsdu.spdu[1].user_data[0], 0x62);
	/* An empty PGI 1 and an empty user data PGI. */
	TV_EQ(t, tv_decode_hex(t, "0d 04 01 00 c1 00", 0), 0);
	TV_EQ(t, s->present, SES_P_USER_DATA);
	TV_EQ(t, s->user_data_len, 0);
}

static void tc_extended_user_data_pgi_is_user_data(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	TV_EQ(t, tv_decode_hex(t, "0d 05 c2 03 01 02 03", 0), 0);
	TV_EQ(t, s->present, SES_P_USER_DATA);
	TV_EQ(t, s->user_data_len, 3);
	TV_EQ(t, s->user_data[2], 3);
}

static void tc_long_form_li_for_short_lengths_decodes(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	TV_EQ(t, tv_decode_hex(t, "0d ff 00 08 14 ff 00 02 00 02 c1 00", 0), 0);
	TV_EQ(t, s->present, SES_P_SUR | SES_P_USER_DATA);
	TV_EQ(t, s->sur, 2);
}

static void tc_serial_numbers_with_leading_zeros_decode(struct tv_ctx *t)
{
	const struct ses_spdu *s = &tv_tsdu.spdu[0];

	TV_EQ(t, tv_decode_hex(t, "0d 0a 05 08 17 06 30 30 30 30 34 32", 0), 0);
	TV_EQ(t, s->isn, 42);
	TV_EQ(t, tv_decode_hex(t, "0d 05 05 03 17 01 30", 0), 0);
	TV_EQ(t, s->isn, 0);
}

static void tc_spdu_names_are_short(struct tv_ctx *t)
{
	int i;

	TV_TRUE(t, !strcmp(ses_spdu_name(SES_SPDU_CN), "CN"));
	TV_TRUE(t, !strcmp(ses_spdu_name(SES_SPDU_AIA), "AIA"));
	TV_TRUE(t, !strcmp(ses_spdu_name(SES_SPDU_OA), "OA"));
	TV_TRUE(t, !strcmp(ses_spdu_name(SES_SPDU_INVALID), "??"));
	TV_TRUE(t, !strcmp(ses_spdu_name(SES_SPDU_NTYPES), "??"));
	TV_TRUE(t, !strcmp(ses_spdu_name((enum ses_spdu_type)-1), "??"));
	for (i = 1; i < SES_SPDU_NTYPES; i++) {
		const char *n = ses_spdu_name((enum ses_spdu_type)i);

		TV_TRUE(t, strcmp(n, "??") && strlen(n) >= 2 &&
			strlen(n) <= 3);
	}
}

/* ---- malformed input ---- */

enum tv_layer { TV_TPKT, TV_COTP, TV_TSDU };

/* Classes of malformed input, one test case each. */
enum tv_class {
	TVC_COTP,
	TVC_LI_PAST_END,
	TVC_LI_LONG_SHORT,
	TVC_TRUNC_PARAM,
	TVC_NESTED_PGI,
	TVC_UNKNOWN_SI,
	TVC_TRAILING,
	TVC_SSEL,
	TVC_SERIAL,
	TVC_DUPLICATE,
	TVC_FIXED_LEN,
	TVC_EXTENSION,
};

struct tv_bad {
	enum tv_class cls;
	enum tv_layer layer;
	const char *name;
	const char *hex;
};

static const struct tv_bad tv_bad_inputs[] = {
	{ TVC_COTP, TV_COTP, "empty TPDU", "" },
	{ TVC_COTP, TV_COTP, "TPDU of one octet", "02" },
	{ TVC_COTP, TV_COTP, "COTP LI 0", "00 f0" },
	{ TVC_COTP, TV_COTP, "COTP LI 255", "ff f0 80" },
	{ TVC_COTP, TV_COTP, "COTP LI past end", "06 e0 00 00 00 01" },
	{ TVC_COTP, TV_COTP, "unknown TPDU code", "02 10 80" },
	{ TVC_COTP, TV_COTP, "DT with LI 3", "03 f0 80 00" },
	{ TVC_COTP, TV_COTP, "DT with LI 1", "01 f0" },
	{ TVC_COTP, TV_COTP, "DT code with low bits set", "02 f1 80" },
	{ TVC_COTP, TV_COTP, "CR header shorter than 6", "05 e0 00 00 00 01" },
	{ TVC_COTP, TV_COTP, "CR parameter overruns header",
	  "09 e0 00 00 00 01 00 c0 05 0a" },
	{ TVC_COTP, TV_COTP, "CR parameter without length",
	  "07 e0 00 00 00 01 00 c0" },
	{ TVC_COTP, TV_COTP, "CR TPDU size code 14",
	  "09 e0 00 00 00 01 00 c0 01 0e" },
	{ TVC_COTP, TV_COTP, "CR TPDU size code 6",
	  "09 e0 00 00 00 01 00 c0 01 06" },
	{ TVC_COTP, TV_COTP, "CR TPDU size of 2 octets",
	  "0a e0 00 00 00 01 00 c0 02 00 0a" },
	{ TVC_COTP, TV_COTP, "CR with TPDU size twice",
	  "0c e0 00 00 00 01 00 c0 01 0a c0 01 0b" },
	{ TVC_COTP, TV_COTP, "DR header shorter than 6", "05 80 00 01 00 02" },
	{ TVC_COTP, TV_COTP, "ER header shorter than 4", "03 70 00 01" },

	{ TVC_LI_PAST_END, TV_TSDU, "empty TSDU", "" },
	{ TVC_LI_PAST_END, TV_TSDU, "SI without LI", "0d" },
	{ TVC_LI_PAST_END, TV_TSDU, "SPDU LI past end", "0d 05 14 02 00" },
	{ TVC_LI_PAST_END, TV_TSDU, "GT LI past end", "01 03 10 01" },
	{ TVC_LI_PAST_END, TV_TSDU, "DT LI past end after GT",
	  "01 00 01 05 19 01 01" },
	{ TVC_LI_PAST_END, TV_TSDU, "category 2 SI without LI", "01 00 31" },

	{ TVC_LI_LONG_SHORT, TV_TSDU, "SPDU LI FF with no length", "0d ff" },
	{ TVC_LI_LONG_SHORT, TV_TSDU, "SPDU LI FF with 1 length octet",
	  "0d ff 00" },
	{ TVC_LI_LONG_SHORT, TV_TSDU, "SPDU LI FF length past end",
	  "0d ff 00 10 14 02 00 02" },
	{ TVC_LI_LONG_SHORT, TV_TSDU, "PI LI FF at the end of the field",
	  "0d 02 c1 ff" },
	{ TVC_LI_LONG_SHORT, TV_TSDU, "PI LI FF with 1 length octet",
	  "0d 03 c1 ff 00" },
	{ TVC_LI_LONG_SHORT, TV_TSDU, "PI LI FF past field end",
	  "0d 06 c1 ff 01 00 aa bb" },

	{ TVC_TRUNC_PARAM, TV_TSDU, "PI value past parameter field",
	  "0d 04 14 05 00 02" },
	{ TVC_TRUNC_PARAM, TV_TSDU, "PI value past field, bytes follow",
	  "0c 03 32 05 02 aa bb cc dd" },
	{ TVC_TRUNC_PARAM, TV_TSDU, "PI code without LI", "0d 01 14" },
	{ TVC_TRUNC_PARAM, TV_TSDU, "user data PGI past field",
	  "0a 03 c1 04 aa" },
	{ TVC_TRUNC_PARAM, TV_TSDU, "DT parameter past its LI",
	  "01 00 01 02 19 01 01" },
	{ TVC_TRUNC_PARAM, TV_TSDU, "GT parameter past its LI",
	  "01 02 10 01 01 01 00" },

	{ TVC_NESTED_PGI, TV_TSDU, "PI overruns its PGI 5",
	  "0d 0a 05 03 16 05 02 c1 03 aa bb cc" },
	{ TVC_NESTED_PGI, TV_TSDU, "PI overruns its PGI 1",
	  "0d 08 01 02 e5 04 aa bb cc dd" },
	{ TVC_NESTED_PGI, TV_TSDU, "PI LI FF overruns PGI 1",
	  "0d 06 01 03 e5 ff 00 aa" },
	{ TVC_NESTED_PGI, TV_TSDU, "PI header cut by PGI end",
	  "0d 05 05 01 16 01 02" },
	{ TVC_NESTED_PGI, TV_TSDU, "PGI 193 inside PGI 1",
	  "0d 07 01 05 c1 03 aa bb cc" },
	{ TVC_NESTED_PGI, TV_TSDU, "PGI 5 inside PGI 1",
	  "0d 07 01 05 05 03 16 01 02" },
	{ TVC_NESTED_PGI, TV_TSDU, "PGI 1 inside PGI 5", "0d 04 05 02 01 00" },
	{ TVC_NESTED_PGI, TV_TSDU, "PGI 33 inside PGI 33",
	  "01 00 1d 04 21 02 21 00" },

	{ TVC_UNKNOWN_SI, TV_TSDU, "unknown SI 99", "63 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "unknown SI 3", "03 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "unknown SI 255", "ff 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "ER alone", "00 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "MIP alone", "31 03 2a 01 31" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "CD alone", "3d 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "unknown SI after GT", "01 00 63 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "CN after GT", "01 00 0d 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "EX after GT", "01 00 05 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "PT after GT", "01 00 02 00" },
	{ TVC_UNKNOWN_SI, TV_TSDU, "TD after PT", "02 00 21 00" },

	{ TVC_TRAILING, TV_TSDU, "CN with a trailing octet", "0d 00 ff" },
	{ TVC_TRAILING, TV_TSDU, "AB followed by GT", "19 00 01 00" },
	{ TVC_TRAILING, TV_TSDU, "AA followed by AA", "1a 00 1a 00" },
	{ TVC_TRAILING, TV_TSDU, "FN with trailing junk",
	  "09 03 11 01 01 00 00" },
	{ TVC_TRAILING, TV_TSDU, "RF with trailing junk",
	  "0c 03 32 01 02 aa" },
	{ TVC_TRAILING, TV_TSDU, "MIP after GT with trailing junk",
	  "01 00 31 03 2a 01 31 ff" },
	{ TVC_TRAILING, TV_TSDU, "two category 2 SPDUs after GT",
	  "01 00 32 00 31 00" },

	{ TVC_SSEL, TV_TSDU, "calling SSEL of 17 octets",
	  "0d 13 33 11 aa*17" },
	{ TVC_SSEL, TV_TSDU, "called SSEL of 17 octets",
	  "0e 13 34 11 aa*17" },
	{ TVC_SSEL, TV_TSDU, "called SSEL of 300 octets",
	  "0d ff 01 30 34 ff 01 2c aa*300" },

	{ TVC_SERIAL, TV_TSDU, "ISN with a letter", "0d 05 05 03 17 01 41" },
	{ TVC_SERIAL, TV_TSDU, "ISN with a space", "0d 06 05 04 17 02 31 20" },
	{ TVC_SERIAL, TV_TSDU, "ISN of 7 digits",
	  "0d 0b 05 09 17 07 31 32 33 34 35 36 37" },
	{ TVC_SERIAL, TV_TSDU, "empty ISN", "0d 04 05 02 17 00" },
	{ TVC_SERIAL, TV_TSDU, "MIP serial with a letter",
	  "01 00 31 03 2a 01 78" },
	{ TVC_SERIAL, TV_TSDU, "MIP serial with a sign",
	  "01 00 31 04 2a 02 2d 31" },
	{ TVC_SERIAL, TV_TSDU, "AR linking serial with a colon",
	  "01 00 1d 05 21 03 2a 01 3a" },

	{ TVC_DUPLICATE, TV_TSDU, "session user requirements twice",
	  "0d 08 14 02 00 02 14 02 00 02" },
	{ TVC_DUPLICATE, TV_TSDU, "PGI 193 twice", "0d 04 c1 00 c1 00" },
	{ TVC_DUPLICATE, TV_TSDU, "PGI 193 and PGI 194", "0d 04 c1 00 c2 00" },
	{ TVC_DUPLICATE, TV_TSDU, "PGI 5 twice", "0d 04 05 00 05 00" },
	{ TVC_DUPLICATE, TV_TSDU, "version twice inside PGI 5",
	  "0d 08 05 06 16 01 02 16 01 02" },
	{ TVC_DUPLICATE, TV_TSDU, "version in PGI 5 and at top level",
	  "0d 08 05 03 16 01 02 16 01 02" },
	{ TVC_DUPLICATE, TV_TSDU, "extension twice in PGI 1",
	  "0d 08 01 06 e5 01 aa e5 01 bb" },
	{ TVC_DUPLICATE, TV_TSDU, "reason code twice in RF",
	  "0c 06 32 01 02 32 01 02" },
	{ TVC_DUPLICATE, TV_TSDU, "calling SSEL twice",
	  "0d 06 33 01 01 33 01 02" },

	{ TVC_FIXED_LEN, TV_TSDU, "requirements of 1 octet",
	  "0d 03 14 01 02" },
	{ TVC_FIXED_LEN, TV_TSDU, "version of 2 octets",
	  "0d 06 05 04 16 02 02 00" },
	{ TVC_FIXED_LEN, TV_TSDU, "TSDU maximum of 2 octets",
	  "0d 06 05 04 15 02 01 00" },
	{ TVC_FIXED_LEN, TV_TSDU, "token item of 0 octets", "01 02 10 00" },
	{ TVC_FIXED_LEN, TV_TSDU, "transport disconnect of 2 octets",
	  "09 04 11 02 01 01" },
	{ TVC_FIXED_LEN, TV_TSDU, "enclosure of 0 octets in DT",
	  "01 00 01 02 19 00" },
	{ TVC_FIXED_LEN, TV_TSDU, "empty reason code in RF", "0c 02 32 00" },
	{ TVC_FIXED_LEN, TV_TSDU, "reason code of 2 octets in ED",
	  "01 00 30 04 32 02 01 02" },

	{ TVC_EXTENSION, TV_TSDU, "extension of 65 octets",
	  "0d 45 01 43 e5 41 aa*65" },
};

static void tv_check_bad(struct tv_ctx *t, const struct tv_bad *v)
{
	struct ses_cotp c;

	switch (v->layer) {
	case TV_TPKT:
		TV_EQ(t, tv_tpkt_hex(t, v->hex), -EBADMSG);
		break;
	case TV_COTP:
		TV_EQ(t, tv_cotp_hex(t, v->hex, &c), -EBADMSG);
		break;
	case TV_TSDU:
		TV_EQ(t, tv_decode_hex(t, v->hex, 0), -EBADMSG);
		TV_EQ(t, tv_tsdu.n, 0);
		TV_EQ(t, tv_decode_hex(t, v->hex, 0x7fff), -EBADMSG);
		break;
	}
}

static void tv_check_class(struct tv_ctx *t, enum tv_class cls)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv_bad_inputs); i++)
		if (tv_bad_inputs[i].cls == cls)
			tv_check_bad(t, &tv_bad_inputs[i]);
}

static void tc_malformed_cotp_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_COTP);
}

static void tc_li_past_end_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_LI_PAST_END);
}

static void tc_li_ff_with_short_length_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_LI_LONG_SHORT);
}

static void tc_truncated_parameter_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_TRUNC_PARAM);
}

static void tc_pi_overrunning_its_pgi_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_NESTED_PGI);
}

static void tc_unknown_si_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_UNKNOWN_SI);
}

static void tc_trailing_octets_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_TRAILING);
}

static void tc_ssel_longer_than_16_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_SSEL);
}

static void tc_bad_serial_digits_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_SERIAL);
}

static void tc_duplicate_parameters_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_DUPLICATE);
}

static void tc_wrong_fixed_lengths_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_FIXED_LEN);
}

static void tc_oversized_extension_rejected(struct tv_ctx *t)
{
	tv_check_class(t, TVC_EXTENSION);
}

/*
 * Every prefix of a valid data TSDU with parameters decodes without
 * reading past it: it is either valid or -EBADMSG.
 */
static void tc_every_truncation_stays_in_bounds(struct tv_ctx *t)
{
	static const char * const valid[] = {
		"01 03 10 01 01 01 03 19 01 03 61 62",
		"01 00 31 0b 0f 01 01 2a 02 31 32 c1 02 aa bb",
		"0d 17 01 0d 0a 02 63 31 e5 02 aa bb 0b 03 78 79 7a 05 06 16 01 02 37 01 00",
		"0c 0f 11 01 01 14 02 00 02 16 01 02 32 03 02 6e 6f",
	};
	size_t i;
	int n, k, r;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		n = tv_hex(valid[i]);
		TV_EQ(t, tv_decode_hex(t, valid[i], 0), 0);
		for (k = 0; k < n; k++) {
			tv_hex(valid[i]);
			r = tv_decode_bytes(t, tv_hex_buf, k, 0);
			TV_TRUE(t, r == 0 || r == -EBADMSG);
		}
	}
}

struct tv_case {
	void (*fn)(struct tv_ctx *t);
	const char *name;
	const char *desc;
};

/* Every case above; the KUnit suite checks that it registers them all. */
static const struct tv_case tv_cases[] = {
	{ tc_token_spdus_encode_and_round_trip,
	  "token_spdus_encode_and_round_trip",
	  "GT, PT, GTC, GTA and NF encode; GT and PT round-trip" },
	{ tc_tpkt_gives_its_length, "tpkt_gives_its_length",
	  "TPKT header with version 3 gives its length" },
	{ tc_tpkt_short_header_waits, "tpkt_short_header_waits",
	  "fewer than 4 TPKT octets ask for more (0)" },
	{ tc_tpkt_wrong_version_rejected, "tpkt_wrong_version_rejected",
	  "TPKT with a wrong version or reserved octet is rejected" },
	{ tc_tpkt_short_length_rejected, "tpkt_short_length_rejected",
	  "TPKT length 0, 3, 4 and 6 is rejected" },
	{ tc_cotp_cr_round_trips, "cotp_cr_round_trips",
	  "COTP CR with TPDU size encodes and decodes" },
	{ tc_cotp_cr_without_size_round_trips, "cotp_cr_without_size_round_trips",
	  "COTP CR without TPDU size encodes and decodes" },
	{ tc_cotp_cc_round_trips, "cotp_cc_round_trips",
	  "COTP CC encodes and decodes" },
	{ tc_cotp_dr_round_trips, "cotp_dr_round_trips",
	  "COTP DR encodes and decodes" },
	{ tc_cotp_cr_skips_tsaps_and_unknown, "cotp_cr_skips_tsaps_and_unknown",
	  "COTP CR with TSAPs and unknown parameters decodes" },
	{ tc_cotp_er_decodes, "cotp_er_decodes",
	  "COTP ER decodes" },
	{ tc_cotp_encoders_check_space_and_size, "cotp_encoders_check_space_and_size",
	  "COTP encoders report -ENOSPC and reject bad TPDU sizes" },
	{ tc_dt_tpdu_header_frames_payload, "dt_tpdu_header_frames_payload",
	  "DT TPDU header carries length and EOT and decodes" },
	{ tc_malformed_cotp_rejected, "malformed_cotp_rejected",
	  "malformed COTP TPDUs are rejected" },
	{ tc_cn_with_version_only_round_trips, "cn_with_version_only_round_trips",
	  "CN with the version only round-trips" },
	{ tc_cn_with_selectors_round_trips, "cn_with_selectors_round_trips",
	  "CN with calling and called selectors round-trips" },
	{ tc_cn_with_every_parameter_round_trips, "cn_with_every_parameter_round_trips",
	  "CN with every parameter and a 64-octet extension round-trips" },
	{ tc_cn_encodes_in_x225_order, "cn_encodes_in_x225_order",
	  "CN encodes its parameters in X.225 order, octet for octet" },
	{ tc_isn_encodes_without_leading_zeros, "isn_encodes_without_leading_zeros",
	  "initial serial numbers encode as decimal without leading zeros" },
	{ tc_cn_with_long_user_data_uses_3_octet_li, "cn_with_long_user_data_uses_3_octet_li",
	  "CN with 300 octets of user data uses the 3-octet LI" },
	{ tc_li_254_is_short_and_255_is_long, "li_254_is_short_and_255_is_long",
	  "lengths up to 254 use the 1-octet LI, 255 the 3-octet LI" },
	{ tc_ac_with_token_item_round_trips, "ac_with_token_item_round_trips",
	  "AC with token item and every parameter round-trips" },
	{ tc_ac_encodes_token_item_before_requirements, "ac_encodes_token_item_before_requirements",
	  "AC encodes the token item before the requirements" },
	{ tc_rf_with_reason_and_user_data_round_trips, "rf_with_reason_and_user_data_round_trips",
	  "RF with reason code and user data round-trips" },
	{ tc_rf_with_reason_only_round_trips, "rf_with_reason_only_round_trips",
	  "RF with a reason code only round-trips" },
	{ tc_fn_round_trips, "fn_round_trips",
	  "FN with and without parameters round-trips" },
	{ tc_dn_round_trips, "dn_round_trips",
	  "DN with user data round-trips" },
	{ tc_nf_round_trips, "nf_round_trips",
	  "NF with and without user data round-trips" },
	{ tc_ab_round_trips, "ab_round_trips",
	  "AB with transport disconnect round-trips" },
	{ tc_aa_encodes_as_two_octets, "aa_encodes_as_two_octets",
	  "AA encodes as 1A 00 and decodes" },
	{ tc_encoder_reports_enospc, "encoder_reports_enospc",
	  "encoder returns -ENOSPC for every too small buffer" },
	{ tc_encoder_rejects_bad_values, "encoder_rejects_bad_values",
	  "encoder rejects other types and out-of-range values" },
	{ tc_encoder_skips_absent_parameters, "encoder_skips_absent_parameters",
	  "encoder writes only parameters marked present" },
	{ tc_dt_prefix_without_enclosure, "dt_prefix_without_enclosure",
	  "data TSDU prefix is 01 00 01 00 and decodes as GT + DT" },
	{ tc_dt_prefix_with_enclosure, "dt_prefix_with_enclosure",
	  "segment prefixes carry the enclosure item and decode as GT + DT" },
	{ tc_gt_dt_decodes_as_two_spdus, "gt_dt_decodes_as_two_spdus",
	  "GT with token item then DT decodes as two SPDUs" },
	{ tc_gt_and_pt_alone_decode, "gt_and_pt_alone_decode",
	  "GT and PT decode alone and with DT" },
	{ tc_category_2_spdus_decode_after_gt, "category_2_spdus_decode_after_gt",
	  "every category 2 SPDU decodes after GT" },
	{ tc_activity_fu_turns_map_into_ae, "activity_fu_turns_map_into_ae",
	  "SI 41/42 decode as AE/AEA with the activity unit" },
	{ tc_other_category_1_spdus_decode, "other_category_1_spdus_decode",
	  "EX, TD, PR, GTC, GTA, CDO and OA decode alone" },
	{ tc_unknown_parameters_are_skipped, "unknown_parameters_are_skipped",
	  "unknown parameters are skipped, the extension found in PGI 1" },
	{ tc_extended_user_data_pgi_is_user_data, "extended_user_data_pgi_is_user_data",
	  "PGI 194 is taken as user data" },
	{ tc_long_form_li_for_short_lengths_decodes, "long_form_li_for_short_lengths_decodes",
	  "a 3-octet LI holding a short length decodes" },
	{ tc_serial_numbers_with_leading_zeros_decode, "serial_numbers_with_leading_zeros_decode",
	  "serial numbers with leading zeros decode" },
	{ tc_spdu_names_are_short, "spdu_names_are_short",
	  "every SPDU type has a short name" },
	{ tc_li_past_end_rejected, "li_past_end_rejected",
	  "an LI past the end is rejected" },
	{ tc_li_ff_with_short_length_rejected, "li_ff_with_short_length_rejected",
	  "LI FF without a full 2-octet length is rejected" },
	{ tc_truncated_parameter_rejected, "truncated_parameter_rejected",
	  "a truncated parameter is rejected" },
	{ tc_pi_overrunning_its_pgi_rejected, "pi_overrunning_its_pgi_rejected",
	  "a PI overrunning its PGI, or a PGI in a PGI, is rejected" },
	{ tc_unknown_si_rejected, "unknown_si_rejected",
	  "an unknown or misplaced SI is rejected" },
	{ tc_trailing_octets_rejected, "trailing_octets_rejected",
	  "octets after a category 1 or 2 SPDU are rejected" },
	{ tc_ssel_longer_than_16_rejected, "ssel_longer_than_16_rejected",
	  "a session selector over 16 octets is rejected" },
	{ tc_bad_serial_digits_rejected, "bad_serial_digits_rejected",
	  "serial numbers that are not 1 to 6 digits are rejected" },
	{ tc_duplicate_parameters_rejected, "duplicate_parameters_rejected",
	  "a parameter met twice is rejected" },
	{ tc_wrong_fixed_lengths_rejected, "wrong_fixed_lengths_rejected",
	  "fixed-size parameters with another length are rejected" },
	{ tc_oversized_extension_rejected, "oversized_extension_rejected",
	  "an extension over 64 octets is rejected" },
	{ tc_every_truncation_stays_in_bounds, "every_truncation_stays_in_bounds",
	  "every truncation of a valid TSDU decodes within its bounds" },
};

#endif /* _SES_SPDU_CASES_H */
