// SPDX-License-Identifier: GPL-2.0
/*
 * SES wire codec: TPKT (RFC 1006), COTP class 0 (X.224) and session
 * SPDUs (X.225). Pure C, no allocation and no state: it is linked into
 * ses.ko and also builds in userspace for unit tests and fuzzing.
 *
 * Decoding rules (spdu.h has the API):
 *  - every length is checked against what remains of its enclosing unit
 *    (TSDU, SPDU parameter field or PGI) before anything is read;
 *  - PGIs hold PIs only: a PGI code inside a PGI is -EBADMSG, so parsing
 *    is never more than two levels deep and never recursive;
 *  - fixed-size parameters with another length, serial numbers that are
 *    not 1 to 6 decimal digits, selectors longer than 16 octets, an
 *    extension longer than SES_EXT_LEN_MAX and any parameter met twice
 *    are -EBADMSG; unknown parameters with a valid length are skipped;
 *  - only DT, EX and TD have a user information field after the
 *    parameter field; RF carries user data in the tail of its Reason Code;
 *    every other SPDU in PGI 193 (or 194). PGI 193/194 in DT, EX, TD and
 *    RF is not theirs and is skipped like any unknown parameter. For DT,
 *    EX and TD, user_data points at the user information field even when
 *    it is empty (SES_P_USER_DATA is set only when it is not);
 *  - SES_P_USER_DATA from an RF reason code is set only when the reason
 *    code has octets after the reason.
 */
#include "spdu.h"

/* X.225 values spdu.h does not name. */
#define SI_ER			0	/* EXCEPTION REPORT, category 2 */

/* SES_FU_ACTIVITY of the uapi header: PI 20 bit 7. */
#define FU_ACTIVITY		0x0040

#define LI_LONG			0xff
#define LI_SHORT_MAX		254
#define LI_MAX			65535

/* ------------------------------------------------------------------ */
/* TPKT and COTP                                                       */
/* ------------------------------------------------------------------ */

int ses_tpkt_len(const u8 *buf, size_t len)
{
	u16 l;

	if (len < SES_TPKT_HLEN)
		return 0;
	if (buf[0] != SES_TPKT_VERSION || buf[1] != 0)
		return -EBADMSG;
	l = get_unaligned_be16(buf + 2);
	if (l < SES_TPKT_HLEN + SES_COTP_DT_HLEN)
		return -EBADMSG;
	return l;
}

/*
 * Walk the variable part of a CR/CC/DR/ER header, [@p, @end): each
 * parameter is code, 1-octet length, value. Only the TPDU size is kept.
 */
static int cotp_params(const u8 *p, const u8 *end, struct ses_cotp *out)
{
	bool seen_size = false;

	while (p < end) {
		size_t avail = end - p;
		u8 code, plen;

		if (avail < 2)
			return -EBADMSG;
		code = p[0];
		plen = p[1];
		if (plen > avail - 2)
			return -EBADMSG;
		if (code == SES_COTP_PI_TPDU_SIZE) {
			if (seen_size || plen != 1 ||
			    p[2] < SES_TPDU_CODE_MIN || p[2] > SES_TPDU_CODE_MAX)
				return -EBADMSG;
			out->tpdu_size_code = p[2];
			seen_size = true;
		}
		/* Calling/called TSAP and anything else: skipped. */
		p += 2 + plen;
	}
	return 0;
}

int ses_cotp_decode(const u8 *buf, size_t len, struct ses_cotp *out)
{
	const u8 *hend;
	u8 li;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -EBADMSG;
	li = buf[0];
	/* LI counts the header after itself; 255 is reserved. */
	if (li < 1 || li == 255 || li > len - 1)
		return -EBADMSG;
	hend = buf + 1 + li;
	out->code = buf[1] & 0xf0;
	out->data = hend;
	out->data_len = len - 1 - li;

	switch (out->code) {
	case SES_COTP_DT:
		/* Class 0: fixed header, no variable part. */
		if (buf[1] != SES_COTP_DT || li != 2)
			return -EBADMSG;
		out->eot = !!(buf[2] & SES_COTP_EOT);
		return 0;
	case SES_COTP_CR:
	case SES_COTP_CC:
		if (li < 6)
			return -EBADMSG;
		out->dst_ref = get_unaligned_be16(buf + 2);
		out->src_ref = get_unaligned_be16(buf + 4);
		out->class_opt = buf[6];
		return cotp_params(buf + 7, hend, out);
	case SES_COTP_DR:
		if (buf[1] != SES_COTP_DR || li < 6)
			return -EBADMSG;
		out->dst_ref = get_unaligned_be16(buf + 2);
		out->src_ref = get_unaligned_be16(buf + 4);
		out->reason = buf[6];
		return cotp_params(buf + 7, hend, out);
	case SES_COTP_ER:
		if (buf[1] != SES_COTP_ER || li < 4)
			return -EBADMSG;
		out->dst_ref = get_unaligned_be16(buf + 2);
		out->reason = buf[4];
		return cotp_params(buf + 5, hend, out);
	default:
		return -EBADMSG;
	}
}

static void tpkt_hdr(u8 *buf, size_t total)
{
	buf[0] = SES_TPKT_VERSION;
	buf[1] = 0;
	put_unaligned_be16(total, buf + 2);
}

/* CR and CC: same layout, different code. */
static int cotp_encode_conn(u8 *buf, size_t cap, u8 code, u16 dst_ref,
			    u16 src_ref, u8 tpdu_size_code)
{
	size_t li = 6, total;

	if (tpdu_size_code) {
		if (tpdu_size_code < SES_TPDU_CODE_MIN ||
		    tpdu_size_code > SES_TPDU_CODE_MAX)
			return -EINVAL;
		li += 3;
	}
	total = SES_TPKT_HLEN + 1 + li;
	if (cap < total)
		return -ENOSPC;
	tpkt_hdr(buf, total);
	buf[4] = li;
	buf[5] = code;
	put_unaligned_be16(dst_ref, buf + 6);
	put_unaligned_be16(src_ref, buf + 8);
	buf[10] = 0;	/* class 0, no options */
	if (tpdu_size_code) {
		buf[11] = SES_COTP_PI_TPDU_SIZE;
		buf[12] = 1;
		buf[13] = tpdu_size_code;
	}
	return total;
}

int ses_cotp_encode_cr(u8 *buf, size_t cap, u16 src_ref, u8 tpdu_size_code)
{
	return cotp_encode_conn(buf, cap, SES_COTP_CR, 0, src_ref,
				tpdu_size_code);
}

int ses_cotp_encode_cc(u8 *buf, size_t cap, u16 dst_ref, u16 src_ref,
		       u8 tpdu_size_code)
{
	return cotp_encode_conn(buf, cap, SES_COTP_CC, dst_ref, src_ref,
				tpdu_size_code);
}

int ses_cotp_encode_dr(u8 *buf, size_t cap, u16 dst_ref, u16 src_ref,
		       u8 reason)
{
	const size_t total = SES_TPKT_HLEN + 7;

	if (cap < total)
		return -ENOSPC;
	tpkt_hdr(buf, total);
	buf[4] = 6;
	buf[5] = SES_COTP_DR;
	put_unaligned_be16(dst_ref, buf + 6);
	put_unaligned_be16(src_ref, buf + 8);
	buf[10] = reason;
	return total;
}

void ses_dt_tpdu_hdr(u8 *buf, size_t payload_len, bool eot)
{
	tpkt_hdr(buf, payload_len + SES_DT_TPDU_HLEN);
	buf[4] = 2;
	buf[5] = SES_COTP_DT;
	buf[6] = eot ? SES_COTP_EOT : 0;
}

/* ------------------------------------------------------------------ */
/* SPDU decoding                                                       */
/* ------------------------------------------------------------------ */

/*
 * One code/LI/value unit (SPDU header, PGI or PI) at @p, inside
 * [@p, @end). Sets the code and the value bounds, or returns -EBADMSG
 * when the LI or the value does not fit.
 */
static int unit_get(const u8 *p, const u8 *end, u8 *code, const u8 **val,
		    size_t *vlen)
{
	size_t avail = end - p;
	size_t l, hl;

	if (avail < 2)
		return -EBADMSG;
	if (p[1] != LI_LONG) {
		l = p[1];
		hl = 2;
	} else {
		if (avail < 4)
			return -EBADMSG;
		l = get_unaligned_be16(p + 2);
		hl = 4;
	}
	if (l > avail - hl)
		return -EBADMSG;
	*code = p[0];
	*val = p + hl;
	*vlen = l;
	return 0;
}

static bool is_pgi(u8 code)
{
	switch (code) {
	case SES_PGI_CONN_ID:
	case SES_PGI_CONN_ACCEPT:
	case SES_PGI_LINKING:
	case SES_PGI_USER_DATA:
	case SES_PGI_EXT_USER_DATA:
		return true;
	default:
		return false;
	}
}

/* Mark @bit present; a parameter met twice is malformed. */
static int mark(struct ses_spdu *s, u32 bit)
{
	if (s->present & bit)
		return -EBADMSG;
	s->present |= bit;
	return 0;
}

static int get_u8(struct ses_spdu *s, u32 bit, const u8 *v, size_t vlen,
		  u8 *dst)
{
	if (vlen != 1)
		return -EBADMSG;
	*dst = v[0];
	return mark(s, bit);
}

/* Serial numbers: 1 to 6 ASCII decimal digits (X.225 8.3.*). */
static int get_serial(struct ses_spdu *s, u32 bit, const u8 *v, size_t vlen,
		      u32 *dst)
{
	u32 n = 0;
	size_t i;

	if (vlen < 1 || vlen > SES_SERIAL_DIGITS)
		return -EBADMSG;
	for (i = 0; i < vlen; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		n = n * 10 + (v[i] - '0');
	}
	*dst = n;
	return mark(s, bit);
}

static int get_ssel(struct ses_spdu *s, u32 bit, const u8 *v, size_t vlen,
		    u8 *dst, u8 *dlen)
{
	if (vlen > SES_SSEL_LEN_MAX)
		return -EBADMSG;
	memcpy(dst, v, vlen);
	*dlen = vlen;
	return mark(s, bit);
}

static int set_user_data(struct ses_spdu *s, const u8 *v, size_t vlen)
{
	s->user_data = v;
	s->user_data_len = vlen;
	return mark(s, SES_P_USER_DATA);
}

/* The PIs of the Connect/Accept Item (PGI 5); the same codes are also
 * taken at the top level (RF and OA carry PI 22 there).
 */
static int dec_accept_pi(struct ses_spdu *s, u8 code, const u8 *v,
			 size_t vlen)
{
	switch (code) {
	case SES_PI_PROTOCOL_OPTIONS:
		return get_u8(s, SES_P_PROTOCOL_OPTIONS, v, vlen,
			      &s->protocol_options);
	case SES_PI_TSDU_MAX:
		if (vlen != 4)
			return -EBADMSG;
		s->tsdu_max_itor = get_unaligned_be16(v);
		s->tsdu_max_rtoi = get_unaligned_be16(v + 2);
		return mark(s, SES_P_TSDU_MAX);
	case SES_PI_VERSION:
		return get_u8(s, SES_P_VERSION, v, vlen, &s->version);
	case SES_PI_ISN:
		return get_serial(s, SES_P_ISN, v, vlen, &s->isn);
	case SES_PI_TOKEN_SETTING:
		return get_u8(s, SES_P_TOKEN_SETTING, v, vlen,
			      &s->token_setting);
	default:
		/* Second/large initial serial numbers (v2): skipped. */
		return 0;
	}
}

/* A top-level PI (not a PGI). Unknown codes are skipped. */
static int dec_pi(struct ses_spdu *s, u8 code, const u8 *v, size_t vlen)
{
	switch (code) {
	case SES_PI_PROTOCOL_OPTIONS:
	case SES_PI_TSDU_MAX:
	case SES_PI_VERSION:
	case SES_PI_ISN:
	case SES_PI_TOKEN_SETTING:
		return dec_accept_pi(s, code, v, vlen);
	case SES_PI_TOKEN_ITEM:
		return get_u8(s, SES_P_TOKEN_ITEM, v, vlen, &s->token_item);
	case SES_PI_SUR:
		if (vlen != 2)
			return -EBADMSG;
		s->sur = get_unaligned_be16(v);
		return mark(s, SES_P_SUR);
	case SES_PI_CALLING_SSEL:
		return get_ssel(s, SES_P_CALLING_SSEL, v, vlen,
				s->calling_ssel, &s->calling_ssel_len);
	case SES_PI_CALLED_SSEL:
		return get_ssel(s, SES_P_CALLED_SSEL, v, vlen,
				s->called_ssel, &s->called_ssel_len);
	case SES_PI_ENCLOSURE:
		return get_u8(s, SES_P_ENCLOSURE, v, vlen, &s->enclosure);
	case SES_PI_TRANSPORT_DISC:
		return get_u8(s, SES_P_TRANSPORT_DISC, v, vlen,
			      &s->transport_disc);
	case SES_PI_REASON:
		if (vlen < 1 || (vlen > 1 && s->type != SES_SPDU_RF))
			return -EBADMSG;
		s->reason = v[0];
		if (vlen > 1 && set_user_data(s, v + 1, vlen - 1))
			return -EBADMSG;
		return mark(s, SES_P_REASON);
	case SES_PI_SERIAL:
		return get_serial(s, SES_P_SERIAL, v, vlen, &s->serial);
	case SES_PI_SYNC_TYPE:
		return get_u8(s, SES_P_SYNC_TYPE, v, vlen, &s->sync_type);
	case SES_PI_RESYNC_TYPE:
		return get_u8(s, SES_P_RESYNC_TYPE, v, vlen, &s->resync_type);
	case SES_PI_PREPARE_TYPE:
		return get_u8(s, SES_P_PREPARE_TYPE, v, vlen,
			      &s->prepare_type);
	case SES_PI_DATA_OVERFLOW:
		return get_u8(s, SES_P_DATA_OVERFLOW, v, vlen,
			      &s->data_overflow);
	default:
		/* Reflect parameter, activity id, references, ...: skipped. */
		return 0;
	}
}

/* The PIs inside one PGI (1, 5 or 33), [@p, @end). */
static int dec_group(struct ses_spdu *s, u8 pgi, const u8 *p, const u8 *end)
{
	while (p < end) {
		const u8 *v;
		size_t vlen;
		u8 code;
		int err;

		err = unit_get(p, end, &code, &v, &vlen);
		if (err)
			return err;
		p = v + vlen;
		if (is_pgi(code))
			return -EBADMSG;
		switch (pgi) {
		case SES_PGI_CONN_ID:
			if (code != SES_PI_EXTENSION)
				break;	/* SS-user references: skipped */
			if (vlen > SES_EXT_LEN_MAX)
				return -EBADMSG;
			memcpy(s->ext, v, vlen);
			s->ext_len = vlen;
			err = mark(s, SES_P_EXTENSION);
			break;
		case SES_PGI_CONN_ACCEPT:
			err = dec_accept_pi(s, code, v, vlen);
			break;
		case SES_PGI_LINKING:
			if (code == SES_PI_SERIAL)
				err = get_serial(s, SES_P_SERIAL, v, vlen,
						 &s->serial);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Each of PGI 1, 5 and 33 at most once per SPDU. */
static int group_once(u32 *groups, u8 pgi)
{
	u32 bit = pgi == SES_PGI_CONN_ID ? 1 :
		  pgi == SES_PGI_CONN_ACCEPT ? 2 : 4;

	if (*groups & bit)
		return -EBADMSG;
	*groups |= bit;
	return 0;
}

/* Only these SPDUs have a user information field after the parameters. */
static bool has_user_info(enum ses_spdu_type type)
{
	return type == SES_SPDU_DT || type == SES_SPDU_EX ||
	       type == SES_SPDU_TD;
}

/* The parameter field of one SPDU, [@p, @end). */
static int dec_params(struct ses_spdu *s, const u8 *p, const u8 *end)
{
	u32 groups = 0;

	while (p < end) {
		const u8 *v;
		size_t vlen;
		u8 code;
		int err;

		err = unit_get(p, end, &code, &v, &vlen);
		if (err)
			return err;
		p = v + vlen;
		switch (code) {
		case SES_PGI_CONN_ID:
		case SES_PGI_CONN_ACCEPT:
		case SES_PGI_LINKING:
			err = group_once(&groups, code);
			if (!err)
				err = dec_group(s, code, v, v + vlen);
			break;
		case SES_PGI_USER_DATA:
		case SES_PGI_EXT_USER_DATA:
			if (!has_user_info(s->type) && s->type != SES_SPDU_RF)
				err = set_user_data(s, v, vlen);
			break;
		default:
			err = dec_pi(s, code, v, vlen);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/*
 * Decode the SPDU at @p, which runs at most to @end, as @type. Sets *@next
 * to the first octet after it: its parameter field, or the end of the
 * TSDU for an SPDU with a user information field.
 */
static int dec_spdu(const u8 *p, const u8 *end, enum ses_spdu_type type,
		    struct ses_spdu *s, const u8 **next)
{
	const u8 *par, *pend;
	size_t plen;
	u8 si;
	int err;

	memset(s, 0, sizeof(*s));
	s->type = type;
	err = unit_get(p, end, &si, &par, &plen);
	if (err)
		return err;
	pend = par + plen;
	err = dec_params(s, par, pend);
	if (err)
		return err;
	if (has_user_info(type)) {
		/* Points at the field even when it is empty. */
		s->user_data = pend;
		s->user_data_len = end - pend;
		if (s->user_data_len)
			s->present |= SES_P_USER_DATA;
		pend = end;
	}
	*next = pend;
	return 0;
}

/* SPDUs that travel alone in a TSDU (X.225 6.3.7 category 1). */
static enum ses_spdu_type cat1_type(u8 si)
{
	switch (si) {
	case SES_SI_CN:		return SES_SPDU_CN;
	case SES_SI_AC:		return SES_SPDU_AC;
	case SES_SI_RF:		return SES_SPDU_RF;
	case SES_SI_FN:		return SES_SPDU_FN;
	case SES_SI_DN:		return SES_SPDU_DN;
	case SES_SI_NF:		return SES_SPDU_NF;
	case SES_SI_AB:		return SES_SPDU_AB;
	case SES_SI_AA:		return SES_SPDU_AA;
	case SES_SI_EX:		return SES_SPDU_EX;
	case SES_SI_TD:		return SES_SPDU_TD;
	case SES_SI_PR:		return SES_SPDU_PR;
	case SES_SI_GTC:	return SES_SPDU_GTC;
	case SES_SI_GTA:	return SES_SPDU_GTA;
	case SES_SI_CDO:	return SES_SPDU_CDO;
	case SES_SI_OA:		return SES_SPDU_OA;
	default:		return SES_SPDU_INVALID;
	}
}

/* SPDUs that follow a GT or PT in the same TSDU (category 2). */
static enum ses_spdu_type cat2_type(u8 si, u16 fu)
{
	bool act = fu & FU_ACTIVITY;

	switch (si) {
	case SES_SI_DT:		return SES_SPDU_DT;
	case SES_SI_MIP:	return SES_SPDU_MIP;
	case SES_SI_MIA:	return SES_SPDU_MIA;
	case SES_SI_MAP:
		return act ? SES_SPDU_AE : SES_SPDU_MAP;
	case SES_SI_MAA:
		return act ? SES_SPDU_AEA : SES_SPDU_MAA;
	case SES_SI_RS:		return SES_SPDU_RS;
	case SES_SI_RA:		return SES_SPDU_RA;
	case SES_SI_AS:		return SES_SPDU_AS;
	case SES_SI_AR:		return SES_SPDU_AR;
	case SES_SI_AB:		return SES_SPDU_AI;
	case SES_SI_AA:		return SES_SPDU_AIA;
	case SES_SI_AD:		return SES_SPDU_AD;
	case SES_SI_ADA:	return SES_SPDU_ADA;
	case SES_SI_CD:		return SES_SPDU_CD;
	case SES_SI_CDA:	return SES_SPDU_CDA;
	case SI_ER:		return SES_SPDU_ER;
	case SES_SI_ED:		return SES_SPDU_ED;
	default:		return SES_SPDU_INVALID;
	}
}

int ses_tsdu_decode(const u8 *buf, size_t len, u16 fu, struct ses_tsdu *out)
{
	const u8 *end, *next;
	enum ses_spdu_type type;
	int err;

	out->n = 0;
	if (len < 2)
		return -EBADMSG;
	end = buf + len;

	if (buf[0] == SES_SI_GT || buf[0] == SES_SI_PT) {
		type = buf[0] == SES_SI_GT ? SES_SPDU_GT : SES_SPDU_PT;
		err = dec_spdu(buf, end, type, &out->spdu[0], &next);
		if (err)
			return err;
		if (next == end) {
			out->n = 1;
			return 0;
		}
		type = cat2_type(next[0], fu);
		if (type == SES_SPDU_INVALID)
			return -EBADMSG;
		err = dec_spdu(next, end, type, &out->spdu[1], &next);
		if (err)
			return err;
		if (next != end)
			return -EBADMSG;
		out->n = 2;
		return 0;
	}

	type = cat1_type(buf[0]);
	if (type == SES_SPDU_INVALID)
		return -EBADMSG;
	err = dec_spdu(buf, end, type, &out->spdu[0], &next);
	if (err)
		return err;
	if (next != end)
		return -EBADMSG;
	out->n = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* SPDU encoding                                                       */
/* ------------------------------------------------------------------ */

/*
 * A bounded writer. Writes past @cap are dropped but counted, so the
 * same emit code first measures (cap 0) and then writes.
 */
struct wr {
	u8 *buf;
	size_t cap;
	size_t pos;
};

static void wr_u8(struct wr *w, u8 v)
{
	if (w->pos < w->cap)
		w->buf[w->pos] = v;
	w->pos++;
}

static void wr_bytes(struct wr *w, const u8 *p, size_t n)
{
	if (n && w->pos <= w->cap && n <= w->cap - w->pos)
		memcpy(w->buf + w->pos, p, n);
	w->pos += n;
}

static void wr_be16(struct wr *w, u16 v)
{
	wr_u8(w, v >> 8);
	wr_u8(w, v);
}

static size_t li_size(size_t n)
{
	return n <= LI_SHORT_MAX ? 1 : 3;
}

static size_t unit_size(size_t n)
{
	return 1 + li_size(n) + n;
}

static void wr_hdr(struct wr *w, u8 code, size_t n)
{
	wr_u8(w, code);
	if (n <= LI_SHORT_MAX) {
		wr_u8(w, n);
	} else {
		wr_u8(w, LI_LONG);
		wr_be16(w, n);
	}
}

static void wr_pi(struct wr *w, u8 code, const u8 *v, size_t n)
{
	wr_hdr(w, code, n);
	wr_bytes(w, v, n);
}

static void wr_pi8(struct wr *w, u8 code, u8 v)
{
	wr_hdr(w, code, 1);
	wr_u8(w, v);
}

/* Decimal ASCII without leading zeros; returns the digit count. */
static size_t fmt_serial(u32 v, u8 *out)
{
	u8 tmp[SES_SERIAL_DIGITS];
	size_t n = 0, i;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v && n < SES_SERIAL_DIGITS);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* CN and AC: X.225 8.3.1 and 8.3.4 parameter order. */
static void emit_connect(struct wr *w, const struct ses_spdu *s, bool ac)
{
	u32 p = s->present;
	u8 isn[SES_SERIAL_DIGITS];
	size_t isn_len = 0, n5 = 0;

	if (p & SES_P_EXTENSION) {
		wr_hdr(w, SES_PGI_CONN_ID, unit_size(s->ext_len));
		wr_pi(w, SES_PI_EXTENSION, s->ext, s->ext_len);
	}

	if (p & SES_P_PROTOCOL_OPTIONS)
		n5 += unit_size(1);
	if (p & SES_P_TSDU_MAX)
		n5 += unit_size(4);
	if (p & SES_P_VERSION)
		n5 += unit_size(1);
	if (p & SES_P_ISN) {
		isn_len = fmt_serial(s->isn, isn);
		n5 += unit_size(isn_len);
	}
	if (p & SES_P_TOKEN_SETTING)
		n5 += unit_size(1);
	if (n5) {
		wr_hdr(w, SES_PGI_CONN_ACCEPT, n5);
		if (p & SES_P_PROTOCOL_OPTIONS)
			wr_pi8(w, SES_PI_PROTOCOL_OPTIONS, s->protocol_options);
		if (p & SES_P_TSDU_MAX) {
			wr_hdr(w, SES_PI_TSDU_MAX, 4);
			wr_be16(w, s->tsdu_max_itor);
			wr_be16(w, s->tsdu_max_rtoi);
		}
		if (p & SES_P_VERSION)
			wr_pi8(w, SES_PI_VERSION, s->version);
		if (p & SES_P_ISN)
			wr_pi(w, SES_PI_ISN, isn, isn_len);
		if (p & SES_P_TOKEN_SETTING)
			wr_pi8(w, SES_PI_TOKEN_SETTING, s->token_setting);
	}

	if (ac && (p & SES_P_TOKEN_ITEM))
		wr_pi8(w, SES_PI_TOKEN_ITEM, s->token_item);
	if (p & SES_P_SUR) {
		wr_hdr(w, SES_PI_SUR, 2);
		wr_be16(w, s->sur);
	}
	if (p & SES_P_CALLING_SSEL)
		wr_pi(w, SES_PI_CALLING_SSEL, s->calling_ssel,
		      s->calling_ssel_len);
	if (p & SES_P_CALLED_SSEL)
		wr_pi(w, SES_PI_CALLED_SSEL, s->called_ssel,
		      s->called_ssel_len);
	if (!ac && (p & SES_P_DATA_OVERFLOW))
		wr_pi8(w, SES_PI_DATA_OVERFLOW, s->data_overflow);
	if (p & SES_P_USER_DATA)
		wr_pi(w, SES_PGI_USER_DATA, s->user_data, s->user_data_len);
}

/* RF: X.225 8.3.5; user data rides in the Reason Code after its octet. */
static void emit_refuse(struct wr *w, const struct ses_spdu *s)
{
	u32 p = s->present;

	if (p & SES_P_TRANSPORT_DISC)
		wr_pi8(w, SES_PI_TRANSPORT_DISC, s->transport_disc);
	if (p & SES_P_SUR) {
		wr_hdr(w, SES_PI_SUR, 2);
		wr_be16(w, s->sur);
	}
	if (p & SES_P_VERSION)
		wr_pi8(w, SES_PI_VERSION, s->version);
	if (p & SES_P_REASON) {
		size_t ud = (p & SES_P_USER_DATA) ? s->user_data_len : 0;

		wr_hdr(w, SES_PI_REASON, 1 + ud);
		wr_u8(w, s->reason);
		wr_bytes(w, s->user_data, ud);
	}
}

/* FN, DN, NF, AB, AA: optional Transport Disconnect, then user data. */
static void emit_release(struct wr *w, const struct ses_spdu *s, bool td)
{
	if (td && (s->present & SES_P_TRANSPORT_DISC))
		wr_pi8(w, SES_PI_TRANSPORT_DISC, s->transport_disc);
	if (s->present & SES_P_USER_DATA)
		wr_pi(w, SES_PGI_USER_DATA, s->user_data, s->user_data_len);
}

/* GT and PT (X.225 8.3.16, 8.3.17): Token Item; PT also user data. */
static void emit_tokens(struct wr *w, const struct ses_spdu *s)
{
	if (s->present & SES_P_TOKEN_ITEM)
		wr_pi8(w, SES_PI_TOKEN_ITEM, s->token_item);
	if (s->type == SES_SPDU_PT && (s->present & SES_P_USER_DATA))
		wr_pi(w, SES_PGI_USER_DATA, s->user_data, s->user_data_len);
}

static void emit_params(struct wr *w, const struct ses_spdu *s)
{
	switch (s->type) {
	case SES_SPDU_GT:
	case SES_SPDU_PT:
		emit_tokens(w, s);
		break;
	case SES_SPDU_CN:
		emit_connect(w, s, false);
		break;
	case SES_SPDU_AC:
		emit_connect(w, s, true);
		break;
	case SES_SPDU_RF:
		emit_refuse(w, s);
		break;
	case SES_SPDU_FN:
	case SES_SPDU_AB:
		emit_release(w, s, true);
		break;
	case SES_SPDU_DN:
	case SES_SPDU_NF:
		emit_release(w, s, false);
		break;
	default:
		/* AA, GTC, GTA: no parameters. */
		break;
	}
}

static int spdu_si(enum ses_spdu_type type)
{
	switch (type) {
	case SES_SPDU_CN:	return SES_SI_CN;
	case SES_SPDU_AC:	return SES_SI_AC;
	case SES_SPDU_RF:	return SES_SI_RF;
	case SES_SPDU_FN:	return SES_SI_FN;
	case SES_SPDU_DN:	return SES_SI_DN;
	case SES_SPDU_NF:	return SES_SI_NF;
	case SES_SPDU_AB:	return SES_SI_AB;
	case SES_SPDU_AA:	return SES_SI_AA;
	case SES_SPDU_GT:	return SES_SI_GT;
	case SES_SPDU_PT:	return SES_SI_PT;
	case SES_SPDU_GTC:	return SES_SI_GTC;
	case SES_SPDU_GTA:	return SES_SI_GTA;
	default:		return -EINVAL;
	}
}

static int encode_check(const struct ses_spdu *s)
{
	u32 p = s->present;

	if ((p & SES_P_ISN) && s->isn > SES_SERIAL_MAX)
		return -EINVAL;
	if ((p & SES_P_CALLING_SSEL) && s->calling_ssel_len > SES_SSEL_LEN_MAX)
		return -EINVAL;
	if ((p & SES_P_CALLED_SSEL) && s->called_ssel_len > SES_SSEL_LEN_MAX)
		return -EINVAL;
	if ((p & SES_P_EXTENSION) && s->ext_len > SES_EXT_LEN_MAX)
		return -EINVAL;
	if (p & SES_P_USER_DATA) {
		if (!s->user_data && s->user_data_len)
			return -EINVAL;
		if (s->user_data_len > LI_MAX)
			return -EINVAL;
		/* RF carries user data only behind a reason code. */
		if (s->type == SES_SPDU_RF && !(p & SES_P_REASON))
			return -EINVAL;
	}
	return 0;
}

int ses_spdu_encode(u8 *buf, size_t cap, const struct ses_spdu *s)
{
	struct wr w = { .buf = NULL, .cap = 0, .pos = 0 };
	size_t plen, total;
	int si, err;

	si = spdu_si(s->type);
	if (si < 0)
		return si;
	err = encode_check(s);
	if (err)
		return err;

	emit_params(&w, s);		/* measure */
	plen = w.pos;
	if (plen > LI_MAX)
		return -EINVAL;
	total = unit_size(plen);
	if (total > cap)
		return -ENOSPC;

	w.buf = buf;
	w.cap = cap;
	w.pos = 0;
	wr_hdr(&w, si, plen);
	emit_params(&w, s);
	return w.pos;
}

int ses_dt_prefix(u8 *buf, bool segmented, u8 enclosure)
{
	buf[0] = SES_SI_GT;
	buf[1] = 0;
	buf[2] = SES_SI_DT;
	if (!segmented) {
		buf[3] = 0;
		return 4;
	}
	buf[3] = 3;
	buf[4] = SES_PI_ENCLOSURE;
	buf[5] = 1;
	buf[6] = enclosure;
	return SES_DT_PREFIX_MAX;
}

static const char *const spdu_names[SES_SPDU_NTYPES] = {
	[SES_SPDU_INVALID] = "??",
	[SES_SPDU_CN] = "CN", [SES_SPDU_AC] = "AC", [SES_SPDU_RF] = "RF",
	[SES_SPDU_FN] = "FN", [SES_SPDU_DN] = "DN", [SES_SPDU_NF] = "NF",
	[SES_SPDU_AB] = "AB", [SES_SPDU_AA] = "AA", [SES_SPDU_DT] = "DT",
	[SES_SPDU_GT] = "GT", [SES_SPDU_PT] = "PT", [SES_SPDU_EX] = "EX",
	[SES_SPDU_TD] = "TD", [SES_SPDU_CD] = "CD", [SES_SPDU_CDA] = "CDA",
	[SES_SPDU_GTC] = "GTC", [SES_SPDU_GTA] = "GTA",
	[SES_SPDU_MIP] = "MIP", [SES_SPDU_MIA] = "MIA",
	[SES_SPDU_MAP] = "MAP", [SES_SPDU_MAA] = "MAA",
	[SES_SPDU_RS] = "RS", [SES_SPDU_RA] = "RA", [SES_SPDU_PR] = "PR",
	[SES_SPDU_ER] = "ER", [SES_SPDU_ED] = "ED", [SES_SPDU_AS] = "AS",
	[SES_SPDU_AR] = "AR", [SES_SPDU_AI] = "AI", [SES_SPDU_AIA] = "AIA",
	[SES_SPDU_AD] = "AD", [SES_SPDU_ADA] = "ADA",
	[SES_SPDU_AE] = "AE", [SES_SPDU_AEA] = "AEA",
	[SES_SPDU_CDO] = "CDO", [SES_SPDU_OA] = "OA",
};

const char *ses_spdu_name(enum ses_spdu_type type)
{
	if ((unsigned int)type >= SES_SPDU_NTYPES || !spdu_names[type])
		return "??";
	return spdu_names[type];
}
