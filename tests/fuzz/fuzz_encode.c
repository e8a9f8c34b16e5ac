// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ses_spdu_encode(): the input chooses an SPDU type,
 * its present bits, its values and its user data. The encoder must refuse
 * exactly the out-of-range values, never write past the capacity it is
 * given, and produce octets that ses_tsdu_decode() turns back into the
 * same parameters.
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

static const enum ses_spdu_type types[] = {
	SES_SPDU_CN, SES_SPDU_AC, SES_SPDU_RF, SES_SPDU_FN,
	SES_SPDU_DN, SES_SPDU_NF, SES_SPDU_AB, SES_SPDU_AA,
	SES_SPDU_MIP, SES_SPDU_MIA, SES_SPDU_MAP, SES_SPDU_MAA,
	SES_SPDU_RS, SES_SPDU_RA,	/* behind an empty GT */
	SES_SPDU_DT,	/* not encodable */
};

static bool category_2(enum ses_spdu_type type)
{
	return type >= SES_SPDU_MIP && type <= SES_SPDU_RA;
}

/* What each type encodes (as in ses_spdu_encode()). */
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
	case SES_SPDU_MIP:
	case SES_SPDU_MAP:
		return SES_P_SYNC_TYPE | SES_P_SERIAL | SES_P_USER_DATA;
	case SES_SPDU_MIA:
	case SES_SPDU_MAA:
		return SES_P_SERIAL | SES_P_USER_DATA;
	case SES_SPDU_RS:
		return SES_P_TOKEN_SETTING | SES_P_RESYNC_TYPE | SES_P_SERIAL |
		       SES_P_USER_DATA;
	case SES_SPDU_RA:
		return SES_P_TOKEN_SETTING | SES_P_SERIAL | SES_P_USER_DATA;
	default:
		return 0;
	}
}

struct input {
	const u8 *p;
	size_t left;
};

static u8 take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static u8 out[SES_TPKT_MAX + 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct ses_spdu s, *d;
	struct ses_tsdu t;
	bool invalid = false;
	u32 mask, p;
	int n, i;

	memset(&s, 0, sizeof(s));
	s.type = types[take(&in) % ARRAY_SIZE(types)];
	for (i = 0; i < 3; i++)
		s.present = s.present << 8 | take(&in);
	s.present &= (1u << 19) - 1;
	s.protocol_options = take(&in);
	s.tsdu_max_itor = take(&in) << 8 | take(&in);
	s.tsdu_max_rtoi = take(&in) << 8 | take(&in);
	s.version = take(&in);
	s.isn = (take(&in) << 16 | take(&in) << 8 | take(&in)) % 1100000;
	s.serial = (take(&in) << 16 | take(&in) << 8 | take(&in)) % 1100000;
	s.sync_type = take(&in);
	s.resync_type = take(&in);
	s.token_setting = take(&in);
	s.token_item = take(&in);
	s.sur = take(&in) << 8 | take(&in);
	s.transport_disc = take(&in);
	s.reason = take(&in);
	s.data_overflow = take(&in);
	s.calling_ssel_len = take(&in) % 20;
	s.called_ssel_len = take(&in) % 20;
	s.ext_len = take(&in) % 70;
	for (i = 0; i < SES_SSEL_LEN_MAX; i++)
		s.calling_ssel[i] = take(&in);
	for (i = 0; i < SES_SSEL_LEN_MAX; i++)
		s.called_ssel[i] = take(&in);
	for (i = 0; i < SES_EXT_LEN_MAX; i++)
		s.ext[i] = take(&in);
	s.user_data = in.p;
	s.user_data_len = in.left;

	mask = encoded_params(s.type);
	p = s.present;
	if (!mask && s.type != SES_SPDU_AA)
		invalid = true;
	if ((p & SES_P_ISN) && s.isn > SES_SERIAL_MAX)
		invalid = true;
	if ((p & SES_P_SERIAL) && s.serial > SES_SERIAL_MAX)
		invalid = true;
	if ((p & SES_P_CALLING_SSEL) && s.calling_ssel_len > SES_SSEL_LEN_MAX)
		invalid = true;
	if ((p & SES_P_CALLED_SSEL) && s.called_ssel_len > SES_SSEL_LEN_MAX)
		invalid = true;
	if ((p & SES_P_EXTENSION) && s.ext_len > SES_EXT_LEN_MAX)
		invalid = true;
	if (s.type == SES_SPDU_RF && (p & SES_P_USER_DATA) &&
	    !(p & SES_P_REASON))
		invalid = true;

	n = ses_spdu_encode(out, sizeof(out), &s);
	if (invalid) {
		CHECK(n == -EINVAL);
		return 0;
	}
	if (n == -EINVAL) {
		/* Only a parameter field over 65535 octets. */
		CHECK(size > 65000);
		return 0;
	}
	CHECK(n >= 2);
	CHECK(ses_spdu_encode(out, n - 1, &s) == -ENOSPC);
	CHECK(ses_spdu_encode(out, n, &s) == n);

	CHECK(ses_tsdu_decode(out, n, 0, &t) == 0);
	CHECK(t.n == (category_2(s.type) ? 2 : 1));
	d = &t.spdu[t.n - 1];
	p &= mask;
	/* An empty tail after the RF reason is no user data. */
	if (s.type == SES_SPDU_RF && !s.user_data_len)
		p &= ~SES_P_USER_DATA;
	CHECK(d->type == s.type);
	CHECK(d->present == p);
	CHECK(!(p & SES_P_PROTOCOL_OPTIONS) ||
	      d->protocol_options == s.protocol_options);
	CHECK(!(p & SES_P_TSDU_MAX) || (d->tsdu_max_itor == s.tsdu_max_itor &&
					d->tsdu_max_rtoi == s.tsdu_max_rtoi));
	CHECK(!(p & SES_P_VERSION) || d->version == s.version);
	CHECK(!(p & SES_P_ISN) || d->isn == s.isn);
	CHECK(!(p & SES_P_SERIAL) || d->serial == s.serial);
	CHECK(!(p & SES_P_SYNC_TYPE) || d->sync_type == s.sync_type);
	CHECK(!(p & SES_P_RESYNC_TYPE) || d->resync_type == s.resync_type);
	CHECK(!(p & SES_P_TOKEN_SETTING) ||
	      d->token_setting == s.token_setting);
	CHECK(!(p & SES_P_TOKEN_ITEM) || d->token_item == s.token_item);
	CHECK(!(p & SES_P_SUR) || d->sur == s.sur);
	CHECK(!(p & SES_P_TRANSPORT_DISC) ||
	      d->transport_disc == s.transport_disc);
	CHECK(!(p & SES_P_REASON) || d->reason == s.reason);
	CHECK(!(p & SES_P_DATA_OVERFLOW) ||
	      d->data_overflow == s.data_overflow);
	CHECK(!(p & SES_P_CALLING_SSEL) ||
	      (d->calling_ssel_len == s.calling_ssel_len &&
	       !memcmp(d->calling_ssel, s.calling_ssel, s.calling_ssel_len)));
	CHECK(!(p & SES_P_CALLED_SSEL) ||
	      (d->called_ssel_len == s.called_ssel_len &&
	       !memcmp(d->called_ssel, s.called_ssel, s.called_ssel_len)));
	CHECK(!(p & SES_P_EXTENSION) ||
	      (d->ext_len == s.ext_len && !memcmp(d->ext, s.ext, s.ext_len)));
	if (p & SES_P_USER_DATA) {
		CHECK(d->user_data_len == s.user_data_len &&
		      (!s.user_data_len ||
		       !memcmp(d->user_data, s.user_data, s.user_data_len)));
	}
	return 0;
}
