// SPDX-License-Identifier: GPL-2.0
/*
 * Write the seed corpus of the fuzz targets, built with the encoders of
 * net/ses/spdu.c: "gen_seeds <corpus dir>" writes the .bin files under
 * <dir>/tsdu and <dir>/encode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spdu.h"

static const char *dir;
static int failures;

static void put(const char *target, const char *name, const u8 *p, int n)
{
	char path[512];
	FILE *f;

	if (n < 0) {
		fprintf(stderr, "%s: encoder error %d\n", name, n);
		failures++;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/%s.bin", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != (size_t)n || fclose(f)) {
		perror(path);
		failures++;
	}
}

static u8 ud[400];
static u8 buf[1024];

static void spdu(const char *name, const struct ses_spdu *s)
{
	put("tsdu", name, buf, ses_spdu_encode(buf, sizeof(buf), s));
}

static void raw(const char *name, const char *bytes, int n)
{
	put("tsdu", name, (const u8 *)bytes, n);
}

static void data_tsdu(const char *name, bool seg, u8 enc, int len)
{
	int n = ses_dt_prefix(buf, seg, enc);

	memcpy(buf + n, ud, len);
	put("tsdu", name, buf, n + len);
}

static void tsdu_seeds(void)
{
	struct ses_spdu s;
	int n;

	/* An MMS-style CN: the shape libiec61850 clients send. */
	memset(&s, 0, sizeof(s));
	s.type = SES_SPDU_CN;
	s.present = SES_P_PROTOCOL_OPTIONS | SES_P_VERSION | SES_P_SUR |
		    SES_P_CALLING_SSEL | SES_P_CALLED_SSEL | SES_P_USER_DATA;
	s.version = SES_VERSION_2;
	s.sur = 0x0002;
	s.calling_ssel_len = 2;
	s.calling_ssel[1] = 1;
	s.called_ssel_len = 2;
	s.called_ssel[1] = 1;
	s.user_data = ud;
	s.user_data_len = 160;
	spdu("cn_mms", &s);

	/* An SES CN: extension in PGI 1, TSDU sizes, ISN, tokens. */
	s.present |= SES_P_EXTENSION | SES_P_TSDU_MAX | SES_P_ISN |
		     SES_P_TOKEN_SETTING;
	s.ext_len = 24;
	memcpy(s.ext, ud, 24);
	s.tsdu_max_itor = 8192;
	s.tsdu_max_rtoi = 8192;
	s.isn = 42;
	s.token_setting = 0x55;
	s.user_data_len = 20;
	spdu("cn_ses_ext", &s);

	s.user_data_len = 300;
	spdu("cn_long_li", &s);

	s.type = SES_SPDU_AC;
	s.present |= SES_P_TOKEN_ITEM;
	s.token_item = SES_TOKEN_DATA;
	s.user_data_len = 60;
	spdu("ac_ses_ext", &s);

	memset(&s, 0, sizeof(s));
	s.type = SES_SPDU_RF;
	s.present = SES_P_TRANSPORT_DISC | SES_P_VERSION | SES_P_REASON |
		    SES_P_USER_DATA;
	s.transport_disc = SES_TD_RELEASED;
	s.version = SES_VERSION_2;
	s.reason = 2;
	s.user_data = ud;
	s.user_data_len = 8;
	spdu("rf_user_data", &s);

	memset(&s, 0, sizeof(s));
	s.type = SES_SPDU_FN;
	s.present = SES_P_TRANSPORT_DISC | SES_P_USER_DATA;
	s.transport_disc = SES_TD_RELEASED;
	s.user_data = ud;
	s.user_data_len = 12;
	spdu("fn", &s);
	s.type = SES_SPDU_AB;
	s.transport_disc = SES_TD_RELEASED | SES_TD_PROTOCOL_ERROR;
	spdu("ab", &s);
	s.type = SES_SPDU_DN;
	spdu("dn", &s);

	data_tsdu("gt_dt", false, 0, 32);
	data_tsdu("gt_dt_enclosure", true, SES_ENC_BEGIN, 16);

	raw("pt_token_user_data", "\x02\x07\x10\x01\x01\xc1\x02\xaa\xbb", 9);
	raw("gt_mip_serial",
	    "\x01\x00\x31\x0b\x0f\x01\x01\x2a\x02\x31\x32\xc1\x02\xaa\xbb",
	    15);
	raw("gt_rs", "\x01\x00\x35\x0b\x1b\x01\x01\x2a\x03\x31\x30\x30"
	    "\x1a\x01\x15", 15);
	raw("gt_ar_linking", "\x01\x00\x1d\x0c\x21\x07\x0b\x00\x2a\x03\x31"
	    "\x32\x33\x29\x01\x07", 16);
	raw("ex", "\x05\x00\x68\x69", 4);

	/* TPKT + COTP framings, for ses_tpkt_len() and ses_cotp_decode(). */
	put("tsdu", "cotp_cr", buf,
	    ses_cotp_encode_cr(buf, sizeof(buf), 1, 10));
	raw("cotp_cr_tsaps", "\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00"
	    "\xc1\x02\x00\x01\xc2\x02\x00\x01\xc0\x01\x0d", 22);
	put("tsdu", "cotp_dr", buf,
	    ses_cotp_encode_dr(buf, sizeof(buf), 1, 2, 0));
	ses_dt_tpdu_hdr(buf, 8, true);
	n = ses_dt_prefix(buf + SES_DT_TPDU_HLEN, false, 0);
	memcpy(buf + SES_DT_TPDU_HLEN + n, "abcd", 4);
	put("tsdu", "cotp_dt", buf, SES_DT_TPDU_HLEN + 8);
}

/*
 * fuzz_encode input: type index, present (3 octets, big endian), protocol
 * options, TSDU max (2 + 2), version, ISN (3), token setting, token item,
 * requirements (2), transport disconnect, reason, data overflow, the
 * three lengths, 16 + 16 + 64 octets of selectors and extension, then
 * user data.
 */
static void encode_seeds(void)
{
	static const u8 cn[] = {
		0, 0x07, 0xff, 0xff, 0, 0x20, 0x00, 0x20, 0x00, 2, 0, 0, 42,
		0x55, 1, 0x00, 0x02, 0x01, 0, 2, 2, 2, 8,
	};
	static const u8 rf[] = {
		2, 0x00, 0x1c, 0x44, 0, 0, 0, 0, 0, 2, 0, 0, 0,
		0, 0, 0x00, 0x02, 0x01, 0x84, 0, 0, 0, 0,
	};
	static const u8 aa[] = { 7 };

	put("encode", "cn_all", cn, sizeof(cn));
	put("encode", "rf_reason", rf, sizeof(rf));
	put("encode", "aa", aa, sizeof(aa));
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	for (i = 0; i < sizeof(ud); i++)
		ud[i] = (u8)(0x60 + i % 26);
	ud[0] = 0x0d;	/* user data that starts like an SPDU */
	tsdu_seeds();
	encode_seeds();
	return failures ? 1 : 0;
}
