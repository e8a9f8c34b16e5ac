// SPDX-License-Identifier: GPL-2.0
/*
 * SES extensions on the wire (ext.h has the layout). Pure C: no state, no
 * allocation; every length is checked before anything is read.
 */
#include "ext.h"
#include "spdu.h"

/* Value lengths of version 2, by kind. */
static const u8 ses_ext_len[SES_EXTK_MAX] = {
	[SES_EXTK_OFFER]	= 1 + 1 + SES_PUB_LEN,
	[SES_EXTK_ACCEPT]	= 1 + 1 + 8 + SES_PUB_LEN,
	[SES_EXTK_RESUME]	= 1 + 8 + SES_NONCE_LEN,
	[SES_EXTK_CHALLENGE]	= 1 + SES_NONCE_LEN + 8 + SES_MAC_LEN,
	[SES_EXTK_PROOF]	= 1 + 8 + SES_MAC_LEN,
	[SES_EXTK_ACK]		= 1 + 4,
};

static u64 rd64(const u8 *p)
{
	return (u64)get_unaligned_be32(p) << 32 | get_unaligned_be32(p + 4);
}

static void wr64(u8 *p, u64 v)
{
	put_unaligned_be32(v >> 32, p);
	put_unaligned_be32((u32)v, p + 4);
}

int ses_ext_decode(const u8 *v, size_t len, struct ses_ext *e)
{
	const u8 *p = v + 1;
	u8 kind, want;

	memset(e, 0, sizeof(*e));
	if (len < 1)
		return -EBADMSG;
	e->version = v[0] >> 4;
	kind = v[0] & 0x0f;
	if (!e->version || !kind || kind >= SES_EXTK_MAX)
		return -EBADMSG;
	want = ses_ext_len[kind];
	/* only an OFFER of a later version may be longer */
	if (len < want || (len > want && (kind != SES_EXTK_OFFER ||
					  e->version == SES_EXT_WIRE_VERSION)))
		return -EBADMSG;
	e->kind = kind;

	switch (kind) {
	case SES_EXTK_OFFER:
		e->flags = *p++;
		memcpy(e->pub, p, SES_PUB_LEN);
		break;
	case SES_EXTK_ACCEPT:
		e->flags = *p++;
		e->sid = rd64(p);
		memcpy(e->pub, p + 8, SES_PUB_LEN);
		break;
	case SES_EXTK_RESUME:
		e->sid = rd64(p);
		memcpy(e->nonce, p + 8, SES_NONCE_LEN);
		break;
	case SES_EXTK_CHALLENGE:
		memcpy(e->nonce, p, SES_NONCE_LEN);
		e->seq = rd64(p + SES_NONCE_LEN);
		memcpy(e->mac, p + SES_NONCE_LEN + 8, SES_MAC_LEN);
		break;
	case SES_EXTK_PROOF:
		e->seq = rd64(p);
		memcpy(e->mac, p + 8, SES_MAC_LEN);
		break;
	case SES_EXTK_ACK:
		e->seq = get_unaligned_be32(p);
		break;
	}
	return 0;
}

int ses_ext_encode(u8 *buf, size_t cap, const struct ses_ext *e)
{
	u8 *p = buf + 1;
	size_t len;

	if (!e->kind || e->kind >= SES_EXTK_MAX)
		return -EINVAL;
	len = ses_ext_len[e->kind];
	if (cap < len)
		return -ENOSPC;
	buf[0] = SES_EXT_WIRE_VERSION << 4 | e->kind;

	switch (e->kind) {
	case SES_EXTK_OFFER:
		*p++ = e->flags;
		memcpy(p, e->pub, SES_PUB_LEN);
		break;
	case SES_EXTK_ACCEPT:
		*p++ = e->flags;
		wr64(p, e->sid);
		memcpy(p + 8, e->pub, SES_PUB_LEN);
		break;
	case SES_EXTK_RESUME:
		wr64(p, e->sid);
		memcpy(p + 8, e->nonce, SES_NONCE_LEN);
		break;
	case SES_EXTK_CHALLENGE:
		memcpy(p, e->nonce, SES_NONCE_LEN);
		wr64(p + SES_NONCE_LEN, e->seq);
		memcpy(p + SES_NONCE_LEN + 8, e->mac, SES_MAC_LEN);
		break;
	case SES_EXTK_PROOF:
		wr64(p, e->seq);
		memcpy(p + 8, e->mac, SES_MAC_LEN);
		break;
	case SES_EXTK_ACK:
		put_unaligned_be32((u32)e->seq, p);
		break;
	}
	return len;
}

int ses_ext_gt_encode(u8 *buf, size_t cap, const struct ses_ext *e)
{
	u8 v[SES_EXT_VALUE_MAX];
	int len;

	len = ses_ext_encode(v, sizeof(v), e);
	if (len < 0)
		return len;
	if (cap < (size_t)len + 6)
		return -ENOSPC;
	/* every length is below 255: the one-octet LI form throughout */
	buf[0] = SES_SI_GT;
	buf[1] = len + 4;
	buf[2] = SES_PGI_CONN_ID;
	buf[3] = len + 2;
	buf[4] = SES_PI_EXTENSION;
	buf[5] = len;
	memcpy(buf + 6, v, len);
	return len + 6;
}
